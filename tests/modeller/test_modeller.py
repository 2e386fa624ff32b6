"""Model validation: a good minimal case validates; each broken rule is rejected with a message
that names the row and field."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from allokering.cli import app
from modeller.lasting import Inndatafeil, sak_fra_data
from modeller.sak import Sak
from modeller.soker import AvlastningDetaljer, Soknad


def minimal_sak_data() -> dict[str, Any]:
    """The smallest realistic case: one institution, a langtid and a korttid unit, two søkere."""
    return {
        "kommune": {"nummer": "3907", "navn": "Sandefjord", "regelprofil": "sandefjord"},
        "startdato": "2026-11-30",
        "institusjoner": [{"id": "I-1", "navn": "Testheimen"}],
        "enheter": [
            {"id": "E-LT", "institusjon_id": "I-1", "navn": "Langtid", "plasstype": "langtid_somatisk", "kapasitet": 2},
            {"id": "E-KT", "institusjon_id": "I-1", "navn": "Korttid", "plasstype": "korttid", "kapasitet": 1},
            {"id": "E-LT2", "institusjon_id": "I-1", "navn": "LT2", "plasstype": "langtid_somatisk", "kapasitet": 1},
        ],
        "sokere": [
            {
                "id": "S-1",
                "alder": 85,
                "kjonn": "kvinne",
                "bydel": "Sentrum",
                "soknad": {"tjeneste": "langtid", "soknadsdato": "2026-11-01"},
            },
            {
                "id": "S-2",
                "alder": 79,
                "kjonn": "mann",
                "bydel": "Andebu",
                "soknad": {
                    "tjeneste": "korttid",
                    "soknadsdato": "2026-11-20",
                    "korttid": {"formal": "rehabilitering", "lengde_dogn": 14},
                },
            },
        ],
    }


def feil_i(data: dict[str, Any]) -> list[tuple[str, str, str]]:
    with pytest.raises(Inndatafeil) as exc:
        sak_fra_data(data, "sak.json")
    return [(f.fil, f.rad, f.felt) for f in exc.value.feil]


def test_minimal_sak_er_gyldig():
    sak = Sak.model_validate(minimal_sak_data())
    assert sak.kommune.regelprofil.id == "sandefjord"
    assert [s.id for s in sak.sokere] == ["S-1", "S-2"]
    assert sak.sokere[0].iplos.spise is None  # not assessed
    assert sak_fra_data(minimal_sak_data(), "sak.json") == sak


def test_detaljblokk_som_ikke_passer_tjenesten_avvises():
    with pytest.raises(ValidationError, match="hører ikke til tjenesten"):
        Soknad.model_validate(
            {"tjeneste": "langtid", "soknadsdato": "2026-11-01", "korttid": {"formal": "ordinaer", "lengde_dogn": 7}}
        )
    with pytest.raises(ValidationError, match="krever feltet «korttid»"):
        Soknad.model_validate({"tjeneste": "korttid", "soknadsdato": "2026-11-01"})

    data = minimal_sak_data()
    data["sokere"][0]["soknad"]["korttid"] = {"formal": "ordinaer", "lengde_dogn": 7}
    assert ("sak.json", "sokere[0]", "soknad") in feil_i(data)


def test_avlastning_med_flere_dager_enn_periode_avvises():
    with pytest.raises(ValidationError, match="dager kan ikke være flere enn periode"):
        AvlastningDetaljer(omsorgsyter_id="P-1", dager=10, periode=7)
    assert AvlastningDetaljer(omsorgsyter_id="P-1", dager=7, periode=7).dager == 7

    data = minimal_sak_data()
    data["sokere"][0]["soknad"] = {
        "tjeneste": "avlastning",
        "soknadsdato": "2026-11-01",
        "avlastning": {"omsorgsyter_id": "P-1", "dager": 10, "periode": 7},
    }
    assert ("sak.json", "sokere[0]", "soknad.avlastning") in feil_i(data)


def test_ektefelle_som_ikke_peker_tilbake_avvises():
    data = minimal_sak_data()
    data["sokere"][0]["ektefelle_id"] = "S-2"
    with pytest.raises(ValidationError, match="oppgir ikke «S-1» som ektefelle tilbake"):
        Sak.model_validate(data)
    assert feil_i(data) == [("sak.json", "sokere[0]", "ektefelle_id")]

    data["sokere"][1]["ektefelle_id"] = "S-1"
    assert Sak.model_validate(data).sokere[1].ektefelle_id == "S-1"


def test_soker_kan_ikke_vaere_sin_egen_ektefelle():
    data = minimal_sak_data()
    data["sokere"][0]["ektefelle_id"] = "S-1"
    assert ("sak.json", "sokere[0]", "ektefelle_id") in feil_i(data)


@pytest.mark.parametrize(
    "laaser, felt",
    [
        (
            [
                {"soker_id": "S-1", "type": "tildel", "enhet_id": "E-LT"},
                {"soker_id": "S-1", "type": "tildel", "enhet_id": "E-LT2"},
            ],
            ("sak.json", "laaser[1]", "enhet_id"),
        ),
        (
            [
                {"soker_id": "S-1", "type": "tildel", "enhet_id": "E-LT"},
                {"soker_id": "S-1", "type": "ikke_tildel"},
            ],
            ("sak.json", "laaser[1]", "type"),
        ),
        (
            [
                {"soker_id": "S-1", "type": "tildel", "enhet_id": "E-LT"},
                {"soker_id": "S-1", "type": "ikke_tildel", "enhet_id": "E-LT"},
            ],
            ("sak.json", "laaser[1]", "type"),
        ),
    ],
    ids=["to-enheter", "til-og-fra-tildeling", "til-og-fra-samme-enhet"],
)
def test_motstridende_laaser_avvises(laaser, felt):
    data = minimal_sak_data()
    data["laaser"] = laaser
    with pytest.raises(ValidationError, match="motstridende låser"):
        Sak.model_validate(data)
    assert felt in feil_i(data)


def test_laas_som_ikke_motsier_seg_er_gyldig():
    data = minimal_sak_data()
    data["laaser"] = [
        {"soker_id": "S-1", "type": "tildel", "enhet_id": "E-LT"},
        {"soker_id": "S-1", "type": "ikke_tildel", "enhet_id": "E-LT2"},
    ]
    assert len(Sak.model_validate(data).laaser) == 2


def test_laas_til_ukjent_enhet_avvises():
    data = minimal_sak_data()
    data["laaser"] = [{"soker_id": "S-1", "type": "tildel", "enhet_id": "E-FINNES-IKKE"}]
    with pytest.raises(ValidationError, match="ukjent enhet «E-FINNES-IKKE»"):
        Sak.model_validate(data)
    assert feil_i(data) == [("sak.json", "laaser[0]", "enhet_id")]


def test_laas_til_enhet_av_feil_familie_avvises():
    data = minimal_sak_data()
    data["laaser"] = [{"soker_id": "S-1", "type": "tildel", "enhet_id": "E-KT"}]
    assert feil_i(data) == [("sak.json", "laaser[0]", "enhet_id")]


def test_tildel_uten_enhet_avvises():
    data = minimal_sak_data()
    data["laaser"] = [{"soker_id": "S-1", "type": "tildel"}]
    assert ("sak.json", "laaser[0]", "") in feil_i(data)


def test_ukjent_felt_avvises_ikke_stille():
    data = copy.deepcopy(minimal_sak_data())
    data["sokere"][0]["iplos"] = {"spsie": 3}
    assert ("sak.json", "sokere[0]", "iplos.spsie") in feil_i(data)


def test_ukp_uten_dato_avvises():
    data = minimal_sak_data()
    data["sokere"][1]["oppholdssted"] = "sykehus_ukp"
    assert ("sak.json", "sokere[1]", "") in feil_i(data)


def test_plasstype_utenfor_regelprofilen_avvises():
    data = minimal_sak_data()
    data["enheter"][1]["plasstype"] = "koh"  # KØH is Tvedestrand's scheme (T §3.19), not Sandefjord's
    assert feil_i(data) == [("sak.json", "enheter[1]", "plasstype")]


def test_schema_skriver_gyldig_json_med_sakens_felt():
    resultat = CliRunner().invoke(app, ["schema"])
    assert resultat.exit_code == 0, resultat.output
    schema = json.loads(resultat.stdout)
    assert schema["title"] == "Sak"
    for felt in ("kommune", "startdato", "horisont_dager", "institusjoner", "enheter", "opphold", "sokere", "laaser"):
        assert felt in schema["properties"]
    assert {"Soker", "Soknad", "Enhet", "Laas"} <= set(schema["$defs"])


def test_kanonisk_json_er_lik_json_dumps():
    """sak_til_json uses pydantic's serializer; it must equal the plain json.dumps form."""
    import json

    from modeller.generator import last_demo
    from modeller.lasting import sak_til_json

    sak = last_demo("tvedestrand")
    forventet = json.dumps(sak.model_dump(mode="json"), ensure_ascii=False, indent=1) + "\n"
    assert sak_til_json(sak) == forventet
