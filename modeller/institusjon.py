"""Institusjon, enhet (unit) and opphold (a current stay that occupies a place)."""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from modeller.kodeverk import Plasstype, Romtype
from modeller.soker import Id, Streng


class Institusjon(Streng):
    """A nursing home, service centre or housing site."""

    id: Id
    navn: str = Field(min_length=1, max_length=200)
    bydel: str | None = Field(None, description="Bydel/sone der institusjonen ligger.")


class Enhet(Streng):
    """A unit (avdeling) offering one place type. Identical places are a capacity count.

    Langtid: ``kapasitet`` beds of which ``dobbeltrom`` double rooms (two beds each).
    Bolig: ``kapasitet`` flats of which ``toroms`` two-room flats (a couple shares one flat).
    """

    id: Id
    institusjon_id: Id
    navn: str = Field(min_length=1, max_length=200)
    plasstype: Plasstype
    kapasitet: int = Field(ge=0, le=10_000, description="Antall plasser (senger eller leiligheter).")
    dobbeltrom: int = Field(0, ge=0, description="Antall dobbeltrom (to senger hver), inngår i kapasitet.")
    toroms: int = Field(0, ge=0, description="Antall 2-roms leiligheter, inngår i kapasitet.")

    @model_validator(mode="after")
    def _rom_innenfor_kapasitet(self) -> Enhet:
        if 2 * self.dobbeltrom > self.kapasitet:
            raise ValueError("dobbeltrom × 2 kan ikke overstige kapasitet")
        if self.toroms > self.kapasitet:
            raise ValueError("toroms kan ikke overstige kapasitet")
        if self.dobbeltrom and self.plasstype.er_bolig:
            raise ValueError("dobbeltrom gjelder institusjonsplasser, ikke boliger (bruk toroms)")
        if self.toroms and not self.plasstype.er_bolig:
            raise ValueError("toroms gjelder boliger, ikke institusjonsplasser (bruk dobbeltrom)")
        return self


class Opphold(Streng):
    """A current stay occupying one place of a unit from ``start`` to ``forventet_slutt``
    (inclusive). ``None`` as end: stays beyond the horizon (langtid, bolig).

    ``romtype`` tells whether the stay uses a double room / two-room flat; two stays may share
    one room with the same ``rom_id``.
    """

    id: Id
    enhet_id: Id
    start: date
    forventet_slutt: date | None = None
    romtype: Romtype | None = None
    rom_id: str | None = Field(None, max_length=64)

    @model_validator(mode="after")
    def _slutt_etter_start(self) -> Opphold:
        if self.forventet_slutt is not None and self.forventet_slutt < self.start:
            raise ValueError("forventet_slutt kan ikke være før start")
        return self
