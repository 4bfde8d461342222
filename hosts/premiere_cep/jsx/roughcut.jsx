/*
 * roughcut.jsx: Premiere Pro ExtendScript side of the roughcut host (ES3 only).
 *
 * Contract (called by the CEP panel through evalScript and by `roughcut apply --host premiere`
 * through the Pymiere Link panel; both get a JSON string back, never an exception):
 *   roughcut_readBin() -> {ok, clips: [{path, host_id (= nodeId), name, rate [num,den], fps,
 *       duration_frames, start_frame, start_ticks, offline}], rates, bins}
 *   roughcut_applyPlan(planJson) -> {ok, sequence, placed, alternates, markers, skipped, mismatches}
 *   roughcut_readSequence() -> the active sequence's clips (for "Send feedback")
 *   Failures: {ok: false, error, problems}.
 * ES3 on purpose: no JSON object (only present while some panel loaded it), no indexOf/forEach,
 * no trim, no Object.keys: this file brings its own JSON reader/writer.
 *
 * Time: Premiere counts 254016000000 ticks per second. Every position is converted from
 * integer frames to integer ticks as frames * (254016000000 * den / num); ticks-per-frame is a
 * whole number for every rate Premiere offers, and the product stays exact in an IEEE double
 * while it is below 2^53 ticks (~9.85 hours), which this file checks. Ticks cross the DOM as
 * strings, never as float seconds (float seconds truncate to the frame below).
 *
 * Building (HOST_API.md B2/B4): createNewSequenceFromClips (no dialog; createNewSequence opens
 * one and the QE DOM is undocumented) with one clip whose frame rate equals the plan's, so the
 * sequence timebase is the plan rate; the seed clip is then removed and every item is placed
 * with Sequence.overwriteClip at its exact tick position (overwrite never ripples). The
 * project item's in/out marks (they live on the master clip) are set just before each
 * placement and put back to what the editor had right after it. Alternates go on the tracks
 * above, disabled, their audio tracks muted. Existing sequences are never touched; if anything
 * fails after the sequence exists it is deleted, so nothing is left half-built.
 * Plan → host calls (rc_planOps) is pure and DOM-free: hosts/premiere_uxp/plan_ops.js ports it.
 */
var RC_TICKS_PER_SECOND = 254016000000;
var RC_MAX_EXACT = 9007199254740992; // 2^53
var RC_ESCAPES = {"\"": "\\\"", "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"};
var RC_MARKER_COLORS = {"Green": 0, "Red": 1, "Purple": 2, "Orange": 3, "Yellow": 4, "White": 5, "Blue": 6, "Cyan": 7};

/* ---------------------------------------------------------------- JSON (ES3) */

function rc_quote(s) {
    var out = "\"", i, c, code, hex;
    s = String(s);
    for (i = 0; i < s.length; i++) {
        c = s.charAt(i);
        code = s.charCodeAt(i);
        if (RC_ESCAPES.hasOwnProperty(c)) { out += RC_ESCAPES[c]; }
        else if (code < 32 || code === 0x2028 || code === 0x2029 || code > 126) {
            hex = code.toString(16);
            while (hex.length < 4) { hex = "0" + hex; }
            out += "\\u" + hex;
        } else { out += c; }
    }
    return out + "\"";
}
function rc_isArray(v) {
    return Object.prototype.toString.call(v) === "[object Array]";
}
function rc_stringify(v) {
    var parts, k, i;
    if (v === null || v === undefined) { return "null"; }
    if (typeof v === "boolean") { return v ? "true" : "false"; }
    if (typeof v === "number") { return isFinite(v) ? String(v) : "null"; }
    if (typeof v === "string") { return rc_quote(v); }
    if (rc_isArray(v)) {
        parts = [];
        for (i = 0; i < v.length; i++) { parts.push(rc_stringify(v[i])); }
        return "[" + parts.join(",") + "]";
    }
    parts = [];
    for (k in v) {
        if (Object.prototype.hasOwnProperty.call(v, k) && typeof v[k] !== "function") {
            parts.push(rc_quote(k) + ":" + rc_stringify(v[k]));
        }
    }
    return "{" + parts.join(",") + "}";
}

