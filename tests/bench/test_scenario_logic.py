"""The pure parts of the scenarios: combining rounds, fan-out bookkeeping, filters."""

import asyncio
import json

import pytest

from bench.scenarios import ALL, BY_NAME
from bench.scenarios.base import Round, combine, cpu_ms_per_op, latency_figures
from bench.scenarios.fanout import Deliveries, bench_seqs
from bench.scenarios.initial_sync import lazy_filter


def test_rounds_combine_into_sums_and_all_latencies():
    whole = combine([Round(ops=10, items=5, wall_s=2.0, cpu_s=0.5, latencies_ms=[1.0, 2.0]),
                     Round(ops=30, items=1, wall_s=3.0, cpu_s=1.5, latencies_ms=[3.0])])
    assert (whole.ops, whole.items, whole.wall_s, whole.cpu_s) == (40, 6, 5.0, 2.0)
    assert whole.latencies_ms == [1.0, 2.0, 3.0]
    assert cpu_ms_per_op(whole) == 50.0


def test_cpu_is_unknown_if_any_round_could_not_read_it():
    whole = combine([Round(ops=1, cpu_s=0.1), Round(ops=1, cpu_s=None)])
    assert whole.cpu_s is None
    assert cpu_ms_per_op(whole) is None


def test_latency_figures_are_none_without_samples():
    assert latency_figures("x", Round()) == {"x_p50": None, "x_p95": None, "x_p99": None}


def sync_answer(room_id, contents):
    events = [{"type": "m.room.message", "content": content} for content in contents]
    return {"next_batch": "s2", "rooms": {"join": {room_id: {"timeline": {"events": events}}}}}


def test_fanout_recognises_only_this_runs_messages_in_its_room():
    answer = sync_answer("!r:hs", [{"bench_run": "t1", "bench_seq": 4},
                                   {"bench_run": "t0", "bench_seq": 5},
                                   {"body": "someone else"},
                                   {"bench_run": "t1", "bench_seq": "6"}])
    answer["rooms"]["join"]["!other:hs"] = {"timeline": {"events": [
        {"content": {"bench_run": "t1", "bench_seq": 9}}]}}
    assert bench_seqs(answer, "!r:hs", "t1") == [4]
    assert bench_seqs({"next_batch": "s"}, "!r:hs", "t1") == []


async def test_fanout_releases_the_sender_when_every_member_has_the_message():
    deliveries = Deliveries(members=2)
    everyone = deliveries.expect(0)
    deliveries.arrive(0, deliveries.sent_at[0] + 0.010)
    assert not everyone.is_set()
    deliveries.arrive(0, deliveries.sent_at[0] + 0.030)
    await asyncio.wait_for(everyone.wait(), 1)
    assert deliveries.latencies_ms == pytest.approx([10.0, 30.0])


def test_fanout_ignores_messages_it_did_not_send():
    deliveries = Deliveries(members=1)
    deliveries.arrive(7, 1.0)
    assert deliveries.latencies_ms == []


def test_lazy_filter_is_the_specs_room_event_filter_shape():
    assert json.loads(lazy_filter(10)) == {
        "room": {"timeline": {"limit": 10}, "state": {"lazy_load_members": True}}}


def test_every_issue_scenario_is_there_once_with_distinct_metric_keys():
    assert list(BY_NAME) == ["register", "send_1room", "send_10rooms", "fanout",
                             "initial_sync_full", "initial_sync_lazy", "empty_sync", "messages"]
    keys = [metric.key for scenario in ALL for metric in scenario.metrics]
    assert len(keys) == len(set(keys))
