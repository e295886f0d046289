"""Quick server-time measurement of Recruit's busiest pages at a chosen size.

    .venv/bin/python bench/quick.py --candidates 10000

Builds a scratch SQLite database in a temporary folder (never the instance database),
bulk-inserts synthetic candidates with stage history, then times the pages through
the WSGI app in this process (no network): median and 95th percentile over repeated
requests after a warm-up, and the number of SQL statements each page runs.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade
from sqlalchemy import event, insert, select

from recruit import create_app
from recruit.auth.models import Role
from recruit.auth.services import create_user
from recruit.candidates import search
from recruit.candidates.models import (
    Candidate,
    CandidateInterest,
    Interest,
    Stage,
    StageChange,
    Tag,
    candidate_tags,
)
from recruit.candidates.services import create_standard_stages
from recruit.database import utcnow
from recruit.extensions import db
from recruit.universities.models import University

FIRST = ["Ana", "José", "Li", "Maya", "Omar", "Zoë", "Kwame", "Priya", "Sofia", "Noah", "Aiko"]
LAST = ["Ruiz", "Nguyễn", "O'Brien", "Haddad", "Kim", "Okafor", "Schmidt", "Patel", "Silva"]
MAJORS = ["Supply chain", "Business", "Public administration", "Law", "Economics"]


def seed(count: int, rng: random.Random) -> None:
    """Bulk-insert universities, candidates, interests, tags and stage history."""
    stages = create_standard_stages()
    create_user("Bench Admin", "bench@recruit.example", Role.ADMIN, "bench-password-1", by=None)
    universities = [University(name=f"State University {n}", state="CA") for n in range(40)]
    tags = [Tag(name=name) for name in ("bilingual", "veteran", "returning", "STEM")]
    db.session.add_all(universities + tags)
    db.session.flush()
    path = [stages[key] for key in ("interested", "screening", "interview", "offer")]
    now = utcnow()
    for start in range(0, count, 5000):
        rows, history, interests, tagged = [], [], [], []
        for n in range(start, min(count, start + 5000)):
            depth = rng.choices([1, 2, 3, 4], weights=[50, 25, 15, 10])[0]
            created = now - timedelta(days=rng.randint(1, 400))
            rows.append(
                {
                    "id": n + 1,
                    "first_name": rng.choice(FIRST),
                    "last_name": f"{rng.choice(LAST)}{n}",
                    "email": f"student{n}@university.example",
                    "university_id": rng.choice(universities).id,
                    "major": rng.choice(MAJORS),
                    "grad_year": rng.randint(now.year, now.year + 3),
                    "stage_id": path[depth - 1].id,
                    "stage_entered_at": created + timedelta(days=depth),
                    "created_at": created,
                    "last_activity_at": created,
                    "updated_at": created,
                    "procurement_areas": [],
                }
            )
            previous = None
            for step in range(depth):
                history.append(
                    {
                        "candidate_id": n + 1,
                        "from_stage_id": previous,
                        "to_stage_id": path[step].id,
                        "created_at": created + timedelta(days=step),
                        "comment": "",
                    }
                )
                previous = path[step].id
            interests.append({"candidate_id": n + 1, "interest": rng.choice(list(Interest))})
            if rng.random() < 0.3:
                tagged.append({"candidate_id": n + 1, "tag_id": rng.choice(tags).id})
        db.session.execute(insert(Candidate), rows)
        db.session.execute(insert(StageChange), history)
        db.session.execute(insert(CandidateInterest), interests)
        if tagged:
            db.session.execute(insert(candidate_tags), tagged)
    search.rebuild(db.session.connection())
    db.session.commit()


def measure(client, url: str, repeats: int) -> tuple[float, float, int]:
    """Median and p95 milliseconds of a page, and its number of SQL statements."""
    statements = []
    listener = lambda *args: statements.append(1)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    client.get(url)
    statements.clear()
    client.get(url)
    count = len(statements)
    event.remove(db.engine, "before_cursor_execute", listener)
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=40)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="recruit-bench-"))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}",
            "INSTANCE_PATH": str(folder),
            "RATELIMIT_ENABLED": False,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        seed(args.candidates, random.Random(8))
        seeded = time.perf_counter() - started
        stage = db.session.scalar(select(Stage).where(Stage.key == "interview"))
        candidate_id = db.session.scalar(select(Candidate.id).order_by(Candidate.id.desc()))
        db.session.remove()
    client = app.test_client()
    client.post("/login", data={"email": "bench@recruit.example", "password": "bench-password-1"})
    pages = [
        ("board", "/candidates/board"),
        ("board, one university", "/candidates/board?university=3"),
        ("list, search 'ruiz'", "/candidates/?q=ruiz"),
        ("list, page 1", "/candidates/"),
        ("candidate page", f"/candidates/{candidate_id}"),
        ("board column, more", f"/candidates/board/stages/{stage.id}?offset=25&partial=1"),
    ]
    print(f"{args.candidates:,} candidates seeded in {seeded:.1f} s")
    print(f"{'page':<28} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    with app.app_context():  # for the statement counter's engine
        for name, url in pages:
            median, p95, count = measure(client, url, args.repeats)
            print(f"{name:<28} {median:>10.1f} {p95:>8.1f} {count:>8}")


if __name__ == "__main__":
    main()
