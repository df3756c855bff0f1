"""Fuzz target for questionnaire YAML files, through `load_form`; the form generator and the
interview-engine check it shares with the XLSForm target (fuzz_xlsx.py).

`load_form` raises only FormError (idtool/questionnaire/loader.py). Cases: byte mutations of the
test and broken fixtures; YAML-aware line mutations; generated forms of the right shape with
random wrong types, missing keys, duplicate names, reference cycles, deep groups and (rarely)
YAML aliases that share one group many times over.

A form that loads is also run through the interview engine (`Flow`) with random answers: a
form the loader accepts must never crash the interview.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from pathlib import Path
from typing import Any

import yaml

from reliability.common import ROOT
from reliability.fuzz import Case, Verdict, where
from reliability.fuzz_expr import grammar
from reliability.fuzz_mutate import mutate, mutate_text

FORMS = ROOT / "tests" / "fixtures" / "forms"
TYPES = (
    "text",
    "integer",
    "decimal",
    "date",
    "select_one yes_no",
    "select_multiple colours",
    "select_one cities",
    "note",
    "calculate",
    "group",
    "repeat",
)
ODD_TYPES = (
    "string",
    "int",
    "select1 yes_no",
    "select_one",
    "select_one missing_list",
    "geopoint",
    "image",
    "begin_repeat",
    "range",
    "bogus",
    "",
    "SELECT_ONE yes_no",
    "select_one  yes_no",
    "select_multiple",
    "select_one yes_no extra",
    "end group",
)
WRONG: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    -1,
    2**70,
    1.5,
    "",
    "x" * 2000,
    [],
    {},
    [[]],
    {"en": None},
    ["a", {"b": []}],
    "${",
    "ө" * 50,
    "\u202e",
    "\x00",
)
SPECIAL_SCALARS = (
    "~",
    "null",
    "!!binary aGVsbG8=",
    "!!timestamp 2001-12-14",
    "2001-12-14",
    "!!python/object:os.system",
    "&a x",
    "*a",
    "*undefined",
    "[]",
    "{}",
    "!!set {a, b}",
    "? [a]",
    ".inf",
    "-.nan",
    "0x1F",
    "0o17",
    "1_000",
    "9" * 5000,
    "'unclosed",
    '"\\x"',
    "|",
    ">-",
    "!!float nan",
    "!custom x",
    "<<: {a: 1}",
    "yes",
    "on",
    "1e999",
)


# ---------------------------------------------------------------------------------- forms


class FormMaker:
    """Questionnaire-shaped data (as YAML would hold it), often with deliberate mistakes."""

    def __init__(self, indicator_ids: list[str]) -> None:
        self.ids = indicator_ids
        self.clean = False  # a form without deliberate mistakes (most of them load)
        self.answerable: list[str] = []

    def text(self, rng: random.Random, langs: list[str]) -> Any:
        if self.clean:
            return {lang: rng.choice(("Label", "Сурак", "Вопрос", "ө" * 3)) for lang in langs}
        if rng.random() < 0.1:
            return rng.choice(("Label", "", None, ["x"]))
        return {
            lang: rng.choice(("Label", "Сурак", "Вопрос", "", "ө" * 3, "L" * 300, "{x}"))
            for lang in langs
            if rng.random() < 0.95
        }

    def expr(self, rng: random.Random, names: list[str]) -> str:
        name = rng.choice(names) if names else "q0"
        if self.clean:
            if not names:
                return "true()"
            return rng.choice(
                (
                    f"${{{name}}} != ''",
                    f"${{{name}}} = 'yes'",
                    "true()",
                    f"string-length(${{{name}}}) > 0",
                    f"not(${{{name}}} = 'no')",
                )
            )
        shapes = (
            f"${{{name}}} = 'yes'",
            f"${{{name}}} > 3",
            f"selected(${{{name}}}, 'red')",
            f"count-selected(${{{name}}}) > 0",
            ". >= 0 and . <= 120",
            ". <= today()",
            f"${{{name}}} + 1",
            f"${{{name}}} != '' and ${{{name}}} < 18",
            "kind = 'warm'",
            f"country = ${{{name}}}",
            "${missing} = 1",
            "1 +",
            f"if(${{{name}}} = 'yes', 'sexual', 'labour')",
        )
        if rng.random() < 0.3:
            return grammar(rng, 6).replace("${a}", f"${{{name}}}")
        return rng.choice(shapes)

    def question(
        self, rng: random.Random, langs: list[str], names: list[str], depth: int, most: int
    ) -> dict[str, Any]:
        kind = rng.choice(TYPES) if self.clean or rng.random() < 0.9 else rng.choice(ODD_TYPES)
        if kind in ("group", "repeat") and depth >= most:
            kind = "text"
        if kind == "repeat" and self.clean and self.in_repeat:
            kind = "group"  # a repeat inside a repeat is refused: a clean form has none
        if self.clean:
            name: Any = f"q{len(names)}"
        elif rng.random() < 0.05 and names:
            name = rng.choice(names)  # a duplicate name
        elif rng.random() < 0.03:
            name = rng.choice(("1bad", "a b", "", "ф", "x" * 200, 7))
        else:
            name = f"q{len(names)}"
        q: dict[str, Any] = {"name": name, "type": kind, "label": self.text(rng, langs)}
        if isinstance(name, str):
            names.append(name)
        extras = {
            "hint": lambda: self.text(rng, langs),
            "required": lambda: rng.choice((True, False, "yes", "no", self.expr(rng, names))),
            "relevant": lambda: self.expr(rng, names),
            "constraint": lambda: self.expr(rng, names),
            "constraint_message": lambda: self.text(rng, langs),
            "default": lambda: rng.choice(("yes", "1", "2024-01-01", "red", "", "bishkek")),
            "sensitivity": lambda: rng.choice(
                ("ordinary", "sensitive", "identifying", "secret", 1)
            ),
            "choice_filter": lambda: self.expr(rng, names),
        }
        if self.clean:  # only what the kind allows, referring to earlier answers only
            answers = self.answerable[:]
            takes = kind not in ("note", "calculate", "group", "repeat")
            extras = {
                "hint": extras["hint"],
                "relevant": lambda: self.expr(rng, answers),
                **({"required": lambda: rng.choice((True, False))} if takes else {}),
            }
            if takes:
                self.answerable.append(name)
        for key, make in extras.items():
            if rng.random() < 0.25:
                q[key] = make()
        if self.clean and kind == "calculate":
            q["calculation"] = self.expr(rng, answers)
        elif not self.clean and (kind == "calculate" or rng.random() < 0.05):
            # a reference to a later name or to itself makes a cycle now and then
            q["calculation"] = self.expr(rng, [*names, f"q{len(names) + 1}"])
        if self.clean and kind == "select_one yes_no" and rng.random() < 0.5:
            q["indicators"] = {"yes": [rng.choice(self.ids)]}
        elif (
            not self.clean
            and ("select" in kind or kind == "calculate" or rng.random() < 0.05)
            and rng.random() < 0.5
        ):
            value = "true" if kind == "calculate" else rng.choice(("yes", "red", "no"))
            ids = [
                rng.choice(self.ids) if rng.random() < 0.9 else "no.such_indicator"
                for _ in range(rng.randint(1, 3))
            ]
            q["indicators"] = {value: ids} if rng.random() < 0.9 else rng.choice(WRONG)
        if kind in ("group", "repeat"):
            outer, self.in_repeat = self.in_repeat, self.in_repeat or kind == "repeat"
            q["questions"] = [
                self.question(rng, langs, names, depth + 1, most)
                for _ in range(rng.randint(1 if self.clean else 0, 4))
            ]
            self.in_repeat = outer
        return q

    def form(self, rng: random.Random, clean: bool = False) -> dict[str, Any]:
        self.clean = clean
        langs = rng.choice((["en"], ["ky", "ru", "en"], ["ru", "en"], ["en", "fr"], []))
        default = rng.choice(langs) if langs and rng.random() < 0.9 else rng.choice(("en", "xx"))
        if clean:
            langs = rng.choice((["en"], ["ky", "ru", "en"]))
            default = langs[0]
        names: list[str] = []
        self.answerable: list[str] = []
        self.in_repeat = False
        most = 3 if clean or rng.random() < 0.95 else rng.choice((12, 13, 15))
        sections = []
        for i in range(rng.choice((1, 2, 3)) if clean else rng.choice((0, 1, 1, 2, 3, 4))):
            section: dict[str, Any] = {"name": f"s{i}", "label": self.text(rng, langs)}
            if rng.random() < 0.2:
                section["relevant"] = self.expr(rng, names)
            section["questions"] = [
                self.question(rng, langs, names, 1, most)
                for _ in range(rng.randint(1 if clean else 0, 6))
            ]
            sections.append(section)
        if most > 3 and sections:  # one chain of groups deeper than the loader allows
            node = sections[0]
            for level in range(most):
                child = {
                    "name": f"deep{level}",
                    "type": "group",
                    "label": self.text(rng, langs),
                    "questions": [],
                }
                node["questions"].append(child)
                node = child
        choices: dict[str, Any] = {
            "yes_no": [
                {"name": "yes", "label": self.text(rng, langs)},
                {"name": "no", "label": self.text(rng, langs)},
            ],
            "colours": [
                {"name": c, "label": self.text(rng, langs), "kind": k}
                for c, k in (("red", "warm"), ("blue", "cold"), ("red", "warm"))[
                    : rng.choice((2, 3))
                ]
            ],
            "cities": [
                {"name": "bishkek", "label": self.text(rng, langs), "country": "kg"},
                {"name": "osh", "label": self.text(rng, langs), "country": "kg"},
            ],
        }
        if clean:
            choices["colours"] = choices["colours"][:2]
        elif rng.random() < 0.1:
            del choices[rng.choice(list(choices))]
        form: dict[str, Any] = {
            "form_id": "fuzz-form"
            if clean
            else rng.choice(("fuzz-form",) * 8 + ("Fuzz Form", "", 12)),
            "version": "1" if clean else rng.choice(("1", "1", "2", 3, "2.0", "")),
            "kind": rng.choice(
                ("screening", "identification")
                if clean
                else ("screening", "identification", "screening", "other")
            ),
            "default_language": default,
            "languages": langs,
            "title": self.text(rng, langs),
            "sections": sections,
            "choices": choices,
        }
        if rng.random() < 0.3 and not clean:
            form["assessment"] = {
                "child": self.expr(rng, names),
                "exploitation": self.expr(rng, names),
            }
        return form

    def perturb(self, rng: random.Random, form: dict[str, Any]) -> str:
        """Wrong types, missing keys, duplicated entries; returns a label."""
        slots: list[tuple[Any, Any]] = []

        def walk(node: Any, depth: int) -> None:
            if depth > 12:
                return
            if isinstance(node, dict):
                for key in list(node):
                    slots.append((node, key))
                    walk(node[key], depth + 1)
            elif isinstance(node, list):
                for i, item in enumerate(node):
                    slots.append((node, i))
                    walk(item, depth + 1)

        walk(form, 0)
        label = "generated"
        for _ in range(rng.choice((1, 1, 2, 3))):
            if not slots:
                break
            parent, key = rng.choice(slots)
            roll = rng.random()
            if roll < 0.3 and isinstance(parent, dict):
                parent.pop(key, None)
                label = "missing"
            elif roll < 0.45 and isinstance(parent, list) and key < len(parent):
                parent.insert(key, parent[key])  # a duplicate entry (the same name twice)
                label = "duplicate"
            elif roll < 0.5:
                nested: Any = "x"
                for _ in range(rng.choice((20, 60, 150))):
                    nested = [nested]
                if isinstance(parent, dict) or key < len(parent):
                    parent[key] = nested
                label = "deep"
            elif isinstance(parent, dict) or key < len(parent):
                parent[key] = rng.choice(WRONG)
                label = "wrong-type"
        return label


def alias_bomb(rng: random.Random, maker: FormMaker) -> dict[str, Any]:
    """One group shared `fan` times at each of `levels` levels: YAML writes it with aliases, so
    the file stays small while the questionnaire it describes grows as fan ** levels."""
    levels, fan = rng.choice(((3, 8), (4, 8), (5, 8), (6, 8), (7, 4), (12, 2), (16, 2)))
    form = maker.form(rng)
    node: dict[str, Any] = {"name": "leaf", "type": "note", "label": {"en": "L"}}
    for level in range(levels):
        node = {
            "name": f"g{level}",
            "type": "group",
            "label": {"en": "G"},
            "questions": [node] * fan,
        }
    form["sections"] = [{"name": "s", "label": {"en": "S"}, "questions": [node]}]
    return form


ANSWERS: tuple[Any, ...] = (
    "",
    "yes",
    "no",
    "red",
    "blue",
    "bishkek",
    "2024-01-31",
    "2024-02-30",
    "12",
    "-1",
    "1e5",
    0,
    17,
    120,
    -5,
    2.5,
    10**30,
    True,
    None,
    ["red", "blue"],
    ["red", "red"],
    [],
    ["nope"],
    {"a": 1},
    "ө" * 40,
    "x" * 5000,
)


def exercise(form: Any, rng: random.Random) -> str:
    """Run an accepted form through the interview engine; "" or why it crashed."""
    from idtool.questionnaire.flow import Flow
    from idtool.questionnaire.model import Kind

    answers: dict[str, object] = {
        q.name: rng.choice(ANSWERS) for q in form.questions() if rng.random() < 0.6
    }
    for repeat in form.repeats():  # entries of answers, or (as above) something malformed
        if rng.random() < 0.7:
            inner = [q.name for q in repeat.walk() if q is not repeat]
            answers[repeat.name] = [
                {n: rng.choice(ANSWERS) for n in inner if rng.random() < 0.6}
                for _ in range(rng.randint(0, 3))
            ]
    try:
        state = Flow(form, answers, rng.choice(("ky", "ru", "en", "xx")), today=dt.date(2026, 5, 4))
        answered, total = state.progress()
        if not 0 <= answered <= total:
            return "progress out of range"
        for section in state.sections():
            state.next_section(section.name)
            state.previous_section(section.name)
            state.validate_section(section.name)
            for question in state.questions(section.name):
                if question.kind.is_select:
                    state.choices_for(question)
                state.is_required(question)
                state.validate_question(question)
                for entry in state.entries(question.name) if question.kind is Kind.REPEAT else []:
                    state.entry_title(entry)
                    for inner in state.entry_questions(entry):
                        state.choices_for(inner, entry)
                        state.validate_question(inner, entry)
                        state.text(inner.label, entry=entry)
        state.validate()
        state.indicators()
        state.child()
        state.exploitation()
        state.effective_answers()
        state.calculations()
    except Exception as exc:
        return f"an accepted form crashed the interview flow: {where(exc)}"
    return ""


def _dump(rng: random.Random, form: dict[str, Any]) -> bytes:
    return yaml.safe_dump(
        form,
        allow_unicode=rng.random() < 0.8,
        sort_keys=False,
        default_flow_style=rng.choice((False, None, True)),
        width=rng.choice((80, 10**6)),
    ).encode("utf-8")


def mutate_lines(rng: random.Random, text: str) -> tuple[str, str]:
    """YAML-aware edits: lines removed, doubled (duplicate keys), moved, re-indented, scalars
    replaced by YAML's special forms, directives and document markers added."""
    lines = text.splitlines()
    if not lines:
        return "- [", "empty"
    i = rng.randrange(len(lines))
    roll = rng.random()
    if roll < 0.15:
        del lines[i]
        label = "line-delete"
    elif roll < 0.3:
        lines.insert(i, lines[i])
        label = "line-dup"
    elif roll < 0.4:
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
        label = "line-swap"
    elif roll < 0.5:
        lines[i] = rng.choice(("  ", "\t", "")) + (lines[i][2:] if rng.random() < 0.5 else lines[i])
        label = "indent"
    elif roll < 0.8 and ": " in lines[i]:
        head = lines[i].split(": ", 1)[0]
        lines[i] = f"{head}: {rng.choice(SPECIAL_SCALARS)}"
        label = "scalar"
    elif roll < 0.9:
        lines.insert(
            i,
            rng.choice(
                (
                    "---",
                    "...",
                    "%YAML 1.1",
                    "%TAG ! tag:x,2000:",
                    "x: &a [1, 2]",
                    "y: *a",
                    "<<: *a",
                    "? complex",
                    "- item",
                    "\ufeffkey: value",
                    "key: 'multi\n  line'",
                )
            ),
        )
        label = "directive"
    else:
        text2, label = mutate_text(rng, lines[i], "{}[]:,-&*!|>'\"#%@` \t\\abc019ө")
        lines[i] = text2
    sep = "\r\n" if rng.random() < 0.05 else "\n"
    return sep.join(lines), label


