"""Smoke test of benchmarks/scenario_bench.py with ``--raske``: every part runs (the cluster with a
scheduler and workers as separate processes) and the four RESULT lines come last, in the issue's order."""

from __future__ import annotations

import re

import pytest

LINJER = [
    r"^RESULT case=scenario-ab-sandefjord-10y seconds=[\d.]+ replications=\d+ diff_halfwidth_days=[\d.]+ "
    r"unpaired_halfwidth_days=[\d.]+$",
    r"^RESULT case=scenario-cluster core_s_per_rep_year=[\d.]+ speedup2=[\d.]+ extrap64_s=\d+$",
    r"^RESULT case=scenario-calibration max_occupancy_gap_pp=[\d.]+$",
    r"^RESULT case=scenario-policy-sandefjord-10y ukp_days_diff=-?[\d.]+ ukp_days_diff_lo=-?[\d.]+ "
    r"ukp_days_diff_hi=-?[\d.]+ p90_wait_langtid_diff_days=-?[\d.]+$",
]


def test_raske_gir_fire_result_linjer_sist(scenario_bench, capsys) -> None:
    scenario_bench.main(["--raske"])
    ut = capsys.readouterr().out.strip().splitlines()
    for linje, monster in zip(ut[-4:], LINJER, strict=True):
        assert re.match(monster, linje), linje
    assert any("EKSTRAPOLERT (ikke målt)" in linje for linje in ut)
    assert any(linje.startswith("Hvor tiden går") and "ubalanse" in linje for linje in ut)
    assert any(linje.startswith("| ") and "motoren − manuell" in linje for linje in ut)
    assert any(" gir " in linje and "replikasjoner med felles tilfeldige tall" in linje for linje in ut)


def test_ukjent_del_er_en_feil(scenario_bench) -> None:
    with pytest.raises(SystemExit):
        scenario_bench.main(["--deler", "alt"])
