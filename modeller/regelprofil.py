"""Municipality rule profiles as data.

Where the two criteria documents differ, the profile says so: Sandefjord (S) has ØHD
(S §4.20) and grants korttid up to 14 days before a vedtak (S §4.21); Tvedestrand (T) has
KØH (T §3.19) and at most 60 korttid døgn per year (T §3.18); the housing types differ
(S §6 vs T §3.14–3.16). The rules themselves live in ``allokering.regler``; the profile
selects them and carries the numbers.
"""

from __future__ import annotations

from pydantic import Field

from modeller.kodeverk import Akutttype, Plasstype
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


class Regelprofil(Streng):
    """What one municipality's criteria say, as data."""

    id: str = Field(description="sandefjord | tvedestrand | egendefinert")
    navn: str
    kilde: str = Field(description="Kildedokumentet profilen bygger på.")
    akutt: Akutttype
    akutt_maks_dogn: int = 3
    korttid_maks_dogn_per_aar: int | None = Field(None, description="T §3.18: inntil 60 døgn per år.")
    korttid_maks_dogn_uten_vedtak: int | None = Field(
        None, description="S §4.21: tildeles inntil 14 dager før vedtak fattes."
    )
    plasstyper: tuple[Plasstype, ...] = Field(description="Plasstyper kommunen tildeler.")
    ukp_dognpris_nok: int = Field(5745, description="Døgnpris for utskrivningsklare pasienter (2024).")
    vekter: Vekter = Vekter()


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
)

TVEDESTRAND = Regelprofil(
    id="tvedestrand",
    navn="Tvedestrand kommune (4213)",
    kilde="Veiledende tildelingskriterier for helse- og omsorgstjenester, Tvedestrand kommune 2025",
    akutt=Akutttype.KOH,
    korttid_maks_dogn_per_aar=60,
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
)

PROFILER: dict[str, Regelprofil] = {p.id: p for p in (SANDEFJORD, TVEDESTRAND)}
