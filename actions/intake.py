"""A question starts an intake; urgent danger is referred at once; messages not understood."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    EventList,
    after_referral,
    answer_given,
    conversation_step,
    first_number_line,
    honest_or_duty,
    intake_done,
    kept_profile,
    last_bot_action,
    last_bot_text,
    new_answer,
    no_answer,
    noted_after_referral,
    previous_user_intent,
    reset_intake,
    retheme,
    switch_case,
    tell_duties,
    theme_when_unknown,
    typed_text,
    user_events,
    user_text,
    valid_code,
)
from bot import answers, contact_log, hours, intake, labels, referrals, utterances, waiting
from bot import question_bank as qb
from bot.classifier import Classification, from_parse
from bot.redaction import redact
from bot.utterances import tag


def in_context_of_referral(tracker: Tracker, result: Classification) -> Classification:
    """A question right after a referral that the model reads unsurely is about the case just referred.

    "De directie is ingelicht, wat nu eerst?" says nothing of its theme by itself: the referral's theme
    and type hold (sure, from the context), unless the user names a new topic.
    """
    theme, question_type = tracker.get_slot("theme"), tracker.get_slot("question_type")
    if theme in (None, labels.OVERIG) or question_type not in labels.question_types():
        return result
    if intake.says_new_topic(result.text) or intake.confirms_implicitly(result.label_confidence, result.theme):
        return result
    return dataclasses.replace(
        result, theme=theme, question_type=question_type, theme_confidence=1.0, type_confidence=1.0
    )


# The intake phase after a message that only announced a question: its contact is open, the question to come.
ANNOUNCED = "aangekondigd"
# The line for a pupil telling more after the warm advice, by referrals.pupil_age (dialogue.yml `noted`).
AFTER_ADVICE_BY_AGE = {
    referrals.ADULT: "after_advice_adult_student",
    referrals.AGE_UNKNOWN: "after_advice_student_age_unknown",
    referrals.MINOR: "after_advice_pupil",
}


def write_contact(tracker: Tracker, **fields: Any) -> None:
    """Open the contact for what was just told; right after "ik heb een vraag over ...", that contact is the
    one the announcement opened, updated rather than replaced."""
    write = contact_log.update_contact if tracker.get_slot("intake_phase") == ANNOUNCED else contact_log.open_contact
    write(tracker.sender_id, **fields)


def in_context_of_announced_theme(tracker: Tracker, result: Classification) -> Classification:
    """The question after "vraagje over de meldcode" is on the theme the user named, unless it names another."""
    announced = tracker.get_slot("announced_theme")
    if announced not in labels.themes() or announced in (labels.OVERIG, result.theme):
        return result
    if intake.says_new_topic(result.text) or intake.theme_named(result.text) not in (None, announced):
        return result
    return dataclasses.replace(result, theme=announced, theme_confidence=1.0)


def switched_text(tracker: Tracker, case: dict[str, Any]) -> str:
    """The case told during the earlier questions and everything the user typed after it."""
    texts = [str(e.get("text") or "") for e in user_events(tracker)]
    start = str(case.get("text") or "")
    after = texts[texts.index(start) + 1 :] if start in texts else []
    typed = [
        start,
        *(t for t in after if t and not t.startswith("/") and intake.tells_more(intake.Reply.of({"text": t}))),
    ]
    return " ".join(t for t in typed if t)


def told_profile(tracker: Tracker, result: Classification) -> tuple[str | None, str | None]:
    """Role and school type: this message's, else what the conversation already holds (valid codes only)."""
    return (
        valid_code(result.caller_role or tracker.get_slot("caller_role"), labels.caller_roles()),
        valid_code(result.school_type or tracker.get_slot("school_type"), labels.school_types()),
    )


def log_read(conversation: str, text_redacted: str, result: Classification) -> None:
    """The message in the message log, redacted, with how the model read it."""
    contact_log.log_message(
        conversation,
        text_redacted=text_redacted,
        intent=result.intent,
        confidence=result.confidence,
        theme=result.theme,
        question_type=result.question_type,
    )


