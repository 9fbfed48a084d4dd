"""Render the nginx configuration for the app from the templates next to this file.

    python deploy/nginx/render.py site --listen 0.0.0.0:80 \\
        --backend 127.0.0.1:8501 --backend 127.0.0.1:8502 > /etc/nginx/conf.d/screening.conf
    python deploy/nginx/render.py standalone --run-dir /tmp/screening-nginx \\
        --listen 127.0.0.1:8080 --backend 127.0.0.1:8501 --backend 127.0.0.1:8502

``site`` prints the part that goes in nginx's ``http { }`` block. ``standalone`` writes a
whole ``nginx.conf`` (plus the site file) for an nginx run as an ordinary user in the
foreground, with its pid, logs and temp files under ``--run-dir``, and prints the command.

Balancing (``--balance``):

* ``cookie`` (default): a random routing cookie, hashed onto the replicas
  (``hash … consistent``): sticky per browser, even for many people behind one address.
* ``ip_hash``: sticky per client address (all of a clinic's staff behind one NAT share one
  replica).
* ``round_robin``: **not sticky**; exists to show that uploads then fail. Never deploy it.

Standard library only, so it runs anywhere Python 3.11 does.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
SITE_TEMPLATE = HERE / "screening.conf.template"
STANDALONE_TEMPLATE = HERE / "standalone.conf.template"

#: sha256 of the one inline script in Streamlit 1.67's index.html
#: (``window.prerenderReady = false``); a test fails when the installed Streamlit differs.
STREAMLIT_INLINE_SCRIPT_HASH = "sha256-THxz9J9+wf7rhwR2YkXJoSZ13UCmYyC+3lNDv2+8ugA="

#: sha256 of the wizard's two scripts (ui/wizard/scripts.py ``WIZARD_SCRIPTS``): after each
#: step, scroll to the top and focus the new heading; once per page, problem links that move
#: focus to their question, and a question before leaving a page that holds answers.
#: A test fails when either changes.
WIZARD_SCRIPT_HASHES = (
    "sha256-T++tIYRukX55azrBdRxiD/87pnfAjdW1VbTKda3TLM4=",
    "sha256-/YO2o9vuWpJ4hCCcEwnX5qeYUX77ZHfzMxmTQWaYy1Y=",
)

CSP_DIRECTIVES: tuple[str, ...] = (
    "default-src 'self'",
    # Inline scripts only by hash. 'wasm-unsafe-eval' lets the protobuf decoder compile
    # WebAssembly; it allows no JavaScript eval.
    " ".join(
        [
            "script-src 'self'",
            f"'{STREAMLIT_INLINE_SCRIPT_HASH}'",
            *(f"'{h}'" for h in WIZARD_SCRIPT_HASHES),
            "'wasm-unsafe-eval'",
        ]
    ),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "media-src 'self' blob:",
    "worker-src 'self' blob:",
    "frame-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)
CSP = "; ".join(CSP_DIRECTIVES)

BALANCE_MODES: dict[str, str] = {
    "cookie": "hash $screening_route consistent;",
    "ip_hash": "ip_hash;",
    "round_robin": "# round robin: NOT sticky; uploads fail. Only for showing that they do.",
}

#: Added when nginx terminates TLS (a certificate and key are given): HSTS, and the Secure
#: flag on the app's own cookies (Streamlit marks its XSRF cookie Secure only when it serves
#: TLS itself). The routing cookie gets Secure from $scheme.
HTTPS_LINES = """ssl_certificate {cert};
    ssl_certificate_key {key};
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:screening_tls:1m;
    add_header Strict-Transport-Security "max-age=31536000" always;
    proxy_cookie_flags ~ secure;"""

_ADDRESS = re.compile(r"(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):[0-9]{1,5}")
_SERVER_NAME = re.compile(r"[A-Za-z0-9.*_-]+(?: [A-Za-z0-9.*_-]+)*")
_SAFE_PATH = re.compile(r"/[A-Za-z0-9._/+-]*")
_PLACEHOLDER = re.compile(r"\{\{[A-Z_]+\}\}")


class RenderError(ValueError):
    """A value that cannot go into the nginx configuration; the message says which and why."""


def _check(pattern: re.Pattern[str], value: str, what: str, example: str) -> str:
    if not pattern.fullmatch(value):
        raise RenderError(f"{what} {value!r} is not valid; expected something like {example}")
    return value


def _fill(template: str, values: dict[str, str]) -> str:
    text = template
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    left = _PLACEHOLDER.findall(text)
    if left:
        raise RenderError(f"template placeholders left unfilled: {', '.join(sorted(set(left)))}")
    return text


def render_site(
    *,
    listen: str,
    backends: Sequence[str],
    balance: str = "cookie",
    server_name: str = "_",
    access_log: Path | None = None,
    tls_cert: Path | None = None,
    tls_key: Path | None = None,
) -> str:
    """The ``http { }`` part: upstream of ``backends``, the server on ``listen``.

    With ``tls_cert`` and ``tls_key`` nginx serves HTTPS on ``listen`` (HSTS, Secure cookies).
    """
    _check(_ADDRESS, listen, "listen address", "127.0.0.1:8080")
    if not backends:
        raise RenderError("at least one backend (host:port of a streamlit replica) is needed")
    for backend in backends:
        _check(_ADDRESS, backend, "backend", "127.0.0.1:8501")
    if balance not in BALANCE_MODES:
        raise RenderError(f"balance {balance!r} is not one of {', '.join(BALANCE_MODES)}")
    _check(_SERVER_NAME, server_name, "server name", "screening.example.org")
    if access_log is None:
        log = "off"
    else:
        log = _check(_SAFE_PATH, str(access_log), "access log path", "/var/log/x.log")
        log += " screening_upstream"
    if (tls_cert is None) != (tls_key is None):
        raise RenderError("HTTPS needs both a certificate (--tls-cert) and its key (--tls-key)")
    if tls_cert is not None and tls_key is not None:
        cert = _check(_SAFE_PATH, str(tls_cert), "certificate path", "/etc/ssl/x.pem")
        key = _check(_SAFE_PATH, str(tls_key), "key path", "/etc/ssl/private/x.key")
        https = HTTPS_LINES.format(cert=cert, key=key)
        listen_ssl = " ssl"
    else:
        https = "# plain HTTP: no HSTS, no Secure cookies (give --tls-cert and --tls-key)"
        listen_ssl = ""
    servers = "\n".join(f"    server {b} max_fails=0;" for b in backends)
    return _fill(
        SITE_TEMPLATE.read_text(encoding="utf-8"),
        {
            "LISTEN": listen + listen_ssl,
            "SERVERS": servers,
            "BALANCE": BALANCE_MODES[balance],
            "SERVER_NAME": server_name,
            "ACCESS_LOG": log,
            "CSP": CSP,
            "HTTPS": https,
        },
    )


def render_standalone(run_dir: Path, site_path: Path) -> str:
    """A whole nginx.conf that keeps every file it writes under ``run_dir``."""
    run = _check(_SAFE_PATH, str(run_dir), "run directory", "/srv/screening-nginx")
    site = _check(_SAFE_PATH, str(site_path), "site file", "/srv/screening-nginx/site.conf")
    return _fill(STANDALONE_TEMPLATE.read_text(encoding="utf-8"), {"RUN_DIR": run, "SITE": site})


def write_standalone(run_dir: Path, **site: object) -> Path:
    """Write ``nginx.conf`` and ``screening.conf`` into ``run_dir``; return nginx.conf's path."""
    run_dir = Path(run_dir).resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    site_path = run_dir / "screening.conf"
    site_path.write_text(render_site(**site), encoding="utf-8")  # type: ignore[arg-type]
    conf = run_dir / "nginx.conf"
    conf.write_text(render_standalone(run_dir, site_path), encoding="utf-8")
    return conf


