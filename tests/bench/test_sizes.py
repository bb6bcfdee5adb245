"""Scenario sizes under --scale and --smoke (bench/sizes.py)."""

import pytest

from bench.sizes import SCALED, SMOKE, Sizes


def test_defaults_are_the_issues_sizes():
    sizes = Sizes()
    assert (sizes.senders, sizes.send_rooms, sizes.fanout_members) == (10, 10, 20)
    assert (sizes.sync_rooms, sizes.messages_per_room, sizes.timeline_limit) == (50, 100, 10)
    assert (sizes.pagination_messages, sizes.page_size) == (1000, 100)


def test_scale_multiplies_volumes_and_keeps_the_shape():
    doubled = Sizes().scaled(2)
    assert doubled.sync_rooms == 100
    assert doubled.pagination_messages == 2000
    assert doubled.senders == 10
    assert doubled.page_size == 100
    assert doubled.messages_per_room == 100


def test_a_tiny_scale_never_drops_a_volume_to_zero():
    tiny = Sizes().scaled(0.0001)
    assert all(getattr(tiny, name) == 1 for name in SCALED)


def test_scale_must_be_positive():
    with pytest.raises(ValueError):
        Sizes().scaled(0)


def test_smoke_sizes_are_smaller_than_the_defaults_everywhere():
    default = Sizes()
    for name in SCALED:
        assert getattr(SMOKE, name) <= getattr(default, name), name
    assert "sync_rooms=3" in SMOKE.describe()
