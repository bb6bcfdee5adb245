"""Stored filters and the `filter` parameter of /sync (spec: "Filtering", filter.yaml).

A filter is uploaded once (POST /user/{userId}/filter) and then named by its ID on every
long-poll, so parsed filters are kept in memory; inline JSON filters (the parameter starts
with `{`) are parsed and cached by their text.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import orjson

from closedserver.errors import BadJson, Forbidden, InvalidParam, NotFound
from closedserver.services.filtering import SyncFilter, parse_filter_json
from closedserver.storage.database import Database
from closedserver.storage.filters import FiltersStore

CACHE_SIZE = 4096
DEFAULT_FILTER = SyncFilter()


class Filters:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.store = FiltersStore(db)
        self._parsed: OrderedDict[tuple[str, str], SyncFilter] = OrderedDict()

    def create(self, requester_id: str, user_id: str, data: Any) -> str:
        """Validate and store a filter; an identical earlier one gives its ID back."""
        _check_owner(requester_id, user_id, "create")
        if not isinstance(data, dict):
            raise BadJson("A filter must be a JSON object")
        SyncFilter.parse(data)
        text = orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode()
        with self.db.transaction():
            filter_id = self.store.find_filter(user_id, text)
            if filter_id is None:
                filter_id = self.store.insert_filter(user_id, text)
        return str(filter_id)

    def get(self, requester_id: str, user_id: str, filter_id: str) -> dict[str, Any]:
        _check_owner(requester_id, user_id, "read")
        number = _as_id(filter_id)
        text = self.store.get_filter(user_id, number) if number is not None else None
        if text is None:
            raise NotFound(f"No filter {filter_id!r}")
        return orjson.loads(text)

    def resolve(self, user_id: str, param: str | None) -> SyncFilter:
        """The /sync `filter` parameter (inline JSON or a stored filter ID) as a SyncFilter."""
        if not param:
            return DEFAULT_FILTER
        key = (user_id if not param.startswith("{") else "", param)
        cached = self._parsed.get(key)
        if cached is not None:
            self._parsed.move_to_end(key)
            return cached
        parsed = parse_filter_json(param) if param.startswith("{") else self._load(user_id,
                                                                                   param)
        self._parsed[key] = parsed
        if len(self._parsed) > CACHE_SIZE:
            self._parsed.popitem(last=False)
        return parsed

    def _load(self, user_id: str, filter_id: str) -> SyncFilter:
        number = _as_id(filter_id)
        text = self.store.get_filter(user_id, number) if number is not None else None
        if text is None:
            raise InvalidParam(f"No such filter: {filter_id!r}")
        return SyncFilter.parse(orjson.loads(text))


def _check_owner(requester_id: str, user_id: str, verb: str) -> None:
    if requester_id != user_id:
        raise Forbidden(f"Cannot {verb} filters for other users")


def _as_id(filter_id: str) -> int | None:
    return int(filter_id) if filter_id.isascii() and filter_id.isdigit() \
        and len(filter_id) <= 15 else None