def nginx_command(conf: Path, nginx: str = "nginx") -> list[str]:
    """The command that runs nginx in the foreground on a standalone ``conf``."""
    run_dir = conf.parent
    return [nginx, "-e", str(run_dir / "error.log"), "-p", str(run_dir), "-c", str(conf)]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("site", "standalone"):
        p = sub.add_parser(name)
        p.add_argument("--listen", required=True, help="host:port nginx listens on")
        p.add_argument("--backend", action="append", required=True, help="host:port of a replica")
        p.add_argument("--balance", choices=tuple(BALANCE_MODES), default="cookie")
        p.add_argument("--server-name", default="_")
        p.add_argument("--access-log", type=Path, default=None)
        p.add_argument("--tls-cert", type=Path, default=None, help="serve HTTPS with this")
        p.add_argument("--tls-key", type=Path, default=None, help="the certificate's key")
        if name == "standalone":
            p.add_argument("--run-dir", type=Path, required=True)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: print the site part, or write a standalone configuration."""
    args = _parser().parse_args(argv)
    site = {
        "listen": args.listen,
        "backends": args.backend,
        "balance": args.balance,
        "server_name": args.server_name,
        "access_log": args.access_log,
        "tls_cert": args.tls_cert,
        "tls_key": args.tls_key,
    }
    try:
        if args.command == "site":
            sys.stdout.write(render_site(**site))
        else:
            conf = write_standalone(args.run_dir, **site)
            print(" ".join(nginx_command(conf)))
    except (RenderError, OSError) as exc:
        print(f"render.py: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
