"""`make bench`: the product on PostgreSQL + Redis under gunicorn (2 workers) and Celery, loaded with wrk.

Steps: recreate the benchmark database, migrate, seed (1,000 requests × 5 keys, 200 suppliers), start
gunicorn and a Celery worker, run wrk against list, detail and create, count queries per request, read the
workers' memory, then run the other scripts in bench/ and print one table of figures.
"""

import http.client
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
BIN = ROOT / ".venv" / "bin"
DB_NAME = os.environ.get("BENCH_DB", "b2bplatform_bench")
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "16")
# sync measured best on 2 cores (CPU-bound requests; gthread lost to the GIL, docs/performance.md).
WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "sync")
THREADS = os.environ.get("BENCH_THREADS", "1")
SKIP_OTHERS = os.environ.get("BENCH_SKIP_OTHERS", "") == "1"


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


def wait_http(port: int, path: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", path)
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
        finally:
            connection.close()
    raise RuntimeError(f"127.0.0.1:{port}{path} did not answer in {timeout} s")


def wrk(url: str, token: str, script: Path | None = None, duration: str = DURATION) -> dict[str, float]:
    cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{duration}", "--latency", "-H", f"Authorization: Bearer {token}"]
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


def other_scripts(base_env: dict[str, str]) -> list[tuple[str, str]]:
    """Runs the per-issue scripts after the load test (they start their own servers and workers, so they must
    not share the CPU with it); each prints its own figures, kept as printed. They get the caller's
    environment, not the production one of the load test (they drive the Django test client, which the
    production ALLOWED_HOSTS would refuse), and Redis DB 9 as their broker."""
    broker = "redis://127.0.0.1:6379/9"
    scripts = [
        ("import_xlsx.py", []),
        ("upload_memory.py", ["--database-url", f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"]),
        ("send_fanout.py", ["--broker", broker]),
    ]
    rows = []
    for name, args in scripts:
        path = ROOT / "bench" / name
        if not path.exists():
            rows.append((name, "missing"))
            continue
        result = subprocess.run(
            [PY, str(path), *args], cwd=ROOT, env=base_env, capture_output=True, text=True, timeout=900
        )
        lines = [line for line in result.stdout.strip().splitlines() if line.strip()] or ["(no output)"]
        if result.returncode == 0:
            rows.append((name, "; ".join(lines[-2:])))
        else:
            errors = [
                line for line in result.stderr.splitlines() if "Warning" not in line and "mw_instance" not in line
            ]
            rows.append((name, f"FAILED ({result.returncode}): " + " | ".join(lines[-2:] + errors[-6:])))
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
    # Bulk-inserted rows have no planner statistics yet; a production database would (autovacuum analyzes it).
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", "ANALYZE", DB_NAME], check=True)
    base = f"http://127.0.0.1:{port}"
    web = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "b2bplatform.wsgi",
            "-w",
            "2",
            "-k",
            WORKER_CLASS,
            "--threads",
            THREADS,
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    worker_log = Path(tempfile.mkdtemp(prefix="b2b-bench-")) / "celery.log"
    worker = subprocess.Popen(
        [str(BIN / "celery"), "-A", "b2bplatform", "worker", "-c", "2", "--loglevel", "WARNING"],
        cwd=ROOT,
        env=env,
        stdout=worker_log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_http(port, "/api/v1/health")
        token, request_id = seeded["token"], seeded["request_id"]
        idle_rss = rss_mb(children(web.pid))
        # Warm-up: the first requests of each worker import modules and open the persistent DB connection.
        for path in ("/api/v1/user/requests?limit=50", f"/api/v1/user/requests/{request_id}"):
            wrk(f"{base}{path}", token, duration="2s")
        results = {
            "list (50 per page)": wrk(f"{base}/api/v1/user/requests?limit=50", token),
            "detail (5 keys)": wrk(f"{base}/api/v1/user/requests/{request_id}", token),
            "create (3 keys)": wrk(f"{base}/api/v1/user/requests", token, ROOT / "bench" / "create.lua"),
        }
        loaded_rss = rss_mb(children(web.pid))
        queries = query_counts(env, request_id)
    finally:
        for proc in (web, worker):
            proc.send_signal(signal.SIGTERM)
        for proc in (web, worker):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    script_env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    script_env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
    others = [] if SKIP_OTHERS else other_scripts(script_env)
    rows = [
        (
            name,
            f"{fig['rps']:.1f} req/s, p50 {fig['p50']:.2f} ms, p99 {fig['p99']:.2f} ms, "
            f"{fig['errors']:.0f} errors, {queries[q]} queries",
            TARGETS[q],
        )
        for (name, fig), q in zip(results.items(), ("list", "detail", "create"), strict=True)
    ]
    rows.append(("gunicorn RSS (2 workers)", f"{idle_rss:.1f} MB idle, {loaded_rss:.1f} MB after load", "—"))
    rows += [(name, line, TARGETS.get(name, "—")) for name, line in others]
    print_table(rows)
    print(f"gunicorn 2 workers ({WORKER_CLASS}, {THREADS} threads), wrk {CONNECTIONS} connections, {DURATION} each")
    print(f"Celery worker log: {worker_log}")
    return 0


TARGETS = {
    "list": "≤ 4 queries; throughput ≥ the FastAPI service's",
    "detail": "≤ 6 queries (500 keys); throughput ≥ FastAPI's",
    "create": "throughput ≥ the FastAPI service's",
    "import_xlsx.py": "2,000 rows < 3 s",
    "upload_memory.py": "100 MB upload: RSS growth < 20 MB",
    "send_fanout.py": "answer < 1 s, all delivered < 30 s",
}


def print_table(rows: list[tuple[str, str, str]]) -> None:
    """One table of every figure: what was measured, what it measured, the PRODUCT.md §4 target."""
    header = ("measure", "figure", "target")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    line = "|".join("-" * (width + 2) for width in widths)
    print()
    print("| " + " | ".join(cell.ljust(width) for cell, width in zip(header, widths, strict=True)) + " |")
    print("|" + line + "|")
    for row in rows:
        print("| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + " |")


if __name__ == "__main__":
    sys.exit(main())
