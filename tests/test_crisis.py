"""Crisis resources: the reviewed data file, its links, footer and freshness (spec §8)."""

import re
import tomllib
import warnings
from datetime import date, timedelta
from pathlib import Path

import pytest

from screening.crisis import (
    BUNDLED_CRISIS_FILE,
    DEFAULT_REGION,
    REGION_CODES,
    CrisisDataError,
    CrisisDirectory,
    CrisisRegion,
    CrisisResource,
    footer_line,
    is_stale,
    load_crisis_resources,
    parse_crisis_resources,
)
from screening.errors import ScreeningError

DATA_TEXT = BUNDLED_CRISIS_FILE.read_text(encoding="utf-8")
DIRECTORY = load_crisis_resources()
ALL_RESOURCES = [
    pytest.param(code, resource, id=f"{code}-{resource.name}")
    for code, region in DIRECTORY.regions().items()
    for resource in region.resources
]

TEL_LINK = re.compile(r"tel:[0-9]{3,15}")
SMS_LINK = re.compile(r"sms:[0-9]{3,15}(\?body=[A-Za-z0-9%]+)?")
HTTPS_URL = re.compile(r"https://[a-z0-9.-]+\.[a-z]{2,}(/[A-Za-z0-9/._-]*)?")


class StaleCrisisResourcesWarning(UserWarning):
    """The crisis numbers have not been re-checked for more than 180 days."""


def rendered_texts(directory: CrisisDirectory) -> list[str]:
    """Every string the app can show or link to from the directory."""
    texts = [directory.reviewed_by]
    for region in directory.regions().values():
        texts += [region.name, footer_line(region)]
        for r in region.resources:
            texts += [r.name, r.number, r.description, r.footer or "", r.url or ""]
            texts += [r.tel_link() or "", r.sms_link() or ""]
    return texts


def contains_retired_number(text: str) -> bool:
    """True when text holds the retired US lifeline number in any usual formatting."""
    bare = re.sub(r"[\s().+\-/]", "", text)
    return (
        "2738255" in bare
        or "800273" in bare
        or re.search(r"273TALK", bare, re.IGNORECASE) is not None
        or re.search(r"\bTALK\b", text) is not None
    )


# --- the bundled file -------------------------------------------------------------------


def test_bundled_file_has_every_region() -> None:
    """The data file has a table for each supported region and us is the default."""
    assert set(DIRECTORY.regions()) == set(REGION_CODES) == {"us", "uk", "ca", "au", "eu"}
    assert DEFAULT_REGION == "us"


def test_last_verified_is_a_toml_date() -> None:
    """last_verified is a real TOML date, not a quoted string."""
    raw = tomllib.loads(DATA_TEXT)
    assert type(raw["last_verified"]) is date
    assert DIRECTORY.last_verified == date(2026, 11, 27)
    assert DIRECTORY.reviewed_by


@pytest.mark.parametrize(
    ("code", "tel", "sms"),
    [
        ("us", {"988", "911"}, {"988", "741741"}),
        ("uk", {"116123", "111", "999"}, set()),
        ("ca", {"988", "911"}, {"988"}),
        ("au", {"131114", "000"}, set()),
        ("eu", {"116123", "112"}, set()),
    ],
)
def test_region_numbers_match_the_spec(code: str, tel: set[str], sms: set[str]) -> None:
    """Each region lists exactly the numbers the content spec §8 names."""
    region = DIRECTORY.region(code)
    assert {r.tel for r in region.resources if r.tel} == tel
    assert {r.sms for r in region.resources if r.sms} == sms


@pytest.mark.parametrize(
    ("code", "emergency"),
    [("us", "911"), ("uk", "999"), ("ca", "911"), ("au", "000"), ("eu", "112")],
)
def test_every_region_has_an_emergency_number(code: str, emergency: str) -> None:
    """Each region has exactly one emergency entry, with its national number."""
    region = DIRECTORY.region(code)
    assert [r.tel for r in region.resources if r.emergency] == [emergency]
    assert region.emergency.tel_link() == f"tel:{emergency}"


def test_us_lifeline_is_call_text_and_chat() -> None:
    """988 can be called, texted and reached by chat at 988lifeline.org."""
    lifeline = DIRECTORY.us.resources[0]
    assert lifeline.name == "988 Suicide & Crisis Lifeline"
    assert set(lifeline.how) == {"call", "text", "chat"}
    assert lifeline.url == "https://988lifeline.org"


def test_crisis_text_line_link() -> None:
    """Crisis Text Line is text-only: no tel link, an sms link that pre-fills HOME."""
    ctl = next(r for r in DIRECTORY.us.resources if r.name == "Crisis Text Line")
    assert ctl.tel_link() is None
    assert ctl.sms_link() == "sms:741741?body=HOME"


