import { describe, expect, it } from 'vitest';
import { checkDefinition, checkSource, problemCatalogue } from '../../engine/check/index';
import type { Definition } from '../../engine/types';
import { template } from '../helpers/definitions';

type Def = Definition & Record<string, unknown>;
// Mutations reach into the JSON freely, as an author's editor would.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

interface Mutation {
  name: string;
  mutate?: (d: Loose) => void;
  text?: (original: string) => string;
  code: string;
  path: string;
}

const S = '/machine/states';
const mutations: Mutation[] = [
  { name: 'invalid JSON', text: (t) => t.slice(0, -3), code: 'json-invalid', path: '' },
  { name: 'file too large', text: (t) => t.replace('"description": "', `"description": "${'搬'.repeat(400_000)}`), code: 'too-large', path: '' },
  { name: 'nesting too deep', text: () => `${'['.repeat(5000)}${']'.repeat(5000)}`, code: 'too-deep', path: '' },
  { name: 'too many values', text: () => JSON.stringify({ id: 'x', list: Array.from({ length: 60_000 }, (_, i) => i) }), code: 'too-many-nodes', path: '' },
  { name: 'missing title', mutate: (d) => delete d.title, code: 'schema-violation', path: '/title' },
  { name: 'unknown top-level key', mutate: (d) => (d.colour = 'red'), code: 'schema-violation', path: '/colour' },
  { name: 'bad process id', mutate: (d) => (d.id = 'Relocation Process'), code: 'schema-violation', path: '/id' },
  { name: 'state named __proto__', text: (t) => t.replace('"stable": {', '"__proto__": { "type": "final" }, "stable": {'), code: 'schema-violation', path: `${S}/__proto__` },
  { name: 'unknown target state', mutate: (d) => (d.machine.states.registering.on.SUBMIT.target = 'townshipReveiw'), code: 'state-target-unknown', path: `${S}/registering/on/SUBMIT` },
  { name: 'unreachable state', mutate: (d) => (d.machine.states.orphan = { meta: { label: '孤立' }, on: { APPROVE: 'stable' } }), code: 'state-unreachable', path: `${S}/orphan` },
  { name: 'non-final state with no way out', mutate: (d) => delete d.machine.states.movingLate.on, code: 'state-dead-end', path: `${S}/movingLate` },
  { name: 'after without target', mutate: (d) => delete d.machine.states.moving.after.moveInDeadline.target, code: 'after-without-target', path: `${S}/moving/after/moveInDeadline` },
  { name: 'after with an unknown delay', mutate: (d) => (d.machine.states.moving.after = { soon: 'movingLate' }), code: 'delay-unknown', path: `${S}/moving/after/soon` },
  { name: 'SLA with an unknown delay', mutate: (d) => (d.machine.states.townshipReview.meta.sla = 'fast'), code: 'delay-unknown', path: `${S}/townshipReview/meta/sla` },
  { name: 'guard named constructor', mutate: (d) => (d.machine.states.mobilising.on.SIGN.guard = 'constructor'), code: 'guard-unknown', path: `${S}/mobilising/on/SIGN/guard` },
  { name: 'guard named __proto__', mutate: (d) => (d.machine.states.mobilising.on.SIGN.guard = { type: '__proto__' }), code: 'guard-unknown', path: `${S}/mobilising/on/SIGN/guard` },
  { name: 'action named toString', mutate: (d) => (d.machine.states.registering.on.SUBMIT.actions[0] = 'toString'), code: 'action-unknown', path: `${S}/registering/on/SUBMIT/actions/0` },
  { name: 'action missing a param', mutate: (d) => (d.machine.states.mobilising.on.LOG_VISIT.actions[0].params = {}), code: 'action-params-invalid', path: `${S}/mobilising/on/LOG_VISIT/actions/0` },
  { name: 'guard missing its schema', mutate: (d) => (d.machine.states.mobilising.on.SIGN.guard.params = {}), code: 'guard-params-invalid', path: `${S}/mobilising/on/SIGN/guard` },
  { name: 'nested guard unknown', mutate: (d) => (d.machine.states.mobilising.on.SIGN.guard = { type: 'not', params: { guard: 'hasOwnProperty' } }), code: 'guard-unknown', path: `${S}/mobilising/on/SIGN/guard/params/guard` },
  { name: 'condition schema that does not compile', mutate: (d) => (d.machine.states.mobilising.on.SIGN.guard.params.schema = { type: 'objekt' }), code: 'condition-invalid', path: `${S}/mobilising/on/SIGN/guard/params/schema` },
  { name: 'guard reads a path no form defines', mutate: (d) => (d.machine.states.mobilising.on.SIGN.guard.params.schema = { required: ['vists'] }), code: 'data-path-unknown', path: `${S}/mobilising/on/SIGN/guard` },
  { name: 'guard reads a field the form lacks', mutate: (d) => (d.machine.states.following.on.JUDGE_STABLE.guard.params.schema = { properties: { register: { properties: { partyMembr: { const: true } } } } }), code: 'data-path-unknown', path: `${S}/following/on/JUDGE_STABLE/guard` },
  { name: 'state form that does not exist', mutate: (d) => (d.machine.states.registering.meta.form = 'registr'), code: 'form-unknown', path: `${S}/registering/meta/form` },
  { name: 'event data form that does not exist', mutate: (d) => (d.events.RETURN.data = 'returnNotes'), code: 'form-unknown', path: '/events/RETURN/data' },
  { name: 'event no role may send', mutate: (d) => (d.events.JUDGE_STABLE.roles = []), code: 'event-no-role', path: '/events/JUDGE_STABLE/roles' },
  { name: 'event role not declared', mutate: (d) => (d.events.SUBMIT.roles = ['village_cadres']), code: 'role-undeclared', path: '/events/SUBMIT/roles/0' },
  { name: 'assignee not declared', mutate: (d) => (d.machine.states.allocating.meta.assignee = 'site_manager'), code: 'role-undeclared', path: `${S}/allocating/meta/assignee` },
  { name: 'notify role not declared', mutate: (d) => (d.machine.states.moving.after.moveInDeadline.actions[0].params.roles = ['mayor']), code: 'role-undeclared', path: `${S}/moving/after/moveInDeadline/actions/0/params/roles/0` },
  { name: 'event not declared', mutate: (d) => (d.machine.states.registering.on.SEND = 'townshipReview'), code: 'event-undeclared', path: `${S}/registering/on/SEND` },
  { name: 'step form missing where the event submits it', mutate: (d) => (d.machine.states.townshipReview.on.SUBMIT = 'countyReview'), code: 'step-form-missing', path: `${S}/townshipReview/on/SUBMIT` },
  { name: 'form schema ajv rejects in strict mode', mutate: (d) => (d.forms.register.schema.properties.householder.minLenght = 2), code: 'form-schema-invalid', path: '/forms/register/schema' },
  { name: 'form schema not an object', mutate: (d) => (d.forms.followUp.schema = { type: 'array', title: 'x', items: { type: 'string' } }), code: 'form-not-object', path: '/forms/followUp/schema' },
  { name: 'ui:order that leaves a field out', mutate: (d) => (d.forms.register.uiSchema['ui:order'] = ['householder', 'idNumber']), code: 'ui-order-incomplete', path: '/forms/register/uiSchema/ui:order' },
  { name: 'catastrophic regex', mutate: (d) => (d.forms.agreement.schema.properties.agreementNo.pattern = '^(a+)+$'), code: 'pattern-unsafe', path: '/forms/agreement/schema/properties/agreementNo/pattern' },
  { name: 'invalid regex', mutate: (d) => (d.forms.agreement.schema.properties.agreementNo.pattern = '(['), code: 'pattern-invalid', path: '/forms/agreement/schema/properties/agreementNo/pattern' },
  { name: 'initial state not a child', mutate: (d) => (d.machine.initial = 'start'), code: 'initial-invalid', path: '/machine/initial' },
  { name: 'nested state without initial', mutate: (d) => (d.machine.states.mobilising.states = { visiting: { type: 'final' } }), code: 'initial-missing', path: `${S}/mobilising` },
  { name: 'final state with transitions', mutate: (d) => (d.machine.states.stable.on = { APPROVE: 'registering' }), code: 'final-has-transitions', path: `${S}/stable` },
  { name: 'duplicate state ids', mutate: (d) => { d.machine.states.allocating.id = 'house'; d.machine.states.moving.id = 'house'; }, code: 'state-id-duplicate', path: `${S}/moving/id` },
  { name: 'history state with children', mutate: (d) => (d.machine.states.hist = { type: 'history', states: { a: { type: 'final' } } }), code: 'history-invalid', path: `${S}/hist` },
  { name: 'nested final with no onDone', mutate: (d) => { d.machine.states.allocating = { meta: d.machine.states.allocating.meta, initial: 'pick', states: { pick: { on: { SUBMIT: 'picked' } }, picked: { type: 'final' } } }; }, code: 'state-dead-end', path: `${S}/allocating/states/picked` },
  { name: 'unused role (warning)', mutate: (d) => (d.roles.grid_leader = { label: '网格长' }), code: 'role-unused', path: '/roles/grid_leader' },
  { name: 'unused event (warning)', mutate: (d) => (d.events.CANCEL = { label: '撤销', roles: ['county_office'] }), code: 'event-unused', path: '/events/CANCEL' },
  { name: 'unused form (warning)', mutate: (d) => (d.forms.extra = { title: '附加', schema: { type: 'object' } }), code: 'form-unused', path: '/forms/extra' },
  { name: 'field without a title (warning)', mutate: (d) => delete d.forms.moveIn.schema.properties.movedOn.title, code: 'field-title-missing', path: '/forms/moveIn/schema/properties/movedOn' },
  { name: 'SLA on a final state (warning)', mutate: (d) => (d.machine.states.stable.meta.sla = 'P7D'), code: 'sla-on-final', path: `${S}/stable/meta/sla` },
];

