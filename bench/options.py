"""The command line of `python -m bench.run`."""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.scenarios import BY_NAME
from bench.users import check_template

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
SERVERS = ("synapse", "closedserver")


def parse_user_commands(values: list[str]) -> dict[str, str]:
    """`SERVER=TEMPLATE` pairs -> {server: template}, each template checked."""
    commands = {}
    for value in values:
        server, separator, template = value.partition("=")
        if not separator or not server:
            raise argparse.ArgumentTypeError(f"--user-command wants SERVER=TEMPLATE: {value!r}")
        check_template(template)
        commands[server] = template
    return commands


def parse_scenarios(value: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in BY_NAME]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown scenario {unknown}; known: {sorted(BY_NAME)}")
    return names


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description="Race closedserver against Synapse over the Matrix Client-Server API; "
                    "bench/README.md says what each scenario measures.")
    parser.add_argument("--only", choices=SERVERS, help="start and measure one server only")
    parser.add_argument("--url", help="measure an already running homeserver instead")
    parser.add_argument("--name", default="server", help="column name for --url")
    parser.add_argument("--server-pid", type=int, help="with --url: its pid, for CPU and RSS")
    parser.add_argument("--data-dir", type=Path, help="with --url: its data dir, for db size")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the volumes")
    parser.add_argument("--rounds", type=int, help="timed rounds per server (default 2)")
    parser.add_argument("--scenarios", type=parse_scenarios,
                        help=f"comma-separated subset of: {', '.join(BY_NAME)}")
    parser.add_argument("--smoke", action="store_true",
                        help="tiny sizes, one round, closedserver only (unless --only/--url)")
    parser.add_argument("--user-command", action="append", default=[], metavar="SERVER=TEMPLATE",
                        help="create users of SERVER (synapse, closedserver or the --name) "
                             "with this command instead of open registration; fields "
                             "{localpart} {password} {server_name} {data_dir} {url}")
    parser.add_argument("--profile", choices=sorted(BY_NAME), metavar="SCENARIO",
                        help="profile the server during this scenario")
    parser.add_argument("--profiler", choices=("py-spy", "pyinstrument"), default="py-spy")
    parser.add_argument("--profile-server", choices=SERVERS, default="closedserver")
    parser.add_argument("--argon2-memory-kib", type=int,
                        help="cheaper closedserver password hashing (off: compare defaults)")
    parser.add_argument("--synapse-venv", type=Path, default=BENCH_DIR / ".venv-synapse")
    parser.add_argument("--closedserver-bin", type=Path,
                        default=REPO_ROOT / ".venv" / "bin" / "closedserver")
    parser.add_argument("--work-dir", type=Path, default=BENCH_DIR / "work",
                        help="data dirs and logs; emptied at the start of a run")
    parser.add_argument("--results", type=Path, default=BENCH_DIR / "RESULTS.md")
    parser.add_argument("--no-results", action="store_true", help="do not append RESULTS.md")
    parser.add_argument("--note", action="append", default=[],
                        help="a line for the run's notes in RESULTS.md (repeatable)")
    parser.add_argument("--serial-setup", action="store_true",
                        help="build fixtures one server at a time (default: all at once)")
    return parser


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        args.user_commands = parse_user_commands(args.user_command)
    except (argparse.ArgumentTypeError, ValueError) as error:
        parser.error(str(error))
    if args.url and args.only:
        parser.error("--url measures one given server; --only picks servers to start")
    if args.rounds is None:
        args.rounds = 1 if args.smoke else 2
    if args.smoke and not (args.only or args.url):
        args.only = "closedserver"
    if args.smoke:
        args.no_results = True
    return args


def servers_to_start(args: argparse.Namespace) -> list[str]:
    if args.url:
        return []
    return [args.only] if args.only else list(SERVERS)
