"""No outcome, finding or question text says eligible, qualifies, candidate or diagnosis."""

from __future__ import annotations

import re

import pytest

from screening.questionnaire import load_questionnaire
from screening.rules import CATALOGUE, DISCLAIMER, KIND_TITLES, OUTCOMES

BANNED = re.compile(r"eligib|ineligib|qualif|candida|diagnos", re.IGNORECASE)


def banned_words(text: str) -> list[str]:
    """Banned words in text, allowing only 'not a diagnosis'."""
    return BANNED.findall(re.sub(r"not a diagnosis", "", text, flags=re.IGNORECASE))


def texts() -> list[tuple[str, str]]:
    """Every piece of wording a person can read, with where it is."""
    out = [
        (f"{r.id}.{part}", getattr(r, part))
        for r in CATALOGUE
        for part in ("title", "patient", "clinician")
    ]
    out += [(f"outcome {o.code}", f"{o.title} {o.text}") for o in OUTCOMES.values()]
    out += [("disclaimer", DISCLAIMER)] + [(f"kind {k}", t) for k, t in KIND_TITLES.items()]
    qn = load_questionnaire()
    for path, q in qn.walk():
        out.append((path, " ".join(filter(None, [q.text, q.help, *(o.label for o in q.choices)]))))
    out += [(f"section {s.id}", f"{s.title} {s.intro or ''}") for s in qn.sections]
    return out


@pytest.mark.parametrize(("where", "text"), texts(), ids=[w for w, _ in texts()])
def test_no_banned_words(where: str, text: str) -> None:
    """The text never decides for the person."""
    assert banned_words(text) == []


def test_checker_catches_the_words() -> None:
    """The check itself finds each banned word and allows 'not a diagnosis'."""
    assert banned_words("You qualify; eligible candidate; diagnosis") == [
        "qualif",
        "eligib",
        "candida",
        "diagnos",
    ]
    assert banned_words("This is not a diagnosis.") == []


def test_disclaimer_says_not_a_diagnosis() -> None:
    """The disclaimer states plainly that this is not a diagnosis."""
    assert "not a diagnosis" in DISCLAIMER


# --------------------------------------------------------------------------- Spanish

BANNED_ES = re.compile(r"elegib|calific|cualific|candidat|diagn[oó]stic", re.IGNORECASE)


def banned_words_es(text: str) -> list[str]:
    """Banned Spanish words in text, allowing only 'no es un diagnóstico'."""
    return BANNED_ES.findall(re.sub(r"no es un diagnóstico", "", text, flags=re.IGNORECASE))


def texts_es() -> list[tuple[str, str]]:
    """Every piece of Spanish wording a person can read, with where it is."""
    from screening.i18n import catalogue
    from screening.rules import patient_words

    words = patient_words("es")
    out = [(f"{fid} (es)", f"{title} {text}") for fid, (title, text) in words.findings.items()]
    out += [(f"outcome {c} (es)", f"{a} {b}") for c, (a, b) in words.outcomes.items()]
    out += [("disclaimer (es)", words.disclaimer)]
    out += [(f"kind {k} (es)", v) for k, v in words.kinds.items()]
    qn = load_questionnaire(language="es")
    for path, q in qn.walk():
        if q.id.startswith("auditc_"):  # kept in English on purpose: checked above
            continue
        parts = [q.text, q.help, q.short, *(o.label for o in q.choices)]
        out.append((f"{path} (es)", " ".join(filter(None, parts))))
    out += [(f"section {s.id} (es)", f"{s.title} {s.intro or ''}") for s in qn.sections]
    out += [(f"strings {key} (es)", text) for key, text in catalogue("es").items()]
    return out


@pytest.mark.parametrize(("where", "text"), texts_es(), ids=[w for w, _ in texts_es()])
def test_no_banned_words_in_spanish(where: str, text: str) -> None:
    """The Spanish text never decides for the person (no elegible, califica, candidato)."""
    assert banned_words_es(text) == []


def test_spanish_checker_catches_the_words() -> None:
    """The Spanish check finds each banned word and allows 'no es un diagnóstico'."""
    assert banned_words_es("Usted califica; es elegible; candidato; diagnóstico") == [
        "calific",
        "elegib",
        "candidat",
        "diagnóstic",
    ]
    assert banned_words_es("Esto no es un diagnóstico.") == []


def test_english_strings_have_no_banned_words() -> None:
    """The English page and PDF strings never decide for the person either."""
    from screening.i18n import catalogue

    assert {k: banned_words(v) for k, v in catalogue("en").items() if banned_words(v)} == {}
