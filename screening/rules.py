"""The finding catalogue (content spec §5) and ``evaluate()`` (spec §6).

One frozen ``Rule`` per finding: id, kind, title, the text a patient reads, the text a
clinician reads, the source, and a small named predicate that also names the ids it
reads. The kinds and predicates are in ``screening.catalogue``; the words are data in
``screening/data/findings.toml``. docs/RULES.md is generated from the joined records.

Texts never say eligible, ineligible, qualifies, candidate or diagnosis: the outcome
is information to discuss with a clinician, not a decision.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal, NamedTuple, get_args

from pydantic import BaseModel, ConfigDict, ValidationError

from screening.answers import prune_and_find_missing
from screening.catalogue import KINDS, LOGIC, Kind
from screening.errors import AnswerPath, ScreeningError
from screening.predicates import Predicate
from screening.questionnaire import Questionnaire, load_questionnaire
from screening.scoring import Scores, compute_scores

__all__ = [
    "CATALOGUE",
    "DISCLAIMER",
    "KINDS",
    "KIND_TITLES",
    "ORDERED_CATALOGUE",
    "OUTCOMES",
    "RULES_VERSION",
    "RULE_BY_ID",
    "Finding",
    "Kind",
    "Outcome",
    "Result",
    "Rule",
    "choose_outcome",
    "evaluate",
    "evaluate_pruned",
    "patient_words",
]

RULES_VERSION = "1.1.0"
TEXTS_PATH = Path(__file__).resolve().parent / "data" / "findings.toml"
#: The patient words in other languages (clinician texts and sources stay English).
TRANSLATED_TEXTS = {"es": TEXTS_PATH.with_name("findings.es.toml")}

Outcome = Literal[
    "seek_help_now",
    "incomplete",
    "clinician_review_first",
    "discuss_ketamine",
    "discuss_other_options",
]


@dataclass(frozen=True, slots=True)
class Rule:
    """One reviewable finding rule."""

    id: str
    kind: Kind
    title: str
    patient: str
    clinician: str
    source: str
    when: Predicate

    @property
    def reads(self) -> tuple[str, ...]:
        """Question ids and score keys this rule reads."""
        return self.when.reads()


@dataclass(frozen=True, slots=True)
class OutcomeText:
    """How an outcome is said to the person, and when it applies (in words)."""

    code: Outcome
    title: str
    text: str
    when: str


class Finding(NamedTuple):
    """A rule that fired, with the answers that made it fire."""

    id: str
    kind: Kind
    title: str
    detail: str
    source: str
    evidence: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The record-file form (spec §7)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "detail": self.detail,
            "source": self.source,
            "evidence": self.evidence,
        }


class Result(NamedTuple):
    """Everything the answers mean: outcome, crisis, scores, findings, missing paths, and
    the pruned answers they were computed from."""

    outcome: Outcome
    crisis: bool
    scores: Scores
    findings: tuple[Finding, ...]
    missing: tuple[AnswerPath, ...]
    answers: dict[str, Any]
    rules_version: str = RULES_VERSION

    @property
    def urgent(self) -> bool:
        """F-URGENT fired: a plan, intent or recent self-harm was reported."""
        return any(f.id == "F-URGENT" for f in self.findings)

    @property
    def finding_ids(self) -> tuple[str, ...]:
        """Ids of the findings, in display order."""
        return tuple(f.id for f in self.findings)

    def by_kind(self, kind: str) -> tuple[Finding, ...]:
        """The findings of one kind."""
        return tuple(f for f in self.findings if f.kind == kind)

    def to_dict(self) -> dict[str, Any]:
        """The ``result`` object of the record file (spec §7)."""
        return {
            "outcome": self.outcome,
            "crisis": self.crisis,
            "scores": dict(self.scores),
            "findings": [f.to_dict() for f in self.findings],
            "missing": [str(p) for p in self.missing],
            "rules_version": self.rules_version,
        }


# --------------------------------------------------------------------------- the words


class _Words(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class _FindingWords(_Words):
    title: str
    patient: str
    clinician: str
    source: str


class _OutcomeWords(_Words):
    title: str
    text: str
    when: str


class _Texts(_Words):
    disclaimer: str
    sources: dict[str, str]
    kinds: dict[str, str]
    outcomes: dict[Outcome, _OutcomeWords]
    findings: dict[str, _FindingWords]


def _check_worded(texts: _Texts | _PatientTexts, where: str) -> None:
    """Every kind, outcome and finding of the catalogue worded, nothing extra."""
    ids = [rule_id for rule_id, _, _ in LOGIC]
    lacking = [i for i in ids if i not in texts.findings]
    lacking += [k for k in KINDS if k not in texts.kinds]
    lacking += [o for o in get_args(Outcome) if o not in texts.outcomes]
    extra = [i for i in texts.findings if i not in ids]
    extra += [k for k in texts.kinds if k not in KINDS]
    if lacking or extra:
        raise ScreeningError(
            f"{where}: the words do not match screening/catalogue.py: missing "
            f"{', '.join(lacking) or 'none'}; not in the catalogue {', '.join(extra) or 'none'}"
        )


def _load_texts(path: Path) -> _Texts:
    """The words file, checked: every kind, outcome and finding worded, nothing extra."""
    where = path.name
    try:
        texts = _Texts.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ScreeningError(f"{where}: cannot be used: {exc}") from None
    _check_worded(texts, where)
    return texts


def _source(text: str, sources: Mapping[str, str]) -> str:
    for key, value in sources.items():
        text = text.replace("{" + key + "}", value)
    return text


_TEXTS = _load_texts(TEXTS_PATH)

CATALOGUE: tuple[Rule, ...] = tuple(
    Rule(
        rule_id,
        kind,
        words.title,
        words.patient,
        words.clinician,
        _source(words.source, _TEXTS.sources),
        when,
    )
    for rule_id, kind, when in LOGIC
    for words in (_TEXTS.findings[rule_id],)
)
RULE_BY_ID: dict[str, Rule] = {r.id: r for r in CATALOGUE}
ORDERED_CATALOGUE: tuple[Rule, ...] = tuple(
    sorted(CATALOGUE, key=lambda r: KINDS.index(r.kind))  # stable: catalogue order within a kind
)
KIND_TITLES: dict[str, str] = dict(_TEXTS.kinds)
OUTCOMES: dict[str, OutcomeText] = {
    code: OutcomeText(code, o.title, o.text, o.when) for code, o in _TEXTS.outcomes.items()
}
DISCLAIMER = _TEXTS.disclaimer
LABEL = _TEXTS.sources["label"]
_REVIEW_IDS = frozenset(r.id for r in CATALOGUE if r.kind == "review")


# --------------------------------------------------------------------------- other languages


class _PatientFinding(_Words):
    title: str
    patient: str


class _PatientOutcome(_Words):
    title: str
    text: str


class _PatientTexts(_Words):
    disclaimer: str
    kinds: dict[str, str]
    outcomes: dict[Outcome, _PatientOutcome]
    findings: dict[str, _PatientFinding]


@dataclass(frozen=True, slots=True)
class PatientWords:
    """What a person reads in one language: the disclaimer, kind headings, outcome title
    and text, and each finding's title and patient text, by id."""

    language: str
    disclaimer: str
    kinds: Mapping[str, str]
    outcomes: Mapping[str, tuple[str, str]]
    findings: Mapping[str, tuple[str, str]]

    def finding(self, finding_id: str) -> tuple[str, str]:
        """(title, patient text) of a finding."""
        return self.findings[finding_id]


