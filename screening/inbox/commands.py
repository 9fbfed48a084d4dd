"""``python -m screening inbox …``: the clinic inbox from a terminal on the staff machine.

    inbox migrate                    create or upgrade the inbox tables
    inbox keygen -o clinic.key       a new private key (file, mode 0600); public key on stdout
    inbox list                       one line per submission, crisis first (no key needed)
    inbox export OUT_DIR             decrypt into OUT_DIR: REF.json each, inbox.csv (--pdf too)
    inbox purge [--days N]           delete submissions older than the retention period

The settings file is ``--settings`` or SCREENING_SETTINGS; the private key is
``--identity FILE``, or SCREENING_INBOX_IDENTITY_FILE, or SCREENING_INBOX_IDENTITY.
Every problem is one line on stderr that starts with the command, exit 2, never a
traceback; ``export`` exits 1 when some submissions could not be opened (the rest are
written). Staff actions (export, purge) are audited under ``--actor`` (default
``cli:<login name>``).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from screening.errors import ScreeningError

if TYPE_CHECKING:
    from screening.inbox.config import InboxSettings

__all__ = ["add_parsers"]

EXIT_OK, EXIT_PARTIAL, EXIT_BAD = 0, 1, 2
SETTINGS_ENV_VAR = "SCREENING_SETTINGS"  # the same name as screening.settings.SETTINGS_ENV_VAR


class _Failed(Exception):
    """A problem already worded for the terminal (one line, without the command name)."""


def _fail(args: argparse.Namespace, message: str) -> int:
    print(f"inbox {args.inbox_command}: {message}", file=sys.stderr)
    return EXIT_BAD


def _settings(args: argparse.Namespace) -> InboxSettings:
    from screening.settings import SettingsError, load_settings

    raw = args.settings or os.environ.get(SETTINGS_ENV_VAR, "").strip()
    if not raw:
        raise _Failed(f"no settings file; give --settings FILE or set {SETTINGS_ENV_VAR}")
    try:
        settings = load_settings(Path(raw))
    except SettingsError as exc:
        more = len(exc.problems) - 1
        raise _Failed(str(exc).splitlines()[0] + (f" (and {more} more)" if more else "")) from None
    if settings.inbox is None:
        raise _Failed(f"{raw} has no [inbox] table; add one (see settings.example.toml)")
    return settings.inbox


def _actor(args: argparse.Namespace) -> str:
    if args.actor:
        return str(args.actor)
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _run(args: argparse.Namespace) -> int:
    """Run the chosen command; every expected failure is one line."""
    from screening.inbox.errors import InboxError

    try:
        code: int = args.inbox_handler(args)
    except _Failed as exc:
        return _fail(args, str(exc))
    except InboxError as exc:
        return _fail(args, exc.for_operator())
    except ScreeningError as exc:
        return _fail(args, str(exc).splitlines()[0])
    except ValueError as exc:
        return _fail(args, str(exc))
    return code


# --------------------------------------------------------------------------- commands


def cmd_migrate(args: argparse.Namespace) -> int:
    """Create or upgrade the tables; print where and at which revision."""
    from screening.inbox.database import connect, describe, migrate, revision

    engine = connect(_settings(args).database_url)
    try:
        migrate(engine)
        print(f"inbox migrate: {describe(engine)} is at revision {revision(engine)}")
    finally:
        engine.dispose()
    return EXIT_OK


def cmd_keygen(args: argparse.Namespace) -> int:
    """Write a new identity file (0600, never over an existing file); print the public key."""
    from screening.inbox.sealing import generate_identity, identity_file_text

    identity = generate_identity()
    target: Path = args.output
    text = identity_file_text(identity, datetime.now(UTC))
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise _Failed(
            f"{target} already exists; choose another name (replacing a key in use would "
            "make its submissions unreadable)"
        ) from None
    except OSError as exc:
        raise _Failed(f"{target}: cannot be written ({exc.strerror or exc})") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(text)
    print(identity.public_key)
    print(
        f"inbox keygen: wrote the private key to {target} (readable by you only). Put the "
        "public key above in [inbox] recipients; give the key file to the staff app only.",
        file=sys.stderr,
    )
    return EXIT_OK


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def cmd_list(args: argparse.Namespace) -> int:
    """One tab-separated line per submission: reference, received, CRISIS, state, version."""
    from screening.inbox.database import connect, migrate
    from screening.inbox.store import Store

    engine = connect(_settings(args).database_url)
    try:
        migrate(engine)
        infos = Store(engine).infos()
    finally:
        engine.dispose()
    for info in infos:
        state = "reviewed" if info.reviewed_at else "new"
        flag = "CRISIS" if info.crisis else "-"
        fields = (info.reference, _when(info.received_at), flag, state, info.questionnaire_version)
        sys.stdout.write("\t".join(fields) + "\n")
    print(f"inbox list: {len(infos)} submission(s)", file=sys.stderr)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Decrypt every submission into a new folder: REF.json, inbox.csv and, with --pdf,
    REF.pdf. Problems are listed one per line; the rest are written."""
    from screening.inbox.exporting import CSV_NAME, file_name, submissions_csv
    from screening.inbox.sealing import identities_from
    from screening.inbox.staff import open_inbox

    settings = _settings(args)
    identities = identities_from(os.environ, args.identity)
    folder: Path = args.folder
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise _Failed(f"{folder} exists and is not an empty folder; give a new or empty one")
    actor = _actor(args)
    now = datetime.now(UTC)
    inbox = open_inbox(settings, identities)
    opened, problems = inbox.open_all(actor=actor, now=now)
    for problem in problems:
        print(f"inbox export: {problem.message}", file=sys.stderr)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise _Failed(f"{folder}: cannot be created ({exc.strerror or exc})") from None
    inbox.exported(opened, actor=actor, now=now)
    files: list[tuple[str, bytes]] = [(CSV_NAME, submissions_csv(opened))]
    for item in opened:
        files.append((file_name(item.reference, ".json"), item.data))
    if args.pdf:
        from screening.exports.pdf import summary_pdf

        for item in opened:
            pdf = summary_pdf(item.record, generated_at=now)
            files.append((file_name(item.reference, ".pdf"), pdf))
    for name, data in files:
        try:
            _write_private(folder / name, data)
        except OSError as exc:
            raise _Failed(f"{folder / name}: cannot be written ({exc.strerror or exc})") from None
    crisis = sum(item.crisis for item in opened)
    print(
        f"inbox export: wrote {len(opened)} submission(s) ({crisis} crisis) to {folder}"
        + (f"; {len(problems)} could not be opened" if problems else ""),
        file=sys.stderr,
    )
    return EXIT_PARTIAL if problems else EXIT_OK


