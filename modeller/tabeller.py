"""CSV and Excel import of the two tables users keep: søkere and enheter (and optionally opphold).

The column layout is *derived from the pydantic models*, so it cannot drift from them: one row per
record, scalar fields as columns, nested fields as dotted names (``iplos.spise``,
``soknad.korttid.lengde_dogn``), tuples as ``;``-separated lists. The enheter table carries the unit
fields plus ``institusjon_navn`` and ``institusjon_bydel``; institutions are built from the distinct
``institusjon_id`` values.

Cell conventions: an empty cell means *not assessed* (the field keeps its default, usually ``None``);
booleans accept ja/nei, sann/usann, true/false, 1/0 (any case); dates are ISO (ÅÅÅÅ-MM-DD) or real
Excel dates. Every error names the file (``fil.xlsx[sokere]`` for a sheet), the row as the user sees
it (CSV line / Excel row, the header is row 1) and the column.
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import re
import types
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import Enum
from inspect import isclass
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import typer
from pydantic import BaseModel, ValidationError

from modeller.institusjon import Enhet, Institusjon, Opphold
from modeller.kodeverk import (
    Kjonn,
    Korttidsformal,
    Oppholdssted,
    Plasstype,
    Tiltak,
    Tjeneste,
)
from modeller.lasting import Inndatafeil, oversett_valideringsfeil, skriv_atomisk, skriv_sak
from modeller.regelprofil import PROFILER
from modeller.sak import Feil, Kommune, Sak, kryssjekk
from modeller.soker import (
    Diagnoser,
    Innsatstrapp,
    Iplos,
    KorttidDetaljer,
    LangtidDetaljer,
    Soker,
    Soknad,
    Vurdering,
)

LISTESKILLE = ";"
"""Separator inside a list cell (``innsatstrapp.provde_tiltak``, ``soknad.onskede_institusjoner``)."""

_SANN = frozenset({"ja", "sann", "true", "1"})
_USANN = frozenset({"nei", "usann", "false", "0"})
_EXCEL_EPOKE = date(1899, 12, 30)
_DATO = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T]00:00(?::00)?)?")
_HELTALL = re.compile(r"[+-]?\d+(?:[.,]0+)?")


# --- Column layout, derived from the models -------------------------------------------------------


@dataclass(frozen=True)
class Kolonne:
    """One column of a table: its header name, the field path in the model, and how cells are read."""

    navn: str
    sti: tuple[str, ...]
    art: Literal["tekst", "heltall", "bool", "dato", "valg", "liste"]
    pakrevd: bool
    tillatt: tuple[str, ...] = ()
    beskrivelse: str = ""

    def forklaring(self) -> str:
        """Short bokmål explanation for a template header comment."""
        art = {
            "tekst": "tekst",
            "heltall": "heltall",
            "bool": "ja/nei",
            "dato": "dato ÅÅÅÅ-MM-DD",
            "valg": "ett av verdiene under",
            "liste": f"liste skilt med «{LISTESKILLE}»",
        }[self.art]
        deler = [f"{self.navn} ({art}{', påkrevd' if self.pakrevd else ', tom = ikke vurdert'})"]
        if self.tillatt:
            deler.append("Tillatt: " + ", ".join(self.tillatt))
        if self.beskrivelse:
            deler.append(self.beskrivelse)
        return "\n".join(deler)


def _uten_none(tp: Any) -> Any:
    if get_origin(tp) in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return _uten_none(args[0])
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    return tp


def _blad(navn: str, sti: tuple[str, ...], tp: Any, pakrevd: bool, beskrivelse: str) -> Kolonne:
    if tp is bool:
        return Kolonne(navn, sti, "bool", pakrevd, beskrivelse=beskrivelse)
    if tp is int:
        return Kolonne(navn, sti, "heltall", pakrevd, beskrivelse=beskrivelse)
    if get_origin(tp) is Literal:
        return Kolonne(navn, sti, "heltall", pakrevd, tuple(str(a) for a in get_args(tp)), beskrivelse)
    if tp is date:
        return Kolonne(navn, sti, "dato", pakrevd, beskrivelse=beskrivelse)
    if tp is str:
        return Kolonne(navn, sti, "tekst", pakrevd, beskrivelse=beskrivelse)
    if isclass(tp) and issubclass(tp, Enum):
        return Kolonne(navn, sti, "valg", pakrevd, tuple(str(e.value) for e in tp), beskrivelse)
    if get_origin(tp) is tuple:
        element = _uten_none(get_args(tp)[0])
        tillatt = tuple(str(e.value) for e in element) if isclass(element) and issubclass(element, Enum) else ()
        return Kolonne(navn, sti, "liste", pakrevd, tillatt, beskrivelse)
    raise TypeError(f"feltet «{navn}» har en type tabellimporten ikke kan lese: {tp!r}")


def kolonner_for(modell: type[BaseModel], prefiks: tuple[str, ...] = (), pakrevd: bool = True) -> list[Kolonne]:
    """The flat column list of a model: nested models become dotted names. A column is required
    when its field and every enclosing field are required."""
    kolonner: list[Kolonne] = []
    for navn, felt in modell.model_fields.items():
        sti = (*prefiks, navn)
        tp = _uten_none(felt.annotation)
        maa = pakrevd and felt.is_required()
        if isclass(tp) and issubclass(tp, BaseModel):
            kolonner.extend(kolonner_for(tp, sti, maa))
        else:
            kolonner.append(_blad(".".join(sti), sti, tp, maa, felt.description or ""))
    return kolonner


KOLONNER_SOKERE: tuple[Kolonne, ...] = tuple(kolonner_for(Soker))
_INSTITUSJON_PREFIKS = "institusjon_"
KOLONNER_INSTITUSJON: tuple[Kolonne, ...] = tuple(
    replace(k, navn=_INSTITUSJON_PREFIKS + k.navn) for k in kolonner_for(Institusjon) if k.sti != ("id",)
)
KOLONNER_ENHETER: tuple[Kolonne, ...] = tuple(kolonner_for(Enhet)) + KOLONNER_INSTITUSJON
KOLONNER_OPPHOLD: tuple[Kolonne, ...] = tuple(kolonner_for(Opphold))
_KOLONNER_I_MODELL: dict[type[BaseModel], Sequence[Kolonne]] = {
    Soker: KOLONNER_SOKERE,
    Enhet: kolonner_for(Enhet),
    Institusjon: kolonner_for(Institusjon),
    Opphold: KOLONNER_OPPHOLD,
}


# --- Reading cells ----------------------------------------------------------------------------------


class _Tom:
    """Marker for an empty cell."""


_TOM = _Tom()


class _Ugyldig:
    """Stands in for a cell that could not be read, so pydantic rejects the field (its error is
    then dropped as already reported) and no model-level check runs on a half-read row."""


_UGYLDIG = _Ugyldig()


class _Cellefeil(ValueError):
    pass


def _tolk(kol: Kolonne, raa: Any, excel: bool) -> Any:
    """Turn one cell into a Python value for pydantic (or _TOM); raise _Cellefeil with a bokmål message."""
    if raa is None:
        return _TOM
    if isinstance(raa, str):
        raa = raa.strip()
        if raa == "":
            return _TOM
    if kol.art == "bool":
        if isinstance(raa, bool):
            return raa
        s = str(int(raa)) if isinstance(raa, float) and raa.is_integer() else str(raa).lower()
        if s in _SANN:
            return True
        if s in _USANN:
            return False
        raise _Cellefeil(f"må være ja eller nei (også sann/usann, true/false, 1/0), fikk {raa!r}")
    if kol.art == "heltall":
        if isinstance(raa, int) and not isinstance(raa, bool):
            return raa
        if isinstance(raa, float) and raa.is_integer():
            return int(raa)
        s = str(raa)
        if _HELTALL.fullmatch(s):
            return int(re.split(r"[.,]", s)[0])
        raise _Cellefeil(f"må være et heltall, fikk {raa!r}")
    if kol.art == "dato":
        if isinstance(raa, datetime):
            return raa.date()
        if isinstance(raa, date):
            return raa
        if excel and isinstance(raa, int | float) and not isinstance(raa, bool):
            return _EXCEL_EPOKE + timedelta(days=int(raa))
        treff = _DATO.fullmatch(str(raa))
        if treff:
            try:
                return date.fromisoformat(treff.group(1))
            except ValueError:
                pass
        raise _Cellefeil(f"må være en dato (ÅÅÅÅ-MM-DD), fikk {raa!r}")
    if isinstance(raa, float) and raa.is_integer():
        raa = int(raa)
    if isinstance(raa, datetime | date):
        raise _Cellefeil(f"må være tekst, fikk en dato ({raa:%Y-%m-%d}); formater cellen som tekst")
    s = str(raa).strip()
    if kol.art == "valg":
        return s.lower() if s.lower() in kol.tillatt else s
    if kol.art == "liste":
        deler = [d.strip() for d in s.split(LISTESKILLE) if d.strip()]
        return tuple(d.lower() if d.lower() in kol.tillatt else d for d in deler)
    return s


def _celle_til_tekst(verdi: Any) -> str:
    if verdi is None:
        return ""
    if isinstance(verdi, bool):
        return "ja" if verdi else "nei"
    if isinstance(verdi, Enum):
        return str(verdi.value)
    if isinstance(verdi, date):
        return verdi.isoformat()
    if isinstance(verdi, tuple | list):
        return LISTESKILLE.join(_celle_til_tekst(v) for v in verdi)
    return str(verdi)


# --- Reading files ----------------------------------------------------------------------------------


@dataclass
class _Tabell:
    """A table as read: the file label for errors, and each row's parsed cells by column."""

    fil: str
    hoderad: int = 1
    rader: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    feil: list[Feil] = field(default_factory=list)
    manglende: set[str] = field(default_factory=set)
    cellefeil: set[tuple[int, str]] = field(default_factory=set)


