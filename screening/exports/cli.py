"""The export commands of ``python -m screening``: pdf, csv and fhir.

    python -m screening pdf FILE -o OUT.pdf [--clinic-name NAME] [--region uk] [--settings F]
    python -m screening csv FILE... [-o OUT.csv]
    python -m screening fhir FILE

Same contract as ``score``: a bad file is one line on stderr that starts with its name,
exit 2, never a traceback; the other files still go through.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from screening.errors import ScreeningError

EXIT_OK, EXIT_BAD = 0, 2


def _load(path: str) -> Any:
    from screening.cli import read_input
    from screening.record import MAX_RECORD_BYTES, read_record

    name = "<stdin>" if path == "-" else path
    return read_record(read_input(path, MAX_RECORD_BYTES), name)


def _write(target: str, data: bytes) -> int:
    """Write bytes to a file (``-`` for stdout); a failure is one line on stderr."""
    if target == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return EXIT_OK
    try:
        Path(target).write_bytes(data)
    except OSError as exc:
        print(f"{target}: cannot write ({exc.strerror or exc})", file=sys.stderr)
        return EXIT_BAD
    return EXIT_OK


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 time such as 2026-11-27T09:30:00Z"
        ) from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no timezone; add Z or +01:00")
    return moment


def cmd_pdf(args: argparse.Namespace) -> int:
    """Write one record's summary PDF."""
    from screening.exports.pdf import summary_pdf

    settings = None
    if args.settings:
        from screening.settings import SettingsError, load_settings

        try:
            settings = load_settings(Path(args.settings))
        except SettingsError as exc:
            print(str(exc).splitlines()[0], file=sys.stderr)
            return EXIT_BAD
    try:
        record = _load(args.file)
    except ScreeningError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BAD
    data = summary_pdf(
        record,
        generated_at=args.generated_at or datetime.now(UTC),
        clinic_name=args.clinic_name,
        settings=settings,
        region=args.region,
    )
    return _write(args.output, data)


def cmd_csv(args: argparse.Namespace) -> int:
    """Write one CSV row per record file."""
    from screening.exports.csv import records_to_csv

    status = EXIT_OK
    records = []
    for path in args.files:
        try:
            records.append(_load(path))
        except ScreeningError as exc:
            print(str(exc), file=sys.stderr)
            status = EXIT_BAD
    written = _write(args.output, records_to_csv(records))
    return max(status, written)


def cmd_fhir(args: argparse.Namespace) -> int:
    """Print one record as a FHIR QuestionnaireResponse."""
    from screening.exports.fhir import questionnaire_response

    try:
        record = _load(args.file)
    except ScreeningError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BAD
    sys.stdout.write(json.dumps(questionnaire_response(record), ensure_ascii=False, indent=2))
    sys.stdout.write("\n")
    return EXIT_OK


def add_parsers(sub: Any) -> None:
    """Register pdf, csv and fhir on the ``python -m screening`` sub-parsers."""
    from screening.crisis import REGION_CODES

    p = sub.add_parser(
        "pdf",
        help="write a record's summary PDF",
        description="Write the clinician-ready summary of one record as a PDF. "
        "Informational, not a diagnosis.",
    )
    p.add_argument("file", metavar="FILE", help="record file (JSON); - for stdin")
    p.add_argument("-o", "--output", required=True, metavar="OUT.pdf", help="- for stdout")
    p.add_argument("--clinic-name", help="clinic name in the header (default: from --settings)")
    p.add_argument(
        "--region", choices=REGION_CODES, help="crisis lines and paper size (default: us)"
    )
    p.add_argument("--settings", metavar="SETTINGS.toml", help="clinic settings file")
    p.add_argument(
        "--generated-at",
        type=_moment,
        metavar="TIME",
        help="generation time to print, ISO 8601 with a timezone (default: now)",
    )
    p.set_defaults(handler=cmd_pdf)

    p = sub.add_parser(
        "csv",
        help="write records as CSV, one row each (Excel-safe)",
        description="Write one CSV row per record (columns: docs/csv-columns.md). Files that "
        "are not valid records are reported on stderr and left out (exit 2).",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="record file(s) (JSON); - for stdin")
    p.add_argument("-o", "--output", default="-", metavar="OUT.csv", help="default: stdout")
    p.set_defaults(handler=cmd_csv)

    p = sub.add_parser(
        "fhir",
        help="print a record as a FHIR R4 QuestionnaireResponse (JSON)",
        description="Print one record as a FHIR R4 QuestionnaireResponse on stdout.",
    )
    p.add_argument("file", metavar="FILE", help="record file (JSON); - for stdin")
    p.set_defaults(handler=cmd_fhir)
