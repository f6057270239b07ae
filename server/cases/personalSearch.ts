/**
 * Finding a case by a personal value typed in full (a household's ID number or phone, as a supervisor
 * has it on paper), though lists show it masked: the database keeps a digest of each personal value of
 * a case (case_personal), never the value, and a search looks up the digest of what was typed. A match
 * shows the case as every list does, masked for whoever is not on its step; only the whole value finds
 * it, so no part of what is masked can be guessed a character at a time.
 */
import { createHash } from 'node:crypto';
import { type Definition, personalTexts } from '../../engine/index';

/** A value as typed or stored, without spaces or hyphens and with X in capitals (5323 2619… or …x). */
const normal = (v: string) => v.replace(/[\s-]/g, '').toUpperCase();

/** What the database keeps of a personal value: its digest (128 bits of SHA-256). */
export const personalDigest = (value: string): string => createHash('sha256').update(normal(value)).digest('hex').slice(0, 32);

/** The digests of a case's personal values, each once. */
export function personalDigests(def: Definition, data: Record<string, unknown>): string[] {
  return [...new Set(personalTexts(def, data).filter((v) => normal(v)).map(personalDigest))];
}

/** The digests a step must keep when it changes a case's personal values; undefined when it changes none (nearly every step). */
export function changedDigests(def: Definition, before: Record<string, unknown>, after: Record<string, unknown>): string[] | undefined {
  const was = personalTexts(def, before);
  const now = personalTexts(def, after);
  if (was.length === now.length && was.every((v, i) => v === now[i])) return undefined;
  return personalDigests(def, after);
}
