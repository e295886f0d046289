"""The Recruit app as the load test serves it: CSRF and rate limits off, scratch storage.

    RECRUIT_LOAD_INSTANCE=/tmp/... RECRUIT_DATABASE_URL=... gunicorn bench.load_app:app

Only bench/loadtest.py starts it. Students' forms and the board post without tokens here,
and every request comes from 127.0.0.1, so the limits that guard the real site would
measure themselves rather than Recruit. The database and instance folder come from the
environment and must be the load test's scratch ones, never a user's.
"""

import os

from recruit import create_app

instance = os.environ.get("RECRUIT_LOAD_INSTANCE")
if not instance or not os.environ.get("RECRUIT_DATABASE_URL"):
    raise RuntimeError("bench/load_app.py serves only the load test's scratch database")

app = create_app(
    {
        "INSTANCE_PATH": instance,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "MIN_FILL_SECONDS": 0,
    }
)
