"""Load and check the questionnaire (``questions/*.toml``) into frozen models.

The file is data reviewed like code. Every mistake is reported with the file,
the place inside it and how to fix it, for example::

    questions/ketamine-candidacy.toml › questions[12] (pregnancy_status) › options[1].code:
    'yess' is listed twice; every code of a question must be unique
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Sequence
from functools import cache, cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from screening.errors import QuestionnaireError

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "questions" / "ketamine-candidacy.toml"

QuestionType = Literal["integer", "single", "multi", "ynu", "ynp", "text", "repeat"]
Operator = Literal["exists", "=", "!=", ">", ">=", "<", "<="]
Code = str | int

YNU_OPTIONS = (("yes", "Yes"), ("no", "No"), ("unsure", "Unsure"))
YNP_OPTIONS = (("yes", "Yes"), ("no", "No"), ("prefer_not_to_say", "Prefer not to say"))
OTHER_MEDICATION = "other"

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class Option(_Frozen):
    """One answer choice: the stored ``code`` and the ``label`` people read."""

    code: Code
    label: Text


class Condition(_Frozen):
    """One FHIR-style enableWhen condition on an earlier question."""

    question: Identifier
    operator: Operator
    value: Code | bool


class Medication(_Frozen):
    """An antidepressant of the trial picker."""

    code: Identifier
    name: Text
    drug_class: str = Field(alias="class", min_length=1)
    brands: tuple[str, ...] = ()

    @property
    def picker_label(self) -> str:
        """Generic name with brands, e.g. ``Sertraline (Zoloft, Lustral)``."""
        return f"{self.name} ({', '.join(self.brands)})" if self.brands else self.name


class Question(_Frozen):
    """A question (or a sub-question of a repeat)."""

    id: Identifier
    section: Identifier | None = None
    type: QuestionType
    text: Text
    short: Text | None = None  # a few words for staff (PDF, evidence); the text when absent
    help: Text | None = None
    required: bool
    enabled_when: tuple[Condition, ...] = ()
    enabled_behavior: Literal["all", "any"] = "all"
    required_when: tuple[Condition, ...] = ()
    options: tuple[Option, ...] | Identifier = ()
    min: int | None = None
    max: int | None = None
    unit: str | None = None
    max_length: int | None = Field(default=None, ge=1, le=10000)
    multiline: bool = False
    none_label: Text | None = None
    min_items: int | None = Field(default=None, ge=0)
    max_items: int | None = Field(default=None, ge=1, le=100)
    item_label: Text | None = None
    items: tuple[Question, ...] = ()
    # The yes/no/unsure (or prefer not to say) choices in the questionnaire's language; set
    # by a translation (screening.questionnaire_i18n), English when empty.
    implicit_options: tuple[Option, ...] = ()

    @property
    def short_label(self) -> str:
        """A few words naming the question for staff (``Age``), else its text."""
        return self.short or self.text

    @property
    def choices(self) -> tuple[Option, ...]:
        """The options, with the implicit ones of ynu/ynp questions."""
        if self.implicit_options and self.type in ("ynu", "ynp"):
            return self.implicit_options
        if self.type == "ynu":
            return tuple(Option(code=c, label=lbl) for c, lbl in YNU_OPTIONS)
        if self.type == "ynp":
            return tuple(Option(code=c, label=lbl) for c, lbl in YNP_OPTIONS)
        assert not isinstance(self.options, str), "options are resolved at load"
        return self.options

    @cached_property
    def codes(self) -> frozenset[Code]:
        """Every valid code of a choice question."""
        return frozenset(o.code for o in self.choices)

    @cached_property
    def codes_in_order(self) -> tuple[Code, ...]:
        """Every valid code, in the order of the options."""
        return tuple(o.code for o in self.choices)

    @cached_property
    def labels(self) -> dict[Code, str]:
        """Label of each code."""
        return {o.code: o.label for o in self.choices}

    def label_of(self, code: Code) -> str:
        """The label of ``code``, or the code itself when it is unknown."""
        return self.labels.get(code, str(code))

    @property
    def is_choice(self) -> bool:
        """A question answered by codes (single, multi, ynu, ynp)."""
        return self.type in ("single", "multi", "ynu", "ynp")

    @cached_property
    def item_by_id(self) -> dict[str, Question]:
        """Sub-questions of a repeat, by id."""
        return {q.id: q for q in self.items}


class Section(_Frozen):
    """A step of the questionnaire."""

    id: Identifier
    title: Text
    intro: Text | None = None
    attribution: Text | None = None
    enabled_when: tuple[Condition, ...] = ()
    enabled_behavior: Literal["all", "any"] = "all"


class Questionnaire(_Frozen):
    """The whole questionnaire, checked and with option sets resolved."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$", max_length=60)
    language: Literal["en", "es"] = "en"
    other_medication: Text = "Other (not listed)"
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    title: Text
    minutes: int = Field(ge=1, le=120)
    medications: tuple[Medication, ...]
    sections: tuple[Section, ...]
    questions: tuple[Question, ...]
    option_sets: dict[Identifier, tuple[Option, ...]] = Field(default_factory=dict)

    @cached_property
    def by_id(self) -> dict[str, Question]:
        """Top-level questions by id."""
        return {q.id: q for q in self.questions}

    @cached_property
    def section_by_id(self) -> dict[str, Section]:
        """Sections by id."""
        return {s.id: s for s in self.sections}

    @cached_property
    def medication_by_code(self) -> dict[str, Medication]:
        """Medications of the trial picker by code."""
        return {m.code: m for m in self.medications}

    def question(self, question_id: str) -> Question:
        """The top-level question ``question_id`` (KeyError when unknown)."""
        return self.by_id[question_id]

    def in_section(self, section_id: str) -> tuple[Question, ...]:
        """The questions of one section, in order."""
        return tuple(q for q in self.questions if q.section == section_id)

    def walk(self) -> Iterator[tuple[str, Question]]:
        """Every question and sub-question with its path (``ad_trials.weeks``)."""
        for q in self.questions:
            yield q.id, q
            for sub in q.items:
                yield f"{q.id}.{sub.id}", sub