def _raa_csv(p: Path) -> tuple[str, list[tuple[int, list[Any]]]]:
    fil = str(p)
    data = p.read_bytes()
    try:
        tekst = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        linje = data[: exc.start].count(b"\n") + 1
        raise Inndatafeil(
            [Feil(fil, str(linje), "", "filen er ikke UTF-8-tekst; lagre den som «CSV UTF-8» i Excel")]
        ) from None
    forste = next((linje for linje in tekst.splitlines() if linje.strip()), "")
    skille = max(";,\t", key=forste.count) if forste else ","
    leser = csv.reader(io.StringIO(tekst, newline=""), delimiter=skille)
    rader: list[tuple[int, list[Any]]] = []
    while True:
        start = leser.line_num + 1
        try:
            celler = next(leser)
        except StopIteration:
            break
        except csv.Error as exc:
            raise Inndatafeil([Feil(fil, str(start), "", f"ugyldig CSV: {exc}")]) from None
        rader.append((start, celler))
    return fil, rader


def _arknavn(navn: str) -> str:
    """Sheet names compare without case and with æøå folded, so «Søkere» finds «sokere»."""
    return navn.strip().casefold().replace("æ", "ae").replace("ø", "o").replace("å", "a")


def _raa_xlsx(p: Path, ark: str) -> tuple[str, list[tuple[int, list[Any]]]]:
    import openpyxl

    try:
        bok = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise Inndatafeil([Feil(str(p), "", "", f"kunne ikke lese Excel-filen ({type(exc).__name__})")]) from None
    try:
        navn = {_arknavn(a): a for a in bok.sheetnames}
        tittel = navn.get(_arknavn(ark)) or bok.sheetnames[0]
        blad = bok[tittel]
        rader = [(nr, list(celler)) for nr, celler in enumerate(blad.iter_rows(min_row=1, values_only=True), start=1)]
    finally:
        bok.close()
    return f"{p}[{tittel}]", rader


