"""Import and export of persons: CSV and vCard 3.0/4.0 read and written, columns mapped to fields; plain Python.

Reading never raises on bad input: every problem of the file becomes an error of the row (CSV record or vCard
card) it occurs in, with the row number and the column, and a row with any error is rejected whole. Validation of
what a row holds is Person.create's, the same code as CreatePerson.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from crm_chassis.access import Viewer
from crm_chassis.errors import InvalidArgument, Violations
from crm_contacts.domain.model import ADDRESS_KINDS, CHANNELS, EMAIL_KINDS, PHONE_KINDS, PURPOSES, Person

FORMATS = ("csv", "vcard")
EXPORT_FORMATS = ("csv", "vcard_3", "vcard_4")
ENCODINGS = ("auto", "utf-8", "utf-8-sig", "cp1250", "latin-1", "utf-16")
DELIMITERS = (",", ";", "\t", "|")
MAX_RECORD_CHARS = 1_048_576  # one CSV record or vCard; a quote never closed stops looking here
MAX_FIELD_CHARS = 100_000  # one cell; no person field is near it, so anything longer is a broken file
MAX_ERRORS_PER_ROW = 50
MAX_MAPPING_COLUMNS = 500
MAX_MAPPING_NAME_LENGTH = 100
MAX_SEPARATOR_LENGTH = 5
MAX_DATE_FORMAT_LENGTH = 50
MAX_RAW_CHARS = 4_000  # how much of a rejected row is kept for the rejects listing
IGNORE = "ignore"
# Columns an export writes that describe the record rather than the person; an import skips them.
READ_ONLY = ("id", "owner", "create_time", "update_time")

SIMPLE_FIELDS = ("given_name", "family_name", "salutation", "preferred_language", "time_zone", "team", "territory")
ADDRESS_PARTS = ("kind", "line", "lines", "postal_code", "city", "region", "country")
# Person fields beyond the contact data (birth date and classification).
OPTIONAL_FIELDS = ("birth_date", "name_day", "tags", "lifecycle", "origin.kind", "origin.detail", "origin.campaign_id")
YES = frozenset({"yes", "y", "true", "1", "granted", "da", "ja", "x"})
NO = frozenset({"no", "n", "false", "0", "refused", "withdrawn", "nu", "nein"})
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PHONE_LIKE = re.compile(r"[+-][0-9 ().-]*")


# --- what a row holds, and what is wrong with it ---

@dataclass(frozen=True)
class RowError:
    """One problem of one row: `column` names where it is in the file (a CSV header or a vCard property),
    `field` the person field it concerns (a path as CreatePerson reports it), either may be empty."""

    column: str
    field: str
    message: str


@dataclass
class Draft:
    """One row of a file read into Person.create's arguments, with where each argument came from."""

    number: int  # CSV: the record number, the header being row 1; vCard: the card number from 1
    raw: str
    errors: list[RowError] = field(default_factory=list)
    kwargs: dict = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # argument path prefix ("emails[0]") -> column
    custom: dict[str, str] = field(default_factory=dict)  # custom field key -> text as written
    custom_sources: dict[str, str] = field(default_factory=dict)
    account_name: str = ""  # link the person to the one visible account of this name
    account_fields: dict[str, str] = field(default_factory=dict)  # position, role of that link
    account_sources: dict[str, str] = field(default_factory=dict)  # "name", "position", "role" -> column
    account_required: bool = True  # CSV: no such account rejects the row; vCard ORG: the link is skipped

    def error(self, column: str, field_: str, message: str) -> None:
        if len(self.errors) < MAX_ERRORS_PER_ROW:
            self.errors.append(RowError(column, field_, message))


@dataclass(frozen=True)
class MappingOptions:
    phone_region: str = ""  # ISO 3166 region for numbers without +country; empty: the service's default
    date_format: str = "%Y-%m-%d"  # strptime format of date columns
    separator: str = ";"  # between several values in one cell (emails, phones, tags, address lines)
    encoding: str = "auto"  # auto: BOM or UTF-8
    delimiter: str = ""  # empty: sniffed from the header line


@dataclass(frozen=True)
class ColumnMapping:
    """Which column feeds which field: `columns` pairs a CSV header with a target (see `targets`)."""

    columns: tuple[tuple[str, str], ...] = ()
    options: MappingOptions = MappingOptions()


TARGETS = (
    *SIMPLE_FIELDS,
    "email", *(f"email.{k}" for k in EMAIL_KINDS),
    "phone", *(f"phone.{k}" for k in PHONE_KINDS),
    *(f"address.{p}" for p in ADDRESS_PARTS),
    *(f"consent.{c}.{p}" for c in CHANNELS for p in PURPOSES),
    *OPTIONAL_FIELDS,
    IGNORE, *READ_ONLY,
)


def supported_targets() -> tuple[str, ...]:
    """Built-in targets; `cf.<key>` and `account.name|position|role` come on top."""
    return TARGETS


_CF_KEY = re.compile(r"[a-z][a-z0-9_]{0,62}")


