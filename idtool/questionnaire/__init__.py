"""Questionnaires: XLSForm-style forms (YAML or .xlsx), their expressions and the interview flow.

`loader.load_form(path)` reads and checks a form (raising only `problems.FormError`);
`flow.Flow(form, answers, lang)` answers what is relevant, valid and next, with no widgets;
`registry` finds the shipped forms; `check.check_file` backs `idtool questionnaire check`.
This package never imports Qt.
"""
