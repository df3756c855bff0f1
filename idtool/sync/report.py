"""What an import did: per table, how many records were imported, unchanged, in conflict or
quarantined; how many possible duplicates were flagged; and the audit entries stored."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from idtool.i18n import _
from idtool.sync.audit_findings import describe_finding

OUTCOMES = ("imported", "unchanged", "conflicts", "quarantined")


@dataclass
class ImportReport:
    bundle_id: str
    sender: str
    kind: str
    sequence: int
    already_imported: bool = False  # the same bundle came before: nothing was changed
    tables: dict[str, dict[str, int]] = field(default_factory=dict)
    duplicates: int = 0
    audit_entries: int = 0
    issuer_keys: int = 0  # certificate-issuing keys of the sender learned or retired
    # Audit-chain findings (audit_fork.py): kind, first_seq, exact, reason; nothing personal.
    audit_findings: list[dict[str, object]] = field(default_factory=list)

    def add(self, table: str, outcome: str, n: int = 1) -> None:
        counts = self.tables.setdefault(table, dict.fromkeys(OUTCOMES, 0))
        counts[outcome] += n

    def total(self, outcome: str) -> int:
        return sum(c[outcome] for c in self.tables.values())

    @property
    def imported(self) -> int:
        return self.total("imported")

    @property
    def unchanged(self) -> int:
        return self.total("unchanged")

    @property
    def conflicts(self) -> int:
        return self.total("conflicts")

    @property
    def quarantined(self) -> int:
        return self.total("quarantined")

    def to_json(self) -> dict[str, Any]:
        out = {
            "bundle_id": self.bundle_id,
            "sender": self.sender,
            "kind": self.kind,
            "sequence": self.sequence,
            "tables": self.tables,
            "duplicates": self.duplicates,
            "audit_entries": self.audit_entries,
            "issuer_keys": self.issuer_keys,
        }
        if self.audit_findings:
            out["audit_findings"] = self.audit_findings
        return out

    def lines(self) -> list[str]:
        """The report for a terminal or a dialog: no personal data, only counts."""
        head = _("Exchange package {sequence} from device {device} ({kind}):").format(
            sequence=self.sequence, device=self.sender, kind=self.kind
        )
        if self.already_imported:
            return [head, "  " + _("already imported earlier; nothing was changed.")]
        out = [
            head,
            "  "
            + _(
                "imported {imported}, unchanged {unchanged}, conflicts "
                "{conflicts}, possible duplicates {duplicates}, quarantined "
                "{quarantined}"
            ).format(
                imported=self.imported,
                unchanged=self.unchanged,
                conflicts=self.conflicts,
                duplicates=self.duplicates,
                quarantined=self.quarantined,
            ),
        ]
        for table, counts in sorted(self.tables.items()):
            out.append(
                "  "
                + _(
                    "{table}: imported {imported}, unchanged {unchanged}, "
                    "conflicts {conflicts}, quarantined {quarantined}"
                ).format(table=table, **counts)
            )
        if self.issuer_keys:
            out.append(
                "  "
                + _("certificate-issuing keys learned or retired: {count}").format(
                    count=self.issuer_keys
                )
            )
        if self.audit_entries:
            out.append("  " + _("audit entries stored: {count}").format(count=self.audit_entries))
        if self.audit_findings:
            for f in self.audit_findings:
                seq = f.get("first_seq")
                out.append(
                    "  "
                    + _("Warning: {finding}").format(
                        finding=describe_finding(
                            str(f.get("kind")),
                            self.sender,
                            seq if isinstance(seq, int) else None,
                            bool(f.get("exact")),
                            str(f.get("reason", "")),
                        )
                    )
                )
        return out
