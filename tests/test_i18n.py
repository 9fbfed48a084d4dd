"""English and Spanish: every string a person reads has its Spanish words, and no page or
PDF module hard-codes a sentence (it comes from the catalogue, screening/data/strings)."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

from screening.crisis import REGION_CODES, footer_line, load_crisis_resources
from screening.errors import QuestionnaireError, ScreeningError
from screening.i18n import LANGUAGES, catalogue, language_of, placeholders, t
from screening.questionnaire import DEFAULT_PATH, load_questionnaire, parse_questionnaire
from screening.questionnaire_i18n import apply_translation, translation_path
from screening.rules import CATALOGUE, KINDS, OUTCOMES, patient_words

ROOT = Path(__file__).resolve().parents[1]
EN = catalogue("en")


# --------------------------------------------------------------------------- the catalogue


@pytest.mark.parametrize("language", [x for x in LANGUAGES if x != "en"])
def test_every_string_has_its_translation(language: str) -> None:
    """Each English key has a translation, and no translation names an unknown key."""
    other = catalogue(language)  # type: ignore[arg-type]
    assert (sorted(set(EN) - set(other)), sorted(set(other) - set(EN))) == ([], [])


@pytest.mark.parametrize("key", sorted(EN))
def test_translation_keeps_the_placeholders(key: str) -> None:
    """A translation fills in the same {fields} as the English words."""
    assert placeholders(catalogue("es")[key]) == placeholders(EN[key])


def test_missing_words_fall_back_to_english() -> None:
    """An unknown language gives the English words; a known key always has words."""
    assert t("start.title", "fr") == EN["start.title"]
    assert language_of("fr") == language_of(None) == "en"
    assert t("step.title", "es", number=1, total=9, section="Sobre usted").startswith("Paso 1")


# --------------------------------------------------------------------------- the questionnaire


def english_raw() -> dict[str, object]:
    return tomllib.loads(Path(DEFAULT_PATH).read_text(encoding="utf-8"))


def spanish_raw() -> dict[str, object]:
    return tomllib.loads(translation_path(DEFAULT_PATH, "es").read_text(encoding="utf-8"))


def test_spanish_questionnaire_same_ids_codes_and_logic() -> None:
    """The Spanish questionnaire differs from the English one only in its words."""
    en, es = load_questionnaire(), load_questionnaire(language="es")
    assert [q.id for q in es.questions] == [q.id for q in en.questions]
    for (path, a), (_, b) in zip(en.walk(), es.walk(), strict=True):
        assert (path, b.codes_in_order, b.enabled_when, b.required) == (
            path,
            a.codes_in_order,
            a.enabled_when,
            a.required,
        )
    assert es.language == "es" and en.language == "en"


def test_spanish_words_differ_except_instruments_kept_in_english() -> None:
    """Every question reads in Spanish, except the AUDIT-C items, kept verbatim in English."""
    en, es = load_questionnaire(), load_questionnaire(language="es")
    same = [
        path for (path, a), (_, b) in zip(en.walk(), es.walk(), strict=True) if a.text == b.text
    ]
    assert same == ["auditc_1", "auditc_2", "auditc_3"]
    assert es.by_id["auditc_1"].choices == en.by_id["auditc_1"].choices
    assert "inglés" in (es.section_by_id["substances"].intro or "")


def test_phq9_is_the_official_spanish_wording() -> None:
    """PHQ-9 items, options and attribution are the publisher's US-Spanish text."""
    es = load_questionnaire(language="es")
    assert es.section_by_id["phq9"].intro == (
        "Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a los "
        "siguientes problemas?"
    )
    assert [o.label for o in es.by_id["phq9_1"].choices] == [
        "Ningún día",
        "Varios días",
        "Más de la mitad de los días",
        "Casi todos los días",
    ]
    assert es.by_id["phq9_9"].text == (
        "Pensamientos de que estaría mejor muerto(a) o de lastimarse de alguna manera"
    )
    assert "No se requiere permiso" in (es.section_by_id["phq9"].attribution or "")


