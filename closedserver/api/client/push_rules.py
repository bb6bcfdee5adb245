"""Push rules endpoints (CS API "Push Rules: API", pushrules.yaml). Only the `global`
scope exists; the rules live in services/push/rules.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from closedserver.api.auth import authenticate, homeserver
from closedserver.api.parsing import json_object, query_str, read_json
from closedserver.api.responses import empty_response, json_response


async def get_push_rules(request: Request) -> Response:
    """GET /_matrix/client/v3/pushrules/"""
    requester = authenticate(request)
    return json_response(homeserver(request).push_rules.client_rulesets(requester.user_id))


async def get_push_rules_global(request: Request) -> Response:
    """GET /_matrix/client/v3/pushrules/global/"""
    requester = authenticate(request)
    rulesets = homeserver(request).push_rules.client_rulesets(requester.user_id)
    return json_response(rulesets["global"])


async def get_push_rule(request: Request) -> Response:
    """GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId}"""
    requester = authenticate(request)
    p = request.path_params
    return json_response(homeserver(request).push_rules.get_rule(
        requester.user_id, p["kind"], p["ruleId"]))


async def set_push_rule(request: Request) -> Response:
    """PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId}"""
    requester = authenticate(request)
    p = request.path_params
    body = await read_json(request)
    homeserver(request).push_rules.put_rule(
        requester.user_id, p["kind"], p["ruleId"], body, before=query_str(request, "before"),
        after=query_str(request, "after"))
    return empty_response()


async def delete_push_rule(request: Request) -> Response:
    """DELETE /_matrix/client/v3/pushrules/global/{kind}/{ruleId}"""
    requester = authenticate(request)
    p = request.path_params
    homeserver(request).push_rules.delete_rule(requester.user_id, p["kind"], p["ruleId"])
    return empty_response()


async def is_push_rule_enabled(request: Request) -> Response:
    """GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/enabled"""
    return await _get_attribute(request, "enabled", homeserver(request).push_rules.get_enabled)


async def set_push_rule_enabled(request: Request) -> Response:
    """PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/enabled"""
    return await _set_attribute(request, "enabled", homeserver(request).push_rules.set_enabled)


async def get_push_rule_actions(request: Request) -> Response:
    """GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/actions"""
    return await _get_attribute(request, "actions", homeserver(request).push_rules.get_actions)


async def set_push_rule_actions(request: Request) -> Response:
    """PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/actions"""
    return await _set_attribute(request, "actions", homeserver(request).push_rules.set_actions)


async def _get_attribute(request: Request, name: str, read: Callable[..., Any]) -> Response:
    """`{name: value}` of one rule attribute (`enabled` or `actions`)."""
    requester = authenticate(request)
    p = request.path_params
    return json_response({name: read(requester.user_id, p["kind"], p["ruleId"])})


async def _set_attribute(request: Request, name: str, write: Callable[..., None]) -> Response:
    """Set one rule attribute from the body's `name` key (the service checks its value)."""
    requester = authenticate(request)
    p = request.path_params
    value = (await json_object(request)).required(name)
    write(requester.user_id, p["kind"], p["ruleId"], value)
    return empty_response()
