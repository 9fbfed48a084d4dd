"""Sealing records for the clinic: age encryption to X25519 public keys, through pyrage.

    identity = generate_identity()                 # a new private key (staff side only)
    sealed = seal(record_bytes, [Recipient.parse(identity.public_key)])
    open_sealed(sealed, [identity]) == record_bytes

The format is age v1 (https://age-encryption.org/v1) with X25519 recipients, so a clinic
can also open a sealed record with the reference tool: ``age -d -i clinic.key file.age``.

Binary, not armored: the sealed bytes go into a binary database column, where the armor's
base64 and header lines would only add about a third to every row. Armor exists for text
channels (e-mail, copy and paste); ``age -d`` reads both forms, so nothing is lost.

A private key never appears in a message, a ``repr`` or an error: messages name the file
and the line, never the line's text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyrage
from pyrage import x25519

from screening.inbox.errors import InboxKeyError, SealedDamaged, WrongKey
from screening.inbox.names import IDENTITY_ENV_VAR, IDENTITY_FILE_ENV_VAR
from screening.record import MAX_RECORD_BYTES

__all__ = [
    "MAX_SEALED_BYTES",
    "Identity",
    "Recipient",
    "generate_identity",
    "identities_from",
    "identity_file_text",
    "open_sealed",
    "parse_identities",
    "read_identity_file",
    "seal",
]

PUBLIC_PREFIX = "age1"
SECRET_PREFIX = "AGE-SECRET-KEY-1"  # noqa: S105 (how a private key starts, not a key)
#: A sealed record is the record (at most MAX_RECORD_BYTES) plus age's header and tags.
MAX_SEALED_BYTES = MAX_RECORD_BYTES + 64 * 1024
MAX_IDENTITY_FILE_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Recipient:
    """A clinic public key (``age1…``): what the patient-facing app seals to."""

    public_key: str
    _key: Any = field(repr=False, compare=False)

    @classmethod
    def parse(cls, text: str) -> Recipient:
        """A recipient from its ``age1…`` text; InboxKeyError says what is wrong."""
        value = text.strip()
        if value.startswith(SECRET_PREFIX):
            raise InboxKeyError(
                "This is a private key (AGE-SECRET-KEY-1…), not a public key. Never give "
                "the private key to the patient app; use the public key (age1…) printed by "
                "`python -m screening inbox keygen`."
            )
        if not value.startswith(PUBLIC_PREFIX):
            raise InboxKeyError(
                "A public key starts with age1 (printed by `python -m screening inbox keygen`)."
            )
        try:
            key = x25519.Recipient.from_str(value)
        except pyrage.RecipientError:
            raise InboxKeyError(
                "This is not a valid age public key: check that it was copied whole "
                "(62 characters, starting with age1)."
            ) from None
        return cls(value, key)


@dataclass(frozen=True, slots=True)
class Identity:
    """A clinic private key (``AGE-SECRET-KEY-1…``). Its ``repr`` shows only the public key."""

    public_key: str
    _key: Any = field(repr=False, compare=False)

    def secret(self) -> str:
        """The private key's text, to write into an identity file (and nowhere else)."""
        return str(self._key)

    @property
    def recipient(self) -> Recipient:
        """The public key that seals for this identity."""
        return Recipient.parse(self.public_key)


def generate_identity() -> Identity:
    """A new random X25519 identity."""
    key = x25519.Identity.generate()
    return Identity(str(key.to_public()), key)


def identity_file_text(identity: Identity, created: datetime) -> str:
    """An identity file as ``age-keygen`` writes it: two comment lines, then the key."""
    stamp = created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"# created: {stamp}\n# public key: {identity.public_key}\n{identity.secret()}\n"


