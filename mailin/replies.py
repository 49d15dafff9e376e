"""What the customer wrote, without the quoted history and signature below it.

mail-parser-reply does the work (headers like "On … wrote:", Outlook's "From: / Sent:" block,
"Van: / Verzonden:", signatures, disclaimers, in Dutch and English). Three things it misses or
overdoes are handled here, through its own extension points:

- Dutch quote headers as Gmail and Apple Mail write them ("Op di 1 dec. 2026 om 10:12 schreef
  Anna <anna@…>:", "Op 1 dec. 2026 om 10:12 heeft Anna … het volgende geschreven:"), also when
  the mail client wrapped them over two or three lines: its Dutch pattern only knows
  "Op <date> <name> schreef:".
- Its signature markers are the first words of a line ("Thanks,", "Bedankt,"), so "Bedankt, de
  loonstrook klopt nu. Maar …" would lose everything from there on. A signature is cut only
  when its first line is a closing alone ("Met vriendelijke groet,", "Thanks,", "--",
  "Sent from my iPhone"); otherwise the text keeps it.
- A list written with hyphens is not a signature (`keep_hyphen_lists`).
"""

from __future__ import annotations

import re

from mailparser_reply.parser import EmailMessage as ParsedReplies

LANGUAGES = ["nl", "en"]
# Longer texts are kept whole: the parser's patterns are not meant for books.
MAX_PARSED_LENGTH = 100_000
MAX_SIGNATURE_CANDIDATES = 10

# A quote header that starts with "Op", has a time (09:15 or 9.15) and, over lines a mail client
# may have wrapped (no blank line between), goes on to "schreef …:" or "geschreven:". The time
# keeps a sentence of the customer's own ("Op maandag schreef ik al:") from counting as one.
DUTCH_QUOTE_HEADER = (
    r"(^(?:> ?)*Op [^\n]*\b\d{1,2}[:.]\d{2}\b(?:[^\n]|\n(?!\n)){0,300}?\b(?:schreef|geschreven)\b"
    r"(?:[^\n]|\n(?!\n)){0,200}?:$)"
)
# A closing alone on its line: letters and spaces, perhaps a comma or full stop at the end.
_CLOSING_LINE = re.compile(r"[\w' ]{1,40}[,.!]?")
_DELIMITER_LINE = re.compile(r"[-_]{2,}")


class _DeskReplies(ParsedReplies):
    """The parser with the Dutch quote headers above added to its own."""

    @property
    def HEADER_REGEX(self) -> re.Pattern:  # noqa: N802 - the parser's name for it
        pattern = super().HEADER_REGEX
        if DUTCH_QUOTE_HEADER not in pattern.pattern:
            pattern = re.compile(f"{pattern.pattern}|{DUTCH_QUOTE_HEADER}", flags=re.MULTILINE | re.IGNORECASE)
            self._header_regex = pattern
        return pattern


def _is_signature(signature: str) -> bool:
    first_line = signature.strip().split("\n", 1)[0].lstrip("> ").strip()
    return bool(_DELIMITER_LINE.fullmatch(first_line) or _CLOSING_LINE.fullmatch(first_line))


def _signature_start(signatures: re.Pattern, text: str) -> int | None:
    """Where the signature begins: the first place the parser sees one whose first line is a
    closing alone; None when there is none (among the first few candidates: each search runs
    to the end of the text)."""
    position = 0
    for _attempt in range(MAX_SIGNATURE_CANDIDATES):
        found = signatures.search(text, position)
        if found is None:
            return None
        if _is_signature(found.group()):
            return found.start()
        first = found.start() + len(found.group()) - len(found.group().lstrip())
        position = text.find("\n", first) + 1
        if position == 0:
            return None
    return None


def _without_trailing_quote(text: str) -> str:
    """Lines quoted with ">" at the end, under what the customer wrote, are history too."""
    lines = text.split("\n")
    end = len(lines)
    while end and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith(">")):
        end -= 1
    if end and any(line.lstrip().startswith(">") for line in lines[end:]):
        return "\n".join(lines[:end]).rstrip()
    return text


def latest_reply(text: str) -> str:
    """The newest part of an e-mail's text: above the quoted history, without its signature.
    Never empty when the text is not: a mail that is all quote or all signature keeps it."""
    text = (text or "").strip()
    if not text or len(text) > MAX_PARSED_LENGTH:
        return text
    parsed = _DeskReplies(text=text, languages=list(LANGUAGES), keep_hyphen_lists=True).read()
    if not parsed.replies:
        return text
    latest = parsed.replies[0]
    body = latest.full_body
    start = _signature_start(parsed.SIGNATURE_REGEX, body)
    if start is not None:
        body = body[:start]
    for disclaimer in latest.disclaimers:
        body = body.replace(disclaimer, "")
    return _without_trailing_quote(body).strip() or latest.full_body or text
