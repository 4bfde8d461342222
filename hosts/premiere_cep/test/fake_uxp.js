'use strict';
/*
 * A recording fake of the slice of Premiere's UXP API (require("premierepro")) that
 * hosts/premiere_uxp/apply_uxp.js uses, enforcing the rules HOST_API.md B1 gives:
 * every Action is created inside project.lockedAccess() and runs only when added to a
 * CompoundAction inside project.executeTransaction(); TickTimes are integer tick strings;
 * a new sequence takes its timebase from its first clip; marks live on the clip.
 */
const TPS = 254016000000n;

function tick(t) {
  if (!/^-?\d+$/.test(String(t))) throw new Error(`TickTime.createWithTicks: "${t}" is not an integer tick string`);
  return { ticks: String(t), _t: BigInt(t) };
}

function makeUxp(scenario) {
  const log = [];
  let locked = false, inTransaction = false;
  const needLock = (what) => { if (!locked) throw new Error(`${what}: Action created outside lockedAccess()`); };
  const action = (what, run) => { needLock(what); return { what, run }; };

  const clips = scenario.clips.map((c) => {
    const tpf = TPS * BigInt(c.rate[1]) / BigInt(c.rate[0]);
    const dur = BigInt(c.frames) * tpf;
    const clip = { _clip: true, name: c.name, _rate: c.rate, _tpf: tpf, _in: 0n, _out: dur,
      getId: () => c.nodeId, isSequence: async () => false, isOffline: async () => !!c.offline,
      getMediaFilePath: async () => c.path,
      getFootageInterpretation: async () => ({ getFrameRate: () => c.rate[0] / c.rate[1] }),
      getInPoint: async () => ({ ticks: clip._in.toString(), _t: clip._in }),
      getOutPoint: async () => ({ ticks: clip._out.toString(), _t: clip._out }),
      createSetInOutPointsAction: (i, o) => action('setInOut', () => { clip._in = i._t; clip._out = o._t; log.push(['marks', c.nodeId, i.ticks, o.ticks]); }) };
    return clip;
  });
  const root = { _folder: true, getItems: async () => clips };
  const sequences = [];

  function makeSequence(name, first) {
    const tpf = first._tpf;
    const track = () => ({ items: [], getTrackItems() { return this.items.slice(); } });
    const seq = { name, _v: [track(), track(), track()], _a: [track(), track(), track()], _markers: [],
      getTimebase: async () => tpf.toString(),
      getVideoTrack: async (i) => seq._v[i], getAudioTrack: async (i) => seq._a[i],
      getVideoTrackCount: async () => seq._v.length, getAudioTrackCount: async () => seq._a.length };
    seq._place = (clip, at, v, a) => {
      for (const [tracks, idx] of [[seq._v, v], [seq._a, a]]) {
        const len = clip._out - clip._in;
        const t = tracks[idx];
        t.items = t.items.filter((x) => !(x._s >= at && x._e <= at + len));
        const ti = { _s: at, _e: at + len, _in: clip._in, clip, disabled: false,
          getStartTime: () => ({ ticks: ti._s.toString() }), getEndTime: () => ({ ticks: ti._e.toString() }),
          createSetDisabledAction: (d) => action('setDisabled', () => { ti.disabled = d; }) };
        t.items.push(ti);
      }
    };
    seq._place(first, 0n, 0, 0);
    return seq;
  }

  const project = {
    getRootItem: async () => root,
    lockedAccess(fn) { locked = true; try { return fn(); } finally { locked = false; } },
    executeTransaction(cb, label) {
      if (!locked) throw new Error('executeTransaction outside lockedAccess()');
      const actions = [];
      inTransaction = true;
      try { cb({ addAction: (a) => { if (!a || !a.run) throw new Error('addAction takes an Action'); actions.push(a); } }); }
      finally { inTransaction = false; }
      log.push(['transaction', label, actions.map((a) => a.what)]);
      for (const a of actions) a.run();
      return true;
    },
    createSequenceFromMedia: async (name, items, bin) => {
      if (!Array.isArray(items) || !items.length || bin !== root) return null;
      const seq = makeSequence(name, items[0]);
      sequences.push(seq);
      log.push(['createSequenceFromMedia', name]);
      return seq;
    },
    deleteSequence: async (seq) => { sequences.splice(sequences.indexOf(seq), 1); log.push(['deleteSequence']); return true; },
  };

  const ppro = {
    Project: { getActiveProject: async () => project },
    FolderItem: { cast: (x) => (x && x._folder ? x : null) },
    ClipProjectItem: { cast: (x) => (x && x._clip ? x : null) },
    TickTime: { createWithTicks: tick },
    Constants: { MediaType: { ANY: 'any', VIDEO: 'video', AUDIO: 'audio' }, TrackItemType: { CLIP: 1 } },
    TrackItemSelection: { createEmptySelection: async () => ({ items: [], addItem(ti) { this.items.push(ti); } }) },
    SequenceEditor: {
      getEditor: (seq) => ({
        createRemoveItemsAction: (sel, ripple) => action('remove', () => {
          if (ripple) throw new Error('roughcut never ripples');
          for (const t of seq._v.concat(seq._a)) t.items = t.items.filter((x) => !sel.items.includes(x));
        }),
        createOverwriteItemAction: (clip, time, v, a) => action('overwrite', () => {
          log.push(['overwrite', clip.getId(), time.ticks, v, a]);
          seq._place(clip, time._t, v, a);
        }),
      }),
    },
    Markers: { getMarkers: async (seq) => ({
      createAddMarkerAction: (name, type, start, dur, comments) => action('marker', () => {
        seq._markers.push({ name, type, start: start.ticks, duration: dur.ticks, comments });
      }) }) },
  };
  return { ppro, log, sequences, clips, isInTransaction: () => inTransaction };
}

module.exports = { makeUxp };
