"""Kodeverk: the enumerations of the domain (place types, services, locations).

The values are the Norwegian terms users see in files and reports; Python names are ASCII.
"""

from __future__ import annotations

from enum import StrEnum


class Plasstype(StrEnum):
    """What kind of place a unit (enhet) offers. One unit offers one place type."""

    LANGTID_SOMATISK = "langtid_somatisk"  # S §4.22, T §3.17
    LANGTID_SKJERMET = "langtid_skjermet"  # T §3.17 (skjermet enhet for demens)
    KORTTID = "korttid"  # S §4.21, T §3.18
    AVLASTNING = "avlastning"  # S §5.3, T §3.8.2
    OHD = "ohd"  # S §4.20 (Sandefjord: øyeblikkelig hjelp døgnopphold)
    KOH = "koh"  # T §3.19 (Tvedestrand: kommunal øyeblikkelig hjelp)
    HDO = "hdo"  # T §3.14 heldøgns omsorgsbolig
    HDOU = "hdou"  # T §3.14 heldøgns omsorgsbolig, utviklingshemming/autisme
    OMSORGSBOLIG_PSYKISK = "omsorgsbolig_psykisk"  # T §3.16
    TRYGGHETSBOLIG = "trygghetsbolig"  # T §3.15
    TILRETTELAGT_BOLIG = "tilrettelagt_bolig"  # S §6.3
    KORTTIDSLEILIGHET = "korttidsleilighet"  # S §6.4
    SENTERLEILIGHET = "senterleilighet"  # S §6.2

    @property
    def familie(self) -> Familie:
        """The place family: units of different families never share capacity."""
        return _FAMILIE[self]

    @property
    def er_bolig(self) -> bool:
        return self.familie is Familie.BOLIG


class Familie(StrEnum):
    """The five place families of the engine."""

    LANGTID = "langtid"
    KORTTID = "korttid"
    AVLASTNING = "avlastning"
    AKUTT = "akutt"  # ØHD (S) or KØH (T)
    BOLIG = "bolig"


_FAMILIE = {
    Plasstype.LANGTID_SOMATISK: Familie.LANGTID,
    Plasstype.LANGTID_SKJERMET: Familie.LANGTID,
    Plasstype.KORTTID: Familie.KORTTID,
    Plasstype.AVLASTNING: Familie.AVLASTNING,
    Plasstype.OHD: Familie.AKUTT,
    Plasstype.KOH: Familie.AKUTT,
    Plasstype.HDO: Familie.BOLIG,
    Plasstype.HDOU: Familie.BOLIG,
    Plasstype.OMSORGSBOLIG_PSYKISK: Familie.BOLIG,
    Plasstype.TRYGGHETSBOLIG: Familie.BOLIG,
    Plasstype.TILRETTELAGT_BOLIG: Familie.BOLIG,
    Plasstype.KORTTIDSLEILIGHET: Familie.BOLIG,
    Plasstype.SENTERLEILIGHET: Familie.BOLIG,
}


class Tjeneste(StrEnum):
    """The service a søker applies for. Langtid covers both somatisk and skjermet units;
    akutt covers ØHD (S) or KØH (T) as the rule profile says; each housing type is its own service."""

    LANGTID = "langtid"
    KORTTID = "korttid"
    AVLASTNING = "avlastning"
    AKUTT = "akutt"
    HDO = "hdo"
    HDOU = "hdou"
    OMSORGSBOLIG_PSYKISK = "omsorgsbolig_psykisk"
    TRYGGHETSBOLIG = "trygghetsbolig"
    TILRETTELAGT_BOLIG = "tilrettelagt_bolig"
    KORTTIDSLEILIGHET = "korttidsleilighet"
    SENTERLEILIGHET = "senterleilighet"

    @property
    def familie(self) -> Familie:
        if self in _TJENESTE_FAMILIE:
            return _TJENESTE_FAMILIE[self]
        return Familie.BOLIG


_TJENESTE_FAMILIE = {
    Tjeneste.LANGTID: Familie.LANGTID,
    Tjeneste.KORTTID: Familie.KORTTID,
    Tjeneste.AVLASTNING: Familie.AVLASTNING,
    Tjeneste.AKUTT: Familie.AKUTT,
}


class Kjonn(StrEnum):
    KVINNE = "kvinne"
    MANN = "mann"


class Oppholdssted(StrEnum):
    """Where the søker is now."""

    HJEMME = "hjemme"
    SYKEHUS_UKP = "sykehus_ukp"  # utskrivningsklar pasient, the municipality pays a day fee (hol § 11-4)
    KORTTID = "korttid"  # on a korttidsopphold in the municipality
    LANGTID = "langtid"  # already a langtid resident (an application is then a request to move)
    ANNEN_INSTITUSJON = "annen_institusjon"


class Korttidsformal(StrEnum):
    """Purpose of a korttidsopphold (S §4.21, T §3.18)."""

    INTERMEDIAER = "intermediaer"
    REHABILITERING = "rehabilitering"
    UTREDNING = "utredning"
    LINDRENDE = "lindrende"
    ORDINAER = "ordinaer"


class Innleggende(StrEnum):
    """Who asks for an ØHD/KØH bed (S §4.20: only fastlege or legevaktlege may admit)."""

    FASTLEGE = "fastlege"
    LEGEVAKTLEGE = "legevaktlege"
    SYKEHUSLEGE = "sykehuslege"
    HJEMMESYKEPLEIE = "hjemmesykepleie"
    TILDELINGSKONTORET = "tildelingskontoret"  # UKP in KØH (T §3.19)