def _tom_celle(c: Any) -> bool:
    return c is None or (isinstance(c, str) and not c.strip())


def _les_tabell(sti: str | os.PathLike[str], ark: str, kolonner: Sequence[Kolonne]) -> _Tabell:
    """Read a CSV or XLSX table: check the header against the columns and parse every cell."""
    p = Path(sti)
    if not p.exists():
        raise Inndatafeil([Feil(str(p), "", "", "filen finnes ikke")])
    endelse = p.suffix.lower()
    if endelse == ".csv":
        fil, raa = _raa_csv(p)
        excel = False
    elif endelse in (".xlsx", ".xlsm"):
        fil, raa = _raa_xlsx(p, ark)
        excel = True
    else:
        raise Inndatafeil([Feil(str(p), "", "", "ukjent filtype; bruk .csv (UTF-8) eller .xlsx")])
    raa = [(nr, celler) for nr, celler in raa if not all(_tom_celle(c) for c in celler)]
    tabell = _Tabell(fil)
    if not raa:
        raise Inndatafeil([Feil(fil, "", "", "tabellen er tom (mangler overskriftsrad)")])
    tabell.hoderad, hode = raa[0]
    rad = str(tabell.hoderad)
    kjente = {k.navn: k for k in kolonner}
    i_bruk: dict[int, Kolonne] = {}
    sett: dict[str, int] = {}
    for i, celle in enumerate(hode):
        navn = "" if celle is None else str(celle).strip().lower()
        if not navn:
            if any(i < len(c) and not _tom_celle(c[i]) for _, c in raa[1:]):
                tabell.feil.append(Feil(fil, rad, f"kolonne {i + 1}", "kolonnen har data, men ingen overskrift"))
            continue
        if navn in sett:
            tabell.feil.append(Feil(fil, rad, navn, f"kolonnen finnes flere ganger (også kolonne {sett[navn] + 1})"))
            continue
        sett[navn] = i
        if navn not in kjente:
            forslag = difflib.get_close_matches(navn, kjente, n=1)
            hint = f"; mente du «{forslag[0]}»?" if forslag else ""
            tabell.feil.append(Feil(fil, rad, navn, f"ukjent kolonne{hint}"))
            continue
        i_bruk[i] = kjente[navn]
    for k in kolonner:
        if k.pakrevd and k.navn not in sett:
            tabell.manglende.add(k.navn)
            tabell.feil.append(Feil(fil, rad, k.navn, "påkrevd kolonne mangler"))
    for nr, celler in raa[1:]:
        overskudd = [i for i in range(len(hode), len(celler)) if not _tom_celle(celler[i])]
        if overskudd:
            tabell.feil.append(
                Feil(fil, str(nr), f"kolonne {overskudd[0] + 1}", "raden har flere celler enn overskriftsraden")
            )
        verdier: dict[str, Any] = {}
        for i, kol in i_bruk.items():
            try:
                verdi = _tolk(kol, celler[i] if i < len(celler) else None, excel)
            except _Cellefeil as exc:
                tabell.feil.append(Feil(fil, str(nr), kol.navn, str(exc)))
                tabell.cellefeil.add((nr, kol.navn))
                verdi = _UGYLDIG
            if verdi is not _TOM:
                verdier[kol.navn] = verdi
        tabell.rader.append((nr, verdier))
    return tabell


