"""Small helpers the actions share: reading the tracker and resetting an intake."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import intake, utterances
from bot.classifier import Classification

EventList = list[dict[str, Any]]

# Slots of one intake, emptied when a new one starts (role and school type stay known).
INTAKE_SLOTS = (
    "answer_suggested",
    "suggestion_check",
    "passing_offer",
    "passing_check",
    "announced_theme",
    "case_theme",
    "switch_from",
    "switch_parse",
    "switch_check",
    "urgency_level",
    "danger_check",
    "danger_retry",
    "implicit_confirmed",
    "answer_key",
    "answers_given",
    "answer_feedback",
    "ask_on",
    "theme",
    "question_type",
    "intake_text",
    "intake_confirmed",
    "intake_theme",
    "theme_needed",
    "corrected",
    "confirm_retry",
    "intake_stopped",
    "doorvraag_keys",
    "doorvraag_answers",
    "doorvraag_retry",
) + intake.DOORVRAAG_SLOTS


def reset_intake() -> EventList:
    return [SlotSet(name, None) for name in INTAKE_SLOTS]


def user_events(tracker: Tracker) -> list[dict[str, Any]]:
    return [e for e in tracker.events if e.get("event") == "user"]


def honest_line_since_advice(tracker: Tracker) -> bool:
    """Whether a question got the honest line since the last advice (or the start): the offer of a person
    at the end returns to it, instead of leaving it behind in the scroll."""
    for event in reversed(tracker.events):
        if event.get("event") != "bot":
            continue
        kind = (event.get("metadata") or {}).get(utterances.KIND_KEY)
        if kind == utterances.ADVICE:
            return False
        if kind == utterances.NO_ANSWER:
            return True
    return False


def user_text(tracker: Tracker) -> str:
    """Everything the user typed in this conversation (button payloads left out), for cues such as an age."""
    texts = (str(e.get("text") or "") for e in user_events(tracker))
    return " ".join(t for t in texts if t and not t.startswith("/"))


def told_before(tracker: Tracker) -> dict[str, Any] | None:
    """The parse of the user's message before the latest one (what "Ja, eerst dit" refers to)."""
    users = user_events(tracker)
    parse = users[-2].get("parse_data") if len(users) >= 2 else None
    if not parse:
        return None
    return {**parse, "text": parse.get("text") or users[-2].get("text") or ""}


def switch_case(tracker: Tracker) -> dict[str, Any] | None:
    """The message the switch check asked about ("Wil je het eerst hierover hebben?"), as the NLU read it."""
    return tracker.get_slot("switch_parse") or told_before(tracker)


def intake_done(tracker: Tracker) -> bool:
    """The running intake got its advice or its answer, also when the questions after the answer were under way."""
    phase = tracker.get_slot("intake_phase")
    return phase in ("advies", "antwoord") or (bool(phase) and bool(tracker.get_slot("answer_key")))


def no_answer(dispatcher: CollectingDispatcher, conversation: str, text: str, line: str = "none") -> None:
    """The honest line (`answer.<line>` in dialogue.yml) for a question with no fixed answer, logged with its
    redacted text so that staff see what was missing."""
    from bot import contact_log, hours
    from bot import question_bank as qb

    spec = intake.texts()["answer"]
    dispatcher.utter_message(
        text=spec[line].format(helpdesk=qb.helpdesk_phone(), hours=hours.opening_hours_text()),
        **utterances.tag(utterances.NO_ANSWER),
    )
    contact_log.record_answer(conversation, intake.answer_log_key(None), "tekst", text)


def honest_or_duty(text: str, dispatcher: CollectingDispatcher, tracker: Tracker, line: str) -> None:
    """The honest line `answer.<line>`; or, for a question about a duty told in this conversation ("Moet ik
    dit toch melden?" after the meldplicht), that duty again: the bot knows that answer, also after the
    advice. `text`: redacted."""
    from bot import hours
    from bot import question_bank as qb

    told = tracker.get_slot("duties_told") or []
    if not told or not intake.asks_about_a_duty(text):
        no_answer(dispatcher, tracker.sender_id, text, line=line)
        return
    duty = qb.duty_text(told[0], tracker.get_slot("school_type"))
    line_again = intake.texts()["answer"]["duty_again"][line]
    text_again = line_again.format(duty=duty, helpdesk=qb.helpdesk_phone(), hours=hours.opening_hours_text())
    dispatcher.utter_message(text=text_again, **utterances.tag(utterances.DUTY, told[0]))


