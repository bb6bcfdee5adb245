"""Identifier grammar (appendices, "Identifier Grammar")."""

import pytest

from closedserver.matrix.errors import InvalidIdentifierError
from closedserver.matrix.ids import (
    get_server_name,
    is_valid_event_id,
    is_valid_localpart_for_new_user,
    is_valid_room_alias,
    is_valid_room_id,
    is_valid_server_name,
    is_valid_user_id,
    parse_room_alias,
    parse_server_name,
    parse_user_id,
)

HASH = "Nhcu5BS-UMnFX7hBVfVSoXiD7OgH6iRT-xyIuqDnpYQ"


@pytest.mark.parametrize(
    ("server_name", "parsed"),
    [
        ("matrix.org", ("matrix.org", None)),
        ("matrix.org:8888", ("matrix.org", 8888)),
        ("1.2.3.4", ("1.2.3.4", None)),
        ("1.2.3.4:1234", ("1.2.3.4", 1234)),
        ("[1234:5678::abcd]", ("[1234:5678::abcd]", None)),
        ("[1234:5678::abcd]:5678", ("[1234:5678::abcd]", 5678)),
        ("localhost", ("localhost", None)),
    ],
)
def test_spec_server_name_examples(server_name: str, parsed: tuple[str, int | None]) -> None:
    assert parse_server_name(server_name) == parsed


@pytest.mark.parametrize(
    "bad",
    ["", "matrix.org:", "matrix.org:123456", "matrix.org:80:80", "exa mple.org", "ex_ample.org",
     "[1234:5678::abcd", "[nothex]", "[1234::abcd]x", "matrix.org:8a", "é.org", "a" * 256],
)  # fmt: skip
def test_invalid_server_names(bad: str) -> None:
    assert not is_valid_server_name(bad)


def test_user_ids_follow_the_historical_grammar() -> None:
    assert parse_user_id("@alice:example.org") == ("alice", "example.org")
    assert parse_user_id("@Alice!é:example.org:8448") == ("Alice!é", "example.org:8448")
    assert parse_user_id("@:example.org") == ("", "example.org")  # historical: empty is legal
    assert parse_user_id("@a:[::1]:8448") == ("a", "[::1]:8448")


@pytest.mark.parametrize(
    "bad", ["alice:example.org", "@alice", "@al\x00ice:example.org", "@alice:bad host", 3, None]
)
def test_invalid_user_ids(bad: object) -> None:
    assert not is_valid_user_id(bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidIdentifierError):
        parse_user_id(bad)  # type: ignore[arg-type]


def test_user_ids_are_limited_to_255_bytes() -> None:
    server = "example.org"
    longest = "@" + "a" * (255 - len(server) - 2) + ":" + server
    assert is_valid_user_id(longest)
    assert not is_valid_user_id("@a" + longest[1:])
    # bytes, not characters
    assert not is_valid_user_id("@" + "é" * 122 + ":" + server)


def test_strict_grammar_for_compliant_user_ids() -> None:
    assert is_valid_user_id("@a.b_c=d-e/f+0:example.org", strict=True)
    assert not is_valid_user_id("@Alice:example.org", strict=True)
    assert is_valid_user_id("@Alice:example.org")


@pytest.mark.parametrize(
    ("localpart", "ok"),
    [("alice", True), ("a.b_c=d-e/f+0", True), ("Alice", False), ("", False), ("a b", False),
     ("al:ice", False), ("é", False), ("a" * 242, True), ("a" * 243, False)],
)  # fmt: skip
def test_localparts_for_new_users(localpart: str, ok: bool) -> None:
    assert is_valid_localpart_for_new_user(localpart, "example.org") is ok


def test_room_ids_in_both_forms() -> None:
    assert is_valid_room_id("!abc:example.org")
    assert is_valid_room_id("!" + HASH)
    assert not is_valid_room_id("!abc")
    assert not is_valid_room_id("#abc:example.org")
    assert not is_valid_room_id("!" + HASH[:-1])


def test_room_aliases() -> None:
    assert parse_room_alias("#room:example.org") == ("room", "example.org")
    assert is_valid_room_alias("#日本:example.org")
    assert not is_valid_room_alias("#room")
    assert not is_valid_room_alias("!room:example.org")


def test_event_ids_are_hashes() -> None:
    assert is_valid_event_id("$" + HASH)
    assert not is_valid_event_id("$abc:example.org")
    assert not is_valid_event_id("$" + HASH.replace("-", "+"))


def test_get_server_name() -> None:
    assert get_server_name("@alice:example.org:8448") == "example.org:8448"
    with pytest.raises(InvalidIdentifierError):
        get_server_name("!" + HASH)
