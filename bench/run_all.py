"""`make bench`: the product on PostgreSQL + Redis under granian (2 workers) and Celery, loaded with wrk.

Steps: recreate the benchmark database, migrate, seed (bench/seed.py: 200 requests × 5 keys for the buyer under
test, one request of 2,000 linked keys, a buyer with 10,000 requests), start the web server and a Celery worker, run wrk
against the hot path (list, detail, create, the 2,000-key detail, page 1 and the page at offset 9,950 of 10,000)
while measuring the CPU the server and the bench database's PostgreSQL backends spend per request (from /proc),
count queries per request, read the workers' memory, then run the other scripts in bench/ and print the tables.
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
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
BIN = ROOT / ".venv" / "bin"
DB_NAME = os.environ.get("BENCH_DB", "b2bplatform_bench")
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "32")  # issue 15's setup: wrk -t2 -c32
# sync measured best on 2 cores (CPU-bound requests; gthread lost to the GIL, docs/performance.md).
WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "sync")
THREADS = os.environ.get("BENCH_THREADS", "1")
SKIP_OTHERS = os.environ.get("BENCH_SKIP_OTHERS", "") == "1"
# granian as production runs it (decision 0017); "gunicorn" (sync workers) measures the previous server
SERVER = os.environ.get("BENCH_SERVER", "granian")
# Keeps the seeded database and its keys between runs (var/bench/<db>.json): for iterating, not for figures.
REUSE = os.environ.get("BENCH_REUSE", "") == "1"
# Only these rows of the hot path (comma-separated keys: list,detail,create,big,page1,deep,floor): for iterating.
ONLY = {key for key in os.environ.get("BENCH_ONLY", "").split(",") if key}
# A slow endpoint runs longer than DURATION, until about this many requests (at most MAX_SECONDS): the CPU of the
# requests still in the workers when wrk stops is billed to the run, so a run of a few requests overstates it.
MIN_REQUESTS = int(os.environ.get("BENCH_MIN_REQUESTS", "100"))
MAX_SECONDS = 60


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
        # Longer than the whole load test: a backend closed and reopened between two /proc snapshots would take
        # its CPU with it (production's 60 s default costs one reconnect a minute, nothing per request).
        CONN_MAX_AGE=os.environ.get("CONN_MAX_AGE", "3600"),
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


def wrk(
    url: str, token: str, script: Path | None = None, duration: str = DURATION, connections: str = CONNECTIONS
) -> dict[str, float]:
    # A long timeout: with 32 connections queued on 2 workers a slow call waits 16 × its own time, and with wrk's
    # default 2 s it would give up on requests the server still serves (their CPU counted without them).
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}", "--timeout", "120s", "--latency"]
    cmd += ["-H", f"Authorization: Bearer {token}"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    figures = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
    }
    for pct in ("50", "99"):
        value, unit = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s|m|h)", out).groups()
        figures[f"p{pct}"] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}[unit]
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


CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True, slots=True)
class Proc:
    ppid: int
    comm: str
    ticks: int  # utime + stime, in clock ticks
    reaped: int  # cutime + cstime: the CPU of the children it has waited for (a restarted worker)
    start: int  # start time since boot, in clock ticks: with the pid it names a process even if the pid is reused


def proc_stat(pid: int) -> Proc | None:
    """Fields 4, 14–17 and 22 of /proc/<pid>/stat (man 5 proc); ``None`` when the process is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    comm = raw[raw.index("(") + 1 : raw.rindex(")")]
    rest = raw[raw.rindex(")") + 2 :].split()  # rest[0] is field 3: field n is rest[n - 3]
    ticks, reaped = int(rest[11]) + int(rest[12]), int(rest[13]) + int(rest[14])
    return Proc(ppid=int(rest[1]), comm=comm, ticks=ticks, reaped=reaped, start=int(rest[19]))


