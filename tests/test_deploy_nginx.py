"""deploy/nginx/render.py: the rendered configuration, its checks, and nginx's own check."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import streamlit

from deploy.nginx.render import (
    BALANCE_MODES,
    CSP,
    STREAMLIT_INLINE_SCRIPT_HASH,
    WIZARD_SCRIPT_HASHES,
    RenderError,
    main,
    nginx_command,
    render_site,
    write_standalone,
)
from tests.browser.proxy import ProxyUnavailable, self_signed_certificate

BACKENDS = ["127.0.0.1:8501", "127.0.0.1:8502"]
STREAMLIT_INDEX = Path(streamlit.__file__).parent / "static" / "index.html"


def site(**kwargs: object) -> str:
    """A site rendered with two loopback backends and any overrides."""
    args: dict[str, object] = {"listen": "127.0.0.1:8080", "backends": BACKENDS, **kwargs}
    return render_site(**args)  # type: ignore[arg-type]


def sha256_source(script: str) -> str:
    """A CSP hash source for the text of an inline script."""
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()


def nginx_binary() -> str:
    """nginx on PATH or Debian's /usr/sbin/nginx; skips when neither exists."""
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").is_file() else None
    )
    if found is None:
        pytest.skip("nginx is not installed (./dev test installs it)")
    return found


def test_inline_script_hash_matches_installed_streamlit() -> None:
    """The CSP's script hash is that of the one inline script in Streamlit's index.html."""
    html = STREAMLIT_INDEX.read_text(encoding="utf-8")
    inline = re.findall(r"<script>(.*?)</script>", html, flags=re.DOTALL)
    assert [sha256_source(s) for s in inline] == [STREAMLIT_INLINE_SCRIPT_HASH]


def test_wizard_script_hashes_match_the_page() -> None:
    """The CSP's other script hashes are those of the wizard's two scripts, in order."""
    from ui.wizard.scripts import WIZARD_SCRIPTS

    bodies = [re.fullmatch(r"<script>(.*)</script>", s, flags=re.DOTALL) for s in WIZARD_SCRIPTS]
    assert all(bodies)
    assert tuple(sha256_source(b.group(1)) for b in bodies if b) == WIZARD_SCRIPT_HASHES


def test_csp_allows_scripts_only_by_hash() -> None:
    """script-src: the app's own files and the two known inline scripts, nothing else."""
    script_src = next(d for d in CSP.split("; ") if d.startswith("script-src "))
    assert script_src.split()[1:] == [
        "'self'",
        f"'{STREAMLIT_INLINE_SCRIPT_HASH}'",
        *(f"'{h}'" for h in WIZARD_SCRIPT_HASHES),
        "'wasm-unsafe-eval'",
    ]


def test_csp_header_is_rendered_verbatim() -> None:
    """The rendered site sends exactly the CSP the tests check."""
    assert f'add_header Content-Security-Policy "{CSP}" always;' in site()


def test_no_placeholder_left() -> None:
    """Every {{PLACEHOLDER}} of the template is filled."""
    assert "{{" not in site() and "}}" not in site()


def test_backends_become_upstream_servers() -> None:
    """Each backend is one server line of the upstream."""
    assert re.findall(r"^\s+server (\S+) max_fails=0;$", site(), flags=re.MULTILINE) == BACKENDS


@pytest.mark.parametrize(
    ("balance", "directive"),
    [("cookie", "hash $screening_route consistent;"), ("ip_hash", "ip_hash;")],
)
def test_sticky_balance_modes(balance: str, directive: str) -> None:
    """cookie and ip_hash put their directive in the upstream block."""
    upstream = site(balance=balance).split("upstream screening_app {")[1].split("}")[0]
    assert directive in upstream


