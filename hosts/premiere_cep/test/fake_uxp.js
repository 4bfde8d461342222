'use strict';
/*
 * A strict fake of Premiere's UXP module, require("premierepro") 25.6 – 26.3, for the panel's
 * node tests. Written from HOST_API.md "Premiere UXP" U1–U5 (Adobe's uxp-premiere-pro reference
 * and the @adobe/premierepro typings it cites), not from ../shared code. What it enforces:
 *  - Promises where the docs say Promise (project/folder/clip/sequence/track-item getters): the
 *    value is a real Promise; reading anything but then/catch/finally from it is recorded in
 *    log.misuse, passing one as an argument is a TypeError, and log.promises tells which were
 *    never awaited. Synchronous where the docs say so: cast, getId, getTrackItems,
 *    SequenceEditor.getEditor, TickTime.create*, markers.getMarkers(), Marker getters.
 *  - TickTime arguments: a number or string where a TickTime goes is a TypeError;
 *    createWithTicks takes a string of integer ticks.
 *  - Actions: created only inside project.lockedAccess() (26.3 throws; 25.6 records a note);
 *    they change nothing until project.executeTransaction(cb, label) commits them; a failing
 *    Action rolls the whole transaction back and executeTransaction returns false;
 *    lockedAccess returns void; async callbacks are misuse.
 *  - TrackItemSelection.createEmptySelection(callback) hands the selection to the callback and
 *    returns a boolean (D trackitemselection.md).
 *  - An overwrite places the clip's CURRENT in/out marks (read when the Action runs), linked
 *    video + audio on the given tracks; there is no createMoveAction here.
 *  - Markers have no colour argument: colour is set afterwards on the Marker object.
 *  - Members the docs do not list read as undefined and are recorded in log.unknown
 *    (e.g. ClipProjectItem.getId: only ProjectItem lists getId).
 * Builder: makeUxp(scenario, {version}) with the scenarios.js project() shape.
 */
const TPS = 254016000000n;
const Constants = {
  MediaType: { ANY: 0, DATA: 1, VIDEO: 2, AUDIO: 3 },
  TrackItemType: { EMPTY: 0, CLIP: 1, TRANSITION: 2, PREVIEW: 3, FEEDBACK: 4 },
  MarkerColor: { GREEN: 0, RED: 1, MAGNETA: 2, ORANGE: 3, YELLOW: 4, BLUE: 5, CYAN: 6 },
};
const MARKER_TYPES = ['Comment', 'Chapter', 'Segmentation', 'WebLink'];
const tpfOf = (rate) => TPS * BigInt(rate[1]) / BigInt(rate[0]);

