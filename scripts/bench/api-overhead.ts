/**
 * api-overhead: what our stack costs per request. The same JSON answered by
 *  - a bare Fastify route (no logging, no hooks, no schema), and
 *  - a route inside the service's /api/v1 scope: Bearer token verification, request id, pino logging,
 *    response schema serialisation, the central error handler, with a real token from /oauth/token.
 * The servers run in a child process, autocannon in this one, so they do not share an event loop.
 * Goal: our route keeps >= 70 % of the bare route's throughput.
 */
import { execFileSync, fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { Type } from '@sinclair/typebox';
import { printTable, progress, progressDone, writeResults } from './lib.js';

const PAYLOAD = {
  id: '6f1c1a56-5a4e-4b8e-9a5e-3c7f7d2b1e90',
  status: 'active',
  orgName: 'Acme Corp',
  integration: { clientId: 'msi_abcdefghijklmnopqrst', secret: '••••••••wxyz' },
  limits: { seats: 100, teams: 20 },
  usage: { seats: 12 },
};
const Payload = Type.Object({
  id: Type.String(),
  status: Type.String(),
  orgName: Type.String(),
  integration: Type.Object({ clientId: Type.String(), secret: Type.String() }),
  limits: Type.Object({ seats: Type.Integer(), teams: Type.Integer() }),
  usage: Type.Object({ seats: Type.Integer() }),
});

async function serve() {
  const { loadConfig } = await import('../../service/src/platform/config.js');
  const { openDatabase } = await import('../../service/src/platform/database.js');
  const { createRuntime } = await import('../../service/src/runtime.js');
  const { capabilities } = await import('../../service/src/capabilities.js');
  const { Mailbox } = await import('../../service/src/sandbox/mailbox.js');
  const { BatchedLogDestination } = await import('../../service/src/platform/log-destination.js');

  const bare = Fastify({ logger: false });
  bare.get('/bare', async () => PAYLOAD);
  await bare.listen({ host: '127.0.0.1', port: 0 });

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-bench-'));
  const mailbox = await Mailbox.start();
  const config = loadConfig({ DATA_DIR: dataDir, SANDBOX: 'false', SMTP_URL: mailbox.url, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info' });
  const benchCapability = {
    name: 'bench',
    apiRoutes: async (app: import('fastify').FastifyInstance) => {
      app.get('/bench/account', { schema: { operationId: 'benchAccount', response: { 200: Payload } } }, async (request) => ({
        ...PAYLOAD,
        id: request.accountId,
      }));
    },
  };
  const runtime = await createRuntime(config, {
    database: await openDatabase({}),
    capabilities: [...capabilities, benchCapability],
    worker: process.env.BENCH_WORKER !== '0',
    // Every request's log line is written as in production (the service's batched destination, as
    // for stdout), only to /dev/null so the terminal stays readable.
    logStream: BatchedLogDestination.toFile('/dev/null') as unknown as NodeJS.WritableStream,
  });
  await runtime.app.listen({ host: '127.0.0.1', port: 0 });

  // A real account and token, through the real flow.
  const created = await runtime.app.inject({
    method: 'POST',
    url: '/api/v1/accounts',
    payload: { orgId: '00D000000000001EAA', orgName: 'Bench', instanceUrl: 'https://bench.my.salesforce.com', admins: [{ name: 'B', email: 'bench@example.com' }] },
  });
  if (created.statusCode !== 201) throw new Error(created.body);
  if (process.env.BENCH_WORKER === '0') {
    // No job worker in this process: send the invitation the way the worker would.
    const { accountService } = await import('../../service/src/account/index.js');
    const invitations = await runtime.database.db.selectFrom('invitations').select('id').execute();
    for (const invitation of invitations) await accountService(runtime.context).sendInvitation(invitation.id);
  }
  const mail = await mailbox.waitFor(() => true);
  const token = /token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1] ?? '';
  const page = await runtime.app.inject({ method: 'POST', url: '/activate', payload: { token } });
  const clientId = /id="client-id">([^<]+)</.exec(page.body)?.[1] ?? '';
  const clientSecret = /id="client-secret">([^<]+)</.exec(page.body)?.[1] ?? '';
  const tokenRes = await runtime.app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret } });
  const accessToken = tokenRes.json().access_token as string;

  const port = (app: { server: { address(): unknown } }) => (app.server.address() as { port: number }).port;
  process.send?.({ bare: `http://127.0.0.1:${port(bare)}/bare`, ours: `http://127.0.0.1:${port(runtime.app)}/api/v1/bench/account`, accessToken });
  process.on('message', async (message) => {
    // The parent asks for this process's CPU time around each run: CPU per request is steadier than
    // requests per second when other work shares the machine.
    if (message === 'cpu') {
      const usage = process.cpuUsage();
      process.send?.({ cpu: usage.user + usage.system });
      return;
    }
    await bare.close();
    await runtime.close();
    await mailbox.close();
    process.exit(0);
  });
}

