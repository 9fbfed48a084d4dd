"""Crisis resources: one reviewed data file, per region (content spec §8).

The numbers live in ``screening/data/crisis_resources.toml`` and nowhere else. This module
reads and checks that file and turns its entries into links and a one-line footer.

Links:

* ``tel:`` links use the digits only (``tel:988``, ``tel:116123``).
* ``sms:`` links use the RFC 5724 form ``sms:<digits>?body=<text>``
  (``sms:741741?body=HOME``), which current iOS and Android messaging apps both read.
  The older ``sms:741741?&body=HOME`` work-around is deliberately not used.

Errors: a broken data file raises :class:`CrisisDataError` (a ``ScreeningError`` and a
``ValueError``) whose message names the file, the place in it and the problem, one line per
problem.

Pure core: no clock (callers pass ``today``), no environment, no Streamlit.
"""

import functools
import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails

from screening.errors import ScreeningError

__all__ = [
    "BUNDLED_CRISIS_FILE",
    "DEFAULT_REGION",
    "REGION_CODES",
    "ContactMethod",
    "CrisisDataError",
    "CrisisDirectory",
    "CrisisRegion",
    "CrisisResource",
    "RegionCode",
    "footer_line",
    "is_stale",
    "load_crisis_resources",
    "parse_crisis_resources",
]

RegionCode = Literal["us", "uk", "ca", "au", "eu"]
REGION_CODES: tuple[RegionCode, ...] = ("us", "uk", "ca", "au", "eu")
DEFAULT_REGION: RegionCode = "us"

ContactMethod = Literal["call", "text", "chat"]

BUNDLED_CRISIS_FILE = Path(__file__).parent / "data" / "crisis_resources.toml"

# The US lifeline number retired in 2022 in favour of 988, in any formatting.
# Separators are stripped before matching, so "1-800-273-8255" and "(800) 273 TALK" match too.
_RETIRED_NUMBER = re.compile(r"2738255|273talk", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s().+\-/]")


class CrisisDataError(ScreeningError, ValueError):
    """The crisis-resources file cannot be used; the message says where and why."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__("\n".join(f"{source}{p}" for p in problems))


def _digits_only(value: str) -> str:
    if not re.fullmatch(r"[0-9]{3,15}", value):
        raise ValueError(
            f'must be 3 to 15 digits with no spaces or signs (e.g. "116123"); found {value!r}'
        )
    return value


def _https_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.netloc or " " in value:
        raise ValueError(f"must be a full https:// address; found {value!r}")
    return value


def _sms_body(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9]{1,20}", value):
        raise ValueError(
            f'must be one short word of letters or digits (e.g. "HOME"); found {value!r}'
        )
    return value


Digits = Annotated[str, AfterValidator(_digits_only)]
HttpsUrl = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_https_url)]
SmsBody = Annotated[str, AfterValidator(_sms_body)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


class CrisisResource(BaseModel):
    """One service: who it is, how to reach it, and the number to show."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: ShortText
    how: tuple[ContactMethod, ...] = Field(min_length=1)
    number: ShortText
    tel: Digits | None = None
    sms: Digits | None = None
    sms_body: SmsBody | None = None
    url: HttpsUrl | None = None
    description: LongText
    emergency: bool = False
    footer: ShortText | None = None
    # Required for the routes of another language (``resources_es``): where the route was
    # found and the day it was checked.
    source: LongText | None = None
    last_verified: date | None = None

    @model_validator(mode="after")
    def _consistent(self) -> "CrisisResource":
        if len(set(self.how)) != len(self.how):
            raise ValueError(f"how lists a method twice: {list(self.how)}")
        if ("call" in self.how) != (self.tel is not None):
            raise ValueError('`tel` must be given exactly when `how` includes "call"')
        if ("text" in self.how) != (self.sms is not None):
            raise ValueError('`sms` must be given exactly when `how` includes "text"')
        if self.sms_body is not None and self.sms is None:
            raise ValueError("`sms_body` needs an `sms` number")
        if "chat" in self.how and self.url is None:
            raise ValueError('`url` must be given when `how` includes "chat"')
        shown = re.sub(r"[^0-9]", "", self.number)
        if shown not in {self.tel, self.sms}:
            raise ValueError(
                f"number {self.number!r} does not match tel {self.tel!r} or sms {self.sms!r}"
            )
        if self.footer is not None and self.number not in self.footer:
            raise ValueError(f"footer {self.footer!r} must show the number {self.number!r}")
        return self

    def tel_link(self) -> str | None:
        """``tel:<digits>``, or None when the service cannot be called."""
        return None if self.tel is None else f"tel:{self.tel}"

    def sms_link(self) -> str | None:
        """``sms:<digits>`` with ``?body=<word>`` when a body is set; None when not textable."""
        if self.sms is None:
            return None
        if self.sms_body is None:
            return f"sms:{self.sms}"
        return f"sms:{self.sms}?body={quote(self.sms_body, safe='')}"


