"""The signs added to both forms for newer forms of exploitation (issue 14, item 4): each new
answer records exactly the contract ids intended, "not paid" counts once, and the person's own
situation never records an abuse-of-vulnerability id."""

from __future__ import annotations

import pytest

from idtool.assessment import assess
from idtool.questionnaire.flow import Flow
from idtool.questionnaire.loader import load_form
from idtool.questionnaire.model import Form, Kind
from tests.support.forms import (
    IDENTIFICATION,
    SCREENING,
    answers_offering,
    archived_path,
    flow,
    path_of,
)

# shared/assessment.md: someone USED the person's situation
ABUSE = frozenset(
    {
        "rv.exploiter_control",
        "rv.family_situation_abuse",
        "rv.emotional_dependency",
        "rv.false_migration_info",
        "rv.false_law_info",
        "vd.dependency",
    }
)
# (form, question, answer) -> exactly the ids it records
NEW_SIGNS: dict[tuple[str, str, str], set[str]] = {
    # sexual exploitation: forced acts, quotas, webcam; blackmail with intimate images
    (IDENTIFICATION, "sexual_exploitation_forms", "forced_sex"): {
        "cd.forced_tasks_clients",
        "purpose.sexual_exploitation",
    },
    (IDENTIFICATION, "sexual_exploitation_forms", "client_quota"): {
        "cd.forced_tasks_clients",
        "purpose.sexual_exploitation",
    },
    (IDENTIFICATION, "sexual_exploitation_forms", "webcam"): {
        "cd.forced_tasks_clients",
        "purpose.sexual_exploitation",
    },
    (IDENTIFICATION, "sexual_exploitation_forms", "image_blackmail"): {"cd.family_inform_threat"},
    # forced criminality, drug couriers, scam compounds
    (IDENTIFICATION, "forced_acts", "drugs"): {"cd.forced_illicit", "purpose.forced_criminality"},
    (IDENTIFICATION, "forced_acts", "scams"): {"cd.forced_illicit", "purpose.forced_criminality"},
    (IDENTIFICATION, "forced_acts", "theft"): {"cd.forced_illicit", "purpose.forced_criminality"},
    (IDENTIFICATION, "forced_acts", "accounts_documents"): {
        "cd.forced_illicit",
        "purpose.forced_criminality",
    },
    (IDENTIFICATION, "forced_acts", "other_crime"): {
        "cd.forced_illicit",
        "purpose.forced_criminality",
    },
    # forced marriage, bride kidnapping, payment to a person in control
    (IDENTIFICATION, "marriage", "forced_marriage"): {"purpose.forced_marriage"},
    (IDENTIFICATION, "marriage", "bride_kidnapping"): {
        "cr.abduction_sale",
        "purpose.forced_marriage",
    },
    (IDENTIFICATION, "marriage", "bride_price"): {"cr.abduction_sale"},
    (IDENTIFICATION, "marriage", "servitude"): {"purpose.slavery_servitude"},
    # organ removal: payment promised, surgery abroad
    (IDENTIFICATION, "organ_removal", "payment_offered"): {
        "act.recruitment",
        "purpose.organ_removal",
    },
    (IDENTIFICATION, "organ_removal", "surgery_abroad"): {
        "act.transport",
        "purpose.organ_removal",
    },
    (IDENTIFICATION, "organ_removal", "organ_removed"): {"purpose.organ_removal"},
    (IDENTIFICATION, "organ_removal", "misled_operation"): {"dr.nature_of_job"},
    (IDENTIFICATION, "organ_removal", "not_paid_promised"): {"dr.wages"},
    # sold or handed to another boss
    (IDENTIFICATION, "sold", "yes"): {"act.transfer", "cr.abduction_sale"},
    # child-specific ILO indicators beyond schooling
    (IDENTIFICATION, "child_signs", "separated"): {"cd.isolation"},
    (IDENTIFICATION, "child_signs", "handed_over"): {"cr.abduction_sale"},
    (IDENTIFICATION, "child_signs", "hazardous_for_age"): {"ec.hazardous_work"},
    (IDENTIFICATION, "child_signs", "night_or_no_rest"): {"ec.excessive_hours"},
    (IDENTIFICATION, "child_signs", "under_minimum_age"): {"ec.labour_law_breach"},
    # abuse of vulnerability at destination, only as someone using it
    (IDENTIFICATION, "destination_abuse", "yes"): {"vd.dependency"},
    # the screening form: the same signs, shorter
    (SCREENING, "other_signs", "sold"): {"act.transfer", "cr.abduction_sale"},
    (SCREENING, "other_signs", "forced_sex"): {
        "cd.forced_tasks_clients",
        "purpose.sexual_exploitation",
    },
    (SCREENING, "other_signs", "online_sexual"): {
        "cd.forced_tasks_clients",
        "purpose.sexual_exploitation",
    },
    (SCREENING, "other_signs", "image_blackmail"): {"cd.family_inform_threat"},
    (SCREENING, "other_signs", "forced_crime"): {
        "cd.forced_illicit",
        "purpose.forced_criminality",
    },
    (SCREENING, "other_signs", "forced_marriage"): {"purpose.forced_marriage"},
    (SCREENING, "other_signs", "bride_kidnapping"): {
        "cr.abduction_sale",
        "purpose.forced_marriage",
    },
    (SCREENING, "other_signs", "organ"): {"purpose.organ_removal"},
    (SCREENING, "child_signs", "separated"): {"cd.isolation"},
    (SCREENING, "child_signs", "handed_over"): {"cr.abduction_sale"},
    (SCREENING, "child_signs", "hazardous_for_age"): {"ec.hazardous_work"},
    (SCREENING, "child_signs", "night_or_no_rest"): {"ec.excessive_hours"},
    (SCREENING, "child_signs", "under_minimum_age"): {"ec.labour_law_breach"},
    # outbound at-risk signs at the border
    (SCREENING, "outbound_signs", "documents_held"): {"cr.documents_confiscated"},
    (SCREENING, "outbound_signs", "no_contract"): {"rv.lack_of_information"},
    (SCREENING, "outbound_signs", "trip_debt"): {"cr.debt_bondage"},
    (SCREENING, "outbound_signs", "companion_controls"): {"rv.exploiter_control"},
    (SCREENING, "outbound_signs", "minor_unrelated"): {"act.transport"},
}
# (form, question, answer) -> exactly the flags it records (never an indicator)
NEW_FLAGS = {
    (form_id, "authority_measures", answer): {f"np.{answer}"}
    for form_id in (IDENTIFICATION, SCREENING)
    for answer in ("detained", "charged", "fined", "deported")
}


