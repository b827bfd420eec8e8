"""Calendar arithmetic the rules contract asks for: ISO 8601 durations, whole-day spans, birthdays.

"N months before D" is calendar arithmetic that clamps to the end of the month
(29 February minus one year is 28 February), which is what relativedelta does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

_DURATION = re.compile(r"^P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<days>\d+)D)?$")


@dataclass(frozen=True, order=True)
class Duration:
    """A calendar duration in years, months and days, written in ISO 8601 as P5Y, P12M, P30D."""

    years: int = 0
    months: int = 0
    days: int = 0

    @classmethod
    def parse(cls, text: str) -> Duration:
        match = _DURATION.match(text)
        if match is None or text == "P":
            raise ValueError(f"{text!r} is not an ISO 8601 duration such as P12M, P5Y or P30D")
        return cls(**{unit: int(value or 0) for unit, value in match.groupdict().items()})

    def before(self, day: date) -> date:
        return day - self._delta()

    def after(self, day: date) -> date:
        return day + self._delta()

    def _delta(self) -> relativedelta:
        return relativedelta(years=self.years, months=self.months, days=self.days)

    def __str__(self) -> str:
        parts = ((self.years, "Y"), (self.months, "M"), (self.days, "D"))
        return "P" + ("".join(f"{n}{unit}" for n, unit in parts if n) or "0D")

    def describe(self) -> str:
        """'12 months', '5 years', '30 days', for people to read."""
        words = []
        for n, unit in ((self.years, "year"), (self.months, "month"), (self.days, "day")):
            if n:
                words.append(f"{n} {unit}{'' if n == 1 else 's'}")
        return " ".join(words) or "0 days"


def parse_date(text: str) -> date:
    """Strict YYYY-MM-DD, nothing looser (Python's fromisoformat also takes 20240101)."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def spoken(day: date) -> str:
    """A date as people read it in a reason: 30 June 2024 (evidence keeps YYYY-MM-DD)."""
    return f"{day.day} {day:%B %Y}"


def days(n: int) -> timedelta:
    return timedelta(days=n)


def birthday_in(year: int, born: date) -> date:
    """The day someone born on `born` has their birthday in `year`.

    A 29 February birthday falls on 1 March in a year without 29 February (the rules contract,
    section 4, YOUTH).
    """
    try:
        return born.replace(year=year)
    except ValueError:  # 29 February in a common year
        return date(year, 3, 1)


def nth_birthday(born: date, age: int) -> date:
    return birthday_in(born.year + age, born)


def is_under(age: int, born: date, on: date) -> bool:
    """True when the person has not reached `age` on `on`; a birthday falling on `on` counts as reached."""
    return on < nth_birthday(born, age)


EPOCH = date(1970, 1, 1)


def epoch_days(day: date) -> int:
    """Whole days since 1970-01-01: how the batch screen does its date arithmetic."""
    return (day - EPOCH).days
