"""Config loading: defaults, unknown keys, bad values, environment overrides."""

from pathlib import Path

import pytest

from closedserver.config import ConfigError, config_from_dict


def build(raw, env=None):
    return config_from_dict(Path("/tmp/cfg"), raw, env or {})


def test_defaults_are_closed():
    config = build({})
    assert config.federation.enabled is False
    assert config.registration.mode == "disabled"
    assert config.server.listen == "127.0.0.1:8008"


@pytest.mark.parametrize("raw, key", [
    ({"server": {"servername": "x"}}, "server.servername"),
    ({"nonsense": {}}, "nonsense"),
    ({"registration": {"mode": "sometimes"}}, "registration.mode"),
    ({"passwords": {"argon2_time_cost": "2"}}, "passwords.argon2_time_cost"),
    ({"rate_limits": {"login_per_user": "lots"}}, "rate_limits.login_per_user"),
    ({"server": {"server_name": "bad name"}}, "server.server_name"),
    ({"server": {"tls_certificate": "cert.pem"}}, "tls"),
])
def test_unknown_keys_and_bad_values_name_the_key(raw, key):
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        build(raw)


@pytest.mark.parametrize("name", ["example.org", "127.0.0.1:8448", "[::1]:8448", "localhost"])
def test_server_names_from_the_spec_grammar(name):
    assert build({"server": {"server_name": name}}).server.server_name == name


def test_environment_overrides_file_values():
    config = build({"registration": {"mode": "token"}}, {
        "CLOSEDSERVER_REGISTRATION_MODE": "open",
        "CLOSEDSERVER_PASSWORDS_ARGON2_MEMORY_KIB": "1024",
        "CLOSEDSERVER_RATE_LIMITS_ENABLED": "false",
        "CLOSEDSERVER_DATA_DIR": "/elsewhere",
    })
    assert config.registration.mode == "open"
    assert config.passwords.argon2_memory_kib == 1024
    assert config.rate_limits.rate("login_per_user") is None


def test_unknown_or_malformed_environment_overrides_are_refused():
    with pytest.raises(ConfigError, match="CLOSEDSERVER_SERVER_NAME"):
        build({}, {"CLOSEDSERVER_SERVER_NAME": "x"})
    with pytest.raises(ConfigError, match="CLOSEDSERVER_FEDERATION_ENABLED"):
        build({}, {"CLOSEDSERVER_FEDERATION_ENABLED": "perhaps"})
