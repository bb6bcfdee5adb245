"""Each user's push rules: stored documents, the /pushrules operations, compiled rulesets
for evaluation, and the `m.push_rules` account data (CS API "Push Rules: API" and
"Push Rules: Events").

The rules themselves (defaults, merging, validation, evaluation) are matrix/push; this
service stores the user's document (only what they changed, plus a `version` that never
goes backwards) and keeps parsed documents in memory, since evaluation needs every joined
member's rules for every event.

`m.push_rules` account data holds the merged ruleset (`{"global": ...}`) so that /sync
delivers it: written when a user is created and again on every change.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import orjson

from closedserver.errors import BadJson, InvalidParam, MatrixError, NotFound
from closedserver.matrix.push import (
    CompiledRuleset,
    InvalidRule,
    MalformedRule,
    PushRuleError,
    PushRuleNotFound,
    PushRules,
    RulesetCache,
)
from closedserver.services.account_data import AccountData
from closedserver.services.notifier import Notifier
from closedserver.storage.database import Database
from closedserver.storage.push_rules import PushRulesStore

PUSH_RULES_ACCOUNT_DATA = "m.push_rules"
CACHE_USERS = 10_000


class UnknownRulePosition(MatrixError):
    """400 M_UNKNOWN: `before`/`after` names no rule (as in the spec's example)."""

    errcode = "M_UNKNOWN"
    status = 400


@contextmanager
def _as_matrix_errors() -> Iterator[None]:
    """matrix.push errors -> the spec's HTTP errors."""
    try:
        yield
    except PushRuleNotFound as exc:
        raise NotFound(f"The push rule was not found: {exc}") from None
    except MalformedRule as exc:
        raise BadJson(str(exc)) from None
    except InvalidRule as exc:
        raise InvalidParam(str(exc)) from None
    except PushRuleError as exc:  # UnknownPosition
        raise UnknownRulePosition(str(exc)) from None


class PushRulesService:
    def __init__(self, db: Database, account_data: AccountData, notifier: Notifier) -> None:
        self.db = db
        self.store = PushRulesStore(db)
        self.account_data = account_data
        self.notifier = notifier
        self.compiled_rulesets = RulesetCache(CACHE_USERS)
        self._documents: OrderedDict[str, PushRules] = OrderedDict()

    # reading (the returned PushRules are shared: never mutate them)

    def rules(self, user_id: str) -> PushRules:
        return self.rules_of_users([user_id])[user_id]

    def rules_of_users(self, user_ids: Iterable[str]) -> dict[str, PushRules]:
        """Each user's rules, from memory, loading the missing ones in one query."""
        found: dict[str, PushRules] = {}
        missing = []
        for user_id in user_ids:
            rules = self._documents.get(user_id)
            if rules is None:
                missing.append(user_id)
            else:
                self._documents.move_to_end(user_id)
                found[user_id] = rules
        if missing:
            documents = self.store.get_documents(missing)
            for user_id in missing:
                document = documents.get(user_id)
                rules = PushRules(user_id, orjson.loads(document) if document else None)
                self._remember(rules)
                found[user_id] = rules
        return found

    def compiled(self, rules: PushRules) -> CompiledRuleset:
        return self.compiled_rulesets.compiled(rules)

    def client_rulesets(self, user_id: str) -> dict[str, Any]:
        """GET /pushrules/: `{"global": ruleset}`."""
        return self.rules(user_id).client_rulesets()

    def get_rule(self, user_id: str, kind: str, rule_id: str) -> dict[str, Any]:
        with _as_matrix_errors():
            return self.rules(user_id).get_rule(kind, rule_id)

    def get_enabled(self, user_id: str, kind: str, rule_id: str) -> bool:
        with _as_matrix_errors():
            return self.rules(user_id).get_enabled(kind, rule_id)

    def get_actions(self, user_id: str, kind: str, rule_id: str) -> list[Any]:
        with _as_matrix_errors():
            return self.rules(user_id).get_actions(kind, rule_id)

    # changing

    def put_rule(self, user_id: str, kind: str, rule_id: str, body: Any, *,
                 before: str | None, after: str | None) -> None:
        self._change(user_id, lambda rules: rules.put_rule(kind, rule_id, body, before, after))

    def delete_rule(self, user_id: str, kind: str, rule_id: str) -> None:
        self._change(user_id, lambda rules: rules.delete_rule(kind, rule_id))

    def set_enabled(self, user_id: str, kind: str, rule_id: str, enabled: Any) -> None:
        self._change(user_id, lambda rules: rules.set_enabled(kind, rule_id, enabled))

    def set_actions(self, user_id: str, kind: str, rule_id: str, actions: Any) -> None:
        self._change(user_id, lambda rules: rules.set_actions(kind, rule_id, actions))

    def on_user_created(self, user_id: str) -> None:
        """Give a new user their `m.push_rules` account data (inside the creating
        transaction)."""
        self._write_account_data(self.rules(user_id))

    def clear_cache(self) -> None:
        """Forget parsed documents (another process may have changed them)."""
        self._documents.clear()

    def _change(self, user_id: str, change: Callable[[PushRules], None]) -> None:
        """Read the stored document, apply `change`, store it and its account data, all in
        one transaction; then wake the user's /sync."""
        with _as_matrix_errors(), self.db.transaction():
            document = self.store.get_document(user_id)
            rules = PushRules(user_id, orjson.loads(document) if document else None)
            change(rules)
            if not self.store.put_document(user_id, rules.version,
                                           orjson.dumps(rules.to_document()).decode()):
                raise RuntimeError(f"push rules version of {user_id} did not increase")
            self._write_account_data(rules)
        self._remember(rules)
        self.notifier.notify_users([user_id])

    def _write_account_data(self, rules: PushRules) -> None:
        self.account_data.put_internal(rules.user_id, PUSH_RULES_ACCOUNT_DATA,
                                       rules.client_rulesets())

    def _remember(self, rules: PushRules) -> None:
        self._documents[rules.user_id] = rules
        self._documents.move_to_end(rules.user_id)
        while len(self._documents) > CACHE_USERS:
            self._documents.popitem(last=False)