def after_pupil_advice(tracker: Tracker) -> bool:
    return tracker.get_slot("intake_phase") == "advies" and tracker.get_slot("caller_role") == labels.PUPIL


def noted_after_advice(dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
    """More about the case after the advice: taken in, with the way to a person (for a pupil: to someone they trust).

    Words that may tell of danger (the urgency model's `mogelijk`) are never only taken in: the fitting
    first number, and the contact keeps the level. From an adult, as inside the questions, the model's
    `mogelijk` needs a danger word of the rules too: the message tells more of a case just advised on
    ("bij mij komen eigenlijk nooit meldingen binnen"); a pupil speaks of themselves ("soms wil ik gewoon weg").
    """
    reply = intake.Reply.of(tracker.latest_message)
    told = reply.classification
    pupil = tracker.get_slot("caller_role") == labels.PUPIL
    age = referrals.pupil_age(user_text(tracker), tracker.get_slot("school_type")) if pupil else None
    # A student who is or may be an adult is read like an adult: a danger word is needed too.
    if reply.possibly_dangerous and (reply.danger_words or age == referrals.MINOR):
        first_number_line(dispatcher, tracker, told.urgency_category, "told_more")
        contact_log.update_contact(
            tracker.sender_id, urgency_level=labels.MOGELIJK, urgency_category=referrals.known(told.urgency_category)
        )
        return [FollowupAction("action_listen")]
    spec = intake.texts()["noted"]
    people = intake.texts()["advice"]["pupil_people"]
    fill = {
        "helpdesk": qb.helpdesk_phone(),
        "hours": hours.opening_hours_text(),
        "people": people.get(tracker.get_slot("school_type")) or people[None],
    }
    key = AFTER_ADVICE_BY_AGE[age] if age is not None else "after_advice"
    if age == referrals.MINOR:
        texts = [spec[k].format(**fill) for k in pupil_notes(reply.text)]
        said_last = last_bot_text(tracker)
        text = next((t for t in texts if t != said_last), texts[-1])
    else:
        text = spec[key].format(**fill)
    dispatcher.utter_message(text=text, **tag(utterances.NOTED, "after_advice"))
    return [FollowupAction("action_listen")]


def pupil_notes(text: str) -> list[str]:
    """The `noted` replies that fit what a pupil wrote after the advice, best first: afraid to tell, a question
    of their own, or telling on. The caller skips the one the bot just sent: a child who writes on is never
    answered with the same words in a loop."""
    spec = intake.texts()["noted"]
    norm = qb.normalise(text)
    if any(re.search(pattern, norm) for pattern in spec["pupil_afraid"]):
        return ["after_advice_pupil_afraid", "after_advice_pupil_again"]
    if intake.is_question(text):
        return ["after_advice_pupil_question", "after_advice_pupil_again"]
    return ["after_advice_pupil", "after_advice_pupil_again"]


def reply_to_the_referral_check(dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList | None:
    """Right after the referral, the answer to its check question ("Zijn jij en de leerlingen nu op een
    veilige plek?"), whatever intent it got and whichever action it reached; None for anything else.

    "ja, ze is nu op school, ze is veilig" is heard as safe; "nee" gets 112; "ok, ik bel nu" is acting on
    the referral, not saying that everyone is safe.
    """
    if last_bot_action(tracker) != "action_refer_urgent":
        return None
    category = intake.answer_category(intake.Reply.of(tracker.latest_message))
    if category == "ja" and intake.says_calling(str(tracker.latest_message.get("text") or "")):
        noted_after_referral(dispatcher, tracker, intake.texts()["fallback"]["after_referral"])
        return [FollowupAction("action_listen")]
    if category not in ("ja", "nee"):
        return None
    dispatcher.utter_message(
        response="utter_urgent_safe" if category == "ja" else "utter_urgent_unsafe",
        **tag(utterances.NOTED, "safety_" + category),
    )
    return [FollowupAction("action_listen")]


class ActionStartIntake(Action):
    """Classify the question, open its contact (status lopend), log it redacted, set the slots.

    The intake form then confirms the classification and asks on. An intake still
    running is replaced: the contact log marks it onvolledig.
    """

    def name(self) -> str:
        return "action_start_intake"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> EventList:
        checked = reply_to_the_referral_check(dispatcher, tracker)
        if checked is not None:
            return checked  # no intake: the rule's form does not start
        step = conversation_step(tracker, dispatcher)
        if step is not None:
            return step
        # After "Ja, eerst dit" (the switch check) the intake starts on the case told before it, with what
        # the user told since; the check question, if it was answered meanwhile, is not asked again.
        case = switch_case(tracker) if tracker.get_slot("switch_check") == "ja" else None
        switched = case is not None
        message = case or tracker.latest_message
        typed = switched_text(tracker, case) if case else typed_text(tracker)
        result = from_parse(message)
        if after_referral(tracker) and not intake.is_question(result.text) and result.urgency != labels.ACUUT:
            # "ben haar mentor, vso. ze is al naar huis": more about the case just referred, not a new
            # intake with its own check question. Kept on the contact; a question starts an intake.
            kept = kept_profile(tracker)
            noted_after_referral(dispatcher, tracker, intake.texts()["noted"]["after_referral"])
            return [*kept, *theme_when_unknown(tracker, result), FollowupAction("action_listen")]
        introduced = intake.only_introduces(intake.Reply.of(message))
        if (intake.announces_question(typed) or introduced) and result.urgency == labels.GEEN and not switched:
            # "ik heb een vraag over de monitor", "ik ben ouder, mijn zoon zit op de basisschool": the question
            # is still to come; a named theme holds for it, a role and school type are kept.
            named = intake.theme_named(typed)
            spec = intake.texts()["fallback"]
            if introduced:
                after_fallback = last_bot_action(tracker) == "action_fallback"
                text = intake.texts()["noted"]["after_fallback" if after_fallback else "default"]
            elif named is not None and named != labels.OVERIG:
                text = spec["theme_named"].format(theme=labels.label_text("themes", named))
            else:
                text = spec["announced"]
            dispatcher.utter_message(text=text, **tag(utterances.QUESTION, "theme_named"))
            # The contact opens now (one who leaves here was still in touch) and the question updates it.
            role, school = told_profile(tracker, result)
            contact_log.open_contact(
                tracker.sender_id,
                theme=named or labels.OVERIG,
                question_type=labels.OVERIG,
                intent=result.intent,
                confidence=result.confidence,
                caller_role=role,
                school_type=school,
            )
            log_read(tracker.sender_id, redact(typed), result)
            return [
                *kept_profile(tracker),
                SlotSet("announced_theme", named),
                SlotSet("intake_phase", ANNOUNCED),
                FollowupAction("action_listen"),
            ]
        if after_referral(tracker):
            result = in_context_of_referral(tracker, result)
            if intake.meta_of(typed) == "advice_now":
                # "wat moet ik nu doen?" after the referral: the next steps at school it offered to think through.
                spec = intake.texts()["answer"]
                dispatcher.utter_message(text=spec["next_steps"], **tag(utterances.NOTED, "next_steps"))
        result = in_context_of_announced_theme(tracker, result)
        just_done = last_bot_action(tracker) == "action_close_intake" or tracker.get_slot("intake_phase") == "advies"
        if just_done and self.tells_more_of_the_closed_case(tracker, result):
            # "we nemen elk jaar een monitor af, verder is er weinig vastgelegd" right after the close or the
            # advice: more about the case just answered, kept on its contact, not a new intake under another theme.
            return kept_profile(tracker) + noted_after_advice(dispatcher, tracker)
        if tracker.get_slot("intake_phase") == "advies" and self.follows_up_the_advice(tracker, result):
            # "en als de directeur ook niks doet?" after the advice: a question about the same case, answered
            # (or honestly not) on its contact; no second round of questions under the type its words get.
            return kept_profile(tracker) + self.answer_after_advice(dispatcher, tracker, result)
        if after_pupil_advice(tracker) and not intake.says_new_topic(result.text):
            # A pupil telling more after the warm referral: heard, no new intake with the same advice again.
            return kept_profile(tracker) + noted_after_advice(dispatcher, tracker)
        conversation = tracker.sender_id
        if self.answered_just_now(dispatcher, tracker, result):
            # "en welke van de twee begeleidt iemand bij een klacht?" right after that answer: pointed back at it,
            # with the way to a person; never the same answer again, nor a new intake on the same question.
            log_read(conversation, redact(typed), result)
            return kept_profile(tracker) + [FollowupAction("action_listen")]
        if intake_done(tracker):
            # The previous intake got its advice or its answer: it is done, not abandoned.
            contact_log.close_contact(conversation, status="afgerond")
        role, school = told_profile(tracker, result)
        text = redact(typed)
        # Possible danger, not sure enough to refer: the intake form asks the check question first
        # (not again right after a referral: its numbers were just given).
        possible_danger = result.urgency == labels.MOGELIJK and not after_referral(tracker)
        write_contact(
            tracker,
            theme=result.theme,
            question_type=result.question_type,
            intent=result.intent,
            confidence=result.confidence,
            caller_role=role,
            school_type=school,
            urgency_level=labels.MOGELIJK if possible_danger else None,
            urgency_category=referrals.known(result.urgency_category) if possible_danger else None,
        )
        log_read(conversation, text, result)
        # "ik heb geen tijd voor vragen": asked once in this conversation, it holds for its later questions too.
        asked_before = tracker.get_slot("meta_kind") == "just_answer"
        spared = asked_before or intake.wants_no_questions(typed)
        honest = "none_after_advice" if spared else "none"  # no "met een paar vragen" to one who wants none
        answer, suggested = self.answer_first(dispatcher, conversation, result, (role, school), text, honest)
        theme = intake.answered_theme(result, answer)
        if theme != result.theme:
            contact_log.update_contact(conversation, theme=theme)
        # Reached through the fallback (no question intent, so no rule starts the form): start it here.
        # Reached through the switch check, the old form ended and no rule starts the new one either.
        start_form = [FollowupAction("intake_form")] if result.intent == labels.FALLBACK_INTENT or switched else []
        implicit = answer is None and intake.confirms_implicitly(result.label_confidence, result.theme)
        # With an answer the form tells a duty after it (action_ask_answer_feedback), unless it names it.
        duties = [] if answer else tell_duties(dispatcher, tracker, typed)
        # Spared the questions: the answer, or the advice, without them.
        hurried = self.spared_the_questions(dispatcher, answer, suggested, spared=spared, asked_before=asked_before)
        return (
            start_form
            + duties
            + reset_intake()
            + [
                SlotSet("answer_key", answer),
                SlotSet("answer_suggested", suggested),
                SlotSet("intake_confirmed", True if answer or implicit else None),
                SlotSet("implicit_confirmed", implicit or None),
                SlotSet("theme", theme),
                SlotSet("question_type", result.question_type),
                SlotSet("intake_text", text),
                SlotSet("caller_role", role),
                SlotSet("school_type", school),
                SlotSet("intake_phase", "antwoord" if answer else "intake"),
                SlotSet("urgency", result.urgency_category if possible_danger else None),
                SlotSet("urgency_level", labels.MOGELIJK if possible_danger else None),
            ]
            + ([SlotSet("danger_check", tracker.get_slot("danger_check"))] if switched else [])
            + hurried
        )

    @staticmethod
    def answered_just_now(dispatcher: CollectingDispatcher, tracker: Tracker, result: Classification) -> bool:
        """The best answer to this question is one this intake gave: the user is pointed back at it (said here)."""
        role = result.caller_role or tracker.get_slot("caller_role")
        answer = answers.choose(result.answers, result.school_type or tracker.get_slot("school_type"), role)
        if answer is None or new_answer(answer.key, tracker):
            return False
        line = intake.texts()["answer"]["given_before"].format(
            title=answer.title, helpdesk=qb.helpdesk_phone(), hours=hours.opening_hours_text()
        )
        dispatcher.utter_message(text=line, **tag(utterances.NO_ANSWER, "given_before"))
        return True

    @staticmethod
    def spared_the_questions(
        dispatcher: CollectingDispatcher,
        answer: str | None,
        suggested: str | None,
        spared: bool,
        asked_before: bool,
    ) -> EventList:
        """The message (or an earlier one of the conversation: `asked_before`) asks to skip the questions: an
        answer is not followed by the offer to ask on; without one the advice comes at once, on what the
        message told (the form then asks nothing)."""
        if not spared:
            return []
        if answer or suggested:
            return [SlotSet("meta_kind", "just_answer"), SlotSet("ask_on", "nee")]
        if not asked_before:  # "Helder, dan sla ik de vragen over" once per conversation
            dispatcher.utter_message(text=intake.meta_reply("just_answer"), **tag(utterances.META, "just_answer"))
        return [SlotSet("meta_kind", "just_answer"), SlotSet("intake_stopped", True)]

    @staticmethod
    def follows_up_the_advice(tracker: Tracker, result: Classification) -> bool:
        """A typed question after the advice about the same case: not said to be new, not another theme
        read surely (intake.is_new_case)."""
        reply = intake.Reply.of(tracker.latest_message)
        if reply.is_payload or not intake.is_question(reply.text) or tracker.get_slot("theme") is None:
            return False
        if tracker.get_slot("caller_role") == labels.PUPIL:
            return False  # a pupil's question after the warm referral has its own reply (after_pupil_advice)
        return not intake.is_new_case(reply, tracker.get_slot("theme"), tracker.get_slot("question_type"))

    @staticmethod
    def answer_after_advice(dispatcher: CollectingDispatcher, tracker: Tracker, result: Classification) -> EventList:
        """The sure answer not given before, with its source, or the honest line with the way to a person."""
        role = result.caller_role or tracker.get_slot("caller_role")
        school = result.school_type or tracker.get_slot("school_type")
        answer = answers.choose(result.answers, school, role)
        text = redact(str(tracker.latest_message.get("text") or ""))
        log_read(tracker.sender_id, text, result)
        rethemed = retheme(intake.Reply.of(tracker.latest_message), tracker)
        if answer is None or not new_answer(answer.key, tracker):
            honest_or_duty(text, dispatcher, tracker, "none_after_advice")
            return [*rethemed, FollowupAction("action_listen")]
        spec = intake.texts()["answer"]
        dispatcher.utter_message(text=answers.reply_text(answer, school, spec), **tag(utterances.ANSWER, answer.key))
        return [answer_given(answer.key, tracker), *rethemed, FollowupAction("action_listen")]

    @staticmethod
    def tells_more_of_the_closed_case(tracker: Tracker, result: Classification) -> bool:
        """A statement, not a question or a case of its own, about the contact that was just closed."""
        reply = intake.Reply.of(tracker.latest_message)
        if reply.is_payload or intake.is_question(reply.text) or tracker.get_slot("theme") is None:
            return False
        return not intake.is_new_case(reply, tracker.get_slot("theme"), tracker.get_slot("question_type"))

    @staticmethod
    def answer_first(
        dispatcher: CollectingDispatcher,
        conversation: str,
        result: Classification,
        profile: tuple[str | None, str | None],
        text: str,
        honest: str = "none",
    ) -> tuple[str | None, str | None]:
        """The knowledge-base answer for the user's sector (the form gives it), an answer to offer, or the
        honest line for a question; returns (answer key, offered key).

        The answer itself is said by the form (action_ask_answer_feedback), after the check question when
        the message may tell of danger; so is the offer (action_ask_suggestion_check). A question with
        neither gets the honest line now.
        """
        role, school = profile
        answer = answers.choose(result.answers, school, role)
        if answer is not None:
            contact_log.record_answer(conversation, intake.answer_log_key(answer.key), "weet_niet")
            return answer.key, None
        if not intake.is_question(result.text) or intake.meta_of(result.text) == "advice_now":
            return None, None  # "wat moet ik nu doen?" asks for the advice the intake leads to, not for a fact
        offered = answers.choose([result.suggestion], school, role) if result.suggestion else None
        if offered is not None:
            return None, offered.key
        no_answer(dispatcher, conversation, text, line=honest)
        return None, None


class ActionGreet(Action):
    """The greeting, with the helpdesk's hours and number from bot/knowledge (never written twice)."""

    def name(self) -> str:
        return "action_greet"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> EventList:
        text = intake.texts()["greet"].format(hours=hours.opening_hours_text(), helpdesk=qb.helpdesk_phone())
        dispatcher.utter_message(text=text, **tag(utterances.GREETING))
        return []


class ActionNoteProfile(Action):
    """A role or school type told outside the intake: kept on the contact, and a reply that fits the moment."""

    def name(self) -> str:
        return "action_note_profile"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> EventList:
        kept = kept_profile(tracker)
        spec = intake.texts()["noted"]
        if after_referral(tracker):
            noted_after_referral(dispatcher, tracker, spec["after_referral"])
        else:
            dispatcher.utter_message(text=spec["default"], **tag(utterances.NOTED, "profile"))
        return kept


class ActionReferUrgent(Action):
    """Urgent danger: the referral first; a running intake stops and its contact is logged urgent."""

    def name(self) -> str:
        return "action_refer_urgent"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> EventList:
        about_us = self.about_the_conversation(dispatcher, tracker)
        if about_us is not None:
            return about_us
        category = next(tracker.get_latest_entity_values(labels.URGENCY_ENTITY), None) or tracker.get_slot("urgency")
        result = from_parse(tracker.latest_message)
        pupil = referrals.writes_as_pupil(result.caller_role or tracker.get_slot("caller_role"), typed_text(tracker))
        conversation = tracker.sender_id
        if after_referral(tracker):
            return self.told_more(dispatcher, tracker, category, result, pupil)
        school = result.school_type or tracker.get_slot("school_type")
        age = referrals.pupil_age(user_text(tracker), school)
        dispatcher.utter_message(
            text=referrals.referral_message(category, pupil, age, school, user_text(tracker)),
            **tag(utterances.REFERRAL, category or referrals.GENERAL),
        )
        # "ja" to the check question of a possible danger: the contact keeps the level the model saw.
        level = labels.MOGELIJK if tracker.get_slot("danger_check") == "ja" else labels.ACUUT
        urgency = {
            "urgent": True,
            "urgency_level": level,
            "urgency_category": referrals.known(category),
            "urgency_services": referrals.services_for(category, pupil, age, user_text(tracker)),
        }
        # Waiting in the staff queue: the waiting contact becomes urgent (on top of the queue) and stays there.
        queued = tracker.get_slot("intake_phase") == waiting.PHASE
        question_type = result.question_type
        new_case = not queued and self.breaks_into_a_policy_intake(tracker)
        if new_case:
            # Danger told in the middle of questions about policy or information is a case of its own:
            # the policy contact ends unfinished (done, if it got its answer), and the case is logged as the
            # incident it is.
            contact_log.close_contact(
                conversation, status="afgerond" if tracker.get_slot("answer_key") else "onvolledig"
            )
            question_type = labels.INCIDENT
        kept: EventList = []
        if queued:
            # "ik ben teamleider, ..." in the same message: on this contact; and what it is about, when the
            # handoff came before the question ("ik wil een mens spreken").
            kept = kept_profile(tracker) + theme_when_unknown(tracker, result)
            contact_log.update_contact(conversation, **urgency)
        elif tracker.get_slot("intake_phase") in (None, ANNOUNCED) or new_case:
            # The same person: what they said still holds. After "ik heb een vraag" the contact it opened is
            # this one, now about the danger.
            role, school = told_profile(tracker, result)
            write_contact(
                tracker,
                theme=result.theme,
                question_type=question_type,
                intent=result.intent,
                confidence=result.confidence,
                caller_role=role,
                school_type=school,
                **urgency,
            )
        else:
            kept = kept_profile(tracker)
            # A harm of its own kind (referrals.yml `own_case`) on another theme, read surely, is what the
            # contact is about now; suicidal words in a bullying case are where that case has got to.
            told = (
                intake.theme_told(intake.Reply.of(tracker.latest_message), intake.IntakeState.of(tracker.slots))
                if referrals.is_own_case(category)
                else None
            )
            contact_log.update_contact(conversation, **urgency, **({"theme": told} if told else {}))
        log_read(conversation, redact(tracker.latest_message.get("text")), result)
        if not queued:
            contact_log.close_contact(
                conversation, status="afgerond", summary=f"urgent={category or referrals.GENERAL}; doorverwezen"
            )
        events: EventList = [
            *kept,
            SlotSet("urgency", category or referrals.GENERAL),
            *([] if queued else [SlotSet("intake_phase", None)]),
            SlotSet("theme", result.theme),
            SlotSet("question_type", question_type),
        ]
        # A running form stops; while waiting, a rule starts the waiting again after the referral (data/rules.yml).
        if tracker.active_loop.get("name"):
            events += [ActiveLoop(None), SlotSet("requested_slot", None)]
        return events

    @staticmethod
    def about_the_conversation(dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList | None:
        """ "dit duurt me te lang" read as danger by the model: a remark about the chat, not a referral.

        As inside the form: only when the danger rules found no danger word in it, and never after
        "ja" to the check question.
        """
        reply = intake.Reply.of(tracker.latest_message)
        kind = intake.meta_of(reply.text)
        if kind is None or reply.danger_words or tracker.get_slot("danger_check") == "ja":
            return None
        step = conversation_step(tracker, dispatcher)
        if step is not None:
            return step
        said = "just_answer_outside" if kind == "just_answer" else kind
        dispatcher.utter_message(text=intake.meta_reply(said), **tag(utterances.META, kind))
        return []

    @staticmethod
    def breaks_into_a_policy_intake(tracker: Tracker) -> bool:
        """A running intake about policy or information, and the danger is not its own check question's "ja"."""
        return (
            tracker.get_slot("intake_phase") is not None
            and tracker.get_slot("danger_check") != "ja"
            and tracker.get_slot("question_type") not in (None, labels.INCIDENT)
        )

    @staticmethod
    def told_more(
        dispatcher: CollectingDispatcher, tracker: Tracker, category: str | None, result: Classification, pupil: bool
    ) -> EventList:
        """More about the case just referred ("ze wordt over een uur opgehaald, door haar vader").

        It stays on the referral's contact (a role or school type in it is kept there), and gets a
        reminder of the number rather than the whole referral again, or a new contact per message.
        """
        referred = tracker.get_slot("urgency")
        kept = kept_profile(tracker)
        school = result.school_type or tracker.get_slot("school_type")
        age = referrals.pupil_age(user_text(tracker), school)
        if intake.Reply.of(tracker.latest_message).alarm_without_words:
            # "het letsel valt mee, ze twijfelt over aangifte": the model alone, no danger word, and the
            # numbers were just given. Heard, not referred again (nor under another category).
            noted_after_referral(dispatcher, tracker, intake.texts()["noted"]["after_referral"])
        else:
            dispatcher.utter_message(
                text=referrals.again_message(category, referred, pupil, age, school, user_text(tracker)),
                **tag(utterances.REFERRAL, category or referrals.GENERAL),
            )
            named = referrals.again_services(category, referred, pupil, age, user_text(tracker))
            contact_log.update_contact(tracker.sender_id, urgency_services=named)
        log_read(tracker.sender_id, redact(tracker.latest_message.get("text")), result)
        return kept + theme_when_unknown(tracker, result)


# The bot's last step was the urgent referral or its follow-up: a message not understood now is most
# likely "ok, ik bel ze nu", and gets a calm reply instead of "sorry, ik begrijp je niet".
AFTER_REFERRAL = ("action_refer_urgent", "utter_urgent_safe", "utter_urgent_unsafe")


class ActionDontKnow(Action):
    """ "weet ik niet" outside the questions; right after a referral it tells more about the danger.

    "niemand weet het" from a child at "Ben je nu op een veilige plek?" is no "weet ik niet" about a
    question: a calm line with their services, never "Geen probleem. Vertel gerust wat je wel weet".
    """

    def name(self) -> str:
        return "action_dont_know"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> EventList:
        if last_bot_action(tracker) in AFTER_REFERRAL or after_referral(tracker):
            noted_after_referral(dispatcher, tracker, intake.texts()["fallback"]["after_referral"])
            return []
        dispatcher.utter_message(response="utter_dont_know", **tag(utterances.NOTED, "dont_know"))
        return []


class ActionFallback(Action):
    """Not understood: first the likeliest themes as buttons, a second time in a row a human."""

    def name(self) -> str:
        return "action_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> EventList:
        spec = intake.texts()["fallback"]
        parse = tracker.latest_message
        contact_log.log_message(
            tracker.sender_id,
            text_redacted=redact(parse.get("text")),
            intent=labels.FALLBACK_INTENT,
            confidence=float((parse.get("intent") or {}).get("confidence") or 0.0),
        )
        kept = kept_profile(tracker)
        return kept + self.reply(dispatcher, tracker, parse, spec)

    @staticmethod
    def reply(
        dispatcher: CollectingDispatcher, tracker: Tracker, parse: dict[str, Any], spec: dict[str, Any]
    ) -> EventList:
        step = conversation_step(tracker, dispatcher)
        if step is not None:
            return step
        result = from_parse(parse)
        text = str(parse.get("text") or "")
        as_question = len(text.split()) >= int(spec["min_words_as_question"]) and (
            result.theme != labels.OVERIG
            # "ik ben student op het mbo en mijn stagebegeleider maakt opmerkingen over mijn lichaam": a case
            # for sure, its theme unsure: the intake asks the theme rather than "sorry, ik begrijp je niet".
            or (result.question_type != labels.OVERIG and result.type_confidence >= spec["min_type_confidence_as_case"])
        )
        if last_bot_action(tracker) in AFTER_REFERRAL or after_referral(tracker):
            checked = reply_to_the_referral_check(dispatcher, tracker)
            if checked is not None:
                return checked
            asks = (as_question and intake.is_question(text)) or intake.asks_practically(text)
            if asks or intake.meta_of(text) == "advice_now":
                # "Hoe ga ik daarmee om?", "moeten we aangifte doen?", "wat moet ik nu doen?" after the referral
                # ask about the next steps at school, which the referral offered to think through: its intake.
                return [FollowupAction("action_start_intake")]
            # "ok, ik bel ze nu", "de conciërge heeft 112 gebeld": calm, never "sorry, ik begrijp je niet".
            noted_after_referral(dispatcher, tracker, spec["after_referral"])
            return []
        if tracker.get_slot("intake_phase") == ANNOUNCED:
            # "gaat over school" after "wat wil je weten?": the intake asks the topic, with its buttons.
            return [FollowupAction("action_start_intake")]
        if tracker.get_slot("intake_phase") == "advies" and intake.tells_more(intake.Reply.of(parse)):
            if not (as_question and intake.is_question(text)):
                return noted_after_advice(dispatcher, tracker)  # "mijn mentor zei dat ik het moet negeren"
        named = intake.theme_named(text)
        if named is not None and named != labels.OVERIG and not as_question:
            # "vraagje over de meldcode": the topic is told, the question still to come; it holds for that question.
            label = labels.label_text("themes", named)
            dispatcher.utter_message(
                text=spec["theme_named"].format(theme=label), **tag(utterances.QUESTION, "theme_named")
            )
            return [SlotSet("announced_theme", named)]
        if as_question:
            # Not sure of the intent, fairly sure it is a question on a safety theme: start its intake
            # (the form confirms the topic explicitly) rather than offering buttons.
            return [FollowupAction("action_start_intake")]
        if previous_user_intent(tracker) == labels.FALLBACK_INTENT:
            dispatcher.utter_message(
                text=spec["second"],
                buttons=[intake.button(spec["human_yes"], "ask_human"), intake.button(spec["human_no"], "deny")],
                **tag(utterances.FALLBACK, "second"),
            )
            return []
        buttons = intake.fallback_buttons(parse.get("intent_ranking") or [])
        if buttons:
            dispatcher.utter_message(text=spec["first"], buttons=buttons, **tag(utterances.FALLBACK, "first"))
        else:
            dispatcher.utter_message(text=spec["first_no_ranking"], **tag(utterances.FALLBACK, "first"))
        return []
