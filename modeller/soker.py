"""Søker (applicant) and everything a saksbehandler records about one: IPLOS, diagnoses,
innsatstrapp, the application (søknad) with its service-specific details, and the
nytte/ressurs/alvorlighet assessment.

A value of ``None`` means *not assessed*. The engine never treats a missing value as
fulfilled: the outcome is then «mangler opplysninger» naming the field.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from modeller.kodeverk import (
    Innleggende,
    Kjonn,
    Korttidsformal,
    Oppholdssted,
    Tiltak,
    Tjeneste,
)

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")]
"""A pseudonymous identifier. Never a fødselsnummer or a name."""

IplosSkar = Literal[1, 2, 3, 4, 5, 9]
"""IPLOS score: 1 no problems … 5 full need of assistance; 9 not relevant / not assessed."""

Ordinal = Annotated[int, Field(ge=1, le=5)]
"""A 1–5 ordinal assessment (1 lowest, 5 highest)."""


class Streng(BaseModel):
    """Base: unknown fields are errors, so a misspelt field name is never silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class Iplos(Streng):
    """The 17 IPLOS assistance variables (Helsedirektoratet, IS-1112), each scored 1–5 or 9.

    ``None`` = not scored. Scores 3–5 mean need for personal assistance.
    """

    spise: IplosSkar | None = None
    kle_av_og_pa_seg: IplosSkar | None = None
    personlig_hygiene: IplosSkar | None = None
    toalett: IplosSkar | None = None
    bevege_seg_innendors: IplosSkar | None = None
    bevege_seg_utendors: IplosSkar | None = None
    lage_mat: IplosSkar | None = None
    alminnelig_husarbeid: IplosSkar | None = None
    skaffe_seg_varer_og_tjenester: IplosSkar | None = None
    ivareta_egen_helse: IplosSkar | None = None
    sosial_deltakelse: IplosSkar | None = None
    beslutninger_i_dagliglivet: IplosSkar | None = None
    styre_atferd: IplosSkar | None = None
    hukommelse: IplosSkar | None = None
    kommunikasjon: IplosSkar | None = None
    syn: IplosSkar | None = None
    horsel: IplosSkar | None = None

    def skarer(self) -> dict[str, int]:
        """The scored variables (1–5), leaving out 9 and unscored ones."""
        return {k: v for k, v in self.model_dump().items() if v is not None and v != 9}

    @property
    def vurdert(self) -> bool:
        """At least one variable scored."""
        return any(v is not None for v in self.model_dump().values())


IPLOS_VARIABLER: tuple[str, ...] = tuple(Iplos.model_fields)


class Diagnoser(Streng):
    """Diagnosis flags relevant to the rules (None = not assessed)."""

    demens: bool | None = None
    atferd_som_krever_skjerming: bool | None = Field(None, description="Atferd som krever skjermet enhet (T §3.17).")
    omfattende_skjermingsbehov_uten_demens: bool | None = Field(
        None, description="Individuell vurdering: omfattende skjermingsbehov uten påvist demens (T §3.17)."
    )
    utviklingshemming_autisme: bool | None = None
    psykisk_helse_rus: bool | None = None
    lindrende: bool | None = Field(None, description="I livets siste fase, lindrende behandling.")
    kognitiv_svikt: bool | None = Field(
        None, description="Kognitiv svikt (S §4.22: tilrettelagte plasser for personer med kognitiv svikt)."
    )


class Innsatstrapp(Streng):
    """Lower steps of the innsatstrapp tried (S §3, T §2.5)."""

    provde_tiltak: tuple[Tiltak, ...] = ()
    lavere_tiltak_utilstrekkelige: bool | None = Field(
        None, description="Lavere tiltak er vurdert/utprøvd og funnet utilstrekkelige (S §4.22, T §3.17)."
    )
    helseteknologi_vurdert: bool | None = Field(
        None, description="Helseteknologi/velferdsteknologi vurdert eller forsøkt (T §3.14, T §3.17)."
    )
    helseteknologi_forsokt_eller_utilstrekkelig: bool | None = Field(
        None,
        description="Helseteknologi er forsøkt, eller åpenbart ikke tilstrekkelig (T §3.14, ett moment i "
        "helhetsvurderingen).",
    )


