"""Upload a large file to a running server and report its memory growth and the throughput.

The attachment upload is meant to stream: 64 KiB chunks go to a temporary file and into SHA-256, so the
server's resident memory must not grow with the file. This script proves it end to end:

* without ``--url`` it starts granian (one worker, one thread, test-like settings, SQLite, media and upload
  temp dir in a fresh temporary directory), creates a buyer and a JWT, and stops the server afterwards;
* with ``--url`` it talks to a server you started (pass ``--token`` and, to measure memory,
  ``--server-pid`` of the worker that will serve the request).

It streams a generated file (default 100 MB) with ``http.client`` from a generator — the client never
holds it either — while a thread samples ``VmRSS`` of the worker from ``/proc/<pid>/status``. It also
resets the kernel's peak counter (``/proc/<pid>/clear_refs``) and reads ``VmHWM`` afterwards, so spikes
between samples are not missed. Prints the baseline, the peak, the growth (target < 20 MB) and MB/s.

    .venv/bin/python bench/upload_memory.py                 # self-contained
    .venv/bin/python bench/upload_memory.py --size-mb 200
    .venv/bin/python bench/upload_memory.py --url http://127.0.0.1:8000 --token "$JWT" --server-pid 1234
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
CHUNK = MIB
TARGET_GROWTH_MB = 20.0
BOUNDARY = f"bench-{uuid.uuid4().hex}"


# --- the generated upload --------------------------------------------------------------------


@dataclass
class GeneratedFile:
    """A CSV-like text file of ``size`` bytes produced chunk by chunk (unique per run: no dedup shortcut)."""

    size: int
    seed: str = field(default_factory=lambda: uuid.uuid4().hex)

    def chunks(self) -> Iterator[bytes]:
        line = f"{self.seed},Фланец плоский Ду100 Ру16,10,шт\n".encode()
        block = line * (CHUNK // len(line) + 1)
        sent = 0
        while sent < self.size:
            piece = block[: min(CHUNK, self.size - sent)]
            sent += len(piece)
            yield piece

    def sha256(self) -> str:
        digest = hashlib.sha256()
        for chunk in self.chunks():
            digest.update(chunk)
        return digest.hexdigest()


def multipart_parts(name: str) -> tuple[bytes, bytes]:
    head = (
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="title"\r\n\r\nupload memory bench\r\n'
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    return head, tail


def multipart_body(generated: GeneratedFile, head: bytes, tail: bytes) -> Iterator[bytes]:
    yield head
    yield from generated.chunks()
    yield tail


# --- memory sampling -------------------------------------------------------------------------


def read_status_kb(pid: int, key: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def reset_peak(pid: int) -> bool:
    """Writing 5 to clear_refs resets VmHWM to the current RSS (Linux ≥ 4.0, own processes)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class RssSampler(threading.Thread):
    def __init__(self, pid: int, interval: float = 0.01) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak_kb = 0
        self.samples = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            rss = read_status_kb(self.pid, "VmRSS")
            if rss is not None:
                self.peak_kb = max(self.peak_kb, rss)
                self.samples += 1
            time.sleep(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()


# --- a self-started server -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_environment(workdir: Path, database_url: str | None, max_bytes: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "b2bplatform.settings.test",
            "DATABASE_URL": database_url or f"sqlite:///{workdir / 'bench.sqlite3'}",
            "MEDIA_ROOT": str(workdir / "media"),
            "FILE_UPLOAD_TEMP_DIR": str(workdir / "upload-tmp"),
            "ATTACHMENT_MAX_BYTES": str(max_bytes),
            "PYTHONPATH": str(ROOT),
        }
    )
    (workdir / "media").mkdir(exist_ok=True)
    (workdir / "upload-tmp").mkdir(exist_ok=True)
    return env


