/*
 * The panel's two outside worlds, behind small promises:
 *  - RCHost: Premiere's ExtendScript engine through CEP (window.__adobe_cep__, which Adobe's
 *    CSInterface.evalScript wraps). evalScript answers a string, "EvalScript error." on failure.
 *  - RCNode: CEP's Node.js (--enable-nodejs --mixed-context): reading bridge.json and starting
 *    the bridge with `roughcut serve --ensure`.
 * Both are injectable so the panel runs in a plain browser for tests.
 */
(function (global) {
  'use strict';

  var EVAL_FAILED = 'EvalScript error.';

  /* A JS string literal ExtendScript (ES3) can parse: ASCII only, U+2028/9 escaped. */
  function jsxString(text) {
    return JSON.stringify(String(text)).replace(/[\u007f-\uffff]/g, function (c) {
      return '\\u' + ('0000' + c.charCodeAt(0).toString(16)).slice(-4);
    });
  }

  /* The folder of the panel's index.html (the extension root) as a file-system path, or ''. */
  function panelDir() {
    var href = String((global.location && global.location.href) || '');
    if (!/^file:/.test(href)) { return ''; }
    var dir = decodeURIComponent(href.replace(/^file:\/\//, '').replace(/[?#].*$/, '').replace(/[^\/]*$/, ''));
    return /^\/[A-Za-z]:\//.test(dir) ? dir.slice(1) : dir;
  }

  /* `scriptPath`: jsx/roughcut.jsx of this extension (found from the panel's own location). */
  function RCHost(cep, scriptPath) {
    this.cep = cep || global.__adobe_cep__;
    this.scriptPath = scriptPath === undefined ? (panelDir() ? panelDir() + 'jsx/roughcut.jsx' : '') : scriptPath;
    this.ready = null;
  }

  RCHost.prototype.available = function () { return !!(this.cep && this.cep.evalScript); };

  RCHost.prototype.evalScript = function (script) {
    var cep = this.cep;
    return new Promise(function (resolve, reject) {
      if (!cep || !cep.evalScript) {
        reject(new Error('not running inside Premiere Pro (no CEP host)'));
        return;
      }
      cep.evalScript(script, function (result) {
        if (result === EVAL_FAILED) {
          reject(new Error('Premiere could not run the roughcut script (EvalScript error.)'));
        } else {
          resolve(result);
        }
      });
    });
  };

  /*
   * Make sure roughcut.jsx is loaded. The manifest's ScriptPath loads it when the panel opens;
   * if that load failed (its //@include parts are found beside the file, and $.fileName is
   * wrong in the first-loaded JSX, HOST_API B1), load it once more with $.evalFile and its
   * absolute path, as Adobe's PProPanel sample loads its jsx/ folder. Resolves when
   * roughcut_applyPlan exists; a failure is retried on the next call.
   */
  RCHost.prototype.ensureScript = function () {
    var self = this, file = this.scriptPath;
    if (!this.available()) { return Promise.resolve(); }
    if (!this.ready) {
      this.ready = this.evalScript('typeof roughcut_applyPlan').then(function (kind) {
        if (kind === 'function' || !file) { return kind; }
        return self.evalScript('$.evalFile(' + jsxString(file) + '); typeof roughcut_applyPlan');
      }).then(function (kind) {
        if (kind !== 'function') { throw new Error('roughcut.jsx is not loaded'); }
      }).catch(function (err) {
        self.ready = null;
        throw new Error('Premiere could not load the roughcut script ' + (file || 'jsx/roughcut.jsx') +
          ' (' + err.message + '): reinstall the panel with `roughcut install premiere`');
      });
    }
    return this.ready;
  };

  /* Call a roughcut_* ExtendScript function; resolves with its parsed {ok, ...} answer. */
  RCHost.prototype.call = function (fn, arg) {
    var self = this;
    var script = fn + '(' + (arg === undefined ? '' : jsxString(typeof arg === 'string' ? arg : JSON.stringify(arg))) + ')';
    return this.ensureScript().then(function () { return self.evalScript(script); }).then(function (text) {
      var out;
      try { out = JSON.parse(text); } catch (e) {
        throw new Error('unexpected answer from Premiere: ' + String(text).slice(0, 120));
      }
      if (!out.ok) {
        var err = new Error(out.error || 'Premiere reported a failure');
        err.problems = out.problems || [];
        throw err;
      }
      return out;
    });
  };

  function nodeRequire() {
    if (global.cep_node && global.cep_node.require) { return global.cep_node.require; }
    if (typeof global.require === 'function') { return global.require; }
    return null;
  }

  function nodeProcess() {
    if (global.cep_node && global.cep_node.process) { return global.cep_node.process; }
    return global.process || null;
  }

  /* Where `roughcut serve` writes bridge.json (platformdirs user_config_dir("roughcut")). */
  function bridgeFileCandidates(proc) {
    var env = (proc && proc.env) || {}, home = env.HOME || env.USERPROFILE || '', out = [];
    if (env.ROUGHCUT_BRIDGE_HOME) { out.push(env.ROUGHCUT_BRIDGE_HOME + '/config/bridge.json'); }
    if (proc && proc.platform === 'darwin') {
      out.push(home + '/Library/Application Support/roughcut/bridge.json');
    } else if (proc && proc.platform === 'win32') {
      out.push((env.LOCALAPPDATA || home + '\\AppData\\Local') + '\\roughcut\\roughcut\\bridge.json');
    } else {
      out.push((env.XDG_CONFIG_HOME || home + '/.config') + '/roughcut/bridge.json');
    }
    return out;
  }

  function RCNode(req, proc) {
    this.req = req || nodeRequire();
    this.proc = proc || nodeProcess();
  }

  RCNode.prototype.available = function () { return !!this.req; };

  RCNode.prototype.readBridgeFile = function () {
    var req = this.req, files = bridgeFileCandidates(this.proc);
    if (!req) { return Promise.reject(new Error('Node.js is not enabled for this panel (CEFCommandLine --enable-nodejs)')); }
    var fs = req('fs');
    function attempt(i) {
      if (i >= files.length) { return Promise.resolve(null); }
      return new Promise(function (resolve) {
        fs.readFile(files[i], 'utf8', function (err, text) {
          if (err) { resolve(attempt(i + 1)); return; }
          try {
            var info = JSON.parse(text);
            resolve(info && info.url && info.token ? info : attempt(i + 1));
          } catch (e) { resolve(attempt(i + 1)); }
        });
      });
    }
    return attempt(0);
  };

  /* host_config.json, written by `roughcut install premiere` beside index.html: where the
     roughcut executable is (GUI apps on macOS do not get the shell's PATH). */
  RCNode.prototype.readHostConfig = function () {
    var req = this.req, dir = panelDir();
    if (!req || !dir) { return Promise.resolve({}); }
    return new Promise(function (resolve) {
      req('fs').readFile(dir + 'host_config.json', 'utf8', function (err, text) {
        if (err) { resolve({}); return; }
        try { resolve(JSON.parse(text) || {}); } catch (e) { resolve({}); }
      });
    });
  };

  /* `roughcut serve --ensure`: starts the bridge detached unless one answers; prints its URL. */
  RCNode.prototype.ensureBridge = function () {
    var req = this.req, env = (this.proc && this.proc.env) || {};
    if (!req) { return Promise.reject(new Error('Node.js is not enabled for this panel')); }
    return this.readHostConfig().then(function (config) {
      return runEnsure(req('child_process'), env.ROUGHCUT_EXE || config.roughcut_exe || 'roughcut');
    });
  };

  function runEnsure(cp, exe) {
    return new Promise(function (resolve, reject) {
      cp.execFile(exe, ['serve', '--ensure'], { timeout: 90000 }, function (err, stdout, stderr) {
        if (err) {
          reject(new Error('could not start the roughcut bridge (`' + exe + ' serve --ensure`): ' +
            String(stderr || err.message || err).trim().slice(0, 300)));
          return;
        }
        resolve(String(stdout).trim());
      });
    });
  }

  global.RCHost = RCHost;
  global.RCNode = RCNode;
  global.rcJsxString = jsxString;
})(typeof window !== 'undefined' ? window : this);