/* A strict JSON reader (no eval: the plan comes over the network). Throws Error on bad input. */
function rc_parse(text) {
    var s = String(text), pos = 0;
    function fail(what) { throw new Error("plan is not valid JSON: " + what + " at character " + pos); }
    function ws() {
        var c;
        while (pos < s.length) {
            c = s.charAt(pos);
            if (c === " " || c === "\n" || c === "\r" || c === "\t") { pos++; } else { break; }
        }
    }
    function str() {
        var out = "", c, hex;
        pos++;
        while (pos < s.length) {
            c = s.charAt(pos++);
            if (c === "\"") { return out; }
            if (c === "\\") {
                c = s.charAt(pos++);
                if (c === "n") { out += "\n"; } else if (c === "t") { out += "\t"; }
                else if (c === "r") { out += "\r"; } else if (c === "b") { out += "\b"; }
                else if (c === "f") { out += "\f"; } else if (c === "u") {
                    hex = s.substr(pos, 4);
                    if (!/^[0-9a-fA-F]{4}$/.test(hex)) { fail("bad \\u escape"); }
                    out += String.fromCharCode(parseInt(hex, 16));
                    pos += 4;
                } else if (c === "\"" || c === "\\" || c === "/") { out += c; }
                else { fail("bad escape"); }
            } else { out += c; }
        }
        fail("unterminated string");
    }
    function num() {
        var m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+\-]?[0-9]+)?/.exec(s.substr(pos, 64));
        if (!m) { fail("bad number"); }
        pos += m[0].length;
        return parseFloat(m[0]);
    }
    function lit(word, value) {
        if (s.substr(pos, word.length) !== word) { fail("unexpected token"); }
        pos += word.length;
        return value;
    }
    function val() {
        var c, arr, obj, key;
        ws();
        c = s.charAt(pos);
        if (c === "{") {
            obj = {};
            pos++; ws();
            if (s.charAt(pos) === "}") { pos++; return obj; }
            while (true) {
                ws();
                if (s.charAt(pos) !== "\"") { fail("expected a key"); }
                key = str(); ws();
                if (s.charAt(pos) !== ":") { fail("expected ':'"); }
                pos++;
                obj[key] = val(); ws();
                c = s.charAt(pos++);
                if (c === "}") { return obj; }
                if (c !== ",") { fail("expected ',' or '}'"); }
            }
        }
        if (c === "[") {
            arr = [];
            pos++; ws();
            if (s.charAt(pos) === "]") { pos++; return arr; }
            while (true) {
                arr.push(val()); ws();
                c = s.charAt(pos++);
                if (c === "]") { return arr; }
                if (c !== ",") { fail("expected ',' or ']'"); }
            }
        }
        if (c === "\"") { return str(); }
        if (c === "t") { return lit("true", true); }
        if (c === "f") { return lit("false", false); }
        if (c === "n") { return lit("null", null); }
        return num();
    }
    var result = val();
    ws();
    if (pos !== s.length) { fail("trailing characters"); }
    return result;
}

/* ---------------------------------------------------------------- time (pure) */

/* Whole ticks per frame for rate [num, den]; throws when the rate has none. */
function rc_ticksPerFrame(rate) {
    var num, den, tpf;
    if (!rc_isArray(rate) || rate.length !== 2) { throw new Error("rate must be [num, den]"); }
    num = rate[0]; den = rate[1];
    if (typeof num !== "number" || typeof den !== "number" || num <= 0 || den <= 0 ||
            Math.floor(num) !== num || Math.floor(den) !== den) {
        throw new Error("rate must be two positive integers, got " + rc_stringify(rate));
    }
    tpf = RC_TICKS_PER_SECOND * den / num;
    if (Math.floor(tpf) !== tpf) {
        throw new Error("rate " + num + "/" + den + " has no whole number of ticks per frame");
    }
    return tpf;
}

/* frames → ticks as an integer string; exact below 2^53 ticks (~9.85 h), refused beyond. */
function rc_framesToTicks(frames, rate) {
    var tpf = rc_ticksPerFrame(rate), ticks;
    if (typeof frames !== "number" || Math.floor(frames) !== frames) {
        throw new Error("frame position must be an integer, got " + frames);
    }
    ticks = frames * tpf;
    if (Math.abs(ticks) >= RC_MAX_EXACT) {
        throw new Error("position " + frames + " frames is beyond 2^53 ticks (~9.85 h): not exact in ExtendScript");
    }
    return String(ticks);
}

/* Premiere reports footage rates as floats; map them back to the exact rational. */
function rc_rateFromFps(fps) {
    var ntsc = [24, 30, 48, 60, 120], i, whole;
    if (typeof fps !== "number" || !(fps > 0)) { return null; }
    for (i = 0; i < ntsc.length; i++) {
        if (Math.abs(fps - ntsc[i] * 1000 / 1001) < 0.001) { return [ntsc[i] * 1000, 1001]; }
    }
    whole = Math.round(fps);
    if (Math.abs(fps - whole) < 0.001) { return [whole, 1]; }
    return [Math.round(fps * 1000), 1000];
}
function rc_sameRate(a, b) {
    return !!a && !!b && a[0] * b[1] === b[0] * a[1];
}

/* ---------------------------------------------------------------- plan → ops (pure) */

/*
 * The host calls a plan needs, with every position in ticks, and the problems that must stop
 * the build before anything is created. `rateOf(media)` gives a clip's real rate (or null to
 * trust the plan). Ops: {kind:"clip"|"alternate", item, media, src_in_ticks, src_out_ticks,
 * rec_ticks, rec_end_ticks, v, a (0-based), line}, markers: {ticks, end_ticks, name, comments,
 * color}.
 */