class Vurdering(Streng):
    """Ordinal priority assessment per Meld. St. 38 (T §2.1–2.3, T §2.6).

    Set by a saksbehandler; fields left empty are derived by the engine from IPLOS,
    diagnoses and situation (documented in allokering.prioritet).
    """

    nytte: Ordinal | None = None
    ressurs: Ordinal | None = Field(
        None, description="5 = tiltaket krever lite ressurser (høy prioritet), 1 = svært ressurskrevende."
    )
    alvorlighet: Ordinal | None = None
    mestring: Ordinal | None = None
    hjelpebehov: Ordinal | None = Field(
        None,
        description="Samlet hjelpebehov 1–5 (T §3.17: høyeste hjelpebehov prioriteres); tomt = avledet av IPLOS.",
    )


class LangtidDetaljer(Streng):
    """Langtidsopphold (S §4.22, T §3.17)."""

    varig_ute_av_stand: bool | None = Field(
        None, description="Varig ute av stand til å ivareta egenomsorg og dagliglivets gjøremål."
    )
    kan_ikke_ivaretas_hjemme: bool | None = Field(
        None, description="Kan ikke ivaretas forsvarlig med tjenester i hjemmet."
    )
    behov_heldogns: bool | None = Field(None, description="Behov for pleie, omsorg og tilsyn hele døgnet.")
    forsvarlig_hjemme_i_ventetiden: bool | None = Field(
        None, description="Kan bo hjemme forsvarlig i påvente av plass (ventelistevedtak)."
    )
    oppfolging_i_ventetiden: str | None = Field(
        None,
        max_length=500,
        description="Hvordan søkeren følges opp i ventetiden (T §3.17: «I vedtaket skal det også redegjøres for "
        "hvordan personen vil bli fulgt opp i ventetiden»); siteres i ventelistevedtaket.",
    )


class KorttidDetaljer(Streng):
    """Korttidsopphold / tidsbegrenset opphold (S §4.21, T §3.18)."""

    formal: Korttidsformal
    lengde_dogn: int = Field(ge=1, le=366, description="Ønsket/innvilget lengde i døgn.")
    behov_dognbasert_oppfolging: bool | None = Field(
        None, description="Behov for observasjon/behandling hele døgnet som ikke kan gis hjemme."
    )
    motivert_for_rehabilitering: bool | None = Field(None, description="Rehabilitering: motivert (T §3.18).")
    rehabilitering_mulig_hjemme: bool | None = Field(
        None, description="Rehabilitering kan gjennomføres hjemme/i hverdagsrehabilitering (T §3.18)."
    )
    dogn_brukt_siste_aar: int | None = Field(
        None,
        ge=0,
        le=366,
        description="Eldre felt: døgn korttid brukt siste 12 måneder. Brukes ikke lenger; se dogn_brukt_i_aar.",
    )
    dogn_brukt_i_aar: int | None = Field(
        None,
        ge=0,
        le=366,
        description="Døgn korttid brukt i inneværende kalenderår før oppholdet (T §3.18: sats for inntil 60 døgn "
        "per år); tomt = ikke kartlagt.",
    )
    vedtak_fattet: bool = Field(
        False, description="Enkeltvedtak er fattet; uten vedtak kan opphold gis inntil 14 dager (S §4.21)."
    )


class Omsorgsbelastning(Streng):
    """The caregiver's burden items (T §3.8.2)."""

    nattarbeid: bool | None = None
    timer_per_maned: int | None = Field(None, ge=0, le=744)
    varighet_maneder: int | None = Field(None, ge=0, le=1200)
    isolasjon: bool | None = None
    flere_omsorgsmottakere: bool | None = None
    omsorgsyters_helse_svekket: bool | None = None
    lite_nettverk: bool | None = None


class AvlastningDetaljer(Streng):
    """Avlastningsopphold i institusjon (S §5.3, T §3.8.2). The caregiver is the applicant;
    the stay is for the care receiver. Rolling pattern: ``dager`` days every ``periode`` days."""

    omsorgsyter_id: Id = Field(description="Pseudonymt id for omsorgsyter (pårørende).")
    dager: int = Field(ge=1, le=60, description="Døgn per opphold.")
    periode: int = Field(ge=1, le=366, description="Rullerende: ett opphold hver «periode» døgn.")
    belastning: Omsorgsbelastning = Omsorgsbelastning()
    saerlig_tyngende: bool | None = Field(
        None, description="Saksbehandlers vurdering: særlig tyngende omsorgsarbeid (hol § 3-6)."
    )
    forebyggende: bool | None = Field(
        None,
        description="Saksbehandlers vurdering: avlastning kan forebygge et senere økt behov for helse- og "
        "omsorgstjenester selv om omsorgsarbeidet ennå ikke er særlig tyngende (T §3.8.2).",
    )
    omsorgsyter_onsker: bool | None = None
    omsorgsmottaker_onsker: bool | None = None

    @model_validator(mode="after")
    def _dager_i_periode(self) -> AvlastningDetaljer:
        if self.dager > self.periode:
            raise ValueError("dager kan ikke være flere enn periode")
        return self


