/**
 * OAuth 2.0 as a Salesforce org answers it: the web server flow with PKCE (login page, consent page,
 * a live `sid` session cookie going straight through), the token endpoint (authorization_code and
 * refresh_token grants), revoke, userinfo and the identity URL. Error bodies and texts are the ones
 * Salesforce documents (`{ error, error_description }`), so clients see what a real org sends.
 */
import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OrgUser } from './org.js';
import { randomToken, type ConnectedApp, type EmulatorState } from './state.js';

const SESSION_TTL_MS = 2 * 60 * 60 * 1000;
const CODE_TTL_MS = 15 * 60 * 1000;
const DEFAULT_SCOPE = 'api refresh_token id';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;background:#f3f3f3;display:flex;justify-content:center;padding-top:60px}
main{background:#fff;border:1px solid #d8dde6;border-radius:4px;padding:24px 32px;width:360px}
label{display:block;margin-top:12px}input[type=text],input[type=email],input[type=password]{width:100%;padding:8px;box-sizing:border-box}
button,input[type=submit]{margin-top:16px;padding:8px 16px}.error{color:#c23934}</style></head>
<body><main>${body}</main></body></html>`;
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

/** The user of a live browser session, from the `sid` cookie. */
function sessionUser(state: EmulatorState, request: FastifyRequest): OrgUser | undefined {
  const sid = parseCookies(request.headers.cookie).sid;
  const session = sid ? state.sessions.get(sid) : undefined;
  if (!session || session.expiresAt < Date.now()) return undefined;
  const user = state.org.user(session.userId);
  return user?.isActive ? user : undefined;
}

export function createSession(state: EmulatorState, user: OrgUser): string {
  const sid = `${state.org.id.slice(0, 15)}!${randomToken(48)}`;
  state.sessions.set(sid, { userId: user.id, expiresAt: Date.now() + SESSION_TTL_MS });
  return sid;
}

function loginPage(startUrl: string, error?: string, username = ''): string {
  return page(
    'Login | Salesforce',
    `<h1>Log in to Salesforce</h1>
${error ? `<p class="error" id="error">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/login" id="login_form">
<input type="hidden" name="startURL" value="${escapeHtml(startUrl)}">
<label for="username">Username</label><input type="email" id="username" name="username" value="${escapeHtml(username)}" autocomplete="username">
<label for="password">Password</label><input type="password" id="password" name="pw" autocomplete="current-password">
<input type="submit" id="Login" name="Login" value="Log In">
</form>`,
  );
}

function consentPage(app: ConnectedApp, user: OrgUser, consentId: string, scope: string): string {
  const scopes = scope.split(/\s+/).filter(Boolean);
  return page(
    'Allow Access?',
    `<h1>Allow Access?</h1>
<p><strong>${escapeHtml(app.clientId.slice(0, 12))}…</strong> is asking to access your Salesforce data as <strong>${escapeHtml(user.username)}</strong>.</p>
<ul>${scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>
<form method="post" action="/setup/secur/RemoteAccessAuthorizationPage.apexp" id="consent_form">
<input type="hidden" name="consent" value="${escapeHtml(consentId)}">
<button type="submit" name="action" value="deny" id="oaapprove_deny">Deny</button>
<button type="submit" name="action" value="allow" id="oaapprove">Allow</button>
</form>`,
  );
}

/** Salesforce shows client and redirect errors on its own page: the redirect target cannot be trusted. */
function errorPage(reply: FastifyReply, error: string, description: string) {
  return reply
    .status(400)
    .type('text/html; charset=utf-8')
    .send(page('Error', `<p id="error">error=${escapeHtml(error)}&amp;error_description=${escapeHtml(encodeURIComponent(description))}</p>`));
}

function redirectWith(reply: FastifyReply, redirectUri: string, params: Record<string, string | undefined>) {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return reply.redirect(url.toString(), 302);
}

function issueCode(state: EmulatorState, user: OrgUser, params: Record<string, string>): string {
  const code = `aPrx${randomToken(36)}`;
  state.codes.set(code, {
    clientId: params.client_id!,
    userId: user.id,
    redirectUri: params.redirect_uri!,
    codeChallenge: params.code_challenge,
    scope: params.scope || DEFAULT_SCOPE,
    expiresAt: Date.now() + CODE_TTL_MS,
  });
  return code;
}

function identity(state: EmulatorState, userId: string) {
  return `${state.url}/id/${state.org.id}/${userId}`;
}

function tokenError(reply: FastifyReply, status: number, error: string, description: string) {
  return reply.status(status).header('cache-control', 'no-cache,must-revalidate,max-age=0,no-store,private').send({ error, error_description: description });
}

export function issueAccessToken(state: EmulatorState, userId: string, clientId: string, refreshToken?: string): string {
  const token = `${state.org.id.slice(0, 15)}!${randomToken(72)}`;
  state.accessTokens.set(token, { userId, clientId, expiresAt: Date.now() + state.accessTokenTtlMs, refreshToken });
  return token;
}

function tokenResponse(state: EmulatorState, app: ConnectedApp, userId: string, accessToken: string, scope: string, refreshToken?: string) {
  const issuedAt = String(Date.now());
  const id = identity(state, userId);
  const signature = crypto.createHmac('sha256', app.clientSecret).update(id + issuedAt).digest('base64');
  return {
    access_token: accessToken,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    signature,
    scope,
    instance_url: state.url,
    id,
    token_type: 'Bearer',
    issued_at: issuedAt,
  };
}

/** The user behind a Bearer token, or undefined when it is unknown, expired or revoked. */
export function bearerUser(state: EmulatorState, request: FastifyRequest): { user: OrgUser; token: string } | undefined {
  const header = request.headers.authorization ?? '';
  const m = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header);
  if (!m) return undefined;
  const token = m[1]!.trim();
  const entry = state.accessTokens.get(token);
  if (!entry || entry.expiresAt <= Date.now()) return undefined;
  if (entry.refreshToken && state.refreshTokens.get(entry.refreshToken)?.revoked) return undefined;
  const user = state.org.user(entry.userId);
  if (!user || !user.isActive) return undefined;
  return { user, token };
}

