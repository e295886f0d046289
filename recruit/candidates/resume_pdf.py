"""The structure check of an uploaded resume: it must parse as a PDF, and carry no
scripts, launch actions or attached files (a resume is read by staff on their own
machines, in whatever PDF reader they have).

pypdf reads objects only when asked, so the walk below reads just the catalog, its name
trees, bookmarks and form fields, and the first pages' annotations, with a budget of
objects: a hostile file cannot keep a worker busy.
"""

import io
import logging

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

log = logging.getLogger(__name__)

# More pages than any resume has; a longer file is refused rather than walked.
MAX_PAGES = 30
# Objects looked at in all (actions, annotations); past this the file is refused.
MAX_OBJECTS = 5_000
# Actions that run something on the reader's machine.
RUNNING_ACTIONS = {"/JavaScript", "/Launch"}


class Unreadable(Exception):
    """The file does not parse as a PDF, or is too large a structure to walk."""


class Active(Exception):
    """The file carries a script, a launch action or an attached file."""


class TooLong(Exception):
    """The file has more pages than a resume."""


class _Walk:
    """A walk over a PDF's objects that stops when its budget is spent."""

    def __init__(self):
        self.left = MAX_OBJECTS

    def get(self, value):
        """The object behind a reference, counted against the budget."""
        self.left -= 1
        if self.left < 0:
            raise Unreadable("too many objects")
        return value.get_object() if value is not None else None

    def action(self, value, depth: int = 0) -> None:
        """Refuse an action (or any in its /Next chain) that runs something."""
        action = self.get(value)
        if isinstance(action, ArrayObject):
            for item in action:
                self.action(item, depth + 1)
            return
        if not isinstance(action, DictionaryObject) or depth > 20:
            return
        if action.get("/S") in RUNNING_ACTIONS or "/JS" in action:
            raise Active(action.get("/S"))
        if "/Next" in action:
            self.action(action["/Next"], depth + 1)

    def tree(self, first, branches: tuple[str, ...]) -> None:
        """Refuse the running actions of every node reached from first along branches."""
        pending, seen = [first], set()
        while pending:
            value = pending.pop()
            if isinstance(value, IndirectObject):
                # A loop of references would otherwise be walked until the budget runs out.
                if value.idnum in seen:
                    continue
                seen.add(value.idnum)
            node = self.get(value)
            if isinstance(node, ArrayObject):
                pending.extend(node)
            elif isinstance(node, DictionaryObject):
                self.triggers(node)
                pending.extend(node.raw_get(key) for key in branches if key in node)

    def triggers(self, holder: DictionaryObject) -> None:
        """Refuse the running actions of an object's /A and additional actions /AA."""
        if "/A" in holder:
            self.action(holder["/A"])
        additional = self.get(holder.get("/AA"))
        if isinstance(additional, DictionaryObject):
            for trigger in additional.values():
                self.action(trigger)


def check_structure(data: bytes) -> None:
    """Raise Unreadable, Active or TooLong for a PDF a resume must not be."""
    try:
        _check(data)
    except (Active, TooLong, Unreadable):
        raise
    except Exception as error:
        log.info("resume refused: %s", type(error).__name__)
        raise Unreadable(type(error).__name__) from None


def _check(data: bytes) -> None:
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        # A file only its author can open cannot be checked (nor read by staff).
        raise Unreadable("encrypted")
    walk = _Walk()
    catalog = walk.get(reader.trailer["/Root"])
    if not isinstance(catalog, DictionaryObject):
        raise Unreadable("no catalog")
    if "/OpenAction" in catalog:
        walk.action(catalog["/OpenAction"])
    walk.triggers(catalog)
    outlines = walk.get(catalog.get("/Outlines"))
    if isinstance(outlines, DictionaryObject) and "/First" in outlines:
        # Bookmarks: each item's siblings by /Next, its children from its own /First.
        walk.tree(outlines.raw_get("/First"), ("/First", "/Next"))
    form = walk.get(catalog.get("/AcroForm"))
    if isinstance(form, DictionaryObject):
        if "/XFA" in form:
            # An XFA form carries its own scripts, in XML no check here reads.
            raise Active("xfa")
        # Read from the form itself: a field on no page can still run actions (calculations).
        if "/Fields" in form:
            walk.tree(form.raw_get("/Fields"), ("/Kids",))
    names = walk.get(catalog.get("/Names"))
    if isinstance(names, DictionaryObject) and ({"/JavaScript", "/EmbeddedFiles"} & set(names)):
        raise Active("names")
    if len(reader.pages) > MAX_PAGES:
        raise TooLong(len(reader.pages))
    for page in reader.pages:
        walk.triggers(page)
        annotations = walk.get(page.get("/Annots"))
        for annotation in annotations if isinstance(annotations, ArrayObject) else ():
            annotation = walk.get(annotation)
            if not isinstance(annotation, DictionaryObject):
                continue
            if annotation.get("/Subtype") == "/FileAttachment":
                raise Active("attachment")
            walk.triggers(annotation)