let server: ReturnType<typeof fork>;
const serverCpu = () =>
  new Promise<number>((resolve) => {
    server.once('message', (m) => resolve((m as { cpu: number }).cpu));
    server.send('cpu');
  });

async function measure(url: string, headers: Record<string, string>, seconds: number) {
  const cpuBefore = await serverCpu();
  const result = await autocannon({ url, headers, connections: 32, pipelining: 1, duration: seconds });
  const cpu = (await serverCpu()) - cpuBefore;
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    cpuMicrosPerRequest: cpu / Math.max(1, result.requests.total),
  };
}

/**
 * With two cores, the load generator and the servers otherwise share both and the scheduler moves
 * them around mid-round; one core each (when `taskset` exists and there are at least two) makes
 * neighbouring rounds comparable. BENCH_PIN=0 turns it off.
 */
function pinToCores(serverPid: number | undefined) {
  if (process.env.BENCH_PIN === '0' || os.availableParallelism() < 2 || !serverPid) return;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', '1', String(serverPid)], { stdio: 'ignore' });
    execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  } catch {
    // No taskset: unpinned, as before.
  }
}

async function main() {
  const seconds = Number(process.argv[2] ?? 2);
  const child = (server = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: ['--import', 'tsx', ...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof', '--cpu-prof-interval=100'] : [])], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  pinToCores(child.pid);
  const urls = await new Promise<{ bare: string; ours: string; accessToken: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { bare: string; ours: string; accessToken: string }));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const auth = { authorization: `Bearer ${urls.accessToken}` };
  progress('Warming up both routes...');
  if (process.env.BENCH_PROF !== 'ours') await measure(urls.bare, {}, 2);
  if (process.env.BENCH_PROF !== 'bare') await measure(urls.ours, auth, 2);
  // Alternate the two so drift on a noisy machine hits both alike; each round's ratio compares neighbours, and the median of the rounds is reported.
  const rounds: Array<{ route: string; rps: number; p50: number; p99: number; requests: number; cpuMicrosPerRequest: number }> = [];
  // On a shared host two runs seconds apart can differ by a third; more, shorter rounds give the
  // median something to work with. `api-overhead.ts [seconds per round] [rounds]`.
  const ROUNDS = Math.max(1, Number(process.argv[3] ?? 11));
  for (let round = 1; round <= ROUNDS; round += 1) {
    progress(`Round ${round}/${ROUNDS}: bare route (${seconds} s)...`);
    if (process.env.BENCH_PROF !== 'ours') rounds.push({ route: 'bare', ...(await measure(urls.bare, {}, seconds)) });
    progress(`Round ${round}/${ROUNDS}: service route (${seconds} s)...`);
    if (process.env.BENCH_PROF !== 'bare') rounds.push({ route: 'ours', ...(await measure(urls.ours, auth, seconds)) });
  }
  progressDone();
  child.send('stop');
  const median = (values: number[]) => values.sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? 0;
  const of = (route: string, key: 'rps' | 'p50' | 'p99' | 'cpuMicrosPerRequest') => median(rounds.filter((r) => r.route === route).map((r) => r[key]));
  // Each round's ratio compares two runs made seconds apart, so drift on a shared machine mostly cancels.
  const ratios = rounds.filter((r) => r.route === 'ours').map((r, i) => r.rps / (rounds.filter((b) => b.route === 'bare')[i]?.rps ?? r.rps));
  const ratio = median(ratios);
  const cpuRatio = of('bare', 'cpuMicrosPerRequest') / of('ours', 'cpuMicrosPerRequest');
  printTable(`api-overhead (32 connections, loopback, median of ${ROUNDS} alternating rounds)`, [
    { route: 'bare Fastify GET /bare', 'req/s': Math.round(of('bare', 'rps')), 'p50 ms': of('bare', 'p50'), 'p99 ms': of('bare', 'p99'), 'server CPU µs/req': of('bare', 'cpuMicrosPerRequest') },
    {
      route: 'service GET /api/v1/bench/account (Bearer)',
      'req/s': Math.round(of('ours', 'rps')),
      'p50 ms': of('ours', 'p50'),
      'p99 ms': of('ours', 'p99'),
      'server CPU µs/req': of('ours', 'cpuMicrosPerRequest'),
    },
  ]);
  console.log(`throughput ratio: ${(ratio * 100).toFixed(1)} % of the bare route (goal >= 70 %) — ${ratio >= 0.7 ? 'met' : 'NOT met'}`);
  console.log(`CPU ratio: the bare route costs ${(cpuRatio * 100).toFixed(1)} % of the CPU per request that ours does`);
  writeResults('api-overhead', { seconds, rounds, ratio, ratios, cpuRatio, goal: 0.7, met: ratio >= 0.7 });
}

if (process.argv.includes('--serve')) await serve();
else await main();