def first_number_line(dispatcher: CollectingDispatcher, tracker: Tracker, category: str | None, line: str) -> None:
    """`danger.<line>` with the most urgent service for this danger and person ({first}), as a short reminder;
    the contact keeps the service named, so staff see it."""
    from bot import contact_log, referrals

    pupil = referrals.writes_as_pupil(tracker.get_slot("caller_role"), tracker.get_slot("intake_text") or "")
    age = referrals.pupil_age(user_text(tracker), tracker.get_slot("school_type"))
    first = referrals.first_service(category, pupil, age, user_text(tracker))
    dispatcher.utter_message(
        text=intake.texts()["danger"][line].format(first=first), **utterances.tag(utterances.REFERRAL, "first_service")
    )
    named = referrals.services_for(category, pupil, age, user_text(tracker))[:1]
    contact_log.update_contact(tracker.sender_id, urgency_services=named)


def noted_after_referral(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> None:
    """More told right after a referral: `text` (calm, short); to a pupil, a line of their own with their services."""
    from bot import contact_log, referrals
    from bot.classifier import from_parse

    role = from_parse(tracker.latest_message).caller_role or tracker.get_slot("caller_role")
    if not referrals.writes_as_pupil(role, user_text(tracker)):
        dispatcher.utter_message(text=text, **utterances.tag(utterances.NOTED, "after_referral"))
        return
    category, told = tracker.get_slot("urgency"), user_text(tracker)
    spec = intake.texts()["noted"]
    said_before = any(
        (e.get("metadata") or {}).get(utterances.REF_KEY) == "after_referral_pupil"
        for e in tracker.events
        if e.get("event") == "bot"
    )
    line = (
        spec["after_referral_pupil_again"].format(first=referrals.first_service(category, True, told=told))
        if said_before
        else spec["after_referral_pupil"].format(services=referrals.pupil_services_line(category, told=told))
    )
    dispatcher.utter_message(text=line, **utterances.tag(utterances.NOTED, "after_referral_pupil"))
    named = referrals.services_for(category, True, told=told)[: 1 if said_before else 2]
    contact_log.update_contact(tracker.sender_id, urgency_services=named)


def typed_text(tracker: Tracker) -> str:
    """The latest message the user typed (a button payload stands for the message before it)."""
    latest = tracker.latest_message.get("text") or ""
    if latest and not latest.startswith("/"):
        return latest
    for event in reversed(user_events(tracker)):
        text = event.get("text") or ""
        if text and not text.startswith("/"):
            return text
    return ""


def last_user_index(events: list[dict[str, Any]]) -> int | None:
    """Where the user's latest message is in the event list."""
    return max((i for i, e in enumerate(events) if e.get("event") == "user"), default=None)


def last_bot_text(tracker: Tracker) -> str | None:
    """The text of the bot's last message before the user's latest one."""
    events = tracker.events
    last_user = last_user_index(events)
    before = events if last_user is None else events[:last_user]
    return next((e.get("text") for e in reversed(before) if e.get("event") == "bot" and e.get("text")), None)


def last_bot_action(tracker: Tracker) -> str | None:
    """The last action the bot ran before the user's latest message (listening and slot filling aside)."""
    events = tracker.events
    last_user = last_user_index(events)
    if last_user is None:
        last_user = len(events)
    skipped = ("action_listen", "action_extract_slots")
    return next(
        (
            e.get("name")
            for e in reversed(events[:last_user])
            if e.get("event") == "action" and e.get("name") not in skipped
        ),
        None,
    )


def previous_user_intent(tracker: Tracker) -> str | None:
    users = user_events(tracker)
    if len(users) < 2:
        return None
    return ((users[-2].get("parse_data") or {}).get("intent") or {}).get("name")


def valid_code(value: str | None, allowed) -> str | None:
    return value if value in allowed else None


def after_referral(tracker: Tracker) -> bool:
    """An urgent referral was given and no new intake has started since (its category is still set)."""
    return bool(tracker.get_slot("urgency")) and tracker.get_slot("intake_phase") is None


def note_profile(tracker: Tracker) -> dict[str, str]:
    """Role and school type the latest message named, kept on the conversation's contact (nothing said is lost)."""
    from bot import contact_log, labels

    told: dict[str, str] = {}
    for entity in tracker.latest_message.get("entities") or []:
        name, value = entity.get("entity"), entity.get("value")
        allowed = {"caller_role": labels.caller_roles(), "school_type": labels.school_types()}.get(name)
        if allowed and value in allowed:
            told.setdefault(name, value)
    if told:
        contact_log.update_contact(tracker.sender_id, **told)
    return told


def kept_profile(tracker: Tracker) -> EventList:
    """note_profile, and the same values as slots, so a later contact of this conversation starts with them."""
    return [SlotSet(name, value) for name, value in note_profile(tracker).items()]


def theme_when_unknown(tracker: Tracker, read: Classification) -> EventList:
    """The contact does not know yet what it is about (a referral or a handoff came first); this message does.

    Only a reading sure enough to be said without asking: a remark while waiting ("bel me terug, ik ben
    aandachtsfunctionaris") read unsurely as a question about policy does not code a contact about the
    helpdesk's hours as one about safety.
    """
    from bot import contact_log, labels

    if tracker.get_slot("theme") not in (None, labels.OVERIG) or read.theme == labels.OVERIG:
        return []
    if not intake.confirms_implicitly(read.label_confidence, read.theme):
        return []
    contact_log.update_contact(tracker.sender_id, theme=read.theme, question_type=read.question_type)
    return [SlotSet("theme", read.theme), SlotSet("question_type", read.question_type)]


def retheme(reply: intake.Reply, tracker: Tracker) -> EventList:
    """A question about the same case that makes the contact one about the law (intake.refined_theme)."""
    from bot import contact_log

    theme = intake.refined_theme(reply, intake.IntakeState.of(tracker.slots))
    if theme is None:
        return []
    contact_log.update_contact(tracker.sender_id, theme=theme)
    case_theme = tracker.get_slot("case_theme") or tracker.get_slot("theme")
    return [SlotSet("theme", theme), SlotSet("case_theme", case_theme)]


def new_answer(key: str | None, tracker: Tracker) -> bool:
    """A knowledge-base answer not given in this conversation yet (the one on screen included)."""
    given = tracker.get_slot("answers_given") or []
    return key is not None and key != tracker.get_slot("answer_key") and key not in given


def answer_given(key: str, tracker: Tracker) -> SlotSet:
    """Logged on the contact (its feedback still open) and kept, so it is never given twice."""
    from bot import contact_log

    contact_log.record_answer(tracker.sender_id, intake.answer_log_key(key), "weet_niet")
    return SlotSet("answers_given", [*(tracker.get_slot("answers_given") or []), key])


def tell_duties(dispatcher: CollectingDispatcher, tracker: Tracker, text: str, said: str = "") -> EventList:
    """A legal duty the user's words signal, told once per conversation as soon as it shows.

    labels.md: a case under the meldplicht or the meldcode gets that duty and its referral early, and
    the intake goes on. `said`: what the bot just said (an answer that names the duty itself).
    """
    from bot import question_bank as qb

    told = list(tracker.get_slot("duties_told") or [])
    school = tracker.get_slot("school_type")
    new = [d for d in qb.duties_signalled(text, school) if d not in told and not qb.duty_named(d, said)]
    for duty in new:
        dispatcher.utter_message(text=qb.duty_text(duty, school), **utterances.tag(utterances.DUTY, duty))
    return [SlotSet("duties_told", told + new)] if new else []


def conversation_step(tracker: Tracker, dispatcher: CollectingDispatcher) -> EventList | None:
    """Outside the form, a message about the conversation itself gets the step it gets inside it.

    "Kan iemand van jullie mij vandaag bellen?" after a referral, or "nee dank je, dat was het" after
    an answer: a person, or a polite close, never a new intake on its words.
    """
    text = tracker.latest_message.get("text") or ""
    kind = intake.meta_of(text)
    if kind in ("person", "callback", "not_chat"):
        if kind == "not_chat":
            dispatcher.utter_message(text=intake.meta_reply(kind), **utterances.tag(utterances.META, kind))
        return [FollowupAction("action_handoff")]
    if kind == "ending" or intake.gives_up(text):
        return [FollowupAction("action_close_intake")]
    if kind == "complaint":
        # "dit is echt nutteloos, je beantwoordt mijn vraag niet eens": sorry and the way to a person, no intake.
        dispatcher.utter_message(text=intake.meta_reply(kind), **utterances.tag(utterances.META, kind))
        return []
    if kind == "advice_now" and not after_referral(tracker):
        # "wat moet ik doen?" with no case told yet asks for it; after the advice, points back at it.
        said = "advice_now_after" if tracker.get_slot("intake_phase") == "advies" else "advice_now_outside"
        dispatcher.utter_message(text=intake.meta_reply(said), **utterances.tag(utterances.META, kind))
        return []
    return None
