"""Use cases of notifications: accept requests once, decide, render, deliver, retry and report."""
from __future__ import annotations

import base64
import hashlib
import hmac
import math
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from crm_chassis import paging
from crm_chassis.access import Audience, Viewer
from crm_chassis.errors import AlreadyExists, FailedPrecondition, FieldViolation, InvalidArgument, NotFound, Violations
from crm_notifications.adapters import metrics
from crm_notifications.domain import addresses, commands, welcome
from crm_notifications.domain.channels import Channel, OutgoingMessage, Receipt, SendError
from crm_notifications.domain.model import CHANNELS, PHONE_OUTCOMES, PURPOSES, QUEUED, SENDING, Notification, RetryPolicy, utcnow
from crm_notifications.domain.policy import QuietHours, Suppression, skip_reason
from crm_notifications.domain.recipients import ConsentRecord, Recipient
from crm_notifications.domain.sms import MAX_SEGMENTS, segments
from crm_notifications.domain.templates import RenderError, Template, language_candidates
from crm_notifications.service_layer.throttle import Throttle
from crm_notifications.service_layer.unit_of_work import NotificationsUnitOfWork

UowFactory = Callable[[], NotificationsUnitOfWork]
MAX_BATCH = 1000
MAX_KEY = 200
MAX_VARIABLES = 100
MAX_VARIABLE_LENGTH = 10_000  # with the template's own limit, bounds the size of every message
# A request for a person contacts has not told us about yet waits this long before failing.
UNKNOWN_PERSON_PATIENCE = timedelta(hours=1)
SPREAD = 20


@dataclass(frozen=True)
class Round:
    """One delivery round: how many were tried, and how many were due but held back by a rate limit."""

    tried: int
    held_back: int


@dataclass(frozen=True)
class Rules:
    """How delivery behaves; built once from settings in bootstrap."""

    retry: RetryPolicy = RetryPolicy()
    quiet_hours: Mapping[str, QuietHours] = field(default_factory=dict)
    default_time_zone: str = "UTC"
    default_language: str = "en"
    unsubscribe_url: str = ""
    unsubscribe_secret: bytes = b""
    lease: timedelta = timedelta(minutes=5)


# -- requests ---------------------------------------------------------------------------------------


def send_notification(cmd: commands.SendNotification, uow: NotificationsUnitOfWork, viewer: Viewer, rules: Rules) -> Notification:
    """Accepts one request; the same idempotency key returns the first notification and sends nothing new."""
    problems = Violations()
    _check_key(cmd.idempotency_key, "idempotency_key", problems)
    channel, purpose = _check_kind(cmd.channel, cmd.purpose, "", problems)
    address = _check_target(cmd.person_id, cmd.address, channel, "recipient", problems)
    _check_variables(cmd.variables, "variables", problems)
    with uow:
        existing = uow.notifications.get_by_key(cmd.idempotency_key) if cmd.idempotency_key else None
        if existing is not None:
            if not existing.audience.is_visible_to(viewer):
                # Someone else's request: do not show it, and do not send a second message either.
                raise AlreadyExists("this idempotency key was already used by another request")
            return existing
        template = _check_template(uow, cmd.template, channel, cmd.language, rules, "template", problems)
        if template is not None:
            for name in template.missing({**cmd.variables, **_supplied(purpose, rules)}):
                problems.add(f"variables.{name}", "the template needs it")
        problems.raise_if_any()
        notification = Notification.queue(
            idempotency_key=cmd.idempotency_key, person_id=cmd.person_id, channel=channel, recipient=address, template=cmd.template,
            audience=_audience(uow.recipients.get(cmd.person_id) if cmd.person_id else None, viewer), purpose=purpose, language=cmd.language, variables=cmd.variables,
            campaign_id=cmd.campaign_id, send_at=cmd.send_at,
        )
        uow.notifications.add(notification)
        uow.commit()
    return notification


