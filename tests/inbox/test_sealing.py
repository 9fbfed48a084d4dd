"""Sealing: age v1 with X25519 recipients, readable by the reference ``age`` tool."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pyrage
import pytest

from screening.inbox.config import IDENTITY_ENV_VAR, IDENTITY_FILE_ENV_VAR
from screening.inbox.errors import InboxKeyError, SealedDamaged, WrongKey
from screening.inbox.sealing import (
    Recipient,
    generate_identity,
    identities_from,
    identity_file_text,
    open_sealed,
    parse_identities,
    read_identity_file,
    seal,
)
from tests.inbox.conftest import NOW, SENTINEL, record_bytes, skip_or_fail


def age_tool() -> str:
    """The reference age binary (Debian's package ``age``), or skip/fail saying why."""
    found = shutil.which("age")
    if found is None:
        skip_or_fail("the reference age tool is not installed (apt-get install age)")
    return str(found)


def test_round_trip() -> None:
    """What is sealed opens to the same bytes with the matching private key."""
    key = generate_identity()
    data = record_bytes()
    assert open_sealed(seal(data, [key.recipient]), [key]) == data


def test_sealed_bytes_hold_no_plain_text() -> None:
    """The sealed bytes contain neither the sentinel nor any answer's text."""
    key = generate_identity()
    sealed = seal(record_bytes(), [key.recipient])
    assert SENTINEL.encode() not in sealed and b"phq9_9" not in sealed


def test_binary_age_format() -> None:
    """The output is binary age v1 with one X25519 stanza per recipient (not armored)."""
    keys = [generate_identity(), generate_identity()]
    sealed = seal(b"x", [k.recipient for k in keys])
    header = sealed.split(b"\n---", 1)[0]
    assert sealed.startswith(b"age-encryption.org/v1\n")
    assert header.count(b"-> X25519 ") == 2


def test_any_recipient_opens() -> None:
    """Sealed to two public keys (a key rotation), either private key opens it."""
    old, new = generate_identity(), generate_identity()
    sealed = seal(b"record", [old.recipient, new.recipient])
    assert (open_sealed(sealed, [old]), open_sealed(sealed, [new])) == (b"record", b"record")


def test_reference_age_tool_opens_what_we_seal(tmp_path: Path) -> None:
    """`age -d -i clinic.key` (the reference tool) opens a record sealed by us."""
    tool = age_tool()
    key = generate_identity()
    key_file = tmp_path / "clinic.key"
    key_file.write_text(identity_file_text(key, NOW))
    sealed = tmp_path / "K7QM-4XPD.age"
    sealed.write_bytes(seal(record_bytes(), [key.recipient]))
    done = subprocess.run(
        [tool, "-d", "-i", str(key_file), str(sealed)], capture_output=True, timeout=30
    )
    assert (done.returncode, done.stdout) == (0, record_bytes())


def test_we_open_what_the_reference_tool_seals(tmp_path: Path) -> None:
    """A file sealed with `age -r age1…` opens with open_sealed (an independent writer)."""
    tool = age_tool()
    key = generate_identity()
    done = subprocess.run(
        [tool, "-r", key.public_key], input=b"from the age tool", capture_output=True, timeout=30
    )
    assert open_sealed(done.stdout, [key]) == b"from the age tool"


def test_pyrage_decrypt_opens_what_we_seal() -> None:
    """pyrage's own decrypt, called directly, opens what seal() writes."""
    key = generate_identity()
    private = pyrage.x25519.Identity.from_str(key.secret())
    assert pyrage.decrypt(seal(b"direct", [key.recipient]), [private]) == b"direct"


def test_wrong_key() -> None:
    """A private key that is not a recipient gives WrongKey."""
    sealed = seal(b"x", [generate_identity().recipient])
    with pytest.raises(WrongKey):
        open_sealed(sealed, [generate_identity()])


@pytest.mark.parametrize("cut", [0, 10, 100, -1])
def test_truncated_is_damaged(cut: int) -> None:
    """Sealed bytes cut short (even by one byte) give SealedDamaged."""
    key = generate_identity()
    sealed = seal(record_bytes(), [key.recipient])
    with pytest.raises(SealedDamaged):
        open_sealed(sealed[:cut], [key])


def test_altered_is_damaged() -> None:
    """One flipped bit in the payload gives SealedDamaged (age authenticates it)."""
    key = generate_identity()
    sealed = bytearray(seal(record_bytes(), [key.recipient]))
    sealed[-20] ^= 1
    with pytest.raises(SealedDamaged):
        open_sealed(bytes(sealed), [key])


def test_identity_repr_hides_the_secret() -> None:
    """repr() and str() of an Identity show the public key only."""
    key = generate_identity()
    assert key.secret() not in repr(key) and key.secret() not in str(key)
    assert key.public_key in repr(key)


def test_identity_file_matches_age_keygen_layout() -> None:
    """The identity file has age-keygen's comments and reads back to the same key."""
    key = generate_identity()
    text = identity_file_text(key, NOW)
    assert text.splitlines()[:2] == [
        "# created: 2026-11-27T09:30:00Z",
        f"# public key: {key.public_key}",
    ]
    assert [k.public_key for k in parse_identities(text, "clinic.key")] == [key.public_key]


def test_public_key_in_identity_file_is_explained() -> None:
    """A public key where the private key belongs gets a message saying so."""
    with pytest.raises(InboxKeyError, match="line 1 is a public key"):
        parse_identities(generate_identity().public_key, "clinic.key")


def test_bad_identity_line_is_not_quoted() -> None:
    """A broken key line is named by number and never quoted (it could be a key)."""
    broken = "AGE-SECRET-KEY-1" + "Q" * 58
    with pytest.raises(InboxKeyError) as caught:
        parse_identities(f"# comment\n{broken}\n", "clinic.key")
    assert "line 2" in str(caught.value) and broken not in str(caught.value)


def test_empty_identity_file() -> None:
    """A file with comments only says it holds no private key."""
    with pytest.raises(InboxKeyError, match="holds no private key"):
        parse_identities("# nothing here\n", "clinic.key")


def test_missing_identity_file(tmp_path: Path) -> None:
    """A missing identity file is named in the message."""
    with pytest.raises(InboxKeyError, match="no such file"):
        read_identity_file(tmp_path / "none.key")


def test_recipient_refuses_a_private_key() -> None:
    """Recipient.parse of a private key refuses and says to use the public key."""
    with pytest.raises(InboxKeyError, match="private key"):
        Recipient.parse(generate_identity().secret())


def test_identities_from_the_environment(tmp_path: Path) -> None:
    """The key comes from the file variable first, then the key variable, else an error."""
    a, b = generate_identity(), generate_identity()
    path = tmp_path / "a.key"
    path.write_text(identity_file_text(a, NOW))
    both = {IDENTITY_FILE_ENV_VAR: str(path), IDENTITY_ENV_VAR: b.secret()}
    assert identities_from(both)[0].public_key == a.public_key
    assert identities_from({IDENTITY_ENV_VAR: b.secret()})[0].public_key == b.public_key
    with pytest.raises(InboxKeyError, match="No private key"):
        identities_from({})
