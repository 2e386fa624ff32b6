"""Explanations and the RESULT.json contract: data first, then bokmål text.

For every søker: outcome (tildelt / venteliste / ikke_kvalifisert / mangler_opplysninger),
place and dates, each rule with status, seed section and lovhjemmel, the priority components,
and for those left waiting: which placed søkere took the places they were eligible for (with
their priority) and a counterfactual («kunne fått plass ved én ekstra plass på enhet X», or the
priority that would have sufficed). The ``text_nb`` is written to be pasted into a vedtak's
reasoning. See docs/resultatformat.md for the schema.
"""

from __future__ import annotations

import hashlib
import heapq
import re
from collections import defaultdict
from datetime import date
from typing import Any

from allokering import __version__
from allokering.kandidater import avlastningsperioder
from allokering.loser import Losning
from allokering.prioritet import Prioritet
from allokering.regler import Kvalifisering, Status, Utfall
from allokering.resultatformat import RESULTATFORMAT, Resultat, Tildeling
from modeller.kodeverk import Akutttype, Familie, Plasstype, Tjeneste, navn_nb
from modeller.lasting import sak_til_json
from modeller.regelprofil import Forrang, Regelprofil
from modeller.soker import Soker

TJENESTE_NB = {
    Tjeneste.LANGTID: "langtidsopphold i institusjon",
    Tjeneste.KORTTID: "korttidsopphold",
    Tjeneste.AVLASTNING: "avlastningsopphold",
    Tjeneste.AKUTT: "øyeblikkelig hjelp døgnopphold",
    Tjeneste.HDO: "heldøgns omsorgsbolig",
    Tjeneste.HDOU: "heldøgns omsorgsbolig (HDOU)",
    Tjeneste.OMSORGSBOLIG_PSYKISK: "omsorgsbolig psykisk helse og livsmestring",
    Tjeneste.TRYGGHETSBOLIG: "trygghetsbolig",
    Tjeneste.TILRETTELAGT_BOLIG: "tilrettelagt bolig",
    Tjeneste.KORTTIDSLEILIGHET: "korttidsleilighet",
    Tjeneste.SENTERLEILIGHET: "senterleilighet",
}


def sak_hash(losning: Losning) -> str:
    """SHA-256 of the canonical case JSON (the input snapshot of a run)."""
    return hashlib.sha256(sak_til_json(losning.sak).encode("utf-8")).hexdigest()


def _dato(d: date) -> str:
    return d.strftime("%d.%m.%Y")


def _regel_dict(r: Any) -> dict[str, Any]:
    return {
        "rule_id": r.regel_id,
        "status": r.status.value,
        "section": r.seksjon,
        "legal_basis": r.lovhjemmel,
        "place_type": r.plasstype,
        "missing_fields": list(r.mangler_felt),
        "applies": r.aktuell,
        "text_nb": r.tekst_nb,
    }


_LOVNAVN = (
    (re.compile(r"\bpbrl\b"), "pasient- og brukerrettighetsloven"),
    (re.compile(r"\bhol\b"), "helse- og omsorgstjenesteloven"),
    (re.compile(r"\bfvl\b"), "forvaltningsloven"),
    (re.compile(r"\bkap\. 4A\b"), "kapittel 4A"),
    (re.compile(r"\bkommunal forskrift\b"), "kommunens forskrift om tildeling av langtidsopphold i institusjon"),
)


def lov_fullt(tekst: str) -> str:
    """Legal references written out in full («hol § 3-2 a» → «helse- og omsorgstjenesteloven § 3-2 a»)."""
    for monster, fullt in _LOVNAVN:
        tekst = monster.sub(fullt, tekst)
    return tekst


def _punkt(seksjon: str, profil: Regelprofil) -> str:
    """The profile's own sections of a rule as «punkt 4.22» (never another municipality's document)."""
    deler = [d.strip() for d in seksjon.split(",")]
    nr = [d.split("§", 1)[1].strip() for d in deler if profil.forkortelse and d.startswith(profil.forkortelse + " §")]
    return "punkt " + " og ".join(nr) if nr else ""


def _setning(r: Any, profil: Regelprofil) -> str:
    """A rule outcome as a sentence citing the section of the municipality's own document (the legal basis is
    written once, at the end of the text: ``_grunnlag``)."""
    tekst = r.tekst_nb
    for prefiks in ("Oppfylt: ", "Ikke oppfylt: ", "Mangler opplysninger: "):
        tekst = tekst.removeprefix(prefiks)
    tekst = tekst.rstrip(". ")
    tekst = tekst[:1].upper() + tekst[1:]
    punkt = _punkt(r.seksjon, profil)
    return f"{tekst} ({punkt})." if punkt else f"{tekst}."


