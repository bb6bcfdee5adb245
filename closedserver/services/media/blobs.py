"""Content-addressed files: the bytes of every upload and thumbnail, named by sha256.

Layout: `<media dir>/ab/cd/abcd...` (64 hex digits), so the same bytes are stored once.
A new file is written to `<media dir>/tmp/`, fsynced, and renamed into place: a reader
never sees half a file. Callers rename (`commit`) and unlink (`delete`) inside the
database's write transaction, so deciding "is this file still used?" and acting on the
answer cannot interleave with another request or the admin CLI.

Every method here does blocking file I/O: the server calls the slow ones (`write`,
`finish`) through `asyncio.to_thread`.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

_SHA256 = re.compile(r"[0-9a-f]{64}")


class TempBlob:
    """A file being written; hashes and counts the bytes as they arrive."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path: Path | None = None
        self.size = 0
        self._hash = hashlib.sha256()
        self._fd: int | None = None

    def write(self, data: bytes) -> None:
        if self._fd is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._fd, name = tempfile.mkstemp(dir=self.directory, prefix="upload-")
            self.path = Path(name)
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        self._hash.update(data)
        self.size += len(data)

    def finish(self) -> str:
        """Flush to disk (fsync) and close; returns the sha256 of the content."""
        if self._fd is None:
            self.write(b"")
        assert self._fd is not None
        os.fsync(self._fd)
        os.close(self._fd)
        self._fd = None
        return self._hash.hexdigest()

    def discard(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.path = None


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.temp_dir = root / "tmp"

    def path_of(self, sha256: str) -> Path:
        if not _SHA256.fullmatch(sha256):
            raise ValueError(f"not a sha256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def new_temp(self) -> TempBlob:
        return TempBlob(self.temp_dir)

    def write_bytes(self, data: bytes) -> tuple[TempBlob, str]:
        """A finished temp file holding `data` and its sha256 (blocking)."""
        temp = self.new_temp()
        try:
            temp.write(data)
            return temp, temp.finish()
        except BaseException:
            temp.discard()
            raise

    def commit(self, temp: TempBlob, sha256: str) -> None:
        """Move a finished temp file into place; if the bytes are already stored, drop it.

        Call inside the write transaction that records the file's use.
        """
        final = self.path_of(sha256)
        assert temp.path is not None
        if final.exists():
            temp.discard()
            return
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp.path, final)
        temp.path = None

    def delete(self, sha256: str) -> None:
        """Remove a file nobody uses any more (inside the transaction that decided so)."""
        self.path_of(sha256).unlink(missing_ok=True)

    def clear_temp(self, older_than_s: float, now_s: float) -> int:
        """Remove temp files left by a crash; returns how many."""
        removed = 0
        for path in self.temp_dir.glob("upload-*"):
            try:
                if path.stat().st_mtime < now_s - older_than_s:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed
