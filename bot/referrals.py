"""The urgent referral message, composed from bot/knowledge/referrals.yml.

domain.md §4: the referral in the first line, short and calm, at most one check question, no names
asked; the services fit the kind of danger and the person (De Kindertelefoon only for a pupil).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from bot import knowledge
from bot.nlp.cues import cue_counts, normalise

GENERAL = "algemeen"


def _spec() -> Mapping[str, Any]:
    return knowledge.load("referrals")


def _category(category: str | None) -> Mapping[str, Any]:
    categories = _spec()["categories"]
    return categories.get(category or GENERAL) or categories[GENERAL]


def known(category: str | None) -> str:
    """The category itself when referrals.yml knows it, else the general one."""
    return category if category is not None and category in _spec()["categories"] else GENERAL


def writes_as_pupil(caller_role: str | None, text: str) -> bool:
    """A pupil writing about themselves: said so, or writes like a child about their own life."""
    if caller_role is not None:
        return caller_role == "leerling"
    return cue_counts(text or "")["first_person_minor"] > 0


def says_adult(text: str) -> bool:
    """A student writing that they are 18 or older ("ik ben 19, dus geen kind meer"): no children's line."""
    norm = normalise(text or "")
    return any(re.search(pattern, norm) for pattern in _spec().get("adult_student_words", ()))


ADULT, AGE_UNKNOWN, MINOR = "volwassen", "onbekend", "minderjarig"


def pupil_age(text: str, school: str | None) -> str:
    """Whether a pupil writing about themselves is an adult (said so), may be one (an mbo student who did
    not say), or is taken to be a child: which of the children's lines fit them."""
    if says_adult(text):
        return ADULT
    return AGE_UNKNOWN if school in _spec().get("adult_possible_schools", ()) else MINOR


def is_own_case(category: str | None) -> bool:
    """A danger of this category is a case of its own kind, not the next step of the case told before."""
    return bool(_category(category).get("own_case"))


def describe(category: str | None, services: Sequence[str] | None = ()) -> str:
    """For staff: the kind of danger and the services the bot named ("gedachten aan zelfdoding; verwezen
    naar ..."); with none named yet (only the check question was asked, or a contact from before 0008), the
    kind alone."""
    label = str(_category(category)["label"])
    known = _spec()["services"]
    names = ", ".join(known[key]["name"] for key in services or () if key in known)
    return f"{label}; verwezen naar {names}" if names else label


def _own_services(category: str | None, told: str) -> list[str]:
    """The category's services, or those of the first of its situations that `told` (what the user typed)
    matches: a nude image calls for helpwanted.nl before the numbers for abuse."""
    spec = _category(category)
    norm = normalise(told) if told else ""
    for situation in spec.get("situations", ()):
        if norm and any(re.search(pattern, norm) for pattern in situation["words"]):
            return list(situation["services"])
    return list(spec["services"])


def services_for(category: str | None, pupil: bool = False, age: str = MINOR, told: str = "") -> list[str]:
    """The services of this danger, most urgent first. A child gets the children's services first; a
    student who may be an adult gets them after the danger's own (said for those under 18); an adult
    student does not get them."""
    services = _own_services(category, told)
    if not pupil or age == ADULT:
        return services
    children = list(_spec()["pupil_services"])
    if age == AGE_UNKNOWN:
        return [*services[:1], *(s for s in children if s not in services), *services[1:]]
    return [*children, *(s for s in services if s not in children)]


def check_question(category: str | None, pupil: bool = False) -> str:
    return _spec()["pupil_check"] if pupil else _category(category)["check"]


def first_service(category: str | None, pupil: bool = False, age: str = MINOR, told: str = "") -> str:
    """The one most urgent service's line, for a short reminder."""
    return _service_text(services_for(category, pupil, age, told)[0], pupil, age)


def childrens_service(age: str = MINOR) -> str:
    """The children's service's line for a pupil with no danger told (for a student of unknown age, said
    for those under 18)."""
    return _service_text(_spec()["pupil_services"][0], True, age)


def pupil_services_line(category: str | None, count: int = 2, told: str = "") -> str:
    """The first services a pupil can turn to for this danger, for a pupil who was referred as an adult."""
    return " ".join(_service_text(key, True) for key in services_for(category, True, told=told)[:count])


def _service_text(key: str, pupil: bool, age: str = MINOR) -> str:
    """A service's line: to a pupil its pupil's line; a children's service to a student who may be an
    adult, for those under 18 (`age_unknown_text`)."""
    service = _spec()["services"][key]
    if pupil and age == AGE_UNKNOWN and service.get("age_unknown_text"):
        return str(service["age_unknown_text"])
    return str(service.get("pupil_text") if pupil and service.get("pupil_text") else service["text"])


def referral_lines(
    category: str | None, pupil: bool = False, age: str = MINOR, school: str | None = None, told: str = ""
) -> list[str]:
    """The lines of the referral: the most urgent service first, in the first line."""
    spec = _spec()
    first, *rest = services_for(category, pupil, age, told)
    lines = [f"{spec['opening']} {_service_text(first, pupil, age)}"]
    lines += [_service_text(key, pupil, age) for key in rest]
    lines += [check_question(category, pupil), closing_line(pupil, school)]
    return lines


def closing_line(pupil: bool, school: str | None = None) -> str:
    """The referral's last line: to a pupil, the people at their kind of school they can talk to."""
    spec = _spec()
    if not pupil:
        return str(spec["afterwards"])
    by_school = spec["pupil_afterwards"]
    return str(by_school.get(school) or by_school[None])


def referral_message(
    category: str | None, pupil: bool = False, age: str = MINOR, school: str | None = None, told: str = ""
) -> str:
    return "\n".join(referral_lines(category, pupil, age, school, told))


def again_message(
    category: str | None,
    referred: str | None,
    pupil: bool = False,
    age: str = MINOR,
    school: str | None = None,
    told: str = "",
) -> str:
    """More danger told right after a referral: a calm reminder, or the referral when it is a new kind.

    Repeating the whole referral at every message reads as a loop; when the first service for what is
    told now was in the referral just given, its line alone is enough.
    """
    if _new_kind(category, referred, pupil, age, told):
        return referral_message(category, pupil, age, school, told)
    first = services_for(category, pupil, age, told)[0]
    return " ".join((_spec()["again"], _service_text(first, pupil, age), closing_line(pupil, school)))


def again_services(
    category: str | None, referred: str | None, pupil: bool = False, age: str = MINOR, told: str = ""
) -> list[str]:
    """The services `again_message` names: the new kind's whole referral, or its first one as a reminder."""
    services = services_for(category, pupil, age, told)
    return services if _new_kind(category, referred, pupil, age, told) else services[:1]


def _new_kind(category: str | None, referred: str | None, pupil: bool, age: str, told: str) -> bool:
    """The first service for what is told now was not in the referral just given."""
    return services_for(category, pupil, age, told)[0] not in services_for(referred, pupil, age, told)
