"""Push rules endpoints (CS API "Push Rules: API", pushrules.yaml). Only the `global`
scope exists; the rules live in services/push/rules.py."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from closedserver.api.auth import authenticate, homeserver
from closedserver.api.parsing import json_object, query_str, read_json
from closedserver.api.responses import empty_response, json_response
from closedserver.errors import MissingParam


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
    requester = authenticate(request)
    p = request.path_params
    enabled = homeserver(request).push_rules.get_enabled(requester.user_id, p["kind"],
                                                         p["ruleId"])
    return json_response({"enabled": enabled})


async def set_push_rule_enabled(request: Request) -> Response:
    """PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/enabled"""
    requester = authenticate(request)
    p = request.path_params
    body = await json_object(request)
    if "enabled" not in body:
        raise MissingParam("Missing 'enabled'")
    homeserver(request).push_rules.set_enabled(requester.user_id, p["kind"], p["ruleId"],
                                               body.get("enabled"))
    return empty_response()


async def get_push_rule_actions(request: Request) -> Response:
    """GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/actions"""
    requester = authenticate(request)
    p = request.path_params
    actions = homeserver(request).push_rules.get_actions(requester.user_id, p["kind"],
                                                         p["ruleId"])
    return json_response({"actions": actions})


async def set_push_rule_actions(request: Request) -> Response:
    """PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/actions"""
    requester = authenticate(request)
    p = request.path_params
    body = await json_object(request)
    if "actions" not in body:
        raise MissingParam("Missing 'actions'")
    homeserver(request).push_rules.set_actions(requester.user_id, p["kind"], p["ruleId"],
                                               body.get("actions"))
    return empty_response()