function userInfoBody(state: EmulatorState, user: OrgUser) {
  const id = identity(state, user.id);
  const base = `${state.url}/services/data/v{version}`;
  return {
    sub: id,
    user_id: user.id,
    organization_id: state.org.id,
    preferred_username: user.username,
    nickname: user.username.split('@')[0],
    name: `${user.firstName} ${user.lastName}`,
    email: user.email,
    email_verified: true,
    given_name: user.firstName,
    family_name: user.lastName,
    zoneinfo: 'Europe/Amsterdam',
    photos: { picture: `${state.url}/img/userprofile/default_profile_200_v2.png`, thumbnail: `${state.url}/img/userprofile/default_profile_45_v2.png` },
    profile: `${state.url}/${user.id}`,
    picture: `${state.url}/img/userprofile/default_profile_200_v2.png`,
    address: {},
    is_salesforce_integration_user: false,
    urls: {
      enterprise: `${state.url}/services/Soap/c/{version}/${state.org.id}`,
      partner: `${state.url}/services/Soap/u/{version}/${state.org.id}`,
      rest: `${base}/`,
      sobjects: `${base}/sobjects/`,
      search: `${base}/search/`,
      query: `${base}/query/`,
      recent: `${base}/recent/`,
      profile: `${state.url}/${user.id}`,
      custom_domain: state.url,
    },
    active: user.isActive,
    user_type: 'STANDARD',
    language: 'en_US',
    locale: 'en_US',
    utcOffset: 3600000,
    updated_at: '2024-01-01T00:00:00Z',
    is_app_installed: true,
  };
}