def validate_mapping(
    name: str | None, columns: Sequence[tuple[str, str]], options: MappingOptions, problems: Violations, path: str = ""
) -> ColumnMapping:
    """Checks a mapping as a whole (targets, options); `name` None means an unnamed (inline) mapping. Problems
    are reported at `<path>.columns[i].field`, `<path>.options.encoding`, ... (`path` empty: at the top)."""
    at = f"{path}." if path else ""
    if name is not None:
        if not name.strip():
            problems.add(f"{at}name", "is required")
        elif len(name.strip()) > MAX_MAPPING_NAME_LENGTH:
            problems.add(f"{at}name", f"must be at most {MAX_MAPPING_NAME_LENGTH} characters")
    known = set(supported_targets())
    seen: set[str] = set()
    if len(columns) > MAX_MAPPING_COLUMNS:
        problems.add(f"{at}columns", f"must hold at most {MAX_MAPPING_COLUMNS} columns")
    kept = []
    for i, (column, target) in enumerate(columns):
        column, target = column.strip(), target.strip()
        if not column:
            problems.add(f"{at}columns[{i}].column", "is required")
        elif column.casefold() in seen:
            problems.add(f"{at}columns[{i}].column", f"{column!r} is mapped twice")
        seen.add(column.casefold())
        if not _known_target(target, known):
            problems.add(
                f"{at}columns[{i}].field",
                f"{target[:80]!r} is not a field an import can fill (e.g. given_name, email.work, phone.mobile, address.city, cf.<key>)",
            )
        kept.append((column, target))
    _check_options(options, problems, f"{at}options")
    return ColumnMapping(tuple(kept), options)


ACCOUNT_TARGETS = ("account.name", "account.position", "account.role")


def _known_target(target: str, known: set[str]) -> bool:
    if target in known or target in ACCOUNT_TARGETS:
        return True
    return target.startswith("cf.") and _CF_KEY.fullmatch(target[3:]) is not None


def _check_options(options: MappingOptions, problems: Violations, path: str) -> None:
    if options.encoding not in ENCODINGS:
        problems.add(f"{path}.encoding", f"must be one of {', '.join(ENCODINGS)}")
    if options.delimiter and options.delimiter not in DELIMITERS:
        problems.add(f"{path}.delimiter", "must be one of , ; | or a tab (empty: detected)")
    if not options.separator or len(options.separator) > MAX_SEPARATOR_LENGTH or options.separator.isspace() and options.separator != "\n":
        problems.add(f"{path}.separator", f"must be 1..{MAX_SEPARATOR_LENGTH} characters, not blanks")
    if options.phone_region and (len(options.phone_region) != 2 or not options.phone_region.isalpha()):
        problems.add(f"{path}.phone_region", "must be an ISO 3166-1 alpha-2 region (e.g. RO)")
    if len(options.date_format) > MAX_DATE_FORMAT_LENGTH or "%" not in options.date_format:
        problems.add(f"{path}.date_format", "must be a strptime format such as %Y-%m-%d or %d.%m.%Y")
    else:
        try:
            datetime(2024, 1, 31).strftime(options.date_format)
        except ValueError:
            problems.add(f"{path}.date_format", "must be a strptime format such as %Y-%m-%d or %d.%m.%Y")


# --- bytes to text ---

def decode(data: bytes, encoding: str) -> tuple[str, str]:
    """The text and the encoding used. Bytes the encoding cannot read stay in the text as lone surrogates
    (surrogateescape), so that the row holding them is rejected with a message, and the others are read."""
    if encoding == "auto":
        if data.startswith(b"\xef\xbb\xbf"):
            encoding = "utf-8-sig"
        elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
            encoding = "utf-16"
        else:
            encoding = "utf-8"
    elif encoding == "utf-8" and data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    try:
        return data.decode(encoding, errors="surrogateescape"), encoding
    except UnicodeDecodeError as exc:  # UTF-16 cannot carry undecodable bytes through: the file as a whole is wrong
        problems = Violations()
        problems.add("file", f"is not valid {encoding}: {exc.reason} at byte {exc.start}")
        problems.raise_if_any()
        raise


_UNDECODABLE = re.compile("[\udc80-\udcff]+")


def undecodable(text: str) -> str | None:
    """The bytes of the first stretch the encoding could not read, as hex (e.g. "0xE3 0x21"), or None."""
    match = _UNDECODABLE.search(text)
    if match is None:
        return None
    return " ".join(f"0x{ord(ch) - 0xDC00:02X}" for ch in match.group()[:8])


def _encoding_error(bad: str, encoding: str) -> str:
    return (
        f"bytes {bad} are not valid {encoding}; declare the file's encoding (utf-8, cp1250, latin-1) "
        "in the mapping options"
    )


# --- CSV ---

@dataclass
class CsvRecord:
    number: int  # the header is row 1
    line: int  # the physical line it starts on
    text: str
    fields: list[str] | None  # None when it could not be read
    error: str = ""


