"""Migrations build the schema the models describe, and can be undone."""

import importlib.util
import json
import os
import secrets
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import current_app
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from recruit.extensions import db
from recruit.pipeline import summaries

# SQLite cannot reflect expression indexes such as lower(email), so autogenerate skips them
# there; test_case_insensitive_indexes_exist checks them by name instead.
pytestmark = [
    pytest.mark.filterwarnings(
        "ignore:Skipped unsupported reflection of expression-based index:sqlalchemy.exc.SAWarning"
    ),
    pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression"),
]


def _postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    """The URL of a new, empty database: a SQLite file, and a PostgreSQL database if in use."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    server_url = _postgres_url()
    if server_url is None:
        pytest.skip("PostgreSQL runs only with TEST_DATABASE_URL set to it")
    name = f"recruit_migrations_{secrets.token_hex(4)}"
    server = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture
def migration_app(make_app, empty_database):
    """An app on the empty database, with its context pushed."""
    app = make_app({"SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def flask_db(app, *args: str) -> None:
    """Run `flask db ...` against the app and fail the test if it fails."""
    result = app.test_cli_runner().invoke(args=["db", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)


def table_names() -> set[str]:
    """The tables the database holds now."""
    db.session.remove()
    return set(inspect(db.engine).get_table_names())


def schema_differences() -> list:
    """What autogenerate would change to make the database match the models."""
    options = dict(current_app.extensions["migrate"].configure_args)
    options["compare_type"] = True
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=options)
        return compare_metadata(context, db.metadata)


def index_names() -> set[str]:
    """The names of every index in the database, expression indexes included."""
    if db.engine.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'index'"
    else:
        query = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    return set(db.session.scalars(text(query)))


def expression_indexes() -> set[str]:
    """The names of the models' indexes on expressions rather than plain columns."""
    return {
        index.name
        for table in db.metadata.tables.values()
        for index in table.indexes
        if any(not hasattr(expression, "table") for expression in index.expressions)
    }


def test_upgrade_creates_every_table(migration_app):
    """Does `flask db upgrade` on an empty database create every table of the models?"""
    flask_db(migration_app, "upgrade")
    missing = set(db.metadata.tables) - table_names()
    assert missing == set()


def test_migrated_schema_matches_the_models(migration_app):
    """After `flask db upgrade`, does autogenerate find nothing left to change?"""
    flask_db(migration_app, "upgrade")
    assert schema_differences() == []


def test_case_insensitive_indexes_exist(migration_app):
    """After `flask db upgrade`, are the lower(...) unique indexes the models declare there?"""
    flask_db(migration_app, "upgrade")
    declared = expression_indexes()
    assert "uq_users_email_lower" in declared
    assert declared - index_names() == set()


def test_downgrade_to_base_and_upgrade_again(migration_app):
    """Can the migrations be undone to an empty database and applied again?"""
    flask_db(migration_app, "upgrade")
    flask_db(migration_app, "downgrade", "base")
    assert table_names() & set(db.metadata.tables) == set()
    flask_db(migration_app, "upgrade")
    assert schema_differences() == []


def test_downgrade_withdraws_messages_carrying_a_students_page_link(migration_app):
    """Does undoing the students' page withdraw queued messages that carry its link,
    rather than fail on them?"""
    flask_db(migration_app, "upgrade")
    with db.engine.begin() as connection:
        connection.execute(
            text(
                'INSERT INTO outbox_messages (id, "to", subject, body, created_at, '
                "message_id, state, due_at, attempts, last_error, link_kind, link_ref) "
                "VALUES (1, 'maya@example.edu', 'Your link', '[link]', :at, '<1@recruit>', "
                "'queued', :at, 0, '', 'status', 1)"
            ),
            {"at": "2026-11-30 12:00:00.000000"},
        )
    flask_db(migration_app, "downgrade", "0006")
    with db.engine.connect() as connection:
        row = connection.execute(
            text("SELECT state, link_kind, link_ref FROM outbox_messages WHERE id = 1")
        ).one()
    assert tuple(row) == ("cancelled", None, None)


