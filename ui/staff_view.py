"""Widgets of the staff review page: the table, charts, problems, detail and downloads.

Everything here draws from rows and entries made by ``screening.review``; nothing is
cached across sessions and nothing about a respondent is logged. Respondent text (names,
file names, free-text answers) is shown only in dataframes, st.text or st.code, never as
markdown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import streamlit as st

from screening.i18n import LANGUAGE_NAMES_EN
from screening.review import (
    TABLE_COLUMNS,
    Entry,
    FileProblem,
    answer_lines,
    clinician_notes,
    count_by_band,
    count_by_outcome,
    export_name,
    pdf_zip,
)
from screening.rules import DISCLAIMER, OUTCOMES
from ui.common import guarded, md_escape

if TYPE_CHECKING:
    import pandas as pd

# Called on a click: gives a PDF renderer dated at that moment.
PdfMaker = Callable[[], Callable[[Entry], bytes]]

# --------------------------------------------------------------------------- table

TABLE_ROWS_SHOWN = 25  # more rows than this scroll inside the table


def triage_frame(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """The displayed columns of the rows as a DataFrame with readable headings."""
    import pandas as pd

    data: dict[str, Any] = {}
    for key, heading in TABLE_COLUMNS.items():
        values: Any = [row[key] for row in rows]
        if key in ("phq9_total", "failed_trials"):  # whole numbers that may be missing
            values = pd.Series(values, dtype="float64").astype("Int64")
        data[heading] = values
    return pd.DataFrame(data, columns=list(TABLE_COLUMNS.values()))


def show_table(
    rows: Sequence[dict[str, Any]],
    key: str,
    extra: dict[str, list[Any]] | None = None,
    number_of: str = "number",
) -> Any:
    """The triage table (sortable by clicking a heading); clicking a row selects it. Returns
    the selected row's ``number_of`` value, or None. ``extra`` columns go first."""
    frame = triage_frame(rows)
    for at, (heading, values) in enumerate((extra or {}).items()):
        frame.insert(at, heading, values)
    event = st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        height="content" if len(rows) <= TABLE_ROWS_SHOWN else 35 * (TABLE_ROWS_SHOWN + 1),
        column_config={
            "#": st.column_config.NumberColumn("#", width=48, format="%d"),
            "Crisis": st.column_config.TextColumn(
                "Crisis", width=90, help="⚠ CRISIS: PHQ-9 item 9 above zero or a safety answer yes"
            ),
            "Urgent": st.column_config.TextColumn(
                "Urgent", width=96, help="⚠ URGENT: a plan, intent or recent self-harm was reported"
            ),
            "PHQ-9": st.column_config.NumberColumn("PHQ-9", width=60, format="%d"),
            "Failed adequate trials": st.column_config.NumberColumn(
                "Failed trials", width=90, format="%d", help="Failed adequate antidepressant trials"
            ),
            "Review findings": st.column_config.NumberColumn("Review", width=70, format="%d"),
            "Caution findings": st.column_config.NumberColumn("Caution", width=70, format="%d"),
            "Stored result": st.column_config.TextColumn(
                "Stored result",
                help="⚠ differs: the result saved in the file is not the one recomputed "
                "from its answers (the recomputed one is shown)",
            ),
            "MSM (approx.)": st.column_config.TextColumn(
                "MSM (approx.)", help="Maudsley Staging Method, approximate, from self-report"
            ),
        },
        on_select="rerun",
        selection_mode="single-row",
        key=key,
    )
    selected = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    if not selected or selected[0] >= len(rows):
        return None
    return rows[selected[0]][number_of]


# --------------------------------------------------------------------------- charts


