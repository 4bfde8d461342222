'use strict';
/* Shared fake projects and host plans for the node tests (and the fake Pymiere Link server). */
const path = require('path');
const { FakePremiere } = require('./fake_premiere');

const JSX_PATH = path.join(__dirname, '..', 'jsx', 'roughcut.jsx');
const NTSC = [24000, 1001];

function project(overrides = {}) {
  return {
    bins: [{ name: 'Rushes', id: 'bin-rushes' }, { name: 'Day 2', id: 'bin-day2', parent: 'bin-rushes' }],
    clips: [
      { name: 'A003C012.mov', nodeId: '000f4241', path: '/rushes/A003C012.mov', rate: NTSC, frames: 2400, start_frame: 86400, bin: 'bin-rushes' },
      { name: 'A003C013.mov', nodeId: '000f4242', path: '/rushes/A003C013.mov', rate: NTSC, frames: 1800, start_frame: 90000, bin: 'bin-rushes' },
      { name: 'B001C002.mov', nodeId: '000f4243', path: '/rushes/B001C002.mov', rate: NTSC, frames: 1200, start_frame: 0, bin: 'bin-day2' },
      { name: 'PAL.mov', nodeId: '000f4250', path: '/other/PAL.mov', rate: [25, 1], frames: 500, start_frame: 0 },
      { name: 'gone.mov', nodeId: '000f4260', path: '/other/gone.mov', rate: NTSC, frames: 500, offline: true },
    ],
    sequences: [{ name: 'Editor assembly', rate: [24, 1], clips: [{ clip: '000f4241', at_frame: 0 }] }],
    selection: ['bin-rushes'],
    ...overrides,
  };
}

function plan(overrides = {}) {
  return {
    schema: 'roughcut.hostplan/1',
    timeline: { name: 'Rough cut — Sc 12 — v3', rate: NTSC, start_frame: 86400, drop_frame: false },
    items: [
      { id: 'd1', media: { path: '/rushes/A003C012.mov', host_id: '000f4241', rate: NTSC, start_frame: 86400, frames: 2400 },
        src_in: 120, src_out: 311, rec_in: 0, rate: NTSC, video_track: 1, audio_track: 1, media_type: 'both',
        color: 'Green', score: 0.93, why: 'complete line, sharp focus, ALICE in close-up', line_ids: ['12-3'], setup: 'A',
        alternates: [{ media: { path: '/rushes/A003C013.mov', host_id: '000f4242', rate: NTSC }, src_in: 98, src_out: 400, score: 0.81, why: 'slower read' }],
        markers: [{ frame: 0, color: 'Blue', name: '12-3 ALICE', note: "We can't stay here.", duration: 1 }] },
      { id: 'd2', media: { path: '/rushes/B001C002.mov', host_id: '000f4243', rate: NTSC, start_frame: 0, frames: 1200 },
        src_in: 10, src_out: 58, rec_in: 191, rate: NTSC, video_track: 1, audio_track: 1, media_type: 'both',
        color: 'Yellow', score: 0.7, why: 'only complete reading', line_ids: ['12-4'], setup: 'B', alternates: [],
        markers: [{ frame: 0, color: 'Green', name: '12-4 BOB', note: 'Then we go — now.', duration: 1 }] },
    ],
    markers: [{ frame: 239, color: 'Red', name: '12-5 ALICE', note: 'missing: no usable reading', duration: 1 }],
    coverage: 0.67,
    warnings: ['line 12-5: no usable reading'],
    ...overrides,
  };
}

function loaded(scenario = project(), options = {}) {
  const fake = new FakePremiere(scenario, options);
  fake.loadFile(JSX_PATH);
  return fake;
}

/* Call a jsx function with one JSON-string argument, as the panel and cmd_apply do. */
function call(fake, fn, arg) {
  const code = arg === undefined ? `${fn}()` : `${fn}(${JSON.stringify(JSON.stringify(arg))})`;
  const out = fake.evalScript(code);
  if (out === 'EvalScript error.') throw fake.lastError;
  return JSON.parse(out);
}

module.exports = { JSX_PATH, NTSC, project, plan, loaded, call };
