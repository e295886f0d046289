"""What the interest form costs in CPU beside the least a form on Recruit's stack can cost.

    .venv/bin/python bench/form_floor.py              # SQLite, in a temporary folder
    .venv/bin/python bench/form_floor.py --postgres   # a scratch database on 127.0.0.1

The floor is a bare Flask app with the form's fifteen fields in a Flask-WTF form (CSRF
checked), one ORM row and one audit row inserted and committed, and a 303. Recruit is its
own /apply on a small seeded office, a new student each time (the bench's form, with the
bench app's settings). Both run in this process through Flask's test client, so the
figures are the application's CPU alone, without HTTP, gunicorn or a load client: the
share of `make bench`'s throughput ratios that the application can change.
"""

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from flask import Flask, redirect
from flask_migrate import upgrade
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import FlaskForm
from sqlalchemy import event, select
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import BooleanField, EmailField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import SECRET_KEY, bench_app, interest_form, scratch_postgres
from bench.seed import seed
from recruit.extensions import db as recruit_db
from recruit.interest.receipts import start_token
from recruit.universities.models import University

SIZE = 300
TEXT = ("first_name", "last_name", "email", "phone", "major", "grad_year", "availability")
CHOSEN = ("university", "class_standing", "grad_term")


def floor_app(database: str) -> Flask:
    """The least a form on this stack does: validate, insert, audit, commit, redirect."""
    app = Flask("form_floor")
    app.config.update(SECRET_KEY=SECRET_KEY, SQLALCHEMY_DATABASE_URI=database)
    db = SQLAlchemy(app)

    class Lead(db.Model):
        __tablename__ = "floor_leads"
        id: Mapped[int] = mapped_column(primary_key=True)
        first_name: Mapped[str]
        last_name: Mapped[str]
        email: Mapped[str]
        phone: Mapped[str]
        university: Mapped[str]
        major: Mapped[str]
        class_standing: Mapped[str]
        grad_term: Mapped[str]
        grad_year: Mapped[str]
        interests: Mapped[str]
        availability: Mapped[str]
        created_at: Mapped[datetime] = mapped_column(default=datetime.now)

    class Audit(db.Model):
        __tablename__ = "floor_audit"
        id: Mapped[int] = mapped_column(primary_key=True)
        action: Mapped[str]
        lead_id: Mapped[int]
        created_at: Mapped[datetime] = mapped_column(default=datetime.now)

    class LeadForm(FlaskForm):
        first_name = StringField(validators=[DataRequired(), Length(max=100)])
        last_name = StringField(validators=[DataRequired(), Length(max=100)])
        email = EmailField(validators=[DataRequired(), Email(), Length(max=254)])
        phone = StringField(validators=[Optional(), Length(max=40)])
        university = SelectField(choices=[])
        major = StringField(validators=[Optional(), Length(max=120)])
        class_standing = SelectField(choices=[("junior", "Junior"), ("senior", "Senior")])
        grad_term = SelectField(choices=[("spring", "Spring"), ("fall", "Fall")])
        grad_year = StringField(validators=[Length(max=4)])
        interests = SelectMultipleField(choices=[("summer_internship", "Summer internship")])
        availability = StringField(validators=[Length(max=500)])
        consent = BooleanField(validators=[DataRequired()])
        started = StringField()
        submission = StringField()
        website = StringField()

    @app.route("/apply", methods=["GET", "POST"])
    def apply():
        form = LeadForm()
        form.university.choices = [(str(n), f"University {n}") for n in range(60)]
        if not form.validate_on_submit():
            return f"token {form.csrf_token.current_token} errors {form.errors}", 400
        values = {name: form[name].data for name in TEXT + CHOSEN}
        lead = Lead(**values, interests=",".join(form.interests.data))
        db.session.add(lead)
        db.session.flush()
        db.session.add(Audit(action="lead_created", lead_id=lead.id))
        db.session.commit()
        return redirect("/thanks", 303)

    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


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
    app = floor_app(database)
    client = app.test_client()
    token = re.search(r"token (\S+)", client.get("/apply").text).group(1)

    def post(number: int) -> None:
        data = interest_form(number, list(range(60)), SIZE, "")
        response = client.post("/apply", data={**data, "csrf_token": token})
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
