import pytest

from bot import knowledge, referrals


@pytest.mark.parametrize("category,first_number", [
    ("acuut_gevaar", "112"),
    ("zelfdoding", "113"),
    ("kindermishandeling", "0800-2000"),
    ("seksueel_misbruik", "112"),
    ("vermissing", "112"),
    ("algemeen", "112"),
])
def test_the_urgent_number_comes_first_in_the_first_line(category, first_number):
    lines = referrals.referral_lines(category)
    assert lines[0].startswith(knowledge.load("referrals")["opening"])
    assert f"**{first_number}" in lines[0] or f"{first_number}**" in lines[0]


@pytest.mark.parametrize("category", ["acuut_gevaar", "zelfdoding", "kindermishandeling", "seksueel_misbruik",
                                      "vermissing", "algemeen"])
def test_adults_never_get_the_kindertelefoon_nor_a_question_whether_they_are_a_child(category):
    message = referrals.referral_message(category)
    assert "Kindertelefoon" not in message and "zelf een kind" not in message


@pytest.mark.parametrize("category, also", [("zelfdoding", "113"), ("kindermishandeling", "0800-2000"),
                                            ("acuut_gevaar", "112")])
def test_a_pupil_gets_the_kindertelefoon_first_and_the_service_of_the_category(category, also):
    lines = referrals.referral_lines(category, pupil=True)
    assert "0800-0432" in lines[0] and any(also in line for line in lines[1:])
    assert referrals.check_question(category, pupil=True) in lines
    assert lines[-1] == knowledge.load("referrals")["pupil_afterwards"][None]       # no school intake
    assert "een kind thuis" not in " ".join(lines)                                  # spoken to, not about


def test_staff_read_the_kind_of_danger_and_the_services_named():
    named = referrals.services_for("zelfdoding")
    assert referrals.describe("zelfdoding", named) == (
        "gedachten aan zelfdoding; verwezen naar 113 Zelfmoordpreventie, Alarmnummer")


def test_staff_read_the_kind_alone_while_no_service_was_named():
    # Only the check question was asked: nobody was referred yet, and the console must not say so.
    assert referrals.describe("zelfdoding") == "gedachten aan zelfdoding"


def test_unknown_category_falls_back_to_the_general_referral():
    assert referrals.referral_lines("onbekend") == referrals.referral_lines("algemeen")


def test_every_category_names_existing_services():
    data = knowledge.load("referrals")
    for spec in data["categories"].values():
        assert spec["services"], spec
        for service in spec["services"]:
            assert service in data["services"]


def test_the_referral_asks_one_check_question_of_its_category():
    for category, spec in knowledge.load("referrals")["categories"].items():
        lines = referrals.referral_lines(category)
        questions = [line for line in lines if line.endswith("?") and "**" not in line]
        assert questions == [spec["check"]], category


def test_knowledge_is_read_only():
    data = knowledge.load("referrals")
    with pytest.raises(TypeError):
        data["services"]["alarm"] = {}


@pytest.mark.parametrize("category", ["zelfdoding", "kindermishandeling", "acuut_gevaar"])
def test_a_student_who_may_be_an_adult_gets_the_dangers_own_service_first_and_the_childrens_for_under_18s(category):
    spec = knowledge.load("referrals")
    lines = referrals.referral_lines(category, pupil=True, age=referrals.AGE_UNKNOWN)
    own_first = spec["services"][spec["categories"][category]["services"][0]]
    assert own_first.get("pupil_text", own_first["text"]) in lines[0]
    assert spec["services"]["kindertelefoon"]["age_unknown_text"] in lines
    assert spec["services"]["kindertelefoon"]["text"] not in " ".join(lines)
    adult = referrals.referral_message(category, pupil=True, age=referrals.ADULT, school="mbo")
    assert "0800-0432" not in adult and spec["pupil_afterwards"]["mbo"] in adult


@pytest.mark.parametrize("school, person", [("po", "juf of meester"), ("vo", "mentor"), ("mbo", "studieloopbaanbegeleider"),
                                            (None, "juf of meester")])
def test_a_pupil_is_pointed_to_the_people_of_their_kind_of_school(school, person):
    closing = referrals.referral_lines("zelfdoding", pupil=True, school=school)[-1]
    assert person in closing
    assert school not in ("vo", "mbo") or "juf" not in closing


