"""Configuration: one TOML file in the data dir, overridable by environment variables.

Every option is a typed dataclass field with a default and a one-line doc (the README's config
table is checked against these docs). `CLOSEDSERVER_<SECTION>_<KEY>` overrides a file value.
An unknown key or a bad value raises ConfigError naming the key, so start-up stops early.
"""

from closedserver.config.loading import (
    CONFIG_FILE_NAME,
    ENV_PREFIX,
    config_from_dict,
    load_config,
    render_config_file,
)
from closedserver.config.options import (
    ConfigError,
    Rate,
    option,
    parse_duration_ms,
    parse_size_bytes,
)
from closedserver.config.sections import (
    Config,
    MediaSection,
    PasswordsSection,
    PushSection,
    RateLimitsSection,
    section_fields,
    sections,
)

__all__ = [
    "CONFIG_FILE_NAME", "ENV_PREFIX", "Config", "ConfigError", "MediaSection",
    "PasswordsSection", "PushSection", "Rate", "RateLimitsSection", "config_from_dict",
    "load_config", "option", "parse_duration_ms", "parse_size_bytes", "render_config_file",
    "section_fields", "sections",
]
