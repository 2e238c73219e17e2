"""Finding likely duplicate persons: normalisation, blocking keys and scoring with reasons; plain Python.

Blocking: every person has a few short keys (normalised emails, E.164 phones, phonetic and initial name keys,
postal code); only persons sharing a key are ever compared, so neither the online check nor the batch scan
is quadratic. Scoring: each kind of evidence weighs in by a noisy-or (1 - Π(1 - w)), so two weak signals
together outweigh one, and every signal that counted is named in the reasons.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import jellyfish
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler
from rapidfuzz.fuzz import token_set_ratio, token_sort_ratio

# Weights of each kind of evidence (the chance it alone means "same person").
W_EMAIL = 0.9
W_PHONE = 0.8
W_NAME = 0.7  # an identical name and nothing else: common names are shared by strangers
W_ADDRESS = 0.5
NAME_FLOOR = 0.75  # name similarity below this adds nothing
DIFFERENT_NAMES = 0.7  # a name part less similar than this speaks against the match...
DIFFERENT_NAMES_FACTOR = 0.6  # ...and the score is scaled down (a shared family email or phone)
NAME_KEYS = frozenset({"ni", "np"})  # blocking keys that say only "the names are alike"
GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
# Letters NFKD does not take apart.
_LETTERS = str.maketrans({"ß": "ss", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o",
                          "œ": "oe", "Œ": "oe", "ı": "i", "þ": "th"})
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=65536)  # the scan folds the same names over and over
def fold(text: str) -> str:
    """Lower case, without diacritics or punctuation, single spaces: "Ștefan-Ioan " → "stefan ioan"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return _NOT_ALNUM.sub(" ", plain).strip()


