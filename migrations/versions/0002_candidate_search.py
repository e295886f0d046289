"""candidate search index: FTS5 on SQLite, tsvector with GIN on PostgreSQL

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE candidate_search USING fts5("
            "name, email, university, major, tags, notes, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )
    else:
        op.execute(
            "CREATE TABLE candidate_search ("
            "candidate_id INTEGER PRIMARY KEY REFERENCES candidates (id) ON DELETE CASCADE, "
            "name TEXT NOT NULL DEFAULT '', email TEXT NOT NULL DEFAULT '', "
            "university TEXT NOT NULL DEFAULT '', major TEXT NOT NULL DEFAULT '', "
            "tags TEXT NOT NULL DEFAULT '', notes TEXT NOT NULL DEFAULT '', "
            "document TSVECTOR NOT NULL)"
        )
        op.execute(
            "CREATE INDEX ix_candidate_search_document ON candidate_search USING GIN (document)"
        )


def downgrade():
    op.execute("DROP TABLE candidate_search")
