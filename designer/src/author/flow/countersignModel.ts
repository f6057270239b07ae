/** A step countersigned by several departments (联审), as the step panel edits it: pure functions over the definition. */
import type { Definition, Department, Level, StateNodeConfig } from '../../../../engine/index';
import { newRoleId, roleEntry } from '../roleModel';
import { setMeta, stateAt } from './machineEdit';
import { t } from '../../i18n';

type Meta = NonNullable<StateNodeConfig['meta']>;
export type Countersign = NonNullable<Meta['countersign']>;

/** The departments as people read them: in their order (住建局 → 财政局), or side by side when they sign at once. */
export const departmentsText = (c: Countersign): string => c.departments.map((x) => x.label).join(c.order === 'sequential' ? ' → ' : t('common.listComma'));

const metaOf = (d: Definition, path: string[]): Meta => stateAt(d, path)?.meta ?? {};

/** A department made of one of the process's roles: named as the role is, at the role's level, one signature enough. */
function departmentOf(d: Definition, role: string): Department {
  const r = d.roles[role];
  return { label: r?.label ?? role, role, ...(r?.level ? { level: r.level } : {}), mode: 'any' };
}

/**
 * The step made a countersign: who decides is now its departments, so its own role and its rule of
 * several approvers go; the role it had becomes the first department (else the first reviewer role).
 */
export function makeCountersign(d: Definition, path: string[]): Definition {
  const { assignee, approval: _rule, ...meta } = metaOf(d, path);
  const first = assignee ?? Object.entries(d.roles).find(([, r]) => r.kind === 'reviewer')?.[0];
  return setMeta(d, path, { ...meta, countersign: { order: 'sequential', departments: first ? [departmentOf(d, first)] : [] } });
}

/** The step decided by one approver again: the first department's role handles it. */
export function dropCountersign(d: Definition, path: string[]): Definition {
  const { countersign, ...meta } = metaOf(d, path);
  const first = countersign?.departments[0]?.role;
  return setMeta(d, path, { ...meta, ...(first ? { assignee: first } : {}) });
}

function withCountersign(d: Definition, path: string[], change: (c: Countersign) => Countersign): Definition {
  const meta = metaOf(d, path);
  return meta.countersign ? setMeta(d, path, { ...meta, countersign: change(meta.countersign) }) : d;
}

/** One department after another (in the order listed), or all at once. */
export const setOrder = (d: Definition, path: string[], order: Countersign['order']): Definition => withCountersign(d, path, (c) => ({ ...c, order }));

/** A department of one of the process's roles is added last. */
export const addDepartment = (d: Definition, path: string[], role: string): Definition =>
  withCountersign(d, path, (c) => ({ ...c, departments: [...c.departments, departmentOf(d, role)] }));

/** A new department (县财政局) with a role of its own, made at the level given, is added last. */
export function addNewDepartment(d: Definition, path: string[], r: { label: string; level: Level }): Definition {
  const role = newRoleId(d, { level: r.level, kind: 'reviewer' });
  const withRole: Definition = { ...d, roles: { ...d.roles, [role]: roleEntry({ label: r.label, level: r.level, kind: 'reviewer' }) } };
  return addDepartment(withRole, path, role);
}

/**
 * One department changed. A new role brings its name (when the department was still named as its
 * old role) and its level; a share starts at a half, and any other rule needs none.
 */
export function setDepartment(d: Definition, path: string[], index: number, change: Partial<Department>): Definition {
  return withCountersign(d, path, (c) => ({
    ...c,
    departments: c.departments.map((dep, i) => {
      if (i !== index) return dep;
      let next: Department = { ...dep, ...change };
      if (change.role && change.role !== dep.role) {
        const named = departmentOf(d, change.role);
        next = { ...next, ...(dep.label === (d.roles[dep.role]?.label ?? dep.role) ? { label: named.label } : {}) };
        if (named.level) next.level = named.level;
      }
      if (next.mode === 'ratio') next.ratio ??= 0.5;
      else delete next.ratio;
      if (!next.level) delete next.level;
      return next;
    }),
  }));
}

/** A department moved one place up (-1) or down (+1): the order in which they sign, when they sign in turn. */
export function moveDepartment(d: Definition, path: string[], index: number, by: -1 | 1): Definition {
  return withCountersign(d, path, (c) => {
    const to = index + by;
    if (to < 0 || to >= c.departments.length) return c;
    const departments = [...c.departments];
    [departments[index], departments[to]] = [departments[to]!, departments[index]!];
    return { ...c, departments };
  });
}

/** A department taken out of the countersign. */
export const removeDepartment = (d: Definition, path: string[], index: number): Definition =>
  withCountersign(d, path, (c) => ({ ...c, departments: c.departments.filter((_, i) => i !== index) }));