def test_a_missing_spanish_string_is_named() -> None:
    """A question without its Spanish text is reported with its place and the fix."""
    tr = spanish_raw()
    del tr["questions"]["age_years"]["text"]  # type: ignore[index]
    with pytest.raises(QuestionnaireError, match=r"questions\.age_years\.text: missing"):
        apply_translation(english_raw(), tr, "es", "x.es.toml")


def test_a_missing_option_label_is_named() -> None:
    """An option without its Spanish label is reported with its code."""
    tr = spanish_raw()
    del tr["questions"]["sex_at_birth"]["options"]["intersex"]  # type: ignore[index]
    with pytest.raises(QuestionnaireError, match=r"no label for code 'intersex'"):
        apply_translation(english_raw(), tr, "es", "x.es.toml")


def test_an_unknown_id_is_refused() -> None:
    """A translation of a question that does not exist is refused."""
    tr = spanish_raw()
    tr["questions"]["age_yaers"] = {"text": "¿Edad?"}  # type: ignore[index]
    with pytest.raises(QuestionnaireError, match=r"questions\.age_yaers: not a question"):
        apply_translation(english_raw(), tr, "es", "x.es.toml")


def test_translated_questionnaire_still_passes_the_checks() -> None:
    """The translated questionnaire is parsed and checked like the English one."""
    raw = apply_translation(english_raw(), spanish_raw(), "es", "x.es.toml")
    assert parse_questionnaire(raw).title.startswith("Ketamina")


# --------------------------------------------------------------------------- findings, crisis


def test_every_finding_and_outcome_has_spanish_words() -> None:
    """Each finding, kind and outcome has its Spanish title and text, none left English."""
    es, en = patient_words("es"), patient_words("en")
    assert set(es.findings) == {r.id for r in CATALOGUE}
    assert set(es.kinds) == set(KINDS) and set(es.outcomes) == set(OUTCOMES)
    assert [fid for fid in es.findings if es.finding(fid) == en.finding(fid)] == []


def test_broken_spanish_findings_file_is_named(tmp_path: Path) -> None:
    """A Spanish findings file missing a finding is refused with its id."""
    from screening.rules import TRANSLATED_TEXTS, _load_patient_texts

    text = TRANSLATED_TEXTS["es"].read_text(encoding="utf-8")
    broken = tmp_path / "findings.es.toml"
    broken.write_text(re.sub(r"\[findings\.F-LIVER\][^\[]*", "", text), encoding="utf-8")
    with pytest.raises(ScreeningError, match="missing F-LIVER"):
        _load_patient_texts(broken, "es")


@pytest.mark.parametrize("code", REGION_CODES)
def test_every_region_has_spanish_routes_with_sources(code: str) -> None:
    """Each region lists its services for Spanish speakers, each with source and date."""
    region = load_crisis_resources().region(code)
    assert region.resources_es
    assert all(r.source and r.last_verified for r in region.resources_es)
    assert footer_line(region, "es").startswith("¿Está en crisis? ")


def test_988_in_spanish() -> None:
    """In the US, Spanish speakers are told to press 2 on 988 and to text AYUDA to 988."""
    first = load_crisis_resources().region("us").resources_es[0]
    assert (first.tel, first.sms, first.sms_body) == ("988", "988", "AYUDA")
    assert "marque 2" in first.description
    assert first.sms_link() == "sms:988?body=AYUDA"


def test_spain_024_in_the_spanish_eu_list() -> None:
    """The EU list in Spanish includes Spain's 024 line."""
    numbers = [r.tel for r in load_crisis_resources().region("eu").resources_es]
    assert "024" in numbers


# --------------------------------------------------------------------------- nothing hard-coded

