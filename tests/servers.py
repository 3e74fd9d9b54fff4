"""Real processes for the resilience tests: the portal under gunicorn and a private Redis server."""

import contextlib
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port nothing listens on (also usable as a 'closed port' for unreachable services)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        assert process.poll() is None, log.read_text()
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        assert time.monotonic() < deadline, f"nothing listens on {port}:\n{log.read_text()}"
        time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def portal_server(log_dir: Path, **env):
    """The portal under gunicorn (one sync worker, so its database connection is reused from one
    request to the next), production settings unless `env` says otherwise; yields its base URL
    and the log's path."""
    port = free_port()
    environment = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "resilience-test-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        **env,
    }
    log_path = log_dir / "gunicorn.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                str(REPO / ".venv" / "bin" / "gunicorn"),
                "portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--access-logfile",
                "-",
            ],
            cwd=REPO,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(port, process, log_path)
            yield f"http://127.0.0.1:{port}", log_path
        finally:
            stop(process)


def fetch(url: str, headers: dict | None = None, data: bytes | None = None):
    """(status, headers, body) of a request; HTTP errors are answers too. Sent as through the
    TLS proxy (X-Forwarded-Proto: https), as production expects."""
    assert url.startswith("http://127.0.0.1:"), url
    request = urllib.request.Request(  # noqa: S310 - a local http URL (asserted above)
        url, data=data, headers={"X-Forwarded-Proto": "https", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - local URL
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


class RedisServer:
    """A private redis-server on a free port (never the shared one), stopped and started at
    will. No persistence: a restart loses every key, as a development Redis does."""

    def __init__(self, log_dir: Path):
        self.port = free_port()
        self.log_dir = log_dir
        self.process: subprocess.Popen | None = None
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed (scripts/system.sh installs it)"
        self.binary = binary

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log_path = self.log_dir / f"redis-{self.port}.log"
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--logfile",
                str(log_path),
            ]
        )
        log_path.touch()
        wait_for_port(self.port, self.process, log_path)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None
