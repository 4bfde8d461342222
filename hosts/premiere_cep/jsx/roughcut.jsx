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
 * no trim, no Object.keys: roughcut_json.jsx brings its own JSON reader/writer.
 *
 * Parts: the two //@include lines below inline roughcut_json.jsx and roughcut_plan.jsx (the
 * ExtendScript preprocessor, JavaScript Tools Guide "Preprocessor directives"; a relative path
 * resolves beside this file). Every loader keeps that: Premiere's ScriptPath, the panel's
 * $.evalFile fallback with this file's absolute path (js/host.js, as Adobe's PProPanel sample
 * loads its jsx/ folder), and `roughcut apply --host premiere`, which inlines the parts itself.
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
 * Plan → host calls (rc_planOps, in roughcut_plan.jsx) is pure and DOM-free:
 * hosts/premiere_uxp/plan_ops.js ports it.
 */
//@include "roughcut_json.jsx"
//@include "roughcut_plan.jsx"

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
