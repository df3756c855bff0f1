"""An unlocked database with the officer who unlocked it: the gate every action passes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from idtool import audit, policy
from idtool.database import Connection
from idtool.errors import NotPermitted
from idtool.i18n import _

if TYPE_CHECKING:
    import pyrage

    from idtool.audit_anchor import Finding
    from idtool.vault import Vault


@dataclass(frozen=True)
class Officer:
    uuid: str
    name: str
    role: str
    active: bool = True


class Session:
    def __init__(
        self,
        vault: Vault,
        conn: Connection,
        officer: Officer,
        device_id: str,
        db_key: bytes,
        slot_id: str | None = None,
        slot_identity: pyrage.x25519.Identity | None = None,
    ) -> None:
        self.vault = vault
        # Kept only in memory while unlocked, to seal it into new officers' slots.
        self.db_key = db_key
        # The key slot this officer opened and its identity: it opens the certificate-issuing
        # key for officers who may issue (certificate.issuing). Memory only, dropped on close.
        self.slot_id = slot_id
        self.slot_identity = slot_identity
        self.conn = conn
        self.officer = officer
        self.device_id = device_id
        # Problems with the audit log found when this session was opened (audit_anchor.py).
        self.audit_findings: tuple[Finding, ...] = ()

    def can(self, action: policy.Action) -> bool:
        return policy.is_allowed(self.conn, self.officer.role, action)

    def require(self, action: policy.Action) -> None:
        """Raise NotPermitted unless the policy lets this officer's role do `action`."""
        if not self.can(action):
            raise NotPermitted(
                _("Your role ({role}) may not do this: {action}.").format(
                    role=policy.role_label(self.officer.role),
                    action=policy.action_label(action),
                )
            )

    def audit(
        self, action: str, target: str | None = None, details: dict[str, object] | None = None
    ) -> audit.AuditEntry:
        """Record an audit entry; call inside the transaction making the change."""
        return audit.append(
            self.conn,
            device_id=self.device_id,
            officer=self.officer.uuid,
            action=action,
            target=target,
            details=details,
        )

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def close(self) -> None:
        self.conn.close()
        self.db_key = b""
        self.slot_identity = None

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
