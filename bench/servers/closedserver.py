"""closedserver as the challenger: `closedserver init`, then `closedserver run`.

Environment overrides make it comparable with the Synapse config: open registration
with an m.login.dummy stage and no rate limits. Password hashing keeps its default
cost (Synapse keeps bcrypt's 12 rounds) unless --argon2-memory-kib is given.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from bench.servers.process import ServerProcess

SERVER_NAME = "localhost"
BENCH_ENV = {
    "CLOSEDSERVER_REGISTRATION_MODE": "open",
    "CLOSEDSERVER_RATE_LIMITS_ENABLED": "false",
}


def _output_of(argv: list[str]) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


def closedserver_version(executable: Path) -> str:
    """The installed package's version and the commit of the source tree it runs from."""
    code = ("import importlib.metadata as m, pathlib, closedserver; "
            "print(m.version('closedserver')); print(pathlib.Path(closedserver.__file__).parent)")
    lines = _output_of([str(executable.parent / "python"), "-I", "-B", "-c", code]).splitlines()
    if len(lines) != 2:
        return "unknown version"
    version, source = lines
    commit = _output_of(["git", "-C", source, "rev-parse", "--short", "HEAD"])
    return f"{version} ({commit or 'not from a git tree'})"


def prepare_closedserver(
    executable: Path, data_dir: Path, port: int,
    argon2_memory_kib: int | None = None,
) -> ServerProcess:
    """`closedserver init` into an empty `data_dir`; the server is not started."""
    if not executable.exists():
        raise FileNotFoundError(f"{executable} is missing: run `make install` first")
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    init = [str(executable), "init", "--server-name", SERVER_NAME, "--data-dir", str(data_dir),
            "--listen", f"127.0.0.1:{port}"]
    subprocess.run(init, check=True, capture_output=True, text=True)
    env = dict(BENCH_ENV)
    if argon2_memory_kib is not None:
        env["CLOSEDSERVER_PASSWORDS_ARGON2_MEMORY_KIB"] = str(argon2_memory_kib)
    return ServerProcess(
        name="closedserver",
        argv=[str(executable), "run", "--data-dir", str(data_dir)],
        url=f"http://127.0.0.1:{port}",
        data_dir=data_dir,
        log_path=data_dir.parent / "closedserver.log",
        version=closedserver_version(executable),
        env=env,
    )
