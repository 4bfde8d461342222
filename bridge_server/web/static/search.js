// Search page: queries /app/api/search (session cookie) and lists file, timecode, text and a
// thumbnail per result; the plan link downloads the same results as a host plan.
"use strict";
(function () {
  const form = document.getElementById("search-form");
  const list = document.getElementById("results");
  const status = document.getElementById("search-status");
  const planLink = document.getElementById("plan-link");

  const FILTERS = ["character", "shot", "motion", "sound"];

  function params() {
    const p = new URLSearchParams();
    p.set("q", document.getElementById("q").value.trim());
    for (const k of FILTERS) {
      const v = document.getElementById(k).value.trim();
      if (v) p.set(k, v);
    }
    p.set("limit", "50");
    return p;
  }

  function row(h) {
    const name = h.path.split(/[\\/]/).pop();
    const thumb = rc.el("img", {
      src: "/app/api/search/thumbnail?" + new URLSearchParams({ path: h.path, t: String(h.start), width: "160" }),
      alt: "", loading: "lazy", width: "160",
    });
    thumb.addEventListener("error", () => thumb.remove()); // sound-only file: no picture
    return rc.el("li", { class: "result" }, thumb,
      rc.el("div", {},
        rc.el("strong", { text: name, title: h.path }), " ",
        rc.el("code", { text: h.timecode }), " ",
        rc.el("span", { class: "hint", text: rc.fmtTime(h.start) + "–" + rc.fmtTime(h.end) + (h.speaker ? " · " + h.speaker : "") }),
        rc.el("p", { text: h.text })));
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const p = params();
    if (!p.get("q") && !FILTERS.some((k) => p.get(k))) return;
    status.textContent = "Searching…";
    list.replaceChildren();
    planLink.hidden = true;
    try {
      const data = await rc.api("/search?" + p);
      list.replaceChildren(...data.results.map(row));
      status.textContent = data.results.length ? data.results.length + " result(s), best first" : "No results.";
      if (data.warning) rc.toast(data.warning);
      if (data.results.length) {
        planLink.href = "/app/api/search/plan?" + p;
        planLink.hidden = false;
      }
    } catch (e) {
      status.textContent = (e.data && e.data.detail) || e.message;
    }
  });
})();
