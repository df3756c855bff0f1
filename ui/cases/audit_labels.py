"""The case history's words for the audit trail's actions (codes not listed show as they are)."""

from __future__ import annotations

from idtool.i18n import N_

AUDIT_ACTIONS = {
    "case.open": N_("Case opened"),
    "case.view": N_("Case viewed"),
    "case.status": N_("Status changed"),
    "interview.start": N_("Interview started"),
    "interview.complete": N_("Interview completed"),
    "assessment.store": N_("Assessment stored"),
    "assessment.reassess": N_("Re-assessed under the current rules"),
    "decision.record": N_("Decision recorded"),
    "certificate.issue": N_("Certificate issued"),
    "certificate.reprint": N_("Certificate copy printed"),
    "certificate.revoke": N_("Certificate revoked"),
    "certificate.allow_new": N_("New certificate allowed by the coordinator"),
    "consent.record": N_("Consent recorded"),
    "referral.make": N_("Referral made"),
    "referral.packet": N_("Referral packet saved"),
    "referral.status": N_("Referral status changed"),
    "referral.child_protection_without_consent": N_(
        "Child referred to child protection without consent"
    ),
    "person.update": N_("Person's details changed"),
    "interview.amend": N_("Interview amended (addendum)"),
    "criminal_link.record": N_("Criminal case recorded or changed"),
    "criminal_link.review": N_("Prosecutor's review recorded"),
    "htcds.consent_confirmed": N_("Consent confirmed (case imported from a partner)"),
}
