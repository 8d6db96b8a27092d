import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { escapeHtml, sendPage } from '../platform/page.js';
import { SETUP_TAB } from '../account/pages.js';
import { proxyRoutes, readApexMap, type ProxyRoute } from './apex-map.js';
import { ConsoleSessions, TokenError } from './sessions.js';
import { sendFile } from './static-files.js';
import { adminCandidates, consoleOrg } from './org.js';
import { ConsoleOrgState, PERMISSION_SETS, SETTING_NAMES, label } from './org-state.js';

export const CONSOLE_DIST = fileURLToPath(new URL('../../../console/dist', import.meta.url));

/** SLDS's assets folder (styles, icons, fonts), or undefined when the package is not installed. */
function sldsAssets(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    return path.join(path.dirname(require.resolve('@salesforce-ux/design-system/package.json')), 'assets');
  } catch {
    return undefined;
  }
}

function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

/** Headers of the browser's call that the service should see, as Apex's callout would send them (the actor is set here). */
const FORWARDED = ['accept', 'content-type', 'x-msi-package-version', 'x-request-id'];

export function consoleRoutes(distDir = CONSOLE_DIST): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const sessions = new ConsoleSessions(app.config.publicUrl.startsWith('https:'));
    const orgState = new ConsoleOrgState();
    const routes = proxyRoutes(readApexMap());
    const assets = sldsAssets();

    // ---- the pages ---------------------------------------------------------------------------------------

    const sendIndex = async (_request: FastifyRequest, reply: FastifyReply) => {
      const index = path.join(distDir, 'index.html');
      if (!fs.existsSync(index)) {
        return sendPage(reply, {
          title: 'Console not built',
          status: 503,
          body: `<h1>The console is not built yet</h1><p>Run <code>npm run console:build</code> (npm start does it when its sources change), then reload this page.</p><p class="error">${escapeHtml(path.relative(process.cwd(), index))} is missing.</p>`,
        });
      }
      // The page names the bundle by build hash; the page itself must never be cached.
      return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(await fs.promises.readFile(index));
    };
    app.get('/console', { schema: { hide: true } }, sendIndex);
    app.get('/console/record/:objectApiName/:recordId', { schema: { hide: true } }, sendIndex);
    // The setup tab's own URL: the activation page's "Return to Salesforce" link lands here with c__claimCode,
    // because the console's org has the service's address as its instance URL.
    app.get(`/lightning/n/${SETUP_TAB}`, { schema: { hide: true } }, sendIndex);

    app.get('/console/app.js', { schema: { hide: true } }, async (request, reply) => {
      const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? '')) && fs.existsSync(path.join(distDir, 'app.js.gz'));
      reply.header('vary', 'accept-encoding');
      if (!gzip) return sendFileFrom(reply, distDir, 'app.js');
      reply.header('content-encoding', 'gzip');
      return sendFileFrom(reply, distDir, 'app.js.gz', 'text/javascript; charset=utf-8');
    });
    app.get('/console/app.js.map', { schema: { hide: true } }, async (_request, reply) => sendFileFrom(reply, distDir, 'app.js.map'));

    app.get('/assets/*', { schema: { hide: true } }, async (request, reply) => {
      if (!assets) return reply.status(404).send(errorBody('not_found', 'SLDS (@salesforce-ux/design-system) is not installed.'));
      return sendFile(reply, assets, (request.params as { '*': string })['*'], 'public, max-age=86400');
    });

    // ---- what Apex gets from the platform ----------------------------------------------------------------

    app.get('/console/org', { schema: { hide: true } }, async () => {
      const org = consoleOrg(app.context);
      const settings = orgState.settings(org.id);
      // The switches of MSI_Actions_Settings__c, as MsiActionsSettings.current() gives them to Apex.
      return { ...org, msiActionsEnabled: settings.enabled, msiActionsSettings: settings };
    });
    app.get('/console/org/admin-candidates', { schema: { hide: true } }, async () => adminCandidates(app.context));

    // Setup step 7 (MsiActionsConfigurationController): the custom setting and the permission set assignments.
    app.get('/console/org/settings', { schema: { hide: true } }, async () => orgState.settings(consoleOrg(app.context).id));
    app.put(
      '/console/org/settings',
      {
        schema: {
          hide: true,
          body: Type.Object({
            settings: Type.Object(Object.fromEntries(SETTING_NAMES.map((name) => [name, Type.Optional(Type.Union([Type.Boolean(), Type.Null()]))]))),
          }),
        },
      },
      async (request) => orgState.saveSettings(consoleOrg(app.context).id, request.body.settings),
    );
    app.get(
      '/console/org/permission-set-users',
      { schema: { hide: true, querystring: Type.Object({ search: Type.Optional(Type.String({ maxLength: 200 })) }) } },
      async (request) => orgState.permissionSetUsers(app.context, consoleOrg(app.context).id, request.query.search ?? ''),
    );
    app.post(
      '/console/org/permission-set-assignments',
      {
        schema: {
          hide: true,
          body: Type.Object({
            userIds: Type.Array(Type.String({ minLength: 1, maxLength: 18 }), { maxItems: 200 }),
            permissionSet: Type.Optional(Type.Union([Type.String({ maxLength: 80 }), Type.Null()])),
          }),
        },
      },
      async (request, reply) => {
        const { userIds, permissionSet } = request.body;
        if (userIds.length === 0) return reply.status(400).send(errorBody('users_required', label('MSI_Error_Users_Required')));
        if (!permissionSet || !(PERMISSION_SETS as readonly string[]).includes(permissionSet)) {
          return reply.status(400).send(errorBody('unknown_permission_set', label('MSI_Error_Unknown_Permission_Set', permissionSet)));
        }
        const result = orgState.assign(app.context, consoleOrg(app.context).id, userIds, permissionSet);
        if ('unknownUser' in result) {
          return reply.status(400).send(errorBody('invalid_user', `${result.unknownUser} is not an active user of this org.`));
        }
        return result;
      },
    );

    // MsiActionsSetupController.saveCredentials: the credentials the admin typed go where Apex puts them.
    app.post(
      '/console/session/credentials',
      {
        schema: {
          hide: true,
          body: Type.Object(
            { clientId: Type.String({ minLength: 1, maxLength: 200 }), clientSecret: Type.String({ minLength: 1, maxLength: 500 }) },
            { additionalProperties: false },
          ),
        },
      },
      async (request, reply) => {
        const clientId = request.body.clientId.trim();
        sessions.store(request, reply, { clientId, clientSecret: request.body.clientSecret.trim() });
        return { stored: true, clientId };
      },
    );

    // The Named Credential: the calls the Apex mapping lists, with this browser's token added.
    app.route({
      method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      url: '/console/api/v1/*',
      schema: { hide: true },
      handler: async (request, reply) => proxy(app, sessions, routes, request, reply),
    });
  };
}

