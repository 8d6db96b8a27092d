import { domainToASCII } from 'node:url';

/** Why an address is not valid, as a stable code (the invitation results carry it beside the English reason). */
export type EmailProblem = 'email_empty' | 'email_too_long' | 'email_no_at' | 'email_local_too_long' | 'email_invalid_characters' | 'email_no_domain' | 'email_invalid_domain';

export type EmailCheck =
  | { ok: true; email: string }
  | { ok: false; reason: string; code: EmailProblem; params: { max?: number; domain?: string } };

// Local part as RFC 5321 allows in practice (dot-atom, no quoted strings), domain after IDN mapping.
const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Normalises an e-mail address (trimmed, lower-cased, internationalised domain in its ASCII form)
 * and says why it is not valid when it is not.
 */
export function normaliseEmail(raw: string): EmailCheck {
  const value = raw.trim().replace(/^mailto:/i, '').replace(/^<(.*)>$/, '$1').trim();
  if (value === '') return { ok: false, reason: 'is empty', code: 'email_empty', params: {} };
  if (value.length > 254) return { ok: false, reason: 'is longer than 254 characters', code: 'email_too_long', params: { max: 254 } };
  const at = value.lastIndexOf('@');
  if (at < 1) return { ok: false, reason: 'has no "@" with a name before it', code: 'email_no_at', params: {} };
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local.length > 64) return { ok: false, reason: 'has a name part longer than 64 characters', code: 'email_local_too_long', params: { max: 64 } };
  if (!LOCAL.test(local)) return { ok: false, reason: 'has characters that are not allowed before the "@"', code: 'email_invalid_characters', params: {} };
  if (domain === '') return { ok: false, reason: 'has no domain after the "@"', code: 'email_no_domain', params: {} };
  const ascii = domainToASCII(domain.toLowerCase());
  if (!ascii) return { ok: false, reason: `has a domain that is not valid ("${domain}")`, code: 'email_invalid_domain', params: { domain } };
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || /^\d+$/.test(labels[labels.length - 1] ?? '')) {
    return { ok: false, reason: `has a domain that is not valid ("${domain}")`, code: 'email_invalid_domain', params: { domain } };
  }
  return { ok: true, email: `${local.toLowerCase()}@${ascii}` };
}
