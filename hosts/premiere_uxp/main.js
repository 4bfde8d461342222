/*
 * UXP panel entry (Premiere 25.6+): pick a roughcut.hostplan/1 file and build it with
 * apply_uxp.js. The full Generate flow (bin → bridge job → progress) lives in the CEP panel
 * for now; its bridge client (hosts/premiere_cep/js/bridge_client.js) uses only fetch and
 * ports here unchanged once UXP's network permission covers the bridge URL.
 */
'use strict';

const ppro = require('premierepro');
const { storage } = require('uxp');
const { applyPlanUxp } = require('./apply_uxp.js');

function show(id, text) { document.getElementById(id).textContent = text || ''; }

async function openPlan() {
  show('message', '');
  show('summary', '');
  try {
    const file = await storage.localFileSystem.getFileForOpening({ types: ['json'] });
    if (!file) return;
    let plan;
    try { plan = JSON.parse(await file.read()); } catch (e) { throw new Error(`${file.name}: not a JSON host plan (${e.message})`); }
    const out = await applyPlanUxp(ppro, plan);
    if (!out.ok) throw new Error(out.error);
    show('summary', `Built "${out.sequence.name}": ${out.placed} clips, ${out.alternates} alternates, ${out.markers} markers.` +
      out.mismatches.concat(out.skipped, out.warnings).map((m) => `\n${m}`).join(''));
  } catch (e) {
    show('message', e.message);
  }
}

document.getElementById('open-plan').addEventListener('click', openPlan);
