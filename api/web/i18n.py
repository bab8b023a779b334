"""Gettext catalogs for the pages: English message ids, Vietnamese (the default) and English.

The catalogs are ``.po`` files under ``locale/<lang>/LC_MESSAGES/``, one per group of pages,
compiled in memory at start: no build step, no binary ``.mo`` files in the repository.
``tests/web/test_catalog.py`` holds every message of the templates and of ``api/web`` to a
Vietnamese translation.
"""

from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).parent / "locale"


def catalog(language: str) -> Catalog:
    """Every ``.po`` of ``language`` merged into one catalog."""
    merged = Catalog(locale=language, domain="messages")
    for path in sorted((LOCALE_DIR / language / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as f:
            for message in read_po(f, locale=language):
                if message.id and message.string and not message.fuzzy:
                    merged.add(message.id, message.string, context=message.context)
    return merged


@cache
def translations(language: str) -> NullTranslations:
    if language == "en":
        return NullTranslations()  # the message ids are the English texts
    buffer = BytesIO()
    write_mo(buffer, catalog(language))
    buffer.seek(0)
    return Translations(buffer, domain="messages")


def gettext(language: str, message: str) -> str:
    return translations(language).gettext(message)