@lru_cache(maxsize=65536)
def normalize_email(address: str) -> str:
    """Case-insensitive; "+tag" sub-addresses dropped; Gmail ignores dots and has two domains."""
    local, _, domain = address.strip().lower().rpartition("@")
    if not local:
        return address.strip().lower()
    local = local.split("+", 1)[0] or local
    if domain in GMAIL_DOMAINS:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def normalize_postal_code(code: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", code.upper())


@dataclass(frozen=True)
class Address:
    lines: tuple[str, ...] = ()
    postal_code: str = ""
    city: str = ""
    country: str = ""


@dataclass(frozen=True)
class Probe:
    """What matching looks at in a person (a stored one or one about to be written)."""

    id: str = ""
    given_name: str = ""
    family_name: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()  # E.164
    addresses: tuple[Address, ...] = ()
    display_name: str = field(default="", compare=False)

    @classmethod
    def of(cls, person) -> "Probe":
        """From a domain Person (or anything shaped like one)."""
        return cls(
            id=person.id,
            given_name=person.given_name,
            family_name=person.family_name,
            emails=tuple(e.address for e in person.emails),
            phones=tuple(p.number for p in person.phones),
            addresses=tuple(Address(tuple(a.lines), a.postal_code, a.city, a.country) for a in getattr(person, "addresses", ())),
            display_name=" ".join(p for p in (person.given_name, person.family_name) if p),
        )


@lru_cache(maxsize=65536)
def _phonetic(name: str) -> str:
    """Metaphone of the folded name, word by word ("" for no name)."""
    return " ".join(jellyfish.metaphone(word) for word in name.split())


def blocking_keys(probe: Probe) -> set[tuple[str, str]]:
    """(kind, key) pairs; two persons are compared only when they share one.

    Name keys are built so that a typo in either name, or swapped names, still share a key with the original:
    `ni` is one full folded name plus the other's first two letters (both ways round), `np` the two phonetic keys
    sorted (a typo that changes both the other name's start and one name's sound escapes; email and phone keys
    still catch most such copies). `nip`/`npp` are those with the postal code appended.
    """
    keys: set[tuple[str, str]] = set()
    keys.update(("email", normalize_email(e)) for e in probe.emails)
    keys.update(("phone", p) for p in probe.phones)
    given, family = fold(probe.given_name), fold(probe.family_name)
    if given or family:
        for full, other in ((family, given), (given, family)):
            if full:
                keys.add(("ni", f"{full}|{other[:2]}"[:200]))
        keys.add(("np", "|".join(sorted((_phonetic(given), _phonetic(family))))[:200]))
    postal = {f"{a.country.upper()}|{normalize_postal_code(a.postal_code)}" for a in probe.addresses if normalize_postal_code(a.postal_code)}
    keys.update(("postal", code) for code in postal)
    # Name and postal code together: small blocks even where a name is common, for the scan (a namesake can
    # only pass its minimum with address evidence, which needs the same postal code).
    keys.update((f"{kind}p", f"{key}|{code}"[:200]) for kind, key in list(keys) if kind in NAME_KEYS for code in postal)
    return keys


@dataclass(frozen=True)
class Match:
    """A candidate duplicate of a probe: score in 0..1 and the reasons, strongest first."""

    person_id: str
    score: float
    reasons: tuple[str, ...]
    display_name: str = ""


SOUNDS_ALIKE = 0.9  # names with the same phonetic key ("Deo" and "Doe", "Stefan" and "Stephan")


def _similar(a: str, b: str) -> float:
    """Typos and transpositions: the best of Jaro-Winkler, normalised Damerau-Levenshtein and sounding alike
    (short names need the last: Jaro-Winkler sees no transposition in "deo"/"doe")."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    alike = SOUNDS_ALIKE if _phonetic(a) == _phonetic(b) else 0.0
    return max(JaroWinkler.similarity(a, b), DamerauLevenshtein.normalized_similarity(a, b), alike)


def name_similarity(a: Probe, b: Probe) -> tuple[float, float, bool]:
    """(similarity, weakest part, swapped): names compared as written and with given and family name exchanged.

    The similarity is the mean over the name parts present; the weakest part says whether the two are simply
    different people sharing a family name ("Maria Popescu" and "Ion Popescu").
    """
    ga, fa, gb, fb = fold(a.given_name), fold(a.family_name), fold(b.given_name), fold(b.family_name)

    def pair(x1: str, y1: str, x2: str, y2: str) -> tuple[float, float]:
        # A part only one side has ("Ana" against "Ana Pop") neither matches nor differs; it only lowers the mean.
        parts = [_similar(p, q) for p, q in ((x1, x2), (y1, y2)) if p and q]
        if not parts:
            return 0.0, 1.0
        one_sided = sum(1 for p, q in ((x1, x2), (y1, y2)) if bool(p) != bool(q))
        return sum(parts) / len(parts) * (0.9 if one_sided else 1.0), min(parts)

    straight, crossed = pair(ga, fa, gb, fb), pair(ga, fa, fb, gb)
    # Strictly better crossed: "Ion Ion" against itself is not swapped.
    return (*crossed, True) if crossed[0] > straight[0] else (*straight, False)


def _address_similarity(a: Probe, b: Probe) -> float:
    best = 0.0
    for x in a.addresses:
        for y in b.addresses:
            if x.country.upper() != y.country.upper():
                continue
            code_x, code_y = normalize_postal_code(x.postal_code), normalize_postal_code(y.postal_code)
            if code_x and code_y and code_x != code_y:
                continue
            if not code_x and fold(x.city) != fold(y.city):
                continue
            line_x, line_y = fold(" ".join(x.lines)), fold(" ".join(y.lines))
            numbers_x, numbers_y = set(re.findall(r"\d+", line_x)), set(re.findall(r"\d+", line_y))
            if numbers_x and numbers_y and not numbers_x & numbers_y:
                continue  # the same street, another house
            street = token_set_ratio(line_x, line_y) / 100 if x.lines and y.lines else 0.0
            best = max(best, street)
    return best


def score(a: Probe, b: Probe) -> Match:
    """How likely `b` is the same person as `a`, and why."""
    weights: list[float] = []
    reasons: list[str] = []
    if {normalize_email(e) for e in a.emails} & {normalize_email(e) for e in b.emails}:
        weights.append(W_EMAIL)
        reasons.append("same email")
    if set(a.phones) & set(b.phones):
        weights.append(W_PHONE)
        reasons.append("same phone")
    similarity, weakest, swapped = name_similarity(a, b)
    if similarity >= NAME_FLOOR:
        weights.append(W_NAME * (similarity - NAME_FLOOR) / (1 - NAME_FLOOR))
        reasons.append("same name" if similarity == 1.0 else f"name similar ({similarity:.2f})")
        if swapped:
            reasons.append("given and family name swapped")
    address = _address_similarity(a, b)
    if address >= 0.8:
        weights.append(W_ADDRESS * address)
        reasons.append("same address" if address == 1.0 else f"address similar ({address:.2f})")
    unlikely = 1.0
    for w in weights:
        unlikely *= 1 - w
    result = 1 - unlikely
    named = bool((a.given_name or a.family_name) and (b.given_name or b.family_name))
    if named and weakest < DIFFERENT_NAMES and result > 0:
        result *= DIFFERENT_NAMES_FACTOR
        reasons.append("names differ")
    return Match(b.id, round(result, 4), tuple(reasons), b.display_name)


def rank(probe: Probe, candidates: Iterable[Probe], threshold: float, exclude: Sequence[str] = ()) -> list[Match]:
    """Candidates scoring at least `threshold`, best first (ties by id, so the order is stable)."""
    skip = set(exclude) | {probe.id}
    matches = [score(probe, c) for c in candidates if c.id not in skip]
    return sorted((m for m in matches if m.score >= threshold), key=lambda m: (-m.score, m.person_id))


# --- accounts: same company under another spelling, by registration id, website, phone or name ---

W_REGISTRATION = 0.95
W_WEBSITE = 0.8
W_ACCOUNT_PHONE = 0.6  # a switchboard is shared by a group's companies more often than a person's phone
W_ACCOUNT_NAME = 0.75
W_ACCOUNT_EMAIL = 0.8  # office@ and invoices@ addresses belong to one company, like its website
# Legal forms and filler words that say nothing about which company it is.
LEGAL_WORDS = frozenset(
    "srl sa sc scs snc pfa ii if ra ltd limited plc llp llc inc corp corporation co company cie gmbh ag kg ohg ug ev mbh bv nv "
    "spa srl sas sarl kft zrt nyrt rt group grup holding holdings the and".split()
)
_URL_HOST = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^@/]*@)?([^/:?#]+)", re.IGNORECASE)


def company_name(name: str) -> str:
    """The words that tell a company apart: folded, without legal forms ("S.C. Carpați Trans S.R.L." → "carpati trans")."""
    words = fold(name.replace(".", "")).split()
    kept = [w for w in words if w not in LEGAL_WORDS]
    return " ".join(kept or words)


def website_domain(url: str) -> str:
    match = _URL_HOST.match(url.strip())
    host = match.group(1).lower().rstrip(".") if match else ""
    return host.removeprefix("www.")


def normalize_registration(kind: str, value: str) -> str:
    """Upper case alphanumerics; a VAT number without its country prefix, so that RO12345678 equals the CUI 12345678."""
    plain = re.sub(r"[^0-9A-Z]", "", value.upper())
    if kind == "vat" and len(plain) > 2 and plain[:2].isalpha():
        plain = plain[2:]
    return plain


@dataclass(frozen=True)
class AccountProbe:
    id: str = ""
    name: str = ""
    legal_name: str = ""
    registrations: tuple[tuple[str, str], ...] = ()  # (kind, value)
    websites: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    display_name: str = field(default="", compare=False)

    @classmethod
    def of(cls, account) -> "AccountProbe":
        return cls(
            id=account.id, name=account.name, legal_name=account.legal_name,
            registrations=tuple((r.kind, r.value) for r in account.registration_ids),
            websites=tuple(w.url for w in account.websites), phones=tuple(p.number for p in account.phones),
            emails=tuple(e.address for e in account.emails), display_name=account.name,
        )

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n for n in (company_name(self.name), company_name(self.legal_name)) if n))


def account_blocking_keys(probe: AccountProbe) -> set[tuple[str, str]]:
    """`reg` registration ids, `web` website domains, `phone`, `email` (normalised), `an` each company name, `aw` each
    name word of 4+ letters."""
    keys: set[tuple[str, str]] = set()
    keys.update(("reg", normalize_registration(k, v)) for k, v in probe.registrations if normalize_registration(k, v))
    keys.update(("web", website_domain(u)[:200]) for u in probe.websites if website_domain(u))
    keys.update(("phone", p) for p in probe.phones)
    keys.update(("email", normalize_email(e)[:200]) for e in probe.emails)
    for name in probe.names:
        keys.add(("an", name[:200]))
        keys.update(("aw", word[:200]) for word in name.split() if len(word) >= 4)
    return keys


def account_score(a: AccountProbe, b: AccountProbe) -> Match:
    weights: list[float] = []
    reasons: list[str] = []
    same_registration = bool({normalize_registration(k, v) for k, v in a.registrations} & {normalize_registration(k, v) for k, v in b.registrations} - {""})
    if same_registration:
        weights.append(W_REGISTRATION)
        reasons.append("same registration id")
    if {website_domain(u) for u in a.websites} & {website_domain(u) for u in b.websites} - {""}:
        weights.append(W_WEBSITE)
        reasons.append("same website")
    if set(a.phones) & set(b.phones):
        weights.append(W_ACCOUNT_PHONE)
        reasons.append("same phone")
    if {normalize_email(e) for e in a.emails} & {normalize_email(e) for e in b.emails}:
        weights.append(W_ACCOUNT_EMAIL)
        reasons.append("same email")
    # Whole-name edit distance and word-order-free ratio; not Jaro-Winkler, whose prefix bonus would make
    # "Carpați Trans" and "Carpați Logistic" alike.
    similarity = max(
        (max(DamerauLevenshtein.normalized_similarity(x, y), token_sort_ratio(x, y) / 100) for x in a.names for y in b.names), default=0.0
    )
    if similarity >= NAME_FLOOR:
        weights.append(W_ACCOUNT_NAME * (similarity - NAME_FLOOR) / (1 - NAME_FLOOR))
        reasons.append("same name" if similarity == 1.0 else f"name similar ({similarity:.2f})")
    unlikely = 1.0
    for w in weights:
        unlikely *= 1 - w
    result = 1 - unlikely
    if a.names and b.names and similarity < DIFFERENT_NAMES and result > 0:
        # A registration id names one legal entity whatever it is called now (renamed, or a trading name);
        # a website, email or phone may be a group's, shared by companies with other names.
        if not same_registration:
            result *= DIFFERENT_NAMES_FACTOR
        reasons.append("names differ")
    return Match(b.id, round(result, 4), tuple(reasons), b.display_name)


def rank_accounts(probe: AccountProbe, candidates: Iterable[AccountProbe], threshold: float, exclude: Sequence[str] = ()) -> list[Match]:
    skip = set(exclude) | {probe.id}
    matches = [account_score(probe, c) for c in candidates if c.id not in skip]
    return sorted((m for m in matches if m.score >= threshold), key=lambda m: (-m.score, m.person_id))
