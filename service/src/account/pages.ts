import type { FastifyError, FastifyPluginAsync, FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError } from '../platform/errors.js';
import { escapeHtml, sendPage } from '../platform/page.js';
import type { AccountService } from './service.js';

/** The API name of the setup tab in the package; the claim code travels back to it as c__claimCode. */
export const SETUP_TAB = 'MSI_Actions_Setup';

const STATES = {
  invalid: ['This link is not valid', 'Check that you opened the newest invitation e-mail; sending an invitation again makes older links stop working.'],
  used: ['This link has already been used', 'You already have access. Open MSI Actions from Salesforce.'],
  expired: ['This link has expired', 'Invitation links work for 7 days. Ask for a new invitation from the MSI Actions Setup page in Salesforce.'],
} as const;

/** The activation page of the invitation e-mail's link. GET only shows; POST activates (mail scanners follow links). */
export function activationPages(service: () => AccountService): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const limit = { rateLimit: { max: 30, timeWindow: 60_000 } };
    const invalidLink = (reply: FastifyReply) => {
      const [title, text] = STATES.invalid;
      return sendPage(reply, { title, status: 400, body: `<h1>${title}</h1><p class="error">${text}</p>` });
    };
    // A person follows these links in a browser: too many tries get a page that says so, not JSON, and
    // so does a token the schema refuses (too long, empty, text that cannot be stored): a link that is not valid.
    app.setErrorHandler((error: FastifyError | AppError, _request, reply) => {
      if (error.statusCode === 429) {
        const title = 'Too many attempts';
        return sendPage(reply, { title, status: 429, body: `<h1>${title}</h1><p class="error">Too many activation attempts from this address. Wait a minute, then open the link again.</p>` });
      }
      if ((error as FastifyError).validation || error.statusCode === 400) return invalidLink(reply);
      throw error;
    });

    app.get(
      '/activate',
      { config: limit, schema: { hide: true, querystring: Type.Object({ token: Type.String({ maxLength: 200, default: '' }) }) } },
      async (request, reply) => {
        const state = request.query.token ? await service().invitationPage(request.query.token) : ({ state: 'invalid' } as const);
        if (state.state !== 'valid') {
          const [title, text] = STATES[state.state];
          return sendPage(reply, { title, status: 400, body: `<h1>${title}</h1><p class="error">${text}</p>` });
        }
        const action = state.accountPending ? 'Activate the account' : 'Accept the invitation';
        return sendPage(reply, {
          title: action,
          body: `<h1>${state.accountPending ? 'Activate MSI Actions' : 'Join MSI Actions'}</h1>
<p>Hello ${escapeHtml(state.inviteeName)} (${escapeHtml(state.inviteeEmail)}),</p>
<p>${
            state.accountPending
              ? `You are about to activate the MSI Actions account of the Salesforce org <strong>${escapeHtml(state.orgName)}</strong> (${escapeHtml(state.orgId)}). As the first administrator you become its <strong>original user</strong>, and the next page shows the Client ID and Client Secret of the account.`
              : `You are about to join the MSI Actions account of the Salesforce org <strong>${escapeHtml(state.orgName)}</strong>.`
          }</p>
<form method="post" action="/activate"><input type="hidden" name="token" value="${escapeHtml(request.query.token)}">
<button type="submit">${action}</button></form>`,
        });
      },
    );

    app.post(
      '/activate',
      { config: limit, schema: { hide: true, body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) }) } },
      async (request, reply) => {
        let result;
        try {
          result = await service().activate(request.body.token);
        } catch (error) {
          if (error instanceof AppError && error.statusCode === 400) {
            return sendPage(reply, { title: 'Activation failed', status: 400, body: `<h1>Activation failed</h1><p class="error">${escapeHtml(error.message)}</p>` });
          }
          throw error;
        }
        if (result.kind === 'user-activated') {
          return sendPage(reply, {
            title: 'Welcome',
            body: `<h1>Welcome, ${escapeHtml(result.name)}</h1><p class="success">You now have access to MSI Actions for ${escapeHtml(result.orgName)}.</p>
<p><a class="button" href="${escapeHtml(result.instanceUrl)}">Go to Salesforce</a></p>`,
          });
        }
        const returnUrl = `${result.instanceUrl}/lightning/n/${SETUP_TAB}?c__claimCode=${encodeURIComponent(result.claimCode)}`;
        return sendPage(reply, {
          title: 'Account activated',
          body: `<h1>The account of ${escapeHtml(result.orgName)} is active</h1>
<p class="success">These are the credentials Salesforce uses to reach MSI Actions.</p>
<dl><dt>Client ID</dt><dd id="client-id">${escapeHtml(result.clientId)}</dd>
<dt>Client Secret</dt><dd id="client-secret">${escapeHtml(result.clientSecret)}</dd></dl>
<p class="warning">The Client Secret is shown this one time. <strong>Return to Salesforce</strong> hands it to the MSI Actions Setup page for you (within 10 minutes); you can also copy it and paste it there by hand.</p>
<p><button type="button" class="neutral" id="copy-secret">Copy Client Secret</button> <span id="copy-status" role="status"></span></p>
<p><a class="button" id="return-to-salesforce" href="${escapeHtml(returnUrl)}">Return to Salesforce</a></p>`,
          script: `document.getElementById('copy-secret').addEventListener('click',function(){var s=document.getElementById('copy-status');navigator.clipboard.writeText(document.getElementById('client-secret').textContent).then(function(){s.textContent='Copied.'},function(){s.textContent='Copy did not work: select the secret and copy it by hand.'})});`,
        });
      },
    );
  };
}
