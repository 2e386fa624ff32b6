"""Bad input across the foundation: every error names the file, the row and the field, the CLI
exits with code 2 and writes nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from allokering.cli import app
from modeller.lasting import Inndatafeil, les_sak, sak_fra_data, sak_til_json, skriv_sak
from modeller.sak import lesbar_rad
from modeller.tabeller import MALMAPPE, bygg_sak, les_enheter, les_sokere
from tests.modeller.test_modeller import minimal_sak_data

# --- helpers ----------------------------------------------------------------------------------------


def mal(navn: str) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a checked-in CSV template."""
    with (MALMAPPE / navn).open(encoding="utf-8-sig", newline="") as f:
        leser = csv.DictReader(f, delimiter=";")
        return list(leser.fieldnames or []), list(leser)


def skriv_csv(sti: Path, hode: list[str], rader: list[dict[str, Any]], skille: str = ";", bom: bool = False) -> Path:
    with sti.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        skriver = csv.writer(f, delimiter=skille, lineterminator="\n")
        skriver.writerow(hode)
        for rad in rader:
            skriver.writerow([rad.get(k, "") for k in hode])
    return sti


def skriv_xlsx(sti: Path, ark: dict[str, tuple[list[str], list[dict[str, Any]]]]) -> Path:
    bok = Workbook()
    bok.remove(bok.active)
    for navn, (hode, rader) in ark.items():
        blad = bok.create_sheet(navn)
        blad.append(hode)
        for rad in rader:
            blad.append([rad.get(k) if rad.get(k) != "" else None for k in hode])
    bok.save(sti)
    return sti


def sokere_csv(tmp_path: Path, endre=None, navn: str = "sokere.csv") -> Path:
    hode, rader = mal("sokere.csv")
    if endre:
        endre(hode, rader)
    return skriv_csv(tmp_path / navn, hode, rader)


def enheter_csv(tmp_path: Path, endre=None, navn: str = "enheter.csv") -> Path:
    hode, rader = mal("enheter.csv")
    if endre:
        endre(hode, rader)
    return skriv_csv(tmp_path / navn, hode, rader)


def bygg(sokere: Path, enheter: Path, **kw: Any):
    return bygg_sak(sokere, enheter, "sandefjord", "3907", "Sandefjord", "2026-11-30", **kw)


def importer_args(
    sokere: Path = MALMAPPE / "sokere.csv",
    enheter: Path = MALMAPPE / "enheter.csv",
    *,
    ut: Path,
    startdato: str = "2026-11-30",
) -> list[str]:
    return [
        *("importer", "--sokere", str(sokere), "--enheter", str(enheter)),
        *("--profil", "sandefjord", "--startdato", startdato, "--ut", str(ut)),
    ]


def feil(kall, *args, **kw) -> Inndatafeil:
    with pytest.raises(Inndatafeil) as exc:
        kall(*args, **kw)
    return exc.value


def assert_feil(exc: Inndatafeil, fil: Path | str, rad: int | str, felt: str, tekst: str | None = None) -> None:
    """The error list has an error for exactly this file, row and field, and the printed message names them."""
    treff = [f for f in exc.feil if f.fil == str(fil) and f.rad == str(rad) and f.felt == felt]
    assert treff, f"ingen feil for {fil}, rad {rad}, felt {felt}:\n{exc.tekst()}"
    assert any(f"{fil}, {lesbar_rad(str(rad), f.id)}, felt «{felt}»" in exc.tekst() for f in treff)
    if tekst is not None:
        assert any(tekst in f.melding for f in treff), exc.tekst()


# --- case JSON --------------------------------------------------------------------------------------


def test_ugyldig_json_gir_linjenummer(tmp_path):
    sti = tmp_path / "sak.json"
    sti.write_text('{\n  "kommune": {"nummer": "3907",\n  "navn": }\n}\n', encoding="utf-8")
    exc = feil(les_sak, sti)
    [f] = exc.feil
    assert (f.fil, f.rad) == (str(sti), "3")
    assert "ugyldig JSON" in f.melding and "linje 3" in f.melding
    assert f"{sti}, rad 3: ugyldig JSON" in exc.tekst()


