"""The command line, ``python -m screening``: a thin shell over the core.

    score FILE...                 each record's recomputed result, one JSON line per file
    pdf FILE -o OUT.pdf           the summary PDF of one record
    csv FILE... [-o OUT.csv] [--format app|redcap]   one CSV row per record
    fhir FILE                     a record as a FHIR R4 QuestionnaireResponse
    questionnaire --format F [--region R]   the questionnaire itself (json, fhir, redcap)
    review PATH... [--csv OUT] [--pdf-dir DIR]   many records, urgent and crisis first
    rules                         the rules table (docs/RULES.md)

A FILE is a record file or a FHIR QuestionnaireResponse, told apart by content
(``screening.exports.reading``); input and output helpers are in ``screening.cli_io``.
Every command turns core errors into one short line on stderr that starts with the file
name; never a traceback. Exit codes: 0 success, 1 some files refused (review), 2 a bad
file or bad usage, 70 an internal error (one plain line; nothing about the answers).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from screening.cli_io import clinic_settings, each_record, load, moment, read_input, write
from screening.errors import ErrorCode as E
from screening.errors import ScreeningError

__all__ = ["build_parser", "iter_files", "load", "main", "read_input", "write"]

EXIT_OK, EXIT_PARTIAL, EXIT_BAD, EXIT_INTERNAL = 0, 1, 2, 70

Handler = Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(EXIT_BAD)


# --------------------------------------------------------------------------- commands


def cmd_score(args: argparse.Namespace) -> int:
    """Print each file's recomputed result as one JSON line."""
    status = EXIT_OK
    for record in each_record(args.files):
        if record is None:
            status = EXIT_BAD
            continue
        sys.stdout.write(json.dumps(record.result.to_dict(), ensure_ascii=False) + "\n")
    return status


def cmd_pdf(args: argparse.Namespace) -> int:
    """Write one record's summary PDF."""
    from screening.exports.pdf import summary_pdf

    settings = clinic_settings(args.settings)
    record = load(args.file)
    data = summary_pdf(
        record,
        generated_at=args.generated_at or datetime.now(UTC),
        clinic_name=args.clinic_name,
        settings=settings,
        region=args.region,
    )
    return write(args.output, data)


def cmd_csv(args: argparse.Namespace) -> int:
    """Write one CSV row per record file (this app's columns, or REDCap's import)."""
    from screening.exports.csv import records_to_csv
    from screening.exports.redcap_records import redcap_records_csv

    records = list(each_record(args.files))
    good = [r for r in records if r is not None]
    data = redcap_records_csv(good) if args.format == "redcap" else records_to_csv(good)
    return max(EXIT_BAD if len(good) < len(records) else EXIT_OK, write(args.output, data))


