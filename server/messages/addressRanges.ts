/**
 * Which IP addresses a channel may never reach: loopback, private, shared (CGNAT), link-local,
 * multicast, documentation, benchmarking and reserved ranges, IPv4 and IPv6, with the IPv4
 * inside IPv4-mapped, IPv4-compatible, NAT64 and 6to4 IPv6 addresses judged as IPv4.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** [first address, prefix length] of each IPv4 range a channel may not reach. */
const V4_BLOCKED: [string, number][] = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // shared address space (carrier-grade NAT)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata at 169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and 255.255.255.255 broadcast
];

const v4Number = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const V4_RANGES = V4_BLOCKED.map(([first, bits]) => ({ first: v4Number(first), size: 2 ** (32 - bits) }));

function v4Blocked(n: number): boolean {
  return V4_RANGES.some((r) => n >= r.first && n < r.first + r.size);
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 read as two groups). */
function v6Groups(ip: string): number[] {
  let text = ip.replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = v4Number(dotted[1]!);
    text = `${text.slice(0, dotted.index)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (s: string) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  return [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
}

function v6Blocked(g: number[]): boolean {
  const embeddedV4 = (hi: number, lo: number) => v4Blocked(g[hi]! * 65536 + g[lo]!);
  const zerosUntil = (n: number) => g.slice(0, n).every((x) => x === 0);
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, and :: and ::1 themselves): judged by the IPv4 inside.
  if (zerosUntil(5) && g[5] === 0xffff) return embeddedV4(6, 7);
  if (zerosUntil(6)) return true;
  // 64:ff9b::a.b.c.d (NAT64) and 2002:aabb:ccdd:: (6to4) reach an IPv4 address: judged by it.
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return embeddedV4(6, 7);
  if (g[0] === 0x2002) return embeddedV4(1, 2);
  // Only global unicast (2000::/3) is public; in it, 2001::/23 (protocol assignments, Teredo) and 2001:db8::/32 (documentation) are not.
  if ((g[0]! & 0xe000) !== 0x2000) return true;
  if (g[0] === 0x2001 && (g[1]! < 0x200 || g[1] === 0xdb8)) return true;
  return false;
}

/** True when `ip` (an IPv4 or IPv6 address as DNS or a URL gives it) is not a public unicast address; anything that is not an address counts as blocked. */
export function isBlockedAddress(ip: string): boolean {
  const bare = ip.replace(/^\[|\]$/g, '');
  if (isIPv4(bare)) return v4Blocked(v4Number(bare));
  if (isIPv6(bare)) return v6Blocked(v6Groups(bare));
  return true;
}
