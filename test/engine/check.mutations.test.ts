import { describe, expect, it } from 'vitest';
import { checkDefinition, type CheckOptions, checkSource, problemCatalogue } from '../../engine/check/index';
import { compile } from '../../engine/compile';
import { startCase, transition } from '../../engine/transition';
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
  /** What the checker knows around the file (the county's processes, its users' roles, the time). */
  options?: CheckOptions;
}

const S = '/machine/states';
/** The county review made a 联审 of two bureaus (县住建局, then 县财政局), as the housing subsidy has it. */
const twoBureaus = (d: Loose) => {
  d.roles.housing_bureau = { label: '县住建局', level: 'county', kind: 'reviewer' };
  d.roles.finance_bureau = { label: '县财政局', level: 'county', kind: 'reviewer' };
  d.machine.states.countyReview.meta = {
    label: '县联审', sla: 'reviewTime',
    countersign: { order: 'sequential', departments: [{ label: '县住建局', role: 'housing_bureau', level: 'county', mode: 'any' }, { label: '县财政局', role: 'finance_bureau', level: 'county', mode: 'all' }] },
  };
  return d.machine.states.countyReview.meta.countersign;
};
const CS = `${S}/countyReview/meta/countersign`;
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
  { name: 'a return that sends the case forward (warning)', mutate: (d) => (d.machine.states.townshipReview.on.RETURN.target = 'mobilising'), code: 'return-forward', path: `${S}/townshipReview/on/RETURN` },
  { name: 'event no role may send', mutate: (d) => (d.events.JUDGE_STABLE.roles = []), code: 'event-no-role', path: '/events/JUDGE_STABLE/roles' },
  { name: 'nobody may start it: the first step has no assignee and no startRoles', mutate: (d) => { delete d.startRoles; delete d.machine.states.registering.meta.assignee; }, code: 'start-no-role', path: `${S}/registering/meta` },
  { name: 'event role not declared', mutate: (d) => (d.events.SUBMIT.roles = ['village_cadres']), code: 'role-undeclared', path: '/events/SUBMIT/roles/0' },
  { name: 'assignee not declared', mutate: (d) => (d.machine.states.allocating.meta.assignee = 'site_manager'), code: 'role-undeclared', path: `${S}/allocating/meta/assignee` },
  { name: 'notify role not declared', mutate: (d) => (d.machine.states.moving.after.moveInDeadline.actions[0].params.roles = ['mayor']), code: 'role-undeclared', path: `${S}/moving/after/moveInDeadline/actions/0/params/roles/0` },
  { name: 'event not declared', mutate: (d) => (d.machine.states.registering.on.SEND = 'townshipReview'), code: 'event-undeclared', path: `${S}/registering/on/SEND` },
  { name: 'step form missing where the event submits it', mutate: (d) => (d.machine.states.townshipReview.on.SUBMIT = 'countyReview'), code: 'step-form-missing', path: `${S}/townshipReview/on/SUBMIT` },
  { name: 'misspelt keyword in a field, found at the field', mutate: (d) => (d.forms.register.schema.properties.householder.minLenght = 2), code: 'schema-keyword-unknown', path: '/forms/register/schema/properties/householder/minLenght' },
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
  // Eventless loops and transitions that can never be taken.
  { name: 'always cycle of two steps', mutate: (d) => { d.machine.states.allocating.always = 'moving'; d.machine.states.moving.always = 'allocating'; }, code: 'always-cycle', path: `${S}/allocating/always` },
  { name: 'always cycle of three steps', mutate: (d) => { d.machine.states.demolishing.always = 'employing'; d.machine.states.employing.always = { target: 'following' }; d.machine.states.following.always = [{ target: 'demolishing' }]; }, code: 'always-cycle', path: `${S}/demolishing/always` },
  { name: 'always without a target or guard', mutate: (d) => (d.machine.states.allocating.always = { actions: [{ type: 'set', params: { path: 'allocation.checked', value: true } }] }), code: 'always-cycle', path: `${S}/allocating/always` },
  { name: 'always into a nested step that jumps back', mutate: (d) => { d.machine.states.allocating = { meta: d.machine.states.allocating.meta, initial: 'pick', on: d.machine.states.allocating.on, states: { pick: { always: `#${d.machine.id ?? 'case'}.allocating` } } }; }, code: 'always-cycle', path: `${S}/allocating/states/pick/always` },
  { name: 'transition after an unguarded one for the same event', mutate: (d) => (d.machine.states.townshipReview.on.APPROVE = ['countyReview', { target: 'mobilising', guard: { type: 'matches', params: { schema: { required: ['register'] } } } }]), code: 'transition-shadowed', path: `${S}/townshipReview/on/APPROVE/1` },
  { name: 'always after an unguarded always', mutate: (d) => (d.machine.states.following.always = [{ target: 'stable' }, { target: 'refused' }]), code: 'transition-shadowed', path: `${S}/following/always/1` },
  { name: 'history default target outside its parent', mutate: (d) => { d.machine.states.mobilising = { ...d.machine.states.mobilising, initial: 'talking', states: { talking: {}, back: { type: 'history', target: 'registering' } } }; }, code: 'history-target-invalid', path: `${S}/mobilising/states/back/target` },
  { name: 'history default target that does not exist', mutate: (d) => { d.machine.states.mobilising = { ...d.machine.states.mobilising, initial: 'talking', states: { talking: {}, back: { type: 'history', history: 'deep', target: 'talkng' } } }; }, code: 'history-target-invalid', path: `${S}/mobilising/states/back/target` },
  {
    name: 'parallel region that can never finish while its parent waits for onDone',
    mutate: (d) => {
      d.machine.states.employing = {
        type: 'parallel', meta: { label: '就业帮扶' }, onDone: 'following',
        states: {
          job: { initial: 'arranging', states: { arranging: { meta: { form: 'employment', assignee: 'village_cadre' }, on: { SUBMIT: 'arranged' } }, arranged: { type: 'final' } } },
          training: { initial: 'waiting', states: { waiting: { meta: { form: 'employment' }, on: { SUBMIT: 'waiting' } } } },
        },
      };
    },
    code: 'region-never-done', path: `${S}/employing/states/training`,
  },
  // The JSON file itself.
  { name: 'a second form of the same name', text: (t) => t.replace('"forms": {', '"forms": {\n    "visit": { "title": "旧走访", "schema": { "type": "object" } },'), code: 'duplicate-key', path: '/forms/visit' },
  { name: 'a second state of the same name', text: (t) => t.replace('"states": {', '"states": {\n      "stable": { "type": "final" },'), code: 'duplicate-key', path: `${S}/stable` },
  { name: 'a key twice inside a field', text: (t) => t.replace('"title": "户主姓名",', '"title": "户主姓名", "title": "户主",'), code: 'duplicate-key', path: '/forms/register/schema/properties/householder/title' },
  // What surrounds the definition.
  { name: 'spawn of a process the county does not have', mutate: (d) => (d.machine.states.following.on.JUDGE_STABLE.actions = [{ type: 'spawn', params: { from: 'followUps', process: 'follow-up-visit' } }]), options: { processExists: (id) => id === 'dividend-receipt' }, code: 'spawn-process-unknown', path: `${S}/following/on/JUDGE_STABLE/actions/0/params/process` },
  { name: 'case title from a path no form defines', mutate: (d) => (d.caseTitle = 'register.householdr'), code: 'data-path-unknown', path: '/caseTitle' },
  { name: 'a calendar the engine does not have', mutate: (d) => (d.calendar = 'CN-2027'), code: 'calendar-unknown', path: '/calendar' },
  { name: 'working-day deadlines past the end of the holiday calendar (warning)', mutate: () => undefined, options: { now: Date.parse('2026-11-23T02:00:00Z') }, code: 'calendar-ends', path: '/delays/reviewTime/workingDays' },
  { name: 'a deadline from a working-day formula past the end of the holiday calendar (warning)', mutate: (d) => { d.delays.reviewTime = { duration: 'P5D', label: '5 天' }; d.machine.states.moving.meta.sla = '=WORKDAY(agreement.signedOn, 30)'; }, options: { now: Date.parse('2026-11-23T02:00:00Z') }, code: 'calendar-ends', path: `${S}/moving/meta/sla` },
  { name: 'a timer at a working-day formula past the end of the holiday calendar (warning)', mutate: (d) => { d.delays.reviewTime = { duration: 'P5D', label: '5 天' }; d.delays.moveInDeadline = { at: '=WORKDAY(agreement.signedOn, 60)', label: '入住期限' }; }, options: { now: Date.parse('2026-11-23T02:00:00Z') }, code: 'calendar-ends', path: '/delays/moveInDeadline/at' },
  { name: 'a step whose assignee no user of the county holds (warning)', mutate: () => undefined, options: { roleHeld: (r) => r !== 'county_office' }, code: 'role-unheld', path: `${S}/countyReview/meta/assignee` },
  // Steps decided by several approvers.
  { name: 'a share of approvers with no ratio', mutate: (d) => (d.machine.states.townshipReview.meta.approval = { mode: 'ratio' }), code: 'approval-ratio-missing', path: `${S}/townshipReview/meta/approval` },
  { name: 'a ratio on 或签, which decides on the first approval (warning)', mutate: (d) => (d.machine.states.townshipReview.meta.approval = { mode: 'any', ratio: 0.6 }), code: 'approval-ratio-unused', path: `${S}/townshipReview/meta/approval/ratio` },
  { name: 'a multi-approver step that takes no approval', mutate: (d) => (d.machine.states.mobilising.meta.approval = { mode: 'all' }), code: 'approval-no-approve', path: `${S}/mobilising/meta/approval` },
  { name: 'a multi-approver step whose role nobody holds', mutate: (d) => (d.machine.states.countyReview.meta.approval = { mode: 'all' }), options: { roleHeld: (r) => r !== 'county_office' }, code: 'approval-no-approvers', path: `${S}/countyReview/meta/assignee` },
  { name: 'approvers chosen from a list no form has', mutate: (d) => (d.machine.states.countyReview.meta.approval = { mode: 'any', chooseFrom: 'register.reviewers' }), code: 'data-path-unknown', path: `${S}/countyReview/meta/approval/chooseFrom` },
  { name: 'approvers chosen from a field that is not a list of people', mutate: (d) => (d.machine.states.countyReview.meta.approval = { mode: 'any', chooseFrom: 'register.householder' }), code: 'approval-choose-from-not-people', path: `${S}/countyReview/meta/approval/chooseFrom` },
  // Steps countersigned by several departments (联审).
  { name: 'a countersigning department whose role nobody in the county holds', mutate: twoBureaus, options: { roleHeld: (r) => r !== 'finance_bureau' }, code: 'countersign-no-holder', path: `${CS}/departments/1/role` },
  { name: 'a countersigning department at a level no county has (the province)', mutate: (d) => (twoBureaus(d).departments[0].level = 'province'), code: 'countersign-no-holder', path: `${CS}/departments/0/level` },
  { name: 'a countersigning department at a level below the case (a grid over a village case)', mutate: (d) => (twoBureaus(d).departments[1].level = 'grid'), code: 'countersign-no-holder', path: `${CS}/departments/1/level` },
  { name: 'a countersigning department with a role the process does not declare', mutate: (d) => (twoBureaus(d).departments[0].role = 'housing'), code: 'role-undeclared', path: `${CS}/departments/0/role` },
  { name: 'two countersigning departments with the same role', mutate: (d) => (twoBureaus(d).departments[1].role = 'housing_bureau'), code: 'countersign-role-twice', path: `${CS}/departments/1/role` },
  { name: 'a countersigning department by a share with no ratio', mutate: (d) => (twoBureaus(d).departments[1].mode = 'ratio'), code: 'approval-ratio-missing', path: `${CS}/departments/1` },
  { name: 'a ratio on a department where the first signature decides (warning)', mutate: (d) => (twoBureaus(d).departments[0].ratio = 0.5), code: 'approval-ratio-unused', path: `${CS}/departments/0/ratio` },
  { name: 'a department mode that is not all, any or ratio', mutate: (d) => (twoBureaus(d).departments[0].mode = 'each'), code: 'schema-violation', path: `${CS}/departments/0/mode` },
  { name: 'a countersign order that is neither sequential nor parallel', mutate: (d) => (twoBureaus(d).order = 'random'), code: 'schema-violation', path: `${CS}/order` },
  { name: 'a countersign step that also names a role of its own', mutate: (d) => { twoBureaus(d); d.machine.states.countyReview.meta.assignee = 'county_office'; }, code: 'countersign-conflict', path: `${S}/countyReview/meta/assignee` },
  { name: 'a countersign step that is also decided by several approvers', mutate: (d) => { twoBureaus(d); d.machine.states.countyReview.meta.approval = { mode: 'all' }; }, code: 'countersign-conflict', path: `${S}/countyReview/meta/approval` },
  { name: 'a countersign by one department (warning)', mutate: (d) => twoBureaus(d).departments.pop(), code: 'countersign-one-department', path: `${CS}/departments` },
  { name: 'a countersign on a state with steps inside', mutate: (d) => {
    const rule = twoBureaus(d);
    delete d.machine.states.countyReview.meta.countersign;
    d.machine.states.mobilising = { ...d.machine.states.mobilising, initial: 'talking', states: { talking: {} } };
    d.machine.states.mobilising.meta.countersign = rule;
  }, code: 'countersign-not-a-step', path: `${S}/mobilising/meta/countersign` },
  { name: 'a countersign step that takes no approval', mutate: (d) => {
    const rule = twoBureaus(d);
    d.machine.states.mobilising.meta = { label: '思想动员', form: 'visit', countersign: rule };
  }, code: 'approval-no-approve', path: `${S}/mobilising/meta/countersign` },
  { name: 'a uniqueness key the same for every case (warning)', mutate: (d) => (d.uniqueKey = '="搬迁" & YEAR(TODAY())'), code: 'unique-key-constant', path: '/uniqueKey' },
  { name: 'a sum of money with no precision (warning)', mutate: (d) => delete d.forms.followUp.schema.properties.income.multipleOf, code: 'money-precision', path: '/forms/followUp/schema/properties/income' },
  // Conditions.
  { name: 'condition compares a number field with a string', mutate: (d) => (d.machine.states.following.on.JUDGE_STABLE.guard.params.schema = { properties: { allocation: { properties: { area: { const: '120' } } } } }), code: 'condition-type-mismatch', path: `${S}/following/on/JUDGE_STABLE/guard/params/schema/properties/allocation/properties/area/const` },
  { name: 'condition compares a yes/no field with text options', mutate: (d) => (d.machine.states.following.on.JUDGE_STABLE.guard.params.schema = { properties: { register: { properties: { partyMemberHousehold: { enum: ['是'] } } } } }), code: 'condition-type-mismatch', path: `${S}/following/on/JUDGE_STABLE/guard/params/schema/properties/register/properties/partyMemberHousehold/enum/0` },
  { name: 'condition puts a number limit on a text field', mutate: (d) => (d.machine.states.following.on.JUDGE_STABLE.guard.params.schema = { properties: { allocation: { properties: { site: { minimum: 3 } } } } }), code: 'condition-type-mismatch', path: `${S}/following/on/JUDGE_STABLE/guard/params/schema/properties/allocation/properties/site/minimum` },
  { name: 'catastrophic regex in a guard', mutate: (d) => (d.machine.states.following.on.JUDGE_STABLE.guard.params.schema = { properties: { allocation: { properties: { site: { pattern: '^(\\w+\\s?)+$' } } } } }), code: 'pattern-unsafe', path: `${S}/following/on/JUDGE_STABLE/guard/params/schema/properties/allocation/properties/site/pattern` },
  { name: 'misspelt keyword in a guard', mutate: (d) => (d.machine.states.mobilising.on.SIGN.guard.params.schema.properties.visits.minItem = 2), code: 'schema-keyword-unknown', path: `${S}/mobilising/on/SIGN/guard/params/schema/properties/visits/minItem` },
  { name: 'contradictory limits in a guard', mutate: (d) => (d.machine.states.mobilising.on.SIGN.guard.params.schema.properties.visits.maxItems = 0), code: 'limits-contradict', path: `${S}/mobilising/on/SIGN/guard/params/schema/properties/visits/minItems` },
  // Formulas (guard and compute action), each at the formula's path, naming the character.
  { name: 'formula that does not parse', mutate: (d) => (d.machine.states.following.on.JUDGE_STABLE.guard = { type: 'formula', params: { expr: 'LAST(followUps.income) >= ' } }), code: 'formula-syntax', path: `${S}/following/on/JUDGE_STABLE/guard/params/expr` },
  { name: 'formula reading a field nothing defines', mutate: (d) => (d.machine.states.following.on.JUDGE_STABLE.guard = { type: 'formula', params: { expr: 'LAST(followUps.incom) >= 500' } }), code: 'formula-field-unknown', path: `${S}/following/on/JUDGE_STABLE/guard/params/expr` },
  { name: 'formula calling a function that does not exist', mutate: (d) => (d.machine.states.following.on.SUBMIT.actions.push({ type: 'compute', params: { to: 'followStats.average', expr: 'AVG(followUps.income)' } })), code: 'formula-function-unknown', path: `${S}/following/on/SUBMIT/actions/1/params/expr` },
  { name: 'formula with the wrong number of arguments', mutate: (d) => (d.machine.states.following.on.SUBMIT.actions.push({ type: 'compute', params: { to: 'followStats.rounded', expr: 'ROUND(LAST(followUps.income), 2, 0)' } })), code: 'formula-arity', path: `${S}/following/on/SUBMIT/actions/1/params/expr` },
  { name: 'a compute that copies an ID number where it is not masked', mutate: (d) => d.machine.states.following.on.SUBMIT.actions.push({ type: 'compute', params: { to: 'followStats.idNumber', expr: 'register.idNumber' } }), code: 'personal-copied', path: `${S}/following/on/SUBMIT/actions/1/params/expr` },
  { name: 'a compute that overwrites a field the cadre fills', mutate: (d) => d.machine.states.following.on.SUBMIT.actions.push({ type: 'compute', params: { to: 'register.householder', expr: '"某某"' } }), code: 'compute-overwrites-field', path: `${S}/following/on/SUBMIT/actions/1/params/to` },
  { name: 'formula reading a row field rows do not have', mutate: (d) => (d.machine.states.following.on.JUDGE_STABLE.guard = { type: 'formula', params: { expr: 'COUNT(followUps._who) > 0' } }), code: 'formula-row-field', path: `${S}/following/on/JUDGE_STABLE/guard/params/expr` },
  { name: 'formula reading the id of a row of a form, not of an appended list', mutate: (d) => (d.machine.states.following.on.JUDGE_STABLE.guard = { type: 'formula', params: { expr: 'MAX(register.members._id) > 0' } }), code: 'formula-row-field', path: `${S}/following/on/JUDGE_STABLE/guard/params/expr` },
  { name: 'a lookup over a single value, not a list', mutate: (d) => (d.machine.states.following.on.JUDGE_STABLE.guard = { type: 'formula', params: { expr: 'XLOOKUP(1, allocation.area, followUps.income) > 0' } }), code: 'formula-not-list', path: `${S}/following/on/JUDGE_STABLE/guard/params/expr` },
  { name: 'a several-condition count whose lists and values are not in pairs', mutate: (d) => (d.machine.states.following.on.JUDGE_STABLE.guard = { type: 'formula', params: { expr: 'COUNTIFS(followUps.income, 0, followUps.date) = 0' } }), code: 'formula-arity', path: `${S}/following/on/JUDGE_STABLE/guard/params/expr` },
  // Rows by their ids: row actions and row pickers name a list append grows.
  { name: 'voiding a row of a form, not of an appended list', mutate: (d) => d.machine.states.following.on.SUBMIT.actions.push({ type: 'voidRow', params: { list: 'followUp', row: 'LAST(followUps._id)' } }), code: 'row-list-unknown', path: `${S}/following/on/SUBMIT/actions/1/params/list` },
  { name: 'a row changed by an id that is text', mutate: (d) => d.machine.states.following.on.SUBMIT.actions.push({ type: 'changeRow', params: { list: 'followUps', row: 'LAST(followUps._by)' } }), code: 'formula-result-type', path: `${S}/following/on/SUBMIT/actions/1/params/row` },
  { name: 'a row action without the row it acts on', mutate: (d) => d.machine.states.following.on.SUBMIT.actions.push({ type: 'changeRow', params: { list: 'followUps' } }), code: 'action-params-invalid', path: `${S}/following/on/SUBMIT/actions/1` },
  { name: 'a return form picking a row of a list nothing appends', mutate: (d) => (d.forms.returnNote.schema.properties.visit = { type: 'integer', title: '有误的走访', rowOf: 'vists' }), code: 'row-list-unknown', path: '/forms/returnNote/schema/properties/visit/rowOf' },
  { name: 'a row picker that is not a whole number', mutate: (d) => (d.forms.returnNote.schema.properties.visit = { type: 'string', title: '有误的走访', rowOf: 'visits' }), code: 'row-picker-type', path: '/forms/returnNote/schema/properties/visit' },
  { name: 'formula adding text to a number', mutate: (d) => (d.machine.states.following.on.JUDGE_STABLE.guard = { type: 'formula', params: { expr: 'allocation.area + register.householder > 0' } }), code: 'formula-type', path: `${S}/following/on/JUDGE_STABLE/guard/params/expr` },
  // Formula types that hold: text is no date, a list's items keep their type, a formula gives what its place takes.
  { name: 'timer at a text field', mutate: (d) => (d.delays.moveInDeadline = { at: '=register.householder', label: '入住期限' }), code: 'formula-date-text', path: '/delays/moveInDeadline/at' },
  { name: 'deadline at a text that is no date', mutate: (d) => (d.machine.states.townshipReview.meta.sla = '="明年"'), code: 'formula-date-text', path: `${S}/townshipReview/meta/sla` },
  { name: 'deadline at a date that does not exist', mutate: (d) => (d.machine.states.townshipReview.meta.sla = '="2025-02-30"'), code: 'formula-date-text', path: `${S}/townshipReview/meta/sla` },
  { name: 'the last visit date compared with a number', mutate: (d) => (d.machine.states.following.on.JUDGE_STABLE.guard = { type: 'formula', params: { expr: 'LAST(followUps.date) > 180' } }), code: 'formula-type', path: `${S}/following/on/JUDGE_STABLE/guard/params/expr` },
  { name: 'a sum of names', mutate: (d) => d.machine.states.following.on.SUBMIT.actions.push({ type: 'compute', params: { to: 'followStats.total', expr: 'SUM(register.members.name)' } }), code: 'formula-type', path: `${S}/following/on/SUBMIT/actions/1/params/expr` },
  { name: 'two dates added', mutate: (d) => d.machine.states.following.on.SUBMIT.actions.push({ type: 'compute', params: { to: 'followStats.when', expr: 'agreement.signedOn + moveIn.movedOn' } }), code: 'formula-type', path: `${S}/following/on/SUBMIT/actions/1/params/expr` },
  { name: 'a number field computed as text', mutate: (d) => (d.forms.register.schema.properties.memberCount.formula = 'householder & "户"'), code: 'formula-result-type', path: '/forms/register/schema/properties/memberCount/formula' },
  { name: 'a guard formula that gives a number, not 是/否', mutate: (d) => (d.machine.states.following.on.JUDGE_STABLE.guard = { type: 'formula', params: { expr: 'COUNT(followUps)' } }), code: 'formula-result-type', path: `${S}/following/on/JUDGE_STABLE/guard/params/expr` },
  { name: 'computed field reading a field the form lacks', mutate: (d) => (d.forms.register.schema.properties.memberCount.formula = 'COUNT(member)'), code: 'formula-field-unknown', path: '/forms/register/schema/properties/memberCount/formula' },
  { name: 'computed field reading itself', mutate: (d) => (d.forms.register.schema.properties.memberCount.formula = 'memberCount + 1'), code: 'formula-field-unknown', path: '/forms/register/schema/properties/memberCount/formula' },
  { name: 'computed fields reading each other in a circle', mutate: (d) => { d.forms.register.schema.properties.memberCount.formula = 'adults + 0'; d.forms.register.schema.properties.adults = { type: 'integer', title: '成年人数', formula: 'memberCount - 0' }; }, code: 'computed-cycle', path: '/forms/register/schema/properties/memberCount/formula' },
  // Formulas reading data before any step has filled it.
  { name: 'a deadline reading a form filled only in a later step', mutate: (d) => (d.machine.states.townshipReview.meta.sla = '=WORKDAY(agreement.signedOn, 5)'), code: 'formula-reads-later', path: `${S}/townshipReview/meta/sla` },
  { name: 'a guard reading a form filled only in a later step', mutate: (d) => (d.machine.states.townshipReview.on.APPROVE = { target: 'countyReview', guard: { type: 'formula', params: { expr: 'moveIn.movedOn > "2025-01-01"' } } }), code: 'formula-reads-later', path: `${S}/townshipReview/on/APPROVE/guard/params/expr` },
  { name: 'a guard reading the form its own step saves only after it', mutate: (d) => (d.machine.states.allocating.on.SUBMIT.guard = { type: 'formula', params: { expr: 'allocation.area > 50' } }), code: 'formula-reads-later', path: `${S}/allocating/on/SUBMIT/guard/params/expr` },
  { name: 'a compute reading a list appended only in a later step', mutate: (d) => (d.machine.states.countyReview.on.APPROVE = { target: 'mobilising', actions: [{ type: 'compute', params: { to: 'review.followUpCount', expr: 'COUNT(followUps)' } }] }), code: 'formula-reads-later', path: `${S}/countyReview/on/APPROVE/actions/0/params/expr` },
  { name: 'a timer whose date comes from a form filled only later', mutate: (d) => (d.delays.moveInDeadline = { at: '=WORKDAY(demolition.demolishedOn, 60)', label: '入住期限' }), code: 'formula-reads-later', path: '/delays/moveInDeadline/at' },
  { name: 'a guard comparing a field the cadre may leave empty (warning)', mutate: (d) => (d.machine.states.moving.on.SUBMIT.guard = { type: 'formula', params: { expr: 'allocation.area * 2 >= 120' } }), code: 'formula-compares-optional', path: `${S}/moving/on/SUBMIT/guard/params/expr` },
  { name: 'a guard comparing an optional field of the form just submitted (warning)', mutate: (d) => (d.machine.states.allocating.on.SUBMIT.guard = { type: 'formula', params: { expr: 'submitted.area > 40' } }), code: 'formula-compares-optional', path: `${S}/allocating/on/SUBMIT/guard/params/expr` },
  // A county's patch over a shared template.
  { name: 'a county patch deleting a form a step still uses', text: () => JSON.stringify({ extends: 'relocation', patch: { forms: { visit: null } } }), options: { findTemplate: (id) => (id === 'relocation' ? template('relocation') : undefined) }, code: 'patch-form-in-use', path: '/patch/forms/visit' },
  // Form schemas.
  { name: 'minimum above maximum', mutate: (d) => (d.forms.allocation.schema.properties.area.minimum = 300), code: 'limits-contradict', path: '/forms/allocation/schema/properties/area/minimum' },
  { name: 'minLength above maxLength', mutate: (d) => (d.forms.register.schema.properties.householder.minLength = 30), code: 'limits-contradict', path: '/forms/register/schema/properties/householder/minLength' },
  { name: 'minItems above maxItems', mutate: (d) => (d.forms.register.schema.properties.members.minItems = 30), code: 'limits-contradict', path: '/forms/register/schema/properties/members/minItems' },
  { name: 'exclusiveMinimum equal to maximum', mutate: (d) => { delete d.forms.followUp.schema.properties.income.minimum; d.forms.followUp.schema.properties.income.exclusiveMinimum = 1000000; }, code: 'limits-contradict', path: '/forms/followUp/schema/properties/income/exclusiveMinimum' },
  { name: 'an option listed twice', mutate: (d) => d.forms.employment.schema.properties.measure.enum.push('合作社带贫'), code: 'enum-duplicate', path: '/forms/employment/schema/properties/measure/enum/6' },
  { name: 'ui:enumNames of another length than the options', mutate: (d) => (d.forms.employment.uiSchema = { labour: { 'ui:enumNames': ['能人', '培训'] } }), code: 'enum-names-mismatch', path: '/forms/employment/uiSchema/labour/ui:enumNames' },
  { name: 'enumNames of another length than the options', mutate: (d) => (d.forms.employment.schema.properties.labour.enumNames = ['能人']), code: 'enum-names-mismatch', path: '/forms/employment/schema/properties/labour/enumNames' },
  { name: 'uiSchema for a field that does not exist (warning)', mutate: (d) => (d.forms.returnNote.uiSchema.reasn = { 'ui:widget': 'textarea' }), code: 'ui-field-unknown', path: '/forms/returnNote/uiSchema/reasn' },
  { name: 'a tuple the form cannot show', mutate: (d) => (d.forms.visit.schema.properties.position = { type: 'array', title: '位置', prefixItems: [{ type: 'number' }, { type: 'number' }] }), code: 'tuple-unsupported', path: '/forms/visit/schema/properties/position/prefixItems' },
  { name: 'a field type JSON Schema does not have', mutate: (d) => (d.forms.moveIn.schema.properties.movedOn.type = 'date'), code: 'form-schema-invalid', path: '/forms/moveIn/schema/properties/movedOn/type' },
  { name: 'a required field that is not defined, at the keyword', mutate: (d) => d.forms.moveIn.schema.required.push('movedon'), code: 'form-required-unknown', path: '/forms/moveIn/schema/required/1' },
  { name: 'a $ref to nowhere, at the keyword', mutate: (d) => (d.forms.moveIn.schema.properties.movedOn = { $ref: '#/$defs/day', title: '入住日期' }), code: 'form-ref-unknown', path: '/forms/moveIn/schema/properties/movedOn/$ref' },
  { name: 'a free-form object whose contents the server would refuse', mutate: (d) => (d.forms.moveIn.schema.properties.extra = { type: 'object', title: '其他情况' }), code: 'object-free-form', path: '/forms/moveIn/schema/properties/extra' },
  { name: 'a format the engine does not know', mutate: (d) => (d.forms.moveIn.schema.properties.movedOn.format = 'datum'), code: 'form-schema-invalid', path: '/forms/moveIn/schema/properties/movedOn' },
  { name: 'SLA on a final state (warning)', mutate: (d) => (d.machine.states.stable.meta.sla = 'P7D'), code: 'sla-on-final', path: `${S}/stable/meta/sla` },
];

