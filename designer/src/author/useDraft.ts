/** The definition being edited: loaded from the draft (or the published version), checked as it changes, saved as the author works. */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { checkDefinition, type CheckOptions, type CheckReport } from '../../../engine/index';
import { applyMergePatch, diffMergePatch } from '../../../engine/index';
import type { Definition } from '../../../engine/index';
import { api, ApiError } from '../api';
import { t } from '../i18n';

export interface Template { id: string; title: string; description: string; definition: Definition }

export interface DraftState {
  /** The whole definition as the engine will run it. */
  definition: Definition;
  /** The shared template it extends (a county variation), or null for a process of its own. */
  template: Definition | null;
  /** What is saved: the definition, or { extends, patch } for a variation. */
  body: unknown;
  report: CheckReport;
  saved: 'saved' | 'saving' | 'unsaved' | 'error' | 'conflict';
  saveError?: string;
  publishedVersion: number | null;
  /** The definition as the editor opened it (saved draft or published) or last published it: the field ids cases' data may hold. */
  baseline: Definition;
  /** After a publish: the server has dropped the draft and holds a new version. */
  published(version: number): void;
  update(next: Definition): void;
  /** After another author saved the draft meanwhile: keep this author's version (save over theirs) or load theirs. */
  resolveConflict(keep: 'mine' | 'theirs'): void;
  /** Undo the last change (the author's safety net). */
  undo(): void;
  canUndo: boolean;
}

/** The body saved for a definition: a county's patch over its template, or the definition itself. */
export function bodyOf(definition: Definition, template: Definition | null): unknown {
  return template ? { extends: template.id, patch: diffMergePatch(template, definition) } : definition;
}

interface Loaded { definition: Definition; template: Definition | null; publishedVersion: number | null; rev: number; county: CheckOptions }

/** A GET that answers null for 404 (no draft yet, never published). */
const getOrNull = <T,>(path: string) => api<T>('GET', path).catch((e: unknown) => {
  if (e instanceof ApiError && e.status === 404) return null;
  throw e;
});

async function load(id: string, fresh: Definition | null): Promise<Loaded> {
  const [templates, published, library, draft, roles] = await Promise.all([
    api<Template[]>('GET', '/api/templates'),
    getOrNull<{ version: number; definition: Definition }>(`/api/processes/${id}`),
    api<{ id: string; extends: string | null }[]>('GET', '/api/library'),
    getOrNull<{ rev: number; body: Definition | { extends: string; patch: object } }>(`/api/processes/${id}/draft`),
    api<{ role: string }[]>('GET', '/api/county-roles'),
  ]);
  // The county around the draft, so the checker here warns as publishing will: processes it may spawn, roles someone holds.
  const processes = new Set(library.map((p) => p.id));
  const held = new Set(roles.map((r) => r.role));
  const county: CheckOptions = { processExists: (p) => processes.has(p), roleHeld: (r) => held.has(r), now: Date.now() };
  const templateOf = (tid: string | undefined) => templates.find((t) => t.id === tid)?.definition ?? null;
  const publishedVersion = published?.version ?? null;
  if (draft) {
    const body = draft.body;
    if ('extends' in body) {
      const template = templateOf(body.extends);
      if (template) return { definition: applyMergePatch(template, body.patch) as Definition, template, publishedVersion, rev: draft.rev, county };
    }
    return { definition: body as Definition, template: null, publishedVersion, rev: draft.rev, county };
  }
  if (published) return { definition: published.definition, template: templateOf(library.find((p) => p.id === id)?.extends ?? undefined), publishedVersion, rev: 0, county };
  if (fresh) return { definition: fresh, template: null, publishedVersion, rev: 0, county };
  throw new ApiError(404, 'CF_NOT_FOUND', t('useDraft.processNotFound'));
}