def send_batch(cmd: commands.SendBatch, uow: NotificationsUnitOfWork, viewer: Viewer, rules: Rules) -> tuple[int, int, int]:
    """Adds one chunk of a batch in one short transaction; returns (accepted, duplicates, total)."""
    problems = Violations()
    _check_key(cmd.batch_id, "batch_id", problems)
    channel, purpose = _check_kind(cmd.channel, cmd.purpose, "", problems)
    if not 1 <= len(cmd.recipients) <= MAX_BATCH:
        problems.add("recipients", f"must hold 1 to {MAX_BATCH} recipients per call")
    if cmd.rate_per_minute < 0:
        problems.add("rate_per_minute", "must not be negative")
    targets = [_check_target(r.person_id, r.address, channel, f"recipients[{i}].recipient", problems) for i, r in enumerate(cmd.recipients)]
    _check_variables(cmd.variables, "variables", problems)
    for i, r in enumerate(cmd.recipients):
        _check_variables(r.variables, f"recipients[{i}].variables", problems)
    settings = {
        "channel": channel, "purpose": purpose, "template": cmd.template, "language": cmd.language, "variables": cmd.variables,
        "campaign_id": cmd.campaign_id, "send_at": cmd.send_at.isoformat() if cmd.send_at else "", "rate_per_minute": cmd.rate_per_minute,
    }
    with uow:
        template = _check_template(uow, cmd.template, channel, cmd.language, rules, "template", problems)
        if template is not None:
            for i, r in enumerate(cmd.recipients):
                for name in template.missing({**cmd.variables, **r.variables, **_supplied(purpose, rules)}):
                    problems.add(f"recipients[{i}].variables.{name}", "the template needs it")
        problems.raise_if_any()
        found = uow.batches.get(cmd.batch_id, for_update=True)
        now = utcnow()
        if found is None:
            uow.batches.add(cmd.batch_id, settings, now)
            total = 0
            start = max(cmd.send_at or now, now)
        else:
            stored, total = found
            if stored != settings:
                raise FailedPrecondition(f"batch {cmd.batch_id} was started with other settings; use a new batch_id")
            start = max(datetime.fromisoformat(stored["send_at"]) if stored["send_at"] else now, now)
        known = uow.recipients.get_many(r.person_id for r in cmd.recipients)
        keys = [f"batch:{cmd.batch_id}:{r.person_id or target}" for r, target in zip(cmd.recipients, targets, strict=True)]
        taken = uow.notifications.existing_keys(keys)
        fresh: list[Notification] = []
        for r, target, key in zip(cmd.recipients, targets, keys, strict=True):
            if key in taken:
                continue
            taken.add(key)
            index = total + len(fresh)
            send_at = start + timedelta(minutes=index / cmd.rate_per_minute) if cmd.rate_per_minute else start
            fresh.append(
                Notification.queue(
                    idempotency_key=key, person_id=r.person_id, channel=channel, recipient=target, template=cmd.template,
                    audience=_audience(known.get(r.person_id), viewer), purpose=purpose, language=cmd.language,
                    variables={**cmd.variables, **r.variables}, campaign_id=cmd.campaign_id, batch_id=cmd.batch_id, send_at=send_at,
                )
            )
        uow.notifications.add_many(fresh)
        uow.batches.set_total(cmd.batch_id, total + len(fresh))
        uow.commit()
    return len(fresh), len(cmd.recipients) - len(fresh), total + len(fresh)


# -- the recipients replica and the welcome email ----------------------------------------------------


def person_created(recipient: Recipient, uow: NotificationsUnitOfWork, *, consumer: str, event_id: str) -> str | None:
    """Stores what contacts says of a new person and records their welcome email (or why it is skipped).

    Once per event and once per person; returns the welcome's id when it is to be sent.
    """
    with uow:
        if not uow.claim_event(consumer, event_id):
            uow.commit()
            return None
        current = uow.recipients.get(recipient.person_id, for_update=True)
        recipient = current.merged_into(recipient) if current else recipient
        uow.recipients.put(recipient, utcnow())
        notification = None
        if not uow.notifications.exists_for_key(welcome.idempotency_key(recipient.person_id)):
            notification = welcome.welcome(recipient)
            uow.notifications.add(notification)
        uow.commit()
    return notification.id if notification is not None and notification.status == QUEUED else None


def person_updated(recipient: Recipient, uow: NotificationsUnitOfWork, *, consumer: str, event_id: str) -> bool:
    """Refreshes the replica of a person we know; one we do not know (or that was erased) stays unknown."""
    with uow:
        if not uow.claim_event(consumer, event_id):
            uow.commit()
            return False
        current = uow.recipients.get(recipient.person_id, for_update=True)
        if current is not None:
            uow.recipients.put(current.merged_into(recipient), utcnow())
        uow.commit()
    return current is not None