#: Patient-facing page modules: every sentence they show comes from the catalogue.
PATIENT_MODULES = sorted(
    [
        *(ROOT / "ui" / "wizard").glob("*.py"),
        *(ROOT / "ui" / name for name in ("common.py", "lang.py", "about_page.py")),
        ROOT / "ui" / "clinic_inbox.py",
    ]
)
#: Staff pages and staff formats stay English by design (staff read the record in English):
#: ui/staff*.py, ui/settings.py (deployment errors for the person who set it up), and the CSV,
#: FHIR and REDCap exports. They are not scanned.
PDF_MODULES = sorted((ROOT / "screening" / "exports" / "pdf").glob("*.py"))
#: Calls whose text arguments people read.
ST_CALLS = {
    "title", "header", "subheader", "markdown", "caption", "text", "write", "error", "warning",
    "info", "success", "button", "download_button", "radio", "selectbox", "checkbox",
    "text_input", "text_area", "file_uploader", "expander", "toast", "number_input",
    "multiselect", "tabs", "metric",
}  # fmt: skip
PDF_CALLS = {"Text", "heading", "subheading", "table", "runs", "box"}
#: Arguments that are never read as words.
NOT_WORDS = {"key", "icon", "type", "mime", "file_name", "on_click", "on_change", "args",
             "format_func", "options", "anchor", "language", "border", "unsafe_allow_javascript"}  # fmt: skip
#: A literal with two letters in a row is a word; the allowed ones, reviewed (none today:
#: add one only with the reason it reads the same in every language).
WORD = re.compile(r"[A-Za-zÀ-ÿ]{2}")
ALLOWED: frozenset[str] = frozenset()


def _literals(node: ast.AST) -> list[str]:
    """String literals in an argument, except catalogue keys (inside tr/t/w calls) and
    codes in comparisons (``q.type in ("ynu", "ynp")``)."""
    if isinstance(node, ast.Call) and _called(node) in ("tr", "t", "w", "get"):
        return []
    if isinstance(node, ast.Compare | ast.Subscript):
        return []
    if isinstance(node, ast.Constant):
        return [node.value] if isinstance(node.value, str) else []
    return [text for child in ast.iter_child_nodes(node) for text in _literals(child)]


def _called(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def hard_coded(path: Path, calls: set[str]) -> list[str]:
    """Word literals passed as text to the display calls of one module (``file:line: text``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or _called(node) not in calls:
            continue
        args = [*node.args, *(k.value for k in node.keywords if k.arg not in NOT_WORDS)]
        for arg in args:
            for text in _literals(arg):
                if WORD.search(text) and text.strip() not in ALLOWED:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text!r}")
    return found


def sentence_constants(path: Path) -> list[str]:
    """Module-level string constants that read as sentences (three words or more)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            text = node.value.value
            name = ast.unparse(node.targets[0])
            sentence = isinstance(text, str) and " " in text
            sentence = sentence and len(re.findall(r"[A-Za-z]{2,}", str(text))) >= 3
            if sentence and "STYLE" not in name and "SCRIPT" not in name:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}")
    return found


@pytest.mark.parametrize("path", PATIENT_MODULES, ids=lambda p: p.name)
def test_patient_pages_hard_code_no_words(path: Path) -> None:
    """Page modules show words only through the catalogue (tr/t), never a literal."""
    assert hard_coded(path, ST_CALLS) + sentence_constants(path) == []


@pytest.mark.parametrize("path", PDF_MODULES, ids=lambda p: p.name)
def test_pdf_hard_codes_no_words(path: Path) -> None:
    """The PDF modules print words only through the catalogue."""
    assert hard_coded(path, PDF_CALLS) == []


def test_scanner_finds_a_literal(tmp_path: Path) -> None:
    """The scan itself flags a sentence passed to st.markdown and allows tr(...)."""
    page = ROOT / "ui" / "_scan_probe.py"
    try:
        page.write_text('st.markdown("Hello there")\nst.markdown(tr("start.intro"))\n')
        assert hard_coded(page, ST_CALLS) == ["ui/_scan_probe.py:1: 'Hello there'"]
    finally:
        page.unlink()
