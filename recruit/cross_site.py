"""Downloads that are links (GET) but act under the signed-in user's name: exports and
resume downloads write an audit row, so another site must not be able to start one.

Browsers say where a request comes from in Sec-Fetch-Site. A link on this site
(same-origin) and an address typed or bookmarked (none) are the user's own doing; a link
or image on another site, even a sibling subdomain (cross-site, same-site), is refused.
Every current browser sends the header; a request without it (a browser from before 2023,
the test client, a script on the user's machine) is let through, so those downloads stay
plain links that work without JavaScript.
"""

from functools import wraps

from flask import request

ALLOWED_SOURCES = {"same-origin", "none"}
REFUSED = "This download starts only from Recruit's own pages. Open it from Recruit."


def refuse_cross_site(view):
    """Decorator: answer 403 to a request another site started."""

    @wraps(view)
    def checked(*args, **kwargs):
        source = request.headers.get("Sec-Fetch-Site")
        if source is not None and source not in ALLOWED_SOURCES:
            return REFUSED, 403, {"Content-Type": "text/plain; charset=utf-8"}
        return view(*args, **kwargs)

    return checked
