import type { FieldError } from './types';

type FormLike = { schema: unknown };
const propertiesOf = (schema: unknown): [string, { title?: unknown }][] => {
  const props = (schema as { properties?: unknown } | null)?.properties;
  return props && typeof props === 'object' ? (Object.entries(props) as [string, { title?: unknown }][]) : [];
};

/** The titles of the case's own fields (every form's top-level fields), as a return form offers them for 需修改的项目. */
export function caseFieldTitles(forms: readonly FormLike[]): string[] {
  return [...new Set(forms.flatMap((f) => propertiesOf(f.schema).flatMap(([, p]) => (typeof p?.title === 'string' && p.title ? [p.title] : []))))];
}

/**
 * A return's `field` (需修改的项目), when one is given, must name a field of the case — by its
 * title, as the web app offers them, or by its id — so that the reason shows where it belongs.
 */
export function returnFieldProblem(forms: readonly FormLike[], data: unknown): FieldError | undefined {
  const field = (data as { field?: unknown } | null)?.field;
  if (typeof field !== 'string' || field === '') return undefined;
  const known = forms.some((f) => propertiesOf(f.schema).some(([id, p]) => id === field || p?.title === field));
  return known ? undefined : { path: '/field', field: '需修改的项目', message: `「需修改的项目」须是本案件表单中的一项，没有「${field.slice(0, 50)}」` };
}
