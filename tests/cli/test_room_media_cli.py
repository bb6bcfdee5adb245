"""Media seen by the room admin commands: counts in `room show`, media left or deleted by
`room purge`, media files in `server backup`."""

from tests.api.media_helpers import MEDIA1, image_bytes, upload_ok
from tests.cli.admin_helpers import cli_json, cli_ok
from tests.helpers import create_room, joined_room_with, register


def _send_image(user, room_id: str, media_id: str, txn: str) -> None:
    content = {"msgtype": "m.image", "body": "pic.png", "url": f"mxc://localhost/{media_id}"}
    resp = user.put(f"/rooms/{room_id}/send/m.room.message/{txn}", content)
    assert resp.status_code == 200, resp.text


def test_room_show_counts_media_and_purge_deletes_only_what_nothing_else_uses(server, alice,
                                                                               bob):
    room_id = joined_room_with(alice, bob)
    only_here = upload_ok(bob, image_bytes(32, 32))
    shared = upload_ok(bob, image_bytes(40, 40))
    avatar = upload_ok(alice, image_bytes(48, 48))
    _send_image(bob, room_id, only_here, "m1")
    _send_image(bob, room_id, shared, "m2")
    _send_image(alice, room_id, avatar, "m3")
    elsewhere = create_room(bob)
    _send_image(bob, elsewhere, shared, "m4")
    assert alice.put(f"/profile/{alice.user_id}/avatar_url",
                     {"avatar_url": f"mxc://localhost/{avatar}"}).status_code == 200
    shown = cli_json(server, "room", "show", room_id)
    assert (shown["events_with_media"], shown["local_media"]) == (3, 3)

    cli_ok(server, "room", "shutdown", room_id, "--yes")
    purged = cli_json(server, "room", "purge", room_id, "--delete-media", "--yes")
    assert purged["unreferenced_local_media"] == [only_here] and purged["deleted_media"] == 1
    assert bob.get(f"{MEDIA1}/download/localhost/{only_here}").status_code == 404
    for kept in (shared, avatar):
        assert bob.get(f"{MEDIA1}/download/localhost/{kept}").status_code == 200


def test_purge_keeps_media_unless_asked(server, alice):
    room_id = create_room(alice)
    media_id = upload_ok(alice, image_bytes(16, 16))
    _send_image(alice, room_id, media_id, "k1")
    cli_ok(server, "room", "shutdown", room_id, "--yes")
    result = server.cli("room", "purge", room_id, "--yes")
    assert result.returncode == 0 and media_id in result.stdout and "--delete-media" in \
        result.stdout
    assert alice.get(f"{MEDIA1}/download/localhost/{media_id}").status_code == 200


def test_backup_copies_the_media_store(make_server, tmp_path):
    private = make_server()
    user = register(private.url)
    upload_ok(user, image_bytes(24, 24))
    manifest = cli_json(private, "server", "backup", str(tmp_path / "b"))
    assert manifest["media_files"] >= 1 and manifest["media_bytes"] > 0
    copied = [p for p in (tmp_path / "b" / manifest["media"]).rglob("*") if p.is_file()]
    assert len(copied) == manifest["media_files"]
