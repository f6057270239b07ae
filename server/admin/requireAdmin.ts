import type { FastifyRequest } from 'fastify';
import { requireActor } from '../authPlugin';
import { logAuthFailure } from '../cases/authFailures';
import type { Db } from '../db/open';
import { AppError } from '../errors';
import type { UserActor } from '../rights';

/** The county administrator's role (县管理员): people, org tree and calendars of the county. */
export const ADMIN_ROLE = 'admin';

/** True when the actor holds the administrator's role at the county itself. */
export const isAdmin = (actor: UserActor) => actor.grants.some((g) => g.role === ADMIN_ROLE && g.unitPath.length === 1);

/** A preHandler: only the county's administrator passes; anyone else is refused (and the attempt recorded). */
export const requireAdmin = (db: Db) => async (request: FastifyRequest): Promise<void> => {
  const actor = requireActor(request);
  if (isAdmin(actor)) return;
  await db.run(actor.county, (k) => logAuthFailure(k, actor, 'admin', request.url.split('?')[0]!, request.server.clock.now()));
  throw new AppError('CF_ADMIN_ONLY');
};
