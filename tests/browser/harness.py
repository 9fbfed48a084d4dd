"""Start the app and drive it in Debian's Chromium: shared by the browser tests and scripts.

Nothing here imports pytest, so ``scripts/screenshots.py`` can use it too.

    with running_app() as app:            # app.url, app.port, app.log_path
        with chromium() as browser:
            page = new_page(browser)      # page.requests_seen lists every URL it asked for
            open_app(page, app.url)
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page, Playwright, Request

# The netlocs (host:port) of every app server and proxy the tests started, on loopback: the
# only places a page of the session may send requests to (see test_privacy).
STARTED_ORIGINS: set[str] = set()

REPO_ROOT = Path(__file__).resolve().parents[2]
APP_FILE = "streamlit_app.py"

# Debian's Chromium; the CHROMIUM_PATH environment variable points elsewhere.
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
DEFAULT_VIEWPORT = {"width": 1280, "height": 900}

APP_SELECTOR = '[data-testid="stApp"]'
IDLE_SELECTOR = '[data-testid="stApp"][data-test-script-state="notRunning"]'

READY_TIMEOUT_S = 30.0
PAGE_TIMEOUT_MS = 15_000


class AppStartError(RuntimeError):
    """The Streamlit server did not become healthy; the message ends with its log tail."""


class BrowserUnavailable(RuntimeError):
    """Debian's Chromium is missing or Playwright cannot launch it."""