def test_json_sak_med_flere_feil_rapporterer_alle(tmp_path):
    data = minimal_sak_data()
    data["sokere"][0]["iplos"] = {"spise": 7}
    data["sokere"][1]["id"] = "S-1"
    data["enheter"][0]["kapasitet"] = -1
    sti = tmp_path / "sak.json"
    sti.write_text(json.dumps(data), encoding="utf-8")
    exc = feil(les_sak, sti)
    assert_feil(exc, sti, "sokere[0]", "iplos.spise", "ugyldig verdi 7")
    assert_feil(exc, sti, "enheter[0]", "kapasitet", "for liten")


def test_json_sak_med_dublett_og_manglende_ektefelle(tmp_path):
    data = minimal_sak_data()
    data["sokere"][1]["id"] = "S-1"
    data["sokere"][0]["ektefelle_id"] = "S-9"
    sti = tmp_path / "sak.json"
    sti.write_text(json.dumps(data), encoding="utf-8")
    exc = feil(les_sak, sti)
    assert_feil(exc, sti, "sokere[1]", "id", "forekommer 2 ganger")
    assert_feil(exc, sti, "sokere[0]", "ektefelle_id", "finnes ikke blant søkerne")


def test_saksfil_som_ikke_finnes(tmp_path):
    exc = feil(les_sak, tmp_path / "mangler.json")
    assert "filen finnes ikke" in exc.tekst()


# --- søkere table -----------------------------------------------------------------------------------


def test_iplos_skar_7_i_csv(tmp_path):
    sti = sokere_csv(tmp_path, lambda h, r: r[1].update({"iplos.spise": "7"}))
    exc = feil(les_sokere, sti)
    assert_feil(exc, sti, 3, "iplos.spise", "ugyldig verdi 7")
    assert len(exc.feil) == 1


def test_ektefelle_som_mangler_i_tabellen(tmp_path):
    def endre(h, r):
        r[0]["ektefelle_id"] = "S-9999"

    sti = sokere_csv(tmp_path, endre)
    exc = feil(bygg, sti, MALMAPPE / "enheter.csv")
    assert_feil(exc, sti, 2, "ektefelle_id", "«S-9999» finnes ikke")
    assert_feil(exc, sti, 3, "ektefelle_id", "oppgir ikke «S-0002» som ektefelle tilbake")


def test_dublett_soker_id(tmp_path):
    sti = sokere_csv(tmp_path, lambda h, r: r[2].update({"id": "S-0001"}))
    exc = feil(les_sokere, sti)
    assert_feil(exc, sti, 4, "id", "finnes allerede på rad 2")


def test_ukjent_kolonne(tmp_path):
    def endre(h, r):
        h[h.index("iplos.spise")] = "iplos.spsie"
        for rad in r:
            rad["iplos.spsie"] = rad.pop("iplos.spise")

    sti = sokere_csv(tmp_path, endre)
    exc = feil(les_sokere, sti)
    assert_feil(exc, sti, 1, "iplos.spsie", "ukjent kolonne; mente du «iplos.spise»?")


def test_manglende_paakrevd_kolonne_i_csv(tmp_path):
    sti = sokere_csv(tmp_path, lambda h, r: h.remove("soknad.soknadsdato"))
    exc = feil(les_sokere, sti)
    assert_feil(exc, sti, 1, "soknad.soknadsdato", "påkrevd kolonne mangler")
    assert len(exc.feil) == 1  # no follow-up error per row for the same column


@pytest.mark.parametrize("verdi", ["kanskje", "2", "jo"])
def test_ugyldig_sannhetsverdi(tmp_path, verdi):
    sti = sokere_csv(tmp_path, lambda h, r: r[0].update({"samtykke": verdi}))
    exc = feil(les_sokere, sti)
    assert_feil(exc, sti, 2, "samtykke", "må være ja eller nei")
    assert len(exc.feil) == 1


@pytest.mark.parametrize("verdi", ["30.11.2026", "2026-02-30", "i morgen", "20261130"])
def test_ugyldig_dato(tmp_path, verdi):
    sti = sokere_csv(tmp_path, lambda h, r: r[1].update({"soknad.soknadsdato": verdi}))
    exc = feil(les_sokere, sti)
    assert_feil(exc, sti, 3, "soknad.soknadsdato", "må være en dato (ÅÅÅÅ-MM-DD)")
    assert len(exc.feil) == 1


