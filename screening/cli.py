"""The command line: a thin shell over the core.

Every command turns core errors into one short line on stderr that starts with the
file name; never a traceback. Exit codes: 0 success, 1 partly refused (review), 2 a
bad file or bad usage, 70 an internal error (one plain line; nothing about the answers).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from screening.errors import ScreeningError

EXIT_OK, EXIT_PARTIAL, EXIT_BAD, EXIT_INTERNAL = 0, 1, 2, 70

Handler = Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(EXIT_BAD)


def read_input(path: str, limit: int) -> bytes:
    """Bytes of a file (``-`` for stdin), refusing folders and files over ``limit``."""
    from screening.errors import RecordError

    if path == "-":
        data = sys.stdin.buffer.read(limit + 1)
    else:
        p = Path(path)
        if p.is_dir():
            raise RecordError("record.is_folder", f"{path}: is a folder, not a file")
        try:
            size = p.stat().st_size
            if size > limit:
                raise RecordError(
                    "record.too_large",
                    f"{path}: the file is {size:,} bytes; the limit is {limit:,} bytes",
                )
            data = p.read_bytes()
        except FileNotFoundError:
            raise RecordError("record.not_found", f"{path}: no such file") from None
        except PermissionError:
            raise RecordError("record.unreadable", f"{path}: permission denied") from None
        except OSError as exc:
            raise RecordError(
                "record.unreadable", f"{path}: cannot be read ({exc.strerror})"
            ) from None
    return data


def _load(path: str):  # type: ignore[no-untyped-def]
    from screening.record import MAX_RECORD_BYTES, read_record

    name = "<stdin>" if path == "-" else path
    return read_record(read_input(path, MAX_RECORD_BYTES), name)


def cmd_score(args: argparse.Namespace) -> int:
    """Print each file's recomputed result as one JSON line."""
    status = EXIT_OK
    for path in args.files:
        try:
            record = _load(path)
        except ScreeningError as exc:
            print(str(exc), file=sys.stderr)
            status = EXIT_BAD
            continue
        sys.stdout.write(json.dumps(record.result.to_dict(), ensure_ascii=False) + "\n")
    return status


def cmd_rules(args: argparse.Namespace) -> int:
    """Print docs/RULES.md."""
    from screening.rules_doc import rules_markdown

    sys.stdout.write(rules_markdown())
    return EXIT_OK


def cmd_questionnaire(args: argparse.Namespace) -> int:
    """Print the questionnaire definition."""
    from screening.questionnaire import load_questionnaire

    qn = load_questionnaire()
    if args.format == "json":
        sys.stdout.write(qn.model_dump_json(indent=2, by_alias=True) + "\n")
        return EXIT_OK
    if args.format == "fhir":
        from screening.exports.fhir import questionnaire_resource

        resource = questionnaire_resource(qn)
        sys.stdout.write(json.dumps(resource, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    if args.format == "redcap":
        from screening.exports.redcap import data_dictionary

        sys.stdout.buffer.write(data_dictionary(qn))
        sys.stdout.buffer.flush()
        return EXIT_OK
    print(f"questionnaire: format {args.format!r} is not available", file=sys.stderr)
    return EXIT_BAD


def build_parser() -> argparse.ArgumentParser:
    """All commands and their help."""
    parser = _Parser(
        prog="python -m screening",
        description=(
            "Ketamine/esketamine pre-screening: score records, export them, review many. "
            "Results are informational, not a diagnosis."
        ),
    )
    from screening import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser(
        "score",
        help="recompute and print each record's result as JSON (one line per file)",
        description="Recompute each record's result from its answers and print it as one "
        "JSON object per line, in order. Exit 2 if any file is not a valid record.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="record file(s) (JSON); - for stdin")
    p.set_defaults(handler=cmd_score)

    p = sub.add_parser("rules", help="print the rules catalogue as Markdown (docs/RULES.md)")
    p.set_defaults(handler=cmd_rules)

    p = sub.add_parser(
        "questionnaire",
        help="print the questionnaire definition",
        description="Print the questionnaire definition on stdout.",
    )
    p.add_argument("--format", choices=QUESTIONNAIRE_FORMATS, default="json")
    p.set_defaults(handler=cmd_questionnaire)

    from screening.review_cli import add_parser as add_review_parser

    add_review_parser(sub)

    from screening.exports.cli import add_parsers as add_export_parsers

    add_export_parsers(sub)

    from screening.inbox.commands import add_parsers as add_inbox_parsers

    add_inbox_parsers(sub)

    for register in EXTRA_COMMANDS:
        register(sub)
    return parser


QUESTIONNAIRE_FORMATS = ["json", "fhir", "redcap"]
EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction[_Parser]], None]] = []


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; never lets a traceback reach the terminal for expected errors."""
    parser = build_parser()
    args = parser.parse_args(argv)
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
