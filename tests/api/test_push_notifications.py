"""Push rule evaluation at event time, unread counts and GET /notifications (CS API push
module: "Receiving notifications", "Marking notifications as read", "Listing
Notifications"; notifications.yaml)."""

import httpx
import pytest

from closedserver.matrix.push import default_rules
from tests.api.push_support import counts_of, create_room, send, unread
from tests.helpers import assert_matrix_error, register

MENTION = ["notify", {"set_tweak": "sound", "value": "default"}, {"set_tweak": "highlight"}]
ZERO = {"notification_count": 0, "highlight_count": 0}


@pytest.fixture
def carol(server):
    return register(server.url)


def test_a_mention_highlights_and_the_users_own_message_clears_it(server, alice, bob, carol):
    room_id = create_room(alice, bob, carol)
    send(bob, room_id, "hi all")
    event_id = send(bob, room_id, "alice, look", **{"m.mentions": {"user_ids": [alice.user_id]}})
    assert unread(server, alice, room_id) == {"notification_count": 2, "highlight_count": 1}
    assert unread(server, carol, room_id) == {"notification_count": 2, "highlight_count": 0}
    assert unread(server, bob, room_id) == ZERO  # nothing for one's own messages
    notifications = alice.get("/notifications").json()["notifications"]
    assert len(notifications) == 2
    newest = notifications[0]
    assert newest["event"]["event_id"] == event_id
    assert newest["actions"] == MENTION
    assert newest["read"] is False and newest["room_id"] == room_id
    assert newest["event"]["content"]["body"] == "alice, look"
    assert "room_id" not in newest["event"]
    assert newest["ts"] == newest["event"]["origin_server_ts"]
    send(alice, room_id, "seen")
    assert unread(server, alice, room_id) == ZERO
    assert all(n["read"] for n in alice.get("/notifications").json()["notifications"])
    assert unread(server, carol, room_id) == {"notification_count": 3, "highlight_count": 0}


def test_one_to_one_messages_notify_with_sound_and_notices_do_not_notify(server, alice, bob):
    room_id = create_room(alice, bob)
    send(bob, room_id, "psst")
    send(bob, room_id, "bot says", msgtype="m.notice")
    assert unread(server, alice, room_id) == {"notification_count": 1, "highlight_count": 0}
    [notification] = alice.get("/notifications").json()["notifications"]
    assert notification["actions"] == ["notify", {"set_tweak": "sound", "value": "default"}]


def test_only_highlight_and_pagination(server, alice, bob, carol):
    room_id = create_room(alice, bob, carol)
    sent = [send(bob, room_id, f"message {i}") for i in range(3)]
    mention = send(bob, room_id, "hey", **{"m.mentions": {"user_ids": [alice.user_id]}})
    page = alice.get("/notifications", params={"limit": 3}).json()
    assert [n["event"]["event_id"] for n in page["notifications"]] == [mention, *sent[:0:-1]]
    rest = alice.get("/notifications", params={"limit": 3, "from": page["next_token"]}).json()
    assert [n["event"]["event_id"] for n in rest["notifications"]] == [sent[0]]
    assert "next_token" not in rest
    highlights = alice.get("/notifications", params={"only": "highlight"}).json()
    assert [n["event"]["event_id"] for n in highlights["notifications"]] == [mention]
    assert_matrix_error(alice.get("/notifications", params={"from": "nonsense"}), 400,
                        "M_INVALID_PARAM")


def test_user_rules_change_what_notifies(server, alice, bob, carol):
    room_id = create_room(alice, bob, carol)
    alice.put(f"/pushrules/global/room/{room_id}", {"actions": []})
    send(bob, room_id, "quiet please")
    assert unread(server, alice, room_id) == ZERO
    alice.put("/pushrules/global/content/cake",
              {"pattern": "cake", "actions": ["notify", {"set_tweak": "highlight"}]})
    send(bob, room_id, "There is CAKE!")  # content rules come before room rules
    assert unread(server, alice, room_id) == {"notification_count": 1, "highlight_count": 1}
    carol.put("/pushrules/global/override/.m.rule.master/enabled", {"enabled": True})
    send(bob, room_id, "anyone?", **{"m.mentions": {"user_ids": [carol.user_id]}})
    assert unread(server, carol, room_id) == {"notification_count": 2, "highlight_count": 0}


def test_room_mentions_need_the_senders_notification_power(server, alice, bob, carol):
    room_id = create_room(alice, bob, carol)
    send(bob, room_id, "@room hello", **{"m.mentions": {"room": True}})  # bob has level 0
    send(alice, room_id, "@room really", **{"m.mentions": {"room": True}})  # creator: 100
    assert unread(server, carol, room_id) == {"notification_count": 2, "highlight_count": 1}


def test_an_invite_notifies_the_invitee(server, alice, carol):
    room_id = create_room(alice)
    assert alice.post(f"/rooms/{room_id}/invite", {"user_id": carol.user_id}).status_code == 200
    assert unread(server, carol, room_id) == {"notification_count": 1, "highlight_count": 0}
    # Once carol joined, the invite is listed (and read: her join came after it).
    assert carol.post(f"/rooms/{room_id}/join").status_code == 200
    [notification] = carol.get("/notifications").json()["notifications"]
    assert notification["event"]["type"] == "m.room.member"
    assert notification["event"]["state_key"] == carol.user_id
    assert notification["actions"] == default_rules(carol.user_id)["override"][2]["actions"]
    assert notification["read"] is True


def test_a_redacted_message_no_longer_counts(server, alice, bob, carol):
    room_id = create_room(alice, bob, carol)
    event_id = send(bob, room_id, "oops", **{"m.mentions": {"user_ids": [alice.user_id]}})
    assert unread(server, alice, room_id)["highlight_count"] == 1
    assert bob.put(f"/rooms/{room_id}/redact/{event_id}/r1", {}).status_code == 200
    assert unread(server, alice, room_id) == ZERO
    assert alice.get("/notifications").json()["notifications"] == []


def test_thread_counts_are_kept_apart_from_the_main_timeline(server, alice, bob, carol):
    room_id = create_room(alice, bob, carol)
    root = send(bob, room_id, "thread root")
    thread = {"m.relates_to": {"rel_type": "m.thread", "event_id": root}}
    reply = send(bob, room_id, "in thread", **thread)
    send(bob, room_id, "also in thread", **thread,
         **{"m.mentions": {"user_ids": [alice.user_id]}})
    # An edit of a thread reply belongs to the thread too (relations are followed).
    send(bob, room_id, "* in thread!", **{"m.new_content": {"msgtype": "m.text", "body": "x"},
                                           "m.relates_to": {"rel_type": "m.replace",
                                                            "event_id": reply}})
    with counts_of(server) as counts:
        main, threads = counts.unread_counts(alice.user_id, room_id, by_thread=True)
        total, _ = counts.unread_counts(alice.user_id, room_id)
    assert main == {"notification_count": 1, "highlight_count": 0}
    assert threads == {root: {"notification_count": 2, "highlight_count": 1}}
    assert total == {"notification_count": 3, "highlight_count": 1}
    # Sending reads the whole room up to the new event (like an unthreaded receipt).
    send(alice, room_id, "answering in the thread", **thread)
    assert unread(server, alice, room_id) == ZERO


def test_notifications_need_an_access_token(server):
    resp = httpx.get(f"{server.url}/_matrix/client/v3/notifications")
    assert_matrix_error(resp, 401, "M_MISSING_TOKEN")