class AkuttDetaljer(Streng):
    """ØHD (S §4.20, all five criteria) / KØH (T §3.19)."""

    avgrenset_akutt_problem: bool | None = None
    behandlingsplan_skrevet: bool | None = None
    kan_ikke_ivaretas_av_hjemmesykepleie: bool | None = None
    forventet_hjem_innen_3_dager: bool | None = None
    like_bra_som_sykehus: bool | None = None
    kjent_avklart_tilstand: bool | None = Field(None, description="KØH: kjent og avklart sykdom (T §3.19).")
    oppdatert_kriseplan: bool | None = Field(
        None, description="Ved kjent rus/psykiatri: oppdatert krise-/behandlingsplan (S §4.20)."
    )
    innleggende: Innleggende
    ukp_grunnlag: Literal["tett_oppfolging_kort_tid", "venter_pa_korttidsplass"] | None = Field(
        None,
        description="Utskrivningsklar pasient i KØH (T §3.19): «ved behov for tett oppfølging i kort forventet tid "
        "eller i påvente av ledig korttidsplass».",
    )
    lengde_dogn: int = Field(
        2,
        ge=1,
        le=30,
        description="Forventet liggetid i døgn; normalt 1–3 døgn (S §4.20, T §3.19), lengre gir en merknad.",
    )


class BoligDetaljer(Streng):
    """Criteria items for municipal housing (S §6, T §3.14–3.16)."""

    bosatt_siste_aar: bool | None = Field(None, description="Bosatt i kommunen siste år (S §6).")
    omfattende_behov_hele_dognet: bool | None = Field(None, description="T §3.14, S §6.3.")
    kan_ikke_bo_i_ordinar_bolig: bool | None = Field(None, description="T §3.14.")
    tidlig_ervervet_funksjonsnedsettelse: bool | None = Field(None, description="HDOU (T §3.14).")
    lav_funksjon_hoyt_behov: bool | None = Field(None, description="HDOU individuell vurdering (T §3.14).")
    naverende_bolig_uegnet: bool | None = Field(None, description="T §3.16, S §6.2, S §6.4.")
    redusert_evne_bo_alene: bool | None = Field(None, description="T §3.16.")
    tungtveiende_helsegrunner: bool | None = Field(None, description="T §3.15.")
    behov_hjemmetjenester: bool | None = Field(None, description="T §3.15.")
    omfattende_pleiebehov: bool | None = Field(
        None,
        description="Saksbehandlers vurdering: omfattende behov for pleie- og omsorgstjenester (T §3.15: "
        "trygghetsbolig er for dem som ikke har det; sann gir avslag).",
    )
    kun_onske_om_mindre_bolig: bool | None = Field(
        None, description="Ønsket er bare en mindre bolig eller oppsigelse (ikke nok, T §3.15)."
    )
    onsker_og_samtykker_flytting: bool | None = Field(None, description="S §6.3.")
    sosial_isolasjon: bool | None = Field(None, description="S §6.2.")
    forebygge_funksjonsfall: bool | None = Field(None, description="S §6.2.")
    utproving_senterleilighet: bool | None = Field(None, description="Korttidsleilighet kriterium 1 (S §6.4).")
    midlertidig_etter_sykehus: bool | None = Field(None, description="Korttidsleilighet kriterium 3 (S §6.4).")
    behov_tett_oppfolging: bool | None = Field(
        None,
        description="Kriterium 3 (S §6.4) gjelder bare når det ikke er behov for tett oppfølging av lege/sykepleier.",
    )
    akutt_skade_pa_bolig: bool | None = Field(None, description="Korttidsleilighet kriterium 4 (S §6.4).")
    mangler_andre_boalternativer: bool | None = Field(
        None,
        description="Kriterium 4 (S §6.4): i bo- og servicesentrenes målgruppe og uten andre boalternativer til "
        "skaden er utbedret.",
    )
    avlastningsbehov: bool | None = Field(None, description="Korttidsleilighet kriterium 5 (S §6.4).")
    lengde_dogn: int | None = Field(None, ge=1, le=366, description="Korttidsleilighet: lengde i døgn.")