def person_erased(person_id: str, uow: NotificationsUnitOfWork, *, consumer: str, event_id: str) -> bool:
    """Contacts erased the person: the replica and every notification about them (and their events) go."""
    with uow:
        if not uow.claim_event(consumer, event_id):
            uow.commit()
            return False
        uow.recipients.delete(person_id)
        uow.notifications.forget_person(person_id)
        uow.commit()
    return True


def consent_changed(person_id: str, channel: str, purpose: str, record: ConsentRecord, uow: NotificationsUnitOfWork, *, consumer: str, event_id: str) -> bool:
    with uow:
        if not uow.claim_event(consumer, event_id):
            uow.commit()
            return False
        current = uow.recipients.get(person_id, for_update=True) or Recipient(person_id, known=False)
        uow.recipients.put(current.with_consent(channel, purpose, record), utcnow())
        uow.commit()
    return True


# -- delivery ---------------------------------------------------------------------------------------


def deliver(notification_id: str, uows: UowFactory, channels: Mapping[str, Channel], rules: Rules, clock: Callable[[], datetime] = utcnow) -> str | None:
    """Decides and sends one due notification; returns its new status, or None if it was not due.

    Everything that can stop a message (consent, suppression, quiet hours, an
    unknown person, a broken template) is decided at send time. It is claimed
    and recorded as `deliver_many` does.
    """
    return deliver_many([notification_id], uows, channels, rules, clock)[notification_id]


def deliver_many(
    notification_ids: Iterable[str], uows: UowFactory, channels: Mapping[str, Channel], rules: Rules, clock: Callable[[], datetime] = utcnow
) -> dict[str, str | None]:
    """Decides and sends a few due notifications one after the other; returns each one's new status (None: not due).

    One transaction claims them all (status `sending`) and commits before any
    channel is called, so two workers never send the same notification; one
    transaction after the last send records every outcome. A worker dying in
    between leaves them in `sending` until the lease runs out; they are then
    sent again under the same id (an email's Message-ID), so the lease must
    outlast sending them all. Rows are locked in id order, the same in every
    worker, so two workers claiming at once cannot deadlock.
    """
    statuses: dict[str, str | None] = dict.fromkeys(notification_ids)
    claimed: list[tuple[Notification, OutgoingMessage]] = []
    settled: list[Notification] = []
    with uows() as uow:
        for notification_id in sorted(statuses):
            n = uow.notifications.get(notification_id, for_update=True)
            if n is None or not n.is_due(clock()):
                continue
            outgoing = _prepare(n, uow, rules, clock())
            uow.notifications.save(n)
            statuses[n.id] = n.status
            if outgoing is None:
                settled.append(n)
            else:
                claimed.append((n, outgoing))
        uow.commit()
    for n in settled:
        metrics.outcome(n.channel, n.status)
    if not claimed:
        return statuses
    outcomes = [(claim, *_send(outgoing, channels), clock()) for claim, outgoing in claimed]
    recorded: list[tuple[Notification, int]] = []
    with uows() as uow:
        for claim, receipt, failure, at in outcomes:
            n = uow.notifications.get(claim.id, for_update=True)
            if n is None or n.status != SENDING or n.attempts != claim.attempts:
                # our lease ran out and another worker took it over: the outcome to record is that worker's
                statuses[claim.id] = n.status if n else None
                continue
            if failure is None:
                n.mark_sent(at, receipt.provider_id, receipt.segments)
            else:
                n.mark_failed(failure.reason, at, transient=failure.transient, policy=rules.retry, retry_after=failure.retry_after)
            uow.notifications.save(n)
            statuses[n.id] = n.status
            recorded.append((n, n.segments if failure is None else 0))
        uow.commit()
    for n, billed in recorded:
        metrics.outcome(n.channel, n.status, billed)
    return statuses


def _send(outgoing: OutgoingMessage, channels: Mapping[str, Channel]) -> tuple[Receipt | None, SendError | None]:
    channel = channels.get(outgoing.channel)
    try:
        if channel is None:
            raise SendError(f"the {outgoing.channel} channel is not configured", transient=False)
        return channel.send(outgoing), None
    except SendError as exc:
        return None, exc
    except Exception as exc:  # an adapter bug must not leave the notification in `sending` forever
        return None, SendError(f"unexpected {type(exc).__name__}: {exc}", transient=True)


