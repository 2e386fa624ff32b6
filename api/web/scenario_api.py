"""Scenario runs for planners and managers: ``/scenarier/...`` (role planlegger or leder).

A run simulates one scenario, or two compared with common random numbers (``scenarier.montecarlo.
sammenlign``), as a job of the server's one job system (``api.jobber``, kind ``scenario``): stored with its
order, queued in the same worker pool as the solve jobs, with the same progress, stopping (``DELETE``),
watchdog and restart recovery; its replications run in a small process pool of the worker (``simuler``).
Starting and stopping are logged in the access log like solve jobs. To keep a run short from the page,
the number of weeks and replications are capped (``MAKS_UKER``, ``MAKS_REPLIKASJONER``) and the warm-up
is shortened; the full horizon is for ``allokering scenario run``. Runs are stored in the database with
their result and HTML report (the latest ``BEHOLD`` ended ones), so they survive a restart.
Uploaded scenario files may not name a population file on the server.

Omsorgsboliger are served like the institution families: ``venteliste_bolig`` and ``belegg_bolig`` (all
housing types together) as fan charts and, per year, waiting list, occupancy, p90 wait and number of
flats (``plasser_bolig``); and the same per housing type the scenario has (``boligtyper``, e.g.
``venteliste_senterleilighet``, ``belegg_senterleilighet``, ``vent_p90_senterleilighet``,
``plasser_senterleilighet``). A capacity plan in an uploaded scenario file may add or close flats of any
housing type of the rule profile, exactly as for beds.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError

from api.auth import Rolle
from api.dependencies import Tilgang, tilgangskontroll
from api.jobber import SCENARIO, TERMINALE, Koordinator
from api.schemas import FEILSVAR, Objekt
from api.web.tilgang import krev_rolle
from modeller.lasting import Inndatafeil
from modeller.sak import Feil
from scenarier.scenariofil import Scenario, Scenariofeil, les_scenario

EKSEMPELMAPPE = Path(__file__).resolve().parents[2] / "scenarier" / "eksempler"
MAKS_UKER = 104
MAKS_REPLIKASJONER = 10
OPPVARMING_UKER = 4
BEHOLD = 20
MAKS_FIL_BYTES = 200_000
VIFTER = (
    "venteliste_langtid",
    "venteliste_korttid",
    "venteliste_bolig",
    "belegg_langtid",
    "belegg_bolig",
    "ukp_kostnad_nok",
)
AARSKOLONNER = (
    "venteliste_langtid",
    "venteliste_korttid",
    "venteliste_bolig",
    "belegg_langtid",
    "belegg_korttid",
    "belegg_bolig",
    "ukp_dogn",
    "ukp_kostnad_nok",
    "vent_p90_langtid",
    "vent_p90_bolig",
    "akutt_avvist_andel",
)
BOLIG_VIFTER = ("venteliste", "belegg")
"""Fan charts per housing type: ``venteliste_<type>`` and ``belegg_<type>``."""
BOLIG_AARSKOLONNER = ("venteliste", "belegg", "vent_p90")
"""Yearly columns per housing type (with 95 % CI): ``venteliste_<type>`` …"""

ruter = APIRouter(prefix="/scenarier", tags=["scenarier"])


def _eks(eksempel: Any, kode: int = 200, type_: str = "application/json") -> dict[int | str, dict[str, Any]]:

    return {kode: {"description": "OK", "content": {type_: {"example": eksempel}}}, **FEILSVAR}


JOBB_EKS = {
    "id": 1,
    "status": "running",
    "fremdrift": 0.48,
    "ferdige": 3,
    "totalt": 6,
    "scenarier": ["Sandefjord – dagens kapasitet", "Sandefjord – 24 skjermet på Nygård 2029 + 16 somatisk 2033"],
    "uker": 26,
    "replikasjoner": 3,
    "feilmelding": None,
    "sekunder": None,
    "fase": "simulerer: 3 av 6 replikasjoner ferdige",
    "avbryt_bedt": False,
}
SCENARIOROLLER = frozenset({Rolle.PLANLEGGER, Rolle.LEDER})
Planlegger = Annotated[dict[str, Any], Depends(krev_rolle(SCENARIOROLLER))]
Scenariokjorer = Annotated[Tilgang, Depends(tilgangskontroll(SCENARIOROLLER, False, "scenariosimulering"))]
"""Starting and stopping a scenario run: role check and an access-log row, as for solve jobs."""


def simuler(scenarier: list[Scenario], backend: Any, fremdrift: Any) -> tuple[dict[str, Any], str]:
    """Simulate the scenarios (common random numbers) and build what is stored: the page's data (fan
    charts, yearly table, paired differences for two) and the HTML report. Runs in a job worker."""
    from scenarier.montecarlo import sammenlign
    from scenarier.rapport import lag_rapport

    try:
        res = sammenlign(scenarier, backend, fremdrift)
    finally:
        backend.lukk()
    with tempfile.TemporaryDirectory(prefix="allokering-scenario-") as mappe:
        sti = Path(mappe) / "rapport.html"
        lag_rapport(res, sti)
        rapport = sti.read_text(encoding="utf-8")
    data: dict[str, Any] = {"scenarier": [_sammendrag(r) for r in res]}
    if len(res) == 2:
        data["forskjeller"] = parvise_forskjeller(res[0].uker, res[1].uker)
    return data, rapport


class Scenariojobber:
    """The scenario runs, stored in ``scenariokjoringer`` (order, state, result and HTML report) and run by
    the server's job system (``Koordinator``, kind ``scenario``). The latest ``BEHOLD`` runs are kept."""

    def __init__(self, fabrikk: Any, koordinator: Koordinator) -> None:
        self.fabrikk = fabrikk
        self.koordinator = koordinator

    def ny(self, scenarier: list[Scenario], bestilt_av: str) -> dict[str, Any]:
        from sqlalchemy import delete, select

        from api.db import Scenariokjoring

        with self.fabrikk.begin() as s:
            rad = Scenariokjoring(
                status="queued",
                fremdrift=0.0,
                fase="i kø",
                ferdige=0,
                totalt=sum(sc.replikasjoner for sc in scenarier),
                scenarier=[sc.navn for sc in scenarier],
                bestilling=[sc.model_dump(mode="json") for sc in scenarier],
                uker=scenarier[0].antall_uker,
                replikasjoner=scenarier[0].replikasjoner,
                bestilt_av=bestilt_av[:100],
                instans=self.koordinator.instans,
            )
            s.add(rad)
            s.flush()
            jid = rad.id
            gamle = s.scalars(
                select(Scenariokjoring.id)
                .where(Scenariokjoring.status.in_(TERMINALE))
                .order_by(Scenariokjoring.id.desc())
                .offset(BEHOLD)
            ).all()
            if gamle:
                s.execute(delete(Scenariokjoring).where(Scenariokjoring.id.in_(gamle)))
            ut = self.ut(self._som_dict(rad))
        self.koordinator.send_inn(jid, SCENARIO)
        return ut

    @staticmethod
    def _som_dict(rad: Any) -> dict[str, Any]:
        return {
            "id": rad.id,
            "status": rad.status,
            "fremdrift": rad.fremdrift,
            "fase": rad.fase,
            "avbryt_bedt": rad.avbryt_bedt is not None,
            "ferdige": rad.ferdige,
            "totalt": rad.totalt,
            "scenarier": list(rad.scenarier),
            "uker": rad.uker,
            "replikasjoner": rad.replikasjoner,
            "feilmelding": rad.feilmelding,
            "sekunder": rad.sekunder,
            "bestilt_av": rad.bestilt_av,
            "_resultat": rad.resultat,
        }

    def hent(self, jid: int) -> dict[str, Any]:
        from sqlalchemy import select

        from api.db import Scenariokjoring

        kolonner = [c for c in Scenariokjoring.__table__.columns if c.name not in ("rapport", "bestilling")]
        with self.fabrikk() as s:
            rad = s.execute(select(*kolonner).where(Scenariokjoring.id == jid)).one_or_none()
            if rad is None:
                raise HTTPException(404, f"Scenariokjøringen {jid} finnes ikke.")
            return self._som_dict(rad)

    def rapport(self, jid: int) -> str | None:
        from sqlalchemy import select

        from api.db import Scenariokjoring

        with self.fabrikk() as s:
            return s.scalar(select(Scenariokjoring.rapport).where(Scenariokjoring.id == jid))

    @staticmethod
    def ut(jobb: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in jobb.items() if not k.startswith("_") and k != "bestilt_av"}