def test_test_database_matches_the_models(app):
    """Does the database this test run migrated at its start match the models?"""
    assert schema_differences() == []


def test_upgrade_records_when_each_existing_stay_began(migration_app):
    """Does the upgrade to 0004 fill in, for each recorded move, when the stay it ended
    began (the candidate's change before it) and when the candidate last entered the same
    stage, leaving arrivals and first entries empty?"""
    flask_db(migration_app, "upgrade", "0003")
    moment = "2025-09-0{} 12:00:00.000000"
    with db.engine.begin() as connection:
        for n, name in enumerate(("Migrated A", "Migrated B", "Migrated C"), start=1):
            connection.execute(
                text(
                    "INSERT INTO stages (id, name, position, kind, retired, created_at) "
                    "VALUES (:id, :name, :position, 'active', false, :at)"
                ),
                {"id": 900 + n, "name": name, "position": 900 + n, "at": moment.format(1)},
            )
        connection.execute(
            text(
                "INSERT INTO candidates (id, first_name, last_name, email, phone,"
                " university_other, major, availability, procurement_areas, source, stage_id,"
                " stage_entered_at, legal_hold, last_activity_at, created_at, updated_at,"
                " version) VALUES (900, 'Ana', 'Migrated', 'ana@university.example', '', '',"
                " '', '', '[]', 'website', 903, :at, false, :at, :at, :at, 1)"
            ),
            {"at": moment.format(5)},
        )
        for n, (from_stage, to_stage, day) in enumerate(
            ((None, 901, 1), (901, 902, 3), (902, 903, 5), (903, 902, 7)), start=1
        ):
            connection.execute(
                text(
                    "INSERT INTO stage_changes (id, candidate_id, from_stage_id, to_stage_id,"
                    " comment, created_at) VALUES (:id, 900, :from_stage, :to_stage, '', :at)"
                ),
                {
                    "id": 900 + n,
                    "from_stage": from_stage,
                    "to_stage": to_stage,
                    "at": moment.format(day),
                },
            )
    flask_db(migration_app, "upgrade")

    rows = db.session.execute(
        text(
            "SELECT id, from_stage_entered_at, previous_entry_at FROM stage_changes "
            "WHERE candidate_id = 900 ORDER BY id"
        )
    ).all()
    began = {row[0]: row[1] for row in rows}
    entered_before = {row[0]: row[2] for row in rows}
    assert began[901] is None
    assert str(began[902]).startswith("2025-09-01 12:00:00")
    assert str(began[903]).startswith("2025-09-03 12:00:00")
    assert str(began[904]).startswith("2025-09-05 12:00:00")
    assert [entered_before[n] for n in (901, 902, 903)] == [None, None, None]
    assert str(entered_before[904]).startswith("2025-09-03 12:00:00")


def test_upgrade_gives_an_office_the_status_link_message(migration_app):
    """Does the upgrade to 0008 add the message that carries a student's link to an office
    that lacks it, and offer the link in its unchanged interest-form confirmation?"""
    from recruit.messages.defaults import DEFAULT_TEMPLATES

    path = Path(__file__).parent.parent / "migrations/versions/0008_status_link_messages.py"
    spec = importlib.util.spec_from_file_location("revision_0008", path)
    revision = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(revision)
    flask_db(migration_app, "upgrade", "0007")
    with db.engine.begin() as connection:
        # 0005 seeds today's defaults; an office migrated before 0008 had the older ones.
        connection.execute(text("DELETE FROM message_templates WHERE key = 'status_link'"))
        connection.execute(
            text("UPDATE message_templates SET body = :body WHERE key = 'interest_received'"),
            {"body": revision.CONFIRMATION_BEFORE},
        )
    flask_db(migration_app, "upgrade")

    bodies = dict(db.session.execute(text("SELECT key, body FROM message_templates")).all())
    defaults = {key: body for key, _name, _subject, body in DEFAULT_TEMPLATES}
    assert bodies["status_link"] == defaults["status_link"]
    assert bodies["interest_received"] == defaults["interest_received"]


