"""The staff header's links: each role gets every page it may open, admins' pages sit under
one Admin menu, and nobody else sees them."""

from html.parser import HTMLParser

import pytest

from recruit.auth.models import Role

# What the header linked to before admin pages moved under one menu; none may be lost.
EVERYONE_LINKS = {
    "/",
    "/candidates/board",
    "/candidates/",
    "/interviews/",
    "/events/board",
    "/universities/",
    "/follow-ups",
    "/positions/",
    "/placements/",
    "/reports/",
    "/account/password",
}
ADMIN_LINKS = {
    "/admin/users",
    "/admin/stages/",
    "/admin/messages/",
    "/admin/settings",
    "/privacy/",
    "/admin/audit/",
    # Reached before only from other admin pages; the Admin menu lists them too.
    "/admin/evaluation-items/",
    "/admin/untranslated",
    "/admin/export",
}
ADMIN_PREFIXES = ("/admin", "/privacy")
PHONE_ADMIN = "phone-menu-admin"  # the id of the phone menu's Admin caption


class HeaderLinks(HTMLParser):
    """The hrefs inside the page's <header>, and those in its lists of admin pages: the
    list after the wide menu's Admin button and the phone menu's list captioned Admin."""

    def __init__(self):
        super().__init__()
        self.links: set[str] = set()
        self.admin_links: set[str] = set()
        self.current: list[str] = []
        self._in_header = False
        self._admin_list_depth = 0  # how deep inside an admin list, 0 when outside
        self._after_admin_button = False
        self._summary: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self._in_header = self._in_header or tag == "header"
        if not self._in_header:
            return
        if tag == "summary":
            self._summary = []
        if tag == "ul":
            if self._admin_list_depth:
                self._admin_list_depth += 1
            elif self._after_admin_button or attributes.get("aria-labelledby") == PHONE_ADMIN:
                self._admin_list_depth = 1
            self._after_admin_button = False
        if tag == "a" and attributes.get("href"):
            self.links.add(attributes["href"])
            if self._admin_list_depth:
                self.admin_links.add(attributes["href"])
            if attributes.get("aria-current") == "page":
                self.current.append(attributes["href"])

    def handle_endtag(self, tag):
        if tag == "header":
            self._in_header = False
        if tag == "summary" and self._summary is not None:
            self._after_admin_button = "".join(self._summary).strip() == "Admin"
            self._summary = None
        if tag == "ul" and self._admin_list_depth:
            self._admin_list_depth -= 1

    def handle_data(self, data):
        if self._summary is not None:
            self._summary.append(data)


def header_links(client, path: str = "/") -> HeaderLinks:
    """Parse the header of the page at path."""
    response = client.get(path)
    assert response.status_code == 200, path
    parser = HeaderLinks()
    parser.feed(response.text)
    return parser


@pytest.mark.parametrize("role", [Role.HR, Role.OUTREACH])
def test_staff_header_has_their_pages_and_no_admin_pages(client, signed_in, role):
    """Does HR's and outreach's header link to every page they may use and no admin page?"""
    signed_in(role)

    links = header_links(client).links

    assert links >= EVERYONE_LINKS
    assert not [link for link in links if link.startswith(ADMIN_PREFIXES)]


def test_admin_header_keeps_every_link_and_groups_admin_pages(client, signed_in):
    """Does an admin's header keep every earlier link, with admin pages under Admin?"""
    signed_in(Role.ADMIN)

    parsed = header_links(client)

    assert parsed.links >= EVERYONE_LINKS | ADMIN_LINKS
    assert parsed.admin_links == ADMIN_LINKS


@pytest.mark.parametrize("role", list(Role))
def test_every_header_link_opens_for_its_role(client, signed_in, role):
    """Does every page the header offers a role open for that role?"""
    signed_in(role)

    for link in sorted(header_links(client).links):
        assert client.get(link).status_code == 200, link


def test_current_page_is_marked_in_both_menus(client, signed_in):
    """On Users, do both the wide and the phone menu mark Users as the current page?"""
    signed_in(Role.ADMIN)

    assert header_links(client, "/admin/users").current == ["/admin/users", "/admin/users"]
