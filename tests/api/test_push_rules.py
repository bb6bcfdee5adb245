"""Push rules over HTTP (CS API "Push Rules: API", "Push Rules: Events", pushrules.yaml)."""

import httpx
import pytest

from closedserver.matrix.push import KINDS, default_rules
from closedserver.storage.database import Database
from tests.helpers import (
    PASSWORD,
    UserClient,
    assert_matrix_error,
    login,
    register,
    unique_name,
)

G = "/pushrules/global"


def rule_ids(client, kind: str) -> list[str]:
    return [rule["rule_id"] for rule in client.get(f"{G}/").json()[kind]]


def test_default_rules_are_the_spec_list_in_order(alice):
    rulesets = alice.get("/pushrules/").json()
    assert list(rulesets) == ["global"]
    expected = default_rules(alice.user_id)
    for kind in KINDS:
        assert [r["rule_id"] for r in rulesets["global"][kind]] == \
            [r["rule_id"] for r in expected[kind]]
    assert rulesets["global"] == expected
    assert alice.get(f"{G}/").json() == expected


def test_new_users_have_m_push_rules_account_data(alice):
    content = alice.get(f"/user/{alice.user_id}/account_data/m.push_rules").json()
    assert content == {"global": default_rules(alice.user_id)}


def test_put_creates_an_enabled_user_rule_first_among_its_kind(alice):
    assert alice.put(f"{G}/content/cake", {"pattern": "cake*lie", "actions": ["notify"]}
                     ).status_code == 200
    assert alice.put(f"{G}/content/tea", {"pattern": "tea", "actions": []}).status_code == 200
    assert alice.get(f"{G}/content/cake").json() == {
        "rule_id": "cake", "pattern": "cake*lie", "actions": ["notify"], "enabled": True,
        "default": False}
    assert rule_ids(alice, "content") == ["tea", "cake"]


def test_rule_changes_update_the_account_data(alice):
    alice.put(f"{G}/room/!r:localhost", {"actions": []})
    alice.put(f"{G}/underride/.m.rule.message/enabled", {"enabled": False})
    content = alice.get(f"/user/{alice.user_id}/account_data/m.push_rules").json()
    assert content == alice.get("/pushrules/").json()
    assert content["global"]["room"][0]["rule_id"] == "!r:localhost"


def test_before_and_after_place_the_rule(alice):
    for rule_id in ("b", "a"):
        alice.put(f"{G}/override/{rule_id}", {"actions": []})
    assert rule_ids(alice, "override")[:3] == [".m.rule.master", "a", "b"]
    alice.put(f"{G}/override/c", {"actions": []}, params={"after": "b"})
    alice.put(f"{G}/override/d", {"actions": []}, params={"before": "a"})
    # With both, the rule goes right before `before`.
    alice.put(f"{G}/override/e", {"actions": []}, params={"before": "c", "after": "a"})
    assert rule_ids(alice, "override")[:6] == [".m.rule.master", "d", "a", "b", "e", "c"]
    # Replacing a rule without before/after keeps its place.
    alice.put(f"{G}/override/a", {"actions": ["notify"]})
    assert rule_ids(alice, "override")[:3] == [".m.rule.master", "d", "a"]


def test_put_errors(alice):
    body = {"actions": ["notify"]}
    error = assert_matrix_error(
        alice.put(f"{G}/override/x", body, params={"before": "nope"}), 400, "M_UNKNOWN")
    assert "nope" in error["error"]
    assert_matrix_error(alice.put(f"{G}/override/x", body,
                                  params={"after": ".m.rule.master"}), 400, "M_UNKNOWN")
    assert_matrix_error(alice.put(f"{G}/override/.mine", body), 400, "M_INVALID_PARAM")
    assert_matrix_error(alice.put(f"{G}/override/a%2Fb", body), 400, "M_INVALID_PARAM")
    assert_matrix_error(alice.put(f"{G}/kind_of_nothing/x", body), 400, "M_INVALID_PARAM")
    assert_matrix_error(alice.put(f"{G}/room/not-a-room", body), 400, "M_INVALID_PARAM")
    assert_matrix_error(alice.put(f"{G}/override/x", {}), 400, "M_BAD_JSON")
    assert_matrix_error(alice.put(f"{G}/content/x", body), 400, "M_BAD_JSON")
    assert_matrix_error(alice.put(f"{G}/override/x", {"actions": ["explode"]}), 400,
                        "M_BAD_JSON")
    assert_matrix_error(alice.put(f"{G}/override/x", {"actions": [], "conditions": [{}]}),
                        400, "M_BAD_JSON")
    assert_matrix_error(alice.put(f"{G}/override/x", [1]), 400, "M_BAD_JSON")
    assert "x" not in rule_ids(alice, "override")


