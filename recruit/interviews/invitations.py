"""Interview invitations: the iCalendar entry (one UID, a SEQUENCE raised by each change)
and the messages that carry it, to the candidate in their language and to each
interviewer, all through the outbox."""

from datetime import timedelta
from typing import TYPE_CHECKING

from babel.dates import format_date as babel_date
from babel.dates import format_time as babel_time
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from recruit.auth.models import User
from recruit.calendars import new_calendar, stamp, to_ics
from recruit.i18n import in_language, language_or_default
from recruit.interviews.models import Interview, InterviewKind, InterviewState
from recruit.messages import services as messages
from recruit.messages.links import public_url
from recruit.messages.models import LinkKind
from recruit.templating import office_time
from recruit.timezones import local

if TYPE_CHECKING:
    import icalendar

PANEL_KEY = "interview_panel"
CANDIDATE_KEY = "interview_invitation"

KIND_WORDS = {
    InterviewKind.PHONE_SCREEN: _l("phone interview"),
    InterviewKind.PANEL: _l("panel interview"),
    InterviewKind.AGENCY: _l("interview with the agency"),
}


# --- the calendar entry -------------------------------------------------------------------


def calendar_entry(interview: Interview, method: str, for_candidate: bool) -> str:
    """The iCalendar document (METHOD:REQUEST or CANCEL) for one interview, as mailed."""
    cal = new_calendar(method=method)
    cal.add_component(interview_component(interview, for_candidate, cancelled=method == "CANCEL"))
    return to_ics(cal).decode()


def interview_component(
    interview: Interview, for_candidate: bool, cancelled: bool = False, office: dict | None = None
) -> "icalendar.Event":
    """One interview as a calendar entry, the same in invitations and staff feeds (one UID,
    SEQUENCE raised by each change). The candidate's copy lists only them; the panel's
    lists everyone invited and links to the interview's page."""
    import icalendar

    office = office or messages.office()
    entry = icalendar.Event()
    entry.add("uid", interview.uid)
    entry.add("sequence", interview.sequence)
    entry.add("dtstamp", stamp())
    entry.add("dtstart", local(interview.starts_at))
    entry.add("dtend", local(interview.ends_at))
    entry.add("summary", summary(interview, for_candidate, office))
    where = interview.location or interview.video_url
    if where:
        entry.add("location", where)
    if interview.video_url:
        entry.add("url", interview.video_url)
    elif not for_candidate:
        entry.add("url", public_url("interviews.detail", interview_id=interview.id))
    entry.add("description", _description(interview, for_candidate))
    entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = icalendar.vCalAddress(f"mailto:{office['office_email']}")
    organizer.params["cn"] = icalendar.vText(office["office_name"])
    entry.add("organizer", organizer)
    people = [(interview.candidate.full_name, interview.candidate.email)]
    if not for_candidate:
        people += [(person.name, person.email) for person in interview.interviewers]
    for name, email in people:
        attendee = icalendar.vCalAddress(f"mailto:{email}")
        attendee.params["cn"] = icalendar.vText(name)
        attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = icalendar.vText("NEEDS-ACTION")
        entry.add("attendee", attendee, encode=0)
    return entry


def summary(interview: Interview, for_candidate: bool, office: dict) -> str:
    """The calendar entry's title."""
    if for_candidate:
        return _("Interview with the %(office)s", office=office["office_name"])
    return f"{interview.kind.label}: {interview.candidate.full_name}"


def _description(interview: Interview, for_candidate: bool) -> str:
    lines = []
    if interview.position is not None:
        lines.append(interview.position.title)
    if interview.video_url:
        lines.append(interview.video_url)
    if for_candidate and interview.note_for_candidate:
        lines.append(interview.note_for_candidate)
    if not for_candidate:
        lines.append(public_url("interviews.detail", interview_id=interview.id))
    return "\n".join(lines)


# --- wording -----------------------------------------------------------------------------


def when_for_candidate(value, language: str) -> str:
    """'Thursday, December 3, 2026, 10:00 AM CST' in the candidate's language."""
    moment = local(value)
    locale = language_or_default(language)
    return (
        f"{babel_date(moment.date(), format='full', locale=locale)}, "
        f"{babel_time(moment.time(), format='short', locale=locale)} {moment.tzname()}"
    )


