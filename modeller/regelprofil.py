"""Municipality rule profiles as data.

Where the two criteria documents differ, the profile says so: Sandefjord (S) has ØHD
(S §4.20) and grants korttid up to 14 days before a vedtak (S §4.21); Tvedestrand (T) has
KØH (T §3.19) and at most 60 korttid døgn per year (T §3.18); the housing types differ
(S §6 vs T §3.14–3.16). The rules themselves live in ``allokering.regler``; the profile
selects them and carries the numbers.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import Field, model_validator

from modeller.kodeverk import Akutttype, Familie, Plasstype
from modeller.soker import Streng


class Vekter(Streng):
    """Integer priority weights (configurable per kommune, printed with every run).

    Priority P = nytte·w_nytte + ressurs·w_ressurs + alvorlighet·w_alvorlighet
    + mestring·w_mestring + UKP bonus + a waiting-time tie-break. See allokering.prioritet.
    """

    nytte: int = Field(3, ge=0, le=1000)
    ressurs: int = Field(2, ge=0, le=1000)
    alvorlighet: int = Field(5, ge=0, le=1000)
    mestring: int = Field(1, ge=0, le=1000)
    ukp_per_dogn_kostnad: int = Field(
        4, ge=0, le=1000, description="Tillegg for utskrivningsklar pasient (døgnpris hol § 11-4)."
    )
    ventetid_tiebreak_maks: int = Field(
        1, ge=0, le=10, description="Største tillegg for ventetid (bare tie-break, T §3.17)."
    )


class Kombinasjon(StrEnum):
    """How the priority components combine within one place family."""

    VEKTET = "vektet"  # one weighted sum (Vekter)
    LEKSIKOGRAFISK = "leksikografisk"  # the «forrang» levels first, in order; the weighted sum only breaks ties


class Forrang(StrEnum):
    """A level that decides before the weighted points (lexicographic combination)."""

    HJELPEBEHOV = "hjelpebehov"  # T §3.17: highest need first, regardless of waiting time
    AKUTT_FORAN_UKP = "akutt_foran_ukp"  # T §3.19 / S §4.20: acute requests before UKP in ØHD/KØH


FORRANG_NB = {
    Forrang.HJELPEBEHOV: "høyeste hjelpebehov først",
    Forrang.AKUTT_FORAN_UKP: "akutte innleggelser foran utskrivningsklare pasienter",
}


class Prioriteringsregel(Streng):
    """How priority is combined in one place family (data in the profile, printed with every run)."""

    familie: Familie
    kombinasjon: Kombinasjon = Kombinasjon.VEKTET
    forrang: tuple[Forrang, ...] = Field(
        (), description="Nivåene som avgjør før de vektede poengene, i rekkefølge (bare leksikografisk)."
    )
    kilde: str = Field("", description="Avsnittet i kildedokumentet regelen bygger på.")

    @model_validator(mode="after")
    def _forrang_passer(self) -> Prioriteringsregel:
        if self.kombinasjon == Kombinasjon.LEKSIKOGRAFISK and not self.forrang:
            raise ValueError("leksikografisk prioritering må ha minst ett forrangsnivå («forrang»)")
        if self.kombinasjon == Kombinasjon.VEKTET and self.forrang:
            raise ValueError("vektet prioritering kan ikke ha forrangsnivåer; bruk «leksikografisk»")
        if len(set(self.forrang)) != len(self.forrang):
            raise ValueError("samme forrangsnivå er oppgitt flere ganger")
        return self

    def beskrivelse_nb(self) -> str:
        if self.kombinasjon == Kombinasjon.VEKTET:
            return f"{self.familie.value}: vektet sum"
        nivaa = " → ".join(FORRANG_NB[f] for f in self.forrang)
        return f"{self.familie.value}: {nivaa} → vektet sum" + (f" ({self.kilde})" if self.kilde else "")


AKUTT_FORST = Prioriteringsregel(
    familie=Familie.AKUTT, kombinasjon=Kombinasjon.LEKSIKOGRAFISK, forrang=(Forrang.AKUTT_FORAN_UKP,)
)
AKUTT_FORST_S = Prioriteringsregel(
    familie=Familie.AKUTT,
    kombinasjon=Kombinasjon.LEKSIKOGRAFISK,
    forrang=(Forrang.AKUTT_FORAN_UKP,),
    kilde="S §4.20",
)
AKUTT_FORST_T = Prioriteringsregel(
    familie=Familie.AKUTT,
    kombinasjon=Kombinasjon.LEKSIKOGRAFISK,
    forrang=(Forrang.AKUTT_FORAN_UKP,),
    kilde="T §3.19",
)
HJELPEBEHOV_FORST_T = Prioriteringsregel(
    familie=Familie.LANGTID,
    kombinasjon=Kombinasjon.LEKSIKOGRAFISK,
    forrang=(Forrang.HJELPEBEHOV,),
    kilde="T §3.17",
)


class Regelprofil(Streng):
    """What one municipality's criteria say, as data."""

    id: str = Field(description="sandefjord | tvedestrand | egendefinert")
    navn: str
    kilde: str = Field(description="Kildedokumentet profilen bygger på.")
    akutt: Akutttype
    akutt_maks_dogn: int = Field(
        3, description="Normal liggetid i ØHD/KØH (S §4.20, T §3.19: normalt 1–3 døgn); lengre gir en merknad."
    )
    korttid_maks_dogn_per_aar: int | None = Field(
        None,
        description="T §3.18: «inntil 60 døgn per år etter sats for korttidsopphold» – døgn per kalenderår med "
        "korttidssats; døgn utover følger forskrift om egenandel. Begrenser ikke oppholdet (se korttid_hard_grense).",
    )
    korttid_hard_grense: bool = Field(
        False,
        description="Valg (av som standard): bruk korttid_maks_dogn_per_aar som tak på oppholdet, talt per "
        "kalenderår; oppholdet forkortes eller avslås når årets døgn er brukt.",
    )
    avlastning_forebyggende: bool = Field(
        False,
        description="T §3.8.2: kommunen kan gi avlastning før omsorgsarbeidet er særlig tyngende, dersom det kan "
        "forebygge et senere økt behov (feltet soknad.avlastning.forebyggende).",
    )
    korttid_maks_dogn_uten_vedtak: int | None = Field(
        None, description="S §4.21: tildeles inntil 14 dager før vedtak fattes."
    )
    plasstyper: tuple[Plasstype, ...] = Field(description="Plasstyper kommunen tildeler.")
    ukp_dognpris_nok: int = Field(5745, description="Døgnpris for utskrivningsklare pasienter (2024).")
    vekter: Vekter = Vekter()
    prioritering: tuple[Prioriteringsregel, ...] = Field(
        (AKUTT_FORST,),
        description="Hvordan prioritetskomponentene kombineres per plassfamilie; familier som ikke er nevnt, "
        "bruker vektet sum.",
    )

    @model_validator(mode="before")
    @classmethod
    def _innebygd_prioritering(cls, data: Any) -> Any:
        """A case file written before a field existed (e.g. ``prioritering``) gets the built-in profile's value
        for it, so an old Tvedestrand file keeps Tvedestrand's rules."""
        if isinstance(data, dict):
            innebygd = globals().get("PROFILER", {}).get(data.get("id"))
            if innebygd is not None:
                mangler = {k: v for k, v in innebygd.model_dump().items() if k not in data}
                return {**data, **mangler}
        return data

    @model_validator(mode="after")
    def _en_regel_per_familie(self) -> Regelprofil:
        fam = [r.familie for r in self.prioritering]
        if len(set(fam)) != len(fam):
            raise ValueError("prioriteringen oppgir samme plassfamilie flere ganger")
        return self

    def prioriteringsregel(self, familie: Familie) -> Prioriteringsregel:
        """The combination rule of a family (weighted sum when the profile names none)."""
        for r in self.prioritering:
            if r.familie == familie:
                return r
        return Prioriteringsregel(familie=familie)


