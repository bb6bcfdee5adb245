"""The media repository (spec: Client-Server API, "Content repository").

One `MediaServices` bundle on the HomeServer: `repository` (uploads, downloads),
`thumbnails`, `previews` (URL previews, off unless the admin enables them) and `admin`
(what the CLI does). They share one content-addressed file store under the media dir.
"""

from __future__ import annotations

from dataclasses import dataclass

from closedserver.config import Config
from closedserver.services.media.admin import MediaAdmin
from closedserver.services.media.blobs import BlobStore
from closedserver.services.media.previews import UrlPreviews
from closedserver.services.media.repository import MediaRepository
from closedserver.services.media.thumbnailer import Thumbnailer
from closedserver.storage.database import Database


@dataclass
class MediaServices:
    repository: MediaRepository
    thumbnails: Thumbnailer
    previews: UrlPreviews
    admin: MediaAdmin


def build_media_services(config: Config, db: Database) -> MediaServices:
    media = config.media
    server_name = config.server.server_name
    blobs = BlobStore(config.path(media.path))
    repository = MediaRepository(db, server_name, media, blobs)
    thumbnails = Thumbnailer(db, repository, blobs, sizes=media.thumbnail_size_list(),
                             max_pixels=media.max_thumbnail_pixels)
    previews = UrlPreviews(repository, media)
    return MediaServices(repository, thumbnails, previews, MediaAdmin(db, server_name, blobs))
