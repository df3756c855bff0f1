"""Every user-visible string is translated into ky, ru and en, with the same placeholders."""

from __future__ import annotations

import re
import string
import sys
from pathlib import Path

import pytest

from idtool import i18n

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import i18n as catalogs  # noqa: E402  (scripts/i18n.py)

_FIELD = re.compile(r"\{([^{}]*)\}")


def fields(text: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


@pytest.fixture(scope="module")
def source_messages() -> list[str]:
    return [m.id for m in catalogs.extracted() if m.id]


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_message_is_translated(source_messages, lang):
    table = i18n.catalog(lang)
    missing = [m for m in source_messages if m not in table]
    assert not missing, f"{lang}: {len(missing)} untranslated, e.g. {missing[:3]}"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_placeholders_match_the_source(lang):
    table = i18n.catalog(lang)
    bad = [(msgid, text) for msgid, text in table.items() if fields(msgid) != fields(text)]
    assert not bad, f"{lang}: placeholders differ: {bad[:3]}"


def test_fuzzy_entries_are_not_used(tmp_path, monkeypatch):
    po = tmp_path / "ru" / "LC_MESSAGES" / "idtool.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#, fuzzy\nmsgid "Close"\nmsgstr "Неправильно"\n\n'
        'msgid "Open"\nmsgstr "Открыть"\n',
        "utf-8",
    )
    monkeypatch.setattr(i18n, "locale_dir", lambda: tmp_path)
    i18n.catalog.cache_clear()
    try:
        assert i18n.gettext("Close", "ru") == "Close"
        assert i18n.gettext("Open", "ru") == "Открыть"
    finally:
        i18n.catalog.cache_clear()


def test_kyrgyz_catalog_uses_kyrgyz_letters():
    text = " ".join(i18n.catalog("ky").values())
    for letter in "өүң":
        assert letter in text


def test_language_context_is_per_block():
    i18n.set_language("en")
    with i18n.language("ru"):
        assert i18n._("Close") == "Закрыть"
        with i18n.language("ky"):
            assert i18n._("Close") == "Жабуу"
    assert i18n._("Close") == "Close"
    i18n.set_language(i18n.DEFAULT_LANGUAGE)