const original = JSON.stringify(template('relocation'), null, 2);

describe('the checker catches typical authoring mistakes with the right code and path', () => {
  it('accepts the shipped definition as it is', () => {
    const r = checkSource(original);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  it('covers at least 70 kinds of mistake, with at least 45 different codes', () => {
    expect(new Set(mutations.map((m) => m.name)).size).toBeGreaterThanOrEqual(70);
    expect(new Set(mutations.map((m) => m.code)).size).toBeGreaterThanOrEqual(45);
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
      const r = checkSource(text, m.options);
      const all = [...r.errors, ...r.warnings];
      expect(all.map((p) => `${p.code} ${p.path}`)).toContain(`${m.code} ${m.path}`);
      const found = all.find((p) => p.code === m.code && p.path === m.path)!;
      expect(found.message).toMatch(/[\u4e00-\u9fff]/);
      const severity = problemCatalogue[m.code as keyof typeof problemCatalogue].severity;
      expect(r.ok).toBe(severity === 'warning');
    });
  }
});

const innocent: { name: string; mutate: (d: Loose) => void }[] = [
  { name: 'an always cycle with a guard on the way', mutate: (d) => {
    const sited = { type: 'matches', params: { schema: { required: ['allocation'], properties: { allocation: { required: ['site'] } } } } };
    d.machine.states.allocating.always = { target: 'moving', guard: sited };
    d.machine.states.moving.always = { target: 'allocating', guard: { type: 'not', params: { guard: sited } } };
  } },
  { name: 'a chain of always steps that comes to rest', mutate: (d) => {
    d.machine.states.registering.on.SUBMIT.target = 'sorting';
    d.machine.states.sorting = { meta: { label: '分流' }, always: [{ target: 'countyReview', guard: { type: 'matches', params: { schema: { properties: { register: { properties: { registeredPoor: { const: false } } } } } } } }, { target: 'townshipReview' }] };
  } },
  { name: 'guarded transitions before an unguarded one', mutate: (d) => (d.machine.states.townshipReview.on.APPROVE = [{ target: 'mobilising', guard: { type: 'matches', params: { schema: { properties: { register: { properties: { registeredPoor: { const: false } } } } } } } }, 'countyReview']) },
  { name: 'ui:enumNames as long as the options', mutate: (d) => (d.forms.employment.uiSchema = { labour: { 'ui:enumNames': ['能人大户', '需要培训', '三无人员'] } }) },
  { name: 'minimum equal to maximum', mutate: (d) => (d.forms.allocation.schema.properties.area.minimum = 200) },
  { name: 'a condition comparing a number field with a whole number', mutate: (d) => (d.machine.states.following.on.JUDGE_STABLE.guard.params.schema = { required: ['followUps'], properties: { allocation: { properties: { area: { minimum: 60, const: 120 } } } } }) },
  { name: 'a uiSchema entry for a field shown only when another is chosen', mutate: (d) => {
    const f = d.forms.refusal.schema;
    f.properties.other = { type: 'boolean', title: '另有原因' };
    f.if = { properties: { other: { const: true } }, required: ['other'] };
    f.then = { properties: { otherReason: { type: 'string', title: '其他原因' } } };
    d.forms.refusal.uiSchema = { otherReason: { 'ui:widget': 'textarea' } };
  } },
  { name: 'a history state with a default target inside its parent', mutate: (d) => { d.machine.states.mobilising = { ...d.machine.states.mobilising, initial: 'talking', states: { talking: {}, back: { type: 'history', target: 'talking' } } }; } },
  { name: 'a formula guard and a compute action over appended rows', mutate: (d) => {
    d.machine.states.following.on.JUDGE_STABLE.guard = { type: 'formula', params: { expr: 'AND(COUNT(followUps) >= 2, DAYS(TODAY(), FIRST(followUps._at)) >= 180, COUNTIF(followUps._by, "") = 0)', message: '至少回访两次、跟踪满半年才能认定稳定' } };
    d.machine.states.following.on.SUBMIT.actions.push({ type: 'compute', params: { to: 'followStats.average', expr: 'ROUND(AVERAGE(followUps.income), 2)' } });
  } },
  { name: 'formulas whose types hold: a real date, the last visit within 180 days, an error handled, a text field computed from a date', mutate: (d) => {
    d.machine.states.townshipReview.meta.sla = '="2026-12-31"';
    d.delays.moveInDeadline = { at: '=WORKDAY(agreement.signedOn, 60)', label: '入住期限' };
    d.machine.states.following.on.JUDGE_STABLE.guard = { type: 'formula', params: { expr: 'AND(DAYS(TODAY(), LAST(followUps.date)) <= 180, IFERROR(SUM(followUps.income) / COUNT(followUps) >= 500, FALSE), LAST(followUps.date) > "2025-01-01")' } };
    d.forms.visit.schema.properties.dueNote = { type: 'string', title: '下次走访', formula: 'date + 30' };
    d.machine.states.following.on.SUBMIT.actions.push({ type: 'compute', params: { to: 'followStats.average', expr: 'IFERROR(ROUND(AVERAGE(followUps.income), 2), 0)' } });
  } },
  { name: 'formulas reading what earlier steps filled, what a return brings back, and what this step saved just before', mutate: (d) => {
    d.machine.states.moving.meta.sla = '=WORKDAY(agreement.signedOn, 30)';
    d.machine.states.registering.on.SUBMIT.guard = { type: 'formula', params: { expr: 'OR(ISBLANK(returned.reason), submitted.householder <> "")' } };
    d.machine.states.allocating.on.SUBMIT.actions.push({ type: 'compute', params: { to: 'allocationStats.perHead', expr: 'IFERROR(allocation.area / register.memberCount, 0)' } });
  } },
  { name: 'comparisons on optional fields that handle the blank, and on required ones', mutate: (d) => {
    d.machine.states.moving.on.SUBMIT.guard = { type: 'formula', params: { expr: 'OR(ISBLANK(allocation.area), allocation.area >= 60)' } };
    d.machine.states.allocating.on.SUBMIT.guard = { type: 'formula', params: { expr: 'IFERROR(submitted.area > 40, TRUE)' } };
    d.machine.states.following.on.SUBMIT.guard = { type: 'formula', params: { expr: 'submitted.income >= 0' } };
  } },
  { name: 'picking rows: the last half year\'s visits by income, a visit found by its id, counts over two conditions', mutate: (d) => {
    d.machine.states.following.on.JUDGE_STABLE.guard = { type: 'formula', params: { expr: 'AND(MINIFS(followUps.income, followUps._by, LAST(followUps._by)) >= 500, COUNT(FILTER(followUps._id, followUps.date >= TODAY() - 180, followUps.income >= 500)) >= 2, XLOOKUP(1, followUps._id, followUps._at, TODAY()) <= TODAY(), COUNTIFS(followUps._by, "", followUps.income, 0) = 0)' } };
  } },
  { name: 'a return that picks one visit, and the visit corrected or voided by its id', mutate: (d) => {
    d.forms.returnNote.schema.properties.visit = { type: 'integer', title: '有误的走访', rowOf: 'visits' };
    d.machine.states.mobilising.on.FIX_VISIT = { actions: [{ type: 'changeRow', params: { list: 'visits', row: 'LAST(visits._id)', only: ['concerns'] } }] };
    d.machine.states.mobilising.on.VOID_VISIT = { actions: [{ type: 'voidRow', params: { list: 'visits', row: 'MAX(visits._id)' } }] };
    d.events.FIX_VISIT = { label: '更正走访', kind: 'submit', roles: ['village_cadre'], data: 'visit' };
    d.events.VOID_VISIT = { label: '作废走访', kind: 'submit', roles: ['village_cadre'] };
  } },
  { name: '会签 by the township reviewers', mutate: (d) => (d.machine.states.townshipReview.meta.approval = { mode: 'all' }) },
  { name: '联审 by 县住建局 then 县财政局, whose approval event lists neither bureau', mutate: twoBureaus },
  { name: '联审 in parallel, one bureau by a share', mutate: (d) => {
    const rule = twoBureaus(d);
    rule.order = 'parallel';
    rule.departments[1] = { label: '县财政局', role: 'finance_bureau', mode: 'ratio', ratio: 0.5 };
  } },
  { name: 'the same key in different objects', mutate: (d) => (d.forms.moveIn.schema.properties.note = { type: 'string', title: '备注', maxLength: 200 }) },
];

describe('innocent edits are not flagged', () => {
  for (const m of innocent) {
    it(m.name, () => {
      const d = JSON.parse(original) as Def;
      m.mutate(d);
      const r = checkSource(JSON.stringify(d, null, 2));
      expect([...r.errors, ...r.warnings].map((p) => `${p.code} ${p.path} ${p.message}`)).toEqual([]);
    });
  }

  it('a machine whose root is parallel needs no initial', () => {
    const def = {
      id: 'branch-check', title: '支部自查', caseLevel: 'branch', roles: { secretary: { label: '支部书记', level: 'branch' } }, startRoles: ['secretary'],
      forms: {}, events: { DONE_A: { label: '组织完成', roles: ['secretary'] }, DONE_B: { label: '活动完成', roles: ['secretary'] } },
      machine: { id: 'bc', type: 'parallel', states: {
        organisation: { initial: 'open', states: { open: { meta: { label: '组织建设' }, on: { DONE_A: 'closed' } }, closed: { type: 'final' } } },
        activities: { initial: 'open', states: { open: { meta: { label: '组织生活' }, on: { DONE_B: 'closed' } }, closed: { type: 'final' } } },
      } },
    };
    const r = checkDefinition(def);
    expect(r.errors).toEqual([]);
    // And the engine runs it: both regions start at once, the case is done when both are.
    const compiled = compile(r.definition!);
    const actor = { id: 's', grants: [{ role: 'secretary', unitPath: ['c', 't', 'v', 'b'], level: 'branch' as const }] };
    const at = { now: 0, actor, unitPath: ['c', 't', 'v', 'b'] };
    const started = startCase(compiled, at);
    if (!started.ok) throw new Error(started.rejection.code);
    expect(started.state).toEqual({ organisation: 'open', activities: 'open' });
    const a = transition(compiled, started.snapshot, { type: 'DONE_A' }, at);
    if (!a.ok) throw new Error(a.rejection.code);
    const b = transition(compiled, a.snapshot, { type: 'DONE_B' }, at);
    expect(b.ok && b.status).toBe('done');
  });
});

describe('format problems in words an author understands', () => {
  const said = (mutate: (d: Loose) => void, path: string) => {
    const d = JSON.parse(original) as Def;
    mutate(d);
    const found = checkSource(JSON.stringify(d)).errors.find((p) => p.path === path);
    expect(found?.code).toBe('schema-violation');
    return found!.message;
  };
  it('a list over its maximum says so, with the count', () => {
    expect(said((d) => (d.machine.states.townshipReview.on.APPROVE = Array.from({ length: 25 }, () => ({ target: 'countyReview' }))), `${S}/townshipReview/on/APPROVE`)).toContain('最多只能有 20 项，这里有 25 项');
  });
  it('a transition of the wrong type names every shape it may take', () => {
    expect(said((d) => (d.machine.states.registering.on.SUBMIT = 5), `${S}/registering/on/SUBMIT`)).toContain('应为文字、对象 {...}或列表 [...]');
  });
  it('an id, a level and a duration say the rule they break', () => {
    expect(said((d) => (d.id = 'Reloc'), '/id')).toContain('只能用小写英文字母、数字和短横线');
    expect(said((d) => (d.roles.village_cadre.level = 'town'), '/roles/village_cadre/level')).toContain('"township"');
    expect(said((d) => (d.delays.reviewTime.duration = '5 days'), '/delays/reviewTime/duration')).toContain('P5D（5 天）');
  });
});

describe('county variations', () => {
  const find = (id: string) => (id === 'relocation' ? template('relocation') : undefined);

  it('merges a patch over the template: a county adds a field', () => {
    const variation = { extends: 'relocation', patch: { forms: { register: { schema: { properties: { gridLeader: { type: 'string', title: '网格长' } } } } } } };
    const r = checkSource(JSON.stringify(variation), { findTemplate: find });
    expect(r.ok).toBe(true);
    const props = (r.definition!.forms.register!.schema as { properties: Record<string, unknown> }).properties;
    expect(Object.keys(props)).toContain('gridLeader');
    expect(Object.keys(props)).toContain('householder');
  });

  it('points a problem into the patch when the patch caused it', () => {
    const variation = { extends: 'relocation', patch: { machine: { states: { registering: { meta: { form: 'registr' } } } } } };
    const r = checkSource(JSON.stringify(variation), { findTemplate: find });
    expect(r.errors.map((p) => `${p.code} ${p.path}`)).toEqual(['form-unknown /patch/machine/states/registering/meta/form']);
  });

  it('a patch deleting a form still in use is reported at the patch, the template place of use beside it', () => {
    const r = checkSource(JSON.stringify({ extends: 'relocation', patch: { forms: { agreement: null } } }), { findTemplate: find });
    expect(r.ok).toBe(false);
    expect(r.errors.map((p) => ({ code: p.code, path: p.path, templatePath: p.templatePath }))).toEqual([{ code: 'patch-form-in-use', path: '/patch/forms/agreement', templatePath: '/events/SIGN/data' }]);
    expect(r.errors[0]!.message).toContain('县级变更删除了表单「签订搬迁协议」(agreement)，但模板在操作「签订协议」仍要用它');
  });

  it('a patch deleting a form together with every use of it is clean', () => {
    const patch = { forms: { refusal: null }, events: { REFUSE: null }, machine: { states: { mobilising: { on: { REFUSE: null } }, refused: null } } };
    const r = checkSource(JSON.stringify({ extends: 'relocation', patch }), { findTemplate: find });
    expect(r.errors).toEqual([]);
  });

  it('reports an unknown template and a malformed variation', () => {
    expect(checkSource(JSON.stringify({ extends: 'nope', patch: {} }), { findTemplate: find }).errors.map((p) => p.code)).toEqual(['extends-unknown']);
    expect(checkSource(JSON.stringify({ extends: 'relocation' }), { findTemplate: find }).errors.map((p) => p.code)).toEqual(['variation-invalid']);
  });
});

describe('checkDefinition never throws', () => {
  it.each([null, 42, 'text', [], { id: 'x' }, { machine: { states: { a: 1 } } }])('on %j', (value) => {
    const r = checkDefinition(value);
    expect(r.ok).toBe(false);
    expect(r.errors.length).toBeGreaterThan(0);
  });
});