const original = JSON.stringify(template('relocation'), null, 2);

describe('the checker catches typical authoring mistakes with the right code and path', () => {
  it('accepts the shipped definition as it is', () => {
    const r = checkSource(original);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  it('covers at least 30 kinds of mistake', () => {
    expect(new Set(mutations.map((m) => m.code)).size).toBeGreaterThanOrEqual(30);
  });

  for (const m of mutations) {
    it(m.name, () => {
      let text = original;
      if (m.mutate) {
        const d = JSON.parse(original) as Def;
        m.mutate(d);
        text = JSON.stringify(d);
      }
      if (m.text) text = m.text(original);
      const r = checkSource(text);
      const all = [...r.errors, ...r.warnings];
      expect(all.map((p) => `${p.code} ${p.path}`)).toContain(`${m.code} ${m.path}`);
      const found = all.find((p) => p.code === m.code && p.path === m.path)!;
      expect(found.message).toMatch(/[\u4e00-\u9fff]/);
      const severity = problemCatalogue[m.code as keyof typeof problemCatalogue].severity;
      expect(r.ok).toBe(severity === 'warning');
    });
  }
});

describe('county variations', () => {
  const find = (id: string) => (id === 'relocation' ? template('relocation') : undefined);

  it('merges a patch over the template: a county adds a field', () => {
    const variation = { extends: 'relocation', patch: { forms: { register: { schema: { properties: { gridLeader: { type: 'string', title: '网格长' } } } } } } };
    const r = checkSource(JSON.stringify(variation), find);
    expect(r.ok).toBe(true);
    const props = (r.definition!.forms.register!.schema as { properties: Record<string, unknown> }).properties;
    expect(Object.keys(props)).toContain('gridLeader');
    expect(Object.keys(props)).toContain('householder');
  });

  it('points a problem into the patch when the patch caused it', () => {
    const variation = { extends: 'relocation', patch: { machine: { states: { registering: { meta: { form: 'registr' } } } } } };
    const r = checkSource(JSON.stringify(variation), find);
    expect(r.errors.map((p) => `${p.code} ${p.path}`)).toEqual(['form-unknown /patch/machine/states/registering/meta/form']);
  });

  it('reports an unknown template and a malformed variation', () => {
    expect(checkSource(JSON.stringify({ extends: 'nope', patch: {} }), find).errors.map((p) => p.code)).toEqual(['extends-unknown']);
    expect(checkSource(JSON.stringify({ extends: 'relocation' }), find).errors.map((p) => p.code)).toEqual(['variation-invalid']);
  });
});

describe('checkDefinition never throws', () => {
  it.each([null, 42, 'text', [], { id: 'x' }, { machine: { states: { a: 1 } } }])('on %j', (value) => {
    const r = checkDefinition(value);
    expect(r.ok).toBe(false);
    expect(r.errors.length).toBeGreaterThan(0);
  });
});
