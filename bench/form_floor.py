"""What the interest form costs in CPU beside the least a form on Recruit's stack can cost.

    .venv/bin/python bench/form_floor.py              # SQLite, in a temporary folder
    .venv/bin/python bench/form_floor.py --postgres   # a scratch database on 127.0.0.1

The floor is bench/floor.py's /apply: the form's fields in a Flask-WTF form, one ORM row
and one audit row inserted and committed, and a 303. Recruit is its own /apply on a small
seeded office, a new student each time (the bench's form, with the bench app's settings:
CSRF off in both). Both run in this process through Flask's test client, so the
figures are the application's CPU alone, without HTTP, gunicorn or a load client: the
share of `make bench`'s throughput ratios that the application can change. (`make bench`
serves the same floor with gunicorn under the same load as Recruit's form.)
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import event, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.floor import UNIVERSITIES, create_tables, floor_app
from bench.run import bench_app, interest_form, scratch_postgres
from bench.seed import seed
from recruit.extensions import db as recruit_db
from recruit.interest.receipts import start_token
from recruit.universities.models import University

SIZE = 300


def cpu_per_form(post, count: int) -> float:
    """The median CPU milliseconds of count posts, after ten to warm up."""
    for number in range(10):
        post(number)
    spent = []
    for number in range(10, 10 + count):
        started = time.process_time()
        post(number)
        spent.append((time.process_time() - started) * 1000)
    return statistics.median(spent)


def measure_floor(database: str, count: int) -> float:
    """The floor's CPU per form."""
    create_tables(database, 0)
    client = floor_app(database).test_client()

    def post(number: int) -> None:
        data = interest_form(number, UNIVERSITIES, SIZE, "")
        response = client.post("/apply", data=data)
        if response.status_code != 303:
            raise SystemExit(f"the floor's form answered {response.status_code}: {response.text}")

    return cpu_per_form(post, count)


def measure_recruit(database: str, folder: Path, count: int) -> tuple[float, float]:
    """Recruit's CPU per form and its SQL statements per form."""
    app = bench_app(database, folder)
    app.config["MIN_FILL_SECONDS"] = 0  # as the bench serves it: no human pause
    with app.app_context():
        upgrade()
        seed(SIZE, random.Random(SIZE))
        recruit_db.session.commit()
        universities = list(recruit_db.session.scalars(select(University.id)))
    client = app.test_client()

    def post(number: int) -> None:
        with app.app_context():
            started = start_token()
        response = client.post("/apply", data=interest_form(number, universities, SIZE, started))
        if response.status_code != 303:
            raise SystemExit(f"Recruit's form answered {response.status_code}")

    statements = []
    with app.app_context():
        event.listen(recruit_db.engine, "before_cursor_execute", lambda *_: statements.append(1))
    spent = cpu_per_form(post, count)
    with app.app_context():
        recruit_db.engine.dispose()
    return spent, len(statements) / (count + 10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="on PostgreSQL at 127.0.0.1")
    parser.add_argument("--forms", type=int, default=300, help="forms measured on each")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="recruit-form-floor-") as folder:
        if options.postgres:
            name = "recruit_form_floor"
            floor_db, recruit_url = scratch_postgres(name), scratch_postgres(name + "_app")
        else:
            floor_db = f"sqlite:///{folder}/floor.sqlite"
            recruit_url = f"sqlite:///{folder}/recruit.sqlite"
        try:
            floor = measure_floor(floor_db, options.forms)
            recruit, statements = measure_recruit(recruit_url, Path(folder), options.forms)
        finally:
            if options.postgres:
                scratch_postgres(name, drop=True)
                scratch_postgres(name + "_app", drop=True)
    where = "PostgreSQL" if options.postgres else "SQLite"
    print(
        f"{where}, CPU per form in this process (median of {options.forms}): "
        f"the floor {floor:.2f} ms, Recruit's interest form {recruit:.2f} ms "
        f"({statements:.0f} SQL statements), {recruit / floor:.1f}x"
    )


if __name__ == "__main__":
    main()