def _nøst(verdier: dict[str, Any], kolonner: Iterable[Kolonne]) -> dict[str, Any]:
    """Column values → the nested dict the model expects (blocks with no filled cell stay absent)."""
    data: dict[str, Any] = {}
    for k in kolonner:
        if k.navn in verdier:
            d = data
            for nøkkel in k.sti[:-1]:
                d = d.setdefault(nøkkel, {})
            d[k.sti[-1]] = verdier[k.navn]
    return data


def _valider(
    tabell: _Tabell,
    nr: int,
    modell: type[BaseModel],
    data: dict[str, Any],
    kolonnenavn: Callable[[str], str] = lambda s: s,
) -> Any:
    """Validate one row; record errors under the user's column names. Returns the object or None."""
    try:
        return modell.model_validate(data)
    except ValidationError as exc:
        for f in oversett_valideringsfeil(exc, tabell.fil):
            sti = re.sub(r"\[\d+\]", "", ".".join(x for x in (f.rad, f.felt) if x))
            kol = kolonnenavn(_kolonne_for_modellfeil(sti, f.melding, modell))
            if kol in tabell.manglende or (nr, kol) in tabell.cellefeil:
                continue
            ny = Feil(tabell.fil, str(nr), kol, f.melding)
            if ny not in tabell.feil:
                tabell.feil.append(ny)
        return None


def _kolonne_for_modellfeil(sti: str, melding: str, modell: type[BaseModel]) -> str:
    """A model-level check (e.g. «dobbeltrom × 2 kan ikke overstige kapasitet») has no field in its
    location. Point it at the column its message names first, else at the first column of the
    block (``soknad`` → ``soknad.tjeneste``), so the user always sees a column."""
    kolonner = _KOLONNER_I_MODELL.get(modell) or kolonner_for(modell)
    if any(k.navn == sti for k in kolonner):
        return sti
    under = [k for k in kolonner if not sti or k.navn.startswith(sti + ".")]
    treff = []
    for k in under:
        m = re.search(rf"(?<![\w.]){re.escape(k.sti[-1])}(?![\w])", melding)
        if m:
            treff.append((m.start(), k.navn))
    if treff:
        return min(treff)[1]
    return under[0].navn if sti and under else sti


def _dubletter(tabell: _Tabell, ider: list[tuple[int, str]], hva: str) -> None:
    forste: dict[str, int] = {}
    for nr, x in ider:
        if x in forste:
            tabell.feil.append(Feil(tabell.fil, str(nr), "id", f"{hva} «{x}» finnes allerede på rad {forste[x]}"))
        else:
            forste[x] = nr


# --- Public readers ---------------------------------------------------------------------------------


@dataclass
class _Lest:
    """Objects read from a table, with the row each came from (for cross-check messages)."""

    fil: str
    objekter: list[Any]
    rader: list[int]


def _les_sokere(sti: str | os.PathLike[str]) -> _Lest:
    tabell = _les_tabell(sti, "sokere", KOLONNER_SOKERE)
    lest = _Lest(tabell.fil, [], [])
    for nr, verdier in tabell.rader:
        s = _valider(tabell, nr, Soker, _nøst(verdier, KOLONNER_SOKERE))
        if s is not None:
            lest.objekter.append(s)
            lest.rader.append(nr)
    _dubletter(tabell, [(nr, s.id) for nr, s in zip(lest.rader, lest.objekter, strict=True)], "søker-id")
    if tabell.feil:
        raise Inndatafeil(tabell.feil)
    return lest


