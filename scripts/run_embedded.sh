#!/usr/bin/env bash
# Starts the embedded default: web (runserver), a Celery worker and beat, all on files under var/ (VAR_DIR).
#
# Stopping: Ctrl+C (SIGINT) or SIGTERM to this script (or to `make run`, which forwards SIGTERM) stops all three.
# The signal is forwarded to the three main processes only, and the script waits for them. Never `kill 0` (what
# this script did before): it also hit the worker's pool children ("ForkPoolWorker exited with signal 15"), a child
# killed that way can leave the pool's job-queue lock held, so the worker hung in "warm shutdown" for good (billiard's
# _help_stuff_finish waits on that lock), and it killed this script too, orphaning the worker. The worker finishes
# its running tasks (warm shutdown, about 5 s on the filesystem broker); after STOP_TIMEOUT seconds it is stopped
# cold (its acks-late tasks go back to the queue), and whatever is still there after 5 more seconds is killed.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-b2bplatform.settings.local}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
STOP_TIMEOUT="${STOP_TIMEOUT:-10}"
BIN=.venv/bin
VAR_DIR="${VAR_DIR:-var}"
mkdir -p "$VAR_DIR"/{mail,media,broker/queue,broker/processed,log}
VAR_DIR="$(cd "$VAR_DIR" && pwd)"
export VAR_DIR  # read by the settings: every process uses the same folders

$BIN/python manage.py migrate --noinput
# One line: the credentials when it has just created the demo admin, otherwise how to log in.
ADMIN_NOTE="$($BIN/python manage.py ensure_demo_admin)"

pids=()
alive() {
    local pid
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && return 0; done
    return 1
}
wait_all() {  # wait_all SECONDS: true once every process has exited
    local deadline=$((SECONDS + $1))
    while alive && ((SECONDS < deadline)); do sleep 0.2; done
    ! alive
}
stop() {
    trap - INT TERM EXIT
    ((${#pids[@]})) || return 0
    echo "Stopping web, worker and beat..." >&2
    kill -TERM "${pids[@]}" 2>/dev/null || true
    if ! wait_all "$STOP_TIMEOUT"; then
        echo "Still running after ${STOP_TIMEOUT}s: cold shutdown of the worker." >&2
        kill -QUIT "${pids[@]}" 2>/dev/null || true
        wait_all 5 || kill -KILL "${pids[@]}" 2>/dev/null || true
    fi
    wait 2>/dev/null || true
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap 'stop' EXIT

# A background process of a script ignores SIGINT; the traps above forward the stop to each of them.
$BIN/celery -A b2bplatform worker --loglevel=INFO --concurrency=2 >"$VAR_DIR/log/worker.log" 2>&1 &
pids+=($!)
$BIN/celery -A b2bplatform beat --loglevel=INFO --schedule "$VAR_DIR/celerybeat-schedule" >"$VAR_DIR/log/beat.log" 2>&1 &
pids+=($!)

cat <<MSG

  B2B Platform is starting (embedded mode: SQLite, filesystem broker, files under $VAR_DIR/)
    API health   http://$HOST:$PORT/api/v1/health
    Swagger UI   http://$HOST:$PORT/docs
    ReDoc        http://$HOST:$PORT/redoc
    Admin        http://$HOST:$PORT/admin/
                 $ADMIN_NOTE
    E-mails      $VAR_DIR/mail/ (one file per e-mail: the buyers' login codes and the supplier e-mails)
    Logs         $VAR_DIR/log/worker.log, $VAR_DIR/log/beat.log
  Press Ctrl+C (or send SIGTERM) to stop everything.

MSG
$BIN/python manage.py runserver "$HOST:$PORT" --noreload &
pids+=($!)
# Returns when any of the three exits (then the others are stopped) or when a signal runs its trap.
status=0
wait -n "${pids[@]}" || status=$?
stop
exit "$status"
