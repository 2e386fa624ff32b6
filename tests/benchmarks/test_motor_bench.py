"""Smoke test of benchmarks/motor_bench.py: --raske on tiny cases, RESULT lines parse, engine ≥ greedy."""

from __future__ import annotations

import re

RESULT = re.compile(
    r"^RESULT case=(?P<case>[\w-]+) engine_s=(?P<engine_s>[\d.]+) highs_s=(?P<highs_s>[\d.]+) "
    r"floor_s=(?P<floor_s>[\d.]+) greedy_obj=(?P<greedy_obj>-?\d+) engine_obj=(?P<engine_obj>-?\d+) "
    r"highs_obj=(?P<highs_obj>-?\d+) proven=(?P<proven>[01]) solve_s=(?P<solve_s>[\d.]+)$"
)


def test_raske_kjoring_gir_result_linjer(motor_bench, capsys) -> None:
    resultater = motor_bench.main(["--raske", "--saker", "oslo-stress,gjentatt", "--highs-tid", "20"])
    ut = capsys.readouterr().out.strip().splitlines()
    linjer = ut[-len(resultater) :]
    funn = [RESULT.match(linje) for linje in linjer]
    assert all(funn), linjer
    assert [m["case"] for m in funn] == ["oslo-stress", "gjentatt"]  # type: ignore[index]
    for m, r in zip(funn, resultater, strict=True):
        assert m is not None
        assert int(m["engine_obj"]) >= int(m["greedy_obj"])
        assert float(m["engine_s"]) > 0 and float(m["floor_s"]) > 0 and float(m["solve_s"]) > 0
        assert abs(float(m["solve_s"]) - r.median("los")) < 1e-3
        if m["proven"] == "1" and r.highs_bevist:
            assert int(m["engine_obj"]) == int(m["highs_obj"])
        if m["case"] == "oslo-stress":  # the profile comes from the engine's timing hook
            assert r.profil[("loes", "totalt")] > 0 and any(k.startswith("familie:") for k, _ in r.profil)
        sj = r.sjekker()
        assert sj["validator ok"] and sj["motor ≥ grådig"] and sj["gulv ≥ motor, HiGHS"], sj


def test_gulvet_er_eksakt_uten_sidebetingelser(motor_bench) -> None:
    """On an open-ended family without couples, locks or movers the flow equals the MIP optimum."""
    from allokering.kandidater import Delproblem, Kandidat
    from allokering.modell import bygg_modell
    from allokering.referanse import highs_mip
    from modeller.kodeverk import Familie

    h = 5
    kand = []
    # three søkere, two units with 1 place each (unit B frees a second place on day 2)
    for i, (s, u, st, v) in enumerate(
        [("a", "A", 0, 10), ("a", "B", 0, 9), ("b", "A", 0, 8), ("b", "B", 2, 7), ("c", "B", 0, 6), ("c", "B", 2, 5)]
    ):
        kand.append(Kandidat(i, (s,), u, st, ((st, h - 1),), v, 0, 0))
    dp = Delproblem(
        familie=Familie.LANGTID,
        horisont=h,
        enheter=["A", "B"],
        institusjon={"A": "I", "B": "I"},
        ledig={"A": [1] * h, "B": [1, 1, 2, 2, 2]},
        ledig_toroms={"A": [0] * h, "B": [0] * h},
        ledige_dobbeltrom={},
        kandidater=kand,
        sokere=["a", "b", "c"],
        prioritet={"a": 1, "b": 1, "c": 1},
        ektepar=[],
        frigjoringer=[],
        laast_til={},
    )
    dp.indekser()
    g = motor_bench.gulv(dp)
    mm = bygg_modell(dp)
    assert g.eksakt
    assert g.verdi == highs_mip(mm, mm.nivaa[0], 10).verdi == 10 + 7 + 6


def test_highs_referansen_regner_en_tom_familie_som_bevist() -> None:
    """A family with no candidates is trivially optimal: the HiGHS reference must not mark it
    «not proven» (HiGHS reports an empty model as «empty», not «optimal»)."""
    from allokering.kandidater import Delproblem
    from allokering.modell import bygg_modell
    from allokering.referanse import highs_mip
    from modeller.kodeverk import Familie

    dp = Delproblem(Familie.AKUTT, 3, [], {}, {}, {}, {}, [], [], {}, [], [], {})
    dp.indekser()
    mm = bygg_modell(dp)
    ref = highs_mip(mm, mm.nivaa[0])
    assert ref.bevist and ref.verdi == 0