PARVIS = {
    "venteliste_langtid": "mean",
    "venteliste_korttid": "mean",
    "belegg_langtid": "mean",
    "ukp_dogn": "sum",
    "ukp_kostnad_nok": "sum",
}
"""The key figures compared pairwise per year: weekly mean or yearly sum per replication."""


def parvise_forskjeller(a: Any, b: Any) -> list[dict[str, Any]]:
    """B − A per year as paired differences: the scenarios share random numbers replication by replication
    (common random numbers), so the difference is taken within each replication and the 95 % confidence interval
    comes from the spread of those differences (t distribution). ``a`` and ``b`` are the weekly tables (``rep``,
    ``aar`` and the key columns)."""
    from scipy.stats import t as tfordeling

    kol = {k: f for k, f in PARVIS.items() if k in a.columns and k in b.columns}
    pa = a.groupby(["rep", "aar"]).agg(**{k: (k, f) for k, f in kol.items()})
    pb = b.groupby(["rep", "aar"]).agg(**{k: (k, f) for k, f in kol.items()})
    felles = pa.index.intersection(pb.index)
    d = (pb.loc[felles] - pa.loc[felles]).sort_index()
    ut = []
    for aar, df in d.groupby(level="aar"):
        rad: dict[str, Any] = {"aar": int(aar), "replikasjoner": len(df)}
        for k in kol:
            x = df[k].dropna().to_numpy(dtype=float)
            if len(x) == 0:
                continue
            snitt = float(x.mean())
            halv = float(tfordeling.ppf(0.975, len(x) - 1) * x.std(ddof=1) / len(x) ** 0.5) if len(x) > 1 else 0.0
            rad[k] = _tall(snitt)
            rad[f"{k}_ki_lav"] = _tall(snitt - halv)
            rad[f"{k}_ki_hoy"] = _tall(snitt + halv)
        ut.append(rad)
    return ut


