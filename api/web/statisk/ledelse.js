/* Ledelse: aggregated dashboards only (occupancy, waiting list and waits, UKP, fairness). Every chart has
 * a table view of its data. */
"use strict";
(() => {
  const A = Allokering;
  const $ = (id) => document.getElementById(id);
  const BLA = "#0b4f8a", ORANSJE = "#b35c00", GRONN = "#1d6b2f", LILLA = "#6a3d9a";

  let generasjon = 0;

  async function last() {
    const g = ++generasjon;
    const sakId = $("sak").value;
    if (!sakId) return;
    sessionStorage.setItem("allokering.sak", sakId);
    const boks = $("diagrammer");
    boks.innerHTML = "";
    const kj = (await A.hent(`/kjoringer?sak_id=${sakId}&status=done&per_side=20`)).elementer;
    if (g !== generasjon) return;
    if (!kj.length) {
      $("kjoring-info").textContent = "Saken har ingen ferdige kjøringer ennå.";
      document.body.dataset.klar = "1";
      return;
    }
    const k = kj[0];
    $("kjoring-info").textContent = `Siste kjøring ${k.id} (${A.dato(k.ferdig || k.opprettet)}). Bare aggregerte tall: ingen navn eller id-er for søkere.`;
    const [belegg, vl, vt, ukp, rf, nt] = await Promise.all([
      A.hent(`/dashbord/belegg?kjoring_id=${k.id}&steg=1`),
      A.hent(`/dashbord/venteliste?kjoring_id=${k.id}`),
      A.hent(`/dashbord/ventetid?kjoring_id=${k.id}`),
      A.hent(`/dashbord/ukp?sak_id=${sakId}`),
      A.hent(`/dashbord/rettferdighet?kjoring_id=${k.id}`),
      A.hent(`/dashbord/nokkeltall?sak_id=${sakId}`),
    ]);
    if (g !== generasjon) return;
    nokkeltall(boks, nt);
    beleggKart(boks, belegg);
    ventelisteOverTid(boks, nt.trend);
    ventetider(boks, vt, vl);
    ukpDiagram(boks, ukp);
    for (const d of rf.dimensjoner) rettferdighet(boks, rf, d);
    document.body.dataset.klar = "1";
  }

  function beleggKart(boks, b) {
    const enheter = b.enheter;
    const datoer = enheter.length ? enheter[0].dager.map((d) => d.dato) : [];
    const y = enheter.map((e) => `${e.navn} (${e.kapasitet})`);
    const z = enheter.map((e) => e.dager.map((d) => (d.belegg === null ? null : Math.round(100 * d.belegg))));
    const tabell = A.tabell([
      { navn: "Enhet", verdi: (e) => `${e.navn} (${e.kapasitet} plasser)`, radhode: true },
      ...datoer.map((d, i) => ({ navn: A.dato(d), verdi: (e) => `${e.dager[i].belagt}`, tall: true })),
    ], enheter, "Belagte plasser per enhet og dag");
    A.diagram(boks, "Belegg per enhet over tid", `Andel belagte plasser per enhet og dag i planperioden (nåværende opphold pluss foreslåtte tildelinger), ${enheter.length} enheter. Fargene skiller mellom 70 % (lys) og 100 % (mørk rød); lavere belegg vises lyst.`,
      [{ type: "heatmap", x: datoer, y, z, zmin: 70, zmax: 100, colorscale: "YlOrRd", reversescale: true, colorbar: { title: { text: "belegg %" }, ticksuffix: " %" },
        hovertemplate: "%{y}<br>%{x}: %{z} %<extra></extra>" }],
      { height: Math.max(320, 22 * enheter.length + 100), margin: { l: 320, t: 10, r: 20, b: 60 }, yaxis: { automargin: true, autorange: "reversed" } }, tabell);
  }

  /** Headline figures first: waiting now and the weekly trend, waits, occupancy per place type, UKP. */
  function nokkeltall(boks, nt) {
    const s = document.createElement("section");
    s.className = "kort";
    s.id = "nokkeltall";
    s.setAttribute("aria-labelledby", "nokkeltall-tittel");
    const trend = nt.trend;
    const forrige = trend.length > 1 ? trend[trend.length - 2].venteliste : null;
    const naa = trend.length ? trend[trend.length - 1].venteliste : null;
    const endring = forrige === null ? "" : naa === forrige ? "uendret fra forrige uke" : `${naa > forrige ? "+" : "−"}${A.tall(Math.abs(naa - forrige))} fra forrige uke`;
    const PLASSTYPE = (p) => p.replaceAll("_", " ");
    s.innerHTML = `<h2 id="nokkeltall-tittel">Nøkkeltall</h2>
      <ul class="nokkeltall">
        <li><span class="tall-stort">${A.tall(nt.venter_naa)}</span> venter på plass nå <span class="hjelp">(kjøring ${nt.kjoring_id}${endring ? `; ventelistevedtak ${A.esc(endring)}` : ""})</span></li>
        <li><span class="tall-stort">${A.tall(nt.ukp.plan_dogn)}</span> UKP-døgn i gjeldende plan <span class="hjelp">(${A.tall(nt.ukp.plan_kostnad_nok)} kr)</span></li>
        <li><span class="tall-stort">${A.tall(nt.ukp.denne_maaned.kostnad_nok)} kr</span> UKP denne måneden <span class="hjelp">(${A.tall(nt.ukp.denne_maaned.dogn)} døgn i ${A.tall(nt.ukp.denne_maaned.planer)} ferdigbehandlede planer)</span></li>
        <li><span class="tall-stort">${A.tall(nt.ukp.hittil_i_aar.kostnad_nok)} kr</span> UKP hittil i år <span class="hjelp">(${A.tall(nt.ukp.hittil_i_aar.dogn)} døgn i ${A.tall(nt.ukp.hittil_i_aar.planer)} ferdigbehandlede planer)</span></li>
      </ul>
      <div class="side-om-side">
        ${A.tabell([
          { navn: "Tjeneste", verdi: (r) => A.tjeneste(r.tjeneste), radhode: true },
          { navn: "Venter", verdi: (r) => A.tall(r.antall), tall: true },
          { navn: "Median (døgn)", verdi: (r) => A.tall(r.median_dager), tall: true },
          { navn: "p90 (døgn)", verdi: (r) => A.tall(r.p90_dager), tall: true },
        ], nt.ventetid, "Ventetid så langt per tjeneste (p90: 9 av 10 har ventet kortere)")}
        ${A.tabell([
          { navn: "Plasstype", verdi: (r) => PLASSTYPE(r.plasstype), radhode: true },
          { navn: "Plasser", verdi: (r) => A.tall(r.plasser), tall: true },
          { navn: "Belagt", verdi: (r) => A.tall(r.belagt), tall: true },
          { navn: "Belegg", verdi: (r) => A.prosent(r.andel), tall: true },
        ], nt.belegg, `Belegg per plasstype ${A.dato(nt.startdato)}`)}
      </div>`;
    boks.appendChild(s);
  }

  function ventelisteOverTid(boks, trend) {
    const x = trend.map((u) => u.fra);
    const spor = [
      { type: "scatter", mode: "lines+markers", name: "På venteliste", x, y: trend.map((u) => u.venteliste), line: { color: BLA, width: 3 } },
      { type: "scatter", mode: "lines+markers", name: "Tildelt plass", x, y: trend.map((u) => u.tildelt), line: { color: GRONN } },
    ];
    const tabell = A.tabell([
      { navn: "Uke", verdi: (u) => `Uke ${Number(u.uke.split("-U")[1])} (fra ${A.dato(u.fra)})`, radhode: true },
      { navn: "På venteliste", verdi: (u) => A.tall(u.venteliste), tall: true },
      { navn: "Tildelt plass", verdi: (u) => A.tall(u.tildelt), tall: true },
    ], trend, "Møtets gjeldende beslutninger ved slutten av hver uke");
    A.diagram(boks, "Ventelisten per uke", "Hvor mange som hadde venteliste eller tildelt plass som gjeldende beslutning fra tildelingsmøtet ved slutten av hver uke (de siste åtte ukene).",
      spor, { height: 340, xaxis: { title: { text: "uke" }, tickformat: "%-d. %b", dtick: 7 * 86400000 }, yaxis: { title: { text: "personer" }, rangemode: "tozero" }, legend: { orientation: "h", y: -0.25 } }, tabell);
  }

  function ventetider(boks, vt, vl) {
    const t = vt.tjenester;
    const x = t.map((r) => A.tjeneste(r.tjeneste));
    const spor = [
      { type: "bar", name: "Venter nå: snitt dager", x, y: t.map((r) => r.venter_naa.gjennomsnitt), marker: { color: BLA } },
      { type: "bar", name: "Venter nå: lengst", x, y: t.map((r) => r.venter_naa.maks), marker: { color: ORANSJE } },
      { type: "bar", name: "Søknad til plass: snitt dager", x, y: t.map((r) => r.tid_til_plass.gjennomsnitt), marker: { color: GRONN } },
    ];
    const tabell = A.tabell([
      { navn: "Tjeneste", verdi: (r) => A.tjeneste(r.tjeneste), radhode: true },
      { navn: "På venteliste", verdi: (r) => r.venter_naa.antall, tall: true },
      { navn: "Ventet, snitt", verdi: (r) => A.tall(r.venter_naa.gjennomsnitt, 1), tall: true },
      { navn: "Ventet, median", verdi: (r) => A.tall(r.venter_naa.median), tall: true },
      { navn: "Ventet, lengst", verdi: (r) => A.tall(r.venter_naa.maks), tall: true },
      { navn: "Får plass", verdi: (r) => r.tid_til_plass.antall, tall: true },
      { navn: "Søknad til plass, snitt", verdi: (r) => A.tall(r.tid_til_plass.gjennomsnitt, 1), tall: true },
    ], t, `Ventetider i døgn (siste kjøring; ${vl.totalt} på venteliste)`);
    A.diagram(boks, "Ventetider per tjeneste", "Dager ventet så langt for dem på ventelisten, og dager fra søknad til plass for dem som får plass.",
      spor, { barmode: "group", height: 360, yaxis: { title: { text: "døgn" } } }, tabell);
  }

  function ukpDiagram(boks, ukp) {
    const r = ukp.kjoringer;
    const x = r.map((k) => `${k.kjoring_id}`);
    const spor = [
      { type: "bar", name: "UKP-døgn", x, y: r.map((k) => k.ukp_dogn), marker: { color: BLA } },
      { type: "scatter", mode: "lines+markers", name: "Kostnad (kr)", x, y: r.map((k) => k.kostnad_nok), yaxis: "y2", line: { color: LILLA } },
    ];
    const tabell = A.tabell([
      { navn: "Kjøring", verdi: (k) => `${k.kjoring_id} (${A.dato(k.tidspunkt)})`, radhode: true },
      { navn: "UKP-døgn", verdi: (k) => A.tall(k.ukp_dogn), tall: true },
      { navn: "Kostnad (kr)", verdi: (k) => A.tall(k.kostnad_nok), tall: true },
    ], r, "Utskrivningsklare pasienter: døgn i sykehus og kostnad per kjøring");
    A.diagram(boks, "UKP-døgn og kostnad", "Døgn utskrivningsklare pasienter venter i sykehus i planperioden, og kommunens kostnad, per kjøring.",
      spor, { height: 340, xaxis: { title: { text: "kjøring" }, type: "category" }, yaxis: { title: { text: "døgn" }, rangemode: "tozero" },
        yaxis2: { title: { text: "kroner" }, overlaying: "y", side: "right", rangemode: "tozero", tickformat: ",.0f", ticksuffix: " kr" }, legend: { orientation: "h", y: -0.25 } }, tabell);
  }

  function rettferdighet(boks, rf, d) {
    const synlige = d.grupper.filter((g) => !g.skjult);
    const spor = [
      { type: "bar", name: "Andel tildelt", x: synlige.map((g) => g.gruppe), y: synlige.map((g) => 100 * g.andel_tildelt), marker: { color: BLA } },
      { type: "scatter", mode: "lines", name: "Alle søkere", x: synlige.map((g) => g.gruppe), y: synlige.map(() => 100 * (rf.andel_tildelt || 0)), line: { color: ORANSJE, dash: "dash" } },
    ];
    const tabell = A.tabell([
      { navn: d.dimensjon[0].toUpperCase() + d.dimensjon.slice(1), verdi: (g) => g.gruppe, radhode: true },
      { navn: "Kvalifiserte", verdi: (g) => (g.skjult ? "skjult" : g.kvalifiserte), tall: true },
      { navn: "Tildelt", verdi: (g) => (g.skjult ? "skjult" : g.tildelt), tall: true },
      { navn: "Andel tildelt", verdi: (g) => (g.skjult ? "skjult" : A.prosent(g.andel_tildelt)), tall: true },
      { navn: "Relativt til alle", verdi: (g) => (g.skjult ? "skjult" : A.tall(g.relativ, 2)), tall: true },
      { navn: "Snitt prioritet (vurdert behov)", verdi: (g) => (g.skjult ? "skjult" : A.tall(g.snitt_prioritet, 1)), tall: true },
    ], d.grupper, rf.skjult ? `Tildelingsandel etter ${d.dimensjon} (alle: skjult, færre enn ${rf.min_gruppe} søkere)`
      : `Tildelingsandel etter ${d.dimensjon} (alle: ${A.prosent(rf.andel_tildelt)} av ${A.tall(rf.kvalifiserte)})`);
    A.diagram(boks, `Likebehandling etter ${d.dimensjon}`,
      `Andelen søkere med kvalifiserende vurdert behov som får plass, per ${d.dimensjon}, mot andelen for alle (stiplet). Høyeste behov går foran, så se andelen sammen med snittprioriteten. Grupper med færre enn ${rf.min_gruppe} søkere (i alt eller for én tjeneste) er skjult, og så mange til at ingen skjult gruppe kan regnes ut fra totalen${synlige.length ? "" : "; her er derfor alle gruppene skjult"}.`,
      spor, { height: 320, yaxis: { title: { text: "prosent tildelt" }, range: [0, 100] }, xaxis: { type: "category" } }, tabell);
  }

  document.addEventListener("DOMContentLoaded", async () => {
    if (!A.bruker || !A.harTilgang()) return;
    $("sak").addEventListener("change", () => last().catch((e) => A.melding(e.message, true)));
    try {
      A.fyllSaker($("sak"), await A.saker(), sessionStorage.getItem("allokering.sak"));
      await last();
    } catch (e) { A.melding(e.message, true); }
  });
})();
