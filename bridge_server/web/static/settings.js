// Settings: learned preferences per show (with reset) and the log of edits made in the app.
"use strict";
async function loadPrefs() {
  const data = await rc.api("/preferences");
  const box = document.getElementById("prefs");
  box.replaceChildren();
  if (!data.shows.length) box.append(rc.el("p", { text: "Nothing learned yet (store: " + data.store + ")." }));
  for (const s of data.shows) {
    const changed = Object.entries(s.changed_weights || {}).map(([k, v]) => k + " " + v).join(", ") || "none";
    const card = rc.el("div", { class: "pref", "data-show": s.show },
      rc.el("h3", { text: "Show: " + s.show }),
      rc.el("p", { class: "pref-stats", text: s.error ? s.error :
        "version " + s.version + ", " + s.pairs_seen + " preference pair(s) recorded (weights change only when a retrained model wins on held-out pairs); weights changed: " + changed }),
      rc.el("button", { type: "button", class: "reset-pref", "data-show": s.show, text: "Reset " + s.show + " to the defaults",
        onclick: async () => {
          await rc.api("/preferences/" + encodeURIComponent(s.show) + "/reset", { method: "POST" });
          rc.toast("Preferences for " + s.show + " reset");
          loadPrefs();
        } }));
    box.append(card);
  }
  const ev = document.getElementById("events");
  ev.replaceChildren();
  if (!data.events.length) ev.append(rc.el("li", { text: "No edits recorded." }));
  for (const e of data.events) {
    const when = new Date(e.time * 1000).toLocaleString();
    const what = e.action === "swap" ? "swapped " + e.line + ": " + (e.from || "?") + " → " + e.to
      : (e.action === "drop" ? "dropped " : "restored ") + e.line;
    ev.append(rc.el("li", { text: when + " · " + e.show + " · job " + e.job.slice(0, 6) + " · " + what +
      (e.pair ? " (preference pair, v" + e.preferences_version + ")" : "") }));
  }
}
loadPrefs().catch((e) => rc.toast(e.message));