def sniff_delimiter(header_line: str) -> str:
    """The candidate that occurs most often in the header outside quotes; a comma on a tie or none."""
    outside = re.sub(r'"[^"]*"', "", header_line)
    counts = {d: outside.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _physical_records(text: str) -> Iterator[tuple[int, str, str]]:
    """(first line, record text, error) per record: lines are joined while a quote is open.

    A quote still open at the end of the file or after MAX_RECORD_CHARS is an error of the record it opened
    in; reading starts again at the line after it, so that one stray quote costs one row and not the rest of
    the file.
    """
    lines = io.StringIO(text, newline="").readlines()
    i, n = 0, len(lines)
    while i < n:
        start = i
        parts = [lines[i]]
        quotes = lines[i].count('"')
        size = len(lines[i])
        i += 1
        while quotes % 2 and i < n and size <= MAX_RECORD_CHARS:
            parts.append(lines[i])
            quotes += lines[i].count('"')
            size += len(lines[i])
            i += 1
        if quotes % 2:
            reason = "reached the end of the file" if size <= MAX_RECORD_CHARS else f"ran past {MAX_RECORD_CHARS:,} characters"
            yield start + 1, lines[start], f"a quoted field opened on line {start + 1} is never closed ({reason})"
            i = start + 1
            continue
        yield start + 1, "".join(parts), ""


def read_csv(text: str, delimiter: str = "") -> tuple[list[str], Iterator[CsvRecord], str]:
    """(header, records after it, delimiter); a header that cannot be read raises InvalidArgument (file error).

    Blank lines are skipped; each record is read by the csv module in strict mode, so a stray quote, a field
    over the csv module's size limit or an undecodable byte is an error of that record alone.
    """
    records = _physical_records(text)
    header_record = None
    for line, record, error in records:
        if record.strip():
            header_record = (line, record, error)
            break
    problems = Violations()
    if header_record is None:
        problems.add("file", "is empty: a CSV import needs a header row naming the columns")
        problems.raise_if_any()
    line, record, error = header_record
    delimiter = delimiter or sniff_delimiter(record)
    header: list[str] = []
    if error:
        problems.add("file", f"header row: {error}")
    else:
        try:
            header = next(csv.reader([record], delimiter=delimiter, strict=True))
        except csv.Error as exc:
            problems.add("file", f"header row: {exc}")
    bad = undecodable(record)
    if bad:
        problems.add("file", f"header row: {_encoding_error(bad, 'the declared encoding')}")
    header = [h.strip() for h in header]
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    seen: set[str] = set()
    for i, name in enumerate(header):
        if not name:
            problems.add("file", f"header row: column {i + 1} has no name")
        elif name.casefold() in seen:
            problems.add("file", f"header row: column {name!r} appears twice")
        seen.add(name.casefold())
    problems.raise_if_any()
    return header, _csv_records(records, delimiter), delimiter


def _csv_records(records: Iterator[tuple[int, str, str]], delimiter: str) -> Iterator[CsvRecord]:
    number = 1
    for line, text, error in records:
        if not text.strip():
            continue
        number += 1
        if error:
            yield CsvRecord(number, line, text, None, error)
            continue
        if len(text) > MAX_RECORD_CHARS:
            yield CsvRecord(number, line, text, None, f"the row is {len(text):,} characters long, more than {MAX_RECORD_CHARS:,}")
            continue
        try:
            fields = next(csv.reader([text], delimiter=delimiter, strict=True))
        except csv.Error as exc:
            message = str(exc)
            if "field larger than field limit" in message:
                message = f"a field is larger than the csv reader's limit of {csv.field_size_limit():,} characters"
            yield CsvRecord(number, line, text, None, f"malformed CSV on line {line}: {message}")
            continue
        yield CsvRecord(number, line, text, fields)


def auto_mapping(header: Sequence[str]) -> ColumnMapping:
    """Columns named like a target (case, blanks and dashes aside) map to it; others are ignored."""
    known = set(supported_targets()) | set(ACCOUNT_TARGETS)
    columns = []
    for name in header:
        key = re.sub(r"[\s-]+", "_", name.strip().lower())
        if key in known or key.startswith("cf."):
            columns.append((name, key))
        else:
            columns.append((name, IGNORE))
    return ColumnMapping(tuple(columns))


def check_header(header: Sequence[str], mapping: ColumnMapping, path: str = "columns[{i}].column") -> None:
    """Every mapped column must be in the file (InvalidArgument otherwise); unmapped columns are ignored."""
    present = {h.casefold() for h in header}
    problems = Violations()
    for i, (column, _target) in enumerate(mapping.columns):
        if column.casefold() not in present:
            problems.add(path.format(i=i), f"the file has no column {column!r} (it has: {', '.join(header)[:300]})")
    problems.raise_if_any()


def csv_draft(record: CsvRecord, header: Sequence[str], mapping: ColumnMapping) -> Draft:
    """One CSV record as Person.create's arguments, or with its errors."""
    draft = Draft(record.number, record.text[:MAX_RAW_CHARS])
    if record.fields is None:
        draft.error("", "", record.error)
        return draft
    if len(record.fields) != len(header):
        draft.error("", "", f"the row has {len(record.fields)} fields but the header has {len(header)} columns")
        return draft
    by_name = {h.casefold(): i for i, h in enumerate(header)}
    values = []
    for column, target in mapping.columns:
        if target == IGNORE or target in READ_ONLY:
            continue
        value = record.fields[by_name[column.casefold()]]
        bad = undecodable(value)
        if bad:
            draft.error(column, "", _encoding_error(bad, mapping.options.encoding if mapping.options.encoding != "auto" else "utf-8"))
            continue
        if len(value) > MAX_FIELD_CHARS:
            draft.error(column, "", f"the value is {len(value):,} characters long, more than {MAX_FIELD_CHARS:,}")
            continue
        values.append((column, target, _unguard(value.strip())))
    if not draft.errors:
        _fill(draft, values, mapping.options)
    return draft


def _unguard(value: str) -> str:
    """Undoes the apostrophe an export puts before a cell a spreadsheet would take for a formula."""
    if value.startswith("'") and value[1:2] in _FORMULA_START and not _PHONE_LIKE.fullmatch(value[1:]):
        return value[1:]
    return value


def _fill(draft: Draft, values: Iterable[tuple[str, str, str]], options: MappingOptions) -> None:
    """Turns (column, target, text) into Person.create's arguments; empty cells say nothing."""
    kw = draft.kwargs
    kw.update(given_name="", family_name="", emails=[], phones=[], consents=[], addresses=[])
    address: dict[str, object] = {}
    address_column = ""
    sep = options.separator
    for column, target, text in values:
        if target in SIMPLE_FIELDS:
            draft.sources[target] = column  # an empty name is still this column's fault
        if not text:
            continue
        if target in SIMPLE_FIELDS:
            kw[target] = text
        elif target == "email" or target.startswith("email."):
            kind = target.partition(".")[2] or "work"
            for part in _split(text, sep):
                draft.sources[f"emails[{len(kw['emails'])}]"] = column
                kw["emails"].append((part, kind))
        elif target == "phone" or target.startswith("phone."):
            kind = target.partition(".")[2] or "work"
            for part in _split(text, sep):
                draft.sources[f"phones[{len(kw['phones'])}]"] = column
                kw["phones"].append((part, kind))
        elif target.startswith("address."):
            part = target.partition(".")[2]
            address_column = address_column or column
            draft.sources.setdefault(f"addresses[0].{'lines' if part == 'line' else part}", column)
            if part in ("line", "lines"):
                address.setdefault("lines", []).extend(_split(text, sep))  # type: ignore[union-attr]
            else:
                address[part] = text.lower() if part == "kind" else text
        elif target.startswith("consent."):
            _, channel, purpose = target.split(".")
            granted = _yes_no(text)
            if granted is None:
                draft.error(column, f"consents[{len(kw['consents'])}].granted", f"{text[:40]!r} is neither yes nor no")
                continue
            draft.sources[f"consents[{len(kw['consents'])}]"] = column
            kw["consents"].append((channel, purpose, granted, "import", None))
        elif target == "birth_date":
            try:
                kw["birth_date"] = datetime.strptime(text, options.date_format).date()
            except ValueError:
                draft.error(column, "birth_date", f"{text[:40]!r} is not a date in the format {options.date_format}")
            draft.sources["birth_date"] = column
        elif target == "name_day":
            kw["name_day"] = text
            draft.sources["name_day"] = column
        elif target == "tags":
            kw["tags"] = _split(text, sep)
            draft.sources["tags"] = column
        elif target == "lifecycle":
            kw["lifecycle"] = text.lower()
            draft.sources["lifecycle"] = column
        elif target.startswith("origin."):
            origin = dict(zip(("kind", "detail", "campaign_id"), kw.get("origin") or (None, "", ""), strict=True))
            origin[target.partition(".")[2]] = text.lower() if target == "origin.kind" else text
            kw["origin"] = (origin["kind"], origin["detail"], origin["campaign_id"])
            draft.sources["origin"] = column
        elif target.startswith("cf."):
            draft.custom[target[3:]] = text
            draft.custom_sources[target[3:]] = column
        elif target in ACCOUNT_TARGETS:
            part = target.partition(".")[2]
            if part == "name":
                draft.account_name = text
            else:
                draft.account_fields[part] = text
            draft.account_sources[part] = column
    if address:
        kw["addresses"] = [(
            str(address.get("kind") or "home"), list(address.get("lines") or []), str(address.get("postal_code", "")),
            str(address.get("city", "")), str(address.get("region", "")), str(address.get("country", "")),
        )]
        draft.sources.setdefault("addresses[0]", address_column)


def _split(text: str, sep: str) -> list[str]:
    return [part.strip() for part in text.split(sep) if part.strip()]


def _yes_no(text: str) -> bool | None:
    word = text.strip().lower()
    return True if word in YES else False if word in NO else None


# --- vCard ---

_CONTENT_LINE = re.compile(r"(?:(?P<group>[A-Za-z0-9-]+)\.)?(?P<name>[A-Za-z0-9-]+)(?P<params>(?:;[^:]*)?):(?P<value>.*)", re.S)
_PARAM = re.compile(r';(?P<name>[A-Za-z0-9-]+)(?:=(?P<values>(?:"[^"]*"|[^;:"])*))?')
_BLOBS = frozenset({"PHOTO", "LOGO", "SOUND", "KEY"})
_HANDLED = frozenset({"FN", "N", "EMAIL", "TEL", "ADR", "ORG", "TITLE", "BDAY", "CATEGORIES", "LANG", "X-CRM-LANGUAGE", "TZ", "X-CRM-SALUTATION"})
_VCARD_EMAIL_KIND = {"work": "work", "home": "personal", "personal": "personal", "other": "other"}
_VCARD_PHONE_KIND = {"cell": "mobile", "mobile": "mobile", "work": "work", "home": "home", "fax": "fax", "other": "other"}
_VCARD_TYPES_OF_PHONE = {"mobile": "cell", "work": "work", "home": "home", "fax": "fax", "other": "other"}
_VCARD_TYPES_OF_EMAIL = {"work": "work", "personal": "home", "other": "other"}


@dataclass
class VCardProperty:
    name: str  # upper case
    params: dict[str, list[str]]  # names upper case, values as written (TYPE values lower case)
    value: str  # still escaped
    line: int


@dataclass
class VCard:
    number: int
    line: int
    text: str
    version: str = ""
    properties: list[VCardProperty] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _unfold(text: str) -> list[tuple[int, str]]:
    """(line number, logical line): a line starting with a blank or tab continues the one before (RFC 6350 3.2)."""
    out: list[tuple[int, str]] = []
    for number, line in enumerate(io.StringIO(text, newline="").read().splitlines(), start=1):
        if line[:1] in (" ", "\t") and out:
            out[-1] = (out[-1][0], out[-1][1] + line[1:])
        else:
            out.append((number, line))
    return out


def read_vcards(text: str) -> Iterator[VCard]:
    """Each card between BEGIN:VCARD and END:VCARD; text outside cards and broken lines are card errors."""
    card: VCard | None = None
    lines: list[str] = []
    number = 0
    stray: VCard | None = None
    for line_no, line in _unfold(text):
        if not line.strip():
            continue
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            if stray is not None:
                yield stray
                stray = None
            if card is not None:
                card.errors.append(f"line {line_no}: BEGIN:VCARD before the END:VCARD of the card begun on line {card.line}")
                card.text = "\n".join(lines)
                yield card
            number += 1
            card, lines, size = VCard(number, line_no, ""), [line], 0
            continue
        if card is None:
            if stray is None:
                number += 1
                stray = VCard(number, line_no, line[:MAX_RAW_CHARS], errors=[f"line {line_no}: text outside BEGIN:VCARD ... END:VCARD"])
            continue
        name = re.split(r"[;:]", line, maxsplit=1)[0].rpartition(".")[2].upper()
        if name in _BLOBS:  # photos, logos, sounds and keys are no person fields: not kept, not counted
            lines.append(f"{name}:...")
            continue
        lines.append(line)
        if upper == "END:VCARD":
            card.text = "\n".join(lines)
            _finish(card)
            yield card
            card, lines = None, []
            continue
        size += len(line)
        if size > MAX_RECORD_CHARS:
            if size - len(line) <= MAX_RECORD_CHARS:
                card.errors.append(f"the card is longer than {MAX_RECORD_CHARS:,} characters (without its photos)")
            continue
        match = _CONTENT_LINE.fullmatch(line)
        if match is None:
            card.errors.append(f"line {line_no}: {line[:60]!r} is not a vCard property (NAME;PARAMS:value)")
            continue
        params: dict[str, list[str]] = {}
        for p in _PARAM.finditer(match["params"]):
            values = [v.strip('"') for v in re.findall(r'"[^"]*"|[^,]+', p["values"] or "")]
            pname = p["name"].upper()
            if p["values"] is None:  # vCard 2.1's bare "TEL;CELL:..." means TYPE=CELL
                pname, values = "TYPE", [p["name"]]
            if pname == "TYPE":
                values = [t.lower() for v in values for t in v.split(",")]
            params.setdefault(pname, []).extend(values)
        name = match["name"].upper()
        if name == "VERSION":
            card.version = match["value"].strip()
        card.properties.append(VCardProperty(name, params, match["value"], line_no))
    if stray is not None:
        yield stray
    if card is not None:
        card.errors.append(f"the card begun on line {card.line} has no END:VCARD")
        card.text = "\n".join(lines)
        yield card


def _finish(card: VCard) -> None:
    if card.version not in ("3.0", "4.0"):
        if card.version:
            card.errors.append(f"vCard version {card.version[:10]} is not supported (3.0 and 4.0 are)")
        else:
            card.errors.append("the card has no VERSION (3.0 or 4.0)")


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def _split_escaped(value: str, sep: str) -> list[str]:
    """Splits on separators not escaped by a backslash; the parts stay escaped."""
    parts, current, i = [], [], 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            current.append(value[i:i + 2])
            i += 2
            continue
        if ch == sep:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


def _components(value: str, sep: str = ";") -> list[str]:
    """A structured value's components, unescaped (a list inside a component stays joined by its commas)."""
    return [_unescape(part) for part in _split_escaped(value, sep)]


def _structured(value: str) -> list[list[str]]:
    """N and ADR: components separated by ';', each a list separated by ',' (RFC 6350 5.4)."""
    return [[_unescape(item) for item in _split_escaped(part, ",")] for part in _split_escaped(value, ";")]


def vcard_draft(card: VCard, options: MappingOptions) -> Draft:
    """One vCard as Person.create's arguments: FN/N, EMAIL, TEL, ADR, BDAY, CATEGORIES, LANG, TZ (ORG's first
    component is the account name). NOTE, TITLE, PHOTO and other properties are not person fields and are skipped."""
    draft = Draft(card.number, card.text[:MAX_RAW_CHARS])
    for message in card.errors:
        draft.error("", "", message)
    if draft.errors:
        return draft
    kw = draft.kwargs
    kw.update(given_name="", family_name="", emails=[], phones=[], consents=[], addresses=[])
    full_name = ""
    for prop in card.properties:
        if prop.name not in _HANDLED:
            continue  # NOTE, URL, ...: whatever they hold does not concern a person's fields
        column = f"{prop.name} (line {prop.line})"
        bad = undecodable(prop.value)
        if bad:
            draft.error(column, "", _encoding_error(bad, options.encoding if options.encoding != "auto" else "utf-8"))
            continue
        if len(prop.value) > MAX_FIELD_CHARS:
            draft.error(column, "", f"the value is {len(prop.value):,} characters long, more than {MAX_FIELD_CHARS:,}")
            continue
        types = prop.params.get("TYPE", [])
        if prop.name == "FN":
            full_name = _unescape(prop.value).strip()
        elif prop.name == "N":
            parts = _structured(prop.value) + [[]] * 5
            kw["family_name"] = " ".join(x.strip() for x in parts[0] if x.strip())
            kw["given_name"] = " ".join(x.strip() for x in (*parts[1], *parts[2]) if x.strip())
            draft.sources["family_name"] = draft.sources["given_name"] = column
        elif prop.name == "EMAIL":
            kind = next((_VCARD_EMAIL_KIND[t] for t in types if t in _VCARD_EMAIL_KIND), "work")
            draft.sources[f"emails[{len(kw['emails'])}]"] = column
            kw["emails"].append((_unescape(prop.value).strip(), kind))
        elif prop.name == "TEL":
            kind = "fax" if "fax" in types else next((_VCARD_PHONE_KIND[t] for t in types if t in _VCARD_PHONE_KIND), "work")
            number = _unescape(prop.value).strip()
            number = number[4:] if number.lower().startswith("tel:") else number
            draft.sources[f"phones[{len(kw['phones'])}]"] = column
            kw["phones"].append((number, kind))
        elif prop.name == "ADR":
            parts = _structured(prop.value) + [[]] * 7
            pobox, extended, street = parts[0], parts[1], parts[2]
            city, region, postal_code, country = (", ".join(p) for p in parts[3:7])
            lines = [line.strip() for item in (*street, *extended, *pobox) for line in item.split("\n") if line.strip()]
            kind = next((t for t in types if t in ADDRESS_KINDS), "other")
            draft.sources[f"addresses[{len(kw['addresses'])}]"] = column
            kw["addresses"].append((kind, lines, postal_code.strip(), city.strip(), region.strip(), country.strip()))
        elif prop.name == "ORG":
            draft.account_name = _components(prop.value)[0].strip()
            draft.account_sources["name"] = column
            draft.account_required = False
        elif prop.name == "TITLE":
            draft.account_fields["position"] = _unescape(prop.value).strip()
            draft.account_sources["position"] = column
        elif prop.name == "BDAY":
            value = _unescape(prop.value).strip()
            parsed = _vcard_date(value)
            if parsed is None:
                draft.error(column, "birth_date", f"{value[:40]!r} is not a full date (YYYY-MM-DD or YYYYMMDD)")
            else:
                kw["birth_date"] = parsed
                draft.sources["birth_date"] = column
        elif prop.name == "CATEGORIES":
            kw["tags"] = [t.strip() for t in _components(prop.value, ",") if t.strip()]
            draft.sources["tags"] = column
        elif prop.name in ("LANG", "X-CRM-LANGUAGE"):
            if "preferred_language" not in kw or prop.params.get("PREF") == ["1"]:
                kw["preferred_language"] = _unescape(prop.value).strip()
                draft.sources["preferred_language"] = column
        elif prop.name == "TZ":
            value = _unescape(prop.value).strip()
            if "/" in value or value.upper() == "UTC":  # an IANA name; a bare UTC offset names no zone and is skipped
                kw["time_zone"] = value
                draft.sources["time_zone"] = column
        elif prop.name == "X-CRM-SALUTATION":
            kw["salutation"] = _unescape(prop.value).strip()
            draft.sources["salutation"] = column
    if not kw["given_name"] and not kw["family_name"] and full_name:
        # No N: the formatted name's last word is taken as the family name.
        given, _, family = full_name.rpartition(" ")
        kw["given_name"], kw["family_name"] = given, family
        draft.sources["given_name"] = draft.sources["family_name"] = "FN"
    return draft


def _vcard_date(value: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return datetime.strptime(value[:10] if "-" in value[:10] else value[:8], fmt).date()
        except ValueError:
            continue
    return None


# --- a draft through the same validation as CreatePerson ---

CustomValidator = Callable[[Mapping[str, str], Violations], dict]


def build_person(
    draft: Draft, owner: Viewer, default_phone_region: str | None, validate_custom: CustomValidator | None = None
) -> Person | None:
    """The person a draft describes, validated by Person.create exactly as CreatePerson is, or None with
    draft.errors filled (each error placed at the column it came from). Nothing is written here.

    `validate_custom` checks the custom field texts against the current definitions (the custom fields area's
    validate_values); without definitions any `cf.` value is an unknown field.
    """
    if draft.errors:
        return None
    problems = Violations()
    if validate_custom is not None:
        custom = validate_custom(draft.custom, problems)
    else:
        custom = {}
        for key in draft.custom:
            problems.add(f"custom_fields.{key}", f"no custom field {key} is defined for persons")
    try:
        person = Person.create(**draft.kwargs, owner=owner, default_phone_region=default_phone_region, custom_fields=custom, problems=problems)
    except InvalidArgument as exc:
        for v in exc.violations:
            if v.field.startswith("custom_fields."):
                key = v.field.removeprefix("custom_fields.").split(".")[0].split("[")[0]
                draft.error(draft.custom_sources.get(key, ""), v.field, v.description)
            else:
                draft.error(_source_of(v.field, draft.sources), v.field, v.description)
        return None
    return person


def _source_of(path: str, sources: Mapping[str, str]) -> str:
    """The column a field path came from: the longest recorded prefix of it."""
    best = ""
    for prefix in sources:
        if (path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "[")) and len(prefix) > len(best):
            best = prefix
    if best:
        return sources[best]
    root = path.split("[")[0].split(".")[0]
    return next((c for p, c in sources.items() if p.split("[")[0].split(".")[0] == root), "")


def duplicate_keys(person: Person) -> list[str]:
    """What makes two rows of one file the same person: an email address or a phone number."""
    return [f"email:{e.address.lower()}" for e in person.emails] + [f"phone:{p.number}" for p in person.phones]


# --- export ---

DEFAULT_COLUMNS = (
    "id", "given_name", "family_name", "salutation", "preferred_language", "time_zone",
    "email.work", "email.personal", "email.other",
    "phone.work", "phone.mobile", "phone.home", "phone.fax", "phone.other",
    "address.kind", "address.lines", "address.postal_code", "address.city", "address.region", "address.country",
    "team", "territory", "owner", "create_time",
)
EXPORTABLE = (*DEFAULT_COLUMNS, "email", "phone", "update_time", *(f"consent.{c}.{p}" for c in CHANNELS for p in PURPOSES))
EXPORT_SEPARATOR = ";"


def validate_export_columns(columns: Sequence[str], custom_keys: Iterable[str], problems: Violations) -> tuple[str, ...]:
    """Empty: the default columns (plus each defined custom field, plus core's optional fields that exist)."""
    allowed = set(EXPORTABLE) | set(OPTIONAL_FIELDS) | {f"cf.{k}" for k in custom_keys}
    if not columns:
        return (*DEFAULT_COLUMNS, *OPTIONAL_FIELDS, *(f"cf.{k}" for k in custom_keys))
    for i, column in enumerate(columns):
        if column not in allowed:
            problems.add(f"columns[{i}]", f"{column[:80]!r} is not an exportable column (e.g. {', '.join(DEFAULT_COLUMNS[:6])}, cf.<key>)")
    return tuple(columns)


def _attr_text(person: Person, name: str) -> str:
    value = getattr(person, name, None)
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return EXPORT_SEPARATOR.join(str(v) for v in value)
    return str(value)


def cell(person: Person, column: str, custom_text: Callable[[Person, str], str] | None = None) -> str:
    """The text of one export column for one person (CSV; multi-values joined with ';')."""
    sep = EXPORT_SEPARATOR
    if column == "create_time":
        return person.created_at.isoformat()
    if column == "update_time":
        return person.updated_at.isoformat()
    if column == "email":
        return sep.join(e.address for e in person.emails)
    if column.startswith("email."):
        return sep.join(e.address for e in person.emails if e.kind == column[6:])
    if column == "phone":
        return sep.join(p.number for p in person.phones)
    if column.startswith("phone."):
        return sep.join(p.number for p in person.phones if p.kind == column[6:])
    if column.startswith("address."):
        if not person.addresses:
            return ""
        a = person.addresses[0]
        part = column[8:]
        return sep.join(a.lines) if part == "lines" else str(getattr(a, part))
    if column.startswith("consent."):
        _, channel, purpose = column.split(".")
        found = next((c for c in person.consents if (c.channel, c.purpose) == (channel, purpose)), None)
        return "" if found is None else ("yes" if found.granted else "no")
    if column.startswith("origin."):
        origin = getattr(person, "origin", None)
        return "" if origin is None else str(getattr(origin, column[7:], ""))
    if column.startswith("cf."):
        return custom_text(person, column[3:]) if custom_text else ""
    return _attr_text(person, column)


def _guard(text: str) -> str:
    """A spreadsheet takes a cell starting with = + - @ for a formula: such text gets an apostrophe first
    (phone numbers such as +40721234567 are left as they are)."""
    if text.startswith(_FORMULA_START) and not _PHONE_LIKE.fullmatch(text):
        return "'" + text
    return text


def csv_chunk(persons: Sequence[Person], columns: Sequence[str], header: bool, custom_text=None) -> bytes:
    """UTF-8 CSV (comma, quotes where needed, CRLF line ends); the first chunk starts with a BOM and the header
    so that spreadsheets read it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if header:
        out.write("\ufeff")
        writer.writerow(columns)
    for person in persons:
        writer.writerow([_guard(cell(person, c, custom_text)) for c in columns])
    return out.getvalue().encode("utf-8")


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with CRLF + blank, never splitting a UTF-8 character."""
    out, current, size = [], [], 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > 75:
            out.append("".join(current))
            current, size = [" "], 1
        current.append(ch)
        size += n
    out.append("".join(current))
    return "\r\n".join(out) + "\r\n"


def vcard(person: Person, version: str) -> str:
    """One person as a vCard 3.0 or 4.0."""
    v4 = version == "4.0"
    lines = ["BEGIN:VCARD", f"VERSION:{version}"]
    lines.append(f"FN:{_escape(person.display_name or '-')}")
    lines.append(f"N:{_escape(person.family_name)};{_escape(person.given_name)};;;")
    lines.append(f"UID:{'urn:uuid:' if v4 else ''}{person.id}")
    for e in person.emails:
        lines.append(f"EMAIL;TYPE={_VCARD_TYPES_OF_EMAIL[e.kind]}{'' if v4 else ',internet'}:{_escape(e.address)}")
    for p in person.phones:
        kind = _VCARD_TYPES_OF_PHONE[p.kind]
        lines.append(f"TEL;VALUE=uri;TYPE={kind}:tel:{p.number}" if v4 else f"TEL;TYPE={kind}:{p.number}")
    for a in person.addresses:
        street = "\\n".join(_escape(line) for line in a.lines)
        lines.append(f"ADR;TYPE={a.kind}:;;{street};{_escape(a.city)};{_escape(a.region)};{_escape(a.postal_code)};{a.country}")
    birth = getattr(person, "birth_date", None)
    if birth:
        lines.append(f"BDAY:{birth.strftime('%Y%m%d') if v4 else birth.isoformat()}")
    tags = getattr(person, "tags", None)
    if tags:
        lines.append("CATEGORIES:" + ",".join(_escape(t) for t in tags))
    if person.preferred_language:
        lines.append(f"{'LANG' if v4 else 'X-CRM-LANGUAGE'}:{person.preferred_language}")
    if person.time_zone:
        lines.append(f"TZ:{person.time_zone}" if v4 else f"TZ;VALUE=text:{person.time_zone}")
    if person.salutation:
        lines.append(f"X-CRM-SALUTATION:{_escape(person.salutation)}")
    lines.append(f"REV:{person.updated_at.strftime('%Y%m%dT%H%M%SZ')}")
    lines.append("END:VCARD")
    return "".join(_fold(line) for line in lines)


def vcard_chunk(persons: Sequence[Person], version: str) -> bytes:
    return "".join(vcard(p, version) for p in persons).encode("utf-8")


# --- jobs and saved mappings ---

JOB_STATUSES = ("uploading", "queued", "running", "done", "failed")
OUTCOME_REJECTED, OUTCOME_DUPLICATE, OUTCOME_DUPLICATE_ALLOWED = "rejected", "duplicate", "duplicate_allowed"


@dataclass
class SavedMapping:
    id: str
    owner: str
    name: str
    format: str
    mapping: ColumnMapping
    created_at: datetime
    updated_at: datetime


@dataclass
class ImportJob:
    id: str
    owner: str
    team: str
    territory: str
    status: str
    format: str
    dry_run: bool
    allow_duplicates: bool
    mapping_name: str
    mapping: ColumnMapping | None  # None: columns named like fields map to them (CSV), or vCard's own mapping
    file_name: str
    file_size: int
    created_at: datetime
    updated_at: datetime
    encoding: str = ""
    rows_total: int = 0
    rows_done: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    rows_duplicate: int = 0
    error: str = ""
    lease_owner: str = ""
    lease_until: datetime | None = None
    finished_at: datetime | None = None

    @property
    def owner_viewer(self) -> Viewer:
        """Whom the imported persons belong to: the user who started the import, with their team and territory."""
        return Viewer(self.owner, self.team, self.territory)

    @property
    def progress(self) -> float:
        if self.status == "done":
            return 1.0
        return min(1.0, self.rows_done / self.rows_total) if self.rows_total else 0.0

    def is_visible_to(self, viewer: Viewer) -> bool:
        return viewer.is_admin or viewer.subject == self.owner


@dataclass(frozen=True)
class RowOutcome:
    """A row that needs the user's attention: rejected (with errors) or a duplicate (with candidates)."""

    row_number: int
    outcome: str
    raw: str
    errors: tuple[RowError, ...] = ()
    candidates: tuple[dict, ...] = ()  # {"person_id", "score", "reasons"} or {"row", "reasons"} within the file
    person_id: str = ""


def mapping_to_json(mapping: ColumnMapping | None) -> dict | None:
    if mapping is None:
        return None
    o = mapping.options
    return {
        "columns": [list(pair) for pair in mapping.columns],
        "options": {"phone_region": o.phone_region, "date_format": o.date_format, "separator": o.separator,
                    "encoding": o.encoding, "delimiter": o.delimiter},
    }


def mapping_from_json(raw: dict | None) -> ColumnMapping | None:
    if raw is None:
        return None
    return ColumnMapping(tuple((c, t) for c, t in raw["columns"]), MappingOptions(**raw["options"]))