def test_upgrade_keeps_a_reworded_confirmation(migration_app):
    """Does the upgrade to 0008 leave an interest-form confirmation an admin reworded?"""
    flask_db(migration_app, "upgrade", "0007")
    with db.engine.begin() as connection:
        connection.execute(
            text("UPDATE message_templates SET body = 'Thanks, {first_name}.' WHERE key = :key"),
            {"key": "interest_received"},
        )
    flask_db(migration_app, "upgrade")

    body = db.session.scalar(
        text("SELECT body FROM message_templates WHERE key = 'interest_received'")
    )
    assert body == "Thanks, {first_name}."


def test_downgrade_from_0009_audits_each_proposed_update_it_drops(migration_app):
    """Does undoing 0009 leave an audit entry for each proposed update it drops, naming
    its file for an admin to remove, rather than losing them silently?"""
    flask_db(migration_app, "upgrade")
    at = "2026-11-30 12:00:00.000000"
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO stages (id, name, position, kind, retired, created_at) "
                "VALUES (901, 'Migrated', 901, 'active', false, :at)"
            ),
            {"at": at},
        )
        connection.execute(
            text(
                "INSERT INTO candidates (id, first_name, last_name, email, phone,"
                " university_other, major, availability, procurement_areas, source, stage_id,"
                " stage_entered_at, legal_hold, last_activity_at, created_at, updated_at,"
                " version) VALUES (900, 'Ana', 'Migrated', 'ana@university.example', '', '',"
                " '', '', '[]', 'website', 901, :at, false, :at, :at, :at, 1)"
            ),
            {"at": at},
        )
        connection.execute(
            text(
                "INSERT INTO proposed_updates (id, candidate_id, first_name, last_name, phone,"
                " university_other, major, availability, procurement_areas, interests,"
                " opening_ids, language, file_name, file_stored_name, file_size, created_at)"
                " VALUES (7, 900, 'Ana', 'Migrated', '555-0100', '', '', '', '[]', '[]', '[]',"
                " 'en', 'cv.pdf', :stored, 10, :at)"
            ),
            {"at": at, "stored": "b" * 32 + ".pdf"},
        )
    flask_db(migration_app, "downgrade", "0008")

    assert "proposed_updates" not in table_names()
    with db.engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT action, target_type, target_id, detail FROM audit_entries"
                " WHERE action = 'candidate.proposal_dropped'"
            )
        ).one()
    detail = row[3] if isinstance(row[3], dict) else json.loads(row[3])
    assert tuple(row[:3]) == ("candidate.proposal_dropped", "Candidate", 900)
    assert detail["proposal_id"] == 7 and detail["file"] == "b" * 32 + ".pdf"


def test_upgrade_to_0011_rewords_an_untouched_confirmation_both_ways(migration_app):
    """Does 0011 give an unchanged confirmation (English and Spanish) the words that say a
    form sent again waits for staff, and does its downgrade give the old words back?"""
    from recruit.messages.defaults import DEFAULT_TEMPLATES, DEFAULT_TEMPLATES_ES

    path = Path(__file__).parent.parent / "migrations/versions/0011_confirmation_wording.py"
    spec = importlib.util.spec_from_file_location("revision_0011", path)
    revision = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(revision)
    old = {column: revision._body(column, before) for column, before, _after in revision.SENTENCES}
    flask_db(migration_app, "upgrade", "0010")
    with db.engine.begin() as connection:
        connection.execute(
            text("UPDATE message_templates SET body = :body, body_es = :body_es WHERE key = :key"),
            {**old, "key": "interest_received"},
        )
    flask_db(migration_app, "upgrade")

    read = text("SELECT body, body_es FROM message_templates WHERE key = 'interest_received'")
    body, body_es = db.session.execute(read).one()
    defaults = {key: body for key, _name, _subject, body in DEFAULT_TEMPLATES}
    assert body == defaults["interest_received"]
    assert body_es == DEFAULT_TEMPLATES_ES["interest_received"][1]
    db.session.rollback()
    flask_db(migration_app, "downgrade", "0010")
    assert tuple(db.session.execute(read).one()) == (old["body"], old["body_es"])


