"""Custom fields: definitions an administrator makes without code, and typed validation of their values."""
from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Context, Decimal, InvalidOperation

from crm_chassis.errors import FailedPrecondition, Violations

ENTITIES = ("person", "account")
ENTITY_PLURALS = {"person": "persons", "account": "accounts"}
TYPES = ("text", "number", "money", "date", "bool", "choice", "multi_choice")
CHOICE_TYPES = ("choice", "multi_choice")

KEY = re.compile(r"[a-z][a-z0-9_]{0,62}")
OPTION_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")
MAX_LABEL_LENGTH = 200
MAX_OPTIONS = 200
DEFAULT_TEXT_LENGTH = 255
MAX_TEXT_LENGTH = 500  # indexed: PostgreSQL btree entries must stay under ~2700 bytes
MAX_PATTERN_LENGTH = 500
MAX_DECIMAL_PLACES = 10  # the scale of custom_values.number_value
MAX_INTEGER_DIGITS = 28  # NUMERIC(38, 10): 38 digits, 10 after the point
MAX_FIELDS_PER_ENTITY = 500
INT64 = (-(2**63), 2**63 - 1)
_WIDE = Context(prec=80)  # room for 28 + 10 digits and more: the default 28 would reject valid numbers
MULTI_SEPARATOR = ";"
TRUE_WORDS = frozenset({"true", "yes", "y", "1", "da", "on"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "nu", "off"})