function makeUxp(scenario, opts = {}) {
  const version = String(opts.version || '26.3');
  const v263 = Number(version) >= 26.3;
  const log = { promises: [], misuse: [], protocol: [], unknown: [], notes: [], actions: [], transactions: [] };
  const brand = new WeakMap();
  const promiseSet = new WeakSet();
  let lockDepth = 0, inTx = false, uid = 1, guid = 1;

  // ---------------------------------------------------------------- world (plain data, cloneable)
  const world = { clips: new Map(), bins: new Map(), sequences: [] };
  world.bins.set('root', { id: 'root', name: 'root', parent: null });
  for (const b of scenario.bins || []) world.bins.set(b.id, { id: b.id, name: b.name, parent: b.parent || 'root' });
  for (const c of scenario.clips || []) {
    const rate = c.rate || [24, 1];
    world.clips.set(c.nodeId, { id: c.nodeId, name: c.name, path: c.path, rate, tpf: tpfOf(rate), frames: c.frames,
      offline: !!c.offline, bin: c.bin || 'root', start: BigInt(c.start_frame || 0) * tpfOf(rate), marks: { in: null, out: null } });
  }
  const selection = (scenario.selection || []).slice();
  const clipDur = (c) => BigInt(c.frames) * c.tpf;

  // ---------------------------------------------------------------- strict objects, promises, arguments
  function obj(cls, data, members) {
    const p = new Proxy(members, {
      get(t, k) {
        if (typeof k !== 'string') return undefined;
        if (!Object.prototype.hasOwnProperty.call(t, k)) {
          if (k !== 'then' && k !== 'toJSON' && k !== 'constructor') log.unknown.push(`${cls}.${k}`);
          return undefined;
        }
        return t[k];
      },
      set(t, k) { log.protocol.push(`${cls}.${String(k)} is read-only`); return true; },
    });
    brand.set(p, { cls, data });
    return p;
  }
  const is = (x, ...classes) => brand.has(x) && classes.includes(brand.get(x).cls);
  const dataOf = (x) => brand.get(x).data;
  function host(origin, fn) {
    const rec = { origin, awaited: false };
    log.promises.push(rec);
    let real;
    try { real = Promise.resolve(fn()); } catch (e) { real = Promise.reject(e); }
    const p = new Proxy(real, {
      get(t, k) {
        if (k === 'then' || k === 'catch' || k === 'finally') { rec.awaited = true; return t[k].bind(t); }
        log.misuse.push(`${origin} returns a Promise; .${String(k)} was read without awaiting it`);
        return undefined;
      },
    });
    promiseSet.add(p);
    return p;
  }
  function need(where, checks) {
    for (const [name, ok, v] of checks) {
      if (promiseSet.has(v)) { log.misuse.push(`${where}: ${name} is an un-awaited Promise`); throw new TypeError(`${where}: ${name} is a Promise`); }
      if (!ok(v)) { log.protocol.push(`${where}: bad ${name}`); throw new TypeError(`${where}: bad argument ${name}`); }
    }
  }
  const isTime = (x) => is(x, 'TickTime');
  const isInt = (x) => Number.isInteger(x);

  // ---------------------------------------------------------------- TickTime
  const timeOf = (ticks) => {
    const t = BigInt(ticks);
    return obj('TickTime', { t }, { ticks: t.toString(), seconds: Number(t) / Number(TPS), ticksNumber: Number(t) });
  };
  const T = (x) => dataOf(x).t;
  const TickTime = obj('TickTimeStatic', {}, {
    createWithTicks: (s) => { need('TickTime.createWithTicks', [['ticks', (v) => typeof v === 'string' && /^-?\d+$/.test(v), s]]); return timeOf(s); },
    createWithSeconds: (s) => { need('TickTime.createWithSeconds', [['seconds', Number.isFinite, s]]); return timeOf(BigInt(Math.trunc(s * Number(TPS)))); },
    TIME_ZERO: timeOf(0n),
  });

  // ---------------------------------------------------------------- actions, locks, transactions
  function action(where, run) {
    if (lockDepth === 0) {
      if (v263) { log.protocol.push(`${where} outside lockedAccess`); throw new Error(`${where}: Actions must be created inside project.lockedAccess() (26.3)`); }
      log.notes.push(`${where} outside lockedAccess (refused from 26.3)`);
    }
    const rec = { where, added: false };
    log.actions.push(rec);
    return obj('Action', { rec, run }, {});
  }
  function snapshot() {
    const seqs = structuredClone(world.sequences);
    const marks = [...world.clips.values()].map((c) => [c, { ...c.marks }]);
    return () => { world.sequences.splice(0, world.sequences.length, ...seqs); for (const [c, m] of marks) c.marks = m; };
  }
  function executeTransaction(cb, label) {
    need('Project.executeTransaction', [['callback', (f) => typeof f === 'function', cb], ['undoString', (s) => s === undefined || typeof s === 'string', label]]);
    if (inTx) { log.protocol.push('nested executeTransaction'); throw new Error('executeTransaction cannot be nested'); }
    const list = [], tx = { label, kinds: [], ok: false, inLock: lockDepth > 0 };
    log.transactions.push(tx);
    let open = true;
    const compound = obj('CompoundAction', {}, {
      addAction: (a) => {
        need('CompoundAction.addAction', [['action', (x) => is(x, 'Action'), a]]);
        const d = dataOf(a);
        if (!open) { log.protocol.push('addAction after the transaction callback returned'); throw new Error('transaction closed'); }
        if (d.rec.added) throw new Error('the same Action added twice');
        d.rec.added = true; list.push(d); tx.kinds.push(d.rec.where.split('.').pop().replace(/^create|Action$/g, ''));
        return true;
      },
    });
    inTx = true;
    let r;
    try { r = cb(compound); } finally { inTx = false; open = false; }
    if (r && typeof r.then === 'function') log.misuse.push('executeTransaction callback is async (typed (compoundAction) => void)');
    const restore = snapshot();
    try { for (const a of list) a.run(); } catch (e) { restore(); tx.error = e.message; return false; }
    tx.ok = true;
    return true;
  }
  function lockedAccess(cb) {
    need('Project.lockedAccess', [['callback', (f) => typeof f === 'function', cb]]);
    lockDepth++;
    let r;
    try { r = cb(); } finally { lockDepth--; }
    if (r && typeof r.then === 'function') log.misuse.push('lockedAccess callback is async (typed () => void): the lock ends at its first await');
    return undefined;
  }

  // ---------------------------------------------------------------- sequences and editing
  const seqById = (g) => world.sequences.find((s) => s.guid === g);
  function findItem(u) {
    for (const s of world.sequences) for (const kind of ['video', 'audio']) for (const tr of s[kind]) {
      const it = tr.find((x) => x.uid === u);
      if (it) return { s, tr, it };
    }
    return null;
  }
  function overwrite(s, clip, at, v, a) {
    if (clip.offline) throw new Error(`${clip.name} is offline`);
    const i = clip.marks.in === null ? 0n : clip.marks.in, o = clip.marks.out === null ? clipDur(clip) : clip.marks.out;
    const len = (o - i) / s.tpf * s.tpf;
    if (len <= 0n) throw new Error(`${clip.name}: out point not after in point`);
    const start = at / s.tpf * s.tpf;
    for (const [kind, idx] of [['video', v], ['audio', a]]) {
      if (!(idx >= 0 && idx < s[kind].length)) throw new Error(`${kind} track ${idx} does not exist`);
      const tr = s[kind][idx], end = start + len, keep = [];
      for (const x of tr) {
        if (x.end <= start || x.start >= end) keep.push(x);
        else if (x.start < start) { x.end = start; keep.push(x); }
        else if (x.end > end) { x.in += end - x.start; x.start = end; keep.push(x); }
      }
      keep.push(Object.assign({ uid: uid++, kind, clip: clip.id, start, end, in: i, disabled: false },
        kind === 'video' ? { motion: { position: [0.5, 0.5], scale: 100 } } : {}));
      tr.splice(0, tr.length, ...keep.sort((p, q) => (p.start < q.start ? -1 : 1)));
    }
  }
  function newSequence(name, tpf, bin) {
    const s = { guid: `seq-${guid++}`, name, tpf, zero: 0n, bin, video: [[], [], []], audio: [[], [], []], markers: [], width: 1920, height: 1080 };
    world.sequences.push(s);
    return s;
  }
  for (const sq of scenario.sequences || []) {
    const s = newSequence(sq.name, tpfOf(sq.rate || [24, 1]), 'root');
    for (const c of sq.clips || []) overwrite(s, world.clips.get(c.clip), BigInt(c.at_frame) * s.tpf, 0, 0);
  }

  const trackItemW = (u, kind) => obj(kind === 'video' ? 'VideoClipTrackItem' : 'AudioClipTrackItem', { u }, {
    getStartTime: () => host('TrackItem.getStartTime', () => timeOf(live(u).start)),
    getEndTime: () => host('TrackItem.getEndTime', () => timeOf(live(u).end)),
    getInPoint: () => host('TrackItem.getInPoint', () => timeOf(live(u).in)),
    getOutPoint: () => host('TrackItem.getOutPoint', () => { const it = live(u); return timeOf(it.in + it.end - it.start); }),
    getProjectItem: () => host('TrackItem.getProjectItem', () => projectItemW(live(u).clip)),
    isDisabled: () => host('TrackItem.isDisabled', () => live(u).disabled),
    createSetDisabledAction: (d) => { need('TrackItem.createSetDisabledAction', [['disabled', (x) => typeof x === 'boolean', d]]); return action('TrackItem.createSetDisabledAction', () => { live(u).disabled = d; }); },
    ...(kind === 'video' ? { getComponentChain: () => host('VideoClipTrackItem.getComponentChain', () => chainW(u)) } : {}),
  });
  /* D videocomponentchain.md, component.md, componentparam.md, keyframe.md, pointf.md (TS 26.3: new PointF(x?, y?)).
   * getComponentCount/getComponentAtIndex/getParamCount/getParam/displayName/createKeyframe are sync;
   * getMatchName/getDisplayName are Promises. createKeyframe throws for a value the param cannot take
   * (Position: PointF, Scale: number). createSetValueAction(keyframe, safeForPlayback) sets the value of a
   * non-time-varying param when its transaction commits. Params of a Motion: Position, Scale, Scale Width,
   * Uniform Scale, Rotation, Anchor Point, Anti-flicker Filter [order and names as the Effect Controls panel;
   * Position normalised to the frame, unverified]. */
  const MOTION = [['Position', 'position'], ['Scale', 'scale'], ['Scale Width'], ['Uniform Scale'], ['Rotation'], ['Anchor Point'], ['Anti-flicker Filter']];
  function chainW(u) {
    const comps = [['AE.ADBE Opacity', 'Opacity', [['Opacity']]], ['AE.ADBE Motion', 'Motion', MOTION], ['AE.ADBE Time Remapping', 'Time Remapping', [['Speed']]]];
    const compW = ([match, display, params]) => obj('Component', {}, {
      getMatchName: () => host('Component.getMatchName', () => match),
      getDisplayName: () => host('Component.getDisplayName', () => display),
      getParamCount: () => params.length,
      getParam: (i) => { need('Component.getParam', [['paramIndex', (x) => isInt(x) && x >= 0 && x < params.length, i]]); return paramW(params[i]); },
    });
    const paramW = ([name, key]) => obj('ComponentParam', { key }, {
      displayName: name,
      createKeyframe: (value) => {
        const ok = key === 'position' ? is(value, 'PointF') : key === 'scale' ? Number.isFinite(value) : value !== undefined;
        if (!ok) { log.protocol.push(`ComponentParam(${name}).createKeyframe: incompatible value`); throw new TypeError(`${name}: the value is not compatible with the param type`); }
        return obj('Keyframe', { key, value: key === 'position' ? [dataOf(value).x, dataOf(value).y] : value }, {});
      },
      createSetValueAction: (kf, safe) => {
        need('ComponentParam.createSetValueAction', [['keyframe', (x) => is(x, 'Keyframe') && dataOf(x).key === key, kf], ['inSafeForPlayback', (x) => typeof x === 'boolean', safe]]);
        return action('ComponentParam.createSetValueAction', () => { if (key) live(u).motion[key] = dataOf(kf).value; });
      },
    });
    return obj('VideoComponentChain', {}, {
      getComponentCount: () => comps.length,
      getComponentAtIndex: (i) => { need('VideoComponentChain.getComponentAtIndex', [['componentIndex', (x) => isInt(x) && x >= 0 && x < comps.length, i]]); return compW(comps[i]); },
    });
  }
  /* PointF / RectF: plain points with writable numeric x, y / width, height (D pointf.md, rectf.md). */
  function writable(cls, fields, init) {
    const data = Object.assign({}, init);
    const p = new Proxy(data, {
      get(t, k) { if (fields.includes(k)) return t[k]; if (typeof k === 'string' && k !== 'then') log.unknown.push(`${cls}.${k}`); return undefined; },
      set(t, k, v) { if (!fields.includes(k) || !Number.isFinite(v)) { log.protocol.push(`${cls}.${String(k)} = ${v}`); throw new TypeError(`${cls}.${String(k)}: a number`); } t[k] = v; return true; },
    });
    brand.set(p, { cls, data });
    return p;
  }
  function PointF(x = 0, y = 0) {
    if (!new.target) { log.protocol.push('PointF called without new'); throw new TypeError('PointF is a class: use new ppro.PointF(x, y)'); }
    need('new PointF', [['x', Number.isFinite, x], ['y', Number.isFinite, y]]);
    return writable('PointF', ['x', 'y'], { x, y });
  }
  /* D sequence.md getSettings/setSettings/getFrameSize, sequencesettings.md get/setVideoFrameRect: the
   * settings object is a copy until Sequence.setSettings(settings) applies it [modelling choice]. */
  const settingsW = (g) => {
    const rect = { width: seqById(g).width, height: seqById(g).height };
    return obj('SequenceSettings', { rect }, {
      getVideoFrameRect: () => writable('RectF', ['width', 'height'], rect),
      setVideoFrameRect: (r) => { need('SequenceSettings.setVideoFrameRect', [['inVideoFrameRect', (x) => is(x, 'RectF'), r]]); Object.assign(rect, dataOf(r)); return true; },
    });
  };
  function live(u) { const f = findItem(u); if (!f) throw new Error('the track item is no longer in a sequence'); return f.it; }
  const trackW = (g, kind, i) => obj(kind === 'video' ? 'VideoTrack' : 'AudioTrack', {}, {
    getTrackItems: (type, empty) => {
      need('Track.getTrackItems', [['trackItemType', (x) => Object.values(Constants.TrackItemType).includes(x), type], ['includeEmptyTrackItems', (x) => typeof x === 'boolean', empty]]);
      return type === Constants.TrackItemType.CLIP ? seqById(g)[kind][i].map((x) => trackItemW(x.uid, kind)) : [];
    },
  });
  const seqW = (g) => obj('Sequence', { g }, {
    name: seqById(g).name, guid: g,
    getTimebase: () => host('Sequence.getTimebase', () => seqById(g).tpf.toString()),
    getSettings: () => host('Sequence.getSettings', () => settingsW(g)),
    setSettings: (st) => {
      need('Sequence.setSettings', [['sequenceSettings', (x) => is(x, 'SequenceSettings'), st]]);
      const r = dataOf(st).rect;
      if (!(Number.isInteger(r.width) && Number.isInteger(r.height) && r.width >= 16 && r.height >= 16)) return false;
      Object.assign(seqById(g), { width: r.width, height: r.height });
      return true;
    },
    getFrameSize: () => host('Sequence.getFrameSize', () => writable('RectF', ['width', 'height'], { width: seqById(g).width, height: seqById(g).height })),
    getZeroPoint: () => host('Sequence.getZeroPoint', () => timeOf(seqById(g).zero)),
    getVideoTrackCount: () => host('Sequence.getVideoTrackCount', () => seqById(g).video.length),
    getAudioTrackCount: () => host('Sequence.getAudioTrackCount', () => seqById(g).audio.length),
    getVideoTrack: (i) => host('Sequence.getVideoTrack', () => { need('Sequence.getVideoTrack', [['index', isInt, i]]); if (!seqById(g).video[i]) throw new RangeError(`no video track ${i}`); return trackW(g, 'video', i); }),
    getAudioTrack: (i) => host('Sequence.getAudioTrack', () => { need('Sequence.getAudioTrack', [['index', isInt, i]]); if (!seqById(g).audio[i]) throw new RangeError(`no audio track ${i}`); return trackW(g, 'audio', i); }),
    createSetZeroPointAction: (t) => { need('Sequence.createSetZeroPointAction', [['tickTime', isTime, t]]); const z = T(t); return action('Sequence.createSetZeroPointAction', () => { seqById(g).zero = z; }); },
  });
  const editorW = (g) => obj('SequenceEditor', {}, {
    createOverwriteItemAction: (pi, t, v, a) => {
      need('SequenceEditor.createOverwriteItemAction', [['projectItem', (x) => is(x, 'ClipProjectItem'), pi], ['time', isTime, t], ['videoTrackIndex', isInt, v], ['audioTrackIndex', isInt, a]]);
      const id = dataOf(pi).id, at = T(t);
      return action('SequenceEditor.createOverwriteItemAction', () => overwrite(seqById(g), world.clips.get(id), at, v, a));
    },
    createRemoveItemsAction: (sel, ripple, mt, shift) => {
      need('SequenceEditor.createRemoveItemsAction', [['selection', (x) => is(x, 'TrackItemSelection'), sel], ['ripple', (x) => typeof x === 'boolean', ripple],
        ['mediaType', (x) => Object.values(Constants.MediaType).includes(x), mt], ['shiftOverLapping', (x) => x === undefined || typeof x === 'boolean', shift]]);
      const uids = dataOf(sel).uids.slice();
      return action('SequenceEditor.createRemoveItemsAction', () => {
        if (ripple) throw new Error('this fake does not ripple');
        for (const u of uids) { const f = findItem(u); if (f) f.tr.splice(f.tr.indexOf(f.it), 1); }
      });
    },
  });
  function selectionW() {
    const d = { uids: [] };
    return obj('TrackItemSelection', d, {
      addItem: (ti) => { need('TrackItemSelection.addItem', [['trackItem', (x) => is(x, 'VideoClipTrackItem', 'AudioClipTrackItem'), ti]]); d.uids.push(dataOf(ti).u); return true; },
    });
  }

  // ---------------------------------------------------------------- markers
  const markerW = (g, m) => obj('Marker', { m }, {
    getName: () => m.name, getComments: () => m.comments, getType: () => m.type,
    getStart: () => timeOf(m.start), getDuration: () => timeOf(m.duration), getColorIndex: () => m.color,
    createSetColorByIndexAction: (i) => {
      need('Marker.createSetColorByIndexAction', [['colorIndex', isInt, i]]);
      const key = m.key;
      return action('Marker.createSetColorByIndexAction', () => {
        const live2 = seqById(g).markers.find((x) => x.key === key);
        if (!live2) throw new Error('the marker is gone');
        if (i < 0 || i > 7) throw new Error(`colour index ${i}`);
        live2.color = i;
      });
    },
  });
  const markersW = (g) => obj('Markers', {}, {
    getMarkers: () => seqById(g).markers.map((m) => markerW(g, m)),
    createAddMarkerAction: (name, type, start, dur, comments) => {
      need('Markers.createAddMarkerAction', [['name', (x) => typeof x === 'string', name], ['markerType', (x) => x === undefined || MARKER_TYPES.includes(x), type],
        ['startTime', (x) => x === undefined || isTime(x), start], ['duration', (x) => x === undefined || isTime(x), dur], ['comments', (x) => x === undefined || typeof x === 'string', comments]]);
      const s0 = start ? T(start) : 0n, d0 = dur ? T(dur) : 0n;
      return action('Markers.createAddMarkerAction', () => {
        const s = seqById(g);
        s.markers.push({ key: uid++, name, type: type || 'Comment', start: s0 / s.tpf * s.tpf, duration: d0 / s.tpf * s.tpf, comments: comments || '', color: 0 });
      });
    },
  });

  // ---------------------------------------------------------------- project items
  function projectItemW(id) {
    const c = world.clips.get(id), b = world.bins.get(id), s = seqById(id);
    return obj('ProjectItem', { id }, { name: (c || b || s).name, getId: () => id, type: b ? 2 : 1 });
  }
  const clipW = (id) => {
    const c = world.clips.get(id), s = seqById(id);
    return obj('ClipProjectItem', { id }, {
      name: (c || s).name,
      isSequence: () => host('ClipProjectItem.isSequence', () => !!s),
      isOffline: () => host('ClipProjectItem.isOffline', () => !!(c && c.offline)),
      getMediaFilePath: () => host('ClipProjectItem.getMediaFilePath', () => (c ? c.path : '')),
      getFootageInterpretation: () => host('ClipProjectItem.getFootageInterpretation', () => (c ? obj('FootageInterpretation', {}, { getFrameRate: () => c.rate[0] / c.rate[1] }) : null)),
      getMedia: () => host('ClipProjectItem.getMedia', () => obj('Media', {}, {
        get start() { return host('Media.start', () => timeOf(c ? c.start : 0n)); },
        get duration() { return host('Media.duration', () => timeOf(c ? clipDur(c) : 0n)); } })),
      getInPoint: (mt) => host('ClipProjectItem.getInPoint', () => { need('ClipProjectItem.getInPoint', [['mediaType', (x) => Object.values(Constants.MediaType).includes(x), mt]]); return timeOf(c.marks.in === null ? 0n : c.marks.in); }),
      getOutPoint: (mt) => host('ClipProjectItem.getOutPoint', () => { need('ClipProjectItem.getOutPoint', [['mediaType', (x) => Object.values(Constants.MediaType).includes(x), mt]]); return timeOf(c.marks.out === null ? clipDur(c) : c.marks.out); }),
      createSetInOutPointsAction: (i, o) => {
        need('ClipProjectItem.createSetInOutPointsAction', [['inPoint', isTime, i], ['outPoint', isTime, o]]);
        const a = T(i) / c.tpf * c.tpf, b = T(o) / c.tpf * c.tpf;
        return action('ClipProjectItem.createSetInOutPointsAction', () => {
          if (a < 0n || b > clipDur(c) || b <= a) throw new Error(`in/out ${a}..${b} outside ${c.name}`);
          c.marks = { in: a, out: b };
        });
      },
      createClearInOutPointsAction: () => action('ClipProjectItem.createClearInOutPointsAction', () => { c.marks = { in: null, out: null }; }),
    });
  };
  const folderW = (id) => obj('FolderItem', { id }, {
    name: world.bins.get(id).name,
    getItems: () => host('FolderItem.getItems', () => [
      ...[...world.bins.values()].filter((b) => b.parent === id).map((b) => projectItemW(b.id)),
      ...[...world.clips.values()].filter((c) => c.bin === id).map((c) => projectItemW(c.id)),
      ...world.sequences.filter((s) => s.bin === id).map((s) => projectItemW(s.guid))]),
  });
  const castArg = (where, x) => need(where, [['projectItem', (v) => is(v, 'ProjectItem', 'ClipProjectItem', 'FolderItem'), x]]);

  // ---------------------------------------------------------------- project
  const project = obj('Project', {}, {
    name: 'test.prproj',
    getRootItem: () => host('Project.getRootItem', () => folderW('root')),
    getSequences: () => host('Project.getSequences', () => world.sequences.map((s) => seqW(s.guid))),
    createSequenceFromMedia: (name, items, bin) => host('Project.createSequenceFromMedia', () => {
      need('Project.createSequenceFromMedia', [['name', (x) => typeof x === 'string', name], ['clipProjectItems', (x) => x === undefined || (Array.isArray(x) && x.every((e) => is(e, 'ClipProjectItem'))), items],
        ['targetBin', (x) => x === undefined || is(x, 'FolderItem', 'ProjectItem'), bin]]);
      const clips = (items || []).map((x) => world.clips.get(dataOf(x).id));
      const s = newSequence(name, clips.length ? clips[0].tpf : tpfOf([30000, 1001]), bin ? dataOf(bin).id : 'root');
      let at = 0n;
      for (const c of clips) { overwrite(s, c, at, 0, 0); at = s.video[0][s.video[0].length - 1].end; }
      return seqW(s.guid);
    }),
    deleteSequence: (sq) => host('Project.deleteSequence', () => {
      need('Project.deleteSequence', [['sequence', (x) => is(x, 'Sequence'), sq]]);
      const i = world.sequences.indexOf(seqById(dataOf(sq).g));
      if (i >= 0) world.sequences.splice(i, 1);
      return i >= 0;
    }),
    lockedAccess, executeTransaction,
  });

  const ppro = obj('premierepro', {}, {
    Constants, TickTime, PointF,
    Project: obj('ProjectStatic', {}, { getActiveProject: () => host('Project.getActiveProject', () => project) }),
    ProjectUtils: obj('ProjectUtilsStatic', {}, {
      getSelection: (p) => host('ProjectUtils.getSelection', () => obj('ProjectItemSelection', {}, {
        getItems: () => host('ProjectItemSelection.getItems', () => selection.map(projectItemW)) })),
    }),
    FolderItem: obj('FolderItemStatic', {}, { cast: (x) => { castArg('FolderItem.cast', x); const id = dataOf(x).id; return world.bins.has(id) ? folderW(id) : null; } }),
    ClipProjectItem: obj('ClipProjectItemStatic', {}, { cast: (x) => { castArg('ClipProjectItem.cast', x); const id = dataOf(x).id; return world.clips.has(id) || seqById(id) ? clipW(id) : null; } }),
    SequenceEditor: obj('SequenceEditorStatic', {}, { getEditor: (sq) => { need('SequenceEditor.getEditor', [['sequence', (x) => is(x, 'Sequence'), sq]]); return editorW(dataOf(sq).g); } }),
    TrackItemSelection: obj('TrackItemSelectionStatic', {}, {
      createEmptySelection: (cb) => { need('TrackItemSelection.createEmptySelection', [['callback', (f) => typeof f === 'function', cb]]); cb(selectionW()); return true; },
    }),
    Markers: obj('MarkersStatic', {}, { getMarkers: (owner) => host('Markers.getMarkers', () => { need('Markers.getMarkers', [['owner', (x) => is(x, 'Sequence'), owner]]); return markersW(dataOf(owner).g); }) }),
  });

  /** Everything a test wants to see, as plain data (ticks as strings). */
  function state() {
    const str = (v) => JSON.parse(JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? x.toString() : x)));
    return str({ sequences: world.sequences, marks: Object.fromEntries([...world.clips.values()].map((c) => [c.id, c.marks])) });
  }
  /** The API misuses the fake saw: [] when the plugin followed the docs. */
  function problems() {
    return [...log.misuse, ...log.protocol, ...log.unknown.map((u) => `undocumented member read: ${u}`),
      ...log.promises.filter((p) => !p.awaited).map((p) => `never awaited: ${p.origin}`),
      ...log.actions.filter((a) => !a.added).map((a) => `Action never run: ${a.where}`),
      ...log.transactions.filter((t) => !t.ok).map((t) => `transaction ${JSON.stringify(t.label)} rolled back: ${t.error}`)];
  }
  return { ppro, log, world, state, problems, version, uxpHost: { name: 'premierepro', version: `${version}.0` } };
}

module.exports = { makeUxp, Constants, TPS, tpfOf };
