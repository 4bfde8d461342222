'use strict';
/*
 * A fake "Pymiere Link" panel (pymiere/work_code/cep_panel): HTTP on 127.0.0.1.
 *   GET  /          -> "Premiere is alive"
 *   POST / {"to_eval": code} -> the evalScript string ("EvalScript error." when it throws)
 *   GET  /__state   -> the fake project's snapshot as JSON (test-only)
 * The code runs in the strict fake ExtendScript DOM (fake_premiere.js), one context for the
 * server's life, like Premiere keeps one ExtendScript engine.
 *
 * usage: node fake_link_server.js SCENARIO.json [PORT]   (prints "listening <port>")
 */
const fs = require('fs');
const http = require('http');
const { FakePremiere } = require('./fake_premiere');

function start(scenario, port = 0, options = {}) {
  const fake = new FakePremiere(scenario, options);
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/') {
      res.end('Premiere is alive');
      return;
    }
    if (req.method === 'GET' && req.url === '/__state') {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(fake.snapshot()));
      return;
    }
    if (req.method !== 'POST') { res.statusCode = 405; res.end(); return; }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let code;
      try { code = JSON.parse(Buffer.concat(chunks).toString('utf8')).to_eval; } catch (e) { code = undefined; }
      if (typeof code !== 'string') { res.statusCode = 400; res.end('expected {"to_eval": code}'); return; }
      res.end(fake.evalScript(code));
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ server, fake, port: server.address().port })));
}

if (require.main === module) {
  const scenario = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  start(scenario, Number(process.argv[3] || 0)).then(({ port }) => {
    process.stdout.write(`listening ${port}\n`);
  });
  process.on('SIGTERM', () => process.exit(0));
}

module.exports = { start };
