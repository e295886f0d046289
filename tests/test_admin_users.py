"""Admins manage staff accounts; the create-user command does it from the shell."""

from sqlalchemy import func, select

from recruit.audit.models import AuditEntry
from recruit.auth.models import Role, User
from recruit.candidates.models import Stage
from recruit.extensions import db
from recruit.placements.models import EvaluationItem

NEW_PASSWORD = "a long enough password"


def new_user_form(**fields) -> dict:
    """The fields of the add-user form, filled in for a new HR user."""
    return {
        "name": "Priya Raman",
        "email": "priya.raman@agency.example",
        "role": "hr",
        "password": NEW_PASSWORD,
        **fields,
    }


def edit_form(user: User, **fields) -> dict:
    """The fields of the edit-user form as they stand, with some changed."""
    data = {"name": user.name, "role": user.role.value, "active": "y" if user.active else ""}
    data.update(fields)
    return {key: value for key, value in data.items() if value != ""}


def test_admin_creates_a_user_who_can_sign_in(app, client, signed_in):
    """Can a user an admin just created sign in?"""
    signed_in(Role.ADMIN)
    response = client.post("/admin/users/new", data=new_user_form(role="outreach"))
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "priya.raman@agency.example"))
    assert user.role is Role.OUTREACH
    fresh = app.test_client()
    signed = fresh.post("/login", data={"email": user.email, "password": NEW_PASSWORD})
    assert signed.status_code == 302


def test_creating_a_user_is_audited(client, signed_in):
    """Does creating an account leave an audit entry naming the admin?"""
    admin = signed_in(Role.ADMIN)
    client.post("/admin/users/new", data=new_user_form())
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.create"))
    assert entry.user_id == admin.id
    assert entry.target_type == "User"
    assert NEW_PASSWORD not in str(entry.detail)


def test_short_password_is_refused_and_values_kept(client, signed_in):
    """Is a password under 12 characters refused, with the name and email kept?"""
    signed_in(Role.ADMIN)
    response = client.post("/admin/users/new", data=new_user_form(password="short pass"))
    assert response.status_code == 200
    assert "Use at least 12 characters." in response.text
    assert 'value="Priya Raman"' in response.text
    assert 'value="priya.raman@agency.example"' in response.text
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_duplicate_email_in_other_case_is_refused(client, signed_in, make_user):
    """Is an email already in use, typed in other letter case, refused?"""
    signed_in(Role.ADMIN)
    make_user(email="priya.raman@agency.example")
    response = client.post(
        "/admin/users/new", data=new_user_form(email="Priya.Raman@Agency.example")
    )
    assert response.status_code == 200
    assert "Another account already uses this email." in response.text
    assert db.session.scalar(select(func.count()).select_from(User)) == 2


def test_invalid_email_is_refused(client, signed_in):
    """Is an address that is not an email refused?"""
    signed_in(Role.ADMIN)
    response = client.post("/admin/users/new", data=new_user_form(email="priya at agency"))
    assert response.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_edit_form_shows_the_current_role(client, signed_in, make_user):
    """Does the edit form open with the user's current role selected?"""
    signed_in(Role.ADMIN)
    user = make_user(role=Role.OUTREACH)
    response = client.get(f"/admin/users/{user.id}/edit")
    assert response.status_code == 200
    assert '<option selected value="outreach">' in response.text


def test_admin_changes_a_role_and_it_is_audited(client, signed_in, make_user):
    """Does changing a role take effect and leave a user.update audit entry?"""
    admin = signed_in(Role.ADMIN)
    user = make_user(role=Role.HR)
    response = client.post(f"/admin/users/{user.id}/edit", data=edit_form(user, role="outreach"))
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.role is Role.OUTREACH
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.update"))
    assert entry.user_id == admin.id
    assert entry.target_id == user.id
    assert entry.detail == {"role": ["hr", "outreach"]}


def test_deactivated_user_is_kept_not_deleted(client, signed_in, make_user):
    """Is a deactivated account kept, marked inactive and listed as such?"""
    signed_in(Role.ADMIN)
    user = make_user(name="Leaving Colleague")
    response = client.post(f"/admin/users/{user.id}/edit", data=edit_form(user, active=""))
    assert response.status_code == 302
    db.session.expire_all()
    kept = db.session.get(User, user.id)
    assert kept is not None
    assert kept.active is False
    listing = client.get("/admin/users")
    assert "Deactivated" in listing.text
    assert "Leaving Colleague" in listing.text