def _write_private(path: Path, data: bytes) -> None:
    """Write a new file readable by its owner only (decrypted records are health data)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def cmd_purge(args: argparse.Namespace) -> int:
    """Delete submissions received more than --days (default: the settings) days ago."""
    from screening.inbox.database import connect, migrate
    from screening.inbox.store import Store

    settings = _settings(args)
    days = settings.retention_days if args.days is None else args.days
    if not 1 <= days <= 3650:
        raise _Failed(f"--days {days}: give between 1 and 3650 days")
    engine = connect(settings.database_url)
    now = datetime.now(UTC)
    try:
        migrate(engine)
        count = Store(engine).purge(now - timedelta(days=days), actor=_actor(args), at=now)
    finally:
        engine.dispose()
    print(f"inbox purge: deleted {count} submission(s) received more than {days} day(s) ago")
    return EXIT_OK


# --------------------------------------------------------------------------- parsers


def add_parsers(sub: argparse._SubParsersAction[Any]) -> None:
    """Register ``inbox`` and its commands on the ``python -m screening`` sub-parsers."""
    parser = sub.add_parser(
        "inbox",
        help="the clinic inbox: migrate, keygen, list, export, purge",
        description="Manage the clinic inbox (sealed submissions from 'Send to my clinic'). "
        f"Settings: --settings or {SETTINGS_ENV_VAR}. Private key for export: --identity, "
        "SCREENING_INBOX_IDENTITY_FILE or SCREENING_INBOX_IDENTITY.",
    )
    parser.set_defaults(handler=_run)
    commands = parser.add_subparsers(
        dest="inbox_command", metavar="COMMAND", parser_class=type(parser)
    )
    commands.required = True

    def command(name: str, handler: Any, help_text: str, description: str) -> Any:
        p = commands.add_parser(name, help=help_text, description=description)
        p.set_defaults(inbox_handler=handler)
        if name != "keygen":
            p.add_argument("--settings", metavar="FILE", help=f"default: ${SETTINGS_ENV_VAR}")
        return p

    command(
        "migrate",
        cmd_migrate,
        "create or upgrade the inbox tables",
        "Bring the inbox database to the newest schema (safe to run again).",
    )
    p = command(
        "keygen",
        cmd_keygen,
        "make a new private key file; print its public key",
        "Write a new age X25519 private key to FILE (mode 0600; never over an existing "
        "file) and print its public key (age1…) on stdout, for [inbox] recipients.",
    )
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    command(
        "list",
        cmd_list,
        "list submissions, crisis first (no key needed)",
        "One line per submission: reference, received (UTC), CRISIS or -, new or reviewed, "
        "questionnaire version. Crisis first, then newest. Nothing is decrypted.",
    )
    p = command(
        "export",
        cmd_export,
        "decrypt every submission into a folder (JSON, CSV, optional PDFs)",
        "Decrypt every submission with the private key and write REF.json (the record as "
        "sent), inbox.csv (one row each, record = REF) and with --pdf REF.pdf into a new or "
        "empty folder. Each submission that cannot be opened is one line on stderr (exit 1).",
    )
    p.add_argument("folder", type=Path, metavar="OUT_DIR")
    p.add_argument("--identity", type=Path, metavar="FILE", help="the private key file")
    p.add_argument("--pdf", action="store_true", help="also write one summary PDF each")
    p.add_argument("--actor", help="who to record in the audit log (default: cli:<login>)")
    p = command(
        "purge",
        cmd_purge,
        "delete submissions older than the retention period",
        "Delete every submission received more than --days days ago (default: "
        "[inbox] retention_days, 30). Each deletion is audited.",
    )
    p.add_argument("--days", type=int, metavar="N", help="default: retention_days")
    p.add_argument("--actor", help="who to record in the audit log (default: cli:<login>)")
