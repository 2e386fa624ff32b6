"""Eligibility rules (tildelingskriterier) as data: one declarative ``Regel`` per requirement.

Every rule names its seed section (S = Sandefjord 2022, T = Tvedestrand 2025) and its legal basis, belongs to one or
both rule profiles, and has a small check function. A check returns ``Vurdert``: oppfylt, ikke oppfylt or «mangler
opplysninger». A field that is ``None`` (not assessed) never fulfils a requirement: the outcome is then
``Status.MANGLER`` naming the field's dotted path (relative to the søker, e.g. ``soknad.langtid.behov_heldogns``).

Søker-level rules take ``(soker, sak)``; unit-level rules (``plasstyper`` set) take ``(soker, enhet, sak)`` and are
checked for every unit of the applied service's family. ``kvalifiser`` combines them: any søker-level «ikke oppfylt»
→ ikke kvalifisert; else any «mangler» → mangler opplysninger; else kvalifisert for the units whose unit-level rules
all pass (possibly none: the søker then waits).

Choices made where the seeds leave room (each is visible in the rule's text):

- Consent (langtid, korttid): own wish and consent, or lacking capacity to consent plus a vedtak under pbrl kap. 4A.
  T §3.17 lets a presumed wish count; the saksbehandler records it as ``samtykke``.
- T §3.17 helseteknologi «skal som hovedregel være vurdert»: a municipal duty to assess, not a property of the
  søker, so a missing or negative assessment gives «mangler opplysninger», never a rejection.
- T §3.15 trygghetsbolig: the seed says «minst et av kriteriene over må være til stede» (weighty health reasons,
  need for home services); a wish for a small flat or a notice to quit alone is not enough.
- Skjermet enhet: T §3.17 gives Tvedestrand's criteria; Sandefjord's own is «tilrettelagte plasser for personer med
  kognitiv svikt» (S §4.22), checked by ``skjermet_kognitiv_svikt``.
- Korttidsleilighet (S §6.4) is «i en periode»: its length must be recorded. It is a stay with a vedtak under hol,
  so the residency rule of S §6 («Hvem kan søke?») applies to the municipal dwellings only.
- T §3.18 «inntil 60 døgn per år etter sats for korttidsopphold» is the payment rate per calendar year: the stay is
  granted as needed and the text says how many døgn fall beyond it (a hard cap is the profile option
  ``korttid_hard_grense``). T §3.14 helseteknologi is one moment in a whole assessment, never a refusal alone.
  «Normalt 1–3 døgn» (S §4.20, T §3.19) is normal, not a maximum: a longer expected stay gets a remark.
- A profile lists its rules (``Regelprofil.regler``); ``profilfeil`` names unknown ids and place types without a
  rule. A shared rule cites only the profile's own section (``seksjon_for``) and basis (``hjemmel_for``).
- Field paths are data (``mangler_felt``); texts say in words what is missing, and use bokmål names of code values
  (``modeller.kodeverk.navn_nb``).

The rules (pr. = the built-in profiles that list the rule, S = sandefjord, T = tvedestrand; the template ``mal`` lists
the shared ST rules of langtid, korttid and avlastning; nivå = søker-level or unit-level). Unit-level
``*-enhet-<tjeneste>``: the unit's place type must give the applied service (akutt = ØHD in S, KØH in T);
``*-skjermet-enhet``: dementia with behaviour needing screening, or an individually assessed extensive need for
screening without dementia.

============================================  ===  ================  ===  =====
id                                            pr.  seksjon           hj.  nivå
============================================  ===  ================  ===  =====
S-2.2-samtykke-helseopplysninger              S    S §2.2            M    søker
S-2.3-bistandsbehov                           S    S §2.3            N    søker
ST-4.22-3.17-langtid-samtykke                 S T  S §4.22, T §3.17  A    søker
ST-4.22-3.17-langtid-varig-behov              S T  S §4.22, T §3.17  B    søker
ST-4.22-3.17-langtid-ikke-forsvarlig-hjemme   S T  S §4.22, T §3.17  B    søker
ST-4.22-3.17-langtid-heldogns-behov           S T  S §4.22, T §3.17  B    søker
ST-4.22-3.17-langtid-lavere-tiltak            S T  S §4.22, T §3.17  B    søker
T-3.17-langtid-helseteknologi                 T    T §3.17           B    søker
ST-4.21-3.18-korttid-samtykke                 S T  S §4.21, T §3.18  C    søker
ST-4.21-3.18-korttid-dognbehov                S T  S §4.21, T §3.18  D    søker
T-3.18-korttid-rehabilitering                 T    T §3.18           E    søker
T-3.18-korttid-60-dogn                        T    T §3.18           E    søker
S-4.21-korttid-14-dager-uten-vedtak           S    S §4.21           F    søker
ST-5.3-3.8.2-avlastning-saerlig-tyngende      S T  S §5.3, T §3.8.2  G    søker
ST-5.3-3.8.2-avlastning-onske                 S T  S §5.3, T §3.8.2  G    søker
S-4.20-ohd-fem-kriterier                      S    S §4.20           H    søker
S-4.20-ohd-innleggende                        S    S §4.20           H    søker
S-4.20-ohd-kriseplan                          S    S §4.20           H    søker
S-4.20-ohd-liggetid                           S    S §4.20           H    søker
T-3.19-koh-voksen                             T    T §3.19           I    søker
T-3.19-koh-kjent-tilstand                     T    T §3.19           I    søker
T-3.19-koh-innleggelse                        T    T §3.19           I    søker
T-3.19-koh-liggetid                           T    T §3.19           I    søker
T-3.14-hdo-heldogns-behov                     T    T §3.14           J    søker
T-3.14-hdo-ordinar-bolig-utilstrekkelig       T    T §3.14           J    søker
T-3.14-hdo-helseteknologi                     T    T §3.14           J    søker
T-3.14-hdou-alder                             T    T §3.14           J    søker
T-3.14-hdou-malgruppe                         T    T §3.14           J    søker
T-3.14-hdou-tidlig-ervervet                   T    T §3.14           J    søker
T-3.15-trygghetsbolig-kriterier               T    T §3.15           K    søker
T-3.16-psykisk-bolig-uegnet                   T    T §3.16           J    søker
T-3.16-psykisk-evne-bo-alene                  T    T §3.16           J    søker
T-3.16-psykisk-heldogns-behov                 T    T §3.16           J    søker
S-5.3-avlastning-voksen                       S    S §5.3            G    søker
T-3.16-psykisk-lavere-tiltak                  T    T §3.16           J    søker
S-6-bolig-alder                               S    S §6              L    søker
S-6-bolig-bosatt                              S    S §6              L    søker
S-6.3-tilrettelagt-samtykke                   S    S §6.3            L    søker
S-6.3-tilrettelagt-heldogns-behov             S    S §6.3            L    søker
S-6.4-korttidsleilighet-to-kriterier          S    S §6.4            L    søker
S-6.4-korttidsleilighet-periode               S    S §6.4            L    søker
S-6.2-senterleilighet-bosituasjon             S    S §6.2            L    søker
S-6.2-senterleilighet-forebygge               S    S §6.2            L    søker
ST-4.22-3.17-enhet-langtid                    S T  S §4.22, T §3.17  B    enhet
T-3.17-skjermet-enhet                         T    T §3.17           B    enhet
S-4.22-skjermet-enhet                         S    S §4.22           B    enhet
ST-4.21-3.18-enhet-korttid                    S T  S §4.21, T §3.18  D    enhet
ST-5.3-3.8.2-enhet-avlastning                 S T  S §5.3, T §3.8.2  G    enhet
S-4.20-enhet-ohd                              S    S §4.20           H    enhet
T-3.19-enhet-koh                              T    T §3.19           I    enhet
T-3.14-enhet-hdo                              T    T §3.14           J    enhet
T-3.14-enhet-hdou                             T    T §3.14           J    enhet
T-3.15-enhet-trygghetsbolig                   T    T §3.15           K    enhet
T-3.16-enhet-omsorgsbolig-psykisk             T    T §3.16           J    enhet
S-6.3-enhet-tilrettelagt-bolig                S    S §6.3            L    enhet
S-6.4-enhet-korttidsleilighet                 S    S §6.4            L    enhet
S-6.2-enhet-senterleilighet                   S    S §6.2            L    enhet
============================================  ===  ================  ===  =====

Lovhjemmel (hj.):

- A: pbrl § 2-1 e og kap. 4A
- B: pbrl § 2-1 e, hol § 3-2 første ledd nr. 6 bokstav c og § 3-2 a, kommunal forskrift
- C: pbrl § 4-1 og kap. 4A
- D: hol § 3-2 første ledd nr. 6 bokstav c; pbrl § 2-1 a (S §7), pbrl § 2-1 e (T §3.18)
- E: hol § 3-2 første ledd nr. 6 bokstav c og § 3-2 a, pbrl § 2-1 e
- F: hol § 3-2 første ledd nr. 6 bokstav c, pbrl § 2-1 a
- G: hol § 3-6 nr. 2, pbrl § 2-8
- H: hol § 3-5 tredje ledd
- I: hol § 3-5, pbrl § 2-1 a første ledd (Delavtale 4 SSHF–Tvedestrand)
- J: ikke lovpålagt; pbrl § 2-1 a, hol § 3-2 første ledd nr. 6 bokstav a–b (tjenestene); klage fvl § 28
- K: ikke lovfestet rettighet; klage fvl § 28
- L: hol § 3-7 (kommunal bolig, ikke lovpålagt)
- M: fvl § 17 (saken skal være så godt opplyst som mulig før vedtak)
- N: hol § 3-2 første ledd nr. 6

A service with no rules in the profile (e.g. HDO in Sandefjord) gets one outcome ``tjeneste-tilbys-ikke``.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, cast

from modeller.institusjon import Enhet
from modeller.kodeverk import (
    Akutttype,
    Familie,
    Innleggende,
    Korttidsformal,
    Oppholdssted,
    Plasstype,
    Tjeneste,
    navn_nb,
)
from modeller.regelprofil import Regelprofil
from modeller.sak import Sak
from modeller.soker import Soker

SANDEFJORD = "sandefjord"
TVEDESTRAND = "tvedestrand"
BEGGE = frozenset({SANDEFJORD, TVEDESTRAND})
KUN_S = frozenset({SANDEFJORD})
KUN_T = frozenset({TVEDESTRAND})
INGEN: frozenset[str] = frozenset()  # a rule no built-in profile lists yet (a profile turns it on with one line)


class Status(StrEnum):
    OPPFYLT = "oppfylt"
    IKKE_OPPFYLT = "ikke_oppfylt"
    MANGLER = "mangler_opplysninger"


class Utfall(StrEnum):
    KVALIFISERT = "kvalifisert"
    IKKE_KVALIFISERT = "ikke_kvalifisert"
    MANGLER_OPPLYSNINGER = "mangler_opplysninger"
    TAKKET_NEI = "takket_nei"  # declined an offered place (S §4.22, S §5.3): not placed, a new application needed


@dataclass(frozen=True)
class Vurdert:
    """What a check function returns; ``kvalifiser`` adds the rule's id, section and legal basis."""

    status: Status
    tekst_nb: str
    mangler_felt: tuple[str, ...] = ()
    aktuell: bool = True  # False: the requirement does not apply to this søker (see gjelder_ikke)


