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
def test_the_urgent_number_comes_first(category, first_number):
    lines = referrals.referral_lines(category)
    assert lines[0] == referrals.OPENING
    assert first_number in lines[1]


def test_unknown_category_falls_back_to_the_general_referral():
    assert referrals.referral_lines("onbekend") == referrals.referral_lines("algemeen")


def test_every_category_names_existing_services():
    data = knowledge.load("referrals")
    for spec in data["categories"].values():
        assert spec["services"], spec
        for service in spec["services"]:
            assert service in data["services"]


def test_the_referral_asks_one_safety_question_and_does_not_say_wait():
    message = referrals.referral_message("zelfdoding")
    assert message.count("?") >= 1
    assert "Ben je nu zelf veilig?" in message
    assert "Wacht niet op de helpdesk" in message


def test_knowledge_is_read_only():
    data = knowledge.load("referrals")
    with pytest.raises(TypeError):
        data["services"]["alarm"] = {}
