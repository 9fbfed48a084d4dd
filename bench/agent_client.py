"""A simulated respondent for the server benchmark: completes the whole questionnaire through
Streamlit's agent API (``POST /_stcore/agent/interact``), one request per answer or button,
as a browser sends one rerun per click.

Only loopback addresses are accepted, every loop is bounded, and every request has a
timeout: the client stops by itself.
"""

from __future__ import annotations

import http.client
import json
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from screening.questionnaire import Question, Questionnaire, load_questionnaire

INTERACT = "/_stcore/agent/interact"
MAX_REQUESTS = 400  # per screening: a full questionnaire takes well under 100
TIMEOUT_S = 60.0
LOOPBACK = ("127.0.0.1", "localhost", "::1")
UNSET = object()


class AgentError(RuntimeError):
    """The server refused a request or the questionnaire could not be completed."""


@dataclass
class Stats:
    """Latencies (seconds) of every request, and the screenings completed."""

    latencies: list[float] = field(default_factory=list)
    completed: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("children", ()):
        yield from _walk(child)


class Respondent:
    """One simulated person: a session on the server and the answers they give."""

    def __init__(
        self,
        url: str,
        answers: dict[str, Any],
        *,
        think_s: tuple[float, float] = (0.0, 0.0),
        seed: int = 0,
        qn: Questionnaire | None = None,
        batch: bool = False,
    ) -> None:
        parts = urlsplit(url)
        if parts.hostname not in LOOPBACK:
            raise ValueError(f"only loopback servers may be driven, not {parts.hostname}")
        self.host = parts.hostname
        self.port = parts.port or 80
        self.answers = answers
        self.think_s = think_s
        self.batch = batch  # every answer shown on the page in one request (as a form would)
        self.rng = random.Random(seed)
        self.qn = qn or load_questionnaire()
        self.conn: http.client.HTTPConnection | None = None
        self.session_id: str | None = None
        self.cookies: dict[str, str] = {}  # a proxy's routing cookie, sent back as a browser does

    # ----------------------------------------------------------------- transport

    def post(self, body: dict[str, Any], stats: Stats) -> dict[str, Any]:
        """One interaction; its latency is recorded."""
        data = json.dumps(body).encode()
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT_S)
            start = time.perf_counter()
            try:
                headers = {"Content-Type": "application/json"}
                if self.cookies:
                    headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
                self.conn.request("POST", INTERACT, body=data, headers=headers)
                response = self.conn.getresponse()
                payload = response.read()
                for cookie in response.headers.get_all("Set-Cookie") or ():
                    name, _, rest = cookie.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            except (ConnectionError, http.client.HTTPException, OSError):
                self.close()
                if attempt == 2:
                    raise
                continue
            stats.latencies.append(time.perf_counter() - start)
            if response.status != 200:
                raise AgentError(f"HTTP {response.status}: {payload[:300]!r}")
            snapshot: dict[str, Any] = json.loads(payload)
            self.session_id = snapshot.get("session_id", self.session_id)
            return snapshot
        raise AgentError("unreachable")  # pragma: no cover

    def close(self) -> None:
        """Close the connection (the server reclaims the session when it has been idle)."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def _think(self) -> None:
        low, high = self.think_s
        if high > 0:
            time.sleep(self.rng.uniform(low, high))

    # ----------------------------------------------------------------- answers

    def _desired(self, key: str, node: dict[str, Any], trial_index: dict[int, int]) -> Any:
        """The value this person gives the widget ``key``, or UNSET to leave it."""
        parts = key.split(":")
        if parts[0] == "q" and len(parts) == 2:
            q = self.qn.by_id.get(parts[1])
            value = self.answers.get(parts[1]) if q is not None else None
            return UNSET if q is None or value is None else self._as_widget(q, value, node)
        if parts[0] == "q" and len(parts) == 3:
            value = self.answers.get(parts[1])
            if parts[2] == "__none":
                return value == []
            return isinstance(value, list) and parts[2] in [str(v) for v in value]
        if parts[0] == "t" and len(parts) == 3:
            index = trial_index.get(int(parts[1]))
            trials = self.answers.get("ad_trials") or []
            if index is None or index >= len(trials):
                return UNSET
            sub = self.qn.by_id["ad_trials"].item_by_id.get(parts[2])
            value = trials[index].get(parts[2])
            return UNSET if sub is None or value is None else self._as_widget(sub, value, node)
        return UNSET

    @staticmethod
    def _as_widget(q: Question, value: Any, node: dict[str, Any]) -> Any:
        if q.type == "integer":  # numbers are typed into a text box
            return str(value)
        if q.type in ("single", "ynu", "ynp"):
            options = node.get("props", {}).get("options") or []
            position = q.codes_in_order.index(value)
            return options[position] if position < len(options) else UNSET
        return value

    # ----------------------------------------------------------------- the questionnaire

    def screening(self, stats: Stats) -> bool:
        """Start a session and answer every step up to the results; True when completed."""
        snapshot = self.post({}, stats)
        for _ in range(MAX_REQUESTS):
            nodes = [n for n in _walk(snapshot["tree"]) if "key" in n]
            keys = {n["key"] for n in nodes}
            actions = {a["key"] for a in snapshot.get("actions", ())}
            if "outcome" in keys:
                return True
            self._think()
            body = self._next_move(nodes, actions)
            snapshot = self.post({"session_id": self.session_id, **body}, stats)
        raise AgentError(f"no results page after {MAX_REQUESTS} requests")

    def send_to_clinic(self, stats: Stats) -> str:
        """On the results page: press "Send to {clinic}"; the reference of the receipt."""
        snapshot = self.post({"session_id": self.session_id, "trigger": {"key": "wiz:send"}}, stats)
        text = json.dumps(snapshot, ensure_ascii=False)
        marker = "Your reference is **"
        if marker not in text:
            raise AgentError("no receipt after sending")
        return text.split(marker, 1)[1].split("**", 1)[0].replace("\\\\", "")

    def _next_move(self, nodes: list[dict[str, Any]], actions: set[str]) -> dict[str, Any]:
        """One answer to change, else the button that moves on."""
        if "wiz:start" in actions:
            return {"trigger": {"key": "wiz:start"}}
        if "wiz:results" in actions:
            return {"trigger": {"key": "wiz:results"}}
        rows: list[int] = []
        for n in nodes:
            parts = n["key"].split(":")
            if parts[0] == "t" and len(parts) == 3 and int(parts[1]) not in rows:
                rows.append(int(parts[1]))
        trial_index = {row: i for i, row in enumerate(rows)}
        changes: dict[str, Any] = {}
        for n in nodes:
            key = n["key"]
            if key not in actions:
                continue
            want = self._desired(key, n, trial_index)
            if want is not UNSET and n.get("value") != want:
                changes[key] = want
                if not self.batch:
                    break
        if changes:
            return {"widget_state": changes}
        wanted_trials = len(self.answers.get("ad_trials") or [])
        if "wiz:add_trial" in actions and len(rows) < wanted_trials:
            return {"trigger": {"key": "wiz:add_trial"}}
        if "wiz:next" in actions:
            return {"trigger": {"key": "wiz:next"}}
        raise AgentError(f"stuck: no answer to give and no Next (actions {sorted(actions)[:8]})")
