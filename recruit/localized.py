"""Texts admins write in two languages, and the one rule for which a reader gets."""

from recruit.i18n import current_language


def localized(english: str, spanish: str, language: str) -> str:
    """The Spanish wording for a Spanish reader when an admin wrote one, else the English."""
    if language == "es" and (spanish or "").strip():
        return spanish
    return english


def in_page_language(english: str, spanish: str) -> str:
    """localized() for the page being drawn."""
    return localized(english, spanish, current_language())
