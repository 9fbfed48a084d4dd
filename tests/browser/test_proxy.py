"""Two replicas behind nginx on loopback: headers, limits, sticky sessions, a real upload.

The proxy runs from a configuration rendered from deploy/nginx/. A round-robin variant of
the same configuration shows why stickiness matters: an upload that lands on the replica
that does not hold the browser's session is refused.
"""

from __future__ import annotations

import gzip
import re
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import Message
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import streamlit
from playwright.sync_api import expect
from pypdf import PdfReader

from deploy.nginx.render import CSP
from screening.rules import OUTCOMES
from tests.conftest import vignette
from tests.staff_data import record_bytes

from .harness import (
    RECORD_FILES_INPUT,
    AppServer,
    auth_secrets,
    free_port,
    new_page,
    open_app,
    open_staff,
    staff_settings,
    wait_idle,
)
from .proxy import (
    LogLine,
    Proxy,
    ProxyUnavailable,
    find_nginx,
    running_proxy,
    running_replicas,
    self_signed_certificate,
    unverified_tls,
)
from .wizard_flow import complete, keyed

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    "x-frame-options": "DENY",
}
ROUTE_COOKIE = re.compile(r"^screening_route=([0-9a-f]{32}); Path=/; HttpOnly; SameSite=Lax$")
CLINIC = "Harbour Mental Health"
CLINIC_SETTINGS = f'clinic_name = "{CLINIC}"\nphone = "+44 161 496 0000"\nregion = "uk"\n'
UK_CRISIS_LINE = "In crisis? Samaritans: call 116 123"
PDF_BUTTON = "wiz:download:screening-summary.pdf"
UPLOAD_VIGNETTES = ("typical-trd", "one-trial", "item9-passive", "mild-symptoms")
CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.effectiveDirective + " " + e.blockedURI);
});
"""


# --- fixtures -------------------------------------------------------------------------------


@contextmanager
def staff_replicas(folder: Path, oidc_provider: str, proxy_port: int) -> Iterator[list[AppServer]]:
    """Two app replicas sharing a cookie secret and a clinic's settings file (UK region),
    their staff sign-in redirecting back to the proxy on ``proxy_port`` (Streamlit accepts
    the sign-in cookie only on the origin of its redirect address).

    Skips without nginx (under CI=true a skipped browser test fails instead).
    """
    try:
        find_nginx()
    except ProxyUnavailable as exc:
        pytest.skip(str(exc))
    folder.mkdir(parents=True, exist_ok=True)
    settings = staff_settings(folder, CLINIC_SETTINGS)
    secrets_file = auth_secrets(folder, oidc_provider, f"http://127.0.0.1:{proxy_port}")
    env = {"SCREENING_SETTINGS": str(settings)}
    with running_replicas(
        2, log_dir=folder, env=env, extra_args=("--secrets.files", str(secrets_file))
    ) as servers:
        yield servers


@pytest.fixture(scope="module")
def sticky_port() -> int:
    """The sticky proxy's port, chosen first: the staff sign-in redirects back to it."""
    return free_port()


@pytest.fixture(scope="module")
def replicas(
    tmp_path_factory: pytest.TempPathFactory, oidc_provider: str, sticky_port: int
) -> Iterator[list[AppServer]]:
    """The two replicas behind the sticky (and the TLS) proxy."""
    with staff_replicas(tmp_path_factory.mktemp("replicas"), oidc_provider, sticky_port) as servers:
        yield servers


@pytest.fixture(scope="module")
def sticky(
    replicas: list[AppServer], tmp_path_factory: pytest.TempPathFactory, sticky_port: int
) -> Iterator[Proxy]:
    """nginx with the shipped configuration: cookie-sticky."""
    folder = tmp_path_factory.mktemp("nginx-sticky")
    with running_proxy(folder, replicas, "cookie", port=sticky_port) as proxy:
        yield proxy


@pytest.fixture(scope="module")
def round_robin(tmp_path_factory: pytest.TempPathFactory, oidc_provider: str) -> Iterator[Proxy]:
    """nginx with the same configuration but round-robin balancing: not sticky (in front of
    two replicas of its own, whose sign-in returns to it)."""
    port = free_port()
    folder = tmp_path_factory.mktemp("nginx-rr")
    with (
        staff_replicas(folder / "replicas", oidc_provider, port) as servers,
        running_proxy(folder / "run", servers, "round_robin", port=port) as proxy,
    ):
        yield proxy