def cmd_fhir(args: argparse.Namespace) -> int:
    """Print one record as a FHIR QuestionnaireResponse."""
    from screening.exports.fhir_response import questionnaire_response

    resource = questionnaire_response(load(args.file))
    sys.stdout.write(json.dumps(resource, ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK


def cmd_questionnaire(args: argparse.Namespace) -> int:
    """Print the questionnaire definition."""
    from screening.questionnaire import load_questionnaire

    qn = load_questionnaire(language=args.language)
    region = args.region or "us"
    if args.format == "fhir":  # English, with the Spanish words as translation extensions
        from screening.exports.fhir import questionnaire_resource

        text = json.dumps(questionnaire_resource(region=region), ensure_ascii=False, indent=2)
        return write("-", (text + "\n").encode("utf-8"))
    if args.format == "redcap":
        from screening.exports.redcap import data_dictionary

        return write("-", data_dictionary(qn, region=region))
    return write("-", (qn.model_dump_json(indent=2, by_alias=True) + "\n").encode("utf-8"))


def cmd_rules(args: argparse.Namespace) -> int:
    """Print docs/RULES.md."""
    from screening.rules_doc import rules_markdown

    sys.stdout.write(rules_markdown())
    return EXIT_OK


def iter_files(path: str) -> Iterator[Path]:
    """The file itself, or every non-hidden file under a folder (sorted, links not followed)."""
    root = Path(path)
    if not root.is_dir():
        yield root
        return
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(folder) / name


def cmd_review(args: argparse.Namespace) -> int:
    """Load any number of files (one at a time), print the lines and problems, and write
    the CSV and PDFs. Only a row and, with --csv, its CSV line are kept per record."""
    from screening.exports.csv import csv_header, csv_line
    from screening.problems import problem
    from screening.review import (
        Limits,
        ReviewBuilder,
        export_name,
        pdf_renderer,
        row_line,
        sort_rows,
        triage_row,
    )

    builder = ReviewBuilder(Limits(max_files=None, max_records=None), keep_records=False)
    render = pdf_renderer(datetime.now(UTC), clinic_settings(None)) if args.pdf_dir else None
    rows: list[dict[str, Any]] = []
    lines: dict[int, str] = {}
    try:
        if args.pdf_dir is not None:
            args.pdf_dir.mkdir(parents=True, exist_ok=True)
        for path in args.paths:
            found = False
            for file in iter_files(path):
                found = True
                for entry in builder.add_path(file):
                    rows.append(triage_row(entry))
                    if args.csv is not None:
                        lines[entry.number] = csv_line(entry.record)
                    if render is not None:
                        pdf = args.pdf_dir / export_name("pdf", entry.number)
                        pdf.write_bytes(render(entry))
            if not found:
                builder.refuse(problem(path, E.REVIEW_EMPTY_FOLDER))
    except OSError as exc:
        print(f"{args.pdf_dir}: cannot be written ({exc.strerror or exc})", file=sys.stderr)
        return EXIT_BAD
    rows = sort_rows(rows)
    for row in rows:
        sys.stdout.write(row_line(row) + "\n")
    sys.stdout.flush()
    review = builder.result()
    for refused in review.problems:
        note = " [crisis answers seen in this file]" if refused.crisis else ""
        print(refused.message + note, file=sys.stderr)
    if not rows:
        print("review: no record could be loaded", file=sys.stderr)
        return EXIT_BAD
    status = EXIT_PARTIAL if review.problems else EXIT_OK
    if args.csv is not None:
        body = csv_header() + "".join(lines[row["number"]] for row in rows)
        status = max(status, write(args.csv, body.encode("utf-8")))
    return status


# --------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    """All commands and their help."""
    from screening import __version__
    from screening.crisis import REGION_CODES
    from screening.review import LIMITS, export_name

    parser = _Parser(
        prog="python -m screening",
        description=(
            "Ketamine/esketamine pre-screening: score records, export them, review many. "
            "Results are informational, not a diagnosis."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    files_help = "record file(s) or FHIR QuestionnaireResponse(s) (JSON); - for stdin"
    file_help = "record file or FHIR QuestionnaireResponse (JSON); - for stdin"

    p = sub.add_parser(
        "score",
        help="recompute and print each record's result as JSON (one line per file)",
        description="Recompute each record's result from its answers and print it as one "
        "JSON object per line, in order. Exit 2 if any file is not a valid record.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help=files_help)
    p.set_defaults(handler=cmd_score)

    p = sub.add_parser(
        "pdf",
        help="write a record's summary PDF",
        description="Write the clinician-ready summary of one record as a PDF. "
        "Informational, not a diagnosis.",
    )
    p.add_argument("file", metavar="FILE", help=file_help)
    p.add_argument("-o", "--output", required=True, metavar="OUT.pdf", help="- for stdout")
    p.add_argument("--clinic-name", help="clinic name in the header (default: from --settings)")
    p.add_argument(
        "--region", choices=REGION_CODES, help="crisis lines and paper size (default: us)"
    )
    p.add_argument("--settings", metavar="SETTINGS.toml", help="clinic settings file")
    p.add_argument(
        "--generated-at",
        type=moment,
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
    p.add_argument("files", nargs="+", metavar="FILE", help=files_help)
    p.add_argument("-o", "--output", default="-", metavar="OUT.csv", help="default: stdout")
    p.add_argument(
        "--format",
        choices=["app", "redcap"],
        default="app",
        help="app: this app's columns, read back by review (default); redcap: records to "
        "import into a REDCap project built from 'questionnaire --format redcap'",
    )
    p.set_defaults(handler=cmd_csv)

    p = sub.add_parser(
        "fhir",
        help="print a record as a FHIR R4 QuestionnaireResponse (JSON)",
        description="Print one record as a FHIR R4 QuestionnaireResponse on stdout.",
    )
    p.add_argument("file", metavar="FILE", help=file_help)
    p.set_defaults(handler=cmd_fhir)

    p = sub.add_parser(
        "questionnaire",
        help="print the questionnaire definition",
        description="Print the questionnaire definition on stdout.",
    )
    p.add_argument("--format", choices=["json", "fhir", "redcap"], default="json")
    p.add_argument(
        "--region", choices=REGION_CODES, help="crisis lines in fhir and redcap (default: us)"
    )
    p.add_argument("--language", choices=["en", "es"], default="en", help="json/redcap words")
    p.set_defaults(handler=cmd_questionnaire)

    p = sub.add_parser(
        "review",
        help="load many records (files or folders) and list them, crisis first",
        description=(
            "Load record JSON files, FHIR QuestionnaireResponse JSON and this app's CSV "
            "from files and folders (read by content, not by name), any number of them. "
            "Results are recomputed from the answers. Prints one line per record on stdout, "
            "urgent and crisis first: number, flags (URGENT, CRISIS, MISMATCH), outcome, "
            "PHQ-9, file, name. Each refused file is named on stderr with its reason. "
            f"Files over {LIMITS.max_file_bytes:,} bytes are refused. "
            "Exit 0: every file loaded; 1: some files refused; 2: nothing usable or bad usage."
        ),
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="record files or folders")
    p.add_argument("--csv", metavar="OUT", type=Path, help="write the records as one CSV file")
    p.add_argument(
        "--pdf-dir",
        metavar="DIR",
        type=Path,
        help=f"write one summary PDF per record ({export_name('pdf', 1)}, …) into DIR",
    )
    p.set_defaults(handler=cmd_review)

    p = sub.add_parser("rules", help="print the rules catalogue as Markdown (docs/RULES.md)")
    p.set_defaults(handler=cmd_rules)

    from screening.inbox.commands import add_parsers as add_inbox_parsers

    add_inbox_parsers(sub)

    for register in EXTRA_COMMANDS:
        register(sub)
    return parser


#: More commands, registered by the modules that own them (each a function taking the
#: subparsers); kept here so this module never imports them at start-up.
EXTRA_COMMANDS: list[Callable[[Any], None]] = []


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; never lets a traceback reach the terminal for expected errors."""
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except ScreeningError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BAD
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # an internal bug: a plain line, no traceback, no answers quoted
        print(
            f"python -m screening {args.command}: internal error ({type(exc).__name__}); "
            "nothing was written for the file being processed. Please report this.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
