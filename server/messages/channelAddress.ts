/**
 * Where a channel may send: https to a public address, unless the county's operator lists the
 * host in CHANNEL_ALLOW_HOSTS (a 政务外网 gateway: plain http and a private address allowed).
 * Names are judged by every address DNS gives for them, and the connection is made to the
 * address judged (channelLookup), so a name cannot resolve one way for the check and another
 * for the connection.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { isBlockedAddress } from './addressRanges';

/** The hosts (names or addresses, lower case) a county's operator lets channels reach over http or on a private network. */
export type AllowHosts = readonly string[];

/** CHANNEL_ALLOW_HOSTS: comma-separated host names or addresses, as a URL spells them (IPv6 without brackets). */
export function parseAllowHosts(value: string | undefined): string[] {
  return (value ?? '').split(',').map((h) => h.trim().toLowerCase().replace(/^\[|\]$/g, '')).filter(Boolean);
}

/** Why a channel may not reach an address: the words the delivery log and the author see. */
export class AddressRefused extends Error {
  readonly code = 'CF_ADDRESS_REFUSED';
}

/** A URL's host as the allow list and the address checks read it: lower case, IPv6 without brackets, IPv4 in dotted form whatever its spelling. */
export const hostOf = (url: URL) => url.hostname.toLowerCase().replace(/^\[|\]$/g, '');

/** The problem with a channel URL before any DNS (scheme, an address literal), or null; `allow` lists the operator's exceptions. */
export function urlProblem(url: URL, allow: AllowHosts): string | null {
  const host = hostOf(url);
  if (allow.includes(host)) return url.protocol === 'https:' || url.protocol === 'http:' ? null : '只能是 http 或 https 地址';
  if (url.protocol !== 'https:') return '必须是 https 地址（http 只用于运维人员在 CHANNEL_ALLOW_HOSTS 中列出的主机）';
  if (url.username || url.password) return '不能包含用户名或密码';
  if (isIP(host) && isBlockedAddress(host)) return '指向本机、内网或保留地址，不允许';
  return null;
}

type Resolver = (host: string, options: { all: true }, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/** Every address of `host`, refused (AddressRefused) when one is not public and the host is not allowed. */
export function resolveChecked(host: string, allow: AllowHosts, resolve: Resolver = dnsLookup): Promise<LookupAddress[]> {
  return new Promise((done, fail) => {
    resolve(host, { all: true }, (err, addresses) => {
      if (err) return fail(err);
      if (!allow.includes(host.toLowerCase()) && addresses.some((a) => isBlockedAddress(a.address))) return fail(new AddressRefused(`${host} 解析到本机、内网或保留地址`));
      done(addresses);
    });
  });
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for http(s).request that connects only to addresses resolveChecked passed: the check and the connection use one answer. */
export function channelLookup(allow: AllowHosts, resolve: Resolver = dnsLookup) {
  return (host: string, options: { all?: boolean }, callback: LookupCallback): void => {
    resolveChecked(host, allow, resolve).then(
      (addresses) => (options.all ? callback(null, addresses) : callback(null, addresses[0]!.address, addresses[0]!.family)),
      (err: NodeJS.ErrnoException) => callback(err, []),
    );
  };
}