def _tall(x: Any) -> float | None:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if f != f else round(f, 4)


def _sammendrag(r: Any) -> dict[str, Any]:
    """What the page draws: fan-chart series per week and the yearly table (no person-level rows), for
    omsorgsboliger both all housing types together (``*_bolig``) and each type in ``boligtyper``."""
    boligtyper = list(r.boligtyper)
    vifter = {}
    for k in (*VIFTER, *(f"{v}_{tj}" for tj in boligtyper for v in BOLIG_VIFTER)):
        if k not in r.uker.columns:
            continue
        v = r.vifte(k)
        vifter[k] = {
            "dato": [str(d)[:10] for d in v["dato"]],
            **{c: [_tall(x) for x in v[c]] for c in ("snitt", "ki_lav", "ki_hoy", "p5", "p25", "p50", "p75", "p95")},
        }
    kolonner = (*AARSKOLONNER, *(f"{k}_{tj}" for tj in boligtyper for k in BOLIG_AARSKOLONNER))
    # Flats per year (the capacity plan; the same in every replication): mean over the year's weeks.
    plasser_kol = [k for k in ("plasser_bolig", *(f"plasser_{tj}" for tj in boligtyper)) if k in r.uker.columns]
    plasser = r.uker.groupby("aar")[plasser_kol].mean().to_dict("index")
    aar = []
    for _, rad in r.aarstabell().iterrows():
        a = int(rad["aar"])
        aar.append(
            {
                "aar": a,
                **{
                    f"{k}{s}": _tall(rad.get(f"{k}{s}"))
                    for k in kolonner
                    for s in ("", "_ki_lav", "_ki_hoy")
                    if f"{k}{s}" in rad.index
                },
                **{k: _tall(x) for k, x in plasser.get(a, {}).items()},
            }
        )
    return {
        "navn": r.scenario.navn,
        "beskrivelse": r.scenario.beskrivelse,
        "boligtyper": boligtyper,
        "vifter": vifter,
        "aar": aar,
    }


def _jobber(request: Request) -> Scenariojobber:
    return Scenariojobber(request.app.state.fabrikk, request.app.state.koordinator)


def _eksempler() -> dict[str, Path]:
    return {p.name: p for p in sorted(EKSEMPELMAPPE.glob("*.yaml"))}


