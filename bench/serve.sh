#!/usr/bin/env bash
# `make serve`: the app as production runs it, on this machine over plain HTTP on loopback.
#
# gunicorn (gthread workers) serves nanets.wsgi with DEBUG off and whitenoise for static files; the
# task worker (manage.py db_worker) runs alongside for meeting packets. Stopping this script (Ctrl-C,
# SIGTERM) stops both, and if either one exits the other is stopped too.
#
# Environment (defaults in brackets): DATABASE_URL [settings default, sqlite], BIND [127.0.0.1:8000],
# WORKERS [3], THREADS [2], CONN_MAX_AGE [60], SECRET_KEY [a throwaway one, generated],
# ALLOWED_HOSTS [127.0.0.1,localhost], SECURE_SSL_REDIRECT [0], INSECURE_LOCAL_HTTP [0: opt in with 1],
# WORKER_INTERVAL [1] (seconds the task worker waits when its queue is empty), COLLECTSTATIC [auto].
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

"$BIN/gunicorn" nanets.wsgi:application --bind "$BIND" --workers "$WORKERS" --threads "$THREADS" \
  --worker-class gthread --timeout 120 --graceful-timeout 5 --log-level warning &
pids+=($!)
"$BIN/python" manage.py db_worker --interval "$WORKER_INTERVAL" --no-startup-delay --verbosity 0 &
pids+=($!)
echo "serve: http://$BIND/ (gunicorn ${WORKERS}x${THREADS}, task worker running; Ctrl-C stops both)" >&2
# Whichever stops first, the trap stops the other.
wait -n
