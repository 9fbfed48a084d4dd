"""The bundled DejaVu Sans fonts for the summary PDF, parsed once per process.

fpdf2 parses a TrueType file for every ``FPDF`` instance and subsets the whole font when
it writes the document (about 50 ms for two DejaVu faces). Here, per process and per
face, we parse the font once (``TTFFont`` template) and cut a "base" font holding only the
glyphs of a fixed repertoire: ASCII, Latin-1, Latin Extended-A and the punctuation and
symbols our own texts use. Each document gets a light copy of the template; before
output, its font file is the base font when every glyph it used is in the repertoire
(the common case: fpdf2 then subsets a 300-glyph font, about 3 ms), else the full font.

Characters DejaVu lacks (Chinese, Japanese, Korean) are drawn with a fallback face, Droid
Sans Fallback (Apache-2.0, Debian's ``fonts-droid-fallback``). At 3.4 MB it is not bundled:
it is read from the system path when installed, added to a document only when the document
needs it, and subset by fpdf2. It has no bold face: bold runs in it are drawn with a thin
outline. Without it those characters print as U+FFFD, as does any character neither face
draws; they are replaced before they reach fpdf2, which would otherwise log them.

The cache holds only the static font data; nothing derived from a document is kept.
"""

from __future__ import annotations

import copy
import functools
import io
import itertools
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FAMILY = "DejaVuSans"
FILES = {"": FONT_DIR / "DejaVuSans.ttf", "B": FONT_DIR / "DejaVuSans-Bold.ttf"}
FALLBACK = "fallback"  # the fallback face, where a style names a face
FALLBACK_FAMILY = "DroidSansFallback"
FALLBACK_FILE = Path("/usr/share/fonts-droid-fallback/truetype/DroidSansFallback.ttf")
REPLACEMENT = "\ufffd"

_EXTRA = "–—‘’‚“”„†•…‰‹›€™−≈≠≤≥±×÷→←↑↓✓✗✔✘§¶©®°·½¼¾"
BASE_REPERTOIRE: frozenset[int] = frozenset(
    [*range(0x20, 0x7F), *range(0xA0, 0x180), *(ord(c) for c in _EXTRA), ord(REPLACEMENT)]
)

_lock = threading.Lock()


def _path(style: str) -> Path:
    return FALLBACK_FILE if style == FALLBACK else FILES[style]


@functools.cache
def _template(style: str) -> Any:
    """fpdf2's parsed font (a ``TTFFont``) for one face ("", "B" or the FALLBACK face),
    built once per process."""
    from fpdf import FPDF

    with _lock:
        scratch = FPDF()
        if style == FALLBACK:
            scratch.add_font(FALLBACK_FAMILY, "", str(FALLBACK_FILE))
        else:
            scratch.add_font(FAMILY, style, str(FILES[style]))
        return next(iter(scratch.fonts.values()))


def has_fallback() -> bool:
    """Whether the fallback face is installed."""
    return FALLBACK_FILE.is_file()


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
    return _path(style).read_bytes()


@functools.cache
def _main() -> frozenset[int]:
    """Code points both DejaVu faces can draw."""
    regular, bold = _template(""), _template("B")
    return frozenset(regular.cmap) & frozenset(bold.cmap)


@functools.cache
def _fallback_chars() -> frozenset[str]:
    """The characters drawn with the fallback face: those it has and DejaVu lacks."""
    if not has_fallback():
        return frozenset()
    main = _main()
    return frozenset(chr(c) for c in _template(FALLBACK).cmap if c not in main and c > 0x20)


@functools.cache
def _covered() -> frozenset[int]:
    """Code points that can be drawn, in either style."""
    return _main() | frozenset(ord(c) for c in _fallback_chars())


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
    """(advance width by code point, default width), in 1/1000 em, for one style, with the
    fallback face's widths for the characters it draws."""
    template = _template(style)
    table = dict(template.cw)
    if fallback := _fallback_chars():
        cw = _template(FALLBACK).cw
        table.update((ord(c), cw[ord(c)]) for c in fallback)
    return table, float(template.desc.missing_width)


def draw(pdf: FPDF, x: float, y: float, line: str, size: float, style: str) -> None:
    """``pdf.text`` for one line in the current font (DejaVu, ``style``, ``size``), with
    the runs DejaVu lacks in the fallback face; the current font is DejaVu again after."""
    fallback = _fallback_chars()
    if fallback.isdisjoint(line):
        pdf.text(x, y, line)
        return
    if _template(FALLBACK).fontkey not in pdf.fonts:
        _add(pdf, _template(FALLBACK))
    table, default = widths(style)
    scale = size / 1000 * 25.4 / 72
    for other, chars in itertools.groupby(line, fallback.__contains__):
        part = "".join(chars)
        if not other:
            pdf.text(x, y, part)
        else:
            pdf.set_font(FALLBACK_FAMILY, "", size)
            if style == "B":  # no bold face: fill and outline the glyphs
                color = pdf.text_color.serialize().upper()  # type: ignore[union-attr]
                pdf._out(f"q {color} 2 Tr {size * 0.03:.2f} w")
                pdf.text(x, y, part)
                pdf._out("Q")
            else:
                pdf.text(x, y, part)
            pdf.set_font(FAMILY, style, size)
        x += sum(table.get(ord(c), default) for c in part) * scale


def prepare_cache() -> None:
    """Build every per-process font cache now (templates, widths, base fonts)."""
    for style in FILES:
        _template(style)
        widths(style)
        _base_font(style)
    _covered()
    if has_fallback():
        _full_font(FALLBACK)


def add_fonts(pdf: FPDF) -> None:
    """Register both faces on a new document from the per-process templates."""
    for style in FILES:
        _add(pdf, _template(style))


def _add(pdf: FPDF, template: Any) -> None:
    from fpdf.fonts import SubsetMap

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

    faces = [*FILES, *([FALLBACK] if has_fallback() else [])]
    for style, template in ((s, _template(s)) for s in faces):
        font: Any = pdf.fonts.get(template.fontkey)
        if font is None:
            continue
        # .notdef is never drawn (characters the fonts lack are U+FFFD): leave it out of the
        # ToUnicode map, where fpdf2 would map it to U+0000, which PDF/UA forbids.
        reserved = font.subset._char_id_per_glyph
        for glyph in [g for g in reserved if g is not None and g.unicode == (0,)]:
            del reserved[glyph]
        if style == FALLBACK:
            data = _full_font(FALLBACK)
        else:
            used = set(font.subset.get_all_glyph_names())
            data, names = _base_font(style)
            if not used <= names:
                data = _full_font(style)
        font.ttfont = ttLib.TTFont(
            io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False, lazy=True
        )