/** Loads, checks and autosaves one process's draft. */
export function useDraft(id: string, fresh: Definition | null): { state?: DraftState; error?: string } {
  const [loaded, setLoaded] = useState<Loaded>();
  const [error, setError] = useState<string>();
  const [history, setHistory] = useState<Definition[]>([]);
  const [definition, setDefinition] = useState<Definition>();
  const [saved, setSaved] = useState<DraftState['saved']>('saved');
  const [saveError, setSaveError] = useState<string>();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const [publishedVersion, setPublishedVersion] = useState<number | null>(null);
  const [baseline, setBaseline] = useState<Definition>();
  // The draft revision this editor last saw: a save says so (If-Match), and another author's save in between is refused.
  const rev = useRef(0);
  const conflict = useRef(false);

  useEffect(() => {
    load(id, fresh).then((l) => {
      setLoaded(l);
      setDefinition(l.definition);
      setBaseline(l.definition);
      setPublishedVersion(l.publishedVersion);
      rev.current = l.rev;
      if (fresh) setSaved('unsaved');
    }, (e: Error) => setError(e.message));
  }, [id]);

  // Saves run one after another, each with the revision the previous one returned.
  const queue = useRef<Promise<void>>(Promise.resolve());
  const save = useCallback((def: Definition) => {
    if (!loaded) return Promise.resolve();
    const run = async () => {
      setSaved('saving');
      try {
        const r = await api<{ rev: number }>('PUT', `/api/processes/${id}/draft`, bodyOf(def, loaded.template), { 'if-match': String(rev.current) });
        rev.current = r.rev;
        setSaved('saved');
        setSaveError(undefined);
      } catch (e) {
        conflict.current = e instanceof ApiError && e.code === 'CF_DRAFT_STALE';
        setSaved(conflict.current ? 'conflict' : 'error');
        setSaveError((e as Error).message);
      }
    };
    queue.current = queue.current.then(run);
    return queue.current;
  }, [id, loaded]);

  // A new process is saved as soon as it exists, so leaving the page loses nothing.
  useEffect(() => {
    if (fresh && loaded && definition === loaded.definition) void save(definition);
  }, [loaded]);

  const resolveConflict = useCallback(async (keep: 'mine' | 'theirs') => {
    if (keep === 'theirs' || !definition) {
      location.reload();
      return;
    }
    const theirs = await api<{ rev: number }>('GET', `/api/processes/${id}/draft`).catch(() => ({ rev: 0 }));
    rev.current = theirs.rev;
    conflict.current = false;
    await save(definition);
  }, [id, definition, save]);

  const update = useCallback((next: Definition) => {
    setDefinition((prev) => {
      if (prev) setHistory((h) => [...h.slice(-49), prev]);
      return next;
    });
    // While another author's save is unresolved, keep editing locally; saving waits for the author's choice.
    setSaved((s) => (s === 'conflict' ? s : 'unsaved'));
    clearTimeout(timer.current);
    timer.current = setTimeout(() => { if (!conflict.current) void save(next); }, 600);
  }, [save]);

  const undo = useCallback(() => {
    setHistory((h) => {
      const prev = h.at(-1);
      if (prev) {
        setDefinition(prev);
        setSaved('unsaved');
        clearTimeout(timer.current);
        timer.current = setTimeout(() => void save(prev), 600);
      }
      return h.slice(0, -1);
    });
  }, [save]);

  // The checker names steps, events, roles and forms in the definition's words itself.
  const report = useMemo(() => (definition && loaded ? checkDefinition(definition, loaded.county) : undefined), [definition, loaded]);
  // The saved body (a county's patch is a diff over the whole template): once per change, not once per render.
  const body = useMemo(() => (definition && loaded ? bodyOf(definition, loaded.template) : undefined), [definition, loaded]);
  if (error) return { error };
  if (!loaded || !definition || !report || !baseline) return {};
  return {
    state: {
      definition, template: loaded.template, body, report, saved, saveError,
      publishedVersion, baseline, update, resolveConflict: (keep) => void resolveConflict(keep),
      published: (v) => {
        // Publishing consumed the draft on the server.
        rev.current = 0;
        setPublishedVersion(v);
        setBaseline(definition);
      }, undo, canUndo: history.length > 0,
    },
  };
}