def _grunnlag(regler: Any, profil: Regelprofil, hva: str = "Vedtaket") -> str:
    """«Vedtaket bygger på …»: the municipality's document and each legal basis once, in full."""
    hjemler: list[str] = []
    ikke_lovpalagt = False
    for r in regler:
        for del_ in (d.strip() for d in lov_fullt(r.lovhjemmel).split(";")):
            if del_.startswith("ikke lov"):
                ikke_lovpalagt = True
            elif del_ and not del_.startswith("klage") and del_ not in hjemler:
                hjemler.append(del_)
    dokument = profil.tekster.dokument or profil.kilde
    tekst = f"{hva} bygger på {dokument}" + (f", og på {'; '.join(hjemler)}. " if hjemler else ". ")
    if ikke_lovpalagt:
        tekst += "Tjenesten er ikke lovpålagt. "
    return tekst


def _trapp(s: Soker, profil: Regelprofil) -> str:
    """Where in the municipality's own ladder the service lies (T §2.5; S §3 «Helse- og omsorgstrapp»)."""
    t = profil.tekster
    trinn = t.trappetrinn.get(s.soknad.tjeneste.value)
    if not trinn or not t.trapp:
        return ""
    return f"Tjenesten ligger i {t.trapp} på trinnet «{trinn}». "


def _klage(s: Soker, profil: Regelprofil, seksjon: str) -> str:
    """The profile's own complaint route, deadline and body."""
    t = profil.tekster
    mal = t.klage_per_tjeneste.get(s.soknad.tjeneste.value, t.klage)
    if not mal:
        return "Vedtaket kan påklages. "
    nr = _punkt(seksjon, profil).removeprefix("punkt ") or "4"
    return mal.replace("{punkt}", nr) + " "


def _forrang_tekst(p: Prioritet) -> str:
    """The lexicographic levels of a søker in words (empty for a weighted sum)."""
    deler = []
    for f, v in p.forrang:
        if f == Forrang.HJELPEBEHOV:
            deler.append(f"hjelpebehov {v}")
        else:
            deler.append("akutt innleggelse" if v else "utskrivningsklar pasient rekvirert av tildelingskontoret")
    return ", ".join(deler)


def _poeng(p: Prioritet) -> str:
    """Another søker's priority as the same measures the søker's own text shows."""
    forrang = _forrang_tekst(p)
    return (forrang + ", " if forrang else "") + f"prioritetspoeng {p.poeng}"


def _prioritet_tekst(p: Prioritet) -> str:
    forrang = _forrang_tekst(p)
    return (
        (f"{forrang} (avgjør først); " if forrang else "")
        + f"nytte {p.nytte.verdi}, ressurs {p.ressurs.verdi}, alvorlighet {p.alvorlighet.verdi} "
        f"({p.alvorlighet.begrunnelse}), mestring {p.mestring.verdi}"
        + (", utskrivningsklar pasient" if p.ukp else "")
        + f" – prioritetspoeng {p.poeng}"
    )


def lag_tildelinger(losning: Losning) -> list[dict[str, Any]]:
    """The assignments of a solution (the ``assignments`` part of RESULT.json), sorted by
    unit, start day and søker. Cheap: the simulator calls it every week."""
    sak = losning.sak
    h = sak.horisont_dager
    sokere = {s.id: s for s in sak.sokere}
    enheter = {e.id: e for e in sak.enheter}
    tildelinger: list[dict[str, Any]] = []
    for fam, fr in losning.familier.items():
        for pl in fr.plasseringer:
            k = pl.kandidat
            for sid in k.personer:
                partner = next((p for p in k.personer if p != sid), None)
                t = {
                    "applicant_id": sid,
                    "unit_id": pl.enhet,
                    "institution_id": enheter[pl.enhet].institusjon_id,
                    "place_type": enheter[pl.enhet].plasstype.value,
                    "start_day": k.start,
                    "end_day": k.perioder[0][1],
                    "start_date": sak.dato(k.start).isoformat(),
                    "end_date": sak.dato(k.perioder[0][1]).isoformat(),
                    "open_ended": fam in (Familie.LANGTID, Familie.BOLIG)
                    and k.perioder[-1][1] == h - 1
                    and sokere[sid].soknad.tjeneste != Tjeneste.KORTTIDSLEILIGHET,
                    "periods": [
                        {
                            "start_day": lo,
                            "end_day": hi,
                            "start_date": sak.dato(lo).isoformat(),
                            "end_date": sak.dato(hi).isoformat(),
                        }
                        for lo, hi in k.perioder
                    ],
                    "shares_flat_with": partner,
                    "move": bool(k.flytting),
                    "move_from_unit": _fra_enhet(sak, sid) if k.flytting else None,
                    "priority": losning.prioritet[sid].total,
                }
                tildelinger.append(t)
    tildelinger.sort(key=lambda t: (t["unit_id"], t["start_day"], t["applicant_id"]))
    return tildelinger


