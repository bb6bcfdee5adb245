"""Device management (spec module "Device Management")."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from closedserver.api.auth import authenticate, homeserver
from closedserver.api.parsing import json_object
from closedserver.api.responses import empty_response, json_response
from closedserver.services.uia import STAGE_PASSWORD
from closedserver.storage.accounts import Device


def device_json(device: Device) -> dict[str, object]:
    # Optional keys are present as null when unknown: matrix-nio requires every key.
    return {"device_id": device.device_id, "display_name": device.display_name,
            "last_seen_ts": device.last_seen_ts, "last_seen_ip": device.last_seen_ip}


async def get_devices(request: Request) -> Response:
    """GET /_matrix/client/v3/devices"""
    requester = authenticate(request)
    devices = homeserver(request).accounts.list_devices(requester.user_id)
    return json_response({"devices": [device_json(d) for d in devices]})


async def get_device(request: Request) -> Response:
    """GET /_matrix/client/v3/devices/{deviceId}"""
    requester = authenticate(request)
    device = homeserver(request).accounts.get_device(
        requester.user_id, request.path_params["deviceId"])
    return json_response(device_json(device))


async def update_device(request: Request) -> Response:
    """PUT /_matrix/client/v3/devices/{deviceId}"""
    requester = authenticate(request)
    body = await json_object(request)
    homeserver(request).accounts.rename_device(
        requester.user_id, request.path_params["deviceId"], body.str("display_name"))
    return empty_response()


async def delete_device(request: Request) -> Response:
    """DELETE /_matrix/client/v3/devices/{deviceId}

    Spec: 200 also when the device "had been removed previously" (no 404).
    """
    hs = homeserver(request)
    requester = authenticate(request)
    device_id = request.path_params["deviceId"]
    body = await json_object(request)
    await hs.uia.authenticate(body.get("auth"), operation=f"delete_devices:{device_id}",
                              flows=[[STAGE_PASSWORD]], user_id=requester.user_id)
    hs.accounts.delete_devices(requester.user_id, [device_id])
    return empty_response()


async def delete_devices(request: Request) -> Response:
    """POST /_matrix/client/v3/delete_devices"""
    hs = homeserver(request)
    requester = authenticate(request)
    body = await json_object(request)
    device_ids = body.str_list("devices", required=True)
    operation = "delete_devices:" + ",".join(sorted(device_ids))
    await hs.uia.authenticate(body.get("auth"), operation=operation,
                              flows=[[STAGE_PASSWORD]], user_id=requester.user_id)
    hs.accounts.delete_devices(requester.user_id, device_ids)
    return empty_response()
