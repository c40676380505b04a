"""The intake form: confirm the classification, ask role and school type, then the doorvragen.

`validate_intake_form` reads each answer and decides, through `required_slots`,
what comes next (bot/intake.py). A message that is no answer (urgent, a human,
a new question, ...) is left unfilled, so the form is rejected and the rules take over.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT

from actions.common import (
    EventList,
    answer_given,
    first_number_line,
    honest_or_duty,
    last_user_index,
    new_answer,
    no_answer,
    retheme,
    switch_case,
    tell_duties,
)
from bot import answers, contact_log, intake, labels, referrals, utterances
from bot import question_bank as qb
from bot.redaction import redact
from bot.utterances import tag

FORM = "intake_form"


def told_along(reply: intake.Reply, keys: list[str], tracker: Tracker) -> dict[str, str]:
    """The questions of `keys` (not asked yet) that the typed words answer along the way, with what they say
    ("de juf weet het" to "Heb je het al gemeld?": ja), recorded on the contact in the user's words."""
    if reply.is_payload:
        return {}
    told = {key: qb.told_answer(key, reply.text) for key in keys}
    found = {key: category for key, category in told.items() if category is not None}
    for key, category in found.items():
        contact_log.record_answer(tracker.sender_id, key, category, redact(reply.text))
    return found


# A practical question answered where it is asked passes over the question on screen: how each is passed.
PASSED_OVER: dict[str, tuple[str, Any]] = {
    "caller_role": ("role_asked", True),
    "school_type": ("school_asked", True),
    **{slot: (slot, "weet_niet") for slot in intake.DOORVRAAG_SLOTS},
}
SKIP_INTENTS = ("dont_know", "deny", "stop")


def asks_without_an_answer(reply: intake.Reply) -> bool:
    """A typed practical question (a question intent, asked as one) where an answer to the intake was expected;
    one with a sure knowledge-base answer is answered before this is asked (answer_in_passing)."""
    # "moeten we aangifte doen?" is short, and still no answer to the question on screen.
    long_enough = len(reply.text.split()) >= int(intake.texts()["new_question"]["practical_min_words"])
    # "We hebben de vertrouwensinspecteur gebeld. Moeten we die aangifte echt doen?" may read as `inform`
    # (the story first) or as nothing sure: still a question that should hear it has no fixed answer.
    may_ask = labels.labels_of_intent(reply.intent) is not None or reply.intent in (labels.FALLBACK_INTENT, "inform")
    return not reply.is_payload and may_ask and long_enough and intake.asks_practically(reply.text)


def is_answer_turn(tracker: Tracker, form: str) -> bool:
    """The form runs right after the user's message (not after an interruption, not at activation)."""
    if tracker.active_loop.get("name") != form:
        return False
    events = tracker.events
    last_user = last_user_index(events)
    if last_user is None:
        return False
    actions = [e.get("name") for e in events[last_user + 1 :] if e.get("event") == "action"]
    # The form itself runs last; action_extract_slots runs after every message.
    return all(name in (form, "action_extract_slots") for name in actions)


