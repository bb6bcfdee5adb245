"""Push rule actions and their tweaks (CS API "Push Rules" > "Actions").

`notify` and `set_tweak` are the defined actions. The historical `dont_notify` and
`coalesce` actions MUST be ignored, so they are stripped wherever actions are read.
"""

from collections.abc import Iterable, Sequence
from typing import Any

Action = str | dict[str, Any]

LEGACY_ACTIONS = frozenset({"dont_notify", "coalesce"})


def strip_legacy_actions(actions: Iterable[Action]) -> list[Action]:
    """The actions without `dont_notify`/`coalesce` (`["dont_notify"]` equals `[]`)."""
    return [action for action in actions if not _is_legacy(action)]


def _is_legacy(action: Action) -> bool:
    return isinstance(action, str) and action in LEGACY_ACTIONS


def notify(actions: Sequence[Action]) -> bool:
    """Whether the actions generate a notification."""
    return "notify" in actions


def tweaks(actions: Sequence[Action]) -> dict[str, Any]:
    """The `tweaks` dictionary for the push gateway: tweak name -> value.

    A `highlight` tweak without a value means `true`; other tweaks without a value are
    passed through as `None`. A later `set_tweak` for the same name wins.
    """
    result: dict[str, Any] = {}
    for action in actions:
        if isinstance(action, dict) and isinstance(action.get("set_tweak"), str):
            name = action["set_tweak"]
            if name == "highlight" and "value" not in action:
                result[name] = True
            else:
                result[name] = action.get("value")
    return result


def highlight(actions: Sequence[Action]) -> bool:
    """The `highlight` tweak: `true` if set without a value, `false` if not set at all."""
    return tweaks(actions).get("highlight", False) is True


def sound(actions: Sequence[Action]) -> str | None:
    """The `sound` tweak if it is a string (e.g. `"default"`, `"ring"`), else `None`."""
    value = tweaks(actions).get("sound")
    return value if isinstance(value, str) else None
