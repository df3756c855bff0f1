"""Which language the command line speaks: --lang > settings > the user's locale > default."""

from __future__ import annotations

import pytest

from idtool import settings
from idtool.cli import message_language
from idtool.i18n import DEFAULT_LANGUAGE, language_from_environment


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, None),
        ({"LANG": "ru_RU.UTF-8"}, "ru"),
        ({"LANG": "ky_KG.UTF-8"}, "ky"),
        ({"LANG": "ky_KG"}, "ky"),
        ({"LANG": "en_US.UTF-8@euro"}, "en"),
        ({"LANG": "ky"}, "ky"),
        ({"LANG": "C.UTF-8"}, None),
        ({"LANG": "POSIX"}, None),
        ({"LANG": "de_DE.UTF-8"}, None),
        ({"LANG": ""}, None),
        ({"LANG": "ky_KG.UTF-8", "LC_MESSAGES": "ru_RU.UTF-8"}, "ru"),
        ({"LANG": "ky_KG.UTF-8", "LC_MESSAGES": "ru_RU.UTF-8", "LC_ALL": "en_GB.UTF-8"}, "en"),
        ({"LANG": "ky_KG.UTF-8", "LC_ALL": ""}, "ky"),  # set but empty: the next one
        ({"LANG": "ru_RU.UTF-8", "LC_ALL": "C"}, None),  # "C" asks for no translation
        ({"LANG": "ru_RU.UTF-8", "LANGUAGE": "de:ky:ru"}, "ky"),  # gettext's list
        ({"LANG": "ru_RU.UTF-8", "LANGUAGE": "de"}, None),
    ],
)
def test_language_from_the_locale_variables(environ: dict[str, str], expected: str | None):
    assert language_from_environment(environ) == expected


def test_precedence_lang_then_settings_then_environment_then_default():
    ky = {"LANG": "ky_KG.UTF-8"}
    assert message_language(["case", "list"], {}) == DEFAULT_LANGUAGE
    assert message_language(["case", "list"], ky) == "ky"
    settings.save(settings.Settings(language="en"))
    assert message_language(["case", "list"], ky) == "en"
    assert message_language(["--lang", "ru", "case", "list"], ky) == "ru"
    assert message_language(["--data", "d", "--lang=ru", "case", "list"], ky) == "ru"


def test_a_commands_own_lang_is_not_the_messages_language():
    """`certificate issue --lang ru` and `interview start --lang ky` choose the document's or
    the interview's language; the messages stay in the user's."""
    argv = ["--data", "--lang", "interview", "start", "X", "--lang", "ky"]  # a folder so named
    assert message_language(argv, {"LANG": "en_US.UTF-8"}) == "en"
    argv = ["--officer", "O", "certificate", "issue", "X", "--lang", "ru"]
    assert message_language(argv, {"LANG": "en_US.UTF-8"}) == "en"


def test_a_broken_or_foreign_settings_language_is_no_choice(tmp_path, monkeypatch):
    path = settings.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    for text in ("{broken", '{"language": "de"}', '["ky"]', '{"lock_minutes": 5}'):
        path.write_text(text, "utf-8")
        assert settings.chosen_language() is None
        assert message_language([], {"LANG": "ky_KG.UTF-8"}) == "ky"
    path.write_text('{"language": "ru"}', "utf-8")
    assert settings.chosen_language() == "ru"
