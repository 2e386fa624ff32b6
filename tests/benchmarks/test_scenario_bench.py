"""Smoke test of benchmarks/scenario_bench.py on a tiny sweep: both worker counts and the machine
control run in every round, the speed-up line reports every round, and the last line is the RESULT
line."""

from __future__ import annotations

import re

import pytest

RESULT = re.compile(
    r"^RESULT case=scenario-sandefjord-20y-100r seconds=(?P<s>[\d.]+) "
    r"workers1_s=(?P<w1>[\d.]+) workers2_s=(?P<w2>[\d.]+)$"
)


def test_liten_sveip_gir_result_linje(scenario_bench, capsys) -> None:
    scenario_bench.main(["--uker", "2", "--replikasjoner", "2", "--runder", "2", "--uten-tjuearsrep"])
    ut = capsys.readouterr().out.strip().splitlines()
    runder = [linje for linje in ut if linje.startswith("Runde ") and "Dask" in linje]
    assert [linje.split(":")[0] + ":" + linje.split(":")[1].split("arbeider")[0] for linje in runder] == [
        "Runde 1: Dask LocalCluster 1 ",
        "Runde 1: Dask LocalCluster 2 ",
        "Runde 2: Dask LocalCluster 1 ",
        "Runde 2: Dask LocalCluster 2 ",
    ]
    assert any(re.search(r"over 2 runder \(hver runde: [\d.]+×, [\d.]+×\)", linje) for linje in ut), ut
    kontroll = [float(x) for linje in ut for x in re.findall(r"^Runde \d: kontroll, .*: ([\d.]+)×$", linje)]
    assert len(kontroll) == 2 and all(0.5 < k < 3 for k in kontroll), ut
    m = RESULT.match(ut[-1])
    assert m is not None, ut[-1]
    assert float(m["w1"]) > 0 and float(m["w2"]) > 0 and float(m["s"]) > 0


def test_runder_maa_vaere_positivt(scenario_bench) -> None:
    with pytest.raises(SystemExit):
        scenario_bench.main(["--runder", "0"])
