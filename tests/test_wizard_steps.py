"""Steps of the self-screening wizard (AppTest): progress, checks, branching, Back, multis."""

from __future__ import annotations

from typing import Any

from screening.questionnaire import load_questionnaire
from tests.conftest import vignette
from tests.wizard_driver import (
    add_trial,
    back_step,
    click,
    complete,
    element_keys,
    fill_step,
    go_to_step,
    new_app,
    next_step,
    problem_after,
    run,
    set_trial,
    shown_ids,
    start,
    state_answers,
    step,
    view,
)
from ui.wizard import state as S
from ui.wizard.checks import step_problems

QN = load_questionnaire()


def at_step(section_id: str, answers: dict[str, Any] | None = None) -> Any:
    """A session on one step, every earlier step answered from typical-trd (or ``answers``)."""
    at = new_app()
    start(at)
    return go_to_step(at, section_id, answers or vignette("typical-trd"))


def title(at: Any) -> str:
    """The page heading."""
    return str(at.title[0].value)


def test_first_step_shows_progress_and_title() -> None:
    """The first step is headed "Step 1 of 9 — About you"."""
    at = new_app()
    start(at)
    assert title(at) == "Step 1 of 9 — About you"


def test_empty_step_does_not_advance() -> None:
    """Next on an unanswered step stays on it."""
    at = new_app()
    start(at)
    next_step(at)
    assert (view(at), step(at)) == ("step", "about")


def test_empty_step_marks_each_field() -> None:
    """Each missing answer gets its own message right after its field, in words."""
    at = new_app()
    start(at)
    next_step(at)
    assert problem_after(at, "q:age_years") == "Please enter an age from 10 to 120 years."
    assert problem_after(at, "q:sex_at_birth") == "Please choose an answer."
    assert problem_after(at, "q:pregnancy_status") == "Please choose an answer."
    assert problem_after(at, "q:display_name") is None


def test_empty_step_summarises_the_problems() -> None:
    """A message at the top of the step names each answer that needs attention, each a
    link to its question."""
    at = new_app()
    start(at)
    next_step(at)
    assert at.error[0].value.splitlines() == [
        "**3 answers need your attention** before you go on:",
        "- [How old are you?](#answer-age_years)",
        "- [What sex were you assigned at birth?](#answer-sex_at_birth)",
        "- [Are you pregnant, planning a pregnancy, or breastfeeding?](#answer-pregnancy_status)",
    ]


def test_messages_go_once_answered() -> None:
    """After a failed Next, answering a question removes its message straight away."""
    at = new_app()
    start(at)
    next_step(at)
    at.text_input(key="q:age_years").set_value("30")
    run(at)
    assert problem_after(at, "q:age_years") is None
    assert problem_after(at, "q:sex_at_birth") == "Please choose an answer."


def test_no_messages_before_next() -> None:
    """A fresh step shows no problems until Next is pressed."""
    at = new_app()
    start(at)
    assert len(at.error) == 0


def test_complete_step_advances() -> None:
    """A fully answered step moves on to the next one."""
    at = new_app()
    start(at)
    fill_step(at, vignette("typical-trd"))
    next_step(at)
    assert title(at) == "Step 2 of 9 — How you have been feeling"


def test_back_keeps_answers() -> None:
    """Going Back shows the earlier step with its answers still there."""
    at = at_step("phq9")
    back_step(at)
    assert step(at) == "about"
    assert at.text_input(key="q:age_years").value == "40"
    assert at.radio(key="q:sex_at_birth").value == "female"


def test_back_and_next_keep_later_answers() -> None:
    """Answers of a step survive going back two steps and forward again."""
    at = at_step("history")
    at.radio(key="q:dx_depression").set_value("yes")
    run(at)
    back_step(at)
    back_step(at)
    next_step(at)
    next_step(at)
    assert at.radio(key="q:dx_depression").value == "yes"


def test_answers_survive_visiting_another_page() -> None:
    """Answers and the step are still there after opening the About page and coming back."""
    at = at_step("phq9")
    at.switch_page("ui/about.py")
    run(at)
    at.switch_page("ui/self_screening.py")
    run(at)
    assert step(at) == "phq9"
    assert state_answers(at)["age_years"] == 40


def test_back_from_first_step_returns_to_start() -> None:
    """Back on the first step goes to the start page."""
    at = new_app()
    start(at)
    back_step(at)
    assert view(at) == "start"


def test_pregnancy_question_hidden_for_male() -> None:
    """The pregnancy question disappears as soon as "Male" is chosen."""
    at = new_app()
    start(at)
    at.radio(key="q:sex_at_birth").set_value("male")
    run(at)
    assert "pregnancy_status" not in shown_ids(at)


