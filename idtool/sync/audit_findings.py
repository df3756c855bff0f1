"""Findings about a device's audit chain at the coordinator (`audit_fork`), in words: what
the import report and the review queue say. Kept apart so the report can describe a finding
without importing the code that finds it."""

from __future__ import annotations

from enum import StrEnum

from idtool.audit import Finding
from idtool.audit_anchor import describe
from idtool.i18n import N_, gettext


class Kind(StrEnum):
    REWRITTEN = "rewritten"  # differs from what was exported, from first_seq on
    CUT = "cut"  # ends before what was exported; from first_seq on missing or different
    BROKEN = "broken"  # the entries the device sent do not chain at first_seq
    REPORTED = "reported"  # the device's own audit.chain_broken entry


_TEXTS = {
    (Kind.REWRITTEN, True): N_(
        "the audit log of device {device} differs from what it exported before, from entry {seq} on"
    ),
    (Kind.REWRITTEN, False): N_(
        "the audit log of device {device} does not continue what it "
        "exported before: it differs at or before entry {seq}"
    ),
    (Kind.CUT, True): N_(
        "the audit log of device {device} is shorter than what it exported "
        "before: from entry {seq} on, entries are missing or differ"
    ),
    (Kind.CUT, False): N_(
        "the audit log of device {device} is shorter than what it exported "
        "before: it differs at or before entry {seq}"
    ),
    (Kind.BROKEN, True): N_("the audit log sent by device {device} is broken at entry {seq}"),
}


def describe_finding(
    kind: str, device: str, seq: int | None, exact: bool, reason: str, lang: str | None = None
) -> str:
    """A finding in words, naming the device (its label) and the first entry concerned."""
    if kind == Kind.REPORTED:
        return gettext(
            N_("device {device} found its own audit log damaged: {problem}"), lang
        ).format(device=device, problem=describe(Finding(seq, reason), lang))
    try:
        text = _TEXTS[(Kind(kind), exact)]
    except (KeyError, ValueError):  # a kind from a newer version
        text = N_("the audit log of device {device} does not match at entry {seq}")
    return gettext(text, lang).format(device=device, seq=seq if seq is not None else "?")
