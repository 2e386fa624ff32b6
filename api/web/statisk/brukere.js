/* Brukere (admin): create users, change role and team, deactivate and activate again. Every change is logged
 * by the API. Feedback lands next to the form or under the list, in a live region. */
"use strict";
(() => {
  const A = Allokering;
  const $ = (id) => document.getElementById(id);
  const ROLLER = [["saksbehandler", "Saksbehandler"], ["planlegger", "Planlegger"], ["leder", "Leder"], ["admin", "Admin"]];
  let brukere = [];

  function svar(id, tekst, feil = false) { const el = $(id); el.textContent = tekst; el.classList.toggle("feil", feil); }

  async function last() {
    const ut = [];
    for (let side = 1; ; side++) {
      const s = await A.hent(`/brukere?per_side=500&side=${side}`);
      ut.push(...s.elementer);
      if (ut.length >= s.antall || !s.elementer.length) break;
    }
    brukere = ut;
    vis();
  }

  function vis() {
    const team = [...new Set(brukere.map((b) => b.team))].sort((a, b) => a.localeCompare(b, "nb"));
    $("team-liste").innerHTML = team.map((t) => `<option value="${A.esc(t)}">`).join("");
    $("brukerliste").innerHTML = A.tabell([
      { navn: "Bruker", verdi: (b) => b.navn, radhode: true },
      { navn: "Rolle", html: (b) => `<label class="skjult" for="rolle-${b.id}">Rolle for ${A.esc(b.navn)}</label>`
        + `<select id="rolle-${b.id}" data-id="${b.id}" class="rolle">${ROLLER.map(([v, n]) => `<option value="${v}"${v === b.rolle ? " selected" : ""}>${n}</option>`).join("")}</select>` },
      { navn: "Team", html: (b) => `<form class="team" data-id="${b.id}"><label class="skjult" for="team-${b.id}">Team for ${A.esc(b.navn)}</label>`
        + `<input id="team-${b.id}" value="${A.esc(b.team)}" list="team-liste" maxlength="100"> <button type="submit" class="sekundaer">Lagre team</button></form>` },
      { navn: "Status", verdi: (b) => (b.aktiv ? "Aktiv" : `Deaktivert ${A.dato(b.deaktivert)} av ${b.deaktivert_av || "–"}`) },
      { navn: "Handling", html: (b) => `<button type="button" class="sekundaer aktiv" data-id="${b.id}" data-aktiv="${b.aktiv}">${b.aktiv ? "Deaktiver" : "Aktiver igjen"}</button>` },
    ], brukere, `${brukere.length} brukere`);
  }

  const navn = (id) => (brukere.find((b) => String(b.id) === String(id)) || { navn: id }).navn;

  async function endre(sti, metode, kropp, tekst) {
    try {
      await A.hent(sti, { metode, kropp });
      await last();
      svar("liste-melding", tekst);
    } catch (e) { svar("liste-melding", e.message, true); await last(); }
  }

  async function opprett(e) {
    e.preventDefault();
    const kropp = { navn: $("ny-navn").value.trim(), rolle: $("ny-rolle").value, passord: $("ny-passord").value };
    const team = $("ny-team").value.trim();
    if (team) kropp.team = team;
    try {
      const b = await A.hent("/brukere", { metode: "POST", kropp });
      $("ny-bruker").reset();
      await last();
      svar("ny-melding", `Brukeren «${b.navn}» er opprettet med rollen ${b.rolle} i teamet «${b.team}».`);
    } catch (err) { svar("ny-melding", `Brukeren ble ikke opprettet: ${err.message}`, true); }
  }

  document.addEventListener("DOMContentLoaded", async () => {
    if (!A.bruker || !A.harTilgang()) return;
    $("ny-bruker").addEventListener("submit", opprett);
    $("brukerliste").addEventListener("change", (e) => {
      const s = e.target.closest("select.rolle");
      if (s) endre(`/brukere/${s.dataset.id}/rolle`, "PUT", { rolle: s.value }, `«${navn(s.dataset.id)}» har nå rollen ${s.value}.`);
    });
    $("brukerliste").addEventListener("submit", (e) => {
      e.preventDefault();
      const f = e.target.closest("form.team");
      const team = f.querySelector("input").value.trim();
      endre(`/brukere/${f.dataset.id}/team`, "PUT", { team }, `«${navn(f.dataset.id)}» er flyttet til teamet «${team}».`);
    });
    $("brukerliste").addEventListener("click", (e) => {
      const b = e.target.closest("button.aktiv");
      if (!b) return;
      const aktiv = b.dataset.aktiv === "true";
      endre(`/brukere/${b.dataset.id}/${aktiv ? "deaktiver" : "aktiver"}`, "POST", undefined,
        `«${navn(b.dataset.id)}» er ${aktiv ? "deaktivert og logget ut" : "aktivert igjen"}.`);
    });
    try { await last(); } catch (e) { A.melding(e.message, true); }
    document.body.dataset.klar = "1";
  });
})();
