"""gunicorn's configuration for the journal: ``gunicorn -c gunicorn.conf.py``.

Copied to /etc/journal/gunicorn.conf.py by the recipe in the README ("Production");
``make serve`` uses it from the checkout. The application reads its settings from the
``JOURNAL_*`` environment (the systemd units load /etc/journal/journal.env). Options on the
command line win over this file (``make serve`` passes ``--bind``).
"""

import multiprocessing
import os

wsgi_app = "journal:create_app()"

# nginx (deploy/nginx/journal.conf) proxies to this address.
bind = "127.0.0.1:8000"

# Threads, so that a slow upload or download does not hold a whole process. Web workers
# stay lean (typesetting runs on the RQ workers): two processes a core (WEB_CONCURRENCY
# overrides), four threads each.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count())
threads = 4

# A worker silent this long is restarted; a stopping one may finish its requests this long.
timeout = 60
graceful_timeout = 30
# An idle keep-alive connection is closed by the proxy, never under its feet: gunicorn keeps
# one open longer than nginx's upstream keepalive_timeout (30 s, deploy/nginx/journal.conf).
# A gthread worker waits on idle connections without holding a thread.
keepalive = 35
# Each process is replaced after so many requests: a leak cannot grow for ever.
max_requests = 2000
max_requests_jitter = 200
# Heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# The journal logs one line per request itself (request id, user, method, path, status,
# duration; JOURNAL_LOG_FORMAT), so gunicorn's access log is off. Its own messages (workers
# starting and stopping) go to standard error, into the systemd journal.
accesslog = None
errorlog = "-"
loglevel = "info"
# systemd signals the processes (reload: HUP); no control socket in the home folder
# (gunicorn 27's, which a second instance on the machine would take over).
control_socket_disable = True


def post_worker_init(worker):
    """In each worker, once the application is loaded: a crash (a segmentation fault in a C
    extension) leaves its traceback in the log, next to the line naming the native code the
    worker has loaded."""
    from journal.logs import watch_for_crashes

    watch_for_crashes("gunicorn worker")


# X-Forwarded-Proto is believed from nginx on this machine only (the journal's
# JOURNAL_PROXIES=1 trusts X-Forwarded-For and -Proto from that one proxy too).
forwarded_allow_ips = "127.0.0.1,::1"