def test_tel_link_of_988() -> None:
    """The US lifeline's call link is tel:988."""
    assert DIRECTORY.us.resources[0].tel_link() == "tel:988"
    assert DIRECTORY.us.resources[0].sms_link() == "sms:988"


@pytest.mark.parametrize(("code", "resource"), ALL_RESOURCES)
def test_numbers_are_digits_of_a_valid_length(code: str, resource: CrisisResource) -> None:
    """tel and sms values are digits only: 3 for emergency numbers, 3 to 11 otherwise."""
    for value in (resource.tel, resource.sms):
        if value is not None:
            assert re.fullmatch(r"[0-9]{3,11}", value), value
    if resource.emergency:
        assert resource.tel is not None and len(resource.tel) == 3


@pytest.mark.parametrize(("code", "resource"), ALL_RESOURCES)
def test_links_are_well_formed(code: str, resource: CrisisResource) -> None:
    """tel:, sms: and https:// links match their expected shapes."""
    tel, sms = resource.tel_link(), resource.sms_link()
    assert tel is not None or sms is not None
    assert tel is None or TEL_LINK.fullmatch(tel), tel
    assert sms is None or SMS_LINK.fullmatch(sms), sms
    assert resource.url is None or HTTPS_URL.fullmatch(resource.url), resource.url


@pytest.mark.parametrize(("code", "resource"), ALL_RESOURCES)
def test_shown_number_matches_the_link(code: str, resource: CrisisResource) -> None:
    """The number people read has the same digits as the number the link dials."""
    assert re.sub(r"\D", "", resource.number) in {resource.tel, resource.sms}


@pytest.mark.parametrize(("code", "resource"), ALL_RESOURCES)
def test_texts_are_plain(code: str, resource: CrisisResource) -> None:
    """Names and descriptions carry no HTML or markdown markup."""
    for text in (resource.name, resource.description, resource.footer or ""):
        assert not re.search(r"[<>*_`\[\]#]", text), text


def test_us_footer_line() -> None:
    """The US footer reads as one calm line with 988, 741741 and 911."""
    assert footer_line(DIRECTORY.us) == (
        "In crisis? Call or text 988 · Text HOME to 741741 · 911 in an emergency"
    )


@pytest.mark.parametrize("code", REGION_CODES)
def test_footer_ends_with_the_emergency_number(code: str) -> None:
    """Every region's footer starts with 'In crisis?' and ends with its emergency number."""
    region = DIRECTORY.region(code)
    line = footer_line(region)
    assert line.startswith("In crisis? ")
    assert line.endswith(f"{region.emergency.number} in an emergency")
    assert "\n" not in line


# --- the retired number -----------------------------------------------------------------


@pytest.mark.parametrize(
    "form",
    [
        "18002738255",
        "1-800-273-8255",
        "800-273-8255",
        "(800) 273-8255",
        "273-8255",
        "273-TALK",
        "1-800-273-TALK",
        "TALK",
    ],
)
def test_retired_number_detector_catches(form: str) -> None:
    """The test's own detector recognises every usual formatting of the retired number."""
    assert contains_retired_number(f"Call {form} now")


def test_retired_number_absent_from_data_file() -> None:
    """The data file never holds the retired US lifeline number, in any formatting."""
    assert not contains_retired_number(DATA_TEXT)
    for line in DATA_TEXT.splitlines():
        assert not contains_retired_number(line), line


def test_retired_number_absent_from_rendered_text() -> None:
    """No name, description, footer or link the app renders holds the retired number."""
    for text in rendered_texts(DIRECTORY):
        assert not contains_retired_number(text), text


def test_loader_refuses_the_retired_number() -> None:
    """A data file that mentions the retired number is refused, naming the line."""
    broken = DATA_TEXT.replace(
        'description = "Crisis support any time, day or night."',
        'description = "Or call 1-800-273-8255."',
    )
    with pytest.raises(CrisisDataError, match=r"x\.toml › line \d+: the retired US lifeline"):
        parse_crisis_resources(broken, source="x.toml")


# --- staleness --------------------------------------------------------------------------


def test_crisis_numbers_verified_recently() -> None:
    """Warns (without failing) when the numbers were last checked over 180 days ago."""
    if is_stale(DIRECTORY, date.today()):
        warnings.warn(
            f"crisis resources were last verified on {DIRECTORY.last_verified}, more than 180 "
            f"days ago: re-check every number in {BUNDLED_CRISIS_FILE} and update "
            "last_verified and reviewed_by",
            StaleCrisisResourcesWarning,
            stacklevel=1,
        )


@pytest.mark.parametrize(
    ("days_after", "stale"), [(-5, False), (0, False), (180, False), (181, True), (400, True)]
)
def test_is_stale_at_fixed_dates(days_after: int, stale: bool) -> None:
    """is_stale is true only when last_verified is more than 180 days before today."""
    today = DIRECTORY.last_verified + timedelta(days=days_after)
    assert is_stale(DIRECTORY, today) is stale


