"""A tiny flow layout over fpdf2: its own line wrapping (fast, measurable), blocks kept
together, boxes, and tables whose rows never split and whose header repeats on a new page.

It knows nothing about records: ``screening.exports.pdf.content`` says what goes on the
pages, this module how it is laid out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from screening.exports.pdf import fonts

if TYPE_CHECKING:
    from fpdf import FPDF

    from screening.exports.pdf.tagging import Node, Tagger

Color = tuple[int, int, int]
INK: Color = (26, 26, 26)
MUTED: Color = (85, 85, 85)
NAVY: Color = (31, 58, 95)
RULE_GREY: Color = (200, 205, 212)
TABLE_HEAD: Color = (232, 236, 241)
ZEBRA: Color = (246, 247, 249)
OUTCOME_BG: Color = (238, 242, 247)

_TOKENS = re.compile(r" +|[^ ]+")
_SCOPE = "<</O /Table /Scope /Column>>"  # a header cell heads its column


@dataclass(frozen=True, slots=True)
class Text:
    """A run of text to wrap: style ("" or "B"), size in pt, colour, space before (mm)."""

    text: str
    size: float = 9.0
    style: str = ""
    color: Color = INK
    before: float = 0.0
    indent: float = 0.0
    role: str = "P"  # its structure element in the tagged PDF: P, H1, H2…


@dataclass(slots=True)
class Page:
    """Page geometry in mm."""

    width: float
    height: float
    left: float = 16.0
    right: float = 16.0
    top: float = 16.0
    bottom: float = 24.0

    @property
    def content_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def limit(self) -> float:
        return self.height - self.bottom


@dataclass(slots=True)
class Layout:
    """A tiny flow layout over fpdf2: own line wrapping (fast, measurable), keep-together
    blocks, tables whose rows never split and whose header repeats on a new page."""

    pdf: FPDF
    page: Page
    running_header: str
    tags: Tagger
    y: float = 0.0
    _widths: dict[str, tuple[dict[int, float], float]] = field(default_factory=dict)
    _font_state: tuple[float, str, Color, int] | None = None

    # ---- measuring
    def width_of(self, text: str, size: float, style: str = "") -> float:
        if style not in self._widths:
            self._widths[style] = fonts.widths(style)
        table, default = self._widths[style]
        get = table.get
        return sum(get(ord(c), default) for c in text) * size / 1000 * 25.4 / 72

    def line_height(self, size: float) -> float:
        return size * 25.4 / 72 * 1.32

    def wrap(self, text: str, size: float, style: str, width: float) -> list[str]:
        """Greedy word wrap (widths added up once per word); words longer than a line
        are cut; line breaks kept."""
        table, default = fonts.widths(style)
        get = table.get
        limit = width / (size / 1000 * 25.4 / 72)  # in font units
        lines: list[str] = []
        for para in text.split("\n"):
            current, used = "", 0.0
            for token in _TOKENS.findall(para):
                w = sum(get(ord(c), default) for c in token)
                if used + w <= limit:
                    current, used = current + token, used + w
                    continue
                if token[0] == " ":
                    lines.append(current)
                    current, used = "", 0.0
                    continue
                if current.strip():
                    lines.append(current.rstrip(" "))
                while w > limit:
                    cut, total = 1, get(ord(token[0]), default)
                    while cut < len(token) and total + get(ord(token[cut]), default) <= limit:
                        total += get(ord(token[cut]), default)
                        cut += 1
                    lines.append(token[:cut])
                    token = token[cut:]
                    w -= total
                current, used = token, w
            lines.append(current.rstrip(" "))
        return lines

    def measure(self, runs: Sequence[Text], width: float) -> float:
        return sum(
            r.before
            + len(self.wrap(r.text, r.size, r.style, width - r.indent)) * self.line_height(r.size)
            for r in runs
        )

    # ---- pages
    def start(self) -> None:
        self.pdf.add_page()
        self.y = self.page.top

    def new_page(self) -> None:
        self.pdf.add_page()
        self.y = self.page.top
        self.set_font(7.5, "", MUTED)
        with self.tags.artifact("Pagination", "Header"):
            fonts.draw(self.pdf, self.page.left, self.y + 2.5, self.running_header, 7.5, "")
        self.y += 7

    def rule(self, x1: float, y1: float, x2: float, y2: float) -> None:
        """A line that is decoration (an artifact)."""
        with self.tags.artifact():
            self.pdf.line(x1, y1, x2, y2)

    def fill(self, x: float, y: float, w: float, h: float, style: str = "F") -> None:
        """A filled (and maybe bordered) rectangle that is decoration (an artifact)."""
        with self.tags.artifact():
            self.pdf.rect(x, y, w, h, style=style)

    def need(self, height: float) -> None:
        if self.y + height > self.page.limit and self.y > self.page.top + 8:
            self.new_page()

    def set_font(self, size: float, style: str, color: Color) -> None:
        state = (size, style, color, self.pdf.page)
        if state != self._font_state:
            self.pdf.set_font(fonts.FAMILY, style, size)
            self.pdf.set_text_color(*color)
            self._font_state = state

    # ---- drawing
    def draw_lines(
        self,
        lines: Sequence[str],
        x: float,
        size: float,
        style: str,
        color: Color,
        *,
        split: bool = True,
        align: str = "L",
        width: float = 0.0,
        node: Node | None = None,
    ) -> None:
        """Draw lines of text, each as content of ``node`` (an artifact when None)."""
        lh = self.line_height(size)
        self.set_font(size, style, color)
        for line in lines:
            if split and self.y + lh > self.page.limit:
                self.new_page()
                self.set_font(size, style, color)
            left = x
            if align == "R" and width:
                left = x + width - self.width_of(line, size, style)
            if not line:
                self.y += lh
                continue
            marked = self.tags.artifact() if node is None else self.tags.continued(node)
            with marked:
                fonts.draw(self.pdf, left, self.y + lh * 0.76, line, size, style)
            self.y += lh

    def runs(
        self,
        runs: Sequence[Text],
        *,
        x: float | None = None,
        width: float | None = None,
        keep: bool = False,
    ) -> None:
        left = self.page.left if x is None else x
        w = self.page.content_width if width is None else width
        if keep:
            self.need(self.measure(runs, w))
        for r in runs:
            self.y += r.before
            lines = self.wrap(r.text, r.size, r.style, w - r.indent)
            node = self.tags.leaf(r.role)
            self.draw_lines(lines, left + r.indent, r.size, r.style, r.color, node=node)

    def heading(self, text: str, *, keep_with: float = 22.0) -> None:
        self.y += 3.5
        self.need(9 + keep_with)
        self.draw_lines([text], self.page.left, 12, "B", NAVY, node=self.tags.leaf("H2"))
        self.pdf.set_draw_color(*RULE_GREY)
        self.pdf.set_line_width(0.3)
        self.rule(self.page.left, self.y + 0.6, self.page.width - self.page.right, self.y + 0.6)
        self.y += 2.4

    def subheading(self, text: str, *, keep_with: float = 14.0) -> None:
        self.y += 2.0
        self.need(6 + keep_with)
        self.draw_lines([text], self.page.left, 10, "B", INK, node=self.tags.leaf("H3"))
        self.y += 0.8

    def column_widths(
        self,
        columns: Sequence[tuple[str, float, str]],
        rows: Sequence[Sequence[str]],
        size: float,
        pad: float,
    ) -> list[float]:
        """Widths from the shares, widened so no column is narrower than its longest word."""
        full = self.page.content_width
        total = sum(c[1] for c in columns)
        widths = [full * c[1] / total for c in columns]
        least = [
            max(
                self.width_of(word, size, "B") + 2 * pad
                for text in (col[0], *(row[i] for row in rows))
                for word in (text.split() or [""])
            )
            for i, col in enumerate(columns)
        ]
        short = sum(max(m - w, 0) for w, m in zip(widths, least, strict=True))
        spare = sum(max(w - m, 0) for w, m in zip(widths, least, strict=True))
        if short == 0 or spare < short:
            return widths
        return [
            m if m >= w else w - (w - m) / spare * short for w, m in zip(widths, least, strict=True)
        ]

    def box(
        self,
        runs: Sequence[Text],
        *,
        fill: Color,
        border: Color,
        border_width: float,
        pad: float = 3.5,
    ) -> None:
        inner = self.page.content_width - 2 * pad
        height = self.measure(runs, inner) + 2 * pad
        self.need(height)
        self.pdf.set_fill_color(*fill)
        self.pdf.set_draw_color(*border)
        self.pdf.set_line_width(border_width)
        self.fill(self.page.left, self.y, self.page.content_width, height, style="DF")
        self.y += pad
        with self.tags.element("Div"):
            self.runs(runs, x=self.page.left + pad, width=inner)
        self.y += pad

    def table(
        self,
        columns: Sequence[tuple[str, float, str]],
        rows: Sequence[Sequence[str]],
        *,
        size: float = 8.3,
        bold_rows: frozenset[int] = frozenset(),
        keep: bool = False,
        title: str | None = None,
        group_rows: frozenset[int] = frozenset(),
    ) -> None:
        """Columns are (title, share of the width, align L/R). Rows never split; the title
        and header repeat on a new page; ``keep`` keeps a table that fits on a page whole;
        the title never stays behind without its table. A group row (its first cell spans
        the table) stays with the row after it."""
        pad_x, pad_y = 1.4, 1.0
        plain = [r for i, r in enumerate(rows) if i not in group_rows]
        widths = self.column_widths(columns, plain, size, pad_x)
        full = self.page.content_width
        lh = self.line_height(size)
        title_h = 2.0 + self.line_height(10) + 0.8 if title else 0.0

        def draw_title(suffix: str = "") -> None:
            if title:
                self.y += 2.0
                node = None if suffix else self.tags.leaf("H3")
                self.draw_lines(
                    [title + suffix], self.page.left, 10, "B", INK, split=False, node=node
                )
                self.y += 0.8

        def wrapped(cells: Sequence[str], style: str) -> list[list[str]]:
            return [
                self.wrap(cell, size, style, w - 2 * pad_x)
                for cell, w in zip(cells, widths, strict=True)
            ]

        def draw_row(
            cells: list[list[str]], style: str, fill: Color | None, role: str | None = "TD"
        ) -> None:
            """One row; ``role`` None draws it as an artifact (a repeated header)."""
            height = max(len(c) for c in cells) * lh + 2 * pad_y
            if fill is not None:
                self.pdf.set_fill_color(*fill)
                self.fill(self.page.left, self.y, self.page.content_width, height)
            x = self.page.left
            top = self.y
            row = self.tags.leaf("TR") if role is not None else None
            for lines, w, col in zip(cells, widths, columns, strict=True):
                self.y = top + pad_y
                node = None
                if row is not None and role is not None:
                    with self.tags.inside(row):
                        node = self.tags.leaf(role, _SCOPE if role == "TH" else "")
                self.draw_lines(
                    lines,
                    x + pad_x,
                    size,
                    style,
                    INK,
                    split=False,
                    align=col[2],
                    width=w - 2 * pad_x,
                    node=node,
                )
                x += w
            self.y = top + height
            self.pdf.set_draw_color(*RULE_GREY)
            self.pdf.set_line_width(0.15)
            self.rule(self.page.left, self.y, self.page.width - self.page.right, self.y)

        def draw_group(lines: list[str], tagged: bool = True) -> None:
            height = len(lines) * lh + 2 * pad_y
            self.pdf.set_fill_color(*OUTCOME_BG)
            self.fill(self.page.left, self.y, full, height)
            top = self.y
            self.y += pad_y
            node = None
            if tagged:
                with self.tags.inside(self.tags.leaf("TR")):
                    node = self.tags.leaf("TD", f"<</O /Table /ColSpan {len(columns)}>>")
            self.draw_lines(lines, self.page.left + pad_x, size, "B", NAVY, split=False, node=node)
            self.y = top + height

        head = wrapped([c[0] for c in columns], "B")
        head_h = max(len(c) for c in head) * lh + 2 * pad_y
        body = [
            [self.wrap(row[0], size, "B", full - 2 * pad_x)]
            if i in group_rows
            else wrapped(row, "B" if i in bold_rows else "")
            for i, row in enumerate(rows)
        ]
        heights = [max(len(c) for c in cells) * lh + 2 * pad_y for cells in body]
        whole = title_h + head_h + sum(heights)
        fits = whole <= self.page.limit - self.page.top - 10
        self.need(whole if keep and fits else title_h + head_h + (heights[0] if heights else 0))
        draw_title()
        with self.tags.element("Table"):
            draw_row(head, "B", TABLE_HEAD, "TH")
            stripe = 0
            group: int | None = None
            for i, (cells, height) in enumerate(zip(body, heights, strict=True)):
                with_next = heights[i + 1] if i in group_rows and i + 1 < len(heights) else 0.0
                if self.y + height + with_next > self.page.limit:
                    self.new_page()
                    draw_title(" (continued)")
                    draw_row(head, "B", TABLE_HEAD, None)
                    if group is not None and i not in group_rows:
                        label = rows[group][0] + " (continued)"
                        draw_group(self.wrap(label, size, "B", full), tagged=False)
                if i in group_rows:
                    draw_group(cells[0])
                    group, stripe = i, 0
                    continue
                draw_row(cells, "B" if i in bold_rows else "", ZEBRA if stripe % 2 else None)
                stripe += 1
        self.y += 1.5