def test_round_robin_has_no_stickiness() -> None:
    """The round-robin variant has neither hash nor ip_hash in its upstream."""
    upstream = site(balance="round_robin").split("upstream screening_app {")[1].split("}")[0]
    active = [ln for ln in upstream.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    assert not any("hash" in ln for ln in active)


def test_default_is_the_cookie() -> None:
    """Without --balance the routing cookie is used."""
    assert "hash $screening_route consistent;" in site()
    assert next(iter(BALANCE_MODES)) == "cookie"


def test_access_log_off_by_default() -> None:
    """No access log unless one is asked for (visitors' addresses stay out of logs)."""
    assert "access_log off;" in site()
    assert "access_log /var/log/s.log screening_upstream;" in site(
        access_log=Path("/var/log/s.log")
    )


def test_log_format_has_no_client_address() -> None:
    """The optional log format records routing, not who asked."""
    line = next(ln for ln in site().splitlines() if ln.startswith("log_format"))
    assert "$remote_addr" not in line and "$http_" not in line and "$request_uri" not in line


def test_compression_covers_scripts_and_styles_only() -> None:
    """gzip is on for Streamlit's scripts and styles and no other type (never downloads)."""
    text = site()
    assert "gzip on;" in text
    assert re.findall(r"^\s*gzip_types (.*);$", text, flags=re.MULTILINE) == [
        "application/javascript text/css"
    ]


def self_signed(tmp_path: Path) -> tuple[Path, Path]:
    """A throw-away self-signed certificate and key; skips without openssl."""
    try:
        return self_signed_certificate(tmp_path)
    except ProxyUnavailable as exc:
        pytest.skip(str(exc))


def test_plain_http_has_no_tls_lines() -> None:
    """Without a certificate: no ssl listen, no HSTS, no forced Secure cookies."""
    plain = site()
    assert "listen 127.0.0.1:8080;" in plain
    assert "Strict-Transport-Security" not in plain and "proxy_cookie_flags" not in plain


def test_https_lines_with_a_certificate() -> None:
    """With a certificate and key: listen ssl, HSTS and Secure cookies."""
    tls = site(tls_cert=Path("/etc/ssl/c.pem"), tls_key=Path("/etc/ssl/k.pem"))
    assert "listen 127.0.0.1:8080 ssl;" in tls
    assert "ssl_certificate /etc/ssl/c.pem;" in tls and "ssl_certificate_key /etc/ssl/k.pem;" in tls
    assert 'add_header Strict-Transport-Security "max-age=31536000" always;' in tls
    assert "proxy_cookie_flags ~ secure;" in tls


def test_certificate_without_key_is_refused() -> None:
    """A certificate alone is refused with a message naming both options."""
    with pytest.raises(RenderError, match=r"--tls-cert.*--tls-key"):
        site(tls_cert=Path("/etc/ssl/c.pem"))


def test_https_configuration_is_accepted(tmp_path: Path) -> None:
    """nginx -t accepts the HTTPS configuration with a real (self-signed) certificate."""
    cert, key = self_signed(tmp_path)
    conf = write_standalone(
        tmp_path / "run", listen="127.0.0.1:8443", backends=BACKENDS, tls_cert=cert, tls_key=key
    )
    result = subprocess.run(
        [*nginx_command(conf, nginx_binary()), "-t"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"listen": "127.0.0.1:80; include /etc/passwd"}, "listen address"),
        ({"backends": ["127.0.0.1:8501 backup"]}, "backend"),
        ({"backends": []}, "at least one backend"),
        ({"balance": "least_conn"}, "balance"),
        ({"server_name": "a;b"}, "server name"),
        ({"access_log": Path("/var/log/a b.log")}, "access log path"),
    ],
)
def test_bad_values_are_refused(kwargs: dict[str, object], message: str) -> None:
    """Values that could break or inject into the configuration are refused by name."""
    with pytest.raises(RenderError, match=message):
        site(**kwargs)


def test_standalone_keeps_files_under_run_dir(tmp_path: Path) -> None:
    """The standalone nginx.conf writes its pid, logs and temp files under its directory."""
    conf = write_standalone(tmp_path, listen="127.0.0.1:8080", backends=BACKENDS)
    text = conf.read_text(encoding="utf-8")
    paths = re.findall(r"^\s*(?:pid|error_log|\w+_temp_path|include) (\S+?)[ ;]", text, re.M)
    assert len(paths) == 8
    assert all(p.startswith(str(tmp_path)) for p in paths), paths
    assert "daemon off;" in text


def test_nginx_accepts_the_configuration(tmp_path: Path) -> None:
    """nginx -t accepts the rendered configuration."""
    conf = write_standalone(tmp_path, listen="127.0.0.1:8080", backends=BACKENDS)
    result = subprocess.run(
        [*nginx_command(conf, nginx_binary()), "-t"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr


def test_cli_prints_the_site(capsys: pytest.CaptureFixture[str]) -> None:
    """render.py site prints the configuration."""
    code = main(
        ["site", "--listen", "127.0.0.1:8080", "--backend", BACKENDS[0], "--backend", BACKENDS[1]]
    )
    assert code == 0
    assert "upstream screening_app" in capsys.readouterr().out


def test_cli_reports_a_bad_value(capsys: pytest.CaptureFixture[str]) -> None:
    """A bad value exits 2 with one line naming it, no traceback."""
    code = main(["site", "--listen", "nowhere", "--backend", "127.0.0.1:8501"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("render.py: listen address 'nowhere' is not valid")
    assert "Traceback" not in err