@dataclass(frozen=True)
class Regel:
    """One eligibility requirement. ``plasstyper`` is None for søker-level rules."""

    id: str
    tjenester: frozenset[Tjeneste]
    plasstyper: frozenset[Plasstype] | None
    profiler: frozenset[str]
    seksjon: str
    lovhjemmel: str
    tekst_nb: str
    sjekk: Callable[..., Vurdert]

    @property
    def enhetsniva(self) -> bool:
        return self.plasstyper is not None


@dataclass(frozen=True)
class Regelutfall:
    regel_id: str
    status: Status
    seksjon: str
    lovhjemmel: str
    tekst_nb: str
    mangler_felt: tuple[str, ...] = ()
    enhet_id: str | None = None  # set by vurder_enhet for one unit
    plasstype: str | None = None  # set in Kvalifisering: a unit-level outcome holds for every unit of this type
    aktuell: bool = True  # False: the requirement does not apply to this søker


@dataclass(frozen=True)
class Kvalifisering:
    soker_id: str
    utfall: Utfall
    regelutfall: tuple[Regelutfall, ...]
    enheter: tuple[str, ...]
    lengde_dogn: int | None


# --- Small building blocks -------------------------------------------------------------------------------------------


def oppfylt(tekst: str) -> Vurdert:
    return Vurdert(Status.OPPFYLT, f"Oppfylt: {tekst}.")


def ikke_oppfylt(tekst: str) -> Vurdert:
    return Vurdert(Status.IKKE_OPPFYLT, f"Ikke oppfylt: {tekst}.")


def mangler(tekst: str, *felt: str) -> Vurdert:
    """Missing information: the text says what is missing in words; the field paths are data (``mangler_felt``)."""
    return Vurdert(Status.MANGLER, f"Mangler opplysninger: {tekst}.", tuple(felt))


def gjelder_ikke(tekst: str) -> Vurdert:
    """A requirement that does not apply to this søker (e.g. the rehabilitation items for another purpose): it
    passes, and an explanation does not list it among the conditions that are met."""
    return Vurdert(Status.OPPFYLT, f"Oppfylt: {tekst}.", aktuell=False)


def hent(soker: Soker, sti: str) -> Any:
    """The value at a dotted path on the søker; None if any step on the way is None."""
    verdi: Any = soker
    for ledd in sti.split("."):
        if verdi is None:
            return None
        verdi = getattr(verdi, ledd)
    return verdi


@dataclass(frozen=True)
class Krav:
    """One yes/no item: the field at ``sti`` must equal ``forventet``.

    ``ja``/``nei`` are main clauses for the fulfilled/failed case; ``om`` is the «om …» clause used when the field is
    missing.
    """

    sti: str
    ja: str
    nei: str
    om: str
    forventet: bool = True


def alle(*krav: Krav) -> Callable[[Soker, Sak], Vurdert]:
    """A check requiring every item: a failed item rejects, otherwise a missing one gives «mangler»."""

    def sjekk(soker: Soker, sak: Sak) -> Vurdert:
        verdier = [(k, hent(soker, k.sti)) for k in krav]
        feilet = [k for k, v in verdier if v is not None and v is not k.forventet]
        if feilet:
            return ikke_oppfylt("; ".join(k.nei for k in feilet))
        borte = [k for k, v in verdier if v is None]
        if borte:
            return mangler("det er ikke vurdert " + ", ".join(k.om for k in borte), *(k.sti for k in borte))
        return oppfylt("; ".join(k.ja for k in krav))

    return sjekk


def _eller(*verdier: bool | None) -> bool | None:
    """Kleene OR: True if any is True, False if all are False, else unknown."""
    if any(v is True for v in verdier):
        return True
    if all(v is False for v in verdier):
        return False
    return None


def _og(*verdier: bool | None) -> bool | None:
    """Kleene AND."""
    if any(v is False for v in verdier):
        return False
    if all(v is True for v in verdier):
        return True
    return None


# --- Søker-level check functions --------------------------------------------------------------------------------------


def samtykke(tjeneste_tekst: str) -> Callable[[Soker, Sak], Vurdert]:
    """Own wish and consent, or no capacity to consent and a vedtak under pbrl kap. 4A."""

    def sjekk(soker: Soker, sak: Sak) -> Vurdert:
        if soker.samtykke is True and soker.onske_formodet:
            if sak.profil.tekster.samtykke_formodet:
                return oppfylt(
                    f"søkeren kan ikke selv si noe om sitt ønske; ut fra opplysninger om hva søkeren selv ville ha "
                    f"ønsket, legges det til grunn at søkeren ville ha ønsket {tjeneste_tekst}"
                )
            return mangler(
                f"søkeren kan ikke selv si noe om sitt ønske, og kommunens kriterier krever eget ønske og samtykke "
                f"til {tjeneste_tekst}, eller vedtak etter pasient- og brukerrettighetsloven kapittel 4A",
                "samtykke",
            )
        if soker.samtykke is True:
            return oppfylt(f"søkeren ønsker og samtykker til {tjeneste_tekst}")
        if soker.vedtak_4a and soker.samtykkekompetent is False:
            return oppfylt(
                "søkeren er ikke samtykkekompetent, og det er fattet vedtak om helsehjelp etter "
                "pasient- og brukerrettighetsloven kapittel 4A"
            )
        if soker.vedtak_4a and soker.samtykkekompetent is None:
            return mangler(
                "det foreligger vedtak etter pasient- og brukerrettighetsloven kapittel 4A, men det er ikke vurdert "
                "om søkeren er samtykkekompetent",
                "samtykkekompetent",
            )
        if soker.samtykke is None:
            return mangler(f"det er ikke registrert om søkeren ønsker og samtykker til {tjeneste_tekst}", "samtykke")
        grunn = f"søkeren ønsker ikke eller samtykker ikke til {tjeneste_tekst}"
        if soker.samtykkekompetent is False:
            grunn += ", og det er ikke fattet vedtak etter pasient- og brukerrettighetsloven kapittel 4A"
        return ikke_oppfylt(grunn)

    return sjekk


def samtykke_helseopplysninger(soker: Soker, sak: Sak) -> Vurdert:
    """S §2.2: «For å få rett til behandling av søknad og tjenester må du: … Samtykke til at vi kan innhente
    nødvendige helseopplysninger.» and «Ved manglende samtykke får vi ikke tilstrekkelig grunnlag til å behandle
    søknaden din». A recorded «nei» stops the case as missing information; an empty field means the consent is
    part of the søknad (Sandefjord's own forms), so the rule is not listed among the conditions met."""
    if soker.samtykke_helseopplysninger is False:
        return mangler(
            "søkeren har ikke samtykket til at kommunen innhenter nødvendige helseopplysninger, og kommunen har da "
            "ikke tilstrekkelig grunnlag til å behandle søknaden",
            "samtykke_helseopplysninger",
        )
    if soker.samtykke_helseopplysninger is True:
        return oppfylt("søkeren har samtykket til at kommunen innhenter nødvendige helseopplysninger")
    return gjelder_ikke("samtykket til å innhente helseopplysninger følger av søknaden")


def bistandsbehov_3_5(soker: Soker, sak: Sak) -> Vurdert:
    """S §2.3: «For å motta tjenester fra kommunen, må du ha et bistandsbehov som ligger i området 3-5 på definerte
    variabler.» The document does not say which variables, so it is the saksbehandler's assessment
    (``bistandsbehov_3_5``); an empty field is not assessed on its own and is not listed among the conditions met."""
    if soker.bistandsbehov_3_5 is False:
        return ikke_oppfylt(
            "bistandsbehovet er vurdert til å ligge under området 3–5 på kommunens definerte variabler i IPLOS"
        )
    if soker.bistandsbehov_3_5 is True:
        return oppfylt("bistandsbehovet ligger i området 3–5 på kommunens definerte variabler i IPLOS")
    return gjelder_ikke("bistandsbehovet er ikke vurdert for seg mot området 3–5")


def lavere_tiltak(soker: Soker, sak: Sak) -> Vurdert:
    """Lower steps of the innsatstrapp tried or assessed and found insufficient (LEON)."""
    trapp = soker.innsatstrapp
    provd = ", ".join(navn_nb(t) for t in trapp.provde_tiltak)
    utprovd = f" (utprøvd: {provd})" if provd else ""
    sti = "innsatstrapp.lavere_tiltak_utilstrekkelige"
    if trapp.lavere_tiltak_utilstrekkelige is True:
        return oppfylt(f"tiltak på lavere nivå i innsatstrappen er vurdert og utprøvd og ikke tilstrekkelige{utprovd}")
    if trapp.lavere_tiltak_utilstrekkelige is False:
        return ikke_oppfylt(f"tiltak på lavere nivå i innsatstrappen er vurdert som tilstrekkelige{utprovd}")
    return mangler("det er ikke vurdert om tiltak på lavere nivå i innsatstrappen er utprøvd og utilstrekkelige", sti)


def helseteknologi_hovedregel(soker: Soker, sak: Sak) -> Vurdert:
    """T §3.17: health technology «skal som hovedregel være vurdert eller forsøkt» — the municipality's duty to
    assess, so a lacking assessment asks for it rather than rejecting the søker."""
    sti = "innsatstrapp.helseteknologi_vurdert"
    if soker.innsatstrapp.helseteknologi_vurdert is True:
        return oppfylt("helseteknologiske løsninger er vurdert eller forsøkt")
    if soker.innsatstrapp.helseteknologi_vurdert is False:
        return mangler(
            "helseteknologiske løsninger skal som hovedregel være vurdert eller forsøkt før vedtak; "
            "vurderingen må gjøres og registreres, også når teknologi er funnet uaktuell",
            sti,
        )
    return mangler("det er ikke registrert om helseteknologiske løsninger er vurdert eller forsøkt", sti)


def hdo_helseteknologi_moment(soker: Soker, sak: Sak) -> Vurdert:
    """T §3.14: «Følgende momenter skal vektlegges i en helhet og individuell vurdering … Helseteknologi er forsøkt
    eller åpenbart ikke tilstrekkelig.» One moment, not a gate: it is recorded and cited, never a refusal alone."""
    trapp = soker.innsatstrapp
    verdi = trapp.helseteknologi_forsokt_eller_utilstrekkelig
    if verdi is True:
        return oppfylt("helseteknologi er forsøkt eller åpenbart ikke tilstrekkelig, og dette er vektlagt")
    if verdi is False:
        return oppfylt(
            "helseteknologi er ikke forsøkt og er ikke vurdert som åpenbart utilstrekkelig; dette er ett moment i "
            "helhetsvurderingen og avgjør ikke søknaden alene"
        )
    if trapp.helseteknologi_vurdert is True:
        return oppfylt(
            "helseteknologi er vurdert (om den er forsøkt eller åpenbart ikke tilstrekkelig, er ikke registrert); "
            "dette er ett moment i helhetsvurderingen"
        )
    return mangler(
        "det er ikke registrert om helseteknologi er forsøkt eller åpenbart ikke tilstrekkelig, som er ett av "
        "momentene i helhetsvurderingen",
        "innsatstrapp.helseteknologi_forsokt_eller_utilstrekkelig",
    )


def korttid_rehabilitering(soker: Soker, sak: Sak) -> Vurdert:
    korttid = soker.soknad.korttid
    assert korttid is not None  # Soknad guarantees the block for korttid
    if korttid.formal is not Korttidsformal.REHABILITERING:
        return gjelder_ikke(f"kravene gjelder rehabiliteringsopphold, og formålet her er {navn_nb(korttid.formal)}")
    return _REHAB(soker, sak)