def test_deactivation_is_audited(client, signed_in, make_user):
    """Does deactivating an account leave an audit entry?"""
    signed_in(Role.ADMIN)
    user = make_user()
    client.post(f"/admin/users/{user.id}/edit", data=edit_form(user, active=""))
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.update"))
    assert entry.detail == {"active": [True, False]}


def test_admin_cannot_remove_own_admin_role(client, signed_in):
    """Can an admin take away their own admin role?"""
    admin = signed_in(Role.ADMIN)
    response = client.post(f"/admin/users/{admin.id}/edit", data=edit_form(admin, role="hr"))
    assert response.status_code == 200
    assert "You cannot take away your own admin access." in response.text
    db.session.refresh(admin)
    assert admin.role is Role.ADMIN


def test_admin_cannot_deactivate_themselves(client, signed_in):
    """Can an admin deactivate their own account?"""
    admin = signed_in(Role.ADMIN)
    response = client.post(f"/admin/users/{admin.id}/edit", data=edit_form(admin, active=""))
    assert response.status_code == 200
    db.session.refresh(admin)
    assert admin.active is True


def test_deactivating_oneself_is_refused_under_active(client, signed_in):
    """Is the refusal to deactivate one's own account shown under Active, not Role?"""
    admin = signed_in(Role.ADMIN)
    response = client.post(f"/admin/users/{admin.id}/edit", data=edit_form(admin, active=""))
    assert 'id="active-error">You cannot deactivate your own account.' in response.text
    assert 'id="role-error"' not in response.text


def test_admin_can_rename_themselves(client, signed_in):
    """Can an admin change their own name while keeping their role?"""
    admin = signed_in(Role.ADMIN)
    response = client.post(
        f"/admin/users/{admin.id}/edit", data=edit_form(admin, name="Renamed Admin")
    )
    assert response.status_code == 302
    db.session.refresh(admin)
    assert admin.name == "Renamed Admin"


def test_editing_a_missing_user_is_404(client, signed_in):
    """Does editing a user that does not exist give the friendly 404 page?"""
    signed_in(Role.ADMIN)
    response = client.get("/admin/users/999999/edit")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_create_user_command_creates_an_account(runner):
    """Does `flask create-user` create an account that can sign in?"""
    result = runner.invoke(
        args=["create-user", "--email", "ops@agency.example", "--name", "Ops Lead", "--role", "hr"],
        input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "ops@agency.example"))
    assert user.role is Role.HR
    assert user.check_password(NEW_PASSWORD)


def test_first_account_starts_the_office_pipeline(runner, client):
    """On a new install, does the first `flask create-user` add the standard stages and
    evaluation questions, so the interest form and the board work at once?"""
    result = runner.invoke(
        args=["create-user", "--email", "ops@agency.example", "--name", "Ops", "--role", "admin"],
        input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "standard pipeline stages" in result.output
    keys = set(db.session.scalars(select(Stage.key)))
    assert {"interested", "interview", "offer", "hired", "talent_pool"} <= keys
    assert db.session.scalar(select(func.count()).select_from(EvaluationItem)) > 0
    assert client.get("/apply").status_code == 200


def test_later_accounts_leave_the_pipeline_alone(runner, stages):
    """Does `flask create-user` on an office with stages add none?"""
    before = db.session.scalar(select(func.count()).select_from(Stage))
    result = runner.invoke(
        args=["create-user", "--email", "ops@agency.example", "--name", "Ops", "--role", "hr"],
        input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "standard pipeline stages" not in result.output
    assert db.session.scalar(select(func.count()).select_from(Stage)) == before


def test_create_user_command_refuses_a_short_password(runner):
    """Does `flask create-user` refuse a password under 12 characters?"""
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "ops@agency.example",
            "--name",
            "Ops",
            "--password",
            "short",
        ]
    )
    assert result.exit_code != 0
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_create_user_command_refuses_a_duplicate_email(runner, make_user):
    """Does `flask create-user` refuse an email already in use, in any letter case?"""
    make_user(email="ops@agency.example")
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "OPS@agency.example",
            "--name",
            "Ops",
            "--password",
            NEW_PASSWORD,
        ]
    )
    assert result.exit_code != 0
    assert "already uses this email" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
