/*
 * UXP panel entry (Premiere Pro 25.6+; older versions use the CEP panel, hosts/premiere_cep):
 * the same flow as the CEP panel — use the Project panel selection, pick the screenplay,
 * style preset, target duration, favoured character, Generate (bridge job with progress),
 * then the plan is built as a new sequence by apply_uxp.js and read back (panel_flow.js).
 * This file only wires the page to panel_flow.js; everything it calls is tested in node
 * (hosts/premiere_cep/test/uxp.test.js) against a strict fake of require("premierepro").
 */
'use strict';

const ppro = require('premierepro');
const uxp = require('uxp');
const os = require('os');
const { makeFlow, uxpSupported } = require('./panel_flow.js');

const state = { clips: null, busy: false };
const $ = (id) => document.getElementById(id);
const show = (id, text) => { $(id).textContent = text || ''; };
const fail = (text) => { show('message', text); };

async function readTextFile(path) {
  const fs = uxp.storage.localFileSystem;
  const entry = await fs.getEntryWithUrl(`file:${path}`);
  return entry.read({ format: uxp.storage.formats.utf8 });
}

const flow = makeFlow({
  ppro, fetch: (...a) => fetch(...a), readTextFile,
  platform: os.platform(), homedir: os.homedir ? os.homedir() : '', env: {},
});

function setBusy(busy) {
  state.busy = busy;
  $('generate').disabled = busy || !state.clips;
  $('use-bin').disabled = busy;
}

async function readBin() {
  state.clips = null;
  setBusy(false);
  show('bin-summary', 'Reading the selection…');
  fail('');
  try {
    const bin = await flow.readBin();
    state.clips = bin.clips;
    show('bin-summary', bin.summary);
  } catch (e) {
    show('bin-summary', 'No clips');
    fail(e.message);
  }
  setBusy(false);
}

async function pickScript() {
  const file = await uxp.storage.localFileSystem.getFileForOpening({ types: ['fountain', 'fdx', 'pdf', 'txt'] });
  if (file) $('script-path').value = file.nativePath;
}

function onProgress(s) {
  $('progress').value = Math.round((s.progress || 0) * 100);
  const eta = s.eta_s ? ` — about ${Math.ceil(s.eta_s)} s left` : '';
  show('stage', (s.stage || s.state || '') + (s.message ? `: ${s.message}` : '') + eta);
}

async function generate() {
  if (state.busy || !state.clips) return;
  setBusy(true);
  show('summary', '');
  fail('');
  try {
    const out = await flow.generate(state.clips, {
      scriptPath: $('script-path').value, preset: $('preset').value, picture: $('picture').checked,
      favour: $('favour').value, targetDuration: $('target-duration').value,
    }, onProgress);
    $('progress').value = 100;
    show('stage', 'Done');
    show('summary', out.lines.join('\n'));
  } catch (e) {
    show('stage', '');
    fail(e.message);
  }
  setBusy(false);
}

function init() {
  const version = uxp.host && uxp.host.version;
  if (!uxpSupported(version)) {
    fail(`Premiere Pro ${version} is older than 25.6: use the roughcut CEP panel (Window › Extensions › roughcut).`);
    return;
  }
  $('use-bin').addEventListener('click', readBin);
  $('generate').addEventListener('click', generate);
  $('pick-script').addEventListener('click', pickScript);
  readBin();
}

init();
