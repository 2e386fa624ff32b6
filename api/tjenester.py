"""Domain services behind the API: imports (all-or-nothing), input snapshots with the meeting's
locks, dashboards (aggregated, no personal identifiers) and exports."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import statistics
import tempfile
import threading
from collections import Counter, OrderedDict, defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from allokering.resultatformat import Resultat
from api.db import STANDARD_TEAM, Kjoring, LaasRad, SakRad, Saksversjon
from api.resultat import les_resultat
from modeller.lasting import Inndatafeil, sak_fra_data, sak_til_json
from modeller.sak import Feil, Sak


def lagre_sak(
    s: Session,
    sak: Sak,
    *,
    navn: str,
    kilde: str,
    filnavn: str,
    bruker: str,
    sak_id: int | None,
    team: str = STANDARD_TEAM,
) -> Saksversjon:
    """Store a validated case as a new case (``sak_id=None``) or a new version of an existing one.
    The caller's transaction makes it all-or-nothing."""
    tekst = sak_til_json(sak)
    if sak_id is None:
        rad = SakRad(
            navn=navn or f"{sak.kommune.navn} {sak.startdato.isoformat()}",
            kommunenummer=sak.kommune.nummer,
            kommunenavn=sak.kommune.navn,
            regelprofil=sak.profil.id,
            syntetisk=sak.syntetisk,
            opprettet_av=bruker,
            team=team,
        )
        s.add(rad)
        s.flush()
        versjon = 1
    else:
        rad = s.get(SakRad, sak_id)  # type: ignore[assignment]
        if rad is None:
            raise LookupError(f"saken {sak_id} finnes ikke")
        if rad.kommunenummer != sak.kommune.nummer:
            raise Inndatafeil(
                [
                    Feil(
                        filnavn or "sak",
                        "",
                        "kommune.nummer",
                        f"en ny versjon må gjelde samme kommune ({rad.kommunenummer}), fikk {sak.kommune.nummer}",
                    )
                ]
            )
        versjon = (s.scalar(select(func.max(Saksversjon.versjon)).where(Saksversjon.sak_id == rad.id)) or 0) + 1
        rad.regelprofil = sak.profil.id
    v = Saksversjon(
        sak_id=rad.id,
        versjon=versjon,
        kilde=kilde,
        filnavn=filnavn[:500],
        data=tekst,
        sha256=hashlib.sha256(tekst.encode("utf-8")).hexdigest(),
        startdato=sak.startdato,
        horisont_dager=sak.horisont_dager,
        antall_sokere=len(sak.sokere),
        antall_enheter=len(sak.enheter),
        opprettet_av=bruker,
    )
    s.add(v)
    s.flush()
    return v


def les_json_sak(innhold: bytes, fil: str) -> Sak:
    """A case from a JSON body, with the limits of ``api.grenser`` checked before it is built."""
    from api.grenser import les_json_sak as les

    return les(innhold, fil)


_TRYGT_NAVN = re.compile(r"[^A-Za-z0-9æøåÆØÅ._ -]")


def _trygt_filnavn(navn: str, standard: str) -> str:
    navn = _TRYGT_NAVN.sub("_", Path(navn or standard).name).strip() or standard
    return navn[:100]


