"""A throwaway PostgreSQL server for the store tests: Debian's binaries, a cluster in a temporary directory.

`make db-deps` (part of `make test`) installs the `postgresql` package; the server is started with initdb and
pg_ctl on a free port, as the `postgres` OS user when the tests run as root (initdb refuses root), and
stopped at the end of the session. Each test gets a database of its own.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

INSTALL_HINT = "PostgreSQL is missing: run `make db-deps` (Debian's postgresql package)"


def binaries() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else None


@dataclass
class Server:
    bin_dir: Path
    data: Path
    port: int
    as_user: list[str]

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://app@127.0.0.1:{self.port}/postgres"

    @contextmanager
    def database(self) -> Iterator[str]:
        """A database of its own, as a SQLAlchemy URL; dropped afterwards, also when the test fails."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        self._admin(f'CREATE DATABASE "{name}"')
        try:
            yield f"postgresql+psycopg://app@127.0.0.1:{self.port}/{name}"
        finally:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        subprocess.run([*self.as_user, str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
                       check=False, capture_output=True)
        shutil.rmtree(self.data.parent, ignore_errors=True)

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="app", dbname="postgres", autocommit=True) as conn:
            conn.execute(statement)


def start() -> Server:
    bin_dir = binaries()
    if bin_dir is None:
        raise FileNotFoundError(INSTALL_HINT)
    root = Path(tempfile.mkdtemp(prefix="handoff-pg-"))
    data = root / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
        root.chmod(0o755)
        shutil.chown(root, "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    def run(*args: str) -> None:
        subprocess.run([*as_user, *args], check=True, capture_output=True, text=True)

    run(str(bin_dir / "initdb"), "-D", str(data), "-U", "app", "--auth=trust", "-E", "UTF8", "--no-locale")
    run(str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-l", str(root / "server.log"),
        "-o", f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
    return Server(bin_dir, data, port, as_user)
