"""Scenario comparison as paired differences (common random numbers): the mean difference per year and a 95 %
confidence interval from the spread of the per-replication differences."""

from __future__ import annotations

import pandas as pd
import pytest

from api.web.scenario_api import parvise_forskjeller


def _uker(niva: list[float], tillegg: float) -> pd.DataFrame:
    rader = []
    for rep, x in enumerate(niva):
        for uke in range(4):
            rader.append({"rep": rep, "aar": 2026, "venteliste_langtid": x + tillegg + uke, "ukp_dogn": 1})
    return pd.DataFrame(rader)


def test_parvis_forskjell_og_intervall() -> None:
    niva = [10.0, 30.0, 50.0, 70.0]  # large spread between replications, shared by A and B
    a = _uker(niva, 0.0)
    b = _uker(niva, 2.0)
    b.loc[b["rep"] == 0, "venteliste_langtid"] += 1.0  # the differences are 3, 2, 2, 2
    (rad,) = parvise_forskjeller(a, b)
    assert rad["aar"] == 2026 and rad["replikasjoner"] == 4
    assert rad["venteliste_langtid"] == pytest.approx(2.25)
    # paired: the interval reflects only the spread of the differences (sd 0,5), not of the levels (sd ≈ 26)
    assert 2.25 - 1.0 < rad["venteliste_langtid_ki_lav"] < 2.25 < rad["venteliste_langtid_ki_hoy"] < 2.25 + 1.0
    assert rad["ukp_dogn"] == 0 and rad["ukp_dogn_ki_lav"] == 0 and rad["ukp_dogn_ki_hoy"] == 0
    # the order of the rows does not matter
    assert parvise_forskjeller(a.sample(frac=1, random_state=1), b.sample(frac=1, random_state=2)) == [rad]
