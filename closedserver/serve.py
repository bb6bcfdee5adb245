"""The server process: `closedserver run` (see cli/entry.py) or
`python -m closedserver.serve --data-dir DIR`. It loads only what serving needs, so the
serving process does not carry the admin CLI's libraries (typer, rich) in memory.
"""

from __future__ import annotations

import argparse
import ctypes
import sys
from pathlib import Path

import uvicorn

from closedserver.app import create_app
from closedserver.config import ConfigError, load_config
from closedserver.homeserver import build_homeserver
from closedserver.logs import setup_logging

M_MMAP_THRESHOLD = -3  # mallopt() parameter, from glibc's malloc.h


def return_big_buffers_to_the_os() -> None:
    """glibc raises its mmap threshold each time a big buffer is freed, after which big
    buffers (argon2's 19 MiB, large sync answers) come from the heap and stay in the
    process for good. A fixed threshold keeps them mmapped, so freeing returns them."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(M_MMAP_THRESHOLD, 1 << 20)
    except (OSError, AttributeError):
        pass  # not glibc: nothing to tune


def serve(data_dir: Path) -> None:
    config = load_config(data_dir)
    return_big_buffers_to_the_os()
    setup_logging(config.server.log_level)
    hs = build_homeserver(config)
    ssl = {}
    if config.tls_enabled:
        ssl = {"ssl_certfile": config.path(config.server.tls_certificate),
               "ssl_keyfile": config.path(config.server.tls_private_key)}
    try:
        uvicorn.run(create_app(hs), host=config.listen_host, port=config.listen_port,
                    log_config=None, access_log=False, lifespan="on", server_header=False,
                    ws="none", **ssl)
    finally:
        hs.close()


def run_server(data_dir: Path) -> None:
    """Serve, or exit 1 with a one-line error when the config cannot be used."""
    try:
        serve(data_dir)
    except ConfigError as exc:
        sys.exit(f"error: {exc}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve a closedserver data dir.")
    parser.add_argument("--data-dir", type=Path, required=True)
    run_server(parser.parse_args().data_dir)


if __name__ == "__main__":
    main()
