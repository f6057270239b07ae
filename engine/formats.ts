/** String formats for Chinese government forms, registered with ajv, each with the Chinese message shown on failure. */

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** The check digit (GB 11643) for the first 17 digits of a resident ID number. */
export function idCheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * (ID_WEIGHTS[i] ?? 0);
  return ID_CHECK[sum % 11]!;
}

/** True for an 18-digit resident ID number (居民身份证号) with a real birth date and a valid check digit. */
export function isResidentIdNumber(text: string): boolean {
  if (!/^\d{17}[\dX]$/.test(text)) return false;
  const y = Number(text.slice(6, 10));
  const m = Number(text.slice(10, 12));
  const d = Number(text.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d) return false;
  return idCheckDigit(text) === text[17];
}

/** The formats CountyFlow adds to ajv's standard ones, with their Chinese failure messages. */
export const cnFormats: Record<string, { validate: (s: string) => boolean; message: string }> = {
  'cn-id-card': { validate: isResidentIdNumber, message: '不是有效的 18 位居民身份证号（出生日期或校验位不对）' },
  'cn-mobile': { validate: (s) => /^1[3-9]\d{9}$/.test(s), message: '不是有效的 11 位手机号码' },
  'cn-phone': { validate: (s) => /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/.test(s), message: '不是有效的电话号码（手机或带区号的座机）' },
};