_REHAB = alle(
    Krav(
        "soknad.korttid.motivert_for_rehabilitering",
        "søkeren er motivert for rehabilitering",
        "søkeren er ikke motivert for rehabilitering",
        "om søkeren er motivert for rehabilitering",
    ),
    Krav(
        "soknad.korttid.rehabilitering_mulig_hjemme",
        "rehabiliteringen kan ikke gjennomføres i egen bolig eller med innsatsteam hverdagsrehabilitering",
        "rehabiliteringen kan gjennomføres på andre arenaer (egen bolig, innsatsteam hverdagsrehabilitering)",
        "om rehabiliteringen kan gjennomføres i egen bolig eller med hverdagsrehabilitering",
        forventet=False,
    ),
)


def korttid_aarsgrense(soker: Soker, sak: Sak) -> Vurdert:
    """T §3.18 «Kan innvilges med inntil 60 døgn per år etter sats for korttidsopphold»: a rule about the
    payment rate per calendar year, not a cap on the stay. The stay is granted as the need calls for; the text
    says how many døgn fall beyond the limit. A hard cap is a profile option (``korttid_hard_grense``)."""
    korttid = soker.soknad.korttid
    assert korttid is not None
    maks = sak.profil.korttid_maks_dogn_per_aar
    if maks is None:
        return gjelder_ikke("kommunen har ingen grense for korttidsdøgn per år")
    aar = sak.startdato.year
    brukt = korttid.dogn_brukt_i_aar
    if brukt is None:
        if sak.profil.korttid_hard_grense:
            return mangler(
                f"antall korttidsdøgn brukt i {aar} er ikke kartlagt (grense {maks} døgn per kalenderår)",
                "soknad.korttid.dogn_brukt_i_aar",
            )
        return oppfylt(
            f"oppholdet innvilges etter behov; antall korttidsdøgn brukt i {aar} er ikke kartlagt, og egenandel "
            f"for døgn utover {maks} døgn i året beregnes etter forskrift om egenandel for kommunale helse- og "
            "omsorgstjenester"
        )
    igjen = max(0, maks - brukt)
    tekst = f"søkeren har brukt {brukt} korttidsdøgn i {aar}"
    if sak.profil.korttid_hard_grense:
        if igjen == 0:
            return ikke_oppfylt(f"{tekst}, og kommunens grense på {maks} døgn per kalenderår er nådd")
        if korttid.lengde_dogn > igjen:
            return oppfylt(f"{tekst}; oppholdet forkortes fra {korttid.lengde_dogn} til {igjen} døgn")
        return oppfylt(f"{tekst}; {korttid.lengde_dogn} døgn er innenfor grensen på {maks} døgn")
    utover = max(0, korttid.lengde_dogn - igjen)
    if utover == 0:
        return oppfylt(f"{tekst}; oppholdet på {korttid.lengde_dogn} døgn er innenfor {maks} døgn med korttidssats")
    return oppfylt(
        f"{tekst}; oppholdet innvilges etter behov med {korttid.lengde_dogn} døgn, og {utover} av dem faller utover "
        f"{maks} døgn med korttidssats i året – egenandelen for disse døgnene følger forskrift om egenandel for "
        "kommunale helse- og omsorgstjenester"
    )


def korttid_uten_vedtak(soker: Soker, sak: Sak) -> Vurdert:
    korttid = soker.soknad.korttid
    assert korttid is not None
    maks = sak.profil.korttid_maks_dogn_uten_vedtak
    if maks is None or korttid.vedtak_fattet:
        return gjelder_ikke("enkeltvedtak er fattet, så lengden på oppholdet følger vedtaket")
    if korttid.lengde_dogn > maks:
        return oppfylt(
            f"vedtak er ikke fattet; oppholdet tildeles inntil {maks} dager før vedtak fattes og forkortes fra "
            f"{korttid.lengde_dogn} til {maks} døgn"
        )
    return oppfylt(f"vedtak er ikke fattet; {korttid.lengde_dogn} døgn er innenfor {maks} dager før vedtak fattes")


def _belastning_tekst(soker: Soker) -> str:
    avl = soker.soknad.avlastning
    if avl is None:
        return ""
    b = avl.belastning
    momenter = [
        tekst
        for verdi, tekst in (
            (b.nattarbeid, "nattarbeid"),
            (b.isolasjon, "sosial isolasjon"),
            (b.flere_omsorgsmottakere, "omsorg for flere enn én person"),
            (b.omsorgsyters_helse_svekket, "omsorgsyters egen helse"),
            (b.lite_nettverk, "lite nettverk som kan avlaste"),
        )
        if verdi is True
    ]
    if b.timer_per_maned is not None:
        momenter.append(f"{b.timer_per_maned} timer per måned")
    if b.varighet_maneder is not None:
        momenter.append(f"varighet {b.varighet_maneder} måneder")
    return f" (momenter: {', '.join(momenter)})" if momenter else ""


def avlastning_saerlig_tyngende(soker: Soker, sak: Sak) -> Vurdert:
    sti = "soknad.avlastning.saerlig_tyngende"
    verdi = hent(soker, sti)
    if verdi is True:
        return oppfylt(f"omsorgsyter har særlig tyngende omsorgsarbeid{_belastning_tekst(soker)}")
    if verdi is False:
        avl = soker.soknad.avlastning
        if sak.profil.avlastning_forebyggende and avl is not None and avl.forebyggende is True:
            return oppfylt(
                f"omsorgsarbeidet er ennå ikke særlig tyngende{_belastning_tekst(soker)}, men kommunen har vurdert at "
                "avlastning kan forebygge et senere økt behov for helse- og omsorgstjenester"
            )
        tillegg = (
            ", og kommunen har ikke funnet at avlastning nå kan forebygge et senere økt behov for tjenester"
            if sak.profil.avlastning_forebyggende and avl is not None and avl.forebyggende is False
            else ""
        )
        return ikke_oppfylt(f"omsorgsarbeidet er ikke vurdert som særlig tyngende{_belastning_tekst(soker)}{tillegg}")
    return mangler("saksbehandler har ikke vurdert om omsorgsarbeidet er særlig tyngende", sti)


def avlastning_voksen_mottaker(soker: Soker, sak: Sak) -> Vurdert:
    """S §5.3: «Du er omsorgsyter med omfattende og særlig tyngende omsorgsarbeid til voksne med nedsatt fysisk eller
    kognitiv funksjon.» The søker record is the care receiver (the stay is theirs; the caregiver is
    ``soknad.avlastning.omsorgsyter_id``)."""
    if soker.alder >= 18:
        return oppfylt(f"omsorgsmottakeren er {soker.alder} år, og avlastningsoppholdet gjelder omsorg for voksne")
    return ikke_oppfylt(
        f"omsorgsmottakeren er {soker.alder} år; avlastningsopphold i institusjon gjelder omsorg for voksne"
    )


def ohd_innleggende(soker: Soker, sak: Sak) -> Vurdert:
    akutt = soker.soknad.akutt
    assert akutt is not None
    if akutt.innleggende in (Innleggende.FASTLEGE, Innleggende.LEGEVAKTLEGE):
        return oppfylt(f"innleggende lege er {navn_nb(akutt.innleggende)}")
    return ikke_oppfylt(
        f"innleggende er {navn_nb(akutt.innleggende)}; ØHD-plass disponeres etter avtale mellom ØHD-lege og "
        "fastlege/legevaktlege, og sykehuslege og hjemmesykepleie disponerer ikke ØHD-plass"
    )


def ohd_kriseplan(soker: Soker, sak: Sak) -> Vurdert:
    akutt = soker.soknad.akutt
    assert akutt is not None
    rus = soker.diagnoser.psykisk_helse_rus
    if akutt.oppdatert_kriseplan is True:
        return oppfylt("det foreligger oppdatert krise-/behandlingsplan på legevakt")
    if rus is False:
        return gjelder_ikke(
            "søkeren har ikke kjent rus- eller psykiatrisk problematikk, så krav om kriseplan gjelder ikke"
        )
    if rus is None:
        return mangler(
            "det er ikke registrert om søkeren har kjent rus- eller psykiatrisk problematikk (som krever oppdatert "
            "kriseplan)",
            "diagnoser.psykisk_helse_rus",
        )
    if akutt.oppdatert_kriseplan is False:
        return ikke_oppfylt(
            "søkeren har kjent rus- eller psykiatrisk problematikk, og det foreligger ikke oppdatert "
            "krise-/behandlingsplan på legevakt"
        )
    return mangler(
        "søkeren har kjent rus- eller psykiatrisk problematikk, men det er ikke registrert om det foreligger "
        "oppdatert krise-/behandlingsplan",
        "soknad.akutt.oppdatert_kriseplan",
    )


def akutt_liggetid(soker: Soker, sak: Sak) -> Vurdert:
    akutt = soker.soknad.akutt
    assert akutt is not None
    maks = sak.profil.akutt_maks_dogn
    if akutt.lengde_dogn <= maks:
        return oppfylt(f"forventet liggetid er {akutt.lengde_dogn} døgn, innenfor det normale (1–{maks} døgn)")
    return oppfylt(
        f"forventet liggetid er {akutt.lengde_dogn} døgn, lengre enn det normale (1–{maks} døgn); merk at videre "
        "behov skal vurderes innen om lag 72 timer, og at oppholdet ikke kan erstatte korttidsopphold"
    )


def minst_alder(grense: int, hva: str) -> Callable[[Soker, Sak], Vurdert]:
    def sjekk(soker: Soker, sak: Sak) -> Vurdert:
        if soker.alder >= grense:
            return oppfylt(f"søkeren er {soker.alder} år, og tilbudet gjelder {hva}")
        return ikke_oppfylt(f"søkeren er {soker.alder} år, men tilbudet gjelder {hva}")

    return sjekk


def ukp_i_koh(soker: Soker) -> bool:
    """The UKP route into KØH (T §3.19): Tildelingskontoret asks for a bed for a patient ready for discharge.
    Only when a KØH bed is free: the engine gives this route the lowest claim on KØH beds."""
    akutt = soker.soknad.akutt
    return (
        akutt is not None
        and akutt.innleggende is Innleggende.TILDELINGSKONTORET
        and soker.oppholdssted is Oppholdssted.SYKEHUS_UKP
    )


def koh_innleggelse(soker: Soker, sak: Sak) -> Vurdert:
    akutt = soker.soknad.akutt
    assert akutt is not None
    if akutt.innleggende in (Innleggende.FASTLEGE, Innleggende.LEGEVAKTLEGE):
        return oppfylt(f"søkeren legges inn av {navn_nb(akutt.innleggende)}; innleggelsen besluttes av KØH-lege")
    if ukp_i_koh(soker):
        grunn = {
            "tett_oppfolging_kort_tid": "behov for tett oppfølging i kort forventet tid",
            "venter_pa_korttidsplass": "i påvente av ledig korttidsplass",
        }.get(akutt.ukp_grunnlag or "")
        if grunn is None:
            return mangler(
                "utskrivningsklar pasient kan bare få KØH-plass ved behov for tett oppfølging i kort forventet tid "
                "eller i påvente av ledig korttidsplass, og grunnlaget er ikke registrert",
                "soknad.akutt.ukp_grunnlag",
            )
        return oppfylt(
            f"utskrivningsklar pasient rekvirert av tildelingskontoret etter varsel fra sykehuset, {grunn}; "
            "KØH-plass gis bare når ingen akutt innleggelse trenger den"
        )
    if akutt.innleggende is Innleggende.TILDELINGSKONTORET:
        return ikke_oppfylt(
            "Tildelingskontoret kan bare rekvirere KØH-plass for utskrivningsklare pasienter på sykehus; "
            "ellers er det fastlege/legevakt som legger inn"
        )
    return ikke_oppfylt(
        f"innleggende er {navn_nb(akutt.innleggende)}; det er fastlege eller legevakt som legger inn på KØH"
    )


