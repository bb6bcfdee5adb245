"""The admin CLI against a running server: in-process (typer) and as a subprocess."""

import json

import httpx
import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.helpers import C3, PASSWORD, assert_matrix_error, login, register, unique_name


@pytest.fixture
def run_cli(server):
    """Invoke the CLI in-process against the shared server's data dir."""
    runner = CliRunner()

    def invoke(*args, input=None):
        env = {k: v for k, v in server.env.items() if k.startswith("CLOSEDSERVER_")}
        return runner.invoke(app, [*args, "--data-dir", str(server.data_dir)], env=env,
                             input=input)

    return invoke


def test_create_user_with_password_then_login_over_http(server, run_cli):
    name = unique_name("cli")
    result = run_cli("user", "create", name, "--password", PASSWORD, "--admin")
    assert result.exit_code == 0, result.output
    assert f"@{name}:localhost" in result.output
    assert login(server.url, name).status_code == 200
    shown = json.loads(run_cli("user", "show", name, "--json").stdout)
    assert shown["admin"] is True and shown["user_id"] == f"@{name}:localhost"


def test_create_user_prompts_for_the_password(server, run_cli):
    name = unique_name("prompted")
    result = run_cli("user", "create", name, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert login(server.url, name).status_code == 200


def test_create_user_from_password_file(server, tmp_path):
    secret = tmp_path / "pw"
    secret.write_text(PASSWORD + "\n")
    name = unique_name("filed")
    result = server.cli("user", "create", name, "--password-file", str(secret))
    assert result.returncode == 0, result.stderr
    assert login(server.url, f"@{name}:localhost").status_code == 200


def test_existing_bad_and_unknown_users_give_one_line_errors(server, alice):
    for args in (("user", "create", alice.localpart, "--password", PASSWORD),
                 ("user", "create", "Bad Name!", "--password", PASSWORD),
                 ("user", "show", "nobody-here"),
                 ("user", "lock", "@x:other.server")):
        result = server.cli(*args)
        assert result.returncode == 1, (args, result.stdout)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
        assert "Traceback" not in result.stderr


def test_lock_from_cli_subprocess_takes_effect_on_the_next_request(server, alice):
    assert server.cli("user", "lock", alice.user_id).returncode == 0
    body = assert_matrix_error(alice.get("/account/whoami"), 401, "M_USER_LOCKED")
    assert body["soft_logout"] is True
    assert_matrix_error(login(server.url, alice.localpart), 401, "M_USER_LOCKED")
    assert server.cli("user", "unlock", alice.localpart).returncode == 0
    assert alice.get("/account/whoami").status_code == 200


def test_locked_user_may_still_log_out(server, alice):
    assert server.cli("user", "lock", alice.localpart).returncode == 0
    assert alice.post("/logout").status_code == 200
    assert_matrix_error(alice.get("/account/whoami"), 401, "M_UNKNOWN_TOKEN")


def test_logout_one_device_and_all_devices_from_cli(server, run_cli, alice):
    second = login(server.url, alice.localpart).json()
    result = run_cli("user", "logout", alice.localpart, "--device", second["device_id"])
    assert result.exit_code == 0, result.output
    resp = httpx.get(f"{server.url}{C3}/account/whoami",
                     headers={"Authorization": f"Bearer {second['access_token']}"})
    assert_matrix_error(resp, 401, "M_UNKNOWN_TOKEN")
    assert alice.get("/account/whoami").status_code == 200
    assert run_cli("user", "logout", alice.localpart, "--yes").exit_code == 0
    assert_matrix_error(alice.get("/account/whoami"), 401, "M_UNKNOWN_TOKEN")


def test_destructive_commands_ask_first(server, run_cli, alice):
    refused = run_cli("user", "deactivate", alice.localpart, input="n\n")
    assert refused.exit_code == 1
    assert alice.get("/account/whoami").status_code == 200


def test_reset_password_logs_out_unless_keep_sessions(server, run_cli, alice):
    result = run_cli("user", "reset-password", alice.localpart, "--password", "brand new pw",
                     "--keep-sessions")
    assert result.exit_code == 0, result.output
    assert alice.get("/account/whoami").status_code == 200
    assert login(server.url, alice.localpart, "brand new pw").status_code == 200
    assert run_cli("user", "reset-password", alice.localpart, "--password",
                   "newer password").exit_code == 0
    assert_matrix_error(alice.get("/account/whoami"), 401, "M_UNKNOWN_TOKEN")


def test_deactivate_from_cli(server, alice):
    result = server.cli("user", "deactivate", alice.localpart, "--yes")
    assert result.returncode == 0, result.stderr
    assert_matrix_error(alice.get("/account/whoami"), 401, "M_UNKNOWN_TOKEN")
    assert_matrix_error(login(server.url, alice.localpart), 403, "M_FORBIDDEN")
    shown = json.loads(server.cli("user", "show", alice.localpart, "--json").stdout)
    assert shown["deactivated"] is True and shown["displayname"] is None


def test_set_admin_list_and_devices(server, run_cli):
    user = register(server.url)
    assert run_cli("user", "set-admin", user.localpart, "on").exit_code == 0
    users = json.loads(run_cli("user", "list", "--json").stdout)
    assert any(u["user_id"] == user.user_id and u["admin"] for u in users)
    assert run_cli("user", "set-admin", user.localpart, "maybe").exit_code == 1
    table = run_cli("user", "list")
    assert user.user_id in table.output
    devices = json.loads(run_cli("user", "devices", user.localpart, "--json").stdout)
    assert [d["device_id"] for d in devices] == [user.device_id]


def test_token_commands(server, run_cli):
    created = json.loads(run_cli("token", "create", "--uses", "3", "--expires", "7d",
                                 "--json").stdout)
    assert created["uses_allowed"] == 3 and created["valid"] is True
    listed = json.loads(run_cli("token", "list", "--json").stdout)
    assert created["token"] in [t["token"] for t in listed]
    assert run_cli("token", "revoke", created["token"], "--yes").exit_code == 0
    assert run_cli("token", "revoke", created["token"], "--yes").exit_code == 1
    assert run_cli("token", "create", "--expires", "soon").exit_code == 1


def test_init_refuses_an_existing_data_dir_unless_forced(server, tmp_path):
    data_dir = tmp_path / "fresh"
    first = server.cli("init", "--server-name", "example.org", "--data-dir", str(data_dir))
    assert first.returncode == 0, first.stderr
    again = server.cli("init", "--server-name", "example.org", "--data-dir", str(data_dir))
    assert again.returncode == 1 and "--force" in again.stderr
    forced = server.cli("init", "--server-name", "example.org", "--force",
                        "--data-dir", str(data_dir))
    assert forced.returncode == 0
    bad = server.cli("init", "--server-name", "not a name", "--data-dir", str(tmp_path / "x"))
    assert bad.returncode == 1 and "server_name" in bad.stderr


def test_db_migrate_is_idempotent(server):
    result = server.cli("db", "migrate")
    assert result.returncode == 0 and "up to date" in result.stdout
