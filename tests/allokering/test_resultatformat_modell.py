"""The typed result (``allokering.resultatformat.Resultat``) is the schema of RESULT.json: what ``skriv_json`` writes
reads back into the model and writes out again to the same bytes, for both bundled demos; fields that exist only
for some outcomes are left out exactly when they are absent; a file that breaks the schema is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from allokering.kjoring import kjor, skriv_json
from allokering.loser import Loserparametre
from allokering.resultatformat import EkstraPlass, PrioritetOver, Resultat
from modeller.generator import last_demo


@pytest.fixture(scope="module", params=["sandefjord", "tvedestrand"])
def skrevet(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Resultat, str]:
    res = kjor(last_demo(request.param), Loserparametre())
    sti = tmp_path_factory.mktemp("res") / "RESULT.json"
    skriv_json(res, sti)
    return res, sti.read_text(encoding="utf-8")


def _skriv(res: Resultat, sti: Path) -> str:
    skriv_json(res, sti)
    return sti.read_text(encoding="utf-8")


def test_filen_leses_inn_i_modellen_og_skrives_ut_byte_for_byte_likt(
    skrevet: tuple[Resultat, str], tmp_path: Path
) -> None:
    res, tekst = skrevet
    lest = Resultat.model_validate(json.loads(tekst))
    assert lest == res
    assert _skriv(lest, tmp_path / "igjen.json") == tekst


def test_felt_som_bare_finnes_for_noen_utfall_utelates_naar_de_mangler(skrevet: tuple[Resultat, str]) -> None:
    res, tekst = skrevet
    data = json.loads(tekst)
    utfall = {f.outcome for f in res.explanations}
    assert {"tildelt", "venteliste", "mangler_opplysninger"} <= utfall
    for f, d in zip(res.explanations, data["explanations"], strict=True):
        assert ("unit_id" in d) == ("start_day" in d) == ("requires_new_vedtak" in d) == (f.outcome == "tildelt")
        assert ("missing_fields" in d) == (f.outcome == "mangler_opplysninger")
        if f.outcome == "tildelt":
            t = next(t for t in res.assignments if t.applicant_id == f.applicant_id)
            assert (f.unit_id, f.start_day, f.end_day) == (t.unit_id, t.start_day, t.end_day)
        if isinstance(f.counterfactual, EkstraPlass):
            assert d["counterfactual"] == {"extra_place_in_unit": f.counterfactual.extra_place_in_unit}
        elif isinstance(f.counterfactual, PrioritetOver):
            assert d["counterfactual"] == {"priority_needed_above": f.counterfactual.priority_needed_above}
        else:
            assert d["counterfactual"] is None
    assert res.validation is not None and res.validation.ok and data["validation"] == {"violations": [], "ok": True}


def test_et_heltall_som_tidsgrense_forblir_et_heltall_i_filen(tmp_path: Path) -> None:
    res = kjor(last_demo("tvedestrand"), Loserparametre(tidsgrense_s=5, marginalverdier=False, ektepar_kostnad=False))
    tekst = _skriv(res, tmp_path / "r.json")
    assert '"time_limit_s": 5,' in tekst
    assert _skriv(Resultat.model_validate(json.loads(tekst)), tmp_path / "igjen.json") == tekst


def test_en_fil_som_bryter_skjemaet_avvises(skrevet: tuple[Resultat, str]) -> None:
    _, tekst = skrevet
    data = json.loads(tekst)
    uten = {k: v for k, v in data.items() if k != "explanations"}
    with pytest.raises(ValidationError, match="explanations"):
        Resultat.model_validate(uten)
    feil_utfall = json.loads(tekst)
    feil_utfall["explanations"][0]["outcome"] = "kanskje"
    with pytest.raises(ValidationError, match="outcome"):
        Resultat.model_validate(feil_utfall)
    ukjent = json.loads(tekst)
    ukjent["assignments"][0]["ukjent_felt"] = 1
    with pytest.raises(ValidationError, match="ukjent_felt"):
        Resultat.model_validate(ukjent)


def test_resultat_lagret_foer_de_nyeste_feltene_kan_fortsatt_leses(skrevet: tuple[Resultat, str]) -> None:
    """A run stored by the API before 4.12.2026 lacks ``canonical``, ``applies``, ``priority_rules`` and the lock
    price fields; reading it must not fail (the API parses every stored result), and the defaults say what the
    old engine did: no likebehandling, every listed requirement applies, no price."""
    _, tekst = skrevet
    data = json.loads(tekst)
    data.pop("priority_rules")
    for f in data["families"]:
        f.pop("canonical")
    fjernet = 0
    for f in data["explanations"]:
        f.pop("lock_costs", None)
        for r in f["rules"]:
            fjernet += r.pop("applies", None) is not None
    assert fjernet > 0
    for laas in data.get("locks", []):
        for felt in ("price_level1", "price_proven", "price_scope", "displaced", "displaced_canonical"):
            laas.pop(felt, None)
    gammel = Resultat.model_validate(data)
    assert gammel.priority_rules == []
    assert not any(f.canonical for f in gammel.families)
    assert all(r.applies for f in gammel.explanations for r in f.rules)
    assert all(laas.price_level1 is None and not laas.displaced_canonical for laas in gammel.locks)


def test_skjemaet_brukerne_leser_har_bare_feltbeskrivelsene_paa_bokmaal() -> None:
    """The models' class docstrings are English notes for developers; /docs and ``allokering resultat-skjema``
    show the schema to users, so only the (bokmål) field descriptions may be in it."""
    skjema = Resultat.model_json_schema()
    assert "description" not in skjema
    assert all("description" not in d for d in skjema["$defs"].values())
    tekst = json.dumps(skjema, ensure_ascii=False)
    assert "Kommunenummer (fire siffer)." in tekst  # a field description is still there
    assert "the whole result of one run" not in tekst
