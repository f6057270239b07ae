import { describe, expect, it } from 'vitest';
import { checkDefinition } from '../../engine/check/index';
import { compile } from '../../engine/compile';
import { maskCaseData, maskEventData, maskPersonal, personalFieldAt, personalFields, titleIsPersonal } from '../../engine/personal';
import { template } from '../helpers/definitions';
import { idNumber, registration } from '../helpers/people';

describe('personal information', () => {
  it('masks an ID number, a mobile number and a marked value as the product shows them', () => {
    expect(maskPersonal('532326198001010017', 'id-card')).toBe('532326********0017');
    expect(maskPersonal('13812345678', 'mobile')).toBe('138****5678');
    expect(maskPersonal('李明华', 'other')).toBe('李*华');
    expect(maskPersonal('李明', 'other')).toBe('李*');
    expect(maskPersonal('𠀀家𠀁', 'other')).toBe('𠀀*𠀁');
  });

  it('finds the shipped relocation form\'s ID numbers and phone by their formats, in rows and where a return saves them', () => {
    const paths = personalFields(template('relocation')).map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['register.idNumber', 'register.phone', 'register.members.*.idNumber']));
    expect(paths).not.toContain('register.householder');
    expect(personalFields(template('relocation')).find((f) => f.path === 'register.members.*.idNumber')?.title).toBe('摸底登记·家庭成员·身份证号');
  });

  it('masks a case\'s data without changing it, and says what it masked', () => {
    const data = { register: { ...registration(), phone: '13812345678' } };
    const before = JSON.stringify(data);
    const { data: shown, masked } = maskCaseData(template('relocation'), data);
    expect(JSON.stringify(data)).toBe(before);
    const reg = shown.register as { idNumber: string; phone: string; householder: string; members: { idNumber: string }[] };
    expect(reg.idNumber).toBe(`${idNumber().slice(0, 6)}********${idNumber().slice(-4)}`);
    expect(reg.phone).toBe('138****5678');
    expect(reg.householder).toBe('李明华');
    expect(reg.members[1]!.idNumber).toMatch(/^532326\*{8}\d{3}[\dX]$/);
    expect(masked.map((m) => m.path)).toEqual(expect.arrayContaining(['register.idNumber', 'register.phone', 'register.members.0.idNumber', 'register.members.1.idNumber']));
  });

  it('a case title is personal when its path or formula reads a personal field, or a part or list holding one', () => {
    const titled = (caseTitle: string) => ({ ...template('relocation'), caseTitle });
    expect(titleIsPersonal(template('relocation'))).toBe(false);
    expect(titleIsPersonal(titled('register.idNumber'))).toBe(true);
    expect(titleIsPersonal(titled('=register.householder & "（" & RIGHT(register.phone, 4) & "）"'))).toBe(true);
    expect(titleIsPersonal(titled('=TEXTJOIN("、", TRUE, register.members.idNumber)'))).toBe(true);
    expect(titleIsPersonal(titled('register.members.0.idNumber'))).toBe(true);
    expect(titleIsPersonal(titled('=register.householder & "家"'))).toBe(false);
  });

  it('the checker warns when a compute copies personal information where it is not masked, and not when it writes to a personal field or reads none', () => {
    const withCompute = (expr: string, to: string) => {
      const def = template('relocation');
      const submit = (def.machine.states as Record<string, { on?: Record<string, { actions?: unknown[] }> }>).registering!.on!.SUBMIT!;
      submit.actions = [...(submit.actions ?? []), { type: 'compute', params: { to, expr } }];
      return checkDefinition(def).warnings.filter((w) => w.code === 'personal-copied');
    };
    const copied = withCompute('register.idNumber', 'summary.id');
    expect(copied).toHaveLength(1);
    expect(copied[0]!.message).toContain('compute 读取个人信息「摸底登记·户主身份证号」，结果写到「summary.id」');
    expect(copied[0]!.path).toMatch(/\/params\/expr$/);
    expect(withCompute('TEXTJOIN("、", TRUE, register.members.idNumber)', 'summary.ids')).toHaveLength(1);
    expect(withCompute('register.idNumber', 'register.phone')).toEqual([]);
    expect(withCompute('register.householder & "家"', 'summary.name')).toEqual([]);
  });

  it('an author marks other fields personal (a whole list too) or unmarks one, and the checker accepts only true or false', () => {
    const def = template('relocation');
    const props = (def.forms.register!.schema as { properties: Record<string, Record<string, unknown>> }).properties;
    props.householder!.personal = true;
    props.phone!.personal = false;
    const paths = personalFields(def).map((f) => f.path);
    expect(paths).toContain('register.householder');
    expect(paths).not.toContain('register.phone');
    expect(checkDefinition(def).errors).toEqual([]);
    expect(personalFieldAt(def, 'register.members.3.idNumber')?.kind).toBe('id-card');
    expect(personalFieldAt(def, 'register.dwelling')).toBeUndefined();
    props.householder!.personal = 'yes';
    const problem = checkDefinition(def).errors.find((p) => p.path === '/forms/register/schema');
    expect(problem?.message).toContain('「personal」只能写 true 或 false');
  });

  it('finds a personal field reached through $ref, a combinator or dependentSchemas (they were shown in full)', () => {
    const def = template('relocation');
    const schema = def.forms.register!.schema as Record<string, unknown> & { properties: Record<string, unknown> };
    schema.$defs = { idCard: { type: 'string', format: 'cn-id-card' } };
    schema.properties.spouseId = { $ref: '#/$defs/idCard', title: '配偶身份证号' };
    schema.properties.hasAgent = { type: 'boolean', title: '有代办人' };
    schema.dependentSchemas = { hasAgent: { properties: { agentPhone: { type: 'string', title: '代办人电话', format: 'cn-mobile' } } } };
    const found = Object.fromEntries(personalFields(def).map((f) => [f.path, f]));
    expect(found['register.spouseId']).toMatchObject({ kind: 'id-card', title: expect.stringContaining('配偶身份证号') });
    expect(found['register.agentPhone']?.kind).toBe('mobile');
    expect(checkDefinition(def).errors).toEqual([]);
  });

  it('masks what a step recorded by the form of the step it was sent from', () => {
    const compiled = compile(template('relocation'));
    const sent = maskEventData(compiled, 'SUBMIT', 'registering', { ...registration(), phone: '13812345678' }) as { phone: string; householder: string };
    expect(sent.phone).toBe('138****5678');
    expect(sent.householder).toBe('李明华');
    const started = maskEventData(compiled, 'xstate.init', '', { register: { phone: '13812345678' } }) as { register: { phone: string } };
    expect(started.register.phone).toBe('138****5678');
  });
});
