"""The web app in a real browser: Playwright (Python) driving Debian's chromium.

One bridge (``roughcut app --no-open``, a real uvicorn process) and one browser page are
shared by the tests of this module, which run in order like a user would: sign in with the
one-time URL, submit the demo scene from the folder browser, watch progress to the end,
review (play, swap an alternate, keyboard), export FCPXML and check the file, then see and
reset what was learned in settings. Screenshots go to the pytest tmp dir (printed), never
the repo. Skips with a reason when /usr/bin/chromium or playwright is missing.
"""
from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from bridge_support import stop_process

CHROMIUM = "/usr/bin/chromium"
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements.txt)")


def _read_url(proc, timeout: float) -> str:
    lines: "queue.Queue[str]" = queue.Queue()

    def pump():
        for line in proc.stdout:
            lines.put(line.rstrip("\n"))

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            if proc.poll() is not None:
                raise AssertionError(f"roughcut app exited with {proc.returncode}")
            continue
        if "/app/login#code=" in line:
            return line.strip()
    raise AssertionError("roughcut app printed no login URL")


@pytest.fixture(scope="module")
def bridge(demo_scene, tmp_path_factory):
    home = tmp_path_factory.mktemp("webapp-home")
    # A cache of its own: the job really analyses the clips, so per-file progress is visible
    # while it runs (with a warm cache the job ends before the page can show it).
    env = {**os.environ, "ROUGHCUT_BRIDGE_HOME": str(home), "ROUGHCUT_PREFERENCES_DIR": str(home / "prefs"),
           "ROUGHCUT_CACHE_DIR": str(home / "cache"), "PYTHONUNBUFFERED": "1"}
    env.pop("ROUGHCUT_BRIDGE_TOKEN", None)
    env.pop("ROUGHCUT_OPS_DIR", None)  # the pair log goes to ops/ beside prefs/
    env.pop("ROUGHCUT_BRIDGE_ALLOW", None)
    roughcut = Path(sys.executable).with_name("roughcut")
    cmd = [str(roughcut)] if roughcut.exists() else [sys.executable, "-c",
                                                      "import sys; from roughcut_core._cli.main import main; sys.exit(main())"]
    proc = subprocess.Popen([*cmd, "app", "--no-open", "--port", "0", "--allow", str(demo_scene.root)],
                            stdout=subprocess.PIPE, stderr=open(home / "bridge.err", "wb"), text=True, env=env,
                            start_new_session=True)
    try:
        url = _read_url(proc, 90)
        yield {"url": url, "base": url.split("/app/")[0], "home": home, "scene": demo_scene,
               "shots": tmp_path_factory.mktemp("webapp-screenshots")}
    finally:
        stop_process(proc, signal.SIGINT, wait=15, kill_wait=5)


@pytest.fixture(scope="module")
def browser(bridge):
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required"])
        ctx = b.new_context(viewport={"width": 1280, "height": 720}, accept_downloads=True)
        page = ctx.new_page()
        page.set_default_timeout(30_000)
        yield {"browser": b, "ctx": ctx, "page": page}
        ctx.close()
        b.close()


def shot(bridge, page, name: str) -> Path:
    path = bridge["shots"] / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    print(f"screenshot: {path}")
    return path


def test_one_time_login_sets_strict_httponly_cookie(bridge, browser):
    page = browser["page"]
    page.goto(bridge["url"])
    page.wait_for_url(bridge["base"] + "/app/")
    assert "roughcut" in page.title()
    assert "code=" not in page.url
    cookie = next(c for c in browser["ctx"].cookies() if c["name"] == "rc_session")
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict"
    # the link works once: a second browser context cannot use it again
    other = browser["browser"].new_context()
    try:
        p2 = other.new_page()
        p2.goto(bridge["url"])
        sync_api.expect(p2.locator("#login-status")).to_contain_text("already used")
        p2.goto(bridge["base"] + "/app/")
        sync_api.expect(p2.locator("h1")).to_contain_text("not signed in")
        assert not [c for c in other.cookies() if c["name"] == "rc_session"]
    finally:
        other.close()
    shot(bridge, page, "01-jobs-page")


