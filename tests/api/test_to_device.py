"""PUT /sendToDevice/{eventType}/{txnId}: request checks (delivery is in tests/services)."""

from tests.helpers import assert_matrix_error


def test_send_to_device_answers_empty_object(server, alice, bob):
    resp = alice.put("/sendToDevice/m.test/txn1",
                     {"messages": {bob.user_id: {bob.device_id: {"hello": "bob"}}}})
    assert resp.status_code == 200 and resp.json() == {}


def test_unknown_users_devices_and_remote_users_are_ignored(server, alice, bob):
    resp = alice.put("/sendToDevice/m.test/txn2", {"messages": {
        "@nobody:localhost": {"*": {}}, bob.user_id: {"NODEVICE": {}},
        "@carol:elsewhere.example": {"DEV": {"x": 1}}}})
    assert resp.status_code == 200
    assert "to remote user @carol:elsewhere.example" in server.log()


def test_send_to_device_errors(server, alice, bob):
    assert_matrix_error(alice.put("/sendToDevice/m.test/t3", {}), 400, "M_MISSING_PARAM")
    bad = {"messages": {bob.user_id: {bob.device_id: "not an object"}}}
    assert_matrix_error(alice.put("/sendToDevice/m.test/t4", bad), 400, "M_BAD_JSON")
    bad = {"messages": {bob.user_id: ["x"]}}
    assert_matrix_error(alice.put("/sendToDevice/m.test/t5", bad), 400, "M_BAD_JSON")
    bad = {"messages": {"not-a-user": {"D": {}}}}
    assert_matrix_error(alice.put("/sendToDevice/m.test/t6", bad), 400, "M_INVALID_PARAM")
    assert_matrix_error(alice.post("/sendToDevice/m.test/t7", {"messages": {}}), 405,
                        "M_UNRECOGNIZED")


def test_the_same_txn_id_on_another_event_type_is_a_new_request(server, alice, bob):
    """Spec ("Transaction identifiers"): a retransmission repeats the txn ID *and* the path."""
    token = bob.get("/sync", params={"timeout": 0}).json()["next_batch"]
    for event_type in ("org.example.one", "org.example.two"):
        resp = alice.put(f"/sendToDevice/{event_type}/same-txn",
                         {"messages": {bob.user_id: {bob.device_id: {"t": event_type}}}})
        assert resp.status_code == 200
    events = bob.get("/sync", params={"since": token, "timeout": 0}).json()["to_device"]
    assert [e["type"] for e in events["events"]] == ["org.example.one", "org.example.two"]