def test_ugyldig_dato_gir_ikke_foelgefeil(tmp_path):
    # S-0003 is sykehus_ukp: an unreadable utskrivningsklar_dato must not also report «må oppgis».
    sti = sokere_csv(tmp_path, lambda h, r: r[2].update({"utskrivningsklar_dato": "26/11/2026"}))
    exc = feil(les_sokere, sti)
    assert [(f.rad, f.felt) for f in exc.feil] == [("4", "utskrivningsklar_dato")]


def test_ukp_uten_dato_peker_paa_kolonnen(tmp_path):
    sti = sokere_csv(tmp_path, lambda h, r: r[2].update({"utskrivningsklar_dato": ""}))
    assert_feil(feil(les_sokere, sti), sti, 4, "utskrivningsklar_dato", "må oppgis når oppholdssted er sykehus_ukp")


def test_alle_radfeil_samles(tmp_path):
    def endre(h, r):
        r[0]["alder"] = "åtti"
        r[1]["kjonn"] = "ukjent"
        r[2]["soknad.korttid.formal"] = ""
        r[2]["innsatstrapp.provde_tiltak"] = "hjemmesykepleie;tryllestav"

    sti = sokere_csv(tmp_path, endre)
    exc = feil(les_sokere, sti)
    assert_feil(exc, sti, 2, "alder", "må være et heltall")
    assert_feil(exc, sti, 3, "kjonn", "ugyldig verdi 'ukjent'")
    assert_feil(exc, sti, 4, "soknad.korttid.formal", "mangler")
    assert_feil(exc, sti, 4, "innsatstrapp.provde_tiltak", "tryllestav")


def test_tom_paakrevd_celle(tmp_path):
    sti = sokere_csv(tmp_path, lambda h, r: r[0].update({"bydel": ""}))
    exc = feil(les_sokere, sti)
    assert_feil(exc, sti, 2, "bydel", "mangler")


def test_detaljblokk_for_feil_tjeneste_i_tabell(tmp_path):
    sti = sokere_csv(tmp_path, lambda h, r: r[0].update({"soknad.akutt.avgrenset_akutt_problem": "ja"}))
    assert_feil(feil(les_sokere, sti), sti, 2, "soknad.akutt.innleggende", "mangler")

    sti = sokere_csv(tmp_path, lambda h, r: r[0].update({"soknad.akutt.innleggende": "fastlege"}))
    assert_feil(feil(les_sokere, sti), sti, 2, "soknad.tjeneste", "feltet «akutt» hører ikke til tjenesten «langtid»")

    sti = sokere_csv(tmp_path, lambda h, r: r[2].update({k: "" for k in h if k.startswith("soknad.korttid.")}))
    assert_feil(feil(les_sokere, sti), sti, 4, "soknad.tjeneste", "tjenesten «korttid» krever feltet «korttid»")


def test_avlastning_med_flere_dager_enn_periode_i_tabell(tmp_path):
    def endre(h, r):
        r[0].update({k: "" for k in h if k.startswith("soknad.langtid.")})
        r[0].update(
            {
                "soknad.tjeneste": "avlastning",
                "soknad.avlastning.omsorgsyter_id": "P-1",
                "soknad.avlastning.dager": "10",
                "soknad.avlastning.periode": "7",
            }
        )

    sti = sokere_csv(tmp_path, endre)
    assert_feil(feil(les_sokere, sti), sti, 2, "soknad.avlastning.dager", "dager kan ikke være flere enn periode")


def test_excel_ark_med_manglende_kolonne(tmp_path):
    hode, rader = mal("sokere.csv")
    hode.remove("alder")
    sti = skriv_xlsx(tmp_path / "liste.xlsx", {"sokere": (hode, rader)})
    exc = feil(les_sokere, sti)
    assert_feil(exc, f"{sti}[sokere]", 1, "alder", "påkrevd kolonne mangler")