def _sign_off(office: dict) -> str:
    return _("Best regards,\nThe %(office)s internship program", office=office["office_name"])


def _details(interview: Interview, language: str) -> str:
    lines = [
        _(
            "When: %(when)s (%(minutes)s minutes)",
            when=when_for_candidate(interview.starts_at, language),
            minutes=interview.duration_minutes,
        )
    ]
    if interview.location:
        lines.append(_("Where: %(place)s", place=interview.location))
    if interview.video_url:
        lines.append(_("Video link: %(link)s", link=interview.video_url))
    if interview.position is not None:
        lines.append(_("Position: %(title)s", title=interview.position.title))
    if interview.note_for_candidate:
        lines += ["", interview.note_for_candidate]
    return "\n".join(lines)


def _send_to_candidate(
    interview: Interview, subject: str, body: str, by_user, calendar=None, with_link=True
):
    """Queue a message to the candidate, in their language, unless they may not be written
    to; with_link, it carries their private link to the interview's page."""
    candidate = interview.candidate
    if messages.why_not_message(candidate):
        return None
    link = {"link_kind": LinkKind.INTERVIEW, "link_ref": interview.id} if with_link else {}
    return messages.queue(
        candidate.email,
        subject,
        body,
        candidate=candidate,
        template_key=CANDIDATE_KEY,
        by_user=by_user,
        language=candidate.language,
        calendar=calendar,
        **link,
    )


def _change_line(interview: Interview, language: str) -> str:
    cutoff = interview.starts_at - timedelta(hours=_cutoff_hours())
    return _(
        "To move or cancel it, use your private link until %(cutoff)s: %(link)s",
        cutoff=when_for_candidate(cutoff, language),
        link=messages.PRIVATE_LINK_MASK,
    )


def _cutoff_hours() -> int:
    from flask import current_app

    return current_app.config["INTERVIEW_CHANGE_HOURS"]


# --- what goes out ---------------------------------------------------------------------------


def invite_everyone(interview: Interview, by_user: User | None) -> str | None:
    """Queue the (updated) invitation to the candidate and to every interviewer; returns
    why the candidate was not written to, if they were not."""
    candidate = interview.candidate
    language = candidate.language
    office = messages.office()
    updated = interview.sequence > 0
    with in_language(language):
        kind = str(KIND_WORDS[interview.kind])
        if updated:
            subject = _(
                "Your interview has moved: %(when)s",
                when=when_for_candidate(interview.starts_at, language),
            )
            opening = _(
                "Your %(kind)s with the %(office)s has a new time:",
                kind=kind,
                office=office["office_name"],
            )
        else:
            subject = _(
                "Your interview with the %(office)s: %(when)s",
                office=office["office_name"],
                when=when_for_candidate(interview.starts_at, language),
            )
            opening = _(
                "Your %(kind)s with the %(office)s is booked:",
                kind=kind,
                office=office["office_name"],
            )
        body = "\n\n".join(
            [
                _("Hello %(name)s,", name=candidate.first_name),
                opening,
                _details(interview, language),
                _("The attached invitation adds it to your calendar."),
                _change_line(interview, language),
                _sign_off(office),
            ]
        )
        ics = calendar_entry(interview, "REQUEST", for_candidate=True)
    _send_to_candidate(interview, subject, body, by_user, ics)
    _send_to_panel(interview, "REQUEST", by_user)
    return messages.why_not_message(candidate)


def offer_times(interview: Interview, by_user: User | None) -> str | None:
    """Queue the message that offers the candidate their choice of times; returns why the
    candidate was not written to, if they were not."""
    candidate = interview.candidate
    language = candidate.language
    office = messages.office()
    with in_language(language):
        kind = str(KIND_WORDS[interview.kind])
        times = "\n".join(
            f"- {when_for_candidate(slot.starts_at, language)}" for slot in interview.slots
        )
        body = "\n\n".join(
            [
                _("Hello %(name)s,", name=candidate.first_name),
                _(
                    "We would like to meet you for a %(kind)s of %(minutes)s minutes. These "
                    "times are open:",
                    kind=kind,
                    minutes=interview.duration_minutes,
                ),
                times,
                _(
                    "Choose the one that suits you here; the first to choose a time gets it: "
                    "%(link)s",
                    link=messages.PRIVATE_LINK_MASK,
                ),
                *([interview.note_for_candidate] if interview.note_for_candidate else []),
                _sign_off(office),
            ]
        )
        subject = _(
            "Choose a time for your interview with the %(office)s", office=office["office_name"]
        )
    _send_to_candidate(interview, subject, body, by_user)
    return messages.why_not_message(candidate)


