"""Uploads (spec: POST /_matrix/media/v3/upload, /media/config): storage, limits, dedup."""

import hashlib
import socket
import time

import httpx

from tests.api.media_helpers import (
    MEDIA1,
    MEDIA3,
    download,
    image_bytes,
    media_files,
    new_media_files,
    private_server,
    upload,
    upload_ok,
)
from tests.helpers import assert_matrix_error, register

limited_server = private_server(
    media_max_upload_size="64K", media_max_bytes_per_user="100K",
    media_allowed_content_types="image/*, text/*, application/octet-stream, application/x-*",
    media_refused_content_types="text/html, application/x-*")


def test_upload_then_download_gives_the_same_bytes_and_type(alice):
    data = image_bytes(40, 30)
    media_id = upload_ok(alice, data, "image/png", "photo.png")
    resp = download(alice, media_id)
    assert resp.status_code == 200
    assert resp.content == data
    assert resp.headers["content-type"] == "image/png"
    assert resp.headers["content-disposition"] == 'inline; filename="photo.png"'


def test_another_user_can_download_and_the_override_name_is_used(alice, bob):
    media_id = upload_ok(alice, b"hello world", "text/plain", "a.txt")
    resp = bob.get(f"{MEDIA1}/download/localhost/{media_id}/other%20name.txt")
    assert resp.status_code == 200 and resp.content == b"hello world"
    assert resp.headers["content-disposition"] == 'inline; filename="other name.txt"'


def test_upload_without_content_type_or_filename_is_octet_stream_without_name(alice):
    media_id = upload_ok(alice, b"\x00\x01binary", content_type=None)
    resp = download(alice, media_id)
    assert resp.headers["content-type"] == "application/octet-stream"
    assert resp.headers["content-disposition"] == "attachment"


def test_non_ascii_file_names_are_escaped_per_rfc_6266(alice):
    media_id = upload_ok(alice, b"x", "text/plain", 'r\u00e9sum\u00e9 "final".txt')
    disposition = download(alice, media_id).headers["content-disposition"]
    assert disposition == "inline; filename*=utf-8''r%C3%A9sum%C3%A9%20%22final%22.txt"


def test_the_same_bytes_are_stored_once(server, alice):
    data = image_bytes(64, 48, "PNG", compress_level=1)
    before = media_files(server.data_dir)
    first = upload_ok(alice, data, "image/png", "one.png")
    second = upload_ok(alice, data, "image/png", "two.png")
    assert first != second
    added = new_media_files(server.data_dir, before)
    assert [f.name for f in added] == [hashlib.sha256(data).hexdigest()]
    assert download(alice, first).headers["content-disposition"].endswith('"one.png"')
    assert download(alice, second).headers["content-disposition"].endswith('"two.png"')


def test_config_reports_the_upload_limit_and_needs_auth(server, alice):
    resp = alice.get(f"{MEDIA1}/config")
    assert resp.status_code == 200 and resp.json() == {"m.upload.size": 50 * 1024 * 1024}
    assert alice.get(f"{MEDIA3}/config").json() == {"m.upload.size": 50 * 1024 * 1024}
    assert_matrix_error(httpx.get(f"{server.url}{MEDIA1}/config"), 401, "M_MISSING_TOKEN")


def test_authenticated_endpoints_refuse_requests_without_a_token(server, alice):
    media_id = upload_ok(alice, image_bytes(8, 8))
    for path in (f"{MEDIA1}/download/localhost/{media_id}",
                 f"{MEDIA1}/download/localhost/{media_id}/x.png",
                 f"{MEDIA1}/thumbnail/localhost/{media_id}?width=8&height=8",
                 f"{MEDIA1}/preview_url?url=https://example.org/"):
        assert_matrix_error(httpx.get(server.url + path), 401, "M_MISSING_TOKEN")
    resp = httpx.post(f"{server.url}{MEDIA3}/upload", content=b"x")
    assert_matrix_error(resp, 401, "M_MISSING_TOKEN")
    resp = httpx.get(f"{server.url}{MEDIA1}/download/localhost/{media_id}",
                     headers={"Authorization": "Bearer nope"})
    assert_matrix_error(resp, 401, "M_UNKNOWN_TOKEN")


