"""Small PDFs for upload tests, made with pypdf's writer: a plain one, and ones carrying
what a resume must not (scripts, launch actions, attached files)."""

import io

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject


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
