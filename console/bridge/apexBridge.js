// What `@salesforce/apex/Class.method` imports become in the console. Each method does what its Apex
// counterpart does around its callout (apex-map.json says which endpoint, with which values), and fails
// the way an AuraHandledException reaches a component: `{ body: { message } }`. Calls go through the
// console's own routes on the service, which stand in for the Named Credential: they hold the Client ID
// and Secret of this browser's org, fetch the tokens and add them, so no secret reaches this code.
import LABELS from '@console/labels';
import { PACKAGE_VERSION } from '@console/package';

/** Same header as MsiActionsClient.PACKAGE_VERSION_HEADER, so the service sees the console as that package version. */
const PACKAGE_VERSION_HEADER = 'X-MSI-Package-Version';

let orgPromise;

/**
 * The console's org: what UserInfo, Url.getOrgDomainUrl() and the org's MSI_Actions_Settings__c give Apex. Asked
 * once per page, or again when `fresh` (the checklist reads the Enabled switch that step 7 may have just saved).
 */
function consoleOrg(fresh = false) {
    if (!orgPromise || fresh) {
        orgPromise = request('GET', '/console/org').catch((error) => {
            orgPromise = undefined;
            throw error;
        });
    }
    return orgPromise;
}

/** Fills `{0}`, `{1}` as Apex's String.format does. */
function format(label, ...values) {
    return label.replace(/\{(\d+)\}/g, (match, index) => (index < values.length ? String(values[index]) : match));
}

/**
 * An error as a component receives it from Apex, plus the HTTP status, error code and details (MsiActionsException's
 * statusCode, code and details) for the adapters below.
 */
function apexError(message, status, code, details) {
    const error = new Error(message);
    error.body = { message };
    error.status = status;
    error.code = code;
    error.details = details;
    return error;
}

/** The service's error details (MsiActionsException.details): `{ error: { details } }` when it is an object. */
function detailsOf(body) {
    const details = body && typeof body.error === 'object' && body.error !== null ? body.error.details : undefined;
    return details && typeof details === 'object' && !Array.isArray(details) ? details : undefined;
}

/** MsiActionsException.isUpgradeRequired: the service refuses this package version. */
function isUpgradeRequired(error) {
    return error.status === 426 || error.code === 'package_version_unsupported';
}

/** The service's error code (MsiActionsException.code): `{ error: { code } }` or OAuth's `{ error: 'code' }`. */
function codeOf(body) {
    if (body && typeof body.error === 'object' && body.error !== null) return body.error.code;
    return typeof body?.error === 'string' ? body.error : undefined;
}

/** The admin-readable message MsiActionsException.messageFor gives the same answer. */
function messageFor(status, body) {
    const envelope = body && typeof body.error === 'object' && body.error !== null ? body.error : undefined;
    const code = codeOf(body);
    if (status === 401 || code === 'invalid_client' || code === 'invalid_token') return LABELS.MSI_Error_Unauthorized;
    if (status === 426 || code === 'package_version_unsupported') return format(LABELS.MSI_Error_Upgrade_Required, PACKAGE_VERSION);
    if (status === 429) return LABELS.MSI_Error_Rate_Limited;
    if (envelope && typeof envelope.message === 'string' && envelope.message.trim()) return envelope.message;
    if (status >= 500) return format(LABELS.MSI_Error_Service_Unavailable, status);
    return format(LABELS.MSI_Error_Unexpected_Status, status);
}

async function request(method, url, body, asText = false) {
    const headers = { accept: 'application/json', [PACKAGE_VERSION_HEADER]: PACKAGE_VERSION };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response;
    try {
        response = await fetch(url, {
            method,
            headers,
            credentials: 'same-origin',
            body: body === undefined ? undefined : JSON.stringify(body)
        });
    } catch (cause) {
        throw apexError(format(LABELS.MSI_Error_Unreachable, cause instanceof Error ? cause.message : String(cause)), 0, 'unreachable');
    }
    const text = await response.text();
    if (asText && response.ok) return text;
    let parsed = null;
    if (text) {
        try {
            parsed = JSON.parse(text);
        } catch {
            if (response.ok) throw apexError(LABELS.MSI_Error_Unexpected_Response, response.status);
        }
    }
    if (!response.ok) throw apexError(messageFor(response.status, parsed), response.status, codeOf(parsed), detailsOf(parsed));
    return parsed;
}