function rc_planOps(plan, rateOf) {
    var problems = [], warnings = [], ops = [], markers = [], tl, rate, tpf, items, i, j, it, media,
        clipRate, srcLen, recEnd, slotEnd, alt, altRate, altLen, m, why, k, note;
    if (!plan || plan.schema !== "roughcut.hostplan/1") {
        return {problems: ["not a roughcut.hostplan/1 document"], ops: [], markers: [], warnings: []};
    }
    tl = plan.timeline || {};
    rate = tl.rate;
    try { tpf = rc_ticksPerFrame(rate); } catch (e1) {
        return {problems: ["timeline rate: " + e1.message], ops: [], markers: [], warnings: []};
    }
    items = plan.items || [];
    if (items.length === 0) { problems.push("the plan has no clips to place"); }
    for (i = 0; i < items.length; i++) {
        it = items[i];
        media = it.media || {};
        clipRate = (rateOf && rateOf(media)) || media.rate || it.rate;
        try {
            if (!(it.src_out > it.src_in)) { throw new Error("src_out must be after src_in"); }
            srcLen = (it.src_out - it.src_in) * rc_ticksPerFrame(clipRate);
            recEnd = it.rec_in * tpf + srcLen;
            slotEnd = (i + 1 < items.length) ? items[i + 1].rec_in * tpf : recEnd;
            if (slotEnd > recEnd) { slotEnd = recEnd; }
            ops.push({kind: "clip", item: it.id, media: media,
                src_in_ticks: rc_framesToTicks(it.src_in, clipRate),
                src_out_ticks: rc_framesToTicks(it.src_out, clipRate),
                rec_ticks: rc_framesToTicks(it.rec_in, rate), rec_end_ticks: String(recEnd),
                v: (it.video_track || 1) - 1, a: (it.audio_track || 1) - 1, line: it.line_ids || [],
                media_type: it.media_type || "both"});
            if (it.audio && (it.audio.src_in !== it.src_in || it.audio.src_out !== it.src_out)) {
                warnings.push(it.id + ": split edit (audio " + it.audio.src_in + "-" + it.audio.src_out +
                    ") placed with audio following picture");
            }
            for (j = 0; j < (it.alternates || []).length; j++) {
                alt = it.alternates[j];
                altRate = (rateOf && rateOf(alt.media || {})) || (alt.media || {}).rate || clipRate;
                altLen = (alt.src_out - alt.src_in) * rc_ticksPerFrame(altRate);
                // an alternate fills its line's slot at most, so stacked alternates never overlap
                if (it.rec_in * tpf + altLen > slotEnd) {
                    altLen = Math.floor((slotEnd - it.rec_in * tpf) / rc_ticksPerFrame(altRate)) *
                        rc_ticksPerFrame(altRate);
                }
                if (altLen <= 0) { continue; }
                ops.push({kind: "alternate", item: it.id, rank: j + 1, media: alt.media || {},
                    src_in_ticks: rc_framesToTicks(alt.src_in, altRate),
                    src_out_ticks: String(alt.src_in * rc_ticksPerFrame(altRate) + altLen),
                    rec_ticks: rc_framesToTicks(it.rec_in, rate),
                    rec_end_ticks: String(it.rec_in * tpf + altLen),
                    v: (it.video_track || 1) - 1 + j + 1, a: (it.audio_track || 1) - 1 + j + 1,
                    why: alt.why || ""});
            }
            // a marker's comments are exactly the plan's note; the reason the take was chosen
            // gets its own marker at the cut ("why <lines>"), as DESIGN says: one on every cut
            why = it.why ? it.why : "";
            for (k = 0; k < (it.markers || []).length; k++) {
                m = it.markers[k];
                note = rc_markerOp(it.rec_in + m.frame, m, m.note || "", rate);
                note.item = it.id;
                markers.push(note);
            }
            if (why) {
                note = rc_markerOp(it.rec_in, {name: "why " + ((it.line_ids || []).length ? it.line_ids.join(", ") : it.id),
                    color: "Green", duration: 1}, "why: " + why + " (score " + it.score + ")", rate);
                note.item = it.id;
                markers.push(note);
            }
        } catch (e2) {
            problems.push("item " + it.id + ": " + e2.message);
        }
    }
    for (k = 0; k < (plan.markers || []).length; k++) {
        m = plan.markers[k];
        try { markers.push(rc_markerOp(m.frame, m, m.note || "", rate)); }
        catch (e3) { problems.push("marker " + m.name + ": " + e3.message); }
    }
    return {problems: problems, ops: ops, markers: markers, warnings: warnings, rate: rate,
        ticks_per_frame: String(tpf)};
}
function rc_markerOp(frame, m, comments, rate) {
    var dur = m.duration && m.duration > 0 ? m.duration : 1;
    return {ticks: rc_framesToTicks(frame, rate), end_ticks: rc_framesToTicks(frame + dur, rate),
        name: m.name || "", comments: comments, color_name: m.color || "Blue",
        color: RC_MARKER_COLORS.hasOwnProperty(m.color) ? RC_MARKER_COLORS[m.color] : 6};
}

