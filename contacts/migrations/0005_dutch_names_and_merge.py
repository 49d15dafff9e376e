"""Dutch names (issue 18): the tussenvoegsel gets its own field, taken off today's last names.

The split is frozen here (not imported from contacts.names, which may change later): the
leading prefix words of a last name of two or more words, as typed ("de Vries" -> "de" +
"Vries", "van der Berg" -> "van der" + "Berg"); a name of nothing but prefix words ("De")
stays whole. Reversing joins them again, so nothing is lost either way. The contact's
history keeps what it was; the migration writes no history rows (it changes no person's data,
only where it is kept).
"""

import re

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models

PREFIX_WORDS = {
    "van", "von", "de", "der", "den", "het", "'t", "te", "ter", "ten", "in", "'s", "op", "aan", "bij",
    "uit", "onder", "over", "voor", "tot", "la", "le", "les", "du", "d'", "di", "da", "del", "dos", "zu",
}  # fmt: skip


def split_last_name(last_name):
    words = [word for word in (last_name or "").split(" ") if word]
    count = 0
    while count < len(words) - 1 and words[count].lower().replace("\u2019", "'") in PREFIX_WORDS:
        count += 1
    if not count:
        return "", last_name
    return " ".join(words[:count]), " ".join(words[count:]).strip()


def split_infixes(apps, schema_editor):
    Contact = apps.get_model("contacts", "Contact")
    changed = []
    for contact in Contact.objects.filter(infix="").only("pk", "last_name", "infix").iterator(chunk_size=2000):
        infix, last_name = split_last_name(contact.last_name)
        if infix:
            contact.infix, contact.last_name = infix, last_name
            changed.append(contact)
        if len(changed) >= 2000:
            Contact.objects.bulk_update(changed, ["infix", "last_name"])
            changed = []
    Contact.objects.bulk_update(changed, ["infix", "last_name"])


def join_infixes(apps, schema_editor):
    Contact = apps.get_model("contacts", "Contact")
    for contact in Contact.objects.exclude(infix="").only("pk", "last_name", "infix").iterator(chunk_size=2000):
        contact.last_name = f"{contact.infix} {contact.last_name}"
        contact.infix = ""
        contact.save(update_fields=["infix", "last_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0004_list_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ContactEmail",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "email",
                    models.EmailField(
                        max_length=254,
                        validators=[
                            django.core.validators.RegexValidator(
                                code="control_characters",
                                inverse_match=True,
                                message="Line breaks, tabs and other control characters are not allowed here.",
                                regex=re.compile("[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029]"),
                            )
                        ],
                        verbose_name="e-mail address",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name": "secondary e-mail address",
                "verbose_name_plural": "secondary e-mail addresses",
                "ordering": ["email", "pk"],
            },
        ),
        migrations.AddField(
            model_name="contact",
            name="infix",
            field=models.CharField(
                blank=True,
                max_length=30,
                validators=[
                    django.core.validators.RegexValidator(
                        code="control_characters",
                        inverse_match=True,
                        message="Line breaks, tabs and other control characters are not allowed here.",
                        regex=re.compile("[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029]"),
                    )
                ],
                verbose_name="infix",
            ),
        ),
        migrations.AddField(
            model_name="mergerecord",
            name="undone_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalcontact",
            name="infix",
            field=models.CharField(
                blank=True,
                max_length=30,
                validators=[
                    django.core.validators.RegexValidator(
                        code="control_characters",
                        inverse_match=True,
                        message="Line breaks, tabs and other control characters are not allowed here.",
                        regex=re.compile("[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029]"),
                    )
                ],
                verbose_name="infix",
            ),
        ),
        migrations.RunPython(split_infixes, join_infixes, elidable=False),
        migrations.AddField(
            model_name="mergerecord",
            name="undo",
            field=models.JSONField(default=dict),
        ),
        migrations.AddField(
            model_name="mergerecord",
            name="undone_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="contactemail",
            name="contact",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="secondary_emails", to="contacts.contact"
            ),
        ),
        migrations.AddField(
            model_name="contact",
            name="name_key",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Func(
                    models.Func(
                        django.db.models.functions.text.Lower(
                            models.Func(
                                models.F("last_name"),
                                models.Value("áàâäãåçéèêëíìîïñóòôöõúùûüýÿÁÀÂÄÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝ’‘"),
                                models.Value("aaaaaaceeeeiiiinooooouuuuyyAAAAAACEEEEIIIINOOOOOUUUUY''"),
                                function="TRANSLATE",
                            )
                        ),
                        models.Value(
                            "^((van|von|de|der|den|het|'t|te|ter|ten|in|'s|op|aan|bij|uit|onder|over|voor|tot|la|le|les|du|d'|di|da|del|dos|zu)[[:space:]]+)+"
                        ),
                        models.Value(""),
                        function="REGEXP_REPLACE",
                    ),
                    function="BTRIM",
                ),
                output_field=models.CharField(max_length=100),
            ),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(fields=["name_key"], name="contact_name_key"),
        ),
        migrations.AddConstraint(
            model_name="contactemail",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("email"), name="contact_email_unique"
            ),
        ),
    ]
