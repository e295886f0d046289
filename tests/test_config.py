"""How the app factory assembles its configuration, and the database settings it applies."""

import os
import stat

import pytest
from sqlalchemy import text

from recruit.auth.models import User
from recruit.extensions import db


@pytest.fixture(autouse=True)
def no_recruit_environment(monkeypatch):
    """Start each test here without RECRUIT_* variables from the shell."""
    for name in list(os.environ):
        if name.startswith("RECRUIT_"):
            monkeypatch.delenv(name)


def test_create_app_applies_overrides(make_app):
    """Does a setting passed to create_app win over the defaults?"""
    app = make_app({"PAGE_SIZE": 7, "SESSION_IDLE_MINUTES": 3}, bare=True)
    assert app.config["PAGE_SIZE"] == 7
    assert app.config["SESSION_IDLE_MINUTES"] == 3


def test_overrides_win_over_the_environment(make_app, monkeypatch):
    """Does a setting passed to create_app win over a RECRUIT_* variable?"""
    monkeypatch.setenv("RECRUIT_SESSION_IDLE_MINUTES", "30")
    app = make_app({"SESSION_IDLE_MINUTES": 10}, bare=True)
    assert app.config["SESSION_IDLE_MINUTES"] == 10


def test_instance_config_file_is_read(make_app, tmp_path):
    """Are settings in instance/config.py applied?"""
    instance = tmp_path / "configured"
    instance.mkdir()
    (instance / "config.py").write_text("PAGE_SIZE = 25\n")
    app = make_app({"INSTANCE_PATH": str(instance)}, bare=True)
    assert app.config["PAGE_SIZE"] == 25


def test_secret_key_is_generated_into_the_instance_folder(make_app, tmp_path):
    """Without RECRUIT_SECRET_KEY, is a long secret key written to the instance folder, 0600?"""
    instance = tmp_path / "fresh"
    app = make_app({"INSTANCE_PATH": str(instance)}, bare=True)
    key_file = instance / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert app.secret_key == key_file.read_text().strip()
    assert len(app.secret_key) >= 64


def test_generated_secret_key_is_reused(make_app, tmp_path):
    """Does the next start reuse the generated secret key, keeping sessions valid?"""
    instance = tmp_path / "fresh"
    first = make_app({"INSTANCE_PATH": str(instance)}, bare=True)
    second = make_app({"INSTANCE_PATH": str(instance)}, bare=True)
    assert second.secret_key == first.secret_key


def test_secret_key_from_environment_is_used(make_app, monkeypatch, tmp_path):
    """Is RECRUIT_SECRET_KEY used, with no key file written?"""
    monkeypatch.setenv("RECRUIT_SECRET_KEY", "k" * 64)
    instance = tmp_path / "fresh"
    app = make_app({"INSTANCE_PATH": str(instance)}, bare=True)
    assert app.secret_key == "k" * 64
    assert not (instance / "secret_key").exists()


def test_empty_secret_key_file_is_not_used(make_app, tmp_path):
    """Is an empty key file (a start that died half-way) refused instead of signing with ''?"""
    instance = tmp_path / "broken"
    instance.mkdir()
    (instance / "secret_key").write_text("")
    with pytest.raises(RuntimeError, match="secret_key"):
        make_app({"INSTANCE_PATH": str(instance)}, bare=True)


def test_database_url_is_read_from_the_environment(make_app, monkeypatch, tmp_path):
    """Is RECRUIT_DATABASE_URL the database the app uses?"""
    url = f"sqlite:///{tmp_path / 'from-environment.sqlite'}"
    monkeypatch.setenv("RECRUIT_DATABASE_URL", url)
    app = make_app(bare=True)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == url
    with app.app_context():
        assert db.engine.url.database == str(tmp_path / "from-environment.sqlite")


def test_database_defaults_to_the_instance_folder(make_app, tmp_path):
    """Without any database setting, is the SQLite file kept in the instance folder?"""
    instance = tmp_path / "fresh"
    app = make_app({"INSTANCE_PATH": str(instance)}, bare=True)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'recruit.sqlite'}"


@pytest.mark.parametrize("value", ["0", "false", "No"])
def test_rate_limits_can_be_turned_off_from_the_environment(make_app, monkeypatch, value):
    """Does RECRUIT_RATELIMIT_ENABLED=0 turn rate limiting off?"""
    monkeypatch.setenv("RECRUIT_RATELIMIT_ENABLED", value)
    app = make_app(bare=True)
    assert app.config["RATELIMIT_ENABLED"] is False


def test_rate_limits_are_on_by_default(make_app):
    """Are rate limits on when nothing says otherwise?"""
    assert make_app(bare=True).config["RATELIMIT_ENABLED"] is True


def test_secure_cookies_from_the_environment(make_app, monkeypatch):
    """Does RECRUIT_SECURE_COOKIES=1 mark the session and remember cookies Secure?"""
    monkeypatch.setenv("RECRUIT_SECURE_COOKIES", "1")
    app = make_app(bare=True)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_secure_cookies_get_the_host_prefix(make_app, monkeypatch):
    """Does RECRUIT_SECURE_COOKIES=1 give both cookies the __Host- prefix browsers enforce?"""
    monkeypatch.setenv("RECRUIT_SECURE_COOKIES", "1")
    app = make_app(bare=True)
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-recruit_session"
    assert app.config["REMEMBER_COOKIE_NAME"] == "__Host-remember_token"


def test_production_hashes_passwords_with_scrypt(make_app):
    """Does an app with default settings hash passwords with scrypt?"""
    app = make_app(bare=True)
    user = User(name="Hash Check", email="hash@agency.example")
    with app.app_context():
        user.set_password("a long enough password")
    assert user.password_hash.startswith("scrypt:")
    assert user.check_password("a long enough password")


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [("foreign_keys", 1), ("journal_mode", "wal"), ("busy_timeout", 5000), ("synchronous", 2)],
)
def test_sqlite_connections_get_pragmas(app, pragma, expected):
    """Does every SQLite connection get the pragmas Recruit relies on?"""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas do not apply to PostgreSQL")
    with db.engine.connect() as connection:
        assert connection.execute(text(f"PRAGMA {pragma}")).scalar() == expected


def test_server_timing_is_off_unless_asked_for(make_app, monkeypatch):
    """Is the Server-Timing header absent by default, and sent with
    RECRUIT_SERVER_TIMING=1 (as make bench serves the app)?"""
    quiet = make_app().test_client().get("/healthz")
    monkeypatch.setenv("RECRUIT_SERVER_TIMING", "1")
    timed = make_app().test_client().get("/healthz")

    assert "Server-Timing" not in quiet.headers
    name, _, duration = timed.headers["Server-Timing"].partition(";dur=")
    assert name == "app"
    assert float(duration) >= 0
