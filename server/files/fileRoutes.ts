/**
 * Files and photos: resumable uploads over the tus protocol (@tus/server, the protocol's own
 * Node server: a phone on a weak signal resumes where it stopped instead of starting again),
 * then kept by content, checked by what the bytes are (file-type), not by their name.
 *
 *   POST/HEAD/PATCH /api/uploads[/:id]  the tus protocol (each user sees only their own uploads,
 *                                        has a few open at a time, and they expire: openUploads.ts)
 *   POST /api/files                      a finished upload becomes a file of a case: { id, name, type, size, sha256 }
 *   GET  /api/files/:id[?size=thumb]     the file (or its thumbnail), to those who may see its case
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FileStore as TusFileStore } from '@tus/file-store';
import { Server as TusServer } from '@tus/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fileTypeFromFile } from 'file-type';
import { acceptedTypes, FILE_REF_PROPERTIES } from '../../engine/index';
import { requireActor } from '../authPlugin';
import type { Config } from '../config';
import type { Db } from '../db/open';
import { AppError } from '../errors';
import { canSee, type UserActor } from '../rights';
import { errors, idParam } from '../routes/schemas';
import { logAuthFailure } from '../cases/authFailures';
import { caseUnitPath, fileOfUpload, fileWithCase, insertFile } from './fileQueries';
import { diskFileStore, type FileStore } from './fileStore';
import { openUploadsOf, uploadDirOf, uploadIdOf } from './openUploads';
import { parseS3Url, s3FileStore } from './s3FileStore';
import { thumbnailOf } from './thumbnails';

/** What the bytes may be: photos and scanned documents (the kinds a file field may accept, engine/files.ts). */
const ALLOWED_TYPES = acceptedTypes(undefined);

/** A user's uploads are named under a prefix only they have: nobody resumes or probes another's upload. */
const ownerOf = (actor: UserActor) => createHash('sha256').update(`${actor.county}:${actor.id}`).digest('hex').slice(0, 16);

/** The stored reference a file field holds, as the engine defines it. */
const fileRefSchema = { type: 'object', required: ['id', 'name', 'type', 'size', 'sha256'], properties: FILE_REF_PROPERTIES } as const;

/** The configured store: S3-compatible when FILES_S3_URL is given, else the disk under FILES_DIR. */
function fileStoreOf(config: Config): FileStore {
  return config.filesS3Url ? s3FileStore(parseS3Url(config.filesS3Url, config.filesS3Region)) : diskFileStore(join(config.filesDir, 'content'));
}

