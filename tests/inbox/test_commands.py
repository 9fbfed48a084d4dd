"""python -m screening inbox migrate|keygen|list|export|purge: one plain line per problem,
exit 2, never a traceback."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from screening.inbox.config import InboxSettings
from screening.inbox.sealing import Identity, generate_identity, identity_file_text
from screening.inbox.sender import Sender, open_sender
from tests.inbox.conftest import NOW, SENTINEL, record

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m screening inbox ARGS`` (no settings variable unless given)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SCREENING_")}
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "screening", "inbox", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_one_plain_line(run: subprocess.CompletedProcess[str], command: str) -> None:
    """Exit 2, and stderr one line starting with the command, no traceback."""
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"inbox {command}: "), run.stderr
    assert "Traceback" not in run.stderr


@pytest.fixture
def clinic(tmp_path: Path, identity: Identity) -> tuple[Path, Path]:
    """A settings file with [inbox] (SQLite beside it) and the matching identity file."""
    key_file = tmp_path / "clinic.key"
    key_file.write_text(identity_file_text(identity, NOW))
    key_file.chmod(0o600)
    settings = tmp_path / "clinic.toml"
    settings.write_text(f'[inbox]\nrecipients = ["{identity.public_key}"]\n')
    return settings, key_file


def sender_for(settings_file: Path, identity: Identity) -> Sender:
    """The patient side on the database the settings file names."""
    url = f"sqlite:///{settings_file.parent / 'inbox.sqlite3'}"
    return open_sender(InboxSettings(database_url=url, recipients=(identity.public_key,)))


def test_keygen_writes_a_private_file_and_prints_the_public_key(tmp_path: Path) -> None:
    """keygen: identity file with mode 0600, the public key alone on stdout."""
    target = tmp_path / "clinic.key"
    run = cli("keygen", "-o", str(target))
    assert run.returncode == 0, run.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    public = run.stdout.strip()
    assert public.startswith("age1") and f"# public key: {public}" in target.read_text()
    assert "AGE-SECRET-KEY" not in run.stdout + run.stderr


def test_keygen_never_overwrites(tmp_path: Path) -> None:
    """keygen refuses an existing file and leaves it untouched."""
    target = tmp_path / "clinic.key"
    target.write_text("keep me")
    run = cli("keygen", "-o", str(target))
    assert_one_plain_line(run, "keygen")
    assert target.read_text() == "keep me"


def test_migrate_list_export_purge(clinic: tuple[Path, Path], identity: Identity) -> None:
    """The whole staff journey in a terminal: migrate, list crisis first, export, purge."""
    settings, key_file = clinic
    run = cli("migrate", "--settings", str(settings))
    assert run.returncode == 0 and "is at revision 0001" in run.stdout, run.stderr
    sender = sender_for(settings, identity)
    plain = sender.send(record(), now=NOW)
    crisis = sender.send(record("urgent-intent"), now=NOW - timedelta(days=40))

    listed = cli("list", "--settings", str(settings))
    lines = [line.split("\t") for line in listed.stdout.splitlines()]
    assert [(f[0], f[2], f[3]) for f in lines] == [
        (crisis.reference, "CRISIS", "new"),
        (plain.reference, "-", "new"),
    ]
    assert SENTINEL not in listed.stdout + listed.stderr

    out = settings.parent / "export"
    run = cli("export", str(out), "--settings", str(settings), "--identity", str(key_file))
    assert run.returncode == 0, run.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([f"{crisis.reference}.json", f"{plain.reference}.json", "inbox.csv"])
    rows = list(csv.DictReader(io.StringIO((out / "inbox.csv").read_text("utf-8-sig"))))
    assert {r["record"]: r["crisis"] for r in rows} == {
        crisis.reference: "true",
        plain.reference: "false",
    }
    assert json.loads((out / f"{plain.reference}.json").read_bytes())["answers"]["display_name"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert SENTINEL not in run.stderr

    run = cli("purge", "--settings", str(settings))
    assert run.returncode == 0 and "deleted 1 submission(s)" in run.stdout, run.stderr
    remaining = cli("list", "--settings", str(settings)).stdout
    assert remaining.startswith(plain.reference) and crisis.reference not in remaining


def test_export_with_the_identity_variable_and_a_bad_row(
    clinic: tuple[Path, Path], identity: Identity
) -> None:
    """The key may come from SCREENING_INBOX_IDENTITY_FILE; an unopenable row is one line,
    exit 1, and the rest are written."""
    settings, key_file = clinic
    sender = sender_for(settings, identity)
    good = sender.send(record(), now=NOW)
    other = InboxSettings(
        database_url=f"sqlite:///{settings.parent / 'inbox.sqlite3'}",
        recipients=(generate_identity().public_key,),
    )
    stranger = open_sender(other).send(record(), now=NOW)
    out = settings.parent / "export"
    run = cli(
        "export",
        str(out),
        "--settings",
        str(settings),
        env={"SCREENING_INBOX_IDENTITY_FILE": str(key_file)},
    )
    assert run.returncode == 1
    problem_lines = [line for line in run.stderr.splitlines() if stranger.reference in line]
    assert len(problem_lines) == 1 and "sealed for another key" in problem_lines[0]
    assert (out / f"{good.reference}.json").exists()
    assert not (out / f"{stranger.reference}.json").exists()


@pytest.mark.parametrize(
    ("args", "command", "expected"),
    [
        (("list",), "list", "no settings file"),
        (("export", "out"), "export", "no settings file"),
        (("purge", "--days", "0", "--settings", "{settings}"), "purge", "--days 0"),
        (("export", "{tmp}/e", "--settings", "{settings}"), "export", "No private key"),
        (
            ("export", "{tmp}/e", "--settings", "{settings}", "--identity", "{tmp}/none.key"),
            "export",
            "no such file",
        ),
        (("list", "--settings", "{tmp}/none.toml"), "list", "file not found"),
        (("list", "--settings", "{plain}"), "list", "has no [inbox] table"),
        (("list", "--settings", "{bad_db}"), "list", "cannot be reached"),
    ],
)
def test_problems_are_one_plain_line(
    tmp_path: Path, clinic: tuple[Path, Path], args: tuple[str, ...], command: str, expected: str
) -> None:
    """Each usage or set-up problem is one line starting with the command, exit 2."""
    settings, _ = clinic
    plain = tmp_path / "plain.toml"
    plain.write_text('clinic_name = "X"\n')
    bad_db = tmp_path / "bad.toml"
    bad_db.write_text(
        settings.read_text().replace("[inbox]", '[inbox]\ndatabase_url = "sqlite:///no/dir/x.db"')
    )
    given = [a.format(tmp=tmp_path, settings=settings, plain=plain, bad_db=bad_db) for a in args]
    run = cli(*given)
    assert_one_plain_line(run, command)
    assert expected in run.stderr