/* ---------------------------------------------------------------- DOM helpers */

function rc_fail(message, problems) {
    return rc_stringify({ok: false, error: message, problems: problems || []});
}
function rc_children(item) {
    var out = [], kids = item && item.children, i;
    if (!kids) { return out; }
    for (i = 0; i < kids.numItems; i++) { out.push(kids[i]); }
    return out;
}
function rc_isSequenceItem(item) {
    try { return !!(item.isSequence && item.isSequence()); } catch (e) { return false; }
}

/* Every media clip under `item` (bins walked, sequences skipped). */
function rc_collectClips(item, out) {
    var kids, i;
    if (item.type === 2 || item.type === 3) {
        kids = rc_children(item);
        for (i = 0; i < kids.length; i++) { rc_collectClips(kids[i], out); }
    } else if (item.type === 1 && !rc_isSequenceItem(item)) {
        out.push(item);
    }
    return out;
}
function rc_clipFps(item) {
    var interp;
    try { interp = item.getFootageInterpretation(); } catch (e) { return 0; }
    return interp ? interp.frameRate : 0; // 0 is the DOM's failure value
}
function rc_mediaPath(item) {
    try { return item.getMediaPath() || ""; } catch (e) { return ""; }
}
function rc_isOffline(item) {
    try { return !!item.isOffline(); } catch (e) { return false; }
}

/* Duration from the project metadata column (the DOM has no duration call on ProjectItem). */
function rc_durationFrames(item, rate) {
    var xml, m, parts;
    try { xml = item.getProjectMetadata(); } catch (e) { return null; }
    m = /Column\.Intrinsic\.MediaDuration>([^<]*)</.exec(String(xml || ""));
    if (!m) { return null; }
    return rc_tcToFrames(m[1], rate);
}

/* "HH:MM:SS:FF" (non-drop) or "HH;MM;SS;FF" / "HH:MM:SS;FF" (drop-frame, SMPTE 12M: 2 frame
 * numbers skipped per minute at 29.97, 4 at 59.94, except every tenth minute) → frame count. */
function rc_tcToFrames(tc, rate) {
    var parts = /^(\d+)[:;.](\d+)[:;.](\d+)([:;.])(\d+)$/.exec(String(tc)), nominal, minutes, total, drop;
    if (!parts || !rate) { return null; }
    nominal = Math.round(rate[0] / rate[1]);
    minutes = parseInt(parts[1], 10) * 60 + parseInt(parts[2], 10);
    total = (minutes * 60 + parseInt(parts[3], 10)) * nominal + parseInt(parts[5], 10);
    if (String(tc).indexOf(";") >= 0 && rate[1] === 1001 && (nominal === 30 || nominal === 60)) {
        drop = nominal / 15;
        total -= drop * (minutes - Math.floor(minutes / 10));
    }
    return total;
}
function rc_describeClip(item) {
    var fps = rc_clipFps(item), rate = rc_rateFromFps(fps), start = null, startTicks = null, t;
    try { t = item.startTime(); startTicks = t ? String(t.ticks) : null; } catch (e) { startTicks = null; }
    if (startTicks !== null && rate) {
        start = Math.round(parseFloat(startTicks) / rc_ticksPerFrame(rate));
    }
    return {path: rc_mediaPath(item), host_id: item.nodeId, name: item.name, fps: fps, rate: rate,
        duration_frames: rc_durationFrames(item, rate), start_frame: start, start_ticks: startTicks,
        offline: rc_isOffline(item), tree_path: item.treePath};
}

/* ---------------------------------------------------------------- roughcut_readBin */

function roughcut_readBin() {
    try {
        if (!app.project) { return rc_fail("no project is open in Premiere Pro"); }
        var sel = app.getCurrentProjectViewSelection(), clips = [], bins = [], i, item, out = [],
            rates = [], seen = {}, key, d;
        if (!sel || sel.length === 0) {
            return rc_fail("nothing selected: select a bin (or clips) in the Project panel");
        }
        for (i = 0; i < sel.length; i++) {
            item = sel[i];
            if (item.type === 2) { bins.push(item.name); }
            rc_collectClips(item, clips);
        }
        for (i = 0; i < clips.length; i++) {
            if (seen["n" + clips[i].nodeId]) { continue; }
            seen["n" + clips[i].nodeId] = true;
            d = rc_describeClip(clips[i]);
            out.push(d);
            key = d.rate ? d.rate[0] + "/" + d.rate[1] : "unknown";
            if (!seen["r" + key]) { seen["r" + key] = true; rates.push(key); }
        }
        if (out.length === 0) {
            return rc_fail("the selection holds no media clips (sequences and empty bins are skipped)");
        }
        return rc_stringify({ok: true, clips: out, rates: rates, bins: bins});
    } catch (e) {
        return rc_fail("reading the bin failed: " + e.message);
    }
}

