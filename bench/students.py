"""The students of `make bench`: the interest form each one sends."""

import string
from datetime import date


def letters(number: int) -> str:
    """A number spelled in letters ('Bcd'): the form takes letters only in names."""
    word = ""
    while True:
        number, digit = divmod(number, 26)
        word = string.ascii_lowercase[digit] + word
        if not number:
            return word.capitalize()


def interest_form(number: int, universities: list[int], size: int, started: str) -> dict:
    """One student's interest form, with an email no one has used, the start token of the
    page it was filled on and that page's own submission key."""
    return {
        "first_name": "Maya",
        "last_name": f"Okafor {letters(number)}",
        "email": f"fair{size}.{number}@university.example",
        "phone": "555-201-3344",
        "university": str(universities[number % len(universities)]),
        "major": "Supply chain management",
        "class_standing": "junior",
        "grad_term": "spring",
        "grad_year": str(date.today().year + 1),
        "interests": ["summer_internship"],
        "availability": "From June",
        "consent": "y",
        "started": started,
        "submission": f"bench-{size}-{number:09d}",
        "website": "",
    }
