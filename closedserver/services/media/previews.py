"""URL previews (spec: `GET /_matrix/client/v1/media/preview_url`), off by default.

Disabled (the default), the server answers like one that does not offer the API:
404 M_UNRECOGNIZED (spec: "API Standards", unsupported endpoints), and nothing is fetched.
Enabled by the admin, it fetches the page through SafeFetcher (public addresses only),
returns its OpenGraph data, and stores `og:image` as local media so clients get an
`mxc://` URI. Results are cached in memory for an hour.
"""

from __future__ import annotations

import asyncio
import io
import ipaddress
import logging
import time
from collections import OrderedDict
from typing import Any
from urllib.parse import urljoin, urlsplit

from closedserver.config import MediaSection
from closedserver.errors import (
    Forbidden,
    InvalidParam,
    MatrixError,
    MissingParam,
    Unrecognized,
)
from closedserver.services.media.policy import base_type
from closedserver.services.media.preview_fetch import (
    FetchFailed,
    RefusedAddress,
    SafeFetcher,
)
from closedserver.services.media.preview_html import decode_html, opengraph
from closedserver.services.media.repository import MediaRepository

log = logging.getLogger(__name__)

MAX_PAGE_BYTES = 1024 * 1024
MAX_URL_LENGTH = 2048
CACHE_SECONDS = 3600.0
CACHE_ENTRIES = 1000
HTML_TYPES = ("text/html", "application/xhtml+xml")


class PreviewFailed(MatrixError):
    """502: the page could not be fetched or did not answer 200."""

    errcode = "M_UNKNOWN"
    status = 502


class UrlPreviews:
    def __init__(self, repository: MediaRepository, config: MediaSection) -> None:
        self.repository = repository
        self.enabled = config.url_preview_enabled
        networks = [ipaddress.ip_network(n.strip(), strict=False)
                    for n in config.url_preview_allowed_networks.split(",") if n.strip()]
        self.fetcher = SafeFetcher(networks)
        self._cache: OrderedDict[str, tuple[float, dict[str, Any]]] = OrderedDict()

    async def preview(self, user_id: str, url: str | None) -> dict[str, Any]:
        """OpenGraph data of the page at `url` (may be empty)."""
        if not self.enabled:
            raise Unrecognized("URL previews are disabled on this server")
        if not url:
            raise MissingParam("Missing query parameter 'url'")
        parts = urlsplit(url)
        if len(url) > MAX_URL_LENGTH or parts.scheme not in ("http", "https") \
                or not parts.hostname:
            raise InvalidParam("url must be an http or https URL")
        cached = self._cache.get(url)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        result = await self._build(user_id, url)
        self._remember(url, result)
        return result

    async def _build(self, user_id: str, url: str) -> dict[str, Any]:
        try:
            page = await self.fetcher.fetch(url, MAX_PAGE_BYTES)
        except RefusedAddress as exc:
            raise Forbidden(f"URL preview refused: {exc}") from None
        except FetchFailed as exc:
            raise PreviewFailed(f"Could not fetch the URL: {exc}") from None
        if page.status != 200:
            raise PreviewFailed(f"The URL answered HTTP {page.status}")
        kind = base_type(page.content_type)
        if kind in HTML_TYPES:
            # Parsing up to MAX_PAGE_BYTES of HTML is slow pure Python: off the event loop.
            result: dict[str, Any] = await asyncio.to_thread(_page_opengraph, page.body,
                                                             page.content_type)
            image_url = result.pop("og:image", None)
            if image_url:
                result.update(await self._image(user_id, urljoin(page.url, image_url)))
            return result
        if kind.startswith("image/") and not page.truncated:
            return await self._store_image(user_id, page.body, kind, page.url)
        return {}

    async def _image(self, user_id: str, url: str) -> dict[str, Any]:
        """Fetch and store a page's image; an image we cannot get is simply left out."""
        try:
            image = await self.fetcher.fetch(url, self.repository.max_upload_bytes)
        except (RefusedAddress, FetchFailed) as exc:
            log.info("preview image %s skipped: %s", url, exc)
            return {}
        kind = base_type(image.content_type)
        if image.status != 200 or image.truncated or not kind.startswith("image/"):
            return {}
        return await self._store_image(user_id, image.body, kind, image.url)

    async def _store_image(self, user_id: str, data: bytes, kind: str,
                           url: str) -> dict[str, Any]:
        try:
            mxc = await self.repository.upload_bytes(
                user_id, data, content_type=kind,
                filename=urlsplit(url).path.rsplit("/", 1)[-1] or None)
        except MatrixError as exc:
            log.info("preview image %s not stored: %s", url, exc.message)
            return {}
        result: dict[str, Any] = {"og:image": mxc, "og:image:type": kind,
                                  "matrix:image:size": len(data)}
        size = await asyncio.to_thread(_image_size, data)
        if size is not None:
            result["og:image:width"], result["og:image:height"] = size
        return result

    def _remember(self, url: str, result: dict[str, Any]) -> None:
        self._cache[url] = (time.monotonic() + CACHE_SECONDS, result)
        self._cache.move_to_end(url)
        while len(self._cache) > CACHE_ENTRIES:
            self._cache.popitem(last=False)


def _page_opengraph(body: bytes, content_type: str) -> dict[str, Any]:
    return opengraph(decode_html(body, content_type))


def _image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from the image header (nothing is decoded)."""
    from PIL import Image  # imported on first use, not at start-up

    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
