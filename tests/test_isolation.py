"""Session isolation: two people using the app at once never see each other's answers,
results, uploads or downloads (AppTest sessions in one process, as on a real server).

And a static scan of ui/ and screening/ (AST) that nothing respondent-related can outlive
a session: no cache on functions that take answers, no module-level state changed by
functions, no ``global``, no URL writes, and printing or logging only where reviewed.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from screening.record import build_record, dump_record
from tests.conftest import spy_downloads, staff_app
from tests.hostile import CREATED
from tests.staff_data import answers_of
from tests.wizard_driver import (
    click,
    crisis_shown,
    fill_step,
    new_app,
    next_step,
    page_elements,
    start,
    state_answers,
    step,
    view,
)

REPO = Path(__file__).resolve().parents[1]
ALPHA, BRAVO, CHARLIE = "Alpha Sentinel 41", "Bravo Sentinel 52", "Charlie Sentinel 63"


def alpha_answers() -> dict[str, Any]:
    """Person A: PHQ-9 item 9 above zero (crisis), name ALPHA."""
    answers = answers_of("item9-passive")
    answers["display_name"] = ALPHA
    answers["notes_for_clinician"] = f"{ALPHA} notes"
    return answers


def bravo_answers() -> dict[str, Any]:
    """Person B: no crisis, other answers, name BRAVO."""
    answers = answers_of("typical-trd")
    answers["display_name"] = BRAVO
    answers["notes_for_clinician"] = f"{BRAVO} notes"
    return answers


def page_text(at: AppTest) -> str:
    """Every string on the page (values, labels, table cells), joined."""
    parts = []
    for element in page_elements(at):
        value = getattr(element, "value", None)
        if hasattr(value, "to_csv"):
            parts.append(value.to_csv())
        elif value is not None:
            parts.append(str(value))
        label = getattr(element, "label", None)
        if label:
            parts.append(str(label))
    return "\n".join(parts)


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Callable[[], Any]]]:
    """(file name, deferred callable) of every download button rendered, in order."""
    seen: list[tuple[str, Callable[[], Any]]] = []
    spy_downloads(monkeypatch, lambda name, build: seen.append((name, build)))
    return seen


@pytest.fixture(scope="module")
def two() -> tuple[AppTest, AppTest]:
    """Two sessions answering different patterns step by step, interleaved, to the results."""
    a, b = new_app(), new_app()
    start(a)
    start(b)
    for _ in range(20):
        moved = False
        for at, answers in ((a, alpha_answers()), (b, bravo_answers())):
            if view(at) == "step":
                fill_step(at, answers)
                next_step(at)
                moved = True
        if not moved:
            break
    for at in (a, b):
        assert view(at) == "review", (view(at), step(at) if view(at) == "step" else "")
        click(at, "wiz:results")
    a.run()
    b.run()
    return a, b


def test_each_session_holds_only_its_own_answers(two: tuple[AppTest, AppTest]) -> None:
    """Each session's answers are the ones its person gave."""
    a, b = two
    assert (state_answers(a)["display_name"], state_answers(b)["display_name"]) == (ALPHA, BRAVO)


def test_results_pages_never_show_the_other_person(two: tuple[AppTest, AppTest]) -> None:
    """A's summary never mentions B, and B's never mentions A."""
    a, b = two
    assert (BRAVO in page_text(a), ALPHA in page_text(b)) == (False, False)


def test_results_pages_show_their_own_person(two: tuple[AppTest, AppTest]) -> None:
    """Each summary is prepared for its own person."""
    a, b = two
    assert (ALPHA in page_text(a), BRAVO in page_text(b)) == (True, True)


def test_crisis_panel_only_in_the_session_that_answered_it(two: tuple[AppTest, AppTest]) -> None:
    """The crisis panel shows for A (item 9 above zero) and not for B."""
    a, b = two
    assert (crisis_shown(a), crisis_shown(b)) == (True, False)


def test_each_session_state_holds_nothing_of_the_other(two: tuple[AppTest, AppTest]) -> None:
    """No value anywhere in B's session state mentions A, and the other way round."""
    a, b = two
    dump_a = json.dumps(a.session_state.to_dict(), default=repr)
    dump_b = json.dumps(b.session_state.to_dict(), default=repr)
    assert (BRAVO in dump_a, ALPHA in dump_b) == (False, False)


