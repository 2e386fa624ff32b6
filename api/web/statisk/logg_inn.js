"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const STANDARD = { saksbehandler: "/web/tildelingsmote", planlegger: "/web/scenarier", leder: "/web/ledelse", admin: "/web/ledelse" };
  const skjema = document.getElementById("innlogging");
  document.getElementById("brukernavn-felt").focus();
  skjema.addEventListener("submit", async (e) => {
    e.preventDefault();
    const navn = document.getElementById("brukernavn-felt").value.trim();
    const passord = document.getElementById("passord-felt").value;
    if (!navn || !passord) { Allokering.melding("Fyll inn brukernavn og passord.", true); return; }
    const kropp = new URLSearchParams({ username: navn, password: passord });
    const svar = await fetch("/auth/token", { method: "POST", body: kropp });
    if (!svar.ok) {
      Allokering.melding(svar.status === 401 ? "Feil brukernavn eller passord." : "Innloggingen feilet.", true);
      document.getElementById("passord-felt").focus();
      return;
    }
    const j = await svar.json();
    Allokering.lagreBruker({ token: j.access_token, rolle: j.rolle, navn });
    const neste = new URLSearchParams(window.location.search).get("neste");
    window.location.assign(neste && neste.startsWith("/web/") ? neste : STANDARD[j.rolle] || "/web/venteliste");
  });
});
