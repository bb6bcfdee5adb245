"""Waiting for quiet servers before a timed round (bench/runner.py), on real processes."""

import subprocess
import sys

import pytest

from bench.client import MatrixClient, make_http_client
from bench.runner import QUIET_WINDOW_S, QUIET_WINDOWS_NEEDED, wait_until_quiet
from bench.target import Target
from bench.users import UserFactory


def target_for(process: subprocess.Popen) -> Target:
    client = MatrixClient(make_http_client("http://127.0.0.1:9"))  # never contacted
    return Target(name="p", url="http://127.0.0.1:9", client=client,
                  users=UserFactory(client, "t", "pw"), pid=process.pid)


@pytest.fixture
def child(request):
    code = request.param
    process = subprocess.Popen([sys.executable, "-c", code])
    yield process
    process.kill()
    process.wait()


@pytest.mark.parametrize("child", ["import time; time.sleep(30)"], indirect=True)
async def test_an_idle_server_is_quiet_after_the_needed_windows(child):
    waited = await wait_until_quiet([target_for(child)], max_wait_s=10)
    assert QUIET_WINDOW_S * QUIET_WINDOWS_NEEDED <= waited < 5


@pytest.mark.parametrize("child", ["while True: pass"], indirect=True)
async def test_a_busy_server_is_waited_for_until_the_limit(child):
    waited = await wait_until_quiet([target_for(child)], max_wait_s=1.0)
    assert waited >= 1.0