@pytest.fixture(scope="module")
def secure(replicas: list[AppServer], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    """nginx serving HTTPS with a self-signed certificate, cookie-sticky."""
    folder = tmp_path_factory.mktemp("nginx-tls")
    try:
        tls = self_signed_certificate(folder / "tls")
    except ProxyUnavailable as exc:
        pytest.skip(str(exc))
    with running_proxy(folder / "run", replicas, "cookie", tls) as proxy:
        yield proxy


@pytest.fixture
def proxied_page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context that records CSP violations in window.__cspViolations."""
    page = new_page(browser, {"width": 1280, "height": 1200})
    page.context.add_init_script(CSP_WATCH)
    try:
        yield page
    finally:
        page.context.close()


# --- helpers --------------------------------------------------------------------------------


def request(
    url: str, method: str = "GET", data: bytes | None = None, cookie: str | None = None
) -> tuple[int, Message]:
    """Status and headers of one plain HTTP request (error statuses included)."""
    req = urllib.request.Request(url, data=data, method=method)
    if cookie:
        req.add_header("Cookie", cookie)
    context = unverified_tls() if url.startswith("https:") else None
    try:
        with urllib.request.urlopen(req, timeout=15, context=context) as resp:
            resp.read()
            return resp.status, resp.headers
    except urllib.error.HTTPError as exc:
        exc.read()
        return exc.code, exc.headers


def own_origin_violations(page: Page, url: str) -> list[str]:
    """CSP violations the app itself caused (its scripts, styles, sockets, inline code).

    Loads from other hosts that the policy blocked are left out: blocking them is the
    policy's job (tests/browser/test_smoke.py checks that the app asks for none).
    """
    found: list[str] = page.evaluate("window.__cspViolations")
    return [v for v in found if not re.search(r" https?://", v) or f" {url}" in v]


def wait_for_log(
    proxy: Proxy, since: int, method: str, path_start: str, count: int = 1, timeout: float = 10
) -> list[LogLine]:
    """The log lines for ``method`` on paths starting ``path_start``, once there are ``count``.

    nginx writes a line just after the response, so a test that has its answer may still
    have to wait a moment for the line.
    """
    deadline = time.monotonic() + timeout
    while True:
        lines = [
            line
            for line in proxy.log_lines(since)
            if line.method == method and line.uri.startswith(path_start)
        ]
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def upload_records(page: Page, proxy: Proxy) -> list[int]:
    """Open the staff page (signing in), upload the test records; the PUT statuses."""
    statuses: list[int] = []
    page.on(
        "response",
        lambda r: statuses.append(r.status) if "/_stcore/upload_file/" in r.url else None,
    )
    open_staff(page, proxy.url)
    page.locator(RECORD_FILES_INPUT).first.set_input_files(
        [
            {"name": f"{v}.json", "mimeType": "application/json", "buffer": record_bytes(v)}
            for v in UPLOAD_VIGNETTES
        ]
    )
    deadline = time.monotonic() + 15
    while len(statuses) < len(UPLOAD_VIGNETTES) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    wait_idle(page)
    return statuses


def session_replica(proxy: Proxy, page: Page, since: int) -> str:
    """Close the page and return the one replica its websockets (its Streamlit sessions: one
    before signing in and one after, when staff sign in) used behind the sticky proxy."""
    page.context.close()
    streams = wait_for_log(proxy, since, "GET", "/_stcore/stream")
    assert {(s.status, s.upstream) for s in streams} == {(101, streams[0].upstream)}, streams
    return streams[0].upstream


# --- headers and limits ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/_stcore/health", "/favicon.png", "/_stcore/host-config", "/_stcore/agent/x"]
)
def test_security_headers_on_every_response(sticky: Proxy, path: str) -> None:
    """Every response carries the CSP, nosniff, no-referrer and no-store headers, once each."""
    _, headers = request(sticky.url + path)
    for name, value in SECURITY_HEADERS.items():
        assert headers.get_all(name) == [value], name


def test_csp_forbids_framing_and_script_eval() -> None:
    """The policy forbids framing and JavaScript eval; styles may be inline."""
    directives = dict(d.split(" ", 1) for d in CSP.split("; "))
    assert directives["frame-ancestors"] == "'none'"
    assert "'unsafe-eval'" not in directives["script-src"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["style-src"] == "'self' 'unsafe-inline'"


def test_security_headers_on_refused_upload(sticky: Proxy) -> None:
    """An over-size request is refused by nginx (413) with the same headers."""
    status, headers = request(
        sticky.url + "/_stcore/upload_file/s/f", method="PUT", data=b"x" * (7 * 1024 * 1024)
    )
    assert status == 413
    assert headers["content-security-policy"] == CSP
    assert headers["cache-control"] == "no-store"


def test_request_size_limit_stops_big_bodies_at_the_proxy(sticky: Proxy) -> None:
    """A 7 MB body never reaches a replica; a 4 MB one does (Streamlit's own limit is 5 MB)."""
    since = sticky.log_offset()
    big, _ = request(sticky.url + "/_stcore/upload_file/s/f1", "PUT", b"x" * (7 * 1024 * 1024))
    small, _ = request(sticky.url + "/_stcore/upload_file/s/f2", "PUT", b"x" * (4 * 1024 * 1024))
    assert (big, small) == (413, 403)  # 403: the replica's own XSRF check refused it
    # nginx logs a refused body only after draining the rest of it: wait for the line.
    refused = wait_for_log(sticky, since, "PUT", "/_stcore/upload_file/s/f1")
    passed = wait_for_log(sticky, since, "PUT", "/_stcore/upload_file/s/f2")
    assert [line.upstream for line in refused] == ["-"]
    assert [line.upstream.startswith("127.0.0.1:") for line in passed] == [True]


def test_agent_api_is_closed(sticky: Proxy) -> None:
    """Streamlit's experimental agent API answers 404 at the proxy."""
    since = sticky.log_offset()
    status, _ = request(sticky.url + "/_stcore/agent/openapi.json")
    assert status == 404
    lines = wait_for_log(sticky, since, "GET", "/_stcore/agent/")
    assert [line.upstream for line in lines] == ["-"]


def test_server_version_is_not_announced(sticky: Proxy) -> None:
    """The Server header names nginx without its version."""
    _, headers = request(sticky.url + "/_stcore/health")
    assert headers["server"] == "nginx"


def test_scripts_come_gzipped_through_the_proxy(sticky: Proxy) -> None:
    """Streamlit's main script arrives gzipped and unpacks to the file Streamlit ships."""
    static = Path(streamlit.__file__).parent / "static"
    found = re.search(r'src="\./(static/js/index\.[^"]+\.js)"', (static / "index.html").read_text())
    assert found is not None
    req = urllib.request.Request(f"{sticky.url}/{found.group(1)}")
    req.add_header("Accept-Encoding", "gzip")
    with urllib.request.urlopen(req, timeout=15) as resp:
        encoding, body = resp.headers["content-encoding"], resp.read()
    assert (encoding, gzip.decompress(body)) == ("gzip", (static / found.group(1)).read_bytes())


# --- the routing cookie ---------------------------------------------------------------------


def test_first_response_sets_a_routing_cookie(sticky: Proxy) -> None:
    """A browser without the cookie gets a random, HttpOnly routing cookie."""
    _, headers = request(sticky.url + "/")
    cookies = headers.get_all("set-cookie") or []
    assert len(cookies) == 1
    assert ROUTE_COOKIE.match(cookies[0]), cookies[0]


def test_routing_cookie_is_not_set_again(sticky: Proxy) -> None:
    """A request that carries a well-formed routing cookie gets no new one."""
    _, headers = request(sticky.url + "/", cookie=f"screening_route={secrets.token_hex(16)}")
    assert headers.get_all("set-cookie") is None


def test_malformed_routing_cookie_is_replaced(sticky: Proxy) -> None:
    """A routing cookie that is not 32 hex digits is replaced by a fresh one."""
    _, headers = request(sticky.url + "/", cookie="screening_route=../../etc")
    assert ROUTE_COOKIE.match((headers.get_all("set-cookie") or [""])[0])


def test_same_cookie_same_replica(sticky: Proxy) -> None:
    """Every request with one routing cookie goes to one replica."""
    cookie = f"screening_route={secrets.token_hex(16)}"
    since = sticky.log_offset()
    for _ in range(8):
        request(sticky.url + "/_stcore/health", cookie=cookie)
    lines = wait_for_log(sticky, since, "GET", "/_stcore/health", count=8)
    assert len(lines) == 8
    assert len({line.upstream for line in lines}) == 1


def test_different_cookies_use_both_replicas(sticky: Proxy, replicas: list[AppServer]) -> None:
    """Browsers with different routing cookies are spread over both replicas."""
    since = sticky.log_offset()
    for _ in range(24):
        request(sticky.url + "/_stcore/health", cookie=f"screening_route={secrets.token_hex(16)}")
    used = {ln.upstream for ln in wait_for_log(sticky, since, "GET", "/_stcore/health", 24)}
    assert used == {f"127.0.0.1:{r.port}" for r in replicas}


# --- HTTPS -----------------------------------------------------------------------------------


def test_https_sends_hsts(secure: Proxy) -> None:
    """Over HTTPS every response asks browsers to stay on HTTPS for a year."""
    _, headers = request(secure.url + "/")
    assert headers.get_all("strict-transport-security") == ["max-age=31536000"]
    assert headers["content-security-policy"] == CSP


def test_https_cookies_are_secure(secure: Proxy) -> None:
    """Over HTTPS the routing cookie and Streamlit's XSRF cookie are both marked Secure."""
    _, headers = request(secure.url + "/_stcore/health")
    cookies = {c.split("=", 1)[0]: c for c in headers.get_all("set-cookie") or []}
    assert set(cookies) == {"screening_route", "_streamlit_xsrf"}
    for name, cookie in cookies.items():
        assert "; secure" in cookie.lower(), (name, cookie)


def test_app_works_over_https(secure: Proxy, browser: Browser) -> None:
    """Through HTTPS the app renders over a wss:// websocket and the CSP blocks nothing of ours."""
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.add_init_script(CSP_WATCH)
        sockets: list[str] = []
        page.on("websocket", lambda ws: sockets.append(ws.url))
        open_app(page, secure.url)
        expect(page.get_by_role("heading", level=1).first).to_be_visible()
        assert sockets == [secure.url.replace("https", "wss", 1) + "/_stcore/stream"]
        assert own_origin_violations(page, secure.url) == []
    finally:
        context.close()


# --- in the browser -------------------------------------------------------------------------


def test_app_works_through_the_proxy_without_csp_violations(
    sticky: Proxy, proxied_page: Page
) -> None:
    """The start page renders over the proxied websocket and the CSP blocks nothing of ours."""
    open_app(proxied_page, sticky.url)
    expect(proxied_page.get_by_role("heading", level=1).first).to_be_visible()
    ws = [u for u in proxied_page.requests_seen if u.startswith("ws")]  # type: ignore[attr-defined]
    assert ws == [sticky.url.replace("http", "ws", 1) + "/_stcore/stream"]
    assert own_origin_violations(proxied_page, sticky.url) == []


def test_staff_upload_through_sticky_proxy(sticky: Proxy, proxied_page: Page) -> None:
    """Every upload lands on the replica holding the session and all records load."""
    since = sticky.log_offset()
    statuses = upload_records(proxied_page, sticky)
    expect(proxied_page.get_by_text(re.compile(r"from 4 file\(s\)"))).to_be_visible()
    assert own_origin_violations(proxied_page, sticky.url) == []
    replica = session_replica(sticky, proxied_page, since)
    puts = wait_for_log(sticky, since, "PUT", "/_stcore/upload_file/", count=4)
    assert statuses == [204] * 4
    assert [(p.status, p.upstream) for p in puts] == [(204, replica)] * 4


def test_uploads_fail_without_stickiness(round_robin: Proxy, proxied_page: Page) -> None:
    """Round robin: uploads that reach a replica without the session are refused (400), the
    rest load (204) on the replica that holds it."""
    since = round_robin.log_offset()
    statuses = upload_records(proxied_page, round_robin)
    proxied_page.context.close()
    puts = wait_for_log(round_robin, since, "PUT", "/_stcore/upload_file/", count=4)
    assert len(puts) == 4
    loaded = {p.upstream for p in puts if p.status == 204}
    refused = {p.upstream for p in puts if p.status == 400}
    # nginx logs a websocket when it closes: wait (briefly) for every one of the page's
    deadline = time.monotonic() + 10
    while True:
        streams = wait_for_log(round_robin, since, "GET", "/_stcore/stream")
        if loaded <= {s.upstream for s in streams} or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert refused, f"no upload reached the other replica: {puts}"
    assert (len(loaded), loaded & refused) == (1, set()), puts
    assert loaded <= {s.upstream for s in streams}  # the replica of a session of the page
    assert sorted(statuses) == sorted(p.status for p in puts)


def test_patient_journey_through_the_proxy(sticky: Proxy, proxied_page: Page) -> None:
    """A whole questionnaire, then the PDF: one replica served it all, with the clinic's
    name and UK crisis numbers, and the CSP blocked nothing of the app's."""
    since = sticky.log_offset()
    page = proxied_page
    open_app(page, sticky.url)
    complete(page, vignette("typical-trd"))
    expect(page.get_by_role("heading", name=OUTCOMES["discuss_ketamine"].title)).to_be_visible()
    expect(page.get_by_text(re.compile(f"Bring it to {CLINIC}"))).to_be_visible()
    expect(page.get_by_text(UK_CRISIS_LINE)).to_be_visible()
    # The wizard's scroll-and-focus script ran (the CSP allows it by hash): focus is on h1.
    page.wait_for_function("() => document.activeElement?.tagName === 'H1'", timeout=5000)
    with page.expect_download() as info:
        keyed(page, PDF_BUTTON).locator("button").click()
    download = info.value
    assert download.failure() is None
    text = " ".join(
        " ".join((p.extract_text() or "").split()) for p in PdfReader(download.path()).pages
    )
    assert CLINIC in text and "116 123" in text and "988" not in text
    assert own_origin_violations(page, sticky.url) == []
    replica = session_replica(sticky, page, since)
    media = wait_for_log(sticky, since, "GET", "/media/")
    assert media and all((m.status, m.upstream) == (200, replica) for m in media)
