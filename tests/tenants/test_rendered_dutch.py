"""With Dutch active, no rendered staff, portal or platform-admin page shows an English text
that our catalogue, Django's own catalogues or a third-party app we show (django-axes,
phonenumber-field) knows as a msgid.

A string that reached the page untranslated (a typo in a msgid, an entry nobody translated, a
gettext call at import time, a library without Dutch) is exactly such a text. The pages are
the ones the hostile-input test reads (every form of the product), every staff and portal page
without an id, a page the isolation crawler answers with 404, and the admin's index,
changelists and add pages.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import django
import polib
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache

from tests.conftest import client_for
from tests.test_every_form import world  # noqa: F401  (the fixture: a contractant with one of everything)
from tests.test_isolation_crawler import patterns

BASE_DIR = Path(__file__).resolve().parents[2]
DJANGO_DIR = Path(django.__file__).parent
SITE_PACKAGES = DJANGO_DIR.parent
# Catalogues whose msgids may appear on our pages: (English source, its Dutch if it has one).
CATALOGUES = [
    BASE_DIR / "locale/nl/LC_MESSAGES/django.po",
    DJANGO_DIR / "conf/locale/nl/LC_MESSAGES/django.po",
    DJANGO_DIR / "contrib/admin/locale/nl/LC_MESSAGES/django.po",
    DJANGO_DIR / "contrib/auth/locale/nl/LC_MESSAGES/django.po",
    SITE_PACKAGES / "phonenumber_field/locale/nl/LC_MESSAGES/django.po",
    # django-axes has no Dutch of its own: its msgids are read from another language's catalogue.
    SITE_PACKAGES / "axes/locale/de/LC_MESSAGES/django.po",
]
# Words that are the same in Dutch and English, or are names rather than texts.
SAME_IN_DUTCH = {"status", "filter", "id", "e-mail", "ok", "api", "url", "kvk", "2fa", "totp", "admin"}
# Values of the test's own data, shown as entered (a sync failure's kind and error as the remote
# system sent them), and permission names, which Django stores in English when it migrates.
DATA = {"user", "422 refused"}
STORED_PERMISSION = re.compile(r".+ \| .+ \| can (add|change|delete|view) .+")
DUTCH_TEXTS: set[str] = set()
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def catalogue() -> tuple[set[str], list[re.Pattern]]:
    """English msgids (case-folded) shown untranslated when Dutch is active, and the patterns of
    those with placeholders. A msgid whose Dutch translation is the same text is left out."""
    DUTCH_TEXTS.clear()
    dutch: dict[str, str] = {}
    for path in CATALOGUES[:-1]:
        for entry in polib.pofile(str(path)):
            if entry.msgstr and not entry.obsolete:
                dutch.setdefault(entry.msgid.casefold(), entry.msgstr.casefold())
                DUTCH_TEXTS.add(entry.msgstr.casefold())
    plain, patterns_ = set(), []
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            for msgid in filter(None, [entry.msgid, entry.msgid_plural]):
                key = msgid.casefold()
                if dutch.get(key) == key or key in SAME_IN_DUTCH or len(PLACEHOLDER.sub("", key).strip()) < 4:
                    continue
                if PLACEHOLDER.search(msgid):
                    parts = [re.escape(part) for part in PLACEHOLDER.split(key)]
                    patterns_.append(re.compile(".+".join(parts)))
                else:
                    plain.add(key)
    return plain, patterns_


class VisibleText(HTMLParser):
    """Text nodes and the attributes a person reads or hears, outside script and style."""

    SHOWN_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "template"}:
            self._hidden += 1
        for name, value in attrs:
            shown = name in self.SHOWN_ATTRIBUTES or (
                tag == "input" and name == "value" and dict(attrs).get("type") in {"submit", "button", "reset"}
            )
            if value and shown:
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template"}:
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(data)


def english_on(html: str, plain: set[str], with_placeholders: list[re.Pattern], allowed=frozenset()) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    found = set()
    for text in parser.texts:
        text = " ".join(text.split()).casefold().rstrip(":")
        if text in DATA or text in allowed or text in DUTCH_TEXTS or STORED_PERMISSION.fullmatch(text):
            continue
        if text in plain or any(pattern.fullmatch(text) for pattern in with_placeholders):
            found.add(text)
    return found


def dutch(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "nl"
    return client


def report(untranslated: dict[str, set[str]]) -> str:
    return "English on a Dutch page:\n" + "\n".join(f"{url}: {sorted(texts)}" for url, texts in untranslated.items())


def html_pages(client, urls):
    for url in urls:
        response = client.get(url)
        if response.status_code in {200, 400, 404} and response["Content-Type"].startswith("text/html"):
            yield url, response.content.decode()


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()  # the fixture's membership request must not meet an earlier run's throttle


def test_english_msgids_in_dutch_pages_are_found():
    plain, with_placeholders = catalogue()
    page = "<h1>Taken</h1><button>Save</button><p>Showing 3 of 10</p><script>var x = 'Save'</script>"
    assert english_on(page, plain, with_placeholders) >= {"save"}
    assert not english_on("<h1>Taken</h1><button>Opslaan</button>", plain, with_placeholders)


def test_no_staff_or_portal_page_shows_english_while_dutch_is_active(world):  # noqa: F811
    staff, staff_pages, portal, portal_pages = world
    plain, with_placeholders = catalogue()
    without_ids = ["/" + route for name, route in patterns(all_routes=True) if "<" not in route]
    crawled_404 = ["/relations/999999/", "/portal/o/not-a-code/"]
    untranslated: dict[str, set[str]] = {}
    seen = 0
    for client, urls in [
        (dutch(staff), staff_pages + [u for u in without_ids if not u.startswith("/portal/")] + crawled_404[:1]),
        (dutch(portal), portal_pages + [u for u in without_ids if u.startswith("/portal/")] + crawled_404[1:]),
    ]:
        for url, html in html_pages(client, urls):
            seen += 1
            if found := english_on(html, plain, with_placeholders):
                untranslated[url] = found
    assert seen >= 60
    assert not untranslated, report(untranslated)


def test_no_platform_admin_page_shows_english_while_dutch_is_active(db):
    get_user_model().objects.create_superuser("operator", "operator@platform.test", "Platform-beheer-2026")
    client = dutch(client_for("localhost"))
    assert client.post("/admin/login/", {"username": "operator", "password": "Platform-beheer-2026"}).status_code == 302
    index = client.get("/admin/").content.decode()
    models = sorted(set(re.findall(r'href="(/admin/\w+/\w+/)"', index)))
    assert models, "the admin index lists our models"
    plain, with_placeholders = catalogue()
    # django-otp's own models have labels it does not mark for translation (not ours to fix).
    ours = [url for url in models if not url.startswith("/admin/otp_")]
    urls = ["/admin/", *models, *(f"{url}add/" for url in ours)]
    untranslated = {}
    for url, html in html_pages(client, urls):
        # Django's admin/search_form.html writes its search icon's alt="Search" untranslated.
        if found := english_on(html, plain, with_placeholders, allowed={"search"}):
            untranslated[url] = found
    assert not untranslated, report(untranslated)


def test_every_password_rule_speaks_dutch(db):
    """The set-password forms show the validators' messages and help texts. Django 5.2 changed
    the minimum length message while its Dutch catalogue kept the old one, so that one rule
    answered in English; our catalogue carries the new msgid."""
    from django.contrib.auth import password_validation
    from django.core.exceptions import ValidationError
    from django.utils import translation

    user = get_user_model()(username="jan.devries@example.nl", email="jan.devries@example.nl")
    weak = ["kort1", "1234567890", "password123", "jan.devries@example.nl"]

    def said(language: str) -> set[str]:
        with translation.override(language):
            texts = {validator.get_help_text() for validator in password_validation.get_default_password_validators()}
            for password in weak:
                try:
                    password_validation.validate_password(password, user)
                except ValidationError as error:
                    texts.update(error.messages)
        return texts

    english, dutch = said("en"), said("nl")
    assert len(english) >= 8, english  # four help texts and four kinds of refusal
    assert not english & dutch, f"English while Dutch is active: {english & dutch}"
