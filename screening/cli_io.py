"""Input and output of the command line: reading a file (or stdin) as a record, writing
bytes (or stdout), clinic settings and times given as options. Errors are ``RecordError``
with a message that starts with the file name; ``screening.cli`` prints them as one line.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from screening.errors import ErrorCode as E
from screening.errors import RecordError, ScreeningError

if TYPE_CHECKING:
    from screening.record import LoadedRecord
    from screening.settings import ClinicSettings

EXIT_OK, EXIT_BAD = 0, 2


def read_input(path: str, limit: int) -> bytes:
    """Bytes of a file (``-`` for stdin), refusing folders and files over ``limit``."""
    if path == "-":
        return sys.stdin.buffer.read(limit + 1)
    p = Path(path)
    if p.is_dir():
        raise RecordError(E.RECORD_IS_FOLDER, name=path)
    try:
        size = p.stat().st_size
        if size > limit:
            raise RecordError(E.RECORD_TOO_LARGE, name=path, size=size, limit=limit)
        return p.read_bytes()
    except FileNotFoundError:
        raise RecordError(E.RECORD_NOT_FOUND, name=path) from None
    except PermissionError:
        raise RecordError(E.RECORD_UNREADABLE, name=path, why="permission denied") from None
    except OSError as exc:
        raise RecordError(E.RECORD_UNREADABLE, name=path, why=exc.strerror) from None


def load(path: str) -> LoadedRecord:
    """The record in a file (``-`` for stdin): a record file or a FHIR QuestionnaireResponse,
    by content; recomputed."""
    from screening.exports.reading import read_answers_file
    from screening.record import MAX_RECORD_BYTES

    data = read_input(path, MAX_RECORD_BYTES)
    return read_answers_file(data, "<stdin>" if path == "-" else path)


def write(target: str | Path, data: bytes) -> int:
    """Write bytes to a file (``-`` for stdout); a failure is one line on stderr."""
    if str(target) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return EXIT_OK
    try:
        Path(target).write_bytes(data)
    except OSError as exc:
        print(f"{target}: cannot be written ({exc.strerror or exc})", file=sys.stderr)
        return EXIT_BAD
    return EXIT_OK


def clinic_settings(path: str | None) -> ClinicSettings | None:
    """Clinic settings from --settings, else from SCREENING_SETTINGS, else None."""
    from screening.settings import SETTINGS_ENV_VAR, load_settings

    chosen = path or os.environ.get(SETTINGS_ENV_VAR, "").strip()
    return load_settings(Path(chosen)) if chosen else None


def moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 time such as 2026-11-27T09:30:00Z"
        ) from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no timezone; add Z or +01:00")
    return moment


def each_record(paths: Sequence[str]) -> Iterator[LoadedRecord | None]:
    """Each file's record, or None after printing why it could not be read."""
    for path in paths:
        try:
            yield load(path)
        except ScreeningError as exc:
            print(str(exc), file=sys.stderr)
            yield None