async function sendFileFrom(reply: FastifyReply, dir: string, name: string, type?: string) {
  // The bundle's name carries no hash (index.html adds ?v=<hash>), so browsers revalidate it.
  return sendFile(reply, dir, name, 'no-cache', type);
}

async function proxy(app: FastifyInstance, sessions: ConsoleSessions, routes: ProxyRoute[], request: FastifyRequest, reply: FastifyReply) {
  const [rawPath, query = ''] = request.url.split('?', 2) as [string, string?];
  const servicePath = rawPath.slice('/console'.length);
  const matching = routes.filter((route) => route.method === request.method && route.pattern.test(servicePath));
  if (matching.length === 0) {
    return reply.status(404).send(errorBody('not_mapped', `${request.method} ${servicePath} is not a call of an Apex method in console/bridge/apex-map.json.`));
  }
  const isPublic = matching.every((route) => route.public);
  const storesCredentials = matching.some((route) => route.storesCredentials);

  const headers: Record<string, string> = {};
  for (const name of FORWARDED) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  // MsiActionsClient.actor(): the running user's id and name, without the characters the service refuses.
  const { user } = consoleOrg(app.context);
  headers['x-msi-actor'] = `${user.id} ${user.name.replace(/[^\p{L}\p{N} .,'@_()+:-]/gu, '')}`.trim().slice(0, 200);
  const credentials = isPublic ? undefined : sessions.credentials(request);
  if (!isPublic && !credentials) {
    // On the platform the Named Credential has no principal yet; the console answers as the service does for
    // an org without an account, which is what the setup page shows before step 1 is finished.
    return reply.status(404).send(errorBody('no_credentials', 'This console has no Client ID and Client Secret yet: finish step 1 (activate and return, or paste them).'));
  }

  const forward = async (renew: boolean) => {
    if (credentials) headers.authorization = `Bearer ${await sessions.accessToken(app, credentials, renew)}`;
    return app.inject({
      method: request.method as 'GET',
      url: `${servicePath}${query ? `?${query}` : ''}`,
      headers,
      payload: request.body === undefined ? undefined : JSON.stringify(request.body),
    });
  };

  let answer;
  try {
    answer = await forward(false);
    // A token the service no longer accepts (restart with new keys, revoked): fetch one again, once, as the
    // External Credential does.
    if (answer.statusCode === 401 && credentials) answer = await forward(true);
  } catch (error) {
    if (error instanceof TokenError) {
      return reply.status(401).send(errorBody('invalid_client', 'The stored Client ID and Client Secret were refused by POST /oauth/token.'));
    }
    throw error;
  }

  if (storesCredentials && answer.statusCode >= 200 && answer.statusCode < 300) {
    const body = answer.json() as { clientId?: unknown; clientSecret?: unknown };
    if (typeof body.clientId !== 'string' || typeof body.clientSecret !== 'string' || !body.clientId || !body.clientSecret) {
      return reply.status(502).send(errorBody('unexpected_response', 'The service answered without a Client ID and Client Secret.'));
    }
    sessions.store(request, reply, { clientId: body.clientId, clientSecret: body.clientSecret });
    // MsiActionsCredentials.store's CredentialResult: stored in the credential, the secret not handed back.
    return reply.header('cache-control', 'no-store').send({ stored: true, clientId: body.clientId });
  }

  reply.status(answer.statusCode);
  for (const name of ['content-type', 'retry-after', 'x-request-id']) {
    const value = answer.headers[name];
    if (value !== undefined) reply.header(name, value);
  }
  reply.header('cache-control', 'no-store');
  return reply.send(answer.rawPayload);
}