def hdou_malgruppe(soker: Soker, sak: Sak) -> Vurdert:
    diagnose = soker.diagnoser.utviklingshemming_autisme
    lav = hent(soker, "soknad.bolig.lav_funksjon_hoyt_behov")
    if diagnose is True:
        return oppfylt("søkeren har utviklingshemming og/eller autismespekterforstyrrelse")
    if lav is True:
        return oppfylt("etter individuell vurdering har søkeren lavt funksjonsnivå og høyt bistandsbehov")
    if diagnose is False and lav is False:
        return ikke_oppfylt(
            "søkeren har verken utviklingshemming/autismespekterforstyrrelse eller, etter individuell vurdering, "
            "lavt funksjonsnivå og høyt bistandsbehov"
        )
    felt = [
        sti
        for sti, verdi in (
            ("diagnoser.utviklingshemming_autisme", diagnose),
            ("soknad.bolig.lav_funksjon_hoyt_behov", lav),
        )
        if verdi is None
    ]
    return mangler(
        "det er ikke vurdert om søkeren har utviklingshemming/autismespekterforstyrrelse eller lavt funksjonsnivå "
        "og høyt bistandsbehov",
        *felt,
    )


def trygghetsbolig_kriterier(soker: Soker, sak: Sak) -> Vurdert:
    helse = hent(soker, "soknad.bolig.tungtveiende_helsegrunner")
    tjenester = hent(soker, "soknad.bolig.behov_hjemmetjenester")
    til_stede = [
        tekst
        for verdi, tekst in (
            (helse, "vektige helsemessige grunner"),
            (tjenester, "behov for hjemmesykepleie/hjemmebaserte tjenester av et visst omfang"),
        )
        if verdi is True
    ]
    if hent(soker, "soknad.bolig.omfattende_pleiebehov") is True:
        # T §3.15: «… behov for en trygg og tilrettelagt bolig, men ikke omfattende behov for pleie- og
        # omsorgstjenester»: the upper limit, refused when the saksbehandler records such a need.
        return ikke_oppfylt(
            "søkeren har omfattende behov for pleie og omsorg gjennom døgnet; trygghetsbolig er for personer med "
            "behov for tjenester av et visst omfang, men ikke omfattende behov for pleie"
        )
    if til_stede:
        return oppfylt(f"{' og '.join(til_stede)} taler for en sentralt beliggende og tilpasset bolig")
    if hent(soker, "soknad.bolig.kun_onske_om_mindre_bolig") is True:
        return ikke_oppfylt(
            "ønske om en lettstelt liten bolig, eller at søkeren er oppsagt fra nåværende bolig, er ikke et "
            "kriterium i seg selv for å få tildelt trygghetsbolig"
        )
    if helse is False and tjenester is False:
        return ikke_oppfylt(
            "det er verken vektige helsemessige grunner eller behov for hjemmebaserte tjenester av et visst omfang"
        )
    felt = [
        sti
        for sti, verdi in (
            ("soknad.bolig.tungtveiende_helsegrunner", helse),
            ("soknad.bolig.behov_hjemmetjenester", tjenester),
        )
        if verdi is None
    ]
    return mangler(
        "det er ikke vurdert om det er vektige helsemessige grunner eller behov for hjemmebaserte tjenester", *felt
    )


def senterleilighet_bosituasjon(soker: Soker, sak: Sak) -> Vurdert:
    uegnet = hent(soker, "soknad.bolig.naverende_bolig_uegnet")
    isolert = hent(soker, "soknad.bolig.sosial_isolasjon")
    if uegnet is True and isolert is True:
        return oppfylt("søkeren har en uhensiktsmessig bosituasjon og er sosialt isolert")
    if uegnet is True:
        return oppfylt("søkeren har en uhensiktsmessig bosituasjon")
    if isolert is True:
        return oppfylt("søkeren er sosialt isolert og ønsker å nyttiggjøre seg det sosiale tilbudet ved senteret")
    if uegnet is False and isolert is False:
        return ikke_oppfylt("søkeren har verken en uhensiktsmessig bosituasjon eller er sosialt isolert")
    felt = [
        sti
        for sti, verdi in (("soknad.bolig.naverende_bolig_uegnet", uegnet), ("soknad.bolig.sosial_isolasjon", isolert))
        if verdi is None
    ]
    return mangler("det er ikke vurdert om søkeren har en uhensiktsmessig bosituasjon eller er sosialt isolert", *felt)


_KORTTIDSLEILIGHET_KRITERIER: tuple[tuple[str, str], ...] = (
    ("soknad.bolig.utproving_senterleilighet", "behov for å prøvebo en senterleilighet"),
    ("soknad.bolig.naverende_bolig_uegnet", "nåværende bolig er ikke egnet på grunn av endret funksjonsnivå"),
    ("soknad.bolig.midlertidig_etter_sykehus", "midlertidig opphold med nærhet til personale etter sykehus"),
    ("soknad.bolig.akutt_skade_pa_bolig", "akutt skade i egen bolig"),
    ("soknad.bolig.avlastningsbehov", "avlastning"),
)


def _kriterium_med_vilkaar(hoved: bool | None, vilkaar: bool | None) -> bool | None:
    """Criteria 3 and 4 of S §6.4 carry a condition of their own; an old case without it keeps the main item."""
    if hoved is not True or vilkaar is None:
        return hoved
    return vilkaar


def korttidsleilighet_to_kriterier(soker: Soker, sak: Sak) -> Vurdert:
    verdier = [(sti, tekst, hent(soker, sti)) for sti, tekst in _KORTTIDSLEILIGHET_KRITERIER]
    # Criterion 3: «Det er imidlertid ikke behov for tett oppfølging av lege/sykepleier.»
    # Criterion 4: «Du er i bo- og servicesentrenes målgruppe, og mangler andre boalternativer …»
    tett = hent(soker, "soknad.bolig.behov_tett_oppfolging")
    andre = hent(soker, "soknad.bolig.mangler_andre_boalternativer")
    k3 = _kriterium_med_vilkaar(verdier[2][2], None if tett is None else not tett)
    k4 = _kriterium_med_vilkaar(verdier[3][2], andre)
    verdier[2] = (verdier[2][0], verdier[2][1] + " uten behov for tett oppfølging av lege eller sykepleier", k3)
    verdier[3] = (verdier[3][0], verdier[3][1] + " uten andre boalternativer", k4)
    sanne = [tekst for _, tekst, v in verdier if v is True]
    ukjente = [sti for sti, _, v in verdier if v is None]
    if len(sanne) >= 2:
        return oppfylt(f"{len(sanne)} av 5 kriterier er oppfylt: {'; '.join(sanne)}")
    if len(sanne) + len(ukjente) >= 2:
        return mangler(f"{len(sanne)} av minst 2 kriterier er oppfylt, og resten er ikke vurdert", *ukjente)
    oppfylte = f": {sanne[0]}" if sanne else ""
    return ikke_oppfylt(f"{len(sanne)} av 5 kriterier er oppfylt{oppfylte}; det kreves 2 eller flere")


def korttidsleilighet_periode(soker: Soker, sak: Sak) -> Vurdert:
    lengde = hent(soker, "soknad.bolig.lengde_dogn")
    if lengde is None:
        return mangler(
            "korttidsleilighet tildeles for en periode, men lengden er ikke oppgitt", "soknad.bolig.lengde_dogn"
        )
    return oppfylt(f"oppholdet i korttidsleilighet gjelder {lengde} døgn")


# --- Unit-level check functions ---------------------------------------------------------------------------------------


def plasstyper_for(tjeneste: Tjeneste, profil: Regelprofil) -> frozenset[Plasstype]:
    """The place types that serve a service in a profile (langtid: somatisk and skjermet; akutt: ØHD or KØH)."""
    if tjeneste is Tjeneste.LANGTID:
        return frozenset({Plasstype.LANGTID_SOMATISK, Plasstype.LANGTID_SKJERMET})
    if tjeneste is Tjeneste.AKUTT:
        return frozenset({Plasstype.OHD if profil.akutt is Akutttype.OHD else Plasstype.KOH})
    return frozenset({Plasstype(tjeneste.value)})


def _familiens_plasstyper(tjeneste: Tjeneste) -> frozenset[Plasstype]:
    return frozenset(p for p in Plasstype if p.familie is tjeneste.familie)


def riktig_plasstype(soker: Soker, enhet: Enhet, sak: Sak) -> Vurdert:
    tjeneste = soker.soknad.tjeneste
    if enhet.plasstype in plasstyper_for(tjeneste, sak.profil):
        return oppfylt(f"«{enhet.navn}» gir {_lesbar(tjeneste)}")
    return ikke_oppfylt(f"«{enhet.navn}» er {_lesbar(enhet.plasstype)} og gir ikke {_lesbar(tjeneste)}")


def _lesbar(kode: StrEnum) -> str:
    return navn_nb(kode)


def skjermet_enhet(soker: Soker, enhet: Enhet, sak: Sak) -> Vurdert:
    d = soker.diagnoser
    demens_og_atferd = _og(d.demens, d.atferd_som_krever_skjerming)
    if demens_og_atferd is True:
        return oppfylt(f"søkeren har demenssykdom og atferd som krever skjerming («{enhet.navn}»)")
    if d.omfattende_skjermingsbehov_uten_demens is True:
        return oppfylt(
            f"etter individuell vurdering har søkeren omfattende behov for skjerming selv om demenssykdom ikke er "
            f"påvist («{enhet.navn}»)"
        )
    if _eller(demens_og_atferd, d.omfattende_skjermingsbehov_uten_demens) is False:
        return ikke_oppfylt(
            f"skjermet enhet «{enhet.navn}» krever langtkommet demenssykdom med atferd som krever skjerming, eller "
            "etter individuell vurdering omfattende behov for skjerming"
        )
    felt = []
    if demens_og_atferd is None:
        felt += [
            f"diagnoser.{navn}"
            for navn, verdi in (("demens", d.demens), ("atferd_som_krever_skjerming", d.atferd_som_krever_skjerming))
            if verdi is None
        ]
    if d.omfattende_skjermingsbehov_uten_demens is None:
        felt.append("diagnoser.omfattende_skjermingsbehov_uten_demens")
    return mangler(
        f"det er ikke vurdert om søkeren har demenssykdom med atferd som krever skjerming eller omfattende "
        f"skjermingsbehov; søkeren kan likevel vurderes for somatiske enheter («{enhet.navn}»)",
        *felt,
    )