SANDEFJORD = Regelprofil(
    id="sandefjord",
    navn="Sandefjord kommune (3907)",
    kilde="Tildelingskriterier for helse- og omsorgstjenester, Sandefjord kommune 2022",
    akutt=Akutttype.OHD,
    korttid_maks_dogn_uten_vedtak=14,
    plasstyper=(
        Plasstype.LANGTID_SOMATISK,
        Plasstype.LANGTID_SKJERMET,
        Plasstype.KORTTID,
        Plasstype.AVLASTNING,
        Plasstype.OHD,
        Plasstype.TILRETTELAGT_BOLIG,
        Plasstype.KORTTIDSLEILIGHET,
        Plasstype.SENTERLEILIGHET,
    ),
    prioritering=(AKUTT_FORST_S,),
)

TVEDESTRAND = Regelprofil(
    id="tvedestrand",
    navn="Tvedestrand kommune (4213)",
    kilde="Veiledende tildelingskriterier for helse- og omsorgstjenester, Tvedestrand kommune 2025",
    akutt=Akutttype.KOH,
    korttid_maks_dogn_per_aar=60,
    avlastning_forebyggende=True,
    plasstyper=(
        Plasstype.LANGTID_SOMATISK,
        Plasstype.LANGTID_SKJERMET,
        Plasstype.KORTTID,
        Plasstype.AVLASTNING,
        Plasstype.KOH,
        Plasstype.HDO,
        Plasstype.HDOU,
        Plasstype.OMSORGSBOLIG_PSYKISK,
        Plasstype.TRYGGHETSBOLIG,
    ),
    prioritering=(HJELPEBEHOV_FORST_T, AKUTT_FORST_T),
)

PROFILER: dict[str, Regelprofil] = {p.id: p for p in (SANDEFJORD, TVEDESTRAND)}