def test_too_large_uploads_are_refused_and_leave_nothing_on_disk(limited_server):
    user = register(limited_server.url)
    before = media_files(limited_server.data_dir)
    assert user.get(f"{MEDIA1}/config").json() == {"m.upload.size": 65536}
    # Declared too large: refused before the body is read.
    assert_matrix_error(upload(user, b"x" * 70_000), 413, "M_TOO_LARGE")

    # No length declared (chunked): cut off while streaming, at the limit.
    def chunks():
        for _ in range(64):
            yield b"y" * 16_384

    resp = user.http.post(f"{MEDIA3}/upload", content=chunks(),
                          headers={"Content-Type": "application/octet-stream"})
    assert_matrix_error(resp, 413, "M_TOO_LARGE")
    assert new_media_files(limited_server.data_dir, before) == []
    upload_ok(user, b"z" * 65536, "application/octet-stream")  # exactly the limit is fine
    assert len(new_media_files(limited_server.data_dir, before)) == 1


def test_quota_and_refused_content_types_give_forbidden(limited_server):
    user = register(limited_server.url)
    assert_matrix_error(upload(user, b"<p>", "text/html"), 403, "M_FORBIDDEN")
    assert_matrix_error(upload(user, b"x", "application/x-msdownload"), 403, "M_FORBIDDEN")
    assert_matrix_error(upload(user, b"%PDF-1.4", "application/pdf"), 403, "M_FORBIDDEN")
    upload_ok(user, b"a" * 60_000, "text/plain")
    assert_matrix_error(upload(user, b"b" * 60_000, "text/plain"), 403, "M_FORBIDDEN")
    upload_ok(user, b"c" * 42_400, "text/plain")  # exactly what is left of 100 KiB
    assert_matrix_error(upload(user, b"d", "text/plain"), 403, "M_FORBIDDEN")
    assert_matrix_error(user.post("/_matrix/media/v1/create"), 403, "M_FORBIDDEN")
    upload_ok(register(limited_server.url), b"b" * 60_000, "text/plain")  # quotas are per user


def test_media_ids_with_path_characters_are_refused(server, alice):
    upload_ok(alice, b"secret")
    for media_id in ("...", "%2E%2E", "a.b", "abc%00", "%C0%AE%C0%AE", "abc%20def", "\u00e9"):
        resp = download(alice, media_id)
        assert_matrix_error(resp, 404, "M_NOT_FOUND")
        resp = alice.http.put(f"{MEDIA3}/upload/localhost/{media_id}", content=b"x")
        assert_matrix_error(resp, 404, "M_NOT_FOUND")
    # Encoded slashes never reach the media ID: no route matches.
    resp = alice.get(f"{MEDIA1}/download/localhost/..%2F..%2Fcloseserver.toml")
    assert resp.status_code == 404
    assert_matrix_error(download(alice, "../../closedserver.toml"), 404, "M_UNRECOGNIZED")


def test_media_of_other_servers_is_not_found_without_any_request(alice):
    for server_name in ("matrix.org", "127.0.0.1:1", "localhost:8448"):
        resp = alice.get(f"{MEDIA1}/download/{server_name}/abcdef")
        assert_matrix_error(resp, 404, "M_NOT_FOUND")
        resp = alice.get(f"{MEDIA1}/thumbnail/{server_name}/abcdef?width=32&height=32")
        assert_matrix_error(resp, 404, "M_NOT_FOUND")


def test_unknown_media_is_not_found(alice):
    assert_matrix_error(download(alice, "NoSuchMediaHere"), 404, "M_NOT_FOUND")


def test_an_interrupted_upload_leaves_no_file_and_no_error(server, alice):
    before = media_files(server.data_dir)
    tracebacks = server.log().count("Traceback")
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(f"POST {MEDIA3}/upload HTTP/1.1\r\nHost: localhost\r\n"
                     f"Authorization: Bearer {alice.access_token}\r\n"
                     "Content-Type: application/octet-stream\r\n"
                     "Content-Length: 5000000\r\n\r\n".encode())
        sock.sendall(b"partial!" * 300_000)  # 2.4 MB: written to a temp file already
        time.sleep(0.5)
    deadline = time.monotonic() + 5
    while media_files(server.data_dir) != before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert media_files(server.data_dir) == before
    assert server.log().count("Traceback") == tracebacks
    assert upload(alice, b"after", "text/plain").status_code == 200