def all_procs() -> dict[int, Proc]:
    procs = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and (proc := proc_stat(int(entry.name))) is not None:
            procs[int(entry.name)] = proc
    return procs


def backend_database(pid: int) -> str | None:
    """The database of a PostgreSQL backend from its title, "postgres: [cluster: ]user database host state"."""
    try:
        title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    match = re.match(r"postgres: (?:\S+: )?(\S+) (\S+) \S", title)
    return match.group(2) if match else None


def cpu_snapshot(server_pid: int) -> dict[str, dict[tuple[int, int], int]]:
    """CPU ticks of the web server master and every descendant, and of the bench database's PostgreSQL backends.

    The master's count includes the workers it reaped (one killed on timeout still counts). Only the backends
    connected to ``DB_NAME``: the other helpers' test databases share the cluster (so the postmaster's reaped
    count is no use), and the cluster's background processes (WAL writer, checkpointer) are left out too.
    """
    procs = all_procs()
    server, queue = {}, [server_pid]
    while queue:
        pid = queue.pop()
        if pid in procs:
            server[(pid, procs[pid].start)] = procs[pid].ticks + (procs[pid].reaped if pid == server_pid else 0)
            queue += [child for child, proc in procs.items() if proc.ppid == pid]
    postgres = {
        (pid, proc.start): proc.ticks
        for pid, proc in procs.items()
        if proc.comm == "postgres" and backend_database(pid) == DB_NAME
    }
    return {"server": server, "postgres": postgres}


def cpu_delta(before: dict[tuple[int, int], int], after: dict[tuple[int, int], int]) -> tuple[float, int]:
    """CPU seconds spent between two snapshots over the union of their processes, and how many exited.

    A process seen only after counts from its start (a new backend's connection cost belongs to the run); one
    that exited in between is lost (its last ticks are unknown), which persistent connections avoid.
    """
    ticks = sum(after.get(key, before.get(key, 0)) - before.get(key, 0) for key in before.keys() | after.keys())
    return ticks / CLK_TCK, len(before.keys() - after.keys())


def settle(server_pid: int, timeout: float = 180) -> None:
    """Waits until the server and its backends are idle: the requests left queued by the previous wrk run
    (served after wrk stopped) must not be billed to the next one."""
    deadline = time.monotonic() + timeout
    previous = None
    while time.monotonic() < deadline:
        snap = cpu_snapshot(server_pid)
        total = sum(sum(group.values()) for group in snap.values())
        if previous is not None and total - previous <= 1:
            return
        previous = total
        time.sleep(0.5)
    print(f"warning: the server was still busy after {timeout:.0f} s", file=sys.stderr)


def run_length(warm_rps: float) -> str:
    """``DURATION``, or long enough for ``MIN_REQUESTS`` at the warm-up's rate, but not beyond ``MAX_SECONDS``."""
    value, unit = re.fullmatch(r"([\d.]+)([smh]?)", DURATION).groups()
    seconds = float(value) * {"": 1, "s": 1, "m": 60, "h": 3600}[unit]
    needed = MIN_REQUESTS / warm_rps if warm_rps > 0 else MAX_SECONDS
    return f"{max(seconds, min(needed, MAX_SECONDS)):.0f}s"


def measured(
    url: str, token: str, server_pid: int, script: Path | None = None, duration: str = DURATION
) -> dict[str, float]:
    """``wrk`` plus the CPU milliseconds per request the server and PostgreSQL spent while it ran."""
    settle(server_pid)
    before = cpu_snapshot(server_pid)
    figures = wrk(url, token, script, duration)
    after = cpu_snapshot(server_pid)
    served = max(figures["requests"], 1)
    server_s, server_lost = cpu_delta(before["server"], after["server"])
    postgres_s, postgres_lost = cpu_delta(before["postgres"], after["postgres"])
    figures.update(
        duration=duration,
        server_ms=server_s * 1000 / served,
        postgres_ms=postgres_s * 1000 / served,
        cpu_ms=(server_s + postgres_s) * 1000 / served,
        lost=postgres_lost,
        restarts=server_lost,
        backends=len(after["postgres"]),
    )
    return figures