def test_get_and_delete(alice, bob):
    alice.put(f"{G}/sender/{bob.user_id}", {"actions": []})
    assert alice.get(f"{G}/sender/{bob.user_id}").json()["actions"] == []
    assert_matrix_error(bob.get(f"{G}/sender/{bob.user_id}"), 404, "M_NOT_FOUND")
    assert alice.delete(f"{G}/sender/{bob.user_id}").status_code == 200
    assert_matrix_error(alice.get(f"{G}/sender/{bob.user_id}"), 404, "M_NOT_FOUND")
    assert_matrix_error(alice.delete(f"{G}/sender/{bob.user_id}"), 404, "M_NOT_FOUND")
    assert_matrix_error(alice.delete(f"{G}/override/.m.rule.master"), 400, "M_INVALID_PARAM")
    assert alice.get(f"{G}/override/.m.rule.master").json()["default"] is True


def test_enabled(alice):
    path = f"{G}/underride/.m.rule.message/enabled"
    assert alice.get(path).json() == {"enabled": True}
    assert alice.put(path, {"enabled": False}).status_code == 200
    assert alice.get(path).json() == {"enabled": False}
    assert alice.get(f"{G}/underride/.m.rule.message").json()["enabled"] is False
    alice.put(f"{G}/content/cake", {"pattern": "cake", "actions": []})
    alice.put(f"{G}/content/cake/enabled", {"enabled": False})
    assert alice.get(f"{G}/content/cake/enabled").json() == {"enabled": False}
    # A replaced rule keeps its enabled state.
    alice.put(f"{G}/content/cake", {"pattern": "pie", "actions": []})
    assert alice.get(f"{G}/content/cake/enabled").json() == {"enabled": False}


def test_enabled_errors(alice):
    assert_matrix_error(alice.get(f"{G}/override/nope/enabled"), 404, "M_NOT_FOUND")
    assert_matrix_error(alice.put(f"{G}/override/nope/enabled", {"enabled": True}), 404,
                        "M_NOT_FOUND")
    path = f"{G}/override/.m.rule.master/enabled"
    assert_matrix_error(alice.put(path, {}), 400, "M_MISSING_PARAM")
    assert_matrix_error(alice.put(path, {"enabled": "yes"}), 400, "M_BAD_JSON")


def test_actions_of_default_and_user_rules(alice):
    path = f"{G}/underride/.m.rule.message/actions"
    assert alice.get(path).json() == {"actions": ["notify"]}
    louder = ["notify", {"set_tweak": "sound", "value": "bing"}]
    assert alice.put(path, {"actions": louder}).status_code == 200
    assert alice.get(path).json() == {"actions": louder}
    rule = alice.get(f"{G}/underride/.m.rule.message").json()
    assert rule["default"] is True and rule["actions"] == louder
    # Legacy actions are accepted and dropped.
    assert alice.put(path, {"actions": ["dont_notify"]}).status_code == 200
    assert alice.get(path).json() == {"actions": []}


def test_actions_errors(alice):
    assert_matrix_error(alice.get(f"{G}/room/!nope:localhost/actions"), 404, "M_NOT_FOUND")
    assert_matrix_error(alice.put(f"{G}/room/!nope:localhost/actions", {"actions": []}), 404,
                        "M_NOT_FOUND")
    path = f"{G}/underride/.m.rule.call/actions"
    assert_matrix_error(alice.put(path, {}), 400, "M_MISSING_PARAM")
    assert_matrix_error(alice.put(path, {"actions": "notify"}), 400, "M_BAD_JSON")


@pytest.mark.parametrize("path", ["/pushrules/", f"{G}/", f"{G}/override/.m.rule.master",
                                  f"{G}/override/.m.rule.master/enabled"])
def test_push_rules_need_an_access_token(server, path):
    resp = httpx.get(f"{server.url}/_matrix/client/v3{path}")
    assert_matrix_error(resp, 401, "M_MISSING_TOKEN")


def test_rules_survive_a_restart_and_the_version_keeps_growing(make_server):
    server = make_server()
    user = register(server.url)
    user.put(f"{G}/content/cake", {"pattern": "cake", "actions": []})
    server.restart()
    assert user.get(f"{G}/content/cake").json()["pattern"] == "cake"
    user.put(f"{G}/content/pie", {"pattern": "pie", "actions": []})
    db = Database(server.data_dir / "closedserver.db")
    try:
        version, document = db.conn.execute(
            "SELECT version, document FROM push_rules WHERE user_id = ?",
            (user.user_id,)).fetchone()
    finally:
        db.close()
    assert version == 2 and '"version":2' in document


def test_users_created_by_the_cli_get_m_push_rules_too(server):
    name = unique_name("cli")
    result = server.cli("user", "create", name, "--password", PASSWORD)
    assert result.returncode == 0, result.stderr
    data = login(server.url, name).json()
    client = UserClient(server.url, data["user_id"], data["access_token"], data["device_id"])
    content = client.get(f"/user/{client.user_id}/account_data/m.push_rules").json()
    assert content == {"global": default_rules(client.user_id)}