def _les_enheter(sti: str | os.PathLike[str]) -> tuple[_Lest, _Lest]:
    tabell = _les_tabell(sti, "enheter", KOLONNER_ENHETER)
    enheter = _Lest(tabell.fil, [], [])
    institusjoner = _Lest(tabell.fil, [], [])
    per_id: dict[str, tuple[int, Institusjon]] = {}
    enhet_kol = [k for k in KOLONNER_ENHETER if k not in KOLONNER_INSTITUSJON]

    def inst_kolonne(sti: str) -> str:
        return "institusjon_id" if sti == "id" else _INSTITUSJON_PREFIKS + sti

    for nr, verdier in tabell.rader:
        enhet = _valider(tabell, nr, Enhet, _nøst(verdier, enhet_kol))
        inst_data = _nøst(verdier, KOLONNER_INSTITUSJON)
        if "institusjon_id" in verdier:
            inst_data["id"] = verdier["institusjon_id"]
        inst = _valider(tabell, nr, Institusjon, inst_data, inst_kolonne)
        if enhet is not None:
            enheter.objekter.append(enhet)
            enheter.rader.append(nr)
        if inst is None:
            continue
        if inst.id not in per_id:
            per_id[inst.id] = (nr, inst)
            institusjoner.objekter.append(inst)
            institusjoner.rader.append(nr)
            continue
        forste_nr, forste = per_id[inst.id]
        for navn in Institusjon.model_fields:
            a, b = getattr(forste, navn), getattr(inst, navn)
            if a != b:
                tabell.feil.append(
                    Feil(
                        tabell.fil,
                        str(nr),
                        inst_kolonne(navn),
                        f"institusjon «{inst.id}» har {_celle_til_tekst(a) or '(tom)'!r} på rad {forste_nr}, "
                        f"men {_celle_til_tekst(b) or '(tom)'!r} her; samme institusjon må ha samme verdi",
                    )
                )
    _dubletter(tabell, [(nr, e.id) for nr, e in zip(enheter.rader, enheter.objekter, strict=True)], "enhet-id")
    if tabell.feil:
        raise Inndatafeil(tabell.feil)
    return institusjoner, enheter


def _les_opphold(sti: str | os.PathLike[str]) -> _Lest:
    tabell = _les_tabell(sti, "opphold", KOLONNER_OPPHOLD)
    lest = _Lest(tabell.fil, [], [])
    for nr, verdier in tabell.rader:
        o = _valider(tabell, nr, Opphold, _nøst(verdier, KOLONNER_OPPHOLD))
        if o is not None:
            lest.objekter.append(o)
            lest.rader.append(nr)
    _dubletter(tabell, [(nr, o.id) for nr, o in zip(lest.rader, lest.objekter, strict=True)], "opphold-id")
    if tabell.feil:
        raise Inndatafeil(tabell.feil)
    return lest


def les_sokere(sti: str | os.PathLike[str]) -> list[Soker]:
    """Read the søkere table (.csv or .xlsx, sheet «sokere» or the first). Raises Inndatafeil with
    every error found, each naming file, row and column."""
    return _les_sokere(sti).objekter


def les_enheter(sti: str | os.PathLike[str]) -> tuple[list[Institusjon], list[Enhet]]:
    """Read the enheter table (.csv or .xlsx, sheet «enheter» or the first). Institutions are the
    distinct ``institusjon_id`` values; the same id with different name/bydel is an error."""
    institusjoner, enheter = _les_enheter(sti)
    return institusjoner.objekter, enheter.objekter


def les_opphold(sti: str | os.PathLike[str]) -> list[Opphold]:
    """Read a table of current stays (.csv or .xlsx, sheet «opphold» or the first)."""
    return _les_opphold(sti).objekter


def bygg_sak(
    sokere_fil: str | os.PathLike[str],
    enheter_fil: str | os.PathLike[str],
    kommune_profil: str,
    kommunenummer: str,
    kommunenavn: str,
    startdato: date | str,
    horisont_dager: int = 28,
    opphold_fil: str | os.PathLike[str] | None = None,
    *,
    syntetisk: bool = False,
    beskrivelse: str = "",
) -> Sak:
    """Combine the tables into a case and run the cross-checks. Every error (from any file, or
    from the parameters) is collected and raised together as Inndatafeil, naming file and row."""
    feil: list[Feil] = []
    sokere = institusjoner = enheter = opphold = None
    try:
        sokere = _les_sokere(sokere_fil)
    except Inndatafeil as exc:
        feil += exc.feil
    try:
        institusjoner, enheter = _les_enheter(enheter_fil)
    except Inndatafeil as exc:
        feil += exc.feil
    if opphold_fil is not None:
        try:
            opphold = _les_opphold(opphold_fil)
        except Inndatafeil as exc:
            feil += exc.feil
    parameternavn = {
        "kommune.nummer": "kommunenummer",
        "kommune.navn": "kommunenavn",
        "kommune.regelprofil": "profil",
    }
    try:
        kommune = Kommune(nummer=kommunenummer, navn=kommunenavn, regelprofil=kommune_profil)  # type: ignore[arg-type]
    except ValidationError as exc:
        kommune = None
        for f in oversett_valideringsfeil(exc, "parametere"):
            feil.append(Feil(f.fil, "", parameternavn.get("kommune." + f.felt, f.felt), f.melding))
    if feil or sokere is None or institusjoner is None or enheter is None or kommune is None:
        raise Inndatafeil(feil)
    try:
        sak = Sak.model_validate(
            {
                "syntetisk": syntetisk,
                "beskrivelse": beskrivelse,
                "kommune": kommune,
                "startdato": startdato,
                "horisont_dager": horisont_dager,
                "institusjoner": institusjoner.objekter,
                "enheter": enheter.objekter,
                "opphold": opphold.objekter if opphold else [],
                "sokere": sokere.objekter,
            },
            context={"utsett_kryssjekk": True},
        )
    except ValidationError as exc:
        raise Inndatafeil(
            [
                Feil(f.fil, "", parameternavn.get(f.felt, f.felt), f.melding)
                for f in oversett_valideringsfeil(exc, "parametere")
            ]
        ) from None
    kilder = {"sokere": sokere, "enheter": enheter, "institusjoner": institusjoner}
    if opphold is not None:
        kilder["opphold"] = opphold
    feil = [_til_tabellrad(f, kilder) for f in kryssjekk(sak, fil="sak")]
    if feil:
        raise Inndatafeil(feil)
    return sak


