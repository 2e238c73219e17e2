"""The search language of persons and accounts: tokens, a parser to a small AST, field checks and sort orders.

Plain Python: the SQL is made by adapters/search_sql.py from the AST. Every error names the 1-based column
where the problem starts, e.g. "column 12: unknown field 'citty'; did you mean 'city'?".

    query      := or_expr
    or_expr    := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | "(" or_expr ")" | "exists" "(" field ")" | comparison
    comparison := field ( op value | ["not"] "in" "(" value ("," value)* ")"
                        | "between" value "and" value | "within" number unit )
    op         := "=" | "!=" | "<" | "<=" | ">" | ">=" | "~" | "^="
    value      := "string" | number | YYYY-MM-DD | true | false
    unit       := day[s] | week[s] | month[s] | year[s]
"""
from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

MAX_QUERY_LENGTH = 4000
MAX_DEPTH = 50
MAX_IN_VALUES = 1000

KEYWORDS = frozenset({"and", "or", "not", "in", "between", "within", "exists", "true", "false"})
UNITS = {"day": "days", "days": "days", "week": "weeks", "weeks": "weeks", "month": "months", "months": "months",
         "year": "years", "years": "years"}
OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "~", "^=")


class QueryError(Exception):
    """A problem at a place in the query text (column is 1-based)."""

    def __init__(self, column: int, message: str):
        super().__init__(f"column {column}: {message}")
        self.column = column
        self.message = message


# --- tokens ---


@dataclass(frozen=True)
class Token:
    kind: str  # ident, keyword, string, number, date, op, (, ), ",", end
    text: str  # the raw text (strings: without quotes and with escapes resolved)
    column: int