# ISO 4217 active codes and the digits of their minor unit (2 unless listed).
CURRENCIES = frozenset(
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD "
    "CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP "
    "GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK "
    "LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR "
    "PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL "
    "THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XCD XCG XOF XPF "
    "YER ZAR ZMW ZWG".split()
)
_MINOR_DIGITS = {
    **dict.fromkeys("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split(), 0),
    **dict.fromkeys("BHD IQD JOD KWD LYD OMR TND".split(), 3),
    **dict.fromkeys("CLF UYW".split(), 4),
}


def currency_digits(currency: str) -> int:
    """Digits after the decimal point of a currency's minor unit (EUR 2, JPY 0, KWD 3)."""
    return _MINOR_DIGITS.get(currency, 2)


def validate_currency(currency: str, problems: Violations, path: str) -> str:
    """The ISO 4217 code upper-cased; reports an unknown one at `path`."""
    code = currency.strip().upper()
    if code not in CURRENCIES:
        problems.add(path, f"{currency[:10]!r} is not an ISO 4217 currency code (e.g. RON, EUR)")
    return code


@dataclass(frozen=True)
class Money:
    amount_minor: int  # in the currency's minor unit: 1250 is 12.50 EUR
    currency: str  # ISO 4217

    @property
    def amount(self) -> Decimal:
        """The amount in major units (12.50 for 1250 EUR cents)."""
        return Decimal(self.amount_minor).scaleb(-currency_digits(self.currency), context=_WIDE)

    def __str__(self) -> str:
        digits = currency_digits(self.currency)
        return f"{self.amount:.{digits}f} {self.currency}"


class Choice(str):
    """The key of a choice field's option: a str that says it is no free text (so mappers pick the right member)."""

    __slots__ = ()


Value = str | Decimal | Money | date | bool | tuple[str, ...]  # a choice is a Choice (a str)


@dataclass(frozen=True)
class Option:
    key: str
    label: str


@dataclass(frozen=True)
class Validation:
    """Rules by type; only those of the field's type are ever set."""

    max_length: int | None = None  # text; None: DEFAULT_TEXT_LENGTH
    pattern: str = ""  # text: the whole value must match
    min: Decimal | None = None  # number
    max: Decimal | None = None
    decimal_places: int | None = None  # number; None: MAX_DECIMAL_PLACES
    currency: str = ""  # money: fixed currency; empty: any
    min_date: date | None = None  # date
    max_date: date | None = None


@dataclass(frozen=True)
class FieldDefinition:
    id: str
    entity: str  # person | account
    key: str
    label: str
    type: str
    required: bool = False
    options: tuple[Option, ...] = ()
    validation: Validation = Validation()
    retired_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def retired(self) -> bool:
        return self.retired_at is not None

    @property
    def option_keys(self) -> tuple[str, ...]:
        return tuple(o.key for o in self.options)


# --- definitions: what administrators write ---

@dataclass(frozen=True)
class DefinitionDraft:
    """The writable parts of a definition, as a request gives them (unvalidated)."""

    label: str = ""
    required: bool = False
    options: Sequence[tuple[str, str]] = ()  # (key, label)
    # raw rules: max_length int, pattern str, min/max str, decimal_places int|None, currency str, min_date/max_date str
    validation: Mapping[str, object] = field(default_factory=dict)


UPDATABLE = ("label", "required", "options", "validation")
VALIDATION_RULES = {
    "text": ("max_length", "pattern"),
    "number": ("min", "max", "decimal_places"),
    "money": ("currency",),
    "date": ("min_date", "max_date"),
}
ALL_RULES = tuple(rule for rules in VALIDATION_RULES.values() for rule in rules)


def utcnow() -> datetime:
    return datetime.now(UTC)


def define(entity: str | None, key: str, type_: str | None, draft: DefinitionDraft, problems: Violations) -> FieldDefinition:
    """A new definition with every field checked; problems are reported at the definition's field paths."""
    if entity not in ENTITIES:
        problems.add("entity", f"must be one of {', '.join(ENTITIES)}")
    key = key.strip()
    if not KEY.fullmatch(key):
        problems.add("key", "must be 1..63 characters of a-z, 0-9 and _, starting with a letter (e.g. vat_regime)")
    if type_ not in TYPES:
        problems.add("type", f"must be one of {', '.join(TYPES)}")
    now = utcnow()
    definition = FieldDefinition(
        id=str(uuid.uuid4()),
        entity=entity or "",
        key=key,
        label=_label(draft.label, problems),
        type=type_ or "",
        required=draft.required,
        options=_options(type_, draft.options, problems),
        validation=_validation(type_, draft.validation, problems),
        created_at=now,
        updated_at=now,
    )
    return definition


def amend(definition: FieldDefinition, draft: DefinitionDraft, paths: Sequence[str], problems: Violations) -> tuple[FieldDefinition, list[str]]:
    """The definition with the masked parts taken from the draft, and which of them really changed.

    `paths` are update-mask paths: label, required, options, validation or validation.<rule> (the other rules
    keep their values). key, entity and type are immutable.
    """
    if definition.retired:
        raise FailedPrecondition(f"custom field {definition.key} is retired; purge it and define it anew")
    changes: dict[str, object] = {}
    rules: dict[str, object] | None = None
    for path in paths:
        if path in ("key", "entity", "type", "id"):
            problems.add(f"update_mask.{path}", f"{path} cannot change; define a new field instead")
        elif path == "label":
            changes["label"] = _label(draft.label, problems)
        elif path == "required":
            changes["required"] = draft.required
        elif path == "options":
            changes["options"] = _options(definition.type, draft.options, problems)
        elif path == "validation":
            rules = dict(draft.validation)
        elif path.startswith("validation.") and path.removeprefix("validation.") in ALL_RULES:
            rules = _raw_rules(definition.validation) if rules is None else rules
            rules[path.removeprefix("validation.")] = draft.validation.get(path.removeprefix("validation."))
        else:
            problems.add("update_mask", f"{path!r} cannot be updated (updatable: {', '.join(UPDATABLE)}, validation.<rule>)")
    if rules is not None:
        changes["validation"] = _validation(definition.type, rules, problems)
    changed = [name for name, value in changes.items() if getattr(definition, name) != value]
    if not changed:
        return definition, []
    return replace(definition, **changes, updated_at=utcnow()), changed


def removed_options(before: FieldDefinition, after: FieldDefinition) -> tuple[str, ...]:
    kept = set(after.option_keys)
    return tuple(key for key in before.option_keys if key not in kept)


def retire(definition: FieldDefinition) -> FieldDefinition:
    if definition.retired:
        return definition
    now = utcnow()
    return replace(definition, retired_at=now, updated_at=now)


def _label(label: str, problems: Violations, path: str = "label") -> str:
    label = label.strip()
    if not label:
        problems.add(path, "is required")
    elif len(label) > MAX_LABEL_LENGTH:
        problems.add(path, f"must be at most {MAX_LABEL_LENGTH} characters")
    return label


def _options(type_: str | None, raw: Sequence[tuple[str, str]], problems: Violations) -> tuple[Option, ...]:
    if type_ not in CHOICE_TYPES:
        if raw:
            problems.add("options", "only choice and multi_choice fields have options")
        return ()
    if not raw:
        problems.add("options", "a choice field needs at least one option")
    if len(raw) > MAX_OPTIONS:
        problems.add("options", f"must hold at most {MAX_OPTIONS} options")
    result, seen = [], set()
    for i, (key, label) in enumerate(raw):
        key = key.strip()
        if not OPTION_KEY.fullmatch(key):
            problems.add(f"options[{i}].key", "must be 1..63 characters of a-z, 0-9, _ and -, starting with a letter or digit")
        elif key in seen:
            problems.add(f"options[{i}].key", f"{key} is listed twice")
        seen.add(key)
        result.append(Option(key, _label(label, problems, f"options[{i}].label")))
    return tuple(result)


def _raw_rules(v: Validation) -> dict[str, object]:
    """A validation back in the raw form drafts use, so that one rule can be changed alone."""
    return {
        "max_length": v.max_length or 0,
        "pattern": v.pattern,
        "min": "" if v.min is None else format_decimal(v.min),
        "max": "" if v.max is None else format_decimal(v.max),
        "decimal_places": v.decimal_places,
        "currency": v.currency,
        "min_date": v.min_date.isoformat() if v.min_date else "",
        "max_date": v.max_date.isoformat() if v.max_date else "",
    }


def _validation(type_: str | None, raw: Mapping[str, object], problems: Violations) -> Validation:
    allowed = VALIDATION_RULES.get(type_ or "", ())
    for rule in ALL_RULES:
        if rule not in allowed and raw.get(rule) not in (None, "", 0):
            problems.add(f"validation.{rule}", f"does not apply to {type_ or 'this'} fields")
    if type_ == "text":
        max_length = int(raw.get("max_length") or 0)
        if not 0 <= max_length <= MAX_TEXT_LENGTH:
            problems.add("validation.max_length", f"must be 1..{MAX_TEXT_LENGTH} (0: {DEFAULT_TEXT_LENGTH})")
        pattern = str(raw.get("pattern") or "")
        if len(pattern) > MAX_PATTERN_LENGTH:
            problems.add("validation.pattern", f"must be at most {MAX_PATTERN_LENGTH} characters")
        elif pattern:
            try:
                re.compile(pattern)
            except re.error as exc:
                problems.add("validation.pattern", f"is not a regular expression: {exc}")
        return Validation(max_length=max_length or None, pattern=pattern)
    if type_ == "number":
        places = raw.get("decimal_places")
        if places is not None and not 0 <= int(places) <= MAX_DECIMAL_PLACES:
            problems.add("validation.decimal_places", f"must be 0..{MAX_DECIMAL_PLACES}")
            places = None
        low = _bound(raw.get("min"), "validation.min", problems)
        high = _bound(raw.get("max"), "validation.max", problems)
        if low is not None and high is not None and low > high:
            problems.add("validation.max", "must not be less than min")
        return Validation(min=low, max=high, decimal_places=None if places is None else int(places))
    if type_ == "money":
        currency = str(raw.get("currency") or "").strip()
        return Validation(currency=validate_currency(currency, problems, "validation.currency") if currency else "")
    if type_ == "date":
        low_date = _date_bound(raw.get("min_date"), "validation.min_date", problems)
        high_date = _date_bound(raw.get("max_date"), "validation.max_date", problems)
        if low_date and high_date and low_date > high_date:
            problems.add("validation.max_date", "must not be before min_date")
        return Validation(min_date=low_date, max_date=high_date)
    return Validation()


def _bound(raw: object, path: str, problems: Violations) -> Decimal | None:
    if raw in (None, ""):
        return None
    number = parse_decimal(str(raw))
    if number is None or not _fits_column(number):
        problems.add(path, f"{str(raw)[:40]!r} is not a decimal number (e.g. 10 or -2.5) of at most {MAX_INTEGER_DIGITS} digits before the point")
        return None
    return number


def _date_bound(raw: object, path: str, problems: Violations) -> date | None:
    if raw in (None, ""):
        return None
    parsed = parse_date(str(raw))
    if parsed is None:
        problems.add(path, f"{str(raw)[:20]!r} is not a date (YYYY-MM-DD)")
    return parsed


# --- values: what records carry ---

def validate_values(
    definitions: Sequence[FieldDefinition],
    raw: Mapping[str, object],
    problems: Violations,
    path: str = "custom_fields",
    *,
    partial: bool = False,
    entity: str = "",
) -> dict[str, Value]:
    """The typed values of `raw` by key, reporting every problem at `<path>.<key>`.

    Values may come typed from a request mapper (str, Decimal, Money, date, bool, tuple/list of option keys) or as
    text from an import ("12.5", "2024-01-31", "yes", "12.50 EUR", "a;b"). None, "" and () mean "no value" and are
    left out of the result. Missing required fields are errors unless `partial` (an update of some keys only).
    Only active definitions count: a retired field's key is unknown here.
    """
    active = {d.key: d for d in definitions if not d.retired}
    entity = entity or (next(iter(active.values())).entity if active else "")
    result: dict[str, Value] = {}
    for key, given in raw.items():
        at = f"{path}.{key}"
        definition = active.get(key)
        if definition is None:
            problems.add(at, f"no custom field {key} is defined for {ENTITY_PLURALS.get(entity, 'these records')}")
            continue
        if is_empty(given):
            continue
        value = _value(definition, given, problems, at)
        if value is not None:
            result[key] = value
    if not partial:
        for key, definition in active.items():
            if definition.required and key not in result and (key not in raw or is_empty(raw[key])):
                problems.add(f"{path}.{key}", f"{definition.label} is required")
    return result


def is_empty(given: object) -> bool:
    return given is None or (isinstance(given, str) and not given.strip()) or (isinstance(given, tuple | list) and not given)


def parse_text_value(definition: FieldDefinition, text: str, problems: Violations | None = None, path: str = "") -> Value | None:
    """A value from its text form (import); None for empty text. Problems go to `problems` at `path`
    (default `custom_fields.<key>`), or raise InvalidArgument when no collector is given."""
    own = problems is None
    problems = Violations() if own else problems
    value = None if is_empty(text) else _value(definition, text, problems, path or f"custom_fields.{definition.key}")
    if own:
        problems.raise_if_any()
    return value


def format_text_value(definition: FieldDefinition, value: Value) -> str:
    """The text form parse_text_value reads back: 12.5, 12.50 EUR, 2024-01-31, yes/no, a;b."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return MULTI_SEPARATOR.join(value)
    return str(value)


def format_decimal(number: Decimal) -> str:
    """Plain notation without exponent or trailing zeros: 1E+2 → 100, 12.50 → 12.5."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _value(d: FieldDefinition, given: object, problems: Violations, at: str) -> Value | None:
    checker = _CHECKERS[d.type]
    return checker(d, given, problems, at)


def _kind(given: object) -> str:
    if isinstance(given, bool):
        return "a yes/no value"
    if isinstance(given, Money):
        return "an amount of money"
    if isinstance(given, Decimal | int | float):
        return "a number"
    if isinstance(given, date):
        return "a date"
    if isinstance(given, tuple | list):
        return "a list of choices"
    return "a text"


def _wrong(d: FieldDefinition, given: object, problems: Violations, at: str, expected: str) -> None:
    problems.add(at, f"{d.key} is a {d.type.replace('_', '-')} field: expected {expected}, got {_kind(given)}")


def _text(d: FieldDefinition, given: object, problems: Violations, at: str) -> str | None:
    if not isinstance(given, str):
        _wrong(d, given, problems, at, "a text")
        return None
    text = given.strip()
    limit = d.validation.max_length or DEFAULT_TEXT_LENGTH
    if len(text) > limit:
        problems.add(at, f"must be at most {limit} characters")
    elif d.validation.pattern and re.fullmatch(d.validation.pattern, text) is None:
        problems.add(at, f"does not match the pattern {d.validation.pattern}")
    return text


def _number(d: FieldDefinition, given: object, problems: Violations, at: str) -> Decimal | None:
    if isinstance(given, bool) or not isinstance(given, str | Decimal | int):
        _wrong(d, given, problems, at, "a decimal number as a string")
        return None
    number = parse_decimal(given.strip()) if isinstance(given, str) else Decimal(given)
    if number is None or not number.is_finite():
        problems.add(at, f"{str(given)[:40]!r} is not a decimal number (e.g. 12.5 or -3)")
        return None
    places = MAX_DECIMAL_PLACES if d.validation.decimal_places is None else d.validation.decimal_places
    if not _fits_column(number):
        problems.add(at, f"must have at most {MAX_INTEGER_DIGITS} digits before the decimal point")
        return None
    if number != number.quantize(Decimal(1).scaleb(-places), context=_WIDE):
        problems.add(at, f"must have at most {places} digits after the decimal point")
        return None
    if d.validation.min is not None and number < d.validation.min:
        problems.add(at, f"must be at least {format_decimal(d.validation.min)}")
    if d.validation.max is not None and number > d.validation.max:
        problems.add(at, f"must be at most {format_decimal(d.validation.max)}")
    return Decimal(format_decimal(number))


def _money(d: FieldDefinition, given: object, problems: Violations, at: str) -> Money | None:
    fixed = d.validation.currency
    if isinstance(given, str):
        parsed = _money_text(given, fixed)
        if parsed is None:
            example = "12.50" if fixed else "12.50 EUR"
            problems.add(at, f"{given[:40]!r} is not an amount of money (e.g. {example})")
            return None
        given = parsed
    if not isinstance(given, Money):
        _wrong(d, given, problems, at, "an amount of money")
        return None
    currency = validate_currency(given.currency or fixed, problems, f"{at}.currency")
    if fixed and currency != fixed:
        problems.add(f"{at}.currency", f"must be {fixed}")
    if not INT64[0] <= given.amount_minor <= INT64[1]:
        problems.add(f"{at}.amount_minor", "is out of range")
    elif abs(Money(given.amount_minor, currency).amount) >= Decimal(10) ** MAX_INTEGER_DIGITS:
        problems.add(f"{at}.amount_minor", "is out of range")
    return Money(given.amount_minor, currency)


def _money_text(text: str, fixed: str) -> Money | None:
    """'12.50 EUR', 'EUR 12.50', or '12.50' when the field fixes the currency."""
    parts = text.strip().upper().split()
    if len(parts) == 2 and re.fullmatch(r"[A-Z]{3}", parts[0]):
        parts.reverse()
    if len(parts) == 1 and fixed:
        parts.append(fixed)
    if len(parts) != 2 or parts[1] not in CURRENCIES:
        return None
    amount = parse_decimal(parts[0])
    if amount is None or not amount.is_finite():
        return None
    minor = amount.scaleb(currency_digits(parts[1]), context=_WIDE)
    if minor != minor.to_integral_value():
        return None
    return Money(int(minor), parts[1])


def _date_value(d: FieldDefinition, given: object, problems: Violations, at: str) -> date | None:
    if isinstance(given, datetime) or not isinstance(given, str | date):
        _wrong(d, given, problems, at, "a date (YYYY-MM-DD)")
        return None
    value = parse_date(given.strip()) if isinstance(given, str) else given
    if value is None:
        problems.add(at, f"{str(given)[:20]!r} is not a date (YYYY-MM-DD)")
        return None
    if d.validation.min_date and value < d.validation.min_date:
        problems.add(at, f"must be on or after {d.validation.min_date.isoformat()}")
    if d.validation.max_date and value > d.validation.max_date:
        problems.add(at, f"must be on or before {d.validation.max_date.isoformat()}")
    return value


def _bool(d: FieldDefinition, given: object, problems: Violations, at: str) -> bool | None:
    if isinstance(given, bool):
        return given
    if isinstance(given, str):
        word = given.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        problems.add(at, f"{given[:20]!r} is not yes or no (true/false, yes/no, 1/0)")
        return None
    _wrong(d, given, problems, at, "yes or no")
    return None


def _choice(d: FieldDefinition, given: object, problems: Violations, at: str) -> str | None:
    if not isinstance(given, str):
        _wrong(d, given, problems, at, "one option key")
        return None
    key = _option_key(d, given.strip())
    if key is None:
        problems.add(at, f"{given[:70]!r} is not an option of {d.key} ({', '.join(d.option_keys)})")
        return None
    return Choice(key)


def _multi_choice(d: FieldDefinition, given: object, problems: Violations, at: str) -> tuple[str, ...] | None:
    if isinstance(given, str):
        given = tuple(part.strip() for part in given.split(MULTI_SEPARATOR) if part.strip())
    if not isinstance(given, tuple | list) or not all(isinstance(g, str) for g in given):
        _wrong(d, given, problems, at, "a list of option keys")
        return None
    keys, ok = [], True
    for i, item in enumerate(given):
        key = _option_key(d, item.strip())
        if key is None:
            problems.add(f"{at}[{i}]", f"{item[:70]!r} is not an option of {d.key} ({', '.join(d.option_keys)})")
            ok = False
        elif key in keys:
            problems.add(f"{at}[{i}]", f"{key} is chosen twice")
            ok = False
        else:
            keys.append(key)
    return tuple(keys) if ok else None


def _option_key(d: FieldDefinition, given: str) -> str | None:
    """An option by its key, or (for imports) by its label ignoring case."""
    for option in d.options:
        if option.key == given:
            return option.key
    folded = given.casefold()
    for option in d.options:
        if option.label.casefold() == folded or option.key == folded:
            return option.key
    return None


_CHECKERS = {
    "text": _text,
    "number": _number,
    "money": _money,
    "date": _date_value,
    "bool": _bool,
    "choice": _choice,
    "multi_choice": _multi_choice,
}


def parse_decimal(text: str) -> Decimal | None:
    """A plain decimal (no exponent, no NaN or infinity), or None."""
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _fits_column(number: Decimal) -> bool:
    return number.is_finite() and abs(number) < Decimal(10) ** MAX_INTEGER_DIGITS


def parse_date(text: str) -> date | None:
    """YYYY-MM-DD, or None."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def changed_keys(before: Mapping[str, Value], after: Mapping[str, Value]) -> list[str]:
    """Keys whose value differs, in sorted order (for changed_fields and the dossier)."""
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
