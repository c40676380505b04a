"""bot/channels/guard.py: the checks in front of NLU, without a server."""
import json

import pytest

from bot.channels.guard import (Accepted, GuardSettings, RateLimiter, Refusal, check_body, check_message,
                                clean_text, texts, trim, valid_sender)

SETTINGS = GuardSettings(max_chars=20, max_body_bytes=200)


def body(**fields):
    return json.dumps(fields).encode()


@pytest.mark.parametrize("raw, status, code", [
    (b"", 400, "body_empty"),
    (b"   ", 400, "body_empty"),
    (b"{", 400, "json_invalid"),
    (b"\xff\xfe", 400, "json_invalid"),
    (b"[1, 2]", 400, "json_not_object"),
    (b"null", 400, "json_not_object"),
    (b'"hoi"', 400, "json_not_object"),
    (b'{"message": "hoi"}', 400, "sender_missing"),
    (b'{"sender": "", "message": "hoi"}', 400, "sender_invalid"),
    (b'{"sender": 5, "message": "hoi"}', 400, "sender_invalid"),
    (b'{"sender": "a b", "message": "hoi"}', 400, "sender_invalid"),
    (b'{"sender": "s1"}', 400, "message_missing"),
    (b'{"sender": "s1", "message": 5}', 400, "message_not_text"),
    (b'{"sender": "s1", "message": ["hoi"]}', 400, "message_not_text"),
    (b'{"sender": "s1", "message": "  \\u0000 "}', 400, "message_empty"),
    (b'{"sender": "s1", "message": "hoi", "metadata": [1]}', 400, "metadata_invalid"),
    (b'{"sender": "s1", "message": "hoi", "input_channel": 3}', 400, "input_channel_invalid"),
    (b"[" * 100000, 413, "body_too_large"),
])
def test_refusals(raw, status, code):
    result = check_body(raw, SETTINGS)
    assert result == Refusal(status, code)
    assert result.body()["message"] == texts()[code]


def test_deep_nesting_is_refused_not_crashed():
    settings = GuardSettings(max_body_bytes=10**6)
    assert check_body(b'{"sender": "s", "message": ' + b"[" * 100000 + b"]" * 100000 + b"}", settings) == \
        Refusal(400, "json_invalid")


def test_a_good_message_is_accepted_cleaned_and_trimmed():
    result = check_body(body(sender="gesprek-1", message="hoi\x00 daar\x07 " + "x" * 40,
                             metadata={"page": "/chat"}), SETTINGS)
    assert isinstance(result, Accepted)
    assert result.sender == "gesprek-1" and result.metadata == {"page": "/chat"}
    assert result.text == "hoi daar xxxxxxxxxxx" and result.trimmed is True


def test_every_refusal_has_a_dutch_text():
    for code in ("sender_missing", "sender_invalid", "message_missing", "message_not_text", "message_empty",
                 "metadata_invalid", "input_channel_invalid", "body_too_large", "body_empty", "json_invalid",
                 "json_not_object", "rate_limited", "trimmed", "bot_unavailable"):
        assert texts()[code].strip()


def test_clean_text_keeps_newlines_and_letters_and_drops_controls():
    assert clean_text("a\nb\tc\x00d\x1b[0m\x85e\ud800") == "a\nb\tcd[0me\ufffd"
    assert clean_text("e\u0301") == "é"


def test_trim_cuts_at_a_word_boundary_near_the_cap():
    assert trim("kort", 10) == ("kort", False)
    assert trim("a" * 19 + " bbbb", 21) == ("a" * 19, True)
    text, cut = trim("a" * 30, 10)
    assert (text, cut) == ("a" * 10, True)


@pytest.mark.parametrize("sender, ok", [("abc", True), ("a" * 128, True), ("a" * 129, False), ("", False),
                                        ("default-1", True), ("x y", False), (None, False), ("é", False)])
def test_valid_sender(sender, ok):
    assert valid_sender(sender) is ok


def test_the_rate_limit_refills_and_forgets_old_senders():
    now = [0.0]
    limiter = RateLimiter(3, 3.0, max_senders=2, clock=lambda: now[0])
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    now[0] = 1.0
    assert limiter.allow("a") is True and limiter.allow("a") is False
    limiter.allow("b")
    limiter.allow("c")
    assert len(limiter) == 2   # "a" was the least recently seen


def test_settings_from_the_environment():
    assert GuardSettings.from_env({}) == GuardSettings()
    assert GuardSettings.from_env({"DOORVRAAG_MAX_MESSAGE_CHARS": "500"}).max_chars == 500
    with pytest.raises(ValueError, match="DOORVRAAG_RATE_SECONDS"):
        GuardSettings.from_env({"DOORVRAAG_RATE_SECONDS": "snel"})
    with pytest.raises(ValueError):
        GuardSettings.from_env({"DOORVRAAG_MAX_MESSAGE_CHARS": "0"})