/** What the Apex does to a parameter before it sends it (`params.x|trimmed`). */
const SHAPES = {
    // trimmedOrNull(value)
    trimmed: (value) => (typeof value === 'string' && value.trim() ? value.trim() : undefined),
    // String.isBlank(value) ? null : value
    blankToNull: (value) => (typeof value === 'string' && value.trim() ? value : undefined),
    // value == null ? '' : value.trim()
    trimmedOrEmpty: (value) => (typeof value === 'string' ? value.trim() : ''),
    // value == null ? '' : value
    orEmpty: (value) => (value === undefined || value === null ? '' : value),
    // list == null || list.isEmpty() ? null : list
    nonEmptyList: (value) => (Array.isArray(value) && value.length > 0 ? value : undefined),
    // list == null ? new List() : list
    orEmptyList: (value) => (Array.isArray(value) ? value : []),
    // map == null ? new Map() : map
    orEmptyMap: (value) => (value && typeof value === 'object' ? value : {}),
    // value == true
    isTrue: (value) => value === true,
    // value == 'base64' ? 'base64' : 'text'
    base64OrText: (value) => (value === 'base64' ? 'base64' : 'text'),
    // Url.getOrgDomainUrl().toExternalForm() + SETUP_TAB_PATH: the org's MSI Actions Setup tab
    setupTab: (value) => (typeof value === 'string' && value ? `${value.replace(/\/+$/, '')}/lightning/n/MSI_Actions_Setup` : undefined),
    // new MsiActionsModels.Rep(): salesforceUserId = UserInfo.getUserId(), email = UserInfo.getUserEmail()
    runningRep: (user) => (user && user.id ? { salesforceUserId: user.id, email: user.email || undefined } : undefined),
    // new Map<String, String>{ 'salesforceId' => checkedRecordId(recordId) }
    recordRef: (value) => (typeof value === 'string' && value.trim() ? { salesforceId: value.trim() } : undefined)
};

/** Reads the values of the mapping: `params.x` and `org.x` references (with a `|shape`), or `{ "value": ... }` literals. */
function resolveValues(spec, params, org) {
    const values = {};
    for (const [name, reference] of Object.entries(spec || {})) {
        let value;
        if (typeof reference === 'string') {
            const [path, shape] = reference.split('|', 2);
            const [source, key] = path.split('.', 2);
            const from = source === 'org' ? org : params;
            value = from ? from[key] : undefined;
            if (shape) {
                if (!SHAPES[shape]) throw apexError(`apex-map.json: unknown shape ${shape} in ${reference}`, 0);
                value = SHAPES[shape](value);
            }
        } else {
            value = reference.value;
        }
        // JSON.serialize(body, true) in Apex leaves nulls out.
        if (value !== undefined && value !== null) values[name] = value;
    }
    return values;
}

function needsOrg(call) {
    return [call.body, call.query, call.pathParams].some(
        (spec) => spec && Object.values(spec).some((ref) => typeof ref === 'string' && ref.startsWith('org.'))
    );
}

/** The console URL of a call: `/api/v1/...` paths go through the console's Named Credential stand-in. */
function urlOf(call, params, org) {
    const pathValues = resolveValues(call.pathParams, params, org);
    let path = call.path.replace(/\{(\w+)\}/g, (match, name) => {
        if (pathValues[name] === undefined || pathValues[name] === '') throw apexError(`Missing value for path parameter ${name} of ${call.path}`, 0);
        return encodeURIComponent(pathValues[name]);
    });
    if (path.startsWith('/api/')) path = `/console${path}`;
    const query = new URLSearchParams(resolveValues(call.query, params, org)).toString();
    return query ? `${path}?${query}` : path;
}

/**
 * MsiActionsConfigurationController.checkStatus. The console's Named Credential stand-in answers
 * `no_credentials` when this browser has no Client ID and Secret yet: on the platform that is the callout
 * refused for want of the External Credential's principal, which the Apex reports as unauthorized.
 */
function checkStatus(error) {
    if (error.code === 'unreachable') return 'unreachable';
    if (error.code === 'no_credentials') return 'unauthorized';
    if (error.status === 401 || error.code === 'invalid_client' || error.code === 'invalid_token') return 'unauthorized';
    if (isUpgradeRequired(error)) return 'upgradeRequired';
    return 'error';
}

/** MsiActionsConfigurationController.fixFor */
const CHECK_FIX = {
    unreachable: 'MSI_Check_Fix_Unreachable',
    unauthorized: 'MSI_Check_Fix_Unauthorized',
    upgradeRequired: 'MSI_Check_Fix_Upgrade',
    error: 'MSI_Check_Fix_Error'
};

