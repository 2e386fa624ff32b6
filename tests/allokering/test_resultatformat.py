"""docs/resultatformat.md and the engine cannot drift: the field tables of the document are parsed and
checked against a real run on the synthetic Tvedestrand demo, in both directions (every documented field
is present when the document says so, and no object carries a field the document does not name)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from allokering.kjoring import kjor
from allokering.loser import Loserparametre
from modeller.generator import last_demo

DOK = Path(__file__).resolve().parents[2] / "docs" / "resultatformat.md"

_OVERSKRIFT = re.compile(r"^#{2,4}\s+`([^`]+)`")
_RAD = re.compile(r"^\|\s*`([^`]+)`\s*\|[^|]*\|\s*([^|]+?)\s*\|")
_NAAR = re.compile(r"^når (\w+) = (\w+)$")


def les_tabeller(tekst: str) -> dict[str, dict[str, str]]:
    """Path → {field: presence} for every field table under a heading naming a path in backticks."""
    tabeller: dict[str, dict[str, str]] = {}
    sti: str | None = None
    for linje in tekst.splitlines():
        if m := _OVERSKRIFT.match(linje):
            sti = m.group(1)
            continue
        if linje.startswith("#"):
            sti = None
        if sti is not None and (m := _RAD.match(linje)):
            tabeller.setdefault(sti, {})[m.group(1)] = m.group(2)
    return tabeller


def objekter(resultat: dict[str, Any], sti: str) -> list[Any]:
    """All objects at a documented path (``resultat``, ``a[].b``, ``objective.*``); null objects are left out."""
    if sti == "resultat":
        return [resultat]
    naa: list[Any] = [resultat]
    for del_ in sti.split("."):
        neste: list[Any] = []
        for o in naa:
            if del_ == "*":
                neste.extend(o.values())
            elif del_.endswith("[]"):
                neste.extend(o[del_[:-2]])
            else:
                neste.append(o[del_])
        naa = [o for o in neste if o is not None]
    return naa


@pytest.fixture(scope="module")
def tabeller() -> dict[str, dict[str, str]]:
    return les_tabeller(DOK.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def resultat() -> dict[str, Any]:
    r = kjor(last_demo("tvedestrand"), Loserparametre()).som_json()
    return json.loads(json.dumps(r, ensure_ascii=False))  # exactly what RESULT.json holds


def test_dokumentet_har_feltabellene(tabeller: dict[str, dict[str, str]]) -> None:
    for sti in (
        "resultat",
        "objective.*",
        "families[]",
        "families[].levels[]",
        "assignments[]",
        "assignments[].periods[]",
        "waiting_list[]",
        "explanations[]",
        "explanations[].rules[]",
        "explanations[].priority",
        "explanations[].outranked_by[]",
        "explanations[].counterfactual",
        "couples[]",
        "ukp",
        "validation",
    ):
        assert tabeller.get(sti), f"docs/resultatformat.md mangler feltabell for `{sti}`"
    for sti, felt in tabeller.items():
        for navn, finnes in felt.items():
            assert finnes in ("alltid", "én av") or _NAAR.match(finnes), f"`{sti}`.`{navn}`: ukjent «{finnes}»"


def test_toppnivaa_stemmer_eksakt(resultat: dict[str, Any], tabeller: dict[str, dict[str, str]]) -> None:
    assert set(resultat) == set(tabeller["resultat"])


def test_hvert_dokumentert_felt_finnes(resultat: dict[str, Any], tabeller: dict[str, dict[str, str]]) -> None:
    for sti, felt in tabeller.items():
        liste = objekter(resultat, sti)
        assert liste, f"demo-kjøringen har ingen objekter på `{sti}` å kontrollere"
        en_av = {n for n, f in felt.items() if f == "én av"}
        for o in liste:
            assert isinstance(o, dict), f"`{sti}` er ikke et objekt"
            ukjente = set(o) - set(felt)
            assert not ukjente, f"`{sti}` har felt som ikke er dokumentert: {sorted(ukjente)}"
            for navn, finnes in felt.items():
                if finnes == "alltid":
                    assert navn in o, f"`{sti}` mangler `{navn}` i {o}"
                elif m := _NAAR.match(finnes):
                    assert (navn in o) == (o.get(m.group(1)) == m.group(2)), f"`{sti}`.`{navn}` ({finnes}) i {o}"
            if en_av:
                assert len(set(o) & en_av) == 1, f"`{sti}` skal ha nøyaktig ett av {sorted(en_av)}: {o}"
        for navn in en_av:
            assert any(navn in o for o in liste), f"demo-kjøringen viser aldri `{sti}`.`{navn}`"
        for navn, finnes in felt.items():
            if _NAAR.match(finnes):
                assert any(navn in o for o in liste), f"demo-kjøringen viser aldri `{sti}`.`{navn}`"


def test_marginalverdi_per_enhet(resultat: dict[str, Any]) -> None:
    enheter = {e.id for e in last_demo("tvedestrand").enheter}
    mv = resultat["unit_marginal_value"]
    assert set(mv) == enheter
    assert all(isinstance(v, int) and v >= 0 for v in mv.values())


def test_eksempelet_i_dokumentet_er_gyldig(tabeller: dict[str, dict[str, str]]) -> None:
    tekst = DOK.read_text(encoding="utf-8")
    blokk = re.search(r"```json\n(.*?)\n```", tekst, re.S)
    assert blokk, "docs/resultatformat.md mangler et JSON-eksempel"
    eksempel = json.loads(blokk.group(1))
    assert eksempel["synthetic"] is True
    assert set(eksempel) == set(tabeller["resultat"])
    for sti, felt in tabeller.items():
        for o in objekter(eksempel, sti):
            assert set(o) <= set(felt), f"eksempelet har udokumenterte felt på `{sti}`"
            assert {n for n, f in felt.items() if f == "alltid"} <= set(o), f"eksempelet mangler felt på `{sti}`"