class ValidateIntakeForm(FormValidationAction):
    def name(self) -> str:
        return "validate_intake_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[str]:
        return intake.required_slots(intake.IntakeState.of(tracker.slots))

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> EventList:
        events: EventList = []
        requested = tracker.get_slot(REQUESTED_SLOT)
        if requested and is_answer_turn(tracker, FORM):
            reply = intake.Reply.of(tracker.latest_message)
            answer: EventList | None
            if tracker.get_slot("implicit_confirmed") and (
                intake.corrects_topic(reply) or self.names_other_theme(reply, tracker)
            ):
                answer = self.reopen_topic(reply, tracker)
            else:
                answer = self.read_answer(requested, reply, dispatcher, tracker)
            if answer is None:
                return []  # no answer: the form is rejected and a rule handles the message
            answer = self.told_profile(requested, reply, tracker) + answer
            if tracker.get_slot("implicit_confirmed"):
                answer.append(SlotSet("implicit_confirmed", None))  # answered: the correction button is gone
            events += answer
            tracker.add_slots(answer)
        state = intake.IntakeState.of(tracker.slots)
        if intake.needs_selection(state):
            # Chosen anew after the type changed (retype): a question answered before is not asked again.
            answered = intake.answers_of(tracker.slots)
            chosen = intake.choose_questions(state, tracker.get_slot("intake_text") or "")
            keys = [key for key in chosen if key not in answered]
            selected = [SlotSet("doorvraag_keys", keys)]
            events += selected
            tracker.add_slots(selected)
        required = await self.required_slots([], dispatcher, tracker, domain)
        return events + [SlotSet(REQUESTED_SLOT, intake.next_slot(required, tracker.slots))]

    # ------------------------------------------------------------------ one answer

    def read_answer(
        self, requested: str, reply: intake.Reply, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> EventList | None:
        if requested == "danger_check" and intake.answers_yes_or_no(reply) and not reply.danger_words:
            return self.danger_check(reply, dispatcher, tracker)  # "nee, ze is nu bij haar tante" answers it
        if requested != "danger_check" and reply.alarm_without_words:
            # The model's acuut with no danger word, inside the questions: the check question (once), not
            # a referral that ends the intake; after the check the first number once, and the answer counts.
            reply = reply.as_possible_danger()
            if tracker.get_slot("danger_check") is not None:
                # Worrying words after the check was answered: never silent, the fitting first number once more.
                category = reply.classification.urgency_category or tracker.get_slot("urgency")
                first_number_line(dispatcher, tracker, category, "told_more")
        kind = intake.meta_of(reply.text)
        about_us = kind is not None and requested != "danger_check" and not reply.danger_words
        if intake.interrupts(reply) and not (about_us and reply.intent == labels.URGENT_INTENT):
            return None  # urgent, a human asked for clearly, ...: the rules take over
        if requested == "suggestion_check" and (kind == "just_answer" or intake.wants_no_questions(reply.text)):
            # "ik wil geen vragen beantwoorden, gewoon het verschil graag" at "Gaat het je hierom?": a yes to the
            # answer offered, without the questions after it.
            return [SlotSet("meta_kind", "just_answer"), *self.accept_suggestion(tracker), SlotSet("ask_on", "nee")]
        if about_us and kind is not None:
            # "dit duurt me te lang": about the conversation (even if the urgency model saw danger in it).
            stepped = self.meta(kind, requested, dispatcher)
            if kind == "just_answer" and requested in PASSED_OVER:
                # "ik wil gewoon weten waar ik een klacht kan indienen": no more questions, and the answer asked for.
                return stepped + self.answer_asked_along(reply, dispatcher, tracker)
            return stepped
        if requested in ("answer_feedback", "ask_on") and not reply.danger_words:
            fed_up = "complaint" if intake.complains_in(reply.text) else None
            fed_up = fed_up or ("just_answer" if intake.wants_no_questions(reply.text) else None)
            if fed_up is not None:
                # "wat een onzin, ik krijg alleen maar vragen terug. ik ben leerkracht": after an answer a
                # longer remark about the chat ends it politely; a role or school type in it is kept.
                dispatcher.utter_message(text=intake.meta_reply(fed_up), **tag(utterances.META, fed_up))
                feedback = "nee" if fed_up == "complaint" else "weet_niet"
                return [SlotSet("meta_kind", fed_up), *self.decline_asking_on(tracker, feedback=feedback)]
        # A practical question about the same case is answered where it is asked; only a question
        # without such an answer, or on another theme, starts an intake of its own.
        if requested in ("answer_feedback", "ask_on"):
            follow_up = self.follow_up_answer(reply, tracker)
            if follow_up is not None:
                return follow_up
        elif requested in PASSED_OVER:
            in_passing = self.answer_in_passing(reply, dispatcher, tracker)
            if in_passing is not None:
                return in_passing
        elif requested in ("intake_theme", "intake_confirmed"):
            asked = self.question_at_the_topic(reply, tracker)
            if asked is not None:
                return asked
        if (
            requested in PASSED_OVER  # the role, school type and doorvragen
            and not self.asks_about_danger(reply, tracker)  # danger first: its check question comes next
            and intake.tells_new_case(reply, intake.IntakeState.of(tracker.slots))
            and not reply.alarm_demoted  # let go, the rules would refer on its urgent intent: asked below
        ):
            return None  # a case of its own: the rules start its intake (this one ends unfinished)
        if requested == "switch_check":
            return self.switch_check(reply, dispatcher, tracker)
        danger = self.possible_danger(reply, tracker)  # the check question comes next, or nothing
        if (
            requested in PASSED_OVER
            and tracker.get_slot("switch_check") is None
            and self.may_be_new_case(reply, tracker)
        ):
            # "Wil je het eerst hierover hebben?" comes next (after the check question, if there is one).
            return [SlotSet("switch_from", requested), SlotSet("switch_parse", dict(reply.parse)), *danger]
        if requested == "danger_check" and self.switch_pending(tracker) and intake.tells_more(reply):
            return self.danger_check(reply, dispatcher, tracker)  # more about the case that may be new: see there
        if intake.is_new_question(reply) and not reply.alarm_demoted:
            if self.question_of_its_own(requested, reply, tracker):
                return None
            if requested in PASSED_OVER and intake.asks_practically(reply.text):
                return self.offer_in_passing(reply, dispatcher, tracker) + danger
            # A rhetorical question ("Dat is toch te gek voor woorden?") is read as the answer it is.
            # After an answer, answer_feedback / ask_on below read it as more about the case, with the honest line.
        if requested == "danger_check":
            return self.danger_check(reply, dispatcher, tracker)
        if requested in PASSED_OVER and asks_without_an_answer(reply):
            return self.offer_in_passing(reply, dispatcher, tracker) + danger
        answer = self.read_plain_answer(requested, reply, dispatcher, tracker)
        return None if answer is None else answer + danger

    @staticmethod
    def question_of_its_own(requested: str, reply: intake.Reply, tracker: Tracker) -> bool:
        """A new question that starts its own intake, rather than one about the case being asked about or just
        answered (which stays on its contact: the honest line in passing, or after the answer through
        answer_feedback / ask_on, and the same intake goes on).

        "Hoe zorgen we dat ze weer durft te komen?" in the middle of the questions about the incident is
        no new intake under the type its own words get. Only a case of its own (another theme read surely,
        said to be new, a case after policy) starts one; elsewhere in the form every new question does.
        """
        if requested not in (*PASSED_OVER, "answer_feedback", "ask_on"):
            return True
        if requested in PASSED_OVER and ValidateIntakeForm.on_the_side(reply, tracker):
            return False  # offered in passing (answer_in_passing gave a sure answer before this is asked)
        return intake.is_new_case(reply, tracker.get_slot("theme"), tracker.get_slot("question_type"))

    @staticmethod
    def on_the_side(reply: intake.Reply, tracker: Tracker) -> bool:
        """A question on another theme inside the questions (intake.asks_on_the_side) that the knowledge base
        can answer, surely or likely; without any answer it is a question of its own, for its own contact."""
        if not intake.asks_on_the_side(reply):
            return False
        return answer_of(reply, tracker) is not None or answer_of(reply, tracker, likely=True) is not None

    @staticmethod
    def retype(question_type: str, tracker: Tracker) -> EventList:
        """The contact takes the type the user's words showed (intake.refined_type); the questions still to
        come are chosen anew for it, those answered stay answered (run() leaves them out)."""
        contact_log.update_contact(tracker.sender_id, question_type=question_type)
        return [
            SlotSet("question_type", question_type),
            SlotSet("doorvraag_keys", None),
            *(SlotSet(slot, None) for slot in intake.DOORVRAAG_SLOTS),
        ]

    @staticmethod
    def honest_in_passing(reply: intake.Reply, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        """A question about the same case with no sure answer: said so, kept for staff, and the question on
        screen is passed over (never stored as its answer, never asked a second time)."""
        text = redact(reply.text)
        honest_or_duty(text, dispatcher, tracker, "none_in_passing")
        return ValidateIntakeForm.passed_over(reply, tracker, text)

    @staticmethod
    def offer_in_passing(reply: intake.Reply, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        """Such a question with a likely answer only: offered first ("Gaat het je hierom?"), as at the start of a
        conversation, and given on a yes; the honest line when there is none. The question on screen is passed
        over either way."""
        offered = answer_of(reply, tracker, likely=True)
        if offered is None:
            return ValidateIntakeForm.honest_in_passing(reply, dispatcher, tracker)
        text = redact(reply.text)
        return [
            *ValidateIntakeForm.passed_over(reply, tracker, text),
            SlotSet("passing_offer", {"key": offered.key, "question": text}),
            SlotSet("passing_check", None),
        ]

    @staticmethod
    def passed_over(reply: intake.Reply, tracker: Tracker, text: str) -> EventList:
        """The question on screen is passed over (unknown, not recorded); what was typed (`text`, redacted) is
        kept for the advice."""
        slot, value = PASSED_OVER[tracker.get_slot(REQUESTED_SLOT)]
        joined = intake.joined_text(tracker.get_slot("intake_text"), text)
        return [SlotSet(slot, value), SlotSet("intake_text", joined), *retheme(reply, tracker)]

    @staticmethod
    def passing_check(reply: intake.Reply, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        """Yes to the offer in passing: that answer, then on with the questions. The question put another way
        ("nee, ik bedoel ...") gets its own sure answer, or its own likely one offered; anything else the honest
        line for the question asked. What was typed besides a plain yes or no is kept, as at the first offer."""
        offer = tracker.get_slot("passing_offer") or {}
        yes = intake.feedback_category(reply) == "ja"
        asked = not reply.is_payload and intake.is_question(reply.text)
        more = asked or ValidateIntakeForm.says_more_than_yes_or_no(reply, yes)
        text = redact(reply.text)
        kept = ValidateIntakeForm.kept_words(text, tracker) if more else []
        if yes:
            chosen = answers.by_key().get(offer.get("key") or "")
        else:
            chosen = ValidateIntakeForm.sure_answer(reply, tracker, side=True) if more else None
            other = answer_of(reply, tracker, likely=True) if asked and chosen is None else None
            if other is not None and other.key != offer.get("key"):
                question = {"key": other.key, "question": text}
                return [SlotSet("passing_offer", question), SlotSet("passing_check", None), *kept]
        if chosen is None or (not yes and chosen.key == offer.get("key")):
            honest_or_duty(str(offer.get("question") or ""), dispatcher, tracker, "none_in_passing")
            return [SlotSet("passing_check", "nee"), *kept]
        answer_then_on(dispatcher, tracker, chosen)
        return [SlotSet("passing_check", "ja" if yes else "nee"), answer_given(chosen.key, tracker), *kept]

    @staticmethod
    def may_be_new_case(reply: intake.Reply, tracker: Tracker) -> bool:
        """A case of its own, not sure enough to switch; or any case or question told with an alarm read
        as possible danger (letting go would bring the referral of its urgent intent)."""
        state = intake.IntakeState.of(tracker.slots)
        if intake.may_tell_new_case(reply, state):
            return True
        return reply.alarm_demoted and (intake.tells_new_case(reply, state) or intake.is_new_question(reply))

    def possible_danger(self, reply: intake.Reply, tracker: Tracker) -> EventList:
        """The events that bring up the check question for this answer, logged on the contact; or none."""
        if not self.asks_about_danger(reply, tracker):
            return []
        category = reply.classification.urgency_category
        contact_log.update_contact(
            tracker.sender_id, urgency_level=labels.MOGELIJK, urgency_category=referrals.known(category)
        )
        return [SlotSet("urgency_level", labels.MOGELIJK), SlotSet("urgency", category)]

    @staticmethod
    def names_other_theme(reply: intake.Reply, tracker: Tracker) -> bool:
        """ "nee, het gaat over pesten" right after an implicit confirmation of another theme."""
        named = intake.theme_named(reply.text)
        return named is not None and named != tracker.get_slot("theme") and intake.answer_category(reply) == "nee"

    @staticmethod
    def reopen_topic(reply: intake.Reply, tracker: Tracker) -> EventList:
        """The implicit confirmation was wrong: the theme the user named, or the theme question."""
        named = intake.theme_named(reply.text)
        if named is not None:
            contact_log.update_contact(tracker.sender_id, theme=named, corrected=True)
            return [SlotSet("theme", named), SlotSet("corrected", True)]
        return [SlotSet("intake_confirmed", None), SlotSet("theme_needed", True)]

    @staticmethod
    def told_profile(requested: str, reply: intake.Reply, tracker: Tracker) -> EventList:
        """A role or school type in any answer is kept, whatever was asked; a later one overrides.

        ("ja, ik ben zijn mentor", "nee, het is een vso-school"): never lost, never asked again.
        """
        events: EventList = []
        for slot, asked, allowed in (
            ("caller_role", "role_asked", labels.caller_roles()),
            ("school_type", "school_asked", labels.school_types()),
        ):
            value = reply.entities.get(slot)
            if slot == requested or value not in allowed:
                continue
            # The slot may already hold it (its from_entity mapping ran first); the contact does not yet.
            contact_log.update_contact(tracker.sender_id, **{slot: value})
            events += [SlotSet(slot, value), SlotSet(asked, True)]
        return events

    @staticmethod
    def meta(kind: str, requested: str, dispatcher: CollectingDispatcher) -> EventList:
        """A message about the conversation itself gets a fitting step, never a repeat of the question.

        ending: close politely (during the questions, after the advice); just_answer: no more questions
        (after an answer: close); advice_now: the advice at once; person or callback: the handoff;
        not_chat: the phone number and the handoff (a call-back when closed); complaint: sorry, the
        phone number and how to reach a person, then the question once more.
        """
        # Every step sets a slot besides requested_slot: a validation that sets none makes Rasa reject
        # the form, and the FollowupAction is then lost (the "Thanks" rule answered instead).
        seen = [SlotSet("meta_kind", kind)]
        if kind == "ending" and requested in intake.DOORVRAAG_SLOTS:
            # Thanks during the questions: what was told still earns its advice; the advice then closes.
            dispatcher.utter_message(text=intake.meta_reply("ending_with_advice"), **tag(utterances.META, kind))
            return [*seen, SlotSet("intake_stopped", True)]
        if kind == "ending":
            return [*seen, SlotSet("intake_stopped", True), FollowupAction("action_close_intake")]
        if kind in ("person", "callback"):
            # The handoff reads the message itself: a call-back asked for is arranged, not queued.
            return [*seen, SlotSet("intake_stopped", True), FollowupAction("action_handoff")]
        dispatcher.utter_message(text=intake.meta_reply(kind), **tag(utterances.META, kind))
        if kind == "advice_now":
            # "wat moet ik nu doen?": the advice at once, on what is known so far (after an answer too).
            feedback = [SlotSet("answer_feedback", "weet_niet")] if requested == "answer_feedback" else []
            asked_on = [SlotSet("ask_on", "ja")] if requested in ("answer_feedback", "ask_on") else []
            return [*seen, *feedback, *asked_on, SlotSet("intake_stopped", True)]
        if kind == "just_answer":
            if requested in ("answer_feedback", "ask_on"):
                # Both filled, so the form is done and does not give the answer once more before closing.
                feedback = [SlotSet("answer_feedback", "weet_niet")] if requested == "answer_feedback" else []
                return [*seen, *feedback, SlotSet("ask_on", "nee"), FollowupAction("action_close_intake")]
            return [*seen, SlotSet("intake_stopped", True)]
        if kind == "not_chat":
            return [*seen, SlotSet("intake_stopped", True), FollowupAction("action_handoff")]
        return seen

    @staticmethod
    def asks_about_danger(reply: intake.Reply, tracker: Tracker) -> bool:
        """An answer that may tell of danger: the check question comes next, once per intake.

        An answer describes the case the first message already told, in the words of the question asked
        ("ze zit in de pauze vaak alleen"), so the model's `mogelijk` alone does not bring up danger
        there: the rules must see a danger word too. `acuut` always breaks off the intake.
        """
        return (
            reply.possibly_dangerous
            and (reply.danger_words or reply.alarm_demoted)
            and tracker.get_slot("danger_check") is None
        )

    def read_plain_answer(
        self, requested: str, reply: intake.Reply, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> EventList | None:
        if requested == "suggestion_check":
            return self.suggestion_check(reply, dispatcher, tracker)
        if requested == "passing_check":
            return self.passing_check(reply, dispatcher, tracker)
        if requested == "answer_feedback":
            return self.answer_feedback(reply, dispatcher, tracker)
        if requested == "ask_on":
            return self.ask_on(reply, dispatcher, tracker)
        if intake.answer_category(reply) == "stop":
            return self.stop(requested, dispatcher, tracker)
        if requested == "intake_confirmed":
            return self.confirm(reply, tracker)
        if requested == "intake_theme":
            return self.choose_theme(reply, tracker)
        if requested == "caller_role":
            return self.profile(reply, tracker, "caller_role", "role_asked", labels.caller_roles())
        if requested == "school_type":
            return self.profile(reply, tracker, "school_type", "school_asked", labels.school_types())
        if requested in intake.DOORVRAAG_SLOTS:
            joined = intake.joined_text(tracker.get_slot("intake_text"), reply.text)
            retyped = intake.refined_type(reply, intake.IntakeState.of(tracker.slots))
            if retyped is None:
                return self.doorvraag(requested, reply, dispatcher, tracker) + tell_duties(dispatcher, tracker, joined)
            # "Een stagiair heeft vorige week ..." at "Waar wil je de informatie voor gebruiken?": no answer to
            # it, but the incident behind the question; the questions that fit it come next.
            dispatcher.utter_message(text=intake.texts()["retyped"][retyped], **tag(utterances.NOTED, "retyped"))
            return [*self.retype(retyped, tracker), SlotSet("intake_text", joined)] + tell_duties(
                dispatcher, tracker, joined
            )
        return None

    def danger_check(self, reply: intake.Reply, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        """Ja: the referral (action_refer_urgent) and the intake stops; nee: on; unsure: the first number, on."""
        spec = intake.texts()["danger"]
        answer = intake.answer_category(reply)
        # A role or school type ("basisschool", "ik ben 11") is no "hmm?" either: it is kept, and not asked twice.
        told_more = answer not in ("ja", "nee", "weet_niet") and (
            intake.tells_more(reply) or intake.tells_profile(reply)
        )
        if answer not in ("ja", "nee", "weet_niet"):
            if not told_more and not tracker.get_slot("danger_retry"):
                return [SlotSet("danger_retry", True)]  # "hmm?": asked once more
            # More about the case instead of ja or nee ("ze zit nu bij de ib'er"): never the same
            # question twice; the first number once, and the words count for the questions.
            answer = "weet_niet"
        contact_log.record_answer(tracker.sender_id, intake.DANGER_QUESTION, answer)
        if answer == "ja":
            return [SlotSet("danger_check", "ja"), FollowupAction("action_refer_urgent")]
        asked = intake.asks_practically(reply.text) and not self.switch_pending(tracker)
        if answer == "nee" and asked:
            # "nee, ze wil geen melding maken, mag ik het dan toch doorgeven?": the question is never passed over.
            dispatcher.utter_message(text=spec["going_on_asked"], **tag(utterances.NOTED, "no_danger"))
            along = answer_of(reply, tracker)
            if along is not None:
                answer_then_on(dispatcher, tracker, along)
            else:
                honest_or_duty(redact(reply.text), dispatcher, tracker, "none_in_passing")
            given = [answer_given(along.key, tracker)] if along is not None else []
            events: EventList = [*given, SlotSet("danger_check", answer)]
            return [*events, SlotSet("intake_text", intake.joined_text(tracker.get_slot("intake_text"), reply.text))]
        if answer == "nee":
            dispatcher.utter_message(text=spec["going_on"], **tag(utterances.NOTED, "no_danger"))
        else:
            first_number_line(dispatcher, tracker, tracker.get_slot("urgency"), "told_more" if told_more else "unsure")
        if told_more and self.switch_pending(tracker):
            # The check came first for a case that may be new ("vorige week is een leerling in elkaar
            # geslagen ..."); telling on about it, even as a question, is the yes to "Wil je het eerst
            # hierover hebben?": its own intake starts, on the case and what was told since.
            return [
                SlotSet("danger_check", answer),
                SlotSet("switch_check", "ja"),
                SlotSet("intake_stopped", True),
                FollowupAction("action_start_intake"),
            ]
        if told_more or intake.tells_more(reply):
            # "nee, ze is nu bij haar tante": what follows the answer is kept for the advice too.
            joined = intake.joined_text(tracker.get_slot("intake_text"), reply.text)
            return [SlotSet("danger_check", answer), SlotSet("intake_text", joined)]
        return [SlotSet("danger_check", answer)]

    @staticmethod
    def switch_pending(tracker: Tracker) -> bool:
        """A statement that may be a case of its own waits for "Wil je het eerst hierover hebben?"."""
        return bool(tracker.get_slot("switch_from")) and tracker.get_slot("switch_check") is None

    def switch_check(self, reply: intake.Reply, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        """Ja (or more about it): a new intake on the message that may be a case (this one ends unfinished).

        On nee the earlier message answers the question it interrupted, and its words count for the
        questions still to come; the check is not asked again in this intake.
        """
        case = switch_case(tracker)
        told = intake.Reply.of(case) if case else None
        category = intake.answer_category(reply)
        # Telling on about it is a yes too; only a no ("nee, ga verder") goes back to the earlier questions.
        goes_on_telling = category not in ("nee", "stop", "weet_niet") and intake.tells_more(reply)
        if category == "ja" or goes_on_telling or intake.says_new_topic(reply.text):
            # The form ends here; action_start_intake starts the new one on the message told before.
            return [
                SlotSet("switch_check", "ja"),
                SlotSet("intake_stopped", True),
                FollowupAction("action_start_intake"),
            ]
        dispatcher.utter_message(text=intake.texts()["switch"]["going_on"], **tag(utterances.NOTED, "switch_no"))
        events: EventList = [SlotSet("switch_check", "nee"), SlotSet("switch_from", None)]
        asked = tracker.get_slot("switch_from")
        if told is None or asked is None:
            return events
        answer = self.read_plain_answer(asked, told, dispatcher, tracker) or []
        joined = intake.joined_text(tracker.get_slot("intake_text"), told.text)
        return events + answer + [SlotSet("intake_text", joined)]

    @staticmethod
    def accept_suggestion(tracker: Tracker) -> EventList:
        """The answer offered with "Gaat het je hierom?" is the one: it follows, logged on the contact."""
        key = tracker.get_slot("answer_suggested")
        contact_log.record_answer(tracker.sender_id, intake.answer_log_key(key), "weet_niet")
        return [
            SlotSet("suggestion_check", "ja"),
            SlotSet("answer_key", key),
            SlotSet("intake_confirmed", True),
            SlotSet("intake_phase", "antwoord"),
        ]

    @staticmethod
    def suggestion_check(reply: intake.Reply, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        """Yes to "Gaat het je om ...?": that answer follows, and what was typed with the yes is kept ("ja, het
        gaat om groep 8"). A sentence with a sure answer of its own ("nee, ik bedoel de meldcode: welke stappen
        zijn er?") gets that answer. Anything else: the honest line, and the intake goes on."""
        yes = intake.feedback_category(reply) == "ja"
        more = ValidateIntakeForm.says_more_than_yes_or_no(reply, yes)
        kept = ValidateIntakeForm.kept_words(redact(reply.text), tracker) if more else []
        if yes:
            return [*ValidateIntakeForm.accept_suggestion(tracker), *kept]
        own = ValidateIntakeForm.own_answer(reply, tracker) if more else None
        if own is not None:
            return [
                SlotSet("suggestion_check", "nee"),
                answer_given(own.key, tracker),
                SlotSet("answer_key", own.key),
                SlotSet("intake_confirmed", True),
                SlotSet("intake_phase", "antwoord"),
                *kept,
            ]
        no_answer(dispatcher, tracker.sender_id, tracker.get_slot("intake_text") or "")
        return [SlotSet("suggestion_check", "nee"), *kept]

    @staticmethod
    def says_more_than_yes_or_no(reply: intake.Reply, yes: bool) -> bool:
        """A reply to an offered answer that tells more: a sentence, or a yes with words of its own ("ja, het gaat
        om groep 8")."""
        return intake.tells_more(reply) or (yes and not reply.is_payload and qb.says_more_than_the_answer(reply.text))

    @staticmethod
    def kept_words(text: str, tracker: Tracker) -> EventList:
        """What was typed (`text`, redacted) added to the intake's text, for choosing the questions and the advice."""
        return [SlotSet("intake_text", intake.joined_text(tracker.get_slot("intake_text"), text))]

    @staticmethod
    def own_answer(reply: intake.Reply, tracker: Tracker) -> answers.Answer | None:
        """The reply's own sure knowledge-base answer, other than the one offered and those given."""
        answer = answer_of(reply, tracker)
        return None if answer is None or answer.key == tracker.get_slot("answer_suggested") else answer

    def answer_feedback(
        self, reply: intake.Reply, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> EventList | None:
        """ "Had je hier iets aan?": ja or nee is logged with the answer's key; anything else is not asked twice."""
        if intake.tells_more(reply):
            if intake.is_new_case(reply, tracker.get_slot("theme"), tracker.get_slot("question_type")):
                return None  # a case or question of its own: a new intake (the answered contact is done)
            # No verdict on the answer, but more about the situation: go on with the intake, keep every word.
            honest = self.honest_if_asked(reply, dispatcher, tracker)
            return [SlotSet("answer_feedback", "weet_niet"), *self.go_on(reply, tracker), *honest]
        category = intake.feedback_category(reply)
        if category in ("stop", "einde"):
            return self.decline_asking_on(tracker, feedback="weet_niet")
        contact_log.record_answer(tracker.sender_id, intake.answer_log_key(tracker.get_slot("answer_key")), category)
        return [SlotSet("answer_feedback", category)]

    @staticmethod
    def honest_if_asked(reply: intake.Reply, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        """A short follow-up question ("Is die wet al ingegaan?") with no sure answer is never passed over in
        silence: the honest line, before the intake goes on (on the theme the question gives the contact)."""
        if not intake.is_question(reply.text):
            return []
        honest_or_duty(redact(reply.text), dispatcher, tracker, "none")
        return retheme(reply, tracker)

    @staticmethod
    def sure_answer(reply: intake.Reply, tracker: Tracker, side: bool = False) -> answers.Answer | None:
        """A knowledge-base answer to a typed question about the same case (not one given already); with
        `side`, inside the questions, also to a question on another theme asked on the side.

        The answer's own theme counts: "Moeten we nu al een veiligheidscoördinator en een vertrouwenspersoon
        aanstellen?" after an answer about the law may read as vertrouwenswerk, but the answer that serves
        it is about the law, so it is the same contact's follow-up, not a case of its own.
        """
        answer = answer_of(reply, tracker) if intake.is_question(reply.text) else None
        if answer is None:
            return None
        theme = tracker.get_slot("theme")
        if intake.says_new_topic(reply.text):
            return None  # said to be new: its own intake
        own_case = answer.theme != theme and intake.is_new_case(reply, theme, tracker.get_slot("question_type"))
        if own_case and not (side and intake.asks_on_the_side(reply)):
            return None  # another theme said with confidence: its own intake
        return answer

    def follow_up_answer(self, reply: intake.Reply, tracker: Tracker) -> EventList | None:
        """ "En kijkt de inspectie daar ook naar?" right after an answer: that answer too, on the same contact."""
        answer = self.sure_answer(reply, tracker)
        if answer is None:
            return None
        return [
            SlotSet("answer_key", answer.key),
            answer_given(answer.key, tracker),
            SlotSet("answer_feedback", None),
            SlotSet("ask_on", None),
            SlotSet("confirm_retry", None),
            *retheme(reply, tracker),
        ]

    def question_at_the_topic(self, reply: intake.Reply, tracker: Tracker) -> EventList | None:
        """ "ik heb een vraag over de monitor", then at the topic question "moeten we elk jaar een monitor
        afnemen?": the question is the intake's, with its answer first, on the same contact."""
        if reply.is_payload or not intake.is_question(reply.text):
            return None
        read = reply.classification
        answer = answer_of(reply, tracker)
        chosen = answer or answer_of(reply, tracker, likely=True)
        if chosen is None:
            return None
        contact_log.update_contact(tracker.sender_id, theme=read.theme, question_type=read.question_type)
        events: EventList = [
            SlotSet("theme", read.theme),
            SlotSet("question_type", read.question_type),
            SlotSet("theme_needed", False),
            SlotSet("intake_text", intake.joined_text(tracker.get_slot("intake_text"), redact(reply.text))),
        ]
        if answer is None:
            # Only likely: offered first ("Gaat het je hierom?"); on a no the topic is confirmed as usual.
            return [*events, SlotSet("answer_suggested", chosen.key), SlotSet("suggestion_check", None)]
        return [
            *events,
            answer_given(answer.key, tracker),
            SlotSet("answer_key", answer.key),
            SlotSet("intake_confirmed", True),
            SlotSet("intake_phase", "antwoord"),
        ]

    def answer_in_passing(
        self, reply: intake.Reply, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> EventList | None:
        """A practical question asked at a question of the intake is answered there; that question is passed over.

        The user should not have to finish the questions, or start over, to hear what may or must.
        """
        answer = self.sure_answer(reply, tracker, side=True)
        if answer is None:
            return None
        given = answer_given(answer.key, tracker)
        answer_then_on(dispatcher, tracker, answer)
        # The question on screen is passed over (unknown, not recorded), not asked a second time.
        slot, value = PASSED_OVER[tracker.get_slot(REQUESTED_SLOT)]
        return [given, SlotSet(slot, value), *retheme(reply, tracker)]

    @staticmethod
    def answer_asked_along(reply: intake.Reply, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        """The sure knowledge-base answer to a question told along with another step (the questions skipped, the
        danger check answered), with its source; nothing when there is none."""
        answer = answer_of(reply, tracker)
        if answer is None:
            return []
        say_answer(dispatcher, tracker, answer)
        return [answer_given(answer.key, tracker)]

    @staticmethod
    def go_on(reply: intake.Reply, tracker: Tracker) -> EventList:
        """The user tells more about the case: the intake goes on, the topic implicitly confirmed, the text kept
        (and the type it shows, for an information question); questions already chosen that it answers
        are dropped as answered ("we hebben vorig jaar de monitor afgenomen")."""
        retyped = intake.refined_type(reply, intake.IntakeState.of(tracker.slots))
        keys = list(tracker.get_slot("doorvraag_keys") or [])
        told = {} if retyped else told_along(reply, keys, tracker)
        answered = (
            [
                SlotSet("doorvraag_keys", [k for k in keys if k not in told]),
                SlotSet("doorvraag_answers", {**intake.answers_of(tracker.slots), **told}),
            ]
            if told
            else []
        )
        return [
            SlotSet("ask_on", "ja"),
            SlotSet("intake_confirmed", True),
            SlotSet("intake_phase", "intake"),
            SlotSet("intake_text", intake.joined_text(tracker.get_slot("intake_text"), reply.text)),
            *answered,
            *(ValidateIntakeForm.retype(retyped, tracker) if retyped else []),
        ]

    def ask_on(self, reply: intake.Reply, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList | None:
        """May we ask on? Yes: the intake goes on, the topic implicitly confirmed by the answer; no: close."""
        if intake.tells_more(reply):
            if intake.is_new_case(reply, tracker.get_slot("theme"), tracker.get_slot("question_type")):
                return None
            honest = self.honest_if_asked(reply, dispatcher, tracker)
            return self.go_on(reply, tracker) + honest
        category = intake.feedback_category(reply)
        if category == "ja":
            return [SlotSet("ask_on", "ja"), SlotSet("intake_confirmed", True), SlotSet("intake_phase", "intake")]
        if category in ("nee", "stop", "einde") or tracker.get_slot("confirm_retry"):
            return self.decline_asking_on(tracker)
        return [SlotSet("confirm_retry", True)]  # asked once more, then taken as a no

    @staticmethod
    def decline_asking_on(tracker: Tracker, feedback: str | None = None) -> EventList:
        events: EventList = [SlotSet("ask_on", "nee"), FollowupAction("action_close_intake")]
        if feedback is not None:
            events.insert(0, SlotSet("answer_feedback", feedback))
        return events

    def stop(self, requested: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        dispatcher.utter_message(text=intake.texts()["doorvragen"]["stopped"], **tag(utterances.NOTED, "stopped"))
        events = [SlotSet("intake_stopped", True)]
        if requested in intake.DOORVRAAG_SLOTS:
            key = self.key_of(requested, tracker)
            contact_log.record_answer(tracker.sender_id, key, "stop")
            events.append(SlotSet(requested, "stop"))
        return events

    def confirm(self, reply: intake.Reply, tracker: Tracker) -> EventList:
        conversation = tracker.sender_id
        corrected_type = reply.entities.get("question_type")
        corrected_theme = reply.entities.get("theme")
        if corrected_type in labels.question_types() or corrected_theme in labels.themes():
            changes = {"question_type": corrected_type} if corrected_type in labels.question_types() else {}
            if corrected_theme in labels.themes():
                changes["theme"] = corrected_theme
            contact_log.update_contact(conversation, corrected=True, **changes)
            return [SlotSet(k, v) for k, v in changes.items()] + [
                SlotSet("corrected", True),
                SlotSet("intake_confirmed", True),
            ]
        named = intake.theme_named(reply.text)
        if named is not None and named != tracker.get_slot("theme"):
            # "nee, het gaat over pesten": the correction itself, no extra question.
            contact_log.update_contact(conversation, theme=named, corrected=True)
            return [SlotSet("theme", named), SlotSet("corrected", True), SlotSet("intake_confirmed", True)]
        category = intake.answer_category(reply)
        if category == "ja" or (category not in ("nee", "weet_niet") and intake.tells_profile(reply)):
            # "ik ben mentor op een vmbo" goes on with the intake: the topic stands (the role is kept by run()).
            return [SlotSet("intake_confirmed", True)]
        if intake.tells_more(reply):
            # The case told further instead of a yes: the topic stands, and the words count for the questions.
            state = intake.IntakeState.of(tracker.slots)
            told = intake.theme_told(reply, state)
            if told is not None:
                # ... unless the words show its theme surely: taken, and said with the next question
                # ("Je vraag gaat over *pesten*"), with the button to correct it.
                contact_log.update_contact(conversation, theme=told)
                return [
                    SlotSet("theme", told),
                    SlotSet("intake_confirmed", True),
                    SlotSet("implicit_confirmed", True),
                    SlotSet("intake_text", intake.joined_text(tracker.get_slot("intake_text"), reply.text)),
                ]
            retyped = intake.refined_type(reply, state)
            return [
                SlotSet("intake_confirmed", True),
                SlotSet("intake_text", intake.joined_text(tracker.get_slot("intake_text"), reply.text)),
                *(self.retype(retyped, tracker) if retyped else []),
            ]
        if category == "nee":
            return [SlotSet("theme_needed", True)]
        if tracker.get_slot("confirm_retry"):
            return [SlotSet("intake_confirmed", True)]  # asked twice: go on with what we have
        return [SlotSet("confirm_retry", True)]

    def choose_theme(self, reply: intake.Reply, tracker: Tracker) -> EventList:
        conversation = tracker.sender_id
        chosen = reply.entities.get("theme") or intake.theme_named(reply.text)
        original = tracker.get_slot("theme")
        if chosen in labels.themes():
            corrected = bool(tracker.get_slot("corrected")) or original != labels.OVERIG
            contact_log.update_contact(conversation, theme=chosen, corrected=corrected)
            return [
                SlotSet("theme", chosen),
                SlotSet("intake_theme", chosen),
                SlotSet("corrected", corrected),
                SlotSet("intake_confirmed", True),
                SlotSet("theme_needed", False),
            ]
        told = reply.classification
        if not reply.is_payload and told.theme != labels.OVERIG:
            # The user told more: classify that and confirm it.
            text = " ".join(t for t in (tracker.get_slot("intake_text"), redact(reply.text)) if t)
            contact_log.update_contact(
                conversation, theme=told.theme, question_type=told.question_type, corrected=original != labels.OVERIG
            )
            return [
                SlotSet("theme", told.theme),
                SlotSet("question_type", told.question_type),
                SlotSet("intake_text", text),
                SlotSet("theme_needed", False),
            ]
        # Nothing to go on ("gaat over school", "weet ik niet", "nee nog niet"): not the same question twice.
        # A case the model read ("ze wil niet meer naar de wc op school") keeps that reading, whatever the "nee"
        # before this question denied: its questions fit the case better than a general question's; with
        # no reading, it goes on as a general question. What the user tells later still counts.
        theme = original if original in labels.themes() and original != labels.OVERIG else labels.OVERIG
        return [
            SlotSet("theme", theme),
            SlotSet("intake_theme", theme),
            SlotSet("intake_confirmed", True),
            SlotSet("theme_needed", False),
        ]

    def profile(self, reply: intake.Reply, tracker: Tracker, slot: str, asked: str, allowed) -> EventList:
        """Role or school type: a button or the user's words; anything else leaves it empty."""
        value = reply.entities.get(slot) or tracker.get_slot(slot)
        if value in allowed:
            contact_log.update_contact(tracker.sender_id, **{slot: value})
            return [SlotSet(slot, value), SlotSet(asked, True)]
        return [SlotSet(slot, None), SlotSet(asked, True)]

    @staticmethod
    def key_of(slot: str, tracker: Tracker) -> str:
        keys = tracker.get_slot("doorvraag_keys") or []
        return keys[intake.DOORVRAAG_SLOTS.index(slot)]

    def doorvraag(
        self, slot: str, reply: intake.Reply, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> EventList:
        key = self.key_of(slot, tracker)
        question = qb.bank()[key]
        category = intake.answer_category(reply)
        if question.checks_danger and qb.says_in_place(key, reply.text):
            category = "ja"  # "nee hoor, iedereen is weer veilig": safe, whatever its first word
        typed = not reply.is_payload
        unclear = category == "onbruikbaar" or (typed and qb.says_too_little(question, reply.text))
        if unclear and tracker.get_slot("doorvraag_retry") != slot:
            return [SlotSet("doorvraag_retry", slot)]  # ask once more
        if typed:
            category = qb.typed_category(question, reply.text, category)  # "ok" twice to a yes/no: unknown
        if typed and self.answers_a_later_question_only(question, category, reply, tracker):
            return self.told_for_later(slot, reply, dispatcher, tracker)
        stored, text = intake.stored_answer(category, reply.text, typed=typed)
        contact_log.record_answer(tracker.sender_id, key, category, text)
        answers = intake.answers_of(tracker.slots)
        answers[key] = stored
        events = [SlotSet(slot, category), SlotSet("doorvraag_answers", answers), SlotSet("doorvraag_retry", None)]
        status = qb.answer_status(question, stored)
        if question.duty is not None and status == "ontbreekt":
            # "Is het bestuur al op de hoogte?" - "nog niet, ik wil het eerst zelf regelen": what the law asks
            # is said now, not only in the advice at the end.
            dispatcher.utter_message(text=question.advice["missing"], **tag(utterances.DUTY, question.duty))
            told_duties = list(tracker.get_slot("duties_told") or [])
            if question.duty not in told_duties:  # "moet ik dat zelf melden?" later gets this duty again
                events.append(SlotSet("duties_told", [*told_duties, question.duty]))
        # The questions still to come that this answer makes moot are dropped (the numbering stays unbroken);
        # so are those the typed words already answer ("de juf weet het" before "Heb je het al gemeld?"),
        # kept as answered: in place, in the user's words.
        keys = list(tracker.get_slot("doorvraag_keys") or [])
        later = keys[keys.index(key) + 1 :]
        told = told_along(reply, later, tracker)
        answers.update(told)
        moot = qb.moot_questions(later, key, status) + list(told)
        if moot:
            events.append(SlotSet("doorvraag_keys", keys[: keys.index(key) + 1] + [k for k in later if k not in moot]))
        if question.checks_danger and tracker.get_slot("danger_check") is None:
            events += self.answers_danger(category, reply, tracker)
        return events

    @staticmethod
    def answers_a_later_question_only(
        question: qb.Question, category: str, reply: intake.Reply, tracker: Tracker
    ) -> bool:
        """A sentence at a yes/no question that does not answer it but answers one still to come ("de ouders
        weten het al" at "Is er een pestprotocol?"): stored under the question on screen it would pass for
        its answer."""
        if question.kind != "yes_no" or category != "tekst" or qb.told_answer(question.key, reply.text) is not None:
            return False
        keys = list(tracker.get_slot("doorvraag_keys") or [])
        later = keys[keys.index(question.key) + 1 :] if question.key in keys else []
        return any(qb.told_answer(key, reply.text) is not None for key in later)

    @staticmethod
    def told_for_later(slot: str, reply: intake.Reply, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        """What was told is kept for the questions it answers (never asked again), and the question on
        screen is passed over as not known: asked again it would become a loop for someone who tells their
        own way, and stored it would get an answer that was never given."""
        keys = list(tracker.get_slot("doorvraag_keys") or [])
        key = ValidateIntakeForm.key_of(slot, tracker)
        told = told_along(reply, keys[keys.index(key) + 1 :], tracker)
        dispatcher.utter_message(text=intake.texts()["noted"]["for_later"], **tag(utterances.NOTED, "for_later"))
        passed_slot, passed = PASSED_OVER[slot]
        return [
            SlotSet(passed_slot, passed),
            SlotSet("doorvraag_retry", None),
            SlotSet("doorvraag_answers", {**intake.answers_of(tracker.slots), **told}),
            SlotSet("doorvraag_keys", [k for k in keys if k not in told]),
            SlotSet("intake_text", intake.joined_text(tracker.get_slot("intake_text"), redact(reply.text))),
        ]

    def answers_danger(self, category: str, reply: intake.Reply, tracker: Tracker) -> EventList:
        """The answer to "Is iedereen op dit moment veilig?" is the danger check's answer.

        Nee (not everyone is safe now): the referral at once, as "ja" to the check question. Ja: the check
        question is not asked after it. Neither, with worrying words: the check question comes next in its
        second wording ("Ik wil het even zeker weten"), since its first one would be the same question again.
        """
        if category == "nee":
            contact_log.record_answer(tracker.sender_id, intake.DANGER_QUESTION, "ja")
            return [SlotSet("danger_check", "ja"), FollowupAction("action_refer_urgent")]
        if category == "ja":
            return [SlotSet("danger_check", "nee")]
        return [SlotSet("danger_retry", True)] if self.asks_about_danger(reply, tracker) else []


# ---------------------------------------------------------------------- asking


def utter_moving_on(dispatcher: CollectingDispatcher, tracker: Tracker, asks: str, text: str, buttons: list) -> None:
    """A question of the intake (`asks`: its slot or bank key); the first one after an implicit confirmation
    says what the bot understood."""
    if tracker.get_slot("implicit_confirmed"):
        text, buttons = intake.with_implicit_confirmation(text, buttons, tracker.get_slot("theme") or labels.OVERIG)
    dispatcher.utter_message(text=text, buttons=buttons, **tag(utterances.QUESTION, asks))


class ActionAskDangerCheck(Action):
    def name(self) -> str:
        return "action_ask_danger_check"

    def run(self, dispatcher, tracker, domain) -> EventList:
        text, buttons = intake.danger_message(retry=bool(tracker.get_slot("danger_retry")))
        dispatcher.utter_message(text=text, buttons=buttons, **tag(utterances.QUESTION, "danger_check"))
        return []


def offer_answer(dispatcher: CollectingDispatcher, key: str, asks: str) -> EventList:
    """ "Gaat het je hierom: <title>?" with Ja / Nee, for the slot `asks`; an answer removed since: nothing."""
    spec = intake.texts()["answer"]
    offered = answers.by_key().get(key)
    if offered is None:
        return [SlotSet(asks, "nee")]
    dispatcher.utter_message(
        text=spec["suggest"].format(title=offered.title, mark="" if offered.title.endswith("?") else "?"),
        buttons=intake.yes_no_buttons(spec["suggest_buttons"]),
        **tag(utterances.QUESTION, asks),
    )
    return []


def answer_of(reply: intake.Reply, tracker: Tracker, likely: bool = False) -> answers.Answer | None:
    """The knowledge-base answer the model is sure of for a typed message (`likely`: the one worth offering,
    below the answer threshold), for the user's sector and role, and not given in this conversation yet."""
    read = reply.classification
    keys = ([read.suggestion] if read.suggestion else []) if likely else read.answers
    if reply.is_payload or not keys:
        return None
    answer = answers.choose(keys, tracker.get_slot("school_type"), read.caller_role or tracker.get_slot("caller_role"))
    return answer if answer is not None and new_answer(answer.key, tracker) else None


def say_answer(dispatcher: CollectingDispatcher, tracker: Tracker, answer: answers.Answer) -> None:
    """The answer for the user's sector, with its source."""
    text = answers.reply_text(answer, tracker.get_slot("school_type"), intake.texts()["answer"])
    dispatcher.utter_message(text=text, **tag(utterances.ANSWER, answer.key))


def answer_then_on(dispatcher: CollectingDispatcher, tracker: Tracker, answer: answers.Answer) -> None:
    """An answer given at a question of the intake, then the word that the questions go on."""
    say_answer(dispatcher, tracker, answer)
    back = intake.texts()["answer"]["back_to_questions"]
    dispatcher.utter_message(text=back, **tag(utterances.NOTED, "back_to_questions"))


class ActionAskSuggestionCheck(Action):
    def name(self) -> str:
        return "action_ask_suggestion_check"

    def run(self, dispatcher, tracker, domain) -> EventList:
        return offer_answer(dispatcher, tracker.get_slot("answer_suggested") or "", "suggestion_check")


class ActionAskPassingCheck(Action):
    def name(self) -> str:
        return "action_ask_passing_check"

    def run(self, dispatcher, tracker, domain) -> EventList:
        return offer_answer(dispatcher, (tracker.get_slot("passing_offer") or {}).get("key") or "", "passing_check")


class ActionAskSwitchCheck(Action):
    def name(self) -> str:
        return "action_ask_switch_check"

    def run(self, dispatcher, tracker, domain) -> EventList:
        spec = intake.texts()["switch"]
        buttons = intake.yes_no_buttons(spec)
        dispatcher.utter_message(text=spec["ask"], buttons=buttons, **tag(utterances.QUESTION, "switch_check"))
        return []


class ActionAskAnswerFeedback(Action):
    """The knowledge-base answer with its source, then "Had je hier iets aan?" (only the question on a retry)."""

    def name(self) -> str:
        return "action_ask_answer_feedback"

    def run(self, dispatcher, tracker, domain) -> EventList:
        spec = intake.texts()["answer"]
        answer = answers.by_key().get(tracker.get_slot("answer_key") or "")
        duties: EventList = []
        if answer is not None:
            said = answers.reply_text(answer, tracker.get_slot("school_type"), spec)
            dispatcher.utter_message(text=said, **tag(utterances.ANSWER, answer.key))
            duties = tell_duties(dispatcher, tracker, tracker.get_slot("intake_text") or "", said=said)
        dispatcher.utter_message(
            text=spec["helped"],
            buttons=intake.yes_no_buttons(spec["helped_buttons"]),
            **tag(utterances.QUESTION, "answer_feedback"),
        )
        return duties


class ActionAskAskOn(Action):
    def name(self) -> str:
        return "action_ask_ask_on"

    def run(self, dispatcher, tracker, domain) -> EventList:
        spec = intake.texts()["answer"]
        reaction = {"ja": spec["helped_yes"], "nee": spec["helped_no"]}.get(tracker.get_slot("answer_feedback") or "")
        text = spec["ask_on"] if tracker.get_slot("confirm_retry") or not reaction else f"{reaction} {spec['ask_on']}"
        dispatcher.utter_message(
            text=text, buttons=intake.yes_no_buttons(spec["ask_on_buttons"]), **tag(utterances.QUESTION, "ask_on")
        )
        return []


class ActionAskIntakeConfirmed(Action):
    def name(self) -> str:
        return "action_ask_intake_confirmed"

    def run(self, dispatcher, tracker, domain) -> EventList:
        text, buttons = intake.confirm_message(
            tracker.get_slot("theme") or labels.OVERIG, tracker.get_slot("question_type") or labels.OVERIG
        )
        if tracker.get_slot("confirm_retry"):
            text = intake.texts()["confirm"]["retry"]
        dispatcher.utter_message(text=text, buttons=buttons, **tag(utterances.QUESTION, "intake_confirmed"))
        return []


class ActionAskIntakeTheme(Action):
    def name(self) -> str:
        return "action_ask_intake_theme"

    def run(self, dispatcher, tracker, domain) -> EventList:
        rejected = bool(tracker.get_slot("theme_needed"))
        text, buttons = intake.theme_message(
            unclear=not rejected, exclude=tracker.get_slot("theme") if rejected else None
        )
        dispatcher.utter_message(text=text, buttons=buttons, **tag(utterances.QUESTION, "intake_theme"))
        return []


class ActionAskCallerRole(Action):
    def name(self) -> str:
        return "action_ask_caller_role"

    def run(self, dispatcher, tracker, domain) -> EventList:
        utter_moving_on(dispatcher, tracker, "caller_role", *intake.role_message())
        return []


class ActionAskSchoolType(Action):
    def name(self) -> str:
        return "action_ask_school_type"

    def run(self, dispatcher, tracker, domain) -> EventList:
        utter_moving_on(dispatcher, tracker, "school_type", *intake.school_message())
        return []


class ActionAskDoorvraag(Action, ABC):
    """Asks doorvraag N: the N-th chosen question, with Ja/Nee/Weet ik niet for yes/no questions.

    Abstract (not registered itself): one subclass per slot is made below.
    """

    slot = ""

    @classmethod
    @abstractmethod
    def number(cls) -> int:
        """1-based position of the slot."""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    def run(self, dispatcher, tracker, domain) -> EventList:
        keys = tracker.get_slot("doorvraag_keys") or []
        number = self.number()
        told_along = [key for key in intake.answers_of(tracker.slots) if key not in keys]
        text, buttons = intake.question_message(
            keys[number - 1],
            number,
            len(keys),
            retry=tracker.get_slot("doorvraag_retry") == self.slot,
            done_before=len(told_along),
            caller_role=tracker.get_slot("caller_role"),
        )
        utter_moving_on(dispatcher, tracker, keys[number - 1], text, buttons)
        return []


# One ask action per doorvraag slot (action_ask_doorvraag_1 ... _6).
for _slot in intake.DOORVRAAG_SLOTS:
    _class = type(
        f"ActionAsk{_slot.title().replace('_', '')}",
        (ActionAskDoorvraag,),
        {"slot": _slot, "number": classmethod(lambda cls: intake.DOORVRAAG_SLOTS.index(cls.slot) + 1)},
    )
    globals()[_class.__name__] = _class
del _slot, _class
