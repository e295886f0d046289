"""Headers, cookies, CSRF, request size limits and error pages that give nothing away."""

import logging
import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from flask import request
from sqlalchemy.exc import OperationalError

from recruit.auth.access import public
from recruit.extensions import db

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
TEMPLATE_FILES = sorted(TEMPLATES.rglob("*.html"))
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csp_directives(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header split into its directives."""
    directives = {}
    for part in response.headers["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def set_cookie_header(response, name: str) -> str:
    """The Set-Cookie header a response sent for one cookie."""
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]
    assert headers, f"no {name} cookie was set"
    return headers[-1]


def test_content_security_policy_is_strict(client):
    """Does a page forbid inline code, plugins, base tags and framing in its CSP?"""
    directives = csp_directives(client.get("/login"))
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_content_security_policy_has_no_unsafe_inline(client, signed_in):
    """Does a signed-in page's CSP leave out 'unsafe-inline' and 'unsafe-eval'?"""
    signed_in()
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_pages_forbid_content_sniffing(client):
    """Does a page tell browsers not to sniff content types?"""
    assert client.get("/login").headers["X-Content-Type-Options"] == "nosniff"


def test_signed_in_pages_are_not_cached(client, signed_in):
    """Is a signed-in page marked no-store so that no cache keeps personal data?"""
    signed_in()
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_session_cookie_is_httponly_and_samesite_lax(auth, make_user):
    """Is the session cookie out of reach of scripts and not sent on cross-site posts?"""
    user = make_user()
    header = set_cookie_header(auth.login(user.email), "recruit_session")
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header


def test_remember_cookie_is_httponly_samesite_and_short_lived(auth, make_user):
    """Is the keep-me-signed-in cookie HttpOnly, SameSite=Lax and valid for 14 days, not 365?"""
    user = make_user()
    header = set_cookie_header(auth.login(user.email, remember="y"), "remember_token")
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", header).group(1))
    lifetime = expires - datetime.now(UTC)
    assert timedelta(days=13, hours=23) < lifetime <= timedelta(days=14)


@pytest.mark.parametrize("config_overrides", [{"MAX_CONTENT_LENGTH": 1024}])
def test_oversized_request_gets_413_page(client):
    """Does a request larger than MAX_CONTENT_LENGTH get the friendly 413 page?"""
    response = client.post(
        "/login", data={"email": "someone@agency.example", "password": "x" * 4096}
    )
    assert response.status_code == 413
    assert "That file is too large" in response.text
    assert "<html" in response.text


@pytest.mark.parametrize("config_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_post_without_csrf_token_gets_400_page(client, make_user):
    """Is a sign-in POST without a CSRF token refused with the friendly 400 page?"""
    user = make_user()
    response = client.post(
        "/login", data={"email": user.email, "password": "correct horse battery staple"}
    )
    assert response.status_code == 400
    assert "Reload the page and try again" in response.text
    assert "<html" in response.text


@pytest.mark.parametrize("config_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_post_with_csrf_token_from_the_form_signs_in(client, make_user):
    """Does sign-in work with the CSRF token taken from the form?"""
    user = make_user()
    token = CSRF_FIELD.search(client.get("/login").text).group(1)
    response = client.post(
        "/login",
        data={"email": user.email, "password": "correct horse battery staple", "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.location == "/"


@pytest.mark.parametrize("config_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_another_site_cannot_sign_a_user_out(client, make_user):
    """Is a sign-out POST without the CSRF token refused, leaving the user signed in?"""
    user = make_user()
    token = CSRF_FIELD.search(client.get("/login").text).group(1)
    client.post(
        "/login",
        data={"email": user.email, "password": "correct horse battery staple", "csrf_token": token},
    )
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("template", TEMPLATE_FILES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_have_no_inline_scripts(template):
    """Does a template hold an inline <script> or on*= handler, which the CSP would block?"""
    text = template.read_text()
    for match in re.finditer(r"<script\b([^>]*)>(.*?)</script>", text, re.S | re.I):
        attributes, body = match.groups()
        assert "src=" in attributes, f"inline script in {template.name}"
        assert body.strip() == "", f"script with content in {template.name}"
    assert not re.search(r"\son[a-z]+\s*=\s*[\"']", text), f"event handler in {template.name}"


@pytest.mark.parametrize("template", TEMPLATE_FILES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_have_no_inline_styles(template):
    """Does a template hold a style= attribute or <style> block, which the CSP would block?"""
    text = template.read_text()
    assert not re.search(r"\sstyle\s*=", text, re.I), f"style= attribute in {template.name}"
    assert not re.search(r"<style\b", text, re.I), f"<style> block in {template.name}"


def test_unknown_page_gets_friendly_404(client):
    """Does a page that does not exist get the friendly 404 page?"""
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Page not found" in response.text
    assert "<html" in response.text


def test_server_error_page_and_log_hold_no_personal_data(app, client, caplog):
    """Does a crashing page show the friendly 500 page and log nothing the user typed?"""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    email, name = "jordan.lee@student.example", "Jordan Lee"

    def crash():
        raise ValueError(f"cannot save {request.form['name']} <{request.form['email']}>")

    app.add_url_rule("/crash", "crash", public(crash), methods=["POST"])
    with caplog.at_level(logging.INFO):
        response = client.post(
            "/crash", query_string={"email": email}, data={"name": name, "email": email}
        )
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors, "the error was not logged"
    formatter = logging.Formatter()
    logged = "\n".join(formatter.format(record) for record in caplog.records)
    assert "ValueError" in logged
    assert email not in logged
    assert name not in logged


def test_database_outage_gives_the_friendly_503_page(app, client, signed_in, monkeypatch):
    """Does a signed-in user get the friendly page saying to try again (503) while the
    database is down?"""
    signed_in()
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def database_down(*args, **kwargs):
        raise OperationalError("SELECT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(db.session, "get", database_down)
    monkeypatch.setattr(db.session, "execute", database_down)
    response = client.get("/")
    assert response.status_code == 503
    assert "Please try again in a few minutes" in response.text


@pytest.mark.parametrize("config_overrides", [{"SECURE_COOKIES": True}])
def test_https_deployments_send_hsts(client):
    """Does a deployment with secure cookies tell browsers to stay on HTTPS, subdomains too?"""
    response = client.get("/login")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.parametrize("config_overrides", [{"SECURE_COOKIES": True}])
def test_https_session_cookie_is_host_only(client, auth, make_user):
    """Under RECRUIT_SECURE_COOKIES, is the session cookie a __Host- cookie: Secure, Path=/,
    no Domain, so no other host or subdomain can set it; and does the session work?"""
    user = make_user()
    header = set_cookie_header(auth.login(user.email), "__Host-recruit_session")
    assert "Secure" in header
    assert "Path=/;" in header or header.endswith("Path=/")
    assert "Domain=" not in header
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("config_overrides", [{"SECURE_COOKIES": True}])
def test_https_remember_cookie_is_host_only(auth, make_user):
    """Under RECRUIT_SECURE_COOKIES, is the keep-me-signed-in cookie a __Host- cookie too?"""
    user = make_user()
    header = set_cookie_header(auth.login(user.email, remember="y"), "__Host-remember_token")
    assert "Secure" in header
    assert "Path=/;" in header or header.endswith("Path=/")
    assert "Domain=" not in header


@pytest.mark.parametrize("config_overrides", [{"SECURE_COOKIES": True}])
def test_https_sign_out_deletes_the_remember_cookie_as_it_was_set(client, auth, make_user):
    """Under RECRUIT_SECURE_COOKIES, does signing out expire the __Host- keep-me-signed-in
    cookie with Secure, Path=/ and no Domain, so the browser really drops it?"""
    user = make_user()
    auth.login(user.email, remember="y")
    header = set_cookie_header(client.post("/logout"), "__Host-remember_token")
    assert "Secure" in header
    assert "HttpOnly" in header
    assert "Max-Age=0" in header
    assert "Path=/;" in header or header.endswith("Path=/")
    assert "Domain=" not in header


def test_plain_http_development_sends_no_hsts(client):
    """Does the local development server leave HSTS off, so http://127.0.0.1 keeps working?"""
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_a_save_that_loses_a_race_gets_the_conflict_page(app, client, signed_in):
    """Does an edit that loses a simultaneous-save race get a 409 page, not a 500?"""
    from sqlalchemy.orm.exc import StaleDataError

    @app.post("/race-probe")
    def race_probe():
        raise StaleDataError("UPDATE statement on table 'events' expected to update 1 row")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    signed_in()
    response = client.post("/race-probe")
    assert response.status_code == 409
    assert "Someone else saved this at the same moment" in response.get_data(as_text=True)
