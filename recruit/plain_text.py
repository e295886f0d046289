"""What counts as plain text in Recruit: the control characters refused in what people
type and import, and the invisible ones taken out of names shown back (file names)."""

import re

# Control characters (C0, DEL, C1): nobody types one, and each output format reads some
# of them as structure (a CR ends a calendar line or a mail header, a NUL ends a string).
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Text areas keep their lines: tab, line feed and the carriage return browsers send
# before each line feed.
CONTROL_IN_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Characters that reorder or hide text around them: a right-to-left override shows
# "cv.fdp.exe" for a file named "cv.exe.pdf" backwards.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def has_control_characters(text: str, lines: bool = False) -> bool:
    """Does text hold a control character (tab and line breaks allowed when lines)?"""
    return bool((CONTROL_IN_LINES if lines else CONTROL).search(text))


def shown_name(name: str) -> str:
    """A name as it may be shown: without control or text-direction characters."""
    return BIDI_CONTROLS.sub("", CONTROL.sub("", name))


def without_control_characters(text: str) -> str:
    """Text for an output format (CSV, calendar): each control character but tab and
    line breaks, which the format escapes itself, shown as the replacement character."""
    return CONTROL_IN_LINES.sub("\ufffd", text)
