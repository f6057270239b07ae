import { customizeValidator } from '@rjsf/validator-ajv8';
import Ajv2020 from 'ajv/dist/2020.js';
import localizeZh from 'ajv-i18n/localize/zh/index.js';
import { configureFormAjv, FORM_AJV_OPTIONS, withFormLimits } from '../../engine/index';

/**
 * rjsf's validator for every form, built from the engine's own form ajv set-up (options, standard
 * and Chinese formats, annotation keywords, linear uniqueItems), so that the browser refuses what
 * the server refuses and nothing else. Strict mode stays off here: it judges a schema's wording,
 * which the checker did at publish, and rjsf compiles schemas of its own. Chinese messages.
 */
export const formValidator = customizeValidator(
  { AjvClass: Ajv2020 as never, ajvOptionsOverrides: { ...FORM_AJV_OPTIONS, strict: false }, ajvFormatOptions: false, extenderFn: (ajv) => configureFormAjv(ajv as never) },
  localizeZh as never,
);

/** The schema a form is shown and checked with: the author's, with the limits the server adds where the author gave none. */
export const formSchema = (schema: object): object => withFormLimits(schema) as object;