_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<date>\d{4}-\d{2}-\d{2}(?![\w.-]))
  | (?P<number>-?\d+(?:\.\d+)?(?![\w.]))
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<op>!=|<=|>=|\^=|=|<|>|~)
  | (?P<punct>[(),])
  | (?P<quote>["'])
    """,
    re.VERBOSE,
)
_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "n": "\n", "t": "\t"}


def tokenize(text: str) -> list[Token]:
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(MAX_QUERY_LENGTH + 1, f"the query is longer than {MAX_QUERY_LENGTH} characters")
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        match = _TOKEN.match(text, i)
        column = i + 1
        if match is None:
            raise QueryError(column, f"unexpected character {text[i]!r}")
        kind = match.lastgroup
        if kind == "quote":
            value, i = _string(text, i)
            tokens.append(Token("string", value, column))
            continue
        i = match.end()
        if kind == "space":
            continue
        raw = match.group()
        if kind == "ident" and raw.lower() in KEYWORDS:
            tokens.append(Token("keyword", raw.lower(), column))
        elif kind == "punct":
            tokens.append(Token(raw, raw, column))
        else:
            tokens.append(Token(kind, raw, column))
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


def _string(text: str, start: int) -> tuple[str, int]:
    quote = text[start]
    out: list[str] = []
    i = start + 1
    while i < len(text):
        ch = text[i]
        if ch == quote:
            return "".join(out), i + 1
        if ch == "\\":
            if i + 1 >= len(text) or text[i + 1] not in _ESCAPES:
                raise QueryError(i + 1, "unknown escape in string (use \\\" \\' \\\\ \\n \\t)")
            out.append(_ESCAPES[text[i + 1]])
            i += 2
            continue
        out.append(ch)
        i += 1
    raise QueryError(start + 1, "string is not closed")


# --- the tree ---


@dataclass(frozen=True)
class Literal:
    kind: str  # string, number, date, bool
    value: object  # str, Decimal, date, bool
    text: str  # as written (a number compared with a text field is its text)
    column: int


@dataclass(frozen=True)
class Comparison:
    field: str  # lower-cased, aliases not yet resolved
    op: str  # = != < <= > >= ~ ^= in between within exists
    values: tuple[Literal, ...]  # in: many; between: two; within: (amount, unit as string); exists: none
    column: int  # of the field
    op_column: int


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node
    column: int


Node = Comparison | And | Or | Not


def parse(text: str) -> Node | None:
    """The tree of a query; None for an empty query (everything visible)."""
    tokens = tokenize(text)
    if tokens[0].kind == "end":
        return None
    return _Parser(tokens).parse()


class _Parser:
    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.i = 0
        self.depth = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def is_keyword(self, word: str) -> bool:
        return self.token.kind == "keyword" and self.token.text == word

    def expect(self, kind: str, what: str) -> Token:
        if self.token.kind != kind:
            raise QueryError(self.token.column, f"expected {what}, found {_describe(self.token)}")
        return self.take()

    def parse(self) -> Node:
        node = self.or_expr()
        if self.token.kind != "end":
            hint = " (use 'and' or 'or' between conditions)" if self.token.kind in ("ident", "(") else ""
            raise QueryError(self.token.column, f"unexpected {_describe(self.token)}{hint}")
        return node

    def or_expr(self) -> Node:
        items = [self.and_expr()]
        while self.is_keyword("or"):
            self.take()
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self) -> Node:
        items = [self.not_expr()]
        while self.is_keyword("and"):
            self.take()
            items.append(self.not_expr())
        return items[0] if len(items) == 1 else And(tuple(items))

    def not_expr(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError(self.token.column, f"the query nests deeper than {MAX_DEPTH} levels")
        try:
            if self.is_keyword("not"):
                column = self.take().column
                return Not(self.not_expr(), column)
            if self.token.kind == "(":
                self.take()
                node = self.or_expr()
                self.expect(")", "')'")
                return node
            if self.is_keyword("exists"):
                start = self.take()
                self.expect("(", "'(' after exists")
                field = self.field()
                self.expect(")", "')'")
                return Comparison(field.text.lower(), "exists", (), field.column, start.column)
            return self.comparison()
        finally:
            self.depth -= 1

    def field(self) -> Token:
        if self.token.kind == "keyword":
            raise QueryError(self.token.column, f"expected a field name, found the keyword '{self.token.text}'")
        return self.expect("ident", "a field name")

    def comparison(self) -> Comparison:
        field = self.field()
        name = field.text.lower()
        token = self.token
        if token.kind == "op":
            self.take()
            return Comparison(name, token.text, (self.value(),), field.column, token.column)
        if token.kind == "keyword" and token.text in ("in", "not"):
            negated = token.text == "not"
            self.take()
            if negated:
                if not self.is_keyword("in"):
                    raise QueryError(self.token.column, f"expected 'in' after 'not', found {_describe(self.token)}")
                self.take()
            self.expect("(", "'(' and a list of values")
            values = [self.value()]
            while self.token.kind == ",":
                self.take()
                values.append(self.value())
            self.expect(")", "',' or ')'")
            if len(values) > MAX_IN_VALUES:
                raise QueryError(token.column, f"at most {MAX_IN_VALUES} values in a list")
            node = Comparison(name, "in", tuple(values), field.column, token.column)
            return Not(node, token.column) if negated else node
        if token.kind == "keyword" and token.text == "between":
            self.take()
            low = self.value()
            if not self.is_keyword("and"):
                raise QueryError(self.token.column, f"expected 'and' in 'between ... and ...', found {_describe(self.token)}")
            self.take()
            return Comparison(name, "between", (low, self.value()), field.column, token.column)
        if token.kind == "keyword" and token.text == "within":
            self.take()
            amount = self.expect("number", "a number of days, weeks, months or years")
            if not amount.text.isdigit():
                raise QueryError(amount.column, "expected a whole, positive number")
            unit = self.token
            if unit.kind != "ident" or unit.text.lower() not in UNITS:
                raise QueryError(unit.column, f"expected days, weeks, months or years, found {_describe(unit)}")
            self.take()
            return Comparison(
                name, "within",
                (Literal("number", Decimal(amount.text), amount.text, amount.column),
                 Literal("string", UNITS[unit.text.lower()], unit.text, unit.column)),
                field.column, token.column,
            )
        raise QueryError(token.column, f"expected an operator (= != < <= > >= ~ ^= in between within) after '{field.text}', "
                                       f"found {_describe(token)}")

    def value(self) -> Literal:
        token = self.token
        if token.kind == "string":
            self.take()
            return Literal("string", token.text, token.text, token.column)
        if token.kind == "number":
            self.take()
            return Literal("number", Decimal(token.text), token.text, token.column)
        if token.kind == "date":
            self.take()
            try:
                return Literal("date", date.fromisoformat(token.text), token.text, token.column)
            except ValueError:
                raise QueryError(token.column, f"'{token.text}' is not a date") from None
        if token.kind == "keyword" and token.text in ("true", "false"):
            self.take()
            return Literal("bool", token.text == "true", token.text, token.column)
        if token.kind == "ident":
            raise QueryError(token.column, f"expected a value, found '{token.text}' (put text in double quotes)")
        raise QueryError(token.column, f"expected a value, found {_describe(token)}")


def _describe(token: Token) -> str:
    if token.kind == "end":
        return "the end of the query"
    if token.kind == "string":
        return f'the string "{token.text}"'
    if token.kind == "keyword":
        return f"the keyword '{token.text}'"
    return f"'{token.text}'"


# --- fields: what each entity offers, and the checks of a tree against them ---

TEXT = "text"  # one text value: = != ^= ~ in exists
NAME = "name"  # full text over name tokens: ~ (every word prefix-matches a token), also =
MULTI_TEXT = "multi_text"  # several text values (emails, tags, cities): a condition holds when any value matches
DATE = "date"
TIME = "time"  # a timestamp: compared by UTC day with dates
NUMBER = "number"
BOOL = "bool"

_OPS = {
    TEXT: {"=", "!=", "^=", "~", "in", "exists"},
    MULTI_TEXT: {"=", "!=", "^=", "~", "in", "exists"},
    NAME: {"~", "=", "^=", "exists"},
    DATE: {"=", "!=", "<", "<=", ">", ">=", "in", "between", "within", "exists"},
    TIME: {"=", "!=", "<", "<=", ">", ">=", "between", "within", "exists"},
    NUMBER: {"=", "!=", "<", "<=", ">", ">=", "in", "between", "exists"},
    BOOL: {"=", "!=", "exists"},
}
_KIND_WORDS = {TEXT: "text", MULTI_TEXT: "text", NAME: "a name", DATE: "a date (YYYY-MM-DD)", TIME: "a date (YYYY-MM-DD)",
               NUMBER: "a number", BOOL: "true or false"}
_KIND_NAMES = {TEXT: "text", MULTI_TEXT: "text", NAME: "a name", DATE: "a date", TIME: "a time", NUMBER: "a number", BOOL: "true or false"}


@dataclass(frozen=True)
class FieldSpec:
    kind: str
    sortable: bool = False
    multi: bool = False  # the row value is a list (shown joined by "; ")


def check(node: Node | None, fields: Mapping[str, FieldSpec], aliases: Mapping[str, str] | None = None) -> Node | None:
    """Resolves aliases and checks every comparison against the fields; raises all problems found, in order."""
    problems: list[QueryError] = []
    resolved = _check(node, fields, aliases or {}, problems) if node is not None else None
    if problems:
        raise QueryErrors(problems)
    return resolved


class QueryErrors(Exception):
    def __init__(self, errors: list[QueryError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def resolve_field(name: str, column: int, fields: Mapping[str, FieldSpec], aliases: Mapping[str, str]) -> str:
    name = aliases.get(name, name)
    if name in fields:
        return name
    if name.startswith("cf."):
        raise QueryError(column, f"no custom field '{name[3:]}' is defined")
    if name.startswith("account.") and not any(f.startswith("account.") for f in fields):
        raise QueryError(column, f"unknown field '{name}': filters on linked accounts are not available")
    close = difflib.get_close_matches(name, [*fields, *aliases], n=1, cutoff=0.75)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise QueryError(column, f"unknown field '{name}'{hint}")


def _check(node: Node, fields, aliases, problems: list[QueryError]) -> Node:
    if isinstance(node, And):
        return And(tuple(_check(n, fields, aliases, problems) for n in node.items))
    if isinstance(node, Or):
        return Or(tuple(_check(n, fields, aliases, problems) for n in node.items))
    if isinstance(node, Not):
        return Not(_check(node.item, fields, aliases, problems), node.column)
    try:
        name = resolve_field(node.field, node.column, fields, aliases)
    except QueryError as exc:
        problems.append(exc)
        return node
    spec = fields[name]
    if node.op not in _OPS[spec.kind]:
        problems.append(QueryError(node.op_column, f"'{node.op}' cannot be used with {name} ({_KIND_NAMES[spec.kind]})"))
        return node
    values = node.values if node.op != "within" else ()
    converted = []
    for literal in values:
        try:
            converted.append(_convert(literal, spec.kind, name))
        except QueryError as exc:
            problems.append(exc)
    if node.op == "within":
        converted = list(node.values)
    return Comparison(name, node.op, tuple(converted), node.column, node.op_column)


def _convert(literal: Literal, kind: str, name: str) -> Literal:
    """The literal as the field's kind wants it: text from numbers, dates from ISO strings, numbers from strings."""
    if kind in (TEXT, MULTI_TEXT, NAME):
        if literal.kind in ("string", "number", "date"):
            return Literal("string", literal.text, literal.text, literal.column)
    elif kind in (DATE, TIME):
        if literal.kind == "date":
            return literal
        if literal.kind == "string":
            try:
                return Literal("date", date.fromisoformat(literal.text), literal.text, literal.column)
            except ValueError:
                pass
    elif kind == NUMBER:
        if literal.kind == "number":
            return literal
        if literal.kind == "string":
            try:
                return Literal("number", Decimal(literal.text), literal.text, literal.column)
            except InvalidOperation:
                pass
    elif kind == BOOL and literal.kind == "bool":
        return literal
    raise QueryError(literal.column, f"{name} expects {_KIND_WORDS[kind]}, not {_literal_words(literal)}")


def _literal_words(literal: Literal) -> str:
    return {"string": f'"{literal.text}"', "number": f"the number {literal.text}", "date": f"the date {literal.text}",
            "bool": literal.text}[literal.kind]


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (clamped to the month's last day)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def within_start(today: date, amount: int, unit: str) -> date:
    """The first day of "within N units" ending today."""
    if unit == "days":
        return today - timedelta(days=amount)
    if unit == "weeks":
        return today - timedelta(weeks=amount)
    if unit == "months":
        return months_before(today, amount)
    return months_before(today, 12 * amount)


# --- normalised name tokens (full text on names) ---

_WORD = re.compile(r"[0-9a-z]+")


def fold(text: str) -> str:
    """Lower case without diacritics: "Ștefan Țăranu" → "stefan taranu"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("ß", "ss").replace("ł", "l").replace("đ", "d")


def name_tokens(*names: str) -> list[str]:
    """The distinct words of names, folded, in order; what `name ~ "..."` prefix-matches."""
    seen: dict[str, None] = {}
    for name in names:
        for word in _WORD.findall(fold(name or "")):
            seen.setdefault(word[:100], None)
    return list(seen)


# --- sort orders and columns ---


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool


_SORT_ITEM = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_.]*)(?:\s+(asc|desc))?\s*$", re.IGNORECASE)


def parse_order_by(text: str, fields: Mapping[str, FieldSpec], aliases: Mapping[str, str] | None = None) -> tuple[SortKey, ...]:
    """ "family_name desc, created_time" → sort keys; errors name the column in the text. Empty: ()."""
    aliases = aliases or {}
    keys: list[SortKey] = []
    errors: list[QueryError] = []
    offset = 0
    if not text.strip():
        return ()
    seen: set[str] = set()
    for part in text.split(","):
        column = offset + len(part) - len(part.lstrip()) + 1
        offset += len(part) + 1
        match = _SORT_ITEM.match(part)
        if match is None:
            errors.append(QueryError(column, f"expected 'field', 'field asc' or 'field desc', found '{part.strip()}'"))
            continue
        try:
            name = resolve_field(match.group(1).lower(), column, fields, aliases)
        except QueryError as exc:
            errors.append(exc)
            continue
        if not fields[name].sortable:
            errors.append(QueryError(column, f"cannot sort by {name}"))
            continue
        if name in seen:
            errors.append(QueryError(column, f"{name} is named twice"))
            continue
        seen.add(name)
        keys.append(SortKey(name, (match.group(2) or "asc").lower() == "desc"))
    if errors:
        raise QueryErrors(errors)
    return tuple(keys)


def check_columns(columns: Iterable[str], fields: Mapping[str, FieldSpec], aliases: Mapping[str, str] | None = None) -> dict[int, str]:
    """Problems of requested columns by position (empty when all are known)."""
    problems: dict[int, str] = {}
    for i, name in enumerate(columns):
        try:
            resolve_field(name.lower(), 1, fields, aliases or {})
        except QueryError as exc:
            problems[i] = exc.message
    return problems


def fingerprint(*parts: object) -> str:
    """A short digest tying a page token to the query and order it was made for."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:12]
