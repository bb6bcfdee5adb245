"""Thumbnails on demand: cached per content and size, made in worker threads.

Spec: Client-Server API, content repository, "Thumbnails" and the `/thumbnail` endpoints
(400 when the content cannot be thumbnailed, 413 M_TOO_LARGE when it is too large to).

A thumbnail is keyed by the sha256 of its source content, so identical uploads share
them, and stored like any other blob. Requests for the same thumbnail while it is being
made share one piece of work; at most THUMBNAIL_WORKERS images are decoded at once.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import TYPE_CHECKING

from closedserver.clock import now_ms
from closedserver.errors import InvalidParam, MatrixError, TooLarge
from closedserver.services.media.blobs import BlobStore
from closedserver.services.media.repository import MediaFile, MediaRepository
from closedserver.services.media.thumbnail_sizes import Size, choose_size
from closedserver.storage.database import Database
from closedserver.storage.media import MediaRow, MediaStore, ThumbnailRow

if TYPE_CHECKING:
    from closedserver.services.media.thumbnails import Rendered

log = logging.getLogger(__name__)

THUMBNAIL_WORKERS = 2
MAX_REQUESTED_DIMENSION = 10_000
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif",
              "image/webp": "webp"}


class CannotThumbnail(MatrixError):
    """400: the content is not an image we can thumbnail (the spec's example errcode)."""

    errcode = "M_UNKNOWN"
    status = 400


ThumbnailKey = tuple[str, int, int, str, bool]


class Thumbnailer:
    def __init__(self, db: Database, repository: MediaRepository, blobs: BlobStore, *,
                 sizes: list[Size], max_pixels: int) -> None:
        self.db = db
        self.repository = repository
        self.blobs = blobs
        self.store = MediaStore(db)
        self.sizes = sizes
        self.max_pixels = max_pixels
        self._in_flight: dict[ThumbnailKey, asyncio.Task[ThumbnailRow]] = {}
        self._workers = asyncio.Semaphore(THUMBNAIL_WORKERS)

    async def get_thumbnail(self, server_name: str, media_id: str, *, width: int, height: int,
                            method: str, animated: bool, timeout_ms: int | None,
                            legacy: bool = False) -> MediaFile:
        """The thumbnail nearest the requested size, made and cached on first request."""
        _check_request(width, height, method)
        row = await self.repository.get_uploaded_row(server_name, media_id,
                                                     timeout_ms=timeout_ms, legacy=legacy)
        if not (row.content_type or "").lower().startswith("image/"):
            raise CannotThumbnail("Cannot generate thumbnails for the requested content")
        target = choose_size(self.sizes, width, height, method)
        assert row.sha256 is not None
        key = (row.sha256, *target, animated)
        thumb = self.store.get_thumbnail(*key)
        if thumb is None:
            thumb = await self._make_once(key, row)
        path = self.blobs.path_of(thumb.thumbnail_sha256)
        try:
            stat = await asyncio.to_thread(os.stat, path)
        except FileNotFoundError:
            raise CannotThumbnail("Thumbnail was removed; try again") from None
        filename = f"thumbnail.{EXTENSIONS.get(thumb.content_type, 'png')}"
        return MediaFile(path, thumb.content_type, filename, stat)

    async def _make_once(self, key: ThumbnailKey, row: MediaRow) -> ThumbnailRow:
        """Make a thumbnail, or join the request already making the same one.

        The work is its own task: a client that goes away does not cancel it for others.
        """
        task = self._in_flight.get(key)
        if task is None:
            task = asyncio.create_task(self._make(key, row))
            self._in_flight[key] = task
            task.add_done_callback(lambda done: self._finished(key, done))
        return await asyncio.shield(task)

    def _finished(self, key: ThumbnailKey, task: asyncio.Task[ThumbnailRow]) -> None:
        del self._in_flight[key]
        if not task.cancelled():
            task.exception()  # retrieved here, so an abandoned failure is not logged twice

    async def _make(self, key: ThumbnailKey, row: MediaRow) -> ThumbnailRow:
        sha256, width, height, method, animated = key
        source = self.blobs.path_of(sha256)
        started = asyncio.get_running_loop().time()
        # Pillow is imported on the first thumbnail, not at start-up (memory, start time).
        from closedserver.services.media import thumbnails

        async with self._workers:
            try:
                rendered = await asyncio.to_thread(
                    thumbnails.render, source, (width, height, method), animated,
                    self.max_pixels)
            except thumbnails.ImageTooLarge:
                raise TooLarge("Content is too large to thumbnail") from None
            except thumbnails.NotAnImage:
                raise CannotThumbnail("Cannot generate thumbnails for the requested "
                                      "content") from None
        thumb = await self._store(key, rendered)
        log.info("thumbnail of %s at %dx%d %s%s: %s %dx%d in %.0f ms", row.media_id, width,
                 height, method, " animated" if animated else "", rendered.content_type,
                 rendered.width, rendered.height,
                 (asyncio.get_running_loop().time() - started) * 1000)
        return thumb

    async def _store(self, key: ThumbnailKey, rendered: Rendered) -> ThumbnailRow:
        sha256 = key[0]
        if rendered.data is None:  # the original is its own thumbnail
            thumb = ThumbnailRow(*key, thumbnail_sha256=sha256,
                                 content_type=rendered.content_type, size=0)
            with self.db.transaction():
                if self.store.is_content_used(sha256):
                    self.store.insert_thumbnail(thumb, now_ms())
            return thumb
        temp, thumb_sha = await asyncio.to_thread(self.blobs.write_bytes, rendered.data)
        thumb = ThumbnailRow(*key, thumbnail_sha256=thumb_sha,
                             content_type=rendered.content_type, size=len(rendered.data))
        try:
            with self.db.transaction():
                # The media may have been deleted meanwhile: then keep nothing.
                if self.store.is_content_used(sha256):
                    self.blobs.commit(temp, thumb_sha)
                    self.store.insert_thumbnail(thumb, now_ms())
        finally:
            temp.discard()
        return thumb


def _check_request(width: int, height: int, method: str) -> None:
    if method not in ("crop", "scale"):
        raise InvalidParam("method must be crop or scale")
    if not (1 <= width <= MAX_REQUESTED_DIMENSION and 1 <= height <= MAX_REQUESTED_DIMENSION):
        raise InvalidParam(f"width and height must be between 1 and {MAX_REQUESTED_DIMENSION}")
