"""Load a questionnaire from YAML or an XLSForm workbook, checking everything at once.

`load_form` raises only `FormError`, whose `problems` name the file, the place in it, the
question and the column of each error; warnings (what is ignored) travel on `Form.warnings`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from idtool.i18n import _
from idtool.questionnaire.build import Builder
from idtool.questionnaire.form_checks import check_form
from idtool.questionnaire.model import Form
from idtool.questionnaire.problems import FormError, Problems
from idtool.questionnaire.raw import RawForm
from idtool.questionnaire.tables import read_tables, table_names
from idtool.questionnaire.xlsx_reader import read_xlsx
from idtool.questionnaire.yaml_reader import read_yaml

YAML_SUFFIXES = (".yaml", ".yml")
XLSX_SUFFIXES = (".xlsx",)


def load_form(path: str | Path) -> Form:
    """Read, build and check a questionnaire; FormError lists every error found."""
    path = Path(path)
    problems = Problems(str(path))
    suffix = path.suffix.lower()
    raw: RawForm | None
    if suffix in YAML_SUFFIXES:
        raw = read_yaml(path, problems)
    elif suffix in XLSX_SUFFIXES:
        raw = read_xlsx(path, problems)
    else:
        problems.error(
            "",
            _("Unknown file type {suffix}: use .yaml, .yml or .xlsx").format(suffix=suffix or "-"),
        )
        raw = None
    if raw is None:
        raise FormError(problems.found)
    builder = Builder(raw, problems, str(path))
    form = builder.form()
    check_form(form, problems, builder.ignored, builder.names.ambiguous, builder.lenient)
    problems.raise_if_errors()
    names = table_names(form.expressions())
    tables = read_tables(path.parent, names, problems) if names else ()
    return replace(form, warnings=tuple(problems.warnings()), tables=tables)