def _prepare(n: Notification, uow: NotificationsUnitOfWork, rules: Rules, now: datetime) -> OutgoingMessage | None:
    """Moves `n` to sending and returns what to send, or settles it (skip, defer, fail) and returns None."""
    recipient = uow.recipients.get(n.person_id) if n.person_id else None
    if n.person_id and (recipient is None or not recipient.known):
        if now - n.created_at > UNKNOWN_PERSON_PATIENCE:
            n.fail(f"person {n.person_id} is unknown to notifications (no PersonCreated from contacts)", now)
        else:
            n.defer(now + timedelta(seconds=30), "waiting for the person's details from contacts", now)
        return None
    if recipient is not None:
        n.audience = recipient.audience
        address = recipient.address_for(n.channel)
        if not address:
            n.skip(f"the person has no {n.channel} address", now)
            return None
    else:
        address = n.recipient
    suppression = uow.suppressions.get(n.channel, _normalized(n.channel, address))
    if n.person_id == "" and n.purpose == "marketing":
        reason = skip_reason(n.channel, n.purpose, None, suppression) and "marketing needs a person of the customer file who consented"
    else:
        reason = skip_reason(n.channel, n.purpose, recipient.consent(n.channel, n.purpose) if recipient else None, suppression)
    if reason:
        n.skip(reason, now)
        return None
    quiet = rules.quiet_hours.get(n.channel)
    until = quiet.next_allowed(now, recipient.time_zone if recipient else "", rules.default_time_zone) if quiet else None
    if until is not None:
        n.defer(until, f"quiet hours in the recipient's time zone until {until.isoformat(timespec='minutes')}", now)
        return None
    languages = language_candidates(n.language, recipient.language if recipient else "", rules.default_language)
    # The version is the latest at the time of the request (the proto's promise), even when it is sent later.
    template = (
        uow.templates.get(n.template, n.language, n.template_version)
        if n.template_version
        else uow.templates.find(n.template, languages, as_of=n.created_at)
    )
    if template is None:
        n.fail(f"no template {n.template!r} in {', '.join(languages)}", now)
        return None
    context = {**n.variables, "person": recipient.template_context() if recipient else {}}
    headers = {}
    if n.purpose == "marketing" and rules.unsubscribe_url:
        link = f"{rules.unsubscribe_url}?token={unsubscribe_token(rules.unsubscribe_secret, n.channel, _normalized(n.channel, address))}"
        context["unsubscribe_url"] = link
        if n.channel == "email":
            headers = {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    try:
        rendered = template.render(context)
    except RenderError as exc:
        n.fail(str(exc), now)
        return None
    if n.channel == "sms" and segments(rendered.text) > MAX_SEGMENTS:
        n.fail(f"the text needs {segments(rendered.text)} SMS segments; at most {MAX_SEGMENTS} are sent", now)
        return None
    n.start_sending(now, recipient=address, subject=rendered.subject, body=rendered.text, template_version=template.version, language=template.language)
    name = recipient.display_name if recipient else ""
    return OutgoingMessage(
        notification_id=n.id, channel=n.channel, recipient=address, subject=rendered.subject, text=rendered.text, html=rendered.html,
        recipient_name=name, person_id=n.person_id, purpose=n.purpose, campaign_id=n.campaign_id, headers=headers, attempt=n.attempts,
    )


def deliver_due(
    uows: UowFactory,
    channels: Mapping[str, Channel],
    rules: Rules,
    *,
    throttle: Throttle | None = None,
    limit: int = 200,
    slice_size: int = 10,
    run_all: Callable[[Callable[[list[str]], dict], Iterable[list[str]]], Iterable[dict]] = map,
    clock: Callable[[], datetime] = utcnow,
) -> Round:
    """Requeues sends interrupted by a dead worker, then delivers one round of due notifications.

    The round is dealt, in random order, into slices of up to `slice_size`
    that `deliver_many` claims, sends and records one transaction each way:
    random, so that workers sweeping the same due rows mostly claim different
    ones. `run_all` lets the worker send slices concurrently (an eventlet
    pool's imap); `throttle` holds each channel to its rate, leaving the rest
    due for the next round.
    """
    with uows() as uow:
        for notification_id in sorted(uow.notifications.sending_since_before(clock() - rules.lease, limit)):  # id order, as deliver_many
            n = uow.notifications.get(notification_id, for_update=True)
            n.release_interrupted(clock())
            uow.notifications.save(n)
        uow.commit()
    with uows() as uow:
        due = uow.notifications.due(clock(), limit)
    chosen = [nid for nid, channel in due if throttle is None or throttle.try_acquire(channel)]
    random.shuffle(chosen)
    # at least SPREAD slices while there are that many notifications, so a pool of senders stays busy when few are due
    count = max(math.ceil(len(chosen) / slice_size), min(len(chosen), SPREAD))
    slices = [chosen[i::count] for i in range(count)]
    done = run_all(lambda ids: deliver_many(ids, uows, channels, rules, clock), slices)
    tried = sum(1 for statuses in done for status in statuses.values() if status is not None)
    return Round(tried, len(due) - len(chosen))


# -- reports from outside ----------------------------------------------------------------------------


def report_phone_outcome(cmd: commands.ReportPhoneOutcome, uow: NotificationsUnitOfWork) -> Notification:
    """Records the call-center's outcome once; a call-back schedules a new phone task for that time."""
    problems = Violations()
    if not cmd.task_id:
        problems.add("task_id", "must be set")
    if cmd.outcome not in PHONE_OUTCOMES:
        problems.add("outcome", f"must be one of {', '.join(PHONE_OUTCOMES)}")
    if cmd.outcome == "call_back" and cmd.call_back_at is None:
        problems.add("call_back_time", "is required when the outcome is call back")
    if len(cmd.note) > 2000:
        problems.add("note", "must be at most 2000 characters")
    problems.raise_if_any()
    now = utcnow()
    with uow:
        n = uow.notifications.get(cmd.task_id, for_update=True)
        if n is None or n.channel != "phone":
            raise NotFound(f"phone task {cmd.task_id} not found")
        try:
            changed = n.record_phone_outcome(cmd.outcome, cmd.call_back_at, " ".join(filter(None, (cmd.note, f"({cmd.agent})" if cmd.agent else ""))), now)
        except ValueError as exc:
            raise FailedPrecondition(str(exc)) from None
        if changed:
            uow.notifications.save(n)
            if cmd.outcome == "call_back":
                follow_up = Notification.queue(
                    idempotency_key=f"call-back:{n.id}:{cmd.call_back_at.isoformat()}", person_id=n.person_id, channel="phone",
                    recipient=n.recipient, template=n.template, audience=n.audience, purpose=n.purpose, language=n.language,
                    variables=n.variables, campaign_id=n.campaign_id, send_at=cmd.call_back_at,
                )
                if not uow.notifications.exists_for_key(follow_up.idempotency_key):
                    uow.notifications.add(follow_up)
            uow.commit()
    return n


def report_delivery(channel: str | None, provider_id: str, delivered: bool, reason: str, uow: NotificationsUnitOfWork) -> Notification:
    problems = Violations()
    if channel not in CHANNELS:
        problems.add("channel", f"must be one of {', '.join(CHANNELS)}")
    if not provider_id:
        problems.add("provider_id", "must be set")
    problems.raise_if_any()
    with uow:
        n = uow.notifications.get_by_provider_id(channel, provider_id)
        if n is None:
            raise NotFound(f"no {channel} notification with provider id {provider_id}")
        if n.report_delivery(delivered, reason, utcnow()):
            uow.notifications.save(n)
            uow.commit()
    return n


def retry(notification_id: str, uow: NotificationsUnitOfWork, viewer: Viewer) -> Notification:
    with uow:
        n = uow.notifications.get(notification_id, for_update=True)
        if n is None or not n.audience.is_visible_to(viewer):
            raise NotFound(f"notification {notification_id} not found")
        try:
            n.retry(utcnow())
        except ValueError as exc:
            raise FailedPrecondition(str(exc)) from None
        uow.notifications.save(n)
        uow.commit()
    return n


# -- templates --------------------------------------------------------------------------------------


def create_template(cmd: commands.CreateTemplate, uow: NotificationsUnitOfWork) -> Template:
    problems = Violations()
    if cmd.channel not in CHANNELS:
        problems.add("template.channel", f"must be one of {', '.join(CHANNELS)}")
    try:
        Template.validate(cmd.name, cmd.language, cmd.channel or "", cmd.subject, cmd.text_body, cmd.html_body)
    except InvalidArgument as exc:
        problems.extend(list(exc.violations))
    problems.raise_if_any()
    with uow:
        version = uow.templates.latest_version(cmd.name, cmd.language) + 1
        template = Template(cmd.name, cmd.language, version, cmd.channel, cmd.subject, cmd.text_body, cmd.html_body, utcnow())
        uow.templates.add(template)
        uow.commit()
    return template


def get_template(name: str, language: str, version: int, uow: NotificationsUnitOfWork) -> Template:
    with uow:
        template = uow.templates.get(name, language, version)
    if template is None:
        raise NotFound(f"template {name!r} ({language}{f', v{version}' if version else ''}) not found")
    return template


def list_templates(name: str, page_size: int, page_token: str, uow: NotificationsUnitOfWork) -> tuple[list[Template], str]:
    size = paging.page_size(page_size)
    after = paging.decode(page_token, 3)
    with uow:
        found = uow.templates.list(name, tuple(after) if after else None, size + 1)
    return paging.page(found, size, lambda t: [t.name, t.language, t.version])


def preview(name: str, language: str, version: int, person_id: str, variables: dict[str, str], uow: NotificationsUnitOfWork, rules: Rules):
    """Renders without sending; a missing variable is reported as the error it would be at send time."""
    with uow:
        recipient = uow.recipients.get(person_id) if person_id else None
        if person_id and recipient is None:
            raise NotFound(f"person {person_id} is unknown to notifications")
        languages = language_candidates(language, recipient.language if recipient else "", rules.default_language)
        template = uow.templates.get(name, language, version) if version else uow.templates.find(name, languages)
    if template is None:
        raise NotFound(f"template {name!r} not found in {', '.join(languages)}")
    context = {**variables, "person": recipient.template_context() if recipient else {}, "unsubscribe_url": f"{rules.unsubscribe_url}?token=preview"}
    try:
        rendered = template.render(context)
    except RenderError as exc:
        raise InvalidArgument([FieldViolation("variables", str(exc))]) from None
    return template, rendered, segments(rendered.text) if template.channel == "sms" else 0


# -- suppressions -----------------------------------------------------------------------------------


SUPPRESSION_REASONS = ("unsubscribed", "bounced", "complaint", "manual")
SIGNATURE_BYTES = 16


def add_suppression(channel: str | None, address: str, reason: str, marketing_only: bool, uow: NotificationsUnitOfWork) -> Suppression:
    problems = Violations()
    if channel not in CHANNELS:
        problems.add("suppression.channel", f"must be one of {', '.join(CHANNELS)}")
    if reason not in SUPPRESSION_REASONS:
        problems.add("suppression.reason", f"must be one of {', '.join(SUPPRESSION_REASONS)}")
    normalized = ""
    if channel in CHANNELS:
        try:
            normalized = addresses.normalize(channel, address)
        except ValueError as exc:
            problems.add("suppression.address", str(exc))
    problems.raise_if_any()
    suppression = Suppression(normalized, channel, reason, marketing_only, utcnow())
    with uow:
        uow.suppressions.put(suppression)
        uow.commit()
    return suppression


def delete_suppression(channel: str | None, address: str, uow: NotificationsUnitOfWork) -> None:
    with uow:
        if channel not in CHANNELS or not uow.suppressions.delete(channel, _normalized(channel, address)):
            raise NotFound(f"no suppression of {address!r} for {channel}")
        uow.commit()


def list_suppressions(channel: str, page_size: int, page_token: str, uow: NotificationsUnitOfWork) -> tuple[list[Suppression], str]:
    size = paging.page_size(page_size)
    after = paging.decode(page_token, 2)
    with uow:
        found = uow.suppressions.list(channel, tuple(after) if after else None, size + 1)
    return paging.page(found, size, lambda s: [s.channel, s.address])


def unsubscribe_token(secret: bytes, channel: str, address: str) -> str:
    payload = f"{channel}\n{address}".encode()
    signature = hmac.new(secret, payload, hashlib.sha256).digest()[:SIGNATURE_BYTES]
    return base64.urlsafe_b64encode(signature + payload).decode().rstrip("=")


def unsubscribe(token: str, uow: NotificationsUnitOfWork, rules: Rules) -> Suppression:
    """Suppresses marketing to the address the link was made for; a forged token is refused."""
    invalid = InvalidArgument([FieldViolation("token", "is not an unsubscribe token")])
    if not rules.unsubscribe_secret:
        raise invalid  # without a secret anybody could sign a token (and no link was ever sent)
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        channel, address = raw[SIGNATURE_BYTES:].decode().split("\n", 1)
    except ValueError:  # bad base64, bad UTF-8, no separator
        raise invalid from None
    if not hmac.compare_digest(unsubscribe_token(rules.unsubscribe_secret, channel, address), token):
        raise invalid
    with uow:
        current = uow.suppressions.get(channel, address)
        if current is not None and not current.marketing_only:
            return current  # already suppressed for everything: an unsubscribe must not narrow it
        suppression = Suppression(address, channel, "unsubscribed", True, utcnow())
        uow.suppressions.put(suppression)
        uow.commit()
    return suppression


# -- queries ----------------------------------------------------------------------------------------


def get_notification(notification_id: str, uow: NotificationsUnitOfWork, viewer: Viewer) -> Notification:
    with uow:
        notification = uow.notifications.get(notification_id)
    if notification is None or not notification.audience.is_visible_to(viewer):
        raise NotFound(f"notification {notification_id} not found")
    return notification


def list_notifications(
    uow: NotificationsUnitOfWork, viewer: Viewer, person_id: str, page_size: int, page_token: str, **filters
) -> tuple[list[Notification], str]:
    size = paging.page_size(page_size)
    before = paging.decode_time_key(page_token)
    with uow:
        found = uow.notifications.list_visible(viewer, person_id, before, size + 1, **filters)
    return paging.page(found, size, lambda n: paging.time_key(n.created_at, n.id))


# -- helpers ----------------------------------------------------------------------------------------


def _check_variables(variables: dict[str, str], field: str, problems: Violations) -> None:
    if len(variables) > MAX_VARIABLES:
        problems.add(field, f"at most {MAX_VARIABLES} variables")
    for name, value in variables.items():
        if len(value) > MAX_VARIABLE_LENGTH:
            problems.add(f"{field}.{name}", f"must be at most {MAX_VARIABLE_LENGTH} characters")


def _check_key(key: str, field: str, problems: Violations) -> None:
    if not key.strip():
        problems.add(field, "is required, so that a repeated request is recognised")
    elif len(key) > MAX_KEY:
        problems.add(field, f"must be at most {MAX_KEY} characters")


def _check_kind(channel: str | None, purpose: str | None, prefix: str, problems: Violations) -> tuple[str, str]:
    if channel not in CHANNELS:
        problems.add(f"{prefix}channel", f"must be one of {', '.join(CHANNELS)}")
    if purpose not in PURPOSES:
        problems.add(f"{prefix}purpose", f"must be one of {', '.join(PURPOSES)}")
    return channel or "", purpose or ""


def _check_target(person_id: str, address: str, channel: str, field: str, problems: Violations) -> str:
    if bool(person_id) == bool(address):
        problems.add(field, "needs either a person_id or an address")
        return ""
    if not address or not channel:
        return ""
    try:
        return addresses.normalize(channel, address)
    except ValueError as exc:
        problems.add(f"{field}.address", str(exc))
        return ""


def _check_template(uow, name: str, channel: str, language: str, rules: Rules, field: str, problems: Violations) -> Template | None:
    if not name:
        problems.add(field, "is required")
        return None
    template = uow.templates.find(name, language_candidates(language, "", rules.default_language))
    if template is None:
        if not uow.templates.exists(name):
            problems.add(field, f"there is no template {name!r}")
        return None  # other languages exist: the person's language decides at send time
    if channel and template.channel != channel:
        problems.add(field, f"template {name!r} is for {template.channel}, not {channel}")
    return template


def _supplied(purpose: str, rules: Rules) -> dict[str, str]:
    """Variables `_prepare` fills in at send time, so a request need not give them."""
    return {"unsubscribe_url": ""} if purpose == "marketing" and rules.unsubscribe_url else {}


def _audience(recipient: Recipient | None, viewer: Viewer) -> Audience:
    """Who may see a request: the person's own audience once contacts told us of them, else the requester's."""
    if recipient is not None and recipient.known:
        return recipient.audience
    return Audience(viewer.subject, viewer.team, viewer.territory)


def _normalized(channel: str, address: str) -> str:
    try:
        return addresses.normalize(channel, address)
    except ValueError:
        return address
