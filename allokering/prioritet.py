"""Priority by nytte, ressurs, alvorlighet and mestring (Meld. St. 38 (2020–2021), T §2.1–2.3, T §2.6).

Helsedirektoratet gives no numeric scale, so the ordinal scales below and the weights in
``modeller.regelprofil.Vekter`` are *our* modelling choice, configurable per kommune and
printed with every run.

Each component is 1–5. A value set by a saksbehandler in ``soker.vurdering`` is used as it is;
otherwise it is derived by this documented formula:

* **alvorlighet** — need level from IPLOS: the mean of the scored variables (1–5, 9 left out)
  rounded down, at least 1 (no IPLOS: 3). Urgency raises it by one step, at most 5: acute
  request (ØHD/KØH, not the UKP route), utskrivningsklar pasient (UKP) in hospital, lindrende
  care, or «ikke forsvarlig hjemme i ventetiden» for langtid ("graden av alvorlighet øker jo mer
  det haster", T §2.3).
* **nytte** — 3, raised to 4 for lindrende care, rehabilitering with motivation, langtid with
  dementia and behaviour needing skjerming, and acute treatment (T §2.1).
* **ressurs** — 5 means the measure takes few resources (T §2.2): 3 by default; 4 for stays of
  at most 14 døgn (akutt, short korttid); 2 for avlastning over 14 døgn per period.
* **mestring** — 3, raised to 4 for rehabilitering and hverdagsrehabilitering goals (T §2.6).

Priority points: P = nytte·w_n + ressurs·w_r + alvorlighet·w_a + mestring·w_m + UKP·w_ukp.
Waiting time is only a tie-break: the weighted part is v = 10·P + min(waiting months, 9) ·
[w_tiebreak > 0].

How the parts combine is data in the rule profile (``Regelprofil.prioritering``), per place
family, and printed with every run:

* **vektet** — total = v.
* **leksikografisk** — the profile's «forrang» levels decide first, in order, and v only breaks
  ties: total = key · V + v, where key is the levels read as one mixed-radix number and
  V = 10·(P_max + 1) > every possible v. So a søker with a higher first level always has a higher
  total than one with a lower, whatever their points, UKP status or waiting time. The levels:

  - **hjelpebehov** (T §3.17 Merknader: «det vil alltid være den pasienten med det høyeste
    hjelpebehovet som vil bli prioritert ved ledig kapasitet, uavhengig ventetid»): set by the
    saksbehandler (``vurdering.hjelpebehov``) or the IPLOS need level — the mean of the scored
    variables rounded down, 1–5, *without* the urgency step of alvorlighet (being utskrivningsklar
    is not more need; no IPLOS: 3). Tvedestrand uses it for langtid.
  - **akutt_foran_ukp** (T §3.19: «Det er en forutsetning at det er ledig kapasitet på KØH»):
    1 for an acute request admitted by a doctor, 0 for a UKP placed by the tildelingskontor, so
    a UKP only gets an ØHD/KØH bed no acute request in the case needs. Both profiles use it.
A placement of søker i starting on day s of a horizon of H days is worth total_i · (2H − s) in
level 1 of the objective: higher priority always wins a place both could take, and earlier is
better for everyone (which is where the UKP day fee counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from modeller.kodeverk import Innleggende, Korttidsformal, Oppholdssted, Tjeneste
from modeller.regelprofil import Forrang, Kombinasjon, Prioriteringsregel, Vekter
from modeller.sak import Sak
from modeller.soker import Soker

TIEBREAK_FAKTOR = 10


@dataclass(frozen=True)
class Komponent:
    verdi: int
    kilde: str  # "saksbehandler" | "avledet"
    begrunnelse: str


@dataclass(frozen=True)
class Prioritet:
    """The priority of one søker, with each component and where it came from."""

    soker_id: str
    nytte: Komponent
    ressurs: Komponent
    alvorlighet: Komponent
    mestring: Komponent
    ukp: bool
    ventedager: int
    poeng: int  # P
    total: int  # the combined priority (see the module docstring)
    hjelpebehov: Komponent = Komponent(3, "avledet", "")
    kombinasjon: Kombinasjon = Kombinasjon.VEKTET
    forrang: tuple[tuple[Forrang, int], ...] = ()  # the lexicographic levels and their values, in order

    @property
    def nokkel(self) -> tuple[int, ...]:
        """The values of the lexicographic levels (empty when the family uses a weighted sum)."""
        return tuple(v for _, v in self.forrang)

    def som_dict(self) -> dict[str, object]:
        return {
            "nytte": self.nytte.verdi,
            "ressurs": self.ressurs.verdi,
            "alvorlighet": self.alvorlighet.verdi,
            "mestring": self.mestring.verdi,
            "kilder": {
                "nytte": self.nytte.kilde,
                "ressurs": self.ressurs.kilde,
                "alvorlighet": self.alvorlighet.kilde,
                "mestring": self.mestring.kilde,
            },
            "hjelpebehov": self.hjelpebehov.verdi,
            "ukp": self.ukp,
            "ventedager": self.ventedager,
            "kombinasjon": self.kombinasjon.value,
            "forrang": [{"nivaa": f.value, "verdi": v} for f, v in self.forrang],
            "poeng": self.poeng,
            "total": self.total,
        }


def _er_akutt_egentlig(s: Soker) -> bool:
    a = s.soknad.akutt
    return s.soknad.tjeneste == Tjeneste.AKUTT and a is not None and a.innleggende != Innleggende.TILDELINGSKONTORET


def _alvorlighet(s: Soker) -> Komponent:
    if s.vurdering.alvorlighet is not None:
        return Komponent(s.vurdering.alvorlighet, "saksbehandler", "satt av saksbehandler")
    skarer = s.iplos.skarer()
    if skarer:
        snitt = sum(skarer.values()) / len(skarer)
        grunn = max(1, min(5, int(snitt)))
        tekst = f"IPLOS-snitt {snitt:.1f}".replace(".", ",")
    else:
        grunn, tekst = 3, "ingen IPLOS-skår, satt til middels"
    haster = []
    if _er_akutt_egentlig(s):
        haster.append("akutt behov")
    if s.oppholdssted == Oppholdssted.SYKEHUS_UKP:
        haster.append("utskrivningsklar på sykehus")
    if s.diagnoser.lindrende:
        haster.append("lindrende behandling")
    if s.soknad.langtid is not None and s.soknad.langtid.forsvarlig_hjemme_i_ventetiden is False:
        haster.append("ikke forsvarlig hjemme i ventetiden")
    verdi = min(5, grunn + (1 if haster else 0))
    if haster:
        tekst += "; hastegrad: " + ", ".join(haster)
    return Komponent(verdi, "avledet", tekst)


def hjelpebehov(s: Soker) -> Komponent:
    """The søker's need level (T §3.17): the saksbehandler's value, else the IPLOS mean rounded
    down (1–5), else 3. Unlike alvorlighet it has no urgency step."""
    if s.vurdering.hjelpebehov is not None:
        return Komponent(s.vurdering.hjelpebehov, "saksbehandler", "satt av saksbehandler")
    skarer = s.iplos.skarer()
    if not skarer:
        return Komponent(3, "avledet", "ingen IPLOS-skår, satt til middels")
    snitt = sum(skarer.values()) / len(skarer)
    return Komponent(max(1, min(5, int(snitt))), "avledet", f"IPLOS-snitt {snitt:.1f}".replace(".", ","))


def er_akutt_innleggelse(s: Soker) -> bool:
    """An acute request admitted by a doctor (not a UKP placed by the tildelingskontor)."""
    return _er_akutt_egentlig(s)


def _nytte(s: Soker) -> Komponent:
    if s.vurdering.nytte is not None:
        return Komponent(s.vurdering.nytte, "saksbehandler", "satt av saksbehandler")
    k = s.soknad.korttid
    if s.diagnoser.lindrende:
        return Komponent(4, "avledet", "lindrende omsorg")
    if k is not None and k.formal == Korttidsformal.REHABILITERING and k.motivert_for_rehabilitering:
        return Komponent(4, "avledet", "motivert for rehabilitering")
    if s.soknad.tjeneste == Tjeneste.LANGTID and s.diagnoser.demens and s.diagnoser.atferd_som_krever_skjerming:
        return Komponent(4, "avledet", "demens med behov for skjermet miljø")
    if _er_akutt_egentlig(s):
        return Komponent(4, "avledet", "akutt behandling som alternativ til sykehus")
    return Komponent(3, "avledet", "middels forventet nytte")


def _lengde(s: Soker) -> int | None:
    sk = s.soknad
    if sk.akutt is not None:
        return sk.akutt.lengde_dogn
    if sk.korttid is not None:
        return sk.korttid.lengde_dogn
    if sk.avlastning is not None:
        return sk.avlastning.dager
    if sk.bolig is not None:
        return sk.bolig.lengde_dogn
    return None


def _ressurs(s: Soker) -> Komponent:
    if s.vurdering.ressurs is not None:
        return Komponent(s.vurdering.ressurs, "saksbehandler", "satt av saksbehandler")
    lengde = _lengde(s)
    if s.soknad.avlastning is not None and s.soknad.avlastning.dager > 14:
        return Komponent(2, "avledet", f"avlastning {s.soknad.avlastning.dager} døgn per periode")
    if lengde is not None and lengde <= 14:
        return Komponent(4, "avledet", f"kort opphold ({lengde} døgn)")
    return Komponent(3, "avledet", "middels ressursbruk")


def _mestring(s: Soker) -> Komponent:
    if s.vurdering.mestring is not None:
        return Komponent(s.vurdering.mestring, "saksbehandler", "satt av saksbehandler")
    k = s.soknad.korttid
    if k is not None and k.formal == Korttidsformal.REHABILITERING:
        return Komponent(4, "avledet", "rehabilitering mot økt mestring")
    return Komponent(3, "avledet", "middels")


_SPENN = {Forrang.HJELPEBEHOV: 5, Forrang.AKUTT_FORAN_UKP: 2}
"""Number of values of each lexicographic level (hjelpebehov 1–5 as 0–4; akutt 0/1)."""


def maks_poeng(vekter: Vekter) -> int:
    """The largest P the weights allow (every component 5, and UKP)."""
    return 5 * (vekter.nytte + vekter.ressurs + vekter.alvorlighet + vekter.mestring) + vekter.ukp_per_dogn_kostnad


def _forrangsverdi(f: Forrang, s: Soker, hb: Komponent) -> int:
    if f == Forrang.HJELPEBEHOV:
        return hb.verdi
    return 1 if _er_akutt_egentlig(s) else 0


def prioriter(s: Soker, vekter: Vekter, startdato: date, regel: Prioriteringsregel | None = None) -> Prioritet:
    """Priority of one søker (see the module docstring for the formula). ``regel`` is the
    profile's combination rule for the søker's place family (None: weighted sum)."""
    n, r, a, m, ukp, poeng = _poeng(s, vekter)
    ventedager = max(0, (startdato - s.soknad.soknadsdato).days)
    tiebreak = min(ventedager // 30, TIEBREAK_FAKTOR - 1) if vekter.ventetid_tiebreak_maks > 0 else 0
    vektet = max(1, TIEBREAK_FAKTOR * poeng + tiebreak)
    hb = hjelpebehov(s)
    if regel is None or regel.kombinasjon == Kombinasjon.VEKTET:
        return Prioritet(s.id, n, r, a, m, ukp, ventedager, poeng, vektet, hb)
    forrang = tuple((f, _forrangsverdi(f, s, hb)) for f in regel.forrang)
    nokkel = 0
    for f, v in forrang:
        nokkel = nokkel * _SPENN[f] + (v - 1 if f == Forrang.HJELPEBEHOV else v)
    total = nokkel * TIEBREAK_FAKTOR * (maks_poeng(vekter) + 1) + vektet
    return Prioritet(s.id, n, r, a, m, ukp, ventedager, poeng, total, hb, Kombinasjon.LEKSIKOGRAFISK, forrang)


_Poeng = tuple["Komponent", "Komponent", "Komponent", "Komponent", bool, int]


def _poeng(s: Soker, vekter: Vekter) -> _Poeng:
    """Components and points P: they depend on the søker and the weights only, not on the date,
    so they are kept for the same (immutable) søker and weights objects (checked by identity)."""
    nokkel = (id(s), id(vekter))
    treff = _POENG_CACHE.get(nokkel)
    if treff is not None and treff[0] is s and treff[1] is vekter:
        return treff[2]
    n, r, a, m = _nytte(s), _ressurs(s), _alvorlighet(s), _mestring(s)
    ukp = s.oppholdssted == Oppholdssted.SYKEHUS_UKP
    poeng = (
        n.verdi * vekter.nytte
        + r.verdi * vekter.ressurs
        + a.verdi * vekter.alvorlighet
        + m.verdi * vekter.mestring
        + (vekter.ukp_per_dogn_kostnad if ukp else 0)
    )
    ut = (n, r, a, m, ukp, poeng)
    if len(_POENG_CACHE) >= 5_000:
        _POENG_CACHE.clear()
    _POENG_CACHE[nokkel] = (s, vekter, ut)
    return ut


_POENG_CACHE: dict[tuple[int, int], tuple[Soker, Vekter, _Poeng]] = {}


def prioriter_alle(sak: Sak) -> dict[str, Prioritet]:
    """Priority of every søker in the case, keyed by id."""
    profil = sak.profil
    v = profil.vekter
    regler = {r.familie: r for r in profil.prioritering}
    return {s.id: prioriter(s, v, sak.startdato, regler.get(s.soknad.tjeneste.familie)) for s in sak.sokere}


def placement_value(total: int, start: int, horisont: int) -> int:
    """Level-1 value of placing a søker with priority ``total`` from day ``start``."""
    return total * (2 * horisont - start)