export function fileRoutes(app: FastifyInstance, db: Db, config: Config): void {
  // Uploads in progress stay on the local disk (tus resumes them there); finished files go to the store.
  const uploadDir = uploadDirOf(config.filesDir);
  const store = fileStoreOf(config);
  // Made on the first upload: a server that never receives one touches no folder (the tus store checks its folder as it starts).
  let made: { datastore: TusFileStore; tus: TusServer } | undefined;
  const uploads = () => {
    if (made) return made;
    mkdirSync(uploadDir, { recursive: true });
    // An upload expires UPLOAD_EXPIRE_HOURS after it began: tus refuses to resume it (410) and says when (Upload-Expires); housekeeping deletes it.
    const datastore = new TusFileStore({ directory: uploadDir, expirationPeriodInMilliseconds: config.uploadExpireMs });
    const tus = new TusServer({
      path: '/api/uploads',
      datastore,
      relativeLocation: true,
      maxSize: config.uploadMaxBytes,
      // The upload the owner check passed, read from the path alone (tus's own reading would take the query's last segment).
      getFileIdFromRequest: (req) => uploadIdOf(req.url),
      namingFunction: (req) => `${req.headers.get('x-cf-owner')}-${randomUUID()}`,
    });
    return (made = { datastore, tus });
  };

  // The tus body is the raw stream: fastify leaves it unread for the tus server.
  app.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) => done(null));
  /** Refuses a new upload (CF_UPLOADS_OPEN) when the user's open ones are at UPLOAD_OPEN_MAX, or would pass UPLOAD_OPEN_MB with it. */
  const checkRoom = async (owner: string, length: string | string[] | undefined) => {
    const open = await openUploadsOf(uploadDir, owner, config.uploadMaxBytes);
    const declared = Number(length);
    const wanted = typeof length === 'string' && Number.isSafeInteger(declared) && declared >= 0 ? Math.min(declared, config.uploadMaxBytes) : config.uploadMaxBytes;
    const mb = (n: number) => Math.ceil(n / 1024 / 1024);
    const refuse = (message: string) => new AppError('CF_UPLOADS_OPEN', message, [{ path: '/upload-length', field: '上传', message: `「上传」${message}` }]);
    if (open.count >= config.uploadOpenMax) throw refuse(`未完成的上传已有 ${open.count} 个（每人最多 ${config.uploadOpenMax} 个），请先传完或等它们过期`);
    if (open.bytes + wanted > config.uploadOpenBytes) throw refuse(`未完成的上传加上这个文件将超过每人 ${mb(config.uploadOpenBytes)} MB，请先传完已有的上传`);
  };
  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    const actor = requireActor(request);
    const owner = ownerOf(actor);
    if (request.method === 'POST') await checkRoom(owner, request.headers['upload-length']);
    // The upload tus will act on (the path's, never the query's), and only the caller's own.
    else if (request.method !== 'OPTIONS' && !uploadIdOf(request.raw.url ?? '')?.startsWith(`${owner}-`)) throw new AppError('CF_NOT_FOUND');
    // Set by the server, whatever the client sent: the name prefix of this user's uploads (tus reads the raw header list).
    const raw = request.raw.rawHeaders;
    const kept: string[] = [];
    for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() !== 'x-cf-owner') kept.push(raw[i]!, raw[i + 1]!);
    request.raw.rawHeaders.splice(0, raw.length, ...kept, 'x-cf-owner', owner);
    request.raw.headers['x-cf-owner'] = owner;
    reply.hijack();
    await uploads().tus.handle(request.raw, reply.raw);
  };
  app.route({ method: ['POST', 'OPTIONS'], url: '/api/uploads', schema: { hide: true }, handler: handle });
  app.route({ method: ['HEAD', 'PATCH', 'DELETE'], url: '/api/uploads/:id', schema: { hide: true }, handler: handle });

  app.post('/api/files', {
    schema: {
      tags: ['files'], summary: '把上传完的文件存为案件的附件（按内容判断类型）',
      body: {
        type: 'object', required: ['uploadId', 'caseId'], additionalProperties: false,
        properties: { uploadId: { type: 'string', pattern: '^[0-9a-f]{16}-[0-9a-f-]{36}$' }, caseId: { type: 'string', pattern: '^[A-Za-z0-9-]{1,64}$' }, name: { type: 'string', maxLength: 200 } },
      },
      response: { 201: fileRefSchema, ...errors(400, 401, 404, 409, 413, 415) },
    },
  }, async (request, reply) => {
    const actor = requireActor(request);
    const body = request.body as { uploadId: string; caseId: string; name?: string };
    if (!body.uploadId.startsWith(`${ownerOf(actor)}-`)) throw new AppError('CF_NOT_FOUND', undefined, [{ path: '/uploadId', field: '上传', message: '「上传」不存在' }]);
    const { datastore } = uploads();
    const ref = await db.run(actor.county, async (k) => {
      const done = await fileOfUpload(k, actor.county, body.uploadId);
      if (done) return { ...done, size: Number(done.size) };
      const c = await caseUnitPath(k, actor.county, body.caseId);
      if (!c || !canSee(actor, c.org_path)) throw new AppError('CF_NOT_FOUND', undefined, [{ path: '/caseId', field: '案件', message: '「案件」不存在或无权查看' }]);
      const upload = await datastore.getUpload(body.uploadId).catch(() => null);
      if (!upload) throw new AppError('CF_NOT_FOUND', undefined, [{ path: '/uploadId', field: '上传', message: '「上传」不存在' }]);
      if (upload.size === undefined || upload.offset < upload.size) throw new AppError('CF_UPLOAD_INCOMPLETE');
      const path = join(uploadDir, body.uploadId);
      const sniffed = await fileTypeFromFile(path);
      if (!sniffed || !ALLOWED_TYPES.includes(sniffed.mime)) {
        await datastore.remove(body.uploadId).catch(() => undefined);
        throw new AppError('CF_FILE_TYPE', `文件类型不允许：只接受 JPEG、PNG、WebP 照片和 PDF（这个文件${sniffed ? `是 ${sniffed.ext}` : '无法识别'}）`, [{ path: '/uploadId', field: '文件', message: '「文件」类型不允许' }]);
      }
      const name = (body.name ?? upload.metadata?.filename ?? `文件.${sniffed.ext}`).slice(0, 200);
      const sha256 = await store.put(path);
      await datastore.remove(body.uploadId).catch(() => undefined);
      const row = { id: randomUUID(), name, type: sniffed.mime, size: upload.size, sha256 };
      await insertFile(k, actor.county, { ...row, uploadId: body.uploadId, caseId: body.caseId, createdBy: actor.id, createdAt: app.clock.now() });
      return row;
    });
    return reply.status(201).send(ref);
  });

  app.get('/api/files/:id', {
    schema: {
      tags: ['files'], summary: '下载文件或其缩略图（限能查看其案件的人）', params: idParam,
      querystring: { type: 'object', additionalProperties: false, properties: { size: { type: 'string', enum: ['thumb'], description: 'thumb：照片的缩略图（最长边 320 像素，WebP）；不是照片时给原文件' } } },
      response: errors(400, 401, 404),
    },
  }, async (request, reply) => {
    const actor = requireActor(request);
    const id = (request.params as { id: string }).id;
    const thumb = (request.query as { size?: 'thumb' }).size === 'thumb';
    const file = await db.run(actor.county, async (k) => {
      const row = await fileWithCase(k, actor.county, id);
      if (row && !canSee(actor, row.org_path)) await logAuthFailure(k, actor, 'view-file', id, app.clock.now());
      return row && canSee(actor, row.org_path) ? row : null;
    });
    if (!file) throw new AppError('CF_NOT_FOUND');
    const small = thumb ? await thumbnailOf(store, file.sha256, file.type) : null;
    const stream = small ?? (await store.read(file.sha256));
    if (!stream) throw new AppError('CF_NOT_FOUND');
    return reply
      .header('content-type', small ? 'image/webp' : file.type)
      .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(file.name)}`)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'")
      .header('cache-control', 'private, max-age=31536000, immutable')
      .send(stream);
  });
}
