"""`idtool questionnaire check FILE`: every located error, or a summary of a good form."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from idtool.i18n import _
from idtool.questionnaire.indicator_ids import DIMENSIONS, known_indicator_ids
from idtool.questionnaire.loader import load_form
from idtool.questionnaire.model import Form, Kind
from idtool.questionnaire.problems import FormError


def check_file(path: str | Path) -> tuple[bool, str]:
    """(True, summary and warnings) for a usable form, (False, every problem) otherwise."""
    try:
        form = load_form(path)
    except FormError as error:
        errors = [p for p in error.problems if not p.warning]
        lines = [str(p) for p in error.problems]
        lines.append(
            _("{count} error(s): the questionnaire cannot be used.").format(count=len(errors))
        )
        return False, "\n".join(lines)
    return True, summary(form)


def summary(form: Form) -> str:
    questions = [q for q in form.questions() if q.kind is not Kind.GROUP]
    kinds = Counter(q.kind.value for q in questions)
    covered = form.indicator_ids()
    known = known_indicator_ids()
    lines = [
        _("Form {form_id}, version {version} ({kind})").format(
            form_id=form.form_id, version=form.version, kind=form.kind.value
        ),
        _("Title: {title}").format(title=form.title.get(form.default_language)),
        _("Languages: {languages} (default {default})").format(
            languages=", ".join(form.languages), default=form.default_language
        ),
        _("Sections: {count}").format(count=len(form.sections)),
        _("Questions: {count} ({kinds})").format(
            count=len(questions), kinds=", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
        ),
        _("Indicators covered: {covered} of {known}").format(
            covered=len(covered & known), known=len(known)
        ),
    ]
    for dimension in DIMENSIONS:
        prefix = f"{dimension}."
        mine = sorted(i for i in covered if i.startswith(prefix))
        total = sum(1 for i in known if i.startswith(prefix))
        lines.append(
            f"  {dimension}: {len(mine)}/{total}" + (f"  {' '.join(mine)}" if mine else "")
        )
    lines.extend(str(w) for w in form.warnings)
    lines.append(_("OK: the questionnaire can be used."))
    return "\n".join(lines)
