import { getDefaultRegistry } from '@rjsf/core';
import type { BaseInputTemplateProps } from '@rjsf/utils';
import { t } from './i18n';

const Base = getDefaultRegistry().templates.BaseInputTemplate;

/** The keyboard a phone should open for a field: digits for numbers and ID numbers, a dial pad for phones. */
export function inputModeOf(schema: { type?: unknown; format?: unknown }): 'numeric' | 'decimal' | 'tel' | undefined {
  if (schema.format === 'cn-mobile') return 'tel';
  if (schema.format === 'cn-id-card') return 'numeric';
  if (schema.type === 'integer') return 'numeric';
  if (schema.type === 'number') return 'decimal';
  return undefined;
}

/**
 * rjsf's text input with the right phone keyboard. An ID number opens the digit pad, which has
 * no X: once 17 digits are in, an「X」button beside the field types the last character.
 */
export function PhoneFriendlyInput(props: BaseInputTemplateProps) {
  const mode = inputModeOf(props.schema as { type?: unknown; format?: unknown });
  const input = <Base {...props} {...(mode ? { inputMode: mode } : {})} />;
  if (props.schema.format !== 'cn-id-card' || props.readonly || props.disabled) return input;
  const value = typeof props.value === 'string' ? props.value : '';
  return (
    <div className="id-input">
      {input}
      {/^\d{17}$/.test(value) && <button type="button" className="word" aria-label={t('phoneInput.typeTheFinalX')} onClick={() => props.onChange(`${value}X`)}>X</button>}
    </div>
  );
}