def _fra_enhet(sak: Any, sid: str) -> str | None:
    """The unit a moving resident leaves."""
    s = next(x for x in sak.sokere if x.id == sid)
    o = next((o for o in sak.opphold if o.id == s.naverende_opphold_id), None)
    return None if o is None else o.enhet_id


def lag_resultat(losning: Losning) -> Resultat:
    """Build the result of a run (RESULT.json as ``allokering.resultatformat.Resultat``: assignments, waiting list,
    explanations, values), without the independent check (``validation`` is None) and the locks' prices
    (``kjoring.legg_til_laaspriser``). The assignments are models from the start (the explanations read them); the
    other parts are built as the JSON form and validated into the model once: on the Sandefjord demo (247
    explanations) 3 ms of the 21 ms here, and with ``som_json`` for the validator about 1 % of ``kjor``."""
    sak = losning.sak
    h = sak.horisont_dager
    enheter = {e.id: e for e in sak.enheter}
    institusjoner = {i.id: i for i in sak.institusjoner}

    # The assignments as models (``together_with`` is known once the couples are), read by attribute below.
    tildelinger = [Tildeling.model_validate({**t, "together_with": None}) for t in lag_tildelinger(losning)]
    plass = {t.applicant_id: t for t in tildelinger}

    # Couples: together or split, with the cost of keeping a split couple together.
    par_ut = []
    sammen: dict[str, str] = {}
    for dp in losning.delproblemer.values():
        for p in dp.ektepar:
            ta, tb = plass.get(p.a), plass.get(p.b)
            tog = ta is not None and tb is not None and ta.institution_id == tb.institution_id
            if tog:
                sammen[p.a], sammen[p.b] = p.b, p.a
            kost = losning.ektepar_kostnad.get((p.a, p.b))
            par_ut.append(
                {
                    "applicant_ids": [p.a, p.b],
                    "together": tog,
                    "split": (ta is not None or tb is not None) and not tog,
                    "cost_to_keep_together": kost,
                    "cost_known": (p.a, p.b) in losning.ektepar_kostnad,
                }
            )
    for t in tildelinger:
        t.together_with = sammen.get(t.applicant_id)

    # Waiting list: qualified, not placed, by priority (waiting time only breaks ties).
    # Acute requests (ØHD/KØH) are met at once or not at all; they never wait for a place.
    venter = [
        s
        for s in sak.sokere
        if losning.kvalifisering[s.id].utfall == Utfall.KVALIFISERT
        and s.id not in plass
        and s.soknad.tjeneste != Tjeneste.AKUTT
    ]
    venter.sort(key=lambda s: (-losning.prioritet[s.id].total, s.soknad.soknadsdato, s.id))
    venteliste = [
        {
            "position": n + 1,
            "applicant_id": s.id,
            "service": s.soknad.tjeneste.value,
            "priority": losning.prioritet[s.id].total,
            "priority_points": losning.prioritet[s.id].poeng,
            "waiting_days": losning.prioritet[s.id].ventedager,
            "district": s.bydel,
        }
        for n, s in enumerate(venter)
    ]

    # Looked up per søker below: built once (scanning every placement per waiting søker was
    # quadratic, ~0.4 s of the explanations on oslo-stress).
    plass_per_enhet: dict[str, list[Tildeling]] = defaultdict(list)
    for t in plass.values():
        plass_per_enhet[t.unit_id].append(t)
    kontra_for: dict[str, str] = {}  # søker → first unit (by id) whose extra place could place them
    for u, liste in sorted(losning.ekstra_plass_gir.items()):
        for sid in liste:
            kontra_for.setdefault(sid, u)
    laaser = {x.soker_id: x for x in sak.laaser if x.type.value == "tildel"}
    sperrer: dict[str, list[Any]] = defaultdict(list)  # søker → the meeting's «ikke tildel» locks
    for x in sak.laaser:
        if x.type.value == "ikke_tildel":
            sperrer[x.soker_id].append(x)
    ledig_etter = _ledig_etter_tildeling(losning, tildelinger)
    forklaringer = []
    for s in sorted(sak.sokere, key=lambda s: s.id):
        forklaringer.append(
            _forklar(
                losning,
                s,
                plass,
                plass_per_enhet,
                kontra_for,
                laaser,
                institusjoner,
                enheter,
                sammen,
                ledig_etter,
                sperrer.get(s.id, []),
            )
        )

    ukp_dager = 0
    for s in sak.sokere:
        if losning.prioritet[s.id].ukp:
            ukp_t = plass.get(s.id)
            ukp_dager += ukp_t.start_day if ukp_t else h
    nivaa_sum: dict[str, dict[str, Any]] = {}
    for fr in losning.familier.values():
        for n in fr.nivaaer:
            d = nivaa_sum.setdefault(n.navn, {"value": 0, "bound": 0, "proven": True})
            d["value"] += n.verdi
            d["bound"] += n.grense
            d["proven"] = d["proven"] and n.bevist
    l1 = nivaa_sum.get("plassering", {"value": 0, "bound": 0})
    gap = 0.0 if l1["bound"] == 0 else abs(l1["bound"] - l1["value"]) / max(1, abs(l1["bound"]))
    param = losning.parametre
    json_form: dict[str, Any] = {
        "format": RESULTATFORMAT,
        "engine_version": __version__,
        "status": losning.status,
        "synthetic": sak.syntetisk,
        "municipality": {"number": sak.kommune.nummer, "name": sak.kommune.navn, "rule_profile": sak.profil.id},
        "start_date": sak.startdato.isoformat(),
        "horizon_days": h,
        "input_sha256": sak_hash(losning),
        "objective": nivaa_sum,
        "best_bound": l1["bound"],
        "gap": gap,
        "solve_seconds": round(losning.sekunder, 4),
        "parameters": {
            "time_limit_s": param.tidsgrense_s,
            "workers": param.arbeidere,
            "seed": param.frø,
            "deterministic": param.deterministisk,
        },
        "weights": sak.profil.vekter.model_dump(),
        "priority_rules": [
            {
                "family": r.familie.value,
                "combination": r.kombinasjon.value,
                "precedence": [f.value for f in r.forrang],
                "source": r.kilde,
                "text_nb": r.beskrivelse_nb(),
            }
            for r in (sak.profil.prioriteringsregel(f) for f in Familie)
        ],
        "families": [
            {
                "family": fam.value,
                "status": fr.status,
                "levels": [
                    {"name": n.navn, "value": n.verdi, "bound": n.grense, "proven": n.bevist} for n in fr.nivaaer
                ],
                "seconds": round(fr.sekunder, 4),
                "candidates": fr.kandidater,
                "method": fr.metode,
                "canonical": fr.kanonisk,
            }
            for fam, fr in losning.familier.items()
        ],
        "assignments": tildelinger,
        "waiting_list": venteliste,
        "explanations": forklaringer,
        "unit_marginal_value": dict(sorted(losning.marginalverdi.items())),
        "couples": par_ut,
        "locks": [
            {
                "applicant_id": x.soker_id,
                "type": x.type.value,
                "unit_id": x.enhet_id,
                "reason": x.begrunnelse,
                "locked_by": x.laast_av,
            }
            for x in sak.laaser
        ],
        "ukp": {"days": ukp_dager, "cost_nok": ukp_dager * sak.profil.ukp_dognpris_nok},
    }
    return Resultat.model_validate(json_form)


