"""Clinic settings: defaults, checks and messages that say where and how to fix."""

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screening.errors import ScreeningError
from screening.settings import (
    DEFAULT_CLINIC_NAME,
    SETTINGS_ENV_VAR,
    ClinicSettings,
    SettingsError,
    load_settings,
)

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "settings.example.toml"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16


def write(tmp_path: Path, text: str, name: str = "clinic.toml") -> Path:
    """Write a settings file into tmp_path and return its path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> tuple[str, ...]:
    """The problem lines (after the file name) for a settings text that must fail."""
    with pytest.raises(SettingsError) as info:
        load_settings(write(tmp_path, text))
    return info.value.problems


# --- defaults and a good file -----------------------------------------------------------


def test_no_file_gives_defaults() -> None:
    """No settings file: a generic clinic name, US crisis numbers, nothing else."""
    settings = load_settings(None)
    assert settings == ClinicSettings()
    assert settings.clinic_name == DEFAULT_CLINIC_NAME == "Your clinic"
    assert settings.region == "us"
    assert (settings.phone, settings.email, settings.website, settings.address) == (None,) * 4
    assert settings.logo is None


def test_full_file(tmp_path: Path) -> None:
    """Every key set: values are read and stripped of surrounding spaces."""
    (tmp_path / "logo.png").write_bytes(PNG)
    path = write(
        tmp_path,
        """
        clinic_name = "  Riverside Mood Clinic "
        phone = "+1 (555) 010-0100 ext. 12"
        email = "intake@riverside.example.org"
        website = "https://riverside.example.org/ketamine"
        address = "12 Example Street, Springfield, ST 12345"
        region = "ca"
        logo = "logo.png"
        """,
    )
    assert load_settings(path) == ClinicSettings(
        clinic_name="Riverside Mood Clinic",
        phone="+1 (555) 010-0100 ext. 12",
        email="intake@riverside.example.org",
        website="https://riverside.example.org/ketamine",
        address="12 Example Street, Springfield, ST 12345",
        region="ca",
        logo=tmp_path / "logo.png",
    )


def test_empty_values_mean_not_set(tmp_path: Path) -> None:
    """An optional key left as "" is treated as not given."""
    settings = load_settings(write(tmp_path, 'phone = ""\nemail = "  "\nwebsite = ""\nlogo = ""'))
    assert (settings.phone, settings.email, settings.website, settings.logo) == (None,) * 4


def test_example_file_loads_to_defaults() -> None:
    """settings.example.toml is valid and, as shipped, equals the defaults."""
    assert load_settings(EXAMPLE) == ClinicSettings()


@pytest.mark.parametrize("key", list(ClinicSettings.model_fields))
def test_example_file_documents_every_key(key: str) -> None:
    """Every setting appears in settings.example.toml (a test that fails when docs are stale)."""
    text = EXAMPLE.read_text(encoding="utf-8")
    assert re.search(rf"^(# )?({key} = |\[{key}\])", text, re.MULTILINE), key


def test_example_file_names_the_environment_variable() -> None:
    """The example file's header tells people about SCREENING_SETTINGS."""
    header = EXAMPLE.read_text(encoding="utf-8").split("\n\n")[0]
    assert SETTINGS_ENV_VAR == "SCREENING_SETTINGS"
    assert SETTINGS_ENV_VAR in header


@pytest.mark.parametrize("value", ["uk", "UK", " au ", "Eu"])
def test_region_is_case_insensitive(tmp_path: Path, value: str) -> None:
    """Region codes are accepted in any case and with stray spaces."""
    settings = load_settings(write(tmp_path, f'region = "{value}"'))
    assert settings.region == value.strip().lower()


# --- messages ---------------------------------------------------------------------------


def test_unsupported_region_message(tmp_path: Path) -> None:
    """An unknown region names the file, the key and the supported codes."""
    path = write(tmp_path, 'region = "fr"')
    with pytest.raises(SettingsError) as info:
        load_settings(path)
    assert str(info.value) == (
        f"{path} › region: 'fr' is not a supported region; use one of us, uk, ca, au, eu"
    )


def test_settings_error_is_a_value_error() -> None:
    """Callers can catch settings errors as ValueError or as the core's ScreeningError."""
    assert issubclass(SettingsError, ValueError)
    assert issubclass(SettingsError, ScreeningError)


def test_unknown_key(tmp_path: Path) -> None:
    """A misspelt key is refused and the known keys are listed."""
    assert problems(tmp_path, 'clinic_nmae = "X"') == (
        " › clinic_nmae: is not a known setting; remove it or check the spelling "
        "(known: clinic_name, phone, email, website, address, region, logo, staff_review, "
        "inbox, staff)",
    )


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    """Several mistakes give one line each, in key order."""
    found = problems(tmp_path, 'region = "fr"\nemail = "nobody"\nwebsite = "www.x.org"')
    assert [line.split(":")[0] for line in found] == [" › email", " › website", " › region"]


def test_value_not_in_quotes(tmp_path: Path) -> None:
    """A number where text is expected asks for quotes."""
    assert problems(tmp_path, "phone = 5550100100") == (
        " › phone: must be text in quotes; found 5550100100",
    )


def test_clinic_name_too_long(tmp_path: Path) -> None:
    """Text longer than its limit says how long it is and the limit."""
    assert problems(tmp_path, f'clinic_name = "{"x" * 101}"') == (
        " › clinic_name: is 101 characters long; shorten it to 100 or fewer",
    )