def test_downloads_hold_only_their_own_session(
    two: tuple[AppTest, AppTest], downloads: list[tuple[str, Callable[[], Any]]]
) -> None:
    """Record files built for A and B, rendered one after the other, each hold their own."""
    a, b = two
    a.run()
    from_a = dict(downloads)["screening-record.json"]
    downloads.clear()
    b.run()
    from_b = dict(downloads)["screening-record.json"]
    names = (
        json.loads(from_a())["answers"]["display_name"],
        json.loads(from_b())["answers"]["display_name"],
    )
    assert names == (ALPHA, BRAVO)


def test_an_upload_in_one_session_never_reaches_another() -> None:
    """A resumes from a file; a session started at the same time stays empty."""
    a, b = new_app(), new_app()
    record = build_record(
        {**bravo_answers(), "display_name": CHARLIE}, created_at=CREATED, app_version="0.1.0"
    )
    a.file_uploader[0].set_value([("charlie.json", dump_record(record), "application/json")])
    a.run()
    b.run()
    assert (
        state_answers(a).get("display_name"),
        state_answers(b),
        CHARLIE in page_text(b) or "charlie" in page_text(b),
    ) == (CHARLIE, {}, False)


def test_clearing_one_session_leaves_the_other(two: tuple[AppTest, AppTest]) -> None:
    """ "Finish and clear" in a fresh session of A's answers does not touch B's."""
    _, b = two
    c = new_app()
    record = build_record(alpha_answers(), created_at=CREATED, app_version="0.1.0")
    c.file_uploader[0].set_value([("a.json", dump_record(record), "application/json")])
    c.run()
    click(c, "wiz:results")
    click(click(c, "wiz:finish"), "wiz:clear_yes")
    b.run()
    assert (state_answers(c), state_answers(b)["display_name"]) == ({}, BRAVO)


def test_staff_sessions_never_share_records() -> None:
    """Two staff sessions load different files; each table lists only its own."""
    one, other = (
        staff_app(),
        staff_app(),
    )
    one.run()
    other.run()
    rec_a = dump_record(build_record(alpha_answers(), created_at=CREATED, app_version="0"))
    rec_b = dump_record(build_record(bravo_answers(), created_at=CREATED, app_version="0"))
    one.file_uploader[0].set_value([("alpha.json", rec_a, "application/json")])
    other.file_uploader[0].set_value([("bravo.json", rec_b, "application/json")])
    one.run()
    other.run()
    one.run()
    assert (ALPHA in page_text(one), BRAVO in page_text(one), ALPHA in page_text(other)) == (
        True,
        False,
        False,
    )


# --------------------------------------------------------------------------- static scan

SCANNED = ("ui", "screening")
# Cached functions may take only these parameters (static data: files, fonts, regions).
# "question": a questionnaire item (its text and options), never an answer
# "settings": the deployment's clinic settings (static, never about a respondent)
CACHE_PARAMS = {
    "path",
    "modified",
    "style",
    "region",
    "code",
    "question",
    "settings",
    "language",  # a language code ("en", "es"): static, the same for every session
    "questionnaire",  # the questionnaire itself (compiled once), never its answers
    "conditions",  # a question's enabled_when conditions and their behaviour
    "behavior",
}
CACHE_DECORATORS = {"cache", "lru_cache", "cache_data", "cache_resource"}
MUTATORS = {
    "append",
    "extend",
    "insert",
    "update",
    "setdefault",
    "add",
    "pop",
    "popitem",
    "clear",
    "remove",
    "discard",
    "__setitem__",
}
MUTABLE_CALLS = {"list", "dict", "set", "defaultdict", "OrderedDict", "Counter", "deque"}
# Files allowed to print (the command line writes to stdout/stderr) or to log (settings).
PRINTING = {
    "screening/cli.py",
    "screening/review_cli.py",
    "screening/exports/cli.py",
    "screening/cli_io.py",
    "screening/inbox/commands.py",
}
LOGGING = {"ui/settings.py"}


def sources() -> Iterator[tuple[str, ast.Module]]:
    """(path relative to the repository, parsed module) of every .py file scanned."""
    for folder in SCANNED:
        for path in sorted((REPO / folder).rglob("*.py")):
            yield str(path.relative_to(REPO)), ast.parse(path.read_text(encoding="utf-8"))
    yield "streamlit_app.py", ast.parse((REPO / "streamlit_app.py").read_text(encoding="utf-8"))


