import { dictionary } from '@zxcvbn-ts/language-common';

/** The ~49,000 passwords people use most (zxcvbn-ts's maintained list), lower-cased for lookup. */
let common: Set<string> | undefined;
const commonPasswords = () => (common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase())));

/** The kinds of character a password may mix: lower case, upper case, digits, everything else. */
const KINDS: [RegExp, string][] = [[/[a-z]/, '小写字母'], [/[A-Z]/, '大写字母'], [/[0-9]/, '数字'], [/[^a-zA-Z0-9]/, '符号']];

/** Shortest and longest password accepted. */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/**
 * Why a new password is refused under 等保 2.0 level 3 (at least 8 characters of 3 kinds, not holding
 * the username or phone number, not a well-known password), in Chinese; null when it is acceptable.
 */
export function passwordProblem(password: string, who: { username: string; phone?: string | null }): string | null {
  if (password.length < PASSWORD_MIN) return `密码至少 ${PASSWORD_MIN} 位`;
  if (password.length > PASSWORD_MAX) return `密码最多 ${PASSWORD_MAX} 位`;
  const kinds = KINDS.filter(([re]) => re.test(password)).length;
  if (kinds < 3) return `密码须包含${KINDS.map(([, name]) => name).join('、')}中的至少三种`;
  const lower = password.toLowerCase();
  if (who.username.length >= 3 && lower.includes(who.username.toLowerCase())) return '密码不能包含用户名';
  const phone = who.phone?.replace(/\D/g, '');
  if (phone && phone.length >= 7 && (password.includes(phone) || password.includes(phone.slice(-8)))) return '密码不能包含手机号';
  if (commonPasswords().has(lower)) return '这是常见密码，容易被猜到，请换一个';
  return null;
}
