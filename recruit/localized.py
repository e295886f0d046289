"""Texts admins write in two languages, picked for the page a student is reading."""

from recruit.i18n import current_language


def in_page_language(english: str, spanish: str) -> str:
    """The Spanish wording on a Spanish page when an admin wrote one, else the English."""
    if current_language() == "es" and (spanish or "").strip():
        return spanish
    return english