def _ledig_etter_tildeling(losning: Losning, tildelinger: list[Tildeling]) -> dict[str, list[int]]:
    """Free places per unit and day once current stays and this solution's placements are counted (avlastning
    units only: the clash of a rolling pattern is named from it)."""
    sak = losning.sak
    h = sak.horisont_dager
    enheter = {e.id: e for e in sak.enheter if e.plasstype.familie is Familie.AVLASTNING}
    if not enheter:
        return {}
    bruk = {u: [0] * h for u in enheter}
    for o in sak.opphold:
        if o.enhet_id in bruk:
            hi = h - 1 if o.forventet_slutt is None else min(h - 1, sak.dag(o.forventet_slutt))
            for d in range(max(0, sak.dag(o.start)), hi + 1):
                bruk[o.enhet_id][d] += 1
    for t in tildelinger:
        if t.unit_id in bruk:
            for p in t.periods:
                for d in range(p.start_day, p.end_day + 1):
                    bruk[t.unit_id][d] += 1
    return {u: [enheter[u].kapasitet - b for b in rad] for u, rad in bruk.items()}


def _og(navn: list[str]) -> str:
    """«a», «a og b», «a, b og c»."""
    return navn[0] if len(navn) == 1 else ", ".join(navn[:-1]) + " og " + navn[-1]


