"""`server backup` and `server restore`: a data dir copied while the server runs.

A backup is a directory: the config file, the signing key, a consistent copy of the
database (SQLite's online backup API over one snapshot; writers are never blocked), the
media store, and `backup.json` describing them. The database is copied first, then the
media files, so every media row in the copy already has its file. The copy is verified
with PRAGMA integrity_check before the backup is called good, and again before a restore.
A restore only fills an empty (or new) data dir: it never overwrites a server.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from closedserver import __version__
from closedserver.clock import now_ms
from closedserver.config import CONFIG_FILE_NAME, Config, ConfigError, load_config
from closedserver.storage.backup import (
    applied_migration_names,
    copy_database,
    database_bytes,
    integrity_problems,
)

MANIFEST = "backup.json"
Progress = Callable[[int, int], None]


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why and what to do."""


@dataclass
class BackupResult:
    path: Path
    database_bytes: int
    media_files: int
    media_bytes: int
    manifest: dict[str, object] = field(default_factory=dict)


def backup(config: Config, dest: Path, *, on_database: Progress = lambda d, t: None,
           on_media: Progress = lambda d, t: None) -> BackupResult:
    """Copy the data dir of `config` into `dest` (a new or empty directory)."""
    _require_empty(dest, "backup destination")
    dest.mkdir(parents=True, exist_ok=True)
    dest.chmod(0o700)  # the database holds password hashes and token hashes
    names = {"config": CONFIG_FILE_NAME,
             "database": _name_in(config, config.database_path),
             "signing_key": _name_in(config, config.signing_key_path),
             "media": _name_in(config, config.path(config.media.path))}
    shutil.copy2(config.data_dir / CONFIG_FILE_NAME, dest / names["config"])
    _copy_secret(config.signing_key_path, dest / names["signing_key"])
    database_copy = dest / names["database"]
    database_copy.parent.mkdir(parents=True, exist_ok=True)
    copy_database(config.database_path, database_copy, on_database)
    database_copy.chmod(0o600)
    problems = integrity_problems(database_copy)
    if problems:
        raise BackupError(f"the copied database failed its integrity check: {problems[0]}")
    files, size = _copy_tree(config.path(config.media.path), dest / names["media"], on_media)
    manifest = {"format": 1, "server_name": config.server.server_name,
                "closedserver_version": __version__, "created_ts": now_ms(), **names,
                "migrations": applied_migration_names(database_copy),
                "integrity_check": "ok", "media_files": files}
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return BackupResult(dest, database_bytes(database_copy), files, size, manifest)


def restore(source: Path, data_dir: Path, *,
            on_media: Progress = lambda d, t: None) -> tuple[dict[str, object], list[str]]:
    """Restore a backup into `data_dir` (new or empty); returns (manifest, warnings)."""
    manifest = read_manifest(source)
    _require_empty(data_dir, "data dir")
    problems = integrity_problems(source / str(manifest["database"]))
    if problems:
        raise BackupError(f"the backup's database fails its integrity check: {problems[0]}")
    data_dir.mkdir(parents=True, exist_ok=True)
    for key in ("config", "database"):
        target = data_dir / str(manifest[key])
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / str(manifest[key]), target)
    _copy_secret(source / str(manifest["signing_key"]), data_dir / str(manifest["signing_key"]))
    _copy_tree(source / str(manifest["media"]), data_dir / str(manifest["media"]), on_media)
    return manifest, _config_warnings(data_dir, manifest)


def read_manifest(source: Path) -> dict[str, object]:
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{source} is not a closedserver backup (no {MANIFEST})") from None
    except ValueError as exc:
        raise BackupError(f"{source / MANIFEST} is not valid JSON: {exc}") from None
    if manifest.get("format") != 1:
        raise BackupError(f"{source / MANIFEST}: unknown backup format")
    return manifest


def _config_warnings(data_dir: Path, manifest: dict[str, object]) -> list[str]:
    """The restored config may name absolute paths outside the data dir: say so."""
    try:
        config = load_config(data_dir)
    except ConfigError as exc:
        return [f"the restored config does not load: {exc}"]
    expected = {"database": config.database_path, "signing_key": config.signing_key_path,
                "media": config.path(config.media.path)}
    return [f"the config points {key} at {path}, not at the restored "
            f"{data_dir / str(manifest[key])}: edit {CONFIG_FILE_NAME}"
            for key, path in expected.items()
            if path != (data_dir / str(manifest[key])).resolve()]


def _name_in(config: Config, path: Path) -> str:
    """A path relative to the data dir (just the file name for paths outside it)."""
    try:
        return str(path.relative_to(config.data_dir))
    except ValueError:
        return path.name


def _require_empty(path: Path, what: str) -> None:
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise BackupError(f"the {what} {path} is not empty; choose a new directory")


def _copy_secret(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    target.chmod(0o600)


def _copy_tree(source: Path, target: Path, progress: Progress) -> tuple[int, int]:
    """Copy every file under `source` (missing: nothing); returns (files, bytes)."""
    target.mkdir(parents=True, exist_ok=True)
    if not source.is_dir():
        return 0, 0
    files = [f for f in source.rglob("*") if f.is_file()]
    total = sum(f.stat().st_size for f in files)
    done = copied = 0
    for file in files:
        destination = target / file.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copy2(file, destination)
        except FileNotFoundError:  # deleted since the listing (media purge meanwhile)
            continue
        copied += 1
        done += destination.stat().st_size
        progress(done, total)
    return copied, done