def _bar_chart(counts: list[tuple[str, int]], title: str) -> dict[str, Any]:
    """A horizontal bar chart with the count beside each bar, as a plain Vega-Lite spec
    (drawn by ``st.vega_lite_chart``: no schema validation on every rerun)."""
    order = [label for label, _ in counts]
    top = max([n for _, n in counts] + [1]) * 1.15  # room for the number beside the bar
    return {
        "title": title,
        "data": {"values": [{"label": label, "records": n} for label, n in counts]},
        "height": {"step": 26},
        "encoding": {
            "y": {
                "field": "label",
                "type": "nominal",
                "sort": order,
                "title": None,
                "axis": {"labelLimit": 200},
            },
            "x": {
                "field": "records",
                "type": "quantitative",
                "title": "Records",
                "axis": {"tickMinStep": 1},
                "scale": {"domain": [0, top], "nice": False},
            },
            "tooltip": [
                {"field": "label", "type": "nominal", "title": title},
                {"field": "records", "type": "quantitative", "title": "Records"},
            ],
        },
        "layer": [
            {"mark": {"type": "bar", "color": "#2f5d8a"}},
            {
                "mark": {"type": "text", "align": "left", "dx": 3, "color": "#1f2937"},
                "encoding": {"text": {"field": "records", "type": "quantitative"}},
            },
        ],
    }


def show_charts(rows: Sequence[dict[str, Any]]) -> None:
    """Records by outcome and by PHQ-9 band, with the same numbers in words."""
    by_outcome = count_by_outcome(rows)
    by_band = count_by_band(rows)
    left, right = st.columns(2)
    with left:
        st.vega_lite_chart(spec=_bar_chart(by_outcome, "By outcome"), width="stretch")
        st.markdown(_in_words(by_outcome))
    with right:
        st.vega_lite_chart(spec=_bar_chart(by_band, "By PHQ-9 band"), width="stretch")
        st.markdown(_in_words(by_band))


def _in_words(counts: list[tuple[str, int]]) -> str:
    return "; ".join(f"{label}: {n}" for label, n in counts)


# --------------------------------------------------------------------------- problems


def problems_frame(problems: Sequence[FileProblem]) -> pd.DataFrame:
    """Refused files as a table: file, problem, code (and crisis answers, when any)."""
    import pandas as pd

    crisis = any(p.crisis for p in problems)
    columns = ["File", *(["Crisis answers"] if crisis else []), "Problem", "Code"]
    return pd.DataFrame(
        [
            {
                "File": p.name,
                "Crisis answers": "⚠ CRISIS" if p.crisis else "no",
                "Problem": p.message,
                "Code": p.code,
            }
            for p in problems
        ],
        columns=columns,
    )


def show_problems(problems: Sequence[FileProblem]) -> None:
    """The refused files; those with crisis answers first and called out."""
    crisis = sum(p.crisis for p in problems)
    if crisis:
        st.error(
            f"⚠ {crisis} refused file(s) contain crisis answers (PHQ-9 item 9 above zero or a "
            "safety answer yes). Open the file itself and follow your crisis procedure.",
            icon="⚠️",
        )
    with st.expander(f"Files not loaded ({len(problems)})", expanded=True):
        st.dataframe(problems_frame(problems), hide_index=True, width="stretch")


# --------------------------------------------------------------------------- detail


