"""Money in integer minor units of an ISO 4217 currency, and the one rounding rule every amount follows.

Rounding: half-up (half away from zero), applied once per computed line amount (a line's discount, a line's tax),
never to totals, which are exact sums of the rounded line amounts, so that an order's totals always equal the sum
of its lines as an ERP will check them. Forecast figures are exact rationals rounded half-up once per answer row.
"""
from __future__ import annotations

from dataclasses import dataclass

from crm_chassis.errors import Violations

# The documented ceiling of every amount, given or computed: 10^15 - 1 minor units (9,999,999,999,999.99 EUR).
# It fits PostgreSQL BIGINT (int64) with room for sums, and a JSON reader holding numbers as doubles reads it exactly.
MAX_AMOUNT_MINOR = 10**15 - 1
INT64_MAX = 2**63 - 1
BASIS_POINTS = 10_000  # rates (discounts, taxes, probabilities) are in basis points: 1,950 = 19.5 %

# ISO 4217 active currency codes (list one, 2025) and their minor-unit exponent. Codes whose minor unit is
# "N.A." (gold, SDR, test codes, ...) are left out: they name no money a quote can be written in.
_EXPONENT_0 = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
_EXPONENT_3 = "BHD IQD JOD KWD LYD OMR TND"
_EXPONENT_4 = "CLF UYW"
_EXPONENT_2 = (
    "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF "
    "CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG "
    "HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR "
    "MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD "
    "SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG "
    "YER ZAR ZMW ZWG"
)
CURRENCY_EXPONENTS: dict[str, int] = {
    **{c: 0 for c in _EXPONENT_0.split()},
    **{c: 2 for c in _EXPONENT_2.split()},
    **{c: 3 for c in _EXPONENT_3.split()},
    **{c: 4 for c in _EXPONENT_4.split()},
}


def is_currency(code: str) -> bool:
    return code in CURRENCY_EXPONENTS


def exponent(currency: str) -> int:
    """Digits after the decimal point: 2 for EUR, 0 for JPY, 3 for KWD."""
    return CURRENCY_EXPONENTS[currency]


def check_currency(currency: str, field: str, problems: Violations) -> None:
    if not currency:
        problems.add(field, "is required (an ISO 4217 code such as EUR)")
    elif not is_currency(currency):
        problems.add(field, f"{currency!r} is not an ISO 4217 currency code")


def check_amount(amount_minor: int, field: str, problems: Violations, *, allow_zero: bool = True) -> None:
    """Non-negative and at most MAX_AMOUNT_MINOR; reports once, naming the field."""
    if amount_minor < 0:
        problems.add(field, "must not be negative")
    elif amount_minor > MAX_AMOUNT_MINOR:
        problems.add(field, f"must be at most {MAX_AMOUNT_MINOR} minor units")
    elif not allow_zero and amount_minor == 0:
        problems.add(field, "must be greater than zero")


def check_rate(rate_bp: int, field: str, problems: Violations, *, maximum: int = BASIS_POINTS) -> None:
    if rate_bp < 0:
        problems.add(field, "must not be negative")
    elif rate_bp > maximum:
        problems.add(field, f"must be at most {maximum} basis points")


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest integer, halves away from zero; exact for any size."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def apply_rate(amount_minor: int, rate_bp: int) -> int:
    """amount × rate, e.g. a 19 % tax (1,900 bp) on 5,397 → 1,025 (1,025.43 rounded half-up)."""
    return round_half_up(amount_minor * rate_bp, BASIS_POINTS)


def format_amount(amount_minor: int, currency: str) -> str:
    """A plain decimal reading for logs and documents: (123456, "EUR") → "1234.56 EUR", (5, "JPY") → "5 JPY"."""
    digits = exponent(currency)
    sign = "-" if amount_minor < 0 else ""
    whole, fraction = divmod(abs(amount_minor), 10**digits)
    return f"{sign}{whole}.{fraction:0{digits}d} {currency}" if digits else f"{sign}{whole} {currency}"


@dataclass(frozen=True)
class Money:
    """An amount in minor units of one currency; arithmetic across currencies is a programming error."""

    amount_minor: int
    currency: str

    def __add__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.amount_minor + other.amount_minor, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.amount_minor - other.amount_minor, self.currency)

    def times(self, quantity: int) -> "Money":
        return Money(self.amount_minor * quantity, self.currency)

    def rate(self, rate_bp: int) -> "Money":
        return Money(apply_rate(self.amount_minor, rate_bp), self.currency)

    def within_limits(self) -> bool:
        return 0 <= self.amount_minor <= MAX_AMOUNT_MINOR

    def _same(self, other: "Money") -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} with {other.currency}")

    def __str__(self) -> str:
        return format_amount(self.amount_minor, self.currency)
