"""closedserver: a small, closed-by-default Matrix homeserver."""

__version__ = "0.1.0"