def query_counts(env: dict[str, str], seeded: dict[str, object]) -> dict[str, int]:
    """SQL queries of one call of each measured endpoint, in process; the count includes the user's query."""
    code = f"""
import json, django
django.setup()
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken
from accounts.models import User
def client(email):
    api = APIClient(SERVER_NAME="127.0.0.1")
    token = RefreshToken.for_user(User.objects.get(email=email)).access_token
    api.credentials(HTTP_AUTHORIZATION="Bearer " + str(token))
    return api
buyer, big, deep = (client(e + "@buyer.example") for e in ("bench", "bench-big", "bench-deep"))
keys = [{{"pos": pos, "text": "Фланец плоский Д" + str(pos)}} for pos in range(1, 6)]
counts = {{}}
for name, call in [
    ("list", lambda: buyer.get("/api/v1/user/requests?limit=50")),
    ("detail", lambda: buyer.get("/api/v1/user/requests/{seeded["request_id"]}")),
    ("create", lambda: buyer.post("/api/v1/user/requests", {{"keys": keys}}, format="json")),
    ("big", lambda: big.get("/api/v1/user/requests/{seeded["big_request_id"]}")),
    ("page1", lambda: deep.get("/api/v1/user/requests?limit=50")),
    ("floor", lambda: buyer.get("/api/v1/health")),
    ("deep", lambda: deep.get("/api/v1/user/requests?limit=50&offset={int(seeded["deep_requests"]) - 50}")),
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
        ("import_corpus.py", []),
        ("discovery_run.py", []),
        ("upload_memory.py", ["--database-url", f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"]),
        ("send_fanout.py", ["--broker", broker]),
        ("inbound_replies.py", ["--broker", broker]),
        ("reminders_plan.py", []),
        ("quotes_comparison.py", []),
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


def fresh_tokens(env: dict[str, str]) -> dict[str, str]:
    """New access tokens for the seed's three buyers (``BENCH_REUSE``: the seeded ones expire)."""
    code = """
import json, django
django.setup()
from rest_framework_simplejwt.tokens import RefreshToken
from accounts.models import User
def token(email):
    return str(RefreshToken.for_user(User.objects.get(email=email)).access_token)
print(json.dumps({name: token(f"{email}@buyer.example") for name, email in
    [("token", "bench"), ("big_token", "bench-big"), ("deep_token", "bench-deep")]}))
"""
    return json.loads(run([PY, "-c", code], env).stdout.strip().splitlines()[-1])


def server_command(port: int) -> list[str]:
    """The web server with 2 workers: granian as production runs it (README), or gunicorn to compare."""
    if SERVER == "granian":
        return [
            str(BIN / "granian"),
            "--interface",
            "wsgi",
            "--workers",
            "2",
            "--blocking-threads",
            THREADS,
            # a thread that exits takes its persistent DB connection (and that backend's CPU) with it
            "--blocking-threads-idle-timeout",
            "600",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            *os.environ.get("BENCH_SERVER_ARGS", "").split(),
            "b2bplatform.wsgi:application",
        ]
    return [
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
    ]


