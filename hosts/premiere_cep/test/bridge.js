'use strict';
/* A real roughcut bridge (python -m bridge_server) in a throw-away home, for the node tests. */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');

const REPO = path.resolve(__dirname, '..', '..', '..');
const PYTHON = process.env.ROUGHCUT_PYTHON || path.join(REPO, '.venv', 'bin', 'python');
const MEDIA = process.env.ROUGHCUT_SHARED_MEDIA || path.join(REPO, '..', 'shared', 'media');
const GRID = path.join(MEDIA, 'video_faces_speaking', 'grid_bbaf2n.mpg');

/**
 * Start a bridge on a free port with ROUGHCUT_BRIDGE_HOME a new temp folder named `prefix`...;
 * it reads only allowed folders (--allow): its own home and the shared media. Resolves
 * {proc, home, info} once /v1/ping answers (info: bridge.json, {url, token}); rejects when the
 * process exits first or after 60 s.
 */
async function startBridge(prefix) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const allow = [home, ...(fs.existsSync(MEDIA) ? [MEDIA] : [])].flatMap((d) => ['--allow', d]);
  const proc = spawn(PYTHON, ['-m', 'bridge_server', '--port', '0', '--log-level', 'warning', ...allow], {
    cwd: REPO, env: { ...process.env, ROUGHCUT_BRIDGE_HOME: home }, stdio: ['ignore', 'ignore', 'inherit'] });
  const file = path.join(home, 'config', 'bridge.json');
  for (let i = 0; i < 600; i++) {
    if (fs.existsSync(file)) {
      const info = JSON.parse(fs.readFileSync(file, 'utf8'));
      try { if ((await fetch(`${info.url}/v1/ping`)).ok) return { proc, home, info }; } catch (e) { /* not yet */ }
    }
    if (proc.exitCode !== null) throw new Error(`bridge exited with ${proc.exitCode}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill('SIGTERM');
  throw new Error('bridge did not start within 60 s');
}

/** SIGTERM the bridge `proc` (when it still runs) and wait for it to exit. */
async function stopBridge(proc) {
  if (proc && proc.exitCode === null) {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
  }
}

module.exports = { GRID, MEDIA, PYTHON, REPO, startBridge, stopBridge };
