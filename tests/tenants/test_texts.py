"""Messages that end in a name ending in an abbreviation get one full stop, not two."""

import pytest
from django.utils.safestring import SafeString, mark_safe

from staff.templatetags.texts import sentence


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jan is now linked to Jansen B.V..", "Jan is now linked to Jansen B.V."),
        ("Van Dijk B.V.. Check the tasks.", "Van Dijk B.V. Check the tasks."),
        ("Saved.", "Saved."),
        ("Wait...", "Wait..."),
        ("Version 2.. odd", "Version 2.. odd"),
        ("", ""),
    ],
)
def test_sentence_reduces_a_doubled_full_stop_after_an_abbreviation(text, expected):
    assert sentence(text) == expected


def test_sentence_keeps_escaped_text_escaped_and_plain_text_plain():
    assert isinstance(sentence(mark_safe("A &amp; B B.V..")), SafeString)
    assert not isinstance(sentence("<b>B.V..</b>"), SafeString)
