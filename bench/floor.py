"""The least a form and a stage move can cost on Recruit's stack: the floor under
Recruit's two write loads in `make bench`, and under bench/form_floor.py's CPU measure.

    RECRUIT_BENCH_FLOOR_DB=sqlite:////tmp/.../floor.sqlite gunicorn 'bench.floor:served()'

The same libraries as Recruit, and nothing of its rules:

- POST /apply: the interest form's fields in a Flask-WTF form, one ORM row and one audit
  row committed, a 303;
- POST /move/<id> for a signed-in user (Flask-Login, who is read from the database on
  each request, as Recruit reads a staff session): the card's stage and version changed
  only if the version sent is the card's, one history row and one audit row, a JSON
  answer with the card's stage and version (a 409 when the version was stale).

CSRF is off, as in the app the bench serves (bench/app.py); SQLite has Recruit's pragmas
(WAL, synchronous FULL, a busy timeout), so each commit waits for the disk as Recruit's.
"""

import os
import statistics
import sys
import time
from datetime import datetime

from flask import Flask, jsonify, redirect
from flask_login import LoginManager, UserMixin, login_required, login_user
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import FlaskForm
from sqlalchemy import event, insert, update
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from bench.students import interest_form

SECRET_KEY = "recruit-bench-floor"  # noqa: S105 (a scratch app's key, as bench/run.py's)
STAGES = (1, 2, 3, 4, 5)
# As many universities to choose from as the bench's office of 100,000 candidates has.
UNIVERSITIES = tuple(range(1, 101))
TEXT = ("first_name", "last_name", "email", "phone", "major", "grad_year", "availability")
CHOSEN = ("university", "class_standing", "grad_term")


def floor_app(database: str) -> Flask:
    """The floor's app on one database (its tables made by create_tables)."""
    app = Flask("floor")
    app.config.update(
        SECRET_KEY=SECRET_KEY, SQLALCHEMY_DATABASE_URI=database, WTF_CSRF_ENABLED=False
    )
    db = SQLAlchemy(app)
    if database.startswith("sqlite"):
        with app.app_context():

            @event.listens_for(db.engine, "connect")
            def pragmas(connection, _record):
                cursor = connection.cursor()
                for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=5000"):
                    cursor.execute(f"PRAGMA {pragma}")
                cursor.close()

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
        target_id: Mapped[int]
        created_at: Mapped[datetime] = mapped_column(default=datetime.now)

    class Staff(UserMixin, db.Model):
        __tablename__ = "floor_staff"
        id: Mapped[int] = mapped_column(primary_key=True)
        email: Mapped[str]

    class Card(db.Model):
        __tablename__ = "floor_cards"
        id: Mapped[int] = mapped_column(primary_key=True)
        stage: Mapped[int]
        version: Mapped[int]

    class Move(db.Model):
        __tablename__ = "floor_moves"
        id: Mapped[int] = mapped_column(primary_key=True)
        card_id: Mapped[int]
        to_stage: Mapped[int]
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

    class MoveForm(FlaskForm):
        to_stage = SelectField(coerce=int, choices=[(s, str(s)) for s in STAGES])
        version = IntegerField(validators=[InputRequired()])

    login = LoginManager(app)

    @login.user_loader
    def staff(user_id: str):
        return db.session.get(Staff, int(user_id))

    @app.post("/apply")
    def apply():
        form = LeadForm()
        form.university.choices = [(str(n), f"University {n}") for n in UNIVERSITIES]
        if not form.validate():
            return {"errors": form.errors}, 400
        values = {name: form[name].data for name in TEXT + CHOSEN}
        lead = Lead(**values, interests=",".join(form.interests.data))
        db.session.add(lead)
        db.session.flush()
        db.session.add(Audit(action="lead_created", target_id=lead.id))
        db.session.commit()
        return redirect("/thanks", 303)

    @app.post("/login")
    def sign_in():
        login_user(db.session.get(Staff, 1))
        return redirect("/", 302)

    @app.post("/move/<int:card_id>")
    @login_required
    def move(card_id: int):
        form = MoveForm()
        if not form.validate():
            return {"errors": form.errors}, 400
        moved = db.session.execute(
            update(Card)
            .where(Card.id == card_id, Card.version == form.version.data)
            .values(stage=form.to_stage.data, version=Card.version + 1)
            .returning(Card.stage, Card.version)
        ).first()
        if moved is None:
            card = db.session.get(Card, card_id)
            db.session.rollback()
            return jsonify(stage_id=card.stage, version=card.version), 409
        db.session.add(Move(card_id=card_id, to_stage=moved.stage))
        db.session.add(Audit(action="moved", target_id=card_id))
        db.session.commit()
        return jsonify(stage_id=moved.stage, version=moved.version)

    app.extensions["floor_models"] = (Staff, Card)
    return app


def create_tables(database: str, cards: int) -> list[tuple[int, int, int]]:
    """The floor's tables made afresh, with one staff user and `cards` cards spread over
    the stages; the cards as (id, stage, version), as the bench's moves take them. (Rows
    go in through the engine, not a session: in the bench's process, Recruit's session
    hooks would take them for its own.)"""
    app = floor_app(database)
    db = app.extensions["sqlalchemy"]
    staff, card = app.extensions["floor_models"]
    made = [(n, STAGES[n % len(STAGES)], 1) for n in range(1, cards + 1)]
    with app.app_context():
        db.drop_all()
        db.create_all()
        with db.engine.begin() as connection:
            connection.execute(insert(staff), [{"id": 1, "email": "floor@example.org"}])
            if made:
                rows = [{"id": n, "stage": stage, "version": v} for n, stage, v in made]
                connection.execute(insert(card), rows)
        db.engine.dispose()
    return made


def served() -> Flask:
    """The app gunicorn serves: the floor on RECRUIT_BENCH_FLOOR_DB."""
    return floor_app(os.environ["RECRUIT_BENCH_FLOOR_DB"])


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


def main() -> None:
    """`python -m bench.floor DATABASE FORMS`: the floor's CPU per form in a process of
    its own, where no hook of Recruit's (bench/form_floor.py imports Recruit) runs."""
    database, count = sys.argv[1], int(sys.argv[2])
    create_tables(database, 0)
    client = floor_app(database).test_client()

    def post(number: int) -> None:
        response = client.post("/apply", data=interest_form(number, UNIVERSITIES, 0, ""))
        if response.status_code != 303:
            raise SystemExit(f"the floor's form answered {response.status_code}")

    print(f"{cpu_per_form(post, count):.3f}")


if __name__ == "__main__":
    main()