def _monsterkollisjon(s: Soker, losning: Losning, aktuelle: set[str], ledig: dict[str, list[int]]) -> str:
    """For a rolling avlastning pattern that got no place: which periods of the pattern have no free bed, in the
    unit and offset where most of the pattern would fit."""
    a = s.soknad.avlastning
    if a is None or not ledig:
        return ""
    sak = losning.sak
    h = sak.horisont_dager
    beste: tuple[int, str, list[tuple[int, int]], list[tuple[int, int]]] | None = None
    for u in sorted(aktuelle):
        rad = ledig.get(u)
        if rad is None:
            continue
        for off in range(min(a.periode, h)):
            perioder = avlastningsperioder(off, a.dager, a.periode, h)
            fri = [p for p in perioder if min(rad[p[0] : p[1] + 1]) > 0]
            opptatt = [p for p in perioder if p not in fri]
            if beste is None or len(fri) > beste[0]:
                beste = (len(fri), u, fri, opptatt)
    if beste is None or not beste[3]:
        return ""
    _, u, fri, opptatt = beste
    navn = next(e.navn for e in sak.enheter if e.id == u)

    def fmt(pp: list[tuple[int, int]]) -> str:
        return ", ".join(f"{_dato(sak.dato(lo))}–{_dato(sak.dato(hi))}" for lo, hi in pp)

    tekst = (
        f"Søkerens rullerende mønster ({a.dager} døgn hver {a.periode}. dag) må gis som helhet. På {navn} er det "
        f"ledig plass i {len(fri)} av {len(fri) + len(opptatt)} perioder i mønsteret, men ikke i {fmt(opptatt)}"
    )
    return tekst + (f" (ledig: {fmt(fri)}). " if fri else ". ")


def _rang(z: tuple[int, str, str]) -> tuple[int, str]:
    """Priority order of (priority, søker, unit): highest priority first, then søker id."""
    return -z[0], z[1]


