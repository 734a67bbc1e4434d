#!/usr/bin/env bash
# Starts the embedded default: web (runserver), a Celery worker and beat, all on files under var/.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-b2bplatform.settings.local}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
BIN=.venv/bin
mkdir -p var/mail var/media var/broker/queue var/broker/processed var/log

$BIN/python manage.py migrate --noinput
$BIN/python manage.py ensure_demo_admin

trap 'trap - EXIT INT TERM; kill 0 2>/dev/null; wait' EXIT INT TERM
$BIN/celery -A b2bplatform worker --loglevel=INFO --concurrency=2 >var/log/worker.log 2>&1 &
$BIN/celery -A b2bplatform beat --loglevel=INFO --schedule var/celerybeat-schedule >var/log/beat.log 2>&1 &

cat <<MSG

  B2B Platform is starting (embedded mode: SQLite, filesystem broker, e-mails in var/mail/)
    API health   http://$HOST:$PORT/api/v1/health
    Swagger UI   http://$HOST:$PORT/docs
    ReDoc        http://$HOST:$PORT/redoc
    Admin        http://$HOST:$PORT/admin/   (demo admin: admin@example.com / admin)
    Logs         var/log/worker.log, var/log/beat.log
  Press Ctrl+C to stop everything.

MSG
$BIN/python manage.py runserver "$HOST:$PORT" --noreload
