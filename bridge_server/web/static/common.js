// Shared helpers: JSON calls to /app/api (session cookie + the X-Roughcut header), messages.
"use strict";
const rc = {
  async api(path, opts = {}) {
    const init = { method: opts.method || "GET", credentials: "same-origin", headers: { "X-Roughcut": "1" } };
    if (opts.body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(opts.body);
    }
    const resp = await fetch("/app/api" + path, init);
    let data = null;
    try { data = await resp.json(); } catch (e) { data = null; }
    if (!resp.ok) {
      const msg = (data && data.error) || ("request failed: HTTP " + resp.status);
      const err = new Error(msg);
      err.status = resp.status;
      err.data = data;
      throw err;
    }
    return data;
  },
  toast(msg) {
    const t = document.getElementById("toast");
    if (!t) return;
    t.textContent = msg;
    t.classList.add("show");
    clearTimeout(rc._t);
    rc._t = setTimeout(() => t.classList.remove("show"), 4000);
  },
  el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  },
  fmtTime(s) {
    if (s === null || s === undefined) return "";
    const m = Math.floor(s / 60), r = (s - m * 60).toFixed(1);
    return m + ":" + (r < 10 ? "0" : "") + r;
  },
};
document.addEventListener("DOMContentLoaded", () => {
  const out = document.getElementById("logout");
  if (out) out.addEventListener("click", async () => {
    try { await rc.api("/logout", { method: "POST" }); } catch (e) { /* already out */ }
    location.replace("/app/");
  });
});
