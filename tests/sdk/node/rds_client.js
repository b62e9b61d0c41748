// One RDS call through the official Node SDK (@alicloud/rds20140815), as a test peer.
//
// Usage:
//   node rds_client.js --endpoint HOST:PORT --access-key-id ID --access-key-secret S
//                      [--security-token T] [--signature-algorithm v2|v3|sm3] [--fixed-nonce N]
//                      ACTION [--param Name=Value ...]
//
// Prints one JSON line: {"ok": true, "body": {...}} or
// {"ok": false, "code", "message", "status", "request_id"}. Exit 2 only when the script fails.
'use strict';

const ACTIONS = {
  CreateBackup: ['CreateBackupRequest', 'createBackupWithOptions'],
  DescribeBackupTasks: ['DescribeBackupTasksRequest', 'describeBackupTasksWithOptions'],
  DescribeBackups: ['DescribeBackupsRequest', 'describeBackupsWithOptions'],
  DescribeDBInstances: ['DescribeDBInstancesRequest', 'describeDBInstancesWithOptions'],
  DescribeDBInstanceAttribute: ['DescribeDBInstanceAttributeRequest', 'describeDBInstanceAttributeWithOptions'],
  DescribeDatabases: ['DescribeDatabasesRequest', 'describeDatabasesWithOptions'],
};

function emit(obj, code = 0) {
  process.stdout.write(JSON.stringify(obj) + '\n');
  process.exit(code);
}

function parseArgs(argv) {
  const opts = { params: {}, signatureAlgorithm: 'v3' };
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
    else if (a === '--signature-algorithm') {
      opts.signatureAlgorithm = next().toLowerCase();
      if (!['v2', 'v3', 'sm3'].includes(opts.signatureAlgorithm)) throw new Error(`--signature-algorithm takes v2, v3 or sm3`);
    }
    else if (a === '--fixed-nonce') opts.fixedNonce = next();
    else if (a === '--param') {
      const item = next();
      const eq = item.indexOf('=');
      if (eq < 0) throw new Error(`--param takes Name=Value, not ${item}`);
      opts.params[item.slice(0, eq)] = item.slice(eq + 1);
    } else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else if (opts.action) throw new Error(`one ACTION only, not ${opts.action} and ${a}`);
    else opts.action = a;
  }
  for (const k of ['endpoint', 'accessKeyId', 'accessKeySecret', 'action']) {
    if (!opts[k]) throw new Error(`missing ${k}`);
  }
  if (!ACTIONS[opts.action]) throw new Error(`unknown action ${opts.action}`);
  return opts;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const Rds = require('@alicloud/rds20140815');
  const { $OpenApiUtil, OpenApiUtil } = require('@alicloud/openapi-core');
  const $dara = require('@darabonba/typescript');

  if (opts.fixedNonce) {
    // The SDK asks OpenApiUtil.getNonce() for every request's nonce (V3 header, V2 parameter).
    OpenApiUtil.getNonce = () => opts.fixedNonce;
  }

  const config = new $OpenApiUtil.Config({
    accessKeyId: opts.accessKeyId,
    accessKeySecret: opts.accessKeySecret,
    securityToken: opts.securityToken,
    regionId: 'cn-hangzhou',
    endpoint: opts.endpoint,
    protocol: 'http',
  });
  if (opts.signatureAlgorithm === 'v2') config.signatureAlgorithm = 'v2';
  if (opts.signatureAlgorithm === 'sm3') config.signatureAlgorithm = 'ACS3-HMAC-SM3';
  const client = new Rds.default(config);

  const [modelName, method] = ACTIONS[opts.action];
  const Model = Rds[modelName];
  // The models map their (mixed-case) field names to API names; build the request from API names.
  const byApiName = Object.fromEntries(Object.entries(Model.names()).map(([field, api]) => [api, field]));
  const types = Model.types();
  const fields = {};
  for (const [api, value] of Object.entries(opts.params)) {
    const field = byApiName[api];
    if (!field) throw new Error(`${modelName} has no field ${api}`);
    if (types[field] === 'number') {
      if (!/^-?\d+$/.test(value)) throw new Error(`${api} takes an integer, not ${value}`);
      fields[field] = Number(value);
    } else if (types[field] === 'boolean') {
      fields[field] = value.toLowerCase() === 'true';
    } else {
      fields[field] = value;
    }
  }
  const request = new Model(fields);
  try {
    const response = await client[method](request, new $dara.RuntimeOptions({ autoretry: false }));
    emit({ ok: true, body: response.body.toMap() });
  } catch (e) {
    // The service's errors (4xx/5xx with a JSON body) carry data and statusCode; anything
    // else (refused connection, unparsable body) is the script's failure.
    if (!e || e.code === undefined || (e.data === undefined && e.statusCode === undefined)) throw e;
    // e.message is the SDK's own sentence ("<Code>: code: 400, <Message> request id: <id>");
    // report the service's Message as it came (e.data is the parsed error body).
    const data = e.data && typeof e.data === 'object' ? e.data : {};
    const message = data.Message ?? data.message;
    emit({
      ok: false,
      code: e.code,
      message: message ?? e.message,
      status: e.statusCode ?? data.statusCode ?? null,
      request_id: data.RequestId || e.requestId || null,
    });
  }
}

function describe(e) {
  if (e instanceof Error) {
    process.stderr.write(`${e.stack || e}\n`);
    return `${e.name}: ${e.message}`;
  }
  try {
    return JSON.stringify(e);
  } catch (_) {
    return String(e);
  }
}

main().catch((e) => emit({ ok: false, code: 'ClientScriptError', message: describe(e) }, 2));
