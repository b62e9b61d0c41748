// One RDS call through the legacy Node SDK (@alicloud/pop-core, V2 only), as a test peer.
//
// Usage:
//   node pop_client.js --endpoint HOST:PORT --access-key-id ID --access-key-secret S
//                      [--method GET|POST] ACTION [--param Name=Value ...]
//
// pop-core sends GET by default; with POST every parameter, Signature included, goes in a
// form body. Same output contract as rds_client.js.
'use strict';

function emit(obj, code = 0) {
  process.stdout.write(JSON.stringify(obj) + '\n');
  process.exit(code);
}

function parseArgs(argv) {
  const opts = { params: {}, method: 'GET' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--endpoint') opts.endpoint = next();
    else if (a === '--access-key-id') opts.accessKeyId = next();
    else if (a === '--access-key-secret') opts.accessKeySecret = next();
    else if (a === '--method') opts.method = next().toUpperCase();
    else if (a === '--param') {
      const item = next();
      const eq = item.indexOf('=');
      if (eq < 0) throw new Error(`--param takes Name=Value, not ${item}`);
      opts.params[item.slice(0, eq)] = item.slice(eq + 1);
    } else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else opts.action = a;
  }
  for (const k of ['endpoint', 'accessKeyId', 'accessKeySecret', 'action']) {
    if (!opts[k]) throw new Error(`missing ${k}`);
  }
  return opts;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const RPCClient = require('@alicloud/pop-core').RPCClient;
  const client = new RPCClient({
    accessKeyId: opts.accessKeyId,
    accessKeySecret: opts.accessKeySecret,
    endpoint: `http://${opts.endpoint}`,
    apiVersion: '2014-08-15',
  });
  try {
    const body = await client.request(opts.action, opts.params, { method: opts.method, timeout: 10000 });
    emit({ ok: true, body });
  } catch (e) {
    if (!e || !e.code || !e.data) throw e;
    emit({
      ok: false,
      code: e.code,
      message: e.data.Message,
      status: e.entry && e.entry.response ? e.entry.response.statusCode : null,
      request_id: e.data.RequestId || null,
    });
  }
}

main().catch((e) => emit({ ok: false, code: 'ClientScriptError', message: String((e && e.stack) || e) }, 2));