@pytest.fixture(scope="module")
def forms() -> dict[str, Form]:
    return {f: load_form(path_of(f)) for f in (SCREENING, IDENTIFICATION)}


def _only(form: Form, question: str, answer: str) -> Flow:
    state = answers_offering(form, form.question(question), answer)
    assert state is not None, (question, answer)
    return state


@pytest.mark.parametrize(("key", "ids"), sorted(NEW_SIGNS.items()))
def test_each_new_sign_records_its_ids(forms, key, ids) -> None:
    form_id, question, answer = key
    form = forms[form_id]
    assert set(form.question(question).indicators_for(answer)) == ids
    alone = _only(form, question, answer)
    others = dict(alone.answers)
    others.pop(question)
    before = flow(form, others).indicators()
    assert alone.indicators() - before == ids - before
    assert ids <= alone.indicators() and not alone.flags()


@pytest.mark.parametrize(("key", "flags"), sorted(NEW_FLAGS.items()))
def test_each_punishment_answer_records_its_flag_and_no_indicator(forms, key, flags) -> None:
    form_id, question, answer = key
    form = forms[form_id]
    state = _only(form, question, answer)
    assert state.flags() == flags
    assert not form.question(question).indicators
    assert not state.indicators() & {f for f in flags}


def test_the_punishment_questions_record_no_indicator(forms) -> None:
    for form in forms.values():
        for question in form.questions():
            if question.flags:
                assert question.indicators == (), question.name
    ident = forms[IDENTIFICATION]
    assert ident.question("forced_offences").indicators == ()


def _weighted(ids: tuple[str, ...]) -> list[str]:
    return [i for i in ids if not i.startswith(("act.", "purpose."))]


