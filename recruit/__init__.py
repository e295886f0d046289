"""Recruit: a state procurement office's student recruitment and internship pipeline."""

import logging
import os
import time

from flask import Flask, g
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

from recruit.config import load_config
from recruit.database import (
    close_session_quietly,
    configure_engine,
    dispatch_retrying,
    include_in_migrations,
    log_sqlite_version,
)
from recruit.extensions import csrf, db, limiter, login_manager, migrate


class RowIdConverter(IntegerConverter):
    """<int:…> in Recruit's addresses: a number a row id can be. A larger one is no page
    (404), rather than a number PostgreSQL's INTEGER columns refuse (a 500)."""

    def __init__(self, url_map, **kwargs):
        super().__init__(url_map, **{"max": 2**31 - 1, **kwargs})


class RecruitMap(Map):
    """Werkzeug's URL map with Recruit's <int:…>."""

    default_converters = {**Map.default_converters, "int": RowIdConverter}


class Recruit(Flask):
    """Flask, running a view again once when its database connection dropped midway."""

    url_map_class = RecruitMap

    def dispatch_request(self):
        """Dispatch as Flask does, retrying once after a connection lost before a commit."""
        return dispatch_retrying(super().dispatch_request)


def create_app(config: dict | None = None) -> Flask:
    """Build the Recruit application; config overrides everything else (tests use it)."""
    # Whatever starts Recruit (gunicorn, the worker, the CLI) creates the database, its WAL,
    # uploads, backups and imports for its own user alone: they hold students' personal data.
    os.umask(0o077)
    config = dict(config or {})
    app = Recruit(
        __name__,
        instance_relative_config=True,
        instance_path=config.pop("INSTANCE_PATH", None),
        template_folder="../templates",
        static_folder="../static",
    )
    load_config(app, config)
    logging.basicConfig(level=logging.INFO)

    db.init_app(app)
    # Runs before Flask-SQLAlchemy's own teardown (last registered, first run), which would
    # fail the finished answer when a dropped connection cannot roll back.
    app.teardown_appcontext(close_session_quietly)
    migrate.init_app(
        app,
        db,
        directory=str(_project_path("migrations")),
        render_as_batch=True,
        include_object=include_in_migrations,
    )
    csrf.init_app(app)
    limiter.init_app(app)
    _init_login(app)
    from recruit.i18n import init_i18n

    init_i18n(app)
    with app.app_context():
        configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
        if db.engine.dialect.name == "sqlite":
            log_sqlite_version()

    if app.config["PROXY_FIX_HOPS"]:
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    _register_blueprints(app)
    _register_hooks(app)

    from recruit.cli import register_cli

    register_cli(app)
    return app


def _project_path(name: str):
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / name


def _init_login(app: Flask) -> None:
    from recruit.auth.sessions import load_session

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_key: str):
        # The id names a session row ("<user id>:<token>"): a session or remember cookie
        # restores only a row that is still there; its limits are checked in enforce_sign_in.
        staff_session = load_session(session_key)
        g.staff_session = staff_session
        return staff_session.user if staff_session else None


def _register_blueprints(app: Flask) -> None:
    from recruit import models  # noqa: F401  (the whole schema, for migrations)
    from recruit.admin import (
        settings_views,  # noqa: F401  (adds its pages to admin_bp)
        translation_views,  # noqa: F401  (adds its pages to admin_bp)
    )
    from recruit.admin.views import bp as admin_bp
    from recruit.audit.views import bp as audit_bp
    from recruit.auth import two_step_views  # noqa: F401  (adds its pages to auth_bp)
    from recruit.auth.views import bp as auth_bp
    from recruit.candidates.proposal_views import bp as proposals_bp
    from recruit.candidates.stage_views import bp as stages_bp
    from recruit.candidates.views import bp as candidates_bp
    from recruit.events.views import bp as events_bp
    from recruit.events.views import calendar_bp
    from recruit.interest.views import bp as interest_bp
    from recruit.interest.views import offline_bp
    from recruit.interviews.scorecard_views import bp as scorecards_bp
    from recruit.interviews.views import bp as interviews_bp
    from recruit.interviews.views import link_bp as interview_link_bp
    from recruit.main.views import bp as main_bp
    from recruit.messages.views import (
        candidate_messages_bp,
        follow_up_bp,
        outbox_bp,
        stop_bp,
        templates_bp,
    )
    from recruit.pipeline import (
        search_index,  # noqa: F401  (its hooks keep the index in step)
        summaries,  # noqa: F401  (its hooks keep the summaries in step)
    )
    from recruit.placements.feedback_views import bp as feedback_bp
    from recruit.placements.openings_views import bp as openings_bp
    from recruit.placements.views import bp as positions_bp
    from recruit.placements.views import items_bp as evaluation_items_bp
    from recruit.placements.views import placements_bp
    from recruit.privacy.views import bp as privacy_bp
    from recruit.reports.views import bp as reports_bp
    from recruit.students.views import bp as students_bp
    from recruit.universities.follow_up_views import bp as follow_ups_bp
    from recruit.universities.views import bp as universities_bp
    from recruit.universities.views import contacts_bp

    for blueprint in (
        auth_bp,
        main_bp,
        admin_bp,
        candidates_bp,
        proposals_bp,
        stages_bp,
        interest_bp,
        offline_bp,
        openings_bp,
        students_bp,
        interviews_bp,
        interview_link_bp,
        events_bp,
        calendar_bp,
        universities_bp,
        contacts_bp,
        follow_ups_bp,
        privacy_bp,
        audit_bp,
        reports_bp,
        positions_bp,
        placements_bp,
        feedback_bp,
        outbox_bp,
        templates_bp,
        candidate_messages_bp,
        follow_up_bp,
        stop_bp,
        evaluation_items_bp,
        scorecards_bp,
    ):
        app.register_blueprint(blueprint)


def _time_requests(app: Flask) -> None:
    """Say in a Server-Timing header how long each answer took, from the first hook to
    the last (registered first, so its start runs first and its stamp last)."""

    @app.before_request
    def start_clock() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def stamp_time(response):
        if "started" in g:
            took = (time.perf_counter() - g.started) * 1000
            response.headers["Server-Timing"] = f"app;dur={took:.2f}"
        return response


def _register_hooks(app: Flask) -> None:
    from recruit import cached
    from recruit.auth.access import enforce_sign_in
    from recruit.auth.two_step import enforce_enrollment
    from recruit.errors import register_error_handlers
    from recruit.security import refuse_nul_characters, set_security_headers
    from recruit.templating import register_template_helpers
    from recruit.timezones import forget_office_zone

    if app.config["SERVER_TIMING"]:
        _time_requests(app)
    # The zone is remembered in g, which outlives a request run inside an app context
    # pushed earlier (tests, scripts): read the setting afresh for every request.
    app.before_request(forget_office_zone)
    app.before_request(cached.forget)
    app.before_request(refuse_nul_characters)
    app.before_request(enforce_sign_in)
    app.before_request(enforce_enrollment)
    app.after_request(set_security_headers)
    register_error_handlers(app)
    register_template_helpers(app)
