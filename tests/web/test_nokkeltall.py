"""The managers' headline figures: p90 by nearest rank, median, and the weekly trend from the meeting's decisions
(the current decision at the end of each week, not the solver runs)."""

from __future__ import annotations

from datetime import date, datetime

from api.web.nokkeltall_api import median, p90, ukestrend


def test_p90_og_median() -> None:
    assert p90([]) is None and median([]) is None
    assert p90(list(range(1, 11))) == 9
    assert p90([5]) == 5
    assert p90([30, 10, 20]) == 30
    assert median([3, 1, 2]) == 2.0 and median([4, 1, 2, 3]) == 2.5


def test_ukestrend_fra_beslutninger() -> None:
    idag = date(2026, 12, 9)  # a Wednesday in week 50
    b = [
        ("S-1", "venteliste", datetime(2026, 11, 24, 10)),  # week 48
        ("S-2", "venteliste", datetime(2026, 12, 1, 10)),  # week 49
        ("S-1", "tildelt", datetime(2026, 12, 8, 9)),  # week 50: S-1 gets a place
    ]
    trend = ukestrend(b, idag, uker=4)
    assert [u["uke"] for u in trend] == ["2026-U47", "2026-U48", "2026-U49", "2026-U50"]
    assert [u["venteliste"] for u in trend] == [0, 1, 2, 1]
    assert [u["tildelt"] for u in trend] == [0, 0, 0, 1]
    # the order of the rows does not matter
    assert ukestrend(list(reversed(b)), idag, uker=4) == trend
