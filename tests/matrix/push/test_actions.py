"""Actions and tweaks (CS API "Push Rules" > "Actions", "Historical Actions")."""

from closedserver.matrix.push import highlight, notify, sound, strip_legacy_actions, tweaks


def test_notify_action():
    assert notify(["notify"])
    assert not notify([])
    assert not notify([{"set_tweak": "highlight"}])


def test_highlight_without_value_is_true():
    assert highlight(["notify", {"set_tweak": "highlight"}])


def test_highlight_false_and_absent_are_false():
    assert not highlight(["notify", {"set_tweak": "highlight", "value": False}])
    assert not highlight(["notify"])


def test_sound_tweak():
    assert sound(["notify", {"set_tweak": "sound", "value": "ring"}]) == "ring"
    assert sound(["notify"]) is None
    assert sound([{"set_tweak": "sound", "value": 3}]) is None


def test_tweaks_pass_unknown_tweaks_through_and_last_one_wins():
    actions = ["notify", {"set_tweak": "sound", "value": "default"},
               {"set_tweak": "highlight"}, {"set_tweak": "led", "value": "blue"},
               {"set_tweak": "sound", "value": "ring"}]
    assert tweaks(actions) == {"sound": "ring", "highlight": True, "led": "blue"}


def test_legacy_actions_are_stripped():
    assert strip_legacy_actions(["dont_notify"]) == []
    assert strip_legacy_actions(["coalesce", "notify", {"set_tweak": "sound", "value": "x"}]) \
        == ["notify", {"set_tweak": "sound", "value": "x"}]
