'use strict';
/*
 * The CEP panel (index.html + js/) in headless Debian Chromium, against a real local bridge
 * (python -m bridge_server, its own ROUGHCUT_BRIDGE_HOME) with a mocked CEP host:
 * window.__adobe_cep__.evalScript forwards to the strict fake ExtendScript DOM running the real
 * roughcut.jsx in node, and cep_node's fs/child_process forward to node (fs reads the real
 * bridge.json; child_process is scripted per test).
 *
 * Needs /usr/bin/chromium (or ROUGHCUT_CHROMIUM), the repo's .venv python (or ROUGHCUT_PYTHON)
 * and, for the end-to-end job, the shared GRID clip (ROUGHCUT_SHARED_MEDIA or ../shared/media).
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { project, loaded } = require('./scenarios');
const { GRID, PYTHON, startBridge, stopBridge } = require('./bridge');

const PANEL = 'file://' + path.resolve(__dirname, '..', 'index.html');
const CHROMIUM = process.env.ROUGHCUT_CHROMIUM || '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const missing = !fs.existsSync(CHROMIUM) ? `no Chromium at ${CHROMIUM} (apt-get install chromium)`
  : !fs.existsSync(PYTHON) ? `no Python at ${PYTHON} (set ROUGHCUT_PYTHON)` : null;

let browser, bridge, bridgeHome, bridgeInfo;

test.before(async () => {
  if (missing) return;
  const { chromium } = require('playwright-core');
  let started;
  [browser, started] = await Promise.all([chromium.launch({ executablePath: CHROMIUM, args: FLAGS }),
    startBridge('rc-panel-bridge-')]);
  ({ proc: bridge, home: bridgeHome, info: bridgeInfo } = started);
});

test.after(async () => {
  if (browser) await browser.close();
  await stopBridge(bridge);
});

/* Open the panel with a fake Premiere; `home` is what the panel sees as ROUGHCUT_BRIDGE_HOME. */
async function openPanel({ scenario = project(), home = bridgeHome, execFile = null } = {}) {
  const fake = loaded(scenario);
  const page = await browser.newPage();
  const execCalls = [];
  page.on('pageerror', (e) => { throw e; });
  await page.exposeFunction('__rcEval', (code) => fake.evalScript(code));
  await page.exposeFunction('__rcReadFile', (p) => fs.promises.readFile(p, 'utf8'));
  await page.exposeFunction('__rcExecFile', (cmd, args) => {
    execCalls.push([cmd, ...args]);
    return execFile ? execFile(cmd, args) : { error: `${cmd}: not found`, stderr: `spawn ${cmd} ENOENT` };
  });
  await page.addInitScript((env) => {
    window.__adobe_cep__ = { evalScript: (s, cb) => window.__rcEval(s).then(cb) };
    window.cep_node = {
      process: { platform: 'linux', env },
      require(name) {
        if (name === 'fs') return { readFile: (p, enc, cb) => window.__rcReadFile(p).then((t) => cb(null, t), (e) => cb(e)) };
        if (name === 'child_process') {
          return { execFile: (cmd, args, opts, cb) => window.__rcExecFile(cmd, args).then(
            (r) => cb(r.error ? new Error(r.error) : null, r.stdout || '', r.stderr || '')) };
        }
        throw new Error(`unexpected require(${name})`);
      },
    };
    window.__stages = [];
    new MutationObserver(() => {
      const s = document.getElementById('stage');
      if (s && s.textContent) window.__stages.push(s.textContent);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  }, { ROUGHCUT_BRIDGE_HOME: home, HOME: '/nonexistent-home' });
  await page.goto(PANEL);
  return { page, fake, execCalls };
}

const message = (page) => page.locator('#message').textContent();

test('bad selections: nothing selected, offline media, mixed frame rates', { skip: missing || false }, async () => {
  let { page } = await openPanel({ scenario: project({ selection: [] }) });
  await page.waitForFunction(() => document.getElementById('message').textContent !== '');
  assert.match(await message(page), /nothing selected: select a bin/);
  assert.equal(await page.locator('#generate').isDisabled(), true);
  await page.close();

  ({ page } = await openPanel({ scenario: project({ selection: ['000f4241', '000f4260'] }) }));
  await page.waitForFunction(() => document.getElementById('message').textContent !== '');
  assert.match(await message(page), /Offline media: gone\.mov/);
  assert.equal(await page.locator('#generate').isDisabled(), true);
  await page.close();

  ({ page } = await openPanel({ scenario: project({ selection: ['000f4241', '000f4250'] }) }));
  await page.waitForFunction(() => document.getElementById('message').textContent !== '');
  assert.match(await message(page), /mixes frame rates \(23\.976 fps: A003C012\.mov; 25 fps: PAL\.mov\)/);
  await page.close();
});

test('bridge down and cannot be started: a clear message, nothing built', { skip: missing || false }, async () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'rc-panel-nobridge-'));
  const { page, fake, execCalls } = await openPanel({ home: empty });
  await page.waitForFunction(() => !document.getElementById('generate').disabled);
  await page.fill('#script-path', '/tmp/scene.fountain');
  await page.click('#generate');
  await page.waitForFunction(() => /could not start/.test(document.getElementById('message').textContent));
  assert.match(await message(page), /could not start the roughcut bridge \(`roughcut serve --ensure`\): spawn roughcut ENOENT/);
  assert.deepEqual(execCalls, [['roughcut', 'serve', '--ensure']]);
  assert.equal(fake.sequences.length, 1);
  await page.close();
});