def _name(node: ast.AST) -> str:
    """The last part of a dotted name (``st.cache_data`` -> ``cache_data``)."""
    if isinstance(node, ast.Call):
        return _name(node.func)
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _params(func: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> list[str]:
    args = func.args
    names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    names += [a.arg for a in (args.vararg, args.kwarg) if a is not None]
    return [n for n in names if n not in ("self", "cls")]


def cached_functions() -> Iterator[tuple[str, str, list[str]]]:
    """(file, function, parameters) of every function cached by decorator or by call."""
    for file, module in sources():
        functions = {
            n.name: n
            for n in ast.walk(module)
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        for func in functions.values():
            if any(_name(d) in CACHE_DECORATORS for d in func.decorator_list):
                yield file, func.name, _params(func)
        for node in ast.walk(module):
            if isinstance(node, ast.Call) and _name(node.func) in CACHE_DECORATORS and node.args:
                target = _name(node.args[0])
                if target in functions:
                    yield file, target, _params(functions[target])
                elif target:
                    yield file, target, ["<unknown: check by hand>"]


def test_the_scan_finds_the_known_caches() -> None:
    """The cache scan sees the settings and font caches (so it is looking at real code)."""
    found = {(file, func) for file, func, _ in cached_functions()}
    assert {("ui/settings.py", "_load"), ("screening/exports/pdf/fonts.py", "widths")} <= found


def test_cached_functions_take_only_static_parameters() -> None:
    """No st.cache_*/functools cache wraps a function that takes answers or records."""
    bad = [
        (file, func, params)
        for file, func, params in cached_functions()
        if set(params) - CACHE_PARAMS
        and not (func == "load_questionnaire" and params == ["<unknown: check by hand>"])
    ]
    assert bad == []


def test_no_function_changes_module_level_state() -> None:
    """No function mutates a module-level list, dict or set (state shared by all sessions)."""
    bad = []
    for file, module in sources():
        mutable = set()
        for node in module.body:
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.target]
                if isinstance(node, ast.AnnAssign) and node.value is not None
                else []
            )
            value = getattr(node, "value", None)
            if value is None:
                continue
            is_mutable = isinstance(
                value, ast.List | ast.Dict | ast.Set | ast.ListComp | ast.DictComp | ast.SetComp
            ) or (isinstance(value, ast.Call) and _name(value.func) in MUTABLE_CALLS)
            if is_mutable:
                mutable |= {t.id for t in targets if isinstance(t, ast.Name)}
        for func in ast.walk(module):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            local = set(_params(func))
            for node in ast.walk(func):
                if isinstance(node, ast.Assign):
                    local |= {t.id for t in node.targets if isinstance(t, ast.Name)}
            for node in ast.walk(func):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in MUTATORS
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id in mutable - local
                ):
                    bad.append((file, func.name, node.func.value.id, node.lineno))
                if (
                    isinstance(node, ast.Subscript)
                    and isinstance(node.ctx, ast.Store | ast.Del)
                    and isinstance(node.value, ast.Name)
                    and node.value.id in mutable - local
                ):
                    bad.append((file, func.name, node.value.id, node.lineno))
    assert bad == []


def test_no_global_statements() -> None:
    """No function rebinds a module global (``global`` / ``nonlocal`` at module level)."""
    bad = [
        (file, node.lineno)
        for file, module in sources()
        for node in ast.walk(module)
        if isinstance(node, ast.Global)
    ]
    assert bad == []


def test_nothing_writes_the_url() -> None:
    """No query-parameter writes: st.query_params assignment, update, from_dict or clear."""
    bad = []
    for file, module in sources():
        for node in ast.walk(module):
            if (
                isinstance(node, ast.Subscript)
                and isinstance(node.ctx, ast.Store | ast.Del)
                and _name(node.value) == "query_params"
            ):
                bad.append((file, node.lineno))
            if (
                isinstance(node, ast.Attribute)
                and node.attr
                in (
                    "query_params",
                    "experimental_set_query_params",
                )
                and isinstance(node.ctx, ast.Store)
            ):
                bad.append((file, node.lineno))
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr
                in ("update", "from_dict", "clear", "experimental_set_query_params")
                and _name(node.func.value) == "query_params"
            ):
                bad.append((file, node.lineno))
            if isinstance(node, ast.keyword) and node.arg == "query_params":
                bad.append((file, getattr(node.value, "lineno", 0)))
    assert bad == []


def test_printing_only_in_the_command_line() -> None:
    """print() appears only in the CLI modules (pages never print answers to a log)."""
    bad = [
        (file, node.lineno)
        for file, module in sources()
        for node in ast.walk(module)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "print"
        if file not in PRINTING
    ]
    assert bad == []


def test_logging_only_where_reviewed() -> None:
    """The logging module is used only by ui/settings.py (it logs deployment settings)."""
    bad = []
    for file, module in sources():
        for node in ast.walk(module):
            imported = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if file not in LOGGING and any(
                name == "logging" or name.startswith("logging.") for name in imported
            ):
                bad.append(file)
    assert bad == []
