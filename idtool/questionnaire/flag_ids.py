"""The flags a questionnaire may record: signs that never count in the assessment.

An indicator id (`indicator_ids`) feeds the score; a flag does not. A flag marks something a
person needs whatever the recommendation, and goes to the case, the supervisor's review queue
and the referral (`idtool.case_flags` puts them in words). The only flags so far are those of
the non-punishment principle (shared/assessment.md, "Non-scoring flags"): the person was
detained, charged, fined or deported for acts they were made to commit.
"""

from __future__ import annotations

NON_PUNISHMENT: tuple[str, ...] = ("np.detained", "np.charged", "np.fined", "np.deported")
FLAG_IDS: frozenset[str] = frozenset(NON_PUNISHMENT)
