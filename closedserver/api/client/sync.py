"""GET /sync (spec: sync.yaml): parse the request, hand it to the sync service."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from closedserver.api.auth import authenticate, homeserver
from closedserver.api.parsing import query_bool, query_int, query_str
from closedserver.api.responses import json_response
from closedserver.errors import InvalidParam
from closedserver.services.presence import STATES
from closedserver.services.stream_tokens import parse_token
from closedserver.services.sync import SyncRequest

MAX_TIMEOUT_MS = 5 * 60 * 1000


async def sync(request: Request) -> Response:
    """GET /_matrix/client/v3/sync"""
    requester = authenticate(request)
    hs = homeserver(request)
    since = query_str(request, "since")
    set_presence = query_str(request, "set_presence")
    if set_presence is not None and set_presence not in STATES:
        raise InvalidParam(f"set_presence must be one of {', '.join(STATES)}")
    sync_request = SyncRequest(
        user_id=requester.user_id, device_id=requester.device_id,
        since=parse_token(since) if since else None,
        filter=hs.filters.resolve(requester.user_id, query_str(request, "filter")),
        full_state=query_bool(request, "full_state"),
        timeout_ms=query_int(request, "timeout", 0, minimum=0, maximum=MAX_TIMEOUT_MS),
        set_presence=set_presence)
    return json_response(await hs.sync.sync(sync_request))