def parse_identities(text: str, source: str) -> tuple[Identity, ...]:
    """Every private key in an identity file's text (``#`` comments and blank lines skipped).

    ``source`` names where the text came from (a file, an environment variable), for the
    messages; they never quote a line, which could be a key.
    """
    found: list[Identity] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(PUBLIC_PREFIX):
            raise InboxKeyError(
                f"{source}: line {number} is a public key (age1…); the staff app needs the "
                "private key, the AGE-SECRET-KEY-1… line of the file keygen wrote."
            )
        try:
            key = x25519.Identity.from_str(line)
        except pyrage.IdentityError:
            raise InboxKeyError(
                f"{source}: line {number} is not an age private key (a line starting "
                "AGE-SECRET-KEY-1); check that the file is the one keygen wrote."
            ) from None
        found.append(Identity(str(key.to_public()), key))
    if not found:
        raise InboxKeyError(
            f"{source}: holds no private key (a line starting AGE-SECRET-KEY-1); give the "
            "file `python -m screening inbox keygen` wrote."
        )
    return tuple(found)


def read_identity_file(path: Path) -> tuple[Identity, ...]:
    """The private keys in an identity file; InboxKeyError names the file and what is wrong."""
    try:
        size = path.stat().st_size
        if size > MAX_IDENTITY_FILE_BYTES:
            raise InboxKeyError(
                f"{path}: is {size:,} bytes, too large for an identity file; give the file "
                "keygen wrote."
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InboxKeyError(f"{path}: no such file; check the identity file's path.") from None
    except IsADirectoryError:
        raise InboxKeyError(f"{path}: is a folder; give the identity file inside it.") from None
    except PermissionError:
        raise InboxKeyError(
            f"{path}: permission denied; the staff app's user must be able to read it."
        ) from None
    except (OSError, UnicodeDecodeError):
        raise InboxKeyError(
            f"{path}: cannot be read as text; give the identity file keygen wrote."
        ) from None
    return parse_identities(text, str(path))


def identities_from(
    environ: Mapping[str, str], identity_file: Path | None = None
) -> tuple[Identity, ...]:
    """The staff process's private keys: ``identity_file`` if given, else the file named by
    SCREENING_INBOX_IDENTITY_FILE, else the key text in SCREENING_INBOX_IDENTITY.

    ``environ`` is passed in by the door (``os.environ``): the core reads no environment.
    """
    if identity_file is not None:
        return read_identity_file(identity_file)
    named = environ.get(IDENTITY_FILE_ENV_VAR, "").strip()
    if named:
        return read_identity_file(Path(named))
    text = environ.get(IDENTITY_ENV_VAR, "")
    if text.strip():
        return parse_identities(text, f"the {IDENTITY_ENV_VAR} environment variable")
    raise InboxKeyError(
        "No private key was given, so the inbox cannot be opened.",
        f"give the identity file with {IDENTITY_FILE_ENV_VAR} (or --identity on the command "
        f"line), or the key itself in {IDENTITY_ENV_VAR}",
    )


def seal(record_bytes: bytes, recipients: Sequence[Recipient]) -> bytes:
    """The bytes encrypted to every recipient (binary age v1); any one identity opens them."""
    if not recipients:
        raise InboxKeyError("No public key is set, so nothing can be sealed; add one.")
    return bytes(pyrage.encrypt(record_bytes, [r._key for r in recipients]))


def open_sealed(ciphertext: bytes, identities: Sequence[Identity]) -> bytes:
    """The plaintext of sealed bytes.

    Raises WrongKey when none of ``identities`` is a recipient, SealedDamaged when the bytes
    are not a whole, unaltered age file (cut off, changed, too large or not age at all).
    """
    if not identities:
        raise InboxKeyError("No private key was given, so nothing can be opened.")
    if len(ciphertext) > MAX_SEALED_BYTES:
        raise SealedDamaged(f"is {len(ciphertext):,} bytes, larger than any sealed record")
    try:
        return bytes(pyrage.decrypt(ciphertext, [i._key for i in identities]))
    except pyrage.DecryptError as exc:
        if "no matching keys" in str(exc).lower():
            raise WrongKey("was sealed for another key") from None
        raise SealedDamaged("is damaged (cut off or altered)") from None
