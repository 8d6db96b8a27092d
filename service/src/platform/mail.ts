import nodemailer, { type Transporter } from 'nodemailer';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** A failure to send: temporary ones (SMTP 4xx, network) are retried, permanent ones (5xx) are not. */
export class MailDeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly responseCode?: number,
  ) {
    super(message);
    this.name = 'MailDeliveryError';
  }
}

/** Sends e-mail over SMTP with a pooled connection. */
export class Mailer {
  readonly #transport: Transporter;
  readonly #from: string;

  constructor(smtpUrl: string, from: string) {
    const url = new URL(smtpUrl);
    url.searchParams.set('pool', 'true');
    this.#transport = nodemailer.createTransport(url.toString());
    this.#from = from;
  }

  async send(mail: OutgoingMail): Promise<string> {
    try {
      const info = await this.#transport.sendMail({ from: this.#from, ...mail });
      return info.messageId;
    } catch (error) {
      const responseCode = (error as { responseCode?: number }).responseCode;
      const permanent = responseCode !== undefined && responseCode >= 500;
      // The SMTP answer says what went wrong; it never contains the message body.
      throw new MailDeliveryError((error as Error).message, permanent, responseCode);
    }
  }

  close() {
    this.#transport.close();
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/** The shared frame of every message: plain, readable, one call to action. */
export function renderMail(parts: { title: string; paragraphs: string[]; action?: { label: string; url: string }; footer?: string }): {
  text: string;
  html: string;
} {
  const text = [
    parts.title,
    '',
    ...parts.paragraphs.flatMap((p) => [p, '']),
    ...(parts.action ? [`${parts.action.label}: ${parts.action.url}`, ''] : []),
    ...(parts.footer ? [parts.footer] : []),
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family:Arial,Helvetica,sans-serif;color:#181818;max-width:600px">
<h1 style="font-size:20px">${escapeHtml(parts.title)}</h1>
${parts.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${
  parts.action
    ? `<p><a href="${escapeHtml(parts.action.url)}" style="background:#0176d3;color:#fff;padding:10px 16px;border-radius:4px;text-decoration:none">${escapeHtml(parts.action.label)}</a></p>
<p style="font-size:12px;color:#555">Or copy this link: ${escapeHtml(parts.action.url)}</p>`
    : ''
}
${parts.footer ? `<p style="font-size:12px;color:#555">${escapeHtml(parts.footer)}</p>` : ''}
</body></html>`;
  return { text, html };
}
