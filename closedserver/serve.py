"""The server process: `python -m closedserver.serve --data-dir DIR`.

`closedserver run` checks the config, then replaces itself with this lean entry point, so
the serving process does not carry the admin CLI's libraries (typer, rich) in memory.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import uvicorn

from closedserver.app import create_app
from closedserver.config import ConfigError, load_config
from closedserver.homeserver import build_homeserver
from closedserver.logs import setup_logging


def serve(data_dir: Path) -> None:
    config = load_config(data_dir)
    setup_logging(config.server.log_level)
    hs = build_homeserver(config)
    ssl = {}
    if config.tls_enabled:
        ssl = {"ssl_certfile": config.path(config.server.tls_certificate),
               "ssl_keyfile": config.path(config.server.tls_private_key)}
    try:
        uvicorn.run(create_app(hs), host=config.listen_host, port=config.listen_port,
                    log_config=None, access_log=False, lifespan="on", server_header=False,
                    **ssl)
    finally:
        hs.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve a closedserver data dir.")
    parser.add_argument("--data-dir", type=Path, required=True)
    args = parser.parse_args()
    try:
        serve(args.data_dir)
    except ConfigError as exc:
        sys.exit(f"error: {exc}")


if __name__ == "__main__":
    main()
