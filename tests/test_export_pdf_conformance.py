"""The summary PDF checked by tools that are not ours.

- PDF/UA-1 and PDF/A-2A: the ``page`` validator (PyPI ``page-validation``, an independent
  implementation of the veraPDF rules for PDF/A-1 to 3 and PDF/UA-1, Matterhorn Protocol).
  veraPDF itself cannot be installed from the package registries this project uses.
- The structure tree as a reader sees it: poppler's ``pdfinfo`` (Tagged, Title) and
  ``pdfinfo -struct-text`` (each element with the text of its marked content, found through
  the page's MCIDs and the ParentTree).
- Chinese, Japanese and Korean text: poppler's ``pdftotext`` gives it back, and fontTools
  reads the embedded fallback font: every character drawn has a real glyph in it.

Without the tools (or the fallback font, Debian's fonts-droid-fallback) these tests skip,
except under ``CI=true``, where they fail; ``./dev test`` installs them.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from screening.exports.pdf import TITLE, fonts, summary_pdf
from screening.record import build_record
from screening.safety import AnswerChange
from screening.settings import ClinicSettings
from tests.conftest import vignette
from tests.export_data import QN, VIGNETTES, record, vignette_record

GENERATED = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
CJK_NAME = "王小明（山田 太郎）"
CJK_NOTES = "眠れない日が続いています。我最近睡不好，很累。한국어도 있어요."


def in_ci() -> bool:
    """True when the run is CI's (environment variable CI is "true")."""
    return os.environ.get("CI", "").strip().lower() == "true"


def missing(reason: str) -> None:
    """Skip, or fail under CI=true."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: these tests must run)", pytrace=False)
    pytest.skip(reason)


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        missing(f"{name} (Debian: poppler-utils) is not installed")
    assert found is not None
    return found


def validator() -> Any:
    try:
        import page
    except ImportError:
        missing("the page validator is not installed (pip install page-validation)")
    return page


def need_fallback_font() -> None:
    if not fonts.has_fallback():
        missing(f"the fallback font {fonts.FALLBACK_FILE} (Debian: fonts-droid-fallback) is absent")


# ----------------------------------------------------------------------------- documents


def _cjk() -> bytes:
    base = vignette("typical-trd")
    base.update(display_name=CJK_NAME, notes_for_clinician=CJK_NOTES)
    return summary_pdf(record(base), generated_at=GENERATED, clinic_name="東京メンタルクリニック")


def _long() -> bytes:
    """Crisis answers, fifteen trials (a table over two pages), notes over a page."""
    base = vignette("item9-passive")
    base["ad_trials"] = [
        {"medication": m.code, "weeks": 8, "took_as_prescribed": "yes", "benefit": "none"}
        | {"status": "stopped_not_helping"}
        for m in QN.medications[:15]
    ]
    base["notes_for_clinician"] = ("Long notes that flow over the page. " * 27).strip()
    return summary_pdf(record(base), generated_at=GENERATED)


def _changes() -> bytes:
    rec = build_record(
        vignette("typical-trd"),
        created_at=GENERATED,
        app_version="0.1.0",
        answer_changes=[AnswerChange("phq9_9", 1, 0)],
    )
    clinic = ClinicSettings(clinic_name="Harbour Health", phone="+44 20 7946 0000", region="uk")
    return summary_pdf(rec, generated_at=GENERATED, settings=clinic)


def _vignette(vid: str) -> bytes:
    v = next(v for v in VIGNETTES if v["id"] == vid)
    return summary_pdf(vignette_record(v), generated_at=GENERATED)


BUILDERS = {
    "crisis": lambda: _vignette("item9-passive"),
    "urgent": lambda: _vignette("urgent-intent"),
    "typical": lambda: _vignette("typical-trd"),
    "long": _long,
    "changed-answers-uk-a4": _changes,
    "cjk": _cjk,
}


@cache
def document(name: str) -> bytes:
    return BUILDERS[name]()


def failures(data: bytes, profile: str) -> list[str]:
    """The rules ``page`` finds broken (``rule id: message``), none when conformant."""
    report = validator().validate_pdf_bytes(data, profile=profile)
    found = [f"{f.rule_id}: {f.message}" for f in report.failures]
    assert report.is_compliant == (found == []), found
    return found


# ----------------------------------------------------------------------------- PDF/UA, PDF/A


@pytest.mark.parametrize("name", BUILDERS)
def test_pdf_ua_1(name: str) -> None:
    """The page validator's PDF/UA-1 profile finds nothing: structure tree, MarkInfo,
    every mark tagged or an artifact, title shown, language, fonts, tables, headings."""
    if name == "cjk":
        need_fallback_font()
    assert failures(document(name), "ua1") == []


@pytest.mark.parametrize("name", BUILDERS)
def test_pdf_a_2a(name: str) -> None:
    """The PDF/A-2A the XMP claims holds, by the page validator's PDF/A-2A profile."""
    if name == "cjk":
        need_fallback_font()
    assert failures(document(name), "2a") == []


