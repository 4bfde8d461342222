'use strict';
/*
 * A strict fake of Premiere Pro's ExtendScript DOM (HOST_API.md B2/B4), for running
 * roughcut.jsx in node. What it models, because the real host does it:
 *  - ES3: the script runs in a vm context without JSON, Array.prototype.indexOf/forEach/map…,
 *    String.prototype.trim, Object.keys, Function.prototype.bind, Date.now;
 *    arrays handed to the script are arrays of that context.
 *  - Time objects hold integer ticks (254016000000/s); setting .seconds truncates.
 *  - In/out marks live on the master clip (per media type), persist across calls and are used
 *    by every placement; cleared marks read as 0 / the media end.
 *  - createNewSequence throws (it opens a dialog); app.enableQE throws (undocumented QE DOM).
 *  - createNewSequenceFromClips takes its timebase from the first clip and places the clips at
 *    0 with their current marks; overwriteClip places linked video+audio at an absolute time,
 *    trimming what it covers, and snaps clips of another rate down to the sequence frame grid.
 *  - markers.createMarker takes float seconds and truncates to the frame below.
 *  - mutators return 0 on success; creators return 0 on failure; TrackItem.disabled (22.0).
 *  - ProjectItem.setInPoint/setOutPoint take seconds or a Time, never ticks (premiere-scripting-
 *    guide#6): a string is read as a NUMBER OF SECONDS, as ExtendScript coerces it, so a tick
 *    string lands far beyond the media and is clamped to its end (noted in fake.notes). Marks
 *    snap down to the clip's frames.
 *  - Marker.start/Marker.end are SET with a number of seconds (premiere-scripting-guide, Marker
 *    object: "pass a Seconds value, not a complete replacement Time"); a Time is ignored (noted).
 *  - linked picture/sound: TrackItem.setSelected(state, updateUI) + Sequence.unlinkSelection()
 *    unlink; TrackItem.remove(ripple, alignToVideo) removes only that item (HOST_API B4).
 *  - reading a member the DOM does not have gives undefined and is recorded in fake.unknown.
 * Every mutation of a sequence is logged on it, so tests can prove old sequences were untouched.
 */
const fs = require('fs');
const path = require('path');
const vm = require('vm');

/*
 * ExtendScript's preprocessor (JavaScript Tools Guide, "Preprocessor directives"): a line
 * `#include "f"` or `//@include "f"` is replaced by the text of f, a relative f resolving beside
 * the including file; a file that cannot be found is a run-time error before anything runs.
 */
