"""Measure /sync on a real closedserver: initial sync of a user in 50 rooms x 100 messages
(full, and lazy-loading with timeline limit 10), an empty incremental sync, and how fast a
parked sync wakes for a new message (one, and 20 parked members).

    .venv/bin/python scripts/measure_sync.py [--rooms 50] [--messages 100]

Times are medians of several runs: the client's wall time and the server's own time for
the request (from its access log); for wake-ups also the server's CPU time per round (from
/proc), which a busy machine disturbs less. Needs the test extras (httpx), like `make
test`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.helpers import C3, PASSWORD
from tests.server import RunningServer, init_server

ROUNDS = 30
LAZY = orjson.dumps({"room": {"timeline": {"limit": 10},
                              "state": {"lazy_load_members": True}}}).decode()


class Api:
    def __init__(self, http: httpx.AsyncClient, token: str) -> None:
        self.http = http
        self.headers = {"Authorization": f"Bearer {token}"}

    async def call(self, method: str, path: str, **kwargs: object) -> dict:
        resp = await self.http.request(method, C3 + path, headers=self.headers, **kwargs)
        resp.raise_for_status()
        return resp.json()


async def register(http: httpx.AsyncClient, name: str) -> tuple[str, Api]:
    resp = await http.post(f"{C3}/register", json={
        "username": name, "password": PASSWORD, "auth": {"type": "m.login.dummy"}})
    data = resp.json()
    return data["user_id"], Api(http, data["access_token"])


async def populate(http: httpx.AsyncClient, rooms: int, messages: int) -> tuple[Api, Api]:
    _, reader = await register(http, "reader")
    _, writer = await register(http, "writer")
    for r in range(rooms):
        room_id = (await writer.call("POST", "/createRoom", json={
            "preset": "public_chat", "name": f"room {r}"}))["room_id"]
        await reader.call("POST", f"/rooms/{room_id}/join", json={})
        sends = [writer.call("PUT", f"/rooms/{room_id}/send/m.room.message/r{r}m{m}",
                             json={"msgtype": "m.text", "body": f"message {m} in room {r}"})
                 for m in range(messages)]
        for start in range(0, len(sends), 20):
            await asyncio.gather(*sends[start:start + 20])
    return reader, writer


def cpu_ms(server: RunningServer) -> float:
    """CPU time (user + system) the server process has used, from /proc."""
    assert server.process is not None
    fields = Path(f"/proc/{server.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def server_times(server: RunningServer, path: str, count: int) -> list[float]:
    """The server's own ms for the last `count` requests to `path` (access log)."""
    pattern = re.compile(rf"GET {re.escape(path)} 200 ([\d.]+)ms")
    times = [float(m.group(1)) for m in pattern.finditer(server.log())]
    return times[-count:]


async def timed(api: Api, runs: int, **params: str) -> float:
    walls = []
    for _ in range(runs):
        started = time.perf_counter()
        await api.call("GET", "/sync", params=params)
        walls.append((time.perf_counter() - started) * 1000)
    return statistics.median(walls)


async def wake_latency(server: RunningServer, http: httpx.AsyncClient, writer: Api,
                       parked: int) -> tuple[list[float], list[float], float]:
    """(send -> sync returned, send's response -> sync returned) in ms over ROUNDS rounds, and
    the server's CPU ms per round (one send and its woken syncs)."""
    room_id = (await writer.call("POST", "/createRoom", json={"preset": "public_chat"}))[
        "room_id"]
    members = []
    for i in range(parked):
        _, api = await register(http, f"parked{parked}x{i}")
        await api.call("POST", f"/rooms/{room_id}/join", json={})
        members.append(api)
    tokens = [(await api.call("GET", "/sync"))["next_batch"] for api in members]
    # Everyone's joins and presence are news to the others: catch up once.
    tokens = [(await api.call("GET", "/sync", params={"since": token}))["next_batch"]
              for api, token in zip(members, tokens, strict=True)]
    totals: list[float] = []
    after_send: list[float] = []
    cpu = 0.0
    for round_no in range(ROUNDS):
        async def park(api: Api, since: str) -> tuple[float, str]:
            body = await api.call("GET", "/sync", params={"since": since, "timeout": "30000"})
            return time.perf_counter(), body["next_batch"]

        tasks = [asyncio.create_task(park(api, token))
                 for api, token in zip(members, tokens, strict=True)]
        await asyncio.sleep(0.3)
        assert not any(task.done() for task in tasks), "a parked sync returned early"
        cpu_before = cpu_ms(server)
        sent = time.perf_counter()
        await writer.call("PUT", f"/rooms/{room_id}/send/m.room.message/w{parked}r{round_no}",
                          json={"msgtype": "m.text", "body": "wake"})
        answered = time.perf_counter()
        results = await asyncio.gather(*tasks)
        cpu += cpu_ms(server) - cpu_before
        totals += [(returned - sent) * 1000 for returned, _ in results]
        after_send += [max(0.0, (returned - answered) * 1000) for returned, _ in results]
        tokens = [token for _, token in results]
    return totals, after_send, cpu / ROUNDS


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main(rooms: int, messages: int) -> None:
    server = init_server(Path(tempfile.mkdtemp()) / "data", server_log_level="info")
    server.start()
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=120, limits=limits) as http:
            started = time.perf_counter()
            reader, writer = await populate(http, rooms, messages)
            print(f"populated {rooms} rooms x {messages} messages in "
                  f"{time.perf_counter() - started:.1f} s")
            path = f"{C3}/sync"
            wall = await timed(reader, 10)
            print(f"initial sync, full:        client {wall:6.1f} ms, server "
                  f"{statistics.median(server_times(server, path, 10)):6.1f} ms (median of 10)")
            wall = await timed(reader, 10, filter=LAZY)
            print(f"initial sync, lazy, 10:    client {wall:6.1f} ms, server "
                  f"{statistics.median(server_times(server, path, 10)):6.1f} ms (median of 10)")
            since = (await reader.call("GET", "/sync", params={"filter": LAZY}))["next_batch"]
            wall = await timed(reader, 200, since=since)
            print(f"empty incremental sync:    client {wall:6.2f} ms, server "
                  f"{statistics.median(server_times(server, path, 200)):6.2f} ms "
                  "(median of 200)")
            for parked in (1, 20):
                totals, after_send, cpu = await wake_latency(server, http, writer, parked)
                print(f"parked syncs woken ({parked:2} parked): send -> sync p50 "
                      f"{percentile(totals, 0.5):5.1f} ms, p95 {percentile(totals, 0.95):5.1f} "
                      f"ms; send's answer -> sync p50 {percentile(after_send, 0.5):5.1f} ms, "
                      f"p95 {percentile(after_send, 0.95):5.1f} ms; server CPU "
                      f"{cpu:.1f} ms per send")
    finally:
        server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=50)
    parser.add_argument("--messages", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(main(args.rooms, args.messages))
