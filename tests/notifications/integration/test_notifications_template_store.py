"""Templates in the database: versions, lookup by language, rendering at send time (strict, escaped, sandboxed), preview."""
from __future__ import annotations

from datetime import timedelta

import pytest
from notifications_support import add_template, contacts_person, deliver, load, person_created, send

from crm_chassis.errors import InvalidArgument, NotFound
from crm_notifications.domain import commands
from crm_notifications.domain.model import FAILED, SENT, utcnow
from crm_notifications.service_layer import handlers


@pytest.fixture
def app(make_app, smtp_sink):
    return make_app(smtp_sink.port)


def test_each_new_template_of_a_name_and_language_is_the_next_version(app):
    assert add_template(app, "offer", "v1 {{ a }}").version == 1
    assert add_template(app, "offer", "v2 {{ a }} {{ b }}").version == 2
    assert add_template(app, "offer", "ro v1", language="ro").version == 1

    latest = handlers.get_template("offer", "en", 0, app.uow())
    assert (latest.version, latest.text_body, latest.variables()) == (2, "v2 {{ a }} {{ b }}", ["a", "b"])
    assert handlers.get_template("offer", "en", 1, app.uow()).text_body == "v1 {{ a }}"
    for name, language, version in (("offer", "en", 3), ("offer", "de", 0), ("nothing", "en", 0)):
        with pytest.raises(NotFound):
            handlers.get_template(name, language, version, app.uow())


def test_creating_a_template_reports_every_bad_field(app):
    with pytest.raises(InvalidArgument) as raised:
        handlers.create_template(commands.CreateTemplate("", "en", None, "", "{{ broken", "<p>"), app.uow())

    assert [v.field for v in raised.value.violations] == ["template.channel", "template.name", "template.html_body", "template.text_body"]


def test_listing_gives_the_latest_of_each_name_and_language_or_every_version_of_one_name(app):
    add_template(app, "offer", "1")
    add_template(app, "offer", "2")
    add_template(app, "offer", "ro", language="ro")
    add_template(app, "alert", "a", channel="sms")

    latest, _ = handlers.list_templates("", 0, "", app.uow())
    assert [(t.name, t.language, t.version) for t in latest] == [("alert", "en", 1), ("offer", "en", 2), ("offer", "ro", 1), ("welcome", "en", 1), ("welcome", "ro", 1)]
    first, token = handlers.list_templates("offer", 2, "", app.uow())
    second, last = handlers.list_templates("offer", 2, token, app.uow())
    assert [(t.language, t.version) for t in first + second] == [("en", 1), ("en", 2), ("ro", 1)] and last == ""


def test_the_version_sent_is_the_latest_at_the_time_of_the_request(app, smtp_sink):
    add_template(app, "note", "first wording", subject="Note")
    early = send(app, template="note", address="early@example.org")
    add_template(app, "note", "second wording", subject="Note")
    late = send(app, template="note", address="late@example.org")

    assert deliver(app, early.id) == SENT and deliver(app, late.id) == SENT

    assert {m["X-Sink-Rcpt-To"]: m.get_content() for m in smtp_sink.messages()} == {
        "early@example.org": "first wording\n", "late@example.org": "second wording\n",
    }
    assert (load(app, early.id).template_version, load(app, late.id).template_version) == (1, 2)


@pytest.mark.parametrize(
    ("requested", "preferred", "sent_in"),
    [("ro-RO", "", "ro"), ("", "ro-RO", "ro"), ("de", "ro", "ro"), ("en-GB", "ro", "en")],  # more orders: test_notifications_templates.py
)
def test_the_language_falls_back_from_the_request_to_the_persons_then_the_default(app, smtp_sink, requested, preferred, sent_in):
    add_template(app, "note", "Hello", subject="Hello")
    add_template(app, "note", "Bună ziua", subject="Bună ziua", language="ro")
    person_created(app, contacts_person(person_id="p-1", consent=None, preferred_language=preferred))
    n = send(app, template="note", person_id="p-1", language=requested)

    assert deliver(app, n.id) == SENT

    [message] = smtp_sink.messages()
    assert message.get_content() == {"ro": "Bună ziua\n", "en": "Hello\n"}[sent_in]
    assert load(app, n.id).language == sent_in


def test_a_template_only_in_other_languages_is_accepted_and_fails_at_send_time_if_none_fits(app):
    add_template(app, "note", "Bună ziua", subject="Bună", language="ro")
    person_created(app, contacts_person(person_id="p-ro", consent=None, preferred_language="ro"))
    person_created(app, contacts_person(person_id="p-de", consent=None, preferred_language="de", email="de@example.org"))

    assert deliver(app, send(app, template="note", person_id="p-ro").id) == SENT
    n = send(app, template="note", person_id="p-de")
    assert deliver(app, n.id) == FAILED
    assert load(app, n.id).reason == "no template 'note' in de, en"