def test_upgrade_to_0017_keys_every_existing_name(migration_app):
    """Does 0017 give each existing candidate the key of their name (blank once erased),
    and does its downgrade take the column and its index away again?"""
    path = Path(__file__).parent.parent / "migrations/versions/0017_candidate_name_key.py"
    spec = importlib.util.spec_from_file_location("revision_0017", path)
    revision = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(revision)
    flask_db(migration_app, "upgrade", revision.down_revision)
    at = "2026-11-30 12:00:00.000000"
    # The named ones come after a full batch of others, so the backfill must go on past it.
    people = [(1000 + n, "Filler", f"Student{n}", None) for n in range(revision.BATCH)]
    people += [
        (9000, "Björn", "Van der Berg", None),
        (9001, "Ana María", "O'Neil-Ruiz", None),
        (9002, "Erased", "#9002", at),
    ]
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO stages (id, name, position, kind, retired, created_at) "
                "VALUES (901, 'Migrated', 901, 'active', false, :at)"
            ),
            {"at": at},
        )
        connection.execute(
            text(
                "INSERT INTO candidates (id, first_name, last_name, email, phone,"
                " university_other, major, availability, procurement_areas, source,"
                " stage_id, stage_entered_at, legal_hold, last_activity_at, created_at,"
                " updated_at, version, anonymized_at) VALUES (:id, :first, :last, :email,"
                " '', '', '', '', '[]', 'website', 901, :at, false, :at, :at, :at, 1,"
                " :erased)"
            ),
            [
                {
                    "id": candidate_id,
                    "first": first,
                    "last": last,
                    "email": f"c{candidate_id}@university.example",
                    "at": at,
                    "erased": erased,
                }
                for candidate_id, first, last, erased in people
            ],
        )
    flask_db(migration_app, "upgrade")

    keys = dict(db.session.execute(text("SELECT id, name_key FROM candidates")).all())
    assert keys[1000] == "fillerstudent0" and keys[1000 + revision.BATCH - 1] != ""
    assert [keys[9000], keys[9001], keys[9002]] == ["bjornvanderberg", "anamariaoneilruiz", ""]
    assert "ix_candidates_name_key_university" in index_names()
    db.session.rollback()
    flask_db(migration_app, "downgrade", revision.down_revision)
    db.session.remove()
    columns = {column["name"] for column in inspect(db.engine).get_columns("candidates")}
    assert "name_key" not in columns
    assert "ix_candidates_name_key_university" not in index_names()


def test_upgrade_to_0018_keys_every_existing_phone(migration_app):
    """Does 0018 give each existing candidate the key of their phone (blank when none or
    too short), past a full batch, and does its downgrade take the column, its index and
    the alternate addresses away again?"""
    path = (
        Path(__file__).parent.parent
        / "migrations/versions/0018_duplicates_by_phone_and_alternate_emails.py"
    )
    spec = importlib.util.spec_from_file_location("revision_0018", path)
    revision = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(revision)
    flask_db(migration_app, "upgrade", revision.down_revision)
    at = "2026-11-30 12:00:00.000000"
    people = [(1000 + n, "") for n in range(revision.BATCH)]
    people += [(9000, "+1 (916) 555-0100"), (9001, "555-01")]
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO stages (id, name, position, kind, retired, created_at) "
                "VALUES (901, 'Migrated', 901, 'active', false, :at)"
            ),
            {"at": at},
        )
        connection.execute(
            text(
                "INSERT INTO candidates (id, first_name, last_name, email, phone,"
                " university_other, major, availability, procurement_areas, source,"
                " stage_id, stage_entered_at, legal_hold, last_activity_at, created_at,"
                " updated_at, version) VALUES (:id, 'Ana', 'Garcia', :email, :phone,"
                " '', '', '', '[]', 'website', 901, :at, false, :at, :at, :at, 1)"
            ),
            [
                {
                    "id": candidate_id,
                    "email": f"c{candidate_id}@u.example",
                    "phone": phone,
                    "at": at,
                }
                for candidate_id, phone in people
            ],
        )
    flask_db(migration_app, "upgrade")

    keys = dict(db.session.execute(text("SELECT id, phone_key FROM candidates")).all())
    assert [keys[1000], keys[9000], keys[9001]] == ["", "9165550100", ""]
    assert {"ix_candidates_phone_key", "ix_candidate_emails_candidate_id"} <= index_names()
    db.session.rollback()
    flask_db(migration_app, "downgrade", revision.down_revision)
    db.session.remove()
    columns = {column["name"] for column in inspect(db.engine).get_columns("candidates")}
    assert "phone_key" not in columns
    assert "candidate_emails" not in table_names()


