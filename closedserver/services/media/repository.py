"""Uploads and downloads: the content repository's core.

Spec: Client-Server API, content repository: `POST /media/v3/upload`, `POST /media/v1/create`
+ `PUT /media/v3/upload/{serverName}/{mediaId}` (asynchronous uploads: only the creator,
only once, unused IDs expire, a per-user limit on pending IDs), the download endpoints with
`timeout_ms` (wait for content still being uploaded, then 504 M_NOT_YET_UPLOADED), and the
freeze of the unauthenticated `/_matrix/media/v3` downloads.

Bodies are streamed to a temp file in worker threads while being hashed and counted, so a
body over the limit is cut off at the limit and leaves nothing behind. We do not federate:
media of another server is 404 M_NOT_FOUND and no request ever leaves this server.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from closedserver.clock import now_ms
from closedserver.config import MediaSection
from closedserver.errors import (
    CannotOverwriteMedia,
    Forbidden,
    InvalidParam,
    LimitExceeded,
    NotFound,
    NotYetUploaded,
    TooLarge,
)
from closedserver.services.media.blobs import BlobStore, TempBlob
from closedserver.services.media.ids import is_valid_media_id, mxc_uri, new_media_id
from closedserver.services.media.policy import (
    DEFAULT_CONTENT_TYPE,
    MAX_FILENAME_LENGTH,
    content_type_allowed,
    normalise_content_type,
    parse_type_patterns,
)
from closedserver.services.media.waiters import UploadWaiters
from closedserver.storage.database import Database
from closedserver.storage.media import MediaRow, MediaStore

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_MS = 20_000
MAX_TIMEOUT_MS = 60_000  # spec: "The content repository SHOULD impose a maximum value"
WRITE_CHUNK_BYTES = 1024 * 1024


@dataclass(frozen=True)
class MediaFile:
    """What a download or thumbnail serves: the stored file, its type and file name."""

    path: Path
    content_type: str
    filename: str | None
    stat: os.stat_result


@dataclass(frozen=True)
class UploadLimit:
    max_bytes: int
    quota_left: int | None


@dataclass(frozen=True)
class Received:
    temp: TempBlob
    sha256: str
    size: int


class MediaRepository:
    def __init__(self, db: Database, server_name: str, config: MediaSection,
                 blobs: BlobStore) -> None:
        self.db = db
        self.server_name = server_name
        self.config = config
        self.blobs = blobs
        self.store = MediaStore(db)
        self.waiters = UploadWaiters()
        self.max_upload_bytes = config.max_upload_bytes
        self.quota_bytes = config.quota_bytes
        self._allowed = parse_type_patterns(config.allowed_content_types)
        self._refused = parse_type_patterns(config.refused_content_types)

    def upload_config(self) -> dict[str, int]:
        """The body of `/media/config`."""
        return {"m.upload.size": self.max_upload_bytes}

    # uploads

    async def upload(self, user_id: str, body: AsyncIterable[bytes], *,
                     content_type: str | None, filename: str | None,
                     declared_length: int | None) -> str:
        """Store a new upload; returns its `mxc://` URI."""
        content_type, filename = self._check_upload(content_type, filename)
        limit = self._upload_limit(user_id, declared_length)
        received = await self._receive(body, limit)
        now = now_ms()
        row = MediaRow(new_media_id(), user_id, now, None, now, received.sha256, received.size,
                       content_type, filename, None, self._unauthenticated_allowed())
        try:
            with self.db.transaction():
                self._check_quota(user_id, received.size)
                self.blobs.commit(received.temp, received.sha256)
                self.store.insert_uploaded(row)
        finally:
            received.temp.discard()
        log.info("%s uploaded %s (%d bytes, %s)", user_id, row.media_id, row.size, content_type)
        return mxc_uri(self.server_name, row.media_id)

    async def upload_bytes(self, user_id: str, data: bytes, *, content_type: str,
                           filename: str | None) -> str:
        """Store content the server already holds (e.g. a URL preview's image)."""
        async def body() -> AsyncIterator[bytes]:
            yield data

        return await self.upload(user_id, body(), content_type=content_type,
                                 filename=filename, declared_length=len(data))

    def create(self, user_id: str) -> tuple[str, int]:
        """Reserve a media ID for a later upload: (`mxc://` URI, `unused_expires_at`)."""
        now = now_ms()
        with self.db.transaction():
            if self.quota_bytes is not None and \
                    self.store.get_user_usage(user_id) >= self.quota_bytes:
                raise self._over_quota()
            self.store.delete_media(self.store.list_expired_pending(now, user_id))
            pending = self.store.list_pending_expiries(user_id, now)
            if len(pending) >= self.config.max_pending_uploads:
                raise LimitExceeded(max(1, pending[0] - now),
                                    "Too many media IDs are waiting for their upload")
            media_id = new_media_id()
            expires = now + self.config.unused_expiry_ms
            self.store.insert_pending(media_id, user_id, now, expires)
        return mxc_uri(self.server_name, media_id), expires

    async def upload_to(self, user_id: str, server_name: str, media_id: str,
                        body: AsyncIterable[bytes], *, content_type: str | None,
                        filename: str | None, declared_length: int | None) -> None:
        """Upload the content of an ID from `create` (only its creator, only once)."""
        self._pending_row(user_id, server_name, media_id, check_expiry=True)
        content_type, filename = self._check_upload(content_type, filename)
        limit = self._upload_limit(user_id, declared_length)
        received = await self._receive(body, limit)
        try:
            with self.db.transaction():
                self._pending_row(user_id, server_name, media_id, check_expiry=False)
                self._check_quota(user_id, received.size)
                self.blobs.commit(received.temp, received.sha256)
                self.store.update_content(
                    media_id, sha256=received.sha256, size=received.size,
                    content_type=content_type, filename=filename, upload_ts=now_ms(),
                    unauthenticated=self._unauthenticated_allowed())
        finally:
            received.temp.discard()
        self.waiters.wake(media_id)
        log.info("%s uploaded %s (%d bytes, %s)", user_id, media_id, received.size,
                 content_type)

    def _pending_row(self, user_id: str, server_name: str, media_id: str, *,
                     check_expiry: bool) -> MediaRow:
        row = self._local_row(server_name, media_id)
        if row is None or (check_expiry and row.expired(now_ms())):
            raise NotFound("Unknown media ID: create it with /_matrix/media/v1/create")
        if row.user_id != user_id:
            raise Forbidden("Only the user who created this media ID may upload to it")
        if row.uploaded:
            raise CannotOverwriteMedia("Media already uploaded")
        return row

    def _check_upload(self, content_type: str | None,
                      filename: str | None) -> tuple[str, str | None]:
        content_type = normalise_content_type(content_type)
        if not content_type_allowed(content_type, self._allowed, self._refused):
            raise Forbidden(f"This server does not accept uploads of {content_type}")
        if filename is not None and len(filename) > MAX_FILENAME_LENGTH:
            raise InvalidParam(f"filename is longer than {MAX_FILENAME_LENGTH} characters")
        return content_type, filename or None

    def _upload_limit(self, user_id: str, declared_length: int | None) -> UploadLimit:
        """Refuse early what is known to be too large; the limits for streaming the rest."""
        if declared_length is not None and declared_length > self.max_upload_bytes:
            raise self._too_large()
        quota_left = None
        if self.quota_bytes is not None:
            quota_left = self.quota_bytes - self.store.get_user_usage(user_id)
            if quota_left <= 0 or (declared_length or 0) > quota_left:
                raise self._over_quota()
        return UploadLimit(self.max_upload_bytes, quota_left)

    def _check_quota(self, user_id: str, size: int) -> None:
        """Inside the write transaction: parallel uploads cannot overrun the quota."""
        if self.quota_bytes is not None and \
                self.store.get_user_usage(user_id) + size > self.quota_bytes:
            raise self._over_quota()

    def _too_large(self) -> TooLarge:
        return TooLarge(f"Cannot upload files larger than {self.max_upload_bytes} bytes")

    def _over_quota(self) -> Forbidden:
        # Spec: a user over their quota gets 403 M_FORBIDDEN.
        return Forbidden("Cannot upload this content: your media storage quota is used up")

    async def _receive(self, body: AsyncIterable[bytes], limit: UploadLimit) -> Received:
        """Stream the body into a temp file, stopping at the first byte over a limit."""
        temp = self.blobs.new_temp()
        buffer = bytearray()
        received = 0
        try:
            async for chunk in body:
                received += len(chunk)
                if received > limit.max_bytes:
                    raise self._too_large()
                if limit.quota_left is not None and received > limit.quota_left:
                    raise self._over_quota()
                buffer += chunk
                if len(buffer) >= WRITE_CHUNK_BYTES:
                    await asyncio.to_thread(temp.write, bytes(buffer))
                    buffer.clear()
            await asyncio.to_thread(temp.write, bytes(buffer))
            sha256 = await asyncio.to_thread(temp.finish)
        except BaseException:
            temp.discard()
            raise
        return Received(temp, sha256, temp.size)

    def _unauthenticated_allowed(self) -> bool:
        """Uploaded while the legacy endpoints are not frozen: they keep serving it."""
        return not self.config.freeze_unauthenticated

    # downloads

    async def get_content(self, server_name: str, media_id: str, *, timeout_ms: int | None,
                          legacy: bool = False) -> MediaFile:
        """The stored file of a media ID, waiting up to `timeout_ms` for a pending upload."""
        row = await self.get_uploaded_row(server_name, media_id, timeout_ms=timeout_ms,
                                          legacy=legacy)
        assert row.sha256 is not None
        path = self.blobs.path_of(row.sha256)
        try:
            stat = await asyncio.to_thread(os.stat, path)
        except FileNotFoundError:
            log.error("media %s: file %s is missing", media_id, path)
            raise NotFound("Media not found") from None
        return MediaFile(path, row.content_type or DEFAULT_CONTENT_TYPE, row.filename, stat)

    async def get_uploaded_row(self, server_name: str, media_id: str, *,
                               timeout_ms: int | None, legacy: bool) -> MediaRow:
        row = self._visible_row(server_name, media_id, legacy)
        if not row.uploaded:
            wait_ms = min(DEFAULT_TIMEOUT_MS if timeout_ms is None else timeout_ms,
                          MAX_TIMEOUT_MS)
            await self.waiters.wait(media_id, wait_ms / 1000)
            row = self._visible_row(server_name, media_id, legacy)
            if not row.uploaded:
                raise NotYetUploaded("Content has not yet been uploaded")
        return row

    def _visible_row(self, server_name: str, media_id: str, legacy: bool) -> MediaRow:
        row = self._local_row(server_name, media_id)
        if row is None or row.expired(now_ms()) or row.quarantined_ts is not None:
            raise NotFound("Media not found")
        if legacy and self.config.freeze_unauthenticated and not row.unauthenticated:
            # Spec: media uploaded after the freeze is only served on authenticated endpoints.
            raise NotFound("Media not found: use the authenticated /_matrix/client/v1/media "
                           "endpoints")
        return row

    def _local_row(self, server_name: str, media_id: str) -> MediaRow | None:
        """The row of one of our media IDs; None for anything else (invalid, remote)."""
        if server_name != self.server_name or not is_valid_media_id(media_id):
            return None
        return self.store.get_media(media_id)