def test_pregnancy_question_shown_for_female() -> None:
    """The pregnancy question is shown when "Female" is chosen."""
    at = new_app()
    start(at)
    at.radio(key="q:sex_at_birth").set_value("female")
    run(at)
    assert "pregnancy_status" in shown_ids(at)


def test_hidden_answer_does_not_reach_the_result() -> None:
    """An answer given, then hidden by a later change, is not in the answers or the findings."""
    answers = vignette("typical-trd")
    at = new_app()
    start(at)
    fill_step(at, answers | {"pregnancy_status": "pregnant"})
    at.radio(key="q:sex_at_birth").set_value("male")
    run(at)
    complete(at, answers | {"sex_at_birth": "male"})
    assert "pregnancy_status" not in state_answers(at)
    assert "finding-F-PREGNANCY" not in element_keys(at)
    assert "finding-F-TRD-PATTERN" in element_keys(at)


def test_difficulty_question_appears_when_any_item_positive() -> None:
    """The PHQ-9 difficulty question appears once any item is above "Not at all"."""
    at = at_step("phq9")
    assert "phq9_difficulty" not in shown_ids(at)
    at.radio(key="q:phq9_3").set_value(1)
    run(at)
    assert "phq9_difficulty" in shown_ids(at)


def test_no_safety_step_when_item9_is_zero() -> None:
    """With PHQ-9 item 9 at "Not at all", the step after PHQ-9 is the history step."""
    at = at_step("phq9")
    fill_step(at, vignette("typical-trd"))
    next_step(at)
    assert title(at) == "Step 3 of 9 — Your depression"


def test_safety_step_appears_when_item9_positive() -> None:
    """With PHQ-9 item 9 above zero, the safety step comes next and the count grows to 10."""
    at = at_step("phq9")
    fill_step(at, vignette("item9-passive"))
    next_step(at)
    assert title(at) == "Step 3 of 10 — Your safety"


def test_psychosis_follow_up_shown_for_unsure() -> None:
    """ "Unsure" about psychosis shows the question about the current episode."""
    at = at_step("history")
    at.radio(key="q:psychosis_history").set_value("unsure")
    run(at)
    assert "psychosis_current" in shown_ids(at)


def test_psychosis_follow_up_hidden_for_no() -> None:
    """ "No" psychosis hides the question about the current episode."""
    at = at_step("history")
    at.radio(key="q:psychosis_history").set_value("no")
    run(at)
    assert "psychosis_current" not in shown_ids(at)


def test_alcohol_follow_ups_hidden_for_never() -> None:
    """AUDIT-C questions 2 and 3 are hidden when question 1 is "Never"."""
    at = at_step("substances")
    at.radio(key="q:auditc_1").set_value(0)
    run(at)
    assert {"auditc_2", "auditc_3"}.isdisjoint(shown_ids(at))


def test_prior_ketamine_follow_up_shown_when_ticked() -> None:
    """Ticking a past ketamine treatment asks how it went."""
    at = at_step("treatment")
    at.checkbox(key=S.option_key("prior_ketamine", "iv_ketamine")).check()
    run(at)
    assert "prior_ketamine_benefit" in shown_ids(at)


def test_unanswered_multi_is_missing() -> None:
    """A multi question with nothing ticked is missing, not "none"."""
    answers = vignette("typical-trd")
    del answers["heart_conditions"]
    at = at_step("medical", answers)
    fill_step(at, answers)
    next_step(at)
    assert step(at) == "medical"
    assert "heart_conditions" not in state_answers(at)


def test_unanswered_multi_message_offers_none() -> None:
    """The message for an unanswered multi points to "None of these"."""
    answers = vignette("typical-trd")
    del answers["heart_conditions"]
    at = at_step("medical", answers)
    fill_step(at, answers)
    next_step(at)
    none_box = S.none_key("heart_conditions")
    assert problem_after(at, none_box) == "Please choose at least one answer, or “None of these”."


def test_none_of_these_is_an_empty_list() -> None:
    """Ticking "None of these" answers [] (a real answer)."""
    at = at_step("medical")
    at.checkbox(key=S.none_key("heart_conditions")).check()
    run(at)
    assert state_answers(at)["heart_conditions"] == []


def test_ticking_an_option_unticks_none() -> None:
    """Ticking an option after "None of these" leaves only that option."""
    at = at_step("medical")
    at.checkbox(key=S.none_key("brain_conditions")).check()
    run(at)
    at.checkbox(key=S.option_key("brain_conditions", "seizures")).check()
    run(at)
    assert state_answers(at)["brain_conditions"] == ["seizures"]
    assert at.checkbox(key=S.none_key("brain_conditions")).value is False


def test_ticking_none_unticks_options() -> None:
    """Ticking "None of these" after options clears them."""
    at = at_step("medical")
    at.checkbox(key=S.option_key("other_conditions", "glaucoma")).check()
    run(at)
    at.checkbox(key=S.none_key("other_conditions")).check()
    run(at)
    assert state_answers(at)["other_conditions"] == []


