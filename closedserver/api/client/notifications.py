"""GET /notifications (CS API "Listing Notifications", notifications.yaml)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from closedserver.api.auth import authenticate, homeserver
from closedserver.api.parsing import query_int, query_str
from closedserver.api.responses import json_response

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000


async def get_notifications(request: Request) -> Response:
    """GET /_matrix/client/v3/notifications"""
    requester = authenticate(request)
    return json_response(homeserver(request).notifications.list_notifications(
        requester.user_id, from_token=query_str(request, "from"),
        limit=query_int(request, "limit", DEFAULT_LIMIT, minimum=0, maximum=MAX_LIMIT),
        only=query_str(request, "only")))
