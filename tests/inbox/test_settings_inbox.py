"""The [inbox], [inbox.notify] and [staff] tables of the clinic settings file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from screening.inbox.config import InboxSettings, NotifySettings, StaffSettings
from screening.inbox.sealing import generate_identity
from screening.settings import ClinicSettings, SettingsError, load_settings

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "settings.example.toml"
KEY = generate_identity().public_key


def write(tmp_path: Path, text: str) -> Path:
    """A settings file holding ``text``."""
    path = tmp_path / "clinic.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> tuple[str, ...]:
    """The problems load_settings reports for ``text``, without the file name."""
    with pytest.raises(SettingsError) as caught:
        load_settings(write(tmp_path, text))
    return caught.value.problems


def test_no_inbox_table_means_no_inbox(tmp_path: Path) -> None:
    """Without [inbox] there is no inbox (the results page offers downloads only)."""
    assert load_settings(write(tmp_path, 'clinic_name = "X"')).inbox is None


def test_minimal_inbox_uses_a_sqlite_file_beside_the_settings(tmp_path: Path) -> None:
    """Only recipients given: SQLite file inbox.sqlite3 in the settings file's folder."""
    settings = load_settings(write(tmp_path, f'[inbox]\nrecipients = ["{KEY}"]'))
    assert settings.inbox is not None
    assert settings.inbox.database_url == f"sqlite:///{tmp_path / 'inbox.sqlite3'}"
    assert (settings.inbox.recipients, settings.inbox.retention_days) == ((KEY,), 30)


def test_relative_sqlite_path_is_read_from_the_settings_folder(tmp_path: Path) -> None:
    """A relative SQLite path is taken relative to the settings file, not the working dir."""
    text = f'[inbox]\ndatabase_url = "sqlite:///data/in.db"\nrecipients = ["{KEY}"]'
    inbox = load_settings(write(tmp_path, text)).inbox
    assert inbox is not None and inbox.database_path == tmp_path / "data" / "in.db"


def test_postgresql_address_is_normalized(tmp_path: Path) -> None:
    """postgresql:// is read as psycopg 3's postgresql+psycopg://."""
    text = f'[inbox]\ndatabase_url = "postgresql://app@db.example.org/screening"\nrecipients = ["{KEY}"]'
    inbox = load_settings(write(tmp_path, text)).inbox
    assert inbox is not None
    assert inbox.database_url == "postgresql+psycopg://app@db.example.org/screening"


def test_database_password_is_refused(tmp_path: Path) -> None:
    """A password in database_url is refused with where it goes instead."""
    text = f'[inbox]\ndatabase_url = "postgresql://app:pw@db/x"\nrecipients = ["{KEY}"]'
    (problem,) = problems(tmp_path, text)
    assert problem.startswith(" › inbox.database_url: holds a password") and "PGPASSWORD" in problem
    assert "pw@" not in problem


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite://", "needs a file"),
        ("sqlite:///:memory:", "needs a file"),
        ("mysql://h/db", "not a database this app uses"),
        ("nonsense", "not a database address"),
    ],
)
def test_unusable_database_urls(tmp_path: Path, url: str, expected: str) -> None:
    """Each unusable database address gets a message naming the key and the fix."""
    (problem,) = problems(tmp_path, f'[inbox]\ndatabase_url = "{url}"\nrecipients = ["{KEY}"]')
    assert problem.startswith(" › inbox.database_url: ") and expected in problem


def test_recipients_are_required(tmp_path: Path) -> None:
    """An [inbox] without recipients says how to make a key."""
    (problem,) = problems(tmp_path, "[inbox]\nretention_days = 10")
    assert "recipients is missing" in problem and "keygen" in problem


def test_bad_public_key(tmp_path: Path) -> None:
    """A public key that does not decode is refused by its position."""
    (problem,) = problems(tmp_path, f'[inbox]\nrecipients = ["{KEY}", "age1nothing"]')
    assert problem.startswith(" › inbox.recipients: key 2: ")


def test_same_key_twice(tmp_path: Path) -> None:
    """The same public key twice is refused."""
    (problem,) = problems(tmp_path, f'[inbox]\nrecipients = ["{KEY}", "{KEY}"]')
    assert "twice" in problem


def test_private_key_anywhere_in_the_file_is_refused(tmp_path: Path) -> None:
    """A settings file holding a private key, even in a comment, is refused whole."""
    secret = generate_identity().secret()
    (problem,) = problems(tmp_path, f'clinic_name = "X"\n# {secret}\n')
    assert "holds a private key" in problem and secret not in problem


@pytest.mark.parametrize("key", ["identity", "identity_file", "private_key"])
def test_private_key_settings_do_not_exist(tmp_path: Path, key: str) -> None:
    """Keys that would hold the private key are refused with where it goes instead."""
    (problem,) = problems(tmp_path, f'[inbox]\nrecipients = ["{KEY}"]\n{key} = "/x.key"')
    assert f"{key}: the private key never goes in the settings file" in problem
    assert "SCREENING_INBOX_IDENTITY_FILE" in problem


