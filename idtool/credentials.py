"""What an officer's name, passphrase and role must be, checked before a data folder or an
officer is created and when a passphrase changes. The name, strength and role checks are
imported when they run, so showing the unlock window does not wait for them (start-up benchmark)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from idtool.errors import InvalidInput
from idtool.i18n import _

if TYPE_CHECKING:
    from idtool import policy

MAX_NAME = 100


def validate_name(name: str) -> str:
    """An officer's name as stored (names.clean_name: no control, text-direction or invisible
    characters; NFKC, whitespace collapsed), of 1 to MAX_NAME characters."""
    from idtool import names

    length = _("Enter an officer name of 1 to 100 characters.")
    cleaned = names.clean_name(name, limit=MAX_NAME, too_long=length)
    if not cleaned:
        raise InvalidInput(length)
    return cleaned


def validate_passphrase(passphrase: str, officer_name: str = "") -> None:
    """InvalidInput with translated advice unless the passphrase is hard to guess (for an
    officer of this name: the name itself is something an attacker tries)."""
    from idtool import passphrase as strength

    strength.check(passphrase, [officer_name] if officer_name else [])


def validate_role(role: str) -> policy.Role:
    from idtool import policy

    try:
        return policy.Role(role)
    except ValueError:
        raise InvalidInput(
            _("Unknown role {role}; choose one of: {roles}.").format(
                role=role, roles=", ".join(r.value for r in policy.Role)
            )
        ) from None
