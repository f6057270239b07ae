import { describe, expect, it } from 'vitest';
import { checkDefinition } from '../../engine/check/index';
import { toFieldErrors, unknownFieldErrors } from '../../engine/fieldErrors';
import { compileForm, createFormAjv } from '../../engine/formAjv';
import { template } from '../helpers/definitions';
import { isResidentIdNumber } from '../../engine/formats';
import { idNumber } from '../helpers/people';

const schema = {
  type: 'object',
  title: '登记',
  required: ['name', 'phone'],
  properties: {
    name: { type: 'string', title: '姓名', minLength: 2 },
    phone: { type: 'string', title: '手机号', format: 'cn-mobile' },
    age: { type: 'integer', title: '年龄', minimum: 0 },
    members: { type: 'array', title: '成员', items: { type: 'object', properties: { id: { type: 'string', title: '身份证号', format: 'cn-id-card' } } } },
  },
};

function errorsFor(data: unknown) {
  const validate = createFormAjv().compile(schema);
  validate(data);
  return toFieldErrors(schema, validate.errors ?? []);
}

describe('field errors in Chinese', () => {
  it('names each field by its title and gives the Chinese reason', () => {
    const errors = errorsFor({ name: '李', phone: '12345', age: -1, members: [{ id: '1' }] });
    expect(errors.map((e) => [e.path, e.message])).toEqual([
      ['/name', '「姓名」至少填写 2 个字'],
      ['/phone', '「手机号」不是有效的 11 位手机号码'],
      ['/age', '「年龄」不能小于 0'],
      ['/members/0/id', '「成员 › 第 1 项 › 身份证号」不是有效的 18 位居民身份证号（出生日期或校验位不对）'],
    ]);
  });

  it('points a missing field at the field itself', () => {
    expect(errorsFor({ name: '李四' })).toEqual([{ path: '/phone', field: '手机号', message: '「手机号」必须填写' }]);
  });
});

/** A form that uses $defs, conditional parts and combinations, as authors write them. */
const tricky = {
  type: 'object',
  title: '申请',
  $defs: { person: { type: 'object', required: ['name'], properties: { name: { type: 'string', title: '姓名', minLength: 2 }, born: { type: 'string', title: '出生时间', format: 'time' } } } },
  required: ['kind'],
  properties: {
    kind: { type: 'string', title: '申请类型', enum: ['个人', '集体'] },
    members: { type: 'array', title: '家庭成员', maxItems: 2, uniqueItems: true, items: { $ref: '#/$defs/person' } },
    contact: { oneOf: [{ type: 'string', title: '电话', pattern: '^1\\d{10}$' }, { type: 'integer', title: '分机号', maximum: 9999 }] },
  },
  if: { properties: { kind: { const: '集体' } }, required: ['kind'] },
  then: { required: ['orgName'], properties: { orgName: { type: 'string', title: '集体名称', minLength: 4 } } },
  allOf: [{ properties: { note: { type: 'string', title: '备注', maxLength: 5 } } }],
};

function trickyErrors(data: unknown) {
  const validate = createFormAjv().compile(tricky);
  validate(data);
  return toFieldErrors(tricky, validate.errors ?? []);
}

const JARGON = /oneOf|anyOf|allOf|then|else|\bif\b|format|schema|\$ref|const|enum|pattern|应当|匹配|模式|属性/;

