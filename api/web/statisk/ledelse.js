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
    const [belegg, rf, nt] = await Promise.all([
      A.hent(`/dashbord/belegg?kjoring_id=${k.id}&steg=1`),
      A.hent(`/dashbord/rettferdighet?kjoring_id=${k.id}`),
      A.hent(`/dashbord/nokkeltall?sak_id=${sakId}`),
    ]);
    if (g !== generasjon) return;
    // headline figures and trends from the meeting's decisions over time; then the current plan's charts
    nokkeltall(boks, nt);
    ventelistePerUke(boks, nt);
    beleggPerUke(boks, nt);
    ukpPerUke(boks, nt);
    beleggKart(boks, belegg);
    ventetidPerTjeneste(boks, nt);
    for (const d of rf.dimensjoner) rettferdighet(boks, rf, d);
    A.csvKnapper(boks, `ledelse-sak-${sakId}`);
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

  const PLASSTYPE = (p) => ({ langtid_somatisk: "Langtid somatisk", langtid_skjermet: "Langtid skjermet", korttid: "Korttid",
    avlastning: "Avlastning", koh: "KØH" }[p] || A.tjeneste(p));
  const FARGER = [BLA, ORANSJE, GRONN, LILLA, "#8c2d04", "#01665e", "#525252", "#c51b7d", "#35978f", "#4d004b", "#7f3b08"];
  const ukeNavn = (u) => `Uke ${Number(u.uke.split("-U")[1])} (${A.dato(u.dato)})`;
  const dogn = (x) => (x === null || x === undefined ? "skjult" : A.tall(x));

  /** Headline figures first, all from the meeting's decisions: waiting now and the change from last week, UKP
   * this month and this year, waits per service, occupancy per place type. */
  function nokkeltall(boks, nt) {
    const s = document.createElement("section");
    s.className = "kort";
    s.id = "nokkeltall";
    s.setAttribute("aria-labelledby", "nokkeltall-tittel");
    const trend = nt.trend;
    const forrige = trend.length > 1 ? trend[trend.length - 2].venteliste : null;
    const naa = nt.venter_naa;
    const endring = forrige === null ? "" : naa === forrige ? "uendret fra forrige uke" : `${naa > forrige ? "+" : "−"}${A.tall(Math.abs(naa - forrige))} fra forrige uke`;
    const plan = nt.plan ? `Gjeldende plan (kjøring ${nt.plan.kjoring_id}): ${A.tall(nt.plan.venteliste)} på venteliste, ${A.tall(nt.plan.ukp_dogn)} UKP-døgn (${A.tall(nt.plan.ukp_kostnad_nok)}\u00a0kr) i planperioden.` : "Saken har ingen ferdig kjøring.";
    s.innerHTML = `<h2 id="nokkeltall-tittel">Nøkkeltall</h2>
      <p class="hjelp">Fra møtets vedtak over tid (${A.tall(nt.beslutninger)} beslutninger, ${A.tall(nt.ferdigbehandlede_moter)} ferdigbehandlede møter), per ${A.dato(nt.dato)}. ${A.esc(plan)}</p>
      <ul class="nokkeltall">
        <li><span class="tall-stort">${A.tall(naa)}</span> venter på plass nå <span class="hjelp">(gjeldende vedtak «venteliste»${endring ? `; ${A.esc(endring)}` : ""})</span></li>
        <li><span class="tall-stort">${A.tall(nt.ukp.denne_maaned.kostnad_nok)}\u00a0kr</span> UKP denne måneden <span class="hjelp">(${A.tall(nt.ukp.denne_maaned.dogn)} døgn à ${A.tall(nt.ukp.dognpris_nok)}\u00a0kr)</span></li>
        <li><span class="tall-stort">${A.tall(nt.ukp.hittil_i_aar.kostnad_nok)}\u00a0kr</span> UKP hittil i år <span class="hjelp">(${A.tall(nt.ukp.hittil_i_aar.dogn)} døgn)</span></li>
      </ul>
      <div class="side-om-side">
        ${A.tabell([
          { navn: "Tjeneste", verdi: (r) => A.tjeneste(r.tjeneste), radhode: true },
          { navn: "Venter", verdi: (r) => A.tall(r.venter), tall: true },
          { navn: "Median (døgn)", verdi: (r) => dogn(r.median_dager), tall: true },
          { navn: "p90 (døgn)", verdi: (r) => dogn(r.p90_dager), tall: true },
        ], nt.ventetid, `Ventetid så langt per tjeneste (p90: 9 av 10 har ventet kortere; skjult når færre enn ${nt.min_gruppe} venter)`)}
        ${A.tabell([
          { navn: "Plasstype", verdi: (r) => PLASSTYPE(r.plasstype), radhode: true },
          { navn: "Plasser", verdi: (r) => A.tall(r.plasser), tall: true },
          { navn: "Belagt", verdi: (r) => A.tall(r.belagt), tall: true },
          { navn: "Belegg", verdi: (r) => A.prosent(r.andel), tall: true },
        ], nt.belegg, `Belegg per plasstype ${A.dato(nt.dato)}`)}
      </div>`;
    boks.appendChild(s);
  }

  const ukeAkse = { title: { text: "uke (siste dag)" }, type: "date", tickformat: "%-d. %b", dtick: 7 * 86400000 };
  const bunnForklaring = { orientation: "h", y: -0.3 };
  /** A count or day axis: whole numbers only (a small range would otherwise get ticks at 0,2 shown as «0»). */
  const heltall = (tittel, verdier) => ({ title: { text: tittel }, rangemode: "tozero", tickformat: ",d",
    ...(Math.max(0, ...verdier.filter((v) => v !== null && v !== undefined)) <= 8 ? { dtick: 1 } : {}) });

  function ventelistePerUke(boks, nt) {
    const trend = nt.trend;
    const tjenester = [...new Set(trend.flatMap((u) => Object.keys(u.per_tjeneste)))].sort();
    const x = trend.map((u) => u.dato);
    const spor = [
      { type: "scatter", mode: "lines+markers", name: "Alle", x, y: trend.map((u) => u.venteliste), line: { color: "#1a1a1a", width: 3 } },
      ...tjenester.map((tj, i) => ({ type: "scatter", mode: "lines+markers", name: A.tjeneste(tj), x,
        y: trend.map((u) => (u.per_tjeneste[tj] || { venter: 0 }).venter), line: { color: FARGER[i % FARGER.length], width: 2 } })),
    ];
    const tabell = A.tabell([
      { navn: "Uke", verdi: ukeNavn, radhode: true },
      { navn: "Alle", verdi: (u) => A.tall(u.venteliste), tall: true },
      ...tjenester.map((tj) => ({ navn: A.tjeneste(tj), verdi: (u) => A.tall((u.per_tjeneste[tj] || { venter: 0 }).venter), tall: true })),
      { navn: "Tildelt plass", verdi: (u) => A.tall(u.tildelt), tall: true },
    ], trend, "Personer med venteliste som gjeldende vedtak ved slutten av hver uke");
    A.diagram(boks, "Ventelisten per uke", "Hvor mange som hadde venteliste som gjeldende vedtak fra tildelingsmøtet ved slutten av hver uke (de siste åtte ukene; denne uken per i dag), i alt og per tjeneste.",
      spor, { height: 360, xaxis: ukeAkse, yaxis: heltall("personer", spor.flatMap((s) => s.y)), legend: bunnForklaring }, tabell);
  }

  function beleggPerUke(boks, nt) {
    const trend = nt.trend;
    const typer = Object.keys(nt.trend.length ? nt.trend[0].belegg : {});
    const x = trend.map((u) => u.dato);
    const spor = typer.map((p, i) => ({ type: "scatter", mode: "lines+markers", name: PLASSTYPE(p), x,
      y: trend.map((u) => (u.belegg[p].andel === null ? null : Math.round(1000 * u.belegg[p].andel) / 10)), line: { color: FARGER[i % FARGER.length] },
      hovertemplate: "%{y:.1f} %<extra>%{fullData.name}</extra>" }));
    const tabell = A.tabell([
      { navn: "Uke", verdi: ukeNavn, radhode: true },
      ...typer.map((p) => ({ navn: PLASSTYPE(p), verdi: (u) => A.prosent(u.belegg[p].andel), tall: true })),
    ], trend, "Belegg per plasstype ved slutten av hver uke");
    const maks = Math.max(100, ...trend.flatMap((u) => typer.map((p) => 100 * (u.belegg[p].andel || 0))));
    A.diagram(boks, "Belegg per plasstype per uke", "Andel av plassene som er belagt: nåværende opphold som fortsatt varer, pluss tildelte plasser som har startet etter møtets vedtak.",
      spor, { height: 360, xaxis: ukeAkse, yaxis: { title: { text: "belegg" }, range: [0, Math.ceil(maks / 10) * 10], ticksuffix: "\u00a0%" }, legend: bunnForklaring }, tabell);
  }

  function ukpPerUke(boks, nt) {
    const trend = nt.trend;
    const x = trend.map((u) => u.dato);
    const pris = nt.ukp.dognpris_nok;
    const spor = [
      { type: "bar", name: "UKP-døgn", x, y: trend.map((u) => u.ukp_dogn), marker: { color: BLA }, hovertemplate: "%{y} døgn<extra></extra>" },
      { type: "scatter", mode: "lines+markers", name: "Kostnad", x, y: trend.map((u) => u.ukp_dogn * pris), yaxis: "y2", line: { color: ORANSJE, width: 3 },
        hovertemplate: "%{y:,.0f}\u00a0kr<extra></extra>" },
    ];
    const tabell = A.tabell([
      { navn: "Uke", verdi: ukeNavn, radhode: true },
      { navn: "UKP-døgn", verdi: (u) => A.tall(u.ukp_dogn), tall: true },
      { navn: "Kostnad", verdi: (u) => `${A.tall(u.ukp_dogn * pris)}\u00a0kr`, tall: true },
    ], trend, `UKP-døgn og kostnad per uke (${A.tall(pris)}\u00a0kr per døgn)`);
    A.diagram(boks, "UKP-døgn og kostnad per uke", "Døgn utskrivningsklare pasienter ventet i sykehus uten startet kommunal plass (etter møtets vedtak), og kommunens kostnad.",
      spor, { height: 360, xaxis: ukeAkse, yaxis: heltall("døgn", spor[0].y),
        yaxis2: { title: { text: "kostnad" }, overlaying: "y", side: "right", rangemode: "tozero", tickformat: ",.0f", ticksuffix: "\u00a0kr" },
        margin: { t: 20, r: 110, b: 60, l: 60 }, legend: bunnForklaring }, tabell);
  }

  function ventetidPerTjeneste(boks, nt) {
    const t = nt.ventetid;
    const x = t.map((r) => A.tjeneste(r.tjeneste));
    const spor = [
      { type: "bar", name: "Median", x, y: t.map((r) => r.median_dager), marker: { color: BLA } },
      { type: "bar", name: "p90", x, y: t.map((r) => r.p90_dager), marker: { color: ORANSJE } },
    ];
    const tjenester = t.map((r) => r.tjeneste);
    const tabell = A.tabell([
      { navn: "Uke", verdi: ukeNavn, radhode: true },
      ...tjenester.flatMap((tj) => [
        { navn: `${A.tjeneste(tj)}: median`, verdi: (u) => dogn((u.per_tjeneste[tj] || {}).median_dager), tall: true },
        { navn: `${A.tjeneste(tj)}: p90`, verdi: (u) => dogn((u.per_tjeneste[tj] || {}).p90_dager), tall: true },
      ]),
    ], nt.trend, "Ventetid i døgn per tjeneste ved slutten av hver uke (median og p90)");
    A.diagram(boks, "Ventetid per tjeneste", `Døgn ventet så langt (fra søknadsdato) for dem med venteliste som gjeldende vedtak nå: median og p90. Tjenester der færre enn ${nt.min_gruppe} venter, vises ikke. Tabellen har tallene per uke.`,
      spor, { barmode: "group", height: 340, yaxis: heltall("døgn", spor.flatMap((s) => s.y)), xaxis: { type: "category" }, legend: bunnForklaring }, tabell);
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
