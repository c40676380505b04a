"""What the bot says in the intake: its questions with their buttons, as data from dialogue.yml."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot import hours, labels
from bot import question_bank as qb
from bot.dialogue import SAFETY_THEMES, Button, button, texts
from bot.intake_reading import TOPIC_ENTITY


def danger_message(retry: bool) -> tuple[str, list[Button]]:
    spec = texts()["danger"]
    return spec["retry" if retry else "ask"], [button(spec["ja"], "affirm"), button(spec["nee"], "deny")]


def confirm_message(theme: str, question_type: str) -> tuple[str, list[Button]]:
    spec = texts()["confirm"]
    text = spec["text"].format(
        theme=labels.label_text("themes", theme), question_type=labels.label_text("question_types", question_type)
    )
    buttons = [button(spec["ja"], "affirm"), button(spec["other_theme"], "deny")]
    for alternative in spec["type_alternatives"].get(question_type, ()):
        buttons.append(
            button(
                spec["other_type"].format(label=spec["type_labels"][alternative]), "inform", question_type=alternative
            )
        )
    return text, buttons


def theme_buttons(exclude: str | None = None) -> list[Button]:
    titles = texts()["theme"]["buttons"]
    return [button(title, "inform", theme=code) for code, title in titles.items() if code != exclude]


def theme_message(unclear: bool, exclude: str | None = None) -> tuple[str, list[Button]]:
    spec = texts()["theme"]
    return spec["unclear" if unclear else "text"], theme_buttons(exclude)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def with_implicit_confirmation(text: str, buttons: list[Button], theme: str) -> tuple[str, list[Button]]:
    """The question that moves on, opened with what the bot understood and a button to correct it."""
    spec = texts()["confirm"]
    line = spec["implicit"].format(theme=labels.label_text("themes", theme))
    return f"{line} {text}", buttons + [button(spec["implicit_button"], "deny", **{TOPIC_ENTITY: "anders"})]


def role_message() -> tuple[str, list[Button]]:
    spec = texts()["role"]
    buttons = [
        button(_cap(labels.label_text("caller_roles", code)), "inform", caller_role=code)
        for code in labels.caller_roles()
    ]
    return spec["text"], buttons + [button(spec["skip"], "dont_know")]


def school_message() -> tuple[str, list[Button]]:
    spec = texts()["school"]
    buttons = [
        button(_cap(labels.label_text("school_types", code)), "inform", school_type=code)
        for code in labels.school_types()
    ]
    return spec["text"], buttons + [button(spec["skip"], "dont_know")]


def question_message(
    key: str, number: int, total: int, retry: bool, done_before: int = 0, caller_role: str | None = None
) -> tuple[str, list[Button]]:
    """Doorvraag `number` of the `total` still chosen. `done_before`: questions answered along the way
    and so no longer chosen; the counter counts them as done ("Vraag 2 van 6", then "Vraag 4 van 6"),
    never a total that shrinks under the user's eyes."""
    spec = texts()["doorvragen"]
    question = qb.bank()[key]
    progress = spec["progress"].format(number=number + done_before, total=total + done_before)
    text = progress + question.text_for(caller_role)
    if retry:
        # An open question asked again wants a few words; a yes/no question a yes, a no or "weet ik niet".
        text = spec["retry_open" if question.kind == "text" else "retry"] + text
    elif number == 1:
        text = spec["intro"] + "\n\n" + text
    buttons: list[Button] = []
    if question.kind == "yes_no":
        titles = spec["buttons"]
        buttons = [
            button(titles["ja"], "affirm"),
            button(titles["nee"], "deny"),
            button(titles["weet_niet"], "dont_know"),
        ]
    return text, buttons


def fallback_buttons(ranking: Sequence[Mapping[str, Any]]) -> list[Button]:
    """A button per likeliest theme, each sending that theme's best-ranked question intent."""
    best: dict[str, str] = {}
    for item in sorted(ranking, key=lambda r: -float(r.get("confidence") or 0.0)):
        question = labels.labels_of_intent(str(item.get("name")))
        if question and question.theme in SAFETY_THEMES and question.theme not in best:
            best[question.theme] = str(item["name"])
    titles = texts()["theme"]["buttons"]
    limit = texts()["fallback"]["max_themes"]
    return [button(titles[theme], intent) for theme, intent in list(best.items())[:limit]]


def meta_reply(kind: str) -> str:
    return texts()["meta"]["replies"][kind].format(helpdesk=qb.helpdesk_phone(), hours=hours.opening_hours_text())
