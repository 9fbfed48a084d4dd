"""6. Server capacity: one ``streamlit run`` process on 127.0.0.1 driven by simulated
respondents through the agent API (switched on for this run only), each completing the
whole questionnaire with one request per answer or button, as a browser sends one rerun
per click.

Phase 1, capacity: a few respondents with no pause between clicks saturate the process;
completed screenings per second. Phase 2, 50 live sessions: respondents pausing 0.5-1.5 s
between clicks (a fast human); request latency, server memory per live session, and the
memory once the sessions have ended, over three rounds (it must not keep growing).

Loopback only; every loop is bounded in count and time; the server is stopped at the end.
"""

from __future__ import annotations

import os
import re
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any

from bench.agent_client import Respondent, Stats
from bench.common import REPO_ROOT, Row, median, p95, skipped

SECTION = "Server"
BUDGET_RATE = 1.0  # completed screenings per second per process
BUDGET_P95_MS = 300.0
BUDGET_MB_PER_SESSION = 2.0
# A plateau: the last round of sessions leaves (almost) nothing behind. The first rounds
# may grow the heap once (allocator arenas, caches filled on first use).
PLATEAU_TOLERANCE_MB = 4.0
SESSION_TTL_S = 8
ROUND_DEADLINE_S = 240.0

# What the process adds for this benchmark only; everything else comes from
# .streamlit/config.toml, as in production.
AGENT_ARGS = (
    "--server.enableAgentApi", "true",
    "--server.agentSessionTTL", str(SESSION_TTL_S),
    "--server.agentMaxSessions", "200",
    "--server.agentWaitTimeout", "60",
)  # fmt: skip


