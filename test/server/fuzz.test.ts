import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';

let t: TestApp;
let clients: (Client | null)[];
/** Real ids, so hostile bodies reach the engine and the database, not only the 404. */
let known: string[] = [];

interface Operation {
  method: string;
  path: string;
  parameters: { in: string; name: string }[];
  body: boolean;
  responses: Record<string, unknown>;
}

beforeAll(async () => {
  t = await createTestApp();
  clients = [await login(t.app, '532326', 'cun'), await login(t.app, '532326', 'xinxi'), await login(t.app, '532326', 'xiang'), null];
  const started = await Promise.all([0, 1, 2].map(() => clients[0]!.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })));
  known = [...started.map((r) => (r.json() as { id: string }).id), 'relocation', 'dividend', 'branch-standard', 'dividend-receipt'];
});
afterAll(() => t.close());

// Hostile values: deep nesting, NUL, lone surrogates, huge and odd numbers, long strings, wrong types.
/** Percent-encodes like a browser; a lone surrogate (which encodeURIComponent refuses) goes as the bytes a broken client would send. */
const enc = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return `%ED%A0%80${encodeURIComponent(s.replace(/[\ud800-\udfff]/g, ''))}`;
  }
};
const deep = (n: number) => JSON.parse(`${'['.repeat(n)}${']'.repeat(n)}`) as unknown;
const hostileText = fc.oneof(
  fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udfffy', '', ' ', '../../etc/passwd', '%00', '__proto__', 'constructor', "' OR 1=1 --", '<script>', '1e400', '-0', 'NaN', 'Infinity', '2147483648', '9'.repeat(400)),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constant('长'.repeat(600)),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileText,
  fc.constantFrom(1e308, -1e308, 2147483648, -1, 0, 0.1, Number.MAX_SAFE_INTEGER + 2, true, false, null),
  fc.constant(deep(60)),
  fc.constant(deep(200)),
  fc.array(hostileText, { maxLength: 5 }),
  fc.dictionary(hostileText, hostileText, { maxKeys: 4 }),
  fc.jsonValue({ maxDepth: 4 }),
);
const hostileBody = fc.oneof(
  fc.dictionary(fc.constantFrom('type', 'data', 'processId', 'orgUnitId', 'county', 'username', 'password', 'note', 'id', 'machine', 'forms', 'extends', 'patch'), hostileValue, { maxKeys: 6 }),
  hostileValue,
  fc.record({ type: fc.constantFrom('SUBMIT', 'APPROVE', 'RETURN', 'LOG_VISIT'), data: hostileValue }),
  fc.record({ processId: fc.constantFrom('relocation', 'dividend', 'branch-standard'), orgUnitId: fc.constantFrom('xiaokangyuan', 'xky-b1'), data: hostileValue }),
);

function operations(doc: { paths: Record<string, Record<string, { parameters?: Operation['parameters']; requestBody?: unknown; responses?: Record<string, unknown> }>> }): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      // Logging out would end the session the rest of the run needs; it is tested on its own elsewhere.
      .filter(([method]) => !(method === 'delete' && path === '/api/session'))
      .map(([method, op]) => ({ method: method.toUpperCase(), path, parameters: op.parameters ?? [], body: op.requestBody !== undefined, responses: op.responses ?? {} })));
}

describe(`every route, fed hostile input, answers without a 5xx and as its schema says (${dbKind})`, () => {
  it('2,000+ requests generated from the OpenAPI document', async () => {
    await t.app.ready();
    const doc = t.app.swagger() as unknown as Parameters<typeof operations>[0] & { components?: unknown };
    const ops = operations(doc);
    expect(ops.length).toBeGreaterThan(20);
    const ajv = new Ajv({ strict: false, allErrors: false });
    addFormats(ajv);
    ajv.addSchema({ ...(doc as object), $id: 'openapi' } as never);
    const validators = new Map<string, ValidateFunction | null>();
    const validatorFor = (op: Operation, status: number) => {
      const key = `${op.method} ${op.path} ${status}`;
      if (!validators.has(key)) {
        const response = op.responses[String(status)] as { content?: Record<string, { schema?: unknown }> } | undefined;
        const pointer = ['paths', op.path, op.method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema'].map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
        validators.set(key, response?.content?.['application/json']?.schema ? ajv.compile({ $ref: `openapi#/${pointer}` }) : null);
      }
      return validators.get(key)!;
    };

    const seenStatus = new Map<string, Set<number>>();
    let requests = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ops), fc.nat({ max: clients.length - 1 }), fc.dictionary(fc.string({ maxLength: 8 }), hostileText, { maxKeys: 3 }),
        fc.array(fc.oneof(hostileText, fc.constantFrom(...known)), { minLength: 4, maxLength: 4 }), hostileBody, fc.boolean(),
        async (op, who, extraQuery, values, body, rawText) => {
          const client = clients[who] ?? null;
          let i = 0;
          const url = op.path.replace(/\{[^}]+\}/g, () => enc(values[i++ % values.length]!));
          const query = new URLSearchParams();
          for (const p of op.parameters.filter((x) => x.in === 'query')) query.set(p.name, values[(i++) % values.length]!);
          for (const [k, v] of Object.entries(extraQuery)) query.set(k, v);
          const headers: Record<string, string> = client ? { 'x-csrf-token': client.csrf } : {};
          for (const p of op.parameters.filter((x) => x.in === 'header')) headers[p.name] = enc(values[(i++) % values.length]!);
          let payload: string | undefined;
          if (op.body) {
            headers['content-type'] = 'application/json';
            // Sometimes as text: lone surrogates and \u0000 escapes arrive as JSON would carry them.
            payload = rawText ? JSON.stringify(body) : JSON.stringify(body)?.replace(/"a"/g, '"\\ud800"');
          }
          const res: LightMyRequestResponse = await t.app.inject({
            method: op.method as 'GET', url: `${url}${query.size ? `?${query}` : ''}`, headers, ...(client ? { cookies: { cf_session: client.cookie } } : {}), ...(payload !== undefined ? { payload } : {}),
          });
          requests++;
          const key = `${op.method} ${op.path}`;
          if (!seenStatus.has(key)) seenStatus.set(key, new Set());
          seenStatus.get(key)!.add(res.statusCode);
          expect(res.statusCode, `${key} → ${res.statusCode} ${res.body.slice(0, 300)}`).toBeLessThan(500);
          if ((res.headers['content-type'] ?? '').toString().includes('application/json')) {
            const validate = validatorFor(op, res.statusCode);
            if (validate) expect(validate(res.json()), `${key} ${res.statusCode}: ${JSON.stringify(validate.errors)} ${res.body.slice(0, 300)}`).toBe(true);
          }
        },
      ),
      { numRuns: 2200 },
    );
    expect(requests).toBeGreaterThanOrEqual(2000);
    // Each route was reached (not only refused at the door).
    expect(seenStatus.size).toBe(ops.length);
  }, 300_000);
});