def les_tabeller(
    filer: dict[str, tuple[str, bytes]],
    *,
    profil: str,
    kommunenummer: str | None,
    kommunenavn: str | None,
    startdato: str,
    horisont_dager: int,
    syntetisk: bool,
) -> Sak:
    """Build a case from uploaded tables: ``sokere`` + ``enheter`` (+ ``opphold``) as CSV or XLSX, or one
    ``arbeidsbok`` (the Excel template with the sheets «sokere» and «enheter»). Error rows name the
    uploaded file as the user called it."""
    from modeller.tabeller import _kommune_fra_profil, bygg_sak

    std_nummer, std_navn = _kommune_fra_profil(profil)
    with tempfile.TemporaryDirectory(prefix="allokering-import-") as mappe:
        stier: dict[str, Path] = {}
        brukt: set[str] = set()
        for felt, (navn, innhold) in filer.items():
            trygt = _trygt_filnavn(navn, f"{felt}.csv")
            if trygt in brukt:
                trygt = f"{felt}-{trygt}"
            brukt.add(trygt)
            p = Path(mappe) / trygt
            p.write_bytes(innhold)
            stier[felt] = p
        if "arbeidsbok" in stier:
            sokere = enheter = stier["arbeidsbok"]
        else:
            sokere, enheter = stier["sokere"], stier["enheter"]
        try:
            sak = bygg_sak(
                sokere,
                enheter,
                profil,
                kommunenummer or std_nummer or "",
                kommunenavn or std_navn or "",
                startdato,
                horisont_dager,
                stier.get("opphold"),
                syntetisk=syntetisk,
            )
        except Inndatafeil as exc:
            prefiks = mappe.rstrip("/") + "/"
            raise Inndatafeil([Feil(f.fil.replace(prefiks, ""), f.rad, f.felt, f.melding) for f in exc.feil]) from None
    from api.grenser import farlige_tegn

    filnavn = ", ".join(n for n, _ in filer.values())[:200]
    feil = farlige_tegn(sak_til_json(sak), filnavn)  # NUL and direction overrides, as for JSON imports
    if feil:
        raise Inndatafeil(feil)
    return sak


def siste_versjon(s: Session, sak_id: int) -> Saksversjon | None:
    return s.scalar(
        select(Saksversjon).where(Saksversjon.sak_id == sak_id).order_by(Saksversjon.versjon.desc()).limit(1)
    )


def aktive_laaser(s: Session, sak_id: int) -> list[LaasRad]:
    return list(
        s.scalars(select(LaasRad).where(LaasRad.sak_id == sak_id, LaasRad.aktiv.is_(True)).order_by(LaasRad.id))
    )


def effektiv_sak(s: Session, versjon: Saksversjon, ekstra_laas: dict[str, Any] | None = None) -> Sak:
    """The case version with the meeting's active locks added (validated; raises Inndatafeil)."""
    sak, _ = effektiv_sak_med_advarsler(s, versjon, ekstra_laas, sett_til_side=False)
    return sak


_TIL_SIDE_FELT = ("soker_id", "enhet_id")
"""A meeting lock whose søker or unit is not (or no longer fits) in the case version is set aside."""


def effektiv_sak_med_advarsler(
    s: Session, versjon: Saksversjon, ekstra_laas: dict[str, Any] | None = None, *, sett_til_side: bool = True
) -> tuple[Sak, list[str]]:
    """The case version with the meeting's active locks added, validated. With ``sett_til_side`` a
    meeting lock that does not fit the version (its søker or unit is missing from it, e.g. a new
    import without the søker, or the unit no longer matches the søker's service) is left out of the
    run with a warning (bokmål, naming the lock, not the søker) instead of blocking every solve. Other
    errors (locks that conflict with each other) still raise Inndatafeil."""
    data = json.loads(versjon.data)
    egne = list(data.get("laaser", []))
    moetets = aktive_laaser(s, versjon.sak_id)
    rader = [
        {
            "soker_id": laas.soker_id,
            "type": laas.type,
            "enhet_id": laas.enhet_id,
            "begrunnelse": laas.begrunnelse[:2000],
            "laast_av": laas.opprettet_av[:100],
        }
        for laas in moetets
    ]
    if ekstra_laas is not None:
        rader.append(ekstra_laas)
    advarsler: list[str] = []
    while True:
        data["laaser"] = egne + rader
        try:
            return sak_fra_data(data, "sak"), advarsler
        except Inndatafeil as exc:
            if not sett_til_side:
                raise
            feil_i = set()
            for f in exc.feil:
                m = re.fullmatch(r"laaser\[(\d+)\]", f.rad)
                i = int(m.group(1)) - len(egne) if m else -1
                if 0 <= i < len(moetets) and f.felt in _TIL_SIDE_FELT:
                    feil_i.add(i)
            if not feil_i:
                raise
            for i in sorted(feil_i, reverse=True):
                laas = moetets.pop(i)
                rader.pop(i)
                grunn = "søkeren eller enheten finnes ikke i saksversjonen, eller enheten passer ikke søknaden"
                advarsler.append(
                    f"Låsen {laas.id} (satt av {laas.opprettet_av} {laas.opprettet:%d.%m.%Y}) er satt til side i "
                    f"denne kjøringen: {grunn} (versjon {versjon.versjon}). Fjern eller sett låsen på nytt."
                )


