"""Soak: many simulated people answering the questionnaire at once, for minutes, on one
real Streamlit server. Zero errors expected, and the server's memory must level off.

    .venv/bin/python bench/soak.py                       # 50 sessions, 10 minutes
    .venv/bin/python bench/soak.py --minutes 1 --sessions 10

Each simulated person is a thread that, again and again: opens a new session, presses
Start, answers every step (synthetic, valid answers from bench/data.py, a fifth of them
with PHQ-9 item 9 above zero), presses Next (filling in what a step asks for when it shows
a problem), opens the summary, goes back to the review, opens the summary again and
presses "Finish and clear my answers"; the session is then abandoned (the server reclaims
it after ``--ttl`` seconds), as a browser tab that is closed.

Sessions are driven through Streamlit's experimental agent API (``POST
/_stcore/agent/interact``, test servers only: it must stay off in production), which
runs the same script, widgets and callbacks as a browser's websocket session.

Errors counted: a failed request, an exception or the page's plain error message on a
page, a journey that does not reach its summary, a summary whose outcome is not the one
the core computes for the same answers, a crisis panel missing when item 9 is above
zero (or shown when nothing calls for it), and error lines in the server log. Memory is
the server process's resident set size, sampled every few seconds; it "levels off" when
the mean of the last quarter of the run is within 10% of the mean of the second quarter.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.data import synthetic_answers  # noqa: E402
from screening.questionnaire import Question, Questionnaire, load_questionnaire  # noqa: E402
from screening.rules import OUTCOMES, evaluate  # noqa: E402

CRISIS_TITLE = "Support is available right now"
PLAIN_ERRORS = ("Sorry, something went wrong", "could not be worked out", "could not be shown")
MAX_REQUESTS_PER_JOURNEY = 120


# --------------------------------------------------------------------------- the server


def free_port() -> int:
    """A free TCP port on localhost."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """One ``streamlit run`` process with the agent API on (test use only)."""

    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def rss_mb(self) -> float:
        """Resident memory of the server process, in MB (from /proc)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_server(ttl: int, max_sessions: int) -> Server:
    """Start the app and wait until it answers its health check."""
    port = free_port()
    log_path = Path(tempfile.mkdtemp(prefix="soak-")) / "server.log"
    command = [
        str(ROOT / ".venv" / "bin" / "streamlit"),
        "run",
        str(ROOT / "streamlit_app.py"),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--server.enableAgentApi",
        "true",
        "--server.agentSessionTTL",
        str(ttl),
        "--server.agentMaxSessions",
        str(max_sessions),
        "--browser.gatherUsageStats",
        "false",
    ]
    log = log_path.open("wb")
    process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    server = Server(port, process, log_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return server
        except OSError:
            time.sleep(0.3)
    server.stop()
    raise SystemExit(f"the server did not start; see {log_path}")


# --------------------------------------------------------------------------- one person


class JourneyError(Exception):
    """Something a person would have seen go wrong."""


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _text(node: dict[str, Any]) -> str:
    props = node.get("props") or {}
    return str(props.get("body") or props.get("label") or node.get("value") or "")


@dataclass
class Stats:
    """Counts shared by every thread (guarded by a lock)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0
    journeys: int = 0
    crisis_journeys: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)

    def request(self, seconds: float) -> None:
        with self.lock:
            self.requests += 1
            self.latencies.append(seconds)

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


class Person:
    """One simulated respondent, driving sessions one after another."""

    def __init__(
        self, number: int, server: Server, stats: Stats, think: float, qn: Questionnaire
    ) -> None:
        self.number = number
        self.server = server
        self.stats = stats
        self.think = think
        self.qn = qn
        self.rng = random.Random(number)
        self.session: str | None = None
        self.snapshot: dict[str, Any] = {}

    # ----------------------------------------------------------------- protocol

    def call(self, body: dict[str, Any]) -> dict[str, Any]:
        if self.session is not None:
            body = {"session_id": self.session, **body}
        request = urllib.request.Request(
            f"{self.server.url}/_stcore/agent/interact",
            data=json.dumps(body).encode(),
            headers={"content-type": "application/json"},
        )
        began = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                snapshot: dict[str, Any] = json.load(response)
        except urllib.error.HTTPError as exc:
            raise JourneyError(f"HTTP {exc.code}: {exc.read()[:200]!r}") from None
        except OSError as exc:
            raise JourneyError(f"request failed: {exc}") from None
        self.stats.request(time.perf_counter() - began)
        self.session = snapshot.get("session_id", self.session)
        self.snapshot = snapshot
        self._check_page()
        if self.think:
            time.sleep(self.rng.uniform(0.5, 1.5) * self.think)
        return snapshot

    def _check_page(self) -> None:
        for node in _walk(self.snapshot.get("tree")):
            kind = node.get("type")
            if kind == "exception":
                raise JourneyError("an exception is shown on the page")
            if kind == "error" and any(p in _text(node) for p in PLAIN_ERRORS):
                raise JourneyError(f"the page says: {_text(node)[:80]}")

    def actions(self) -> dict[str, dict[str, Any]]:
        return {a["key"]: a for a in self.snapshot.get("actions", []) if "key" in a}

    def node(self, key: str) -> dict[str, Any]:
        return next(n for n in _walk(self.snapshot.get("tree")) if n.get("key") == key)

    def headings(self) -> list[str]:
        return [
            _text(n).replace("\\", "")
            for n in _walk(self.snapshot.get("tree"))
            if n.get("type") in ("title", "header", "subheader")
        ]

    # ----------------------------------------------------------------- answers → widgets

    def _option(self, key: str, q: Question, code: Any) -> str:
        options = (self.node(key).get("props") or {}).get("options") or []
        return str(options[list(q.codes_in_order).index(code)])

    def widget_values(self, answers: dict[str, Any]) -> dict[str, Any]:
        """Values for every answer widget on the page now (trials: the rows shown)."""
        present = self.actions()
        values: dict[str, Any] = {}
        for q in self.qn.questions:
            value = answers.get(q.id)
            if value is None:
                continue
            if q.type == "multi":
                for code in q.codes_in_order:
                    key = f"q:{q.id}:{code}"
                    if key in present:
                        values[key] = code in value
                if value == [] and f"q:{q.id}:__none" in present:
                    values[f"q:{q.id}:__none"] = True
            elif q.type == "repeat":
                if value == [] and f"q:{q.id}:__none" in present:
                    values[f"q:{q.id}:__none"] = True
                values.update(self._trial_values(q, value, present))
            elif f"q:{q.id}" in present:
                key = f"q:{q.id}"
                values[key] = self._option(key, q, value) if q.is_choice else value
        return values

    def _trial_values(
        self, q: Question, entries: list[dict[str, Any]], present: dict[str, Any]
    ) -> dict[str, Any]:
        rows = sorted({int(k.split(":")[1]) for k in present if k.startswith("t:")})
        values: dict[str, Any] = {}
        for row, entry in zip(rows, entries, strict=False):
            for sub in q.items:
                key = f"t:{row}:{sub.id}"
                if sub.id in entry and key in present:
                    value = entry[sub.id]
                    values[key] = self._option(key, sub, value) if sub.is_choice else value
        return values

    # ----------------------------------------------------------------- a journey

    def journey(self) -> None:
        """One session from Start to "Finish and clear", checking what is shown."""
        answers = synthetic_answers(self.rng, self.number)
        if "bp_systolic" in answers and "bp_diastolic" not in answers:
            answers["bp_diastolic"] = self.rng.randint(60, 100)  # required with a systolic
        if self.rng.random() < 0.2:
            answers["phq9_9"] = self.rng.choice((1, 2, 3))
            for key in ("si_plan", "si_intent", "self_harm_recent"):
                answers[key] = self.rng.choice(("no", "no", "yes", "prefer_not_to_say"))
            answers.setdefault("phq9_difficulty", "somewhat")
        expected = evaluate(answers, self.qn)
        self.session = None
        self.call({})
        self.call({"trigger": {"key": "wiz:start"}})
        for _ in range(MAX_REQUESTS_PER_JOURNEY):
            present = self.actions()
            if "wiz:results" in present:
                break
            if "wiz:add_trial" in present:
                rows = sum(1 for k in present if k.startswith("t:") and k.endswith(":medication"))
                if rows < len(answers.get("ad_trials") or []):
                    self.call({"widget_state": self.widget_values(answers)})
                    self.call({"trigger": {"key": "wiz:add_trial"}})
                    continue
            values = self.widget_values(answers)
            changed = {k: v for k, v in values.items() if self.node(k).get("value") != v}
            if changed:  # answer first, then look again: answers can reveal questions
                self.call({"widget_state": changed})
                continue
            self.call({"trigger": {"key": "wiz:next"}})
        else:
            raise JourneyError("the review was never reached")
        self.call({"trigger": {"key": "wiz:results"}})
        self._check_results(expected.outcome, expected.crisis)
        self.call({"trigger": {"key": "wiz:to_review"}})
        self.call({"trigger": {"key": "wiz:results"}})
        self._check_results(expected.outcome, expected.crisis)
        self.call({"trigger": {"key": "wiz:finish"}})
        if "wiz:start" not in self.actions():
            raise JourneyError("Finish did not return to the start page")
        with self.stats.lock:
            self.stats.journeys += 1
            self.stats.crisis_journeys += expected.crisis

    def _check_results(self, outcome: str, crisis: bool) -> None:
        headings = self.headings()
        if OUTCOMES[outcome].title not in headings:
            raise JourneyError(f"summary outcome is not {outcome}: {headings[:4]}")
        if (CRISIS_TITLE in headings) != crisis:
            raise JourneyError(f"crisis panel {'missing' if crisis else 'shown wrongly'}")

    def run(self, until: float) -> None:
        while time.monotonic() < until:
            try:
                self.journey()
            except JourneyError as exc:
                self.stats.error(f"person {self.number}: {exc}")
            except Exception as exc:  # the harness itself must keep going
                self.stats.error(f"person {self.number}: harness: {type(exc).__name__}: {exc}")


# --------------------------------------------------------------------------- the run


@dataclass
class Sample:
    at: float
    rss_mb: float
    requests: int
    journeys: int


def plateau(samples: list[Sample]) -> tuple[float, float, bool]:
    """(mean MB of the second quarter, mean MB of the last quarter, levelled off?)."""
    n = len(samples)
    second = [s.rss_mb for s in samples[n // 4 : n // 2]] or [samples[-1].rss_mb]
    last = [s.rss_mb for s in samples[3 * n // 4 :]] or [samples[-1].rss_mb]
    a, b = statistics.fmean(second), statistics.fmean(last)
    return a, b, b <= a * 1.10


def log_errors(path: Path) -> list[str]:
    """Lines of the server log that report an error or a traceback."""
    text = path.read_text(encoding="utf-8", errors="replace")
    return [ln for ln in text.splitlines() if re.search(r"Traceback|ERROR|Exception", ln)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="how long (default 10)")
    parser.add_argument("--sessions", type=int, default=50, help="people at once (default 50)")
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean seconds between actions (default 1)"
    )
    parser.add_argument("--ttl", type=int, default=60, help="idle session lifetime, seconds")
    parser.add_argument("--sample", type=float, default=5.0, help="seconds between samples")
    args = parser.parse_args(argv)

    qn = load_questionnaire()
    server = start_server(args.ttl, max_sessions=max(200, args.sessions * 8))
    stats = Stats()
    samples: list[Sample] = []
    began = time.monotonic()
    until = began + args.minutes * 60
    try:
        base_mb = server.rss_mb()
        people = [Person(i + 1, server, stats, args.think, qn) for i in range(args.sessions)]
        threads = [
            threading.Thread(target=p.run, args=(until,), daemon=True, name=f"person-{p.number}")
            for p in people
        ]
        for thread in threads:
            thread.start()
            time.sleep(0.05)
        while any(t.is_alive() for t in threads):
            samples.append(
                Sample(time.monotonic() - began, server.rss_mb(), stats.requests, stats.journeys)
            )
            print(
                f"{samples[-1].at:6.0f} s  rss {samples[-1].rss_mb:7.1f} MB  "
                f"requests {stats.requests:6d}  journeys {stats.journeys:5d}  "
                f"errors {len(stats.errors)}",
                flush=True,
            )
            time.sleep(args.sample)
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - began
        end_mb = server.rss_mb()
        time.sleep(min(args.ttl + 35, 120))  # idle sessions reclaimed
        idle_mb = server.rss_mb()
    finally:
        server.stop()
    server_errors = log_errors(server.log_path)
    second, last, levelled = plateau(samples)
    lat = sorted(stats.latencies)
    q = statistics.quantiles(lat, n=100) if len(lat) >= 100 else [float("nan")] * 99
    print()
    print(
        f"soak: {args.sessions} sessions at once for {elapsed / 60:.1f} min, think {args.think} s"
    )
    print(f"journeys completed: {stats.journeys} ({stats.crisis_journeys} with the crisis panel)")
    print(f"requests: {stats.requests} ({stats.requests / elapsed:.1f}/s)")
    print(
        f"request latency: median {q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms, "
        f"max {max(lat, default=float('nan')) * 1000:.0f} ms"
    )
    print(f"errors: {len(stats.errors)} in journeys, {len(server_errors)} in the server log")
    for line in (stats.errors + server_errors)[:20]:
        print(f"  {line}")
    print(
        f"server memory: {base_mb:.0f} MB at start, {second:.0f} MB (2nd quarter mean), "
        f"{last:.0f} MB (last quarter mean), {end_mb:.0f} MB at the end, "
        f"{idle_mb:.0f} MB after idle sessions were reclaimed; "
        f"{'levelled off' if levelled else 'STILL GROWING'}"
    )
    ok = not stats.errors and not server_errors and levelled and stats.journeys > 0
    print("result:", "pass" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
