"""Submission ids and the short references people quote.

The id is 128 random bits from ``secrets`` (32 hex digits): what the database keys on and
the audit log names. The reference, such as ``K7QM-4XPD``, is derived from the id's first
bits: eight characters from an alphabet without the look-alikes 0/O, 1/I/L, and U/V, so it
can be read out over the phone. About 39 bits: references are unique in the database, and
the rare clash with an earlier one gets a new id (``Store.insert``).
"""

from __future__ import annotations

import re
import secrets

__all__ = ["ALPHABET", "new_submission_id", "normalize_reference", "reference_of"]

ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"  # 29 symbols: no 0 O 1 I L U V
LENGTH = 8
ID_BYTES = 16
_ID = re.compile(r"^[0-9a-f]{32}$")
_SEPARATORS = re.compile(r"[\s\-_.]")
_VALID = re.compile(f"^[{ALPHABET}]{{{LENGTH}}}$")


def new_submission_id() -> str:
    """A new random id: 128 bits as 32 lowercase hex digits."""
    return secrets.token_hex(ID_BYTES)


def reference_of(submission_id: str) -> str:
    """The reference of an id: ``XXXX-XXXX`` from its first 64 bits."""
    if not _ID.match(submission_id):
        raise ValueError("a submission id is 32 lowercase hex digits")
    number = int(submission_id[:16], 16)
    chars = []
    for _ in range(LENGTH):
        number, digit = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[digit])
    text = "".join(chars)
    return f"{text[:4]}-{text[4:]}"


def normalize_reference(text: str) -> str | None:
    """A reference as typed (any case, spaces or dashes anywhere) in ``XXXX-XXXX`` form, or
    None when it cannot be one."""
    compact = _SEPARATORS.sub("", text).upper()
    if not _VALID.match(compact):
        return None
    return f"{compact[:4]}-{compact[4:]}"
