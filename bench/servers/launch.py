"""Preparing the servers a run starts: empty data dirs, configs, free ports."""

from __future__ import annotations

import argparse

from bench.profiling import pyinstrument_argv
from bench.servers.closedserver import prepare_closedserver
from bench.servers.process import ServerProcess, free_loopback_port
from bench.servers.synapse import prepare_synapse


def prepare_server(name: str, args: argparse.Namespace) -> ServerProcess:
    data_dir = args.work_dir / name / "data"
    if name == "synapse":
        if not (args.synapse_venv / "bin" / "python").exists():
            raise FileNotFoundError(f"no Synapse venv at {args.synapse_venv}: run `make bench`")
        server = prepare_synapse(args.synapse_venv, data_dir, free_loopback_port())
    else:
        server = prepare_closedserver(args.closedserver_bin, data_dir, free_loopback_port(),
                                      args.argon2_memory_kib)
    if args.profile and args.profiler == "pyinstrument" and name == args.profile_server:
        server.argv = pyinstrument_argv(server.argv, args.work_dir / f"{name}.pyinstrument.txt")
        server.stop_signal_name = "SIGINT"  # pyinstrument writes its report on SIGINT
    return server
