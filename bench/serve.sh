#!/usr/bin/env bash
# `make serve`: the app as production runs it, on this machine over plain HTTP on loopback.
#
# gunicorn (gthread workers) serves nanets.wsgi with DEBUG off and whitenoise for static files; the
# task worker (manage.py db_worker) runs alongside for meeting packets. Stopping this script (Ctrl-C,
# SIGTERM) stops them all, and if any one exits the others are stopped too.
#
# Environment (defaults in brackets): DATABASE_URL [settings default, sqlite], BIND [127.0.0.1:8000],
# WORKERS [3], THREADS [2], CONN_MAX_AGE [60], SECRET_KEY [a throwaway one, generated],
# ALLOWED_HOSTS [127.0.0.1,localhost], SECURE_SSL_REDIRECT [0], INSECURE_LOCAL_HTTP [0: opt in with 1],
# WORKER_INTERVAL [1] (seconds the task worker waits when its queue is empty), COLLECTSTATIC [auto],
# TASK_WORKERS [1] (how many task workers; 0: none, another instance runs them), GUNICORN [1] (0: task
# workers only, no web server). Several instances may share one database (the benchmark runs two).
# Behind a real TLS proxy set ALLOWED_HOSTS, SECURE_SSL_REDIRECT=1 and TRUSTED_PROXIES (never INSECURE_LOCAL_HTTP).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"

export DEBUG=0
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
# Plain HTTP on loopback: no redirect to HTTPS. Browsers keep Secure cookies from http://127.0.0.1; a client
# that does not (the benchmark's) needs INSECURE_LOCAL_HTTP=1: cookies without the Secure flag, refused by
# nanets/settings.py unless ALLOWED_HOSTS names loopback only, and only for direct loopback clients.
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-0}"
export INSECURE_LOCAL_HTTP="${INSECURE_LOCAL_HTTP:-0}"
# Keep database connections for a minute instead of opening one per request.
export CONN_MAX_AGE="${CONN_MAX_AGE:-60}"
BIND="${BIND:-127.0.0.1:8000}"
WORKERS="${WORKERS:-3}"
THREADS="${THREADS:-2}"
WORKER_INTERVAL="${WORKER_INTERVAL:-1}"
TASK_WORKERS="${TASK_WORKERS:-1}"
GUNICORN="${GUNICORN:-1}"
if ! [[ "$TASK_WORKERS" =~ ^[0-9]+$ ]] || ! [[ "$GUNICORN" =~ ^[01]$ ]]; then
  echo "serve: TASK_WORKERS is a count (0, 1, 2, ...) and GUNICORN is 0 or 1." >&2
  exit 2
fi
if [ "$TASK_WORKERS" = 0 ] && [ "$GUNICORN" = 0 ]; then
  echo "serve: nothing to run (TASK_WORKERS=0 and GUNICORN=0)." >&2
  exit 2
fi

if [ -z "${SECRET_KEY:-}" ]; then
  SECRET_KEY="$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))')"
  export SECRET_KEY
  echo "serve: SECRET_KEY is not set, so a throwaway key was generated for this local run" \
    "(logins do not survive a restart). Set SECRET_KEY for anything else." >&2
fi

# collectstatic compresses ~1,300 files (about a minute on two cores): only when the manifest is missing
# or older than the app's static files or the pins (COLLECTSTATIC=1 forces it).
manifest=staticfiles/staticfiles.json
if [ "${COLLECTSTATIC:-auto}" = 1 ] || [ ! -f "$manifest" ] \
  || [ -n "$(find static requirements.txt -newer "$manifest" -print -quit)" ]; then
  echo "serve: collectstatic (hashed, compressed static files; takes about a minute)" >&2
  "$BIN/python" manage.py collectstatic --noinput --verbosity 0
fi
"$BIN/python" manage.py migrate --noinput --verbosity 0

pids=()
stop() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait || true
}
trap stop EXIT INT TERM

if [ "$GUNICORN" = 1 ]; then
  "$BIN/gunicorn" nanets.wsgi:application --bind "$BIND" --workers "$WORKERS" --threads "$THREADS" \
    --worker-class gthread --timeout 120 --graceful-timeout 5 --log-level warning &
  pids+=($!)
fi
# Each worker makes up its own id (db_worker's default), so several share the one task table.
for _ in $(seq 1 "$TASK_WORKERS"); do
  "$BIN/python" manage.py db_worker --interval "$WORKER_INTERVAL" --no-startup-delay --verbosity 0 &
  pids+=($!)
done
running="$TASK_WORKERS task worker(s)"
if [ "$GUNICORN" = 1 ]; then
  echo "serve: http://$BIND/ (gunicorn ${WORKERS}x${THREADS}, $running; Ctrl-C stops all)" >&2
else
  echo "serve: $running, no web server (GUNICORN=0); Ctrl-C stops all" >&2
fi
# Whichever stops first, the trap stops the others.
wait -n
