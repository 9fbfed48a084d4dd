"""nginx in front of app replicas, on loopback ports, for the scale-out tests.

    with running_replicas(2) as apps:                       # harness.start_app, shared secret
        with running_proxy(tmp_dir, apps, "cookie") as proxy:   # proxy.url, proxy.access_log
            ...
            proxy.log_lines()                               # parsed access-log lines

nginx runs as this user in the foreground, with its pid, logs and temp files under its own
directory, from a configuration rendered from deploy/nginx/ (``deploy.nginx.render``).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from deploy.nginx.render import nginx_command, write_standalone

from .harness import STARTED_ORIGINS, AppServer, free_port, start_app

NGINX_CANDIDATES = ("/usr/sbin/nginx",)
COOKIE_SECRET_ENV = "STREAMLIT_SERVER_COOKIE_SECRET"
READY_TIMEOUT_S = 10.0

# '$time_iso8601 "$request_method $uri" $status $upstream_addr' (deploy/nginx template)
_LOG_LINE = re.compile(r'^\S+ "(?P<method>\S+) (?P<uri>\S+)" (?P<status>\d{3}) (?P<upstream>.+)$')


class ProxyUnavailable(RuntimeError):
    """nginx is not installed (the message says how to install it)."""


class ProxyStartError(RuntimeError):
    """nginx did not start; the message ends with its error log."""


def find_nginx() -> str:
    """The nginx binary: on PATH, else Debian's /usr/sbin/nginx; ProxyUnavailable if neither."""
    found = shutil.which("nginx")
    if found:
        return found
    for candidate in NGINX_CANDIDATES:
        if Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise ProxyUnavailable("nginx not found: install Debian's nginx (apt-get install nginx)")


@dataclass(frozen=True)
class LogLine:
    """One access-log line: method, path, status and the replica that answered."""

    method: str
    uri: str
    status: int
    upstream: str  # "127.0.0.1:8501", "-" when nginx answered itself


@dataclass
class Proxy:
    """A running nginx; ``url`` is its address, ``access_log`` its log of routing decisions."""

    url: str
    run_dir: Path
    access_log: Path
    process: subprocess.Popen[bytes] = field(repr=False)

    def error_log_tail(self, lines: int = 30) -> str:
        """The end of nginx's error log."""
        path = self.run_dir / "error.log"
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no error log)"
        return "\n".join(text.splitlines()[-lines:]) or "(error log is empty)"

    def log_offset(self) -> int:
        """The access log's current size: pass it to ``log_lines`` to read only what follows."""
        try:
            return self.access_log.stat().st_size
        except FileNotFoundError:
            return 0

    def log_lines(self, since: int = 0) -> list[LogLine]:
        """The access-log lines written after byte ``since`` (nginx writes each at the end)."""
        try:
            with self.access_log.open("rb") as handle:
                handle.seek(since)
                text = handle.read().decode("utf-8", errors="replace")
        except FileNotFoundError:
            return []
        lines = []
        for raw in text.splitlines():
            match = _LOG_LINE.match(raw)
            if match:
                lines.append(
                    LogLine(match["method"], match["uri"], int(match["status"]), match["upstream"])
                )
        return lines

    def stop(self) -> None:
        """Stop nginx (TERM), kill it if it has not stopped after 10 s."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def unverified_tls() -> ssl.SSLContext:
    """A client TLS context that accepts the tests' self-signed certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A throw-away certificate and key for 127.0.0.1, made with openssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise ProxyUnavailable("openssl not found: install Debian's openssl")
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


def _answers(url: str) -> bool:
    context = unverified_tls() if url.startswith("https:") else None
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2, context=context) as resp:
            return bool(resp.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def start_proxy(
    run_dir: Path,
    backends: list[AppServer],
    balance: str = "cookie",
    tls: tuple[Path, Path] | None = None,
    attempts: int = 3,
    port: int | None = None,
) -> Proxy:
    """Render a standalone config for ``backends`` into ``run_dir`` and start nginx on it.

    ``tls`` (certificate, key) makes nginx serve HTTPS; ``port`` fixes the port (chosen
    beforehand, e.g. because a sign-in redirect must name it), else a free one is taken.
    """
    nginx = find_nginx()
    run_dir.mkdir(parents=True, exist_ok=True)
    access_log = run_dir / "access.log"
    last = ""
    fixed = port
    for _ in range(attempts):
        port = fixed or free_port()
        conf = write_standalone(
            run_dir,
            listen=f"127.0.0.1:{port}",
            backends=[f"127.0.0.1:{b.port}" for b in backends],
            balance=balance,
            access_log=access_log,
            tls_cert=tls[0] if tls else None,
            tls_key=tls[1] if tls else None,
        )
        out = (run_dir / "nginx.out").open("wb")
        process = subprocess.Popen(
            nginx_command(conf, nginx), stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
        out.close()
        scheme = "https" if tls else "http"
        proxy = Proxy(f"{scheme}://127.0.0.1:{port}", run_dir, access_log, process)
        STARTED_ORIGINS.add(f"127.0.0.1:{port}")
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline and process.poll() is None:
            if _answers(proxy.url):
                return proxy
            time.sleep(0.05)
        proxy.stop()
        last = proxy.error_log_tail()
        if "Address already in use" not in last:
            break
    raise ProxyStartError(f"nginx did not start in {run_dir}:\n{last}")


@contextlib.contextmanager
def running_proxy(
    run_dir: Path,
    backends: list[AppServer],
    balance: str = "cookie",
    tls: tuple[Path, Path] | None = None,
    port: int | None = None,
) -> Iterator[Proxy]:
    """``start_proxy`` as a context manager that always stops nginx."""
    proxy = start_proxy(run_dir, backends, balance, tls, port=port)
    try:
        yield proxy
    finally:
        proxy.stop()


@contextlib.contextmanager
def running_replicas(
    count: int,
    log_dir: Path | None = None,
    env: dict[str, str] | None = None,
    extra_args: tuple[str, ...] = (),
) -> Iterator[list[AppServer]]:
    """``count`` app servers sharing one random cookie secret (as replicas must).

    ``env`` adds environment variables (e.g. SCREENING_SETTINGS) for the servers only.
    """
    servers: list[AppServer] = []
    extra = {COOKIE_SECRET_ENV: secrets.token_hex(32), **(env or {})}
    try:
        for _ in range(count):
            servers.append(start_app(log_dir=log_dir, env=extra, extra_args=extra_args))
        yield servers
    finally:
        for server in servers:
            server.stop()
