"""The command line and the RESULTS.md section a run appends."""

import pytest

from bench.options import parse_args, servers_to_start
from bench.results_md import HEADER, RunRecord, append_run, format_section


def test_default_run_starts_both_servers_with_two_rounds():
    args = parse_args([])
    assert servers_to_start(args) == ["synapse", "closedserver"]
    assert args.rounds == 2
    assert not args.no_results


def test_smoke_is_closedserver_alone_one_round_and_writes_no_results():
    args = parse_args(["--smoke"])
    assert servers_to_start(args) == ["closedserver"]
    assert args.rounds == 1
    assert args.no_results


def test_smoke_may_be_pointed_at_synapse():
    assert servers_to_start(parse_args(["--smoke", "--only", "synapse"])) == ["synapse"]


def test_a_given_url_starts_no_server():
    args = parse_args(["--url", "http://127.0.0.1:8008", "--name", "other"])
    assert servers_to_start(args) == []


def test_unknown_scenarios_and_bad_user_commands_are_refused(capsys):
    with pytest.raises(SystemExit):
        parse_args(["--scenarios", "send_1room,nope"])
    with pytest.raises(SystemExit):
        parse_args(["--user-command", "closedserver=tool {nope}"])
    assert "unknown field" in capsys.readouterr().err


def test_scenarios_are_a_comma_separated_list():
    assert parse_args(["--scenarios", "fanout, messages"]).scenarios == ["fanout", "messages"]


def record() -> RunRecord:
    return RunRecord("2026-11-26 16:00 UTC", "2 cores, 23.4 GiB", "0.50 / 0.40 / 0.30",
                     {"synapse": "1.163.2"}, "scale 1.0", "| a | b |",
                     ["send_1room on closedserver: boom"])


def test_a_section_names_date_machine_versions_and_carries_the_table():
    section = format_section(record())
    assert section.startswith("## 2026-11-26 16:00 UTC\n")
    assert "- machine: 2 cores, 23.4 GiB" in section
    assert "- load average at the end: 0.50 / 0.40 / 0.30" in section
    assert "- versions: synapse 1.163.2" in section
    assert "| a | b |" in section
    assert "- send_1room on closedserver: boom" in section


def test_runs_are_appended_after_a_header(tmp_path):
    path = tmp_path / "RESULTS.md"
    append_run(path, record())
    append_run(path, record())
    text = path.read_text()
    assert text.startswith(HEADER.splitlines()[0])
    assert text.count("## 2026-11-26 16:00 UTC") == 2


def test_the_work_dir_is_emptied_only_if_the_bench_made_it(tmp_path):
    from bench.run import WORK_DIR_MARK, empty_work_dir

    work = tmp_path / "work"
    empty_work_dir(work)
    (work / "old-data").mkdir()
    empty_work_dir(work)
    assert sorted(path.name for path in work.iterdir()) == [WORK_DIR_MARK]

    foreign = tmp_path / "precious"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("years of work")
    with pytest.raises(SystemExit, match="refusing"):
        empty_work_dir(foreign)
    assert (foreign / "thesis.tex").exists()


def test_a_failure_note_names_scenario_server_and_exception():
    from bench.run import failure_note

    failure = ("fanout on closedserver: Traceback (most recent call last):\n"
               '  File "x.py", line 1, in f\n'
               "bench.client.MatrixError: GET /sync -> 404\n")
    assert failure_note(failure) == (
        "fanout on closedserver: bench.client.MatrixError: GET /sync -> 404")
