"""Office-wide settings that admins change without touching code."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from recruit.database import utcnow
from recruit.extensions import db

SETTING_DEFAULTS = {
    # How every message to students signs off, and where they write back.
    "office_name": "State Procurement Office",
    "office_email": "internships@procurement.state.example",
    "retention_months": 24,
    # Who must use two-step verification: "nobody", "admins" or "everyone". An office that
    # never chose keeps one-step sign-in; `flask create-user` sets "admins" for a new one.
    "two_step_required": "nobody",
    # Set by seed-demo, so the admin's pages can say the demo is not ready for real use.
    "demo_office": False,
    # Every time Recruit shows is in this zone (times are stored in UTC).
    "time_zone": "America/Chicago",
    "privacy_notice": (
        "We keep what you enter here, and your resume if you add one, to consider you for "
        "internships and jobs with the state and to contact you about them. Only our "
        "recruitment staff see it. If you are not hired, we delete it 24 months after "
        "your last contact with us. Ask us any time to see or delete it."
    ),
    # Students reading the form in Spanish see this one (an empty one: the English).
    "privacy_notice_es": (
        "Guardamos lo que escriba aquí, y su currículum si lo agrega, para tenerle en "
        "cuenta en pasantías y empleos con el estado y para comunicarnos con usted sobre "
        "ellos. Solo nuestro equipo de reclutamiento puede verlo. Si no llega a trabajar "
        "con nosotros, lo eliminamos 24 meses después de su último contacto. Puede "
        "pedirnos en cualquier momento que se lo mostremos o que lo eliminemos."
    ),
}


class Setting(db.Model):
    """One named setting, stored as JSON."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[object] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


def get_setting(key: str):
    """A setting's value, or its default when no admin has set it."""
    from recruit import cached  # it reads this module's model

    stored = cached.settings()
    return stored[key] if key in stored else SETTING_DEFAULTS[key]


def set_setting(key: str, value) -> None:
    """Store a setting's new value."""
    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=value))
    else:
        row.value = value


class ChangeClock(db.Model):
    """One row counting the committed transactions that changed what staff pages show,
    so that each worker knows when a page piece it keeps has gone out of date."""

    __tablename__ = "change_clock"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticks: Mapped[int] = mapped_column(BigInteger, default=0)
