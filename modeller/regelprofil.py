"""Municipality rule profiles as data.

Where the two criteria documents differ, the profile says so: Sandefjord (S) has ØHD
(S §4.20) and grants korttid up to 14 days before a vedtak (S §4.21); Tvedestrand (T) has
KØH (T §3.19) and at most 60 korttid døgn per year (T §3.18); the housing types differ
(S §6 vs T §3.14–3.16). The rules themselves live in ``allokering.regler``; the profile
selects them and carries the numbers.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
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


class Profiltekster(Streng):
    """The municipality's own words for a vedtak: its document, its ladder, its complaint route (data, so a new
    municipality brings its own texts without code changes)."""

    dokument: str = Field("", description="Kildedokumentet slik det siteres første gang i en tekst.")
    trapp: str = Field("", description="Kommunens navn på trappen, med avsnitt (T §2.5, S §3).")
    trappetrinn: dict[str, str] = Field(
        default_factory=dict, description="Tjeneste → trinnet i trappen tjenesten ligger på."
    )
    klage: str = Field("", description="Klageadgang, frist og klageinstans for tjenester etter hol/pbrl.")
    klage_per_tjeneste: dict[str, str] = Field(
        default_factory=dict, description="Tjeneste → egen klagetekst (f.eks. boliger etter fvl § 28)."
    )
    ektepar: dict[str, str] = Field(
        default_factory=dict, description="Plassfamilie → grunnlaget for å la ektepar bo sammen, med avsnitt."
    )
    oppfolging_i_ventetiden: str = Field(
        "", description="Avsnittet som krever at ventelistevedtak sier hvordan søkeren følges opp (T §3.17)."
    )
    ventetid_skiller: str = Field("", description="Avsnittet som sier at ventetid bare skiller like behov.")
    nytt_vedtak_skjermet_til_somatisk: str = Field(
        "", description="Avsnittet som krever nytt vedtak ved flytting fra skjermet til somatisk avdeling."
    )
    takket_nei: dict[str, str] = Field(
        default_factory=dict, description="Tjeneste → avsnittet som sier at den som takker nei, må søke på nytt."
    )
    samtykke_formodet: bool = Field(
        False,
        description="Dokumentet lar det legges til grunn hva søkeren selv ville ha ønsket når søkeren ikke kan "
        "uttale seg (T §3.17).",
    )


_KLAGE_S = (
    "Vedtaket kan påklages. Fristen for å klage er tre uker fra vedtaket er mottatt, og klagen sendes til kommunen. "
    "Endres ikke vedtaket etter ny behandling, sendes klagen til Statsforvalteren for endelig avgjørelse "
    "(punkt 2.5)."
)
_KLAGE_T = (
    "Vedtaket kan påklages etter pasient- og brukerrettighetsloven §§ 7-2 og 7-5. Klagen sendes til "
    "tildelingskontoret, som har truffet vedtaket. Tas klagen ikke til følge, sendes den til Statsforvalteren for "
    "endelig avgjørelse. Fristen for å klage er 4 uker etter at du fikk, eller burde ha fått, tilstrekkelig "
    "kunnskap til å fremme en klage (punkt {punkt} og 4.1)."
)
_KLAGE_T_BOLIG = (
    "Vedtaket kan påklages etter forvaltningsloven § 28. Klagen sendes til tildelingskontoret, som har truffet "
    "avgjørelsen. Tas klagen ikke til følge, sendes den til kommunens særskilte klagenemnd for endelig avgjørelse. "
    "Fristen for å klage er 3 uker etter at du fikk, eller burde ha fått, tilstrekkelig kunnskap til å fremme en "
    "klage (punkt {punkt} og 4.2)."
)

TEKSTER_S = Profiltekster(
    dokument="Tildelingskriterier for helse- og omsorgstjenester, Sandefjord kommune 2022",
    trapp="helse- og omsorgstrappen ut fra prinsippet om beste effektive omsorgsnivå (BEON, punkt 2.3 og 3)",
    trappetrinn={
        "langtid": "heldøgns tjenester i institusjon (det øverste trinnet)",
        "korttid": "tidsavgrenset opphold i institusjon",
        "avlastning": "avlastning for pårørende i institusjon",
        "akutt": "øyeblikkelig hjelp døgnopphold som alternativ til sykehusinnleggelse",
        "tilrettelagt_bolig": "bolig med heldøgns tjenester",
        "korttidsleilighet": "midlertidig bolig med nærhet til personale",
        "senterleilighet": "bolig i bo- og servicesenter",
    },
    klage=_KLAGE_S,
    ektepar={
        "langtid": "ektepar som begge har rett på langtidsplass og ønsker å bo sammen, bør gis muligheten så langt "
        "som mulig (punkt 4.22)",
        "bolig": "ektepar prioriteres til toromsleiligheter (punkt 6.2)",
    },
    takket_nei={"langtid": "4.22", "avlastning": "5.3"},
)

TEKSTER_T = Profiltekster(
    dokument="Veiledende tildelingskriterier for helse- og omsorgstjenester, Tvedestrand kommune 2025",
    trapp="innsatstrappen (punkt 2.5)",
    trappetrinn={
        "langtid": "institusjon (det øverste trinnet)",
        "korttid": "tidsavgrenset opphold i institusjon",
        "avlastning": "tidsavgrenset opphold i institusjon (avlastning)",
        "akutt": "tidsavgrenset opphold i institusjon (kommunal øyeblikkelig hjelp)",
        "hdo": "boliger med mulighet for heldøgnstjenester",
        "hdou": "boliger med mulighet for heldøgnstjenester",
        "omsorgsbolig_psykisk": "boliger med mulighet for heldøgnstjenester",
        "trygghetsbolig": "boliger med fellesfunksjoner",
    },
    klage=_KLAGE_T,
    klage_per_tjeneste={
        "hdo": _KLAGE_T_BOLIG,
        "hdou": _KLAGE_T_BOLIG,
        "omsorgsbolig_psykisk": _KLAGE_T_BOLIG,
        "trygghetsbolig": _KLAGE_T_BOLIG,
    },
    ektepar={
        "langtid": "Tvedestrands tildelingskriterier har ingen egen bestemmelse om ektepar; ekteparets ønske om å "
        "bo sammen er vektlagt ut fra retten til medvirkning (punkt 1.5.3, pasient- og brukerrettighetsloven "
        "§ 3-1)",
    },
    oppfolging_i_ventetiden="3.17",
    ventetid_skiller="3.17",
    nytt_vedtak_skjermet_til_somatisk="3.17",
    samtykke_formodet=True,
)


REGLER_S = (
    "S-2.2-samtykke-helseopplysninger",
    "S-2.3-bistandsbehov",
    "ST-4.22-3.17-langtid-samtykke",
    "ST-4.22-3.17-langtid-varig-behov",
    "ST-4.22-3.17-langtid-ikke-forsvarlig-hjemme",
    "ST-4.22-3.17-langtid-heldogns-behov",
    "ST-4.22-3.17-langtid-lavere-tiltak",
    "ST-4.21-3.18-korttid-samtykke",
    "ST-4.21-3.18-korttid-dognbehov",
    "S-4.21-korttid-14-dager-uten-vedtak",
    "ST-5.3-3.8.2-avlastning-saerlig-tyngende",
    "ST-5.3-3.8.2-avlastning-onske",
    "S-5.3-avlastning-voksen",
    "S-4.20-ohd-fem-kriterier",
    "S-4.20-ohd-innleggende",
    "S-4.20-ohd-kriseplan",
    "S-4.20-ohd-liggetid",
    "S-6-bolig-alder",
    "S-6-bolig-bosatt",
    "S-6.3-tilrettelagt-samtykke",
    "S-6.3-tilrettelagt-heldogns-behov",
    "S-6.4-korttidsleilighet-to-kriterier",
    "S-6.4-korttidsleilighet-periode",
    "S-6.2-senterleilighet-bosituasjon",
    "S-6.2-senterleilighet-forebygge",
    "ST-4.22-3.17-enhet-langtid",
    "S-4.22-skjermet-enhet",
    "ST-4.21-3.18-enhet-korttid",
    "ST-5.3-3.8.2-enhet-avlastning",
    "S-4.20-enhet-ohd",
    "S-6.3-enhet-tilrettelagt-bolig",
    "S-6.4-enhet-korttidsleilighet",
    "S-6.2-enhet-senterleilighet",
)
"""Sandefjord's rules (ids in ``allokering.regler.REGLER``), søker-level and unit-level."""

