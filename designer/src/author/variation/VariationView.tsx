import type { DraftState } from '../useDraft';
import { describeChanges } from '../publish/describeChanges';
import { t } from '../../i18n';

const text = (v: unknown) => JSON.stringify(v, null, 2);

/** The shared template, this county's changes (saved as a JSON Merge Patch) and the result, side by side. */
export default function VariationView({ state }: { state: DraftState }) {
  const template = state.template!;
  const body = state.body as { extends: string; patch: Record<string, unknown> };
  const changes = describeChanges(template, state.definition);
  const exportPatch = () => {
    const file = { $schema: '../../variation.schema.json', ...body };
    const blob = new Blob([`${text(file)}\n`], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${template.id}.json`;
    a.click();
  };
  return (
    <div className="variation">
      <p>{t('variationView.thisCountySChangesAre')}{template.title}{t('variationView.jsonMergePatchSoThe')}
        <button onClick={exportPatch}>{t('variationView.exportThisCountySPatch')}</button></p>
      {changes.length ? <ul className="changes">{changes.map((c, i) => <li key={i}>{c}</li>)}</ul> : <p className="muted">{t('variationView.exactlyTheSameAsThe')}</p>}
      <div className="three">
        <section><h4>{t('variationView.template', { id: template.id })}</h4><pre>{text(template)}</pre></section>
        <section><h4>{t('variationView.countyChangesPatch')}</h4><pre data-testid="patch">{text(body.patch)}</pre></section>
        <section><h4>{t('variationView.mergedResultWhatRuns')}</h4><pre>{text(state.definition)}</pre></section>
      </div>
    </div>
  );
}
