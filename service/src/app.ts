import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './platform/config.js';
import type { Database } from './platform/database.js';
import type { Jobs } from './platform/jobs.js';
import { ErrorBody, registerErrorHandler } from './platform/errors.js';
import { loggerOptions, writeRequestLine } from './platform/logger.js';
import { healthRoutes } from './platform/health-routes.js';
import { registerTextCheck } from './platform/request-text.js';
import { bearerTokenError, decorateCaller, type AccessTokenVerifier } from './platform/auth.js';
import { packageRoutes, unsupportedPackage } from './platform/package-version.js';
import { capabilities as defaultCapabilities, type Capability, type CapabilityContext } from './capabilities.js';

export const SERVICE_VERSION = '1.0.0';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    database: Database;
    jobs: Jobs;
    services: Record<string, unknown>;
    serviceVersion: string;
    /** Set by the runtime once capabilities are set up. */
    context: CapabilityContext;
  }
}

export interface AppDependencies {
  config: Config;
  database: Database;
  jobs: Jobs;
  services?: CapabilityContext['services'];
  capabilities?: Capability[];
}

export interface BuildOptions {
  /** Where log lines go (tests capture them); stdout by default. */
  logStream?: NodeJS.WritableStream;
  /** Turn logging off entirely (benchmarks of the bare stack still keep it on). */
  logger?: FastifyServerOptions['logger'];
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

export async function buildApp(deps: AppDependencies, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? loggerOptions(deps.config, options.logStream),
    // A caller's request id (Salesforce sends one per transaction) is kept when it is well-formed.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // The client's address (per-address rate limits) comes from X-Forwarded-For only from the proxies TRUST_PROXY names.
    trustProxy: deps.config.trustProxy,
    // One line per request (the onResponse hook below) instead of Fastify's two: half the logging cost.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 12 * 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('config', deps.config);
  app.decorate('database', deps.database);
  app.decorate('jobs', deps.jobs);
  app.decorate('services', deps.services ?? {});
  app.decorate('serviceVersion', SERVICE_VERSION);

  // Callback hooks rather than async ones: they run on every request, and a promise each costs.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const line = {
      method: request.method,
      // The path only: query strings may carry OAuth codes and tokens.
      path: pathOf(request.url),
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      account: request.accountId || undefined,
    };
    // Probes would drown everything else at info.
    writeRequestLine(request.log, line, line.path === '/healthz' || line.path === '/readyz' ? 'debug' : 'info');
    done();
  });

  registerErrorHandler(app);
  app.addSchema(ErrorBody);
  // Every route: text PostgreSQL cannot store (NUL, lone surrogates) is a 400 naming the field.
  registerTextCheck(app);

  await app.register(formbody);
  // Only routes that opt in are limited (public routes such as /oauth/token and account creation).
  await app.register(rateLimit, { global: false });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'MSI Actions service',
        version: SERVICE_VERSION,
        description:
          'The companion service of the MSI Actions for Salesforce package. Apex reaches it through the ' +
          '`MSI_Actions` Named Credential; every `/api/v1` operation has an operationId.',
      },
      servers: [{ url: deps.config.publicUrl }],
      components: {
        securitySchemes: {
          clientCredentials: {
            type: 'oauth2',
            flows: { clientCredentials: { tokenUrl: '/oauth/token', scopes: {} } },
          },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (json.$id as string) ?? `def-${i}` },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoutes);

  const capabilities = deps.capabilities ?? defaultCapabilities;
  await app.register(
    async (api) => {
      decorateCaller(api);
      // One callback hook for both checks (the hottest path of the service: no promise, one hook
      // call): a Bearer token unless the route is public, then a package version still supported.
      api.addHook('onRequest', (request, reply, done) => {
        done(bearerTokenError(request, reply, app.services.accessTokens as AccessTokenVerifier | undefined) ?? unsupportedPackage(request));
      });
      packageRoutes(api);
      for (const capability of capabilities) if (capability.apiRoutes) await api.register(capability.apiRoutes);
    },
    { prefix: '/api/v1' },
  );
  for (const capability of capabilities) if (capability.rootRoutes) await app.register(capability.rootRoutes);

  return app;
}