def skjermet_kognitiv_svikt(soker: Soker, enhet: Enhet, sak: Sak) -> Vurdert:
    """S §4.22: «Kommunen har differensierte plasser/avdelinger, både somatiske plasser og tilrettelagte plasser for
    personer med kognitiv svikt.» Sandefjord's own criterion (not Tvedestrand's «langtkommet demenssykdom og en
    atferd som krever skjerming»): kognitiv svikt, which a dementia diagnosis implies."""
    d = soker.diagnoser
    if d.kognitiv_svikt is True or d.demens is True:
        grunn = "demenssykdom" if d.demens is True else "kognitiv svikt"
        return oppfylt(f"søkeren har {grunn}, og «{enhet.navn}» er tilrettelagt for personer med kognitiv svikt")
    if d.kognitiv_svikt is False and d.demens is not True:
        return ikke_oppfylt(
            f"«{enhet.navn}» er tilrettelagt for personer med kognitiv svikt, og søkeren har ikke kognitiv svikt; "
            "søkeren kan vurderes for somatiske plasser"
        )
    return mangler(
        f"det er ikke vurdert om søkeren har kognitiv svikt («{enhet.navn}» er tilrettelagt for personer med "
        "kognitiv svikt); søkeren kan likevel vurderes for somatiske plasser",
        "diagnoser.kognitiv_svikt",
    )


# --- The rules --------------------------------------------------------------------------------------------------------

_LANGTID_HJEMMEL = "pbrl § 2-1 e, hol § 3-2 første ledd nr. 6 bokstav c og § 3-2 a, kommunal forskrift"
_KORTTID_HJEMMEL_S = "hol § 3-2 første ledd nr. 6 bokstav c, pbrl § 2-1 a"
_KORTTID_HJEMMEL_T = "hol § 3-2 første ledd nr. 6 bokstav c og § 3-2 a, pbrl § 2-1 e"
_KORTTID_HJEMMEL_ST = "hol § 3-2 første ledd nr. 6 bokstav c; pbrl § 2-1 a (S §7), pbrl § 2-1 e (T §3.18)"
_AVLASTNING_HJEMMEL = "hol § 3-6 nr. 2, pbrl § 2-8"
_HJEMMEL_PER_PROFIL: dict[str, dict[str, str]] = {
    _KORTTID_HJEMMEL_ST: {"S": _KORTTID_HJEMMEL_S, "T": _KORTTID_HJEMMEL_T, "N": _KORTTID_HJEMMEL_S},
}
"""Shared rules whose legal basis differs per document: profile abbreviation → its own basis."""
_OHD_HJEMMEL = "hol § 3-5 tredje ledd"
_KOH_HJEMMEL = "hol § 3-5, pbrl § 2-1 a første ledd (Delavtale 4 SSHF–Tvedestrand)"
_HDO_HJEMMEL = "ikke lovpålagt; pbrl § 2-1 a, hol § 3-2 første ledd nr. 6 bokstav a–b (tjenestene); klage fvl § 28"
_TRYGGHET_HJEMMEL = "ikke lovfestet rettighet; klage fvl § 28"
_BOLIG_S_HJEMMEL = "hol § 3-7 (kommunal bolig, ikke lovpålagt)"

_S_BOLIGER = frozenset({Tjeneste.TILRETTELAGT_BOLIG, Tjeneste.KORTTIDSLEILIGHET, Tjeneste.SENTERLEILIGHET})
_S_KOMMUNALE_BOLIGER = frozenset({Tjeneste.TILRETTELAGT_BOLIG, Tjeneste.SENTERLEILIGHET})
"""S §6 «Hvem kan søke?» (over 18 år, bosatt det siste året) applies to the municipal dwellings. A korttidsleilighet
is a stay with a vedtak under hol (S §6.4: «Det fattes vedtak om opphold i henhold til helse- og
omsorgstjenesteloven»), with its own criteria; the residency rule does not apply to it."""
_KL_HJEMMEL = "vedtak om opphold etter hol"


def _soker(
    id: str,
    tjenester: set[Tjeneste] | frozenset[Tjeneste],
    profiler: frozenset[str],
    seksjon: str,
    lovhjemmel: str,
    tekst_nb: str,
    sjekk: Callable[[Soker, Sak], Vurdert],
) -> Regel:
    return Regel(id, frozenset(tjenester), None, profiler, seksjon, lovhjemmel, tekst_nb, sjekk)


def _enhet(
    prefiks: str, tjeneste: Tjeneste, profiler: frozenset[str], seksjon: str, lovhjemmel: str, navn: str | None = None
) -> Regel:
    return Regel(
        f"{prefiks}-enhet-{navn or tjeneste.value.replace('_', '-')}",
        frozenset({tjeneste}),
        _familiens_plasstyper(tjeneste),
        profiler,
        seksjon,
        lovhjemmel,
        f"Enheten må gi {navn_nb(tjeneste)}.",
        riktig_plasstype,
    )


_SKJERMET_TEKST = (
    "Skjermet enhet: søkeren må ha langtkommet demenssykdom og atferd som krever skjerming, eller etter individuell "
    "vurdering omfattende behov for skjerming selv om demenssykdom ikke er påvist."
)

