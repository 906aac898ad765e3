// Load generator in its own process, so the servers under test do not share an event loop with it.
// Usage (from a section): `await load({ url, method, headers, body, connections, duration, refreshTokens })`.
// Run as a script it reads that JSON from argv[2] and prints autocannon's figures as JSON.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);

/** Runs autocannon in a child process and resolves with { rps, p50, p99, mean, total, non2xx, errors }. */
export function load(options) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SELF, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load generator exited ${code}`)),
    );
  });
}

/**
 * The host route against the bare baseline in alternating rounds (after a warm-up of each), so drifts of a
 * shared machine hit both; resolves with the median round of each and the summed failures.
 */
export async function compare(hostTarget, bareTarget, { connections, rounds = 3, seconds = 3 }) {
  const results = { host: [], bare: [] };
  await load({ ...bareTarget, connections, duration: 2 });
  await load({ ...hostTarget, connections, duration: 2 });
  for (let round = 0; round < rounds; round += 1) {
    results.bare.push(await load({ ...bareTarget, connections, duration: seconds }));
    results.host.push(await load({ ...hostTarget, connections, duration: seconds }));
  }
  const median = (list) => [...list].sort((a, b) => a.rps - b.rps)[Math.floor(list.length / 2)];
  const sum = (list, key) => list.reduce((total, result) => total + result[key], 0);
  const pick = (list) => ({ ...median(list), non2xx: sum(list, 'non2xx'), errors: sum(list, 'errors') });
  return { host: pick(results.host), bare: pick(results.bare) };
}

async function main(options) {
  if (options.refreshTokens) return refreshChains(options);
  const request = {
    method: options.method ?? 'GET',
    path: new URL(options.url).pathname,
    headers: options.headers ?? {},
  };
  if (options.body !== undefined) {
    request.body = JSON.stringify(options.body);
    request.headers = { 'content-type': 'application/json', ...request.headers };
  }
  const result = await autocannon({
    url: new URL(options.url).origin,
    connections: options.connections ?? 10,
    duration: options.duration ?? 10,
    // Requests per second per connection (unset: as fast as the server answers).
    ...(options.connectionRate ? { connectionRate: options.connectionRate } : {}),
    requests: [request],
  });
  const summary = {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: result.latency.mean,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    statuses: { '2xx': result['2xx'], '4xx': result['4xx'], '5xx': result['5xx'] },
  };
  process.stdout.write(JSON.stringify(summary));
}

/**
 * POST /v1/auth/refresh from one chain per refresh token: each client spends its token and sends the
 * rotated one next, so every token is used exactly once (a reused refresh token revokes its family).
 * autocannon cannot do this: its clients share request objects, so they would send each other's tokens.
 */
async function refreshChains(options) {
  const latencies = [];
  let non2xx = 0;
  let errors = 0;
  const deadline = Date.now() + (options.duration ?? 10) * 1000;
  const chain = async (token) => {
    while (Date.now() < deadline && token) {
      const started = performance.now();
      try {
        const response = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ refreshToken: token }),
        });
        const body = await response.json();
        latencies.push(performance.now() - started);
        if (response.status === 200) token = body.refreshToken;
        else {
          non2xx += 1;
          token = undefined;
        }
      } catch {
        errors += 1;
        token = undefined;
      }
    }
  };
  const started = Date.now();
  await Promise.all(options.refreshTokens.map(chain));
  const seconds = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? NaN;
  const mean = latencies.reduce((sum, value) => sum + value, 0) / latencies.length;
  process.stdout.write(
    JSON.stringify({
      rps: latencies.length / seconds,
      p50: at(50),
      p99: at(99),
      mean,
      total: latencies.length,
      non2xx,
      errors,
    }),
  );
}

if (process.argv[1] === SELF) {
  main(JSON.parse(process.argv[2])).catch((error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  });
}
