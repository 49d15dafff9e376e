"""The real receiver: `manage.py receive_mail` as its own process (as `make run` and docker
compose start it), spoken to over SMTP with smtplib. Data is committed in a throw-away
contractant (the receiver has its own connection) and removed afterwards."""

from __future__ import annotations

import os
import smtplib
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tasks.models import Task, TaskEmail, TaskMessage
from tests.conftest import remove_committed_contractants
from tests.factories import ContactFactory, ContactLinkFactory, RelationFactory, TaskFactory
from tests.mailin.conftest import PDF, mail

BASE_DIR = Path(__file__).resolve().parents[2]
SCHEMA = "mailin_e2e"
HOST = "mailin-e2e.localhost"
MAX_BYTES = 200_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_receiver(workdir: Path, *, database_url: str) -> tuple[subprocess.Popen, int, Path]:
    port = _free_port()
    log = workdir / f"receiver-{port}.log"
    env = {
        **os.environ,
        "DJANGO_ENV": "test",
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.REDIS_URL,
        "INBOUND_SMTP_PORT": str(port),
        "INBOUND_MAIL_MAX_BYTES": str(MAX_BYTES),
        "PYTHONUNBUFFERED": "1",
    }
    with log.open("wb") as output:
        # Run from the work folder: attachments land in its file storage, not in the checkout.
        process = subprocess.Popen(
            [sys.executable, str(BASE_DIR / "manage.py"), "receive_mail"],
            cwd=workdir,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"receive_mail stopped: {log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process, port, log
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise AssertionError(f"receive_mail did not listen on {port}: {log.read_text()}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(15)


@pytest.fixture(scope="module")
def committed_contractant(django_db_setup, django_db_blocker):
    from tenants.services import provision_contractant

    with django_db_blocker.unblock():
        remove_committed_contractants([SCHEMA])  # left by an interrupted run
        contractant = provision_contractant(
            name="Mail in", schema_name=SCHEMA, domain=HOST, admin_email="mail@in.test", admin_password="Mail-in-2026!"
        )
        try:
            yield contractant
        finally:
            remove_committed_contractants([SCHEMA])


@pytest.fixture(scope="module")
def receiver(committed_contractant, tmp_path_factory):
    db = connection.settings_dict
    url = f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    process, port, log = start_receiver(tmp_path_factory.mktemp("mailin"), database_url=url)
    yield port, log
    stop(process)


@pytest.fixture(scope="module")
def waiting_task(committed_contractant, django_db_blocker):
    """A task waiting for Anna, a contact of its relation (committed: the receiver reads it)."""
    with django_db_blocker.unblock():
        connection.set_tenant(committed_contractant)
        relation = RelationFactory(name="Bakkerij Jansen")
        anna = ContactFactory(first_name="Anna", last_name="Smit", email="anna@bakkerij.test")
        ContactLinkFactory(contact=anna, relation=relation)
        task = TaskFactory(relations=[relation], reporter=anna, status=Task.Status.WAITING, subject="Loonstrook")
        connection.set_schema_to_public()
    return task


def test_a_reply_sent_over_smtp_lands_in_its_task_with_its_pdf_and_reopens_it(
    receiver, committed_contractant, waiting_task, django_db_blocker
):
    port, _log = receiver
    address = f"reply+{waiting_task.reply_token}@{HOST}"
    raw = mail(
        to=address,
        body="Hierbij de juiste strook.\n\nOp di 1 dec. 2026 om 10:12 schreef Support <x@y.test>:\n> Stuur maar.",
        attachments=[("loonstrook-maart.pdf", PDF, "application/pdf")],
    )

    with smtplib.SMTP("127.0.0.1", port, local_hostname="test.localhost", timeout=20) as smtp:
        refused = smtp.sendmail("anna@bakkerij.test", [address], raw)

    assert refused == {}
    # The receiver answers 250 after its transaction committed: the reply is there now.
    with django_db_blocker.unblock():
        connection.set_tenant(committed_contractant)
        message = TaskMessage.objects.get(task=waiting_task)
        assert (message.kind, message.channel, message.body) == ("reply", "email", "Hierbij de juiste strook.")
        assert [attachment.name for attachment in message.attachments.all()] == ["loonstrook-maart.pdf"]
        assert Task.objects.get(pk=waiting_task.pk).status == Task.Status.OPEN
        assert TaskEmail.objects.filter(task=waiting_task, direction="in").count() == 1
        connection.set_schema_to_public()


def test_the_receiver_refuses_unknown_recipients_oversized_and_malformed_mail_and_logs_it(receiver, waiting_task):
    port, log = receiver
    address = f"reply+{waiting_task.reply_token}@{HOST}"

    with smtplib.SMTP("127.0.0.1", port, local_hostname="test.localhost", timeout=20) as smtp:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as unknown:
            smtp.sendmail("anna@bakkerij.test", [f"reply+ffffffffffffffffffff@{HOST}"], mail(to=address))
        smtp.rset()
        # SIZE announced: refused before the data is sent.
        with pytest.raises(smtplib.SMTPSenderRefused) as announced:
            smtp.sendmail("anna@bakkerij.test", [address], b"x" * (MAX_BYTES + 1))
        smtp.rset()
        # Not announced: refused while it arrives (aiosmtpd's data_size_limit).
        smtp.mail("anna@bakkerij.test")
        smtp.rcpt(address)
        too_large = smtp.data(mail(to=address, attachments=[("groot.pdf", PDF + b"0" * MAX_BYTES, "application/pdf")]))
        smtp.rset()
        smtp.mail("anna@bakkerij.test")
        smtp.rcpt(address)
        malformed = smtp.data(b"Subject: zonder afzender\r\n\r\nTekst\r\n")

    assert unknown.value.recipients[f"reply+ffffffffffffffffffff@{HOST}"][0] == 550
    assert announced.value.smtp_code == 552
    assert too_large[0] == 552
    assert malformed == (554, b"5.6.0 Malformed message: no From header")
    output = log.read_text()
    for refusal in ("550 5.1.1", "552", "554 5.6.0"):
        assert "SMTP refusal to ('127.0.0.1'" in output and refusal in output


def test_with_the_database_away_the_receiver_answers_451_so_the_sender_retries(tmp_path):
    process, port, log = start_receiver(tmp_path, database_url="postgresql://nobody@127.0.0.1:1/nothing")
    try:
        with (
            smtplib.SMTP("127.0.0.1", port, local_hostname="test.localhost", timeout=30) as smtp,
            pytest.raises(smtplib.SMTPRecipientsRefused) as deferred,
        ):
            smtp.sendmail("anna@bakkerij.test", [f"support@{HOST}"], mail(to=f"support@{HOST}"))
    finally:
        stop(process)

    code, text = deferred.value.recipients[f"support@{HOST}"]
    assert (code, text) == (451, b"4.3.0 Temporary failure, please try again later")
    assert "database unavailable" in log.read_text()
