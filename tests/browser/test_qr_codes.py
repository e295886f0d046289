"""QR codes that scan: the event page on a laptop and a phone, and the booth sign on screen
and printed on US Letter, each decoded from what Chromium draws, with a long real address."""

import io
import math

import pypdfium2
import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from recruit.auth.models import Role
from recruit.extensions import db

PUBLIC_BASE_URL = "https://student-recruitment.procurement.state.example"
SLUG = "statehouse-internship-and-career-fair-spring-2027-north-hall"
# The longest address a booth sign has to carry: the densest code it has to print.
SIGNUP_URL = f"{PUBLIC_BASE_URL}/apply/{SLUG}"
LAPTOP = {"viewport": {"width": 1366, "height": 768}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
QUIET_ZONE = 4  # modules of white all round, as the QR standard asks
# A phone camera at 2 m resolves about this much of a printed sign.
PRINT_DPI = 100
CM_PER_INCH = 2.54


@pytest.fixture
def config_overrides():
    """Forms with CSRF as for staff, and the office's real-looking public address."""
    return {"WTF_CSRF_ENABLED": True, "PUBLIC_BASE_URL": PUBLIC_BASE_URL}


@pytest.fixture
def fair(make_event):
    """A fair whose sign-up address is 120 characters long."""
    event = make_event(name="Statehouse Internship and Career Fair")
    event.slug = SLUG
    db.session.commit()
    assert len(SIGNUP_URL) == 120
    return event


@pytest.fixture
def outreach(make_user):
    """The outreach staff member who prints the sign and works the booth."""
    return make_user(role=Role.OUTREACH, name="Olivia Brandt")


def decoded(image: Image.Image) -> list[str]:
    """The text of every QR code zxing-cpp finds in the image."""
    return [code.text for code in zxingcpp.read_barcodes(image, zxingcpp.BarcodeFormat.QRCode)]


def grey(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("L")


def modules_across(qr) -> int:
    """How many modules the drawn code is wide, quiet zone included (its viewBox)."""
    modules = round(qr.evaluate("svg => svg.viewBox.baseVal?.width ?? 0"))
    assert modules > 0, "the QR code has no viewBox: CSS would crop it, not scale it"
    return modules


def assert_whole_with_quiet_zone(image: Image.Image, left: float, top: float, width: float, n: int):
    """The code's n x n modules start at (left, top), width pixels wide: the outer 4 modules
    are white all round and the three finder patterns sit right inside them, so nothing is
    cropped or shifted. Each module is read at its middle, away from anti-aliased edges."""
    size = width / n

    def shade(column: int, row: int) -> int:
        return image.getpixel((int(left + (column + 0.5) * size), int(top + (row + 0.5) * size)))

    ring = [
        (column, row)
        for column in range(n)
        for row in range(n)
        if min(column, row) < QUIET_ZONE or max(column, row) >= n - QUIET_ZONE
    ]
    dark_in_ring = [(column, row) for column, row in ring if shade(column, row) < 200]
    assert dark_in_ring == [], "the quiet zone is not white all round"
    inner = n - QUIET_ZONE - 1
    corners = [(QUIET_ZONE, QUIET_ZONE), (inner, QUIET_ZONE), (QUIET_ZONE, inner)]
    assert [shade(column, row) < 60 for column, row in corners] == [True, True, True], (
        "the finder patterns are not where a whole code has them"
    )


def assert_scans_on_screen(page) -> None:
    """The QR code on screen is square, whole with its quiet zone, and reads as the address."""
    qr = page.get_by_role("img", name=f"QR code for {SIGNUP_URL}")
    qr.scroll_into_view_if_needed()
    box = qr.bounding_box()
    screenshot = grey(page.screenshot())

    assert decoded(screenshot) == [SIGNUP_URL]
    assert abs(box["width"] - box["height"]) < 0.5, box
    assert_whole_with_quiet_zone(screenshot, box["x"], box["y"], box["width"], modules_across(qr))


@pytest.mark.parametrize("device", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_event_page_qr_code_scans(new_page, live_server, fair, outreach, sign_in, device):
    """On a 1366 x 768 laptop and a 390 x 844 phone, does the event page's QR code read as
    the 120-character sign-up address?"""
    page = new_page(**device)
    sign_in(page, live_server, outreach)
    page.goto(f"{live_server}/events/{fair.id}")

    assert_scans_on_screen(page)


def test_booth_sign_qr_code_scans_on_screen(new_page, live_server, fair, outreach, sign_in):
    """Does the booth sign's QR code on a laptop screen read as the sign-up address?"""
    page = new_page(**LAPTOP)
    sign_in(page, live_server, outreach)
    page.goto(f"{live_server}/events/{fair.id}/sign")

    assert_scans_on_screen(page)


def print_sign(page, live_server: str, event_id: int) -> pypdfium2.PdfDocument:
    """The booth sign as Chromium prints it on US Letter."""
    page.goto(f"{live_server}/events/{event_id}/sign")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    return pypdfium2.PdfDocument(page.pdf(format="Letter", print_background=True))


def test_printed_booth_sign_is_one_page(page, live_server, fair, outreach, sign_in):
    """Does the booth sign print on one US Letter page?"""
    sign_in(page, live_server, outreach)
    pdf = print_sign(page, live_server, fair.id)

    assert len(pdf) == 1
    width, height = pdf[0].get_size()
    assert (round(width), round(height)) == (612, 792)  # 8.5 x 11 inches in points


def test_printed_booth_sign_leaves_out_the_kiosk_help(page, live_server, fair, outreach, sign_in):
    """Does the printed sign leave out the kiosk help that staff see on screen?"""
    sign_in(page, live_server, outreach)
    pdf = print_sign(page, live_server, fair.id)
    expect(page.get_by_role("link", name="open kiosk mode")).to_be_visible()

    printed = pdf[0].get_textpage().get_text_range()

    assert "Scan to sign up" in printed
    assert "kiosk" not in printed.lower()


def test_printed_booth_sign_scans_from_two_metres(page, live_server, fair, outreach, sign_in):
    """Printed and seen at 100 dpi, does the sign's QR code read as the address, 15 to 18 cm
    wide with its quiet zone white all round?"""
    sign_in(page, live_server, outreach)
    pdf = print_sign(page, live_server, fair.id)
    n = modules_across(page.get_by_role("img", name=f"QR code for {SIGNUP_URL}"))
    printed = pdf[0].render(scale=PRINT_DPI / 72).to_pil().convert("L")

    codes = zxingcpp.read_barcodes(printed, zxingcpp.BarcodeFormat.QRCode)

    assert [code.text for code in codes] == [SIGNUP_URL]
    corners = codes[0].position
    symbol = math.dist(
        (corners.top_left.x, corners.top_left.y), (corners.top_right.x, corners.top_right.y)
    )
    assert 15 <= symbol / PRINT_DPI * CM_PER_INCH <= 18
    module = symbol / (n - 2 * QUIET_ZONE)
    left = min(corners.top_left.x, corners.bottom_left.x) - QUIET_ZONE * module
    top = min(corners.top_left.y, corners.top_right.y) - QUIET_ZONE * module
    assert_whole_with_quiet_zone(printed, left, top, n * module, n)


def test_booth_sign_with_a_long_address_is_accessible(
    page, live_server, fair, outreach, sign_in, axe_check
):
    """Does axe-core find no serious or critical problems on the booth sign, kiosk help
    included?"""
    sign_in(page, live_server, outreach)
    page.goto(f"{live_server}/events/{fair.id}/sign")
    expect(page.get_by_role("link", name="open kiosk mode")).to_be_visible()

    violations, report = axe_check(page)

    assert violations == [], report
