/**
 * How a message is posted to each kind of channel, in the format its receiver documents:
 * WeCom (企业微信) group robot markdown, DingTalk (钉钉) custom robot markdown with its signed
 * URL, and CountyFlow's own JSON signed with HMAC-SHA256 for a county's systems.
 */
import { createHmac } from 'node:crypto';

export const CHANNEL_KINDS = ['wecom', 'dingtalk', 'webhook'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** What is sent: one message about one case. */
export interface Outgoing {
  kind: string;
  caseId: string;
  title: string;
  body: string;
  at: string;
}

/** The HTTP request a channel gets for a message. */
export interface PostRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Builds the request for a channel; `now` (ms) signs DingTalk and webhook requests. */
export function requestFor(channel: { kind: string; url: string; secret: string | null }, m: Outgoing, now: number): PostRequest {
  const json = { 'content-type': 'application/json' };
  if (channel.kind === 'wecom') {
    // https://developer.work.weixin.qq.com/document/path/91770 — markdown message of a group robot.
    return { url: channel.url, headers: json, body: JSON.stringify({ msgtype: 'markdown', markdown: { content: `**${m.title}**\n> ${m.body}` } }) };
  }
  if (channel.kind === 'dingtalk') {
    // https://open.dingtalk.com/document/robots/custom-robot-access — markdown; with a secret, timestamp and sign in the URL.
    let url = channel.url;
    if (channel.secret) {
      const sign = createHmac('sha256', channel.secret).update(`${now}\n${channel.secret}`).digest('base64');
      url += `${url.includes('?') ? '&' : '?'}timestamp=${now}&sign=${encodeURIComponent(sign)}`;
    }
    return { url, headers: json, body: JSON.stringify({ msgtype: 'markdown', markdown: { title: m.title, text: `#### ${m.title}\n${m.body}` } }) };
  }
  // The county's own systems: the message as JSON, signed so the receiver can tell it came from CountyFlow, and when.
  const body = JSON.stringify({ event: m.kind, caseId: m.caseId, title: m.title, body: m.body, at: m.at });
  const headers: Record<string, string> = { ...json, 'x-countyflow-timestamp': String(now) };
  if (channel.secret) headers['x-countyflow-signature'] = `sha256=${createHmac('sha256', channel.secret).update(`${now}.${body}`).digest('hex')}`;
  return { url: channel.url, headers, body };
}

/** True when a group robot's answer says it took the message (they answer 200 with an errcode). */
export function accepted(kind: string, status: number, text: string): boolean {
  if (status < 200 || status >= 300) return false;
  if (kind === 'webhook') return true;
  try {
    return (JSON.parse(text) as { errcode?: number }).errcode === 0;
  } catch {
    return false;
  }
}