EXTRA_ARGS: tuple[str, ...] = ()  # for trying a setting ad hoc, e.g. from a shell


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def _cpu_s(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _active_sessions(url: str) -> int:
    with urllib.request.urlopen(f"{url}/_stcore/metrics", timeout=10) as response:
        text = response.read().decode()
    match = re.search(r"^active_sessions(?:\{[^}]*\})? (\d+)", text, re.MULTILINE)
    return int(match.group(1)) if match else -1


def _wait_sessions_gone(url: str, limit_s: float) -> float:
    """Seconds until no session is left (the server reclaims idle ones), at most limit_s."""
    start = time.monotonic()
    while time.monotonic() - start < limit_s:
        if _active_sessions(url) == 0:
            return time.monotonic() - start
        time.sleep(0.5)
    return -1.0


def _run_clients(
    url: str,
    count: int,
    screenings: int,
    think_s: tuple[float, float],
    answers: dict[str, Any],
    on_all_done: Callable[[], None] | None = None,
    batch: bool = False,
) -> tuple[Stats, float]:
    """``count`` respondents in threads, each completing ``screenings`` questionnaires."""
    stats = [Stats() for _ in range(count)]
    barrier = threading.Barrier(count + 1)
    stop_at = time.monotonic() + ROUND_DEADLINE_S

    def work(i: int) -> None:
        person = Respondent(url, answers, think_s=think_s, seed=i, batch=batch)
        try:
            for _ in range(screenings):
                if time.monotonic() > stop_at:
                    break
                try:
                    if person.screening(stats[i]):
                        stats[i].completed += 1
                except Exception as exc:  # counted and reported, the others go on
                    stats[i].failed += 1
                    stats[i].errors.append(f"{type(exc).__name__}: {exc}"[:200])
        finally:
            person.close()
            barrier.wait(timeout=ROUND_DEADLINE_S + 60)

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(count)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
        if think_s[1] > 0:
            time.sleep(think_s[1] / count)  # stagger the starts over one pause
    barrier.wait(timeout=ROUND_DEADLINE_S + 60)
    elapsed = time.perf_counter() - start
    if on_all_done is not None:
        on_all_done()
    for thread in threads:
        thread.join(timeout=10)
    total = Stats()
    for s in stats:
        total.latencies += s.latencies
        total.completed += s.completed
        total.failed += s.failed
        total.errors += s.errors
    return total, elapsed


def _server(extra: tuple[str, ...] = ()) -> Any:
    from tests.browser.harness import start_app

    app = start_app(extra_args=(*AGENT_ARGS, "--logger.level", "error", *extra))
    if not app.url.startswith("http://127.0.0.1:"):
        app.stop()
        raise RuntimeError(f"refusing a non-loopback server: {app.url}")
    return app


def available() -> str | None:
    """None when the wizard exists, else why not."""
    if not (REPO_ROOT / "ui" / "wizard" / "page.py").exists():
        return "the wizard (ui/wizard/page.py) is missing"
    return None


def run(quick: bool) -> list[Row]:
    """Capacity, then rounds of many live sessions."""
    why = available()
    if why:
        return [skipped(SECTION, "screenings per second", why)]
    from bench.bench_wizard import bench_answers

    answers = bench_answers()
    app = _server(EXTRA_ARGS)
    try:
        rows = _measure(app, answers, quick)
    finally:
        app.stop()
    rows.append(_scale_row(answers, quick))
    return rows


SCALE_BUDGET = 1.7  # 2 replicas behind nginx, to 1 replica behind nginx


def _scale_row(answers: dict[str, Any], quick: bool) -> Row:
    """Completed screenings per second through the shipped nginx with 1 and with 2
    replicas: what adding a replica buys on this machine (the respondents share it)."""
    import tempfile
    from pathlib import Path

    from bench.bench_senders import _open_agent_api
    from tests.browser.proxy import COOKIE_SECRET_ENV, find_nginx, start_proxy

    name = "2 replicas behind the shipped nginx, to 1 (completed screenings per second)"
    try:
        find_nginx()
    except Exception as exc:
        return skipped(SECTION, name, str(exc).splitlines()[0])
    folder = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    env = {COOKIE_SECRET_ENV: "c" * 64}
    from tests.browser.harness import start_app

    apps = [
        start_app(extra_args=(*AGENT_ARGS, "--logger.level", "error", *EXTRA_ARGS), env=env)
        for _ in range(2)
    ]
    rates: list[float] = []
    try:
        clients, each = (4, 1) if quick else (8, 2)
        for count in (1, 2):
            proxy = start_proxy(folder / f"nginx-{count}", apps[:count], "cookie")
            try:
                _open_agent_api(proxy)
                _run_clients(proxy.url, count, 1, (0.0, 0.0), answers)  # warm each replica
                done, elapsed = _run_clients(proxy.url, clients, each, (0.0, 0.0), answers)
                rates.append(done.completed / elapsed if elapsed else 0.0)
            finally:
                proxy.stop()
    finally:
        for app in apps:
            app.stop()
    ratio = rates[1] / rates[0] if rates[0] else 0.0
    return Row(
        SECTION,
        name,
        "×",
        ratio,
        None,
        budget=f"≥ {SCALE_BUDGET:g}×",
        passed=ratio >= SCALE_BUDGET,
        note=f"1 replica {rates[0]:.2f}/s, 2 replicas {rates[1]:.2f}/s, {clients} respondents "
        "without pauses; the respondents run on the same 2 cores as the replicas",
        higher_is_better=True,
    )


def _measure(app: Any, answers: dict[str, Any], quick: bool) -> list[Row]:
    pid = app.process.pid
    url = app.url
    rows: list[Row] = []

    # Warm up: one screening alone (imports, caches); its latencies are the idle figure.
    idle, _ = _run_clients(url, 1, 1, (0.0, 0.0), answers)
    requests_per_screening = len(idle.latencies)

    # Phase 1: capacity (no pause between clicks).
    clients, each = (3, 1) if quick else (6, 2)
    cpu0, own0 = _cpu_s(pid), time.process_time()
    saturated, elapsed = _run_clients(url, clients, each, (0.0, 0.0), answers)
    cpu, own = _cpu_s(pid) - cpu0, time.process_time() - own0
    rate = saturated.completed / elapsed if elapsed else 0.0
    per_request_ms = cpu / max(1, len(saturated.latencies)) * 1000
    rows.append(
        Row(
            SECTION,
            f"completed screenings per second ({clients} respondents, no pauses)",
            "/s",
            rate,
            None,
            budget=f"≥ {BUDGET_RATE:g}/s",
            passed=rate >= BUDGET_RATE and saturated.failed == 0,
            note=f"{saturated.completed} completed, {saturated.failed} failed; "
            f"{requests_per_screening} requests per screening; server CPU "
            f"{per_request_ms:.1f} ms per request ({cpu / max(1, saturated.completed):.2f} s "
            f"per screening; the respondents' own CPU {own / max(1, saturated.completed):.2f} s "
            f"per screening, on the same 2 cores); latency under saturation p50 "
            f"{median(saturated.latencies) * 1000:.0f}"
            f" ms, p95 {p95(saturated.latencies) * 1000:.0f} ms"
            + (f"; errors: {saturated.errors[:2]}" if saturated.errors else ""),
            higher_is_better=True,
        )
    )
    batched, batch_elapsed = _run_clients(url, clients, 1, (0.0, 0.0), answers, batch=True)
    batch_rate = batched.completed / batch_elapsed if batch_elapsed else 0.0
    rows.append(
        Row(
            SECTION,
            "same, if each page's answers went in one rerun (as with a form per step)",
            "/s",
            batch_rate,
            None,
            note=f"{len(batched.latencies) / max(1, batched.completed):.0f} requests per "
            "screening instead of one per click: what fewer reruns would buy",
            higher_is_better=True,
        )
    )
    rows.append(
        Row(
            SECTION,
            "request latency, one respondent alone",
            "ms",
            median(idle.latencies) * 1000,
            p95(idle.latencies) * 1000,
            note="one request per answer or button; includes the agent API's JSON snapshot",
        )
    )

    # Phase 2: many live sessions, three rounds (one in the quick run).
    sessions, rounds, think = (20, 1, (0.25, 0.75)) if quick else (50, 3, (0.5, 1.5))
    _wait_sessions_gone(url, SESSION_TTL_S * 3 + 5)
    base = _rss_mb(pid)
    peaks: list[float] = []
    afters: list[float] = []
    live: list[int] = []
    latencies: list[float] = []
    failed = 0
    completed = 0
    for _ in range(rounds):

        def at_peak() -> None:
            peaks.append(_rss_mb(pid))
            live.append(_active_sessions(url))

        stats, _elapsed = _run_clients(url, sessions, 1, think, answers, at_peak)
        latencies += stats.latencies
        failed += stats.failed
        completed += stats.completed
        gone = _wait_sessions_gone(url, SESSION_TTL_S * 3 + 10)
        afters.append(_rss_mb(pid) if gone >= 0 else float("nan"))

    p95_ms = p95(latencies) * 1000
    rows.append(
        Row(
            SECTION,
            f"request latency with {sessions} live sessions",
            "ms",
            median(latencies) * 1000,
            p95_ms,
            budget=f"p95 ≤ {BUDGET_P95_MS:.0f} ms",
            passed=None if quick else p95_ms <= BUDGET_P95_MS and failed == 0,
            note=f"{rounds} round(s) of {sessions} respondents pausing {think[0]}–{think[1]} s "
            f"between clicks; {completed} completed, {failed} failed"
            + ("; quick run: fewer sessions, budget judged in the full run" if quick else ""),
        )
    )
    per_session = [(peak - base) / max(1, n) for peak, n in zip(peaks, live, strict=True)]
    worst = max(per_session)
    rows.append(
        Row(
            SECTION,
            "server memory per live session",
            "MB",
            median(per_session),
            worst,
            budget=f"≤ {BUDGET_MB_PER_SESSION:g} MB",
            passed=worst <= BUDGET_MB_PER_SESSION,
            note=f"RSS {base:.0f} MB before; at the end of each round "
            + ", ".join(f"{p:.0f} MB with {n} live" for p, n in zip(peaks, live, strict=True))
            + "; p95 column = worst round",
        )
    )
    last_growth = afters[-1] - afters[-2] if rounds > 1 else float("nan")
    rows.append(
        Row(
            SECTION,
            "server memory after the sessions ended",
            "MB",
            afters[-1],
            None,
            floor=base,
            floor_name="RSS before the first round",
            budget=f"plateau: last round adds ≤ {PLATEAU_TOLERANCE_MB:g} MB" if rounds > 1 else "",
            passed=(last_growth <= PLATEAU_TOLERANCE_MB) if rounds > 1 else None,
            note="after each round: "
            + ", ".join(f"{a:.1f} MB" for a in afters)
            + (f"; the last round added {last_growth:+.1f} MB" if rounds > 1 else ""),
        )
    )
    return rows