def test_submit_demo_scene_and_watch_progress(bridge, browser):
    page, scene = browser["page"], bridge["scene"]
    root = str(Path(os.path.realpath(scene.root)))
    page.locator(f'#browse-list button.folder[data-path="{root}"]').click()
    page.locator(f'#browse-list button.script[data-path="{os.path.realpath(scene.script_path)}"]').click()
    media = os.path.realpath(scene.media_dir)
    page.locator(f'#browse-list button.folder[data-path="{media}"]').click()
    sync_api.expect(page.locator("#browse-info")).to_contain_text(f"{len(scene.media_paths)} media file(s)")
    assert page.locator("#folder").input_value() == media
    page.fill("#name", "Kitchen table")
    page.select_option("#preset", "performance")
    page.click("#submit")
    card = page.locator("#jobs .job").first
    sync_api.expect(card).to_have_attribute("data-state", "running", timeout=60_000)
    # live per-file progress: some clips done while the job still runs
    seen_partial, progress_values = False, set()
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        state = card.get_attribute("data-state")
        progress_values.add(card.locator("progress").get_attribute("value"))
        done_files = card.locator(".file.fstate-done").count()
        if state == "running" and 0 < done_files < len(scene.media_paths):
            seen_partial = True
        if state in ("done", "failed", "cancelled"):
            break
        time.sleep(0.3)
    shot(bridge, page, "02-job-finished")
    assert card.get_attribute("data-state") == "done", card.inner_text()
    assert seen_partial, "never saw per-file progress while the job ran"
    assert len(progress_values) >= 3, progress_values
    assert card.locator(".file.fstate-done").count() == len(scene.media_paths)


def _line_with_alternates(page):
    for li in page.locator("#lines .line").all():
        if li.locator(".alt").count() >= 2 and li.locator(".use-alt").count() >= 1:
            return li
    raise AssertionError("no line has an alternate to swap to")


def test_review_play_swap_and_keys(bridge, browser):
    page = browser["page"]
    page.locator("#jobs .job .open-review").first.click()
    page.wait_for_url("**/app/jobs/*")
    assert "roughcut" in page.title()
    sync_api.expect(page.locator("#lines .line").first).to_be_visible(timeout=120_000)
    sync_api.expect(page.locator("#proxy-state")).to_contain_text("ready", timeout=180_000)
    assert page.locator("#strip .clip").count() >= 5
    # camera-motion and sound-event lanes under the strip (issue 20)
    assert page.locator('#lanes .lane[data-lane="sound"] span').count() >= 1
    # the strip's thumbnails load
    page.wait_for_function("() => [...document.querySelectorAll('#strip img')].some(i => i.complete && i.naturalWidth > 0)")
    assert page.evaluate("document.createElement('video').canPlayType('video/mp4; codecs=\"avc1.42E01E\"')") != "", \
        "this chromium cannot play H.264"
    # seek by line: line 3 starts where the cut says, and plays
    line3 = page.locator("#lines .line").nth(2)
    line3.locator("button.seek").click()
    page.wait_for_function("() => { const v = document.getElementById('player'); return !v.paused && v.currentTime > 0; }")
    start = page.evaluate("document.getElementById('player').currentTime")
    expected = page.evaluate("fetch(location.pathname.replace('/app/jobs/', '/app/api/jobs/') + '/cut').then(r => r.json())"
                             ".then(c => c.lines[2].start)")
    assert abs(start - expected) < 1.0, (start, expected)
    page.keyboard.press("k")
    page.wait_for_function("() => document.getElementById('player').paused")
    shot(bridge, page, "03-review")
    # swap an alternate: the cut regenerates from the cache
    li = _line_with_alternates(page)
    line_id = li.get_attribute("data-line")
    before_take = li.locator(".line-head .take").inner_text()
    version_before = int(page.evaluate("document.getElementById('player').dataset.version"))
    use = li.locator(".use-alt").first
    new_take = use.locator("xpath=..").locator(".take").inner_text()
    use.click()
    sync_api.expect(page.locator("#regen")).to_contain_text("regenerated in")
    regen_ms = float(page.locator("#regen").inner_text().split("regenerated in ")[1].split(" ms")[0])
    # served from the scene cache, not a recompute (tens of seconds): the speed itself (< 1 s
    # on an idle machine) is measured by `roughcut bench speed`, not here, where CI load varies
    assert regen_ms < 5000, regen_ms
    li = page.locator(f'#lines .line[data-line="{line_id}"]')
    after_take = li.locator(".line-head .take").inner_text()
    assert after_take != before_take and after_take == new_take, (before_take, after_take, new_take)
    sync_api.expect(page.locator("#proxy-state")).to_contain_text(f"version {version_before + 1} ready", timeout=180_000)
    bridge["swapped"] = {"line": line_id, "take": new_take.split(" · ")[0]}
    # keyboard: down moves the selection, 2 plays the second take of that line in place
    page.locator("#lines .line").first.click(position={"x": 5, "y": 5})
    page.keyboard.press("ArrowDown")
    sync_api.expect(page.locator("#lines .line").nth(1)).to_have_class(re.compile(r"\bselected\b"))
    page.keyboard.press("2")
    inplace = page.locator("#lines .line").nth(1).locator("video.inplace")
    sync_api.expect(inplace).to_be_visible()
    page.wait_for_function("() => { const v = document.querySelector('video.inplace'); return v && v.readyState >= 2; }",
                           timeout=60_000)
    shot(bridge, page, "04-swapped-and-alternate")
    # D drops the selected line (the cut loses it), D again restores it
    in_cut = page.locator("#coverage li").first.inner_text()
    assert in_cut.startswith(f"{len(page.locator('#lines .line').all())} of ")
    page.locator("#lines .line").nth(1).click(position={"x": 5, "y": 5})
    page.keyboard.press("d")
    sync_api.expect(page.locator("#lines .line").nth(1)).to_have_class(re.compile(r"\bdropped\b"))
    sync_api.expect(page.locator("#coverage li").first).not_to_have_text(in_cut)
    page.keyboard.press("d")
    sync_api.expect(page.locator("#lines .line").nth(1)).not_to_have_class(re.compile(r"\bdropped\b"))
    sync_api.expect(page.locator("#coverage li").first).to_have_text(in_cut)


