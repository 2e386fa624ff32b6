"""A case (sak): one kommune's institutions, units, current stays, søkere, locks and the
planning horizon. This is the one documented JSON format of the project
(``allokering schema`` prints its JSON Schema)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from modeller.institusjon import Enhet, Institusjon, Opphold
from modeller.kodeverk import Familie, Laastype, Plasstype, navn_nb
from modeller.regelprofil import PROFILER, Regelprofil
from modeller.soker import Id, Soker, Streng

FORMATVERSJON = "1"


class Kommune(Streng):
    """The municipality and the rule profile its criteria document gives."""

    nummer: str = Field(pattern=r"^\d{4}$", description="Kommunenummer, f.eks. 3907.")
    navn: str = Field(min_length=1, max_length=100)
    regelprofil: Regelprofil = Field(
        description="Regelprofil; en innebygd kan oppgis med navn: «sandefjord» eller «tvedestrand»."
    )

    @field_validator("regelprofil", mode="before")
    @classmethod
    def _innebygd_profil(cls, v: Any) -> Any:
        if isinstance(v, str):
            if v not in PROFILER:
                raise ValueError(f"ukjent regelprofil «{v}»; kjente er {', '.join(sorted(PROFILER))}")
            return PROFILER[v]
        return v


class Laas(Streng):
    """A lock from the allocation meeting: must place X in unit U, or must not place X
    (anywhere, or in unit U)."""

    soker_id: Id
    type: Laastype
    enhet_id: Id | None = None
    begrunnelse: str = Field("", max_length=2000)
    laast_av: str = Field("", max_length=100)

    @model_validator(mode="after")
    def _tildel_har_enhet(self) -> Laas:
        if self.type == Laastype.TILDEL and self.enhet_id is None:
            raise ValueError("en lås av type «tildel» må oppgi enhet_id")
        return self


@dataclass(frozen=True)
class Feil:
    """One input error: file, row (1-based, or a JSON path), field, message in bokmål."""

    fil: str
    rad: str  # machine form: a CSV line number or a 0-based JSON path («sokere[1]»)
    felt: str
    melding: str
    id: str | None = None  # the id of the row's object, when known

    def __str__(self) -> str:
        sted = f"{self.fil}"
        if self.rad:
            sted += f", {lesbar_rad(self.rad, self.id)}"
        if self.felt:
            sted += f", felt «{self.felt}»"
        return f"{sted}: {self.melding}"


_RADNAVN = {
    "sokere": "søker",
    "enheter": "enhet",
    "institusjoner": "institusjon",
    "opphold": "opphold",
    "laaser": "lås",
}
_JSONRAD = re.compile(r"^([a-z]+)\[(\d+)\](.*)$")


def lesbar_rad(rad: str, id_: str | None = None) -> str:
    """A row as a reader counts it: «søker nr. 2 (id S-2)» for the 0-based JSON path «sokere[1]»; a CSV line
    number as «rad 5»."""
    m = _JSONRAD.match(rad)
    if m is None:
        return f"rad {rad}"
    liste, i, rest = m.group(1), int(m.group(2)), m.group(3)
    tekst = f"{_RADNAVN.get(liste, liste)} nr. {i + 1}" + (f" (id {id_})" if id_ else "")
    return tekst + (f" ({rest.lstrip('.')})" if rest else "")


class Sak(Streng):
    """A whole allocation case."""

    formatversjon: Literal["1"] = "1"
    syntetisk: bool = Field(False, description="Sann når dataene er syntetiske (ingen ekte personer).")
    beskrivelse: str = ""
    kommune: Kommune
    startdato: date = Field(description="Dag 0 i planleggingshorisonten.")
    horisont_dager: int = Field(28, ge=1, le=366)
    institusjoner: tuple[Institusjon, ...] = ()
    enheter: tuple[Enhet, ...] = ()
    opphold: tuple[Opphold, ...] = ()
    sokere: tuple[Soker, ...] = ()
    laaser: tuple[Laas, ...] = ()

    @model_validator(mode="after")
    def _kryssjekk(self, info: ValidationInfo) -> Sak:
        if info.context and info.context.get("utsett_kryssjekk"):
            return self
        feil = kryssjekk(self, fil="sak")
        if feil:
            raise ValueError("; ".join(str(f) for f in feil[:10]))
        return self

    # Convenience look-ups (not part of the format).
    def dag(self, d: date) -> int:
        """Day index of a date relative to startdato."""
        return (d - self.startdato).days

    def dato(self, dag: int) -> date:
        return self.startdato + timedelta(days=dag)

    @property
    def profil(self) -> Regelprofil:
        return self.kommune.regelprofil


def kryssjekk(sak: Sak, fil: str) -> list[Feil]:
    """Cross-reference checks that a single record cannot do alone. Returns every error found."""
    feil: list[Feil] = []

    def dup(navn: str, ider: list[str]) -> None:
        teller = Counter(ider)
        for i, x in enumerate(ider):
            if teller[x] > 1:
                feil.append(Feil(fil, f"{navn}[{i}]", "id", f"id «{x}» forekommer {teller[x]} ganger", x))

    dup("institusjoner", [x.id for x in sak.institusjoner])
    dup("enheter", [x.id for x in sak.enheter])
    dup("opphold", [x.id for x in sak.opphold])
    dup("sokere", [x.id for x in sak.sokere])

    inst = {x.id for x in sak.institusjoner}
    enheter = {x.id: x for x in sak.enheter}
    opphold = {x.id for x in sak.opphold}
    sokere = {x.id: x for x in sak.sokere}
    tillatt = set(sak.kommune.regelprofil.plasstyper)

    for i, e in enumerate(sak.enheter):
        if e.institusjon_id not in inst:
            feil.append(Feil(fil, f"enheter[{i}]", "institusjon_id", f"ukjent institusjon «{e.institusjon_id}»", e.id))
        if e.plasstype not in tillatt:
            feil.append(
                Feil(
                    fil,
                    f"enheter[{i}]",
                    "plasstype",
                    f"plasstypen {navn_nb(e.plasstype)} finnes ikke i regelprofilen «{sak.kommune.regelprofil.id}»",
                )
            )
    for i, o in enumerate(sak.opphold):
        if o.enhet_id not in enheter:
            feil.append(Feil(fil, f"opphold[{i}]", "enhet_id", f"ukjent enhet «{o.enhet_id}»"))
    for i, s in enumerate(sak.sokere):
        rad = f"sokere[{i}]"
        if s.ektefelle_id is not None:
            ektefelle = sokere.get(s.ektefelle_id)
            if ektefelle is None:
                feil.append(
                    Feil(fil, rad, "ektefelle_id", f"ektefellen «{s.ektefelle_id}» finnes ikke blant søkerne", s.id)
                )
            elif ektefelle.ektefelle_id != s.id:
                feil.append(
                    Feil(
                        fil, rad, "ektefelle_id", f"«{s.ektefelle_id}» oppgir ikke «{s.id}» som ektefelle tilbake", s.id
                    )
                )
        if s.naverende_opphold_id is not None and s.naverende_opphold_id not in opphold:
            feil.append(Feil(fil, rad, "naverende_opphold_id", f"ukjent opphold «{s.naverende_opphold_id}»", s.id))
        for inst_id in s.soknad.onskede_institusjoner:
            if inst_id not in inst:
                feil.append(Feil(fil, rad, "soknad.onskede_institusjoner", f"ukjent institusjon «{inst_id}»", s.id))
    naa = Counter(s.naverende_opphold_id for s in sak.sokere if s.naverende_opphold_id)
    for i, s in enumerate(sak.sokere):
        if s.naverende_opphold_id and naa[s.naverende_opphold_id] > 1:
            feil.append(Feil(fil, f"sokere[{i}]", "naverende_opphold_id", "samme opphold er knyttet til flere søkere"))

    tildel: dict[str, list[int]] = {}
    for i, laas in enumerate(sak.laaser):
        rad = f"laaser[{i}]"
        ls = sokere.get(laas.soker_id)
        if ls is None:
            feil.append(Feil(fil, rad, "soker_id", f"låsen gjelder ukjent søker «{laas.soker_id}»"))
            continue
        if laas.enhet_id is not None:
            le = enheter.get(laas.enhet_id)
            if le is None:
                feil.append(Feil(fil, rad, "enhet_id", f"låsen gjelder ukjent enhet «{laas.enhet_id}»"))
                continue
            if laas.type == Laastype.TILDEL and le.plasstype.familie != ls.soknad.tjeneste.familie:
                feil.append(
                    Feil(
                        fil,
                        rad,
                        "enhet_id",
                        f"søker «{ls.id}» har søkt {navn_nb(ls.soknad.tjeneste)}, men enheten «{le.navn}» "
                        f"({le.id}) er {navn_nb(le.plasstype)}",
                    )
                )
        if laas.type == Laastype.TILDEL:
            tildel.setdefault(laas.soker_id, []).append(i)
    for soker_id, rader in tildel.items():
        enh = {sak.laaser[i].enhet_id for i in rader}
        if len(enh) > 1:
            feil.append(
                Feil(
                    fil,
                    f"laaser[{rader[1]}]",
                    "enhet_id",
                    f"motstridende låser: søker «{soker_id}» er låst til flere enheter "
                    f"({', '.join(sorted(map(str, enh)))})",
                )
            )
    for i, laas in enumerate(sak.laaser):
        if laas.type != Laastype.IKKE_TILDEL:
            continue
        for j in tildel.get(laas.soker_id, []):
            annen = sak.laaser[j]
            if laas.enhet_id is None or laas.enhet_id == annen.enhet_id:
                feil.append(
                    Feil(
                        fil,
                        f"laaser[{i}]",
                        "type",
                        f"motstridende låser: søker «{laas.soker_id}» er både låst til og fra "
                        f"{'enheten «' + str(annen.enhet_id) + '»' if laas.enhet_id else 'tildeling'} (se laaser[{j}])",
                    )
                )
    return feil


def familier_i_sak(sak: Sak) -> set[Familie]:
    """The place families present among the units."""
    return {e.plasstype.familie for e in sak.enheter}


__all__ = ["FORMATVERSJON", "Feil", "Kommune", "Laas", "Plasstype", "Sak", "kryssjekk"]