def snapshot(sak: Sak) -> tuple[str, str]:
    """The canonical input snapshot of a run and its SHA-256 (the same hash RESULT.json carries)."""
    tekst = sak_til_json(sak)
    return tekst, hashlib.sha256(tekst.encode("utf-8")).hexdigest()


# --- Dashboards (aggregated; never a søker id) ------------------------------------------------------


_BILDER: OrderedDict[str, Sak] = OrderedDict()
_BILDELAAS = threading.Lock()


def sak_av_bilde(kjoring: Kjoring) -> Sak:
    """The run's input snapshot, parsed; the last 4 are kept parsed by content hash (a snapshot never changes),
    so the meeting page's reads after each re-solve do not parse the same 0.7 MB again. Read only."""
    with _BILDELAAS:
        sak = _BILDER.get(kjoring.input_sha256)
        if sak is not None:
            _BILDER.move_to_end(kjoring.input_sha256)
            return sak
    sak = Sak.model_validate_json(kjoring.inndata, context={"utsett_kryssjekk": True})
    husk_bilde(kjoring.input_sha256, sak)
    return sak


def husk_bilde(sha: str, sak: Sak) -> None:
    """Keep a parsed snapshot (``sak_av_bilde``): a new run stores the case it already parsed, so the page's
    reads after the solve find it."""
    with _BILDELAAS:
        _BILDER[sha] = sak
        _BILDER.move_to_end(sha)
        while len(_BILDER) > 4:
            _BILDER.popitem(last=False)


def belegg(kjoring: Kjoring, steg: int = 1) -> dict[str, Any]:
    """Occupancy per unit per day of the horizon: current stays still running plus the run's assignments."""
    sak = sak_av_bilde(kjoring)
    res = les_resultat(kjoring)
    tildelinger = [] if res is None else res.assignments
    h = sak.horisont_dager
    sokere = {x.id: x for x in sak.sokere}
    forlater: dict[str, int] = {}
    for a in tildelinger:
        s = sokere.get(a.applicant_id)
        if s is not None and s.naverende_opphold_id:
            forlater[s.naverende_opphold_id] = a.start_day
    per_enhet: dict[str, list[int]] = {e.id: [0] * h for e in sak.enheter}
    for o in sak.opphold:
        if o.enhet_id not in per_enhet:
            continue
        slutt = h - 1 if o.forventet_slutt is None else min(h - 1, sak.dag(o.forventet_slutt))
        slutt = min(slutt, forlater.get(o.id, h) - 1)
        for d in range(max(0, sak.dag(o.start)), slutt + 1):
            per_enhet[o.enhet_id][d] += 1
    for a in tildelinger:
        if a.unit_id not in per_enhet:
            continue
        for p in a.periods:
            for d in range(max(0, p.start_day), min(h - 1, p.end_day) + 1):
                per_enhet[a.unit_id][d] += 1
    inst = {i.id: i.navn for i in sak.institusjoner}
    steg = max(1, steg)
    return {
        "kjoring_id": kjoring.id,
        "startdato": sak.startdato.isoformat(),
        "horisont_dager": h,
        "steg_dager": steg,
        "enheter": [
            {
                "enhet_id": e.id,
                "navn": e.navn,
                "institusjon": inst.get(e.institusjon_id, e.institusjon_id),
                "plasstype": e.plasstype.value,
                "kapasitet": e.kapasitet,
                "dager": [
                    {
                        "dato": (sak.startdato + timedelta(days=d)).isoformat(),
                        "belagt": per_enhet[e.id][d],
                        "belegg": round(per_enhet[e.id][d] / e.kapasitet, 3) if e.kapasitet else None,
                    }
                    for d in range(0, h, steg)
                ],
            }
            for e in sak.enheter
        ],
    }


