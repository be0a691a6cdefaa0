// Learning Locker's xAPI statement service (npm `xapi-statements` 5.0.1) in
// memory, for the tests of `kam-trainer send`, on 127.0.0.1 only (the
// service itself listens on every interface, so its listen is narrowed
// here), with one known client for HTTP Basic credentials.
//
// Environment: XAPI_STATEMENTS (the package's folder), LRS_PORT, AUTH_PORT,
// LRS_KEY, LRS_SECRET, and LRS_DELAY_MS (optional: each POST is answered
// that much later, so a test can stop a sender mid-batch). Prints "ready"
// when it accepts requests. The service writes access logs under
// `storage/` in its working folder: start it in a temporary one.
'use strict';
const http = require('http');
const path = require('path');

const host = '127.0.0.1';
const lrsPort = Number(process.env.LRS_PORT);
const authPort = Number(process.env.AUTH_PORT);
const expected = 'Basic ' + Buffer.from(`${process.env.LRS_KEY}:${process.env.LRS_SECRET}`).toString('base64');

// The client the credentials belong to; anything else is unknown (404),
// which the service answers with 401.
const auth = http.createServer((req, res) => {
  if (req.headers.authorization === expected) {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({
      _id: '5988f0f00000000000000001',
      title: 'KAM Trainer tests',
      organisation: '5988f0f00000000000000002',
      lrs_id: '5988f0f00000000000000003',
      authority: { objectType: 'Agent', name: 'KAM Trainer tests', mbox: 'mailto:tests@kam-trainer.invalid' },
      isTrusted: true,
      scopes: ['all'],
    }));
  } else {
    res.writeHead(404);
    res.end();
  }
});

auth.listen(authPort, host, () => {
  Object.assign(process.env, {
    EXPRESS_PORT: String(lrsPort),
    MODELS_REPO: 'memory',
    STORAGE_REPO: 'memory',
    EVENTS_REPO: 'test',
    AUTH_REPO: 'fetch',
    LL_CLIENT_INFO_ENDPOINT: `http://${host}:${authPort}/auth`,
    SERVICE_AWAIT_UPDATES: 'true',
    WINSTON_CONSOLE_LEVEL: 'error',
  });
  const listen = http.Server.prototype.listen;
  http.Server.prototype.listen = function (port, ...rest) {
    if (port === lrsPort && typeof rest[0] === 'function') {
      const delay = Number(process.env.LRS_DELAY_MS || 0);
      if (delay > 0) {
        const handlers = this.listeners('request');
        this.removeAllListeners('request');
        this.on('request', (req, res) => {
          const later = req.method === 'POST' ? delay : 0;
          setTimeout(() => handlers.forEach((h) => h.call(this, req, res)), later);
        });
      }
      return listen.call(this, port, host, ...rest);
    }
    return listen.call(this, port, ...rest);
  };
  process.send = (m) => { if (m === 'ready') console.log('ready'); };
  require(path.join(process.env.XAPI_STATEMENTS, 'dist', 'server'));
});