/** The activity kinds of Connections & Customizations and the MSI_Actions_Settings__c switch governing each (MsiActionsSetupController.governed). */
const GOVERNED_KINDS = [
    ['emails', 'logEmails'],
    ['calls', 'logCalls'],
    ['reminderTasks', 'createReminderTasks']
];

/** What the Apex method does with the answer (or the failure) of its callout. */
const ANSWERS = {
    json: (call) => call(),
    // A String the Apex method returns as the service sent it (a CSV file, for example).
    text: (call) => call({ asText: true }),
    nullOnNotFound: async (call) => {
        try {
            return await call();
        } catch (error) {
            if (error.status === 404) return null;
            throw error;
        }
    },
    resent: async (call) => {
        const result = await call();
        return result && Array.isArray(result.resent) ? result.resent : [];
    },
    // The console's server side keeps the Client ID and Secret and answers with the CredentialResult.
    storeCredentials: (call) => call(),
    // MsiActionsConfigurationController.checkConnection: reports what happened and what to fix; never throws.
    connectionCheck: async (call) => {
        const checkedAt = new Date().toISOString();
        try {
            await call();
            return { status: 'ok', statusCode: 200, message: LABELS.MSI_Check_Ok, fix: null, checkedAt };
        } catch (error) {
            const status = checkStatus(error);
            return { status, statusCode: error.status || null, message: error.body.message, fix: LABELS[CHECK_FIX[status]], checkedAt };
        }
    },
    // MsiActionsSetupController.applyTaskLoggingSwitches: reads which activities the service logs as Tasks and turns
    // off each kind whose switch in the org's MSI_Actions_Settings__c is off, sending only those kinds; answers their
    // names (empty when the service followed the switches already). The update's `params.logged` is computed here.
    taskLoggingSwitches: async (calls, org) => {
        const current = await calls.current();
        const logged = current && current.settings ? current.settings.logged : undefined;
        if (!logged || typeof logged !== 'object') throw apexError(LABELS.MSI_Error_Unexpected_Response, 200);
        const settings = org.msiActionsSettings || {};
        const changes = {};
        for (const [kind, setting] of GOVERNED_KINDS) {
            if (logged[kind] === true && settings[setting] !== true) changes[kind] = false;
        }
        const turnedOff = Object.keys(changes);
        if (turnedOff.length > 0) await calls.update({ params: { logged: changes } });
        return turnedOff;
    },
    // MsiActionsSetupController.updateSalesforceCustomizations (step 2's save): the org's switches govern `logged`
    // before it is sent (MsiActionsSetupController.governed): a kind whose switch is off goes as off, whatever the
    // page asked for; a kind the page left out stays left out.
    governedCustomizations: (call, org, params) => {
        const settings = org.msiActionsSettings || {};
        const asked = params.logged;
        if (!asked || typeof asked !== 'object') return call();
        const logged = { ...asked };
        for (const [kind, setting] of GOVERNED_KINDS) {
            if (logged[kind] !== undefined && logged[kind] !== null && settings[setting] !== true) logged[kind] = false;
        }
        return call({ params: { ...params, logged } });
    },
    // MsiActionsConfigurationController.getPackageSupport: the service's answer plus the installed version.
    packageSupport: async (call) => ({ ...(await call()), installedVersion: PACKAGE_VERSION }),
    // MsiActionsSetupController.getSetupState: each step's status from what the service says, and the problem
    // (instead of a failure) when it could not be asked. Steps past the account are read once it is active. When the
    // service refuses this package version (426), upgradeRequired and latestPackageVersion say so and the package
    // step needs attention: every step waits for the upgrade.
    setupState: async (calls, org) => {
        const state = {
            packageVersion: PACKAGE_VERSION,
            enabled: org.msiActionsEnabled === true,
            upgradeRequired: false,
            stepStatus: { package: 'done' }
        };
        try {
            state.account = await ANSWERS.nullOnNotFound(calls.account);
        } catch (error) {
            state.account = null;
            state.problem = error.body.message;
            if (isUpgradeRequired(error)) {
                state.upgradeRequired = true;
                const latest = error.details?.latestPackageVersion;
                state.latestPackageVersion = typeof latest === 'string' ? latest : null;
                state.stepStatus.package = 'needsAttention';
            }
        }
        const account = state.account;
        state.stepStatus.account = !account ? (state.problem ? 'needsAttention' : 'notStarted') : account.status === 'active' ? 'done' : 'inProgress';
        if (account && account.status === 'active') {
            const step = async (key, call, statusOf) => {
                if (!call) return;
                try {
                    state.stepStatus[key] = statusOf(await call());
                } catch (error) {
                    state.problem = error.body.message;
                    state.stepStatus[key] = 'needsAttention';
                }
            };
            await step('marketo', calls.marketo, (marketo) =>
                marketo.connected !== true ? 'notStarted' : marketo.lastError == null && marketo.quotaStoppedUntil == null ? 'done' : 'needsAttention'
            );
            await step('invitations', calls.users, (users) => (users.total != null && users.total > 1 ? 'done' : 'notStarted'));
            await step('salesforce', calls.salesforce, (salesforce) =>
                salesforce.status === 'connected'
                    ? salesforce.lastError == null
                        ? 'done'
                        : 'needsAttention'
                    : salesforce.status === 'broken'
                      ? 'needsAttention'
                      : 'notStarted'
            );
            // Incremental runs: done; loading, waiting for the quota or paused: in progress; failed: needs attention.
            await step('sync', calls.sync, (sync) => {
                state.syncStarted = sync.phase !== 'not_started';
                if (sync.phase === 'not_started') return 'notStarted';
                if (sync.phase === 'incremental') return 'done';
                return sync.phase === 'failed' ? 'needsAttention' : 'inProgress';
            });
        }
        state.stepStatus.configuration = state.enabled ? 'done' : 'notStarted';
        return state;
    }
};

