"""Fixtures: an app on a fresh database per test, a client, and factories per model."""

import itertools
import os
from datetime import date, datetime, timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from recruit import create_app, database
from recruit.auth.models import Role, User
from recruit.candidates.models import Candidate, StageChange
from recruit.database import utcnow
from recruit.events.models import Event, EventKind, EventStatus
from recruit.extensions import db
from recruit.pipeline.stages import create_standard_stages
from recruit.universities.models import University
from tests.smtp_server import smtp_server  # noqa: F401 (a fixture for delivery tests)

PASSWORD = "correct horse battery staple"


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


# Each run on PostgreSQL gets a schema of its own, so runs side by side never collide.
PG_SCHEMA = f"recruit_test_{os.getpid()}"


def _engine_options(url: str) -> dict:
    if url.startswith("postgresql"):
        return {"connect_args": {"options": f"-csearch_path={PG_SCHEMA}"}}
    return {}


def base_config(url: str, instance_path) -> dict:
    """The configuration every test app starts from."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(url),
        "INSTANCE_PATH": str(instance_path),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        # Sign-in slowdown: tests read the delay Recruit computes; none of them waits it out.
        "LOGIN_SLOWDOWN_MAX_SECONDS": 0,
        # Hashing cost is not under test here; a cheap method keeps the suite quick.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A database migrated to the latest schema once for the whole run."""
    url = _database_url(tmp_path_factory)
    postgres = url.startswith("postgresql")
    if postgres:
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
        engine.dispose()
    app = create_app(base_config(url, tmp_path_factory.mktemp("instance")))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    yield url
    if postgres:
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
        engine.dispose()


def _empty_all_tables() -> None:
    # The change clock's one row comes with the schema, as in every office's database.
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name != "change_clock"]
    if db.engine.dialect.name == "postgresql":
        # TRUNCATE of every table costs PostgreSQL about half a second, ten minutes over
        # the suite; deleting from the few tables a test wrote to costs milliseconds.
        with_rows = " UNION ALL ".join(
            f"SELECT '{table.name}' WHERE EXISTS (SELECT 1 FROM {table.name})"  # noqa: S608
            for table in tables
        )
        used = set(db.session.execute(text(with_rows)).scalars())
        tables = [table for table in tables if table.name in used]
    for table in tables:
        db.session.execute(table.delete())
    if db.engine.dialect.name == "postgresql":
        # Ids start at 1 again, as SQLite's do once a table is empty.
        for table in tables:
            if table.autoincrement_column is not None:
                db.session.execute(
                    text("SELECT setval(pg_get_serial_sequence(:table, :column), 1, false)"),
                    {"table": table.name, "column": table.autoincrement_column.name},
                )
    db.session.commit()


# A Wednesday morning, far from midnight and from any month's end.
FROZEN_AT = datetime(2030, 3, 13, 10, 0)


class Clock:
    """The one instant recruit.database.utcnow() returns while a test holds the clock."""

    def __init__(self, now: datetime):
        self.now = now

    @property
    def now(self) -> datetime:
        return database._frozen

    @now.setter
    def now(self, when: datetime) -> None:
        database._frozen = when

    def today(self) -> date:
        return self.now.date()

    def advance(self, **delta) -> datetime:
        """Move the clock on by timedelta(**delta), e.g. clock.advance(minutes=5)."""
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock():
    """Freeze the clock Recruit reads at FROZEN_AT for the test; clock.advance() moves it."""
    yield Clock(FROZEN_AT)
    database._frozen = None


@pytest.fixture
def config_overrides():
    """Tests override this to change the app's configuration."""
    return {}


@pytest.fixture
def app(database_url, tmp_path, config_overrides):
    """The app, on an empty database, inside an app context."""
    app = create_app({**base_config(database_url, tmp_path), **config_overrides})
    with app.app_context():
        yield app
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def make_app(tmp_path):
    """Return a callable that builds a further app; bare=True starts from no test settings."""
    made = []

    def make(config=None, bare=False):
        n = len(made)
        instance = tmp_path / f"instance-{n}"
        start = {"INSTANCE_PATH": str(instance)}
        if not bare:
            start = base_config(f"sqlite:///{tmp_path / f'app-{n}.sqlite'}", instance)
        new_app = create_app({**start, **(config or {})})
        made.append(new_app)
        return new_app

    yield make
    for new_app in made:
        with new_app.app_context():
            db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_sequence = itertools.count(1)


@pytest.fixture
def make_user(app):
    """Return a callable that makes staff users."""

    def make(role=Role.HR, email=None, password=PASSWORD, active=True, name=None):
        n = next(_sequence)
        user = User(
            name=name or f"Staff Member {n}",
            email=email or f"staff{n}@agency.example",
            role=role,
            active=active,
        )
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def stages(app):
    """The standard pipeline stages, by key."""
    result = create_standard_stages()
    db.session.commit()
    return result


@pytest.fixture
def make_university(app):
    """Return a callable that makes universities."""

    def make(name=None, **fields):
        university = University(name=name or f"State University {next(_sequence)}", **fields)
        db.session.add(university)
        db.session.commit()
        return university

    return make


@pytest.fixture
def make_event(app):
    """Return a callable that makes events."""

    def make(name=None, **fields):
        n = next(_sequence)
        fields.setdefault("kind", EventKind.CAREER_FAIR)
        fields.setdefault("status", EventStatus.PLANNED)
        fields.setdefault("starts_on", utcnow().date() + timedelta(days=14))
        event = Event(name=name or f"Fall Career Fair {n}", slug=f"fair-{n}", **fields)
        db.session.add(event)
        db.session.commit()
        return event

    return make


@pytest.fixture
def make_candidate(app, stages):
    """Return a callable that makes candidates, with their first stage change recorded."""

    def make(first_name="Ana", last_name=None, email=None, stage="interested", **fields):
        n = next(_sequence)
        stage_row = stages[stage] if isinstance(stage, str) else stage
        candidate = Candidate(
            first_name=first_name,
            last_name=last_name or f"Student{n}",
            email=email or f"student{n}@university.example",
            stage=stage_row,
            stage_entered_at=utcnow(),
            **fields,
        )
        db.session.add(candidate)
        db.session.add(StageChange(candidate=candidate, to_stage=stage_row))
        db.session.commit()
        return candidate

    return make


class AuthActions:
    """Sign in and out through the real forms."""

    def __init__(self, client):
        self._client = client

    def login(self, email, password=PASSWORD, **extra):
        return self._client.post("/login", data={"email": email, "password": password, **extra})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def signed_in(make_user, auth):
    """Return a callable that signs in a new user of a role and returns them."""

    def sign_in(role=Role.HR):
        user = make_user(role=role)
        response = auth.login(user.email)
        assert response.status_code == 302, "sign-in failed in a fixture"
        return user

    return sign_in
