/*
 * The roughcut bridge's HTTP API as promises (bridge_server/routes_jobs.py):
 *   GET  /v1/ping                      liveness (no token)
 *   POST /v1/jobs                      {media, script, options, name} -> {id}
 *   GET  /v1/jobs/{id}                 {state, stage, progress, eta_s, message, error}
 *   GET  /v1/jobs/{id}/events          SSE "progress" / "end" events (read with fetch, since
 *                                      EventSource cannot send the Authorization header)
 *   GET  /v1/jobs/{id}/plan            the roughcut.hostplan/1 document
 *   POST /v1/feedback                  {job_id, timeline, host, note}
 * Every request but ping carries "Authorization: Bearer <token>" from bridge.json.
 * Failures reject with an Error whose message is the bridge's own explanation.
 */
(function (global) {
  'use strict';

  function BridgeClient(url, token, fetchFn) {
    this.url = String(url).replace(/\/+$/, '');
    this.token = token;
    this.fetch = fetchFn || global.fetch.bind(global);
  }

  function explain(status, body) {
    var d = body && (body.detail !== undefined ? body.detail : body.error);
    if (d && typeof d === 'object' && !Array.isArray(d)) { d = d.error || JSON.stringify(d); }
    if (Array.isArray(d)) {
      d = d.map(function (e) { return (e.loc || []).join('.') + ': ' + e.msg; }).join('; ');
    }
    return 'bridge answered ' + status + (d ? ': ' + d : '');
  }

  BridgeClient.prototype.request = function (method, path, body) {
    var self = this;
    var init = { method: method, headers: { Authorization: 'Bearer ' + this.token } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return this.fetch(this.url + path, init).then(function (resp) {
      return resp.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = text; }
        if (!resp.ok) { throw new Error(explain(resp.status, data)); }
        return data;
      });
    }, function (err) {
      throw new Error('the roughcut bridge at ' + self.url + ' is not reachable (' + (err && err.message) + ')');
    });
  };

  BridgeClient.prototype.ping = function () {
    return this.fetch(this.url + '/v1/ping').then(function (r) { return r.ok; }, function () { return false; });
  };

  BridgeClient.prototype.createJob = function (body) { return this.request('POST', '/v1/jobs', body); };
  BridgeClient.prototype.job = function (id) { return this.request('GET', '/v1/jobs/' + encodeURIComponent(id)); };
  BridgeClient.prototype.plan = function (id) { return this.request('GET', '/v1/jobs/' + encodeURIComponent(id) + '/plan'); };
  BridgeClient.prototype.feedback = function (body) { return this.request('POST', '/v1/feedback', body); };

  /*
   * Follow a job until it ends: calls onProgress(snapshot) for every change and resolves with
   * the final snapshot. Reads the SSE stream; if streaming is not possible, polls.
   */
  BridgeClient.prototype.follow = function (id, onProgress, pollMs) {
    var self = this;
    var url = this.url + '/v1/jobs/' + encodeURIComponent(id) + '/events';
    return this.fetch(url, { headers: { Authorization: 'Bearer ' + this.token, Accept: 'text/event-stream' } })
      .then(function (resp) {
        if (!resp.ok || !resp.body || !resp.body.getReader) { return self.poll(id, onProgress, pollMs); }
        var reader = resp.body.getReader(), decoder = new TextDecoder(), buffer = '', last = null;
        function pump() {
          return reader.read().then(function (chunk) {
            if (chunk.done) { return last || self.job(id); }
            buffer += decoder.decode(chunk.value, { stream: true });
            var events = buffer.split('\n\n');
            buffer = events.pop();
            for (var i = 0; i < events.length; i++) {
              var ev = parseEvent(events[i]);
              if (!ev) { continue; }
              last = ev.data;
              onProgress(ev.data);
              if (ev.event === 'end') { reader.cancel(); return ev.data; }
            }
            return pump();
          });
        }
        return pump();
      }, function () { return self.poll(id, onProgress, pollMs); });
  };

  BridgeClient.prototype.poll = function (id, onProgress, pollMs) {
    var self = this;
    return new Promise(function (resolve, reject) {
      function tick() {
        self.job(id).then(function (s) {
          onProgress(s);
          if (s.state === 'done' || s.state === 'failed' || s.state === 'cancelled') { resolve(s); }
          else { setTimeout(tick, pollMs || 500); }
        }, reject);
      }
      tick();
    });
  };

  function parseEvent(block) {
    var lines = block.split('\n'), event = 'message', data = [];
    for (var i = 0; i < lines.length; i++) {
      if (lines[i].indexOf('event:') === 0) { event = lines[i].slice(6).trim(); }
      else if (lines[i].indexOf('data:') === 0) { data.push(lines[i].slice(5).trim()); }
    }
    if (!data.length) { return null; }
    try { return { event: event, data: JSON.parse(data.join('\n')) }; } catch (e) { return null; }
  }

  global.BridgeClient = BridgeClient;
  global.rcParseEvent = parseEvent;
})(typeof window !== 'undefined' ? window : this);