class Soknad(Streng):
    """The application: which service and its details. Exactly the detail block of the service is set."""

    tjeneste: Tjeneste
    soknadsdato: date
    langtid: LangtidDetaljer | None = None
    korttid: KorttidDetaljer | None = None
    avlastning: AvlastningDetaljer | None = None
    akutt: AkuttDetaljer | None = None
    bolig: BoligDetaljer | None = None
    onskede_institusjoner: tuple[Id, ...] = Field(
        (), description="Foretrukne institusjoner i prioritert rekkefølge (første = mest ønsket)."
    )

    @model_validator(mode="after")
    def _detaljer_passer_tjenesten(self) -> Soknad:
        felt = self.tjeneste.familie.value
        for navn in ("langtid", "korttid", "avlastning", "akutt", "bolig"):
            if navn != felt and getattr(self, navn) is not None:
                raise ValueError(f"feltet «{navn}» hører ikke til tjenesten «{self.tjeneste.value}»")
        if felt in ("korttid", "avlastning", "akutt") and getattr(self, felt) is None:
            raise ValueError(f"tjenesten «{self.tjeneste.value}» krever feltet «{felt}»")
        if len(set(self.onskede_institusjoner)) != len(self.onskede_institusjoner):
            raise ValueError("onskede_institusjoner inneholder samme institusjon flere ganger")
        return self


class Soker(Streng):
    """A søker on the waiting list (or an acute request). All identifiers are pseudonymous."""

    id: Id
    alder: int = Field(ge=0, le=120)
    kjonn: Kjonn
    bydel: str = Field(min_length=1, max_length=64, description="Bydel/sone.")
    ektefelle_id: Id | None = Field(None, description="Ektefelle/samboer som også er søker i saken.")
    onsker_bo_sammen: bool = Field(False, description="Ektepar ønsker å bo sammen (S §4.22, S §6.2).")
    oppholdssted: Oppholdssted = Oppholdssted.HJEMME
    utskrivningsklar_dato: date | None = Field(
        None, description="Dato sykehuset meldte pasienten utskrivningsklar (kun for sykehus_ukp)."
    )
    naverende_opphold_id: Id | None = Field(
        None, description="Nåværende opphold i kommunen (korttid/langtid) som frigjøres ved ny plass."
    )
    samtykke: bool | None = Field(None, description="Ønsker og samtykker til tjenesten.")
    onske_formodet: bool = Field(
        False,
        description="Søkeren kan ikke selv si noe om sitt ønske; «samtykke» bygger på opplysninger om hva søkeren "
        "selv ville ha ønsket (T §3.17). Skrives aldri som «ønsker og samtykker».",
    )
    takket_nei: bool = Field(
        False,
        description="Søkeren har takket nei til tilbudt plass (S §4.22, S §5.3: må søke på nytt); eget utfall.",
    )
    samtykke_helseopplysninger: bool | None = Field(
        None,
        description="S §2.2: samtykke til at kommunen innhenter nødvendige helseopplysninger. Nei gir «mangler "
        "opplysninger» (søknaden kan ikke behandles); tomt betyr at samtykket følger av søknaden.",
    )
    bistandsbehov_3_5: bool | None = Field(
        None,
        description="S §2.3: saksbehandlers vurdering av om bistandsbehovet ligger i området 3–5 på kommunens "
        "definerte IPLOS-variabler (dokumentet sier ikke hvilke). Nei gir avslag; tomt = ikke vurdert for seg.",
    )
    samtykkekompetent: bool | None = None
    vedtak_4a: bool = Field(False, description="Vedtak etter pbrl kap. 4A (helsehjelp uten samtykke).")
    iplos: Iplos = Iplos()
    diagnoser: Diagnoser = Diagnoser()
    innsatstrapp: Innsatstrapp = Innsatstrapp()
    soknad: Soknad
    vurdering: Vurdering = Vurdering()

    @field_validator("ektefelle_id")
    @classmethod
    def _ikke_seg_selv(cls, v: str | None, info):  # type: ignore[no-untyped-def]
        if v is not None and v == info.data.get("id"):
            raise ValueError("en søker kan ikke være sin egen ektefelle")
        return v

    @model_validator(mode="after")
    def _ukp_har_dato(self) -> Soker:
        if self.oppholdssted == Oppholdssted.SYKEHUS_UKP and self.utskrivningsklar_dato is None:
            raise ValueError("utskrivningsklar_dato må oppgis når oppholdssted er sykehus_ukp")
        return self