@pytest.mark.parametrize("text, school, age", [
    ("ik ben 19 dus geen kind meer", "mbo", referrals.ADULT),
    ("mijn stagebegeleider maakt opmerkingen", "mbo", referrals.AGE_UNKNOWN),
    ("ik word gepest in de klas", "vo", referrals.MINOR),
    ("ik word gepest in de klas", None, referrals.MINOR),
])
def test_a_pupils_age_from_what_they_said_and_their_school(text, school, age):
    assert referrals.pupil_age(text, school) == age


SEXTORTION = "Een leerling van 14 wordt afgeperst: iemand dreigt zijn naaktfoto's te verspreiden als hij niet betaalt."


def test_nude_images_or_sextortion_get_helpwanted_first_and_112_not_four_numbers():
    spec = knowledge.load("referrals")["services"]
    lines = referrals.referral_lines("seksueel_misbruik", told=SEXTORTION)
    assert lines[0] == f"{knowledge.load('referrals')['opening']} {spec['helpwanted']['text']}"
    assert spec["alarm"]["text"] in lines
    message = "\n".join(lines)
    assert "0800-2000" not in message and "0900-111 3 111" not in message      # not the numbers for abuse
    named = referrals.services_for("seksueel_misbruik", told=SEXTORTION)
    assert referrals.describe("seksueel_misbruik", named).endswith("verwezen naar Helpwanted, Alarmnummer")


def test_an_image_told_after_the_first_referral_brings_helpwanted_in_the_reminder():
    first = "Een leerling uit 4 vwo kwam net na de les naar me toe, ze was helemaal overstuur."
    told = first + " Hij dreigt de foto naar haar klas te sturen als ze hem niet meer foto's stuurt."
    again = referrals.again_message("seksueel_misbruik", "seksueel_misbruik", told=told)
    assert "helpwanted.nl" in again and "0800-2000" not in again


@pytest.mark.parametrize("told", ["", "de gymleraar heeft een leerling uit 3 havo aangeraakt, ze is nu bij mij",
                                  "de buurman zit aan haar, ze durft niet naar huis"])
def test_sexual_abuse_without_images_keeps_112_first_and_the_vertrouwensinspecteur(told):
    lines = referrals.referral_lines("seksueel_misbruik", told=told)
    assert "**112**" in lines[0] and "helpwanted" not in "\n".join(lines)
    assert any("0900-111 3 111" in line for line in lines)


def test_a_pupil_with_a_nude_image_gets_the_kindertelefoon_then_helpwanted_spoken_to():
    spec = knowledge.load("referrals")["services"]
    lines = referrals.referral_lines("seksueel_misbruik", pupil=True, told="ik ben 13 en iemand heeft mijn naaktfoto")
    assert "0800-0432" in lines[0]
    assert lines[1] == spec["helpwanted"]["pupil_text"]
    assert "minderjarige" not in "\n".join(lines)                                 # spoken to, not about


def test_a_situation_word_elsewhere_in_another_category_changes_nothing():
    assert referrals.referral_lines("acuut_gevaar", told=SEXTORTION) == referrals.referral_lines("acuut_gevaar")


def test_every_situation_names_existing_services_and_valid_patterns():
    import re

    data = knowledge.load("referrals")
    for spec in data["categories"].values():
        for situation in spec.get("situations", ()):
            assert situation["services"] and set(situation["services"]) <= set(data["services"]), situation
            for pattern in situation["words"]:
                re.compile(pattern)


def test_the_services_named_again_are_the_reminder_or_a_new_kinds_whole_referral():
    first = "Een leerling uit 4 vwo kwam net na de les naar me toe, ze was helemaal overstuur."
    told = first + " Hij dreigt de foto naar haar klas te sturen als ze hem niet meer foto's stuurt."
    assert referrals.again_services("seksueel_misbruik", "seksueel_misbruik", told=told) == ["helpwanted"]
    assert referrals.again_services("zelfdoding", "zelfdoding") == ["zelfmoordpreventie"]
    # Suicidal words after a referral for abuse at home: a new kind, its whole referral, as the message says.
    assert referrals.again_services("zelfdoding", "kindermishandeling") == referrals.services_for("zelfdoding")
    again = referrals.again_message("zelfdoding", "kindermishandeling")
    assert again == referrals.referral_message("zelfdoding")