REGLER_T = (
    "ST-4.22-3.17-langtid-samtykke",
    "ST-4.22-3.17-langtid-varig-behov",
    "ST-4.22-3.17-langtid-ikke-forsvarlig-hjemme",
    "ST-4.22-3.17-langtid-heldogns-behov",
    "ST-4.22-3.17-langtid-lavere-tiltak",
    "T-3.17-langtid-helseteknologi",
    "ST-4.21-3.18-korttid-samtykke",
    "ST-4.21-3.18-korttid-dognbehov",
    "T-3.18-korttid-rehabilitering",
    "T-3.18-korttid-60-dogn",
    "ST-5.3-3.8.2-avlastning-saerlig-tyngende",
    "ST-5.3-3.8.2-avlastning-onske",
    "T-3.19-koh-voksen",
    "T-3.19-koh-kjent-tilstand",
    "T-3.19-koh-innleggelse",
    "T-3.19-koh-liggetid",
    "T-3.14-hdo-heldogns-behov",
    "T-3.14-hdo-ordinar-bolig-utilstrekkelig",
    "T-3.14-hdo-helseteknologi",
    "T-3.14-hdou-alder",
    "T-3.14-hdou-malgruppe",
    "T-3.14-hdou-tidlig-ervervet",
    "T-3.15-trygghetsbolig-kriterier",
    "T-3.16-psykisk-bolig-uegnet",
    "T-3.16-psykisk-evne-bo-alene",
    "T-3.16-psykisk-heldogns-behov",
    "T-3.16-psykisk-lavere-tiltak",
    "ST-4.22-3.17-enhet-langtid",
    "T-3.17-skjermet-enhet",
    "ST-4.21-3.18-enhet-korttid",
    "ST-5.3-3.8.2-enhet-avlastning",
    "T-3.19-enhet-koh",
    "T-3.14-enhet-hdo",
    "T-3.14-enhet-hdou",
    "T-3.15-enhet-trygghetsbolig",
    "T-3.16-enhet-omsorgsbolig-psykisk",
)
"""Tvedestrand's rules."""


