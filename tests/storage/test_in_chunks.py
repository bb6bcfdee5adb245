"""storage.database.in_chunks: the one way stores bind long `IN (...)` lists."""

import sqlite3

from closedserver.storage.database import IN_CHUNK, in_chunks


def test_chunks_hold_distinct_values_with_their_marks():
    values = [f"v{i}" for i in range(IN_CHUNK + 3)]
    chunks = list(in_chunks([*values, *values[:10]]))
    assert [len(chunk) for chunk, _ in chunks] == [IN_CHUNK, 3]
    assert [v for chunk, _ in chunks for v in chunk] == values
    assert all(marks == ",".join("?" * len(chunk)) for chunk, marks in chunks)
    assert list(in_chunks([])) == []


def test_a_value_repeated_across_chunks_is_counted_once():
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (id TEXT)")
    conn.executemany("INSERT INTO t VALUES (?)", [(f"v{i}",) for i in range(IN_CHUNK + 1)])
    wanted = [f"v{i}" for i in range(IN_CHUNK + 1)] + ["v0"]
    total = sum(conn.execute(f"SELECT count(*) FROM t WHERE id IN ({marks})",
                             chunk).fetchone()[0] for chunk, marks in in_chunks(wanted))
    assert total == IN_CHUNK + 1
