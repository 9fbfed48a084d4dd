"""The bundled DejaVu Sans fonts for the summary PDF, parsed once per process.

fpdf2 parses a TrueType file for every ``FPDF`` instance and subsets the whole font when
it writes the document (about 50 ms for two DejaVu faces). Here, per process and per
face, we parse the font once (``TTFFont`` template) and cut a "base" font holding only the
glyphs of a fixed repertoire: ASCII, Latin-1, Latin Extended-A and the punctuation and
symbols our own texts use. Each document gets a light copy of the template; before
output, its font file is the base font when every glyph it used is in the repertoire
(the common case: fpdf2 then subsets a 300-glyph font, about 3 ms), else the full font.

The cache holds only the static font data; nothing derived from a document is kept.
Characters the font cannot draw are replaced by U+FFFD before they reach fpdf2, which
would otherwise log them.
"""

from __future__ import annotations

import copy
import functools
import io
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FAMILY = "DejaVuSans"
FILES = {"": FONT_DIR / "DejaVuSans.ttf", "B": FONT_DIR / "DejaVuSans-Bold.ttf"}
REPLACEMENT = "\ufffd"

_EXTRA = "–—‘’‚“”„†•…‰‹›€™−≈≠≤≥±×÷→←↑↓✓✗✔✘§¶©®°·½¼¾"
BASE_REPERTOIRE: frozenset[int] = frozenset(
    [*range(0x20, 0x7F), *range(0xA0, 0x180), *(ord(c) for c in _EXTRA), ord(REPLACEMENT)]
)

_lock = threading.Lock()


@functools.cache
def _template(style: str) -> Any:
    """fpdf2's parsed font (a ``TTFFont``) for one face, built once per process."""
    from fpdf import FPDF

    with _lock:
        scratch = FPDF()
        scratch.add_font(FAMILY, style, str(FILES[style]))
        return next(iter(scratch.fonts.values()))


@functools.cache
def _base_font(style: str) -> tuple[bytes, frozenset[str]]:
    """(font file bytes, glyph names) of the face cut down to BASE_REPERTOIRE."""
    from fontTools import subset, ttLib  # type: ignore[import-untyped]

    with _lock:
        font = ttLib.TTFont(str(FILES[style]), recalcTimestamp=False)
        options = subset.Options(
            notdef_outline=True, recommended_glyphs=True, glyph_names=True, notdef_glyph=True
        )
        options.drop_tables += ["FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(BASE_REPERTOIRE))
        subsetter.subset(font)
        names = frozenset(font.getGlyphOrder())
        out = io.BytesIO()
        font.save(out)
        return out.getvalue(), names


@functools.cache
def _full_font(style: str) -> bytes:
    return FILES[style].read_bytes()


@functools.cache
def _covered() -> frozenset[int]:
    """Code points both faces can draw."""
    regular, bold = _template(""), _template("B")
    return frozenset(regular.cmap) & frozenset(bold.cmap)


def drawable(text: str) -> str:
    """``text`` with characters the fonts cannot draw replaced by U+FFFD; tabs as 4 spaces,
    other control characters shown as U+FFFD; line breaks normalised to ``\\n``."""
    covered = _covered()
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return "".join(
        c if c == "\n" or (ord(c) in covered and (c >= " " and c != "\x7f")) else REPLACEMENT
        for c in text
    )


@functools.cache
def widths(style: str) -> tuple[dict[int, float], float]:
    """(advance width by code point, default width), in 1/1000 em, for one face."""
    template = _template(style)
    return dict(template.cw), float(template.desc.missing_width)


def prepare_cache() -> None:
    """Build every per-process font cache now (templates, widths, base fonts)."""
    for style in FILES:
        _template(style)
        widths(style)
        _base_font(style)
    _covered()


def add_fonts(pdf: FPDF) -> None:
    """Register both faces on a new document from the per-process templates."""
    from fpdf.fonts import SubsetMap

    for style in FILES:
        template = _template(style)
        font = copy.copy(template)
        font.i = len(pdf.fonts) + 1
        font.cw = copy.copy(template.cw)
        font.desc = copy.copy(template.desc)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font.subset = SubsetMap(font)
        pdf.fonts[template.fontkey] = font


def prepare_output(pdf: FPDF) -> None:
    """Give each face of ``pdf`` its own font file object before fpdf2 subsets and writes it."""
    from fontTools import ttLib

    for style, template in ((s, _template(s)) for s in FILES):
        font: Any = pdf.fonts.get(template.fontkey)
        if font is None:
            continue
        # .notdef is never drawn (characters the fonts lack are U+FFFD): leave it out of the
        # ToUnicode map, where fpdf2 would map it to U+0000, which PDF/UA forbids.
        reserved = font.subset._char_id_per_glyph
        for glyph in [g for g in reserved if g is not None and g.unicode == (0,)]:
            del reserved[glyph]
        used = set(font.subset.get_all_glyph_names())
        data, names = _base_font(style)
        if not used <= names:
            data = _full_font(style)
        font.ttfont = ttLib.TTFont(
            io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False, lazy=True
        )
