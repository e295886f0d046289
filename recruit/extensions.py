"""The Flask extensions Recruit uses, created once and bound in create_app."""

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_login.config import COOKIE_HTTPONLY, COOKIE_NAME, COOKIE_SAMESITE, COOKIE_SECURE
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class RecruitLoginManager(LoginManager):
    """Flask-Login's manager, deleting the remember cookie the way it was set."""

    def _clear_cookie(self, response):
        """Expire the remember cookie with the attributes it was set with."""
        # Flask-Login deletes it without Secure, and browsers ignore a __Host- cookie sent
        # without Secure: the cookie would outlive signing out and session expiry.
        config = current_app.config
        response.delete_cookie(
            config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME),
            path=config.get("REMEMBER_COOKIE_PATH", "/"),
            domain=config.get("REMEMBER_COOKIE_DOMAIN"),
            secure=config.get("REMEMBER_COOKIE_SECURE", COOKIE_SECURE),
            httponly=config.get("REMEMBER_COOKIE_HTTPONLY", COOKIE_HTTPONLY),
            samesite=config.get("REMEMBER_COOKIE_SAMESITE", COOKIE_SAMESITE),
        )


class Base(DeclarativeBase):
    """Declarative base whose constraints get predictable names in migrations."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = RecruitLoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