def main() -> int:
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2
    port = free_port()
    env = bench_env(port)
    kept = ROOT / "var" / "bench" / f"{DB_NAME}.json"
    if REUSE and kept.exists():
        seeded = json.loads(kept.read_text())
        env.update(SECRET_KEY=seeded.pop("secret_key"), JWT_SIGNING_KEY=seeded.pop("jwt_signing_key"))
        # what earlier runs' creates added goes, so the list sees the seed again
        last = int(seeded.pop("last_request_id"))
        forget = f"DELETE FROM requests_app_requestkey WHERE request_id > {last}; "  # noqa: S608  # nosec B608
        forget += f"DELETE FROM requests_app_request WHERE id > {last}"  # noqa: S608  # nosec B608
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", forget, DB_NAME], check=True)
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", "VACUUM ANALYZE", DB_NAME], check=True)
        seeded.update(fresh_tokens(env))  # the kept ones have expired
    else:
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB_NAME], check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB_NAME], check=True)
        run([PY, "manage.py", "migrate", "--noinput"], env, timeout=300)
        seeded = json.loads(run([PY, "bench/seed.py"], env, timeout=600).stdout.strip().splitlines()[-1])
        # Bulk-inserted rows have no planner statistics and no visibility map yet (index-only scans would still
        # read the heap); a production database has both (autovacuum vacuums and analyzes insert-mostly tables).
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", "VACUUM ANALYZE", DB_NAME], check=True)
        kept.parent.mkdir(parents=True, exist_ok=True)
        last = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SELECT max(id) FROM requests_app_request", DB_NAME],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        secrets_kept = {"secret_key": env["SECRET_KEY"], "jwt_signing_key": env["JWT_SIGNING_KEY"]}
        kept.write_text(json.dumps({**seeded, **secrets_kept, "last_request_id": int(last)}))
    base = f"http://127.0.0.1:{port}"
    web = subprocess.Popen(
        server_command(port),
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
        idle_rss = rss_mb(children(web.pid))
        results = hot_path(base, seeded, web.pid)
        loaded_rss = rss_mb(children(web.pid))
        queries = query_counts(env, seeded)
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
    print_table(
        ("endpoint", "req/s", "p99 ms", "CPU ms/req (server + pg)", "target", "ok?", "requests", "queries", "errors"),
        hot_path_rows(results, queries),
    )
    lost, restarts = (sum(int(fig[name]) for fig in results.values()) for name in ("lost", "restarts"))
    print(
        f"CPU: utime+stime from /proc of {SERVER} (master + workers) and of the {DB_NAME} backends "
        f"({max(fig['backends'] for fig in results.values())} seen), per request served by wrk; backends lost "
        f"between snapshots: {lost}; workers restarted: {restarts}; CONN_MAX_AGE={env['CONN_MAX_AGE']}"
    )
    rows = [
        ("queries: list page of 50", str(queries["list"]), "≤ 4"),
        ("queries: detail, 5 / 2,000 keys", f"{queries['detail']} / {queries['big']}", "≤ 6 (500 keys)"),
        (f"{SERVER} RSS (2 workers)", f"{idle_rss:.1f} MB idle, {loaded_rss:.1f} MB after load", "—"),
    ]
    rows += [(name, line, TARGETS.get(name, "—")) for name, line in others]
    print_table(("measure", "figure", "target"), rows)
    shape = f"{WORKER_CLASS}, {THREADS} threads" if SERVER == "gunicorn" else f"{THREADS} blocking thread(s) each"
    print(f"{SERVER} 2 workers ({shape}), wrk {CONNECTIONS} connections, {DURATION} each")
    print(f"Celery worker log: {worker_log}")
    return 0


# (key, label, token in the seed's answer, path, wrk script, target CPU ms per request); create runs last so the
# list and detail see the buyer's 200 seeded requests only. "2x page1": at most twice page 1's CPU.
HOT_PATH = [
    ("list", "GET /user/requests?limit=50", "token", "/api/v1/user/requests?limit=50", None, 1.4),
    ("detail", "GET /user/requests/{id} (5 keys)", "token", "/api/v1/user/requests/{request_id}", None, 1.1),
    (
        "big",
        "GET /user/requests/{id} (2,000 keys, links)",
        "big_token",
        "/api/v1/user/requests/{big_request_id}",
        None,
        12.0,
    ),
    ("page1", "list page 1 of 10,000", "deep_token", "/api/v1/user/requests?limit=50", None, None),
    (
        "deep",
        "list page at offset 9,950 of 10,000",
        "deep_token",
        "/api/v1/user/requests?limit=50&offset={deep_offset}",
        None,
        "2x page1",
    ),
    ("create", "POST /user/requests (5 keys)", "token", "/api/v1/user/requests", "create.lua", 1.7),
    # No target: what any call costs here before our code runs (the web server + Django middleware + DRF dispatch).
    ("floor", "GET /health (floor: no auth, no SQL)", "token", "/api/v1/health", None, None),
]
ROW_ORDER = ("list", "detail", "create", "big", "page1", "deep", "floor")  # the order, then the floor


def hot_path(base: str, seeded: dict[str, object], server_pid: int) -> dict[str, dict[str, float]]:
    """Warms every GET up (imports, persistent DB connections), then loads each endpoint with CPU accounting."""
    values = {**seeded, "deep_offset": int(seeded["deep_requests"]) - 50}
    calls = [
        (key, f"{base}{path.format(**values)}", str(seeded[token]), script)
        for key, _, token, path, script, _ in HOT_PATH
        if not ONLY or key in ONLY
    ]
    durations = {}
    for key, url, token, script in calls:
        if script is None:  # 2 connections: no queue left behind for the measured runs
            settle(server_pid)
            durations[key] = run_length(wrk(url, token, duration="2s", connections="2")["rps"])
    return {
        key: measured(url, token, server_pid, ROOT / "bench" / script if script else None, durations.get(key, DURATION))
        for key, url, token, script in calls
    }


def hot_path_rows(results: dict[str, dict[str, float]], queries: dict[str, int]) -> list[tuple[str, ...]]:
    labels = {key: label for key, label, *_ in HOT_PATH}
    targets = {key: target for key, *_, target in HOT_PATH}
    rows = []
    for key in (key for key in ROW_ORDER if key in results):
        fig, target = results[key], targets[key]
        if target == "2x page1":
            target = 2 * results["page1"]["cpu_ms"]
            target_text = f"≤ 2 × page 1 = {target:.2f} ms"
        else:
            reference = "(the floor of any call)" if key == "floor" else "(reference for the deep page)"
            target_text = f"≤ {target:g} ms" if target is not None else reference
        cpu = f"{fig['cpu_ms']:.2f} ({fig['server_ms']:.2f} + {fig['postgres_ms']:.2f})"
        ok = "—" if target is None else ("yes" if fig["cpu_ms"] <= target else "NO")
        rows.append(
            (
                labels[key],
                f"{fig['rps']:.1f}",
                f"{fig['p99']:.1f}",
                cpu,
                target_text,
                ok,
                f"{fig['requests']:.0f} in {fig['duration']}",
                str(queries[key]),
                f"{fig['errors']:.0f}",
            )
        )
    return rows


TARGETS = {
    "import_xlsx.py": "2,000 rows < 3 s; crafted file 4xx < 5 s",
    "import_corpus.py": "each corpus file, and 2,000 rows through the sandbox < 3 s",
    "discovery_run.py": "200 keys × 10 results grouped < 30 s; queue page ≤ 5 queries",
    "upload_memory.py": "100 MB upload: RSS growth < 20 MB",
    "send_fanout.py": "answer < 1 s, all delivered < 30 s",
    "inbound_replies.py": "1,000 replies in the mailbox filed < 60 s with one worker",
    "reminders_plan.py": "reminders for 10,000 open recipients planned < 10 s, ≤ 10 queries",
    "quotes_comparison.py": "2,000 keys × 20 quotes: JSON ≤ 8 queries and < 1 s; XLSX < 5 s",
}


def print_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """A Markdown table, columns padded to their widest cell (pasted as is into docs/performance.md)."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    line = "|".join("-" * (width + 2) for width in widths)
    print()
    print("| " + " | ".join(cell.ljust(width) for cell, width in zip(header, widths, strict=True)) + " |")
    print("|" + line + "|")
    for row in rows:
        print("| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + " |")


if __name__ == "__main__":
    sys.exit(main())
