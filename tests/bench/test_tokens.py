"""Token handling: accounts from register/login answers, UIA dummy stage, headers."""

import pytest

from bench.tokens import (
    Account,
    TokenError,
    account_from_answer,
    dummy_auth,
    password_login_body,
)

LOGIN_ANSWER = {  # the spec's example answer of POST /login
    "user_id": "@cheeky_monkey:matrix.org",
    "access_token": "abc123",
    "device_id": "GHTYAJCE",
    "well_known": {"m.homeserver": {"base_url": "https://example.org"}},
}


def test_account_from_a_login_answer_keeps_token_device_and_password():
    account = account_from_answer(LOGIN_ANSWER, "s3cret")
    assert account == Account("@cheeky_monkey:matrix.org", "s3cret", "abc123", "GHTYAJCE")


def test_access_token_goes_in_a_bearer_authorization_header():
    account = account_from_answer(LOGIN_ANSWER, "s3cret")
    assert account.auth_headers() == {"Authorization": "Bearer abc123"}


def test_localpart_is_the_user_id_between_sigil_and_server_name():
    account = Account("@alice:example.org:8448", "pw", "t", "D")
    assert account.localpart == "alice"


def test_an_answer_without_access_token_is_refused():
    answer = {"user_id": "@a:example.org", "device_id": "D"}  # inhibit_login answer
    with pytest.raises(TokenError, match="access_token"):
        account_from_answer(answer, "pw")


def test_dummy_auth_completes_a_dummy_only_flow_with_its_session():
    uia = {"flows": [{"stages": ["m.login.recaptcha"]}, {"stages": ["m.login.dummy"]}],
           "params": {}, "session": "xxxxxx"}
    assert dummy_auth(uia) == {"type": "m.login.dummy", "session": "xxxxxx"}


def test_dummy_auth_without_session_sends_no_session():
    assert dummy_auth({"flows": [{"stages": ["m.login.dummy"]}]}) == {"type": "m.login.dummy"}


def test_a_server_without_open_registration_is_reported_clearly():
    uia = {"flows": [{"stages": ["m.login.email.identity", "m.login.dummy"]}], "session": "s"}
    with pytest.raises(TokenError, match="no open registration"):
        dummy_auth(uia)


def test_password_login_names_the_user_with_an_m_id_user_identifier():
    body = password_login_body("alice", "pw", "bench")
    assert body == {
        "type": "m.login.password",
        "identifier": {"type": "m.id.user", "user": "alice"},
        "password": "pw",
        "initial_device_display_name": "bench",
    }