test('the bridge refuses unusable media: its reason is shown, nothing built', { skip: missing || false }, async () => {
  const script = path.join(bridgeHome, 'scene.fountain');
  fs.writeFileSync(script, 'INT. LAB - DAY\n\nJANE\nBin blue at F two now.\n');
  const { page, fake } = await openPanel();
  await page.waitForFunction(() => !document.getElementById('generate').disabled);
  await page.fill('#script-path', script);
  await page.click('#generate');
  await page.waitForFunction(() => /bridge answered/.test(document.getElementById('message').textContent));
  assert.match(await message(page), /bridge answered 400: media not usable: \/rushes\/B001C002\.mov: .*; \/rushes\/A003C012\.mov: /);
  assert.equal(fake.sequences.length, 1);
  await page.close();
});

test('end to end: real job on the bridge, progress streamed, sequence built, feedback sent',
  { skip: missing || (fs.existsSync(GRID) ? false : `shared media not available: ${GRID}`), timeout: 240000 }, async () => {
    const script = path.join(bridgeHome, 'grid.fountain');
    fs.writeFileSync(script, 'INT. LAB - DAY\n\nJANE\nBin blue at F two now.\n');
    const scenario = { bins: [{ name: 'GRID', id: 'bin-g' }], selection: ['bin-g'], sequences: [],
      clips: [{ name: 'grid_bbaf2n.mpg', nodeId: 'grid-1', path: GRID, rate: [25, 1], frames: 75, bin: 'bin-g' }] };
    const { page, fake } = await openPanel({ scenario });
    await page.waitForFunction(() => !document.getElementById('generate').disabled);
    assert.match(await page.locator('#bin-summary').textContent(), /1 clips, 25 fps \(bin GRID\)/);
    await page.fill('#script-path', script);
    await page.selectOption('#preset', 'coverage');
    await page.uncheck('#picture'); // faces are not needed for this check and cost CPU time
    await page.click('#generate');
    await page.waitForFunction(() => /Built|Nothing|not|could/.test(
      document.getElementById('summary').textContent + document.getElementById('message').textContent), null, { timeout: 200000 });
    assert.equal(await message(page), '');
    const summary = await page.locator('#summary').textContent();
    // the line's marker plus the "why" marker on the cut
    assert.match(summary, /Built “.+”: 1 clips, 0 alternates \(disabled, tracks above\), 2 markers\./);
    assert.equal(await page.locator('#progress').evaluate((p) => p.value), 100);
    const stages = await page.evaluate(() => window.__stages);
    assert.ok(stages.some((s) => /Submitting/.test(s)) && stages.length >= 3, stages.join(' | '));
    const seq = fake.snapshot().sequences[0];
    assert.equal(seq.timebase, '10160640000'); // 25 fps
    assert.equal(seq.video[0].clips[0].clip, 'grid-1');
    assert.equal(seq.markers[0].name.includes('JANE'), true, seq.markers[0].name);

    await page.fill('#feedback-note', 'tighter please');
    await page.click('#feedback');
    await page.waitForFunction(() => /Feedback/.test(document.getElementById('message').textContent));
    assert.match(await message(page), /Feedback sent \(/);
    const jobId = await page.evaluate(() => window.roughcutPanel.state.jobId);
    const stored = fs.readdirSync(path.join(bridgeHome, 'data', 'jobs', jobId, 'feedback'));
    const doc = JSON.parse(fs.readFileSync(path.join(bridgeHome, 'data', 'jobs', jobId, 'feedback', stored[0]), 'utf8'));
    assert.equal(doc.host, 'premiere');
    assert.equal(doc.note, 'tighter please');
    assert.equal(doc.timeline.clips[0].host_id, 'grid-1');
    await page.close();
  });

test('a job that ends without a cut (cancelled on the bridge): a clear message, nothing built',
  { skip: missing || (fs.existsSync(GRID) ? false : `shared media not available: ${GRID}`), timeout: 120000 }, async () => {
    const script = path.join(bridgeHome, 'grid.fountain');
    fs.writeFileSync(script, 'INT. LAB - DAY\n\nJANE\nBin blue at F two now.\n');
    const scenario = { bins: [{ name: 'GRID', id: 'bin-g' }], selection: ['bin-g'], sequences: [],
      clips: [{ name: 'grid_lbax4n.mpg', nodeId: 'grid-2', path: GRID.replace('bbaf2n', 'lbax4n'), rate: [25, 1], frames: 75, bin: 'bin-g' }] };
    const { page, fake } = await openPanel({ scenario });
    await page.waitForFunction(() => !document.getElementById('generate').disabled);
    await page.fill('#script-path', script);
    await page.uncheck('#picture');
    await page.click('#generate');
    await page.waitForFunction(() => window.roughcutPanel.state.jobId);
    const jobId = await page.evaluate(() => window.roughcutPanel.state.jobId);
    const resp = await fetch(`${bridgeInfo.url}/v1/jobs/${jobId}/cancel`, {
      method: 'POST', headers: { Authorization: `Bearer ${bridgeInfo.token}` } });
    assert.equal(resp.status, 200);
    await page.waitForFunction(() => /job/.test(document.getElementById('message').textContent), null, { timeout: 100000 });
    assert.match(await message(page), /^The job cancelled.*\. Nothing was built\.$/);
    assert.equal(fake.sequences.length, 0);
    assert.equal(await page.locator('#generate').isDisabled(), false);
    await page.close();
  });