export function registerOAuthRoutes(app: FastifyInstance, state: EmulatorState) {
  const findApp = (clientId: string | undefined) => state.apps.find((a) => a.clientId === clientId);

  app.get('/services/oauth2/authorize', async (request, reply) => {
    const params = request.query as Record<string, string>;
    const client = findApp(params.client_id);
    if (!client) return errorPage(reply, 'invalid_client_id', 'client identifier invalid');
    if (!params.redirect_uri || !client.callbackUrls.includes(params.redirect_uri)) {
      return errorPage(reply, 'redirect_uri_mismatch', 'redirect_uri must match configuration');
    }
    if (params.response_type !== 'code') {
      return redirectWith(reply, params.redirect_uri, { error: 'unsupported_response_type', error_description: 'response type not supported', state: params.state });
    }
    // Salesforce only knows S256 challenges.
    if (params.code_challenge_method && params.code_challenge_method !== 'S256') {
      return redirectWith(reply, params.redirect_uri, { error: 'invalid_request', error_description: 'invalid code challenge method', state: params.state });
    }
    const prompts = (params.prompt ?? '').split(/\s+/);
    const user = prompts.includes('login') ? undefined : sessionUser(state, request);
    if (!user) {
      const next = { ...params };
      // After this login the admin must not be asked to log in again.
      next.prompt = prompts.filter((p) => p && p !== 'login').join(' ');
      if (!next.prompt) delete next.prompt;
      const startUrl = `/services/oauth2/authorize?${new URLSearchParams(next).toString()}`;
      return reply.redirect(`/login?startURL=${encodeURIComponent(startUrl)}`, 302);
    }
    const approved = client.preAuthorized || state.approvals.has(`${user.id}:${client.clientId}`);
    if (approved && !prompts.includes('consent')) {
      return redirectWith(reply, params.redirect_uri, { code: issueCode(state, user, params), state: params.state });
    }
    const consentId = randomToken(24);
    state.pendingConsents.set(consentId, { userId: user.id, params, expiresAt: Date.now() + CODE_TTL_MS });
    return reply.type('text/html; charset=utf-8').send(consentPage(client, user, consentId, params.scope || DEFAULT_SCOPE));
  });

  app.get('/login', async (request, reply) => {
    const { startURL } = request.query as Record<string, string>;
    return reply.type('text/html; charset=utf-8').send(loginPage(startURL ?? '/'));
  });
  app.get('/', async (request, reply) => {
    const { startURL } = request.query as Record<string, string>;
    return reply.type('text/html; charset=utf-8').send(loginPage(startURL ?? '/'));
  });

  app.post('/login', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, string>;
    const startUrl = body.startURL && body.startURL.startsWith('/') && !body.startURL.startsWith('//') ? body.startURL : '/';
    const user = state.org.userByUsername(body.username ?? '');
    if (!user || user.password !== body.pw || !user.isActive) {
      return reply
        .type('text/html; charset=utf-8')
        .send(loginPage(startUrl, "Please check your username and password. If you still can't log in, contact your Salesforce administrator.", body.username));
    }
    const sid = createSession(state, user);
    reply.header('set-cookie', `sid=${encodeURIComponent(sid)}; Path=/; HttpOnly; SameSite=Lax`);
    return reply.redirect(startUrl, 302);
  });

  app.post('/setup/secur/RemoteAccessAuthorizationPage.apexp', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, string>;
    const pending = body.consent ? state.pendingConsents.get(body.consent) : undefined;
    const user = sessionUser(state, request);
    if (!pending || pending.expiresAt < Date.now() || !user || user.id !== pending.userId) {
      return errorPage(reply, 'invalid_request', 'the authorization request has expired; start again');
    }
    state.pendingConsents.delete(body.consent!);
    const { params } = pending;
    if (body.action !== 'allow') {
      return redirectWith(reply, params.redirect_uri!, { error: 'access_denied', error_description: 'end-user denied authorization', state: params.state });
    }
    state.approvals.add(`${user.id}:${params.client_id}`);
    return redirectWith(reply, params.redirect_uri!, { code: issueCode(state, user, params), state: params.state });
  });

  app.post('/services/oauth2/token', async (request, reply) => {
    const body = { ...((request.query ?? {}) as Record<string, string>), ...((request.body ?? {}) as Record<string, string>) };
    // Client credentials may also come as HTTP Basic, as RFC 6749 allows and Salesforce accepts.
    const basic = /^Basic\s+(.+)$/i.exec(request.headers.authorization ?? '');
    if (basic) {
      const [id, secret] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
      body.client_id ??= decodeURIComponent(id ?? '');
      body.client_secret ??= decodeURIComponent(secret ?? '');
    }
    const grant = body.grant_type;
    if (grant !== 'authorization_code' && grant !== 'refresh_token') {
      return tokenError(reply, 400, 'unsupported_grant_type', 'grant type not supported');
    }
    const client = findApp(body.client_id);
    if (!client) return tokenError(reply, 400, 'invalid_client_id', 'client identifier invalid');
    if ((body.client_secret !== undefined || client.requireSecret) && body.client_secret !== client.clientSecret) {
      return tokenError(reply, 400, 'invalid_client', 'invalid client credentials');
    }
    if (grant === 'authorization_code') {
      const code = body.code ? state.codes.get(body.code) : undefined;
      if (!code || code.clientId !== client.clientId) return tokenError(reply, 400, 'invalid_grant', 'invalid authorization code');
      // A code works once, used or not.
      state.codes.delete(body.code!);
      if (code.expiresAt < Date.now()) return tokenError(reply, 400, 'invalid_grant', 'expired authorization code');
      if (body.redirect_uri !== code.redirectUri) return tokenError(reply, 400, 'redirect_uri_mismatch', 'redirect_uri must match configuration');
      if (code.codeChallenge) {
        const computed = body.code_verifier ? crypto.createHash('sha256').update(body.code_verifier).digest('base64url') : undefined;
        if (computed !== code.codeChallenge) return tokenError(reply, 400, 'invalid_grant', 'invalid code verifier');
      }
      const user = state.org.user(code.userId);
      if (!user || !user.isActive) return tokenError(reply, 400, 'invalid_grant', 'inactive user');
      const scopes = code.scope.split(/\s+/);
      const refresh = scopes.includes('refresh_token') || scopes.includes('offline_access') ? `5Aep${randomToken(60)}` : undefined;
      if (refresh) state.refreshTokens.set(refresh, { userId: user.id, clientId: client.clientId, revoked: false, scope: code.scope });
      const access = issueAccessToken(state, user.id, client.clientId, refresh);
      return reply.header('cache-control', 'no-cache,must-revalidate,max-age=0,no-store,private').send(tokenResponse(state, client, user.id, access, code.scope, refresh));
    }
    const refresh = body.refresh_token ? state.refreshTokens.get(body.refresh_token) : undefined;
    if (!refresh || refresh.revoked || refresh.clientId !== client.clientId) {
      return tokenError(reply, 400, 'invalid_grant', 'expired access/refresh token');
    }
    const user = state.org.user(refresh.userId);
    if (!user || !user.isActive) return tokenError(reply, 400, 'invalid_grant', 'inactive user');
    const access = issueAccessToken(state, user.id, client.clientId, body.refresh_token);
    return reply.header('cache-control', 'no-cache,must-revalidate,max-age=0,no-store,private').send(tokenResponse(state, client, user.id, access, refresh.scope));
  });

  const revoke = async (request: FastifyRequest, reply: FastifyReply) => {
    const token = ((request.body as Record<string, string> | undefined)?.token ?? (request.query as Record<string, string>).token ?? '').trim();
    const refresh = state.refreshTokens.get(token);
    if (refresh) {
      // Revoking a refresh token ends every access token issued from it.
      refresh.revoked = true;
      return reply.status(200).send();
    }
    if (state.accessTokens.delete(token)) return reply.status(200).send();
    return tokenError(reply, 400, 'unsupported_token_type', 'this token type is not supported');
  };
  app.post('/services/oauth2/revoke', revoke);
  app.get('/services/oauth2/revoke', revoke);

  const userinfo = async (request: FastifyRequest, reply: FastifyReply) => {
    const auth = bearerUser(state, request);
    if (!auth) return reply.status(403).type('text/plain').send('Bad_OAuth_Token');
    return reply.send(userInfoBody(state, auth.user));
  };
  app.get('/services/oauth2/userinfo', userinfo);
  app.post('/services/oauth2/userinfo', userinfo);

  app.get('/id/:orgId/:userId', async (request, reply) => {
    const auth = bearerUser(state, request);
    if (!auth) return reply.status(403).type('text/plain').send('Bad_OAuth_Token');
    const { orgId, userId } = request.params as { orgId: string; userId: string };
    const user = state.org.user(userId);
    if (orgId !== state.org.id || !user) return reply.status(404).type('text/plain').send('Bad_Id');
    const info = userInfoBody(state, user);
    return reply.send({
      id: identity(state, user.id),
      asserted_user: user.id === auth.user.id,
      user_id: user.id,
      organization_id: state.org.id,
      username: user.username,
      nick_name: info.nickname,
      display_name: info.name,
      email: user.email,
      email_verified: true,
      first_name: user.firstName,
      last_name: user.lastName,
      timezone: info.zoneinfo,
      photos: info.photos,
      urls: info.urls,
      active: user.isActive,
      user_type: 'STANDARD',
      language: 'en_US',
      locale: 'en_US',
      utcOffset: info.utcOffset,
      last_modified_date: '2024-01-01T00:00:00.000+0000',
      is_app_installed: true,
    });
  });
}
