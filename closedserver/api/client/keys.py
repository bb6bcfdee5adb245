"""End-to-end encryption keys (spec module "End-to-End Encryption": Key management API and
cross-signing): /keys/upload, /keys/query, /keys/claim, /keys/changes,
/keys/device_signing/upload, /keys/signatures/upload."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from closedserver.api.auth import authenticate, homeserver
from closedserver.api.parsing import json_object, query_str
from closedserver.api.responses import empty_response, json_response
from closedserver.services.stream_tokens import parse_stream_token
from closedserver.services.uia import STAGE_PASSWORD


async def upload_keys(request: Request) -> Response:
    """POST /_matrix/client/v3/keys/upload"""
    requester = authenticate(request)
    body = await json_object(request)
    counts = homeserver(request).keys.upload(
        requester.user_id, requester.device_id, device_keys=body.get("device_keys"),
        one_time_keys=body.get("one_time_keys"), fallback_keys=body.get("fallback_keys"))
    return json_response({"one_time_key_counts": counts})


async def query_keys(request: Request) -> Response:
    """POST /_matrix/client/v3/keys/query"""
    requester = authenticate(request)
    body = await json_object(request)
    wanted = body.dict("device_keys", required=True)
    return json_response(homeserver(request).keys.query(requester.user_id, wanted))


async def claim_keys(request: Request) -> Response:
    """POST /_matrix/client/v3/keys/claim"""
    authenticate(request)
    body = await json_object(request)
    wanted = body.dict("one_time_keys", required=True)
    return json_response(homeserver(request).keys.claim(wanted))


async def get_keys_changes(request: Request) -> Response:
    """GET /_matrix/client/v3/keys/changes"""
    requester = authenticate(request)
    since = parse_stream_token(query_str(request, "from", required=True))
    # `to` is only a hint (spec); everything changed since `from` is returned.
    parse_stream_token(query_str(request, "to", required=True))
    changed, left = homeserver(request).device_lists.changes_for(requester.user_id, since)
    return json_response({"changed": changed, "left": left})


async def upload_cross_signing_keys(request: Request) -> Response:
    """POST /_matrix/client/v3/keys/device_signing/upload"""
    hs = homeserver(request)
    requester = authenticate(request)
    body = await json_object(request)
    upload = hs.cross_signing.check_upload(requester.user_id, body.data)
    if hs.cross_signing.upload_needs_auth(requester.user_id, upload):
        await hs.uia.authenticate(body.get("auth"), operation="device_signing_upload",
                                  flows=[[STAGE_PASSWORD]], user_id=requester.user_id)
    hs.cross_signing.store_upload(requester.user_id, upload)
    return empty_response()


async def upload_cross_signing_signatures(request: Request) -> Response:
    """POST /_matrix/client/v3/keys/signatures/upload"""
    requester = authenticate(request)
    body = await json_object(request)
    failures = homeserver(request).cross_signing.upload_signatures(requester.user_id,
                                                                   body.data)
    return json_response({"failures": failures})
