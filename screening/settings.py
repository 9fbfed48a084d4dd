"""Clinic settings: the deployment's name, contact details, region and logo, and the optional
``[inbox]`` and ``[staff]`` tables (``screening/inbox/config.py``).

Settings come from one small TOML file (see ``settings.example.toml``). The UI decides
*which* file (it reads the ``SCREENING_SETTINGS`` environment variable); this module only
reads the path it is given, so it stays free of the environment.

Every problem is reported as a :class:`SettingsError` (a ``ScreeningError`` and a
``ValueError``) with one line per problem naming the file, the key and how to fix it, e.g.::

    clinic.toml › region: 'fr' is not a supported region; use one of us, uk, ca, au, eu
"""

import re
import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import ErrorDetails

from screening.crisis import DEFAULT_REGION, REGION_CODES, RegionCode
from screening.errors import ScreeningError
from screening.inbox.config import InboxSettings, StaffSettings, section_keys
from screening.text_rules import email_address as _email
from screening.text_rules import one_line as _text

__all__ = [
    "DEFAULT_CLINIC_NAME",
    "SETTINGS_ENV_VAR",
    "ClinicSettings",
    "SettingsError",
    "load_settings",
]

DEFAULT_CLINIC_NAME = "Your clinic"

#: The environment variable the UI reads to find the settings file (documented here only;
#: nothing in ``screening/`` reads the environment).
SETTINGS_ENV_VAR = "SCREENING_SETTINGS"

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_PHONE = re.compile(r"\+?[0-9 ().\-/]+(?:\s*(?:ext\.?|x)\s*[0-9]{1,6})?", re.IGNORECASE)
_EMAIL = re.compile(r"[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[A-Za-z]{2,}")
_PRIVATE_KEY = re.compile(r"AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{20,}", re.IGNORECASE)  # bech32
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC = b"\xff\xd8\xff"
_LOGO_SUFFIXES = {".png": _PNG_MAGIC, ".jpg": _JPEG_MAGIC, ".jpeg": _JPEG_MAGIC}


class SettingsError(ScreeningError, ValueError):
    """The settings file cannot be used; one line per problem: file › key: what and how."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__("\n".join(f"{source}{p}" for p in problems))


def _phone(value: str | None) -> str | None:
    if value is None:
        return None
    if not _PHONE.fullmatch(value) or sum(c.isdigit() for c in value) < 3:
        raise ValueError(
            f"{value!r} does not look like a phone number; use digits, spaces and + ( ) - . / "
            'only, e.g. "+1 555 010 0100"'
        )
    return value


def _website(value: str | None) -> str | None:
    if value is None:
        return None
    match = re.fullmatch(r"https?://([^/\s?#]+)(?:[/?#]\S*)?", value, re.IGNORECASE)
    if not match or "." not in match.group(1):
        raise ValueError(
            f"{value!r} is not a web address; start it with https:// (or http://), "
            'e.g. "https://www.example.org"'
        )
    return value


def _region(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip().lower()
    if value not in REGION_CODES:
        raise ValueError(
            f"{value!r} is not a supported region; use one of {', '.join(REGION_CODES)}"
        )
    return value


def _logo_text(value: Any) -> Any:
    if isinstance(value, Path):
        return value
    text = _text(300, optional=True)(value)
    return None if text is None else Path(text)


ClinicName = Annotated[str, BeforeValidator(_text(100, optional=False))]
Phone = Annotated[str | None, BeforeValidator(lambda v: _phone(_text(40, optional=True)(v)))]
Email = Annotated[str | None, BeforeValidator(lambda v: _email(_text(254, optional=True)(v)))]
Website = Annotated[str | None, BeforeValidator(lambda v: _website(_text(200, optional=True)(v)))]
Address = Annotated[str | None, BeforeValidator(_text(200, optional=True))]
Region = Annotated[RegionCode, BeforeValidator(_region)]
Logo = Annotated[Path | None, BeforeValidator(_logo_text)]


class ClinicSettings(BaseModel):
    """Who runs this deployment and where: shown on pages and in the PDF.

    ``logo`` is checked when the settings are built: it must be an existing PNG or JPEG.
    A relative ``logo`` is taken relative to the settings file; when building
    ``ClinicSettings`` directly (not from a file) give an absolute path.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    clinic_name: ClinicName = DEFAULT_CLINIC_NAME
    phone: Phone = None
    email: Email = None
    website: Website = None
    address: Address = None
    region: Region = DEFAULT_REGION
    logo: Logo = None
    staff_review: bool = False
    inbox: InboxSettings | None = None  # [inbox]: "Send to my clinic" (screening/inbox/)
    staff: StaffSettings = StaffSettings()  # [staff]: who may sign in to the staff page

    @field_validator("logo", mode="after")
    @classmethod
    def _logo_file(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        if value is None:
            return None
        base = info.context.get("base_dir") if isinstance(info.context, dict) else None
        if not value.is_absolute():
            if base is None:
                raise ValueError(
                    f"'{value}' is a relative path; give an absolute path "
                    "(relative paths work only in a settings file)"
                )
            value = Path(base) / value
        magic = _LOGO_SUFFIXES.get(value.suffix.lower())
        if magic is None:
            raise ValueError(f"'{value.name}' is not a .png or .jpg file; use a PNG or JPEG image")
        if not value.is_file():
            raise ValueError(
                f"'{value}' does not exist; put the image next to the settings file "
                "or give its full path"
            )
        with value.open("rb") as handle:
            head = handle.read(len(magic))
        if head != magic:
            raise ValueError(
                f"'{value.name}' is not a {value.suffix.lower()[1:].upper()} image inside; "
                "save it again as PNG or JPEG"
            )
        return value


def load_settings(path: Path | None) -> ClinicSettings:
    """Read clinic settings from a TOML file; ``None`` gives the defaults."""
    if path is None:
        return ClinicSettings()
    path = Path(path)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SettingsError(
            source,
            [
                ": file not found; check the path "
                f"(for the app, the {SETTINGS_ENV_VAR} environment variable)"
            ],
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(source, [f": cannot be read as UTF-8 text ({exc})"]) from None
    if _PRIVATE_KEY.search(text):
        raise SettingsError(
            source,
            [
                ": holds a private key (AGE-SECRET-KEY-…); remove it now. The patient app "
                "reads this file: the private key belongs only to the staff app (see "
                "docs/security.md). If this file was shared, make a new key and rotate."
            ],
        )
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(
            source, [f": not valid TOML: {exc}; check that text values are in quotes"]
        ) from None
    try:
        return ClinicSettings.model_validate(data, context={"base_dir": path.parent})
    except ValidationError as exc:
        raise SettingsError(source, [_describe(err) for err in exc.errors()]) from None


def _describe(err: ErrorDetails) -> str:
    key = ".".join(str(part) for part in err["loc"]) or "(top level)"
    kind = err["type"]
    if kind == "extra_forbidden":
        known = ", ".join(section_keys(err["loc"][:-1]) or ClinicSettings.model_fields)
        problem = f"is not a known setting; remove it or check the spelling (known: {known})"
    elif kind in ("value_error", "assertion_error"):
        problem = str(err["ctx"]["error"])
    else:
        problem = f"{err['msg']}; found {err.get('input')!r}"
    return f" › {key}: {problem}"
