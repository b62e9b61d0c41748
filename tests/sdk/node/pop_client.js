// One RDS call through the legacy Node SDK (@alicloud/pop-core, V2 only), as a test peer.
//
// Usage:
//   node pop_client.js --endpoint HOST:PORT --access-key-id ID --access-key-secret S
//                      [--security-token T] [--fixed-nonce N] [--method GET|POST]
//                      ACTION [--param Name=Value ...]
//
// pop-core sends GET by default; with POST every parameter, Signature included, goes in an
// application/x-www-form-urlencoded body. Same output contract as rds_client.js: one JSON
// line, {"ok": true, "body": {...}} or {"ok": false, "code", "message", "status",
// "request_id"}; exit 2 with code ClientScriptError only when the script itself fails.
//
// pop-core judges a response by its body alone: any JSON body with a "Code" (other than
// 200/OK/Success) is an error, whatever the HTTP status, and a 4xx/5xx body without "Code"
// comes back as a success. A body that is not JSON makes it throw a parse error.
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
    else if (a === '--security-token') opts.securityToken = next();
    else if (a === '--fixed-nonce') opts.fixedNonce = next();
    else if (a === '--method') {
      opts.method = next().toUpperCase();
      if (!['GET', 'POST'].includes(opts.method)) throw new Error('--method takes GET or POST');
    } else if (a === '--param') {
      const item = next();
      const eq = item.indexOf('=');
      if (eq <= 0) throw new Error(`--param takes Name=Value, not ${item}`);
      opts.params[item.slice(0, eq)] = item.slice(eq + 1);
    } else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else if (opts.action) throw new Error(`one ACTION only, not ${opts.action} and ${a}`);
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

  if (opts.fixedNonce) {
    // pop-core's RPC client takes SignatureNonce from makeNonce() of its own kitx.
    const path = require('path');
    const rpcDir = path.dirname(require.resolve('@alicloud/pop-core/lib/rpc.js'));
    require(require.resolve('kitx', { paths: [rpcDir] })).makeNonce = () => opts.fixedNonce;
  }

  const client = new RPCClient({
    accessKeyId: opts.accessKeyId,
    accessKeySecret: opts.accessKeySecret,
    securityToken: opts.securityToken,
    endpoint: `http://${opts.endpoint}`,
    apiVersion: '2014-08-15',
  });
  let body;
  try {
    body = await client.request(opts.action, opts.params, { method: opts.method, timeout: 10000 });
  } catch (e) {
    // The service's errors: an Error with code (the body's Code), data (the parsed body) and
    // entry.response.statusCode. Anything else is the script's failure.
    if (!e || !e.code || !e.data || typeof e.data !== 'object') throw e;
    emit({
      ok: false,
      code: e.code,
      message: e.data.Message ?? null,
      status: e.entry && e.entry.response ? e.entry.response.statusCode : null,
      request_id: e.data.RequestId || null,
    });
  }
  emit({ ok: true, body });
}

function describe(e) {
  if (e instanceof Error) {
    process.stderr.write(`${e.stack || e}\n`);
    return `${e.name}: ${e.message}`;
  }
  // json-bigint throws a plain object {name, message, at, text} for a body that is not JSON.
  if (e && typeof e === 'object' && e.message) return `${e.name || 'Error'}: ${e.message}`;
  try {
    return JSON.stringify(e);
  } catch (_) {
    return String(e);
  }
}

main().catch((e) => emit({ ok: false, code: 'ClientScriptError', message: describe(e) }, 2));
