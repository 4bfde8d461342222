/*
 * roughcut_json.jsx: the JSON writer (rc_stringify) and strict reader (rc_parse) roughcut.jsx
 * uses (ES3: ExtendScript has no JSON object unless some other panel loaded one). Part of
 * roughcut.jsx, which includes it with //@include; it defines functions only.
 */
var RC_ESCAPES = {"\"": "\\\"", "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"};

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
