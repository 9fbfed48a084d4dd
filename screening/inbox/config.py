"""The ``[inbox]``, ``[inbox.notify]`` and ``[staff]`` tables of the clinic settings file.

    [inbox]
    database_url = "sqlite:///inbox.sqlite3"     # relative: to the settings file's folder
    recipients = ["age1…"]                       # the clinic's public key(s)
    retention_days = 30

    [inbox.notify]                               # optional crisis e-mail
    host = "smtp.example.org"
    from = "screening@example.org"
    to = ["intake-lead@example.org"]
    username = "screening"
    password_env = "SCREENING_SMTP_PASSWORD"     # the variable's NAME, never the password

    [staff]                                      # who may sign in to the staff page
    allowed_emails = ["lead@example.org"]
    allowed_groups = ["intake"]
    group_claim = "groups"

The settings file is read by the patient-facing app too, so it never holds a secret: no
private key (that is given to the staff process only, see ``IDENTITY_FILE_ENV_VAR``), no
SMTP password (only the name of the environment variable that holds it) and no database
password (libpq reads ``PGPASSWORD`` or a ``.pgpass`` file). Each is refused with a message
that says where it goes instead.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from screening.inbox.names import IDENTITY_ENV_VAR, IDENTITY_FILE_ENV_VAR
from screening.text_rules import email_address, one_line

__all__ = [
    "DEFAULT_DATABASE_URL",
    "DEFAULT_RETENTION_DAYS",
    "IDENTITY_ENV_VAR",
    "IDENTITY_FILE_ENV_VAR",
    "InboxSettings",
    "NotifySettings",
    "StaffSettings",
    "section_keys",
]

DEFAULT_DATABASE_URL = "sqlite:///inbox.sqlite3"
DEFAULT_RETENTION_DAYS = 30
#: Where the staff process finds the private key (read by the doors, never by the core):
#: a file as ``python -m screening inbox keygen`` writes it, or the key's text itself.
MAX_RECIPIENTS = 10
MAX_RETENTION_DAYS = 3650

_SECRET_KEYS = ("identity", "identities", "identity_file", "private_key", "secret_key", "key")
_PRIVATE_KEY_HOME = (
    "the private key never goes in the settings file, which the patient app reads too; "
    f"give it only to the staff app, in a file named by {IDENTITY_FILE_ENV_VAR}"
)
_HOST = re.compile(r"[A-Za-z0-9.\-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\]")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
_NAME = re.compile(r"[^\x00-\x1f\x7f]{1,200}")


def _email(value: Any) -> Any:
    """One e-mail address, checked as the clinic's own ``email`` setting is."""
    text = one_line(254, optional=True)(value)
    if text is None:
        raise ValueError("must be an e-mail address such as name@example.org; found nothing")
    return email_address(text)


