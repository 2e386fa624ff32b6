"""benchmarks/ab_funksjoner.py: the old version of a function is compiled from git and swapped into
every module that holds it, and back; a small A/B against HEAD itself gives the same outcome."""

from __future__ import annotations

import re

import allokering.kandidater as K
import allokering.laaspriser as L

AB = re.compile(r"^AB arbeid=ukeloop gammel_s=(?P<g>[\d.]+) ny_s=(?P<n>[\d.]+) forhold=(?P<f>[\d.]+)$")


def test_bytter_gammel_og_ny_overalt(ab_funksjoner) -> None:
    ny = K.saksindeks
    assert L.saksindeks is ny  # laaspriser imports it by name: both places must be swapped
    bruk = ab_funksjoner.bytter(
        "HEAD", ["allokering.kandidater:saksindeks", "allokering.kandidater:Delproblem.dekomponer"]
    )
    ny_metode = K.Delproblem.dekomponer
    try:
        bruk("gammel")
        assert K.saksindeks is not ny and L.saksindeks is K.saksindeks
        assert K.Delproblem.dekomponer is not ny_metode
        assert K.saksindeks.__code__.co_filename.startswith("HEAD:")
    finally:
        bruk("ny")
    assert K.saksindeks is ny and L.saksindeks is ny and K.Delproblem.dekomponer is ny_metode


def test_liten_ab_mot_head(ab_funksjoner, capsys) -> None:
    res = ab_funksjoner.main(["--mot", "HEAD", "--bytt", "allokering.referanse:_gradig", "--runder", "2"])
    ut = capsys.readouterr().out.strip().splitlines()
    assert "Samme utfall: ja" in ut
    m = AB.match(ut[-1])
    assert m is not None, ut[-1]
    assert res["gammel_s"] > 0 and res["ny_s"] > 0 and res["forhold"] > 0
