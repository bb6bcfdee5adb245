"""The admin's side of the media repository: list, delete, purge, quarantine, stats.

Used by `closedserver media ...`. Deleting a media ID removes its file only when no other
media ID (same bytes) or cached thumbnail still uses it; the decision and the unlink happen
in one write transaction, so they cannot interleave with an upload of the same bytes.
A quarantined media ID is served as 404 M_NOT_FOUND until it is unquarantined.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from closedserver.clock import now_ms
from closedserver.errors import InvalidParam, NotFound
from closedserver.services.media.blobs import BlobStore
from closedserver.services.media.ids import parse_mxc
from closedserver.storage.database import Database
from closedserver.storage.media import MediaRow, MediaStore, MediaTotals

log = logging.getLogger(__name__)

PURGE_BATCH = 200
STALE_TEMP_FILE_S = 24 * 3600
HOUSEKEEPING_S = 3600


@dataclass(frozen=True)
class MediaStats:
    totals: MediaTotals
    top_users: list[tuple[str, int, int]]


class MediaAdmin:
    def __init__(self, db: Database, server_name: str, blobs: BlobStore) -> None:
        self.db = db
        self.server_name = server_name
        self.blobs = blobs
        self.store = MediaStore(db)

    def find(self, mxc: str) -> MediaRow:
        """The row of one of our `mxc://` URIs (a bare media ID is accepted too)."""
        parsed = parse_mxc(mxc) if mxc.startswith("mxc://") else (self.server_name, mxc)
        if parsed is None:
            raise InvalidParam(f"{mxc!r} is not an mxc:// URI")
        server_name, media_id = parsed
        if server_name != self.server_name:
            raise NotFound(f"{mxc} is not media of this server ({self.server_name})")
        row = self.store.get_media(media_id)
        if row is None:
            raise NotFound(f"No media {mxc}")
        return row

    def list(self, user_id: str | None = None, limit: int | None = None) -> list[MediaRow]:
        return self.store.list_media(user_id=user_id, limit=limit)

    def delete(self, media_ids: Iterable[str]) -> int:
        """Delete media IDs and every file only they used; returns how many were deleted."""
        media_ids = list(media_ids)
        with self.db.transaction():
            existing = [m for m in media_ids if self.store.get_media(m) is not None]
            self._release(self.store.delete_media(existing))
        if existing:
            log.info("deleted %d media: %s", len(existing), ", ".join(existing[:10]))
        return len(existing)

    def _release(self, hashes: list[str]) -> None:
        """Inside the transaction: drop files (and thumbnails) nothing uses any more."""
        for sha256 in set(hashes):
            if self.store.is_content_used(sha256):
                continue
            for candidate in {sha256, *self.store.delete_thumbnails_of(sha256)}:
                if not self.store.is_blob_referenced(candidate):
                    self.blobs.delete(candidate)

    def purge_candidates(self, older_than_ms: int) -> list[str]:
        """Media IDs uploaded (or created) longer ago than this, plus expired pending IDs."""
        now = now_ms()
        old = [row.media_id for row in self.store.list_media(created_before=now - older_than_ms)]
        expired = self.store.list_expired_pending(now)
        return list(dict.fromkeys(old + expired))

    def purge(self, media_ids: list[str],
              progress: Callable[[int], None] = lambda n: None) -> int:
        """Delete in batches (one short transaction each, so the server keeps serving)."""
        deleted = 0
        for start in range(0, len(media_ids), PURGE_BATCH):
            batch = media_ids[start:start + PURGE_BATCH]
            deleted += self.delete(batch)
            progress(len(batch))
        self.blobs.clear_temp(STALE_TEMP_FILE_S, now_ms() / 1000)
        return deleted

    async def run_housekeeping(self) -> None:
        """Forever, every HOUSEKEEPING_S: drop expired unused IDs and crash leftovers."""
        while True:
            await asyncio.sleep(HOUSEKEEPING_S)
            try:
                await self.clean_up()
            except Exception:
                log.exception("media housekeeping failed")

    async def clean_up(self) -> None:
        expired = self.store.list_expired_pending(now_ms())
        if expired:
            self.delete(expired)
        removed = await asyncio.to_thread(self.blobs.clear_temp, STALE_TEMP_FILE_S,
                                          now_ms() / 1000)
        if removed:
            log.info("removed %d stale temp files from interrupted writes", removed)

    def set_quarantined(self, mxc: str, quarantined: bool) -> MediaRow:
        row = self.find(mxc)
        with self.db.transaction():
            self.store.update_quarantined(row.media_id, now_ms() if quarantined else None)
        log.info("%s media %s", "quarantined" if quarantined else "unquarantined", row.media_id)
        return self.find(mxc)

    def stats(self, top: int = 10) -> MediaStats:
        return MediaStats(self.store.get_totals(), self.store.list_top_users(top))
