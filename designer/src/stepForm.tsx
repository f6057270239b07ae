import Form from '@rjsf/core';
import { englishStringTranslator, type ErrorSchema, type RJSFValidationError, TranslatableString, type UiSchema } from '@rjsf/utils';
import type { ErrorObject } from 'ajv';
import { useEffect, useMemo, useRef, useState } from 'react';
import { applyComputedFields, cnFormats, ComputedFieldOverrun, computedReadonly, defaultCalendar, hasComputedFields, plainMessage } from '../../engine/index';
import type { FieldDetail } from './api';
import { buttonTemplates } from './formButtons';
import { PhoneFriendlyInput } from './phoneInput';
import { UploadField, withUploadFields } from './files/UploadField';
import { SignatureWidget } from './signatureWidget';
import { t } from './i18n';
import { formSchema, formValidator } from './formValidator';

const widgets = { signature: SignatureWidget };
const fields = { upload: UploadField };

/** rjsf's own words in Chinese (yes/no radios, empty tables, file widget, optional parts). */
const ZH: Partial<Record<TranslatableString, string>> = {
  [TranslatableString.YesLabel]: t('stepForm.yes'), [TranslatableString.NoLabel]: t('stepForm.no'), [TranslatableString.ArrayItemTitle]: t('stepForm.item'),
  [TranslatableString.EmptyArray]: t('stepForm.nothingYetTapTheButton'), [TranslatableString.AddItemButton]: t('stepForm.add'), [TranslatableString.AddButton]: t('stepForm.add'),
  [TranslatableString.RemoveButton]: t('stepForm.delete'), [TranslatableString.MoveUpButton]: t('stepForm.moveUp'), [TranslatableString.MoveDownButton]: t('stepForm.moveDown'),
  [TranslatableString.NowLabel]: t('stepForm.now'), [TranslatableString.ClearLabel]: t('stepForm.clear'), [TranslatableString.PreviewLabel]: t('stepForm.preview'),
  [TranslatableString.FilesInfo]: t('stepForm.123Bytes'), [TranslatableString.OptionalObjectAdd]: t('stepForm.fillInThisItem'), [TranslatableString.OptionalObjectRemove]: t('stepForm.leaveThisItemOut'),
};
const translateString = (s: TranslatableString, params?: string[]) => englishStringTranslator((ZH[s] ?? s) as TranslatableString, params);

type SchemaNode = { properties?: Record<string, SchemaNode>; items?: SchemaNode; formula?: unknown };

/** The sub-schema at an rjsf property path (.members.0.name), through properties and list items. */
function schemaAt(schema: SchemaNode, property: string | undefined): SchemaNode | undefined {
  let cur: SchemaNode | undefined = schema;
  for (const seg of (property ?? '').split('.').filter(Boolean)) cur = /^\d+$/.test(seg) && cur?.items ? cur.items : cur?.properties?.[seg];
  return cur;
}

/**
 * The same plain Chinese the server uses, for every rule: no schema words reach a cadre. A computed
 * field its formula left blank (an error value, which the server names on submit) is not the
 * cadre's to fill: its 必填 is left out, so the form can be sent and the server's reason shown.
 */
function transformErrors(errors: RJSFValidationError[], schema: SchemaNode): RJSFValidationError[] {
  return errors.filter((e) => !(e.name === 'required' && schemaAt(schema, `${e.property ?? ''}`)?.formula !== undefined)).map((e) => {
    const custom = e.name === 'format' && Object.hasOwn(cnFormats, String(e.params?.format)) ? cnFormats[String(e.params.format)]!.message : undefined;
    const plain = custom ?? plainMessage({ keyword: e.name ?? '', params: e.params ?? {} } as ErrorObject);
    return { ...e, message: plain, stack: plain };
  });
}

/** Server field errors (JSON pointers) as rjsf's error schema, so each shows on its field. */
export function toErrorSchema(details: FieldDetail[]): ErrorSchema {
  const root: Record<string, unknown> = {};
  for (const d of details) {
    let node = root;
    for (const key of d.path.split('/').filter(Boolean)) node = (node[key] ??= {}) as Record<string, unknown>;
    ((node.__errors ??= []) as string[]).push(d.message.replace(/^「[^」]*」/, ''));
  }
  return root as ErrorSchema;
}

