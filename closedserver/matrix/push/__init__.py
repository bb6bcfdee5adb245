"""Push rules (CS API "Push Notifications" module). Pure: no I/O, imports nothing else of
closedserver."""

from .actions import Action, highlight, notify, sound, strip_legacy_actions, tweaks
from .context import PushContext, PushEvent
from .defaults import KINDS, MASTER_RULE_ID, default_rules

__all__ = ["KINDS", "MASTER_RULE_ID", "Action", "PushContext", "PushEvent", "default_rules",
           "highlight", "notify", "sound", "strip_legacy_actions", "tweaks"]