class CrisisRegion(BaseModel):
    """The services shown for one deployment region, in display order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: ShortText
    resources: tuple[CrisisResource, ...] = Field(min_length=1)
    # The same region for a Spanish-speaking person: Spanish-language routes where they
    # exist (988 press 2, text AYUDA), each with its source and the day it was checked.
    name_es: ShortText
    resources_es: tuple[CrisisResource, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_emergency_and_a_footer(self) -> "CrisisRegion":
        for where, resources in (("", self.resources), ("resources_es ", self.resources_es)):
            emergencies = [r for r in resources if r.emergency]
            if len(emergencies) != 1:
                raise ValueError(
                    f"{where}needs exactly one resource with emergency = true; "
                    f"found {len(emergencies)}"
                )
            if not any(r.footer for r in resources):
                raise ValueError(f"{where}needs at least one resource with a `footer` phrase")
        unsourced = [r.name for r in self.resources_es if not r.source or not r.last_verified]
        if unsourced:
            raise ValueError(
                "every resource of resources_es needs `source` and `last_verified`; missing "
                f"for {', '.join(unsourced)}"
            )
        return self

    @property
    def emergency(self) -> CrisisResource:
        """The emergency-services entry (911, 999, 000, 112)."""
        return next(r for r in self.resources if r.emergency)

    def resources_in(self, language: str) -> tuple[CrisisResource, ...]:
        """The services to show a person reading ``language`` (English otherwise)."""
        return self.resources_es if language == "es" else self.resources

    def emergency_in(self, language: str) -> CrisisResource:
        """The emergency-services entry of ``resources_in(language)``."""
        return next(r for r in self.resources_in(language) if r.emergency)

    def name_in(self, language: str) -> str:
        """The region's name in ``language``."""
        return self.name_es if language == "es" else self.name


class CrisisDirectory(BaseModel):
    """The whole reviewed file: when it was checked, by whom, and every region."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    last_verified: date
    reviewed_by: LongText
    us: CrisisRegion
    uk: CrisisRegion
    ca: CrisisRegion
    au: CrisisRegion
    eu: CrisisRegion

    def regions(self) -> dict[RegionCode, CrisisRegion]:
        """Every region by code, in the order of ``REGION_CODES``."""
        return {code: self.region(code) for code in REGION_CODES}

    def region(self, code: str) -> CrisisRegion:
        """The region for a code (``us``, ``uk``, ``ca``, ``au``, ``eu``)."""
        if code not in REGION_CODES:
            raise ValueError(
                f"{code!r} is not a supported region; use one of {', '.join(REGION_CODES)}"
            )
        region: CrisisRegion = getattr(self, code)
        return region


FOOTER_LEAD = {"en": "In crisis? ", "es": "¿Está en crisis? "}


def footer_line(region: CrisisRegion, language: str = "en") -> str:
    """The plain-text footer, e.g. ``In crisis? Call or text 988 · … · 911 in an emergency``."""
    lead = FOOTER_LEAD.get(language, FOOTER_LEAD["en"])
    return lead + " · ".join(r.footer for r in region.resources_in(language) if r.footer)


def is_stale(directory: CrisisDirectory, today: date, max_age_days: int = 180) -> bool:
    """True when ``last_verified`` is more than ``max_age_days`` before ``today``."""
    if max_age_days < 0:
        raise ValueError(f"max_age_days must be 0 or more; found {max_age_days}")
    return (today - directory.last_verified).days > max_age_days


def load_crisis_resources(path: Path | None = None) -> CrisisDirectory:
    """Read and check a crisis-resources file (default: the bundled one), once per path."""
    return _load_cached(BUNDLED_CRISIS_FILE if path is None else Path(path))


@functools.cache
def _load_cached(path: Path) -> CrisisDirectory:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CrisisDataError(str(path), [": file not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CrisisDataError(str(path), [f": cannot be read as UTF-8 text ({exc})"]) from None
    return parse_crisis_resources(text, source=str(path))


def parse_crisis_resources(text: str, source: str = "<crisis resources>") -> CrisisDirectory:
    """Check crisis-resources TOML text; ``source`` names it in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CrisisDataError(source, [f": not valid TOML: {exc}"]) from None
    problems = _retired_number_lines(text)
    try:
        directory = CrisisDirectory.model_validate(data)
    except ValidationError as exc:
        problems += [_describe(err, data) for err in exc.errors()]
    if problems:
        raise CrisisDataError(source, problems)
    return directory


def _retired_number_lines(text: str) -> list[str]:
    return [
        f" › line {n}: the retired US lifeline number must never be shown; use 988"
        for n, line in enumerate(text.splitlines(), start=1)
        if _RETIRED_NUMBER.search(_SEPARATORS.sub("", line))
    ]


def _describe(err: ErrorDetails, data: dict[str, Any]) -> str:
    loc: tuple[int | str, ...] = tuple(err["loc"])
    place = _place(loc)
    name = _resource_name(loc, data)
    if name:
        place += f" ({name})"
    return f" › {place}: {_problem(err)}"


def _place(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out or "(top level)"


def _resource_name(loc: tuple[int | str, ...], data: dict[str, Any]) -> str | None:
    if len(loc) >= 3 and loc[1] == "resources" and isinstance(loc[2], int):
        try:
            name = data[str(loc[0])]["resources"][loc[2]].get("name")
        except (KeyError, IndexError, TypeError, AttributeError):
            return None
        return name if isinstance(name, str) else None
    return None


def _problem(err: ErrorDetails) -> str:
    kind = err["type"]
    if kind == "missing":
        return "is missing; add it"
    if kind == "extra_forbidden":
        return "is not a known key; remove it or check its spelling"
    if kind in ("value_error", "assertion_error"):
        return str(err["ctx"]["error"])
    found = repr(err.get("input"))
    if len(found) > 60:
        found = found[:57] + "..."
    return f"{err['msg']}; found {found}"