def _til_tabellrad(f: Feil, kilder: dict[str, _Lest]) -> Feil:
    """Map a cross-check error (``sokere[3]``) to the file and row the user sees."""
    treff = re.fullmatch(r"(\w+)\[(\d+)\]", f.rad)
    if treff and treff.group(1) in kilder:
        lest = kilder[treff.group(1)]
        felt = "institusjon_id" if treff.group(1) == "institusjoner" and f.felt == "id" else f.felt
        return Feil(lest.fil, str(lest.rader[int(treff.group(2))]), felt, f.melding)
    return f


# --- Writing tables and templates -------------------------------------------------------------------


def _verdi(obj: BaseModel, sti: tuple[str, ...]) -> Any:
    v: Any = obj
    for nøkkel in sti:
        if v is None:
            return None
        v = getattr(v, nøkkel)
    return v


def sokere_til_rader(sokere: Iterable[Soker]) -> list[dict[str, Any]]:
    """Søkere as flat rows {column: value} (Python values; empty = None)."""
    return [{k.navn: _verdi(s, k.sti) for k in KOLONNER_SOKERE} for s in sokere]


def enheter_til_rader(institusjoner: Iterable[Institusjon], enheter: Iterable[Enhet]) -> list[dict[str, Any]]:
    """Units as flat rows, each carrying its institution's name and bydel."""
    inst = {i.id: i for i in institusjoner}
    rader = []
    for e in enheter:
        rad = {k.navn: _verdi(e, k.sti) for k in KOLONNER_ENHETER if k not in KOLONNER_INSTITUSJON}
        rad.update({k.navn: _verdi(inst[e.institusjon_id], k.sti) for k in KOLONNER_INSTITUSJON})
        rader.append(rad)
    return rader


def tabell_til_csv(kolonner: Sequence[Kolonne], rader: Iterable[dict[str, Any]]) -> str:
    """Rows as «;»-separated CSV text in the import format (booleans ja/nei, ISO dates)."""
    ut = io.StringIO()
    skriver = csv.writer(ut, delimiter=";", lineterminator="\n")
    skriver.writerow([k.navn for k in kolonner])
    for rad in rader:
        skriver.writerow([_celle_til_tekst(rad[k.navn]) for k in kolonner])
    return ut.getvalue()


