import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { escapeHtml, sendPage } from '../platform/page.js';
import { CALLBACK_PATH, type SalesforceConnections } from './connections.js';

/** Where Salesforce sends the admin after the authorize page: finishes the connection and says so. */
export function salesforceCallbackPage(connections: () => SalesforceConnections): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    app.get(
      CALLBACK_PATH,
      {
        config: { rateLimit: { max: 30, timeWindow: 60_000 } },
        schema: {
          hide: true,
          querystring: Type.Object({
            state: Type.Optional(Type.String({ maxLength: 200 })),
            code: Type.Optional(Type.String({ maxLength: 2000 })),
            error: Type.Optional(Type.String({ maxLength: 200 })),
            error_description: Type.Optional(Type.String({ maxLength: 2000 })),
          }),
        },
      },
      async (request, reply) => {
        const outcome = await connections().completeAuthorization(request.query);
        if (outcome.kind === 'failed') {
          const back = outcome.returnUrl
            ? `<p><a class="button" id="return-to-salesforce" href="${escapeHtml(outcome.returnUrl)}">Return to Salesforce</a></p>`
            : '';
          return sendPage(reply, {
            title: outcome.title,
            status: outcome.status,
            body: `<h1>${escapeHtml(outcome.title)}</h1><p class="error" id="error">${escapeHtml(outcome.message)}</p>${back}`,
          });
        }
        return sendPage(reply, {
          title: 'Connected to Salesforce',
          body: `<h1>${outcome.reconnected ? 'Reconnected' : 'Connected'} to Salesforce</h1>
<p class="success" id="connected">MSI Actions can now work with your Salesforce org.</p>
<dl><dt>Org</dt><dd id="org-id">${escapeHtml(outcome.orgId)}</dd>
<dt>Connected as</dt><dd id="username">${escapeHtml(outcome.username)}</dd>
<dt>Instance</dt><dd>${escapeHtml(outcome.instanceUrl)}</dd></dl>
<p>Return to Salesforce to finish the setup; you can close this window.</p>
<p><a class="button" id="return-to-salesforce" href="${escapeHtml(outcome.returnUrl)}">Return to Salesforce</a></p>`,
        });
      },
    );
  };
}
