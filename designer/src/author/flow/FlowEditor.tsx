import { useEffect, useState } from 'react';
import type { Definition } from '../../../../engine/index';
import { flowProblems } from '../problemTargets';
import type { DraftState } from '../useDraft';
import FlowGraph from './FlowGraph';
import { addState, addTransition, importMachine } from './machineEdit';
import StatePanel from './StatePanel';
import TransitionPanel from './TransitionPanel';
import { t } from '../../i18n';

type Pick = { kind: 'state'; key: string } | { kind: 'edge'; source: string; trigger: string; index: number } | undefined;

/** The flow as a graph: add steps and transitions, edit them in the side panel, import and export plain XState JSON. */
export default function FlowEditor({ state, focus }: { state: DraftState; focus?: { state?: string; event?: string } }) {
  const d = state.definition;
  const [pick, setPick] = useState<Pick>();
  const [importError, setImportError] = useState<string>();
  useEffect(() => { if (focus?.state) setPick({ kind: 'state', key: focus.state }); }, [focus]);
  const { byState, byEvent } = flowProblems(d, state.report.errors.concat(state.report.warnings));
  const update = (next: Definition) => state.update(next);
  const exportMachine = () => {
    const blob = new Blob([JSON.stringify(d.machine, null, 2)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${d.id}.machine.json`;
    a.click();
  };
  return (
    <div className="flow-editor">
      <div className="toolbar">
        <button onClick={() => { const r = addState(d, false); update(r.definition); setPick({ kind: 'state', key: r.key }); }}>{t('flowEditor.step')}</button>
        <button onClick={() => { const r = addState(d, true); update(r.definition); setPick({ kind: 'state', key: r.key }); }}>{t('flowEditor.end')}</button>
        <button onClick={exportMachine}>{t('flowEditor.exportXstateJson')}</button>
        <label className="button file-button">{t('flowEditor.importXstateJson')}<input type="file" accept=".json,application/json" hidden onChange={async (e) => {
          const file = e.target.files?.[0];
          if (!file) return;
          try {
            const machine = JSON.parse(await file.text()) as Definition['machine'];
            if (!machine || typeof machine !== 'object' || !machine.states) throw new Error(t('flowEditor.theFileHasNoStates'));
            update(importMachine(d, machine));
            setImportError(undefined);
          } catch (err) {
            setImportError(t('flowEditor.importFailed', { message: (err as Error).message }));
          }
        }} /></label>
        <span className="muted">{t('flowEditor.dragFromTheLowerEdge')}</span>
      </div>
      {importError && <p className="error">{importError}</p>}
      <div className="flow-grid">
        <FlowGraph definition={d} byState={byState} byEvent={byEvent}
          selected={pick?.kind === 'state' ? pick.key : undefined}
          selectedEdge={pick?.kind === 'edge' ? `${pick.source}|${pick.trigger}|${pick.index}` : undefined}
          onNode={(key) => setPick({ kind: 'state', key })}
          onEdge={(e) => setPick({ kind: 'edge', ...e })}
          onConnect={(source, target) => {
            const s = source.split('.');
            const t = target.split('.');
            if (s.length !== t.length || s.slice(0, -1).join('.') !== t.slice(0, -1).join('.')) return;
            const r = addTransition(d, s, t.at(-1)!);
            update(r.definition);
            setPick({ kind: 'edge', source, trigger: r.event, index: 0 });
          }} />
        <div className="flow-side">
          {pick?.kind === 'state' && <StatePanel key={pick.key} definition={d} path={pick.key.split('.')} problems={byState.get(pick.key) ?? []} onChange={update} onPickEdge={(e) => setPick({ kind: 'edge', ...e })} />}
          {pick?.kind === 'edge' && <TransitionPanel definition={d} source={pick.source.split('.')} trigger={pick.trigger} index={pick.index} problems={byEvent.get(pick.trigger) ?? []} onChange={update} onClose={() => setPick(undefined)} />}
          {!pick && <p className="muted">{t('flowEditor.pickAStepOrA')}</p>}
        </div>
      </div>
    </div>
  );
}
