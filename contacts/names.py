"""Dutch names: first name, tussenvoegsel (infix) and last name.

A Dutch list sorts by the last name without its prefix ("Vries, Jan de"), and people type a
prefix in the last-name field as often as in its own field. `split_infix` takes the known
prefixes off a last name (the data migration and the services use it); `name_key` is the
name as the duplicate check compares it: prefixes off, lower case, accents off. The database
keeps the very same key of every contact in the generated column `Contact.name_key`
(`name_key_expression`), so the check reads an index and both sides agree by construction:
one translation table, one prefix pattern.
"""

from __future__ import annotations

import re

from django.db.models import F, Func, Value
from django.db.models.functions import Lower

# The words a Dutch (or Flemish, French, German) family name is prefixed with; a prefix is
# one or more of them ("van der", "van 't", "de la").
PREFIX_WORDS = (
    "van", "von", "de", "der", "den", "het", "'t", "te", "ter", "ten", "in", "'s", "op", "aan", "bij",
    "uit", "onder", "over", "voor", "tot", "la", "le", "les", "du", "d'", "di", "da", "del", "dos", "zu",
)  # fmt: skip
# Accented letters and their plain forms: PostgreSQL's TRANSLATE and Python's str.translate
# read the same two strings (no unaccent: not immutable, so no generated column could use it).
ACCENTED = "áàâäãåçéèêëíìîïñóòôöõúùûüýÿÁÀÂÄÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝ’‘"
PLAIN = "aaaaaaceeeeiiiinooooouuuuyyAAAAAACEEEEIIIINOOOOOUUUUY''"
_TABLE = str.maketrans(ACCENTED, PLAIN)
# A run of prefix words at the start, each followed by spaces (POSIX classes: the same in
# PostgreSQL's and Python's regular expressions).
PREFIX_PATTERN = "^((" + "|".join(re.escape(word).replace("\\'", "'") for word in PREFIX_WORDS) + ")[[:space:]]+)+"
_PREFIX_RE = re.compile(PREFIX_PATTERN.replace("[[:space:]]", r"\s"))


def split_infix(last_name: str) -> tuple[str, str]:
    """("de", "Vries") for "de Vries": the leading prefix words, as typed, and the rest. A name
    that is nothing but prefix words ("De", "Van") is a last name and stays whole, and a name
    without a prefix comes back exactly as given."""
    words = [word for word in (last_name or "").split(" ") if word]
    count = 0
    while count < len(words) - 1 and words[count].lower().translate(_TABLE) in PREFIX_WORDS:
        count += 1
    if not count:
        return "", last_name
    return " ".join(words[:count]), " ".join(words[count:]).strip()


def name_key(last_name: str) -> str:
    """The last name as the duplicate check compares it (see `name_key_expression`)."""
    return _PREFIX_RE.sub("", (last_name or "").translate(_TABLE).lower()).strip()


def name_key_expression():
    """The database's `name_key`: TRANSLATE, LOWER, the prefixes off, BTRIM; all immutable."""
    plain = Lower(Func(F("last_name"), Value(ACCENTED), Value(PLAIN), function="TRANSLATE"))
    return Func(Func(plain, Value(PREFIX_PATTERN), Value(""), function="REGEXP_REPLACE"), function="BTRIM")


def full_name(first_name: str, infix: str, last_name: str) -> str:
    """ "Jan de Vries"."""
    return " ".join(part for part in (first_name, infix, last_name) if part)


def sort_name(first_name: str, infix: str, last_name: str) -> str:
    """ "Vries, Jan de": how a Dutch list files the name."""
    given = " ".join(part for part in (first_name, infix) if part)
    return f"{last_name}, {given}" if given else last_name
