"""The assessment contract (../shared/assessment.md) written out directly in Python, for tests.

The weight table is copied from the contract, and `contract_v2` is version 2's rules read
sentence by sentence, independently of the rules file and of `idtool.assessment`, so that the
shipped data and engine are checked against the contract rather than against themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

CONTRACT_TABLE = """
    dr.nature_of_job S S  dr.education W S  dr.wages M M  dr.conditions M M  dr.contract M M
    dr.housing M M  dr.legal_status M M  dr.travel M M  dr.family_reunification M M
    dr.marriage_adoption M M
    cr.violence S S  cr.threats M S  cr.abduction_sale M S  cr.debt_bondage M S
    cr.documents_confiscated M M  cr.isolation M M  cr.denunciation_threat M M
    cr.family_inform_threat M M  cr.violence_family M M  cr.money_withheld M M
    rv.family_situation_abuse M M  rv.illegal_status M M  rv.lack_of_education M M
    rv.lack_of_information M M  rv.exploiter_control M M  rv.economic M M
    rv.false_migration_info M M  rv.false_law_info M -  rv.family_situation M M
    rv.personal_situation M M  rv.emotional_dependency M M  rv.authorities_relationship M M
    rv.past_difficulties W M  rv.travel_difficulty W M  rv.cultural_beliefs W M
    rv.general_context W M
    ec.excessive_hours S S  ec.low_or_no_salary M M  ec.wage_manipulation M M
    ec.bad_living_conditions M M  ec.bad_working_conditions M M  ec.hazardous_work M M
    ec.labour_law_breach M M  ec.no_social_protection M -  ec.no_education W M
    cd.documents_confiscated S S  cd.debt_bondage S S  cd.isolation S S  cd.violence S S
    cd.threats M S  cd.forced_illicit M S  cd.forced_tasks_clients M S  cd.strong_influence M S
    cd.forced_against_peers M M  cd.forced_to_lie M M  cd.denunciation_threat M M
    cd.worse_conditions_threat M M  cd.violence_family M M  cd.wages_withheld M M
    cd.family_inform_threat W M
    vd.dependency M M  vd.unknown_area M M  vd.economic M M  vd.family_situation M M
    vd.authorities_relationship M M  vd.past_difficulties W M  vd.personal_characteristics W M
"""
_words = CONTRACT_TABLE.split()
WEIGHTS: dict[str, tuple[str, str]] = {
    _words[i]: (_words[i + 1], _words[i + 2]) for i in range(0, len(_words), 3)
}
ACT_IDS = [f"act.{x}" for x in ["recruitment", "transport", "transfer", "harbouring", "receipt"]]
PURPOSE_IDS = [
    "purpose.sexual_exploitation",
    "purpose.forced_labour",
    "purpose.forced_begging",
    "purpose.forced_criminality",
    "purpose.organ_removal",
    "purpose.forced_marriage",
    "purpose.armed_groups",
    "purpose.slavery_servitude",
]
ALL_IDS = sorted([*WEIGHTS, *ACT_IDS, *PURPOSE_IDS])
DIMENSIONS = ["dr", "cr", "rv", "ec", "cd", "vd"]
ABUSE_IDS = frozenset(
    {
        "rv.exploiter_control",
        "rv.family_situation_abuse",
        "rv.emotional_dependency",
        "rv.false_migration_info",
        "rv.false_law_info",
        "vd.dependency",
    }
)
FORCE_IDS = frozenset({"cr.violence", "cd.violence", "cr.abduction_sale"})
OWN_SITUATION_IDS = frozenset(i for i in WEIGHTS if i[:2] in ("rv", "vd")) - ABUSE_IDS
RANK = {"no_indication": 0, "possible_victim": 1, "presumed_victim": 2}


def weight(indicator_id: str, child: bool, exploitation: str) -> str:
    """S, M, W or - for this person (the sexual column differs only for forced tasks)."""
    if indicator_id == "cd.forced_tasks_clients" and exploitation == "sexual" and not child:
        return "S"
    return WEIGHTS[indicator_id][child]


def positive(strong: int, medium: int, weak: int) -> bool:
    """Rule 1 (both versions)."""
    return (
        strong >= 2
        or (strong >= 1 and strong + medium + weak >= 2)
        or medium >= 3
        or (medium >= 2 and weak >= 1)
    )


@dataclass(frozen=True)
class Expected:
    recommendation: str
    elements: dict[str, bool]
    missing: tuple[str, ...]


def contract_v2(ids: set[str], child: bool, exploitation: str) -> Expected:
    """Version 2 of the rules, sentence by sentence."""
    # An id marked `-` for the person's group counts for nothing anywhere below.
    w = {i: weight(i, child, exploitation) for i in ids if i in WEIGHTS}
    w = {i: x for i, x in w.items() if x != "-"}
    acts = {i for i in ids if i.startswith("act.")}
    purposes = {i for i in ids if i.startswith("purpose.")}

    def in_dims(dims: str, weights: str = "SMW") -> set[str]:
        return {i for i, x in w.items() if i[:2] in dims.split() and x in weights}

    def is_positive(dim: str) -> bool:
        got = [x for i, x in w.items() if i[:2] == dim]
        return positive(got.count("S"), got.count("M"), got.count("W"))

    abuse = {i for i in w if i in ABUSE_IDS}
    force = {i for i in w if i in FORCE_IDS}
    ms_dcd = in_dims("dr cr cd", "SM")
    # 2. act
    act = bool(acts) or bool(ms_dcd)
    # 3. means
    means = (
        any(is_positive(d) for d in ("dr", "cr", "cd"))
        or bool(force)
        or len(ms_dcd) >= 2
        or (bool(in_dims("dr cr cd", "S")) and bool(abuse))
        or ((is_positive("rv") or is_positive("vd")) and bool(abuse))
        or len(abuse) >= 2
    )
    # 4. purpose
    if child:
        purpose = is_positive("ec") or bool(purposes)
    else:
        ms_dr_cr = in_dims("dr cr", "SM")
        purpose = (
            (is_positive("ec") and bool(in_dims("cr cd", "SM")))
            or (is_positive("ec") and is_positive("vd") and bool(abuse))
            or (bool(purposes) and (bool(in_dims("ec", "SM")) or bool(in_dims("cd"))))
            or (
                bool(purposes)
                and len(ms_dr_cr) >= 2
                and (bool(in_dims("dr cr", "S")) or bool(in_dims("cr", "SM")))
            )
            or (bool(purposes) and bool(force))
        )
    elements = {"act": act, "means": means, "purpose": purpose}
    required = ("act", "purpose") if child else ("act", "means", "purpose")
    missing = tuple(e for e in required if not elements[e])
    # 5. presumed; 6. possible; 7. otherwise no indication
    if not missing:
        return Expected("presumed_victim", elements, missing)
    possible = (
        any(is_positive(d) for d in ("dr", "cr", "ec", "cd"))
        or any(x == "S" for x in w.values())
        or bool(in_dims("cr cd", "SM"))
        or bool(purposes)
        or sum(elements[e] for e in required) >= 2
        or (child and bool(w or acts or purposes))
    )
    return Expected("possible_victim" if possible else "no_indication", elements, missing)