interface Props {
  schema: object;
  uiSchema?: UiSchema;
  formData: unknown;
  onChange?: (data: unknown) => void;
  onSubmit?: (data: unknown) => void;
  serverErrors?: FieldDetail[];
  readOnly?: boolean;
  submitLabel?: string;
  busy?: boolean;
  /** No submit button: the form is part of a larger editor. */
  hideSubmit?: boolean;
  /** The case the form belongs to: photos are stored as its files. */
  caseId?: string;
}

/**
 * Computed fields filled in as the engine fills them (the server recomputes on submit; this is what the cadre sees meanwhile).
 * A formula past the engine's limit leaves the data as typed, and one giving an error value (#DIV/0!) leaves its field
 * blank: the server refuses the submission, naming the field.
 */
const compute = (schema: object, data: unknown) => {
  try {
    return applyComputedFields(schema, data, { now: Date.now(), calendar: defaultCalendar, tick: () => undefined }, true);
  } catch (e) {
    if (e instanceof ComputedFieldOverrun) return data;
    throw e;
  }
};

/**
 * The form's data, with computed fields kept up to date as the cadre types. A form without
 * computed fields passes its data through untouched.
 */
function useComputed(schema: object, formData: unknown, onChange?: (data: unknown) => void) {
  const computed = useMemo(() => hasComputedFields(schema), [schema]);
  const [data, setData] = useState(() => (computed ? compute(schema, formData) : formData));
  // A new value from the parent (a reset, a draft restored) replaces what is shown; the same value again does not.
  const given = useRef(JSON.stringify(formData ?? null));
  const text = JSON.stringify(formData ?? null);
  if (computed && text !== given.current) {
    given.current = text;
    setData(compute(schema, formData));
  }
  if (!computed) return { data: formData, change: (d: unknown) => onChange?.(d) };
  return {
    data,
    change: (d: unknown) => {
      const next = compute(schema, d);
      setData(next);
      onChange?.(next);
    },
  };
}

const templates = { ButtonTemplates: buttonTemplates, BaseInputTemplate: PhoneFriendlyInput };

/** Brings the first field with an error into view and puts the cursor in it. */
function focusFirstError(root: HTMLElement | null) {
  const field = root?.querySelector('.has-error, .field-error');
  if (!field) return;
  field.scrollIntoView({ block: 'center' });
  field.querySelector<HTMLElement>('input, textarea, select')?.focus({ preventScroll: true });
}

/**
 * A step form rendered from its JSON Schema and uiSchema: one look for all forms. After a
 * submit that fails (in the browser or on the server) the first mistake comes into view with
 * the cursor in it, and a line by the button says how many remain.
 */
export function StepForm({ schema, uiSchema, formData, onChange, onSubmit, serverErrors, readOnly, submitLabel, busy, hideSubmit, caseId }: Props) {
  const { data, change } = useComputed(schema, formData, onChange);
  const ui = useMemo(() => withUploadFields(schema, computedReadonly(schema, uiSchema ?? {})), [schema, uiSchema]);
  const context = useMemo(() => ({ caseId }), [caseId]);
  const checked = useMemo(() => formSchema(schema), [schema]);
  const transform = useMemo(() => (errors: RJSFValidationError[]) => transformErrors(errors, checked as SchemaNode), [checked]);
  const box = useRef<HTMLDivElement>(null);
  const [mistakes, setMistakes] = useState(0);
  useEffect(() => {
    setMistakes(serverErrors?.length ?? 0);
    if (serverErrors?.length) requestAnimationFrame(() => focusFirstError(box.current));
  }, [serverErrors]);
  return (
    <div ref={box}>
      <Form
        schema={checked as never}
        uiSchema={ui}
        formData={data}
        validator={formValidator}
        templates={templates}
        widgets={widgets}
        fields={fields}
        formContext={context}
        translateString={translateString}
        noHtml5Validate
        showErrorList={false}
        focusOnFirstError
        readonly={readOnly}
        transformErrors={transform}
        extraErrors={serverErrors?.length ? toErrorSchema(serverErrors) : undefined}
        onChange={(e) => change(e.formData)}
        onError={(errors) => setMistakes(errors.length)}
        onSubmit={(e) => {
          setMistakes(0);
          onSubmit?.(e.formData);
        }}
      >
        {readOnly || hideSubmit ? <></> : (
          <div className="submit-row">
            {mistakes > 0 && <p className="form-mistakes" role="alert">{t('stepForm.toFillInOrCorrect', { mistakes })}</p>}
            <button type="submit" className="primary" disabled={busy}>{submitLabel ?? t('stepForm.submit')}</button>
          </div>
        )}
      </Form>
    </div>
  );
}