def test_the_validator_sees_a_broken_file() -> None:
    """Control: with MarkInfo renamed and the PDF/A conformance changed (same length, so the
    cross-reference table still holds), the validator reports exactly those rules."""
    data = document("typical")
    broken = data.replace(b"/MarkInfo", b"/MarkInfX", 1)
    broken = broken.replace(b"<pdfaid:conformance>A<", b"<pdfaid:conformance>U<", 1)
    assert len(broken) == len(data) and broken != data
    ua = {f.split(":")[0] for f in failures(broken, "ua1")}
    pdfa = {f.split(":")[0] for f in failures(broken, "2a")}
    assert "PDFUA1-TAGGED-DOCUMENT-001" in ua
    assert {"PDFA2A-TAGGED-DOCUMENT-001", "PDFA2A-ID-CONFORMANCE-001"} <= pdfa


def test_the_claims_are_what_is_validated() -> None:
    """The XMP says PDF/A-2A and PDF/UA-1, and nothing else of the kind (no PDF/A-2B)."""
    data = document("typical")
    claims = re.findall(rb"<(pdfa?u?aid:\w+)>([^<]*)<", data)
    assert sorted(claims) == [
        (b"pdfaid:conformance", b"A"),
        (b"pdfaid:part", b"2"),
        (b"pdfuaid:part", b"1"),
    ]


# ----------------------------------------------------------------------------- poppler


