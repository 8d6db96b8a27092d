import type { FastifyPluginAsync } from 'fastify';
import { escapeHtml, sendPage } from '../platform/page.js';

/** The sandbox mailbox: what the local SMTP server received, so a person can click the links. */
export const sandboxMailRoutes: FastifyPluginAsync = async (app) => {
  const mailbox = () => app.context.mailbox;

  app.get('/sandbox/mail.json', { schema: { hide: true } }, async () =>
    (mailbox()?.messages ?? [])
      .slice()
      .reverse()
      .map((m) => ({ id: m.id, receivedAt: m.receivedAt.toISOString(), to: m.to, subject: m.subject, text: m.text })),
  );

  app.get('/sandbox/mail', { schema: { hide: true } }, async (_request, reply) => {
    const box = mailbox();
    const rows = (box?.messages ?? [])
      .slice()
      .reverse()
      .map(
        (m) =>
          `<tr><td>${escapeHtml(m.receivedAt.toISOString().replace('T', ' ').slice(0, 19))}</td><td>${escapeHtml(m.to.join(', '))}</td><td><a href="/sandbox/mail/${m.id}">${escapeHtml(m.subject)}</a></td></tr>`,
      )
      .join('');
    return sendPage(reply, {
      title: 'Sandbox mailbox',
      body: box
        ? `<h1>Sandbox mailbox</h1><p>Every e-mail the service sent while running as a sandbox (SMTP on port ${box.port}).</p>
<table><thead><tr><th scope="col">Received</th><th scope="col">To</th><th scope="col">Subject</th></tr></thead><tbody>${rows || '<tr><td colspan="3">No e-mail yet.</td></tr>'}</tbody></table>`
        : '<h1>Sandbox mailbox</h1><p>This service sends mail through SMTP_URL; there is no local mailbox.</p>',
    });
  });

  app.get<{ Params: { id: string } }>('/sandbox/mail/:id', { schema: { hide: true } }, async (request, reply) => {
    const mail = mailbox()?.messages.find((m) => m.id === request.params.id);
    if (!mail) return sendPage(reply, { title: 'Not found', status: 404, body: '<h1>This e-mail is no longer in the mailbox</h1>' });
    // The text part, with its links made clickable; the HTML part is ours too, but text is enough to act on.
    const text = escapeHtml(mail.text).replace(/(https?:\/\/[^\s<]+)/g, (url) => `<a href="${url}">${url}</a>`);
    return sendPage(reply, {
      title: mail.subject,
      body: `<p><a href="/sandbox/mail">← Mailbox</a></p><h1>${escapeHtml(mail.subject)}</h1>
<dl><dt>To</dt><dd>${escapeHtml(mail.to.join(', '))}</dd><dt>Received</dt><dd>${escapeHtml(mail.receivedAt.toISOString())}</dd></dl>
<pre>${text}</pre>`,
    });
  });
};
