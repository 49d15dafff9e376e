"""Reading one inbound e-mail with Python's email package (policy=default): who sent it, its
subject, its text (text/plain preferred, HTML turned into text when it has nothing else), its
attachments, and whether a machine wrote it (auto-reply, bounce, delivery report, bulk mail).

Nothing here touches the database; mailin.services decides what the mail becomes.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses
from html.parser import HTMLParser
from pathlib import PurePosixPath, PureWindowsPath

# The characters staff.validators.reject_control_characters refuses in single-line fields.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_MESSAGE_ID = re.compile(r"<[^<>\s]{1,900}>")
# Images this small that sit in the HTML (a Content-ID, no "attachment") are logos and spacers
# of a signature, not screenshots: kept out of the task's files.
DECORATION_MAX_BYTES = 8 * 1024
# Precedence values bulk senders and auto-responders set (RFC 3834 section 2 and common practice).
AUTOMATIC_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
AUTORESPONDER_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Autoreply-From", "X-Mail-Autoreply")


class MalformedMail(ValueError):
    """The message cannot be read as an e-mail; the text says what is wrong with it."""


@dataclass(frozen=True)
class MailPart:
    """An attachment as it came: the name the sender gave it, its declared type, its bytes."""

    name: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class ParsedMail:
    # The Message-ID header, or a stand-in derived from the bytes when the message has none.
    message_id: str
    sender: str
    sender_name: str
    subject: str
    # The whole text, quoted history and signature still in it (mailin.replies strips them).
    text: str
    attachments: tuple[MailPart, ...]
    # Message-IDs the mail answers (In-Reply-To, then References).
    references: tuple[str, ...]
    # Why a machine wrote it ("" when a person did): such mail is never turned into anything.
    automatic: str

    @property
    def sender_label(self) -> str:
        """ "Name <address>", or the address: how a message shows a sender with no contact."""
        return single_line(f"{self.sender_name} <{self.sender}>" if self.sender_name else self.sender)[:200]


def single_line(value: str) -> str:
    """Control characters and runs of white space become one space (subjects, names)."""
    return " ".join(_CONTROL_CHARACTERS.sub(" ", value or "").split())


def parse_mail(raw: bytes) -> ParsedMail:
    """Read a message as it arrived (bytes, CRLF or LF line ends); MalformedMail when it is no
    e-mail that can be answered: no headers, no sender address, a body that cannot be found."""
    if not raw.strip():
        raise MalformedMail("empty message")
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        if not isinstance(message, EmailMessage):
            raise MalformedMail("not an e-mail message")
        if not message.keys():
            raise MalformedMail("no headers")
        sender_name, sender = _sender(message)
        automatic = automatic_reason(message)
        text, body_part = ("", None) if automatic else _text(message)
        return ParsedMail(
            message_id=_message_id(message, raw),
            sender=sender,
            sender_name=sender_name,
            subject=single_line(str(message.get("Subject", "") or "")),
            text=text,
            attachments=() if automatic else tuple(_attachments(message, body_part)),
            references=_references(message),
            automatic=automatic,
        )
    except MalformedMail:
        raise
    except Exception as exc:  # noqa: BLE001 - the email package has crashed on hostile input before
        raise MalformedMail(f"unreadable message ({type(exc).__name__})") from exc


def automatic_reason(message: EmailMessage) -> str:
    """Why the message counts as written by a machine, or "" (RFC 3834, RFC 3464, RFC 2369)."""
    auto_submitted = str(message.get("Auto-Submitted", "") or "").split(";")[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"
    precedence = str(message.get("Precedence", "") or "").strip().lower()
    if precedence in AUTOMATIC_PRECEDENCE:
        return f"Precedence: {precedence}"
    for header in AUTORESPONDER_HEADERS:
        if header in message:
            return f"{header} header"
    if message.get_content_type() == "multipart/report":
        return "delivery or read report (multipart/report)"
    return ""


def _sender(message: EmailMessage) -> tuple[str, str]:
    header = message.get("From")
    if header is None:
        raise MalformedMail("no From header")
    addresses = [(name, address) for name, address in getaddresses([str(header)]) if "@" in address]
    if not addresses:
        raise MalformedMail("no sender address in From")
    name, address = addresses[0]
    address = single_line(address).strip("<>").lower()
    if " " in address or len(address) > 254:
        raise MalformedMail("no sender address in From")
    return single_line(name)[:200], address


def _message_id(message: EmailMessage, raw: bytes) -> str:
    found = _MESSAGE_ID.search(str(message.get("Message-ID", "") or ""))
    if found:
        return found.group(0)
    # Without one, the same bytes delivered twice still count as one mail.
    return f"<{hashlib.sha256(raw).hexdigest()}@no-message-id.invalid>"


def _references(message: EmailMessage) -> tuple[str, ...]:
    found: list[str] = []
    for header in ("In-Reply-To", "References"):
        for message_id in _MESSAGE_ID.findall(str(message.get(header, "") or "")):
            if message_id not in found:
                found.append(message_id)
    return tuple(found[:50])


def _decoded_text(part: EmailMessage) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeError):
        # An unknown or wrong charset: the text as well as it can be read.
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""


def _text(message: EmailMessage) -> tuple[str, EmailMessage | None]:
    """The body's text and the part it came from (None for a mail with only attachments)."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return "", None
    if not isinstance(part, EmailMessage):
        raise MalformedMail("unreadable body")
    content = _decoded_text(part)
    if not isinstance(content, str):
        raise MalformedMail("unreadable body")
    text = html_to_text(content) if part.get_content_subtype() == "html" else content
    return text.replace("\r\n", "\n").replace("\x00", "").strip(), part