def run(args: list[str], data: bytes) -> str:
    """A poppler command's output on the PDF ``data`` (pdftotext writes to stdout)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "summary.pdf"
        path.write_bytes(data)
        out = [path, "-"] if args[0].endswith("pdftotext") else [path]
        done = subprocess.run([*args, *out], capture_output=True, timeout=300, check=True)
    return done.stdout.decode("utf-8")


@cache
def struct_text(name: str) -> str:
    """pdfinfo -struct-text of a document (slow: poppler reads the pages once per element)."""
    return run([tool("pdfinfo"), "-struct-text"], document(name))


def test_poppler_sees_a_tagged_pdf_with_its_title() -> None:
    """pdfinfo: Tagged yes, Title from the Info dictionary, nothing suspect."""
    info = run([tool("pdfinfo")], document("crisis"))
    fields = dict(re.findall(r"^([\w ]+):\s+(.*)$", info, re.M))
    assert (fields["Tagged"], fields["Suspects"], fields["Title"]) == ("yes", "no", TITLE)


def structure(tree: str) -> list[tuple[int, str, str]]:
    """``pdfinfo -struct-text`` output as (depth, role, text) per element, in order."""
    out: list[tuple[int, str, str]] = []
    for line in tree.splitlines():
        stripped = line.strip()
        if stripped.startswith('"') and out:
            depth, role, text = out[-1]
            out[-1] = (depth, role, f"{text} {stripped[1:-1]}".strip())
        elif stripped and not stripped.startswith("/"):
            role = re.split(r"[ :]", stripped, maxsplit=1)[0]
            out.append(((len(line) - len(line.lstrip())) // 2, role, ""))
    return out


def test_poppler_reads_the_structure_tree() -> None:
    """pdfinfo -struct-text: the crisis box's heading first, then the document title, as
    H1; tables of TR rows whose first row is TH cells; the footers are in no element."""
    tree = structure(struct_text("long"))
    assert [text for _, role, text in tree if role == "H1"] == ["Support is available now", TITLE]
    tables = [i for i, (_, role, _) in enumerate(tree) if role == "Table"]
    assert len(tables) >= 4
    for i in tables:
        depth, cells = tree[i][0], []
        for d, role, _ in tree[i + 2 :]:
            if d <= depth + 1:
                break
            cells.append(role)
        assert tree[i + 1][1] == "TR" and len(cells) >= 2 and set(cells) == {"TH"}
    assert not any("Page 1 of" in text or "PHQ-9 developed" in text for _, _, text in tree)


def test_every_line_of_text_is_in_the_tree_or_an_artifact() -> None:
    """Each line pdftotext finds is text of a structure element, except the running headers,
    footers and repeated table headers (artifacts)."""
    tree = structure(struct_text("long"))
    tagged = " ".join(" ".join(text for _, _, text in tree).split())
    lines = run([tool("pdftotext"), "-raw"], document("long")).splitlines()
    artifacts = re.compile(
        r"^Informational, not a diagnosis\. In crisis\?|^Page \d+ of \d+$|PHQ-9 developed by|"
        r"reproduce, translate|^Your clinic · |\(continued\)"
    )
    untagged = [ln for ln in lines if ln.strip() and " ".join(ln.split()) not in tagged]
    assert [ln for ln in untagged if not artifacts.search(ln)] == []
    assert any("(continued)" in ln for ln in untagged)  # the table did go over a page


# ----------------------------------------------------------------------------- CJK


def test_cjk_text_comes_back_from_pdftotext() -> None:
    """Chinese, Japanese and Korean in the clinic name, display name and notes: pdftotext
    gives them back as typed, with no U+FFFD."""
    need_fallback_font()
    text = run([tool("pdftotext")], document("cjk"))
    flat = " ".join(text.split())
    assert [s for s in ("東京メンタルクリニック", CJK_NAME, CJK_NOTES) if s not in flat] == []
    assert "\ufffd" not in text


def test_cjk_glyphs_are_real_glyphs() -> None:
    """fontTools on the embedded fallback font: every CJK character drawn maps (ToUnicode,
    CIDToGIDMap) to a glyph with outlines (simple or composite), not to .notdef (a
    missing-glyph box)."""
    need_fallback_font()
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
    from pypdf import PdfReader

    wanted = {c for c in "東京" + CJK_NAME + CJK_NOTES if ord(c) > 0x2E7F}
    reader = PdfReader(io.BytesIO(document("cjk")))
    found: dict[str, int] = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if "DroidSansFallback" not in str(font["/BaseFont"]):
                continue
            cid_font = font["/DescendantFonts"][0].get_object()
            program = TTFont(io.BytesIO(cid_font["/FontDescriptor"]["/FontFile2"].get_data()))
            order, glyf = program.getGlyphOrder(), program["glyf"]
            cid_to_gid = cid_font["/CIDToGIDMap"].get_data()
            cmap = font["/ToUnicode"].get_data().decode("latin-1")
            for cid_hex, uni_hex in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]{4,8})>", cmap):
                cid = int(cid_hex, 16)
                gid = int.from_bytes(cid_to_gid[2 * cid : 2 * cid + 2], "big")
                char = bytes.fromhex(uni_hex).decode("utf-16-be")
                if gid and glyf[order[gid]].numberOfContours != 0:  # -1: composite
                    found[char] = gid
    assert sorted(wanted - found.keys()) == []


def test_without_the_fallback_font_cjk_is_a_replacement_character() -> None:
    """Where the fallback font is not installed, CJK prints as U+FFFD (never as boxes) and
    the file still passes PDF/UA-1."""
    script = (
        "import sys; from pathlib import Path; from screening.exports.pdf import fonts\n"
        "fonts.FALLBACK_FILE = Path('/nonexistent/font.ttf')\n"
        "from tests import test_export_pdf_conformance as t\n"
        "sys.stdout.buffer.write(t._cjk())\n"
    )
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, timeout=120, check=True
    )
    text = run([tool("pdftotext")], done.stdout)
    assert "王" not in text and "Name or initials given: \ufffd\ufffd\ufffd" in text
    assert failures(done.stdout, "ua1") == []