# --- the app server ---------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _log_tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return f"(log unreadable: {exc})"
    tail = text.splitlines()[-lines:]
    return "\n".join(tail) if tail else "(log is empty)"


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
            body: bytes = resp.read()
            return bool(resp.status == 200 and body.decode().strip() == "ok")
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class AppServer:
    """A running ``streamlit run streamlit_app.py`` on 127.0.0.1; ``stop()`` ends it."""

    url: str
    port: int
    log_path: Path
    process: subprocess.Popen[bytes] = field(repr=False)

    def log_tail(self, lines: int = 40) -> str:
        """The last lines the server wrote to stdout/stderr."""
        return _log_tail(self.log_path, lines)

    def stop(self) -> None:
        """Terminate the server (kill it if it does not stop within 10 s)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_app(
    *,
    app_file: str = APP_FILE,
    cwd: Path = REPO_ROOT,
    extra_args: tuple[str, ...] = (),
    timeout: float = READY_TIMEOUT_S,
    log_dir: Path | None = None,
    attempts: int = 3,
    env: dict[str, str] | None = None,
    port: int | None = None,
) -> AppServer:
    """Start the app on a free port (or ``port``, chosen beforehand, e.g. because a sign-in
    redirect must name it) with the repo's .streamlit/config.toml; wait until healthy.

    Retries on a fresh port if the server exits because the port was taken (between choosing
    it and binding it). Raises AppStartError with the log tail.
    """
    last_error = ""
    fixed = port
    for _ in range(attempts):
        port = fixed or free_port()
        fd, name = tempfile.mkstemp(prefix=f"streamlit-{port}-", suffix=".log", dir=log_dir)
        log_path = Path(name)
        cmd = [
            sys.executable, "-m", "streamlit", "run", app_file,
            "--server.port", str(port),
            "--server.address", "127.0.0.1",
            "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
            *extra_args,
        ]  # fmt: skip
        process_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        with os.fdopen(fd, "wb") as log:
            process = subprocess.Popen(
                cmd, cwd=cwd, env=process_env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )  # fmt: skip
        server = AppServer(f"http://127.0.0.1:{port}", port, log_path, process)
        STARTED_ORIGINS.add(f"127.0.0.1:{port}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            if _healthy(server.url):
                # Answered, and by our process (still alive): ready.
                if process.poll() is None:
                    return server
                break
            time.sleep(0.1)
        else:
            server.stop()
            raise AppStartError(
                f"streamlit did not answer {server.url}/_stcore/health with 'ok' within "
                f"{timeout:.0f} s.\ncommand: {' '.join(cmd)}\nlog {log_path}:\n"
                f"{server.log_tail()}"
            )
        server.stop()
        last_error = (
            f"streamlit exited with code {process.returncode} before it was ready.\n"
            f"command: {' '.join(cmd)}\nlog {log_path}:\n{server.log_tail()}"
        )
        tail = server.log_tail().lower()
        if "is not available" not in tail and "already in use" not in tail:
            break  # not a port clash: retrying would not help
    raise AppStartError(last_error)


@contextlib.contextmanager
def running_app(**kwargs: Any) -> Iterator[AppServer]:
    """``start_app(**kwargs)`` as a context manager that always stops the server."""
    server = start_app(**kwargs)
    try:
        yield server
    finally:
        server.stop()


# --- the browser ------------------------------------------------------------------------------


def launch_chromium(playwright: Playwright) -> Browser:
    """Launch Debian's Chromium through Playwright; BrowserUnavailable says why it could not."""
    if not Path(CHROMIUM_PATH).exists():
        raise BrowserUnavailable(
            f"{CHROMIUM_PATH} not found: install Debian's chromium (apt-get install chromium)"
        )
    try:
        return playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=list(CHROMIUM_ARGS))
    except Exception as exc:
        raise BrowserUnavailable(f"Playwright could not launch {CHROMIUM_PATH}: {exc}") from exc


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """Playwright (sync API) plus a launched Chromium, both closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Browser, viewport: dict[str, int] | None = None) -> Page:
    """A page in a fresh context; ``page.requests_seen`` collects every URL it requests.

    HTTP(S) requests of the context and its WebSocket connections are recorded, in order,
    except what a page of the identity provider asks for while staff sign in there (its own
    styles, the redirect back): that page is the clinic's provider, not the app.
    Close it with ``page.context.close()``.
    """
    size = viewport or DEFAULT_VIEWPORT
    context = browser.new_context(viewport={"width": size["width"], "height": size["height"]})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    seen: list[str] = []

    def record(request: Request) -> None:
        try:
            at = urlsplit(request.frame.url).netloc
        except Exception:  # a request without a frame (service worker) is recorded
            at = ""
        if at not in IDENTITY_PROVIDERS:
            seen.append(request.url)

    context.on("request", record)
    page = context.new_page()
    page.on("websocket", lambda ws: seen.append(ws.url))
    page.requests_seen = seen  # type: ignore[attr-defined]
    return page


# The netlocs (host:port) of identity providers started by the tests (conftest).
IDENTITY_PROVIDERS: set[str] = set()

# Staff sign in through the clinic's own identity provider: the OpenID Connect redirects
# (Streamlit's /auth/login and /oauth2callback, the provider's /oauth2/authorize) carry a
# query by protocol and the provider's is on another origin.
SIGN_IN_PATHS = ("/auth/login", "/oauth2callback", "/oauth2/authorize")


def sign_in_request(url: str) -> bool:
    """Whether ``url`` is one of the redirects of the OpenID Connect sign-in."""
    return urlsplit(url).path in SIGN_IN_PATHS


def foreign_requests(
    urls: list[str], app_url: str, also: set[str] | frozenset[str] = frozenset()
) -> list[str]:
    """The URLs that went anywhere but the app's own host:port or the host:ports in ``also``
    (data:/blob: are not requests), apart from the sign-in redirects to an identity provider
    the tests started."""
    own = {urlsplit(app_url).netloc, *also}
    return [
        url
        for url in urls
        if urlsplit(url).scheme not in ("data", "blob")
        and urlsplit(url).netloc not in own
        and not (urlsplit(url).netloc in IDENTITY_PROVIDERS and sign_in_request(url))
    ]


# --- waiting for Streamlit --------------------------------------------------------------------


def wait_idle(
    page: Page, expected: Locator | None = None, timeout: float = PAGE_TIMEOUT_MS
) -> None:
    """Wait until the script has finished running.

    Right after a click the app can still read ``notRunning`` (the rerun has not started), so
    pass ``expected``, a locator for content the new state shows: it is awaited first.
    """
    from playwright.sync_api import expect

    if expected is not None:
        expect(expected).to_be_visible(timeout=timeout)
    page.wait_for_selector(IDLE_SELECTOR, state="attached", timeout=timeout)


AT_REST_SCRIPT = """() => !document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]')
    && document.getAnimations().every(a => a.playState !== 'running')"""


def settle(page: Page, timeout: float = PAGE_TIMEOUT_MS) -> None:
    """Wait until the page is at rest: the script idle, nothing greyed out as stale, no
    placeholder left where a widget is still loading, and no animation running.

    Streamlit fades the elements of a running script and draws skeletons while a widget's
    code loads; colour checks (axe) and screenshots need the page as a person sees it.
    """
    wait_idle(page, timeout=timeout)
    page.wait_for_function(AT_REST_SCRIPT, timeout=timeout)


def open_app(page: Page, url: str, timeout: float = PAGE_TIMEOUT_MS) -> None:
    """Go to ``url`` and wait until Streamlit has rendered and finished the first run."""
    page.goto(url, wait_until="domcontentloaded", timeout=timeout)
    page.wait_for_selector(APP_SELECTOR, state="attached", timeout=timeout)
    # The first run has produced output once the main block has children.
    page.wait_for_selector(
        '[data-testid="stMain"] [data-testid="stElementContainer"]',
        state="attached",
        timeout=timeout,
    )
    wait_idle(page, timeout=timeout)


# --- staff sign-in ----------------------------------------------------------------------------

STAFF_EMAIL = "staff@clinic.example"
STAFF_SUBJECT = "staff"


def auth_secrets(folder: Path, provider_url: str, redirect_base: str) -> Path:
    """A secrets.toml with Streamlit's [auth] section for the test OIDC provider, redirecting
    back to ``redirect_base`` (the app or the proxy in front of it)."""
    import secrets

    path = folder / "secrets.toml"
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "{redirect_base}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "screening-staff"\n'
        'client_secret = "not-a-secret-in-tests"\n'
        f'server_metadata_url = "{provider_url}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    return path


def staff_settings(folder: Path, extra: str = "") -> Path:
    """A clinic settings file for a staff deployment with the test member of staff."""
    path = folder / "staff-settings.toml"
    path.write_text(
        f'{extra}staff_review = true\n\n[staff]\nallowed_emails = ["{STAFF_EMAIL}"]\n',
        encoding="utf-8",
    )
    return path


def open_staff(page: Page, base: str, timeout: float = PAGE_TIMEOUT_MS) -> None:
    """Open the staff page at ``base``, signing in through the test OIDC provider first
    when the page asks for it (Streamlit returns to the first page after signing in)."""
    from playwright.sync_api import expect

    open_app(page, f"{base}/staff", timeout)
    sign_in = page.get_by_role("button", name="Sign in", exact=True)
    signed = page.get_by_text("Signed in as", exact=False)
    expect(sign_in.or_(signed).first).to_be_visible(timeout=timeout)
    if signed.count():
        return
    sign_in.click()
    page.get_by_role("button", name=STAFF_SUBJECT, exact=True).click(timeout=timeout)
    page.wait_for_selector(APP_SELECTOR, state="attached", timeout=timeout)  # back in the app
    open_app(page, f"{base}/staff", timeout)
    expect(signed).to_be_visible(timeout=timeout)


#: The staff page's record-file uploader (not the folder uploader beside it, whose input has
#: ``webkitdirectory``; the two may be drawn in either order).
RECORD_FILES_INPUT = '[data-testid="stFileUploaderDropzoneInput"]:not([webkitdirectory])'