def test_excel_radnummer_er_excel_rader(tmp_path):
    hode, rader = mal("sokere.csv")
    rader[2]["iplos.syn"] = "7"
    sti = skriv_xlsx(tmp_path / "liste.xlsx", {"forside": (["tekst"], []), "sokere": (hode, rader)})
    exc = feil(les_sokere, sti)
    assert_feil(exc, f"{sti}[sokere]", 4, "iplos.syn")


def test_blank_linje_teller_med_i_radnummeret(tmp_path):
    hode, rader = mal("sokere.csv")
    sti = skriv_csv(tmp_path / "s.csv", hode, rader)
    linjer = sti.read_text(encoding="utf-8").splitlines(keepends=True)
    linjer[2] = linjer[2].replace("S-0002;89", "S-0002;999")
    sti.write_text("".join([linjer[0], linjer[1], ";;;\n", *linjer[2:]]), encoding="utf-8")
    exc = feil(les_sokere, sti)
    assert_feil(exc, sti, 4, "alder", "for stor")


def test_fil_som_ikke_er_utf8(tmp_path):
    sti = tmp_path / "enheter.csv"
    tekst = (MALMAPPE / "enheter.csv").read_text(encoding="utf-8-sig")
    sti.write_bytes(tekst.encode("cp1252"))  # what «CSV (semikolonseparert)» in Norwegian Excel gives
    exc = feil(les_enheter, sti)
    assert [(f.fil, f.rad) for f in exc.feil] == [(str(sti), "2")]
    assert "ikke UTF-8" in exc.tekst()


def test_ukjent_filtype_og_manglende_fil(tmp_path):
    (tmp_path / "s.xls").write_bytes(b"\xd0\xcf")
    assert "ukjent filtype" in feil(les_sokere, tmp_path / "s.xls").tekst()
    assert "filen finnes ikke" in feil(les_sokere, tmp_path / "nei.csv").tekst()
    (tmp_path / "tom.csv").write_text("\n\n", encoding="utf-8")
    assert "tabellen er tom" in feil(les_sokere, tmp_path / "tom.csv").tekst()


# --- enheter table ----------------------------------------------------------------------------------


def test_negativ_kapasitet(tmp_path):
    sti = enheter_csv(tmp_path, lambda h, r: r[1].update({"kapasitet": "-2"}))
    exc = feil(les_enheter, sti)
    assert_feil(exc, sti, 3, "kapasitet", "verdien -2 er for liten")


def test_negativ_kapasitet_i_excel(tmp_path):
    hode, rader = mal("enheter.csv")
    rader[0]["kapasitet"] = -5
    sti = skriv_xlsx(tmp_path / "enheter.xlsx", {"enheter": (hode, rader)})
    assert_feil(feil(les_enheter, sti), f"{sti}[enheter]", 2, "kapasitet", "for liten")


def test_dublett_enhet_id(tmp_path):
    sti = enheter_csv(tmp_path, lambda h, r: r[2].update({"id": "E-NYG-SOM"}))
    assert_feil(feil(les_enheter, sti), sti, 4, "id", "enhet-id «E-NYG-SOM» finnes allerede på rad 2")


def test_samme_institusjon_med_ulike_navn(tmp_path):
    sti = enheter_csv(tmp_path, lambda h, r: r[1].update({"institusjon_navn": "Nygård sykehjem"}))
    exc = feil(les_enheter, sti)
    assert_feil(exc, sti, 3, "institusjon_navn", "samme institusjon må ha samme verdi")
    assert "rad 2" in exc.feil[0].melding


def test_dobbeltrom_over_kapasitet_og_ugyldig_plasstype(tmp_path):
    def endre(h, r):
        r[0]["dobbeltrom"] = "20"
        r[2]["plasstype"] = "sykehjem"

    sti = enheter_csv(tmp_path, endre)
    exc = feil(les_enheter, sti)
    assert_feil(exc, sti, 2, "dobbeltrom", "dobbeltrom × 2 kan ikke overstige kapasitet")
    assert_feil(exc, sti, 4, "plasstype", "ugyldig verdi 'sykehjem'")


