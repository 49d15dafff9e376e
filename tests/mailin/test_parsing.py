"""Reading e-mail (mailin.parsing, mailin.replies): no database, plain bytes in."""

from __future__ import annotations

import ast
import subprocess
from email.message import EmailMessage
from pathlib import Path

import pytest

from mailin.parsing import MalformedMail, html_to_text, parse_mail
from mailin.replies import latest_reply
from tests.mailin.conftest import PDF, mail

BASE_DIR = Path(__file__).resolve().parents[2]


def test_the_text_part_is_preferred_and_the_sender_subject_and_references_read():
    raw = mail(
        to="support@x.test",
        sender="=?utf-8?q?Jos=C3=A9_de_Vries?= <Jose@Voorbeeld.TEST>",
        subject="=?utf-8?q?Vraag_over_=E2=82=AC_bedrag?=\t(2)",
        body="Platte tekst.",
        html="<p>HTML-tekst.</p>",
        headers={"In-Reply-To": "<a@x>", "References": "<b@x> <a@x>"},
        message_id="<m1@voorbeeld.test>",
    )

    parsed = parse_mail(raw)

    assert (parsed.sender, parsed.sender_name, parsed.sender_label) == (
        "jose@voorbeeld.test",
        "José de Vries",
        "José de Vries <jose@voorbeeld.test>",
    )
    assert (parsed.subject, parsed.text, parsed.message_id) == (
        "Vraag over € bedrag (2)",
        "Platte tekst.",
        "<m1@voorbeeld.test>",
    )
    assert parsed.references == ("<a@x>", "<b@x>")
    assert parsed.attachments == () and parsed.automatic == ""


def test_attachments_keep_their_name_but_never_a_path_and_forwarded_mail_stays_one_file():
    forwarded = EmailMessage()
    forwarded["From"] = "x@y.test"
    forwarded["Subject"] = "Oude vraag"
    forwarded.set_content("Doorgestuurd.")
    message = EmailMessage()
    message["From"] = "anna@bakkerij.test"
    message["Subject"] = "Fw"
    message.set_content("Zie bijlagen.")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="..\\..\\windows\\strook.pdf")
    message.add_attachment(b"\x89PNG...", maintype="image", subtype="png")
    message.add_attachment(forwarded)

    parsed = parse_mail(message.as_bytes())

    assert [(part.name, part.content_type) for part in parsed.attachments] == [
        ("strook.pdf", "application/pdf"),
        ("attachment-2.png", "image/png"),
        ("Oude vraag.eml", "message/rfc822"),
    ]
    assert parsed.attachments[0].content == PDF
    assert b"Doorgestuurd." in parsed.attachments[2].content


def test_a_signature_logo_in_the_html_is_no_attachment_but_a_pasted_screenshot_is():
    message = EmailMessage()
    message["From"] = "anna@bakkerij.test"
    message.set_content("Zie schermafdruk.")
    message.add_alternative('<p>Zie schermafdruk.</p><img src="cid:logo"><img src="cid:shot">', subtype="html")
    html = message.get_payload()[1]
    html.add_related(
        b"\x89PNG" + b"0" * 500,
        maintype="image",
        subtype="png",
        cid="<logo>",
        filename="logo.png",
        disposition="inline",
    )
    html.add_related(
        b"\x89PNG" + b"0" * 50_000,
        maintype="image",
        subtype="png",
        cid="<shot>",
        filename="scherm.png",
        disposition="inline",
    )

    parsed = parse_mail(message.as_bytes())

    assert [part.name for part in parsed.attachments] == ["scherm.png"]


@pytest.mark.parametrize("charset", ["x-unknown-charset", "utf-8"])
def test_a_wrong_or_unknown_charset_is_read_as_well_as_it_can_be(charset):
    raw = (
        f"From: a@b.test\r\nSubject: x\r\nContent-Type: text/plain; charset={charset}\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\nCaf\xe9 gesloten\r\n"
    ).encode("latin-1")

    assert parse_mail(raw).text.startswith("Caf")


def test_html_becomes_lines_with_quotes_marked():
    html = (
        "<div>Eerste<br>tweede</div><ul><li>een</li><li>twee</li></ul>"
        "<blockquote><p>oud</p><blockquote>ouder</blockquote></blockquote><pre>  vast\n  blok</pre>"
    )

    assert html_to_text(html) == "Eerste\ntweede\n\n- een\n- twee\n\n> oud\n>\n> > ouder\n\n  vast\n  blok"


def test_hostile_bytes_are_refused_as_malformed_not_a_crash():
    for raw in (b"\x00\xff\xfe" * 50, b"From: \r\n\r\n", b"From: <>\r\n\r\nx", b"From: a b@c d\r\n\r\nx"):
        with pytest.raises(MalformedMail):
            parse_mail(raw)


def test_a_mail_that_is_all_quote_keeps_its_text():
    assert latest_reply("> alleen citaat\n> meer") == "> alleen citaat\n> meer"
    assert latest_reply("Op maandag schreef ik al:\nhet werkt niet.") == "Op maandag schreef ik al:\nhet werkt niet."
    assert latest_reply("Probleem:\n- strook fout\n- loon fout\n\n--\nAnna") == "Probleem:\n- strook fout\n- loon fout"


def test_only_the_crossing_module_switches_schemas_in_mailin():
    """tests/tenants/test_isolation.py's rule, for this app too."""
    result = subprocess.run(
        ["grep", "-rlE", "--include=*.py", r"schema_context|tenant_context|set_search_path|set_tenant", "mailin"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.stdout.split() == []


def test_mailin_builds_no_html_in_python():
    """tests/test_markup_in_templates.py's rule, for this app too (the HTML parser reads HTML)."""
    from tests.test_markup_in_templates import MARKUP, SAFE_MARKERS, _fstring_text

    for path in sorted((BASE_DIR / "mailin").rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            assert not (isinstance(node, ast.JoinedStr) and MARKUP.search(_fstring_text(node))), path
            assert not (isinstance(node, ast.Name) and node.id in SAFE_MARKERS), path


def test_every_text_of_mailin_has_a_dutch_translation(monkeypatch):
    """tests/tenants/test_translations.py's rule, for this app's Python too (its templates are
    read there already)."""
    from tests.tenants import test_translations

    monkeypatch.setattr(test_translations, "APP_DIRS", ["mailin"])
    texts, problems = test_translations.python_msgids()
    catalog = test_translations.dutch_catalog()

    assert problems == []
    assert sorted(text for text in texts if text not in catalog or not catalog[text].translated()) == []