def test_export_fcpxml_of_edited_cut(bridge, browser, tmp_path):
    from defusedxml import ElementTree

    page = browser["page"]
    with page.expect_download() as info:
        page.click("#export-fcpxml")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(str(path))
    assert path.suffix == ".fcpxml"
    root = ElementTree.parse(str(path)).getroot()
    assert root.tag == "fcpxml" and root.get("version")
    assets = {a.get("id"): a for a in root.iter("asset")}
    assert assets, "no assets in the FCPXML"
    names = [c.get("name") or "" for c in root.iter("asset-clip")] + [a.get("name") for a in assets.values()]
    assert bridge["swapped"]["take"] in " ".join(names)
    # the exported edit matches the edited cut the app shows (same number of lines in the cut)
    cut = page.evaluate("fetch(location.pathname.replace('/app/jobs/', '/app/api/jobs/') + '/cut').then(r => r.json())")
    spine = root.find(".//spine")
    assert spine is not None and len(list(spine)) >= cut["coverage"]["lines_in_cut"]
    line = next(l for l in cut["lines"] if l["id"] == bridge["swapped"]["line"])
    assert line["take_id"] == bridge["swapped"]["take"] and line["swapped"]


def test_feedback_visible_and_resettable(bridge, browser):
    page = browser["page"]
    page.goto(bridge["base"] + "/app/settings")
    deadline = time.monotonic() + 120
    while "preference pair" not in page.locator("#events").inner_text() and time.monotonic() < deadline:
        time.sleep(1)
        page.reload()
    assert f"swapped {bridge['swapped']['line']}" in page.locator("#events").inner_text()
    card = page.locator('.pref[data-show="default"]')
    sync_api.expect(card.locator(".pref-stats")).to_contain_text("1 preference pair")
    # issue 21: one swap is logged as a pair; the weights change only on a held-out win (not from one pair)
    pairs = (bridge["home"] / "ops" / "pairs" / "default.jsonl").read_text().splitlines()
    assert len(pairs) == 1
    shot(bridge, page, "05-settings")
    card.locator("button.reset-pref").click()
    sync_api.expect(page.locator('.pref[data-show="default"] .pref-stats')).to_contain_text("0 preference pair")
    assert json.loads((bridge["home"] / "prefs" / "default.json").read_text())["pairs_seen"] == 0


def test_cancel_and_retry_from_the_job_list(bridge, browser):
    page, scene = browser["page"], bridge["scene"]
    # An earlier test analysed these clips: with that cache warm the job can finish before the
    # click lands. Emptying the bridge's analysis cache makes it analyse for real (tens of seconds).
    shutil.rmtree(Path(bridge["home"]) / "cache", ignore_errors=True)
    page.goto(bridge["base"] + "/app/")
    started = page.evaluate("""([folder, script]) => fetch('/app/api/jobs', {method: 'POST', credentials: 'same-origin',
        headers: {'Content-Type': 'application/json', 'X-Roughcut': '1'},
        body: JSON.stringify({name: 'to cancel', folder, script: {path: script}})}).then(r => r.json())""",
                            [os.path.realpath(scene.media_dir), os.path.realpath(scene.script_path)])
    card = page.locator(f'#jobs .job[data-id="{started["id"]}"]')
    card.locator("button.cancel").click()
    sync_api.expect(card).to_have_attribute("data-state", "cancelled", timeout=180_000)
    card.locator("button.retry").click()
    retried = page.locator("#jobs .job").first
    sync_api.expect(retried).not_to_have_attribute("data-id", started["id"])
    sync_api.expect(retried.locator(".job-head strong")).to_have_text("to cancel")
    retried.locator("button.cancel").click()
    sync_api.expect(retried).to_have_attribute("data-state", "cancelled", timeout=180_000)
