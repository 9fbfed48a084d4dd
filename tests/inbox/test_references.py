"""Submission ids (random, 128 bits) and the references people quote (K7QM-4XPD)."""

from __future__ import annotations

import re

import pytest

from screening.inbox.references import (
    ALPHABET,
    new_submission_id,
    normalize_reference,
    reference_of,
)


def test_ids_are_128_random_bits() -> None:
    """An id is 32 hex digits, and 1,000 of them are all different."""
    ids = {new_submission_id() for _ in range(1000)}
    assert len(ids) == 1000 and all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)


def test_reference_shape() -> None:
    """A reference is two groups of four characters from the unambiguous alphabet."""
    for _ in range(200):
        ref = reference_of(new_submission_id())
        assert re.fullmatch(f"[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}", ref), ref


def test_alphabet_has_no_look_alikes() -> None:
    """0/O, 1/I/L and U/V never appear in a reference."""
    assert set(ALPHABET) & set("0O1ILUV") == set()


def test_reference_is_derived_from_the_id() -> None:
    """The same id always gives the same reference."""
    sid = new_submission_id()
    assert reference_of(sid) == reference_of(sid)


@pytest.mark.parametrize("typed", ["k7qm-4xpd", "K7QM4XPD", " k7qm 4xpd ", "K7QM_4XPD"])
def test_normalize_what_people_type(typed: str) -> None:
    """Case, spaces and separators do not matter when a reference is typed."""
    assert normalize_reference(typed) == "K7QM-4XPD"


@pytest.mark.parametrize("typed", ["", "K7QM-4XP", "K7QM-4XPDD", "K0QM-4XPD", "KIQM-4XPD"])
def test_normalize_refuses_non_references(typed: str) -> None:
    """Wrong length or a character outside the alphabet is not a reference."""
    assert normalize_reference(typed) is None


def test_reference_of_refuses_other_text() -> None:
    """reference_of takes ids only."""
    with pytest.raises(ValueError):
        reference_of("not an id")
