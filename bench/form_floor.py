"""What the interest form costs in CPU beside the least a form on Recruit's stack can cost.

    .venv/bin/python bench/form_floor.py              # SQLite, in a temporary folder
    .venv/bin/python bench/form_floor.py --postgres   # a scratch database on 127.0.0.1

The floor is bench/floor.py's /apply: the form's fields in a Flask-WTF form, one ORM row
and one audit row inserted and committed, and a 303. Recruit is its own /apply on a small
seeded office, a new student each time (the bench's form, with the bench app's settings:
CSRF off in both). Each runs through Flask's test client, the floor in a process of its
own where no hook of Recruit's runs, so the figures are the application's CPU alone,
without HTTP, gunicorn or a load client: the
share of `make bench`'s throughput ratios that the application can change. (`make bench`
serves the same floor with gunicorn under the same load as Recruit's form.)
"""

import argparse
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import event, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.floor import cpu_per_form
from bench.run import bench_app, scratch_postgres
from bench.seed import seed
from bench.students import interest_form
from recruit.extensions import db as recruit_db
from recruit.interest.receipts import start_token
from recruit.universities.models import University

ROOT = Path(__file__).resolve().parent.parent
SIZE = 300


def measure_floor(database: str, count: int) -> float:
    """The floor's CPU per form, measured in a process of its own (bench/floor.py)."""
    answer = subprocess.run(
        [sys.executable, "-m", "bench.floor", database, str(count)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(answer.stdout.split()[-1])


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
        f"{where}, CPU per form in process (median of {options.forms}): "
        f"the floor {floor:.2f} ms, Recruit's interest form {recruit:.2f} ms "
        f"({statements:.0f} SQL statements), {recruit / floor:.1f}x"
    )


if __name__ == "__main__":
    main()
