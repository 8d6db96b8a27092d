import type { FastifyPluginAsync } from 'fastify';
import { escapeHtml, sendPage } from '../platform/page.js';
import { sandboxOf } from './index.js';

/** /sandbox: what runs locally and what to type where, for a person trying the product. */
export const sandboxPage: FastifyPluginAsync = async (app) => {
  app.get('/sandbox', { schema: { hide: true } }, async (_request, reply) => {
    const sandbox = sandboxOf(app.context);
    if (!sandbox) return sendPage(reply, { title: 'Sandbox', body: '<h1>Sandbox</h1><p>The sandbox is starting.</p>' });
    const { marketo, salesforce } = sandbox;
    const users = salesforce.org.users
      .slice(0, 6)
      .map((u) => `<tr><td>${escapeHtml(`${u.firstName} ${u.lastName}`)}</td><td>${escapeHtml(u.username)}</td><td>${escapeHtml(u.id)}</td></tr>`)
      .join('');
    return sendPage(reply, {
      title: 'Sandbox',
      body: `<h1>Sandbox</h1>
<p>This service runs with local stand-ins for Marketo, Salesforce and e-mail. Nothing leaves this machine.</p>
<h2>E-mail</h2><p><a href="/sandbox/mail">Open the mailbox</a>: invitation and activation e-mails arrive there.</p>
<h2>Marketo</h2>
<dl><dt>Munchkin ID</dt><dd>${escapeHtml(marketo.munchkinId)}</dd>
<dt>REST endpoint</dt><dd>${escapeHtml(marketo.restUrl)}</dd>
<dt>Identity endpoint</dt><dd>${escapeHtml(marketo.identityUrl)}</dd>
<dt>Client ID</dt><dd>${escapeHtml(marketo.clientId)}</dd>
<dt>Client Secret</dt><dd>${escapeHtml(marketo.clientSecret)}</dd>
<dt>People</dt><dd>${marketo.db.people.toLocaleString('en-US')}</dd></dl>
<h2>Salesforce</h2>
<dl><dt>Login URL</dt><dd>${escapeHtml(salesforce.url)}</dd><dt>Org ID</dt><dd>${escapeHtml(salesforce.org.id)}</dd>
<dt>Password of every user</dt><dd>sandbox-password</dd></dl>
<table><thead><tr><th scope="col">User</th><th scope="col">Username</th><th scope="col">User ID</th></tr></thead><tbody>${users}</tbody></table>`,
    });
  });
};