# --------------------------------------------------------------------------- loading


def load_questionnaire(path: Path | None = None, language: str = "en") -> Questionnaire:
    """Load and check a questionnaire file (the bundled one by default); cached per path.

    ``language`` other than English applies the sibling translation file
    (``questions/x.es.toml``, see ``screening.questionnaire_i18n``): the same ids, codes and
    logic, the words in that language. An unknown language gives the English one.
    """
    lang = language if language in ("en", "es") else "en"
    if path is None:
        return _load_default(lang)
    return _load(Path(path).resolve(), lang)


@cache
def _load_default(language: str = "en") -> Questionnaire:
    # Resolving a path touches the file system: pages ask for the questionnaire many
    # times per rerun, so the bundled one is resolved once.
    return _load(Path(DEFAULT_PATH).resolve(), language)


def _read_toml(path: Path) -> tuple[dict[str, object], str]:
    name = _display_name(path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")), name
    except FileNotFoundError:
        raise QuestionnaireError(f"{name}: file not found; check the path") from None
    except UnicodeDecodeError as exc:
        raise QuestionnaireError(
            f"{name}: not UTF-8 text (byte {exc.start}); save the file as UTF-8"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise QuestionnaireError(f"{name}: not valid TOML: {exc}; fix the syntax there") from None


@cache
def _load(path: Path, language: str = "en") -> Questionnaire:
    raw, name = _read_toml(path)
    if language != "en":
        from screening.questionnaire_i18n import apply_translation, translation_path

        translation, tr_name = _read_toml(translation_path(path, language))
        raw = apply_translation(raw, translation, language, tr_name)
    return parse_questionnaire(raw, name)


def parse_questionnaire(raw: object, name: str = "questionnaire") -> Questionnaire:
    """Check a questionnaire given as parsed TOML/JSON data; ``name`` prefixes messages."""
    if not isinstance(raw, dict):
        raise QuestionnaireError(f"{name}: expected a table at the top level")
    raw = _resolve_option_sets(raw, name)
    try:
        questionnaire = Questionnaire.model_validate(raw, strict=False)
    except ValidationError as exc:
        raise QuestionnaireError(_format_validation(exc, raw, name)) from None
    from screening.questionnaire_checks import check

    problems = list(check(questionnaire))
    if problems:
        shown = "\n".join(f"{name} › {p}" for p in problems)
        raise QuestionnaireError(shown)
    return questionnaire


def _display_name(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _resolve_option_sets(raw: dict[str, object], name: str) -> dict[str, object]:
    """Replace ``options = "set_name"`` by the named set (``medications`` is built in)."""
    sets = raw.get("option_sets", {})
    meds = raw.get("medications", [])
    other = raw.get("other_medication", "Other (not listed)")
    if not isinstance(sets, dict) or not isinstance(meds, list):
        return raw  # the model reports the wrong type with its place

    def resolve(q: object, where: str) -> object:
        if not isinstance(q, dict):
            return q
        q = dict(q)
        opts = q.get("options")
        if opts == "medications":
            q["options"] = [
                {"code": m.get("code"), "label": _med_label(m)} for m in meds if isinstance(m, dict)
            ] + [{"code": OTHER_MEDICATION, "label": other}]
        elif isinstance(opts, str):
            if opts not in sets:
                known = ", ".join(["medications", *sets]) or "none"
                raise QuestionnaireError(
                    f"{name} › {where}.options: '{opts}' is not an option set; "
                    f"use one of {known} or list the options"
                )
            q["options"] = sets[opts]
        if isinstance(q.get("items"), list):
            q["items"] = [resolve(s, f"{where}.items[{i}]") for i, s in enumerate(q["items"])]
        return q

    questions = raw.get("questions")
    if not isinstance(questions, list):
        return raw
    out = dict(raw)
    out["questions"] = [resolve(q, f"questions[{i}]") for i, q in enumerate(questions)]
    return out


def _med_label(m: dict[str, object]) -> str:
    brands = m.get("brands") or []
    name = str(m.get("name", m.get("code")))
    if isinstance(brands, list) and brands:
        return f"{name} ({', '.join(str(b) for b in brands)})"
    return name


def _format_validation(exc: ValidationError, raw: dict[str, object], name: str) -> str:
    lines = []
    for err in exc.errors()[:10]:
        where = _loc(err["loc"], raw)
        got = err.get("input")
        hint = _HINTS.get(err["type"], "")
        shown = "" if isinstance(got, dict | list) else f" (found {got!r})"
        lines.append(f"{name} › {where}: {err['msg']}{shown}{hint}")
    return "\n".join(lines)


_HINTS = {
    "extra_forbidden": "; remove it or check its spelling",
    "missing": "; add it",
    "literal_error": "",
    "string_pattern_mismatch": "; use lower-case letters, digits and _",
}


def _loc(loc: Sequence[int | str], raw: object) -> str:
    """Render a pydantic location like ``questions[12] (age_years) › options[1].code``."""
    out = ""
    node: object = raw
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                out += f" ({node['id']}) ›"
        else:
            if out and not out.endswith("›"):
                out += "."
            out += f" {part}" if out.endswith("›") else part
            node = node.get(part) if isinstance(node, dict) else None
    return out.rstrip(" ›")
