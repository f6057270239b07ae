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