def test_a_variable_missing_at_send_time_fails_the_notification_with_the_reason(app, smtp_sink):
    add_template(app, "note", "Dear {{ person.title }} {{ person.family_name }}", subject="Note")
    person_created(app, contacts_person(person_id="p-1", consent=None))
    n = send(app, template="note", person_id="p-1")

    assert deliver(app, n.id) == FAILED

    failed = load(app, n.id)
    assert failed.reason == "template 'note' (en, v1): 'dict object' has no attribute 'title'"
    assert (failed.attempts, smtp_sink.messages()) == (0, [])


def test_a_variable_missing_at_request_time_is_refused_naming_it(app):
    add_template(app, "note", "{{ x }} and {{ y }}", subject="{{ z }}")

    with pytest.raises(InvalidArgument) as raised:
        send(app, template="note", address="ada@example.org", variables={"y": "1"})

    assert [v.field for v in raised.value.violations] == ["variables.x", "variables.z"]


def test_the_html_part_escapes_what_the_request_put_in_it(app, smtp_sink):
    add_template(app, "note", "Note: {{ note }}", subject="Note", html_body="<p>Note: {{ note }}</p>")
    n = send(app, template="note", address="ada@example.org", variables={"note": '<img src=x onerror="alert(1)">'})

    assert deliver(app, n.id) == SENT

    [message] = smtp_sink.messages()
    assert message.get_body(("html",)).get_content().strip() == "<p>Note: &lt;img src=x onerror=&#34;alert(1)&#34;&gt;</p>"
    assert message.get_body(("plain",)).get_content() == 'Note: <img src=x onerror="alert(1)">\n'


def test_the_sandbox_stops_a_template_that_reaches_for_python_internals(app, smtp_sink):
    add_template(app, "evil", "{{ ''.__class__.__mro__[1].__subclasses__() }}", subject="x")  # valid syntax, so it is stored
    n = send(app, template="evil", address="ada@example.org")

    assert deliver(app, n.id) == FAILED

    assert "unsafe" in load(app, n.id).reason
    assert smtp_sink.messages() == []
    with pytest.raises(InvalidArgument) as raised:
        handlers.preview("evil", "en", 0, "", {}, app.uow(), app.rules)
    assert [v.field for v in raised.value.violations] == ["variables"]


def test_preview_renders_with_a_persons_data_and_counts_sms_segments(app):
    add_template(app, "note", "Dear {{ person.salutation }}, {{ topic }}", subject="{{ person.display_name }}: {{ topic }}", html_body="<b>{{ topic }}</b>")
    add_template(app, "alert", "Bună {{ person.given_name }}, " + "ș" * 80, channel="sms", language="ro")
    person_created(app, contacts_person(person_id="p-1", consent=None, given_name="Ioana", family_name="Ștefănescu", preferred_language="ro"))

    template, rendered, segments = handlers.preview("note", "", 0, "p-1", {"topic": "a & b"}, app.uow(), app.rules)
    assert (template.version, rendered.subject, rendered.text, rendered.html, segments) == (
        1, "Ioana Ștefănescu: a & b", "Dear Dear Ioana Ștefănescu, a & b", "<b>a &amp; b</b>", 0,
    )
    _, sms, segments = handlers.preview("alert", "", 0, "p-1", {}, app.uow(), app.rules)  # the person's language, ro
    assert (sms.text, segments) == ("Bună Ioana, " + "ș" * 80, 2)  # 92 UCS-2 characters: two segments

    with pytest.raises(InvalidArgument) as raised:
        handlers.preview("note", "en", 0, "p-1", {}, app.uow(), app.rules)
    assert [v.field for v in raised.value.violations] == ["variables"] and "'topic' is undefined" in raised.value.violations[0].description
    with pytest.raises(NotFound):
        handlers.preview("note", "en", 0, "p-unknown", {"topic": "t"}, app.uow(), app.rules)
    with pytest.raises(NotFound):
        handlers.preview("nothing", "en", 0, "", {}, app.uow(), app.rules)


def test_a_retry_uses_the_version_and_language_of_the_first_try(make_app, scripted_smtp, engine):
    server = scripted_smtp(answers=["451 try later"])
    app = make_app(server.port, retry_base_seconds=1)
    add_template(app, "note", "ro v1", subject="Notă", language="ro")
    person_created(app, contacts_person(person_id="p-1", consent=None, preferred_language="ro-RO"))
    n = send(app, template="note", person_id="p-1")
    assert deliver(app, n.id) == "queued"
    add_template(app, "note", "ro v2", subject="Notă", language="ro")  # edited meanwhile

    assert deliver(app, n.id, clock=lambda: utcnow() + timedelta(minutes=1)) == SENT

    [message] = server.handler.accepted
    assert message.get_content().rstrip() == "ro v1"
    assert (load(app, n.id).language, load(app, n.id).template_version) == ("ro", 1)