/* ---------------------------------------------------------------- roughcut_applyPlan */

function rc_indexProject() {
    var all = rc_collectClips(app.project.rootItem, []), byId = {}, byPath = {}, i;
    for (i = 0; i < all.length; i++) {
        byId[all[i].nodeId] = all[i];
        if (!byPath[rc_mediaPath(all[i])]) { byPath[rc_mediaPath(all[i])] = all[i]; }
    }
    return {byId: byId, byPath: byPath};
}
function rc_findItem(index, media) {
    if (media.host_id && index.byId.hasOwnProperty(media.host_id)) { return index.byId[media.host_id]; }
    if (media.path && index.byPath.hasOwnProperty(media.path)) { return index.byPath[media.path]; }
    return null;
}
function rc_makeTime(ticks) {
    var t = new Time();
    t.ticks = String(ticks);
    return t;
}

/* A number of seconds that Premiere turns back into exactly `ticks` (it floors seconds *
 * 254016000000, so the plain quotient can land a tick, and so a frame, early): nudged up by
 * ulps until the product floors to the tick count. Used where the DOM takes only seconds
 * (Marker.start/end, MarkerCollection.createMarker). */
function rc_exactSeconds(ticks) {
    var t = parseFloat(String(ticks)), s = t / RC_TICKS_PER_SECOND, i;
    for (i = 0; i < 16 && Math.floor(s * RC_TICKS_PER_SECOND) < t; i++) { s += Math.max(s * 1.1102230246251565e-16, 5e-324); }
    for (i = 0; i < 16 && Math.floor(s * RC_TICKS_PER_SECOND) > t; i++) { s -= Math.max(s * 1.1102230246251565e-16, 5e-324); }
    return s;
}

/* The editor's marks for all three media types, to put back after our insert. */
function rc_saveMarks(item) {
    return {v_in: String(item.getInPoint(1).ticks), v_out: String(item.getOutPoint(1).ticks),
        a_in: String(item.getInPoint(2).ticks), a_out: String(item.getOutPoint(2).ticks)};
}

/* Clear first, then set only what differs from "no mark", so an unmarked clip stays unmarked. */
function rc_restoreMarks(item, marks) {
    item.clearInPoint();
    item.clearOutPoint();
    // setInPoint/setOutPoint take seconds or a Time, never ticks (premiere-scripting-guide#6)
    if (String(item.getInPoint(1).ticks) !== marks.v_in) { item.setInPoint(rc_makeTime(marks.v_in), 1); }
    if (String(item.getOutPoint(1).ticks) !== marks.v_out) { item.setOutPoint(rc_makeTime(marks.v_out), 1); }
    if (String(item.getInPoint(2).ticks) !== marks.a_in) { item.setInPoint(rc_makeTime(marks.a_in), 2); }
    if (String(item.getOutPoint(2).ticks) !== marks.a_out) { item.setOutPoint(rc_makeTime(marks.a_out), 2); }
}
function rc_sequenceNames() {
    var names = {}, seqs = app.project.sequences, i;
    for (i = 0; i < seqs.numSequences; i++) { names[seqs[i].name] = true; }
    return names;
}
function rc_uniqueName(base) {
    var names = rc_sequenceNames(), n = 2, name = base;
    while (names.hasOwnProperty(name)) { name = base + " (" + n + ")"; n++; }
    return name;
}
function rc_clearSequence(seq) {
    var groups = [seq.videoTracks, seq.audioTracks], g, t, track, n;
    for (g = 0; g < groups.length; g++) {
        for (t = 0; t < groups[g].numTracks; t++) {
            track = groups[g][t];
            for (n = track.clips.numItems; n > 0; n--) { track.clips[0].remove(false, false); }
            if (track.clips.numItems > 0) { throw new Error("Premiere did not remove the seed clip"); }
        }
    }
}
function rc_clipAt(track, ticks, projectItem) {
    var i, ti;
    for (i = 0; i < track.clips.numItems; i++) {
        ti = track.clips[i];
        if (String(ti.start.ticks) === String(ticks) &&
            (!projectItem || (ti.projectItem && ti.projectItem.nodeId === projectItem.nodeId))) { return ti; }
    }
    return null;
}

/* Drop one side of a linked pair: select both, unlink, remove that side (HOST_API B4). */
function rc_dropSide(seq, keep, drop) {
    if (!drop) { return; }
    if (keep) { keep.setSelected(true, true); }
    drop.setSelected(true, true);
    seq.unlinkSelection();
    drop.remove(false, false);
    if (keep) { keep.setSelected(false, true); }
}