def test_plasstype_utenfor_profilen_peker_paa_enhetsfilen(tmp_path):
    sti = enheter_csv(tmp_path, lambda h, r: r[2].update({"plasstype": "koh"}))
    exc = feil(bygg, MALMAPPE / "sokere.csv", sti)
    assert_feil(exc, sti, 4, "plasstype", "finnes ikke i regelprofilen «sandefjord»")


def test_onsket_institusjon_som_ikke_finnes(tmp_path):
    sti = sokere_csv(tmp_path, lambda h, r: r[0].update({"soknad.onskede_institusjoner": "I-NYG;I-ANNEN"}))
    exc = feil(bygg, sti, MALMAPPE / "enheter.csv")
    assert_feil(exc, sti, 2, "soknad.onskede_institusjoner", "ukjent institusjon «I-ANNEN»")


def test_bygg_sak_samler_feil_fra_begge_filer_og_parametere(tmp_path):
    s = sokere_csv(tmp_path, lambda h, r: r[0].update({"alder": "-1"}))
    e = enheter_csv(tmp_path, lambda h, r: r[0].update({"kapasitet": "mange"}))
    exc = feil(bygg_sak, s, e, "bergen", "39077", "Sandefjord", "2026-11-30")
    assert_feil(exc, s, 2, "alder")
    assert_feil(exc, e, 2, "kapasitet", "må være et heltall")
    assert any(f.felt == "profil" and "ukjent regelprofil «bergen»" in f.melding for f in exc.feil)
    assert any(f.felt == "kommunenummer" for f in exc.feil)


def test_ugyldig_startdato(tmp_path):
    exc = feil(bygg_sak, MALMAPPE / "sokere.csv", MALMAPPE / "enheter.csv", "sandefjord", "3907", "S", "snart")
    assert [(f.fil, f.felt) for f in exc.feil] == [("parametere", "startdato")]


def test_naverende_opphold_uten_oppholdsfil(tmp_path):
    sti = sokere_csv(tmp_path, lambda h, r: r[2].update({"naverende_opphold_id": "O-1"}))
    assert_feil(feil(bygg, sti, MALMAPPE / "enheter.csv"), sti, 4, "naverende_opphold_id", "ukjent opphold")


def test_opphold_i_ukjent_enhet(tmp_path):
    opphold = tmp_path / "opphold.csv"
    opphold.write_text("id;enhet_id;start;forventet_slutt\nO-1;E-NYG-SOM;2025-01-01;\nO-2;E-X;2026-11-01;2026-10-01\n")
    exc = feil(bygg, MALMAPPE / "sokere.csv", MALMAPPE / "enheter.csv", opphold_fil=opphold)
    assert_feil(exc, opphold, 3, "forventet_slutt", "forventet_slutt kan ikke være før start")


# --- command line -----------------------------------------------------------------------------------


def test_cli_valider_ugyldig_json_gir_kode_2(tmp_path):
    sti = tmp_path / "sak.json"
    sti.write_text("{ ikke json", encoding="utf-8")
    resultat = CliRunner().invoke(app, ["valider", str(sti)])
    assert resultat.exit_code == 2
    assert f"{sti}, rad 1: ugyldig JSON" in resultat.stderr


def test_cli_valider_kryssjekkfeil(tmp_path):
    data = minimal_sak_data()
    data["sokere"][0]["ektefelle_id"] = "S-9"
    sti = tmp_path / "sak.json"
    sti.write_text(json.dumps(data), encoding="utf-8")
    resultat = CliRunner().invoke(app, ["valider", str(sti)])
    assert resultat.exit_code == 2
    assert f"{sti}, søker nr. 1 (id {data['sokere'][0]['id']}), felt «ektefelle_id»" in resultat.stderr


def test_cli_importer_skriver_ingenting_ved_feil(tmp_path):
    s = sokere_csv(tmp_path, lambda h, r: r[0].update({"iplos.spise": "7"}))
    ut = tmp_path / "sak.json"
    resultat = CliRunner().invoke(app, importer_args(s, ut=ut))
    assert resultat.exit_code == 2
    assert f"{s}, rad 2, felt «iplos.spise»" in resultat.stderr
    assert "ingen fil er skrevet" in resultat.stderr
    assert not ut.exists()
    assert list(tmp_path.iterdir()) == [s]  # no temporary file left behind either