def _english_words() -> PatientWords:
    return PatientWords(
        "en",
        DISCLAIMER,
        KIND_TITLES,
        {code: (o.title, o.text) for code, o in OUTCOMES.items()},
        {r.id: (r.title, r.patient) for r in CATALOGUE},
    )


def _load_patient_texts(path: Path, language: str) -> PatientWords:
    """A translation of the patient words, checked: every kind, outcome and finding."""
    where = path.name
    try:
        texts = _PatientTexts.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ScreeningError(f"{where}: cannot be used: {exc}") from None
    _check_worded(texts, where)
    return PatientWords(
        language,
        texts.disclaimer,
        dict(texts.kinds),
        {code: (o.title, o.text) for code, o in texts.outcomes.items()},
        {fid: (f.title, f.patient) for fid, f in texts.findings.items()},
    )


def patient_words(language: str = "en") -> PatientWords:
    """The patient words of ``language`` (English for an unknown one); read once."""
    return _patient_words(language if language in TRANSLATED_TEXTS else "en")


@cache
def _patient_words(language: str) -> PatientWords:
    if language == "en":
        return _english_words()
    return _load_patient_texts(TRANSLATED_TEXTS[language], language)


# --------------------------------------------------------------------------- evaluating


def evaluate(answers: Mapping[str, Any], questionnaire: Questionnaire | None = None) -> Result:
    """The result of validated answers: prune, score, fire findings, choose the outcome.

    Findings are evaluated even when answers are missing: a positive PHQ-9 item 9
    raises F-CRISIS-RESOURCES on a half-finished questionnaire.
    """
    kept, missing = prune_and_find_missing(answers, questionnaire or load_questionnaire())
    return evaluate_pruned(kept, missing)


def evaluate_pruned(kept: dict[str, Any], missing: Sequence[AnswerPath]) -> Result:
    """``evaluate`` of answers that are already pruned, given their missing required paths
    (as ``prune_and_find_missing`` returns them)."""
    scores = compute_scores(kept)
    facts = {**kept, **scores}
    findings = tuple(
        Finding(rule.id, rule.kind, rule.title, rule.patient, rule.source, evidence)
        for rule in ORDERED_CATALOGUE
        if (evidence := rule.when(facts)) is not None
    )
    fired = {f.id for f in findings}
    return Result(
        outcome=choose_outcome(fired, bool(missing)),
        crisis="F-CRISIS-RESOURCES" in fired,
        scores=scores,
        findings=findings,
        missing=tuple(missing),
        answers=kept,
    )


def choose_outcome(fired: set[str], incomplete: bool) -> Outcome:
    """Spec §6 from the ids of the findings that fired: first match wins."""
    if "F-URGENT" in fired:
        return "seek_help_now"
    if incomplete:
        return "incomplete"
    if not fired.isdisjoint(_REVIEW_IDS) or "F-CRISIS-RESOURCES" in fired:
        return "clinician_review_first"  # crisis resources shown: never less than this
    if {"F-TRD-PATTERN", "F-SYMPTOMS-MODERATE", "F-DIAGNOSED"} <= fired:
        return "discuss_ketamine"
    return "discuss_other_options"
