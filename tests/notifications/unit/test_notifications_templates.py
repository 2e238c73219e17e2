"""Templates: strict about variables, escaped in HTML, sandboxed, validated field by field, looked up by language."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crm_chassis.errors import InvalidArgument
from crm_notifications.domain.templates import RenderError, Template, language_candidates

T0 = datetime(2026, 1, 1, tzinfo=UTC)
PERSON = {"given_name": "Ada", "display_name": "Ada Lovelace"}


def template(text_body: str = "Hello {{ person.given_name }}, order {{ order }}.", subject: str = "Order {{ order }}", html_body: str = "", channel: str = "email"):
    return Template("order", "en", 1, channel, subject, text_body, html_body, T0)


def test_renders_subject_text_and_html_from_variables_and_the_person():
    rendered = template(html_body="<p>Hello {{ person.given_name }}</p>").render({"order": "42", "person": PERSON})

    assert rendered.subject == "Order 42"
    assert rendered.text == "Hello Ada, order 42."
    assert rendered.html == "<p>Hello Ada</p>"


def test_the_subject_is_one_line_whatever_the_template_or_the_values_hold():
    rendered = template(subject="Order\n{{ order }}  {% if vip %}\n(VIP){% endif %}").render({"order": "4\r\n2", "vip": "y", "person": PERSON})

    assert rendered.subject == "Order 4 2 (VIP)"


@pytest.mark.parametrize(
    ("text_body", "missing"),
    [("Order {{ order }}", "'order' is undefined"), ("Hi {{ person.nickname }}", "has no attribute 'nickname'"), ("{{ order | upper }}", "'order' is undefined")],
)
def test_a_missing_variable_is_an_error_never_an_empty_hole(text_body, missing):
    with pytest.raises(RenderError, match=missing) as raised:
        template(text_body, subject="Order").render({"person": PERSON})

    assert "template 'order' (en, v1)" in str(raised.value)


def test_html_is_escaped_and_text_is_not():
    rendered = template(text_body="Note: {{ note }}", subject="Note", html_body="<p>{{ note }}</p>").render({"note": "<script>alert(1)</script> & more", "person": PERSON})

    assert rendered.html == "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</p>"
    assert rendered.text == "Note: <script>alert(1)</script> & more"


@pytest.mark.parametrize(
    "attack",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ person.__class__.__init__.__globals__ }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{{ ''.format.__self__ }}",
    ],
)
def test_the_sandbox_refuses_attribute_tricks(attack):
    with pytest.raises(RenderError):
        template(attack, subject="x").render({"person": PERSON})


def test_the_variables_a_template_reads_and_which_the_request_lacks():
    t = template(text_body="{{ person.given_name }} {{ order }} {% for line in lines %}{{ line }}{% endfor %}", html_body="{{ total }}")

    assert t.variables() == ["lines", "order", "person", "total"]
    assert t.missing({"order": "42"}) == ["lines", "total"]  # person.* comes from contacts at send time
    assert t.missing({"order": "1", "lines": "ab", "total": "3"}) == []


def test_validation_reports_every_bad_field_at_once():
    with pytest.raises(InvalidArgument) as raised:
        Template.validate("", "", "email", "", "   ", "{% if %}")

    assert [v.field for v in raised.value.violations] == [
        "template.name", "template.language", "template.text_body", "template.subject", "template.html_body",
    ]


def test_validation_refuses_html_outside_email_and_syntax_errors_by_part():
    with pytest.raises(InvalidArgument) as raised:
        Template.validate("reminder", "en", "sms", "", "Hi {{ name", "<p>hi</p>")

    assert [(v.field, v.description.split(":")[0]) for v in raised.value.violations] == [
        ("template.html_body", "only email templates have an HTML body"),
        ("template.text_body", "is not a valid template"),
    ]


def test_a_valid_sms_template_needs_no_subject():
    Template.validate("reminder", "ro-RO", "sms", "", "Bună {{ person.given_name }}", "")


@pytest.mark.parametrize(
    ("requested", "preferred", "default", "candidates"),
    [
        ("ro-RO", "", "en", ["ro-RO", "ro", "en"]),
        ("", "ro-RO", "en", ["ro-RO", "ro", "en"]),
        ("de", "ro", "en", ["de", "ro", "en"]),
        ("en-GB", "en", "en", ["en-GB", "en"]),
        ("", "", "en", ["en"]),
    ],
)
def test_languages_are_tried_from_the_most_specific_to_the_default(requested, preferred, default, candidates):
    assert language_candidates(requested, preferred, default) == candidates