def test_cli_importer_beholder_gammel_fil_ved_feil(tmp_path):
    ut = tmp_path / "sak.json"
    ut.write_text("gammel", encoding="utf-8")
    s = sokere_csv(tmp_path, lambda h, r: r[0].update({"soknad.soknadsdato": "1/1/2026"}))
    resultat = CliRunner().invoke(app, importer_args(s, ut=ut))
    assert resultat.exit_code == 2
    assert ut.read_text(encoding="utf-8") == "gammel"


def test_cli_importer_mangler_valg(tmp_path):
    ut = tmp_path / "sak.json"
    resultat = CliRunner().invoke(app, ["importer", "--sokere", str(MALMAPPE / "sokere.csv"), "--ut", str(ut)])
    assert resultat.exit_code == 2
    assert "--enheter" in resultat.stderr and "--profil" in resultat.stderr and "--startdato" in resultat.stderr
    assert not ut.exists()


def test_cli_importer_ugyldig_startdato(tmp_path):
    ut = tmp_path / "sak.json"
    resultat = CliRunner().invoke(app, importer_args(ut=ut, startdato="30.11.2026"))
    assert resultat.exit_code == 2
    assert "felt «startdato»" in resultat.stderr
    assert not ut.exists()


# --- round trip -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kilde", ["csv", "xlsx"])
def test_rundtur_maler_til_json_og_tilbake(tmp_path, kilde):
    if kilde == "csv":
        s, e = MALMAPPE / "sokere.csv", MALMAPPE / "enheter.csv"
    else:
        s = e = MALMAPPE / "mal.xlsx"
    sak = bygg(s, e, syntetisk=True)
    sti = tmp_path / "sak.json"
    skriv_sak(sak, sti)
    tilbake = les_sak(sti)
    assert tilbake == sak
    assert sak_til_json(tilbake) == sti.read_text(encoding="utf-8")
    assert tilbake.syntetisk and len(tilbake.sokere) == 3 and len(tilbake.enheter) == 3


def test_rundtur_via_cli(tmp_path):
    ut = tmp_path / "sak.json"
    resultat = CliRunner().invoke(app, importer_args(ut=ut))
    assert resultat.exit_code == 0, resultat.output
    assert les_sak(ut) == bygg(MALMAPPE / "sokere.csv", MALMAPPE / "enheter.csv")
    assert CliRunner().invoke(app, ["valider", str(ut)]).exit_code == 0


def test_radnummer_telles_fra_en_og_navngir_id(tmp_path):
    """JSON rows are 0-based in the file format; a reader counts from 1: «søker nr. 2 (id …)», not «sokere[1]»."""
    data = minimal_sak_data()
    data["sokere"][1]["iplos"] = {"spise": 7}
    sti = tmp_path / "sak.json"
    sti.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(Inndatafeil) as exc:
        les_sak(sti)
    tekst = exc.value.tekst()
    assert "søker nr. 2 (id S-2), felt «iplos.spise»" in tekst
    assert "sokere[1]" not in tekst and " or " not in tekst and "eller 9" in tekst


def test_json_feil_paa_bokmaal(tmp_path):
    """A broken JSON file gets a bokmål message, not the parser's English («Expecting property name …»)."""
    sti = tmp_path / "sak.json"
    sti.write_text('{"syntetisk": true, }', encoding="utf-8")
    with pytest.raises(Inndatafeil) as exc:
        les_sak(sti)
    tekst = exc.value.tekst()
    assert "Expecting" not in tekst and "forventet et feltnavn i doble anførselstegn" in tekst


def test_laas_til_enhet_i_annen_familie_navngir_soekerens_egen_tjeneste():
    """The lock message names the locked søker's own service (it used the loop's leftover søker, S-2 korttid)."""
    data = minimal_sak_data()
    data["laaser"] = [{"soker_id": "S-1", "type": "tildel", "enhet_id": "E-KT"}]
    with pytest.raises(Inndatafeil) as exc:
        sak_fra_data(data, "sak.json")
    melding = next(f.melding for f in exc.value.feil if f.felt == "enhet_id")
    assert "langtidsopphold i institusjon" in melding and "har søkt korttid" not in melding
