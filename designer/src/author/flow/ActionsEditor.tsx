import { actions as catalogue } from '../../../../engine/index';
import type { CatalogueRef } from '../../../../engine/index';
import { StepForm } from '../../stepForm';
import { t } from '../../i18n';

const NAMES: Record<string, string> = {
  save: t('actionsEditor.saveTheFormData'), append: t('actionsEditor.appendToAList'), set: t('actionsEditor.setAValue'), clear: t('actionsEditor.clearAValue'), allocate: t('actionsEditor.shareAnAmountOut'), score: t('actionsEditor.computeAScore'), spawn: t('actionsEditor.startChildCases'), countChild: t('actionsEditor.countChildCases'), notify: t('actionsEditor.sendAReminder'),
  changeRow: t('actionsEditor.changeARow'), voidRow: t('actionsEditor.voidARow'),
};

/** Chinese names for the catalogue's parameters (the params schemas are the engine's, in English keys). */
const PARAM_TITLES: Record<string, string> = {
  to: t('actionsEditor.saveToDataLocationE'), path: t('actionsEditor.dataLocation'), value: t('actionsEditor.value'), now: t('actionsEditor.writeTheCurrentTime'), stamp: t('actionsEditor.recordTheTimeAndWho'),
  total: t('actionsEditor.whereTheTotalAmountIs'), unit: t('actionsEditor.amountUnit'), roster: t('actionsEditor.whereTheRosterIs'), shares: t('actionsEditor.shareField'), items: t('actionsEditor.scoreItems'), points: t('actionsEditor.points'), min: t('actionsEditor.minimumScore'),
  from: t('actionsEditor.whereTheRosterIs'), process: t('actionsEditor.childProcessId'), fields: t('actionsEditor.fieldsGivenToChildCases'), roles: t('actionsEditor.rolesToRemind'), message: t('actionsEditor.reminderText'),
  list: t('actionsEditor.whichList'), row: t('actionsEditor.whichRow'), only: t('actionsEditor.onlyTheseFields'),
};

const paramsUi = (schema: object) => Object.fromEntries(Object.keys((schema as { properties?: object }).properties ?? {})
  .map((k) => [k, { 'ui:title': PARAM_TITLES[k] ?? k }]));

/** The transition's actions, chosen from the catalogue; each one's parameters as a small form from its params schema. */
export default function ActionsEditor({ value, onChange }: { value: CatalogueRef[]; onChange: (list: CatalogueRef[]) => void }) {
  const asObject = (a: CatalogueRef) => (typeof a === 'string' ? { type: a } : a);
  return (
    <div className="actions-editor">
      <h4>{t('actionsEditor.actionsRun')}</h4>
      {value.length === 0 && <p className="muted">{t('actionsEditor.noneSavesNoData')}</p>}
      <ol>
        {value.map((raw, i) => {
          const a = asObject(raw);
          const entry = catalogue[a.type];
          return (
            <li key={i}>
              <strong>{NAMES[a.type] ?? a.type}</strong> <span className="muted">{entry?.summary}</span>
              <button className="link" onClick={() => onChange(value.filter((_, j) => j !== i))}>{t('actionsEditor.remove')}</button>
              {entry && Object.keys((entry.params as { properties?: object }).properties ?? {}).length > 0 && (
                <div className="params">
                  <StepForm schema={entry.params} uiSchema={paramsUi(entry.params)} formData={a.params ?? {}} readOnly={false} submitLabel="" hideSubmit
                    onChange={(p) => onChange(value.map((x, j) => (j === i ? { type: a.type, ...(p && Object.keys(p as object).length ? { params: p as Record<string, unknown> } : {}) } : x)))} />
                </div>
              )}
            </li>
          );
        })}
      </ol>
      <label>{t('actionsEditor.addAnAction')}<select value="" onChange={(e) => e.target.value && onChange([...value, { type: e.target.value }])}>
        <option value="">{t('actionsEditor.choose')}</option>
        {Object.keys(catalogue).map((name) => <option key={name} value={name}>{t('actionsEditor.actionSummary', { name: NAMES[name] ?? name, summary: catalogue[name]!.summary })}</option>)}
      </select></label>
    </div>
  );
}
