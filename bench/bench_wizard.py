"""3. Wizard rerun: the server-side time of one rerun of each step (AppTest), beside a bare
script that renders the same elements (same widgets, labels, options and values) with no
logic at all: the floor is what Streamlit itself costs for that page."""

from __future__ import annotations

import copy
import json
import logging
import sys
from collections.abc import Callable
from typing import Any

from bench.common import REPO_ROOT, Growth, Row, interleaved, median, p95, skipped
from bench.data import VIGNETTES

SECTION = "Wizard rerun"
BUDGET_RATIO = 2.0
BUDGET_P95_MS = 50.0

_BARE_HEAD = '''"""Bare page: the same elements as one wizard step, no logic."""
import streamlit as st

SPEC = {spec!r}


def draw(items):
    for kind, a in items:
        if kind == "container":
            with st.container(border=a["border"], horizontal=a["horizontal"]):
                draw(a["children"])
        elif kind == "columns":
            for column, children in zip(st.columns(a["weights"]), a["children"]):
                with column:
                    draw(children)
        elif kind == "expander":
            with st.expander(a["label"]):
                draw(a["children"])
        elif kind == "title":
            st.title(a["value"])
        elif kind == "header":
            st.header(a["value"])
        elif kind == "subheader":
            st.subheader(a["value"])
        elif kind == "markdown":
            st.markdown(a["value"])
        elif kind == "caption":
            st.caption(a["value"])
        elif kind == "text":
            st.text(a["value"])
        elif kind == "divider":
            st.divider()
        elif kind == "progress":
            st.progress(a["value"])
        elif kind in ("info", "error", "warning", "success"):
            getattr(st, kind)(a["value"])
        elif kind == "radio":
            st.radio(a["label"], a["options"], index=a["index"], horizontal=a["horizontal"],
                     key=a["key"])
        elif kind == "selectbox":
            st.selectbox(a["label"], a["options"], index=a["index"], key=a["key"])
        elif kind == "number_input":
            st.number_input(a["label"], min_value=a["min"], max_value=a["max"],
                            value=a["value"], step=a["step"], key=a["key"])
        elif kind == "text_input":
            st.text_input(a["label"], value=a["value"], max_chars=a["max_chars"], key=a["key"])
        elif kind == "text_area":
            st.text_area(a["label"], value=a["value"], max_chars=a["max_chars"], key=a["key"])
        elif kind == "checkbox":
            st.checkbox(a["label"], value=a["value"], key=a["key"])
        elif kind == "button":
            st.button(a["label"], key=a["key"])
        elif kind == "download_button":
            st.download_button(a["label"], data=b"", key=a["key"])
        elif kind == "html":
            st.html(a["value"])


draw(SPEC)
'''