const INCLUDE = /^\s*(?:#|\/\/@)include\s+["'](.+?)["']\s*;?\s*$/;
function preprocess(file, seen = []) {
  const abs = path.resolve(String(file));
  if (seen.includes(abs)) return '';
  seen.push(abs);
  let text;
  try { text = fs.readFileSync(abs, 'utf8').replace(/^\uFEFF/, ''); } catch (e) {
    throw new Error(`#include: cannot open ${abs}`);
  }
  return text.split(/\r?\n/).map((line) => {
    const m = INCLUDE.exec(line);
    return m ? preprocess(path.resolve(path.dirname(abs), m[1]), seen) : line;
  }).join('\n');
}

const TPS = 254016000000n;
const ES5_EXTRAS = `
  delete this.JSON;
  ['indexOf','lastIndexOf','forEach','map','filter','some','every','reduce','reduceRight']
    .forEach(function (k) { delete Array.prototype[k]; });
  delete Array.isArray; delete Object.keys; delete Object.create; delete String.prototype.trim;
  delete Function.prototype.bind; delete Date.now; delete Date.prototype.toISOString;
`;

function toTicks(v, what) {
  if (v instanceof Time) return v._t;
  if (typeof v === 'string') {
    if (!/^-?\d+$/.test(v)) throw new Error(`${what}: "${v}" is not an integer tick string`);
    return BigInt(v);
  }
  if (typeof v === 'number' && isFinite(v)) return BigInt(Math.floor(v * Number(TPS)));
  throw new Error(`${what}: expected seconds, a tick string or a Time, got ${typeof v}`);
}

function Time(t) { this._t = typeof t === 'bigint' ? t : 0n; }
Object.defineProperty(Time.prototype, 'ticks', {
  get() { return this._t.toString(); },
  set(v) { this._t = toTicks(String(v), 'Time.ticks'); },
});
Object.defineProperty(Time.prototype, 'seconds', {
  get() { return Number(this._t) / Number(TPS); },
  set(v) { this._t = BigInt(Math.floor(v * Number(TPS))); },
});

function tpfOf(rate) { return TPS * BigInt(rate[1]) / BigInt(rate[0]); }

/* Seconds (number, or a string ExtendScript coerces to one) or a Time → ticks; null if neither. */
function secondsArg(v) {
  if (v instanceof Time) return v._t;
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && isFinite(n) ? BigInt(Math.floor(n * Number(TPS))) : null;
}

/* Members the DOM has not got read as undefined; the read is recorded (internal _names excepted). */
function strict(fake, cls, obj) {
  return new Proxy(obj, {
    get(t, k, recv) {
      if (typeof k === 'string' && !(k in t) && !k.startsWith('_') && k !== 'then' && k !== 'toJSON') fake.unknown.push(`${cls}.${k}`);
      return Reflect.get(t, k, recv);
    },
  });
}

/* SMPTE 12M drop-frame timecode (";" separators) for a frame count at 29.97/59.94. */
function dropFrameTc(frames, nominal) {
  const drop = nominal / 15, perTen = nominal * 600 - drop * 9;
  const tens = Math.floor(frames / perTen), rem = frames % perTen;
  const extra = rem < drop ? 0 : drop * Math.floor((rem - drop) / (nominal * 60 - drop));
  const f = frames + drop * 9 * tens + extra, p = (x) => String(x).padStart(2, '0');
  return `${p(Math.floor(f / nominal / 3600))};${p(Math.floor(f / nominal / 60) % 60)};${p(Math.floor(f / nominal) % 60)};${p(f % nominal)}`;
}

function coll(items, countName) {
  const c = { length: items.length };
  c[countName] = items.length;
  items.forEach((it, i) => { c[i] = it; });
  return c;
}

class FakePremiere {
  constructor(scenario, options = {}) {
    this.options = options;
    this.calls = [];
    this.notes = [];
    this.unknown = [];
    this.ctx = vm.createContext({});
    vm.runInContext(ES5_EXTRAS, this.ctx);
    this.mkArray = vm.runInContext('(function () { return []; })', this.ctx);
    this.nextId = 1000;
    this.sequences = [];
    this.items = {};
    this.root = this._bin('root', null, 3);
    for (const b of scenario.bins || []) this._bin(b.name, this.items[b.parent] || this.root, 2, b.id);
    for (const c of scenario.clips || []) this._clip(c);
    for (const s of scenario.sequences || []) this._existingSequence(s);
    this.selection = (scenario.selection || []).map((id) => this.items[id]);
    this.project = this._project();
    const self = this;
    this.app = {
      version: '22.0.0',
      get project() { return self.project; },
      getCurrentProjectViewSelection() {
        if (!self.selection.length) return null;
        const arr = self.mkArray();
        self.selection.forEach((x) => arr.push(x));
        return arr;
      },
      enableQE() { throw new Error('app.enableQE: the QE DOM is undocumented; roughcut must not use it'); },
    };
    const dollar = { writeln() {}, evalFile(file) { return vm.runInContext(preprocess(file), self.ctx, { filename: String(file) }); } };
    Object.assign(this.ctx, { app: this.app, Time, $: dollar,
      ProjectItemType: { CLIP: 1, BIN: 2, ROOT: 3, FILE: 4 } });
  }

  _bin(name, parent, type, id) {
    const self = this;
    const bin = { name, type, nodeId: id || `bin-${this.nextId++}`, _kids: [],
      treePath: parent ? `${parent.treePath}\\${name}` : '\\test.prproj',
      get children() { return coll(bin._kids, 'numItems'); },
      isSequence() { return false; },
      createBin(n) { return self._bin(n, bin, 2); } };
    if (parent) parent._kids.push(bin);
    this.items[bin.nodeId] = bin;
    return bin;
  }

  _clip(spec) {
    const self = this;
    const rate = spec.rate || [24, 1];
    const tpf = tpfOf(rate);
    const durTicks = BigInt(spec.frames) * tpf;
    const marks = { 1: { in: null, out: null }, 2: { in: null, out: null } };
    const types = (mt) => {
      if (mt === undefined || mt === 4) return [1, 2];
      if (mt === 1 || mt === 2) return [mt];
      throw new Error(`mediaType ${mt}: expected 1 (video), 2 (audio) or 4 (all)`);
    };
    const parent = this.items[spec.bin] || this.root;
    const clip = { name: spec.name, type: 1, nodeId: spec.nodeId || `clip-${this.nextId++}`,
      treePath: `${parent.treePath}\\${spec.name}`, _rate: rate, _tpf: tpf, _dur: durTicks, _marks: marks,
      _video: spec.video !== false, _audio: spec.audio !== false,
      getMediaPath() { return spec.path; },
      isSequence() { return false; },
      isOffline() { return !!spec.offline; },
      getFootageInterpretation() { return { frameRate: rate[0] / rate[1], pixelAspectRatio: 1 }; },
      getProjectMetadata() {
        const n = Math.round(rate[0] / rate[1]);
        const f = spec.frames, p = (x) => String(x).padStart(2, '0');
        // drop-frame media show a drop-frame Media Duration ("00;01;00;02") in the Project panel
        const tc = spec.drop_frame ? dropFrameTc(f, n)
          : `${p(Math.floor(f / n / 3600))}:${p(Math.floor(f / n / 60) % 60)}:${p(Math.floor(f / n) % 60)}:${p(f % n)}`;
        return `<premierePrivateProjectMetaData:Column.Intrinsic.MediaDuration>${tc}</premierePrivateProjectMetaData:Column.Intrinsic.MediaDuration>`;
      },
      startTime() { return new Time(BigInt(spec.start_frame || 0) * tpf); },
      getInPoint(mt) { const m = marks[types(mt)[0]]; return new Time(m.in === null ? 0n : m.in); },
      getOutPoint(mt) { const m = marks[types(mt)[0]]; return new Time(m.out === null ? durTicks : m.out); },
      setInPoint(t, mt) { return clip._mark('in', t, mt); },
      setOutPoint(t, mt) { return clip._mark('out', t, mt); },
      clearInPoint() { marks[1].in = marks[2].in = null; return 0; },
      clearOutPoint() { marks[1].out = marks[2].out = null; return 0; },
      _mark(which, t, mt) {
        const what = `ProjectItem.set${which === 'in' ? 'In' : 'Out'}Point`;
        let ticks = secondsArg(t);
        if (ticks === null) throw new Error(`${what}: takes seconds or a Time, got ${typeof t}`);
        if (typeof t === 'string') self.notes.push(`${what}("${t}"): a string is read as seconds, not ticks`);
        if (ticks < 0n) ticks = 0n;
        if (ticks > durTicks) { self.notes.push(`${what}(${t}) on ${spec.name}: beyond the media end, clamped`); ticks = durTicks; }
        ticks = ticks / tpf * tpf; // marks snap down to the clip's frames
        for (const k of types(mt)) marks[k][which] = ticks;
        self.calls.push(['mark', clip.nodeId, which, ticks.toString(), mt]);
        return 0;
      },
      _range(k) {
        const m = marks[k];
        return [m.in === null ? 0n : m.in, m.out === null ? durTicks : m.out];
      },
    };
    const wrapped = strict(this, 'ProjectItem', clip);
    parent._kids.push(wrapped);
    this.items[clip.nodeId] = wrapped;
    return wrapped;
  }

  _project() {
    const self = this;
    return {
      name: 'test.prproj',
      get rootItem() { return self.root; },
      get sequences() { return coll(self.sequences, 'numSequences'); },
      get activeSequence() { return self.active || null; },
      getInsertionBin() { return self.root; },
      createNewSequence() {
        self.calls.push(['createNewSequence']);
        throw new Error('createNewSequence opens the New Sequence dialog');
      },
      createNewSequenceFromClips(name, items, bin) {
        self.calls.push(['createNewSequenceFromClips', name]);
        if (Object.prototype.toString.call(items) !== '[object Array]' || items.length < 1) return 0;
        for (let i = 0; i < items.length; i++) if (!items[i] || items[i].type !== 1) return 0;
        if (self.options.failCreate) return 0;
        const rate = self.options.forceSequenceRate || items[0]._rate;
        const seq = self._sequence(name, rate, bin || self.root);
        let at = 0n;
        for (let i = 0; i < items.length; i++) {
          seq._place(items[i], at, 0, 0);
          const [a, b] = items[i]._range(1);
          at += b - a;
        }
        seq._log = [];
        self.active = seq;
        return seq;
      },
      deleteSequence(seq) {
        self.calls.push(['deleteSequence', seq.name]);
        const i = self.sequences.indexOf(seq);
        if (i < 0) return false;
        self.sequences.splice(i, 1);
        if (self.active === seq) self.active = null;
        return true;
      },
    };
  }

  _existingSequence(spec) {
    const seq = this._sequence(spec.name, spec.rate || [24, 1], this.root);
    for (const c of spec.clips || []) seq._place(this.items[c.clip], BigInt(c.at_frame) * seq._tpf, 0, 0);
    seq._log = [];
    seq._existing = true;
  }

  _sequence(name, rate, bin) {
    const self = this;
    const tpf = tpfOf(rate);
    const nTracks = this.options.tracks || { video: 3, audio: 3 };
    const mkTrack = (kind, index) => ({ _items: [], _muted: 0, mediaType: kind, id: index, name: `${kind[0]}${index + 1}`,
      get clips() { return coll(this._items.slice().sort((x, y) => (x._s < y._s ? -1 : 1)), 'numItems'); },
      setMute(v) { seq._log.push(['mute', kind, index, v]); this._muted = v ? 1 : 0; return 0; },
      isMuted() { return !!this._muted; } });
    const markers = [];
    const seq = {
      name, sequenceID: `seq-${this.nextId++}`, _tpf: tpf, _log: [], _markers: markers,
      timebase: tpf.toString(), _zero: 0n,
      get zeroPoint() { return this._zero.toString(); },
      _v: Array.from({ length: nTracks.video }, (_, i) => mkTrack('Video', i)),
      _a: Array.from({ length: nTracks.audio }, (_, i) => mkTrack('Audio', i)),
      get videoTracks() { return coll(this._v, 'numTracks'); },
      get audioTracks() { return coll(this._a, 'numTracks'); },
      unlinkSelection() {
        for (const ti of this._v.concat(this._a).flatMap((t) => t._items)) {
          if (!ti._selected) continue;
          for (const o of ti._group) if (o !== ti) o._group = o._group.filter((x) => x !== ti);
          ti._group = [ti];
        }
        this._log.push(['unlink']);
        return true;
      },
      getSelection() {
        const arr = self.mkArray();
        for (const ti of this._v.concat(this._a).flatMap((t) => t._items)) if (ti._selected) arr.push(ti);
        return arr;
      },
      setZeroPoint(t) { this._log.push(['zero', t]); this._zero = toTicks(String(t), 'setZeroPoint'); },
      // premiere-scripting-guide Sequence.getSettings/setSettings (a settings object back in); B4:
      // getSettings after setSettings in one evalScript crashed the host, so that order is a note.
      _w: 1920, _h: 1080,
      getSettings() {
        if (this._log.some((x) => x[0] === 'setSettings')) self.notes.push('getSettings() after setSettings(): crashed the host (HOST_API B4)');
        return { videoFrameRate: new Time(tpf), videoFrameWidth: this._w, videoFrameHeight: this._h };
      },
      setSettings(st) {
        if (!st || !(st.videoFrameRate instanceof Time)) throw new Error('setSettings takes the object from getSettings()');
        const w = st.videoFrameWidth, h = st.videoFrameHeight;
        if (!Number.isInteger(w) || !Number.isInteger(h) || w < 16 || h < 16) throw new Error('setSettings: bad frame size');
        this._log.push(['setSettings', w, h]);
        this._w = w; this._h = h;
        return true;
      },
      markers: {
        get numMarkers() { return markers.length; },
        createMarker(seconds) {
          if (typeof seconds !== 'number') throw new Error('createMarker takes seconds (a number)');
          seq._log.push(['marker', seconds]);
          const raw = BigInt(Math.floor(seconds * Number(TPS)));
          const m = self._marker(raw / tpf * tpf, tpf);
          markers.push(m);
          return m;
        },
        getFirstMarker() { return markers[0]; },
        getNextMarker(m) { return markers[markers.indexOf(m) + 1]; },
      },
      overwriteClip(item, time, v, a) {
        if (self.options.failOverwriteAt !== undefined && self.calls.filter((c) => c[0] === 'overwrite').length === self.options.failOverwriteAt) {
          self.calls.push(['overwrite', 'refused']);
          return false;
        }
        self.calls.push(['overwrite', item && item.nodeId, String(time), v, a]);
        if (!item || item.type !== 1 || item.isOffline()) return false;
        if (v < 0 || v >= this._v.length || a < 0 || a >= this._a.length) return false;
        this._place(item, toTicks(time, 'overwriteClip time'), v, a);
        return true;
      },
      _place(item, at, v, a) {
        const group = [];
        const parts = [[item._video, 1, this._v[v]], [item._audio, 2, this._a[a]]];
        for (const [has, type, track] of parts) {
          if (!has) continue;
          const [inT, outT] = item._range(type);
          if (outT <= inT) throw new Error(`${item.name}: out point not after in point`);
          // another rate is conformed to the sequence frame grid, truncating (HOST_API B4)
          const len = item._tpf === tpf ? outT - inT : (outT - inT) / tpf * tpf;
          overwrite(track, at, at + len);
          const ti = self._trackItem(item, type, at, at + len, inT, group);
          track._items.push(ti);
          group.push(ti);
        }
        this._log.push(['place', item.nodeId, at.toString(), v, a]);
      },
    };
    function overwrite(track, s, e) {
      track._items = track._items.filter((x) => !(x._s >= s && x._e <= e));
      for (const x of track._items) {
        if (x._s < s && x._e > s) x._e = s;
        else if (x._s < e && x._e > e) { x._in += e - x._s; x._s = e; }
      }
    }
    seq.projectItem = { name, type: 1, nodeId: `seqitem-${seq.sequenceID}`, isSequence() { return true; },
      getMediaPath() { return ''; }, treePath: `${bin.treePath}\\${name}` };
    bin._kids.push(seq.projectItem);
    this.sequences.push(seq);
    return seq;
  }

  _trackItem(item, type, s, e, inT, group) {
    const self = this;
    const ti = { _s: s, _e: e, _in: inT, _disabled: false, _selected: false, _group: group, type, name: item.name, projectItem: item,
      nodeId: `ti-${this.nextId++}`, mediaType: type === 1 ? 'Video' : 'Audio',
      get start() { return new Time(this._s); }, get end() { return new Time(this._e); },
      get inPoint() { return new Time(this._in); }, get outPoint() { return new Time(this._in + this._e - this._s); },
      get duration() { return new Time(this._e - this._s); },
      get disabled() { return this._disabled; },
      set disabled(v) { this._disabled = !!v; },
      getLinkedItems() { return coll(ti._group.filter((x) => x !== wrapped), 'numItems'); },
      get components() { return coll(ti._comps, 'numItems'); },
      setSelected(state, updateUI) { ti._selected = !!state; },
      isSelected() { return ti._selected; },
      remove(ripple, alignToVideo) {
        if (typeof ripple !== 'boolean' || typeof alignToVideo !== 'boolean') throw new Error('remove(rippleEdit, alignToVideo) takes two booleans');
        for (const seq of self.sequences) {
          for (const t of seq._v.concat(seq._a)) {
            const i = t._items.indexOf(wrapped);
            if (i >= 0) {
              t._items.splice(i, 1);
              for (const o of ti._group) if (o !== wrapped) o._group = o._group.filter((x) => x !== wrapped);
              seq._log.push(['remove', ti.nodeId]);
              return 0;
            }
          }
        }
        return 1;
      } };
    ti._comps = type === 1 ? [this._component('AE.ADBE Opacity', 'Opacity', [['Opacity', 100]]),
      this._component('AE.ADBE Motion', 'Motion', [['Position', [0.5, 0.5]], ['Scale', 100], ['Scale Width', 100],
        ['Uniform Scale', true], ['Rotation', 0], ['Anchor Point', [0.5, 0.5]], ['Anti-flicker Filter', 0]])] : [];
    const wrapped = strict(this, 'TrackItem', ti);
    return wrapped;
  }

  /* Component {matchName, displayName, properties} and ComponentParam {displayName, getValue,
   * setValue(value, updateUI) -> 0} (premiere-scripting-guide); a value of the wrong shape for the
   * stream (number vs [x, y]) or a non-integer updateUI throws; setValue on a time-varying one fails. */
  _component(matchName, displayName, params) {
    const self = this;
    const props = params.map(([name, v0]) => strict(this, 'ComponentParam', {
      displayName: name, _v: v0, _varying: false,
      getValue() { return Array.isArray(this._v) ? vm.runInContext(`[${this._v[0]}, ${this._v[1]}]`, self.ctx) : this._v; },
      setValue(value, updateUI) {
        if (!Number.isInteger(updateUI)) throw new Error('ComponentParam.setValue(value, updateUI): updateUI is an integer');
        if (this._varying) return 1;
        const point = Array.isArray(this._v);
        const ok = point ? (value && value.length === 2 && [0, 1].every((k) => Number.isFinite(value[k]))) : typeof value === typeof this._v && (typeof value !== 'number' || Number.isFinite(value));
        if (!ok) throw new Error(`ComponentParam.setValue: ${name} needs ${point ? 'an [x, y] array' : typeof this._v}`);
        this._v = point ? [value[0], value[1]] : value;
        self.calls.push(['setValue', name, JSON.stringify(this._v)]);
        return 0;
      } }));
    return strict(this, 'Component', { matchName, displayName, get properties() { return coll(props, 'numItems'); } });
  }

  _marker(ticks, tpf) {
    const self = this;
    const seconds = (what, v) => {
      if (v instanceof Time) { self.notes.push(`${what} = <Time>: ignored; the docs say to assign a number of seconds`); return null; }
      if (typeof v !== 'number' || !isFinite(v)) throw new Error(`${what} takes a number of seconds`);
      return BigInt(Math.floor(v * Number(TPS))) / tpf * tpf; // markers snap down to frames
    };
    const m = { _start: ticks, _end: ticks, name: '', comments: '', _color: 0, type: 'Comment',
      get start() { return new Time(this._start); },
      set start(v) { const t = seconds('Marker.start', v); if (t !== null) this._start = t; },
      get end() { return new Time(this._end); },
      set end(v) { const t = seconds('Marker.end', v); if (t !== null) this._end = t; },
      setColorByIndex(i) { if (!(i >= 0 && i <= 7)) throw new Error(`marker colour index ${i}`); this._color = i; },
      getColorByIndex() { return this._color; } };
    return m;
  }

  /** Load a script into the ExtendScript context (like the manifest's ScriptPath). */
  load(source, filename = 'roughcut.jsx') { vm.runInContext(source, this.ctx, { filename }); }

  /** Load a .jsx file with its #include / //@include parts inlined, as ExtendScript does. */
  loadFile(file) { this.load(preprocess(file), path.basename(file)); }

  /** Like CSInterface.evalScript: always a string; "EvalScript error." when the script throws. */
  evalScript(code) {
    try {
      const out = vm.runInContext(code, this.ctx);
      return out === undefined ? 'undefined' : String(out);
    } catch (e) {
      this.lastError = e;
      return 'EvalScript error.';
    }
  }

  /** The newest sequence's frame size and its V1 clips' Motion {position, scale}. */
  motion() {
    const s = this.sequences[this.sequences.length - 1];
    const m = (x) => ({ position: x._comps[1].properties[0]._v, scale: x._comps[1].properties[1]._v });
    return { width: s._w, height: s._h, v1: s._v[0]._items.slice().sort((x, y) => (x._s < y._s ? -1 : 1)).map(m) };
  }

  /** A JSON-able picture of the project for assertions. */
  snapshot() {
    const seqs = this.sequences.map((s) => ({
      name: s.name, id: s.sequenceID, timebase: s.timebase, zeroPoint: s.zeroPoint, existing: !!s._existing,
      log: s._log.length,
      video: s._v.map((t) => ({ muted: t._muted, clips: t._items.slice().sort((x, y) => (x._s < y._s ? -1 : 1)).map(tiInfo) })),
      audio: s._a.map((t) => ({ muted: t._muted, clips: t._items.slice().sort((x, y) => (x._s < y._s ? -1 : 1)).map(tiInfo) })),
      markers: s._markers.map((m) => ({ start: m._start.toString(), end: m._end.toString(), name: m.name, comments: m.comments, color: m._color })),
    }));
    const marks = {};
    for (const it of Object.values(this.items)) {
      if (it._marks) marks[it.nodeId] = JSON.parse(JSON.stringify(it._marks, (k, v) => (typeof v === 'bigint' ? v.toString() : v)));
    }
    return { sequences: seqs, marks, calls: this.calls.map((c) => c.map(String)) };
  }
}

function tiInfo(x) {
  return { clip: x.projectItem.nodeId, start: x._s.toString(), end: x._e.toString(), in: x._in.toString(),
    disabled: x._disabled, linked: x.getLinkedItems().numItems };
}

module.exports = { preprocess, FakePremiere, Time, TPS, tpfOf };
