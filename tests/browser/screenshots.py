"""Take the README's screenshots of Recruit from a scratch demo office (`make screenshots`)."""

import logging
import secrets
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run as a script from the Makefile, not as part of a package

from flask_migrate import upgrade  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from recruit import create_app  # noqa: E402
from recruit.candidates.models import (  # noqa: E402
    Candidate,
    CandidateEvent,
    Note,
    Stage,
    StageChange,
)
from recruit.cli import DEMO_ADMIN_EMAIL  # noqa: E402
from recruit.demo import seed_demo  # noqa: E402
from recruit.events.models import Event, EventKind, EventStatus  # noqa: E402
from recruit.extensions import db  # noqa: E402
from recruit.interviews.models import Interview, InterviewState  # noqa: E402
from recruit.interviews.services import candidate_token  # noqa: E402
from recruit.pipeline.rules import StageKey  # noqa: E402
from recruit.placements.models import Evaluation, Placement  # noqa: E402
from recruit.students.services import issue_status_link, status_url  # noqa: E402
from tests.browser.harness import keep_on_machine, launch_chromium, serve  # noqa: E402

OUTPUT = ROOT / "static" / "img" / "screenshots"

DESKTOP = {"width": 1280, "height": 800}
WIDE = {"width": 1440, "height": 900}
TALL = {"width": 1280, "height": 1200}  # a candidate's notes and history below the profile
PHONE = {"width": 390, "height": 844}


class Shot(NamedTuple):
    file: str
    path: str
    viewport: dict
    signed_in: bool = True
    full_page: bool = False


# One line per screenshot; demo_shots adds those that need the demo's own records.
SHOTS = [
    Shot("login.png", "/login", DESKTOP, signed_in=False),
    Shot("dashboard.png", "/", DESKTOP),
    Shot("dashboard-phone.png", "/", PHONE),
    Shot("board.png", "/candidates/board", WIDE),
    Shot("events-board.png", "/events/board", WIDE),
    Shot("reports.png", "/reports/?term=summer-" + str(date.today().year), TALL),
    Shot("messages.png", "/admin/messages/", TALL),  # the templates and each stage's message
    Shot("outbox.png", "/outbox/", DESKTOP),
    Shot("openings-es-phone.png", "/apply/openings?lang=es", PHONE, signed_in=False),
    Shot("two-step-phone.png", "/account/two-step", PHONE),
    Shot("sessions.png", "/account/sessions", DESKTOP),
]


def demo_shots() -> list[Shot]:
    """Shots of records picked from the demo database, never by hard-coded id; a shot whose
    record the demo lacks is left out, with a note."""
    shots = []
    common_name = db.session.scalar(
        select(Candidate.first_name)
        .group_by(Candidate.first_name)
        .order_by(func.count().desc(), Candidate.first_name)
        .limit(1)
    )
    if common_name:
        shots.append(Shot("candidates.png", f"/candidates/?q={common_name}", DESKTOP))
    notes = select(func.count()).where(Note.candidate_id == Candidate.id).scalar_subquery()
    moves = select(func.count()).where(StageChange.candidate_id == Candidate.id).scalar_subquery()
    # The busiest record, but not one whose history runs far below the fold.
    candidate = db.session.scalar(
        select(Candidate.id)
        .where(notes > 0, moves.between(3, 6))
        .order_by(notes.desc(), moves.desc(), Candidate.id)
        .limit(1)
    ) or db.session.scalar(select(Candidate.id).order_by(Candidate.id).limit(1))
    if candidate:
        shots.append(Shot("candidate.png", f"/candidates/{candidate}", TALL))
    # A career fair shows the form as students meet it most; any other event will do.
    fairs_first = (Event.kind != EventKind.CAREER_FAIR, Event.starts_on)
    upcoming = db.session.scalar(
        select(Event.slug)
        .where(Event.starts_on >= date.today(), Event.status != EventStatus.CANCELLED)
        .order_by(*fairs_first)
        .limit(1)
    )
    if upcoming:
        shots.append(Shot("apply-phone.png", f"/apply/{upcoming}", PHONE, False, True))
    leads = select(func.count()).where(CandidateEvent.event_id == Event.id).scalar_subquery()
    event = db.session.scalar(
        select(Event.id)
        .where(leads > 0)
        .order_by(Event.kind != EventKind.CAREER_FAIR, Event.starts_on.desc())
        .limit(1)
    ) or db.session.scalar(select(Event.id).order_by(Event.starts_on.desc()).limit(1))
    if event:
        shots.append(Shot("event.png", f"/events/{event}", DESKTOP))
        # At the booth: the QR code and quick-add first, on the phone staff carry.
        shots.append(Shot("event-phone.png", f"/events/{event}", PHONE))
        shots.append(Shot("booth-sign.png", f"/events/{event}/sign", TALL))
    placement = db.session.scalar(
        select(Placement.id)
        .join(Evaluation, Evaluation.placement_id == Placement.id)
        .order_by(Placement.starts_on.desc(), Placement.id)
        .limit(1)
    )
    if placement:
        shots.append(Shot("placement.png", f"/placements/{placement}", TALL))
    # A student who reads Spanish, still in the running, on their own page.
    student = db.session.scalar(
        select(Candidate)
        .join(Stage, Stage.id == Candidate.stage_id)
        .where(Candidate.language == "es", Stage.key == StageKey.INTERVIEW)
        .order_by(Candidate.id)
        .limit(1)
    )
    if student:
        link = issue_status_link(student)
        address = urlsplit(status_url(link))  # opens in the student's language
        path = f"{address.path}?{address.query}"
        db.session.commit()
        shots.append(Shot("student-page-es-phone.png", path, PHONE, False, True))
    # HR scheduling an interview for someone still in Screening.
    screening = db.session.scalar(
        select(Candidate.id)
        .join(Stage, Stage.id == Candidate.stage_id)
        .where(Stage.key == StageKey.SCREENING, Candidate.anonymized_at.is_(None))
        .order_by(Candidate.id)
        .limit(1)
    )
    if screening:
        shots.append(Shot("interview-schedule.png", f"/interviews/new/{screening}", TALL))
    # The times offered, as the candidate picks one on their phone.
    offered = db.session.scalar(
        select(Interview)
        .where(Interview.state == InterviewState.OFFERED)
        .order_by(Interview.id)
        .limit(1)
    )
    if offered:
        path = f"/apply/interview/{candidate_token(offered)}?lang={offered.candidate.language}"
        shots.append(Shot("interview-phone.png", path, PHONE, False, True))
    wanted = {
        "candidates.png",
        "candidate.png",
        "apply-phone.png",
        "event.png",
        "event-phone.png",
        "booth-sign.png",
        "placement.png",
        "student-page-es-phone.png",
        "interview-schedule.png",
        "interview-phone.png",
    }
    for missing in sorted(wanted - {shot.file for shot in shots}):
        print(f"skipped {missing}: the demo has no record to show in it")
    return shots


