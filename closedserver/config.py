"""Configuration: one TOML file in the data dir, overridable by environment variables.

Every option is a typed dataclass field with a default and a one-line doc (the README's config
table is checked against these docs). `CLOSEDSERVER_<SECTION>_<KEY>` overrides a file value.
An unknown key or a bad value raises ConfigError naming the key, so start-up stops early.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_origin, get_type_hints

from closedserver.matrix.ids import is_valid_server_name

CONFIG_FILE_NAME = "closedserver.toml"
ENV_PREFIX = "CLOSEDSERVER_"
# Environment variables with our prefix that are not config options.
NON_CONFIG_ENV = {"CLOSEDSERVER_DATA_DIR"}


class ConfigError(Exception):
    """The configuration cannot be used; the message names the key and what to do."""


def option(default: Any, doc: str) -> Any:
    """A config field with its documentation (shown in the README and `--help`)."""
    if isinstance(default, list | dict):
        return field(default_factory=lambda: type(default)(default), metadata={"doc": doc})
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class Rate:
    """A token-bucket rate limit: `burst` requests, refilled at `burst / period_s` per second."""

    burst: int
    period_s: float

    @classmethod
    def parse(cls, text: str) -> Rate | None:
        """Parse "10/min", "5/s", "100/hour" or "off" (None: no limit)."""
        if text == "off":
            return None
        match = re.fullmatch(r"(\d+)/(s|sec|second|min|minute|h|hour|day)", text)
        if not match or int(match.group(1)) < 1:
            raise ValueError(f'expected a rate like "10/min" or "off", got "{text}"')
        periods = {"s": 1, "sec": 1, "second": 1, "min": 60, "minute": 60, "h": 3600,
                   "hour": 3600, "day": 86400}
        return cls(int(match.group(1)), float(periods[match.group(2)]))


@dataclass(frozen=True)
class ServerSection:
    server_name: str = option("localhost", "The server's name: the part after `:` in user IDs "
                              "(`example.org`, `127.0.0.1:8448`). Cannot change later.")
    public_baseurl: str = option("", "URL clients reach the server at; default "
                                 "`http(s)://<listen>/`. Used in `/.well-known/matrix/client`.")
    listen: str = option("127.0.0.1:8008", "Address and port to serve on (`HOST:PORT`).")
    tls_certificate: str = option("", "PEM certificate chain file; set with `tls_private_key` "
                                  "to serve HTTPS directly.")
    tls_private_key: str = option("", "PEM private key file for `tls_certificate`.")
    signing_key_path: str = option("signing.key", "The server's ed25519 signing key file, "
                                   "relative to the data dir.")
    log_level: str = option("info", "One of `debug`, `info`, `warning`, `error`.")


@dataclass(frozen=True)
class DatabaseSection:
    path: str = option("closedserver.db", "SQLite database file, relative to the data dir.")
    synchronous: str = option("normal", "SQLite `synchronous` pragma: `normal` (safe against a "
                              "crash of the server, fast) or `full` (also against power loss).")


@dataclass(frozen=True)
class MediaSection:
    path: str = option("media", "Directory for uploaded media, relative to the data dir.")
    max_upload_size: str = option("50M", "Largest upload accepted (`500K`, `50M`, `1G`); "
                                  "larger ones get 413 M_TOO_LARGE. Shown in `/media/config`.")
    max_bytes_per_user: str = option("off", "Storage quota per user (`10G`) or `off`; an "
                                     "upload beyond it gets 403 M_FORBIDDEN.")
    allowed_content_types: str = option("", "Comma-separated content types users may upload "
                                        "(globs such as `image/*`); empty allows every type.")
    refused_content_types: str = option("", "Comma-separated content types refused with 403 "
                                        "M_FORBIDDEN (globs such as `application/x-*`).")
    max_pending_uploads: int = option(10, "IDs from `/media/v1/create` a user may hold "
                                      "without content yet; more get 429 M_LIMIT_EXCEEDED.")
    unused_expiry: str = option("24h", "How long an ID from `/media/v1/create` waits for its "
                                "content before it expires (`unused_expires_at`).")
    freeze_unauthenticated: bool = option(True, "Serve media uploaded from now on only through "
                                          "the authenticated `/_matrix/client/v1/media` "
                                          "endpoints (spec: the 1.12 freeze). Media uploaded "
                                          "while this was `false` stays available on the "
                                          "legacy `/_matrix/media/v3` ones.")
    thumbnail_sizes: str = option("32x32-crop,96x96-crop,320x240-scale,640x480-scale,"
                                  "800x600-scale", "Thumbnail sizes the server makes "
                                  "(`WxH-crop` or `WxH-scale`); requests get the nearest one.")
    max_thumbnail_pixels: int = option(32_000_000, "Images with more pixels than this "
                                       "(width x height x frames) are not thumbnailed "
                                       "(413 M_TOO_LARGE), checked before decoding.")
    url_preview_enabled: bool = option(False, "Answer `/media/preview_url` by fetching the "
                                       "page (outbound requests). Private, loopback and "
                                       "link-local addresses are always refused.")
    url_preview_allowed_networks: str = option("", "Comma-separated CIDR networks that URL "
                                               "previews may reach even though they are "
                                               "private (e.g. an intranet `10.1.0.0/16`).")

    @property
    def max_upload_bytes(self) -> int:
        return parse_size_bytes(self.max_upload_size)  # type: ignore[return-value]

    @property
    def quota_bytes(self) -> int | None:
        return parse_size_bytes(self.max_bytes_per_user)

    @property
    def unused_expiry_ms(self) -> int:
        return parse_duration_ms(self.unused_expiry) or 0

    def thumbnail_size_list(self) -> list[tuple[int, int, str]]:
        """The configured thumbnail sizes as (width, height, method)."""
        sizes = []
        for item in self.thumbnail_sizes.split(","):
            match = re.fullmatch(r"\s*(\d{1,4})x(\d{1,4})-(crop|scale)\s*", item)
            if not match or int(match.group(1)) < 1 or int(match.group(2)) < 1:
                raise ValueError(f'expected sizes like "96x96-crop,320x240-scale", got {item!r}')
            sizes.append((int(match.group(1)), int(match.group(2)), match.group(3)))
        return sizes


@dataclass(frozen=True)
class RegistrationSection:
    mode: str = option("disabled", "Who may register over HTTP: `disabled` (admins create users "
                       "with the CLI), `token` (registration tokens from `closedserver token "
                       "create`) or `open`.")


@dataclass(frozen=True)
class PasswordsSection:
    argon2_memory_kib: int = option(19456, "argon2id memory cost in KiB (OWASP: 19 MiB).")
    argon2_time_cost: int = option(2, "argon2id iterations (OWASP: 2).")
    argon2_parallelism: int = option(1, "argon2id lanes (OWASP: 1).")
    minimum_length: int = option(8, "Shortest password accepted on registration and change.")


@dataclass(frozen=True)
class AuthSection:
    access_token_lifetime: str = option("1h", "Lifetime of access tokens issued to clients that "
                                        "support refresh tokens (`5m`, `1h`, `1d`), or `off`.")


@dataclass(frozen=True)
class FederationSection:
    enabled: bool = option(False, "Serve `/_matrix/federation` and `/_matrix/key` and talk to "
                           "other servers. Off: no such route exists, no outbound connection.")


_GATEWAY_ALLOWLIST_DOC = (
    "Push gateways pushers may send to: base URLs (`https://push.example.org`; the only way "
    "to allow `http://`), hostnames (https only) or IP addresses/networks. Empty: no push is "
    "ever sent. Private, loopback and link-local addresses must be listed explicitly.")


@dataclass(frozen=True)
class PushSection:
    # option() gives a list a default_factory, which ruff cannot see.
    gateway_allowlist: list[str] = option([], _GATEWAY_ALLOWLIST_DOC)  # noqa: RUF009
    retry_initial_delay: str = option("1s", "Wait before retrying a failed push; doubles "
                                      "after each failure.")
    retry_max_delay: str = option("5m", "Longest wait between two retries of a push.")
    give_up_after: str = option("1h", "Drop a notification not delivered within this time.")
    request_timeout: str = option("10s", "Timeout of one request to a push gateway.")


@dataclass(frozen=True)
class RateLimitsSection:
    enabled: bool = option(True, "Master switch for every rate limit below.")
    login_per_address: str = option("10/min", "Login attempts per client address (`off` to "
                                    "disable).")
    login_per_user: str = option("5/min", "Login attempts per user ID (`off` to disable).")
    registration_per_address: str = option("5/min", "Registration requests per client address.")

    def rate(self, name: str) -> Rate | None:
        """The parsed rate for one limit, or None when limits or this limit are off."""
        if not self.enabled:
            return None
        return Rate.parse(getattr(self, name))


@dataclass(frozen=True)
class UserDirectorySection:
    search_all_users: bool = option(True, "User directory search finds every active local "
                                    "user. `false`: only users who share a room with the "
                                    "searcher or are in public or world-readable rooms.")


@dataclass(frozen=True)
class Config:
    """The whole configuration plus the data dir it was loaded from."""

    data_dir: Path
    server: ServerSection = field(default_factory=ServerSection)
    database: DatabaseSection = field(default_factory=DatabaseSection)
    media: MediaSection = field(default_factory=MediaSection)
    registration: RegistrationSection = field(default_factory=RegistrationSection)
    passwords: PasswordsSection = field(default_factory=PasswordsSection)
    auth: AuthSection = field(default_factory=AuthSection)
    federation: FederationSection = field(default_factory=FederationSection)
    push: PushSection = field(default_factory=PushSection)
    rate_limits: RateLimitsSection = field(default_factory=RateLimitsSection)
    user_directory: UserDirectorySection = field(default_factory=UserDirectorySection)

    def path(self, relative: str) -> Path:
        """Resolve a configured path against the data dir."""
        return (self.data_dir / relative).resolve()

    @property
    def database_path(self) -> Path:
        return self.path(self.database.path)

    @property
    def signing_key_path(self) -> Path:
        return self.path(self.server.signing_key_path)

    @property
    def listen_host(self) -> str:
        return self.server.listen.rsplit(":", 1)[0].strip("[]")

    @property
    def listen_port(self) -> int:
        return int(self.server.listen.rsplit(":", 1)[1])

    @property
    def tls_enabled(self) -> bool:
        return bool(self.server.tls_certificate)

    @property
    def base_url(self) -> str:
        if self.server.public_baseurl:
            return self.server.public_baseurl.rstrip("/") + "/"
        scheme = "https" if self.tls_enabled else "http"
        return f"{scheme}://{self.server.listen}/"

    @property
    def access_token_lifetime_ms(self) -> int | None:
        return parse_duration_ms(self.auth.access_token_lifetime)


def sections() -> dict[str, type]:
    """Section name -> section dataclass, in file order."""
    hints = get_type_hints(Config)
    return {f.name: hints[f.name] for f in dataclasses.fields(Config) if f.name != "data_dir"}


def section_fields(section_cls: type) -> list[tuple[str, type, Any, str]]:
    """(key, type, default, doc) for each option of a section."""
    hints = get_type_hints(section_cls)
    out = []
    for f in dataclasses.fields(section_cls):
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
        out.append((f.name, hints[f.name], default, f.metadata["doc"]))
    return out


def parse_duration_ms(text: str) -> int | None:
    """Parse "30s", "5m", "2h", "7d" into milliseconds; "off" or "" gives None."""
    if text in ("off", ""):
        return None
    match = re.fullmatch(r"(\d+)(ms|s|m|h|d|w)", text.strip())
    if not match:
        raise ValueError(f'expected a duration like "30s", "5m", "1h", "7d", got "{text}"')
    unit_ms = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000,
               "w": 7 * 86_400_000}
    return int(match.group(1)) * unit_ms[match.group(2)]


def parse_size_bytes(text: str) -> int | None:
    """Parse "500K", "50M", "1G" (powers of 1024) or a plain byte count; "off" gives None."""
    if text == "off":
        return None
    match = re.fullmatch(r"(\d+)\s*([KMGT]?)(?:i?B)?", text.strip(), re.IGNORECASE)
    if not match:
        raise ValueError(f'expected a size like "50M", "1G" or "off", got "{text}"')
    power = " KMGT".index(match.group(2).upper() or " ")
    return int(match.group(1)) * 1024 ** power


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
