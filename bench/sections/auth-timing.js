// Issue 13: do register, password-reset request and verification resend take measurably different time for
// an address that has an account and one that does not? Interleaved sequential samples of both cases against
// a production-configured host (argon2id defaults, real SMTP delivery to a sink in this process), then the
// medians and how well the best single threshold on the latency tells the two cases apart.
// A classification accuracy near 50 % means "not separable"; with n samples per case pure noise already
// scores above 50 % (the best of many thresholds), so the chance level for the same n is printed beside it.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SMTPServer } from 'smtp-server';
import { createBenchDatabase, percentile, startHostProcess } from '../lib/harness.js';

const SAMPLES = Number(process.env.AUTH_TIMING_SAMPLES ?? 100);
const WARM_UP = 5;
const PASSWORD = 'bench-password-1234';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const TARGET = '≤ ~60 % (near chance)';

export const title = `Auth timing: known vs unknown addresses (${SAMPLES} interleaved samples per case)`;

export async function run() {
  const smtp = await startSmtpSink();
  const database = await createBenchDatabase();
  const plugins = await mkdtemp(join(tmpdir(), 'cm-bench-noplugins-'));
  const host = await startHostProcess({
    DATABASE_URL: database.url,
    REDIS_URL,
    REDIS_KEY_PREFIX: `cmbench:${randomBytes(4).toString('hex')}:`,
    SMTP_URL: smtp.url,
    JWT_SECRET: randomBytes(32).toString('hex'),
    AUTH_RATE_LIMIT_MAX: '1000000',
    PLUGINS_DIR: plugins,
  });
  try {
    const run = randomBytes(3).toString('hex');
    let fresh = 0;
    const unknown = () => `nobody-${run}-${(fresh += 1)}@example.com`;
    const known = `known-${run}@example.com`;
    const unverified = `unverified-${run}@example.com`;
    for (const email of [known, unverified]) {
      const response = await post(host.url, '/v1/auth/register', { email, password: PASSWORD, displayName: 'Bench' });
      if (response.status !== 202) throw new Error(`register answered ${response.status}`);
    }
    const cases = [
      ['register', '/v1/auth/register', (email) => ({ email, password: PASSWORD, displayName: 'Bench' }), known],
      ['password-reset request', '/v1/auth/password-reset/request', (email) => ({ email }), known],
      ['verification resend (unverified account)', '/v1/auth/verify-email/resend', (email) => ({ email }), unverified],
    ];
    const rows = [];
    for (const [name, path, body, knownEmail] of cases) {
      const result = await sampleCase(host.url, path, (isKnown) => body(isKnown ? knownEmail : unknown()));
      rows.push(...report(name, result));
    }
    rows.push(['mails delivered to the sink during the run', String(smtp.count()), 'known cases only']);
    return rows;
  } finally {
    await host.stop();
    await smtp.stop();
    await database.drop();
    await rm(plugins, { recursive: true, force: true });
  }
}

/** Warm-up, then SAMPLES of each case in a shuffled interleaving (each pair in random order). */
async function sampleCase(url, path, bodyFor) {
  for (let i = 0; i < WARM_UP; i += 1) {
    await timed(url, path, bodyFor(true));
    await timed(url, path, bodyFor(false));
  }
  const known = [];
  const unknown = [];
  for (let i = 0; i < SAMPLES; i += 1) {
    const order = Math.random() < 0.5 ? [true, false] : [false, true];
    for (const isKnown of order) (isKnown ? known : unknown).push(await timed(url, path, bodyFor(isKnown)));
  }
  return { known, unknown };
}

async function timed(url, path, body) {
  const started = performance.now();
  const response = await post(url, path, body);
  const elapsed = performance.now() - started;
  if (response.status !== 202) throw new Error(`${path} answered ${response.status}`);
  return elapsed;
}

function report(name, { known, unknown }) {
  const accuracy = bestThresholdAccuracy(known, unknown);
  const chance = chanceAccuracy(known.length, unknown.length);
  return [
    [
      `${name}: median known / unknown`,
      `${ms(percentile(known, 50))} / ${ms(percentile(unknown, 50))} (p90 ${ms(percentile(known, 90))} / ${ms(percentile(unknown, 90))})`,
      '',
    ],
    [
      `${name}: classifiable (best threshold)`,
      `${pct(accuracy)} (pure noise at this n: median ${pct(chance.median)}, 95 % of runs ≤ ${pct(chance.p95)})`,
      TARGET,
    ],
  ];
}

/**
 * The accuracy of the best rule "latency above t ⇒ one case" over every threshold t and both directions:
 * what an attacker who knows the two distributions gets from one sample. 0.5 = a coin toss.
 */
export function bestThresholdAccuracy(a, b) {
  const points = [...a.map((value) => ({ value, a: 1 })), ...b.map((value) => ({ value, a: 0 }))].sort(
    (x, y) => x.value - y.value,
  );
  let best = 0.5;
  let aBelow = 0;
  let bBelow = 0;
  for (let i = 0; i < points.length; i += 1) {
    if (points[i].a) aBelow += 1;
    else bBelow += 1;
    if (i + 1 < points.length && points[i + 1].value === points[i].value) continue;
    // "below or at t ⇒ a" and "below or at t ⇒ b"
    const aLow = (aBelow + (b.length - bBelow)) / points.length;
    best = Math.max(best, aLow, 1 - aLow);
  }
  return best;
}

/** The median and 95th percentile of the best-threshold accuracy of two samples drawn from one distribution. */
function chanceAccuracy(n, m, trials = 2000) {
  const scores = [];
  for (let t = 0; t < trials; t += 1) {
    const a = Array.from({ length: n }, Math.random);
    const b = Array.from({ length: m }, Math.random);
    scores.push(bestThresholdAccuracy(a, b));
  }
  return { median: percentile(scores, 50), p95: percentile(scores, 95) };
}

async function post(url, path, body) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return { status: response.status };
}

/** An SMTP server on loopback that accepts and counts every message (the host delivers for real). */
async function startSmtpSink() {
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('end', () => {
        count += 1;
        callback();
      });
      stream.resume();
    },
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${server.server.address().port}`,
    count: () => count,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

const ms = (value) => `${value.toFixed(1)} ms`;
const pct = (value) => `${(value * 100).toFixed(0)} %`;
