"""Content repository downloads and thumbnails, authenticated and legacy.

Spec: Client-Server API, content repository: `/_matrix/client/v1/media/download` and
`/thumbnail` (authenticated), and the deprecated unauthenticated `/_matrix/media/v3` ones,
which serve only media uploaded before the freeze (services/media/repository.py).
Files are streamed from disk (with Range support), never read into memory, and carry the
headers of services/media/policy.py: sandbox CSP, nosniff, `inline` only for safe types.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from closedserver.api.auth import authenticate, homeserver
from closedserver.api.parsing import query_bool, query_int, query_str
from closedserver.services.media.policy import SECURITY_HEADERS, content_disposition
from closedserver.services.media.repository import MediaFile


def _file_response(file: MediaFile, disposition: str) -> Response:
    headers = {**SECURITY_HEADERS, "content-type": file.content_type,
               "content-disposition": disposition}
    return FileResponse(file.path, headers=headers, stat_result=file.stat)


async def _download(request: Request, *, legacy: bool) -> Response:
    params = request.path_params
    file = await homeserver(request).media.repository.get_content(
        params["serverName"], params["mediaId"], legacy=legacy,
        timeout_ms=query_int(request, "timeout_ms", minimum=0))
    filename = params.get("fileName") or file.filename
    return _file_response(file, content_disposition(file.content_type, filename))


async def _thumbnail(request: Request, *, legacy: bool) -> Response:
    file = await homeserver(request).media.thumbnails.get_thumbnail(
        request.path_params["serverName"], request.path_params["mediaId"],
        method=query_str(request, "method") or "scale",
        animated=query_bool(request, "animated"), legacy=legacy,
        timeout_ms=query_int(request, "timeout_ms", minimum=0),
        width=query_int(request, "width", required=True),
        height=query_int(request, "height", required=True))
    disposition = content_disposition(file.content_type, file.filename, force_inline=True)
    return _file_response(file, disposition)


async def get_content(request: Request) -> Response:
    """GET /_matrix/client/v1/media/download/{serverName}/{mediaId}"""
    authenticate(request)
    return await _download(request, legacy=False)


async def get_content_override_name(request: Request) -> Response:
    """GET /_matrix/client/v1/media/download/{serverName}/{mediaId}/{fileName}"""
    authenticate(request)
    return await _download(request, legacy=False)


async def get_content_empty_name(request: Request) -> Response:
    """GET /_matrix/client/v1/media/download/{serverName}/{mediaId}/

    The same as without the slash: matrix-nio asks this way when it wants no file name.
    """
    authenticate(request)
    return await _download(request, legacy=False)


async def get_content_thumbnail(request: Request) -> Response:
    """GET /_matrix/client/v1/media/thumbnail/{serverName}/{mediaId}"""
    authenticate(request)
    return await _thumbnail(request, legacy=False)


async def get_content_legacy(request: Request) -> Response:
    """GET /_matrix/media/v3/download/{serverName}/{mediaId}"""
    return await _download(request, legacy=True)


async def get_content_override_name_legacy(request: Request) -> Response:
    """GET /_matrix/media/v3/download/{serverName}/{mediaId}/{fileName}"""
    return await _download(request, legacy=True)


async def get_content_thumbnail_legacy(request: Request) -> Response:
    """GET /_matrix/media/v3/thumbnail/{serverName}/{mediaId}"""
    return await _thumbnail(request, legacy=True)