def venteliste_etter_prioritet(kjoring: Kjoring, intervall: int = 100) -> dict[str, Any]:
    res = les_resultat(kjoring)
    teller: Counter[tuple[str, int]] = Counter()
    for v in [] if res is None else res.waiting_list:
        teller[(v.service, v.priority // intervall * intervall)] += 1
    return {
        "kjoring_id": kjoring.id,
        "prioritetsintervall": intervall,
        "totalt": sum(teller.values()),
        "grupper": [
            {"tjeneste": t, "prioritet_fra": p, "prioritet_til": p + intervall - 1, "antall": n}
            for (t, p), n in sorted(teller.items(), key=lambda kv: (kv[0][0], -kv[0][1]))
        ],
    }


def _statistikk(verdier: list[int], min_gruppe: int = 5) -> dict[str, Any]:
    """Count, mean, median and longest; the three statistics are hidden (None) for fewer than ``min_gruppe`` people
    (the dashboards' small-group rule: the longest wait of two people is one person's wait)."""
    if len(verdier) < min_gruppe:
        return {"antall": len(verdier), "gjennomsnitt": None, "median": None, "maks": None}
    return {
        "antall": len(verdier),
        "gjennomsnitt": round(statistics.fmean(verdier), 1),
        "median": statistics.median(verdier),
        "maks": max(verdier),
    }


def ventetider(kjoring: Kjoring) -> dict[str, Any]:
    """Waits per service: days waited so far for those on the waiting list, and days from application
    to the start of the place for those placed."""
    sak = sak_av_bilde(kjoring)
    res = les_resultat(kjoring)
    soknad = {s.id: s.soknad for s in sak.sokere}
    venter: dict[str, list[int]] = defaultdict(list)
    plassert: dict[str, list[int]] = defaultdict(list)
    if res is not None:
        for v in res.waiting_list:
            venter[v.service].append(v.waiting_days)
        for a in res.assignments:
            sn = soknad.get(a.applicant_id)
            if sn is not None:
                plassert[sn.tjeneste.value].append((date.fromisoformat(a.start_date) - sn.soknadsdato).days)
    tjenester = sorted(set(venter) | set(plassert))
    return {
        "kjoring_id": kjoring.id,
        "tjenester": [
            {"tjeneste": t, "venter_naa": _statistikk(venter[t]), "tid_til_plass": _statistikk(plassert[t])}
            for t in tjenester
        ],
    }


def ukp(s: Session, sak_id: int) -> dict[str, Any]:
    rader = s.execute(
        select(Kjoring.id, Kjoring.opprettet, Kjoring.ukp_dager, Kjoring.ukp_kostnad)
        .where(Kjoring.sak_id == sak_id, Kjoring.status == "done")
        .order_by(Kjoring.id)
    ).all()
    return {
        "sak_id": sak_id,
        "kjoringer": [
            {
                "kjoring_id": r.id,
                "tidspunkt": r.opprettet.isoformat(),
                "ukp_dogn": r.ukp_dager,
                "kostnad_nok": r.ukp_kostnad,
            }
            for r in rader
        ],
    }


# --- Export -----------------------------------------------------------------------------------------


def eksport_csv(resultat: Resultat) -> bytes:
    """One row per søker: outcome, place, dates, priority, waiting position and the reasoning."""
    tild = {a.applicant_id: a for a in resultat.assignments}
    vente = {v.applicant_id: v for v in resultat.waiting_list}
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\n")
    w.writerow(
        ["søker", "tjeneste", "utfall", "enhet", "institusjon", "fra", "til", "prioritet", "venteplass", "begrunnelse"]
    )
    for f in resultat.explanations:
        a = tild.get(f.applicant_id)
        v = vente.get(f.applicant_id)
        w.writerow(
            [
                f.applicant_id,
                f.service,
                f.outcome,
                "" if a is None else a.unit_id,
                "" if a is None else a.institution_id,
                "" if a is None else a.start_date,
                "" if a is None or a.open_ended else a.end_date,
                a.priority if a is not None else v.priority if v is not None else "",
                "" if v is None else v.position,
                f.text_nb,
            ]
        )
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def eksport_xlsx(resultat: Resultat) -> bytes:
    from allokering.kjoring import skriv_excel

    with tempfile.TemporaryDirectory() as mappe:
        sti = Path(mappe) / "resultat.xlsx"
        skriv_excel(resultat, sti)
        return sti.read_bytes()
