"""An interview's flow with a full repeat: what one answer costs while entries are typed.

The wizard works the flow out again after each answer. Measured: building the flow of a form
whose repeat holds 100 entries (the most a repeat takes) of six questions, with relevance,
a per-entry calculation and count()/sum()/max() over the entries; goal: at most 50 ms, so an
answer typed into the last entry still shows at once. Baseline, in the same run: the flow of
the shipped identification questionnaire with every question answered from the demo.

    .venv/bin/python benchmarks/flow_bench.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import run_module  # noqa: E402

ENTRIES = 100
FORM = """
form_id: bench-repeat
version: "1"
kind: screening
default_language: en
languages: [en]
title: {en: Bench}
sections:
  - name: main
    label: {en: Main}
    questions:
      - name: people
        type: repeat
        label: {en: Person}
        questions:
          - {name: who, type: text, label: {en: Name}, required: true}
          - {name: age, type: integer, label: {en: Age}, constraint: ". >= 0 and . < 120"}
          - name: parent
            type: select_one yn
            label: {en: "Parent with ${who}?"}
            relevant: "${age} < 18"
            required: true
          - {name: country, type: select_one countries, label: {en: Country}}
          - {name: since, type: date, label: {en: Since}}
          - {name: note, type: text, label: {en: Note}}
          - {name: tag, type: calculate, calculation: "concat(position(..), ':', ${who})"}
      - {name: n, type: calculate, calculation: "count(${people})"}
      - {name: ages, type: calculate, calculation: "sum(${age})"}
      - {name: oldest, type: calculate, calculation: "max(${age})"}
choices:
  yn:
    - {name: "yes", label: {en: "Yes"}}
    - {name: "no", label: {en: "No"}}
  countries:
    - {name: kz, label: {en: Kazakhstan}}
    - {name: ru, label: {en: Russia}}
"""


def bench_flow(tmp: Path) -> list:
    from idtool import demo
    from idtool.questionnaire.flow import Flow
    from idtool.questionnaire.loader import load_form
    from idtool.questionnaire.registry import load_shipped

    run = run_module()
    path = tmp / "bench-repeat.yaml"
    path.write_text(FORM, encoding="utf-8")
    form = load_form(path)
    entries = [
        {
            "who": f"Person {i}",
            "age": 10 + i % 30,
            "parent": "yes",
            "country": "kz",
            "since": "2024-01-01",
            "note": "x",
        }
        for i in range(ENTRIES)
    ]
    answers = {"people": entries}
    identification = load_shipped("nrm-identification")
    shipped_answers = dict(demo.STRONG_SCREENING)

    def repeat_flow() -> None:
        flow = Flow(form, answers, "en")
        flow.validate()

    def shipped_flow() -> None:
        flow = Flow(identification, shipped_answers, "en")
        flow.validate()

    measured = run.median_time(repeat_flow, 20) * 1000
    baseline = run.median_time(shipped_flow, 20) * 1000
    return [
        run.Row(
            f"flow with a repeat of {ENTRIES} entries, built and validated",
            "<= 50 ms",
            measured,
            "ms",
            baseline,
            "nrm-identification flow, built and validated",
            measured <= 50,
        )
    ]


def main() -> int:
    run = run_module()
    with tempfile.TemporaryDirectory(prefix="idtool-flow-bench-") as name:
        run.print_table(bench_flow(Path(name)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