def prepare_database_and_token(env: dict[str, str]) -> str:
    """Migrate, create a buyer and print an access token — in a child process with the server's settings."""
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    script = (
        "from accounts.models import User\n"
        "from rest_framework_simplejwt.tokens import RefreshToken\n"
        "user, _ = User.objects.get_or_create(email='bench-buyer@bench.example')\n"
        "print(RefreshToken.for_user(user).access_token)\n"
    )
    result = subprocess.run(
        [python, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return result.stdout.strip().splitlines()[-1]


def child_pids(parent: int) -> list[int]:
    children: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may contain spaces: the fields after the closing parenthesis are safe to split.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == parent:
            children.append(int(entry.name))
    return children


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """The production web server (decision 0017) with one worker process."""
    command = [
        str(Path(sys.executable).parent / "granian"),
        "--interface",
        "wsgi",
        "--workers",
        "1",
        "--blocking-threads",
        "1",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "b2bplatform.wsgi:application",
    ]
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_until_ready(host: str, port: int, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with code {server.returncode}")
        try:
            conn = http.client.HTTPConnection(host, port, timeout=2)
            conn.request("GET", "/api/v1/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not become ready")


def worker_pid(master: int, timeout: float = 20) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = child_pids(master)
        if children:
            return children[0]
        time.sleep(0.1)
    raise RuntimeError("no worker process found")


# --- the upload ------------------------------------------------------------------------------


@dataclass
class UploadResult:
    status: int
    body: dict
    seconds: float


def upload(base_url: str, token: str, generated: GeneratedFile, name: str) -> UploadResult:
    parts = urlsplit(base_url)
    head, tail = multipart_parts(name)
    length = len(head) + generated.size + len(tail)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=600)
    path = parts.path.rstrip("/") + "/api/v1/user/attachments"
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        "Content-Length": str(length),
    }
    started = time.perf_counter()
    conn.request("POST", path, body=multipart_body(generated, head, tail), headers=headers)
    response = conn.getresponse()
    raw = response.read()
    seconds = time.perf_counter() - started
    conn.close()
    try:
        body = json.loads(raw)
    except ValueError:
        body = {"raw": raw[:500].decode("utf-8", "replace")}
    return UploadResult(response.status, body, seconds)


def measure(base_url: str, token: str, pid: int | None, size: int) -> int:
    warmup = upload(base_url, token, GeneratedFile(64 * 1024), "warmup.csv")  # pay lazy imports first
    if warmup.status != 200:
        print(f"warm-up upload failed: {warmup.status} {warmup.body}")
        return 1
    generated = GeneratedFile(size)
    expected_sha = generated.sha256()
    baseline_kb = read_status_kb(pid, "VmRSS") if pid else None
    peak_reset = reset_peak(pid) if pid else False
    sampler = RssSampler(pid) if pid else None
    if sampler:
        sampler.start()
    result = upload(base_url, token, generated, "bench.csv")
    if sampler:
        sampler.stop()
    hwm_kb = read_status_kb(pid, "VmHWM") if pid and peak_reset else None
    return report(result, size, expected_sha, baseline_kb, sampler, hwm_kb)


def report(
    result: UploadResult,
    size: int,
    expected_sha: str,
    baseline_kb: int | None,
    sampler: RssSampler | None,
    hwm_kb: int | None,
) -> int:
    mb = size / MIB
    print(f"upload: {mb:.0f} MiB in {result.seconds:.2f} s → {mb / result.seconds:.1f} MiB/s (HTTP {result.status})")
    ok = result.status == 200 and result.body.get("sha256") == expected_sha and result.body.get("sizebytes") == size
    print(f"stored: sha256 {'matches' if ok else 'MISMATCH'}, sizebytes={result.body.get('sizebytes')}")
    if baseline_kb is None or sampler is None:
        print("server RSS: not measured (pass --server-pid with --url)")
        return 0 if ok else 1
    peak_kb = max(sampler.peak_kb, hwm_kb or 0)
    growth_mb = (peak_kb - baseline_kb) / 1024
    print(f"server RSS: baseline {baseline_kb / 1024:.1f} MiB, peak {peak_kb / 1024:.1f} MiB ", end="")
    print(f"({sampler.samples} samples, VmHWM {'%.1f MiB' % (hwm_kb / 1024) if hwm_kb else 'n/a'})")
    verdict = "OK" if growth_mb < TARGET_GROWTH_MB else "OVER TARGET"
    print(f"peak RSS growth: {growth_mb:.1f} MiB (target < {TARGET_GROWTH_MB:.0f} MB) {verdict}")
    return 0 if ok and growth_mb < TARGET_GROWTH_MB else 1


def run_self_hosted(size: int, database_url: str | None, keep: bool) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="upload-bench-"))
    env = server_environment(workdir, database_url, max_bytes=size + 16 * MIB)
    server: subprocess.Popen[bytes] | None = None
    try:
        token = prepare_database_and_token(env)
        port = free_port()
        server = start_server(env, port, workdir / "server.log")
        wait_until_ready("127.0.0.1", port, server)
        pid = worker_pid(server.pid)
        print(f"granian on 127.0.0.1:{port}, worker pid {pid}, workdir {workdir}")
        code = measure(f"http://127.0.0.1:{port}", token, pid, size)
        leftovers = list((workdir / "upload-tmp").iterdir())
        print(f"temporary upload files left: {len(leftovers)}")
        return code
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="base URL of a running server (default: start granian here)")
    parser.add_argument("--token", help="JWT access token of a buyer (with --url)")
    parser.add_argument("--server-pid", type=int, help="pid of the worker serving the upload (with --url)")
    parser.add_argument("--size-mb", type=int, default=100, help="size of the generated file in MiB")
    parser.add_argument("--database-url", help="database for the self-started server (default: SQLite in tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory for inspection")
    args = parser.parse_args()
    size = args.size_mb * MIB
    if args.url:
        if not args.token:
            parser.error("--url needs --token")
        return measure(args.url, args.token, args.server_pid, size)
    return run_self_hosted(size, args.database_url, args.keep)


if __name__ == "__main__":
    sys.exit(main())
