"""The scenario file (YAML) as pydantic models. Every field is documented here and in
``Scenario.model_json_schema()``; unknown fields are errors (a misspelt lever is never ignored).

Example (abridged from ``scenarier/eksempler/sandefjord_skjermet_2029.yaml``, with a bolig line added)::

    navn: "Sandefjord – 24 nye skjermede plasser på Nygård fra 2029"
    kommune: sandefjord            # the synthetic municipality template (modeller.generator)
    startaar: 2026
    sluttaar: 2040                 # inclusive; horizon = (sluttaar − startaar + 1) years
    demografi: MMMM                # SSB 13599 alternative: MMMM (hoved), LLML (lav), HHMH (høy)
    befolkningsfil: null           # SSB CSV (07459/13599); null = the bundled synthetic file
    replikasjoner: 20
    seed: 2026
    kapasitetsplan:
      - fra_aar: 2029
        institusjon: I-NYG         # institution id (or its name)
        plasstype: langtid_skjermet
        endring: 24                # + new places (a new unit); − closes places
      - fra_aar: 2030              # omsorgsboliger work the same way (any bolig place type the
        institusjon: I-BUG         # rule profile has: senterleilighet, tilrettelagt_bolig, hdo …)
        plasstype: senterleilighet
        endring: 20                # 20 new flats at Bugårdsenteret from 2030
    tiltak:
      leon_reduksjon_langtid: 0.10 # LEON shift: −10 % langtid need …
      leon_fra_aar: 2027           # … from 2027, phased in over leon_innfasing_aar years
      avlastning_okning: 0.0
      bolig_okning: 0.0            # relative change of the need for omsorgsboliger (from bolig_fra_aar)
    motor: {horisont_dager: 7, tidsgrense_s: 10}

Sections ``behov`` and ``liggetid`` override the need and LOS models (``scenarier.behov``,
``scenarier.liggetid``). Omsorgsboliger have their own sub-sections: ``behov.bolig`` (relative risk
per age band, start-year occupancy, withdrawal and IPLOS level per housing type) and the
``liggetid`` fields ``bolig_middel_aar``, ``bolig_weibull_k`` and ``korttidsleilighet_dogn_min/maks``.
Dictionaries keyed by housing type override only the types they name, e.g.::

    behov:
      bolig:
        belegg_start: {senterleilighet: 0.95}
    liggetid:
      bolig_middel_aar: {senterleilighet: 4.0}

Every bolig place type of the municipality's units is simulated (tenancies open-ended for the
engine, korttidsleilighet with a fixed length); couples are not simulated for bolig.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from modeller.kodeverk import Plasstype
from scenarier.behov import Behovsmodell
from scenarier.liggetid import Liggetidsmodell


class _Streng(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Kapasitetsendring(_Streng):
    """A change of capacity from 1 January of ``fra_aar``."""

    fra_aar: int = Field(ge=2000, le=2100)
    institusjon: str = Field(description="Institusjons-id (f.eks. I-NYG) eller navn.")
    plasstype: Plasstype
    endring: int = Field(description="Antall plasser: positiv = ny enhet, negativ = plasser legges ned.")
    enhetsnavn: str | None = Field(None, description="Navn på den nye enheten (valgfritt).")


class Tiltak(_Streng):
    """Policy levers."""

    leon_reduksjon_langtid: float = Field(
        0.0, ge=0, le=0.9, description="LEON/venstreforskyvning: andel lavere langtidsbehov når fullt innfaset."
    )
    leon_fra_aar: int | None = Field(None, description="Første år med effekt (standard: startåret).")
    leon_innfasing_aar: int = Field(3, ge=0, le=30, description="År til full effekt (lineær innfasing).")
    avlastning_okning: float = Field(0.0, ge=-0.9, le=5.0, description="Relativ økning i avlastningsbehov.")
    avlastning_fra_aar: int | None = None
    bolig_okning: float = Field(
        0.0, ge=-0.9, le=5.0, description="Relativ økning i behovet for omsorgsboliger (alle boligtyper)."
    )
    bolig_fra_aar: int | None = Field(None, description="Første år med økt boligbehov (standard: startåret).")


class Motor(_Streng):
    """How the engine is called each week."""

    horisont_dager: int = Field(7, ge=7, le=28, description="Planleggingshorisont i hver ukes sak (minst 7).")
    tidsgrense_s: float = Field(10.0, gt=0, description="CP-SAT-tidsgrense per plassfamilie per uke.")
    praksis: Literal["motor", "manuell"] = Field(
        "motor",
        description=(
            "Hvem som tildeler hver uke: tildelingsmotoren, eller dagens manuelle praksis (høyest prioritet først, "
            "grådig, med de samme reglene: scenarier.manuell)."
        ),
    )


class Scenario(_Streng):
    """One scenario: municipality, horizon, capacity plan, levers, replications, seed."""

    navn: str = Field(min_length=1, max_length=200)
    beskrivelse: str = ""
    kommune: str = Field("sandefjord", description="Syntetisk kommunemal: sandefjord eller tvedestrand.")
    startaar: int = Field(2026, ge=2000, le=2100)
    sluttaar: int = Field(2040, ge=2000, le=2100)
    uker: int | None = Field(None, ge=1, description="Overstyr antall uker (korte testkjøringer).")
    oppvarming_uker: int = Field(26, ge=0, le=520, description="Uker som simuleres før startåret og kastes.")
    demografi: str = Field("MMMM", description="Alternativ i SSB 13599 (MMMM, LLML, HHMH, …).")
    befolkningsfil: Path | None = Field(None, description="SSB-eksport (CSV); tom = medfølgende syntetiske tall.")
    kommunenummer: str | None = Field(None, description="Filtrer befolkningsfilen på kommunenummer.")
    befolkning_csv: str | None = Field(
        None,
        description=(
            "Innholdet i befolkningsfilen (fylles inn av klienten før oppgavene sendes, så arbeidere på andre "
            "maskiner ikke trenger filen; skrives ikke i scenariofiler)."
        ),
    )
    replikasjoner: int = Field(20, ge=1, le=100_000)
    seed: int = Field(0, ge=0)
    kapasitetsplan: tuple[Kapasitetsendring, ...] = ()
    tiltak: Tiltak = Tiltak()
    behov: Behovsmodell = Behovsmodell()
    liggetid: Liggetidsmodell = Liggetidsmodell()
    motor: Motor = Motor()
    ukp_prisvekst: float = Field(
        0.0, ge=-0.5, le=0.5, description="Årlig vekst i UKP-døgnprisen etter 2024 (0 = faste 2024-kroner)."
    )

    @model_validator(mode="after")
    def _aar(self) -> Scenario:
        if self.sluttaar < self.startaar:
            raise ValueError("sluttaar kan ikke være før startaar")
        return self

    @property
    def antall_uker(self) -> int:
        if self.uker is not None:
            return self.uker
        return round((self.sluttaar - self.startaar + 1) * 365.25 / 7)


class Scenariofeil(ValueError):
    """A scenario file that cannot be read (bokmål)."""


def les_scenario(sti: str | Path) -> Scenario:
    """Read and validate a YAML scenario file. Relative ``befolkningsfil`` paths are resolved
    against the scenario file's folder."""
    sti = Path(sti)
    try:
        data = yaml.safe_load(sti.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise Scenariofeil(f"{sti}: kan ikke lese scenariofilen: {exc}") from exc
    if not isinstance(data, dict):
        raise Scenariofeil(f"{sti}: scenariofilen må være et YAML-objekt")
    try:
        sc = Scenario.model_validate(data)
    except ValidationError as exc:
        linjer = [f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise Scenariofeil(f"{sti}: ugyldig scenario:\n  " + "\n  ".join(linjer)) from exc
    if sc.befolkningsfil is not None and not sc.befolkningsfil.is_absolute():
        sc = sc.model_copy(update={"befolkningsfil": (sti.parent / sc.befolkningsfil).resolve()})
    return sc
