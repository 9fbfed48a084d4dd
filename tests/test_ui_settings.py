"""ui/settings.py under AppTest: SCREENING_SETTINGS, the start-up stop, the header, caching."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from screening.settings import ClinicSettings
from ui.settings import (
    SETTINGS_ENV_VAR,
    STOP_TITLE,
    clinic_line_html,
    contact_lines,
    settings_path,
)


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
    body = next(b for b in html_bodies(at) if "clinic-line" in b)
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


def test_logo_links_to_the_website(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The logo links to the clinic's website when one is set."""
    import streamlit

    (tmp_path / "logo.png").write_bytes(png_bytes())
    path = write(tmp_path, 'logo = "logo.png"\nwebsite = "https://www.example.org"\n')
    links: list[str | None] = []
    monkeypatch.setattr(streamlit, "logo", lambda image, **kw: links.append(kw.get("link")))
    run(monkeypatch, path)
    assert links == ["https://www.example.org"]


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


def test_clinic_line_links_phone_email_and_website() -> None:
    """Name, then tel:, mailto: and web links, then the address, in one line."""
    settings = ClinicSettings(
        clinic_name="Harbour Clinic",
        phone="+1 (555) 010-0100 ext. 12",
        email="intake@example.org",
        website="https://www.example.org/",
        address="12 Example Street",
    )
    assert clinic_line_html(settings, "Offered by") == (
        '<p class="clinic-line">Offered by <strong>Harbour Clinic</strong> · '
        '<a href="tel:+15550100100">+1 (555) 010-0100 ext. 12</a> · '
        '<a href="mailto:intake@example.org">intake@example.org</a> · '
        '<a href="https://www.example.org/" target="_blank" rel="noopener noreferrer">'
        "www.example.org</a> · 12 Example Street</p>"
    )


def test_clinic_line_escapes_markup() -> None:
    """Markup in any setting is escaped; a parenthesis cannot end the link early."""
    settings = ClinicSettings(
        clinic_name="<img src=x>", website="https://example.org/a(b)", address="<b>1</b>"
    )
    line = clinic_line_html(settings, "Offered by") or ""
    assert "<img" not in line and "<b>" not in line
    assert 'href="https://example.org/a%28b%29"' in line


def test_defaults_give_no_clinic_line() -> None:
    """The built-in defaults name no clinic, so no line is shown."""
    assert clinic_line_html(ClinicSettings(), "Offered by") is None


def test_contact_without_a_name() -> None:
    """Contact details alone still make a line (the generic name is left out)."""
    line = clinic_line_html(ClinicSettings(phone="111"), "Bring it to")
    assert line == '<p class="clinic-line">Bring it to <a href="tel:111">111</a></p>'


def test_contact_lines_in_order() -> None:
    """Contact details that are set come back in phone, email, website, address order."""
    settings = ClinicSettings(
        clinic_name="C", email="intake@example.org", address="1 Road", phone="+1 555 010 0100"
    )
    assert contact_lines(settings) == ["+1 555 010 0100", "intake@example.org", "1 Road"]


# --- the whole app (streamlit_app.py) ----------------------------------------------------------

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")


def run_app(monkeypatch: pytest.MonkeyPatch, path: Path) -> AppTest:
    """Run the real app once with SCREENING_SETTINGS set to ``path``."""
    monkeypatch.setenv(SETTINGS_ENV_VAR, str(path))
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    return at


def test_app_follows_the_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The app shows the clinic's name and the crisis line of the configured region (UK)."""
    path = write(
        tmp_path, 'clinic_name = "Harbour Clinic"\nregion = "uk"\nphone = "0161 496 0000"\n'
    )
    at = run_app(monkeypatch, path)
    assert not at.exception and not at.error
    captions = " ".join(c.value for c in at.caption)
    assert "(tel:116123)" in captions and "(tel:999)" in captions
    assert "988" not in captions
    assert any("Harbour Clinic" in b and "tel:01614960000" in b for b in html_bodies(at))


def test_app_stops_on_invalid_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A broken settings file stops the app before any page: one message, no traceback."""
    path = write(tmp_path, 'clinic_name = "Harbour Clinic"\ncolour = "blue"\n')
    at = run_app(monkeypatch, path)
    assert not at.exception
    assert [e.value for e in at.error] == [STOP_TITLE]
    assert at.code[0].value.startswith(f"{path} › colour: is not a known setting")
    assert not at.button and not at.title


def test_results_page_says_where_to_bring_the_summary(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """On the results page the clinic's name and phone follow "Bring it to"."""
    from tests.conftest import vignette
    from tests.wizard_driver import complete, new_app, start, view

    path = write(tmp_path, 'clinic_name = "Harbour Clinic"\nphone = "+1 555 010 0100"\n')
    monkeypatch.setenv(SETTINGS_ENV_VAR, str(path))
    at = complete(start(new_app()), vignette("typical-trd"))
    assert view(at) == "results"
    lines = [b for b in html_bodies(at) if "Bring it to" in b]
    assert lines == [
        '<p class="clinic-line">Bring it to <strong>Harbour Clinic</strong> · '
        '<a href="tel:+15550100100">+1 555 010 0100</a></p>'
    ]


def test_staff_page_can_be_hidden(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """With staff_review = false the staff page is not registered at all."""
    at = run_app(monkeypatch, write(tmp_path, "staff_review = false\n"))
    assert not at.exception
    with pytest.raises(ValueError, match=r"Known pages: \[.*self_screening.py', '.*about.py'\]"):
        at.switch_page("ui/staff.py")


def test_staff_page_is_hidden_by_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """By default a patient sees no staff page: it is not among the pages."""
    at = run_app(monkeypatch, write(tmp_path, 'clinic_name = "Harbour Clinic"\n'))
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("ui/staff.py")


STAFF_TOML = 'staff_review = true\n[staff]\nallowed_emails = ["ana@clinic.example"]\n'


def test_staff_page_asks_to_sign_in(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """With staff_review = true the staff page is there, but shows nothing until sign-in."""
    at = run_app(monkeypatch, write(tmp_path, STAFF_TOML))
    at.switch_page("ui/staff.py").run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.get("file_uploader")


def test_staff_page_opens_for_listed_staff(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A signed-in member of staff on the list sees the staff page."""
    at = run_app(monkeypatch, write(tmp_path, STAFF_TOML))
    at.user = {"is_logged_in": True, "email": "ana@clinic.example"}
    at.switch_page("ui/staff.py").run()
    assert not at.exception
    assert at.get("file_uploader")


def test_staff_page_refuses_others(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A signed-in account that is not on the list sees a refusal and nothing else."""
    at = run_app(monkeypatch, write(tmp_path, STAFF_TOML))
    at.user = {"is_logged_in": True, "email": "someone@else.example"}
    at.switch_page("ui/staff.py").run()
    assert not at.exception
    assert "not on the clinic's staff list" in at.error[0].value
    assert not at.get("file_uploader")
