"""The clinic inbox on the pages (AppTest, SQLite): "Send to {clinic}" on the results page
with its receipt, once per answer set, and a plain message when the inbox is down (the
downloads stay); the staff page's inbox tab, crisis first, with the private key only in
the staff process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from screening.inbox.sealing import generate_identity
from tests.conftest import STAFF_USER, vignette
from tests.wizard_driver import APP, click, complete, run, start

CLINIC = "Harbour Clinic"


def settings_file(folder: Path, database: str, public_key: str) -> Path:
    """A clinic settings file with an inbox (and the test member of staff)."""
    path = folder / "clinic.toml"
    path.write_text(
        f'clinic_name = "{CLINIC}"\nstaff_review = true\n\n[inbox]\n'
        f'database_url = "{database}"\nrecipients = ["{public_key}"]\n\n'
        f'[staff]\nallowed_emails = ["{STAFF_USER["email"]}"]\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def clinic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A deployment with a SQLite inbox; the identity file exists but is not yet given."""
    identity = generate_identity()
    key_file = tmp_path / "clinic.key"
    key_file.write_text(identity.secret() + "\n", encoding="utf-8")
    key_file.chmod(0o600)
    database = f"sqlite:///{tmp_path / 'inbox.sqlite3'}"
    settings = settings_file(tmp_path, database, identity.public_key)
    monkeypatch.setenv("SCREENING_SETTINGS", str(settings))
    monkeypatch.delenv("SCREENING_INBOX_IDENTITY_FILE", raising=False)
    monkeypatch.delenv("SCREENING_INBOX_IDENTITY", raising=False)
    from ui.settings import _load

    _load.clear()
    return {"key_file": key_file, "database": database, "folder": tmp_path}


def results_of(name: str) -> AppTest:
    """A patient session on the results page of one vignette."""
    at = AppTest.from_file(APP, default_timeout=30)
    run(at)
    start(at)
    return complete(at, vignette(name))


def sent_reference(at: AppTest) -> str:
    """The reference in the receipt."""
    message = next(s.value for s in at.success if "Your reference is" in s.value)
    return message.split("**")[1].replace("\\", "")


def test_send_comes_after_the_downloads_and_gives_a_reference(clinic: dict[str, Any]) -> None:
    """The results page offers "Send to Harbour Clinic" after the downloads; sending shows
    a short reference to quote."""
    at = results_of("typical-trd")
    labels = [b.label for b in at.get("download_button")] + [b.label for b in at.button]
    assert labels.index(f"Send to {CLINIC}") > labels.index(
        "Summary to bring to your clinician (PDF)"
    )
    text = "\n".join(m.value for m in at.markdown)
    assert "not watched for emergencies" in text
    click(at, "wiz:send")
    reference = sent_reference(at)
    assert len(reference) == 9 and reference[4] == "-"


def test_sending_twice_says_it_was_sent(clinic: dict[str, Any]) -> None:
    """A second click with the same answers stores nothing new and says it was sent."""
    from screening.inbox.database import connect
    from screening.inbox.store import Store

    at = results_of("typical-trd")
    click(at, "wiz:send")
    first = sent_reference(at)
    click(at, "wiz:send")
    assert any("already sent" in s.value for s in at.success)
    assert sent_reference(at) == first
    assert Store(connect(clinic["database"])).count() == 1


def test_a_down_inbox_says_so_and_keeps_the_downloads(
    clinic: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the inbox cannot be reached, a plain message says nothing is lost; the
    downloads are still there."""
    at = results_of("typical-trd")
    unreachable = clinic["folder"] / "no" / "such" / "folder"
    settings = settings_file(
        clinic["folder"], f"sqlite:///{unreachable}/inbox.sqlite3", generate_identity().public_key
    )
    monkeypatch.setenv("SCREENING_SETTINGS", str(settings))
    from ui.settings import _load

    _load.clear()
    run(at)
    click(at, "wiz:send")
    message = at.error[0].value
    assert "could not be sent just now" in message and "Nothing is lost" in message
    assert "Traceback" not in message and "sqlite" not in message.lower()
    assert (
        next(b.label for b in at.get("download_button"))
        == "Summary to bring to your clinician (PDF)"
    )


def test_the_patient_app_never_holds_the_private_key(clinic: dict[str, Any]) -> None:
    """The patient deployment's process has no key: the staff inbox cannot be opened there."""
    from screening.inbox.errors import InboxKeyError
    from ui.clinic_inbox import staff_inbox
    from ui.settings import load_clinic_settings

    staff_inbox.clear()
    with pytest.raises(InboxKeyError):
        staff_inbox(load_clinic_settings())


def test_staff_inbox_lists_crisis_first(
    clinic: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two submissions (one crisis) appear in the staff inbox, the crisis one first."""
    for name in ("typical-trd", "item9-passive"):
        click(results_of(name), "wiz:send")
    monkeypatch.setenv("SCREENING_INBOX_IDENTITY_FILE", str(clinic["key_file"]))
    from ui.clinic_inbox import staff_inbox

    staff_inbox.clear()
    staff = AppTest.from_file(str(Path(APP).parent / "ui" / "staff.py"), default_timeout=30)
    staff.user = dict(STAFF_USER)
    run(staff)
    frame = staff.dataframe[0].value
    assert list(frame["Crisis"])[:2] == ["⚠ CRISIS", "no"]
    assert len(frame) == 2
    assert any(e.value.startswith("⚠ CRISIS: 1 submission") for e in staff.error)


def test_staff_sign_in_and_views_are_audited(
    clinic: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening the staff page records the sign-in and the opening of the inbox."""
    click(results_of("typical-trd"), "wiz:send")
    monkeypatch.setenv("SCREENING_INBOX_IDENTITY_FILE", str(clinic["key_file"]))
    from ui.clinic_inbox import staff_inbox

    staff_inbox.clear()
    staff = AppTest.from_file(str(Path(APP).parent / "ui" / "staff.py"), default_timeout=30)
    staff.user = dict(STAFF_USER)
    run(staff)
    actions = [(e.actor, e.action) for e in staff_inbox(_settings()).audit_log()]
    assert ("staff@clinic.example", "sign_in") in actions
    assert ("staff@clinic.example", "open_inbox") in actions


def _settings() -> Any:
    from ui.settings import load_clinic_settings

    return load_clinic_settings()
