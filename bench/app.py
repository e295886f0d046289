"""The app `make bench` serves with gunicorn: Recruit on a scratch database.

    RECRUIT_DATABASE_URL=sqlite:///... RECRUIT_BENCH_INSTANCE=/tmp/... gunicorn bench.app:app

CSRF and the rate limits are off in this app only, so that one load client at one
address can sign in once and post forms without scraping tokens, and each answer says
how long the app took in a Server-Timing header; everything else is Recruit's own
configuration, read from the RECRUIT_* variables.
"""

import os

from recruit import create_app

app = create_app(
    {
        "INSTANCE_PATH": os.environ["RECRUIT_BENCH_INSTANCE"],
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_TIMING": True,
    }
)
