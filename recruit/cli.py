"""Command-line tasks: create-user, seed-demo, deliver, backup, restore, retention,
sweep-imports."""

import secrets
import signal
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import func, select

from recruit.admin.models import set_setting
from recruit.auth.models import MIN_PASSWORD_LENGTH, Role, User
from recruit.auth.passwords import password_problem
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
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.BadParameter("use at least 12 characters", param_hint="password")
    problem = password_problem(password, name, email)
    if problem:
        raise click.BadParameter(problem, param_hint="password")
    first = not db.session.scalar(select(func.count()).select_from(User))
    try:
        create_user(name, email, Role(role), password, by=None)
    except DuplicateEmail as error:
        raise click.ClickException("another account already uses this email") from error
    started = start_new_office()
    if first:
        # A new install asks admins for two-step verification from their first sign-in.
        set_setting("two_step_required", "admins")
    db.session.commit()
    click.echo(f"Created {role} account {email}.")
    if started:
        click.echo("Added the standard pipeline stages and evaluation questions.")
    if first:
        click.echo(
            "Admins must use two-step verification (an authenticator app on their phone) and "
            "set it up at their first sign-in; the Settings page changes who must."
        )


def start_new_office() -> bool:
    """Give a new office (no stages yet) the standard stages, with their messages, and the
    standard evaluation questions; False when the pipeline already exists."""
    from recruit.candidates.models import Stage
    from recruit.pipeline.stages import create_standard_stages
    from recruit.placements.questionnaires import create_standard_evaluation_items

    if db.session.scalar(select(func.count()).select_from(Stage)):
        return False
    create_standard_stages()
    create_standard_evaluation_items()
    return True


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


@click.command("backup")
@click.option("--keep", default=14, show_default=True, help="How many backups to keep.")
def backup_command(keep: int) -> None:
    """Back up the live SQLite database and the uploaded files into instance/backups/."""
    from recruit import backups

    instance = Path(current_app.instance_path)
    try:
        copy = backups.backup(
            backups.sqlite_path(current_app.config["SQLALCHEMY_DATABASE_URI"]),
            Path(current_app.config["UPLOAD_FOLDER"]),
            instance / "backups",
            keep=keep,
        )
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up to {copy} (integrity check ok), uploads beside it.")


@click.command("restore")
@click.argument("copy", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.confirmation_option(
    prompt="This replaces the database and the uploaded files. Is the app stopped?"
)
def restore_command(copy: Path) -> None:
    """Restore a backup made by `backup` (stop the app first)."""
    from recruit import backups

    db.engine.dispose()
    try:
        backups.restore(
            copy,
            backups.sqlite_path(current_app.config["SQLALCHEMY_DATABASE_URI"]),
            Path(current_app.config["UPLOAD_FOLDER"]),
        )
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {copy.name}.")


@click.command("retention")
@click.option("--apply", "apply_", is_flag=True, help="Anonymize them (default: only list).")
def retention_command(apply_: bool) -> None:
    """List (or with --apply, anonymize) candidates past the retention period."""
    from recruit.admin.models import get_setting
    from recruit.privacy import services as privacy

    due = privacy.due_for_retention()
    months = get_setting("retention_months")
    click.echo(f"{len(due)} candidates not hired and inactive for over {months} months:")
    for candidate in due:
        click.echo(f"  #{candidate.id}  last activity {candidate.last_activity_at:%Y-%m-%d}")
    if apply_:
        count = privacy.apply_retention()
        db.session.commit()
        click.echo(f"Anonymized {count}; the audit log records the run.")
    else:
        click.echo("Dry run: nothing changed. Run with --apply to anonymize them.")


@click.command("search-rebuild")
def search_rebuild_command() -> None:
    """Rebuild the candidate search index from the tables (after a bulk load or an upgrade)."""
    from recruit.pipeline import search_index

    count = search_index.rebuild(db.session.connection())
    db.session.commit()
    click.echo(f"Search index rebuilt: {count} candidates.")


@click.command("rebuild-summaries")
def rebuild_summaries_command() -> None:
    """Recompute every candidate's report summaries from the stage history (after a bulk
    load, or to check them)."""
    from recruit.pipeline import summaries

    count = summaries.rebuild(db.session.connection())
    db.session.commit()
    click.echo(f"Summaries rebuilt from the history: {count} candidates changed.")


@click.command("forget-receipts")
def forget_receipts_command() -> None:
    """Forget the interest form's receipts no send kept on a device can still need (for
    cron, when no worker runs)."""
    from recruit.interest import receipts

    count = receipts.prune()
    db.session.commit()
    click.echo(f"Forgot {count} old form receipts.")


@click.command("sweep-imports")
def sweep_imports_command() -> None:
    """Delete import previews older than their two-hour life (for cron, when no worker runs)."""
    from recruit.events import imports

    click.echo(f"Deleted {imports.sweep()} old import previews.")


@click.command("deliver")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
def deliver_command(once: bool) -> None:
    """Deliver the outbox by SMTP until stopped (Ctrl-C); run beside the web server."""
    from recruit.messages.delivery import run_forever

    def stop(_signum, _frame):
        raise KeyboardInterrupt

    # honcho, systemd and gunicorn's neighbours stop services with SIGTERM: finish quietly.
    signal.signal(signal.SIGTERM, stop)
    try:
        run_forever(current_app.config["MAIL_POLL_SECONDS"], once=once)
    except KeyboardInterrupt:
        click.echo("Delivery stopped.")


def register_cli(app) -> None:
    """Add Recruit's commands to `flask`."""
    for command in (
        create_user_command,
        seed_demo_command,
        backup_command,
        restore_command,
        retention_command,
        search_rebuild_command,
        rebuild_summaries_command,
        deliver_command,
        sweep_imports_command,
        forget_receipts_command,
    ):
        app.cli.add_command(command)
