import { readFileSync } from 'node:fs';
import Ajv from 'ajv';

/** Which claim of the identity provider names the account: `preferred_username` → users.username, `phone_number` → users.phone. */
export type SsoClaim = 'preferred_username' | 'phone_number';

/** One county's OpenID Connect identity provider (its government platform, a WeCom or DingTalk gateway). */
export interface SsoProvider {
  /** The county it signs people in to (six-digit code). */
  county: string;
  /** Short name of the provider within the county, e.g. `zwfw`; unique per county. */
  id: string;
  /** The button's text on the login page, e.g. 政务服务平台登录. */
  label: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  claim: SsoClaim;
}

const schema = {
  type: 'array',
  items: {
    type: 'object',
    required: ['county', 'id', 'label', 'issuer', 'clientId', 'clientSecret', 'claim'],
    additionalProperties: false,
    properties: {
      county: { type: 'string', pattern: '^\\d{6}$' },
      id: { type: 'string', pattern: '^[a-z0-9_-]{1,32}$' },
      label: { type: 'string', minLength: 1, maxLength: 40 },
      issuer: { type: 'string', pattern: '^https?://' },
      clientId: { type: 'string', minLength: 1 },
      clientSecret: { type: 'string', minLength: 1 },
      claim: { enum: ['preferred_username', 'phone_number'] },
    },
  },
} as const;

/** True for an address on this machine: only there may an identity provider be reached over plain http. */
export const isLoopback = (url: URL) => ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);

/**
 * The providers listed in the JSON file OIDC_PROVIDERS names (none when unset). A file that cannot be
 * read or does not fit the format stops the server at start-up with what is wrong, never at a sign-in.
 */
export function loadSsoProviders(file: string | undefined): SsoProvider[] {
  if (!file) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`OIDC_PROVIDERS: 无法读取 ${file}：${(e as Error).message}`, { cause: e });
  }
  const validate = new Ajv({ allErrors: true }).compile<SsoProvider[]>(schema);
  if (!validate(parsed)) throw new Error(`OIDC_PROVIDERS: ${file} 格式不对：${validate.errors!.map((e) => `${e.instancePath || '/'} ${e.message}`).join('；')}`);
  const seen = new Set<string>();
  for (const p of parsed) {
    const key = `${p.county}/${p.id}`;
    if (seen.has(key)) throw new Error(`OIDC_PROVIDERS: ${file} 中 ${key} 出现了两次`);
    seen.add(key);
    if (new URL(p.issuer).protocol === 'http:' && !isLoopback(new URL(p.issuer))) throw new Error(`OIDC_PROVIDERS: ${key} 的 issuer 须为 https 地址`);
  }
  return parsed;
}