# fmt: off
REGLER: tuple[Regel, ...] = (
    # Søknaden (S §2.2)
    _soker(
        "S-2.2-samtykke-helseopplysninger",
        {Tjeneste.LANGTID, Tjeneste.KORTTID, Tjeneste.AVLASTNING, Tjeneste.AKUTT, Tjeneste.TILRETTELAGT_BOLIG,
         Tjeneste.KORTTIDSLEILIGHET, Tjeneste.SENTERLEILIGHET},
        KUN_S, "S §2.2", "fvl § 17",
        "Søkeren må samtykke til at kommunen innhenter nødvendige helseopplysninger; uten samtykke har kommunen ikke "
        "tilstrekkelig grunnlag til å behandle søknaden.",
        samtykke_helseopplysninger,
    ),
    _soker(
        "S-2.3-bistandsbehov",
        {Tjeneste.LANGTID, Tjeneste.KORTTID, Tjeneste.AVLASTNING, Tjeneste.AKUTT, Tjeneste.TILRETTELAGT_BOLIG,
         Tjeneste.KORTTIDSLEILIGHET, Tjeneste.SENTERLEILIGHET},
        KUN_S, "S §2.3", "hol § 3-2 første ledd nr. 6",
        "Bistandsbehovet må ligge i området 3–5 på kommunens definerte variabler (IPLOS).",
        bistandsbehov_3_5,
    ),
    # Langtidsopphold (S §4.22, T §3.17)
    _soker(
        "ST-4.22-3.17-langtid-samtykke", {Tjeneste.LANGTID}, BEGGE, "S §4.22, T §3.17", "pbrl § 2-1 e og kap. 4A",
        "Søkeren må selv ønske og samtykke til langtidsopphold; mangler søkeren samtykkekompetanse, kan hjelp gis "
        "etter pasient- og brukerrettighetsloven kapittel 4A (T §3.17: ellers legges det til grunn hva søkeren selv "
        "ville ha ønsket).",
        samtykke("langtidsopphold i institusjon"),
    ),
    _soker(
        "ST-4.22-3.17-langtid-varig-behov", {Tjeneste.LANGTID}, BEGGE, "S §4.22, T §3.17", _LANGTID_HJEMMEL,
        "Søkeren må på grunn av nedsatt funksjonsevne være varig ute av stand til å ivareta nødvendig egenomsorg og "
        "mestre dagliglivets gjøremål; omsorgsbehovet er vedvarende og bistand nødvendig på ubestemt tid.",
        alle(Krav(
            "soknad.langtid.varig_ute_av_stand",
            "søkeren er varig ute av stand til å ivareta nødvendig egenomsorg og mestre dagliglivets gjøremål",
            "søkeren er ikke vurdert som varig ute av stand til å ivareta egenomsorg og dagliglivets gjøremål",
            "om søkeren er varig ute av stand til å ivareta nødvendig egenomsorg og mestre dagliglivets gjøremål",
        )),
    ),
    _soker(
        "ST-4.22-3.17-langtid-ikke-forsvarlig-hjemme", {Tjeneste.LANGTID}, BEGGE, "S §4.22, T §3.17", _LANGTID_HJEMMEL,
        "Søkeren må ikke kunne ivaretas forsvarlig med helse- og omsorgstjenester i hjemmet eller i kommunal bolig.",
        alle(Krav(
            "soknad.langtid.kan_ikke_ivaretas_hjemme",
            "søkeren kan ikke ivaretas forsvarlig med helse- og omsorgstjenester i hjemmet eller i bolig, og "
            "langtidsopphold er det eneste tilbudet som kan sikre nødvendige og forsvarlige tjenester",
            "søkeren kan ivaretas forsvarlig med helse- og omsorgstjenester i hjemmet eller i bolig",
            "om søkeren kan ivaretas forsvarlig med helse- og omsorgstjenester i hjemmet eller i bolig",
        )),
    ),
    _soker(
        "ST-4.22-3.17-langtid-heldogns-behov", {Tjeneste.LANGTID}, BEGGE, "S §4.22, T §3.17", _LANGTID_HJEMMEL,
        "Søkeren må ha behov for pleie, omsorg og tilsyn gjennom hele døgnet.",
        alle(Krav(
            "soknad.langtid.behov_heldogns",
            "søkeren har behov for pleie, omsorg og tilsyn gjennom hele døgnet",
            "søkeren har ikke behov for pleie, omsorg og tilsyn gjennom hele døgnet",
            "om søkeren har behov for pleie, omsorg og tilsyn gjennom hele døgnet",
        )),
    ),
    _soker(
        "ST-4.22-3.17-langtid-lavere-tiltak", {Tjeneste.LANGTID}, BEGGE, "S §4.22, T §3.17", _LANGTID_HJEMMEL,
        "Tiltak på lavere nivå i innsatstrappen (helsetjenester i hjemmet, praktisk bistand, trygghetsalarm, "
        "matombringing, dagtilbud, korttidsopphold, velferdsteknologi, tilpasning av hjemmet mv.) skal være vurdert "
        "og utprøvd og funnet ikke tilstrekkelige.",
        lavere_tiltak,
    ),
    _soker(
        "T-3.17-langtid-helseteknologi", {Tjeneste.LANGTID}, KUN_T, "T §3.17", _LANGTID_HJEMMEL,
        "Helseteknologiske løsninger skal som hovedregel være vurdert eller forsøkt.",
        helseteknologi_hovedregel,
    ),
    # Korttidsopphold / tidsbegrenset opphold (S §4.21, T §3.18)
    _soker(
        "ST-4.21-3.18-korttid-samtykke", {Tjeneste.KORTTID}, BEGGE, "S §4.21, T §3.18", "pbrl § 4-1 og kap. 4A",
        "Søkeren må selv ønske korttidsopphold (S §4.21); innholdet utformes i samråd med pasienten (T §3.18). "
        "Mangler søkeren samtykkekompetanse, kan hjelp gis etter pasient- og brukerrettighetsloven kapittel 4A.",
        samtykke("korttidsopphold"),
    ),
    _soker(
        "ST-4.21-3.18-korttid-dognbehov", {Tjeneste.KORTTID}, BEGGE, "S §4.21, T §3.18", _KORTTID_HJEMMEL_ST,
        "Søkeren må ha behov for behandling, observasjon eller kartlegging gjennom hele døgnet som ikke kan ivaretas "
        "forsvarlig i hjemmet.",
        alle(Krav(
            "soknad.korttid.behov_dognbasert_oppfolging",
            "søkeren har behov for behandling, observasjon eller kartlegging gjennom hele døgnet som ikke kan "
            "ivaretas i hjemmet",
            "søkerens behov kan ivaretas forsvarlig i hjemmet uten døgnbasert oppfølging",
            "om søkeren har behov for døgnbasert oppfølging som ikke kan gis hjemme",
        )),
    ),
    _soker(
        "T-3.18-korttid-rehabilitering", {Tjeneste.KORTTID}, KUN_T, "T §3.18", _KORTTID_HJEMMEL_T,
        "Ved rehabiliteringsopphold må søkeren være motivert for rehabilitering, og rehabiliteringen må ikke kunne "
        "gjennomføres på andre arenaer (egen bolig, innsatsteam hverdagsrehabilitering).",
        korttid_rehabilitering,
    ),
    _soker(
        "T-3.18-korttid-60-dogn", {Tjeneste.KORTTID}, KUN_T, "T §3.18", _KORTTID_HJEMMEL_T,
        "Korttidsopphold kan innvilges med inntil 60 døgn per år etter sats for korttidsopphold; døgn utover det "
        "følger forskrift om egenandel (oppholdet forkortes bare når kommunen har valgt en hard grense).",
        korttid_aarsgrense,
    ),
    _soker(
        "S-4.21-korttid-14-dager-uten-vedtak", {Tjeneste.KORTTID}, KUN_S, "S §4.21", _KORTTID_HJEMMEL_S,
        "Korttidsopphold tildeles inntil 14 dager før vedtak fattes; uten vedtak forkortes oppholdet til 14 døgn.",
        korttid_uten_vedtak,
    ),
    # Avlastningsopphold i institusjon (S §5.3, T §3.8.2)
    _soker(
        "ST-5.3-3.8.2-avlastning-saerlig-tyngende", {Tjeneste.AVLASTNING}, BEGGE, "S §5.3, T §3.8.2",
        _AVLASTNING_HJEMMEL,
        "Omsorgsyter må ha omfattende og særlig tyngende omsorgsarbeid (nattarbeid, timer per måned, varighet, "
        "sosial isolasjon, omsorg for flere, egen helse, nettverk).",
        avlastning_saerlig_tyngende,
    ),
    _soker(
        "ST-5.3-3.8.2-avlastning-onske", {Tjeneste.AVLASTNING}, BEGGE, "S §5.3, T §3.8.2", _AVLASTNING_HJEMMEL,
        "Både omsorgsyter og omsorgsmottaker må ønske tjenesten (omsorgsmottaker må være enig i eller akseptere den).",
        alle(
            Krav(
                "soknad.avlastning.omsorgsyter_onsker",
                "omsorgsyter ønsker avlastning",
                "omsorgsyter ønsker ikke avlastning",
                "om omsorgsyter ønsker avlastning",
            ),
            Krav(
                "soknad.avlastning.omsorgsmottaker_onsker",
                "omsorgsmottaker ønsker eller aksepterer avlastningsopphold",
                "omsorgsmottaker ønsker ikke avlastningsopphold",
                "om omsorgsmottaker ønsker eller aksepterer avlastningsopphold",
            ),
        ),
    ),
    # ØHD (S §4.20)
    _soker(
        "S-4.20-ohd-fem-kriterier", {Tjeneste.AKUTT}, KUN_S, "S §4.20", _OHD_HJEMMEL,
        "Alle 5 kriterier for ØHD-plass må være oppfylt: avgrenset akutt medisinsk problemstilling; behandlingsplan "
        "skrevet av innleggende lege; kan ikke ivaretas av hjemmesykepleie; forventet klar til hjemreise innen 3 "
        "dager; ØHD vurderes like bra eller bedre enn sykehusinnleggelse.",
        alle(
            Krav(
                "soknad.akutt.avgrenset_akutt_problem",
                "(1) pasienten har en avgrenset akutt medisinsk problemstilling",
                "(1) pasienten har ikke en avgrenset akutt medisinsk problemstilling",
                "om pasienten har en avgrenset akutt medisinsk problemstilling (kriterium 1)",
            ),
            Krav(
                "soknad.akutt.behandlingsplan_skrevet",
                "(2) innleggende lege har skrevet behandlingsplan",
                "(2) det er ikke skrevet behandlingsplan av innleggende lege",
                "om innleggende lege har skrevet behandlingsplan (kriterium 2)",
            ),
            Krav(
                "soknad.akutt.kan_ikke_ivaretas_av_hjemmesykepleie",
                "(3) helsehjelpen kan ikke ivaretas av hjemmesykepleie",
                "(3) helsehjelpen kan ivaretas av hjemmesykepleie",
                "om helsehjelpen kan ivaretas av hjemmesykepleie (kriterium 3)",
            ),
            Krav(
                "soknad.akutt.forventet_hjem_innen_3_dager",
                "(4) pasienten forventes klar til hjemreise innen 3 dager",
                "(4) pasienten forventes ikke klar til hjemreise innen 3 dager",
                "om pasienten forventes klar til hjemreise innen 3 dager (kriterium 4)",
            ),
            Krav(
                "soknad.akutt.like_bra_som_sykehus",
                "(5) ØHD-plass vurderes like bra eller bedre enn sykehusinnleggelse",
                "(5) ØHD-plass vurderes ikke like bra som sykehusinnleggelse",
                "om ØHD-plass er like bra eller bedre enn sykehusinnleggelse (kriterium 5)",
            ),
        ),
    ),
    _soker(
        "S-4.20-ohd-innleggende", {Tjeneste.AKUTT}, KUN_S, "S §4.20", _OHD_HJEMMEL,
        "ØHD-plass disponeres etter avtale mellom ØHD-lege og fastlege/legevaktlege; sykehuslege og hjemmesykepleie "
        "disponerer ikke ØHD-plass.",
        ohd_innleggende,
    ),
    _soker(
        "S-4.20-ohd-kriseplan", {Tjeneste.AKUTT}, KUN_S, "S §4.20", _OHD_HJEMMEL,
        "For pasienter med kjent rus- eller psykiatrisk problematikk skal det foreligge en oppdatert "
        "krise-/behandlingsplan på legevakt.",
        ohd_kriseplan,
    ),
    _soker(
        "S-4.20-ohd-liggetid", {Tjeneste.AKUTT}, KUN_S, "S §4.20", _OHD_HJEMMEL,
        "Oppholdet på ØHD er kortvarig: pasienten forventes klar til hjemreise innen 3 døgn.",
        akutt_liggetid,
    ),
    # KØH (T §3.19)
    _soker(
        "T-3.19-koh-voksen", {Tjeneste.AKUTT}, KUN_T, "T §3.19", _KOH_HJEMMEL,
        "KØH er et tilbud til akutt syke voksne (18 år eller eldre).",
        minst_alder(18, "voksne (18 år eller eldre)"),
    ),
    _soker(
        "T-3.19-koh-kjent-tilstand", {Tjeneste.AKUTT}, KUN_T, "T §3.19", _KOH_HJEMMEL,
        "Pasienten må ha kjent og avklart helsetilstand som kommunen kan utrede, behandle og yte omsorg til.",
        alle(Krav(
            "soknad.akutt.kjent_avklart_tilstand",
            "pasienten har kjent og avklart helsetilstand",
            "pasientens tilstand er ikke kjent og avklart",
            "om pasienten har kjent og avklart helsetilstand",
        )),
    ),
    _soker(
        "T-3.19-koh-innleggelse", {Tjeneste.AKUTT}, KUN_T, "T §3.19", _KOH_HJEMMEL,
        "Det er fastlege/legevakt som legger inn på KØH; Tildelingskontoret kan rekvirere KØH-plass for "
        "utskrivningsklare pasienter bare ved ledig kapasitet.",
        koh_innleggelse,
    ),
    _soker(
        "T-3.19-koh-liggetid", {Tjeneste.AKUTT}, KUN_T, "T §3.19", _KOH_HJEMMEL,
        "Liggetid i KØH er normalt 1–3 døgn; videre omsorgsbehov vurderes innen om lag 72 timer.",
        akutt_liggetid,
    ),
    # HDO / HDOU (T §3.14)
    _soker(
        "T-3.14-hdo-heldogns-behov", {Tjeneste.HDO}, KUN_T, "T §3.14", _HDO_HJEMMEL,
        "Søkeren må ha omfattende behov for kommunale helse- og omsorgstjenester gjennom døgnet.",
        alle(Krav(
            "soknad.bolig.omfattende_behov_hele_dognet",
            "søkeren har omfattende behov for helse- og omsorgstjenester gjennom døgnet",
            "søkeren har ikke omfattende behov for helse- og omsorgstjenester gjennom døgnet",
            "om søkeren har omfattende behov for helse- og omsorgstjenester gjennom døgnet",
        )),
    ),
    _soker(
        "T-3.14-hdo-ordinar-bolig-utilstrekkelig", {Tjeneste.HDO}, KUN_T, "T §3.14", _HDO_HJEMMEL,
        "Tjenestebehovet må være så omfattende at det ikke kan imøtekommes forsvarlig i ordinær tilrettelagt bolig.",
        alle(Krav(
            "soknad.bolig.kan_ikke_bo_i_ordinar_bolig",
            "tjenestebehovet kan ikke imøtekommes forsvarlig i ordinær tilrettelagt bolig",
            "tjenestebehovet kan imøtekommes forsvarlig i ordinær tilrettelagt bolig",
            "om tjenestebehovet kan imøtekommes forsvarlig i ordinær tilrettelagt bolig",
        )),
    ),
    _soker(
        "T-3.14-hdo-helseteknologi", {Tjeneste.HDO}, KUN_T, "T §3.14", _HDO_HJEMMEL,
        "Om helseteknologi er forsøkt eller åpenbart ikke tilstrekkelig, er ett av momentene som vektlegges i en "
        "helhetlig og individuell vurdering; det avgjør ikke alene.",
        hdo_helseteknologi_moment,
    ),
    _soker(
        "T-3.14-hdou-alder", {Tjeneste.HDOU}, KUN_T, "T §3.14", _HDO_HJEMMEL,
        "HDOU er for personer som er 18 år eller eldre.",
        minst_alder(18, "personer som er 18 år eller eldre"),
    ),
    _soker(
        "T-3.14-hdou-malgruppe", {Tjeneste.HDOU}, KUN_T, "T §3.14", _HDO_HJEMMEL,
        "Søkeren må ha utviklingshemming og/eller autismespekterforstyrrelse, eller etter individuell vurdering lavt "
        "funksjonsnivå og høyt bistandsbehov.",
        hdou_malgruppe,
    ),
    _soker(
        "T-3.14-hdou-tidlig-ervervet", {Tjeneste.HDOU}, KUN_T, "T §3.14", _HDO_HJEMMEL,
        "Bolig i enhet for habilitering krever medfødt eller tidlig ervervet funksjonsnedsettelse.",
        alle(Krav(
            "soknad.bolig.tidlig_ervervet_funksjonsnedsettelse",
            "søkeren har medfødt eller tidlig ervervet funksjonsnedsettelse",
            "søkerens funksjonsnedsettelse er ikke medfødt eller tidlig ervervet",
            "om søkerens funksjonsnedsettelse er medfødt eller tidlig ervervet",
        )),
    ),
    # Trygghetsbolig (T §3.15)
    _soker(
        "T-3.15-trygghetsbolig-kriterier", {Tjeneste.TRYGGHETSBOLIG}, KUN_T, "T §3.15", _TRYGGHET_HJEMMEL,
        "Vektige helsemessige grunner eller behov for hjemmebaserte tjenester av et visst omfang må tale for en "
        "sentralt beliggende og tilpasset bolig (minst ett kriterium); ønske om en liten bolig eller oppsigelse er "
        "ikke nok i seg selv.",
        trygghetsbolig_kriterier,
    ),
    # Heldøgns omsorgsbolig psykisk helse og livsmestring (T §3.16)
    _soker(
        "T-3.16-psykisk-bolig-uegnet", {Tjeneste.OMSORGSBOLIG_PSYKISK}, KUN_T, "T §3.16", _HDO_HJEMMEL,
        "Nåværende bolig må være lite hensiktsmessig ut fra helsetilstand og behov for oppfølging.",
        alle(Krav(
            "soknad.bolig.naverende_bolig_uegnet",
            "nåværende bolig er lite hensiktsmessig ut fra helsetilstand og behov for oppfølging",
            "nåværende bolig er hensiktsmessig ut fra helsetilstand og behov for oppfølging",
            "om nåværende bolig er hensiktsmessig ut fra helsetilstand og behov for oppfølging",
        )),
    ),
    _soker(
        "T-3.16-psykisk-evne-bo-alene", {Tjeneste.OMSORGSBOLIG_PSYKISK}, KUN_T, "T §3.16", _HDO_HJEMMEL,
        "Søkeren må ha vesentlig nedsatt evne til å bo i egen bolig uten støtte og tjenestetilbud.",
        alle(Krav(
            "soknad.bolig.redusert_evne_bo_alene",
            "søkeren har vesentlig nedsatt evne til å bo i egen bolig uten støtte og tjenestetilbud",
            "søkeren har ikke vesentlig nedsatt evne til å bo i egen bolig uten støtte",
            "om søkeren har vesentlig nedsatt evne til å bo i egen bolig uten støtte",
        )),
    ),
    _soker(
        "T-3.16-psykisk-heldogns-behov", {Tjeneste.OMSORGSBOLIG_PSYKISK}, KUN_T, "T §3.16", _HDO_HJEMMEL,
        "Funksjonssvikten må være av en art der det er behov for heldøgns omsorg og pleie.",
        alle(Krav(
            "soknad.bolig.omfattende_behov_hele_dognet",
            "funksjonssvikten er av en art der det er behov for heldøgns omsorg og pleie",
            "funksjonssvikten gir ikke behov for heldøgns omsorg og pleie",
            "om funksjonssvikten gir behov for heldøgns omsorg og pleie",
        )),
    ),
    _soker(
        "S-5.3-avlastning-voksen", {Tjeneste.AVLASTNING}, KUN_S, "S §5.3", _AVLASTNING_HJEMMEL,
        "Avlastningsopphold i institusjon gis til omsorgsytere med omsorgsarbeid for voksne med nedsatt fysisk eller "
        "kognitiv funksjon.",
        avlastning_voksen_mottaker,
    ),
    _soker(
        "T-3.16-psykisk-lavere-tiltak", {Tjeneste.OMSORGSBOLIG_PSYKISK}, KUN_T, "T §3.16", _HDO_HJEMMEL,
        "Oppfølging på lavere omsorgsnivå i innsatstrappen må være forsøkt.",
        lavere_tiltak,
    ),
    # Sandefjord kommunale boliger (S §6)
    _soker(
        "S-6-bolig-alder", _S_KOMMUNALE_BOLIGER, KUN_S, "S §6", _BOLIG_S_HJEMMEL,
        "Søkeren må være over 18 år.",
        minst_alder(18, "personer over 18 år"),
    ),
    _soker(
        "S-6-bolig-bosatt", _S_KOMMUNALE_BOLIGER, KUN_S, "S §6", _BOLIG_S_HJEMMEL,
        "Søkeren må ha vært bosatt i Sandefjord kommune det siste året.",
        alle(Krav(
            "soknad.bolig.bosatt_siste_aar",
            "søkeren har vært bosatt i kommunen det siste året",
            "søkeren har ikke vært bosatt i kommunen det siste året",
            "om søkeren har vært bosatt i kommunen det siste året",
        )),
    ),
    _soker(
        "S-6.3-tilrettelagt-samtykke", {Tjeneste.TILRETTELAGT_BOLIG}, KUN_S, "S §6.3", _BOLIG_S_HJEMMEL,
        "Søkeren må selv ønske og samtykke til å flytte.",
        alle(Krav(
            "soknad.bolig.onsker_og_samtykker_flytting",
            "søkeren ønsker og samtykker til å flytte",
            "søkeren ønsker ikke eller samtykker ikke til å flytte",
            "om søkeren ønsker og samtykker til å flytte",
        )),
    ),
    _soker(
        "S-6.3-tilrettelagt-heldogns-behov", {Tjeneste.TILRETTELAGT_BOLIG}, KUN_S, "S §6.3", _BOLIG_S_HJEMMEL,
        "Søkeren må ha behov for varige og omfattende heldøgns helse- og omsorgstjenester.",
        alle(Krav(
            "soknad.bolig.omfattende_behov_hele_dognet",
            "søkeren har behov for varige og omfattende heldøgns helse- og omsorgstjenester",
            "søkeren har ikke behov for varige og omfattende heldøgns helse- og omsorgstjenester",
            "om søkeren har behov for varige og omfattende heldøgns helse- og omsorgstjenester",
        )),
    ),
    _soker(
        "S-6.4-korttidsleilighet-to-kriterier", {Tjeneste.KORTTIDSLEILIGHET}, KUN_S, "S §6.4", _KL_HJEMMEL,
        "Søkeren må oppfylle 2 eller flere av kriteriene: prøvebo senterleilighet; nåværende bolig ikke egnet; "
        "midlertidig opphold etter sykehus; akutt skade i egen bolig; avlastning.",
        korttidsleilighet_to_kriterier,
    ),
    _soker(
        "S-6.4-korttidsleilighet-periode", {Tjeneste.KORTTIDSLEILIGHET}, KUN_S, "S §6.4", _KL_HJEMMEL,
        "Korttidsleilighet gis for en periode, og lengden må være oppgitt.",
        korttidsleilighet_periode,
    ),
    _soker(
        "S-6.2-senterleilighet-bosituasjon", {Tjeneste.SENTERLEILIGHET}, KUN_S, "S §6.2", _BOLIG_S_HJEMMEL,
        "Søkeren må ha en uhensiktsmessig bosituasjon eller være sosialt isolert.",
        senterleilighet_bosituasjon,
    ),
    _soker(
        "S-6.2-senterleilighet-forebygge", {Tjeneste.SENTERLEILIGHET}, KUN_S, "S §6.2", _BOLIG_S_HJEMMEL,
        "Søkeren må ha et særskilt behov for leilighet i bo- og servicesenter for å forebygge ytterligere "
        "funksjonssvikt, øke egenmestringen eller utsette innleggelse i institusjon.",
        alle(Krav(
            "soknad.bolig.forebygge_funksjonsfall",
            "søkeren har særskilt behov for senterleilighet for å forebygge funksjonssvikt og utsette institusjon",
            "søkeren har ikke særskilt behov for senterleilighet for å forebygge funksjonssvikt",
            "om søkeren har særskilt behov for senterleilighet for å forebygge funksjonssvikt",
        )),
    ),
    # Unit-level rules
    _enhet("ST-4.22-3.17", Tjeneste.LANGTID, BEGGE, "S §4.22, T §3.17", _LANGTID_HJEMMEL),
    Regel(
        "T-3.17-skjermet-enhet", frozenset({Tjeneste.LANGTID}), frozenset({Plasstype.LANGTID_SKJERMET}), KUN_T,
        "T §3.17", _LANGTID_HJEMMEL, _SKJERMET_TEKST, skjermet_enhet,
    ),
    Regel(
        "S-4.22-skjermet-enhet", frozenset({Tjeneste.LANGTID}), frozenset({Plasstype.LANGTID_SKJERMET}), KUN_S,
        "S §4.22", _LANGTID_HJEMMEL,
        "Tilrettelagte plasser er for personer med kognitiv svikt.",
        skjermet_kognitiv_svikt,
    ),
    _enhet("ST-4.21-3.18", Tjeneste.KORTTID, BEGGE, "S §4.21, T §3.18", _KORTTID_HJEMMEL_ST),
    _enhet("ST-5.3-3.8.2", Tjeneste.AVLASTNING, BEGGE, "S §5.3, T §3.8.2", _AVLASTNING_HJEMMEL),
    _enhet("S-4.20", Tjeneste.AKUTT, KUN_S, "S §4.20", _OHD_HJEMMEL, "ohd"),
    _enhet("T-3.19", Tjeneste.AKUTT, KUN_T, "T §3.19", _KOH_HJEMMEL, "koh"),
    _enhet("T-3.14", Tjeneste.HDO, KUN_T, "T §3.14", _HDO_HJEMMEL),
    _enhet("T-3.14", Tjeneste.HDOU, KUN_T, "T §3.14", _HDO_HJEMMEL),
    _enhet("T-3.15", Tjeneste.TRYGGHETSBOLIG, KUN_T, "T §3.15", _TRYGGHET_HJEMMEL),
    _enhet("T-3.16", Tjeneste.OMSORGSBOLIG_PSYKISK, KUN_T, "T §3.16", _HDO_HJEMMEL),
    _enhet("S-6.3", Tjeneste.TILRETTELAGT_BOLIG, KUN_S, "S §6.3", _BOLIG_S_HJEMMEL),
    _enhet("S-6.4", Tjeneste.KORTTIDSLEILIGHET, KUN_S, "S §6.4", _KL_HJEMMEL),
    _enhet("S-6.2", Tjeneste.SENTERLEILIGHET, KUN_S, "S §6.2", _BOLIG_S_HJEMMEL),
)
# fmt: on

