import { autocompletion, type CompletionContext } from '@codemirror/autocomplete';
import { json } from '@codemirror/lang-json';
import { type Diagnostic, linter, lintGutter } from '@codemirror/lint';
import { EditorView, basicSetup } from 'codemirror';
import { useEffect, useRef, useState } from 'react';
import { checkDefinition } from '../../../../engine/index';
import type { Definition } from '../../../../engine/index';
import type { DraftState } from '../useDraft';
import { pathAt, pointerSpans, spanOf } from './jsonPositions';
import { keysAt } from './schemaCompletion';
import { t } from '../../i18n';

const pretty = (d: Definition) => JSON.stringify(d, null, 2);

/** Problems for the text: JSON syntax first, then the engine's checker, each on the line it concerns. */
function diagnose(text: string): Diagnostic[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const at = m ? Math.min(Number(m[1]), text.length) : 0;
    return [{ from: at, to: Math.min(at + 1, text.length), severity: 'error', message: t('jsonView.jsonIsNotValid', { message: (e as Error).message }) }];
  }
  const report = checkDefinition(value);
  const spans = pointerSpans(text);
  return [...report.errors, ...report.warnings].map((p) => {
    const s = spanOf(spans, p.path) ?? { from: 0, to: 1 };
    return { from: s.from, to: Math.min(s.to, s.from + 200), severity: p.severity === 'error' ? 'error' : 'warning', message: p.message };
  });
}

function complete(ctx: CompletionContext) {
  const word = ctx.matchBefore(/"?[A-Za-z0-9_:$-]*/);
  if (!word) return null;
  const text = ctx.state.doc.toString();
  const { path, inKey } = pathAt(text, word.from);
  if (!inKey) return null;
  const keys = keysAt(path);
  if (!keys.length) return null;
  return { from: word.from, options: keys.map((k) => ({ label: `"${k.key}"`, apply: `"${k.key}": `, detail: k.info.slice(0, 60), type: 'property' })) };
}

/** The definition as JSON for power users: completion and checking from the format's schema, kept in sync with the builder both ways. */
export default function JsonView({ state }: { state: DraftState }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>(null);
  const lastSent = useRef<string>(pretty(state.definition));
  const [status, setStatus] = useState(t('jsonView.inStepWithTheForms'));
  const update = useRef(state.update);
  update.current = state.update;

  useEffect(() => {
    const timer = { id: undefined as ReturnType<typeof setTimeout> | undefined };
    const v = new EditorView({
      parent: host.current!,
      doc: lastSent.current,
      extensions: [
        basicSetup, json(), lintGutter(), linter((ev) => diagnose(ev.state.doc.toString()), { delay: 300 }),
        autocompletion({ override: [complete] }),
        EditorView.updateListener.of((u) => {
          if (!u.docChanged) return;
          clearTimeout(timer.id);
          timer.id = setTimeout(() => {
            const text = u.state.doc.toString();
            try {
              const value = JSON.parse(text) as Definition;
              lastSent.current = pretty(value);
              update.current(value);
              setStatus(t('jsonView.copiedToTheFormsAnd'));
            } catch {
              setStatus(t('jsonView.theJsonHasMistakesIt'));
            }
          }, 500);
        }),
      ],
    });
    view.current = v;
    return () => { clearTimeout(timer.id); v.destroy(); };
  }, []);

  // Changes made elsewhere (undo, another tab) replace the text, unless they are what this editor just sent.
  useEffect(() => {
    const text = pretty(state.definition);
    const v = view.current;
    if (!v || text === lastSent.current) return;
    lastSent.current = text;
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text } });
  }, [state.definition]);

  return (
    <div className="json-view">
      <p className="muted">{t('jsonView.ctrlSpaceCompletesFieldNames', { status })}</p>
      <div ref={host} className="json-host" data-testid="json-editor" />
    </div>
  );
}
