// Spend the one-time code from the URL fragment; the server sets the session cookie.
"use strict";
(async () => {
  const status = document.getElementById("login-status");
  const code = new URLSearchParams(location.hash.slice(1)).get("code");
  history.replaceState(null, "", "/app/login");  // the code leaves the address bar at once
  if (!code) { status.textContent = "This link has no login code. Run `roughcut app` to get a fresh one."; return; }
  try {
    const r = await rc.api("/session", { method: "POST", body: { code } });
    location.replace(r.next || "/app/");
  } catch (e) {
    status.textContent = e.message;
    status.classList.add("error");
  }
})();
