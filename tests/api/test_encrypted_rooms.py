"""Encrypted rooms need nothing special from the server: `m.room.encryption` is ordinary
state and `m.room.encrypted` an ordinary event whose content is stored as sent."""

from tests.helpers import joined_room_with


def test_encrypted_rooms_accept_m_room_encryption_and_m_room_encrypted(server, alice, bob):
    room_id = joined_room_with(alice, bob, initial_state=[{
        "type": "m.room.encryption", "state_key": "",
        "content": {"algorithm": "m.megolm.v1.aes-sha2"}}])
    state = alice.get(f"/rooms/{room_id}/state/m.room.encryption")
    assert state.json() == {"algorithm": "m.megolm.v1.aes-sha2"}
    encrypted = {"algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "AwgAEn...",
                 "device_id": bob.device_id, "sender_key": "c2VuZGVy", "session_id": "s1"}
    resp = bob.put(f"/rooms/{room_id}/send/m.room.encrypted/e1", encrypted)
    assert resp.status_code == 200, resp.text
    event = alice.get(f"/rooms/{room_id}/event/{resp.json()['event_id']}").json()
    assert event["type"] == "m.room.encrypted" and event["content"] == encrypted
