"""The base of every Recruit form: Flask-WTF's, with uploads kept to the file fields."""

from flask_wtf import FlaskForm
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms.fields import FileField


class Form(FlaskForm):
    """A Flask-WTF form whose text fields read only text.

    Flask-WTF hands a form the uploaded files and the text fields together, so a file
    sent under a text field's name (any client can send one) became that field's data
    and failed its validators with a TypeError: a server error instead of a refusal.
    """

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            data = super().wrap_formdata(form, formdata)
            if not isinstance(data, CombinedMultiDict):
                return data
            files, text = data.dicts
            uploads = MultiDict(
                (name, upload)
                for name, upload in files.items(multi=True)
                if name in form and isinstance(form[name], FileField)
            )
            return CombinedMultiDict((uploads, text))
