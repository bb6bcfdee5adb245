"""OpenGraph data from an HTML page (spec: `/media/preview_url`, https://ogp.me/).

Collects `og:*` meta properties; falls back to `<title>` and `<meta name="description">`
for `og:title` and `og:description`. Only the page's head matters, so parsing stops at
`<body>` or after MAX_PARSED_CHARS characters.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

MAX_PARSED_CHARS = 512 * 1024
MAX_VALUE_CHARS = 2000
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)


class _OpenGraphParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.properties: dict[str, str] = {}
        self.title = ""
        self.description = ""
        self.done = False
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        if tag == "body":
            self.done = True
        elif tag == "title":
            self._in_title = True
        elif tag == "meta":
            self._meta(dict(attrs))

    def _meta(self, attrs: dict[str, str | None]) -> None:
        key = attrs.get("property") or attrs.get("name") or ""
        content = attrs.get("content")
        if content is None:
            return
        content = content.strip()[:MAX_VALUE_CHARS]
        if key.startswith("og:") and key not in self.properties:
            self.properties[key] = content
        elif key.lower() == "description" and not self.description:
            self.description = content

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "head":
            self.done = True

    def handle_data(self, data: str) -> None:
        if self._in_title and not self.done and len(self.title) < MAX_VALUE_CHARS:
            self.title += data


def decode_html(body: bytes, content_type: str) -> str:
    """The page's text, in the charset of its header or `<meta charset>`, else UTF-8."""
    match = re.search(r"charset=([A-Za-z0-9_\-]+)", content_type, re.IGNORECASE)
    charset = match.group(1) if match else None
    if charset is None:
        meta = _CHARSET.search(body[:4096])
        charset = meta.group(1).decode("ascii") if meta else "utf-8"
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def opengraph(html: str) -> dict[str, str]:
    """`og:*` properties of a page, with the title and description fallbacks."""
    parser = _OpenGraphParser()
    for start in range(0, min(len(html), MAX_PARSED_CHARS), 8192):
        parser.feed(html[start:start + 8192])
        if parser.done:
            break
    result = dict(parser.properties)
    title = " ".join(parser.title.split())
    if "og:title" not in result and title:
        result["og:title"] = title
    if "og:description" not in result and parser.description:
        result["og:description"] = parser.description
    return result
