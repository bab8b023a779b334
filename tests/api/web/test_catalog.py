"""Every text of the pages has its Vietnamese: the catalogs cover the templates and the
page code, each message is translated once, and the translations keep their placeholders."""

import re
from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from api.web.i18n import LOCALE_DIR, catalog, translations
from api.web.render import TEMPLATES

WEB = TEMPLATES.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def messages_of_the_pages() -> set[str]:
    found: set[str] = set()
    for path in sorted(TEMPLATES.rglob("*.html")):
        for _, message, _, _ in extract_from_file(
            "jinja2", str(path), options={"extensions": "jinja2.ext.i18n"}
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    for path in sorted(WEB.glob("*.py")):
        for _, message, _, _ in extract_from_file("python", str(path)):
            found.add(message[0] if isinstance(message, tuple) else message)
    return {m for m in found if m}


def test_every_message_of_the_pages_has_a_vietnamese_translation() -> None:
    translated = {m.id for m in catalog("vi") if m.id and m.string}
    pages = messages_of_the_pages()
    assert {"Sign in", "Start an inspection", "Timeline"} <= pages  # the extraction works
    missing = sorted(pages - translated)
    assert not missing, f"no Vietnamese for: {missing}"


def test_each_message_is_translated_in_one_catalog_only() -> None:
    where: dict[str, list[str]] = {}
    for path in sorted((LOCALE_DIR / "vi" / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as f:
            for message in read_po(f, locale="vi"):
                if message.id:
                    where.setdefault(str(message.id), []).append(path.name)
    twice = {m: files for m, files in where.items() if len(files) > 1}
    assert not twice, twice


def test_translations_keep_their_placeholders() -> None:
    for message in catalog("vi"):
        if message.id and message.string:
            assert set(PLACEHOLDER.findall(str(message.id))) == set(
                PLACEHOLDER.findall(str(message.string))
            ), message.id


def test_vietnamese_is_the_default_and_english_the_message_ids() -> None:
    assert translations("vi").gettext("Sign in") == "Đăng nhập"
    assert translations("en").gettext("Sign in") == "Sign in"
    assert Path(LOCALE_DIR / "vi" / "LC_MESSAGES" / "base.po").exists()
