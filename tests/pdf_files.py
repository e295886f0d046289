"""Small PDFs for upload tests, made with pypdf's writer: plain ones, and ones carrying
what a resume must not (scripts, launch actions, attached files, XFA forms)."""

import io

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _one_page() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    return writer


def blank_pdf() -> bytes:
    """A well-formed one-page PDF with nothing in it."""
    return _written(_one_page())


def pdf_with_open_action(kind: str = "/JavaScript") -> bytes:
    """A PDF that runs a script (or launches a program) as soon as it is opened."""
    writer = _one_page()
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    if kind == "/JavaScript":
        action[NameObject("/JS")] = TextStringObject("app.alert('hi')")
    else:
        action[NameObject("/F")] = TextStringObject("calc.exe")
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _written(writer)


def pdf_with_named_script() -> bytes:
    """A PDF with a document-level script in its names tree."""
    writer = _one_page()
    script = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hi')"),
        }
    )
    tree = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("hi"), writer._add_object(script)])}
    )
    names = DictionaryObject({NameObject("/JavaScript"): writer._add_object(tree)})
    writer._root_object[NameObject("/Names")] = writer._add_object(names)
    return _written(writer)


def pdf_with_attachment() -> bytes:
    """A PDF carrying an embedded file."""
    writer = _one_page()
    writer.add_attachment("notes.html", b"<script>alert(1)</script>")
    return _written(writer)


def _script() -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hi')"),
        }
    )


def pdf_with_bookmarks() -> bytes:
    """A PDF with ordinary bookmarks: one with a go-to action, one with a destination."""
    writer = _one_page()
    writer.add_outline_item(title="Education", page_number=0)  # pypdf writes a /GoTo action
    experience = writer.add_outline_item(title="Experience", page_number=0).get_object()
    experience[NameObject("/Dest")] = experience.pop("/A")["/D"]
    return _written(writer)


def pdf_with_bookmark_script() -> bytes:
    """A PDF whose nested bookmark (the second item's child) runs a script when clicked."""
    writer = _one_page()
    writer.add_outline_item(title="Education", page_number=0)
    experience = writer.add_outline_item(title="Experience", page_number=0)
    details = writer.add_outline_item(title="Details", page_number=0, parent=experience)
    details.get_object()[NameObject("/A")] = writer._add_object(_script())
    return _written(writer)


def pdf_with_field_script(in_kid: bool = False) -> bytes:
    """A PDF with a form field on no page that runs a script on each keystroke (on the
    field itself, or on a kid of it)."""
    writer = _one_page()
    field = DictionaryObject(
        {
            NameObject("/FT"): NameObject("/Tx"),
            NameObject("/T"): TextStringObject("name"),
            NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
        }
    )
    actions = DictionaryObject({NameObject("/K"): writer._add_object(_script())})
    if in_kid:
        kid = writer._add_object(DictionaryObject({NameObject("/AA"): actions}))
        field[NameObject("/Kids")] = ArrayObject([kid])
    else:
        field[NameObject("/AA")] = actions
    form = DictionaryObject({NameObject("/Fields"): ArrayObject([writer._add_object(field)])})
    writer._root_object[NameObject("/AcroForm")] = writer._add_object(form)
    return _written(writer)


def pdf_with_xfa_form() -> bytes:
    """A PDF with an XFA form (whose XML can carry scripts) and no fields of its own."""
    writer = _one_page()
    form = DictionaryObject(
        {
            NameObject("/Fields"): ArrayObject(),
            NameObject("/XFA"): writer._add_object(TextStringObject("<xdp:xdp/>")),
        }
    )
    writer._root_object[NameObject("/AcroForm")] = writer._add_object(form)
    return _written(writer)
