"""`make bench`: the product on PostgreSQL + Redis under gunicorn (2 workers) and Celery, loaded with wrk.

Steps: recreate the benchmark database, migrate, seed (1,000 requests × 5 keys, 200 suppliers), start
gunicorn and a Celery worker, run wrk against list, detail and create, count queries per request, read the
workers' memory, then run the other scripts in bench/ and print one table of figures.
"""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
BIN = ROOT / ".venv" / "bin"
DB_NAME = os.environ.get("BENCH_DB", "b2bplatform_bench")
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "16")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="b2bplatform.settings.production",
        SECRET_KEY=secrets.token_urlsafe(48),
        JWT_SIGNING_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/9",
        MEDIA_ROOT=tempfile.mkdtemp(prefix="b2b-bench-media-"),
        LOG_LEVEL="WARNING",
        BENCH_PORT=str(port),
    )
    env.pop("EMAIL_URL", None)
    return env


def run(cmd: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, env=env, check=True, text=True, capture_output=True, **kwargs)


def wait_http(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback only
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer in {timeout} s")


def wrk(url: str, token: str, script: Path | None = None) -> dict[str, float]:
    cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", "-H", f"Authorization: Bearer {token}"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    figures = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for pct in ("50", "99"):
        value, unit = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)", out).groups()
        figures[f"p{pct}"] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    figures["errors"] = int(non2xx.group(1)) if non2xx else 0
    return figures


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        status = Path(f"/proc/{pid}/status").read_text()
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
    return total / 1024


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def query_counts(env: dict[str, str], request_id: int) -> dict[str, int]:
    code = f"""
import json, django
django.setup()
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken
from accounts.models import User
buyer = User.objects.get(email="bench@buyer.example")
client = APIClient(SERVER_NAME="127.0.0.1")
client.credentials(HTTP_AUTHORIZATION="Bearer " + str(RefreshToken.for_user(buyer).access_token))
counts = {{}}
for name, call in [
    ("list", lambda: client.get("/api/v1/user/requests?limit=50")),
    ("detail", lambda: client.get("/api/v1/user/requests/{request_id}")),
    ("create", lambda: client.post(
        "/api/v1/user/requests", {{"keys": [{{"pos": 1, "text": "Фланец"}}]}}, format="json"
    )),
]:
    with CaptureQueriesContext(connection) as ctx:
        assert call().status_code == 200
    counts[name] = len(ctx.captured_queries)
print(json.dumps(counts))
"""
    return json.loads(run([PY, "-c", code], env, timeout=120).stdout.strip().splitlines()[-1])


def other_scripts(env: dict[str, str], base_url: str) -> list[tuple[str, str]]:
    """Runs the per-issue scripts; each prints its own figures, kept as printed."""
    rows = []
    scripts = [
        ("import_xlsx.py", []),
        ("upload_memory.py", ["--url", base_url]),
        ("send_fanout.py", []),
    ]
    for name, args in scripts:
        path = ROOT / "bench" / name
        if not path.exists():
            rows.append((name, "missing"))
            continue
        result = subprocess.run([PY, str(path), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
        tail = (result.stdout.strip().splitlines() or ["(no output)"])[-3:]
        rows.append((name, " | ".join(tail) if result.returncode == 0 else f"FAILED: {result.stderr[-300:]}"))
    return rows


def main() -> int:
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2
    port = free_port()
    env = bench_env(port)
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB_NAME], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB_NAME], check=True)
    run([PY, "manage.py", "migrate", "--noinput"], env, timeout=300)
    seeded = json.loads(run([PY, "bench/seed.py"], env, timeout=600).stdout.strip().splitlines()[-1])
    base = f"http://127.0.0.1:{port}"
    web = subprocess.Popen(
        [str(BIN / "gunicorn"), "b2bplatform.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    worker = subprocess.Popen(
        [str(BIN / "celery"), "-A", "b2bplatform", "worker", "-c", "2", "--loglevel", "WARNING"], cwd=ROOT, env=env
    )
    try:
        wait_http(f"{base}/api/v1/health")
        token, request_id = seeded["token"], seeded["request_id"]
        idle_rss = rss_mb(children(web.pid))
        results = {
            "list (50 per page)": wrk(f"{base}/api/v1/user/requests?limit=50", token),
            "detail (5 keys)": wrk(f"{base}/api/v1/user/requests/{request_id}", token),
            "create (3 keys)": wrk(f"{base}/api/v1/user/requests", token, ROOT / "bench" / "create.lua"),
        }
        loaded_rss = rss_mb(children(web.pid))
        queries = query_counts(env, request_id)
        others = other_scripts(env, base)
    finally:
        for proc in (web, worker):
            proc.send_signal(signal.SIGTERM)
        for proc in (web, worker):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    print()
    print(f"{'endpoint':<22}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}{'queries':>9}")
    for (name, fig), q in zip(results.items(), ("list", "detail", "create"), strict=True):
        print(f"{name:<22}{fig['rps']:>10.1f}{fig['p50']:>10.2f}{fig['p99']:>10.2f}{fig['errors']:>8}{queries[q]:>9}")
    print(f"gunicorn workers RSS: {idle_rss:.1f} MB idle, {loaded_rss:.1f} MB after load (2 workers)")
    for name, line in others:
        print(f"{name}: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
