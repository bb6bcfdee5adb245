"""`closedserver media ...` against a running server (as a separate process, like an admin)."""

import json

from tests.api.media_helpers import (
    download,
    image_bytes,
    media_files,
    new_media_files,
    private_server,
    thumbnail,
    upload_ok,
)
from tests.helpers import assert_matrix_error, register

# This module's own server: purges and statistics see only this module's media.
media_server = private_server()


def cli_ok(server, *args):
    result = server.cli(*args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_list_shows_media_with_user_filter_and_json(media_server):
    alice, bob = register(media_server.url), register(media_server.url)
    a = upload_ok(alice, b"alice's", "text/plain", "a.txt")
    b = upload_ok(bob, image_bytes(10, 10), "image/png")
    rows = json.loads(cli_ok(media_server, "media", "list", "--json", "--limit", "2"))
    assert [r["mxc"] for r in rows] == [f"mxc://localhost/{b}", f"mxc://localhost/{a}"]
    assert rows[1] | {"created_ts": 0, "sha256": ""} == {
        "mxc": f"mxc://localhost/{a}", "user_id": alice.user_id, "content_type": "text/plain",
        "size": 7, "filename": "a.txt", "created_ts": 0, "status": "uploaded", "sha256": ""}
    rows = json.loads(cli_ok(media_server, "media", "list", "--user", bob.localpart, "--json"))
    assert [r["mxc"] for r in rows] == [f"mxc://localhost/{b}"]
    table = cli_ok(media_server, "media", "list")
    assert f"mxc://localhost/{a}" in table and "text/plain" in table


def test_delete_removes_the_file_only_when_no_other_media_uses_it(media_server):
    user = register(media_server.url)
    data = image_bytes(300, 302)
    before = media_files(media_server.data_dir)
    first, second = upload_ok(user, data), upload_ok(user, data)
    assert thumbnail(user, first, width=96, height=96, method="crop").status_code == 200
    assert len(new_media_files(media_server.data_dir, before)) == 2  # original + thumbnail
    cli_ok(media_server, "media", "delete", f"mxc://localhost/{first}", "--yes")
    assert_matrix_error(download(user, first), 404, "M_NOT_FOUND")
    assert download(user, second).content == data
    assert len(new_media_files(media_server.data_dir, before)) == 2
    cli_ok(media_server, "media", "delete", second, "--yes")
    assert new_media_files(media_server.data_dir, before) == []


def test_delete_asks_first_and_reports_unknown_media(media_server):
    user = register(media_server.url)
    media_id = upload_ok(user, b"keep me", "text/plain")
    refused = media_server.cli("media", "delete", f"mxc://localhost/{media_id}")
    assert refused.returncode == 1 and "--yes" in refused.stderr
    assert download(user, media_id).status_code == 200
    for mxc in ("mxc://localhost/nothing", "mxc://other.org/abc", "mxc://localhost/../etc"):
        result = media_server.cli("media", "delete", mxc, "--yes")
        assert result.returncode == 1 and result.stderr.startswith("error: "), result.stderr


def test_quarantine_hides_media_until_lifted(media_server):
    user = register(media_server.url)
    media_id = upload_ok(user, image_bytes(100, 100))
    cli_ok(media_server, "media", "quarantine", f"mxc://localhost/{media_id}")
    assert_matrix_error(download(user, media_id), 404, "M_NOT_FOUND")
    assert_matrix_error(thumbnail(user, media_id, width=32, height=32), 404, "M_NOT_FOUND")
    rows = json.loads(cli_ok(media_server, "media", "list", "--json"))
    assert rows[0]["status"] == "quarantined"
    cli_ok(media_server, "media", "unquarantine", f"mxc://localhost/{media_id}")
    assert download(user, media_id).status_code == 200


def test_stats_counts_media_files_and_users(media_server):
    def stats():
        return json.loads(cli_ok(media_server, "media", "stats", "--json"))

    before = stats()
    alice, bob = register(media_server.url), register(media_server.url)
    data = image_bytes(200, 203)
    upload_ok(alice, data)
    upload_ok(alice, data)
    upload_ok(bob, b"x" * 1000, "text/plain")
    after = stats()
    assert after["media"] - before["media"] == 3
    assert after["files"] - before["files"] == 2
    assert after["media_bytes"] - before["media_bytes"] == 2 * len(data) + 1000
    assert after["file_bytes"] - before["file_bytes"] == len(data) + 1000
    assert {"user_id": alice.user_id, "media": 2, "bytes": 2 * len(data)} in after["top_users"]
    assert "top users" in cli_ok(media_server, "media", "stats")


def test_purge_deletes_old_media_with_progress(media_server):
    user = register(media_server.url)
    for n in range(3):
        upload_ok(user, f"file {n}".encode(), "text/plain")
    out = cli_ok(media_server, "media", "purge", "--older-than", "90d", "--yes")
    assert "no media older than 90d" in out
    out = cli_ok(media_server, "media", "purge", "--older-than", "1ms", "--remote", "--yes")
    assert "purged 0 remote media" in out
    assert len(media_files(media_server.data_dir)) >= 3
    out = cli_ok(media_server, "media", "purge", "--older-than", "1ms", "--yes")
    assert "purged" in out
    assert media_files(media_server.data_dir) == []
    assert json.loads(cli_ok(media_server, "media", "list", "--json")) == []
    bad = media_server.cli("media", "purge", "--older-than", "soon", "--yes")
    assert bad.returncode == 1 and "--older-than" in bad.stderr