def test_not_paid_counts_once(forms) -> None:
    screening, ident = forms[SCREENING], forms[IDENTIFICATION]
    for form, question in ((screening, "unpaid_wages"), (ident, "pay")):
        assert set(form.question(question).indicators_for("not_paid")) == {"ec.low_or_no_salary"}
        assert _only(form, question, "not_paid").indicators() == {"ec.low_or_no_salary"}
    # held back so the person would not leave is another fact, with its own id
    assert screening.question("unpaid_wages").indicators_for("held_back") == ("cd.wages_withheld",)


def test_no_answer_records_two_weighted_ids(forms) -> None:
    """One fact, one weighted indicator (act.* and purpose.* are elements, not weights). The
    screening choice "violence and threats" names two facts and is the one exception."""
    for form in forms.values():
        for question in form.questions():
            for answer, ids in question.indicators:
                if (form.form_id, question.name, answer) == (SCREENING, "violence_threats", "both"):
                    continue
                assert len(_weighted(ids)) <= 1, (form.form_id, question.name, answer, ids)


def test_own_situation_never_records_abuse_of_vulnerability(forms) -> None:
    ident = forms[IDENTIFICATION]
    for question, where in (("situation_before", "rv."), ("destination_vulnerability", "vd.")):
        q = ident.question(question)
        every = [c for c in ident.choice_list(q.list_name or "").names()]
        every = [c for c in every if c not in ("none", "declined")]
        state = flow(ident, {"consent_interview": "given", question: every})
        found = state.indicators()
        assert found and all(i.startswith(where) for i in found), found
        assert not found & ABUSE, found
    # abuse ids come only from the answers that someone used the person's situation
    sources = {
        (form.form_id, q.name)
        for form in forms.values()
        for q in form.questions()
        for _answer, ids in q.indicators
        if set(ids) & ABUSE
    }
    assert sources == {
        (IDENTIFICATION, "recruiter_abuse"),
        (IDENTIFICATION, "destination_abuse"),
        (SCREENING, "outbound_signs"),
    }


def test_abuse_answers_say_someone_used_the_situation(forms) -> None:
    ident = forms[IDENTIFICATION]
    labels = {c.name: c.label.get("en") for c in ident.choice_list("recruiter_abuse").choices}
    for name in ("family_situation_abuse", "exploiter_control", "emotional_dependency"):
        assert labels[name].startswith("Used "), labels[name]
    assert labels["false_migration_info"].startswith("Told false")
    assert labels["false_law_info"].startswith("Gave false")
    assert (
        ident.question("destination_abuse").label.get("en").startswith("The people in control used")
    )
    outbound = forms[SCREENING].choice_list("outbound_signs").choice("companion_controls")
    assert outbound is not None and outbound.label.get("en").startswith("A companion controls")


def test_online_fraud_sector_and_the_new_countries(forms) -> None:
    ident = forms[IDENTIFICATION]
    assert "online_fraud" in ident.choice_list("sector").names()
    new = {"myanmar", "cambodia", "laos", "thailand", "syria", "iraq", "india"}
    for form in forms.values():
        countries = form.choice_list("country")
        assert new <= set(countries.names()), form.form_id
        assert all(dict(c.extra).get("iso") for c in countries.choices if c.name in new)


def test_sexual_acts_choose_the_sexual_weights(forms) -> None:
    ident, screening = forms[IDENTIFICATION], forms[SCREENING]
    base = {"consent_interview": "given", "exploitation_type": ["forced_labour"]}
    assert flow(ident, base).exploitation() == "labour"
    for answer in ("forced_sex", "client_quota", "webcam"):
        state = flow(ident, {**base, "sexual_exploitation_forms": [answer]})
        assert state.exploitation() == "sexual", answer
    blackmail = flow(ident, {**base, "sexual_exploitation_forms": ["image_blackmail"]})
    assert blackmail.exploitation() == "labour"
    assert flow(screening, {"other_signs": ["online_sexual"]}).exploitation() == "sexual"
    assert flow(screening, {"other_signs": ["forced_crime"]}).exploitation() == "labour"