def test_is_stale_custom_age() -> None:
    """A shorter max_age_days makes the same file stale sooner."""
    today = DIRECTORY.last_verified + timedelta(days=31)
    assert is_stale(DIRECTORY, today, max_age_days=30)
    assert not is_stale(DIRECTORY, today, max_age_days=31)


def test_is_stale_refuses_negative_age() -> None:
    """A negative max_age_days is a programming error."""
    with pytest.raises(ValueError, match="max_age_days"):
        is_stale(DIRECTORY, date(2026, 1, 1), max_age_days=-1)


# --- loading and errors -----------------------------------------------------------------


def test_loading_is_cached_per_path() -> None:
    """The bundled file is parsed once; later calls return the same object."""
    assert load_crisis_resources() is load_crisis_resources()
    assert load_crisis_resources(BUNDLED_CRISIS_FILE) is load_crisis_resources()


def test_load_from_another_path(tmp_path: Path) -> None:
    """A copy of the file elsewhere loads to an equal directory."""
    copy = tmp_path / "crisis.toml"
    copy.write_text(DATA_TEXT, encoding="utf-8")
    assert load_crisis_resources(copy) == DIRECTORY


def test_unknown_region_code() -> None:
    """Asking for an unsupported region names the supported ones."""
    with pytest.raises(ValueError, match="'fr' is not a supported region; use one of us, uk"):
        DIRECTORY.region("fr")


def test_crisis_data_error_is_a_value_error() -> None:
    """Callers can catch the loader's errors as ValueError or as the core's ScreeningError."""
    assert issubclass(CrisisDataError, ValueError)
    assert issubclass(CrisisDataError, ScreeningError)


def test_broken_file_message_names_file_place_and_problem(tmp_path: Path) -> None:
    """A bad tel value is reported with the file, the entry and what is wrong."""
    broken = tmp_path / "crisis.toml"
    broken.write_text(DATA_TEXT.replace('tel = "131114"', 'tel = "13 11 14"', 1), encoding="utf-8")
    with pytest.raises(CrisisDataError) as info:
        load_crisis_resources(broken)
    assert str(info.value) == (
        f"{broken} › au.resources[0].tel (Lifeline): must be 3 to 15 digits with no spaces "
        "or signs (e.g. \"116123\"); found '13 11 14'"
    )


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    """A TOML syntax error names the file and the line."""
    broken = tmp_path / "crisis.toml"
    broken.write_text('last_verified = 2026-11-27\nreviewed_by = "x\n', encoding="utf-8")
    with pytest.raises(
        CrisisDataError, match=rf"^{re.escape(str(broken))}: not valid TOML: .*line 2"
    ):
        load_crisis_resources(broken)


def test_missing_file(tmp_path: Path) -> None:
    """A missing file is reported by name, not as a traceback."""
    with pytest.raises(CrisisDataError, match=r"nowhere\.toml: file not found"):
        load_crisis_resources(tmp_path / "nowhere.toml")


def test_missing_region_and_unknown_key() -> None:
    """A missing region table and an unknown key are both reported at once."""
    text = DATA_TEXT.replace("[eu]", "[fr]").replace("[[eu.", "[[fr.")
    with pytest.raises(CrisisDataError) as info:
        parse_crisis_resources(text, source="c.toml")
    assert info.value.problems == (
        " › eu: is missing; add it",
        " › fr: is not a known key; remove it or check its spelling",
    )


def test_region_without_emergency_number() -> None:
    """A region with no emergency entry is refused."""
    text = DATA_TEXT.replace('tel = "000"\nemergency = true', 'tel = "000"')
    with pytest.raises(CrisisDataError, match=r"c\.toml › au: needs exactly one resource"):
        parse_crisis_resources(text, source="c.toml")


def test_call_without_tel_is_refused() -> None:
    """A resource that says 'call' must give a tel value."""
    region = {
        "name": "Testland",
        "resources": [
            {
                "name": "Line",
                "how": ["call"],
                "number": "123",
                "description": "d",
                "emergency": True,
                "footer": "123 in an emergency",
            }
        ],
    }
    with pytest.raises(ValueError, match="`tel` must be given"):
        CrisisRegion.model_validate(region)


def test_footer_must_show_the_number() -> None:
    """A footer phrase that does not show the number is refused."""
    with pytest.raises(ValueError, match="must show the number"):
        CrisisResource(
            name="Line", how=("call",), number="999", tel="999", description="d", footer="Call us"
        )


def test_models_are_frozen() -> None:
    """Loaded resources cannot be changed by accident."""
    with pytest.raises(ValueError):
        DIRECTORY.us.resources[0].tel = "123"  # type: ignore[misc]
