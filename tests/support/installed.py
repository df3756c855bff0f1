"""A questionnaire of the test's own, installed for a session so interviews can run it (as a
supervisor's update bundle installs one): `install(session, path)` returns the loaded form."""

from __future__ import annotations

from pathlib import Path

from idtool.questionnaire.loader import load_form
from idtool.questionnaire.model import Form
from idtool.session import Session


class OneForm:
    """An installed-forms source holding one file."""

    def __init__(self, path: Path) -> None:
        self.file = path
        self.form = load_form(path)

    def listing(self) -> list[tuple[str, str]]:
        return [(self.form.form_id, self.form.version)]

    def path(self, form_id: str, version: str) -> Path | None:
        return self.file if (form_id, version) == self.listing()[0] else None


def install(session: Session, path: Path) -> Form:
    source = OneForm(path)
    session.installed_forms = source
    return source.form


# A screening form with a computed answer (`double`) and a triggered one (`greeting`).
WORKED_OUT = """
form_id: worked-out
version: "1"
kind: screening
default_language: en
languages: [en, ru, ky]
title: {en: Worked out, ru: Вычислено, ky: Эсептелген}
sections:
  - name: one
    label: {en: One, ru: Один, ky: Бир}
    questions:
      - {name: n, type: integer, label: {en: N, ru: N, ky: N}}
      - name: double
        type: integer
        label: {en: Double, ru: Двойное, ky: Эки эселенген}
        calculation: "${n} * 2"
        required: true
        constraint: ". < 100"
      - {name: place, type: text, label: {en: Place, ru: Место, ky: Жер}}
      - name: greeting
        type: text
        label: {en: Greeting, ru: Приветствие, ky: Саламдашуу}
        calculation: "concat('from ', ${place}, ' ', ${n})"
        trigger: "${place}"
"""


def worked_out_form(folder: Path) -> Path:
    path = folder / "worked-out.yaml"
    path.write_text(WORKED_OUT, encoding="utf-8")
    return path
