/**
 * Readable field ids from a field's title. No pinyin library ships with the app, so a short glossary of the words
 * county forms use turns 申请人姓名 into applicantName and 低保证号 into dibaoNumber; Latin words in a title are kept;
 * a title with no known word gives the kind's own word (text, amount, date…). The author may always type an id instead.
 */
import type { FieldKind } from './fieldKinds';

/** Words of county forms, longest first when matched. */
const GLOSSARY: Record<string, string> = {
  身份证号码: 'idNumber', 身份证号: 'idNumber', 身份证: 'idNumber', 手机号码: 'mobile', 手机号: 'mobile', 手机: 'mobile',
  联系电话: 'phone', 电话: 'phone', 联系人: 'contact', 联系: 'contact', 现住址: 'address', 住址: 'address', 地址: 'address',
  申请人: 'applicant', 申请: 'apply', 户主: 'householder', 家庭: 'family', 成员: 'members', 人口: 'people', 人数: 'count',
  姓名: 'name', 名称: 'name', 证号: 'number', 编号: 'number', 号码: 'number', 门牌号: 'houseNumber',
  乡镇: 'township', 村组: 'villageGroup', 村: 'village', 社区: 'community', 县: 'county',
  金额: 'amount', 资金: 'funds', 补助: 'subsidy', 补贴: 'subsidy', 收入: 'income', 分红: 'dividend', 单价: 'price', 合计: 'total', 总计: 'total',
  面积: 'area', 数量: 'quantity', 日期: 'date', 时间: 'time', 出生: 'birth', 性别: 'gender', 年龄: 'age', 民族: 'ethnicity',
  关系: 'relation', 是否: 'is', 低保: 'dibao', 残疾: 'disabled', 原因: 'reason', 理由: 'reason', 说明: 'note', 备注: 'remark',
  意见: 'opinion', 审核: 'review', 审批: 'approval', 签名: 'signature', 签字: 'signature', 照片: 'photo', 附件: 'attachment',
  类型: 'type', 类别: 'category', 银行: 'bank', 账号: 'account', 开户行: 'bank', 房屋: 'house', 住房: 'housing', 土地: 'land',
  耕地: 'farmland', 岗位: 'job', 工作: 'work', 学校: 'school', 学生: 'student', 户籍: 'hukou', 户: 'household', 搬迁: 'relocation',
  证明: 'proof', 材料: 'materials', 情况: 'situation', 结果: 'result', 开始: 'start', 结束: 'end', 年份: 'year', 月份: 'month',
  文化程度: 'education', 健康: 'health', 职业: 'occupation', 单位: 'unit', 项目: 'project', 产业: 'industry', 种植: 'planting', 养殖: 'breeding',
};
const WORDS = Object.keys(GLOSSARY).sort((a, b) => b.length - a.length);

/** The word a field of each kind is called when its title says nothing the glossary knows. */
const KIND_WORDS: Record<FieldKind, string> = {
  text: 'text', longText: 'note', number: 'number', money: 'amount', date: 'date', choice: 'choice', multiChoice: 'choices',
  yesNo: 'yesNo', idNumber: 'idNumber', phone: 'phone', address: 'address', table: 'rows', group: 'group', file: 'photo',
  signature: 'signature', computed: 'total', row: 'row', custom: 'value',
};

const MAX_LENGTH = 40;

/** The words of a title, glossary terms and Latin words, in order. */
function wordsOf(title: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < title.length) {
    const latin = /^[A-Za-z0-9]+/.exec(title.slice(i));
    if (latin) {
      out.push(latin[0]);
      i += latin[0].length;
      continue;
    }
    const word = WORDS.find((w) => title.startsWith(w, i));
    if (word) {
      if (out.at(-1) !== GLOSSARY[word]) out.push(GLOSSARY[word]!);
      i += word.length;
    } else i++;
  }
  return out;
}

const camel = (words: string[]) => words.map((w, i) => (i === 0 ? w[0]!.toLowerCase() + w.slice(1) : w[0]!.toUpperCase() + w.slice(1))).join('');

/** A readable id for a field of this title and kind, not among `taken` (a number is added when it is). */
export function idFromTitle(title: string, kind: FieldKind, taken: readonly string[]): string {
  let base = camel(wordsOf(title)).slice(0, MAX_LENGTH);
  if (!/^[A-Za-z]/.test(base)) base = base ? `${KIND_WORDS[kind]}${base}` : KIND_WORDS[kind];
  if (!taken.includes(base)) return base;
  let n = 2;
  while (taken.includes(`${base}${n}`)) n++;
  return `${base}${n}`;
}
