"""The public openings page: the positions open now, each a step from the interest form."""

from flask import Blueprint, render_template, request

from recruit.auth.access import public
from recruit.localized import in_page_language
from recruit.pagination import paginate
from recruit.placements.openings import open_positions_query

bp = Blueprint("openings", __name__, url_prefix="/apply/openings")

OPENINGS_PER_PAGE = 20


@bp.get("", endpoint="index")
@public
def index():
    """Open positions with what a student needs to choose, in the page's language."""
    page = paginate(open_positions_query(), request.args, per_page=OPENINGS_PER_PAGE)
    descriptions = {p.id: in_page_language(p.description, p.description_es) for p in page.items}
    return render_template("openings/index.html", page=page, descriptions=descriptions)