/* Place one op (marks set, overwrite, marks restored); returns [videoItem, audioItem]. */
function rc_place(seq, item, op) {
    var marks = rc_saveMarks(item), ok, placed;
    try {
        item.setInPoint(rc_makeTime(op.src_in_ticks), 4);
        item.setOutPoint(rc_makeTime(op.src_out_ticks), 4);
        ok = seq.overwriteClip(item, rc_makeTime(op.rec_ticks), op.v, op.a);
    } finally {
        rc_restoreMarks(item, marks);
    }
    if (ok === false) { throw new Error("Premiere refused to place " + op.item + " on V" + (op.v + 1)); }
    placed = [rc_clipAt(seq.videoTracks[op.v], op.rec_ticks, item), rc_clipAt(seq.audioTracks[op.a], op.rec_ticks, item)];
    if (op.media_type === "video") { rc_dropSide(seq, placed[0], placed[1]); placed[1] = null; }
    if (op.media_type === "audio") { rc_dropSide(seq, placed[1], placed[0]); placed[0] = null; }
    return placed;
}
/* Cut-down crop (premiere-scripting-guide Component/ComponentParam): the clip's Motion component
 * (matchName ends "ADBE Motion") gets Scale (% of source pixels) and Position (fraction of the frame,
 * plan transform.premiere.position_norm) with setValue(value, 1), read back with getValue. First key only. */
function rc_motion(ti, tf) {
    var c = ti ? ti.components : null, i, j, ps, p, pos = null, sc = null, got;
    for (i = 0; c && i < c.numItems; i++) {
        if (!/ADBE Motion$/.test(c[i].matchName)) { continue; }
        for (ps = c[i].properties, j = 0; j < ps.numItems; j++) {
            p = ps[j];
            if (p.displayName === "Position") { pos = p; } else if (p.displayName === "Scale") { sc = p; }
        }
    }
    if (!pos || !sc) { return "the clip has no Motion Position/Scale"; }
    sc.setValue(tf.scale, 1);
    pos.setValue([tf.position_norm[0], tf.position_norm[1]], 1);
    got = [sc.getValue(), pos.getValue()];
    return (Math.abs(got[0] - tf.scale) > 0.01 || Math.abs(got[1][0] - tf.position_norm[0]) > 1e-4 ||
        Math.abs(got[1][1] - tf.position_norm[1]) > 1e-4) ? "Motion reads back as scale " + got[0] + ", position " + got[1].join(",") : "";
}
function rc_linked(videoItem, audioItem) {
    var linked, i;
    if (!videoItem || !audioItem || !videoItem.getLinkedItems) { return true; }
    linked = videoItem.getLinkedItems();
    for (i = 0; linked && i < linked.numItems; i++) {
        if (linked[i].nodeId === audioItem.nodeId) { return true; }
    }
    return false;
}
function rc_markerList(seq) {
    var out = [], m = seq.markers.getFirstMarker(), n = 0;
    while (m && n < 100000) { out.push(m); m = seq.markers.getNextMarker(m); n++; }
    return out;
}