/** Answers that read the org's MSI_Actions_Settings__c, which step 7 may have just saved: the org is asked again. */
const FRESH_ORG_ANSWERS = new Set(['setupState', 'taskLoggingSwitches', 'governedCustomizations']);

/** A required parameter Apex refuses: a blank String, a null or empty List, a null object. */
function isBlank(value) {
    if (typeof value === 'string') return !value.trim();
    if (Array.isArray(value)) return value.length === 0;
    return value === undefined || value === null || typeof value !== 'object';
}

/**
 * Runs one Apex method as the mapping describes it.
 * @param {object} mapping the apex-map.json entry
 * @param {object} params what the component passed
 */
export async function callApex(mapping, params) {
    const input = params || {};
    if (mapping.required && mapping.required.params.some((name) => isBlank(input[name]))) {
        throw apexError(LABELS[mapping.required.label], 400);
    }
    const calls = mapping.sends ? Object.values(mapping.sends) : [mapping.send || mapping.console];
    const org = FRESH_ORG_ANSWERS.has(mapping.answer) ? await consoleOrg(true) : calls.some(needsOrg) ? await consoleOrg() : undefined;
    // `options.params`: values an answer computed (instead of the component's) for a later call's `params.x`.
    const callOf = (call) => (options) => {
        const values = options?.params ?? input;
        return request(call.method, urlOf(call, values, org), call.body ? resolveValues(call.body, values, org) : undefined, options?.asText === true);
    };
    if (mapping.sends) {
        const named = Object.fromEntries(Object.entries(mapping.sends).map(([name, call]) => [name, callOf(call)]));
        return ANSWERS[mapping.answer](named, org);
    }
    return ANSWERS[mapping.answer](callOf(calls[0]), org, input);
}

/**
 * An Apex method as a component sees it: callable imperatively, and usable with `@wire`.
 * @param {string} name `Class.method`
 * @param {object|null} mapping its apex-map.json entry
 */
export function makeApexMethod(name, mapping) {
    const run = (params) => {
        // A component may import a method before the mapping has it; the page then says so where it is used,
        // and console/test/apex-map.test.ts fails until the mapping is added.
        if (!mapping) return Promise.reject(apexError(`The console does not know ${name} yet: add it to console/bridge/apex-map.json.`, 0));
        if (!ANSWERS[mapping.answer]) return Promise.reject(apexError(`apex-map.json: ${name} has an unknown answer kind ${mapping.answer}.`, 0));
        return callApex(mapping, params);
    };
    function apexMethod(arg) {
        if (!new.target) return run(arg);
        // `new adapter(dataCallback)`: the wire protocol of LWC open source.
        const dataCallback = arg;
        let config;
        let connected = false;
        const adapter = {
            async refresh() {
                try {
                    dataCallback({ data: await run(config), error: undefined });
                } catch (error) {
                    dataCallback({ data: undefined, error });
                }
            },
            update(next) {
                config = next;
                if (connected) adapter.refresh();
            },
            connect() {
                connected = true;
                if (config) adapter.refresh();
            },
            disconnect() {
                connected = false;
            }
        };
        return adapter;
    }
    Object.defineProperty(apexMethod, 'name', { value: name });
    return apexMethod;
}
