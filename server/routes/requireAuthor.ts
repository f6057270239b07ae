import type { Db } from '../db/open';
import { logAuthFailure } from '../cases/authFailures';
import { AppError } from '../errors';
import type { UserActor } from '../rights';

/** Only IT staff holding the `author` role at the county may read drafts, save them and publish; a refusal is recorded at `now`. */
export async function requireAuthor(db: Db, actor: UserActor, target: string, now: Date): Promise<void> {
  if (actor.grants.some((g) => g.role === 'author' && g.unitPath.length === 1)) return;
  await db.run(actor.county, (k) => logAuthFailure(k, actor, 'author', target, now));
  throw new AppError('CF_FORBIDDEN', '只有县级流程管理员（author 角色）可以编辑和发布流程');
}