def test_clinic_name_empty(tmp_path: Path) -> None:
    """An empty clinic name is refused with a pointer to the default."""
    assert problems(tmp_path, 'clinic_name = " "') == (
        ' › clinic_name: must not be empty; remove the line to use the default "Your clinic"',
    )


def test_address_must_be_one_line(tmp_path: Path) -> None:
    """A multi-line address is refused."""
    assert problems(tmp_path, 'address = """12 Example Street\nSpringfield"""') == (
        " › address: must be a single line with no tabs or control characters",
    )


@pytest.mark.parametrize(
    "email", ["intake@example.org", "first.last+ketamine@clinic.example.co.uk"]
)
def test_good_emails(email: str) -> None:
    """Ordinary addresses are accepted."""
    assert ClinicSettings(email=email).email == email


@pytest.mark.parametrize("email", ["intake", "intake@clinic", "a b@example.org", "@example.org"])
def test_bad_emails(email: str) -> None:
    """Addresses without a user, an @ and a domain are refused."""
    with pytest.raises(ValueError, match="does not look like an email address"):
        ClinicSettings(email=email)


@pytest.mark.parametrize("site", ["https://example.org", "http://clinic.example.org/a?b=1"])
def test_good_websites(site: str) -> None:
    """http:// and https:// addresses are accepted as written."""
    assert ClinicSettings(website=site).website == site


@pytest.mark.parametrize(
    "site", ["www.example.org", "ftp://example.org", "https://", "javascript:alert(1)", "https://x"]
)
def test_bad_websites(site: str) -> None:
    """Anything but an http(s) address with a domain is refused."""
    with pytest.raises(ValueError, match=r"start it with https://"):
        ClinicSettings(website=site)


@pytest.mark.parametrize("phone", ["call us", "12", "555-0100 <b>"])
def test_bad_phones(phone: str) -> None:
    """Phone numbers must be digits and ordinary separators."""
    with pytest.raises(ValueError, match="does not look like a phone number"):
        ClinicSettings(phone=phone)


def test_toml_syntax_error(tmp_path: Path) -> None:
    """A TOML mistake names the file and the line and hints at quotes."""
    path = write(tmp_path, 'clinic_name = "X"\nphone = +1 555\n')
    with pytest.raises(SettingsError, match=r"clinic\.toml: not valid TOML: .*line 2.*quotes"):
        load_settings(path)


def test_missing_file(tmp_path: Path) -> None:
    """A missing settings file says so and mentions SCREENING_SETTINGS."""
    with pytest.raises(SettingsError, match=r"nowhere\.toml: file not found.*SCREENING_SETTINGS"):
        load_settings(tmp_path / "nowhere.toml")


# --- logo -------------------------------------------------------------------------------


def test_logo_relative_to_settings_file(tmp_path: Path) -> None:
    """A relative logo path is found next to the settings file, not the working directory."""
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "logo.jpg").write_bytes(JPEG)
    settings = load_settings(write(tmp_path, 'logo = "img/logo.jpg"'))
    assert settings.logo == tmp_path / "img" / "logo.jpg"


def test_logo_missing(tmp_path: Path) -> None:
    """A logo that does not exist is reported with its full path."""
    found = problems(tmp_path, 'logo = "logo.png"')
    assert found == (
        f" › logo: '{tmp_path / 'logo.png'}' does not exist; put the image next to the "
        "settings file or give its full path",
    )


def test_logo_wrong_type(tmp_path: Path) -> None:
    """A logo that is not .png/.jpg is refused."""
    (tmp_path / "logo.gif").write_bytes(b"GIF89a")
    assert problems(tmp_path, 'logo = "logo.gif"') == (
        " › logo: 'logo.gif' is not a .png or .jpg file; use a PNG or JPEG image",
    )


def test_logo_renamed_file(tmp_path: Path) -> None:
    """A file named .png that is not a PNG inside is refused."""
    (tmp_path / "logo.png").write_bytes(JPEG)
    assert problems(tmp_path, 'logo = "logo.png"') == (
        " › logo: 'logo.png' is not a PNG image inside; save it again as PNG or JPEG",
    )


def test_logo_absolute_path_directly(tmp_path: Path) -> None:
    """Built directly, an absolute logo path is accepted."""
    (tmp_path / "logo.png").write_bytes(PNG)
    assert ClinicSettings(logo=tmp_path / "logo.png").logo == tmp_path / "logo.png"


def test_logo_relative_path_directly() -> None:
    """Built directly (no settings file), a relative logo path is refused."""
    with pytest.raises(ValueError, match="is a relative path; give an absolute path"):
        ClinicSettings(logo=Path("logo.png"))


# --- the model --------------------------------------------------------------------------


def test_settings_are_frozen() -> None:
    """Settings cannot be changed after loading."""
    with pytest.raises(ValueError):
        ClinicSettings().clinic_name = "Other"  # type: ignore[misc]


@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")),
        min_size=1,
        max_size=100,
    ).filter(lambda s: s.strip())
)
def test_any_one_line_name_is_kept_stripped(name: str) -> None:
    """Any one-line name up to 100 characters is kept, minus surrounding spaces."""
    assert ClinicSettings(clinic_name=name).clinic_name == name.strip()
