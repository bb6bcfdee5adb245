"""What /sync will read from the E2EE services, checked on the real server's SQLite file:
one-time key counts, unused fallback key types, device-list changes, to-device inboxes.

The HTTP side goes through the running server; the reads go through the same services
built on the same data dir (as the admin CLI does).
"""

import httpx

from closedserver.homeserver import HomeServer
from closedserver.storage.database import current_stream_position
from tests.api.e2ee_keys import TestDevice
from tests.helpers import C3, login


def position(hs: HomeServer) -> int:
    return current_stream_position(hs.db.conn)


def claim(client, user_id: str, device_id: str) -> dict:
    resp = client.post("/keys/claim", {"one_time_keys": {user_id: {device_id:
                                                                   "signed_curve25519"}}})
    return resp.json()["one_time_keys"][user_id][device_id]


def test_one_time_key_counts_and_unused_fallback_key_types(hs, alice, bob):
    device = TestDevice(alice.user_id, alice.device_id)
    assert hs.keys.unused_fallback_key_types(alice.user_id, alice.device_id) == []
    fallback = device.fallback_key()
    alice.post("/keys/upload", {"one_time_keys": device.one_time_keys(2),
                                "fallback_keys": fallback})
    assert hs.keys.one_time_key_counts(alice.user_id, alice.device_id) == {
        "signed_curve25519": 2}
    assert hs.keys.unused_fallback_key_types(alice.user_id, alice.device_id) == [
        "signed_curve25519"]
    claim(bob, alice.user_id, alice.device_id)
    claim(bob, alice.user_id, alice.device_id)
    assert hs.keys.one_time_key_counts(alice.user_id, alice.device_id) == {
        "signed_curve25519": 0}
    assert claim(bob, alice.user_id, alice.device_id) == fallback
    assert hs.keys.unused_fallback_key_types(alice.user_id, alice.device_id) == []
    # Uploading the same fallback key again does not make it unused; a new one does.
    alice.post("/keys/upload", {"fallback_keys": fallback})
    assert hs.keys.unused_fallback_key_types(alice.user_id, alice.device_id) == []
    alice.post("/keys/upload", {"fallback_keys": device.fallback_key()})
    assert hs.keys.unused_fallback_key_types(alice.user_id, alice.device_id) == [
        "signed_curve25519"]


def test_device_list_changes_on_new_device_keys_and_deletion(server, hs, alice, bob):
    before = position(hs)
    second = login(server.url, alice.localpart).json()
    after_login = position(hs)
    assert alice.user_id in hs.device_lists.users_with_changed_devices(before, after_login)
    assert bob.user_id not in hs.device_lists.users_with_changed_devices(before, after_login)

    device = TestDevice(alice.user_id, alice.device_id)
    alice.post("/keys/upload", {"device_keys": device.device_keys()})
    after_keys = position(hs)
    assert hs.device_lists.users_with_changed_devices(after_login, after_keys) == {
        alice.user_id}

    alice.post("/keys/upload", {"one_time_keys": device.one_time_keys(3)})
    assert hs.device_lists.users_with_changed_devices(after_keys, position(hs)) == set()

    alice.post("/delete_devices", {"devices": [second["device_id"]],
                                   "auth": alice.password_auth()})
    assert hs.device_lists.users_with_changed_devices(after_keys, position(hs)) == {
        alice.user_id}


def test_logout_deletes_the_device_keys(server, hs, alice):
    second = login(server.url, alice.localpart).json()
    headers = {"Authorization": f"Bearer {second['access_token']}"}
    device = TestDevice(alice.user_id, second["device_id"])
    httpx.post(f"{server.url}{C3}/keys/upload", headers=headers, json={
        "device_keys": device.device_keys(), "one_time_keys": device.one_time_keys(4),
        "fallback_keys": device.fallback_key()})
    assert hs.keys.one_time_key_counts(alice.user_id, second["device_id"])[
        "signed_curve25519"] == 4
    before = position(hs)
    httpx.post(f"{server.url}{C3}/logout", headers=headers)
    assert alice.user_id in hs.device_lists.users_with_changed_devices(before, position(hs))
    assert hs.keys.one_time_key_counts(alice.user_id, second["device_id"]) == {
        "signed_curve25519": 0}
    assert hs.keys.unused_fallback_key_types(alice.user_id, second["device_id"]) == []
    shown = alice.post("/keys/query", {"device_keys": {alice.user_id: []}}).json()
    assert second["device_id"] not in shown["device_keys"][alice.user_id]


def test_cli_logout_deletes_keys_and_inbox_and_records_the_change(server, hs, alice, bob):
    device = TestDevice(alice.user_id, alice.device_id)
    alice.post("/keys/upload", {"device_keys": device.device_keys(),
                                "one_time_keys": device.one_time_keys(2)})
    bob.put("/sendToDevice/m.test/cli", {"messages": {alice.user_id: {"*": {"x": 1}}}})
    before = position(hs)
    result = server.cli("user", "logout", alice.localpart, "--device", alice.device_id)
    assert result.returncode == 0, result.stderr
    assert alice.user_id in hs.device_lists.users_with_changed_devices(before, position(hs))
    assert hs.keys.one_time_key_counts(alice.user_id, alice.device_id) == {
        "signed_curve25519": 0}
    events, _ = hs.to_device.to_device_for_sync(alice.user_id, alice.device_id, 0,
                                                position(hs))
    assert events == []
    shown = bob.post("/keys/query", {"device_keys": {alice.user_id: []}}).json()
    assert shown["device_keys"][alice.user_id] == {}
