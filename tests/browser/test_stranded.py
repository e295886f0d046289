"""A student's browser refuses a resume too large the moment it is chosen, answers kept."""

import pytest
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}
MB = 1024 * 1024


@pytest.fixture
def config_overrides():
    return {"WTF_CSRF_ENABLED": True, "MIN_FILL_SECONDS": 0}


def test_resume_too_large_is_refused_when_chosen(new_page, live_server, stages):
    """Does choosing a 6 MB resume say at once, beside the field, that it is too large, and
    leave no file chosen, the other answers untouched?"""
    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    phone.goto(f"{live_server}/apply")
    phone.get_by_label("First name").fill("Maya")
    resume = phone.get_by_label("Resume (PDF, optional)")
    resume.set_input_files(
        {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-" + b"0" * (6 * MB)}
    )
    expect(phone.locator("#resume-size-error")).to_have_text("The resume is larger than 5 MB.")
    expect(resume).to_have_attribute("aria-invalid", "true")
    assert resume.evaluate("input => input.files.length") == 0
    expect(phone.get_by_label("First name")).to_have_value("Maya")

    resume.set_input_files(
        {"name": "resume.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 small"}
    )
    expect(phone.locator("#resume-size-error")).to_have_count(0)
    expect(resume).not_to_have_attribute("aria-invalid", "true")