assert len({r.id for r in REGLER}) == len(REGLER), "regel-id-er må være unike"


# --- Evaluation -------------------------------------------------------------------------------------------------------


def regler_for(profil: Regelprofil, tjeneste: Tjeneste) -> list[Regel]:
    """The rules the profile lists that govern a service, søker-level and unit-level, in table order."""
    return list(_regler_for(profil.regler, tjeneste))


@functools.lru_cache(maxsize=256)
def _regler_for(regel_ider: tuple[str, ...], tjeneste: Tjeneste) -> tuple[Regel, ...]:
    valgt = set(regel_ider)
    return tuple(r for r in REGLER if r.id in valgt and tjeneste in r.tjenester)


def profilfeil(profil: Regelprofil) -> list[str]:
    """What is wrong with a profile's rule list, in bokmål: rule ids the engine does not know, and place types the
    profile offers with no unit-level rule (a søker could then never be placed there)."""
    kjente = {r.id: r for r in REGLER}
    feil = [f"regelprofilen «{profil.id}» nevner en ukjent regel «{rid}»" for rid in profil.regler if rid not in kjente]
    if len(set(profil.regler)) != len(profil.regler):
        feil.append(f"regelprofilen «{profil.id}» nevner samme regel flere ganger")
    enhetsregler = [kjente[rid] for rid in profil.regler if rid in kjente and kjente[rid].plasstyper is not None]
    for pt in profil.plasstyper:
        if not any(pt in (r.plasstyper or ()) for r in enhetsregler):
            feil.append(f"regelprofilen «{profil.id}» tilbyr {navn_nb(pt)}, men har ingen regel for den plasstypen")
    return feil


