/** A formula reading data that is filled only in a later step: at the formula's step it is always blank. */
import { findAction } from '../catalogue/index';
import { computedDelay } from '../delays';
import { fieldsOf, FormulaSyntaxError, parseFormula } from '../formula/index';
import { firstStep, reachableStates, resolveTarget, stepFormOf, type WalkedState, type WalkedTransition } from '../stateWalk';
import type { Definition } from '../types';
import { type FoundRef, formulasOf } from './catalogueRefs';
import { type Problem, problem } from './problems';

/** Where data is written: the path, the step it is filled at, and the states the case stands in once it is. */
interface Writer {
  path: string;
  step: WalkedState;
  after: readonly WalkedState[];
  transition?: WalkedTransition;
  /** The action's place among its transition's actions (earlier ones have run when a later one reads). */
  index: number;
  event?: string;
}

/** A formula and where it is worked out: in a state (a deadline, a guard), after some of a transition's actions (a compute). */
interface Reader {
  text: string;
  pointer: string;
  state: WalkedState;
  transition?: WalkedTransition;
  index: number;
}

const escape = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');
const plain = (path: string) => path.split('.').filter((k) => k !== '*').join('.');
const overlaps = (read: string, written: string) => read === written || read.startsWith(`${written}.`) || written.startsWith(`${read}.`);
const stepName = (s: WalkedState) => s.node.meta?.label ?? (s.path.join('.') || '(根)');

/** The transition a reference sits in, and its place among the actions there; else the state whose entry or exit it is. */
function placeOf(pointer: string, states: WalkedState[], transitions: WalkedTransition[]): { state: WalkedState; transition?: WalkedTransition; index: number } | undefined {
  const t = transitions.find((x) => pointer.startsWith(`${x.pointer}/`));
  if (t) {
    const rest = pointer.slice(t.pointer.length + 1).split('/');
    return { state: t.source, transition: t, index: rest[0] === 'actions' ? Number(rest[1] ?? 0) : -1 };
  }
  const s = states.find((x) => pointer.startsWith(`${x.pointer}/entry`) || pointer.startsWith(`${x.pointer}/exit`));
  return s && { state: s, index: -1 };
}

/**
 * Formulas (guards, compute actions, computed deadlines and timers) that read data no step before
 * them can have filled: it is filled only in a later step, so here it is always blank. A spawned
 * process is skipped: its first data comes from the parent case.
 */
export function checkReadOrder(def: Definition, states: WalkedState[], transitions: WalkedTransition[], refs: FoundRef[]): Problem[] {
  if (Array.isArray(def.startRoles) && def.startRoles.length === 0) return [];
  const targetsOf = (t: WalkedTransition) => t.targets.map((x) => resolveTarget(states, t.source, x)).filter((x): x is WalkedState => x !== undefined);
  const writers: Writer[] = [];
  const start = firstStep(states);
  const startForm = stepFormOf(start);
  // The first step's form may be filled when the case is started.
  if (startForm) writers.push({ path: startForm, step: start, after: [states[0]!], index: -1 });
  for (const ref of refs) {
    const entry = ref.kind === 'action' ? findAction(ref.name) : undefined;
    const place = entry && placeOf(ref.pointer, states, transitions);
    if (!entry || !place) continue;
    const t = place.transition;
    const spec = t && Object.hasOwn(def.events, t.trigger) ? def.events[t.trigger] : undefined;
    const form = spec?.data === 'step' ? stepFormOf(t!.source) : spec?.data;
    const to = typeof ref.params.to === 'string' ? ref.params.to : undefined;
    const paths = ref.name === 'save' ? [to ?? form ?? ''] : entry.writes(ref.params);
    const targets = t ? targetsOf(t) : [];
    for (const path of paths.filter(Boolean)) {
      writers.push({ path: plain(path), step: place.state, after: targets.length ? targets : [place.state], ...(t ? { transition: t } : {}), index: place.index, ...(spec ? { event: spec.label } : {}) });
    }
  }

  const readers: Reader[] = [];
  for (const ref of refs) {
    for (const { text, param } of formulasOf(ref)) {
      const place = placeOf(ref.pointer, states, transitions);
      if (place) readers.push({ text, pointer: `${ref.pointer}/params/${param}`, state: place.state, ...(place.transition ? { transition: place.transition } : {}), index: ref.kind === 'guard' ? -1 : place.index });
    }
  }
  for (const s of states) {
    const sla = s.node.meta?.sla;
    const slaFormula = sla === undefined ? undefined : computedDelay(def, sla);
    if (slaFormula) readers.push({ text: slaFormula, pointer: sla!.startsWith('=') ? `${s.pointer}/meta/sla` : `/delays/${escape(sla!)}/at`, state: s, index: -1 });
    for (const name of Object.keys(s.node.after ?? {})) {
      const at = computedDelay(def, name);
      if (at) readers.push({ text: at, pointer: name.startsWith('=') ? `${s.pointer}/after/${escape(name)}` : `/delays/${escape(name)}/at`, state: s, index: -1 });
    }
  }

  const reach = new Map<Writer, Map<WalkedState, number>>();
  const reaches = (w: Writer, s: WalkedState) => {
    let seen = reach.get(w);
    if (!seen) reach.set(w, (seen = reachableStates(states, transitions, targetsOf, { from: w.after })));
    return seen.has(s);
  };
  const out: Problem[] = [];
  const reported = new Set<string>();
  for (const r of readers) {
    const node = parseFormula(r.text);
    if (node instanceof FormulaSyntaxError) continue;
    for (const { path } of fieldsOf(node)) {
      if (path.startsWith('submitted.') || path === 'submitted' || reported.has(`${r.pointer}\u0000${path}`)) continue;
      const filling = writers.filter((w) => overlaps(path, w.path));
      if (!filling.length || filling.some((w) => (w.transition !== undefined && w.transition === r.transition && w.index < r.index) || reaches(w, r.state))) continue;
      reported.add(`${r.pointer}\u0000${path}`);
      const head = path.split('.')[0]!;
      const form = Object.hasOwn(def.forms, head) ? `（表单「${def.forms[head]!.title ?? head}」）` : '';
      const filler = [...new Set(filling.map((w) => `「${stepName(w.step)}」${w.event ? `的「${w.event}」` : ''}`))].join('、');
      // Its own transition saves it, but after the guard (or this compute) has run: what was just submitted is `submitted.…`.
      const own = r.transition !== undefined && filling.some((w) => w.transition === r.transition);
      const hint = own && form ? `（这次提交的数据在保存之前请写 submitted.${path.split('.').slice(1).join('.') || '…'}）` : '';
      out.push(problem('formula-reads-later', r.pointer, { field: path, form, filler, step: stepName(r.state), hint }));
    }
  }
  return out;
}
