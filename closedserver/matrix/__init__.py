"""The Matrix spec in plain Python: event format, canonical JSON, hashing, signing,
redaction, authorization rules and state resolution. No I/O; imports nothing else of ours."""