def seksjon_for(seksjon: str, profil: Regelprofil) -> str:
    """The part of a shared rule's section that belongs to the profile's own document («S §4.22, T §3.17» →
    «T §3.17» in Tvedestrand): a decision cites only its own municipality's document. A profile whose document
    has no section for the rule (the template ``mal``) cites none: the legal basis carries it."""
    deler = [d.strip() for d in seksjon.split(",")]
    return ", ".join(d for d in deler if profil.forkortelse and d.startswith(profil.forkortelse + " §"))


def hjemmel_for(lovhjemmel: str, profil: Regelprofil) -> str:
    """The legal basis of a rule in the profile's own words (shared rules may differ per document)."""
    egen = _HJEMMEL_PER_PROFIL.get(lovhjemmel, {}).get(profil.forkortelse)
    if egen is not None:
        return egen
    # A section note of another document («(S §7)») is never cited in this profile's decisions.
    return _ANNET_DOKUMENT.sub(lambda m: "" if m.group(1) != profil.forkortelse else m.group(0), lovhjemmel)


_ANNET_DOKUMENT = re.compile(r"\s*\(([A-ZÆØÅ]) §[^)]*\)")


def _utfall(regel: Regel, vurdert: Vurdert, profil: Regelprofil, enhet_id: str | None = None) -> Regelutfall:
    return Regelutfall(
        regel.id,
        vurdert.status,
        seksjon_for(regel.seksjon, profil),
        hjemmel_for(regel.lovhjemmel, profil),
        vurdert.tekst_nb,
        vurdert.mangler_felt,
        enhet_id,
        aktuell=vurdert.aktuell,
    )


def _tilbys(profil: Regelprofil, tjeneste: Tjeneste) -> bool:
    return bool(regler_for(profil, tjeneste)) and bool(plasstyper_for(tjeneste, profil) & set(profil.plasstyper))


def vurder_soker(soker: Soker, sak: Sak) -> list[Regelutfall]:
    """Søker-level outcomes for the service applied for."""
    profil = sak.profil
    tjeneste = soker.soknad.tjeneste
    if not _tilbys(profil, tjeneste):
        return [
            Regelutfall(
                "tjeneste-tilbys-ikke",
                Status.IKKE_OPPFYLT,
                profil.kilde,
                "",
                f"Ikke oppfylt: {navn_nb(tjeneste)} tilbys ikke i denne kommunen.",
            )
        ]
    return [_utfall(r, r.sjekk(soker, sak), profil) for r in regler_for(profil, tjeneste) if not r.enhetsniva]


def vurder_enhet(soker: Soker, enhet: Enhet, sak: Sak) -> list[Regelutfall]:
    """Unit-level outcomes for one unit. A unit no rule makes relevant is never eligible."""
    tjeneste = soker.soknad.tjeneste
    regler = [
        r for r in regler_for(sak.profil, tjeneste) if r.plasstyper is not None and enhet.plasstype in r.plasstyper
    ]
    if not regler:
        return [
            Regelutfall(
                "enhet-ikke-aktuell",
                Status.IKKE_OPPFYLT,
                sak.profil.kilde,
                "",
                f"Ikke oppfylt: «{enhet.navn}» ({navn_nb(enhet.plasstype)}) gir ikke {navn_nb(tjeneste)} i denne "
                "kommunen.",
                enhet_id=enhet.id,
            )
        ]
    return [_utfall(r, r.sjekk(soker, enhet, sak), sak.profil, enhet.id) for r in regler]


def beregn_lengde(soker: Soker, profil: Regelprofil) -> int | None:
    """Length of stay the engine must use; None = open-ended (langtid, bolig) or a rolling pattern (avlastning).

    For a søker who is not kvalifisert the value is informative only (korttid may then be 0)."""
    soknad = soker.soknad
    if soknad.korttid is not None:
        lengde = soknad.korttid.lengde_dogn
        if profil.korttid_maks_dogn_per_aar is not None and profil.korttid_hard_grense:
            brukt = soknad.korttid.dogn_brukt_i_aar or 0
            lengde = min(lengde, max(0, profil.korttid_maks_dogn_per_aar - brukt))
        if profil.korttid_maks_dogn_uten_vedtak is not None and not soknad.korttid.vedtak_fattet:
            lengde = min(lengde, profil.korttid_maks_dogn_uten_vedtak)
        return lengde
    if soknad.akutt is not None:
        return soknad.akutt.lengde_dogn  # «normalt 1–3 døgn» is normal, not a maximum (S §4.20, T §3.19)
    if soknad.tjeneste is Tjeneste.KORTTIDSLEILIGHET and soknad.bolig is not None:
        return soknad.bolig.lengde_dogn
    return None


def _samlet(utfall: Sequence[Regelutfall]) -> Utfall:
    if any(u.status is Status.IKKE_OPPFYLT for u in utfall):
        return Utfall.IKKE_KVALIFISERT
    if any(u.status is Status.MANGLER for u in utfall):
        return Utfall.MANGLER_OPPLYSNINGER
    return Utfall.KVALIFISERT


def kvalifiser(soker: Soker, sak: Sak) -> Kvalifisering:
    """All rule outcomes for one søker and the units the søker may be placed in.

    The rules read the søker, the rule profile and the id, name and place type of the
    family's units — nothing else of the case (not the date, not other søkere). So the result
    is kept for the same (immutable) søker object, profile object and unit list: the weekly
    simulator meets the same søker on the waiting list week after week. See ``_KVAL_CACHE``."""
    familie = soker.soknad.tjeneste.familie
    profil = sak.profil
    signatur = _enhetssignatur(sak, familie)
    nokkel = (id(soker), id(profil), signatur)
    treff = _KVAL_CACHE.get(nokkel)
    if treff is not None and treff[0] is soker and treff[1] is profil:
        return treff[2]
    kv = _kvalifiser(soker, sak)
    if len(_KVAL_CACHE) >= _KVAL_CACHE_MAKS:
        _KVAL_CACHE.clear()
    _KVAL_CACHE[nokkel] = (soker, profil, kv)
    return kv


_Enhetssignatur = tuple[tuple[str, str, Plasstype], ...]
_KVAL_CACHE: dict[tuple[int, int, _Enhetssignatur], tuple[Soker, Regelprofil, Kvalifisering]] = {}
"""Eligibility per (søker object, profile object, family's units). The entry keeps the søker
and profile alive and is checked by identity, so a reused ``id()`` can never hit. Søker,
profile and Kvalifisering are immutable (frozen), so sharing a result is safe."""
_KVAL_CACHE_MAKS = 5_000
"""Entries kept before the cache is emptied: a result with its rule texts is some kilobytes, so
this bounds the memory of a long-lived worker (API jobs) to tens of MB, while a simulated waiting
list (tens to a few hundred søkere) stays warm."""


def _kvalifiser(soker: Soker, sak: Sak) -> Kvalifisering:
    soker_utfall = vurder_soker(soker, sak)
    familie = soker.soknad.tjeneste.familie
    enhet_utfall: list[Regelutfall] = []
    aktuelle: list[str] = []
    # Unit-level rules look at the unit's place type only, so each place type present is
    # evaluated once (on its first unit) and recorded once, for every unit of that type.
    godkjent: dict[Plasstype, bool] = {}
    for enhet in _familiens_enheter(sak, familie):
        if enhet.plasstype not in godkjent:
            utfall = vurder_enhet(soker, enhet, sak)
            godkjent[enhet.plasstype] = all(u.status is Status.OPPFYLT for u in utfall)
            enhet_utfall.extend(dataclasses.replace(u, enhet_id=None, plasstype=enhet.plasstype.value) for u in utfall)
        if godkjent[enhet.plasstype]:
            aktuelle.append(enhet.id)
    samlet = Utfall.TAKKET_NEI if soker.takket_nei else _samlet(soker_utfall)
    return Kvalifisering(
        soker_id=soker.id,
        utfall=samlet,
        regelutfall=(*soker_utfall, *enhet_utfall),
        enheter=tuple(aktuelle) if samlet is Utfall.KVALIFISERT else (),
        lengde_dogn=beregn_lengde(soker, sak.profil),
    )


def _familiens_enheter(sak: Sak, familie: Familie) -> list[Enhet]:
    """The units of one family sorted by id (cached per case object)."""
    return _enhetsindeks(sak)[0].get(familie, [])


def _enhetssignatur(sak: Sak, familie: Familie) -> tuple[tuple[str, str, Plasstype], ...]:
    """What the rules read of a family's units: id, name and place type (cached per case)."""
    return _enhetsindeks(sak)[1].get(familie, ())


def _enhetsindeks(
    sak: Sak,
) -> tuple[dict[Familie, list[Enhet]], dict[Familie, tuple[tuple[str, str, Plasstype], ...]]]:
    cache = _ENHET_CACHE.get(id(sak))
    if cache is None or cache[0] is not sak:
        per: dict[Familie, list[Enhet]] = {}
        for e in sorted(sak.enheter, key=lambda e: e.id):
            per.setdefault(e.plasstype.familie, []).append(e)
        sig = {f: tuple((e.id, e.navn, e.plasstype) for e in es) for f, es in per.items()}
        cache = (sak, per, sig)
        _ENHET_CACHE.clear()
        _ENHET_CACHE[id(sak)] = cache
    return cache[1], cache[2]


_ENHET_CACHE: dict[
    int, tuple[Sak, dict[Familie, list[Enhet]], dict[Familie, tuple[tuple[str, str, Plasstype], ...]]]
] = {}


@dataclass(frozen=True)
class _Regelgrunnlag:
    """What the rules read of a case besides the søker and the unit: the profile and the start date."""

    profil: Regelprofil
    startdato: date


def kvalifisert_for(
    soker: Soker, profil: Regelprofil, plasstype: Plasstype | None = None, startdato: date | None = None
) -> bool | None:
    """One source of eligibility for the generator and the simulator: the real rules of ``profil`` for the søker,
    as True (kvalifisert), False (ikke kvalifisert) or None (mangler opplysninger). With ``plasstype`` the
    unit-level rules of a unit of that place type must pass as well (False when the place type does not serve the
    service). ``startdato`` is the case's start (the calendar year of the korttid rate; default: today)."""
    grunnlag = cast(Sak, _Regelgrunnlag(profil, startdato or date.today()))
    utfall = vurder_soker(soker, grunnlag)
    if plasstype is not None and _samlet(utfall) is Utfall.KVALIFISERT:
        enhet = Enhet(
            id="regelsjekk", institusjon_id="regelsjekk", navn=plasstype.value, plasstype=plasstype, kapasitet=1
        )
        if enhet.plasstype.familie is not soker.soknad.tjeneste.familie:
            return False
        enhetsutfall = vurder_enhet(soker, enhet, grunnlag)
        if any(u.status is Status.IKKE_OPPFYLT for u in enhetsutfall):
            return False
        if any(u.status is Status.MANGLER for u in enhetsutfall):
            return None
    samlet = _samlet(utfall)
    return {Utfall.KVALIFISERT: True, Utfall.IKKE_KVALIFISERT: False}.get(samlet)


def kvalifiser_alle(sak: Sak) -> dict[str, Kvalifisering]:
    """``kvalifiser`` for every søker, keyed by søker id in sorted order."""
    return {s.id: kvalifiser(s, sak) for s in sorted(sak.sokere, key=lambda s: s.id)}