def _forklar(
    losning: Losning,
    s: Soker,
    plass: dict[str, Tildeling],
    plass_per_enhet: dict[str, list[Tildeling]],
    kontra_for: dict[str, str],
    laaser: dict[str, Any],
    institusjoner: dict[str, Any],
    enheter: dict[str, Any],
    sammen: dict[str, str],
    ledig_etter: dict[str, list[int]] | None = None,
    sperrer: list[Any] | None = None,
) -> dict[str, Any]:
    sak = losning.sak
    sid = s.id
    kv: Kvalifisering = losning.kvalifisering[sid]
    pr = losning.prioritet[sid]
    tjeneste = TJENESTE_NB[s.soknad.tjeneste]
    if s.soknad.tjeneste == Tjeneste.AKUTT:  # the profile's own scheme: ØHD (S §4.20) or KØH (T §3.19)
        tjeneste = navn_nb(Plasstype.OHD if sak.profil.akutt is Akutttype.OHD else Plasstype.KOH)
    regler = [_regel_dict(r) for r in kv.regelutfall]
    data: dict[str, Any] = {
        "applicant_id": sid,
        "service": s.soknad.tjeneste.value,
        "rules": regler,
        "priority": pr.som_dict(),
        "outranked_by": [],
        "counterfactual": None,
    }
    profil = sak.profil
    tekster = profil.tekster
    soker_regler = [r for r in kv.regelutfall if r.plasstype is None]
    seksjon = soker_regler[0].seksjon if soker_regler else ""
    trapp = _trapp(s, profil)
    if kv.utfall == Utfall.TAKKET_NEI:
        punkt = tekster.takket_nei.get(s.soknad.tjeneste.value)
        data["outcome"] = "takket_nei"
        data["text_nb"] = (
            f"Søker {sid} har takket nei til tilbudt {tjeneste}, og tildeles derfor ikke plass nå. "
            + (
                f"Etter kommunens tildelingskriterier må det søkes på nytt dersom søkeren senere ønsker "
                f"{tjeneste} (punkt {punkt}). "
                if punkt
                else "Ønsker søkeren plass senere, må det sendes ny søknad. "
            )
            + _grunnlag(soker_regler, profil)
        ).strip()
        return data
    if kv.utfall == Utfall.IKKE_KVALIFISERT:
        feil = [r for r in soker_regler if r.status == Status.IKKE_OPPFYLT]
        data["outcome"] = "ikke_kvalifisert"
        data["text_nb"] = (
            f"Søknaden om {tjeneste} fra søker {sid} innvilges ikke fordi vilkårene ikke er oppfylt: "
            + " ".join(_setning(r, profil) for r in feil)
            + " "
            + trapp
            + _grunnlag(feil, profil)
            + _klage(s, profil, seksjon)
        ).strip()
        return data
    if kv.utfall == Utfall.MANGLER_OPPLYSNINGER:
        mangler = [r for r in soker_regler if r.status == Status.MANGLER]
        felt = sorted({f for r in mangler for f in r.mangler_felt})
        data["outcome"] = "mangler_opplysninger"
        data["missing_fields"] = felt
        data["text_nb"] = (
            f"Søknaden om {tjeneste} fra søker {sid} kan ikke avgjøres før dette er kartlagt: "
            + " ".join(_setning(r, profil) for r in mangler)
            + " "
            + _grunnlag(mangler, profil)
        ).strip()
        return data

    aktuelle_regler = [r for r in soker_regler if r.aktuell]
    oppfylt = " ".join(_setning(r, profil) for r in aktuelle_regler)
    grunnlag = _grunnlag(aktuelle_regler, profil)
    ektefelle_tekst = _ektefelle_tekst(losning, s, plass, institusjoner, enheter)
    t = plass.get(sid)
    if t is not None:
        e = enheter[t.unit_id]
        inst = institusjoner[e.institusjon_id].navn
        tekst = (
            f"Søker {sid} tildeles {tjeneste} ved {inst}, {e.navn}, fra {_dato(sak.dato(t.start_day))}"
            + ("" if t.open_ended else f" til {_dato(sak.dato(t.end_day))}")
            + ". "
        )
        if len(t.periods) > 1:
            tekst += (
                "Avlastningen er rullerende: "
                + ", ".join(f"{_dato(sak.dato(p.start_day))}–{_dato(sak.dato(p.end_day))}" for p in t.periods)
                + ", og videre med samme mønster. "
            )
        if sammen.get(sid):
            grunn = tekster.ektepar.get(e.plasstype.familie.value, "")
            tekst += f"Søkeren får bo sammen med ektefellen ({sammen[sid]}) ved samme institusjon" + (
                f": {grunn}. " if grunn else ". "
            )
        tekst += ektefelle_tekst
        data["requires_new_vedtak"] = False
        if t.move:
            fra = enheter.get(t.move_from_unit or "")
            fra_navn = fra.navn if fra is not None else "nåværende plass"
            tekst += f"Tildelingen innebærer flytting fra {fra_navn}. "
            if (
                fra is not None
                and fra.plasstype.value == "langtid_skjermet"
                and e.plasstype.value == "langtid_somatisk"
                and tekster.nytt_vedtak_skjermet_til_somatisk
            ):
                tekst += (
                    "Flytting fra skjermet til somatisk avdeling krever nytt vedtak "
                    f"(punkt {tekster.nytt_vedtak_skjermet_til_somatisk}). "
                )
                data["requires_new_vedtak"] = True
        laas = laaser.get(sid)
        if laas is not None:
            tekst += (
                "Tildelingen er låst av tildelingsmøtet"
                + _laast_av(laas.laast_av)
                + (f": {laas.begrunnelse}" if laas.begrunnelse else "")
                + ". "
            )
        tekst += _sperretekst(sperrer or [], enheter)
        tekst += f"Vilkårene er oppfylt: {oppfylt} Prioritering: {_prioritet_tekst(pr)}. " + trapp + grunnlag
        data["outcome"] = "tildelt"
        data["unit_id"] = t.unit_id
        data["start_day"] = t.start_day
        data["end_day"] = t.end_day
        data["text_nb"] = tekst.strip()
        return data

    # Waiting: who took the places this søker could have had.
    aktuelle = set(kv.enheter)
    alle = [
        (x.priority, x.applicant_id, x.unit_id)
        for u in aktuelle
        for x in plass_per_enhet.get(u, ())
        if x.applicant_id != sid
    ]
    # Only the first few in priority order are named: the ten highest, and the first three below
    # this søker's priority (a full sort per waiting søker was most of the explanations' time).
    konkurrenter = heapq.nsmallest(10, alle, key=_rang)
    lavere_alle = heapq.nsmallest(3, (z for z in alle if z[0] < pr.total), key=_rang)
    data["outranked_by"] = [{"applicant_id": a, "unit_id": u, "priority": p} for p, a, u in konkurrenter]
    if s.soknad.tjeneste == Tjeneste.AKUTT:
        # No free bed: the request is not handled as a søknad (T §3.19 «skal ikke saksbehandles»), has no waiting
        # list and no complaint; the need must be met elsewhere at once.
        data["outcome"] = "ingen_ledig_akuttplass"
        data["text_nb"] = (
            f"Søker {sid} oppfyller kriteriene for {tjeneste}, men det er ingen ledig plass nå. Behovet må dekkes "
            "på annen måte straks: innleggende lege vurderer legevakt eller innleggelse i sykehus. Dette er ikke "
            f"et vedtak og gir ingen plass på venteliste. Kriteriene er oppfylt: {oppfylt} "
            f"Prioritering: {_prioritet_tekst(pr)}. " + _grunnlag(aktuelle_regler, profil, "Vurderingen")
        ).strip()
        kontra = kontra_for.get(sid)  # a full acute unit: one more bed there would have placed this søker
        if kontra is not None:
            data["counterfactual"] = {"extra_place_in_unit": kontra}
            data["text_nb"] += f" Søkeren kunne fått plass ved én ekstra seng på {enheter[kontra].navn}."
        else:
            # Several wait for a full acute unit: say who one more bed would go to instead.
            andre = sorted(
                (u, [a for a in losning.ekstra_plass_gir.get(u, []) if a != sid]) for u in aktuelle if u in enheter
            )
            for u, liste in andre:
                if liste:
                    data["text_nb"] += (
                        f" Én ekstra seng på {enheter[u].navn} ville gått til {_og(liste)}, som planen da gir plass "
                        "foran denne søkeren."
                    )
                    break
        return data
    data["outcome"] = "venteliste"
    tekst = (
        f"Søker {sid} oppfyller vilkårene for {tjeneste} og settes på venteliste. Vilkårene er oppfylt: "
        f"{oppfylt} Prioritering: {_prioritet_tekst(pr)}. " + ektefelle_tekst
    )
    holdt_tilbake = any(x.enhet_id is None for x in sperrer or [])
    sperret = {x.enhet_id for x in sperrer or [] if x.enhet_id is not None}
    tekst += _sperretekst(sperrer or [], enheter)
    if holdt_tilbake:
        pass  # the meeting's decision is the reason; the places others got are not
    elif not aktuelle:
        tekst += "Kommunen har ingen enhet som søkeren kan tildeles i planperioden. "
    elif konkurrenter:
        if s.soknad.avlastning is not None:
            tekst += _monsterkollisjon(s, losning, aktuelle, ledig_etter or {})
        hoyere = [(p, a) for p, a, _ in konkurrenter if p >= pr.total]
        lavere = [(p, a, u) for p, a, u in lavere_alle if u not in sperret]
        if hoyere:
            tekst += (
                f"Plassene søkeren kunne fått i planperioden ({sak.horisont_dager} dager), gikk til søkere med "
                "høyere eller lik prioritet: "
                + ", ".join(f"{a} ({_poeng(losning.prioritet[a])})" for _, a in hoyere[:5])
                + ". "
            )
        if lavere:
            tekst += (
                "Søkere med lavere prioritet fikk plass på de samme enhetene der søkerens eget opphold ikke kunne "
                "få plass: "
                + "; ".join(
                    f"{a} ({_poeng(losning.prioritet[a])}): {_hvorfor(losning, a, u, s, plass, laaser)}"
                    for _, a, u in lavere[:3]
                )
                + ". "
            )
    else:
        kollisjon = _monsterkollisjon(s, losning, aktuelle, ledig_etter or {})
        tekst += kollisjon or "Det er ingen ledig plass søkeren kan tildeles i planperioden. "
    kontra = None if holdt_tilbake else kontra_for.get(sid)
    if holdt_tilbake:
        pass
    elif kontra is not None:
        data["counterfactual"] = {"extra_place_in_unit": kontra}
        e = enheter[kontra]
        tekst += f"Søkeren kunne fått plass ved én ekstra plass på {e.navn}. "
    elif konkurrenter:
        laveste, laveste_id = min((p, a) for p, a, _ in alle)
        if laveste > pr.total:
            data["counterfactual"] = {"priority_needed_above": laveste}
            lp = losning.prioritet.get(laveste_id)
            if pr.forrang and lp is not None and lp.nokkel > pr.nokkel:
                tekst += (
                    f"Plassene gikk til søkere som går foran etter kommunens prioriteringsregel ({_forrang_tekst(lp)} "
                    f"mot søkerens {_forrang_tekst(pr)}). "
                )
            elif lp is not None and lp.poeng > pr.poeng:
                tekst += f"Med prioritetspoeng over {lp.poeng} (søkeren har {pr.poeng}) ville søkeren fått plass. "
            else:
                tekst += "Ved lik prioritet avgjorde lengre ventetid hos andre søkere" + (
                    f" (punkt {tekster.ventetid_skiller}). " if tekster.ventetid_skiller else ". "
                )
    if s.soknad.tjeneste == Tjeneste.LANGTID:
        tekst += _oppfolging(s, profil)
    tekst += trapp + grunnlag + _klage(s, profil, seksjon)
    data["text_nb"] = tekst.strip()
    return data


