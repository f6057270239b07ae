/**
 * County checkpoints: the heads of a county's hash chain, with a short fingerprint of every
 * event's hash, signed with a key kept outside the database. The chain alone shows that rows
 * were edited, deleted or reordered; someone able to rewrite the whole database could
 * recompute every hash after an edit. A checkpoint an auditor keeps catches that too, and
 * names the first event that differs from what the checkpoint saw.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Kysely } from 'kysely';
import { canonicalJson } from '../../engine/index';
import { CHAIN_LANES, GENESIS, linkHash } from './chainLink';
import type { Database } from '../db/schema';
import type { ChainReport } from './verifyChain';

export const CHECKPOINT_FORMAT = 'countyflow-checkpoint/1';
/** Hex digits of each event's hash kept in a checkpoint: enough to tell any change, a sixth of the size. */
const MARK = 12;

export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  county: string;
  at: string;
  events: number;
  lanes: { lane: number; seq: number; head: string; marks: string }[];
  /** The signer's public key (SPKI, base64): an auditor checks it is the county's known key. */
  publicKey: string;
  signature: string;
}

/** The signing key, from a PEM file outside the database; created (owner-only) on first use. */
export function loadSigningKey(file: string): { privateKey: KeyObject; publicKey: KeyObject } {
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    chmodSync(file, 0o600);
    writeFileSync(`${file}.pub`, createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }));
  }
  const privateKey = createPrivateKey(readFileSync(file));
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

const spki = (key: KeyObject) => key.export({ type: 'spki', format: 'der' }).toString('base64');
const signedPart = (cp: Omit<Checkpoint, 'signature'>) => Buffer.from(canonicalJson(cp), 'utf8');

/** Takes a checkpoint of the county's chain as it is now, signed. */
export async function makeCheckpoint(k: Kysely<Database>, county: string, now: Date, key: { privateKey: KeyObject; publicKey: KeyObject }): Promise<Checkpoint> {
  const heads = await k.selectFrom('county_chain').select(['lane', 'seq', 'head']).where('county_id', '=', county).orderBy('lane').execute();
  const lanes: Checkpoint['lanes'] = [];
  for (const h of heads) {
    const rows = await k.selectFrom('case_events').select(['hash']).where('county_id', '=', county).where('lane', '=', h.lane).where('seq', '<=', Number(h.seq)).orderBy('seq').execute();
    lanes.push({ lane: h.lane, seq: Number(h.seq), head: h.head, marks: rows.map((r) => r.hash.slice(0, MARK)).join('') });
  }
  const body: Omit<Checkpoint, 'signature'> = { format: CHECKPOINT_FORMAT, county, at: now.toISOString(), events: lanes.reduce((n, l) => n + l.seq, 0), lanes, publicKey: spki(key.publicKey) };
  return { ...body, signature: sign(null, signedPart(body), key.privateKey).toString('base64') };
}

/** Why a checkpoint cannot be trusted, or null: the format, the county, the key it was signed with, the signature. */
export function checkpointProblem(cp: unknown, county: string, trusted: KeyObject): string | null {
  const c = cp as Partial<Checkpoint> | null;
  if (!c || c.format !== CHECKPOINT_FORMAT || !Array.isArray(c.lanes) || typeof c.signature !== 'string') return '不是 CountyFlow 的检查点文件';
  if (c.county !== county) return `检查点属于县「${String(c.county)}」，不是「${county}」`;
  if (c.publicKey !== spki(trusted)) return '检查点不是用本县的签名密钥签的';
  const { signature, ...body } = c as Checkpoint;
  let ok = false;
  try {
    ok = verify(null, signedPart(body), trusted, Buffer.from(signature, 'base64'));
  } catch {
    ok = false;
  }
  return ok ? null : '检查点的签名不对（文件被改动过）';
}

/**
 * Compares the county's chain with a trusted checkpoint: every event the checkpoint saw must
 * still be there with the same hash. Run after verifyChain (which checks the chain against
 * itself); reports the first event that differs.
 */
export async function compareWithCheckpoint(k: Kysely<Database>, cp: Checkpoint): Promise<ChainReport> {
  let events = 0;
  const when = cp.at.slice(0, 16).replace('T', ' ');
  for (const lane of cp.lanes.filter((l) => l.lane >= 0 && l.lane < CHAIN_LANES)) {
    const rows = await k.selectFrom('case_events').select(['seq', 'case_id', 'body']).where('county_id', '=', cp.county).where('lane', '=', lane.lane).where('seq', '<=', lane.seq).orderBy('seq').execute();
    let prev = GENESIS;
    for (let i = 0; i < lane.seq; i++) {
      const r = rows[i];
      const mark = lane.marks.slice(i * MARK, (i + 1) * MARK);
      if (!r || Number(r.seq) !== i + 1) return { ok: false, events, broken: { lane: lane.lane, seq: i + 1, caseId: r?.case_id ?? '', reason: `检查点（${when}）之后，这条及以后的记录被删除了` } };
      const hash = linkHash(prev, i + 1, r.body);
      if (hash.slice(0, MARK) !== mark) {
        return { ok: false, events, broken: { lane: lane.lane, seq: i + 1, caseId: r.case_id, reason: `与检查点（${when}）不符：这条记录在检查点之后被改动，整条链被重新计算过` } };
      }
      prev = hash;
      events++;
    }
    if (prev !== lane.head && lane.seq > 0) return { ok: false, events, broken: { lane: lane.lane, seq: lane.seq, caseId: rows.at(-1)?.case_id ?? '', reason: `与检查点（${when}）的链尾不符` } };
  }
  return { ok: true, events };
}

/** Where a county's checkpoints are written: one file per checkpoint, named by its time. */
export function writeCheckpoint(dir: string, cp: Checkpoint): string {
  const folder = join(dir, cp.county);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${cp.at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(cp, null, 1)}\n`);
  return file;
}

/** The newest checkpoint file of a county, or undefined. */
export function latestCheckpoint(dir: string, county: string): Checkpoint | undefined {
  const folder = join(dir, county);
  if (!existsSync(folder)) return undefined;
  const files = readdirSync(folder).filter((f) => f.endsWith('.json')).sort();
  const last = files.at(-1);
  return last ? (JSON.parse(readFileSync(join(folder, last), 'utf8')) as Checkpoint) : undefined;
}
