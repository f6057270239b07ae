/** Completion inside a formula: the word before the caret, matched against the fields beside it and the engine's functions. */
import { formulaFunctions } from '../../../../engine/index';
import { t } from '../../i18n';

export interface Completion {
  /** What replaces the word: a field's data path, or a function name and its opening parenthesis. */
  insert: string;
  /** What the author reads in the list. */
  label: string;
  detail: string;
}

/** A field the formula may read: its data path and title (a table's column as 表格 › 列). */
export interface FormulaField {
  path: string;
  title: string;
}

const MAX = 8;

/** The word the caret is in (letters, digits, _, ., and Chinese for matching by title), and where it starts. */
export function wordBefore(text: string, caret: number): { word: string; start: number } {
  const m = /[\p{L}\p{N}_.]+$/u.exec(text.slice(0, caret));
  // Inside a string literal nothing is completed.
  const quotes = (text.slice(0, caret).match(/"/g) ?? []).length;
  if (!m || quotes % 2 === 1 || /^\d/.test(m[0])) return { word: '', start: caret };
  return { word: m[0], start: caret - m[0].length };
}

/**
 * What the word could become: fields whose path starts with it or whose title contains it
 * (an author may type 收入 and get members.income), then functions whose name starts with it.
 */
export function completionsFor(word: string, fields: FormulaField[]): Completion[] {
  if (!word) return [];
  const lower = word.toLowerCase();
  const out: Completion[] = [];
  for (const f of fields) {
    if (f.path.toLowerCase().startsWith(lower) || (f.title && f.title.includes(word))) out.push({ insert: f.path, label: f.path, detail: f.title });
  }
  for (const [name, fn] of Object.entries(formulaFunctions).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (name.startsWith(word.toUpperCase())) out.push({ insert: `${name}(`, label: name, detail: fn.summary.split(t('common.colon'))[0] ?? '' });
  }
  // A word that is already a whole field or function needs no list.
  if (out.length === 1 && (out[0]!.insert === word || out[0]!.insert === `${word}(`)) return [];
  return out.slice(0, MAX);
}

/** The text and caret after accepting a completion for the word at `start`. */
export function accept(text: string, caret: number, start: number, c: Completion): { text: string; caret: number } {
  const next = text.slice(0, start) + c.insert + text.slice(caret);
  return { text: next, caret: start + c.insert.length };
}