def _laast_av(laast_av: str | None) -> str:
    """« (who)» after «tildelingsmøtet», unless it only repeats it."""
    if not laast_av or laast_av.strip().lower() == "tildelingsmøtet":
        return ""
    return f" ({laast_av})"


def _sperretekst(sperrer: list[Any], enheter: dict[str, Any]) -> str:
    """The meeting's «ikke tildel» decisions for this søker, with who and why: the whole søker held back, or one
    unit ruled out."""
    tekst = ""
    for x in sorted(sperrer, key=lambda x: x.enhet_id or ""):
        hvem = _laast_av(x.laast_av)
        hvorfor = f": {x.begrunnelse.rstrip('. ')}" if x.begrunnelse else ""
        if x.enhet_id is None:
            tekst += f"Tildelingsmøtet{hvem} har besluttet at søkeren ikke tildeles plass nå{hvorfor}. "
        else:
            navn = enheter[x.enhet_id].navn if x.enhet_id in enheter else "en enhet"
            tekst += f"Tildelingsmøtet{hvem} har besluttet at søkeren ikke tildeles plass på {navn}{hvorfor}. "
    return tekst


def _oppfolging(s: Soker, profil: Regelprofil) -> str:
    """How the søker is followed up while waiting (T §3.17 requires the vedtak to say it)."""
    lt = s.soknad.langtid
    punkt = profil.tekster.oppfolging_i_ventetiden
    hvor = f" (punkt {punkt})" if punkt else ""
    if lt is not None and lt.oppfolging_i_ventetiden:
        return f"Oppfølging i ventetiden{hvor}: {lt.oppfolging_i_ventetiden.rstrip('. ')}. "
    if punkt:
        return (
            f"Vedtaket må redegjøre for hvordan søkeren følges opp i ventetiden{hvor}; dette er ikke registrert "
            "og må fylles inn av saksbehandler. "
        )
    return ""


