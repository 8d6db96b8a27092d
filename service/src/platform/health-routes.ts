import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';

const Health = Type.Object({ status: Type.String() });
const Ready = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
  checks: Type.Object({
    database: Type.Union([Type.Literal('ok'), Type.Literal('failing')]),
    jobs: Type.Union([Type.Literal('ok'), Type.Literal('failing')]),
  }),
});

export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/healthz',
    { schema: { tags: ['health'], operationId: 'getHealth', summary: 'The process is alive', response: { 200: Health } } },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        operationId: 'getReadiness',
        summary: 'The database and the job queue answer',
        response: { 200: Ready, 503: Ready },
      },
    },
    async (_request, reply) => {
      const [database, jobs] = await Promise.all([app.database.ping(), app.jobs.ping()]);
      const ready = database && jobs;
      return reply.status(ready ? 200 : 503).send({
        status: ready ? 'ready' : 'not_ready',
        checks: { database: database ? 'ok' : 'failing', jobs: jobs ? 'ok' : 'failing' },
      });
    },
  );
};
