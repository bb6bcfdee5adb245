"""User creation: command templates and unique localparts (bench/users.py)."""

import re

import pytest

from bench.options import parse_user_commands
from bench.users import TemplateError, check_template, localpart_for, render_user_command

FIELDS = {"localpart": "benchabcu1", "password": "pw with space", "server_name": "localhost",
          "data_dir": "/tmp/data dir", "url": "http://127.0.0.1:8008"}


def test_template_words_are_filled_in_one_by_one():
    template = ".venv/bin/closedserver user create {localpart} --password {password}"
    assert render_user_command(template, FIELDS) == [
        ".venv/bin/closedserver", "user", "create", "benchabcu1", "--password", "pw with space"]


def test_values_with_spaces_stay_one_argument_and_no_shell_is_involved():
    argv = render_user_command("tool --data-dir={data_dir} '{localpart}; rm -rf /'", FIELDS)
    assert argv == ["tool", "--data-dir=/tmp/data dir", "benchabcu1; rm -rf /"]


def test_a_field_may_sit_inside_a_word():
    argv = render_user_command("register --user @{localpart}:{server_name}", FIELDS)
    assert argv[-1] == "@benchabcu1:localhost"


def test_an_unknown_field_is_refused_before_any_user_is_made():
    with pytest.raises(TemplateError, match=re.escape("unknown field {username}")):
        check_template("tool create {username}")


def test_bad_quoting_and_empty_templates_are_refused():
    with pytest.raises(TemplateError, match="cannot split"):
        check_template("tool 'unclosed")
    with pytest.raises(TemplateError, match="empty"):
        check_template("   ")


def test_a_field_without_a_value_is_a_template_error():
    with pytest.raises(TemplateError, match="no value"):
        render_user_command("tool {url}", {"localpart": "x"})


def test_literal_braces_are_written_doubled():
    assert render_user_command("tool {{json}} {localpart}", FIELDS) == [
        "tool", "{json}", "benchabcu1"]


def test_localparts_are_unique_per_run_and_number_and_valid():
    names = {localpart_for("a1b2c3", number) for number in range(1, 50)}
    names.add(localpart_for("d4e5f6", 1))
    assert len(names) == 50
    assert all(name == name.lower() and name.isalnum() for name in names)


def test_user_commands_are_given_per_server():
    commands = parse_user_commands(["closedserver=tool create {localpart}",
                                    "synapse=other {localpart} x=y"])
    assert commands == {"closedserver": "tool create {localpart}",
                        "synapse": "other {localpart} x=y"}
