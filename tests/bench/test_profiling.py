"""Profile summaries from py-spy's collapsed stacks, and the pyinstrument wrapper."""

from pathlib import Path

from bench.profiling import parse_collapsed, pyinstrument_argv, summarize_collapsed, top_functions

COLLAPSED = """\
run (loop.py:10);handle (app.py:20);sync (sync.py:5);encode (json.py:1) 60
run (loop.py:10);handle (app.py:20);send (send.py:7) 30
run (loop.py:10);handle (app.py:20) 10
"""


def test_collapsed_lines_become_root_first_stacks_with_counts():
    stacks = parse_collapsed(COLLAPSED + "garbage line\n")
    assert stacks[1] == (["run (loop.py:10)", "handle (app.py:20)", "send (send.py:7)"], 30)
    assert len(stacks) == 3


def test_own_time_goes_to_the_leaf_and_inclusive_time_to_every_frame():
    own, inclusive, total = top_functions(parse_collapsed(COLLAPSED))
    assert total == 100
    assert own["encode (json.py:1)"] == 60
    assert own["handle (app.py:20)"] == 10
    assert inclusive["handle (app.py:20)"] == 100
    assert inclusive["sync (sync.py:5)"] == 60


def test_a_recursive_frame_is_counted_once_per_sample():
    _, inclusive, _ = top_functions(parse_collapsed("f (a.py:1);f (a.py:1);g (a.py:2) 5\n"))
    assert inclusive["f (a.py:1)"] == 5


def test_summary_lists_the_heaviest_frames_as_percentages():
    summary = summarize_collapsed(COLLAPSED, top=2)
    assert summary.splitlines()[0] == "100 samples"
    assert "   60.0%  encode (json.py:1)" in summary
    assert "  100.0%  run (loop.py:10)" in summary
    own_section = summary.split("by inclusive")[0]
    assert "send (send.py:7)" in own_section
    assert "handle (app.py:20)" not in own_section  # third by own time, beyond top=2


def test_summary_of_nothing_says_so():
    assert summarize_collapsed("") == "no samples"


def test_pyinstrument_wraps_a_console_script_with_its_venvs_python():
    argv = pyinstrument_argv(["/r/.venv/bin/closedserver", "run", "--data-dir", "d"],
                             Path("/w/p.txt"))
    assert argv == ["/r/.venv/bin/python", "-m", "pyinstrument", "--renderer", "text",
                    "--outfile", "/w/p.txt", "/r/.venv/bin/closedserver", "run", "--data-dir",
                    "d"]


def test_pyinstrument_wraps_a_python_dash_m_server_with_the_same_python():
    argv = pyinstrument_argv(["/s/bin/python", "-m", "synapse.app.homeserver", "-c", "x"],
                             Path("/w/p.txt"))
    assert argv[:3] == ["/s/bin/python", "-m", "pyinstrument"]
    assert argv[-4:] == ["-m", "synapse.app.homeserver", "-c", "x"]


def test_inclusive_list_can_focus_on_the_servers_own_frames():
    summary = summarize_collapsed(COLLAPSED, focus="sync.py")
    inclusive_section = summary.split("by inclusive")[1]
    assert "sync (sync.py:5)" in inclusive_section
    assert "run (loop.py:10)" not in inclusive_section