def _xlsx_bytes(ark: Sequence[tuple[str, Sequence[Kolonne], list[dict[str, Any]]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bok = Workbook()
    bok.remove(bok.active)
    bok.properties.creator = "allokering"
    bok.properties.created = datetime(2026, 1, 1)
    for navn, kolonner, rader in ark:
        blad = bok.create_sheet(navn)
        blad.append([k.navn for k in kolonner])
        for i, k in enumerate(kolonner, start=1):
            celle = blad.cell(row=1, column=i)
            celle.font = Font(bold=k.pakrevd)
            kommentar = Comment(k.forklaring(), "allokering")
            kommentar.width, kommentar.height = 320, 140
            celle.comment = kommentar
            blad.column_dimensions[get_column_letter(i)].width = max(12, min(40, len(k.navn) + 2))
        for r, rad in enumerate(rader, start=2):
            for i, k in enumerate(kolonner, start=1):
                v = rad[k.navn]
                if isinstance(v, date):
                    blad.cell(row=r, column=i, value=v).number_format = "yyyy-mm-dd"
                elif isinstance(v, int) and not isinstance(v, bool):
                    blad.cell(row=r, column=i, value=v)
                elif v is not None and v != ():
                    blad.cell(row=r, column=i, value=_celle_til_tekst(v))
        blad.freeze_panes = "B2"
    ut = io.BytesIO()
    bok.save(ut)
    return ut.getvalue()


def eksempel_sokere() -> list[Soker]:
    """Three synthetic søkere for the templates: a couple applying for langtid, and a UKP for korttid."""
    felles_trapp = Innsatstrapp(
        provde_tiltak=(Tiltak.HJEMMESYKEPLEIE, Tiltak.TRYGGHETSALARM, Tiltak.KORTTIDSOPPHOLD),
        lavere_tiltak_utilstrekkelige=True,
        helseteknologi_vurdert=True,
    )
    langtid = LangtidDetaljer(
        varig_ute_av_stand=True, kan_ikke_ivaretas_hjemme=True, behov_heldogns=True, forsvarlig_hjemme_i_ventetiden=True
    )
    return [
        Soker(
            id="S-0001",
            alder=87,
            kjonn=Kjonn.KVINNE,
            bydel="Sentrum",
            ektefelle_id="S-0002",
            onsker_bo_sammen=True,
            samtykke=True,
            samtykkekompetent=True,
            iplos=Iplos(spise=2, personlig_hygiene=4, toalett=4, bevege_seg_innendors=4, hukommelse=3),
            diagnoser=Diagnoser(demens=False),
            innsatstrapp=felles_trapp,
            soknad=Soknad(
                tjeneste=Tjeneste.LANGTID,
                soknadsdato=date(2026, 10, 12),
                langtid=langtid,
                onskede_institusjoner=("I-NYG",),
            ),
            vurdering=Vurdering(nytte=4, ressurs=3, alvorlighet=4),
        ),
        Soker(
            id="S-0002",
            alder=89,
            kjonn=Kjonn.MANN,
            bydel="Sentrum",
            ektefelle_id="S-0001",
            onsker_bo_sammen=True,
            samtykkekompetent=False,
            vedtak_4a=True,
            iplos=Iplos(spise=3, personlig_hygiene=5, toalett=5, hukommelse=5, styre_atferd=4),
            diagnoser=Diagnoser(demens=True, atferd_som_krever_skjerming=True),
            innsatstrapp=felles_trapp,
            soknad=Soknad(tjeneste=Tjeneste.LANGTID, soknadsdato=date(2026, 10, 12), langtid=langtid),
        ),
        Soker(
            id="S-0003",
            alder=78,
            kjonn=Kjonn.KVINNE,
            bydel="Andebu",
            oppholdssted=Oppholdssted.SYKEHUS_UKP,
            utskrivningsklar_dato=date(2026, 11, 26),
            samtykke=True,
            samtykkekompetent=True,
            iplos=Iplos(bevege_seg_innendors=4, bevege_seg_utendors=5, personlig_hygiene=3),
            soknad=Soknad(
                tjeneste=Tjeneste.KORTTID,
                soknadsdato=date(2026, 11, 24),
                korttid=KorttidDetaljer(
                    formal=Korttidsformal.REHABILITERING,
                    lengde_dogn=21,
                    behov_dognbasert_oppfolging=True,
                    motivert_for_rehabilitering=True,
                    rehabilitering_mulig_hjemme=False,
                ),
            ),
            vurdering=Vurdering(nytte=5),
        ),
    ]


def eksempel_enheter() -> tuple[list[Institusjon], list[Enhet]]:
    """Synthetic units for the templates (invented capacities)."""
    institusjoner = [
        Institusjon(id="I-NYG", navn="Nygård bo- og behandlingssenter", bydel="Sentrum"),
        Institusjon(id="I-SMS", navn="Sandefjord medisinske senter", bydel="Sentrum"),
    ]
    enheter = [
        Enhet(
            id="E-NYG-SOM",
            institusjon_id="I-NYG",
            navn="Nygård somatisk 1",
            plasstype=Plasstype.LANGTID_SOMATISK,
            kapasitet=24,
            dobbeltrom=2,
        ),
        Enhet(
            id="E-NYG-SKJ",
            institusjon_id="I-NYG",
            navn="Nygård skjermet",
            plasstype=Plasstype.LANGTID_SKJERMET,
            kapasitet=8,
        ),
        Enhet(
            id="E-SMS-KT",
            institusjon_id="I-SMS",
            navn="Korttidsavdelingen",
            plasstype=Plasstype.KORTTID,
            kapasitet=20,
        ),
    ]
    return institusjoner, enheter


def mal_innhold() -> dict[str, str | bytes]:
    """The template files by name: sokere.csv, enheter.csv (UTF-8 with BOM, «;»-separated so
    Norwegian Excel opens them) and mal.xlsx with the sheets «sokere» and «enheter»."""
    sokere = sokere_til_rader(eksempel_sokere())
    enheter = enheter_til_rader(*eksempel_enheter())
    return {
        "sokere.csv": "\ufeff" + tabell_til_csv(KOLONNER_SOKERE, sokere),
        "enheter.csv": "\ufeff" + tabell_til_csv(KOLONNER_ENHETER, enheter),
        "mal.xlsx": _xlsx_bytes([("sokere", KOLONNER_SOKERE, sokere), ("enheter", KOLONNER_ENHETER, enheter)]),
    }


def skriv_maler(mappe: str | os.PathLike[str]) -> list[Path]:
    """Write the templates into ``mappe`` (atomically, file by file). Returns the paths written."""
    skrevet = []
    for navn, innhold in mal_innhold().items():
        sti = Path(mappe) / navn
        skriv_atomisk(sti, innhold)
        skrevet.append(sti)
    return skrevet


MALMAPPE = Path(__file__).parent / "maler"
"""The checked-in templates (regenerate with ``allokering importer --maler modeller/maler``)."""


# --- Command line -----------------------------------------------------------------------------------


def _kommune_fra_profil(profil: str) -> tuple[str | None, str | None]:
    """Kommunenummer and name of a built-in profile, read from its name «X kommune (NNNN)»."""
    p = PROFILER.get(profil)
    treff = re.fullmatch(r"(.+) kommune \((\d{4})\)", p.navn) if p else None
    return (treff.group(2), treff.group(1)) if treff else (None, None)


def importer(
    sokere: Path | None = typer.Option(None, "--sokere", help="Søkertabell (.csv eller .xlsx)."),
    enheter: Path | None = typer.Option(None, "--enheter", help="Enhetstabell (.csv eller .xlsx)."),
    opphold: Path | None = typer.Option(None, "--opphold", help="Valgfri tabell over nåværende opphold."),
    profil: str | None = typer.Option(None, "--profil", help="Regelprofil: sandefjord eller tvedestrand."),
    kommunenummer: str | None = typer.Option(None, "--kommunenummer", help="Standard: fra regelprofilen."),
    kommunenavn: str | None = typer.Option(None, "--kommunenavn", help="Standard: fra regelprofilen."),
    startdato: str | None = typer.Option(None, "--startdato", help="Dag 0 i horisonten (ÅÅÅÅ-MM-DD)."),
    horisont: int = typer.Option(28, "--horisont", help="Planleggingshorisont i dager."),
    syntetisk: bool = typer.Option(False, "--syntetisk", help="Merk saken som syntetiske data."),
    ut: Path | None = typer.Option(None, "--ut", help="Saksfil (JSON) som skrives."),
    maler: Path | None = typer.Option(None, "--maler", help="Skriv malfilene (CSV og Excel) til denne mappen."),
) -> None:
    """Importer søkere og enheter fra CSV/Excel til en saksfil, eller skriv malfiler (--maler)."""
    if maler is not None:
        if sokere or enheter or ut:
            _avbryt(["bruk enten --maler MAPPE eller --sokere/--enheter/--ut, ikke begge"])
        for sti in skriv_maler(maler):
            typer.echo(f"Skrev {sti}")
        return
    std_nummer, std_navn = _kommune_fra_profil(profil or "")
    kommunenummer = kommunenummer or std_nummer
    kommunenavn = kommunenavn or std_navn
    mangler = [
        navn
        for navn, verdi in (
            ("--sokere", sokere),
            ("--enheter", enheter),
            ("--profil", profil),
            ("--startdato", startdato),
            ("--ut", ut),
            ("--kommunenummer", kommunenummer),
            ("--kommunenavn", kommunenavn),
        )
        if verdi is None
    ]
    if mangler:
        _avbryt([f"mangler valg: {', '.join(mangler)}"])
    assert sokere and enheter and profil and startdato and ut and kommunenummer and kommunenavn
    try:
        sak = bygg_sak(
            sokere,
            enheter,
            profil,
            kommunenummer,
            kommunenavn,
            startdato,
            horisont,
            opphold,
            syntetisk=syntetisk,
        )
    except Inndatafeil as exc:
        typer.echo(f"Feil i inndata ({len(exc.feil)}); ingen fil er skrevet:", err=True)
        typer.echo(exc.tekst(), err=True)
        raise typer.Exit(code=2) from None
    skriv_sak(sak, ut)
    typer.echo(
        f"Skrev {ut}: {len(sak.institusjoner)} institusjoner, {len(sak.enheter)} enheter, "
        f"{len(sak.opphold)} opphold, {len(sak.sokere)} søkere."
    )


def _avbryt(linjer: list[str]) -> None:
    for linje in linjer:
        typer.echo(f"Feil: {linje}", err=True)
    raise typer.Exit(code=2)


__all__ = [
    "KOLONNER_ENHETER",
    "KOLONNER_OPPHOLD",
    "KOLONNER_SOKERE",
    "LISTESKILLE",
    "MALMAPPE",
    "Kolonne",
    "bygg_sak",
    "eksempel_enheter",
    "eksempel_sokere",
    "enheter_til_rader",
    "importer",
    "kolonner_for",
    "les_enheter",
    "les_opphold",
    "les_sokere",
    "mal_innhold",
    "skriv_maler",
    "sokere_til_rader",
    "tabell_til_csv",
]
