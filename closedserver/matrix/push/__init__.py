"""Push rules (CS API "Push Notifications" module). Pure: no I/O, imports nothing else of
closedserver."""

from .defaults import KINDS, MASTER_RULE_ID, default_rules

__all__ = ["KINDS", "MASTER_RULE_ID", "default_rules"]
