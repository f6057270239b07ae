import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { AppError } from '../errors';

/** Who may read /metrics: a bearer token (from anywhere), or an address in the allowed list (loopback by default). */
export type MetricsAccess = (ip: string, authorization: string | undefined) => AppError | null;

const digest = (s: string) => createHash('sha256').update(s).digest();

/** An IPv4 client seen on an IPv6 socket (::ffff:127.0.0.1) is checked as the IPv4 address it is. */
const plain = (ip: string) => (ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip);

/** True for a request from this machine (127.0.0.0/8, ::1). */
export const fromLoopback = (ip: string) => /^127\./.test(plain(ip)) || ip === '::1';

/** Checks an Authorization header against `Bearer <token>`, as digests: equal lengths, and no timing that tells how much of a guess was right. */
export function bearerCheck(token: string): (authorization: string | undefined) => boolean {
  const wanted = digest(`Bearer ${token}`);
  return (authorization) => authorization !== undefined && timingSafeEqual(digest(authorization), wanted);
}

/** Builds the check from METRICS_TOKEN and METRICS_ALLOW; an entry that is no address or CIDR stops the server at start. */
export function metricsAccess(token: string | undefined, allow: string[]): MetricsAccess {
  const allowed = new BlockList();
  for (const entry of allow) {
    const [address = '', bits] = entry.split('/');
    const family = isIP(address);
    if (!family || (bits !== undefined && !/^\d{1,3}$/.test(bits))) throw new Error(`METRICS_ALLOW 中的「${entry}」不是地址或网段（如 10.0.0.5、10.0.0.0/8、::1）`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) allowed.addAddress(address, type);
    else allowed.addSubnet(address, Number(bits), type);
  }
  const tokenMatches = token ? bearerCheck(token) : null;
  return (ip, authorization) => {
    if (tokenMatches?.(authorization)) return null;
    const address = plain(ip);
    const family = isIP(address);
    if (family && allowed.check(address, family === 4 ? 'ipv4' : 'ipv6')) return null;
    return tokenMatches ? new AppError('CF_METRICS_TOKEN') : new AppError('CF_METRICS_FORBIDDEN');
  };
}
