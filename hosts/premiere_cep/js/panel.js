/*
 * The roughcut panel: bin from the Project panel selection → job on the local bridge →
 * progress → plan built as a new sequence by roughcut.jsx → summary → feedback.
 *
 * Every failure ends in one clear sentence in #message (role=alert) and leaves Premiere as it
 * was: bad selections (nothing selected, offline media, mixed frame rates) stop before the job;
 * a bridge that is down is started once with `roughcut serve --ensure`; a failed or cancelled
 * job builds nothing; roughcut.jsx itself builds all or nothing.
 */
(function (global) {
  'use strict';

  var doc = global.document;
  var state = { clips: null, jobId: null, bridge: null, busy: false };
  var host = new global.RCHost();
  var nodeEnv = new global.RCNode();

  function $(id) { return doc.getElementById(id); }

  function show(id, text) { $(id).textContent = text || ''; }

  function fail(text) {
    show('message', text);
    $('message').className = 'message error';
  }

  function note(text) {
    show('message', text);
    $('message').className = 'message';
  }

  function setBusy(busy) {
    state.busy = busy;
    $('generate').disabled = busy || !state.clips;
    $('use-bin').disabled = busy;
  }

  function rateLabel(r) {
    if (!r) { return 'unknown rate'; }
    return r[1] === 1 ? r[0] + ' fps' : (r[0] / r[1]).toFixed(3) + ' fps';
  }

  /* ---- bin ---- */

  function readBin() {
    state.clips = null;
    setBusy(false);
    show('bin-summary', 'Reading the selection…');
    return host.call('roughcut_readBin').then(function (bin) {
      var offline = bin.clips.filter(function (c) { return c.offline; });
      if (offline.length) {
        show('bin-summary', bin.clips.length + ' clips');
        fail('Offline media: ' + offline.map(function (c) { return c.name; }).join(', ') +
          '. Relink or remove these clips from the selection, then try again.');
        return;
      }
      if (bin.rates.length > 1) {
        var byRate = {};
        bin.clips.forEach(function (c) {
          var k = rateLabel(c.rate);
          (byRate[k] = byRate[k] || []).push(c.name);
        });
        show('bin-summary', bin.clips.length + ' clips at ' + bin.rates.length + ' frame rates');
        fail('The selection mixes frame rates (' + Object.keys(byRate).map(function (k) {
          return k + ': ' + byRate[k].join(', ');
        }).join('; ') + '). Select clips of one frame rate.');
        return;
      }
      state.clips = bin.clips;
      show('bin-summary', bin.clips.length + ' clips, ' + rateLabel(bin.clips[0].rate) +
        (bin.bins.length ? ' (bin ' + bin.bins.join(', ') + ')' : ''));
      note('');
      setBusy(false);
    }, function (err) {
      show('bin-summary', 'No clips');
      fail(err.message);
    });
  }

  /* ---- bridge ---- */

  function connect() {
    return nodeEnv.readBridgeFile().then(function (info) {
      if (info) {
        var client = new global.BridgeClient(info.url, info.token);
        return client.ping().then(function (alive) { return alive ? client : null; });
      }
      return null;
    }).then(function (client) {
      if (client) { return client; }
      note('Starting the roughcut bridge…');
      return nodeEnv.ensureBridge().then(function () { return nodeEnv.readBridgeFile(); }).then(function (info) {
        if (!info) { throw new Error('the bridge started but wrote no bridge.json'); }
        return new global.BridgeClient(info.url, info.token);
      });
    });
  }

  function jobRequest() {
    var scriptPath = $('script-path').value.trim();
    if (!scriptPath) { throw new Error('Choose the screenplay (.fountain, .fdx, .pdf or sides .txt) first.'); }
    var options = { preset: $('preset').value, picture: $('picture').checked };
    var favour = $('favour').value.trim();
    var target = $('target-duration').value.trim();
    if (favour) { options.favour_character = favour; }
    if (target) {
      var seconds = Number(target);
      if (!(seconds > 0)) { throw new Error('Target duration must be a number of seconds above 0.'); }
      options.target_duration = seconds;
    }
    return {
      media: state.clips.map(function (c) {
        var m = { path: c.path, host_id: c.host_id };
        if (c.rate) { m.rate = c.rate; }
        return m;
      }),
      script: { path: scriptPath },
      options: options,
      name: 'Premiere ' + new Date().toISOString().slice(0, 16).replace('T', ' '),
    };
  }

  function onProgress(s) {
    $('progress').value = Math.round((s.progress || 0) * 100);
    var eta = s.eta_s ? ' — about ' + Math.ceil(s.eta_s) + ' s left' : '';
    show('stage', (s.stage || s.state) + (s.message ? ': ' + s.message : '') + eta);
  }

  function summarise(summary) {
    var lines = ['Built “' + summary.sequence.name + '”: ' + summary.placed + ' clips, ' +
      summary.alternates + ' alternates (disabled, tracks above), ' + summary.markers + ' markers.'];
    if (typeof summary.coverage === 'number') { lines.push('Line coverage ' + Math.round(summary.coverage * 100) + '%.'); }
    (summary.mismatches || []).forEach(function (m) { lines.push('Check: ' + m); });
    (summary.skipped || []).forEach(function (m) { lines.push('Skipped: ' + m); });
    (summary.warnings || []).forEach(function (m) { lines.push('Note: ' + m); });
    show('summary', lines.join('\n'));
    $('feedback').disabled = false;
  }

  function generate() {
    if (state.busy || !state.clips) { return Promise.resolve(); }
    var body;
    try { body = jobRequest(); } catch (e) { fail(e.message); return Promise.resolve(); }
    setBusy(true);
    show('summary', '');
    note('');
    $('progress').value = 0;
    return connect().then(function (client) {
      state.bridge = client;
      show('stage', 'Submitting…');
      return client.createJob(body);
    }).then(function (created) {
      state.jobId = created.id;
      return state.bridge.follow(created.id, onProgress);
    }).then(function (final) {
      if (final.state !== 'done') {
        throw new Error('The job ' + final.state + (final.error ? ': ' + final.error : '') + '. Nothing was built.');
      }
      show('stage', 'Building the sequence…');
      return state.bridge.plan(state.jobId);
    }).then(function (plan) {
      if (!plan.items || !plan.items.length) {
        throw new Error('The cut has no usable takes for this screenplay' +
          (plan.warnings && plan.warnings.length ? ' (' + plan.warnings.slice(0, 3).join('; ') + ')' : '') +
          '. Nothing was built.');
      }
      return host.call('roughcut_applyPlan', plan);
    }).then(function (summary) {
      $('progress').value = 100;
      show('stage', 'Done');
      summarise(summary);
    }).catch(function (err) {
      show('stage', '');
      fail(err.message + (err.problems && err.problems.length > 1 ? ' (' + err.problems.slice(1, 4).join('; ') + ')' : ''));
    }).then(function () { setBusy(false); });
  }

  function sendFeedback() {
    if (!state.bridge) { fail('Generate a cut first.'); return Promise.resolve(); }
    $('feedback').disabled = true;
    return host.call('roughcut_readSequence').then(function (seq) {
      return state.bridge.feedback({ job_id: state.jobId, host: 'premiere', timeline: seq,
        note: $('feedback-note').value || null });
    }).then(function (stored) {
      note('Feedback sent (' + stored.id + '). ' + stored.learning);
    }, function (err) { fail('Feedback not sent: ' + err.message); })
      .then(function () { $('feedback').disabled = false; });
  }

  function pickScript() {
    var cep = global.cep;
    if (cep && cep.fs && cep.fs.showOpenDialogEx) {
      var r = cep.fs.showOpenDialogEx(false, false, 'Screenplay', null, ['fountain', 'fdx', 'pdf', 'txt']);
      if (r && r.data && r.data.length) { $('script-path').value = r.data[0]; }
    } else {
      fail('No file dialog here: type the screenplay path.');
    }
  }

  function init() {
    $('use-bin').addEventListener('click', readBin);
    $('generate').addEventListener('click', generate);
    $('feedback').addEventListener('click', sendFeedback);
    $('pick-script').addEventListener('click', pickScript);
    setBusy(false);
    if (!host.available()) { fail('This panel runs inside Premiere Pro (Window › Extensions › roughcut).'); return; }
    readBin();
  }

  global.roughcutPanel = { init: init, readBin: readBin, generate: generate, sendFeedback: sendFeedback, state: state };
  if (doc.readyState === 'loading') { doc.addEventListener('DOMContentLoaded', init); } else { init(); }
})(window);
