import fs from 'node:fs';
import path from 'node:path';
import type { FastifyReply } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};

/**
 * Sends a file from under `root`, or answers 404. The relative path comes from the URL, so it is resolved
 * and checked to stay inside `root` (no `..` escapes).
 */
export async function sendFile(reply: FastifyReply, root: string, relative: string, cacheControl: string, contentType?: string) {
  const file = path.resolve(root, `.${path.posix.sep}${relative}`);
  if (file !== root && !file.startsWith(root + path.sep)) return reply.status(404).send({ error: { code: 'not_found', message: 'No such file.' } });
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
  } catch {
    return reply.status(404).send({ error: { code: 'not_found', message: 'No such file.' } });
  }
  if (!stat.isFile()) return reply.status(404).send({ error: { code: 'not_found', message: 'No such file.' } });
  return reply
    .header('content-type', contentType ?? TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream')
    .header('content-length', stat.size)
    .header('cache-control', cacheControl)
    .send(fs.createReadStream(file));
}
