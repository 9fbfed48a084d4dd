"""``python -m screening review PATH... [--csv OUT] [--pdf-dir DIR]``: staff review in a terminal.

One line per record on stdout (urgent and crisis first, tab-separated: number, flags,
outcome, PHQ-9, file, name); each refused file with its reason on stderr. Exit 0 when
every file loaded, 1 when some were refused (the rest are still processed and written),
2 when nothing usable was given.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from screening.review import (
    LIMITS,
    Entry,
    Limits,
    ReviewBuilder,
    csv_writer,
    export_name,
    pdf_renderer,
    row_line,
    sort_rows,
    triage_rows,
)

EXIT_OK, EXIT_PARTIAL, EXIT_BAD = 0, 1, 2


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    """Register the ``review`` command on the CLI's subparsers."""
    p = sub.add_parser(
        "review",
        help="load many records (files or folders) and list them, crisis first",
        description=(
            "Load record JSON files, FHIR QuestionnaireResponse JSON and this app's CSV "
            "from files and folders (read by content, not by name). Results are recomputed "
            "from the answers. Prints one line per record on stdout, urgent and crisis "
            "first: number, flags (URGENT, CRISIS, MISMATCH), outcome, PHQ-9, file, name. "
            "Each refused file is named on stderr with its reason. "
            f"Limits: {LIMITS.max_files:,} files, {LIMITS.max_file_bytes:,} bytes each. "
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


def load_paths(paths: Sequence[str], limits: Limits = LIMITS) -> ReviewBuilder:
    """Read every file named or found under the folders into a review."""
    builder = ReviewBuilder(limits)
    for path in paths:
        found = False
        for file in iter_files(path):
            found = True
            _add_file(builder, file)
        if not found:
            builder.refuse(path, "review.empty", f"{path}: the folder holds no files")
    return builder


def _add_file(builder: ReviewBuilder, file: Path) -> None:
    name = str(file)
    if builder.full:
        builder.refuse_too_many(name)
        return
    try:
        size = file.stat().st_size
        if not file.is_file():
            builder.refuse(name, "review.not_found", f"{name}: not a regular file")
            return
        if size > builder.limits.max_file_bytes:
            builder.refuse_too_large(name, size)
            return
        with file.open("rb") as handle:
            data = handle.read(builder.limits.max_file_bytes + 1)
    except FileNotFoundError:
        builder.refuse(name, "review.not_found", f"{name}: no such file or folder")
        return
    except PermissionError:
        builder.refuse(name, "review.unreadable", f"{name}: permission denied")
        return
    except OSError as exc:
        builder.refuse(name, "review.unreadable", f"{name}: cannot be read ({exc.strerror})")
        return
    builder.add(name, data)


def cmd_review(args: argparse.Namespace) -> int:
    """Load, print the lines and problems, write the requested exports."""
    review = load_paths(args.paths).result()
    rows = sort_rows(triage_rows(review.entries))
    for row in rows:
        sys.stdout.write(row_line(row) + "\n")
    sys.stdout.flush()
    for problem in review.problems:
        note = " [crisis answers seen in this file]" if problem.crisis else ""
        print(problem.message + note, file=sys.stderr)
    if not review.entries:
        print("review: no record could be loaded", file=sys.stderr)
        return EXIT_BAD
    by_number = {e.number: e for e in review.entries}
    ordered = [by_number[row["number"]] for row in rows]
    status = EXIT_PARTIAL if review.problems else EXIT_OK
    if args.csv is not None:
        status = max(status, _write_csv(ordered, args.csv))
    if args.pdf_dir is not None:
        status = max(status, _write_pdfs(ordered, args.pdf_dir))
    return status


def _write_csv(entries: Sequence[Entry], out: Path) -> int:
    try:
        out.write_bytes(csv_writer()(entries))
    except OSError as exc:
        print(f"{out}: cannot be written ({exc.strerror})", file=sys.stderr)
        return EXIT_BAD
    return EXIT_OK


def _write_pdfs(entries: Sequence[Entry], folder: Path) -> int:
    from datetime import UTC, datetime

    from screening.settings import SETTINGS_ENV_VAR, load_settings

    raw = os.environ.get(SETTINGS_ENV_VAR, "").strip()
    settings = load_settings(Path(raw) if raw else None)  # SettingsError: one line, exit 2
    render = pdf_renderer(datetime.now(UTC), settings)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for entry in entries:
            (folder / export_name("pdf", entry.number)).write_bytes(render(entry))
    except OSError as exc:
        print(f"{folder}: cannot be written ({exc.strerror})", file=sys.stderr)
        return EXIT_BAD
    return EXIT_OK
