"""Kill-loop child: saves interview answers in a tight loop, acknowledging each save.

    python answers.py '{"folder": ..., "officer": ..., "passphrase": ..., "interview": ...,
                        "fresh": ..., "round": N, "seed": N, "text": [...], "numbers": [...],
                        "lists": {question: [choice, ...]}, "fresh_text": [...]}'

Every write is an answer the questionnaire accepts (the core refuses any other). Most go to
`interview`, whose questions were answered in earlier rounds; now and then one answers a
question not answered before, in `fresh`, an interview the parent started for this round.
Text and numbers are made up (Kyrgyz words with ө, ү, ң) and unique per write, so the parent
can tell whether an unacknowledged write reached the database; a list of choices may repeat an
earlier one. Needs PYTHONPATH to hold the repository.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

from idtool import interviews, kdf
from idtool.vault import Vault

WORDS = (
    "өмүр",
    "үмүт",
    "жаңы",
    "көңүл",
    "түнкү",
    "Өзгөн",
    "Нарын",
    "күмүш",
    "аңгеме",
    "Мисалова",
    "Үлгүбаев",
    "жумуш",
    "мөөнөт",
    "бүгүн",
    "таң",
    "Сынамаева",
)


NAMES = ("full_name", "other_names", "document_number")  # kept short: the person record's limits


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def text_value(rng: random.Random, marker: str) -> str:
    words = rng.randint(1, 400 if rng.random() < 0.05 else 30)  # now and then a long answer
    return " ".join(rng.choice(WORDS) for _ in range(words)) + f" №{marker}"


def next_write(
    rng: random.Random, args: dict[str, Any], n: int, unanswered: list[str]
) -> tuple[str, str, object]:
    """(interview, question, value) of write `n`; `unanswered` loses the question it takes."""
    marker = f"{args['round']}.{n}"
    roll = rng.random()
    if roll < 0.15 and unanswered:  # a question not answered before
        return args["fresh"], unanswered.pop(0), text_value(rng, marker)
    interview = args["interview"]
    if roll < 0.8:
        question = rng.choice(args["text"])
        if question in NAMES:  # a name is at most 200 characters: refused longer
            return (
                interview,
                question,
                " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4))) + f" {marker}",
            )
        return interview, question, text_value(rng, marker)
    if roll < 0.9:
        return interview, rng.choice(args["numbers"]), int(args["round"]) * 1_000_000 + n
    question = rng.choice(sorted(args["lists"]))
    choices = args["lists"][question]
    return interview, question, rng.sample(choices, rng.randint(1, len(choices)))


def main() -> None:
    args = json.loads(sys.argv[1])
    vault = Vault(Path(args["folder"]), kdf_params=kdf.FAST_PARAMS)
    session = vault.unlock(args["officer"], args["passphrase"])
    open_ones = {u: interviews.get(session, u) for u in (args["interview"], args["fresh"])}
    # the questionnaire loads once, before the answers are written
    interviews.form_of(session, open_ones[args["interview"]])
    answered = interviews.answers(session, args["fresh"])
    unanswered = [q for q in args["fresh_text"] if q not in answered]
    rng = random.Random(args["seed"])
    say("ready")
    n = 0
    while True:
        n += 1
        interview, question, value = next_write(rng, args, n, unanswered)
        say("begin " + json.dumps([n, interview, question, value], ensure_ascii=False))
        interviews.save_answer(session, open_ones[interview], question, value)
        say(f"ack {n}")


if __name__ == "__main__":
    main()