def _driver() -> Any:
    tests = str(REPO_ROOT / "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)
    import wizard_driver

    return wizard_driver


def available() -> str | None:
    """None when the wizard and its AppTest driver exist, else why not."""
    if not (REPO_ROOT / "ui" / "wizard" / "page.py").exists():
        return "ui/wizard/page.py is missing"
    if not (REPO_ROOT / "tests" / "wizard_driver.py").exists():
        return "tests/wizard_driver.py is missing"
    return None


def bench_answers(trials: int | None = None) -> dict[str, Any]:
    """A vignette's answers with PHQ-9 item 9 at 1 (so the safety step and the crisis panel
    show), safety answers "no", and ``trials`` copies of its trials when given."""
    vignettes = json.loads(VIGNETTES.read_text(encoding="utf-8"))
    answers = copy.deepcopy(vignettes[0]["answers"])
    answers.update(phq9_9=1, si_plan="no", si_intent="no", self_harm_recent="no")
    if trials is not None:
        base = answers["ad_trials"]
        answers["ad_trials"] = [dict(base[i % len(base)]) for i in range(trials)]
    return answers


_TEXT_ELEMENTS = frozenset(
    {"title", "header", "subheader", "markdown", "caption", "text", "html"}
    | {"info", "error", "warning", "success"}
)


def _maybe(cast: Callable[[Any], Any], value: Any) -> Any:
    return None if value is None else cast(value)


def bare_spec(at: Any) -> list[tuple[str, dict[str, Any]]]:
    """The page as (kind, arguments) items for the bare script, blocks nested as on the page
    (containers, columns, expanders), widgets with the same labels, options and values."""
    counter = iter(range(1_000_000))
    return _items(list(at.main.children.values()), counter)


def _items(nodes: list[Any], counter: Any) -> list[tuple[str, dict[str, Any]]]:
    spec: list[tuple[str, dict[str, Any]]] = []
    for e in nodes:
        kind = e.type
        key = f"k{next(counter)}"
        children = list(getattr(e, "children", {}).values())
        if kind == "flex_container":
            if children and all(c.type == "column" for c in children):
                spec.append(
                    ("columns", {"weights": [c.proto.weight for c in children],
                                 "children": [_items(list(c.children.values()), counter)
                                              for c in children]})
                )  # fmt: skip
            else:
                flex = e.proto.flex_container
                spec.append(
                    ("container", {"border": bool(flex.border),
                                   "horizontal": flex.direction == flex.HORIZONTAL,
                                   "children": _items(children, counter)})
                )  # fmt: skip
        elif kind == "expandable":
            spec.append(
                ("expander", {"label": e.proto.expandable.label,
                              "children": _items(children, counter)})
            )  # fmt: skip
        elif kind in _TEXT_ELEMENTS:
            spec.append((kind, {"value": str(e.value)}))
        elif kind == "divider":
            spec.append((kind, {}))
        elif kind == "progress":
            spec.append((kind, {"value": int(e.value)}))
        elif kind == "radio":
            spec.append(
                (kind, {"label": e.label, "options": list(e.options), "index": e.index,
                        "horizontal": bool(e.horizontal), "key": key})
            )  # fmt: skip
        elif kind == "selectbox":
            spec.append(
                (kind, {"label": e.label, "options": list(e.options), "index": e.index,
                        "key": key})
            )  # fmt: skip
        elif kind == "number_input":
            whole = e.proto.data_type == e.proto.INT
            num = int if whole else float
            spec.append(
                (kind, {"label": e.label, "min": _maybe(num, e.min), "max": _maybe(num, e.max),
                        "value": _maybe(num, e.value), "step": num(e.step), "key": key})
            )  # fmt: skip
        elif kind in ("text_input", "text_area"):
            spec.append(
                (kind, {"label": e.label, "value": e.value or "", "max_chars": e.max_chars,
                        "key": key})
            )  # fmt: skip
        elif kind == "checkbox":
            spec.append((kind, {"label": e.label, "value": bool(e.value), "key": key}))
        elif kind in ("button", "download_button"):
            spec.append((kind, {"label": e.label, "key": key}))
    return spec


def bare_app(at: Any) -> Any:
    """An AppTest of the bare script for the page ``at`` shows now, run once."""
    from streamlit.testing.v1 import AppTest

    bare = AppTest.from_string(_BARE_HEAD.format(spec=bare_spec(at)), default_timeout=30)
    bare.run()
    if bare.exception:
        raise RuntimeError(f"bare script failed: {bare.exception[0].value}")
    return bare


def _rerun(at: Any) -> Callable[[], None]:
    def run() -> None:
        at.run()
        if at.exception:
            raise RuntimeError(f"the page raised: {at.exception[0].value}")

    return run


def measure(at: Any, samples: int) -> tuple[list[float], list[float]]:
    """ms per rerun of the page and of its bare copy, alternating."""
    bare = bare_app(at)
    a, b = interleaved(_rerun(at), _rerun(bare), samples, warmup=2)
    return [x * 1000 for x in a], [x * 1000 for x in b]


def _row(name: str, page: list[float], bare: list[float]) -> Row:
    ratio = median(page) / median(bare)
    return Row(
        SECTION,
        name,
        "ms",
        median(page),
        p95(page),
        floor=median(bare),
        floor_name="bare script, same widgets",
        budget=f"≤ {BUDGET_RATIO}× floor, p95 ≤ {BUDGET_P95_MS:.0f} ms",
        passed=ratio <= BUDGET_RATIO and p95(page) <= BUDGET_P95_MS,
    )


def walk_steps(samples: int, answers: dict[str, Any]) -> list[tuple[str, list[float], list[float]]]:
    """Every step, the review and the results page: (name, page ms, bare ms)."""
    w = _driver()
    at = w.new_app()
    out = [("start page", *measure(at, samples))]
    w.start(at)
    for _ in range(w.MAX_STEPS):
        if w.view(at) != "step":
            break
        here = w.step(at)
        w.fill_step(at, answers)
        out.append((f"step `{here}`", *measure(at, samples)))
        w.next_step(at)
    if w.view(at) == "review":
        out.append(("review page", *measure(at, samples)))
        w.click(at, "wiz:results")
        out.append(("results page", *measure(at, samples)))
    return out


def run(quick: bool) -> list[Row]:
    """Each step's rerun beside its bare copy."""
    why = available()
    if why:
        return [skipped(SECTION, "rerun of each step", why)]
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    samples = 9 if quick else 25
    rows = [_row(name, a, b) for name, a, b in walk_steps(samples, bench_answers())]
    return rows


def growth(quick: bool) -> list[Growth]:
    """Rerun of the treatment step with 1, 5 and 15 trials."""
    if available():
        return []
    w = _driver()
    sizes = [1, 5, 15]
    g = Growth(SECTION, "treatment step rerun", "trials on the page", "ms", sizes=sizes)
    f = Growth(SECTION, "bare copy of it (floor)", "trials on the page", "ms", sizes=sizes)
    for trials in sizes:
        answers = bench_answers(trials)
        at = w.new_app()
        w.start(at)
        w.go_to_step(at, "treatment", answers)
        w.fill_step(at, answers)
        a, b = measure(at, 5 if quick else 11)
        g.costs.append(median(a))
        f.costs.append(median(b))
    g.note = (
        f"{g.costs[-1]:.0f} ms with the most trials the questionnaire allows (15), against the "
        f"{BUDGET_P95_MS:.0f} ms p95 budget; the bare copy grows the same way: the cost is "
        "Streamlit's, per widget"
    )
    return [g, f]