def _emails(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _one_line(value: Any) -> Any:
    if not isinstance(value, str) or not _NAME.fullmatch(value.strip()):
        raise ValueError(
            f"must be one line of text in quotes, up to 200 characters; found {value!r}"
        )
    return value.strip()


EmailAddress = Annotated[str, BeforeValidator(_email)]
OneLine = Annotated[str, BeforeValidator(_one_line)]


class NotifySettings(BaseModel):
    """An SMTP server to announce a crisis submission to staff (no answers, ever)."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_by_name=True)

    host: str
    port: int = Field(587, ge=1, le=65535)
    from_address: EmailAddress = Field(alias="from")
    to: Annotated[tuple[EmailAddress, ...], BeforeValidator(_emails)] = Field(
        min_length=1, max_length=10
    )
    starttls: bool = True
    username: OneLine | None = None
    password_env: str | None = None
    timeout_seconds: float = Field(10.0, gt=0, le=60)

    @model_validator(mode="before")
    @classmethod
    def _no_password(cls, data: Any) -> Any:
        if isinstance(data, dict) and "password" in data:
            raise ValueError(
                "password: never put the password in this file; put it in an environment "
                "variable of the app and name that variable here, e.g. password_env = "
                '"SCREENING_SMTP_PASSWORD"'
            )
        return data

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        if not _HOST.fullmatch(value.strip()):
            raise ValueError(
                f"{value!r} is not a host name; give the mail server's name, e.g. "
                '"smtp.example.org"'
            )
        return value.strip()

    @field_validator("password_env")
    @classmethod
    def _env_name(cls, value: str | None) -> str | None:
        if value is not None and not _ENV_NAME.fullmatch(value):
            raise ValueError(
                f"{value!r} is not an environment variable name; use letters, digits and _, "
                'e.g. "SCREENING_SMTP_PASSWORD" (the name, never the password)'
            )
        return value

    @model_validator(mode="after")
    def _login_pair(self) -> NotifySettings:
        if (self.username is None) != (self.password_env is None):
            raise ValueError(
                "username and password_env go together: give both to sign in to the mail "
                "server, or neither for a server that needs no sign-in"
            )
        return self


class InboxSettings(BaseModel):
    """Where submissions are stored and the public keys they are sealed to."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    database_url: str = Field(DEFAULT_DATABASE_URL, validate_default=True)
    recipients: tuple[str, ...] = Field(min_length=1, max_length=MAX_RECIPIENTS)
    retention_days: int = DEFAULT_RETENTION_DAYS
    notify: NotifySettings | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_secrets(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key in _SECRET_KEYS:
                if key in data:
                    raise ValueError(f"{key}: {_PRIVATE_KEY_HOME}")
            if "recipients" not in data:
                raise ValueError(
                    "recipients is missing: list the clinic's public key(s), e.g. "
                    'recipients = ["age1…"] (`python -m screening inbox keygen` makes one)'
                )
        return data

    @field_validator("recipients", mode="before")
    @classmethod
    def _recipients(cls, value: Any) -> Any:
        from screening.inbox.errors import InboxKeyError
        from screening.inbox.sealing import Recipient

        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list | tuple):
            raise ValueError('must be a list of public keys in quotes, e.g. ["age1…"]')
        keys: list[str] = []
        for number, item in enumerate(values, 1):
            if not isinstance(item, str):
                raise ValueError(f"key {number} must be text in quotes")
            if "AGE-SECRET-KEY-" in item.upper():
                raise ValueError(f"key {number} is a private key: {_PRIVATE_KEY_HOME}")
            try:
                keys.append(Recipient.parse(item).public_key)
            except InboxKeyError as exc:
                raise ValueError(f"key {number}: {exc}") from None
        if len(set(keys)) != len(keys):
            raise ValueError("lists the same public key twice; keep one")
        return tuple(keys)

    @field_validator("retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        if not 1 <= value <= MAX_RETENTION_DAYS:
            raise ValueError(
                f"is {value}; keep submissions between 1 and {MAX_RETENTION_DAYS:,} days "
                f"(default {DEFAULT_RETENTION_DAYS})"
            )
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str, info: ValidationInfo) -> str:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            url = make_url(value.strip())
        except ArgumentError:
            raise ValueError(
                f"{value!r} is not a database address; use sqlite:///inbox.sqlite3 (a file) "
                "or postgresql+psycopg://user@host/dbname"
            ) from None
        if url.get_backend_name() == "sqlite":
            if not url.database or url.database == ":memory:":
                raise ValueError(
                    "needs a file, e.g. sqlite:///inbox.sqlite3; a database in memory would "
                    "lose every submission when the app stops"
                )
            path = Path(url.database)
            base = info.context.get("base_dir") if isinstance(info.context, dict) else None
            if not path.is_absolute() and base is not None:
                path = Path(base) / path
            return f"sqlite:///{os.path.abspath(path)}"
        if url.drivername not in ("postgresql", "postgresql+psycopg"):
            raise ValueError(
                f"{url.drivername!r} is not a database this app uses; use sqlite:///… or "
                "postgresql+psycopg://…"
            )
        if url.password is not None:
            raise ValueError(
                "holds a password; remove it and give it to the app with the PGPASSWORD "
                "environment variable or a .pgpass file (this file is read by the patient app)"
            )
        return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)

    @property
    def database_path(self) -> Path | None:
        """The SQLite file, or None for PostgreSQL."""
        prefix = "sqlite:///"
        return (
            Path(self.database_url[len(prefix) :]) if self.database_url.startswith(prefix) else None
        )


class StaffSettings(BaseModel):
    """Who may use the staff page once signed in (OIDC): nobody unless listed here."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    allowed_emails: Annotated[tuple[EmailAddress, ...], BeforeValidator(_emails)] = ()
    allowed_groups: tuple[OneLine, ...] = ()
    group_claim: OneLine = "groups"

    def allows(self, claims: Mapping[str, object]) -> bool:
        """Whether a signed-in user's claims name an allowed e-mail address or group.

        An address counts only when the provider has not said it is unverified
        (``email_verified`` false); a group claim may be a list or one text.
        """
        email = claims.get("email")
        if (
            isinstance(email, str)
            and claims.get("email_verified") is not False
            and email.strip().lower() in {e.lower() for e in self.allowed_emails}
        ):
            return True
        groups = claims.get(self.group_claim)
        names = [groups] if isinstance(groups, str) else groups
        if isinstance(names, list | tuple):
            return any(isinstance(g, str) and g in self.allowed_groups for g in names)
        return False


_SECTIONS: dict[tuple[str, ...], type[BaseModel]] = {
    ("inbox",): InboxSettings,
    ("inbox", "notify"): NotifySettings,
    ("staff",): StaffSettings,
}


def section_keys(path: tuple[str | int, ...]) -> list[str] | None:
    """The keys a table of the settings file takes (``("inbox",)`` …), or None when the
    path is not one of these tables."""
    model = _SECTIONS.get(tuple(str(part) for part in path))
    if model is None:
        return None
    return [field.alias or name for name, field in model.model_fields.items()]
