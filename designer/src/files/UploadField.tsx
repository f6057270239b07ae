import type { FieldProps } from '@rjsf/utils';
import { useState } from 'react';
import { acceptedTypes, type FileFieldSpec, type FileRef, hasFileFields } from '../../../engine/index';
import { Thumb } from './Thumb';
import { t } from '../i18n';
/** The uploader (tus-js-client, 60 KB) loads when a photo is first taken, not with every form. */
const uploader = () => import('./upload');

/** The case the form belongs to (files are stored as a case's files), passed to rjsf as formContext. */
export interface FileContext {
  caseId?: string;
}

/**
 * A photo or file field: take a photo (the camera opens on a phone) or choose a file; it is
 * shrunk, uploaded with its progress shown, and the field holds the stored reference. Without
 * signal the photo stays on the phone and goes with the submission.
 */
export function UploadField(props: FieldProps) {
  const { schema, formData, onChange, disabled, readonly, required, fieldPathId, rawErrors } = props;
  const spec = (schema as { file?: FileFieldSpec }).file ?? {};
  const caseId = (props.registry.formContext as FileContext | undefined)?.caseId;
  const value = formData && typeof formData === 'object' && typeof (formData as FileRef).id === 'string' ? (formData as FileRef) : null;
  const [progress, setProgress] = useState<number | null>(null);
  const [problem, setProblem] = useState('');
  const types = acceptedTypes(spec);
  const photosOnly = types.every((t) => t.startsWith('image/'));
  const id = fieldPathId.$id;

  const choose = async (file: File | undefined) => {
    if (!file) return;
    setProblem('');
    const { ATTACH_RETRY_DELAYS, keepWaiting, localRef, shrinkPhoto, uploadToCase } = await uploader();
    const blob = await shrinkPhoto(file);
    if (!types.includes(blob.type)) return setProblem(t('uploadField.onlyAccepted', { kinds: photosOnly ? t('uploadField.photosJpegPngWebp') : t('uploadField.photosOrPdf') }));
    if (spec.maxMB && blob.size > spec.maxMB * 1024 * 1024) return setProblem(t('uploadField.theFileIsOverMb', { maxMB: spec.maxMB }));
    const name = blob === file ? file.name : file.name.replace(/\.[^.]+$/, '') + '.jpg';
    const keepOnPhone = async () => {
      const ref = await localRef(blob, name);
      await keepWaiting(ref, blob);
      onChange(ref, fieldPathId.path);
      setProblem(t('uploadField.noNetworkThePhotoIs'));
    };
    if (!caseId || !navigator.onLine) return keepOnPhone();
    setProgress(0);
    try {
      onChange(await uploadToCase(blob, name, caseId, setProgress, ATTACH_RETRY_DELAYS), fieldPathId.path);
    } catch (e) {
      const message = (e as { status?: number; message?: string }).status ? (e as Error).message : '';
      if (message) setProblem(message);
      else await keepOnPhone();
    } finally {
      setProgress(null);
    }
  };

  return (
    <div className={`form-group field upload${rawErrors?.length ? ' has-error' : ''}`}>
      <label htmlFor={id}>{schema.title}{required ? '*' : ''}</label>
      {schema.description && <p className="field-description">{schema.description}</p>}
      {value && <div className="upload-value"><Thumb value={value} /><span className="muted">{t('uploadField.kb', { name: value.name, round: Math.round(value.size / 1024) })}</span></div>}
      {!readonly && (
        <label className="button upload-button">
          {value ? t('uploadField.takeAgainChoose') : photosOnly ? t('uploadField.takeOrChooseAPhoto') : t('uploadField.takeAPhotoOrChoose')}
          <input id={id} type="file" accept={types.join(',')} {...(photosOnly ? { capture: 'environment' } : {})} disabled={disabled || progress !== null} hidden onChange={(e) => void choose(e.target.files?.[0])} />
        </label>
      )}
      {progress !== null && <progress max={1} value={progress} aria-label={t('uploadField.uploadProgress')}>{Math.round(progress * 100)}%</progress>}
      {progress !== null && <span className="muted"> {t('uploadField.uploading', { round: Math.round(progress * 100) })}</span>}
      {problem && <p className="help-block">{problem}</p>}
      {rawErrors?.length ? <ul className="error-detail">{rawErrors.map((r) => <li key={r}>{r}</li>)}</ul> : null}
    </div>
  );
}

type Json = Record<string, unknown>;
const isJson = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Every file field of a form drawn by UploadField: authors mark the field `file` and need no uiSchema for it. */
export function withUploadFields(schema: unknown, ui: Json): Json {
  if (!isJson(schema)) return ui;
  if (isJson(schema.file)) return { 'ui:field': 'upload', ...ui };
  const out: Json = { ...ui };
  if (isJson(schema.items)) out.items = withUploadFields(schema.items, isJson(ui.items) ? ui.items : {});
  if (isJson(schema.properties)) {
    for (const [key, sub] of Object.entries(schema.properties)) {
      if (hasFileFields(sub)) out[key] = withUploadFields(sub, isJson(ui[key]) ? ui[key] : {});
    }
  }
  return out;
}