def warn_without_cjk_fonts() -> None:
    """Say so when no font draws Chinese, Japanese or Korean: the demo's names in those
    scripts would show as empty boxes in the pictures."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return
    missing = [
        lang
        for lang in ("zh", "ja", "ko")
        if not subprocess.run(  # noqa: S603 (a fixed command, no user input)
            [fc_list, f":lang={lang}", "family"], capture_output=True, text=True, check=False
        ).stdout.strip()
    ]
    if missing:
        print(
            f"warning: no font for {', '.join(missing)}; names in those scripts will show as "
            "boxes (apt-get install fonts-noto-cjk)"
        )


def build_demo(instance: Path, admin_password: str):
    """A Recruit app on a fresh SQLite database in instance, filled with the demo office."""
    app = create_app(
        {
            "INSTANCE_PATH": str(instance),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'demo.sqlite'}",
            "SECRET_KEY": secrets.token_hex(32),
        }
    )
    with app.app_context():
        upgrade()
        seed_demo(admin_email=DEMO_ADMIN_EMAIL, admin_password=admin_password)
        db.session.commit()
    return app


def sign_in(browser, base_url: str, password: str) -> dict:
    """Sign the demo admin in once; return the cookies for every signed-in shot."""
    context = browser.new_context(viewport=DESKTOP)
    keep_on_machine(context)
    page = context.new_page()
    page.goto(f"{base_url}/login")
    page.get_by_label("Email", exact=True).fill(DEMO_ADMIN_EMAIL)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/")
    state = context.storage_state()
    context.close()
    return state


def take(browser, base_url: str, shot: Shot, signed_in_state: dict) -> Path:
    """Open shot.path at shot.viewport and save what the screen shows."""
    context = browser.new_context(
        viewport=shot.viewport,
        storage_state=signed_in_state if shot.signed_in else None,
    )
    keep_on_machine(context)
    page = context.new_page()
    response = page.goto(f"{base_url}{shot.path}")
    if response is None or not response.ok:
        raise SystemExit(f"{shot.path} answered {response and response.status}; no screenshot")
    page.wait_for_load_state("networkidle")
    target = OUTPUT / shot.file
    page.screenshot(path=target, animations="disabled", full_page=shot.full_page)
    context.close()
    return target


def main() -> None:
    """Build the demo, serve it on 127.0.0.1 and save every screenshot in SHOTS."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    warn_without_cjk_fonts()
    OUTPUT.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(16)
    with tempfile.TemporaryDirectory(prefix="recruit-screenshots-") as instance:
        app = build_demo(Path(instance), password)
        with app.app_context():
            shots = SHOTS + demo_shots()
        with serve(app) as base_url, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            state = sign_in(browser, base_url, password)
            for shot in shots:
                print(f"saved {take(browser, base_url, shot, state).relative_to(ROOT)}")
            browser.close()


if __name__ == "__main__":
    main()
