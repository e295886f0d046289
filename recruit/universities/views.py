"""University pages: the list, a university with its contacts, events and yield, and contacts."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select

from recruit.auth.access import requires
from recruit.auth.models import User
from recruit.extensions import db
from recruit.pagination import paginate
from recruit.stale import StaleSave, refuse
from recruit.templating import format_date
from recruit.timezones import local_today
from recruit.universities import queries, services
from recruit.universities.forms import ContactForm, InteractionForm, UniversityForm
from recruit.universities.models import (
    Contact,
    ContactRole,
    InteractionKind,
    Partnership,
    University,
)

bp = Blueprint("universities", __name__, url_prefix="/universities")
contacts_bp = Blueprint("contacts", __name__, url_prefix="/contacts")


def get_university(university_id: int) -> University:
    """The university or 404."""
    return db.get_or_404(University, university_id)


def get_contact(contact_id: int) -> Contact:
    """The contact or 404."""
    return db.get_or_404(Contact, contact_id)


# --- universities ------------------------------------------------------------------------


@bp.get("/")
@requires("view_pipeline")
def index():
    """Find universities: search, filters by state, partnership and programs, pages."""
    filters = queries.UniversityFilters.from_args(request.args)
    page = paginate(queries.list_query(filters), request.args)
    return render_template(
        "universities/index.html",
        page=page,
        filters=filters,
        counts=queries.list_counts([u.id for u in page.items]),
        states=queries.state_choices(),
        partnerships=list(Partnership),
    )


@bp.get("/<int:university_id>")
@requires("view_pipeline")
def detail(university_id: int):
    """One university: its details, contacts, events, candidates and yield."""
    university = get_university(university_id)
    funnel = queries.university_yield(university)
    return render_template(
        "universities/detail.html",
        university=university,
        contacts=queries.contacts_of(university),
        events=queries.events_of(university),
        candidates=funnel["leads"],
        steps=queries.yield_steps(funnel),
        today=local_today(),
    )


@bp.route("/new", methods=["GET", "POST"])
@requires("manage_universities")
def create():
    """Add a university."""
    return _save_university(None)


@bp.route("/<int:university_id>/edit", methods=["GET", "POST"])
@requires("manage_universities")
def edit(university_id: int):
    """Edit a university's details."""
    return _save_university(get_university(university_id))


def _university_values(form: UniversityForm) -> dict:
    return {
        "name": form.name.data,
        "college": form.college.data,
        "majors": form.majors.data,
        "city": form.city.data,
        "state": form.state.data,
        "partnership": form.partnership.data,
        "agreement_on": form.agreement_on.data,
        "notes": form.notes.data,
    }


def _save_university(university: University | None):
    form = UniversityForm(obj=university)
    if request.method == "GET" and university is not None:
        form.partnership.data = university.partnership.value
    if form.validate_on_submit():
        values = _university_values(form)
        try:
            if university is None:
                university = services.create_university(values, current_user)
            else:
                services.update_university(university, values, form.loaded_version, current_user)
        except services.DuplicateUniversity as error:
            form.name.errors = [*form.name.errors, str(error)]
        except StaleSave as stale:
            conflict = refuse(stale, form)
            return render_template(
                "universities/form.html", form=form, university=university, conflict=conflict
            ), 409
        else:
            db.session.commit()
            flash(f"{university} is saved.", "success")
            return redirect(url_for("universities.detail", university_id=university.id))
    return render_template("universities/form.html", form=form, university=university)


# --- contacts ----------------------------------------------------------------------------


def _owner_choices(form: ContactForm, current_owner_id: int | None = None) -> None:
    # A deactivated owner stays choosable on their contacts, so an edit does not fail on them.
    users = db.session.execute(
        select(User.id, User.name)
        .where(or_(User.active.is_(True), User.id == current_owner_id))
        .order_by(User.name)
    ).all()
    form.owner_id.choices = [("", "Nobody yet")] + [(str(i), name) for i, name in users]


def _contact_values(form: ContactForm) -> dict:
    return {
        "role": ContactRole(form.role.data),
        "name": form.name.data,
        "title": form.title.data,
        "email": form.email.data,
        "phone": form.phone.data,
        "notes": form.notes.data,
        "owner_id": int(form.owner_id.data) if form.owner_id.data else None,
        "next_follow_up_on": form.next_follow_up_on.data,
    }


@bp.route("/<int:university_id>/contacts/new", methods=["GET", "POST"])
@requires("manage_universities")
def new_contact(university_id: int):
    """Add a contact at a university; the one who adds it owns it unless they say otherwise."""
    university = get_university(university_id)
    form = ContactForm()
    _owner_choices(form)
    if request.method == "GET":
        form.owner_id.data = str(current_user.id)
    if form.validate_on_submit():
        contact = services.create_contact(university, _contact_values(form), current_user)
        db.session.commit()
        flash(f"{contact.name} is saved.", "success")
        return redirect(url_for("contacts.detail", contact_id=contact.id))
    return render_template(
        "universities/contact_form.html", form=form, university=university, contact=None
    )


@contacts_bp.route("/<int:contact_id>/edit", methods=["GET", "POST"], endpoint="edit")
@requires("manage_universities")
def edit_contact(contact_id: int):
    """Edit a contact's details."""
    contact = get_contact(contact_id)
    form = ContactForm(obj=contact)
    _owner_choices(form, contact.owner_id)
    if request.method == "GET":
        form.role.data = contact.role.value
        form.owner_id.data = str(contact.owner_id or "")
    conflict = None
    if form.validate_on_submit():
        try:
            services.update_contact(
                contact, _contact_values(form), form.loaded_version, current_user
            )
        except StaleSave as stale:
            conflict = refuse(stale, form)
        else:
            db.session.commit()
            flash(f"{contact.name} is saved.", "success")
            return redirect(url_for("contacts.detail", contact_id=contact.id))
    return render_template(
        "universities/contact_form.html",
        form=form,
        university=contact.university,
        contact=contact,
        conflict=conflict,
    ), (409 if conflict else 200)


def _render_contact(contact: Contact, form: InteractionForm):
    return render_template(
        "universities/contact.html",
        contact=contact,
        interactions=paginate(queries.interactions_query(contact), request.args),
        form=form,
        today=local_today(),
    )


@contacts_bp.get("/<int:contact_id>", endpoint="detail")
@requires("view_pipeline")
def contact_detail(contact_id: int):
    """A contact, their interaction log and the form to log the next one."""
    contact = get_contact(contact_id)
    today = local_today()
    form = InteractionForm(formdata=None, occurred_on=today)
    # A follow-up already due is what this interaction answers: offer only a future one.
    if contact.next_follow_up_on and contact.next_follow_up_on > today:
        form.next_follow_up_on.data = contact.next_follow_up_on
    return _render_contact(contact, form)


@contacts_bp.post("/<int:contact_id>/interactions")
@requires("log_interactions")
def log_interaction(contact_id: int):
    """Log a touch with a contact, setting the next follow-up date in the same step."""
    contact = get_contact(contact_id)
    form = InteractionForm()
    if not form.validate():
        return _render_contact(contact, form)
    services.log_interaction(
        contact,
        InteractionKind(form.kind.data),
        form.occurred_on.data,
        form.notes.data,
        form.next_follow_up_on.data,
        current_user,
    )
    db.session.commit()
    when = form.next_follow_up_on.data
    flash(f"Logged. Next follow-up {format_date(when)}." if when else "Logged.", "success")
    return redirect(url_for("contacts.detail", contact_id=contact.id))
