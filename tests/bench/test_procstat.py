"""Reading CPU, memory and database size from /proc and the file system."""

import os
import sqlite3
import subprocess
import sys

from bench.procstat import database_bytes, process_tree, tree_cpu_seconds, tree_rss_mib


def test_process_tree_holds_the_root_and_its_children():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"])
    try:
        tree = process_tree(os.getpid())
        assert tree[0] == os.getpid()
        assert child.pid in tree
    finally:
        child.kill()
        child.wait()


def test_cpu_time_grows_while_the_process_works():
    before = tree_cpu_seconds(os.getpid())
    total = 0
    while tree_cpu_seconds(os.getpid()) - before < 0.05:
        total += sum(range(10_000))
    assert tree_cpu_seconds(os.getpid()) >= before + 0.05


def test_rss_of_a_python_process_is_some_mebibytes():
    assert 5 < tree_rss_mib(os.getpid()) < 10_000


def test_database_size_counts_main_file_and_wal_but_not_other_files(tmp_path):
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "picture.png").write_bytes(b"x" * 5000)
    (tmp_path / "signing.key").write_text("key")
    connection = sqlite3.connect(tmp_path / "server.db")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE t (x)")
    connection.executemany("INSERT INTO t VALUES (?)", [("y" * 100,)] * 200)
    connection.commit()
    files = {path.name: path.stat().st_size for path in tmp_path.iterdir() if path.is_file()}
    assert files["server.db-wal"] > 0
    assert database_bytes(tmp_path) == files["server.db"] + files["server.db-wal"]
    connection.close()