describe('messages a cadre reads carry no schema words', () => {
  it('follows $ref and conditional parts to name fields by title, rows by their number', () => {
    const errors = trickyErrors({ kind: '集体', members: [{ name: '李明' }, { name: '王', born: '25:00' }], orgName: '合作', note: '太长了的备注' });
    const byPath = Object.fromEntries(errors.map((e) => [e.path, e.message]));
    expect(byPath['/members/1/name']).toBe('「家庭成员 › 第 2 项 › 姓名」至少填写 2 个字');
    expect(byPath['/members/1/born']).toBe('「家庭成员 › 第 2 项 › 出生时间」应为时间（时:分）');
    expect(byPath['/orgName']).toBe('「集体名称」至少填写 4 个字');
    expect(byPath['/note']).toBe('「备注」最多填写 5 个字');
    for (const e of errors) expect(e.message).not.toMatch(JARGON);
  });

  it('says plainly what a list over its maximum, a repeated row, a choice of forms and a conditional requirement mean', () => {
    const errors = trickyErrors({ kind: '集体', members: [{ name: '李明' }, { name: '李明' }, { name: '张三' }], contact: true });
    const messages = errors.map((e) => e.message);
    expect(messages).toContain('「家庭成员」最多只能有 2 项，现在超出了');
    expect(messages).toContain('「集体名称」必须填写');
    expect(messages.some((m) => m.startsWith('「contact」') || m.startsWith('「电话」'))).toBe(true);
    for (const m of messages) expect(m).not.toMatch(JARGON);
    const repeated = trickyErrors({ kind: '个人', members: [{ name: '李明' }, { name: '李明' }] }).map((e) => e.message);
    expect(repeated).toContain('「家庭成员」第 1 项和第 2 项重复了');
  });
});

describe('resident ID numbers', () => {
  it('accepts a valid number and refuses a wrong check digit or date', () => {
    const good = idNumber('532326', '19800101', '001');
    expect(isResidentIdNumber(good)).toBe(true);
    const wrongCheck = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    expect(isResidentIdNumber(wrongCheck)).toBe(false);
    expect(isResidentIdNumber(idNumber('532326', '19800231', '001'))).toBe(false);
    expect(isResidentIdNumber('5323261980010100')).toBe(false);
  });
});

describe('the server accepts what a published form allows, and nothing more', () => {
  const accepts = (form: object, data: unknown) => {
    const validate = compileForm(form);
    return { valid: validate(data), unknown: unknownFieldErrors(form as never, data) };
  };
  it('an enum of objects, and the fields dependentSchemas adds, are the form\'s own', () => {
    const form = {
      type: 'object', title: '补贴',
      properties: {
        plan: { type: 'object', title: '档次', enum: [{ level: 1, amount: 3000 }, { level: 2, amount: 5000 }] },
        hasBank: { type: 'boolean', title: '有银行卡' },
      },
      dependentSchemas: { hasBank: { properties: { bankCard: { type: 'string', title: '卡号', maxLength: 19 } } } },
    };
    expect(accepts(form, { plan: { level: 2, amount: 5000 }, hasBank: true, bankCard: '6228480000000000' })).toEqual({ valid: true, unknown: [] });
    // What the form does not list is still refused, naming it.
    expect(accepts(form, { hasBank: true, bankCard: '1', pin: '1234' }).unknown).toEqual([{ path: '/pin', field: 'pin', message: '「pin」表单中没有这一项，不能提交' }]);
  });

  it('the checker refuses an object field that lists nothing it holds (every submission filling it was refused), at that field', () => {
    const def = structuredClone(template('micro-loan'));
    (def.forms.apply!.schema as { properties: Record<string, unknown> }).properties.extra = { type: 'object', title: '其他情况' };
    const report = checkDefinition(def);
    expect(report.errors).toEqual([expect.objectContaining({ code: 'object-free-form', path: '/forms/apply/schema/properties/extra', message: expect.stringContaining('「其他情况」是一组数据却没有列出其中的任何一项') })]);
  });
});

describe('messages name what the author wrote', () => {
  it('a title beside $ref names the field; additionalItems is said to be replaced in 2020-12, not unknown', () => {
    const form = { type: 'object', $defs: { phone: { type: 'string', title: '电话', format: 'cn-mobile' } }, properties: { spousePhone: { $ref: '#/$defs/phone', title: '配偶电话' } } };
    const validate = compileForm(form);
    expect(validate({ spousePhone: '123' })).toBe(false);
    expect(toFieldErrors(form as never, validate.errors ?? [])).toEqual([expect.objectContaining({ path: '/spousePhone', field: '配偶电话' })]);
    const def = structuredClone(template('micro-loan'));
    (def.forms.apply!.schema as { properties: Record<string, unknown> }).properties.list = { type: 'array', title: '清单', items: { type: 'string', title: '一项' }, additionalItems: false };
    expect(checkDefinition(def).errors).toEqual([expect.objectContaining({ code: 'schema-keyword-unknown', message: expect.stringContaining('已由 items 取代') })]);
  });
});