def load_and_exercise(path: Path, rng: random.Random) -> Verdict:
    from idtool.questionnaire.loader import load_form
    from idtool.questionnaire.problems import FormError

    try:
        form = load_form(path)
    except FormError as e:
        if not e.problems or not any(not p.warning for p in e.problems):
            return Verdict(False, "FormError without an error in it")
        return Verdict(False)
    problem = exercise(form, rng)
    return Verdict(True, problem)


def _seed_texts() -> list[bytes]:
    paths = [FORMS / "small.yaml", FORMS / "flow.yaml", *sorted((FORMS / "broken").glob("*.yaml"))]
    return [p.read_bytes() for p in paths]


class YamlTarget:
    name = "fuzz questionnaire yaml"

    def setup(self, work: Path) -> None:
        from idtool.questionnaire.indicator_ids import known_indicator_ids

        self.work = work
        self.seeds = _seed_texts()
        self.maker = FormMaker(sorted(known_indicator_ids()))

    def make(self, rng: random.Random, index: int) -> Case:
        roll = rng.random()
        if roll < 0.28:
            seed = rng.choice(self.seeds[:2]) if rng.random() < 0.7 else rng.choice(self.seeds)
            data, label = mutate(
                rng, seed, self.seeds, rng.choice(((b"[", b"]"), (b"{a: ", b"}"), (b"- ", b"")))
            )
            return Case(data, f"bytes:{label}")
        if roll < 0.48:
            seed = rng.choice(self.seeds[:2]) if rng.random() < 0.7 else rng.choice(self.seeds)
            text, label = mutate_lines(rng, seed.decode("utf-8", "replace"))
            return Case(text.encode("utf-8", "surrogatepass"), f"lines:{label}")
        if roll < 0.938:
            clean = rng.random() < 0.35
            form = self.maker.form(rng, clean)
            label = "clean" if clean else self.maker.perturb(rng, form)
            return Case(_dump(rng, form), f"form:{label}")
        if roll < 0.94:
            return Case(_dump(rng, alias_bomb(rng, self.maker)), "form:aliases")
        if roll < 0.99:  # a group that contains itself, through a YAML alias
            form = self.maker.form(rng)
            group: dict[str, Any] = {"name": "loop", "type": "group", "label": {"en": "L"}}
            group["questions"] = [group]
            form["sections"] = [{"name": "s", "label": {"en": "S"}, "questions": [group]}]
            return Case(_dump(rng, form), "form:cycle")
        if roll < 0.998:
            return Case(
                rng.choice(
                    (
                        b"[" * 100_000,
                        b"a: " + b"{a: " * 5000,
                        b"- " * 50_000,
                        b"&a [*a]",
                        b"\xef\xbb\xbf",
                        b"",
                    )
                ),
                "special",
            )
        return Case(b"# " + b"x" * (5_000_001), "too-large")

    def run(self, case: Case) -> Verdict:
        path = self.work / f"case-{os.getpid()}.yaml"
        path.write_bytes(case.data)  # type: ignore[arg-type]
        return load_and_exercise(path, random.Random(len(case.data)))
