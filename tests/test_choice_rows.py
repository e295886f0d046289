"""Radio and checkbox groups are drawn by recruit.templating.choice_rows, not by a WTForms
field for each choice: is what it draws what WTForms would?"""

import pytest
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import Form, RadioField
from wtforms.validators import InputRequired, Optional

from recruit.candidates.forms import MultiCheckboxField
from recruit.templating import choice_rows


class Sample(Form):
    openings = MultiCheckboxField(
        "Openings",
        choices=[(1, "Buyer trainee · Transportation"), (2, "Analyst <intern> & co")],
        coerce=int,
        validators=[InputRequired()],
    )
    standing = RadioField(
        "Class standing",
        choices=[("junior", "Junior"), ("senior", "Senior"), ("graduate", "Graduate")],
        validators=[Optional()],
        render_kw={"autocomplete": "off", "data_shown_for": "x"},
    )
    # render_kw wins over the validators' flags, as in WTForms.
    term = RadioField(
        "Term",
        choices=[("fall", "Fall"), ("spring", "Spring")],
        validators=[InputRequired()],
        render_kw={"required": False},
    )


def as_wtforms_draws(field) -> str:
    """The rows as the shared field macro drew them with WTForms' own choice fields."""
    return "\n    ".join(
        f'<div class="check">{option()} {option.label()}</div>' for option in field
    )


@pytest.mark.parametrize(
    "sent",
    [
        MultiDict(),
        MultiDict([("openings", "2"), ("standing", "senior")]),
        MultiDict([("openings", "1"), ("openings", "2"), ("standing", "nonsense")]),
    ],
)
def test_choice_rows_draw_what_wtforms_draws(sent):
    form = Sample(sent)
    form.validate()
    for field in (form.openings, form.standing, form.term):
        drawn = choice_rows(field)
        assert isinstance(drawn, Markup)
        assert str(drawn) == as_wtforms_draws(field)
    assert "Analyst &lt;intern&gt; &amp; co" in choice_rows(form.openings)
    assert 'autocomplete="off" data-shown-for="x"' in choice_rows(form.standing)
    assert choice_rows(form.openings).count(" required ") == 2
    assert "required" not in choice_rows(form.term)