def show_summary(entry: Entry) -> None:
    """The summary as the respondent saw it: crisis first, outcome, findings, scores.

    Findings and scores are drawn by the self-screening results page's own renderers, so
    staff read the same words the respondent read.
    """
    from screening.questionnaire import load_questionnaire
    from ui.common import footer_text
    from ui.wizard.results import render_findings, render_scores

    result = entry.record.result
    if result.crisis:
        lines = ["**⚠ CRISIS.** Crisis resources were shown to this person."]
        if result.urgent:
            lines.append("**⚠ URGENT:** a plan, intent or recent self-harm was reported.")
        if "F-RISK-NOT-ASSESSED" in result.finding_ids:
            lines.append(
                "**⚠ Risk not assessed:** the person preferred not to say about a plan or "
                "intent. That is not a no: assess it directly."
            )
        lines.append(md_escape(footer_text()))
        st.error("  \n".join(lines), icon="⚠️")
    if entry.record.answer_changes:
        from screening.record import describe_change

        qn = load_questionnaire()
        changes = [describe_change(c, qn) for c in entry.record.answer_changes]
        st.warning(
            "**⚠ Safety answers changed while answering.** Ask about them:  \n"
            + "  \n".join(md_escape(c) for c in changes),
            icon="⚠️",
        )
    outcome = OUTCOMES[result.outcome]
    with st.container(border=True):
        st.subheader(outcome.title, anchor=False)
        st.markdown(md_escape(outcome.text))
    if result.missing:
        st.markdown(f"**Answers still needed:** {len(result.missing)}")
        st.text(", ".join(result.missing))
    render_findings(result, load_questionnaire())
    render_scores(dict(result.scores))
    st.markdown(f"**Please note.** {md_escape(DISCLAIMER)}")


def show_detail(entry: Entry, make_pdf: PdfMaker) -> None:
    """One record: the summary, clinician notes, every answer, mismatches, its PDF."""
    record = entry.record
    st.text(
        f"Record #{entry.number} · file: {entry.source} · "
        f"name: {record.display_name or '(none given)'} · "
        f"status: {'completed' if record.status == 'completed' else 'in progress'} · "
        f"date: {(record.created_at or '—')[:10]} · "
        f"answered in: {LANGUAGE_NAMES_EN.get(record.language, record.language)}"
    )
    if record.mismatches:
        st.warning(
            "⚠ The result stored in this file differs from the one recomputed from its "
            "answers. The recomputed result is shown. Differences:",
            icon="⚠️",
        )
        st.text("\n".join(record.mismatches))
    summary, clinician, answers = st.tabs(["Summary", "Clinician notes", "Answers"])
    with summary:
        show_summary(entry)
    with clinician:
        for note in clinician_notes(record):
            st.markdown(f"**{note.title}** · {note.kind_title} · `{note.id}`")
            st.markdown(note.clinician)
            st.markdown(f"*Source:* {md_escape(note.source)}")
    with answers:
        import pandas as pd

        lines = answer_lines(record.answers)
        st.dataframe(
            pd.DataFrame(
                [(a.section, a.question, a.answer) for a in lines],
                columns=["Section", "Question", "Answer"],
            ),
            hide_index=True,
            width="stretch",
        )
    st.download_button(
        "Download this summary (PDF)",
        data=guarded(export_name("pdf", entry.number), lambda: make_pdf()(entry)),
        file_name=export_name("pdf", entry.number),
        mime="application/pdf",
        on_click="ignore",
        key=f"staff_pdf_{entry.number}",
        icon=":material/picture_as_pdf:",
    )


# --------------------------------------------------------------------------- downloads


def show_downloads(
    entries: Sequence[Entry],
    write_csv: Callable[[Sequence[Entry]], bytes],
    make_pdf: PdfMaker,
) -> None:
    """CSV of the shown rows and a ZIP of their PDFs, each built only on click."""
    shown = tuple(entries)
    with st.container(horizontal=True):
        st.download_button(
            f"Download CSV ({len(shown):,} rows shown)",
            data=guarded(export_name("csv"), lambda: write_csv(shown)),
            file_name=export_name("csv"),
            mime="text/csv",
            on_click="ignore",
            disabled=not shown,
            key="staff_csv",
            icon=":material/table:",
        )
        st.download_button(
            f"Download PDFs as ZIP ({len(shown):,})",
            data=guarded(export_name("zip"), lambda: pdf_zip(shown, make_pdf())),
            file_name=export_name("zip"),
            mime="application/zip",
            on_click="ignore",
            disabled=not shown,
            key="staff_zip",
            icon=":material/folder_zip:",
            help="Built when you click: about 1 second per 50 records.",
        )
