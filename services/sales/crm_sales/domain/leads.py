"""Leads: the first interest, its qualification, its assignment by rules, and what it became."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from crm_chassis.access import Audience
from crm_chassis.errors import FailedPrecondition, Violations
from crm_sales.domain import events

NEW, WORKING, QUALIFIED, DISQUALIFIED, CONVERTED = "new", "working", "qualified", "disqualified", "converted"
STATUSES = (NEW, WORKING, QUALIFIED, DISQUALIFIED, CONVERTED)
OPEN_STATUSES = (NEW, WORKING, QUALIFIED)  # a lead in one of these can be neglected
RATINGS = ("", "cold", "warm", "hot")
# ISO 3166-1 alpha-2: phonenumbers' regions minus its non-ISO ones, plus the uninhabited ISO codes it lacks.
COUNTRIES = frozenset(phonenumbers.SUPPORTED_REGIONS - {"AC", "TA", "XK"} | {"AQ", "BV", "GS", "HM", "PN", "TF", "UM"})
MAX_NEGLECT_DAYS = 3650
MAX_RULE_MEMBERS = 100

LIMITS = {
    "given_name": 200, "family_name": 200, "company": 200, "title": 200, "email": 320, "phone": 40,
    "industry": 100, "source": 100, "notes": 10_000, "disqualify_reason": 500, "owner": 200, "team": 200,
    "territory": 200, "campaign_id": 64,
}


@dataclass(frozen=True)
class LeadData:
    """The fields of a lead a request may set."""

    given_name: str = ""
    family_name: str = ""
    company: str = ""
    title: str = ""
    email: str = ""
    phone: str = ""
    country: str = ""
    industry: str = ""
    source: str = ""
    status: str = NEW
    rating: str = ""
    notes: str = ""
    disqualify_reason: str = ""
    owner: str = ""
    team: str = ""
    territory: str = ""
    campaign_id: str = ""


LEAD_FIELDS = tuple(f.name for f in fields(LeadData))
# What UpdateLead may change (campaign_id is where it came from, fixed at creation).
UPDATABLE = tuple(f for f in LEAD_FIELDS if f != "campaign_id")


@dataclass
class Lead:
    id: str
    data: LeadData
    created_at: datetime
    updated_at: datetime
    last_activity_at: datetime
    person_id: str = ""
    account_id: str = ""
    opportunity_id: str = ""
    origin_ref: str | None = None
    events: list[Any] = field(default_factory=list, repr=False, compare=False)

    @property
    def audience(self) -> Audience:
        return Audience(self.data.owner, self.data.team, self.data.territory)

    @property
    def is_open(self) -> bool:
        return self.data.status in OPEN_STATUSES

    def update(self, changes: LeadData, paths: tuple[str, ...], now: datetime) -> None:
        """Applies the named fields of `changes` (already cleaned); any change counts as activity."""
        if self.data.status == CONVERTED:
            raise FailedPrecondition("a converted lead cannot be changed")
        new = replace(self.data, **{p: getattr(changes, p) for p in paths})
        problems = Violations()
        if "status" in paths and new.status == CONVERTED:
            problems.add("lead.status", "is set by ConvertLead only")
        if new.status == DISQUALIFIED and not new.disqualify_reason:
            problems.add("lead.disqualify_reason", "is required to disqualify a lead")
        problems.raise_if_any()
        if new.status != DISQUALIFIED:
            new = replace(new, disqualify_reason="")
        if new == self.data:
            return
        self.data = new
        self.updated_at = self.last_activity_at = now
        self.events.append(events.LeadUpdated(self))

    def record_activity(self, at: datetime) -> None:
        if at > self.last_activity_at:
            self.last_activity_at = at

    def convert(self, person_id: str, account_id: str, opportunity_id: str, now: datetime) -> None:
        if self.data.status == CONVERTED:
            raise FailedPrecondition("the lead is already converted")
        if self.data.status == DISQUALIFIED:
            raise FailedPrecondition("a disqualified lead cannot be converted; requalify it first")
        self.data = replace(self.data, status=CONVERTED)
        self.person_id, self.account_id, self.opportunity_id = person_id, account_id, opportunity_id
        self.updated_at = self.last_activity_at = now
        self.events.append(events.LeadConverted(self))

    def forget_person(self, person_id: str, now: datetime) -> bool:
        """PersonErased: the lead described that person, so its personal data goes too."""
        if self.person_id != person_id:
            return False
        self.data = replace(self.data, given_name="", family_name="", title="", email="", phone="", notes="")
        self.person_id = ""
        self.updated_at = now
        self.events.append(events.LeadUpdated(self))
        return True

    def repoint_person(self, merged: set[str], survivor: str, now: datetime) -> bool:
        if self.person_id not in merged:
            return False
        self.person_id = survivor
        self.updated_at = now
        self.events.append(events.LeadUpdated(self))
        return True


def clean(data: LeadData, problems: Violations, at: str = "lead", paths: tuple[str, ...] | None = None) -> LeadData:
    """Checks and normalises the fields in `paths` (all by default); reports every problem to `problems`."""
    paths = LEAD_FIELDS if paths is None else paths
    values = {name: getattr(data, name).strip() for name in LEAD_FIELDS}
    for name in paths:
        if len(values[name]) > LIMITS.get(name, 200):
            problems.add(f"{at}.{name}", f"must be at most {LIMITS[name]} characters")
    if "email" in paths and values["email"]:
        try:
            values["email"] = validate_email(values["email"], check_deliverability=False).normalized
        except EmailNotValidError as exc:
            problems.add(f"{at}.email", str(exc))
    if "phone" in paths and values["phone"]:
        try:
            number = phonenumbers.parse(values["phone"], None)
            if not phonenumbers.is_valid_number(number):
                raise phonenumbers.NumberParseException(0, "not a valid number")
            values["phone"] = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        except phonenumbers.NumberParseException:
            problems.add(f"{at}.phone", "is not a valid phone number in E.164 form, e.g. +40721234567")
    if "country" in paths and values["country"]:
        values["country"] = values["country"].upper()
        if values["country"] not in COUNTRIES:
            problems.add(f"{at}.country", "is not an ISO 3166-1 alpha-2 code, e.g. RO")
    if "status" in paths and values["status"] not in STATUSES:
        problems.add(f"{at}.status", f"must be one of {', '.join(STATUSES)}")
    if "rating" in paths and values["rating"] not in RATINGS:
        problems.add(f"{at}.rating", "must be cold, warm or hot")
    return LeadData(**values)


def new_lead(data: LeadData, creator_owner: str, creator_team: str, creator_territory: str, now: datetime,
             rule: "AssignmentRule | None" = None, origin_ref: str | None = None, at: str = "lead") -> Lead:
    """A validated lead, owned as the request says, else as the matching rule says, else by its creator."""
    problems = Violations()
    data = clean(data, problems, at)
    if not (data.family_name or data.company):
        problems.add(f"{at}.family_name", "a lead needs a family name or a company")
    if data.status == CONVERTED:
        problems.add(f"{at}.status", "is set by ConvertLead only")
    if data.status == DISQUALIFIED and not data.disqualify_reason:
        problems.add(f"{at}.disqualify_reason", "is required to disqualify a lead")
    problems.raise_if_any()
    owner, team, territory = data.owner, data.team, data.territory
    if not owner and rule is not None:
        owner, rule_team, rule_territory = rule.assign()
        team, territory = team or rule_team, territory or rule_territory
    data = replace(
        data, status=data.status or NEW, source=data.source or "manual", owner=owner or creator_owner,
        team=team or creator_team, territory=territory or creator_territory,
    )
    lead = Lead(str(uuid.uuid4()), data, now, now, now, origin_ref=origin_ref)
    lead.events.append(events.LeadCreated(lead))
    return lead


def neglect_cutoff(days: int, now: datetime) -> datetime:
    problems = Violations()
    if not 1 <= days <= MAX_NEGLECT_DAYS:
        problems.add("days", f"must be from 1 to {MAX_NEGLECT_DAYS}")
    problems.raise_if_any()
    return now - timedelta(days=days)


@dataclass
class AssignmentRule:
    """The first rule (lowest priority, then oldest) whose countries and industries match assigns a new lead."""

    id: str
    name: str
    priority: int
    countries: tuple[str, ...]
    industries: tuple[str, ...]
    owner: str
    members: tuple[str, ...]
    team: str
    territory: str
    next_member: int
    created_at: datetime

    def matches(self, country: str, industry: str) -> bool:
        if self.countries and country.upper() not in self.countries:
            return False
        if self.industries and industry.strip().casefold() not in {i.casefold() for i in self.industries}:
            return False
        return True

    def assign(self) -> tuple[str, str, str]:
        """(owner, team, territory) for the next lead: round-robin over the members, else the fixed owner."""
        if self.members:
            owner = self.members[self.next_member % len(self.members)]
            self.next_member = (self.next_member + 1) % len(self.members)
        else:
            owner = self.owner
        return owner, self.team, self.territory


def first_matching(rules: list[AssignmentRule], country: str, industry: str) -> AssignmentRule | None:
    for rule in sorted(rules, key=lambda r: (r.priority, r.created_at, r.id)):
        if rule.matches(country, industry):
            return rule
    return None


def new_rule(name: str, priority: int, countries: list[str], industries: list[str], owner: str, members: list[str],
             team: str, territory: str, now: datetime) -> AssignmentRule:
    problems = Violations()
    at = "rule"
    if not name.strip():
        problems.add(f"{at}.name", "is required")
    elif len(name) > 200:
        problems.add(f"{at}.name", "must be at most 200 characters")
    if not 0 <= priority <= 1_000_000:
        problems.add(f"{at}.priority", "must be from 0 to 1000000")
    clean_countries = []
    for i, c in enumerate(countries):
        if c.strip().upper() not in COUNTRIES:
            problems.add(f"{at}.countries[{i}]", "is not an ISO 3166-1 alpha-2 code, e.g. RO")
        clean_countries.append(c.strip().upper())
    clean_industries = [i.strip() for i in industries]
    for i, value in enumerate(clean_industries):
        if not value or len(value) > 100:
            problems.add(f"{at}.industries[{i}]", "must be 1 to 100 characters")
    members = [m.strip() for m in members]
    if len(members) > MAX_RULE_MEMBERS:
        problems.add(f"{at}.members", f"must be at most {MAX_RULE_MEMBERS}")
    for i, m in enumerate(members):
        if not m:
            problems.add(f"{at}.members[{i}]", "must not be empty")
        elif m in members[:i]:
            problems.add(f"{at}.members[{i}]", f"{m!r} is listed twice")
    if not owner.strip() and not members:
        problems.add(f"{at}.owner", "a rule needs an owner or members to share the leads among")
    for name_, value in (("owner", owner), ("team", team), ("territory", territory)):
        if len(value) > 200:
            problems.add(f"{at}.{name_}", "must be at most 200 characters")
    problems.raise_if_any()
    return AssignmentRule(
        str(uuid.uuid4()), name.strip(), priority, tuple(dict.fromkeys(clean_countries)), tuple(dict.fromkeys(clean_industries)),
        owner.strip(), tuple(members), team.strip(), territory.strip(), 0, now,
    )