def test_no_trials_box_answers_empty_list() -> None:
    """ "I have not taken any antidepressant" answers [] for the trials."""
    at = at_step("treatment")
    at.checkbox(key=S.none_key("ad_trials")).check()
    run(at)
    assert state_answers(at)["ad_trials"] == []


def test_no_trials_box_hidden_once_a_row_exists() -> None:
    """The "none" box is replaced by the rows once an antidepressant is added."""
    at = at_step("treatment")
    add_trial(at)
    assert all(c.key != S.none_key("ad_trials") for c in at.checkbox)


def test_other_medication_shows_a_name_box() -> None:
    """Choosing "Other" in the picker asks for the medicine's name."""
    at = at_step("treatment")
    row = add_trial(at)
    set_trial(at, row, {"medication": "other"})
    assert any(t.key == S.trial_key(row, "medication_other") for t in at.text_input)


def test_medication_picker_shows_brands() -> None:
    """The picker lists generic names with their brand names."""
    at = at_step("treatment")
    row = add_trial(at)
    picker = at.selectbox(key=S.trial_key(row, "medication"))
    assert "Sertraline (Zoloft, Lustral)" in picker.options


def test_incomplete_trial_is_marked_on_its_row() -> None:
    """A row without its weeks does not pass, and the message sits under the weeks field."""
    answers = vignette("typical-trd")
    at = at_step("treatment")
    row = add_trial(at)
    set_trial(at, row, {k: v for k, v in answers["ad_trials"][0].items() if k != "weeks"})
    fill_step(at, {k: v for k, v in answers.items() if k != "ad_trials"})
    next_step(at)
    assert step(at) == "treatment"
    assert problem_after(at, S.trial_key(row, "weeks")) == (
        "Please enter a number of weeks from 0 to 1040."
    )


def test_adequate_trial_explained_on_the_step() -> None:
    """The treatment step explains in plain words what counts as a full trial."""
    at = at_step("treatment")
    assert any("at least 6 weeks" in i.value for i in at.info)


def test_row_note_says_when_a_trial_counts() -> None:
    """A complete 8-week trial taken as prescribed is said to count as a full trial."""
    answers = vignette("typical-trd")
    at = at_step("treatment")
    row = add_trial(at)
    set_trial(at, row, answers["ad_trials"][0])
    assert any("counts as a full trial" in c.value for c in at.caption)


def test_review_lists_every_section_with_edit() -> None:
    """The review shows an Edit button for every step."""
    at = new_app()
    start(at)
    complete(at, vignette("typical-trd"))
    click(at, "wiz:to_review")
    edits = {b.key for b in at.button if b.key.startswith("wiz:edit:")}
    assert edits == {f"wiz:edit:{s.id}" for s in QN.sections if s.id != "safety"}


def test_edit_jumps_to_its_step_and_back() -> None:
    """Edit opens that step; "Save and return to the review" comes back."""
    at = new_app()
    start(at)
    complete(at, vignette("typical-trd"))
    click(at, "wiz:to_review")
    click(at, "wiz:edit:medical")
    assert (view(at), step(at)) == ("step", "medical")
    click(at, "wiz:return")
    assert view(at) == "review"


def test_review_shows_answers_in_words() -> None:
    """The review shows answers by their labels, not their codes."""
    at = new_app()
    start(at)
    complete(at, vignette("typical-trd"))
    click(at, "wiz:to_review")
    text = "\n".join(m.value for m in at.markdown)
    assert "13 months to 2 years" in text
    assert "13_to_24m" not in text


def test_step_problems_refuses_out_of_range_numbers() -> None:
    """A number outside its range is refused on the server, with the range in words."""
    problems = step_problems({"age_years": 130}, QN, "about")
    assert problems["age_years"] == (
        "That number is outside the range of this question. Please enter an age from 10 to "
        "120 years."
    )


def test_step_problems_refuses_unknown_codes() -> None:
    """A code that is not an option is refused on the server."""
    problems = step_problems({"sex_at_birth": "robot"}, QN, "about")
    assert problems["sex_at_birth"] == "Please choose one of the answers shown."


def test_step_problems_only_for_that_step() -> None:
    """Problems of other steps are not reported on this one."""
    problems = step_problems({"age_years": 130}, QN, "phq9")
    assert "age_years" not in problems


def test_bp_bottom_number_needed_with_top_number() -> None:
    """Giving the top blood-pressure number makes the bottom number needed."""
    problems = step_problems(vignette("typical-trd") | {"bp_systolic": 150}, QN, "medical")
    assert problems == {"bp_diastolic": "Please add this number too, or clear the number above."}
