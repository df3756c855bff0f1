"""Our codes to HTCDS 2.0 value names, and back (the table is in docs/formats.md).

Each map sends one of our codes to one HTCDS value name ("" when the standard has nothing that
fits: the cell stays empty rather than saying something we do not know). `REVERSE` gives, for
each HTCDS value, the code we read it back as (the first of ours that maps to it), so that
export -> toolkit -> import -> export gives the same HTCDS facts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# vic_TraffickingStatus, from the statistics' outcome of the case. A case screened without a
# status decision has no trafficking status yet.
STATUS = {
    "identified": "ActualVictimOfTrafficking",
    "possible": "PossibleVictimOfTrafficking",
    "not_victim": "NotAVictimOfTrafficking",
}
# vic_TraffickingStatusDecisionMakingOrg, from the role of the officer who decided.
DECIDER = {
    "police": "Police",
    "border_guard": "NonPoliceGovernmentalOrganization",
    "social_worker": "NonPoliceGovernmentalOrganization",
    "supervisor": "NonPoliceGovernmentalOrganization",
    "prosecutor": "CourtOrProsecution",
}
# prs_Gender. The standard has no "other"; "NonConforming" is its nearest value.
GENDER = {"female": "Feminine", "male": "Masculine", "other": "NonConforming"}
# vic_TypeOfExploitation. Forced criminality (drugs, theft, online fraud) has no value of its own.
EXPLOITATION = {
    "forced_labour": "ForcedLabour",
    "sexual_exploitation": "SexualExploitation",
    "forced_marriage": "ForcedMarriage",
    "slavery_servitude": "Servitude",
    "armed_groups": "ForcedMilitaryByNonStateActors",
    "organ_removal": "OrganRemoval",
    "forced_begging": "ForcedBegging",
    "other": "Other",
    "forced_criminality": "Other",
}
# vic_ForcedLabourIndustry: ISIC Rev. 4 sections, from the answer "sector".
INDUSTRY = {
    "agriculture": "A_AgricultureForestryAndFishing",
    "mining": "B_MiningAndQuarrying",
    "manufacturing": "C_Manufacturing",
    "textile": "C_Manufacturing",
    "construction": "F_Construction",
    "trade": "G_WholesaleAndRetailTradeRepairOfMotorVehicles",
    "car_wash": "G_WholesaleAndRetailTradeRepairOfMotorVehicles",
    "transport": "H_TransportationAndStorage",
    "hospitality": "I_AccommodationAndFoodServiceActivities",
    "cleaning": "N_AdministrativeAndSupportServiceActivities",
    "entertainment": "R_ArtsEntertainmentAndRecreation",
    "domestic_work": "T_ActivitiesOfHouseholdsAsEmployers",
}
# vic_TypeOfSexExploitation, from the answer "sexual_exploitation_forms".
SEX_EXPLOITATION = {
    "forced_sex": "Prostitution",
    "client_quota": "Prostitution",
    "webcam": "RemoteInteractiveServices",
}
# vic_MethodOfRecruitment, from the answers "recruitment_channel" and "recruiter".
RECRUITMENT = {
    "online": "ThroughOnlineSocialNetworks",
    "advert": "ThroughANewspaperAdvert",
    "relative": "ThroughFamilyOrFamilyEvents",
    "partner": "ThroughFamilyOrFamilyEvents",
    "acquaintance": "ThroughFriendsOrSocialEvents",
    "agency": "AtAPlaceOfBusiness",
    "employer": "AtWork",
    "in_person": "Other",
    "phone": "Other",
    "other": "Other",
}
RECRUITMENT_QUESTIONS = ("recruitment_channel", "recruiter")
# vic_MethodsOfControl, from the indicators of the case's latest assessment (assessment.md).
CONTROL = {
    "cd.threats": "PhysicalThreats",
    "cr.threats": "PhysicalThreats",
    "cd.denunciation_threat": "ThreatsLawEnforcement",
    "cr.denunciation_threat": "ThreatsLawEnforcement",
    "cd.violence_family": "ThreatensChildrenFamily",
    "cr.violence_family": "ThreatensChildrenFamily",
    "cd.debt_bondage": "DebtBondage",
    "cr.debt_bondage": "DebtBondage",
    "cd.violence": "PhysicalAbuse",
    "cr.violence": "PhysicalAbuse",
    "cd.wages_withheld": "TakesEarnings",
    "cr.money_withheld": "TakesEarnings",
    "cd.documents_confiscated": "WithholdsDocuments",
    "cr.documents_confiscated": "WithholdsDocuments",
    "cd.strong_influence": "PsychologicalAbuse",
    "cd.family_inform_threat": "PsychologicalAbuse",
    "cr.family_inform_threat": "PsychologicalAbuse",
    "cd.worse_conditions_threat": "PsychologicalAbuse",
    "cd.isolation": "Other",
    "cr.isolation": "Other",
    "cd.forced_tasks_clients": "Other",
    "cd.forced_against_peers": "Other",
    "cd.forced_to_lie": "Other",
    "cd.forced_illicit": "Other",
    "cr.abduction_sale": "Other",
}
# The deception indicators (dr.*) are false promises.
DECEPTION_PREFIX, DECEPTION = "dr.", "FalsePromises"
# cas_Status, from the case's status.
CASE_STATUS = {
    "possible": "Active",
    "identified": "Active",
    "needs_information": "Active",
    "not_identified": "Closed",
    "referred": "ClosedReferred",
    "closed": "Closed",
}
# cas_ReferredOrganisation holds the type of each organisation referred to (org_Type values),
# never its name: a named shelter in a small region could identify the person.
ORGANISATION = {
    "police": "LawEnforcement",
    "border_service": "LawEnforcement",
    "prosecutor": "LawEnforcement",
    "migration": "ImmigrationService",
    "consular": "CentralGovernmentOrganisation",
    "social_protection": "CentralGovernmentOrganisation",
    "labour_inspection": "CentralGovernmentOrganisation",
    "civil_registration": "CentralGovernmentOrganisation",
    "ombudsman": "CentralGovernmentOrganisation",
    "local_administration": "LocalGovernmentOrganisation",
    "child_protection": "LocalGovernmentOrganisation",
    "health": "HealthServiceOrganisation",
    "education": "SchoolOrCollege",
    "legal_aid": "LegalService",
    "crisis_centre": "NGO",
    "ngo": "NGO",
    "hotline": "NGO",
}


def control(indicators: Iterable[str]) -> set[str]:
    """The HTCDS methods of control the indicators show."""
    found = set()
    for indicator in indicators:
        if indicator.startswith(DECEPTION_PREFIX):
            found.add(DECEPTION)
        elif indicator in CONTROL:
            found.add(CONTROL[indicator])
    return found


def values(table: Mapping[str, str], codes: Iterable[str]) -> set[str]:
    return {table[c] for c in codes if table.get(c)}


def reverse(table: Mapping[str, str]) -> dict[str, str]:
    """HTCDS value -> the first of our codes that maps to it."""
    out: dict[str, str] = {}
    for ours, theirs in table.items():
        out.setdefault(theirs, ours)
    return out
