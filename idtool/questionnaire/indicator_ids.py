"""The indicator ids a questionnaire may name (the contract in shared/assessment.md).

The assessment owns the list (`idtool.assessment.known_indicator_ids`, read from the rules
file). The contract's ids are also listed here, so that a questionnaire can still be checked
when the rules file cannot be read; a test keeps both lists equal.
"""

from __future__ import annotations

from functools import cache

from idtool.assessment import RulesError
from idtool.assessment import known_indicator_ids as from_rules

_CONTRACT_TEXT = """
    dr.nature_of_job dr.education dr.wages dr.conditions dr.contract dr.housing dr.legal_status
    dr.travel dr.family_reunification dr.marriage_adoption
    cr.violence cr.threats cr.abduction_sale cr.debt_bondage cr.documents_confiscated
    cr.isolation cr.denunciation_threat cr.family_inform_threat cr.violence_family
    cr.money_withheld
    rv.family_situation_abuse rv.illegal_status rv.lack_of_education rv.lack_of_information
    rv.exploiter_control rv.economic rv.false_migration_info rv.false_law_info
    rv.family_situation rv.personal_situation rv.emotional_dependency
    rv.authorities_relationship rv.past_difficulties rv.travel_difficulty rv.cultural_beliefs
    rv.general_context
    ec.excessive_hours ec.low_or_no_salary ec.wage_manipulation ec.bad_living_conditions
    ec.bad_working_conditions ec.hazardous_work ec.labour_law_breach ec.no_social_protection
    ec.no_education
    cd.documents_confiscated cd.debt_bondage cd.isolation cd.violence cd.threats
    cd.forced_illicit cd.forced_tasks_clients cd.strong_influence cd.forced_against_peers
    cd.forced_to_lie cd.denunciation_threat cd.worse_conditions_threat cd.violence_family
    cd.wages_withheld cd.family_inform_threat
    vd.dependency vd.unknown_area vd.economic vd.family_situation vd.authorities_relationship
    vd.past_difficulties vd.personal_characteristics
    act.recruitment act.transport act.transfer act.harbouring act.receipt
    purpose.sexual_exploitation purpose.forced_labour purpose.forced_begging
    purpose.forced_criminality purpose.organ_removal purpose.forced_marriage
    purpose.armed_groups purpose.slavery_servitude
"""
CONTRACT_IDS: frozenset[str] = frozenset(_CONTRACT_TEXT.split())


@cache
def known_indicator_ids() -> frozenset[str]:
    """Every indicator id a questionnaire may emit."""
    try:
        return frozenset(from_rules())
    except (RulesError, OSError):
        return CONTRACT_IDS


DIMENSIONS: tuple[str, ...] = ("dr", "cr", "rv", "ec", "cd", "vd", "act", "purpose")
