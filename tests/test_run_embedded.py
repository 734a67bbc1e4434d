"""`make run` / scripts/run_embedded.sh as a newcomer meets it: the banner, and stopping it with a signal.

Each test starts the real script (migrate, demo admin, web + Celery worker + beat on SQLite and the filesystem
broker) in its own session, as a terminal would, under a private VAR_DIR and a free port.
"""

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "run_embedded.sh"
START_TIMEOUT = 120.0  # migrate on a fresh SQLite file and three Django processes, on a busy machine
STOP_WITHIN = 15.0  # the worker's warm shutdown takes about 5 s on the filesystem broker; the script's cold
# shutdown after STOP_TIMEOUT (10 s) bounds it anyway

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _session_processes(sid: int) -> list[str]:
    """Live (non-zombie) processes of the session ``sid``: the script and everything it started."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name_end = text.rindex(")")
        fields = text[name_end + 2 :].split()  # state, ppid, pgrp, session, ...
        if fields[0] != "Z" and int(fields[3]) == sid:
            found.append(f"{stat.parent.name} {text[: name_end + 1]}")
    return found


class EmbeddedRun:
    def __init__(self, var_dir: Path) -> None:
        self.var_dir = var_dir
        self.port = _free_port()
        self.out = var_dir.parent / f"run-{self.port}.out"
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/tmp"),
            "VAR_DIR": str(var_dir),
            "PORT": str(self.port),
            "HOST": "127.0.0.1",
        }  # nothing of the test settings (DATABASE_URL, broker, e-mail): the embedded defaults
        self.process = subprocess.Popen(
            ["bash", str(SCRIPT)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self.out.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        return self.out.read_text(errors="replace")

    def worker_log(self) -> str:
        path = self.var_dir / "log" / "worker.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def wait_until_up(self) -> None:
        """The web answers its health probe and the worker (with its pool) is ready."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the script exited early:\n{self.output()}"
            if "celery@" in self.worker_log() and " ready." in self.worker_log():
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v1/health", timeout=2) as answer:
                        if answer.status == 200:
                            return
                except OSError:
                    pass
            time.sleep(0.3)
        pytest.fail(f"not up within {START_TIMEOUT}s:\n{self.output()}\n{self.worker_log()}")

    def stop_with(self, sig: signal.Signals, *, group: bool) -> float:
        """Send ``sig`` to the script (or, like Ctrl+C in a terminal, to its whole process group); seconds until
        no process of the session is left."""
        started = time.monotonic()
        if group:
            os.killpg(self.process.pid, sig)
        else:
            self.process.send_signal(sig)
        while time.monotonic() - started < STOP_WITHIN:
            self.process.poll()
            if not _session_processes(self.process.pid):
                return time.monotonic() - started
            time.sleep(0.1)
        left = _session_processes(self.process.pid)
        pytest.fail(f"still running {STOP_WITHIN}s after {sig.name}:\n" + "\n".join(left))

    def kill(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        for row in _session_processes(self.process.pid):
            try:
                os.kill(int(row.split()[0]), signal.SIGKILL)  # a child that left the group
            except ProcessLookupError:
                pass
        self.process.wait(timeout=10)


@pytest.fixture
def embedded(tmp_path):
    runs: list[EmbeddedRun] = []

    def start() -> EmbeddedRun:
        run = EmbeddedRun(tmp_path / "var")
        runs.append(run)
        run.wait_until_up()
        return run

    yield start
    for run in runs:
        run.kill()


def test_sigterm_stops_web_worker_and_beat_quietly_and_the_banner_tells_how_to_log_in(embedded):
    first = embedded()
    assert "Demo admin created: admin@example.com / admin" in first.output()
    assert "/mail/" in first.output()  # where the login codes land

    first.stop_with(signal.SIGTERM, group=False)

    assert first.process.returncode == 128 + signal.SIGTERM
    assert "exited with 'signal" not in first.worker_log()  # no "ForkPoolWorker exited with signal 15" errors
    assert "cold shutdown" not in first.output()  # the warm shutdown finished on its own
    assert "Warm shutdown" in first.worker_log()

    second = embedded()  # the same VAR_DIR: the admin exists now
    assert "admin@example.com / admin" not in second.output()
    assert "log in with that superuser's e-mail and password" in second.output()

    second.stop_with(signal.SIGINT, group=True)  # Ctrl+C in the terminal

    assert "exited with 'signal" not in second.worker_log()
    assert "cold shutdown" not in second.output()
