// Signing in during a flood of sign-ins: a real person's sign-in, measured alone (the baseline) and
// while 40 concurrent attackers keep signing in with invented usernames or wrong passwords, in the
// same run, on the production password cost (scrypt N=2^17).  Run: npm run bench:login
import { buildApp } from '../server/app';
import { loadConfig } from '../server/config';
import { openDb } from '../server/db/open';
import { seedAll } from '../server/seed/seed';

const ATTACKERS = 40;
const SAMPLES = 8;
delete process.env.SCRYPT_LOG_N;
const config = { ...loadConfig(process.env), dataDir: 'memory://', timerIntervalMs: 0, logLevel: 'silent' };
const db = await openDb(config);
await seedAll(db, new Date());
const app = await buildApp(db, config, { logger: false });
const users = (await db.run('*', (k) => k.selectFrom('users').select(['county_id', 'username']).execute()));

let address = 0;
/** One sign-in from its own address (so the per-account-and-address limit never meets the person). */
const signIn = (county: string, username: string, password: string, from = `192.0.2.${(address++ % 250) + 1}`) =>
  app.inject({ method: 'POST', url: '/api/session', payload: { county, username, password }, remoteAddress: from });

/** The person's sign-ins, one after another: median milliseconds and CPU milliseconds per sign-in (all threads). */
async function person(): Promise<{ ms: number; cpu: number }> {
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < SAMPLES; i++) {
    const t0 = performance.now();
    const res = await signIn('532326', 'cun', 'demo1234');
    if (res.statusCode !== 200) throw new Error(`the real sign-in failed: ${res.statusCode} ${res.body}`);
    times.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(SAMPLES / 2)]!, cpu: (cpu.user + cpu.system) / 1000 / SAMPLES };
}

/** Runs `attack` in ATTACKERS loops while the person signs in; returns the person's figures and the attempts made. */
async function during(attack: (i: number, n: number) => ReturnType<typeof signIn>): Promise<{ ms: number; cpu: number; attempts: number }> {
  let stop = false;
  let attempts = 0;
  const loops = Array.from({ length: ATTACKERS }, async (_, i) => {
    for (let n = 0; !stop; n++) {
      await attack(i, n);
      attempts++;
    }
  });
  // Let the flood reach its pace before measuring.
  while (attempts < ATTACKERS * 2) await new Promise((r) => setImmediate(r));
  const measured = await person();
  stop = true;
  await Promise.all(loops);
  return { ...measured, attempts };
}

await person(); // warm-up: the first scrypt, compiled routes
const quiet = await person();
const invented = await during((i, n) => signIn('532326', `nobody-${i}-${n}`, 'Guess-1234', `10.1.0.${i + 1}`));
const oneAddress = await during((i, n) => signIn('532326', `someone-${i}-${n}`, 'Guess-1234', '10.2.0.1'));
const guessing = await during((i, n) => {
  const u = users[(i * 7 + n) % users.length]!;
  return signIn(u.county_id, u.username, `wrong-${n}`, `10.3.0.${i + 1}`);
});

const line = (label: string, r: { ms: number; cpu: number; attempts?: number }) =>
  `  ${label.padEnd(58)} ${r.ms.toFixed(0).padStart(5)} ms = ${(r.ms / quiet.ms).toFixed(2)} × quiet${r.attempts ? `  (${r.attempts} attacking attempts meanwhile)` : ''}`;
console.log(`\nA real sign-in (scrypt N=2^17), median of ${SAMPLES}, alone and during ${ATTACKERS} concurrent attackers`);
console.log(`  ${'alone (baseline)'.padEnd(58)} ${quiet.ms.toFixed(0).padStart(5)} ms; CPU ${quiet.cpu.toFixed(0)} ms per sign-in`);
console.log(line('invented usernames, each attacker its own address', invented));
console.log(line('invented usernames, all from one address', oneAddress));
console.log(line('wrong passwords for the real accounts, 40 addresses', guessing));
await app.close();
await db.close();
