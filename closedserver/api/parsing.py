"""Request parsing: JSON bodies and query parameters -> values or Matrix errors.

Body not JSON: 400 M_NOT_JSON. Wrong shape: 400 M_BAD_JSON. Missing: 400 M_MISSING_PARAM.
Bad query parameter: 400 M_INVALID_PARAM.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request

from closedserver.errors import BadJson, InvalidParam, MissingParam, NotJson, TooLarge

MAX_BODY_BYTES = 1024 * 1024


class Body:
    """Typed access to a JSON object body."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def __contains__(self, key: str) -> bool:
        return key in self.data

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def required(self, key: str) -> Any:
        """The value of `key`, of any type (null included); 400 M_MISSING_PARAM if absent."""
        if key not in self.data:
            raise MissingParam(f"Missing '{key}'")
        return self.data[key]

    def _typed(self, key: str, types: type | tuple[type, ...], what: str, required: bool,
               default: Any) -> Any:
        if key not in self.data or self.data[key] is None:
            if required:
                raise MissingParam(f"Missing '{key}'")
            return default
        value = self.data[key]
        if not isinstance(value, types) or (types is int and isinstance(value, bool)):
            raise BadJson(f"'{key}' must be {what}")
        return value

    def str(self, key: str, *, required: bool = False, default: str | None = None) -> Any:
        return self._typed(key, str, "a string", required, default)

    def bool(self, key: str, *, required: bool = False, default: bool = False) -> bool:
        return self._typed(key, bool, "a boolean", required, default)

    def int(self, key: str, *, required: bool = False, default: int | None = None) -> Any:
        return self._typed(key, int, "an integer", required, default)

    def dict(self, key: str, *, required: bool = False,
             default: dict[str, Any] | None = None) -> Any:
        return self._typed(key, dict, "an object", required, default)

    def list(self, key: str, *, required: bool = False,
             default: list[Any] | None = None) -> Any:
        return self._typed(key, list, "an array", required, default)

    def str_list(self, key: str, *, required: bool = False) -> list[str] | None:
        values = self.list(key, required=required)
        if values is not None and not all(isinstance(v, str) for v in values):
            raise BadJson(f"'{key}' must be an array of strings")
        return values


async def read_json(request: Request) -> Any:
    """The request body as JSON (any type); an empty body counts as `{}`."""
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise TooLarge("Request body too large")
    if not raw.strip():
        return {}
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise NotJson("Request body is not valid JSON") from None


async def json_object(request: Request) -> Body:
    """The request body, which must be a JSON object."""
    data = await read_json(request)
    if not isinstance(data, dict):
        raise BadJson("Request body must be a JSON object")
    return Body(data)


def query_int(request: Request, name: str, default: int | None = None, *,
              required: bool = False, minimum: int | None = None,
              maximum: int | None = None) -> Any:
    text = query_str(request, name, required=required)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise InvalidParam(f"Query parameter '{name}' must be an integer") from None
    if minimum is not None and value < minimum:
        raise InvalidParam(f"Query parameter '{name}' must be at least {minimum}")
    if maximum is not None:
        value = min(value, maximum)
    return value


def query_bool(request: Request, name: str, default: bool = False) -> bool:
    text = request.query_params.get(name)
    if text is None:
        return default
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise InvalidParam(f"Query parameter '{name}' must be true or false")


def query_str(request: Request, name: str, *, required: bool = False) -> Any:
    value = request.query_params.get(name)
    if value is None and required:
        raise MissingParam(f"Missing query parameter '{name}'")
    return value


def query_backwards(request: Request, *, required: bool = False) -> bool:
    """The `dir` parameter of paginated endpoints: True for `b` (also when absent and not
    required), False for `f`."""
    direction = query_str(request, "dir", required=required) or "b"
    if direction not in ("b", "f"):
        raise InvalidParam("dir must be 'b' or 'f'")
    return direction == "b"
