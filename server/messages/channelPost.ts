/**
 * Posts one message to a channel, and tells the result in the delivery log's words: the HTTP
 * status and a short classified reason (地址不允许, 超时, HTTP 500 …), never the reply's body.
 * Redirects are not followed; only the address the checks passed is connected to.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { isBlockedAddress } from './addressRanges';
import { AddressRefused, type AllowHosts, channelLookup, hostOf, urlProblem } from './channelAddress';
import type { PostRequest } from './channelFormats';

/** The most of a reply read (a group robot's `{"errcode":0}`); the rest is dropped unread. */
const REPLY_LIMIT = 64 * 1024;

/** What came of one attempt: the status when there was an answer, and the reply's text (only for judging it, never kept). */
export type PostResult = { status: number; text: string } | { status: null; reason: string };

/** The delivery log's short reason for an error before any answer. */
function reasonFor(err: NodeJS.ErrnoException): string {
  if (err instanceof AddressRefused) return '地址不允许';
  if (err.name === 'TimeoutError' || err.name === 'AbortError' || err.code === 'ETIMEDOUT') return '超时';
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return '域名无法解析';
  if (err.code === 'ECONNREFUSED') return '连接被拒绝';
  if (err.code?.startsWith('ERR_TLS') || /CERT|SELF_SIGNED/.test(err.code ?? '')) return '证书无效';
  return '连接失败';
}

/** Sends `req` unless its address is refused; answers within `timeoutMs` or is counted a timeout. */
export function postToChannel(req: PostRequest, allow: AllowHosts, timeoutMs: number): Promise<PostResult> {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return Promise.resolve({ status: null, reason: '地址不允许' });
  }
  const host = hostOf(url);
  // An address literal is never looked up, so it is judged here; a name is judged by channelLookup as it connects.
  if (urlProblem(url, allow) || (isIP(host) && !allow.includes(host) && isBlockedAddress(host))) return Promise.resolve({ status: null, reason: '地址不允许' });
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((done) => {
    const r = send(url, { method: 'POST', headers: req.headers, lookup: channelLookup(allow) as never, agent: false, signal: AbortSignal.timeout(timeoutMs) }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= REPLY_LIMIT) chunks.push(c);
      });
      res.on('end', () => done({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e: NodeJS.ErrnoException) => done({ status: null, reason: reasonFor(e) }));
    });
    r.on('error', (e: NodeJS.ErrnoException) => done({ status: null, reason: reasonFor(e) }));
    r.end(req.body);
  });
}