def test_outbound_signs_only_for_a_traveller_leaving(forms) -> None:
    screening = forms[SCREENING]
    leaving = flow(screening, {"travel_direction": "leaving", "age_now": 30})
    assert leaving.is_relevant("outbound_signs")
    offered = [c.name for c in leaving.choices_for(screening.question("outbound_signs"))]
    assert "minor_unrelated" not in offered  # an adult is no minor with a stranger
    minor = flow(screening, {"travel_direction": "leaving", "age_now": 15})
    offered = [c.name for c in minor.choices_for(screening.question("outbound_signs"))]
    assert "minor_unrelated" in offered
    assert not flow(screening, {"travel_direction": "arriving"}).is_relevant("outbound_signs")


def test_child_signs_only_for_a_child(forms) -> None:
    ident, screening = forms[IDENTIFICATION], forms[SCREENING]
    adult = {"consent_interview": "given", "age_now": 30, "age_at_exploitation": 29}
    assert not flow(ident, adult).is_relevant("child_signs")
    assert flow(ident, {**adult, "age_at_exploitation": 16}).is_relevant("child_signs")
    assert not flow(screening, {"age_now": 30, "under_18_at_exploitation": "no"}).is_relevant(
        "child_signs"
    )
    assert flow(screening, {"age_now": 30, "under_18_at_exploitation": "yes"}).is_relevant(
        "child_signs"
    )


def test_personal_data_comes_after_the_story(forms) -> None:
    names = [s.name for s in forms[IDENTIFICATION].sections]
    assert names.index("personal") > max(
        names.index(s) for s in ("recruitment", "movement", "control", "exploitation", "place")
    )
    assert names.index("age") < names.index("recruitment")  # child rules are known early
    assert names[-1] == "officer_observations"


def test_no_question_kind_changed_for_stored_answers(forms) -> None:
    """Question names keep their kind from version 1, so statistics and stored answers keep
    their meaning."""
    for form_id, form in forms.items():
        old = load_form(archived_path(form_id, "1"))
        for question in old.questions():
            try:
                now = form.question(question.name)
            except KeyError:
                continue
            assert now.kind is question.kind or question.kind is Kind.NOTE, question.name


# -- what the new signs mean under the rules in force (version 2) --------------------------------

ADULT = {
    "consent_interview": "given",
    "age_now": 30,
    "age_at_exploitation": 29,
    "age_basis": "document",
}
STORIES = {
    # deceived into a scam compound abroad, passport taken, made to defraud people online
    "scam_compound": (
        {
            "recruited": "yes",
            "deception": ["nature_of_job"],
            "documents_held_by": "taken",
            "forced_acts": ["scams"],
            "sector": ["online_fraud"],
            "exploitation_country": "myanmar",
        },
        "presumed_victim",
    ),
    # promised a job, made to perform on a webcam
    "webcam": (
        {"deception": ["nature_of_job"], "sexual_exploitation_forms": ["webcam"]},
        "presumed_victim",
    ),
    # kidnapped for marriage
    "bride_kidnapping": ({"marriage": ["bride_kidnapping"]}, "presumed_victim"),
    # paid for a kidney, misled about the operation and not paid what was promised
    "organ_removal": (
        {"organ_removal": ["payment_offered", "misled_operation", "not_paid_promised"]},
        "presumed_victim",
    ),
    # an ordinary hard migration: poverty, an unknown place, long hours, low pay
    "own_situation_only": (
        {
            "situation_before": ["economic", "family_situation", "lack_of_information"],
            "destination_vulnerability": ["unknown_area", "economic", "family_situation"],
            "daily_hours": "over12",
            "pay": "less",
        },
        "possible_victim",
    ),
}


@pytest.mark.parametrize("story", sorted(STORIES))
def test_the_new_signs_under_the_rules_in_force(forms, story) -> None:
    answers, expected = STORIES[story]
    state = flow(forms[IDENTIFICATION], {**ADULT, **answers})
    result = assess(state.indicators(), child=state.child(), exploitation=state.exploitation())
    assert result.recommendation == expected, (story, sorted(state.indicators()))


def test_punishment_never_changes_the_recommendation(forms) -> None:
    ident = forms[IDENTIFICATION]
    for answers, _expected in STORIES.values():
        plain = flow(ident, {**ADULT, **answers})
        punished = flow(
            ident,
            {
                **ADULT,
                **answers,
                "forced_offences": ["irregular_border"],
                "authority_measures": ["detained", "deported"],
            },
        )
        assert punished.flags() and not plain.flags()
        assert punished.indicators() == plain.indicators()