/* Read the built sequence back: one {item, line_ids, problem} per thing missing or wrong. */
function rc_readBack(seq, result, plan) {
    var problems = [], lines = {}, items = plan.items || [], i, j, op, what, v, a, sides, x,
        wantVideo, wantAudio, mk, list, found, dur;
    for (i = 0; i < items.length; i++) {
        lines["i" + items[i].id] = items[i].line_ids || [];
    }
    function report(item, problem) { problems.push({item: item, line_ids: lines["i" + item] || [], problem: problem}); }
    for (i = 0; i < result.ops.length; i++) {
        op = result.ops[i];
        if (!op.projectItem || op.skipped) { continue; }
        what = op.kind === "alternate" ? "alternate " + op.rank : "clip";
        v = op.v < seq.videoTracks.numTracks ? rc_clipAt(seq.videoTracks[op.v], op.rec_ticks, op.projectItem) : null;
        a = op.a < seq.audioTracks.numTracks ? rc_clipAt(seq.audioTracks[op.a], op.rec_ticks, op.projectItem) : null;
        wantVideo = op.media_type !== "audio";
        wantAudio = op.media_type !== "video";
        if (wantVideo && !v) { report(op.item, what + " missing: no video at " + op.rec_ticks + " ticks on V" + (op.v + 1)); continue; }
        if (!wantVideo && v) { report(op.item, what + ": audio-only item has video on V" + (op.v + 1)); }
        if (wantAudio && !a) { report(op.item, what + ": no audio at " + op.rec_ticks + " ticks on A" + (op.a + 1)); }
        if (!wantAudio && a) { report(op.item, what + ": video-only item has audio on A" + (op.a + 1)); }
        if (wantVideo && wantAudio && v && a && !rc_linked(v, a)) { report(op.item, what + ": picture and sound are not linked"); }
        sides = [["video", wantVideo ? v : null], ["audio", wantAudio ? a : null]];
        for (j = 0; j < 2; j++) {
            x = sides[j][1];
            if (!x) { continue; }
            if (String(x.inPoint.ticks) !== op.src_in_ticks) {
                report(op.item, what + " " + sides[j][0] + ": source in " + x.inPoint.ticks + " ticks, plan " + op.src_in_ticks);
            }
            if (String(x.end.ticks) !== op.rec_end_ticks) {
                report(op.item, what + " " + sides[j][0] + ": ends at " + x.end.ticks + " ticks, plan " + op.rec_end_ticks);
            }
            if (op.kind === "clip" && x.disabled) { report(op.item, what + " " + sides[j][0] + " is disabled"); }
            if (op.kind === "alternate" && !x.disabled) { report(op.item, what + " " + sides[j][0] + " is enabled (alternates must be off)"); }
        }
    }
    list = rc_markerList(seq);
    for (i = 0; i < result.markers.length; i++) {
        mk = result.markers[i];
        found = null;
        for (j = 0; j < list.length && !found; j++) {
            if (list[j].name === mk.name && String(list[j].start.ticks) === mk.ticks) { found = list[j]; }
        }
        op = mk.item || "plan";
        if (!found) { report(op, "marker \"" + mk.name + "\" missing at " + mk.ticks + " ticks"); continue; }
        dur = parseFloat(String(found.end.ticks)) - parseFloat(mk.ticks);
        if (dur !== parseFloat(mk.end_ticks) - parseFloat(mk.ticks) && !(dur === 0 && parseFloat(mk.end_ticks) - parseFloat(mk.ticks) === parseFloat(result.ticks_per_frame))) {
            report(op, "marker \"" + mk.name + "\": ends at " + found.end.ticks + " ticks, plan " + mk.end_ticks);
        }
        if (found.comments !== mk.comments) { report(op, "marker \"" + mk.name + "\": comments differ from the plan"); }
    }
    return problems;
}
function roughcut_applyPlan(planJson) {
    var plan, index, result, problems = [], i, op, pi, seed = null, seq = null, name, expectedTb,
        placed, placedCount = 0, altCount = 0, skipped = [], mismatches = [], mutedAudio = {},
        markerCount = 0, mk, marker, tl, readback = [], tfs = {}, motionWarn = [], why, settings;
    try {
        if (!app.project) { return rc_fail("no project is open in Premiere Pro"); }
        try { plan = typeof planJson === "string" ? rc_parse(planJson) : planJson; }
        catch (eParse) { return rc_fail(eParse.message); }
        index = rc_indexProject();
        result = rc_planOps(plan, function (media) {
            var found = rc_findItem(index, media);
            return found ? rc_rateFromFps(rc_clipFps(found)) : null;
        });
        problems = result.problems;
        for (i = 0; i < result.ops.length; i++) {
            op = result.ops[i];
            pi = rc_findItem(index, op.media);
            op.projectItem = pi;
            if (op.kind === "alternate") {
                if (!pi || rc_isOffline(pi)) { skipped.push(op.item + " alternate " + op.rank + ": media " + (pi ? "offline" : "not in project")); }
                continue;
            }
            if (!pi) { problems.push(op.item + ": " + (op.media.path || op.media.host_id) + " is not in the project"); }
            else if (rc_isOffline(pi)) { problems.push(op.item + ": " + (op.media.path || pi.name) + " is offline"); }
            else if (!seed && rc_sameRate(rc_rateFromFps(rc_clipFps(pi)), result.rate)) { seed = pi; }
        }
        if (problems.length === 0 && !seed) {
            problems.push("no clip in the plan has the timeline rate " + result.rate[0] + "/" + result.rate[1] +
                "; Premiere takes a new sequence's rate from its first clip");
        }
        if (problems.length > 0) { return rc_fail("nothing was built: " + problems[0], problems); }

        tl = plan.timeline;
        name = rc_uniqueName(tl.name || "Rough cut");
        seq = app.project.createNewSequenceFromClips(name, [seed], app.project.rootItem);
        if (!seq) { return rc_fail("Premiere could not create the sequence " + name); }
        try {
            expectedTb = result.ticks_per_frame;
            if (String(seq.timebase) !== expectedTb) {
                throw new Error("the new sequence's timebase is " + seq.timebase + " ticks per frame, the plan needs " + expectedTb);
            }
            rc_clearSequence(seq);
            for (i = 0; tl.cutdown && i < plan.items.length; i++) {
                if (plan.items[i].transform && plan.items[i].transform.premiere) {
                    tfs[plan.items[i].id] = {premiere: plan.items[i].transform.premiere, moves: (plan.items[i].transform_keys || []).length > 1};
                }
            }
            if (tl.cutdown && tl.width && tl.height) { // Sequence.getSettings/setSettings; never getSettings again after
                settings = seq.getSettings();
                settings.videoFrameWidth = tl.width;
                settings.videoFrameHeight = tl.height;
                if (seq.setSettings(settings) === false) { throw new Error("Premiere refused the frame size " + tl.width + "x" + tl.height); }
            }
            seq.setZeroPoint(rc_framesToTicks(tl.start_frame || 0, result.rate));
            for (i = 0; i < result.ops.length; i++) {
                op = result.ops[i];
                if (!op.projectItem || rc_isOffline(op.projectItem)) { continue; }
                if (op.v >= seq.videoTracks.numTracks || op.a >= seq.audioTracks.numTracks) {
                    skipped.push(op.item + (op.kind === "alternate" ? " alternate " + op.rank : "") +
                        ": no track V" + (op.v + 1) + "/A" + (op.a + 1) + " in the new sequence");
                    if (op.kind === "clip") { throw new Error(skipped[skipped.length - 1]); }
                    op.skipped = true;
                    continue;
                }
                placed = rc_place(seq, op.projectItem, op);
                if (op.kind === "clip" && tfs[op.item]) {
                    why = rc_motion(placed[0], tfs[op.item].premiere);
                    if (why) { throw new Error(op.item + ": " + why); }
                    if (tfs[op.item].moves) { motionWarn.push(op.item); }
                }
                if (op.kind === "clip") { placedCount++; continue; }
                altCount++;
                if (placed[0]) { placed[0].disabled = true; }
                if (placed[1]) { placed[1].disabled = true; }
                if (!mutedAudio[op.a]) { seq.audioTracks[op.a].setMute(1); mutedAudio[op.a] = true; }
            }
            for (i = 0; i < result.markers.length; i++) {
                mk = result.markers[i];
                // createMarker and Marker.start/end take seconds, not Time objects (premiere-scripting-
                // guide, Marker object); rc_exactSeconds gives seconds that convert back to the exact tick
                marker = seq.markers.createMarker(rc_exactSeconds(mk.ticks));
                if (String(marker.start.ticks) !== mk.ticks) { marker.start = rc_exactSeconds(mk.ticks); }
                marker.end = rc_exactSeconds(mk.end_ticks);
                marker.name = mk.name;
                marker.comments = mk.comments;
                marker.setColorByIndex(mk.color);
                markerCount++;
            }
            readback = rc_readBack(seq, result, plan);
            for (i = 0; i < readback.length; i++) {
                mismatches.push(readback[i].item + (readback[i].line_ids.length ? " (" + readback[i].line_ids.join(", ") + ")" : "") +
                    ": " + readback[i].problem);
            }
        } catch (eBuild) {
            app.project.deleteSequence(seq);
            return rc_fail("nothing was built (the new sequence was removed): " + eBuild.message);
        }
        return rc_stringify({ok: true, sequence: {name: seq.name, sequence_id: seq.sequenceID, timebase: String(seq.timebase),
            zero_point: String(seq.zeroPoint)}, placed: placedCount, alternates: altCount, markers: markerCount,
            skipped: skipped, mismatches: mismatches, readback: readback, warnings: result.warnings.concat(plan.warnings || [], motionWarn.length ? [motionWarn.length +
            " clip(s) keep their first framing: the crop moves but keyframes are not set (" + motionWarn.join(", ") + ")"] : []),
            coverage: plan.coverage === undefined ? null : plan.coverage});
    } catch (e) {
        if (seq) { try { app.project.deleteSequence(seq); } catch (eDel) { /* already reported below */ } }
        return rc_fail("applying the plan failed: " + e.message);
    }
}

