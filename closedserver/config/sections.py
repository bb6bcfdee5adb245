"""The config sections: one frozen dataclass per TOML table, each option with its default
and a one-line doc (shown in the written config file and checked against the README)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints

from closedserver.config.options import Rate, option, parse_duration_ms, parse_size_bytes


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
class PresenceSection:
    enabled: bool = option(True, "Track and share presence (online / unavailable / offline). "
                           "Off: /sync carries no presence and everyone reads as offline.")
    offline_after: str = option("30s", "How long after a user's last /sync ends they are "
                                "shown offline (`30s`, `2m`).")


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
    presence: PresenceSection = field(default_factory=PresenceSection)
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

    @property
    def presence_offline_after_ms(self) -> int:
        return parse_duration_ms(self.presence.offline_after) or 0


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