def test_upgrade_to_0019_summarizes_each_existing_history(migration_app):
    """Does 0019 give each existing candidate when their history began and when they first
    reached Interview (or a later stage) and Offer, and does its downgrade take them away?"""
    flask_db(migration_app, "upgrade", "0018")
    stages = [
        (901, "Interested", "interested", 1, "active"),
        (902, "Interview", "interview", 2, "active"),
        (903, "Offer", "offer", 3, "active"),
        (904, "Withdrawn", "withdrawn", 4, "closed"),
    ]
    moves = [(904, "2026-03-02"), (903, "2026-03-05"), (902, "2026-03-09")]
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO stages (id, name, key, position, kind, retired, created_at) "
                "VALUES (:id, :name, :key, :position, :kind, false, '2026-01-01')"
            ),
            [dict(zip(("id", "name", "key", "position", "kind"), s, strict=True)) for s in stages],
        )
        connection.execute(
            text(
                "INSERT INTO candidates (id, first_name, last_name, email, phone, phone_key,"
                " university_other, major, availability, procurement_areas, source,"
                " stage_id, stage_entered_at, legal_hold, last_activity_at, created_at,"
                " updated_at, version) VALUES (:id, 'Ana', 'Garcia', :email, '', '',"
                " '', '', '', '[]', 'website', 901, :at, false, :at, :at, :at, 1)"
            ),
            [{"id": n, "email": f"c{n}@u.example", "at": "2026-03-01 12:00:00"} for n in (1, 2)],
        )
        connection.execute(
            text(
                "INSERT INTO stage_changes (candidate_id, to_stage_id, comment, created_at) "
                "VALUES (:candidate, :stage, '', :at)"
            ),
            [{"candidate": 1, "stage": 901, "at": "2026-03-01 12:00:00"}]
            + [{"candidate": 1, "stage": stage, "at": f"{day} 12:00:00"} for stage, day in moves],
        )
    flask_db(migration_app, "upgrade")

    rows = db.session.execute(
        text(
            "SELECT id, pipeline_entered_at, reached_interview_at, reached_offer_at,"
            " reached_hired_at FROM candidates ORDER BY id"
        )
    ).all()
    assert [[str(value)[:10] if value else None for value in row[1:]] for row in rows] == [
        ["2026-03-01", "2026-03-05", "2026-03-05", None],
        [None, None, None, None],
    ]
    assert {"ix_candidates_created_reached", "ix_candidates_reached_offer"} <= index_names()
    # The frozen backfill agrees with the app's definition today.
    connection = db.session.connection()
    assert summaries.stored(connection) == summaries.recomputed(connection)
    db.session.rollback()
    flask_db(migration_app, "downgrade", "0018")
    db.session.remove()
    columns = {column["name"] for column in inspect(db.engine).get_columns("candidates")}
    assert "reached_interview_at" not in columns
    assert "ix_candidates_created_university" in index_names()