def _hvorfor(
    losning: Losning, annen: str, enhet: str, s: Soker, plass: dict[str, Tildeling], laaser: dict[str, Any]
) -> str:
    """The real reason a lower-priority søker got a place on a unit the waiting søker could also use."""
    t = plass[annen]
    if annen in laaser:
        return "tildelingen er låst av tildelingsmøtet"
    if t.move:
        fra = next((e.navn for e in losning.sak.enheter if e.id == t.move_from_unit), "en annen avdeling")
        return f"søkeren er allerede beboer og flytter fra {fra}, og flyttingen frigjør en plass der"
    if len(t.periods) > 1:
        return "et rullerende avlastningsmønster som passet de ledige periodene"
    for dp in losning.delproblemer.values():
        for f in dp.frigjoringer:
            ut = plass.get(f.soker)
            if f.enhet == enhet and ut is not None and ut.start_day <= t.start_day:
                navn = next((e.navn for e in losning.sak.enheter if e.id == enhet), "enheten")
                return (
                    f"plassen på {navn} ble ledig fra {_dato(losning.sak.dato(ut.start_day))} fordi en beboer "
                    "flyttet derfra"
                )
    egen = losning.kvalifisering[s.id].lengde_dogn
    lengde = t.end_day - t.start_day + 1
    if not t.open_ended and egen is not None and lengde < egen:
        return (
            f"et kortere opphold ({lengde} døgn) som fikk plass i en ledig periode der søkerens {egen} døgn ikke "
            "gjorde det"
        )
    return "oppholdet startet i en periode der søkerens eget opphold ikke fikk plass"


def _ektefelle_tekst(
    losning: Losning, s: Any, plass: dict[str, Tildeling], institusjoner: dict[str, Any], enheter: dict[str, Any]
) -> str:
    """For a split couple: where the spouse went and what keeping them together would cost."""
    for dp in losning.delproblemer.values():
        for par in dp.ektepar:
            if s.id not in (par.a, par.b):
                continue
            annen = par.b if s.id == par.a else par.a
            ts, ta = plass.get(s.id), plass.get(annen)
            if ts and ta and ts.institution_id == ta.institution_id:
                return ""
            if not ts and not ta:
                return ""
            hvor = (
                f"Ektefellen ({annen}) er tildelt plass ved {institusjoner[ta.institution_id].navn}"
                if ta
                else f"Ektefellen ({annen}) står på venteliste"
            )
            kost = losning.ektepar_kostnad.get((par.a, par.b))
            if (par.a, par.b) not in losning.ektepar_kostnad:
                return f"{hvor}. "
            grunn = losning.sak.profil.tekster.ektepar.get(dp.familie.value, "")
            grunn = f" ({grunn})" if grunn else ""
            if kost is None:
                return (
                    f"{hvor}. Ekteparet ønsker å bo sammen, men det var ikke mulig å gi dem plass ved samme "
                    f"institusjon i planperioden{grunn}. "
                )
            return (
                f"{hvor}. Å gi ekteparet plass ved samme institusjon ville ha redusert andre søkeres samlede "
                f"prioritetsverdi med {kost}{grunn}. "
            )
    return ""
