"""Who the person is: asked only when a document needs it.

A case can be opened without a name. The person is then known by a working name: what the
officer typed ("the woman from the bus station"), or "Person N" from the case number. It is
shown marked as a working name everywhere (`shown_name`) and is never the person's name: it
is not printed on a certificate or sent in a referral, and it never enters the identity key,
so two nameless persons are never taken for one.

What a document needs (`NEEDS`):

- a certificate: the full name and the date of birth. The certificate states them, and one
  certificate per person is decided by them (`names.holder_key`).
- a referral to an organisation that may receive identifying data: the full name. The date of
  birth and a document number go with it when known and are never required: a victim's
  documents are often held by the exploiter (replacing them is itself a referral), and a child
  or a person who does not know their date of birth must still be referred at once. An
  organisation that receives no identifying data needs no name.

`missing` names what is missing; `IdentityMissing`, an InvalidInput, names it in its message
(field names only, never a value), so the officer can be offered the person's details to fill.
"""

from __future__ import annotations

from enum import StrEnum

from idtool.cases import Person
from idtool.errors import InvalidInput
from idtool.i18n import N_, _, gettext


class Need(StrEnum):
    CERTIFICATE = "certificate"
    REFERRAL = "referral"


NEEDS: dict[Need, tuple[str, ...]] = {
    Need.CERTIFICATE: ("full_name", "birth_date"),
    Need.REFERRAL: ("full_name",),
}
FIELD_LABELS = {
    "full_name": N_("full name"),
    "birth_date": N_("date of birth"),
    "document_number": N_("document number"),
}


class IdentityMissing(InvalidInput):
    """A document needs details of the person that are not recorded (`missing`: columns of
    `cases.PERSON_COLUMNS`)."""

    def __init__(self, need: Need, missing: tuple[str, ...]) -> None:
        fields = ", ".join(gettext(FIELD_LABELS[f]) for f in missing)
        if need is Need.CERTIFICATE:
            text = _("The certificate needs the person's {fields}. Fill in the person's details.")
        else:
            text = _(
                "A referral to this organisation needs the person's {fields}. "
                "Fill in the person's details."
            )
        super().__init__(text.format(fields=fields))
        self.need = need
        self.missing = missing


def missing(person: Person, need: Need) -> tuple[str, ...]:
    """The details `need` asks for that the person's record lacks (a working name is not a
    name)."""
    return tuple(f for f in NEEDS[need] if not str(getattr(person, f)).strip())


def require(person: Person, need: Need) -> None:
    """IdentityMissing naming what is missing, if anything is."""
    lacking = missing(person, need)
    if lacking:
        raise IdentityMissing(need, lacking)


def refusal(person: Person, need: Need) -> str:
    """`require`'s message, or "" when nothing is missing."""
    try:
        require(person, need)
    except IdentityMissing as refused:
        return refused.message
    return ""


def working_name(person: Person, case_number: str, lang: str | None = None) -> str:
    """The working name: the one typed, else "Person N" from the case's running number."""
    if person.working_name:
        return person.working_name
    tail = case_number.rsplit("-", 1)[-1]
    return gettext(N_("Person {number}"), lang).format(
        number=int(tail) if tail.isdigit() else case_number
    )


def shown_name(person: Person, case_number: str, lang: str | None = None) -> str:
    """The person's name, or the working name marked as such."""
    if person.full_name:
        return person.full_name
    return gettext(N_("{name} (working name)"), lang).format(
        name=working_name(person, case_number, lang)
    )
