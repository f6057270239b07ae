import { describe, expect, it } from 'vitest';
import { toFieldErrors } from '../../engine/fieldErrors';
import { createFormAjv } from '../../engine/formAjv';
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
