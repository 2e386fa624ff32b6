"""The CLI's output contract: `allokering solve` and `allokering demo`, and bokmål errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from allokering.cli import app
from allokering.validator import valider
from modeller.lasting import les_sak, skriv_sak
from tests.fabrikk import enhet, sak, soker

runner = CliRunner()


def _skriv(tmp_path: Path, **kw) -> Path:  # type: ignore[no-untyped-def]
    sti = tmp_path / "sak.json"
    skriv_sak(sak(**kw), sti)
    return sti


def test_solve_skriver_json_og_excel_som_validerer(tmp_path: Path) -> None:
    sti = _skriv(
        tmp_path, sokere=[soker("A"), soker("B", iplos={"spise": 2})], enheter=[enhet("U", "I", "langtid_somatisk", 1)]
    )
    ut, xl = tmp_path / "r.json", tmp_path / "r.xlsx"
    res = runner.invoke(app, ["solve", str(sti), "--ut", str(ut), "--excel", str(xl)])
    assert res.exit_code == 0, res.output
    assert "optimal" in res.output and "ingen brudd" in res.output
    r = json.loads(ut.read_text(encoding="utf-8"))
    for nokkel in ("status", "objective", "best_bound", "solve_seconds", "assignments", "waiting_list", "explanations"):
        assert nokkel in r
    assert r["status"] == "OPTIMAL"
    assert [t["applicant_id"] for t in r["assignments"]] == ["A"]
    assert valider(les_sak(sti), r) == []
    assert xl.stat().st_size > 0


def test_tom_sak_gir_feil_paa_bokmaal_og_ingen_fil(tmp_path: Path) -> None:
    sti = _skriv(tmp_path, sokere=[], enheter=[enhet("U", "I", "langtid_somatisk", 1)])
    ut = tmp_path / "r.json"
    res = runner.invoke(app, ["solve", str(sti), "--ut", str(ut)])
    assert res.exit_code == 2
    assert "ingen søkere" in res.output
    assert not ut.exists()


def test_motstridende_laaser_gir_forklaring_og_ingen_fil(tmp_path: Path) -> None:
    laaser = [
        {"soker_id": "A", "type": "tildel", "enhet_id": "U"},
        {"soker_id": "B", "type": "tildel", "enhet_id": "U"},
    ]
    sti = _skriv(
        tmp_path, sokere=[soker("A"), soker("B")], enheter=[enhet("U", "I", "langtid_somatisk", 1)], laaser=laaser
    )
    ut = tmp_path / "r.json"
    res = runner.invoke(app, ["solve", str(sti), "--ut", str(ut)])
    assert res.exit_code == 3
    assert "kan ikke oppfylles samtidig" in res.output and "«A»" in res.output and "«B»" in res.output
    assert not ut.exists()


def test_laas_til_ukjent_enhet_avvises_med_rad_og_felt(tmp_path: Path) -> None:
    data = sak(sokere=[soker("A")], enheter=[enhet("U", "I", "langtid_somatisk", 1)]).model_dump(mode="json")
    data["laaser"] = [{"soker_id": "A", "type": "tildel", "enhet_id": "FINNES-IKKE"}]
    sti = tmp_path / "sak.json"
    sti.write_text(json.dumps(data), encoding="utf-8")
    res = runner.invoke(app, ["solve", str(sti)])
    assert res.exit_code == 2
    assert "lås nr. 1" in res.output and "enhet_id" in res.output and "FINNES-IKKE" in res.output


def test_demo_tvedestrand_skriver_sammendrag(tmp_path: Path) -> None:
    ut = tmp_path / "r.json"
    res = runner.invoke(app, ["demo", "--kommune", "tvedestrand", "--ut", str(ut)])
    assert res.exit_code == 0, res.output
    assert "Tildeling Tvedestrand" in res.output and "syntetiske data" in res.output
    assert json.loads(ut.read_text(encoding="utf-8"))["synthetic"] is True


def test_ukjent_demo_kommune(tmp_path: Path) -> None:
    res = runner.invoke(app, ["demo", "--kommune", "bergen"])
    assert res.exit_code == 2
    assert "Ukjent demo-kommune" in res.output


ENGELSK = re.compile(
    r"\b(Usage|Options|Arguments|Commands|Error|Missing|No such|Invalid value|Input should|Show this message|"
    r"Possible options|Did you mean|Got unexpected|requires an argument|does not exist|OPTIONS|COMMAND|ARGS|range)\b"
)


@pytest.mark.parametrize(
    "argumenter",
    [
        ["--help"],
        ["solve", "--help"],
        ["scenario", "--help"],
        ["bruker", "opprett", "--help"],
        ["solve"],
        ["demo", "--tull"],
        ["tull"],
        ["solve", "x.json", "--tidsgrense", "abc"],
        ["solve", "x.json", "--arbeidere", "1.5"],
        ["scenario", "run"],
    ],
)
def test_rammeverkets_egne_tekster_er_paa_bokmaal(argumenter: list[str]) -> None:
    """Help panels, usage lines and usage errors from typer itself are bokmål (allokering/norsk_cli.py)."""
    res = runner.invoke(app, argumenter, terminal_width=200)
    tekst = res.output + (res.stderr if res.stderr_bytes is not None else "")
    assert tekst.strip(), "ingen tekst skrevet"
    assert not ENGELSK.search(tekst), tekst
    if argumenter[-1] != "--help":
        assert res.exit_code == 2
        assert "Feil" in tekst
    else:
        assert "Bruk:" in tekst and "Vis denne hjelpen" in tekst


def test_resultat_skjema_beskriver_filen_solve_skriver(tmp_path: Path) -> None:
    """`allokering resultat-skjema` is the JSON Schema of RESULT.json: a file `solve` wrote has every required
    top-level field, and the schema knows the outcomes and the fields that exist only for some of them."""
    sti = _skriv(tmp_path, sokere=[soker("A")], enheter=[enhet("U", "I", "langtid_somatisk", 1)])
    ut = tmp_path / "r.json"
    assert runner.invoke(app, ["solve", str(sti), "--ut", str(ut), "--stille"]).exit_code == 0
    res = runner.invoke(app, ["resultat-skjema"])
    assert res.exit_code == 0, res.output
    skjema = json.loads(res.output)
    r = json.loads(ut.read_text(encoding="utf-8"))
    assert set(skjema["required"]) <= set(r) and set(r) <= set(skjema["properties"])
    forklaring = skjema["$defs"]["Forklaring"]
    assert "tildelt" in forklaring["properties"]["outcome"]["enum"]
    assert "unit_id" not in forklaring["required"] and "text_nb" in forklaring["required"]
