import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts';
import type { AppMetrics } from '../metrics/appMetrics';
import type { MetricsAccess } from '../metrics/metricsAccess';
import { errors } from './schemas';

/** What the metrics route needs from the app. */
export interface MetricsRoutesOptions {
  metrics: AppMetrics;
  access: MetricsAccess;
}

/** GET /metrics: Prometheus's text format, for a bearer token (METRICS_TOKEN) or an allowed address (METRICS_ALLOW, loopback by default). */
export const metricsRoutes: FastifyPluginAsyncJsonSchemaToTs<{ Options: MetricsRoutesOptions }> = async (app, { metrics, access }) => {
  app.get('/metrics', {
    schema: {
      tags: ['health'], summary: '监控指标（Prometheus 文本格式）：请求、办理步骤、定时器、消息投递、数据库连接池',
      headers: { type: 'object', properties: { authorization: { type: 'string' } } } as const,
      response: { 200: { type: 'string' }, ...errors(401, 403) },
    },
  }, async (request, reply) => {
    const refused = access(request.ip, request.headers.authorization);
    if (refused) throw refused;
    return reply.type(metrics.registry.contentType).send(await metrics.text());
  });
};
