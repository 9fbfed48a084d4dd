"""A throwaway PostgreSQL server for the tests and the benchmark (Debian's binaries).

    server = PostgresServer.start_new()      # initdb + pg_ctl start on 127.0.0.1:<free port>
    url = server.create_database()           # postgresql+psycopg://screening@127.0.0.1:…/t_…
    server.stop(); server.start()            # the "database is down" tests
    server.pg_dump(url)                      # bytes of a plain-SQL dump
    server.destroy()                         # stop and remove the data folder

PostgreSQL refuses to run as root, and the tests run as root here: then the server runs as
the ``postgres`` system user (Debian's package creates it) through ``runuser``, with its
data folder and socket in a private temporary folder it owns. As any other user it runs as
that user. Trust authentication on the loopback address only; the cluster lives in /tmp
and is removed at the end.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "screening"
# Durability off: the tests never survive a power cut, and fsync is most of the cost here.
FAST = ("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server can be started on this machine (the reason is the message)."""


def find_bindir() -> Path:
    """The newest /usr/lib/postgresql/<version>/bin holding initdb, pg_ctl and postgres."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    for bindir in candidates:
        if all((bindir / tool).exists() for tool in ("initdb", "pg_ctl", "postgres", "pg_dump")):
            return bindir
    raise PostgresUnavailable(
        "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); "
        "apt-get install postgresql, or run ./dev test as root"
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PostgresServer:
    """One running cluster: where it lives, how to reach it, how to stop it."""

    bindir: Path
    root: Path
    port: int
    run_as: str | None
    options: tuple[str, ...] = FAST

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def _command(self, tool: str, *args: str) -> list[str]:
        command = [str(self.bindir / tool), *args]
        return ["runuser", "-u", self.run_as, "--", *command] if self.run_as else command

    def _run(self, tool: str, *args: str, timeout: float = 60) -> None:
        done = subprocess.run(
            self._command(tool, *args), capture_output=True, text=True, timeout=timeout
        )
        if done.returncode != 0:
            tail = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise PostgresUnavailable(
                f"{tool} failed ({done.returncode}): {done.stderr.strip()[-1000:]}\n{tail}"
            )

    @classmethod
    def start_new(cls, options: tuple[str, ...] = FAST) -> PostgresServer:
        """initdb a new cluster in a private temporary folder and start it."""
        bindir = find_bindir()
        run_as: str | None = None
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresUnavailable(
                    "running as root and there is no 'postgres' user to run the server as"
                ) from None
            run_as = user.pw_name
        root = Path(tempfile.mkdtemp(prefix="inbox-pg-"))
        if run_as is not None:
            os.chown(root, user.pw_uid, user.pw_gid)
        server = cls(bindir, root, _free_port(), run_as, options)
        try:
            server._run(
                "initdb",
                "-D",
                str(server.data),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions",
            )
            server.start()
        except BaseException:
            server.destroy()
            raise
        return server

    def start(self) -> None:
        """Start (or restart) the server on its port; wait until it accepts connections."""
        settings = " ".join(
            [
                "-c listen_addresses=127.0.0.1",
                f"-p {self.port}",
                f"-c unix_socket_directories={self.root}",
                *(
                    f"{flag} {value}"
                    for flag, value in zip(self.options[::2], self.options[1::2], strict=True)
                ),
            ]
        )
        where = ("-D", str(self.data), "-l", str(self.log))
        self._run("pg_ctl", *where, "-w", "-t", "30", "-o", settings, "start")

    def stop(self) -> None:
        """Stop the server now (fast shutdown: sessions are ended)."""
        self._run("pg_ctl", "-D", str(self.data), "-w", "-t", "30", "-m", "fast", "stop")

    def destroy(self) -> None:
        """Stop the server if it runs, and remove its folder."""
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(PostgresUnavailable):
                self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres", user: str = SUPERUSER) -> str:
        """The SQLAlchemy URL of one database on this server."""
        return f"postgresql+psycopg://{user}@127.0.0.1:{self.port}/{database}"

    def execute(self, *statements: str, database: str = "postgres") -> None:
        """Run statements as the superuser, each in its own transaction (autocommit)."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname=database, autocommit=True
        ) as conn:
            for statement in statements:
                conn.execute(statement.encode())

    def create_database(self) -> str:
        """A new empty database; its URL."""
        name = f"t_{secrets.token_hex(6)}"
        self.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by ``create_database`` (its sessions are ended)."""
        name = url.rsplit("/", 1)[1]
        self.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def pg_dump(self, url: str) -> bytes:
        """A plain-SQL dump of one database (bytea as hex, as pg_dump writes it)."""
        name = url.rsplit("/", 1)[1]
        done = subprocess.run(
            [
                str(self.bindir / "pg_dump"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                SUPERUSER,
                "--no-password",
                name,
            ],
            capture_output=True,
            timeout=60,
            check=True,
        )
        return done.stdout
