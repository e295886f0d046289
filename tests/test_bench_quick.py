"""The benchmark's seeding at a tiny size: right counts, and every candidate searchable."""

import random

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from bench.seed import seed
from recruit import create_app
from recruit.candidates import search
from recruit.candidates.models import Candidate, CandidateEvent, StageChange, name_key
from recruit.events.models import Event
from recruit.extensions import db
from recruit.placements.models import Evaluation, EvaluationAnswer, Placement

SIZE = 200


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """A scratch SQLite database seeded the way `make bench` seeds it."""
    folder = tmp_path_factory.mktemp("bench")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench-test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}",
            "INSTANCE_PATH": str(folder),
            "RATELIMIT_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    with app.app_context():
        upgrade()
        counts = seed(SIZE, random.Random(8))
        db.session.commit()
        yield counts
        db.session.remove()
        db.engine.dispose()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_makes_the_candidates_asked_for(seeded):
    """Does seeding 200 candidates leave exactly 200 in the database?"""
    assert seeded.candidates == SIZE
    assert count(Candidate) == SIZE


def test_every_candidate_has_stage_history(seeded):
    """Has every candidate at least one stage change, ending in its current stage?"""
    assert count(StageChange) == seeded.stage_changes >= SIZE
    last = (
        select(StageChange.candidate_id, func.max(StageChange.id).label("id"))
        .group_by(StageChange.candidate_id)
        .subquery()
    )
    mismatched = db.session.scalar(
        select(func.count())
        .select_from(Candidate)
        .join(last, last.c.candidate_id == Candidate.id)
        .join(StageChange, StageChange.id == last.c.id)
        .where(StageChange.to_stage_id != Candidate.stage_id)
    )
    assert db.session.scalar(select(func.count(last.c.candidate_id))) == SIZE
    assert mismatched == 0


def test_events_placements_and_evaluations_come_in_proportion(seeded):
    """Are there events with leads, placements, and evaluations with answers?"""
    assert count(Event) == seeded.events >= 20
    assert count(CandidateEvent) == seeded.leads > 0
    assert count(Placement) == seeded.placements > 0
    assert count(Evaluation) == seeded.evaluations
    assert count(EvaluationAnswer) == seeded.answers
    assert seeded.placements < SIZE // 4


def test_search_index_holds_every_candidate(seeded):
    """Does the search index hold one row per candidate, and find one by email?"""
    assert seeded.indexed == SIZE
    rows = db.session.scalar(text(f"SELECT count(*) FROM {search.TABLE}"))  # noqa: S608
    assert rows == SIZE
    last = db.session.get(Candidate, SIZE)
    found = db.session.execute(search.matching(last.email, "sqlite")).all()
    assert [row.candidate_id for row in found] == [last.id]


def test_bulk_seeded_candidates_carry_the_key_of_their_name(seeded):
    """Do candidates inserted in bulk, past the ORM's events, still carry the name key the
    duplicate check looks names up by?"""
    rows = db.session.execute(select(Candidate.first_name, Candidate.last_name, Candidate.name_key))

    assert all(key == name_key(first, last) != "" for first, last, key in rows)
