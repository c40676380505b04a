"""The Socket.IO channel's guard: refusals become Dutch bot messages, never a broken socket."""
import asyncio

from rasa.core.channels.channel import UserMessage

from bot.channels.guard import GuardSettings, texts
from bot.channels.socketio import GuardedSocketIOInput


class Output:
    def __init__(self):
        self.sent = []

    async def send_text_message(self, recipient, text, **kwargs):
        self.sent.append((recipient, text))


def run(channel, message):
    handled = []

    async def on_new_message(user_message):
        handled.append(user_message)
        if user_message.text == "kapot":
            raise RuntimeError("action server down")

    asyncio.run(channel.guarded(on_new_message)(message))
    return handled


def channel():
    return GuardedSocketIOInput(session_persistence=True,
                                settings=GuardSettings(max_chars=20, rate_messages=2, rate_seconds=60))


def test_a_good_message_is_cleaned_and_passed_on_with_its_metadata():
    output, guarded = Output(), channel()
    [passed] = run(guarded, UserMessage("hoi\x00 daar", output, "sessie-1", metadata={"page": "/chat"}))
    assert (passed.text, passed.sender_id, passed.metadata, passed.input_channel) == (
        "hoi daar", "sessie-1", {"page": "/chat"}, "socketio")
    assert output.sent == []


def test_refusals_and_the_rate_limit_answer_in_dutch():
    output, guarded = Output(), channel()
    assert run(guarded, UserMessage("   ", output, "sessie-2")) == []
    assert run(guarded, UserMessage("hoi", output, "met spatie")) == []
    run(guarded, UserMessage("een", output, "sessie-3"))
    run(guarded, UserMessage("twee", output, "sessie-3"))
    assert run(guarded, UserMessage("drie", output, "sessie-3")) == []
    assert output.sent == [("sessie-2", texts()["message_empty"]), ("met spatie", texts()["sender_invalid"]),
                           ("sessie-3", texts()["rate_limited"])]


def test_a_long_message_is_trimmed_and_a_failure_is_told():
    output, guarded = Output(), channel()
    [passed] = run(guarded, UserMessage("a" * 50, output, "sessie-4"))
    assert passed.text == "a" * 20
    assert output.sent == [("sessie-4", texts()["trimmed"].format(max_chars=20))]
    run(guarded, UserMessage("kapot", output, "sessie-5"))
    assert output.sent[-1] == ("sessie-5", texts()["bot_unavailable"])