class Tiltak(StrEnum):
    """Steps of the innsatstrapp (S §3, T §2.5) that may have been tried."""

    HJEMMESYKEPLEIE = "hjemmesykepleie"
    PRAKTISK_BISTAND = "praktisk_bistand"
    TRYGGHETSALARM = "trygghetsalarm"
    MATOMBRINGING = "matombringing"
    DAGTILBUD = "dagtilbud"
    KORTTIDSOPPHOLD = "korttidsopphold"
    VELFERDSTEKNOLOGI = "velferdsteknologi"
    HVERDAGSREHABILITERING = "hverdagsrehabilitering"
    TILPASNING_AV_BOLIG = "tilpasning_av_bolig"
    AVLASTNING = "avlastning"


class Romtype(StrEnum):
    """Room or flat kind of a place."""

    ENKELTROM = "enkeltrom"
    DOBBELTROM = "dobbeltrom"
    ETTROMS = "1-rom"
    TOROMS = "2-rom"


class Akutttype(StrEnum):
    """Which emergency bed scheme a municipality has."""

    OHD = "ohd"  # S §4.20
    KOH = "koh"  # T §3.19


class Laastype(StrEnum):
    """A lock set by the allocation meeting."""

    TILDEL = "tildel"  # must place the søker in the given unit
    IKKE_TILDEL = "ikke_tildel"  # must not place the søker (in the given unit, or at all)


NAVN_NB: dict[StrEnum, str] = {
    Plasstype.LANGTID_SOMATISK: "langtidsplass på somatisk avdeling",
    Plasstype.LANGTID_SKJERMET: "langtidsplass på skjermet avdeling",
    Plasstype.KORTTID: "korttidsplass",
    Plasstype.AVLASTNING: "avlastningsplass",
    Plasstype.OHD: "øyeblikkelig hjelp døgnopphold (ØHD)",
    Plasstype.KOH: "kommunal øyeblikkelig hjelp (KØH)",
    Plasstype.HDO: "heldøgns omsorgsbolig",
    Plasstype.HDOU: "heldøgns omsorgsbolig for personer med utviklingshemming eller autisme",
    Plasstype.OMSORGSBOLIG_PSYKISK: "heldøgns omsorgsbolig psykisk helse og livsmestring",
    Plasstype.TRYGGHETSBOLIG: "trygghetsbolig",
    Plasstype.TILRETTELAGT_BOLIG: "tilrettelagt bolig",
    Plasstype.KORTTIDSLEILIGHET: "korttidsleilighet",
    Plasstype.SENTERLEILIGHET: "senterleilighet",
    Tjeneste.LANGTID: "langtidsopphold i institusjon",
    Tjeneste.KORTTID: "korttidsopphold",
    Tjeneste.AVLASTNING: "avlastningsopphold",
    Tjeneste.AKUTT: "øyeblikkelig hjelp døgnopphold",
    Tjeneste.HDO: "heldøgns omsorgsbolig",
    Tjeneste.HDOU: "heldøgns omsorgsbolig for personer med utviklingshemming eller autisme",
    Tjeneste.OMSORGSBOLIG_PSYKISK: "heldøgns omsorgsbolig psykisk helse og livsmestring",
    Tjeneste.TRYGGHETSBOLIG: "trygghetsbolig",
    Tjeneste.TILRETTELAGT_BOLIG: "tilrettelagt bolig",
    Tjeneste.KORTTIDSLEILIGHET: "korttidsleilighet",
    Tjeneste.SENTERLEILIGHET: "senterleilighet",
    Korttidsformal.INTERMEDIAER: "intermediært opphold",
    Korttidsformal.REHABILITERING: "rehabilitering",
    Korttidsformal.UTREDNING: "utredning og vurdering",
    Korttidsformal.LINDRENDE: "lindrende behandling og omsorg",
    Korttidsformal.ORDINAER: "ordinært korttidsopphold",
    Innleggende.FASTLEGE: "fastlege",
    Innleggende.LEGEVAKTLEGE: "legevaktlege",
    Innleggende.SYKEHUSLEGE: "sykehuslege",
    Innleggende.HJEMMESYKEPLEIE: "hjemmesykepleien",
    Innleggende.TILDELINGSKONTORET: "tildelingskontoret",
    Tiltak.HJEMMESYKEPLEIE: "hjemmesykepleie",
    Tiltak.PRAKTISK_BISTAND: "praktisk bistand",
    Tiltak.TRYGGHETSALARM: "trygghetsalarm",
    Tiltak.MATOMBRINGING: "matombringing",
    Tiltak.DAGTILBUD: "dagtilbud",
    Tiltak.KORTTIDSOPPHOLD: "korttidsopphold",
    Tiltak.VELFERDSTEKNOLOGI: "velferdsteknologi",
    Tiltak.HVERDAGSREHABILITERING: "hverdagsrehabilitering",
    Tiltak.TILPASNING_AV_BOLIG: "tilpasning av bolig",
    Tiltak.AVLASTNING: "avlastning",
}
"""The bokmål name of a code value, for texts a saksbehandler reads (never the code itself)."""


def navn_nb(kode: StrEnum) -> str:
    """The bokmål name of a code value (falls back to the value with spaces)."""
    return NAVN_NB.get(kode, kode.value.replace("_", " "))
