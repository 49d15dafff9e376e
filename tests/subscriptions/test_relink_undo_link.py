"""The relink's success message offers the undo of that very relink (issue 18)."""

from __future__ import annotations

import re

from subscriptions.models import RelinkRecord, TechnicalSetup


def test_the_success_message_has_an_undo_button_that_undoes_this_relink(scenario, supplier_staff_client):
    supplier_staff_client.post("/i18n/setlang/", {"language": "en"})

    done = supplier_staff_client.post(
        f"/relations/{scenario.old.pk}/relink/", {"to": scenario.new.pk}, follow=True
    ).content.decode()

    record = RelinkRecord.objects.get()
    messages = done[done.index('<ul class="messages"') : done.index("</ul>", done.index('<ul class="messages"'))]
    assert "is now bound to Jansen Brood &amp; Banket B.V.; 5 open tasks moved with it." in messages
    form = re.search(r'<form class="inline" method="post" action="([^"]+)">.*?</form>', messages, re.S)
    assert form is not None and form.group(1) == f"/relations/relinks/{record.pk}/undo/"
    assert "Undo this relink" in form.group(0) and "csrfmiddlewaretoken" in form.group(0)

    undone = supplier_staff_client.post(form.group(1), follow=True).content.decode()
    assert "Relink undone" in undone
    assert TechnicalSetup.objects.get().subscription.relation == scenario.old
