"""Independent validator: re-checks a result (the RESULT.json contract) against the case.

It shares no code with the model (``kandidater``/``modell``/``loser``): occupancy is recounted
from the case's stays and the result's assignments day by day, stay lengths and rolling
patterns are recomputed from the søknad, and eligibility is taken from the rules
(``allokering.regler``), which are the specification both sides answer to.

Checks: one place per søker; known units; the unit's place type matches the service and the
rules allow the unit; dates inside the horizon; stay length (akutt from day 0, korttid its
capped length, avlastning its pattern, langtid/bolig to the end of the horizon); capacity per
unit per day (a couple in one two-room flat uses one flat; a søker's released current stay
frees its place from the new start); two-room flats; locks; couples reported together really
are together; outcomes agree with assignments.

Priority rules that decide who gets a place, re-checked from the result by exchange (any
violation found here means a better solution exists, so a proven optimum never has one):

* acute first in ØHD/KØH (profile level «akutt_foran_ukp», T §3.19 / S §4.20): no UKP holds an
  acute bed while an eligible acute request for that unit is unplaced and would fit in the bed
  the UKP holds;
* highest need first in langtid (level «hjelpebehov», T §3.17): no søker with lower need holds a
  langtid place from day s while an unplaced, eligible søker with higher need could have had
  that same place from day s (same unit, neither locked, neither moving out of a current place).

These two are checked for families the result reports as proven optimal (``families[].status``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allokering.prioritet import er_akutt_innleggelse, hjelpebehov
from allokering.regler import Kvalifisering, Utfall, kvalifiser_alle
from modeller.kodeverk import Familie, Laastype, Plasstype, Romtype, Tjeneste
from modeller.regelprofil import Forrang
from modeller.sak import Sak


@dataclass(frozen=True)
class Brudd:
    """One violation found by the validator (bokmål message)."""

    kode: str
    melding: str

    def __str__(self) -> str:
        return f"[{self.kode}] {self.melding}"


_AAPEN = {Familie.LANGTID, Familie.BOLIG}


def _passer(tjeneste: Tjeneste, plasstype: Plasstype) -> bool:
    if tjeneste == Tjeneste.LANGTID:
        return plasstype in (Plasstype.LANGTID_SOMATISK, Plasstype.LANGTID_SKJERMET)
    if tjeneste == Tjeneste.AKUTT:
        return plasstype in (Plasstype.OHD, Plasstype.KOH)
    return tjeneste.value == plasstype.value


def valider(sak: Sak, resultat: dict[str, Any], kvalifisering: dict[str, Kvalifisering] | None = None) -> list[Brudd]:
    """Return every violation of the result against the case (empty list = valid).

    ``kvalifisering`` may be passed when the rules were already evaluated for this case (they
    are the specification, not the model's logic); otherwise they are evaluated here."""
    brudd: list[Brudd] = []
    h = sak.horisont_dager
    sokere = {s.id: s for s in sak.sokere}
    enheter = {e.id: e for e in sak.enheter}
    opphold = {o.id: o for o in sak.opphold}
    kval = kvalifisering if kvalifisering is not None else kvalifiser_alle(sak)
    tildelinger = resultat.get("assignments", [])

    sett: dict[str, dict[str, Any]] = {}
    for t in tildelinger:
        sid, uid = t["applicant_id"], t["unit_id"]
        if sid in sett:
            brudd.append(Brudd("EN_PLASS", f"søker {sid} er tildelt mer enn én plass"))
        sett[sid] = t
        s, e = sokere.get(sid), enheter.get(uid)
        if s is None or e is None:
            brudd.append(Brudd("UKJENT", f"tildeling {sid} → {uid} viser til ukjent søker eller enhet"))
            continue
        if not _passer(s.soknad.tjeneste, e.plasstype):
            brudd.append(Brudd("PLASSTYPE", f"{sid} søkte {s.soknad.tjeneste.value}, men fikk {e.plasstype.value}"))
        kv = kval[sid]
        if kv.utfall != Utfall.KVALIFISERT or uid not in kv.enheter:
            brudd.append(Brudd("REGEL", f"{sid} er ikke kvalifisert for enhet {uid} etter reglene"))
        perioder = [(p["start_day"], p["end_day"]) for p in t.get("periods", [])] or [(t["start_day"], t["end_day"])]
        for lo, hi in perioder:
            if not (0 <= lo <= hi < h):
                brudd.append(Brudd("HORISONT", f"{sid}: periode {lo}–{hi} ligger utenfor horisonten 0–{h - 1}"))
        fam = s.soknad.tjeneste.familie
        lo0 = perioder[0][0]
        if fam == Familie.AKUTT and lo0 != 0:
            brudd.append(Brudd("AKUTT", f"{sid}: akutt opphold må starte dag 0, startet dag {lo0}"))
        if fam == Familie.AVLASTNING and s.soknad.avlastning is not None:
            a = s.soknad.avlastning
            forventet = []
            st = lo0
            while st < h:
                forventet.append((st, min(h - 1, st + a.dager - 1)))
                st += a.periode
            if perioder != forventet:
                brudd.append(
                    Brudd("MONSTER", f"{sid}: avlastningsperiodene følger ikke mønsteret {a.dager}/{a.periode}")
                )
        elif kv.lengde_dogn is not None and fam != Familie.AVLASTNING:
            if perioder[0][1] != min(h - 1, lo0 + kv.lengde_dogn - 1):
                brudd.append(Brudd("LENGDE", f"{sid}: oppholdet skal vare {kv.lengde_dogn} døgn"))
        elif fam in _AAPEN and perioder[-1][1] != h - 1:
            brudd.append(Brudd("LENGDE", f"{sid}: varig plass skal vare ut horisonten"))

    # Capacity per unit per day, recounted from scratch.
    bruk: dict[str, list[int]] = {u: [0] * h for u in enheter}
    toroms: dict[str, list[int]] = {u: [0] * h for u in enheter}
    for o in sak.opphold:
        lo = max(0, sak.dag(o.start))
        hi = h - 1 if o.forventet_slutt is None else min(h - 1, sak.dag(o.forventet_slutt))
        for d in range(lo, hi + 1):
            bruk[o.enhet_id][d] += 1
            if o.romtype == Romtype.TOROMS:
                toroms[o.enhet_id][d] += 1
    grunnlag = {u: list(rad) for u, rad in bruk.items()}
    frigjort: dict[str, list[int]] = {u: [0] * h for u in enheter}  # current stays the placements end
    felles_teller: set[tuple[str, ...]] = set()
    for t in tildelinger:
        sid, uid = t["applicant_id"], t["unit_id"]
        if uid not in enheter or sid not in sokere:
            continue
        partner = t.get("shares_flat_with")
        nokkel = tuple(sorted([sid, partner])) if partner else (sid,)
        perioder = [(p["start_day"], p["end_day"]) for p in t.get("periods", [])] or [(t["start_day"], t["end_day"])]
        if nokkel not in felles_teller:
            felles_teller.add(nokkel)
            for lo, hi in perioder:
                for d in range(max(0, lo), min(h - 1, hi) + 1):
                    bruk[uid][d] += 1
                    if partner:
                        toroms[uid][d] += 1
        s = sokere[sid]
        if s.naverende_opphold_id is not None:
            o = opphold[s.naverende_opphold_id]
            hi = h - 1 if o.forventet_slutt is None else min(h - 1, sak.dag(o.forventet_slutt))
            for d in range(max(0, t["start_day"], sak.dag(o.start)), hi + 1):
                bruk[o.enhet_id][d] -= 1
                frigjort[o.enhet_id][d] += 1
    for u, rad in bruk.items():
        e = enheter[u]
        for d, n in enumerate(rad):
            # Stays already over capacity in the input are not the result's doing, but a new stay
            # on such a day needs room the released stays make: new ≤ max(0, free + released),
            # i.e. in use ≤ max(places, current stays − released).
            if n > e.kapasitet and n > grunnlag[u][d] - frigjort[u][d]:
                brudd.append(Brudd("KAPASITET", f"enhet {u} dag {d}: {n} i bruk av {e.kapasitet} plasser"))
                break
        for d, n in enumerate(toroms[u]):
            if n > e.toroms and any(t.get("shares_flat_with") for t in tildelinger if t["unit_id"] == u):
                brudd.append(Brudd("TOROMS", f"enhet {u} dag {d}: {n} toromsleiligheter i bruk av {e.toroms}"))
                break

    for t in tildelinger:
        partner = t.get("shares_flat_with")
        if partner:
            pt = sett.get(partner)
            s = sokere.get(t["applicant_id"])
            if pt is None or pt["unit_id"] != t["unit_id"] or pt["start_day"] != t["start_day"]:
                brudd.append(
                    Brudd("EKTEPAR", f"{t['applicant_id']} deler leilighet med {partner}, som ikke har samme plass")
                )
            elif s is None or s.ektefelle_id != partner:
                brudd.append(
                    Brudd("EKTEPAR", f"{t['applicant_id']} deler leilighet med {partner}, som ikke er ektefelle")
                )

    for laas in sak.laaser:
        t = sett.get(laas.soker_id)
        if laas.type == Laastype.TILDEL and (t is None or t["unit_id"] != laas.enhet_id):
            brudd.append(Brudd("LAAS", f"låsen {laas.soker_id} → {laas.enhet_id} er ikke oppfylt"))
        if laas.type == Laastype.IKKE_TILDEL and t is not None and laas.enhet_id in (None, t["unit_id"]):
            brudd.append(Brudd("LAAS", f"{laas.soker_id} er tildelt plass tross lås «ikke tildel»"))

    bevist = {f["family"] for f in resultat.get("families", []) if f.get("status") == "OPTIMAL"}
    brudd += _forrang(sak, kval, sett, bruk, bevist)

    utfall: dict[str, str] = {f["applicant_id"]: f["outcome"] for f in resultat.get("explanations", [])}
    for sid in sokere:
        ut = utfall.get(sid)
        if ut is None:
            brudd.append(Brudd("FORKLARING", f"søker {sid} mangler forklaring"))
        elif (ut == "tildelt") != (sid in sett):
            brudd.append(
                Brudd("UTFALL", f"søker {sid} har utfall «{ut}», men {'har' if sid in sett else 'har ikke'} plass")
            )
        elif ut in ("ikke_kvalifisert", "mangler_opplysninger") and ut != kval[sid].utfall.value:
            brudd.append(Brudd("UTFALL", f"søker {sid}: utfall «{ut}» stemmer ikke med reglene"))
    return brudd


def _forrang(
    sak: Sak,
    kval: dict[str, Kvalifisering],
    sett: dict[str, dict[str, Any]],
    bruk: dict[str, list[int]],
    bevist: set[str],
) -> list[Brudd]:
    """The lexicographic priority levels of the profile, re-checked by exchange (module docstring). Only families
    the result reports as proven optimal are checked: a solve stopped by its time limit may still hold an
    exchange that improves it, which its status already says."""
    brudd: list[Brudd] = []
    h = sak.horisont_dager
    enheter = {e.id: e for e in sak.enheter}
    laast = {x.soker_id for x in sak.laaser}
    forrang = {r.familie: r.forrang for r in sak.profil.prioritering}

    def ledig_kandidat(s_id: str, familie: Familie) -> bool:
        kv = kval.get(s_id)
        return kv is not None and kv.utfall == Utfall.KVALIFISERT and s_id not in sett and s_id not in laast

    sokere = sorted(sak.sokere, key=lambda s: s.id)
    if Forrang.AKUTT_FORAN_UKP in forrang.get(Familie.AKUTT, ()) and Familie.AKUTT.value in bevist:
        akutte = [s for s in sokere if s.soknad.tjeneste == Tjeneste.AKUTT]
        ventende = [s for s in akutte if er_akutt_innleggelse(s) and ledig_kandidat(s.id, Familie.AKUTT)]
        for ukp in akutte:
            t = sett.get(ukp.id)
            if t is None or er_akutt_innleggelse(ukp) or ukp.id in laast:
                continue
            u = t["unit_id"]
            if u not in enheter:
                continue
            kap = enheter[u].kapasitet
            ukp_dager = set(range(max(0, t["start_day"]), min(h - 1, t["end_day"]) + 1))
            for a in ventende:
                if u not in kval[a.id].enheter or a.soknad.akutt is None:
                    continue
                lengde = kval[a.id].lengde_dogn or a.soknad.akutt.lengde_dogn
                dager = range(0, min(h, lengde))
                if all(bruk[u][d] - (1 if d in ukp_dager else 0) + 1 <= kap for d in dager):
                    brudd.append(
                        Brudd(
                            "AKUTT_FORRANG",
                            f"utskrivningsklar pasient {ukp.id} har akuttplass på {u} mens akutt innleggelse "
                            f"{a.id} som kunne brukt plassen, står uten",
                        )
                    )
                    break
    if Forrang.HJELPEBEHOV in forrang.get(Familie.LANGTID, ()) and Familie.LANGTID.value in bevist:
        langtid = [s for s in sokere if s.soknad.tjeneste == Tjeneste.LANGTID]
        behov = {s.id: hjelpebehov(s).verdi for s in langtid}
        flytter = {s.id for s in langtid if s.naverende_opphold_id is not None}
        ventende = [s for s in langtid if ledig_kandidat(s.id, Familie.LANGTID) and s.id not in flytter]
        for lav in langtid:
            t = sett.get(lav.id)
            if t is None or lav.id in laast or lav.id in flytter or t.get("shares_flat_with"):
                continue
            u = t["unit_id"]
            for hoy in ventende:
                if behov[hoy.id] > behov[lav.id] and u in kval[hoy.id].enheter:
                    brudd.append(
                        Brudd(
                            "HJELPEBEHOV",
                            f"{lav.id} (hjelpebehov {behov[lav.id]}) har langtidsplass på {u}, mens {hoy.id} "
                            f"(hjelpebehov {behov[hoy.id]}) som kunne fått samme plass, står på venteliste",
                        )
                    )
                    break
    return brudd
