"""Typed field values: dates, money, numbers, booleans, URLs, page names.

Each ``parse_*`` takes a property value as the model holds it (str, int, bool or a list of
referenced names) and returns the typed value, or raises :class:`ValueError` with a message
written for the author of the page.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from bmtools.names import journal_day

CURRENCY_SYMBOLS = {
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "₩": "KRW",
    "₽": "RUB",
    "₺": "TRY",
    "₪": "ILS",
    "₫": "VND",
    "₦": "NGN",
    "R$": "BRL",
}
_MULTIPLIERS = {
    "k": Decimal(1_000),
    "m": Decimal(1_000_000),
    "mm": Decimal(1_000_000),
    "bn": Decimal(1_000_000_000),
    "b": Decimal(1_000_000_000),
}
_MONEY = re.compile(
    r"(?P<code1>[A-Z]{3})?\s*(?P<sym>R\$|[$€£¥₹₩₽₺₪₫₦])?\s*"
    r"(?P<num>-?\d{1,3}(?:[, _]\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?)\s*"
    r"(?P<mult>bn|mm|[kKmMbB])?\s*(?P<code2>[A-Z]{3})?",
)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_URL = re.compile(r"https?://[^\s/$.?#].[^\s]*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __str__(self) -> str:
        return f"{format_amount(self.amount)} {self.currency}"


def format_amount(amount: Decimal) -> str:
    if amount == amount.to_integral_value():
        return f"{int(amount):,}"
    return f"{amount:,.2f}"


def _text(value: Any) -> str:
    if isinstance(value, list):
        if len(value) != 1:
            raise ValueError(f"expected one value, got {len(value)}")
        return str(value[0]).strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def parse_date(value: Any, journal_format: str = "MMM do, yyyy") -> dt.date:
    """``2025-03-14`` or a journal ref (``[[2025-03-14]]``, ``[[Mar 14th, 2025]]``)."""
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        raise ValueError("empty date")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    day = journal_day(text, journal_format)
    if day is None:
        raise ValueError(f"'{text}' is not a date (write YYYY-MM-DD or a journal link)")
    return day


def parse_money(value: Any) -> Money:
    """An amount with its currency: ``90,000,000 USD``, ``USD 1500``, ``€250,000``, ``$1.2M``."""
    text = _text(value)
    m = _MONEY.fullmatch(text)
    if not m or not text:
        raise ValueError(
            f"'{text}' is not an amount of money (write e.g. '250,000 EUR' or '$1.2M')"
        )
    codes = [c for c in (m.group("code1"), m.group("code2")) if c]
    sym = m.group("sym")
    currencies = set(codes) | ({CURRENCY_SYMBOLS[sym]} if sym else set())
    if not currencies:
        raise ValueError(f"'{text}' has no currency (add a code such as USD or a symbol such as €)")
    if len(currencies) > 1:
        raise ValueError(f"'{text}' names two currencies")
    try:
        amount = Decimal(re.sub(r"[, _]", "", m.group("num")))
    except InvalidOperation as exc:
        raise ValueError(f"'{text}' is not an amount of money") from exc
    mult = m.group("mult")
    if mult:
        amount *= _MULTIPLIERS[mult.lower()]
    return Money(
        amount.normalize() if amount != amount.to_integral_value() else amount.quantize(Decimal(1)),
        currencies.pop(),
    )


def parse_number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise ValueError("expected a number, got a boolean")
    if isinstance(value, int):
        return value
    text = _text(value)
    if not _NUMBER.fullmatch(text):
        raise ValueError(f"'{text}' is not a number")
    return float(text) if "." in text else int(text)


def parse_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in ("true", "yes"):
        return True
    if text in ("false", "no"):
        return False
    raise ValueError(f"'{text}' is not true or false")


def parse_url(value: Any) -> str:
    text = _text(value)
    if not _URL.fullmatch(text):
        raise ValueError(f"'{text}' is not an http(s) URL")
    return text


def parse_names(value: Any) -> list[str]:
    """Page names of a page/person field: refs, or plain text naming a page."""
    if isinstance(value, list):
        return [str(v) for v in value]
    text = _text(value)
    return [text] if text else []


def parse_select(value: Any) -> str:
    return _text(value).lower()


PARSERS = {
    "date": parse_date,
    "money": parse_money,
    "number": parse_number,
    "boolean": parse_boolean,
    "url": parse_url,
    "select": parse_select,
    "page": parse_names,
    "person": parse_names,
}
FIELD_TYPES = ("text", "number", "money", "date", "boolean", "select", "page", "person", "url")
