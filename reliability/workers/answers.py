"""Kill-loop child: saves interview answers in a tight loop, acknowledging each save.

    python answers.py '{"folder": ..., "officer": ..., "passphrase": ..., "interview": ...,
                        "round": N, "seed": N, "text": [...], "numbers": [...], "lists": [...]}'

Values are made up (Kyrgyz words with ө, ү, ң) and unique per write, so the parent can tell
whether an unacknowledged write reached the database. Needs PYTHONPATH to hold the repository.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

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


NAMES = ("full_name", "other_names")


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def text_value(rng: random.Random, marker: str) -> str:
    words = rng.randint(1, 400 if rng.random() < 0.05 else 30)  # now and then a long answer
    return " ".join(rng.choice(WORDS) for _ in range(words)) + f" №{marker}"


def next_write(rng: random.Random, args: dict[str, object], n: int) -> tuple[str, object]:
    marker = f"{args['round']}.{n}"
    roll = rng.random()
    if roll < 0.15:  # a question not answered before
        return f"extra_note_{args['round']}_{n}", text_value(rng, marker)
    if roll < 0.8:
        question = rng.choice(args["text"])  # type: ignore[arg-type]
        if question in NAMES:  # a name is at most 200 characters: refused longer
            return question, " ".join(
                rng.choice(WORDS) for _ in range(rng.randint(1, 4))
            ) + f" {marker}"
        return question, text_value(rng, marker)
    if roll < 0.9:
        return rng.choice(args["numbers"]), int(args["round"]) * 1_000_000 + n  # type: ignore
    return rng.choice(args["lists"]), [*sorted(rng.sample(WORDS, 2)), marker]  # type: ignore


def main() -> None:
    args = json.loads(sys.argv[1])
    vault = Vault(Path(args["folder"]), kdf_params=kdf.FAST_PARAMS)
    session = vault.unlock(args["officer"], args["passphrase"])
    interview = interviews.get(session, args["interview"])
    interviews.form_of(interview)  # the questionnaire loads once, before the loop
    rng = random.Random(args["seed"])
    say("ready")
    n = 0
    while True:
        n += 1
        question, value = next_write(rng, args, n)
        say("begin " + json.dumps([n, question, value], ensure_ascii=False))
        interviews.save_answer(session, interview, question, value)
        say(f"ack {n}")


if __name__ == "__main__":
    main()
