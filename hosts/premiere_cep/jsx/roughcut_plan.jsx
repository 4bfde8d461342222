/*
 * roughcut_plan.jsx: frames <-> ticks and plan -> host operations (rc_planOps), pure and
 * DOM-free (hosts/premiere_uxp/plan_ops.js ports rc_planOps). Part of roughcut.jsx, which
 * includes it with //@include after roughcut_json.jsx; it defines functions only.
 */
var RC_TICKS_PER_SECOND = 254016000000;
var RC_MAX_EXACT = 9007199254740992; // 2^53
var RC_MARKER_COLORS = {"Green": 0, "Red": 1, "Purple": 2, "Orange": 3, "Yellow": 4, "White": 5, "Blue": 6, "Cyan": 7};

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
