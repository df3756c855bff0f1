"""Passphrase strength (issue 12, part 8): weak passphrases are refused wherever one is set,
with advice of our own in ky, ru and en."""

from __future__ import annotations

import pytest

from idtool import officers, passphrase
from idtool.errors import InvalidInput
from idtool.i18n import catalog, language
from idtool.vault import Vault
from tests.conftest import POLICE, SUPERVISOR, SUPERVISOR_PASS

STRONG = "сары-жылкы-тоодо-чабат"
WEAK = ["12345678", "password1", "qwertyuiop", "пароль123", "йцукенгшщз", "aaaaaaaaaaaa"]


def test_12345678_is_refused_at_set_up(vault):
    """Attack: the first supervisor's passphrase guessed in a handful of tries."""
    with pytest.raises(InvalidInput) as err:
        vault.create(SUPERVISOR, "supervisor", "12345678")
    assert "too easy to guess" in str(err.value)
    assert not vault.exists()


@pytest.mark.parametrize("weak", WEAK)
def test_common_passwords_are_refused_with_advice(weak):
    strength = passphrase.estimate(weak)
    assert not strength.acceptable
    assert strength.score < passphrase.MIN_SCORE
    assert len(strength.advice) >= 3  # what is wrong, why, and what to do instead
    with pytest.raises(InvalidInput):
        passphrase.check(weak)


@pytest.mark.parametrize(
    "weak", ["Бакыт Садыров2026", "садыров123", "Sadyrov1984", "bakyt-sadyrov"]
)
def test_the_officers_own_name_is_weak(weak):
    strength = passphrase.estimate(weak, [POLICE])
    assert not strength.acceptable
    assert "Do not use your own name." in strength.advice


def test_a_short_passphrase_says_how_long_it_must_be():
    strength = passphrase.estimate("x7#Lq9!")
    assert not strength.acceptable
    assert strength.advice[0] == "The passphrase must have at least 8 characters."


@pytest.mark.parametrize(
    "strong", [STRONG, "correct horse battery staple", "тоо-суу-2026", "Kara-Balta 7 kitep jyldyz"]
)
def test_strong_passphrases_are_accepted(strong):
    strength = passphrase.estimate(strong, [POLICE, SUPERVISOR])
    assert strength.acceptable
    assert strength.advice == ()
    passphrase.check(strong, [POLICE])


def test_a_very_long_passphrase_is_judged_quickly_and_accepted():
    passphrase.check("жылдыз " * 200)  # zxcvbn alone refuses more than 72 characters


def test_weak_passphrases_are_refused_everywhere_one_is_set(made_vault):
    vault, code = made_vault
    with vault.unlock(SUPERVISOR, SUPERVISOR_PASS) as session:
        with pytest.raises(InvalidInput, match="own name"):
            officers.add_officer(session, POLICE, "police", "Садыров2024")
        with pytest.raises(InvalidInput):
            officers.change_passphrase(session, SUPERVISOR_PASS, "password1")
    with pytest.raises(InvalidInput, match="own name"):
        vault.reset_passphrase(code, SUPERVISOR, "Айгүл-Өмүрбекова-1")
    # Nothing changed: the old passphrase still opens, and the recovery code still works.
    vault.unlock(SUPERVISOR, SUPERVISOR_PASS).close()
    vault.reset_passphrase(code, SUPERVISOR, STRONG)
    vault.unlock(SUPERVISOR, STRONG).close()


@pytest.mark.parametrize("lang", ["ky", "ru"])
def test_every_piece_of_advice_is_translated(lang):
    texts = [
        *passphrase._ADVICE.values(),
        "This passphrase is too easy to guess.",
        "The passphrase must have at least {count} characters.",
        "Use three or four words that do not belong together; digits, symbols and "
        "capital letters are not needed.",
    ]
    translated = catalog(lang)
    for text in texts:
        assert translated.get(text, text) != text, text


@pytest.mark.parametrize("lang", ["ky", "ru", "en"])
def test_the_refusal_is_in_the_officers_language(lang, data_dir):
    with language(lang), pytest.raises(InvalidInput) as err:
        Vault(data_dir).create(SUPERVISOR, "supervisor", "password1")
    message = str(err.value)
    if lang == "en":
        assert "most common passwords" in message
    else:
        assert "most common passwords" not in message
        assert any("а" <= ch <= "я" for ch in message.lower())
