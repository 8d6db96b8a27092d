import { randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { escapeHtml } from './mail.js';

export { escapeHtml };

/**
 * A small server-rendered page (activation, OAuth return pages). Strict CSP with a per-page nonce,
 * no caching, no referrer: these pages carry one-time links and secrets.
 */
export function sendPage(reply: FastifyReply, page: { title: string; body: string; script?: string; status?: number }) {
  const nonce = randomBytes(16).toString('base64');
  reply
    .status(page.status ?? 200)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header(
      'content-security-policy',
      `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; img-src 'self' data:`,
    );
  return reply.send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} · MSI Actions</title>
<style nonce="${nonce}">
body{font-family:-apple-system,"Segoe UI",Roboto,Arial,sans-serif;background:#f3f3f3;color:#181818;margin:0}
header{background:#032d60;color:#fff;padding:12px 24px;font-weight:600}
pre{white-space:pre-wrap;font-family:inherit}
main{max-width:640px;margin:32px auto;background:#fff;border:1px solid #e5e5e5;border-radius:4px;padding:24px}
h1{font-size:20px;margin-top:0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:8px 16px}dt{color:#444;font-weight:600}dd{margin:0;font-family:Consolas,monospace;word-break:break-all}
button,.button{display:inline-block;background:#0176d3;color:#fff;border:0;border-radius:4px;padding:10px 16px;font-size:14px;text-decoration:none;cursor:pointer}
button.neutral{background:#fff;color:#0176d3;border:1px solid #c9c9c9}
button:focus,.button:focus{outline:3px solid #1b96ff;outline-offset:2px}
.warning{background:#fef1e8;border-left:4px solid #dd7a01;padding:8px 12px}
.error{background:#feded8;border-left:4px solid #ba0517;padding:8px 12px}
.success{background:#ebf7e6;border-left:4px solid #2e844a;padding:8px 12px}
</style></head>
<body><header>MSI Actions</header><main>
${page.body}
</main>${page.script ? `<script nonce="${nonce}">${page.script}</script>` : ''}</body></html>`);
}
