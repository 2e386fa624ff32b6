"""CSV/Excel import of søkere and enheter: column layout derived from the models, cell
conventions, file formats, templates and the ``importer`` command."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from allokering.cli import app
from modeller.institusjon import Enhet, Opphold
from modeller.sak import Sak
from modeller.soker import IPLOS_VARIABLER, Soker
from modeller.tabeller import (
    KOLONNER_ENHETER,
    KOLONNER_OPPHOLD,
    KOLONNER_SOKERE,
    MALMAPPE,
    _kommune_fra_profil,
    bygg_sak,
    eksempel_enheter,
    eksempel_sokere,
    les_enheter,
    les_opphold,
    les_sokere,
    mal_innhold,
    skriv_maler,
    sokere_til_rader,
    tabell_til_csv,
)
from tests.modeller.test_feil_inndata import mal, skriv_csv, skriv_xlsx

# --- column layout ----------------------------------------------------------------------------------


def _blader(schema: dict[str, Any], node: dict[str, Any], prefiks: str = "") -> set[str]:
    """Leaf field paths of a JSON Schema: an independent derivation to check the column list against."""
    if "$ref" in node:
        node = schema["$defs"][node["$ref"].split("/")[-1]]
    if "anyOf" in node:
        ikke_null = [n for n in node["anyOf"] if n.get("type") != "null"]
        if len(ikke_null) == 1:
            return _blader(schema, ikke_null[0], prefiks)
    if node.get("type") == "object" and "properties" in node:
        ut: set[str] = set()
        for navn, under in node["properties"].items():
            ut |= _blader(schema, under, f"{prefiks}{navn}.")
        return ut
    return {prefiks.rstrip(".")}


def test_kolonnene_dekker_hvert_felt_i_modellene():
    schema = Soker.model_json_schema()
    assert {k.navn for k in KOLONNER_SOKERE} == _blader(schema, schema)
    assert len({k.navn for k in KOLONNER_SOKERE}) == len(KOLONNER_SOKERE)
    assert {f"iplos.{v}" for v in IPLOS_VARIABLER} <= {k.navn for k in KOLONNER_SOKERE}
    assert {k.navn for k in KOLONNER_OPPHOLD} == set(Opphold.model_fields)
    assert {k.navn for k in KOLONNER_ENHETER} == set(Enhet.model_fields) | {"institusjon_navn", "institusjon_bydel"}


def test_paakrevde_kolonner_er_de_modellene_krever():
    assert [k.navn for k in KOLONNER_SOKERE if k.pakrevd] == [
        "id",
        "alder",
        "kjonn",
        "bydel",
        "soknad.tjeneste",
        "soknad.soknadsdato",
    ]
    assert [k.navn for k in KOLONNER_ENHETER if k.pakrevd] == [
        "id",
        "institusjon_id",
        "navn",
        "plasstype",
        "kapasitet",
        "institusjon_navn",
    ]


def test_kolonnetyper():
    arter = {k.navn: k for k in KOLONNER_SOKERE}
    assert arter["iplos.spise"].art == "heltall" and arter["iplos.spise"].tillatt == ("1", "2", "3", "4", "5", "9")
    assert arter["samtykke"].art == "bool"
    assert arter["soknad.soknadsdato"].art == "dato"
    assert arter["soknad.tjeneste"].art == "valg" and "langtid" in arter["soknad.tjeneste"].tillatt
    assert (
        arter["innsatstrapp.provde_tiltak"].art == "liste"
        and "hjemmesykepleie" in arter["innsatstrapp.provde_tiltak"].tillatt
    )
    assert arter["soknad.onskede_institusjoner"].art == "liste"
    assert arter["soknad.avlastning.belastning.nattarbeid"].art == "bool"
    assert "påkrevd" in arter["id"].forklaring()


# --- templates --------------------------------------------------------------------------------------


def test_innsjekkede_maler_er_oppdatert():
    """The checked-in CSVs are exactly what skriv_maler writes (regenerate with `allokering importer --maler`)."""
    for navn, innhold in mal_innhold().items():
        if navn.endswith(".csv"):
            assert (MALMAPPE / navn).read_text(encoding="utf-8") == innhold, f"{navn} er utdatert"
    bok = load_workbook(MALMAPPE / "mal.xlsx")
    assert bok.sheetnames == ["sokere", "enheter"]
    assert [c.value for c in bok["sokere"][1]] == [k.navn for k in KOLONNER_SOKERE]
    assert [c.value for c in bok["enheter"][1]] == [k.navn for k in KOLONNER_ENHETER]
    assert bok["sokere"]["A1"].font.bold and bok["sokere"]["A1"].comment is not None


@pytest.mark.parametrize("fil", ["sokere.csv", "mal.xlsx"])
def test_malene_importeres(fil):
    assert les_sokere(MALMAPPE / fil) == eksempel_sokere()


@pytest.mark.parametrize("fil", ["enheter.csv", "mal.xlsx"])
def test_enhetsmalene_importeres(fil):
    institusjoner, enheter = les_enheter(MALMAPPE / fil)
    assert (institusjoner, enheter) == eksempel_enheter()
    assert [i.id for i in institusjoner] == ["I-NYG", "I-SMS"]


def test_skriv_maler_og_cli(tmp_path):
    skrevet = skriv_maler(tmp_path / "a")
    assert sorted(p.name for p in skrevet) == ["enheter.csv", "mal.xlsx", "sokere.csv"]
    resultat = CliRunner().invoke(app, ["importer", "--maler", str(tmp_path / "b")])
    assert resultat.exit_code == 0, resultat.output
    for navn in ("sokere.csv", "enheter.csv"):
        assert (tmp_path / "b" / navn).read_bytes() == (MALMAPPE / navn).read_bytes()
    assert les_sokere(tmp_path / "b" / "mal.xlsx") == eksempel_sokere()


def test_cli_maler_sammen_med_import_avvises(tmp_path):
    resultat = CliRunner().invoke(app, ["importer", "--maler", str(tmp_path), "--sokere", str(MALMAPPE / "sokere.csv")])
    assert resultat.exit_code == 2
    assert not list(tmp_path.iterdir())


# --- cell conventions -------------------------------------------------------------------------------


def _en_rad(tmp_path: Path, endringer: dict[str, Any], xlsx: bool = False) -> Soker:
    hode, rader = mal("sokere.csv")
    rad = rader[0] | {"ektefelle_id": "", "soknad.onskede_institusjoner": ""} | endringer
    if xlsx:
        return les_sokere(skriv_xlsx(tmp_path / "s.xlsx", {"sokere": (hode, [rad])}))[0]
    return les_sokere(skriv_csv(tmp_path / "s.csv", hode, [rad]))[0]


@pytest.mark.parametrize(
    "tekst, verdi",
    [
        *[("ja", True), ("Nei", False), ("SANN", True), ("usann", False), ("True", True), ("false", False)],
        *[("1", True), ("0", False), (" ja ", True), ("", None)],
    ],
)
def test_sannhetsverdier(tmp_path, tekst, verdi):
    assert _en_rad(tmp_path, {"samtykke": tekst}).samtykke is verdi


@pytest.mark.parametrize("verdi, forventet", [(True, True), (False, False), (1, True), (0, False), ("nei", False)])
def test_sannhetsverdier_i_excel(tmp_path, verdi, forventet):
    assert _en_rad(tmp_path, {"samtykkekompetent": verdi}, xlsx=True).samtykkekompetent is forventet


@pytest.mark.parametrize(
    "verdi",
    [date(2026, 10, 12), datetime(2026, 10, 12), "2026-10-12", 46307],  # 46307 = Excel serial for 2026-10-12
)
def test_datoer_i_excel(tmp_path, verdi):
    assert _en_rad(tmp_path, {"soknad.soknadsdato": verdi}, xlsx=True).soknad.soknadsdato == date(2026, 10, 12)


def test_tom_celle_er_ikke_vurdert(tmp_path):
    s = _en_rad(tmp_path, {"iplos.spise": "", "diagnoser.demens": "", "vurdering.nytte": "", "samtykke": ""})
    assert s.iplos.spise is None and s.diagnoser.demens is None and s.vurdering.nytte is None and s.samtykke is None
    assert s.iplos.toalett == 4  # the other scores are kept


def test_tom_blokk_gir_standardverdi(tmp_path):
    hode, _ = mal("sokere.csv")
    tom = dict.fromkeys(hode, "")
    rad = tom | {"id": "S-9", "alder": "90", "kjonn": "mann", "bydel": "Sør"}
    rad |= {"soknad.tjeneste": "langtid", "soknad.soknadsdato": "2026-11-01"}
    [s] = les_sokere(skriv_csv(tmp_path / "s.csv", hode, [rad]))
    assert s.soknad.langtid is None and s.soknad.korttid is None
    assert not s.iplos.vurdert and s.innsatstrapp.provde_tiltak == () and s.onsker_bo_sammen is False


def test_lister_og_store_bokstaver(tmp_path):
    s = _en_rad(
        tmp_path,
        {
            "innsatstrapp.provde_tiltak": " Hjemmesykepleie ; TRYGGHETSALARM;",
            "soknad.tjeneste": "Langtid",
            "kjonn": "Kvinne",
        },
    )
    assert [t.value for t in s.innsatstrapp.provde_tiltak] == ["hjemmesykepleie", "trygghetsalarm"]
    assert s.soknad.tjeneste.value == "langtid" and s.kjonn.value == "kvinne"


def test_heltall_fra_excel_og_tekst(tmp_path):
    assert _en_rad(tmp_path, {"alder": 86.0, "iplos.spise": 3.0}, xlsx=True).iplos.spise == 3
    assert _en_rad(tmp_path, {"alder": "86"}).alder == 86
    assert _en_rad(tmp_path, {"bydel": 3}, xlsx=True).bydel == "3"


# --- file formats -----------------------------------------------------------------------------------


@pytest.mark.parametrize("skille", [";", ",", "\t"])
@pytest.mark.parametrize("bom", [True, False])
def test_skilletegn_og_bom(tmp_path, skille, bom):
    hode, rader = mal("sokere.csv")
    assert les_sokere(skriv_csv(tmp_path / "s.csv", hode, rader, skille, bom)) == eksempel_sokere()


def test_overskrifter_med_mellomrom_og_store_bokstaver(tmp_path):
    hode, rader = mal("enheter.csv")
    stor = [f" {h.upper()} " for h in hode]
    rader = [{f" {k.upper()} ": v for k, v in r.items()} for r in rader]
    assert les_enheter(skriv_csv(tmp_path / "e.csv", stor, rader)) == eksempel_enheter()


def test_tomme_rader_hoppes_over(tmp_path):
    hode, rader = mal("enheter.csv")
    sti = skriv_csv(tmp_path / "e.csv", hode, [rader[0], {}, rader[1], {}, rader[2], {}])
    assert les_enheter(sti) == eksempel_enheter()


def test_excel_velger_ark_etter_navn_ellers_det_forste(tmp_path):
    hode_s, sokere = mal("sokere.csv")
    hode_e, enheter = mal("enheter.csv")
    sti = skriv_xlsx(tmp_path / "bok.xlsx", {"Enheter": (hode_e, enheter), "Søkere": (hode_s, sokere)})
    assert les_sokere(sti) == eksempel_sokere()
    assert les_enheter(sti) == eksempel_enheter()
    bare = skriv_xlsx(tmp_path / "bare.xlsx", {"Ark1": (hode_s, sokere)})
    assert les_sokere(bare) == eksempel_sokere()


def test_excel_med_tomme_kolonner_uten_overskrift(tmp_path):
    bok = Workbook()
    blad = bok.active
    blad.title = "enheter"
    hode, rader = mal("enheter.csv")
    blad.append([*hode, None, None])
    for r in rader:
        blad.append([r[k] for k in hode])
    blad.cell(row=10, column=len(hode) + 2, value=None)
    bok.save(tmp_path / "e.xlsx")
    assert les_enheter(tmp_path / "e.xlsx") == eksempel_enheter()


# --- round trips and bygg_sak -----------------------------------------------------------------------


def _flere_sokere() -> list[Soker]:
    felles = {"alder": 80, "kjonn": "kvinne", "bydel": "Nord"}
    return [
        Soker.model_validate(
            felles
            | {
                "id": "S-A",
                "soknad": {
                    "tjeneste": "avlastning",
                    "soknadsdato": "2026-09-01",
                    "avlastning": {
                        "omsorgsyter_id": "P-7",
                        "dager": 7,
                        "periode": 42,
                        "belastning": {"nattarbeid": True, "timer_per_maned": 120},
                        "saerlig_tyngende": True,
                    },
                },
            }
        ),
        Soker.model_validate(
            felles
            | {
                "id": "S-B",
                "oppholdssted": "hjemme",
                "soknad": {
                    "tjeneste": "akutt",
                    "soknadsdato": "2026-11-29",
                    "akutt": {"innleggende": "legevaktlege", "avgrenset_akutt_problem": True, "lengde_dogn": 3},
                },
            }
        ),
        Soker.model_validate(
            felles
            | {
                "id": "S-C",
                "naverende_opphold_id": "O-1",
                "oppholdssted": "korttid",
                "soknad": {
                    "tjeneste": "senterleilighet",
                    "soknadsdato": "2026-08-15",
                    "bolig": {"sosial_isolasjon": True, "naverende_bolig_uegnet": False},
                    "onskede_institusjoner": ["I-SMS", "I-NYG"],
                },
                "innsatstrapp": {"provde_tiltak": ["dagtilbud", "matombringing"]},
            }
        ),
    ]


def test_rundtur_soker_til_tabell_og_tilbake(tmp_path):
    sokere = _flere_sokere()
    sti = tmp_path / "s.csv"
    sti.write_text(tabell_til_csv(KOLONNER_SOKERE, sokere_til_rader(sokere)), encoding="utf-8")
    assert les_sokere(sti) == sokere


def test_bygg_sak_med_opphold(tmp_path):
    sokere = _flere_sokere()
    s = tmp_path / "s.csv"
    s.write_text(tabell_til_csv(KOLONNER_SOKERE, sokere_til_rader(sokere)), encoding="utf-8")
    o = tmp_path / "opphold.csv"
    o.write_text("id,enhet_id,start,forventet_slutt,romtype\nO-1,E-SMS-KT,2026-11-20,2026-12-04,enkeltrom\n")
    e = tmp_path / "enheter.csv"
    hode, rader = mal("enheter.csv")
    rader[0]["plasstype"] = "senterleilighet"
    rader[0]["dobbeltrom"] = "0"
    rader[0]["toroms"] = "4"
    rader.append(rader[2] | {"id": "E-AVL", "plasstype": "avlastning"})
    rader.append(rader[2] | {"id": "E-OHD", "plasstype": "ohd", "kapasitet": "5"})
    skriv_csv(e, hode, rader)
    assert les_opphold(o)[0].forventet_slutt == date(2026, 12, 4)
    sak = bygg_sak(s, e, "sandefjord", "3907", "Sandefjord", date(2026, 11, 30), 14, o, beskrivelse="test")
    assert isinstance(sak, Sak)
    assert sak.horisont_dager == 14 and sak.opphold[0].id == "O-1" and sak.beskrivelse == "test"
    assert sak.sokere[2].naverende_opphold_id == "O-1"


def test_kommune_fra_innebygd_profil():
    assert _kommune_fra_profil("sandefjord") == ("3907", "Sandefjord")
    assert _kommune_fra_profil("tvedestrand") == ("4213", "Tvedestrand")
    assert _kommune_fra_profil("ukjent") == (None, None)
