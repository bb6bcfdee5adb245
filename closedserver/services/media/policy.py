"""What may be uploaded and how media is served to browsers.

Spec: Client-Server API, content repository: "Serving inline content" (the inline safe
list), the recommended `Content-Security-Policy`, `Cross-Origin-Resource-Policy`, and the
`Content-Type`/`Content-Disposition` rules of the download endpoints. File names in
`Content-Disposition` follow RFC 6266 / RFC 8187 (`filename*=utf-8''...` when not plain).
"""

from __future__ import annotations

import fnmatch
import re
from urllib.parse import quote

DEFAULT_CONTENT_TYPE = "application/octet-stream"

# Spec: "Servers SHOULD restrict Content-Type headers to one of the following values when
# serving content with Content-Disposition: inline". Everything else is an attachment, so
# HTML, SVG, JavaScript, XML, PDF... are never rendered by a browser from our origin.
INLINE_CONTENT_TYPES = frozenset({
    "text/css", "text/plain", "text/csv", "application/json", "application/ld+json",
    "image/jpeg", "image/gif", "image/png", "image/apng", "image/webp", "image/avif",
    "video/mp4", "video/webm", "video/ogg", "video/quicktime",
    "audio/mp4", "audio/webm", "audio/aac", "audio/mpeg", "audio/ogg", "audio/wave",
    "audio/wav", "audio/x-wav", "audio/x-pn-wav", "audio/flac", "audio/x-flac",
})

# The spec's recommended policy, plus media-src so audio and video previews still play.
SECURITY_HEADERS = {
    "content-security-policy": "sandbox; default-src 'none'; script-src 'none'; "
                               "plugin-types application/pdf; style-src 'unsafe-inline'; "
                               "media-src 'self'; object-src 'self';",
    "x-content-type-options": "nosniff",
    "cross-origin-resource-policy": "cross-origin",
    "cache-control": "private, max-age=86400",
}

# RFC 9110 media type: type "/" subtype, then optional parameters; tokens only.
_TOKEN = r"[A-Za-z0-9!#$%&'*+.^_`|~\-]+"
_CONTENT_TYPE = re.compile(rf"{_TOKEN}/{_TOKEN}(\s*;\s*{_TOKEN}=(?:{_TOKEN}|\"[^\"\\]*\"))*")
# RFC 8187 attr-char: what may appear unescaped in `filename*`.
_ATTR_CHARS = "!#$&+-.^_`|~"
_PLAIN_FILENAME = re.compile(r"[ -~]+")
MAX_CONTENT_TYPE_LENGTH = 255
MAX_FILENAME_LENGTH = 1024


def normalise_content_type(header: str | None) -> str:
    """The content type to store: the upload's header, or octet-stream if none or invalid."""
    if header is None or not header.strip():
        return DEFAULT_CONTENT_TYPE
    value = header.strip()
    if len(value) > MAX_CONTENT_TYPE_LENGTH or not _CONTENT_TYPE.fullmatch(value):
        return DEFAULT_CONTENT_TYPE
    return value


def base_type(content_type: str) -> str:
    """`text/html; charset=utf-8` -> `text/html`."""
    return content_type.split(";", 1)[0].strip().lower()


def parse_type_patterns(text: str) -> list[str]:
    return [p.strip().lower() for p in text.split(",") if p.strip()]


def content_type_allowed(content_type: str, allowed: list[str], refused: list[str]) -> bool:
    """Is this type permitted by the admin's allow-list (empty: all) and refuse-list?"""
    kind = base_type(content_type)
    if any(fnmatch.fnmatchcase(kind, pattern) for pattern in refused):
        return False
    return not allowed or any(fnmatch.fnmatchcase(kind, pattern) for pattern in allowed)


def is_inline_safe(content_type: str) -> bool:
    return base_type(content_type) in INLINE_CONTENT_TYPES


def content_disposition(content_type: str, filename: str | None, *,
                        force_inline: bool = False) -> str:
    """`inline` for the safe list, `attachment` otherwise, with the file name escaped."""
    kind = "inline" if force_inline or is_inline_safe(content_type) else "attachment"
    if not filename:
        return kind
    if _PLAIN_FILENAME.fullmatch(filename) and '"' not in filename and "\\" not in filename:
        return f'{kind}; filename="{filename}"'
    return f"{kind}; filename*=utf-8''{quote(filename, safe=_ATTR_CHARS)}"