def cancel_everyone(interview: Interview, by_user: User | None, was_booked: bool) -> None:
    """Queue the cancellation to the candidate (unless they cancelled it themselves: they
    get a confirmation) and, for a booked interview, the calendar cancellation to the panel."""
    candidate = interview.candidate
    language = candidate.language
    office = messages.office()
    with in_language(language):
        if not was_booked:
            subject = _("The interview times we offered are withdrawn")
            said = _(
                "The interview times we offered you are withdrawn. We will write to you if we "
                "can offer others."
            )
            ics = None
        else:
            when = when_for_candidate(interview.starts_at, language)
            if interview.cancelled_by_candidate:
                subject = _("You cancelled your interview of %(when)s", when=when)
                said = _(
                    "As you asked, your interview of %(when)s is cancelled. Write to us at "
                    "%(email)s if you would like another time.",
                    when=when,
                    email=office["office_email"],
                )
            else:
                subject = _("Your interview of %(when)s is cancelled", when=when)
                said = _(
                    "We are sorry: your interview of %(when)s is cancelled. We will write to you "
                    "about what comes next.",
                    when=when,
                )
            ics = calendar_entry(interview, "CANCEL", for_candidate=True)
        body = "\n\n".join(
            [_("Hello %(name)s,", name=candidate.first_name), said, _sign_off(office)]
        )
    _send_to_candidate(interview, subject, body, by_user, ics, with_link=False)
    if was_booked:
        _send_to_panel(interview, "CANCEL", by_user)


def cancel_panel(interview: Interview, by_user: User | None) -> None:
    """Queue the calendar cancellation to the panel only (the candidate's record is gone)."""
    _send_to_panel(interview, "CANCEL", by_user)


def _send_to_panel(interview: Interview, method: str, by_user: User | None) -> None:
    """The panel's copies (in English: they are staff and agency partners)."""
    with in_language("en"):
        ics = calendar_entry(interview, method, for_candidate=False)
    when = office_time(interview.starts_at)
    name = interview.candidate.full_name
    if method == "CANCEL":
        subject = f"Cancelled: {interview.kind.label} with {name}, {when}"
    elif interview.sequence > 0:
        subject = f"Moved: {interview.kind.label} with {name}, now {when}"
    else:
        subject = f"{interview.kind.label} with {name}, {when}"
    panel = ", ".join(person.name for person in interview.interviewers) or "no one yet"
    lines = [
        f"{interview.kind.label} with {name}"
        + (f" for {interview.position.title}" if interview.position else ""),
        f"When: {when} ({interview.duration_minutes} minutes)",
    ]
    if interview.location:
        lines.append(f"Where: {interview.location}")
    if interview.video_url:
        lines.append(f"Video link: {interview.video_url}")
    lines.append(f"Panel: {panel}")
    if method == "CANCEL":
        who = "the candidate" if interview.cancelled_by_candidate else "the office"
        lines.append(
            f"\nCancelled by {who}. The attached cancellation removes it from your calendar."
        )
    for person in interview.interviewers:
        text = list(lines)
        link_kind = link_ref = None
        if method != "CANCEL":
            if person.user_id is not None:
                page = public_url("interviews.detail", interview_id=interview.id)
                text.append(f"\nThe interview page, with the candidate and your scorecard: {page}")
            else:
                text.append(
                    "\nAfterwards, please fill in your scorecard (the same questions for "
                    f"every candidate): {messages.PRIVATE_LINK_MASK}"
                )
                link_kind, link_ref = LinkKind.SCORECARD, person.id
        messages.queue(
            person.email,
            subject,
            "\n".join(text) + f"\n\n{messages.office()['office_name']}",
            template_key=PANEL_KEY,
            by_user=by_user,
            link_kind=link_kind,
            link_ref=link_ref,
            calendar=ics,
        )


def still_booked(interview: Interview) -> bool:
    """Is the interview a message was queued for still on (so its link may go out)?"""
    return interview.state != InterviewState.CANCELLED
