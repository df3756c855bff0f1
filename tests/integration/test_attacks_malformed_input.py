"""Inputs that must not crash, found while attacking issue 12 again: a malformed policy row in an
update bundle is quarantined, a mangled certificate code is never valid. See
test_attacks_case_bundles.py for the conventions (a passing test is a refused attack, xfail one
that still works)."""

from __future__ import annotations

import random
from pathlib import Path

from idtool import policy
from idtool.certificate import issuance, payload
from idtool.certificate.verify import Status, verify
from idtool.errors import InvalidInput
from idtool.sync import updates
from idtool.sync.importer import import_bundle
from tests.conftest import SUPERVISOR, SUPERVISOR_PASS
from tests.support.cases import decided_case
from tests.support.issuing import (
    record,
)
from tests.support.sync import (
    make_world,
)


def test_an_update_with_a_malformed_policy_row_is_quarantined_not_a_crash(tmp_path: Path) -> None:
    """Fixed here: `update_reference.apply_policy` looked an unhashable action or role up in a set
    (TypeError, the whole import failed with a traceback)."""
    w = make_world(tmp_path, 1)
    dev = w.devs[0]
    bad = [
        record(
            "policy", {"action": ["issue_certificate"], "role": "border_guard", "allowed": True}
        ),
        record(
            "policy", {"action": "issue_certificate", "role": {"border_guard": 1}, "allowed": True}
        ),
    ]
    report = import_bundle(dev, updates.export_update(w.sup, w.out, [dev.device_id], extra=bad))
    assert report.quarantined == 2
    assert not policy.is_allowed(
        dev.conn, policy.Role.BORDER_GUARD, policy.Action.ISSUE_CERTIFICATE
    )


def test_mangled_codes_never_crash_the_verifier(tmp_path: Path, made_vault) -> None:
    vault, _ = made_vault
    sup = vault.unlock(SUPERVISOR, SUPERVISOR_PASS)
    code = issuance.issue(sup, decided_case(sup).uuid, "en").certificate.code
    rng = random.Random(12)
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
    texts = [
        "",
        "NRM1:",
        "NRM1:\0",
        "NRM1:😀",
        "NRM1:" + "A" * 200_000,
        code[:-1],
        code + "0",
        f"  {code}\n",
        code.lower(),
        str(tmp_path),
        str(tmp_path / "x.png"),
    ]
    for _ in range(300):
        chars = list(code)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(payload.PREFIX), len(chars))
            chars[at] = rng.choice(alphabet)
        texts.append("".join(chars))
    for text in texts:
        try:
            result = verify(sup, text)
        except InvalidInput:
            continue
        assert result.status is not Status.VALID or text.strip() == code
    sup.close()