def test_the_patient_settings_have_no_field_for_a_private_key() -> None:
    """No field of the settings models, at any depth, could hold a key or a password."""
    names: list[str] = []

    def walk(model: type[BaseModel]) -> None:
        for name, info in model.model_fields.items():
            names.append(name)
            for kind in (InboxSettings, NotifySettings, StaffSettings):
                if kind in getattr(info.annotation, "__args__", ()) or info.annotation is kind:
                    walk(kind)

    walk(ClinicSettings)
    assert {"inbox", "notify", "recipients", "password_env"} <= set(names)
    assert [n for n in names if re.search("identit|secret|private|password$", n)] == []


def test_smtp_password_is_refused(tmp_path: Path) -> None:
    """A password in [inbox.notify] is refused: name its environment variable instead."""
    text = (
        f'[inbox]\nrecipients = ["{KEY}"]\n[inbox.notify]\nhost = "smtp.example.org"\n'
        'from = "a@example.org"\nto = "b@example.org"\npassword = "hunter2"'
    )
    (problem,) = problems(tmp_path, text)
    assert "never put the password in this file" in problem and "hunter2" not in problem


def test_notify_settings(tmp_path: Path) -> None:
    """[inbox.notify] reads from, one or many to, and the password variable's name."""
    text = (
        f'[inbox]\nrecipients = ["{KEY}"]\n[inbox.notify]\nhost = "smtp.example.org"\n'
        'from = "a@example.org"\nto = "b@example.org"\nusername = "u"\n'
        'password_env = "SMTP_PW"'
    )
    inbox = load_settings(write(tmp_path, text)).inbox
    assert inbox is not None and inbox.notify is not None
    notify = inbox.notify
    assert (notify.from_address, notify.to, notify.port, notify.starttls) == (
        "a@example.org",
        ("b@example.org",),
        587,
        True,
    )
    assert notify.password_env == "SMTP_PW"


def test_username_needs_password_env(tmp_path: Path) -> None:
    """username without password_env (or the reverse) is refused."""
    text = (
        f'[inbox]\nrecipients = ["{KEY}"]\n[inbox.notify]\nhost = "h"\n'
        'from = "a@example.org"\nto = ["b@example.org"]\nusername = "u"'
    )
    (problem,) = problems(tmp_path, text)
    assert "username and password_env go together" in problem


@pytest.mark.parametrize("days", [0, 3651])
def test_retention_bounds(tmp_path: Path, days: int) -> None:
    """retention_days is 1 to 3650."""
    (problem,) = problems(tmp_path, f'[inbox]\nrecipients = ["{KEY}"]\nretention_days = {days}')
    assert problem.startswith(" › inbox.retention_days: ") and "3,650" in problem


def test_unknown_inbox_key_lists_the_table_keys(tmp_path: Path) -> None:
    """A misspelt key inside [inbox] lists that table's keys."""
    (problem,) = problems(tmp_path, f'[inbox]\nrecipients = ["{KEY}"]\nretension_days = 5')
    assert problem == (
        " › inbox.retension_days: is not a known setting; remove it or check the spelling "
        "(known: database_url, recipients, retention_days, notify)"
    )


def test_staff_defaults_allow_nobody() -> None:
    """With no [staff] table nobody is allowed on the staff page."""
    assert ClinicSettings().staff.allows({"email": "a@example.org", "groups": ["x"]}) is False


@pytest.mark.parametrize(
    ("claims", "allowed"),
    [
        ({"email": "Lead@Example.org"}, True),
        ({"email": "lead@example.org", "email_verified": False}, False),
        ({"email": "other@example.org"}, False),
        ({"email": "other@example.org", "roles": ["intake"]}, True),
        ({"email": "other@example.org", "roles": "intake"}, True),
        ({"email": "other@example.org", "groups": ["intake"]}, False),
        ({}, False),
    ],
)
def test_staff_allows(claims: dict[str, Any], allowed: bool) -> None:
    """An allowed, not-unverified e-mail or a listed group in the named claim lets a user in."""
    staff = StaffSettings(
        allowed_emails=("lead@example.org",), allowed_groups=("intake",), group_claim="roles"
    )
    assert staff.allows(claims) is allowed


def test_example_sections_load_when_uncommented(tmp_path: Path) -> None:
    """Uncommenting the example's [inbox], [inbox.notify] and [staff] gives valid settings."""
    text = EXAMPLE.read_text(encoding="utf-8")
    block = text[text.index("# [inbox]") :]
    lines = [
        line[2:]
        for line in block.splitlines()
        if re.match(r"# (\[|[a-z_]+ = )", line) and "postgresql" not in line
    ]
    uncommented = "\n".join(lines).replace('"age1…"', f'"{KEY}"')
    settings = load_settings(write(tmp_path, uncommented))
    assert settings.inbox is not None and settings.inbox.notify is not None
    assert settings.staff.allowed_groups == ("intake",)


@pytest.mark.parametrize(
    "key",
    [
        *InboxSettings.model_fields,
        *(f.alias or n for n, f in NotifySettings.model_fields.items()),
        *StaffSettings.model_fields,
    ],
)
def test_example_documents_every_inbox_key(key: str) -> None:
    """Every key of the three tables appears (commented) in settings.example.toml."""
    text = EXAMPLE.read_text(encoding="utf-8")
    assert re.search(rf"^# ({key} = |\[(inbox\.)?{key}\])", text, re.MULTILINE), key
