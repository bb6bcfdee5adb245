"""Content repository uploads, configuration and URL previews.

Spec: Client-Server API, content repository (`content-repo.yaml` for `/_matrix/media/v3`
and `/v1/create`, `authed-content-repo.yaml` for `/_matrix/client/v1/media`). Downloads
and thumbnails are in media_download.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from closedserver.api.auth import authenticate, homeserver
from closedserver.api.parsing import query_str
from closedserver.api.responses import empty_response, json_response
from closedserver.errors import InvalidParam, MatrixError


class UploadInterrupted(MatrixError):
    """The client went away before sending the whole body (nobody reads this answer)."""

    errcode = "M_UNKNOWN"
    status = 400


def _declared_length(request: Request) -> int | None:
    text = request.headers.get("content-length")
    if text is None:
        return None
    if not text.isdigit():
        raise InvalidParam("Content-Length must be a number")
    return int(text)


async def _body(request: Request) -> AsyncIterator[bytes]:
    """The request body, chunk by chunk as it arrives."""
    try:
        async for chunk in request.stream():
            yield chunk
    except ClientDisconnect:
        raise UploadInterrupted("The upload was interrupted") from None


async def upload_content(request: Request) -> Response:
    """POST /_matrix/media/v3/upload"""
    requester = authenticate(request)
    content_uri = await homeserver(request).media.repository.upload(
        requester.user_id, _body(request), content_type=request.headers.get("content-type"),
        filename=query_str(request, "filename"), declared_length=_declared_length(request))
    return json_response({"content_uri": content_uri})


async def create_content(request: Request) -> Response:
    """POST /_matrix/media/v1/create"""
    requester = authenticate(request)
    content_uri, expires_at = homeserver(request).media.repository.create(requester.user_id)
    return json_response({"content_uri": content_uri, "unused_expires_at": expires_at})


async def upload_content_to_mxc(request: Request) -> Response:
    """PUT /_matrix/media/v3/upload/{serverName}/{mediaId}"""
    requester = authenticate(request)
    await homeserver(request).media.repository.upload_to(
        requester.user_id, request.path_params["serverName"], request.path_params["mediaId"],
        _body(request), content_type=request.headers.get("content-type"),
        filename=query_str(request, "filename"), declared_length=_declared_length(request))
    return empty_response()


async def get_config(request: Request) -> Response:
    """GET /_matrix/client/v1/media/config"""
    authenticate(request)
    return json_response(homeserver(request).media.repository.upload_config())


async def get_config_legacy(request: Request) -> Response:
    """GET /_matrix/media/v3/config"""
    return await get_config(request)


async def get_url_preview(request: Request) -> Response:
    """GET /_matrix/client/v1/media/preview_url"""
    requester = authenticate(request)
    preview = await homeserver(request).media.previews.preview(requester.user_id,
                                                               query_str(request, "url"))
    return json_response(preview)


async def get_url_preview_legacy(request: Request) -> Response:
    """GET /_matrix/media/v3/preview_url"""
    return await get_url_preview(request)