class Regelprofil(Streng):
    """What one municipality's criteria say, as data."""

    id: str = Field(description="sandefjord | tvedestrand | egendefinert")
    navn: str
    kilde: str = Field(description="Kildedokumentet profilen bygger på.")
    forkortelse: str = Field(
        "",
        description="Forkortelsen for kildedokumentet i regeltabellen (S = Sandefjord, T = Tvedestrand): en regel "
        "som deles av flere profiler, siterer bare profilens eget avsnitt.",
    )
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
    regler: tuple[str, ...] = Field(
        (),
        description="Reglene profilen bruker (regel-id-er i allokering.regler). Hver plasstype profilen tilbyr, må "
        "ha minst én regel på enhetsnivå.",
    )
    tekster: Profiltekster = Field(default_factory=Profiltekster, description="Kommunens egne tekster til vedtak.")
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

    @model_validator(mode="after")
    def _kjente_regler(self) -> Regelprofil:
        """Unknown rule ids, or a place type with no rule, are errors (checked once the built-in profiles exist:
        the rules module imports this one)."""
        if "PROFILER" not in globals():
            return self
        from allokering.regler import profilfeil  # the rules import modeller: imported at use

        feil = profilfeil(self)
        if feil:
            raise ValueError("; ".join(feil))
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
    forkortelse="S",
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
    regler=REGLER_S,
    tekster=TEKSTER_S,
)

TVEDESTRAND = Regelprofil(
    id="tvedestrand",
    navn="Tvedestrand kommune (4213)",
    kilde="Veiledende tildelingskriterier for helse- og omsorgstjenester, Tvedestrand kommune 2025",
    forkortelse="T",
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
    regler=REGLER_T,
    tekster=TEKSTER_T,
)

PROFILMAPPE = Path(__file__).resolve().parent / "data" / "profiler"
"""Profiles that are only data: one JSON file each (``mal.json`` is the template for a new municipality)."""

MAL = Regelprofil.model_validate_json((PROFILMAPPE / "mal.json").read_text(encoding="utf-8"))
"""The template profile: national law only, no municipal extras (docs/ny_kommune.md)."""

PROFILER: dict[str, Regelprofil] = {p.id: p for p in (SANDEFJORD, TVEDESTRAND, MAL)}