def _is_decoration(part: EmailMessage, size: int) -> bool:
    return (
        part.get_content_maintype() == "image"
        and part.get_content_disposition() != "attachment"
        and "Content-ID" in part
        and size <= DECORATION_MAX_BYTES
    )


def _attachment_name(part: EmailMessage, number: int, content_type: str) -> str:
    name = single_line(part.get_filename() or "")
    # A name is a name, never a path: "..\\..\\x.pdf" is stored as "x.pdf".
    name = PureWindowsPath(PurePosixPath(name).name).name.strip(". ")
    if not name:
        name = f"attachment-{number}{mimetypes.guess_extension(content_type) or '.bin'}"
    return name[:255]


def _attachments(message: EmailMessage, body_part: EmailMessage | None) -> list[MailPart]:
    found: list[MailPart] = []

    def visit(part: EmailMessage) -> None:
        if part is body_part:
            return
        content_type = part.get_content_type()
        if content_type == "message/rfc822":
            # A forwarded e-mail stays one file, as it came.
            inner = part.get_payload(0)
            content = inner.as_bytes() if isinstance(inner, EmailMessage) else b""
            subject = single_line(str(inner.get("Subject", "") or "")) if isinstance(inner, EmailMessage) else ""
            name = _attachment_name(part, len(found) + 1, content_type)
            if not part.get_filename():
                name = f"{(subject or 'message')[:200]}.eml"
            found.append(MailPart(name=name, content_type=content_type, content=content))
            return
        if part.is_multipart():
            for child in part.iter_parts():
                if isinstance(child, EmailMessage):
                    visit(child)
            return
        disposition = part.get_content_disposition()
        if part.get_content_maintype() == "text" and disposition != "attachment" and not part.get_filename():
            return  # the other rendering of the body (multipart/alternative)
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        if _is_decoration(part, len(content)):
            return
        name = _attachment_name(part, len(found) + 1, content_type)
        found.append(MailPart(name=name, content_type=content_type, content=content))

    visit(message)
    return found


class _TextOfHtml(HTMLParser):
    """HTML as plain text for a mail that has no text part: a line per block, "> " before
    quoted blocks (so the reply parser finds the quoted history), nothing of scripts or styles."""

    BLOCKS = {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "footer", "h1", "h2",
        "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre", "section", "table", "tr", "ul",
    }  # fmt: skip
    SKIPPED = {"head", "script", "style", "template", "title"}
    # Followed by a blank line.
    PARAGRAPHS = {"blockquote", "div", "ol", "p", "pre", "table", "ul"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.depth = 0
        self.skipping = 0
        self.in_pre = 0

    def _prefix(self) -> str:
        return "> " * self.depth

    def _break(self) -> None:
        text = "".join(self.current)
        lines = [line.rstrip() for line in text.split("\n")] if self.in_pre else [" ".join(text.split())]
        self.lines.extend(f"{self._prefix()}{line}" if line else self._prefix().rstrip() for line in lines)
        self.current = []

    def _blank(self) -> None:
        """A blank line between blocks, quoted as deep as the text around it; never two."""
        if self.lines and not self.lines[-1].strip("> "):
            self.lines[-1] = self._prefix().rstrip()
        elif self.lines:
            self.lines.append(self._prefix().rstrip())

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BLOCKS:
            if self.current or tag == "br":
                self._break()
            if tag == "blockquote":
                self.depth += 1
            elif tag == "pre":
                self.in_pre += 1
            elif tag == "li":
                self.current.append("- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            if self.current:
                self._break()
            if tag == "blockquote":
                self.depth = max(0, self.depth - 1)
            elif tag == "pre":
                self.in_pre = max(0, self.in_pre - 1)
            if tag in self.PARAGRAPHS:
                self._blank()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.current.append(data if self.in_pre else data.replace("\n", " "))

    def text(self) -> str:
        if self.current:
            self._break()
        return "\n".join(self.lines).strip()


def html_to_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    return parser.text()
