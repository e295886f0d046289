"""Password rules beyond length: nothing common, trivial or built from the office's or the
user's own words (ASVS 6.2.4).

common-passwords.txt is the list Django 5.2 ships (django/contrib/auth/common-passwords.txt.gz:
20,000 common passwords, lowercased, compiled by Royce Williams from breach corpora, BSD
licence), in its order of frequency, kept to the entries of printable ASCII (19,623).
"""

import re
import string
from functools import cache
from pathlib import Path

from recruit.admin.models import get_setting

COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt")

# Words anyone guessing at this office tries first, whatever the office is called.
OFFICE_WORDS = ("recruit", "recruitment", "procurement", "internship")

# Runs a person types without thinking: the alphabet, the digits, the keyboard's rows.
SEQUENCES = (
    string.ascii_lowercase,
    "0123456789",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "qwertyuiopasdfghjklzxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "qazwsxedcrfvtgbyhnujmikolp",
)

# What is left of a password once the context words are taken out must be this long:
# "Recruit2024!" leaves "2024!", which a guesser tries right after the word itself.
MIN_OWN_PART = 8

TOO_COMMON = "This password is among the most common ones; choose another."
TOO_SIMPLE = "This password is one repeated character or a simple sequence; choose another."
TOO_PERSONAL = (
    "This password is built from your name, your email or the office's name; choose another."
)


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lowercased."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip())


def _is_common(text: str) -> bool:
    # A common password padded with digits or symbols ("iloveyou2024!") is as common.
    core = text.strip(string.digits + string.punctuation + " ")
    return text in common_passwords() or (bool(core) and core in common_passwords())


def _is_trivial(text: str) -> bool:
    if len(set(text)) <= 2:  # "aaaaaaaaaaaa", "abababababab"
        return True
    for size in range(1, len(text) // 2 + 1):
        unit = text[:size]
        # A short piece, or a common one, said again and again ("abcabcabcabc").
        if len(text) % size == 0 and unit * (len(text) // size) == text:
            return size <= 4 or _is_common(unit) or _is_trivial(unit)
    return any(text in run * 3 or text in run[::-1] * 3 for run in SEQUENCES)


def _context_words(name: str, email: str, office_name: str) -> list[str]:
    local, _, domain = email.lower().partition("@")
    words = {*OFFICE_WORDS, local, domain.split(".")[0]}
    for text in (name, local, office_name):
        words.update(re.split(r"[\W_]+", text.lower()))
    # Longest first, so "procurement" goes before a name such as "Cure" could split it.
    return sorted((w for w in words if len(w) >= 3), key=len, reverse=True)


def password_problem(
    password: str, name: str = "", email: str = "", office_name: str | None = None
) -> str | None:
    """Why this password is refused (a message for the field), or None when it is fine."""
    if office_name is None:
        office_name = get_setting("office_name") or ""
    text = password.lower().strip()
    if _is_common(text):
        return TOO_COMMON
    if _is_trivial(text):
        return TOO_SIMPLE
    own_part = text
    for word in _context_words(name, email, office_name):
        own_part = own_part.replace(word, "")
    own_part = re.sub(r"[\s._-]+", "", own_part)
    if own_part != re.sub(r"[\s._-]+", "", text) and (
        len(own_part) < MIN_OWN_PART or _is_common(own_part) or _is_trivial(own_part)
    ):
        return TOO_PERSONAL
    return None
