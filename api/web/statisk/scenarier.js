/* Scenarier: run one scenario or compare two (common random numbers), with progress; fan charts with
 * confidence bands (each with a table view), yearly key figures side by side, and the HTML report.
 * Omsorgsboliger: all housing types together next to the institution families, and one housing type at a
 * time (selector) with its own fan charts and yearly table. */
"use strict";
(() => {
  const A = Allokering;
  const $ = (id) => document.getElementById(id);
  const FARGER = ["#0b4f8a", "#b35c00"];
  const NAVN = {
    venteliste_langtid: ["Venteliste langtid", "personer"],
    venteliste_korttid: ["Venteliste korttid", "personer"],
    belegg_langtid: ["Belegg langtid", "prosent"],
    ukp_kostnad_nok: ["UKP-kostnad per uke", "kroner"],
    venteliste_bolig: ["Venteliste omsorgsboliger (alle boligtyper)", "personer"],
    belegg_bolig: ["Belegg omsorgsboliger (alle boligtyper)", "prosent"],
  };
  let jobbId = null;

  function rgba(hex, a) {
    const h = hex.slice(1);
    return `rgba(${parseInt(h.slice(0, 2), 16)},${parseInt(h.slice(2, 4), 16)},${parseInt(h.slice(4, 6), 16)},${a})`;
  }

  async function kjor(e) {
    e.preventDefault();
    const fd = new FormData();
    for (const b of ["a", "b"]) {
      const fil = $(`${b}-fil`).files[0];
      if (fil) fd.append(`${b}_fil`, fil);
      else if ($(`${b}-eksempel`).value) fd.append(`${b}_eksempel`, $(`${b}-eksempel`).value);
    }
    fd.append("uker", $("uker").value);
    fd.append("replikasjoner", $("replikasjoner").value);
    $("kjor").disabled = true;
    $("fremdrift-boks").hidden = false;
    $("resultat").hidden = true;
    try {
      let j = await A.hent("/scenarier/kjoringer", { metode: "POST", kropp: fd });
      jobbId = j.id;
      A.melding(`Scenariokjøring ${j.id} er startet: ${j.scenarier.join(" mot ")}.`);
      while (!["done", "failed", "cancelled"].includes(j.status)) {
        $("fremdrift").value = j.fremdrift;
        $("fase").textContent = `${j.ferdige} av ${j.totalt} simuleringer`;
        await new Promise((r) => setTimeout(r, 500));
        j = await A.hent(`/scenarier/kjoringer/${j.id}`);
      }
      $("fremdrift").value = 1;
      if (j.status !== "done") { A.melding(j.feilmelding || "Simuleringen feilet.", true); $("fase").textContent = j.status === "cancelled" ? "Stoppet" : "Feilet"; return; }
      $("fase").textContent = `Ferdig på ${A.tall(j.sekunder, 1)} s`;
      await vis(await A.hent(`/scenarier/kjoringer/${j.id}/resultat`), j);
      A.melding(`Scenariokjøring ${j.id} er ferdig.`);
    } catch (err) { A.melding(err.message, true); }
    finally { $("kjor").disabled = false; }
  }

  /** Empty a chart container (plotly charts purged first). */
  function tom(boks) {
    for (const el of boks.querySelectorAll(".js-plotly-plot")) window.Plotly.purge(el);
    boks.innerHTML = "";
  }

  /** One fan chart (with its table view) of series k for every scenario that has it; null if none has. */
  /** A series in the unit shown: occupancy as per cent; bounds the quantity cannot pass (0, and 100 % for
   * occupancy) are kept (a normal-approximation interval may otherwise go below zero). */
  function serie(v, k, felt) {
    const prosent = k.startsWith("belegg");
    return (v[felt] || []).map((x) => (x === null || x === undefined ? null
      : Math.max(0, prosent ? Math.min(100, 100 * x) : x)));
  }

  function vifte(boks, scenarier, k, tittel, enhet, replikasjoner) {
    const med = scenarier.filter((s) => s.vifter[k]);
    if (!med.length) return null;
    const spor = [];
    med.forEach((s) => {
      const v = s.vifter[k], f = FARGER[scenarier.indexOf(s) % FARGER.length];
      for (const [lo, hi, a] of [["p5", "p95", 0.15], ["p25", "p75", 0.3]]) {
        spor.push({ type: "scatter", x: v.dato, y: serie(v, k, hi), line: { width: 0 }, showlegend: false, hoverinfo: "skip", legendgroup: s.navn });
        spor.push({ type: "scatter", x: v.dato, y: serie(v, k, lo), fill: "tonexty", fillcolor: rgba(f, a), line: { width: 0 }, showlegend: false, hoverinfo: "skip", legendgroup: s.navn });
      }
      spor.push({ type: "scatter", x: v.dato, y: serie(v, k, "snitt"), line: { color: f, width: 2.5 }, name: s.navn, legendgroup: s.navn });
      spor.push({ type: "scatter", x: v.dato, y: serie(v, k, "ki_hoy"), line: { color: f, dash: "dot", width: 1 }, showlegend: false, legendgroup: s.navn });
      spor.push({ type: "scatter", x: v.dato, y: serie(v, k, "ki_lav"), line: { color: f, dash: "dot", width: 1 }, showlegend: false, legendgroup: s.navn });
    });
    const rader = med[0].vifter[k].dato.map((d, i) => ({ d, i }));
    const kol = [{ navn: "Uke (dato)", verdi: (r) => A.dato(r.d), radhode: true }];
    const des = k.startsWith("belegg") ? 1 : k.startsWith("ukp") ? 0 : 1;
    med.forEach((s) => {
      const v = s.vifter[k], p = scenarier.length > 1 ? `${s.navn}: ` : "";
      const [sn, kl, kh, p5, p95, p25, p75] = ["snitt", "ki_lav", "ki_hoy", "p5", "p95", "p25", "p75"].map((f) => serie(v, k, f));
      kol.push({ navn: `${p}snitt`, verdi: (r) => A.tall(sn[r.i], des), tall: true });
      kol.push({ navn: `${p}usikkerhet i snittet (95 %)`, verdi: (r) => `${A.tall(kl[r.i], des)} – ${A.tall(kh[r.i], des)}`, tall: true });
      kol.push({ navn: `${p}90 % av simuleringene`, verdi: (r) => `${A.tall(p5[r.i], des)} – ${A.tall(p95[r.i], des)}`, tall: true });
      kol.push({ navn: `${p}halvparten av simuleringene`, verdi: (r) => `${A.tall(p25[r.i], des)} – ${A.tall(p75[r.i], des)}`, tall: true });
    });
    return A.diagram(boks, `${tittel} – spredning`, `Per uke: snitt over ${replikasjoner} simuleringer (heltrukken linje), usikkerheten i snittet (95 %, stiplet) og båndene der halvparten og 90 % av simuleringene ligger. Enhet: ${enhet}.`,
      spor, { height: 380, yaxis: { title: { text: enhet === "prosent" ? "%" : enhet }, rangemode: "tozero", ticksuffix: enhet === "prosent" ? " %" : "" }, xaxis: { tickformat: "%-d. %b" }, legend: { orientation: "h", y: -0.2 } }, A.tabell(kol, rader, `${tittel} per uke`));
  }

  async function vis(res, jobb) {
    const boks = $("diagrammer");
    tom(boks);
    $("resultat").hidden = false;
    const harBolig = res.scenarier.some((s) => (s.boligtyper || []).length);
    for (const [k, [tittel, enhet]] of Object.entries(NAVN)) {
      if (k.endsWith("_bolig") && !harBolig) continue;
      vifte(boks, res.scenarier, k, tittel, enhet, jobb.replikasjoner);
    }
    const boligKol = harBolig ? [
      { navn: "Venteliste bolig", verdi: (r) => ki(r, "venteliste_bolig", 1), tall: true },
      { navn: "Belegg bolig", verdi: (r) => ki(r, "belegg_bolig", 3), tall: true },
      { navn: "p90 ventetid bolig (døgn)", verdi: (r) => ki(r, "vent_p90_bolig", 0), tall: true },
    ] : [];
    $("aarstabeller").innerHTML = res.scenarier.map((s) => A.tabell([
      { navn: "År", verdi: (r) => r.aar, radhode: true },
      { navn: "Venteliste langtid", verdi: (r) => ki(r, "venteliste_langtid", 1), tall: true },
      { navn: "Belegg langtid", verdi: (r) => ki(r, "belegg_langtid", 3), tall: true },
      { navn: "p90 ventetid langtid (døgn)", verdi: (r) => ki(r, "vent_p90_langtid", 0), tall: true },
      ...boligKol,
      { navn: "UKP-døgn", verdi: (r) => ki(r, "ukp_dogn", 0), tall: true },
      { navn: "UKP-kostnad (kr)", verdi: (r) => ki(r, "ukp_kostnad_nok", 0), tall: true },
    ], s.aar, s.navn)).join("");
    visBoligtyper(res, jobb);
    $("rapport").onclick = async (e) => {
      e.preventDefault();
      try { await A.lastNed(`/scenarier/kjoringer/${jobbId}/rapport`, `scenariorapport-${jobbId}.html`); A.melding("Rapporten er lastet ned."); }
      catch (err) { A.melding(err.message, true); }
    };
    visForskjeller(res);
    A.csvKnapper($("resultat"), `scenario-${jobbId}`);
    document.body.dataset.scenarioKlar = String(jobbId);
  }

  /** The housing-type selector: every type any compared scenario has; the one with most flats first. */
  function visBoligtyper(res, jobb) {
    const plasser = (t) => Math.max(0, ...res.scenarier.map((s) => (s.aar[0] || {})[`plasser_${t}`] || 0));
    const typer = [...new Set(res.scenarier.flatMap((s) => s.boligtyper || []))]
      .sort((a, b) => plasser(b) - plasser(a) || A.tjeneste(a).localeCompare(A.tjeneste(b), "nb"));
    tom($("bolig-diagrammer"));
    $("bolig-aarstabeller").innerHTML = "";
    $("boligtyper").hidden = !typer.length;
    $("boligtype").innerHTML = typer.map((t) => `<option value="${A.esc(t)}">${A.esc(A.tjeneste(t))}</option>`).join("");
    $("boligtype").onchange = () => visBoligtype(res, jobb, $("boligtype").value);
    if (typer.length) visBoligtype(res, jobb, typer[0]);
  }

  /** One housing type: waiting list and occupancy per week, and flats, waiting list, occupancy and p90 wait per year. */
  function visBoligtype(res, jobb, tj) {
    const navn = A.tjeneste(tj);
    const boks = $("bolig-diagrammer");
    tom(boks);
    vifte(boks, res.scenarier, `venteliste_${tj}`, `Venteliste – ${navn}`, "personer", jobb.replikasjoner);
    vifte(boks, res.scenarier, `belegg_${tj}`, `Belegg – ${navn}`, "prosent", jobb.replikasjoner);
    $("bolig-aar-tittel").textContent = `Nøkkeltall per år – ${navn} (snitt og 95 % konfidensintervall)`;
    $("bolig-aarstabeller").innerHTML = res.scenarier.map((s) => (s.boligtyper || []).includes(tj) ? A.tabell([
      { navn: "År", verdi: (r) => r.aar, radhode: true },
      { navn: "Boliger", verdi: (r) => A.tall(r[`plasser_${tj}`], 0), tall: true },
      { navn: "Venteliste", verdi: (r) => ki(r, `venteliste_${tj}`, 1), tall: true },
      { navn: "Belegg", verdi: (r) => ki(r, `belegg_${tj}`, 3), tall: true },
      { navn: "p90 ventetid (døgn)", verdi: (r) => ki(r, `vent_p90_${tj}`, 0), tall: true },
    ], s.aar, `${s.navn} – ${navn}`) : `<p>${A.esc(s.navn)}: ingen boliger av typen «${A.esc(navn)}».</p>`).join("");
    A.csvKnapper($("resultat"), `scenario-${jobbId}`);
    document.body.dataset.boligtype = tj;
  }

  /** B − A per year, paired within each simulation (common random numbers), with a 95 % confidence interval. */
  function visForskjeller(res) {
    const f = res.forskjeller || [];
    $("forskjeller-seksjon").hidden = !f.length;
    if (!f.length) { $("forskjeller").innerHTML = ""; return; }
    const diff = (r, k, des, prosent = false) => {
      if (r[k] === undefined || r[k] === null) return "–";
      const s = (x) => { const v = prosent ? 100 * x : x; return `${v > 0 ? "+" : v < 0 ? "−" : ""}${A.tall(Math.abs(v), des)}`; };
      const e = prosent ? " %-poeng" : "";
      return `${s(r[k])}${e} (${s(r[`${k}_ki_lav`])} – ${s(r[`${k}_ki_hoy`])})`;
    };
    $("forskjeller").innerHTML = A.tabell([
      { navn: "År", verdi: (r) => r.aar, radhode: true },
      { navn: "Venteliste langtid", verdi: (r) => diff(r, "venteliste_langtid", 1), tall: true },
      { navn: "Venteliste korttid", verdi: (r) => diff(r, "venteliste_korttid", 1), tall: true },
      { navn: "Belegg langtid", verdi: (r) => diff(r, "belegg_langtid", 1, true), tall: true },
      { navn: "UKP-døgn", verdi: (r) => diff(r, "ukp_dogn", 0), tall: true },
      { navn: "UKP-kostnad (kr)", verdi: (r) => diff(r, "ukp_kostnad_nok", 0), tall: true },
    ], f, `${res.scenarier[1].navn} minus ${res.scenarier[0].navn}`);
  }

  /** A yearly value with its 95 % interval, never below 0; occupancy in per cent, never above 100. */
  const ki = (r, k, des) => {
    if (r[k] === undefined || r[k] === null) return "–";
    const prosent = k.startsWith("belegg");
    const f = (x) => (x === null || x === undefined ? null : Math.max(0, prosent ? Math.min(100, 100 * x) : x));
    const d = prosent ? 1 : des;
    const e = prosent ? "\u00a0%" : "";
    return `${A.tall(f(r[k]), d)}${e} (${A.tall(f(r[`${k}_ki_lav`]), d)} – ${A.tall(f(r[`${k}_ki_hoy`]), d)}${e})`;
  };

  let eksempler = [];
  const MAKS_UKER = Number(document.getElementById("uker")?.max || 104);

  /** The default horizon covers every capacity change in the chosen example files (up to what the web page may
   * run); when the changes lie beyond it, say so: the results would be the same for A and B. */
  function sjekkHorisont(settStandard) {
    const valgt = ["a-eksempel", "b-eksempel"].map((id) => eksempler.find((x) => x.fil === $(id).value)).filter(Boolean);
    const aar = [...new Set(valgt.flatMap((x) => x.endringsaar || []))].sort();
    const start = Math.min(...valgt.map((x) => x.startaar));
    const trengs = aar.length ? Math.ceil((aar[aar.length - 1] - start) * 52.18) + 8 : 0;
    if (settStandard && trengs) $("uker").value = String(Math.max(26, Math.min(MAKS_UKER, trengs)));
    const uker = Number($("uker").value);
    const utenfor = aar.filter((a) => Math.ceil((a - start) * 52.18) >= uker);
    $("horisont-advarsel").textContent = utenfor.length
      ? `Kapasitetsendringene fra ${utenfor.join(" og ")} kommer etter de ${uker} ukene som simuleres (fra ${start}). `
        + "Resultatene viser derfor ikke virkningen av dem, og A og B kan bli like. "
        + (trengs > MAKS_UKER ? `Nettsiden kan simulere høyst ${MAKS_UKER} uker; kjør hele horisonten med «allokering scenario run».` : "Øk antall uker.")
      : "";
  }

  document.addEventListener("DOMContentLoaded", async () => {
    if (!A.bruker || !A.harTilgang()) return;
    try {
      eksempler = await A.hent("/scenarier/eksempler");
      const valg = eksempler.map((x) => `<option value="${A.esc(x.fil)}">${A.esc(x.navn)}</option>`).join("");
      $("a-eksempel").innerHTML = valg;
      $("b-eksempel").innerHTML = '<option value="">Ingen sammenligning</option>' + valg;
      sjekkHorisont(true);
    } catch (e) { A.melding(e.message, true); }
    for (const id of ["a-eksempel", "b-eksempel"]) $(id).addEventListener("change", () => sjekkHorisont(true));
    $("uker").addEventListener("change", () => sjekkHorisont(false));
    $("scenario-skjema").addEventListener("submit", kjor);
  });
})();
