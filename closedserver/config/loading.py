"""Loading the config: TOML file, `CLOSEDSERVER_<SECTION>_<KEY>` overrides, validation,
and writing the commented default file for `closedserver init`."""

from __future__ import annotations

import ipaddress
import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any, get_origin

from closedserver.config.options import (
    ConfigError,
    Rate,
    parse_duration_ms,
    parse_size_bytes,
)
from closedserver.config.sections import (
    Config,
    MediaSection,
    PushSection,
    RateLimitsSection,
    section_fields,
    sections,
)
from closedserver.matrix.ids import is_valid_server_name

CONFIG_FILE_NAME = "closedserver.toml"
ENV_PREFIX = "CLOSEDSERVER_"
# Environment variables with our prefix that are not config options.
NON_CONFIG_ENV = {"CLOSEDSERVER_DATA_DIR"}


def load_config(data_dir: Path, environ: dict[str, str] | None = None) -> Config:
    """Read `closedserver.toml` from the data dir, apply env overrides, validate."""
    environ = dict(os.environ if environ is None else environ)
    config_path = data_dir / CONFIG_FILE_NAME
    if not config_path.exists():
        raise ConfigError(
            f"no {CONFIG_FILE_NAME} in {data_dir}: create one with "
            f"`closedserver init --server-name NAME --data-dir {data_dir}`")
    try:
        raw = tomllib.loads(config_path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{config_path}: not valid TOML: {exc}") from exc
    return config_from_dict(data_dir, raw, environ)


def config_from_dict(data_dir: Path, raw: dict[str, Any],
                     environ: dict[str, str] | None = None) -> Config:
    """Build a validated Config from parsed TOML plus `CLOSEDSERVER_*` overrides."""
    known = sections()
    for name in raw:
        if name not in known:
            raise ConfigError(f"unknown config section [{name}]; known: {', '.join(known)}")
    values = {name: dict(raw.get(name) or {}) for name in known}
    _apply_env(values, known, environ or {})
    built = {}
    for name, section_cls in known.items():
        built[name] = _build_section(name, section_cls, values[name])
    config = Config(data_dir=data_dir.resolve(), **built)
    _validate(config)
    return config


def _apply_env(values: dict[str, dict[str, Any]], known: dict[str, type],
               environ: dict[str, str]) -> None:
    keys = {f"{ENV_PREFIX}{s.upper()}_{key.upper()}": (s, key, typ)
            for s, cls in known.items() for key, typ, _, _ in section_fields(cls)}
    for env_name, text in environ.items():
        if not env_name.startswith(ENV_PREFIX) or env_name in NON_CONFIG_ENV:
            continue
        if env_name not in keys:
            raise ConfigError(f"unknown environment override {env_name}")
        section, key, typ = keys[env_name]
        values[section][key] = _parse_env_value(env_name, text, typ)


def _parse_env_value(env_name: str, text: str, typ: type) -> Any:
    if get_origin(typ) is list:
        return _parse_env_list(env_name, text)
    if typ is bool:
        if text.lower() in ("1", "true", "yes", "on"):
            return True
        if text.lower() in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{env_name}: expected true or false, got {text!r}")
    if typ is int:
        try:
            return int(text)
        except ValueError:
            raise ConfigError(f"{env_name}: expected an integer, got {text!r}") from None
    return text


def _parse_env_list(env_name: str, text: str) -> list[str]:
    """A JSON array of strings, or comma-separated values (`a,b`); empty text = []."""
    if text.strip().startswith("["):
        try:
            values = json.loads(text)
        except ValueError:
            raise ConfigError(f"{env_name}: not a valid JSON array: {text!r}") from None
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ConfigError(f"{env_name}: expected an array of strings, got {text!r}")
        return values
    return [value.strip() for value in text.split(",") if value.strip()]


def _build_section(name: str, section_cls: type, values: dict[str, Any]) -> Any:
    fields = {key: typ for key, typ, _, _ in section_fields(section_cls)}
    for key, value in values.items():
        if key not in fields:
            raise ConfigError(f"unknown config key {name}.{key}; known: {', '.join(fields)}")
        typ = get_origin(fields[key]) or fields[key]
        ok = isinstance(value, typ) and not (typ is int and isinstance(value, bool))
        if not ok:
            raise ConfigError(f"{name}.{key}: expected {typ.__name__}, got {value!r}")
    return section_cls(**values)


def _validate(config: Config) -> None:
    s = config.server
    if not is_valid_server_name(s.server_name):
        raise ConfigError(f"server.server_name: {s.server_name!r} is not a valid server name "
                          "(a hostname or IP address with an optional :port)")
    if not re.fullmatch(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}", s.listen):
        raise ConfigError(f"server.listen: expected HOST:PORT, got {s.listen!r}")
    if bool(s.tls_certificate) != bool(s.tls_private_key):
        raise ConfigError("server.tls_certificate and server.tls_private_key go together: "
                          "set both or neither")
    if s.log_level not in ("debug", "info", "warning", "error"):
        raise ConfigError(f"server.log_level: expected debug, info, warning or error, "
                          f"got {s.log_level!r}")
    if config.federation.enabled:
        raise ConfigError("federation.enabled: federation is not built yet; "
                          "set it to false (closedserver serves one closed server for now)")
    if config.database.synchronous not in ("normal", "full"):
        raise ConfigError("database.synchronous: expected normal or full")
    if config.registration.mode not in ("disabled", "token", "open"):
        raise ConfigError(f"registration.mode: expected disabled, token or open, "
                          f"got {config.registration.mode!r}")
    p = config.passwords
    if p.argon2_memory_kib < 8 * p.argon2_parallelism or p.argon2_time_cost < 1 \
            or p.argon2_parallelism < 1:
        raise ConfigError("passwords: argon2 costs too low (memory >= 8 KiB per lane, "
                          "time >= 1, parallelism >= 1)")
    _check_parsed("auth.access_token_lifetime", parse_duration_ms,
                  config.auth.access_token_lifetime)
    _validate_push(config.push)
    _check_parsed("presence.offline_after", parse_duration_ms, config.presence.offline_after)
    for key, _, _, _ in section_fields(RateLimitsSection):
        if key != "enabled":
            _check_parsed(f"rate_limits.{key}", Rate.parse, getattr(config.rate_limits, key))
    _validate_media(config.media)


def _validate_media(media: MediaSection) -> None:
    _check_parsed("media.max_upload_size", parse_size_bytes, media.max_upload_size)
    _check_parsed("media.max_bytes_per_user", parse_size_bytes, media.max_bytes_per_user)
    _check_parsed("media.unused_expiry", parse_duration_ms, media.unused_expiry)
    _check_parsed("media.thumbnail_sizes", lambda _: media.thumbnail_size_list(), "")
    if not parse_size_bytes(media.max_upload_size):
        raise ConfigError("media.max_upload_size: expected a size like \"50M\" (not off or 0)")
    if media.max_pending_uploads < 1 or media.max_thumbnail_pixels < 1:
        raise ConfigError("media.max_pending_uploads and media.max_thumbnail_pixels must be "
                          "at least 1")
    for network in filter(None, (n.strip() for n in
                                 media.url_preview_allowed_networks.split(","))):
        _check_parsed("media.url_preview_allowed_networks", ipaddress.ip_network, network)


def _validate_push(push: PushSection) -> None:
    from closedserver.services.push.allowlist import parse_entry

    if not all(isinstance(entry, str) for entry in push.gateway_allowlist):
        raise ConfigError("push.gateway_allowlist: expected a list of strings")
    for entry in push.gateway_allowlist:
        _check_parsed("push.gateway_allowlist", parse_entry, entry)
    for key in ("retry_initial_delay", "retry_max_delay", "give_up_after", "request_timeout"):
        _check_parsed(f"push.{key}", parse_duration_ms, getattr(push, key))
        if parse_duration_ms(getattr(push, key)) is None:
            raise ConfigError(f"push.{key}: expected a duration like \"30s\", not off")


def _check_parsed(key: str, parse: Any, value: str) -> None:
    try:
        parse(value)
    except ValueError as exc:
        raise ConfigError(f"{key}: {exc}") from None


def render_config_file(server_name: str, listen: str) -> str:
    """The commented TOML written by `closedserver init`: every option at its default."""
    lines = ["# closedserver configuration. Every option is shown with its default.",
             "# Environment variables CLOSEDSERVER_<SECTION>_<KEY> override these values.", ""]
    chosen = {("server", "server_name"): server_name, ("server", "listen"): listen}
    for name, section_cls in sections().items():
        lines.append(f"[{name}]")
        for key, _, default, doc in section_fields(section_cls):
            lines.append(f"# {doc}")
            value = chosen.get((name, key), default)
            prefix = "" if (name, key) in chosen else "# "
            lines.append(f"{prefix}{key} = {_toml_value(value)}")
        lines.append("")
    return "\n".join(lines)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
