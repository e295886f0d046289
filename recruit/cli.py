"""Command-line tasks: create-user, seed-demo."""

import secrets

import click
from flask import current_app
from sqlalchemy import func, select

from recruit.auth.models import Role, User
from recruit.auth.services import DuplicateEmail, create_user
from recruit.extensions import db

DEMO_ADMIN_EMAIL = "admin@recruit.example"


@click.command("create-user")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.ADMIN.value)
@click.password_option(help="At least 12 characters.")
def create_user_command(email: str, name: str, role: str, password: str) -> None:
    """Create a staff account."""
    if len(password) < 12:
        raise click.BadParameter("use at least 12 characters", param_hint="password")
    try:
        create_user(name, email, Role(role), password, by=None)
    except DuplicateEmail as error:
        raise click.ClickException("another account already uses this email") from error
    db.session.commit()
    click.echo(f"Created {role} account {email}.")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has users.")
@click.option("--candidates", default=200, show_default=True)
def seed_demo_command(if_empty: bool, candidates: int) -> None:
    """Load demo data and an admin account with a random password."""
    from recruit.demo import seed_demo

    base_url = current_app.config["PUBLIC_BASE_URL"]
    if db.session.scalar(select(func.count()).select_from(User)):
        if if_empty:
            click.echo(f"Recruit is at {base_url}/ (sign in with your account).")
            return
        raise click.ClickException("the database already has data; demo data goes in empty ones")
    password = secrets.token_urlsafe(12)
    seed_demo(admin_email=DEMO_ADMIN_EMAIL, admin_password=password, candidates=candidates)
    db.session.commit()
    click.echo(f"Sign in at {base_url}/login as {DEMO_ADMIN_EMAIL} with password {password}")


def register_cli(app) -> None:
    """Add Recruit's commands to `flask`."""
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
