"""The staff page's doors onto screening.exports: the CSV writer and the PDF renderer.

Each returns None when its export module is not available, so the page says so
instead of failing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from screening.review import Entry


def csv_writer() -> Callable[[Sequence[Entry]], bytes] | None:
    """Bytes of one CSV holding the given records, or None."""
    return None


def pdf_renderer() -> Callable[[Entry], bytes] | None:
    """Bytes of one record's summary PDF, or None."""
    return None
