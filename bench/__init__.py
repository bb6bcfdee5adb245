"""closedserver's benchmark harness: races closedserver against Synapse.

The load generator speaks only the standard Matrix Client-Server API, so every
scenario runs against any homeserver URL. `python -m bench.run --help` shows the
options; bench/README.md says what each scenario measures and how to read the table.
"""
