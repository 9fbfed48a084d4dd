"""ui/settings.py under AppTest: SCREENING_SETTINGS, the start-up stop, the header, caching."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from screening.settings import ClinicSettings
from ui.settings import SETTINGS_ENV_VAR, STOP_TITLE, contact_lines, settings_path


def png_bytes() -> bytes:
    """A real 8x8 PNG image."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "#2f5d8a").save(buffer, format="PNG")
    return buffer.getvalue()


def page() -> None:
    """A page that does what every real page does first: require the settings."""
    import streamlit as st

    from ui.settings import require_settings, show_clinic_header

    settings = require_settings()
    show_clinic_header(settings)
    st.text(f"region={settings.region}")


def run(monkeypatch: pytest.MonkeyPatch, path: Path | str | None) -> AppTest:
    """Run the page once with SCREENING_SETTINGS set to ``path`` (unset for None)."""
    if path is None:
        monkeypatch.delenv(SETTINGS_ENV_VAR, raising=False)
    else:
        monkeypatch.setenv(SETTINGS_ENV_VAR, str(path))
    at = AppTest.from_function(page, default_timeout=30)
    at.run()
    return at


def write(tmp_path: Path, text: str) -> Path:
    """A settings file in tmp_path."""
    path = tmp_path / "clinic.toml"
    path.write_text(text, encoding="utf-8")
    return path


def texts(at: AppTest) -> list[str]:
    """The st.text values on the page."""
    return [t.value for t in at.text]


def html_bodies(at: AppTest) -> list[str]:
    """The bodies of st.html elements on the page."""
    return [str(el.proto.body) for el in at.get("html")]


def test_no_variable_uses_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without SCREENING_SETTINGS the page runs with US crisis resources and no clinic name."""
    at = run(monkeypatch, None)
    assert not at.exception and not at.error
    assert texts(at) == ["region=us"]
    assert html_bodies(at) == []


def test_blank_variable_uses_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blank SCREENING_SETTINGS counts as unset."""
    monkeypatch.setenv(SETTINGS_ENV_VAR, "   ")
    assert settings_path() is None


def test_valid_file_sets_name_and_region(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A valid file's clinic name is shown and its region reaches the page."""
    path = write(tmp_path, 'clinic_name = "Harbour Clinic"\nregion = "uk"\n')
    at = run(monkeypatch, path)
    assert not at.exception and not at.error
    assert texts(at) == ["region=uk"]
    assert any("Harbour Clinic" in body for body in html_bodies(at))


def test_clinic_name_is_escaped(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Markup in the clinic name is shown as text, never as HTML."""
    path = write(tmp_path, 'clinic_name = "<b>A & B</b>"\n')
    at = run(monkeypatch, path)
    body = next(b for b in html_bodies(at) if "clinic-name" in b)
    assert "&lt;b&gt;A &amp; B&lt;/b&gt;" in body
    assert "<b>A" not in body


def test_logo_goes_to_the_sidebar(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A configured logo is passed to st.logo as the resolved file path."""
    import streamlit

    (tmp_path / "logo.png").write_bytes(png_bytes())
    path = write(tmp_path, 'logo = "logo.png"\n')
    shown: list[str] = []
    monkeypatch.setattr(streamlit, "logo", lambda image, **kwargs: shown.append(image))
    at = run(monkeypatch, path)
    assert not at.exception and not at.error
    assert shown == [str(tmp_path / "logo.png")]


def test_undecodable_logo_is_left_out(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A logo with PNG magic bytes but no image inside is skipped; the page still runs."""
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)
    path = write(tmp_path, 'logo = "logo.png"\n')
    at = run(monkeypatch, path)
    assert not at.exception and not at.error
    assert texts(at) == ["region=us"]


def test_invalid_file_stops_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A bad region stops the page: one error, the file/key/fix message, nothing after it."""
    path = write(tmp_path, 'region = "fr"\n')
    at = run(monkeypatch, path)
    assert not at.exception
    assert [e.value for e in at.error] == [STOP_TITLE]
    assert [c.value for c in at.code] == [
        f"{path} › region: 'fr' is not a supported region; use one of us, uk, ca, au, eu"
    ]
    assert texts(at) == []


def test_missing_file_stops_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A settings path that does not exist names the file and the variable."""
    at = run(monkeypatch, tmp_path / "nowhere.toml")
    assert not at.exception
    assert [e.value for e in at.error] == [STOP_TITLE]
    assert "nowhere.toml: file not found" in at.code[0].value
    assert SETTINGS_ENV_VAR in at.code[0].value


def test_toml_syntax_error_stops_without_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A TOML syntax error is reported as a message, not as an exception on the page."""
    path = write(tmp_path, "clinic_name = Harbour\n")
    at = run(monkeypatch, path)
    assert not at.exception
    assert "not valid TOML" in at.code[0].value
    assert "Traceback" not in at.code[0].value


def test_file_is_read_once_per_process(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Changing the file after the first run changes nothing until a restart."""
    path = write(tmp_path, 'clinic_name = "First Name"\n')
    at = run(monkeypatch, path)
    path.write_text('clinic_name = "Second Name"\nregion = "bad"\n', encoding="utf-8")
    at.run()
    assert not at.error
    bodies = html_bodies(at)
    assert any("First Name" in body for body in bodies)
    assert not any("Second Name" in body for body in bodies)


def test_contact_lines_in_order() -> None:
    """Contact details that are set come back in phone, email, website, address order."""
    settings = ClinicSettings(
        clinic_name="C", email="intake@example.org", address="1 Road", phone="+1 555 010 0100"
    )
    assert contact_lines(settings) == ["+1 555 010 0100", "intake@example.org", "1 Road"]