/* ---------------------------------------------------------------- roughcut_readSequence */

function roughcut_readSequence() {
    try {
        var seq = app.project && app.project.activeSequence, out = [], groups, g, t, track, i, ti, pi;
        if (!seq) { return rc_fail("no sequence is open"); }
        groups = [["video", seq.videoTracks], ["audio", seq.audioTracks]];
        for (g = 0; g < groups.length; g++) {
            for (t = 0; t < groups[g][1].numTracks; t++) {
                track = groups[g][1][t];
                for (i = 0; i < track.clips.numItems; i++) {
                    ti = track.clips[i];
                    pi = ti.projectItem;
                    out.push({kind: groups[g][0], track: t + 1, name: ti.name, start_ticks: String(ti.start.ticks),
                        end_ticks: String(ti.end.ticks), in_ticks: String(ti.inPoint.ticks),
                        out_ticks: String(ti.outPoint.ticks), disabled: !!ti.disabled,
                        path: pi ? rc_mediaPath(pi) : null, host_id: pi ? pi.nodeId : null});
                }
            }
        }
        return rc_stringify({ok: true, name: seq.name, sequence_id: seq.sequenceID, timebase: String(seq.timebase),
            zero_point: String(seq.zeroPoint), clips: out});
    } catch (e) {
        return rc_fail("reading the sequence failed: " + e.message);
    }
}
