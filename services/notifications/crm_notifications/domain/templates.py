"""Message templates: versioned per name and language, rendered in a sandbox, strict about variables."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from jinja2 import StrictUndefined, TemplateError, meta
from jinja2.sandbox import SandboxedEnvironment

from crm_chassis.errors import FieldViolation, InvalidArgument

_text = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
_html = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True, keep_trailing_newline=True)
MAX_BODY = 100_000


@lru_cache(maxsize=512)
def _compiled(html: bool, source: str):
    """Compiling dominates rendering; a campaign renders the same few sources thousands of times."""
    return (_html if html else _text).from_string(source)


@lru_cache(maxsize=512)
def _undeclared(source: str) -> frozenset[str]:
    """Parsed once per source: a batch checks the same template against every recipient's variables."""
    return frozenset(meta.find_undeclared_variables(_text.parse(source)))


class RenderError(ValueError):
    """A template could not be rendered with the data at hand (e.g. a missing variable)."""


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class Template:
    name: str
    language: str
    version: int
    channel: str
    subject: str
    text_body: str
    html_body: str
    created_at: datetime

    @staticmethod
    def validate(name: str, language: str, channel: str, subject: str, text_body: str, html_body: str, field: str = "template") -> None:
        problems = []
        if not name.strip() or len(name) > 100:
            problems.append(FieldViolation(f"{field}.name", "must be 1 to 100 characters"))
        if not language.strip() or len(language) > 35:
            problems.append(FieldViolation(f"{field}.language", "must be a BCP 47 tag such as en or ro-RO"))
        if not text_body.strip():
            problems.append(FieldViolation(f"{field}.text_body", "must not be empty"))
        if channel == "email" and not subject.strip():
            problems.append(FieldViolation(f"{field}.subject", "an email template needs a subject"))
        if html_body and channel != "email":
            problems.append(FieldViolation(f"{field}.html_body", "only email templates have an HTML body"))
        for part, source in (("subject", subject), ("text_body", text_body), ("html_body", html_body)):
            if len(source) > MAX_BODY:
                problems.append(FieldViolation(f"{field}.{part}", f"must be at most {MAX_BODY} characters"))
                continue
            try:
                _text.parse(source)
            except TemplateError as exc:
                problems.append(FieldViolation(f"{field}.{part}", f"is not a valid template: {exc}"))
        if problems:
            raise InvalidArgument(problems)

    def variables(self) -> list[str]:
        """The top-level names the template reads, e.g. ["person", "order_id"]."""
        return sorted(_undeclared(self.subject) | _undeclared(self.text_body) | _undeclared(self.html_body))

    def missing(self, context: dict) -> list[str]:
        """Variables the template reads that `context` lacks (person.* is checked at send time)."""
        return [name for name in self.variables() if name != "person" and name not in context]

    def render(self, context: dict) -> Rendered:
        try:
            return Rendered(
                subject=" ".join(_compiled(False, self.subject).render(context).split()),
                text=_compiled(False, self.text_body).render(context),
                html=_compiled(True, self.html_body).render(context) if self.html_body else "",
            )
        except TemplateError as exc:
            raise RenderError(f"template {self.name!r} ({self.language}, v{self.version}): {exc}") from exc


def language_candidates(requested: str, preferred: str, default: str) -> list[str]:
    """Languages to look a template up in, best first: ro-RO, ro, then the default."""
    candidates: list[str] = []
    for tag in (requested, preferred, default):
        for option in (tag, tag.split("-")[0]):
            if option and option not in candidates:
                candidates.append(option)
    return candidates