def _fra_opplasting(navn: str, innhold: bytes) -> Scenario:
    def feil(melding: str, felt: str = "", rad: str = "") -> Inndatafeil:
        return Inndatafeil([Feil(navn, rad, felt, melding)])

    if len(innhold) > MAKS_FIL_BYTES:
        raise feil(f"filen er for stor (grense {MAKS_FIL_BYTES // 1000} kB)")
    try:
        data = yaml.safe_load(innhold.decode("utf-8-sig"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise feil(f"kan ikke lese YAML: {exc}") from None
    if not isinstance(data, dict):
        raise feil("scenariofilen må være et YAML-objekt")
    try:
        sc = Scenario.model_validate(data)
    except ValidationError as exc:
        raise Inndatafeil(
            [Feil(navn, "", ".".join(str(x) for x in e["loc"]), e["msg"]) for e in exc.errors()]
        ) from None
    if sc.befolkningsfil is not None:
        raise feil("befolkningsfil kan ikke brukes i opplastede scenarier; bruk kommandolinjen", "befolkningsfil")
    return sc


def _kort(sc: Scenario, uker: int, replikasjoner: int) -> Scenario:
    return sc.model_copy(
        update={
            "uker": min(uker, sc.antall_uker),
            "oppvarming_uker": min(sc.oppvarming_uker, OPPVARMING_UKER),
            "replikasjoner": min(replikasjoner, sc.replikasjoner),
        }
    )


@ruter.get(
    "/eksempler",
    response_model=list[Objekt],
    summary="Eksempelscenarier",
    description="Scenariofilene i `scenarier/eksempler/`. Planlegger eller leder.",
    responses=_eks(
        [
            {
                "fil": "sandefjord_dagens_kapasitet.yaml",
                "navn": "Sandefjord – dagens kapasitet",
                "beskrivelse": "Referansescenario.",
                "kommune": "sandefjord",
                "startaar": 2026,
                "sluttaar": 2040,
                "endringsaar": [2029, 2033],
            }
        ]
    ),
)
def eksempler(_b: Planlegger) -> list[dict[str, Any]]:
    ut = []
    for fil, sti in _eksempler().items():
        try:
            sc = les_scenario(sti)
        except Scenariofeil:
            continue
        ut.append(
            {
                "fil": fil,
                "navn": sc.navn,
                "beskrivelse": sc.beskrivelse,
                "kommune": sc.kommune,
                "startaar": sc.startaar,
                "sluttaar": sc.sluttaar,
                "endringsaar": sorted({e.fra_aar for e in sc.kapasitetsplan}),
            }
        )
    return ut


@ruter.post(
    "/kjoringer",
    response_model=Objekt,
    status_code=202,
    summary="Kjør ett scenario eller sammenlign to",
    description=(
        "Scenario A (og valgfritt B) som eksempelfil (`a_eksempel`) eller opplastet YAML (`a_fil`). To scenarier "
        "sammenlignes med felles tilfeldige tall. Kort kjøring fra nettsiden: høyst "
        f"{MAKS_UKER} uker og {MAKS_REPLIKASJONER} replikasjoner. Svarer straks; "
        "følg `GET /scenarier/kjoringer/{id}`."
    ),
    responses=_eks(JOBB_EKS | {"status": "queued", "fremdrift": 0.0, "ferdige": 0}, 202),
)
async def start(
    request: Request,
    b: Scenariokjorer,
    a_eksempel: Annotated[str | None, Form(max_length=200)] = None,
    b_eksempel: Annotated[str | None, Form(max_length=200)] = None,
    a_fil: Annotated[UploadFile | None, File(description="Scenariofil A (YAML).")] = None,
    b_fil: Annotated[UploadFile | None, File(description="Scenariofil B (YAML).")] = None,
    uker: Annotated[int, Form(ge=4, le=MAKS_UKER)] = 26,
    replikasjoner: Annotated[int, Form(ge=2, le=MAKS_REPLIKASJONER)] = 3,
) -> JSONResponse:
    eks = _eksempler()
    valgt: list[Scenario] = []
    for bokstav, navn, fil in (("a", a_eksempel, a_fil), ("b", b_eksempel, b_fil)):
        if fil is not None and fil.filename:
            valgt.append(_fra_opplasting(fil.filename, await fil.read(MAKS_FIL_BYTES + 1)))
        elif navn:
            if navn not in eks:
                raise Inndatafeil([Feil("forespørsel", "", f"{bokstav}_eksempel", f"ukjent eksempelfil «{navn}»")])
            valgt.append(les_scenario(eks[navn]))
    if not valgt:
        raise Inndatafeil([Feil("forespørsel", "", "a_eksempel", "velg en eksempelfil eller last opp en scenariofil")])
    jobb = _jobber(request).ny([_kort(s, uker, replikasjoner) for s in valgt], b.navn)
    return JSONResponse(jobb, status_code=202)


Jid = Annotated[int, PathParam(ge=1, le=2**31 - 1)]


@ruter.get(
    "/kjoringer/{jid}",
    response_model=Objekt,
    summary="Status for en scenariokjøring",
    description="Status (queued/running/done/failed), fremdrift 0–1 og antall ferdige replikasjoner.",
    responses=_eks(JOBB_EKS),
)
def status(request: Request, _b: Planlegger, jid: Jid) -> dict[str, Any]:
    return Scenariojobber.ut(_jobber(request).hent(jid))


@ruter.delete(
    "/kjoringer/{jid}",
    response_model=Objekt,
    status_code=202,
    summary="Stopp en scenariokjøring",
    description=(
        "Som for løsejobber: en kjøring i kø avbrytes straks; en som går, stoppes (status blir «cancelled» i løpet "
        "av kort tid). Planlegger eller leder, bare egne kjøringer."
    ),
    responses=_eks(JOBB_EKS | {"status": "running", "avbryt_bedt": True}, 202),
)
def stopp(request: Request, b: Scenariokjorer, jid: Jid) -> JSONResponse:
    j = _jobber(request)
    jobb = j.hent(jid)
    if jobb["bestilt_av"] != b.navn:
        raise HTTPException(403, f"Scenariokjøringen {jid} ble bestilt av en annen; du kan bare stoppe dine egne.")
    if jobb["status"] in TERMINALE:
        raise HTTPException(409, f"Scenariokjøringen {jid} er allerede avsluttet (status «{jobb['status']}»).")
    j.koordinator.avbryt(jid, SCENARIO)
    return JSONResponse(Scenariojobber.ut(j.hent(jid)), status_code=202)


@ruter.get(
    "/kjoringer/{jid}/resultat",
    response_model=Objekt,
    summary="Viftediagrammer og årstabell",
    description=(
        "Per uke: snitt, 95 % KI og 5/25/50/75/95-persentiler over replikasjonene; per år: nøkkeltall. "
        "Omsorgsboliger både samlet (`*_bolig`: venteliste, belegg, p90 ventetid, antall boliger) og per "
        "boligtype i `boligtyper` (f.eks. `venteliste_senterleilighet`, `plasser_senterleilighet`)."
    ),
    responses=_eks(
        {
            "id": 1,
            "scenarier": [
                {
                    "navn": "Sandefjord – dagens kapasitet",
                    "beskrivelse": "",
                    "boligtyper": ["korttidsleilighet", "senterleilighet", "tilrettelagt_bolig"],
                    "vifter": {
                        "venteliste_langtid": {"dato": ["2026-01-05"], "snitt": [4.9], "ki_lav": [2.1]},
                        "venteliste_bolig": {"dato": ["2026-01-05"], "snitt": [27.0], "ki_lav": [24.1]},
                        "venteliste_senterleilighet": {"dato": ["2026-01-05"], "snitt": [20.4], "ki_lav": [18.0]},
                    },
                    "aar": [
                        {
                            "aar": 2026,
                            "venteliste_langtid": 7.2,
                            "venteliste_bolig": 27.9,
                            "belegg_bolig": 0.998,
                            "vent_p90_bolig": 281.0,
                            "plasser_bolig": 214.0,
                            "venteliste_senterleilighet": 20.9,
                            "plasser_senterleilighet": 162.0,
                        }
                    ],
                }
            ],
        }
    ),
)
def resultat(request: Request, _b: Planlegger, jid: Jid) -> dict[str, Any]:
    jobb = _jobber(request).hent(jid)
    if jobb["status"] != "done":
        raise HTTPException(409, f"Scenariokjøringen {jid} er ikke ferdig (status «{jobb['status']}»).")
    return {"id": jid, **jobb["_resultat"]}


@ruter.get(
    "/kjoringer/{jid}/rapport",
    summary="HTML-rapporten",
    description="Den selvstendige HTML-rapporten (plotly innebygd, ingen CDN) som vedlegg.",
    response_class=Response,
    responses=_eks('<!DOCTYPE html><html lang="nb">…</html>', type_="text/html"),
)
def rapport(request: Request, _b: Planlegger, jid: Jid) -> Response:
    j = _jobber(request)
    jobb = j.hent(jid)
    html = j.rapport(jid) if jobb["status"] == "done" else None
    if html is None:
        raise HTTPException(409, f"Scenariokjøringen {jid} har ingen rapport (status «{jobb['status']}»).")
    return Response(
        html,
        media_type="text/html; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="scenariorapport-{jid}.html"'},
    )
