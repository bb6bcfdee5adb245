"""Errors raised by the push rule operations (CS API "Push Rules: API").

Pure exceptions: the HTTP layer decides the response. The mapping the spec implies is
given on each class so the API layer can translate them in one place.
"""


class PushRuleError(Exception):
    """Base class of every push rule error."""


class PushRuleNotFound(PushRuleError):
    """The rule does not exist for this user and kind. HTTP: 404 M_NOT_FOUND."""


class InvalidRule(PushRuleError):
    """The request is well-formed JSON but not allowed: an unknown kind, a bad rule ID,
    writing a server-default rule, an unknown action. HTTP: 400 M_INVALID_PARAM."""


class MalformedRule(InvalidRule):
    """The rule body does not have the shape the spec requires (missing `actions`, a
    condition without `key`, a `pattern` that is not a string...). HTTP: 400 M_BAD_JSON."""


class UnknownPosition(PushRuleError):
    """`before`/`after` names no user-defined rule of the same kind.
    HTTP: 400, errcode M_UNKNOWN as in the spec's example for PUT /pushrules."""
