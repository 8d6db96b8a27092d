import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import jsforce, { type Connection } from 'jsforce';
import { personAt, salesUserAt } from '../../shared/seed-people.js';
import { to18 } from '../ids.js';
import { startSalesforceEmulator, type SalesforceEmulator } from '../index.js';

const CALLBACK = 'http://127.0.0.1:1/callback';

describe('Salesforce emulator with real jsforce', () => {
  let sf: SalesforceEmulator;
  let conn: Connection;

  before(async () => {
    // 6,000 people give about 2,500 Contacts: more than one 2,000-row query batch.
    sf = await startSalesforceEmulator({ seed: 5, people: 6000, callbackUrls: [CALLBACK], bulkProcessingMs: 40 });
    conn = new jsforce.Connection({ instanceUrl: sf.url, accessToken: sf.issueAccessToken(sf.org.admin.username), version: '62.0' });
  });
  after(() => sf.close());

  it('holds the ids the shared generator gives for the seed', async () => {
    const people = Array.from({ length: 40 }, (_, i) => personAt(5, i));
    const lead = people.find((p) => p.sfdcLeadId)!;
    const contact = people.find((p) => p.sfdcOpptyId)!;
    const got = await conn.sobject('Lead').retrieve(lead.sfdcLeadId!);
    assert.equal(got.Email, lead.email);
    assert.equal(got.OwnerId, lead.sfdcLeadOwnerId);
    const c = await conn.query<{ Id: string; AccountId: string; Account: { Name: string } }>(
      `SELECT Id, AccountId, Account.Name FROM Contact WHERE Id = '${contact.sfdcContactId}'`,
    );
    assert.equal(c.records[0]!.AccountId, contact.sfdcAccountId);
    assert.equal(c.records[0]!.Account.Name, contact.company);
    const o = await conn.sobject('Opportunity').retrieve(contact.sfdcOpptyId!);
    assert.equal(o.AccountId, contact.sfdcAccountId);
    const users = await conn.query<{ Id: string }>(`SELECT Id FROM User WHERE Id IN ('${salesUserAt(5, 0).id}', '${sf.org.admin.id}')`);
    assert.equal(users.totalSize, 2);
    assert.equal(to18(sf.org.admin.id.slice(0, 15)), sf.org.admin.id);
  });

  it('pages a query over 2,000 rows with nextRecordsUrl, and queryMore follows it', async () => {
    const first = await conn.query<{ Id: string }>('SELECT Id, Name FROM Contact');
    assert.equal(first.done, false);
    assert.equal(first.records.length, 2000);
    assert.ok(first.totalSize > 2000);
    assert.match(first.nextRecordsUrl!, /\/services\/data\/v62\.0\/query\/01g\w{15}-2000$/);
    const more = await conn.queryMore<{ Id: string }>(first.nextRecordsUrl!);
    assert.equal(more.done, true);
    assert.equal(first.records.length + more.records.length, first.totalSize);
    const all = await conn.query('SELECT Id FROM Contact').run({ autoFetch: true, maxFetch: 10_000 });
    assert.equal(all.records.length, first.totalSize);
  });

  it('parses the SOQL subset and fails like an org on bad SOQL', async () => {
    const reps = sf.org.users.slice(1, 3).map((u) => `'${u.id}'`).join(', ');
    const q = await conn.query<{ OwnerId: string; Name: string }>(
      `SELECT Id, Name, OwnerId FROM Lead WHERE (OwnerId IN (${reps}) OR Email LIKE '%@acme%') AND IsConverted = false ORDER BY Name DESC LIMIT 20`,
    );
    assert.ok(q.records.length > 0 && q.records.length <= 20);
    const names = q.records.map((r) => r.Name.toLowerCase());
    assert.deepEqual(names, [...names].sort().reverse());
    const count = await conn.query('SELECT COUNT() FROM Lead WHERE OwnerId != null');
    assert.ok(count.totalSize > 0);
    assert.deepEqual(count.records, []);
    await assert.rejects(async () => conn.query('SELECT Id FROM Lead WHERE Name = 1 AND Email = 2 OR Title = 3'), { name: 'MALFORMED_QUERY' });
    await assert.rejects(async () => conn.query('SELECT Id, Nope FROM Lead'), (e: Error) => e.name === 'INVALID_FIELD' && /No such column 'Nope' on entity 'Lead'/.test(e.message));
    await assert.rejects(async () => conn.query('SELECT Id FROM Widget'), { name: 'INVALID_TYPE' });
  });

  it("describes Task with the standard Type values (no Reply) and its standard fields", async () => {
    const task = await conn.describe('Task');
    const type = task.fields.find((f) => f.name === 'Type')!;
    assert.deepEqual(type.picklistValues!.map((p) => p.value), ['Call', 'Email', 'Meeting', 'Other']);
    for (const f of ['Subject', 'Status', 'Priority', 'ActivityDate', 'Description', 'WhoId', 'WhatId', 'OwnerId', 'TaskSubtype', 'CallDurationInSeconds']) {
      assert.ok(task.fields.some((d) => d.name === f), f);
    }
    const custom = await startSalesforceEmulator({ seed: 5, people: 10, taskTypes: ['Call', 'Email', 'Reply'], taskCustomFields: [{ name: 'MSE_Replied__c', type: 'boolean' }] });
    try {
      const c2 = new jsforce.Connection({ instanceUrl: custom.url, accessToken: custom.issueAccessToken(custom.org.admin.username), version: '62.0' });
      const d = await c2.describe('Task');
      assert.ok(d.fields.find((f) => f.name === 'Type')!.picklistValues!.some((p) => p.value === 'Reply'));
      assert.ok(d.fields.some((f) => f.name === 'MSE_Replied__c' && f.custom));
    } finally {
      await custom.close();
    }
  });

  it('creates, reads and updates rows; errors carry errorCode and fields', async () => {
    const created = await conn.sobject('Lead').create({ LastName: 'Nguyen', Company: 'Initech', Email: 'n@initech.example' });
    assert.equal(created.success, true);
    assert.match(created.id!, /^00Q\w{15}$/);
    assert.equal(to18(created.id!.slice(0, 15)), created.id);
    await conn.sobject('Lead').update({ Id: created.id!, Title: 'CTO' });
    const got = await conn.sobject('Lead').retrieve(created.id!);
    assert.equal(got.Title, 'CTO');
    assert.equal(got.Name, 'Nguyen');
    const res = await fetch(`${sf.url}/services/data/v62.0/sobjects/Lead`, {
      method: 'POST',
      headers: { authorization: `Bearer ${conn.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ Company: 'X' }),
    });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), [{ message: 'Required fields are missing: [LastName]', errorCode: 'REQUIRED_FIELD_MISSING', fields: ['LastName'] }]);
    assert.match(res.headers.get('sforce-limit-info') ?? '', /^api-usage=\d+\/100000$/);
    const bad = await fetch(`${sf.url}/services/data/v62.0/query?q=SELECT+Id+FROM+Lead`, { headers: { authorization: 'Bearer nope' } });
    assert.equal(bad.status, 401);
    assert.deepEqual(await bad.json(), [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
  });

  it('runs sObject Collections: jsforce splits over 200, the org refuses over 200, allOrNone rolls back', async () => {
    const who = (await conn.query<{ Id: string }>('SELECT Id FROM Contact LIMIT 1')).records[0]!.Id;
    const tasks = Array.from({ length: 450 }, (_, i) => ({ Subject: `Email ${i}`, Type: 'Email', Status: 'Completed', WhoId: who }));
    const results = await conn.sobject('Task').create(tasks, { allowRecursive: true });
    assert.equal(results.length, 450);
    assert.ok(results.every((r) => r.success && /^00T/.test(r.id!)));
    const posts = sf.requests().filter((r) => r.method === 'POST' && r.url.endsWith('/composite/sobjects'));
    assert.ok(posts.length >= 3);
    await assert.rejects(async () => conn.sobject('Task').create(tasks.slice(0, 201)), { name: 'EXCEEDED_ID_LIMIT' });
    const before = (await conn.query('SELECT COUNT() FROM Task')).totalSize;
    const mixed = await conn.sobject('Task').create([{ Subject: 'a', WhoId: who }, { Subject: 'b', WhoId: 'bogus' }], { allOrNone: true });
    assert.equal(mixed[0]!.success, false);
    assert.equal((mixed[0] as unknown as { errors: { statusCode: string }[] }).errors[0]!.statusCode, 'ALL_OR_NONE_OPERATION_ROLLED_BACK');
    assert.equal((mixed[1] as unknown as { errors: { statusCode: string }[] }).errors[0]!.statusCode, 'MALFORMED_ID');
    assert.equal((await conn.query('SELECT COUNT() FROM Task')).totalSize, before);
  });

  it('runs Composite with references, and at most 25 subrequests', async () => {
    const res = await conn.requestPost<{ compositeResponse: { httpStatusCode: number; body: { id?: string; Name?: string } }[] }>('/composite', {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: '/services/data/v62.0/sobjects/Account', referenceId: 'acct', body: { Name: 'Composite Co' } },
        { method: 'GET', url: '/services/data/v62.0/sobjects/Account/@{acct.id}', referenceId: 'read' },
      ],
    });
    assert.deepEqual(res.compositeResponse.map((r) => r.httpStatusCode), [201, 200]);
    assert.equal(res.compositeResponse[1]!.body.Name, 'Composite Co');
    const many = Array.from({ length: 26 }, (_, i) => ({ method: 'GET', url: '/services/data/v62.0/limits', referenceId: `r${i}` }));
    await assert.rejects(async () => conn.requestPost('/composite', { compositeRequest: many }), { name: 'LIMIT_EXCEEDED' });
  });

  it('runs Bulk API 2.0 ingest and query jobs as jsforce drives them', async () => {
    const input = Array.from({ length: 300 }, (_, i) => ({ Subject: `Call ${i}`, Type: 'Call', Status: 'Completed' }));
    input.push({ Subject: 'x'.repeat(300), Type: 'Call', Status: 'Completed' });
    const out = await conn.bulk2.loadAndWaitForResults({ object: 'Task', operation: 'insert', input, pollInterval: 20, pollTimeout: 10_000 });
    assert.equal(out.successfulResults.length, 300);
    assert.equal(out.failedResults.length, 1);
    assert.match(String(out.failedResults[0]!.sf__Error), /^STRING_TOO_LONG:/);
    assert.equal(out.successfulResults[0]!.sf__Created, 'true');
    const stream = await conn.bulk2.query("SELECT Id, Subject, Owner.Name FROM Task WHERE Type = 'Call'", { pollInterval: 20, pollTimeout: 10_000 });
    const rows = (await stream.toArray()) as Record<string, string>[];
    assert.equal(rows.length, 300);
    assert.equal(rows[0]!['Owner.Name'], 'Ada Admin');
    const paths = sf.requests().map((r) => `${r.method} ${r.url.replace(/750\w{15}/, '{id}')}`);
    for (const p of ['POST /services/data/v62.0/jobs/ingest', 'PUT /services/data/v62.0/jobs/ingest/{id}/batches', 'PATCH /services/data/v62.0/jobs/ingest/{id}', 'GET /services/data/v62.0/jobs/query/{id}/results']) {
      assert.ok(paths.includes(p), p);
    }
  });

  it('answers the OAuth error cases as Salesforce does', async () => {
    const page = await fetch(`${sf.url}/services/oauth2/authorize?response_type=code&client_id=unknown&redirect_uri=${encodeURIComponent(CALLBACK)}`);
    assert.equal(page.status, 400);
    assert.match(await page.text(), /error=invalid_client_id/);
    const mismatch = await fetch(`${sf.url}/services/oauth2/authorize?response_type=code&client_id=${sf.clientId}&redirect_uri=${encodeURIComponent('http://evil.example/cb')}`);
    assert.match(await mismatch.text(), /redirect_uri_mismatch/);
    const login = await fetch(`${sf.url}/services/oauth2/authorize?response_type=code&client_id=${sf.clientId}&redirect_uri=${encodeURIComponent(CALLBACK)}`, { redirect: 'manual' });
    assert.equal(login.status, 302);
    const form = await fetch(new URL(login.headers.get('location')!, sf.url));
    assert.match(await form.text(), /name="pw"/);
    const wrong = await fetch(`${sf.url}/login`, { method: 'POST', body: new URLSearchParams({ username: sf.org.admin.username, pw: 'wrong', startURL: '/' }), redirect: 'manual' });
    assert.equal(wrong.status, 200);
    assert.match(await wrong.text(), /Please check your username and password/);
    const token = await fetch(`${sf.url}/services/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'nope', client_id: sf.clientId, client_secret: sf.clientSecret }) });
    assert.equal(token.status, 400);
    assert.deepEqual(await token.json(), { error: 'invalid_grant', error_description: 'expired access/refresh token' });
    const info = await fetch(`${sf.url}/services/oauth2/userinfo`, { headers: { authorization: 'Bearer nope' } });
    assert.equal(info.status, 403);
  });

  it('applies latency, request limits and Sforce-Limit-Info', async () => {
    sf.setLatency(150);
    const t0 = Date.now();
    await conn.query('SELECT Id FROM User LIMIT 1');
    assert.ok(Date.now() - t0 >= 140);
    sf.setLatency(0);
    assert.ok(conn.limitInfo.apiUsage!.used > 0);
    const usage = sf.apiUsage();
    sf.setApiUsage(10, 10);
    await assert.rejects(async () => conn.query('SELECT Id FROM User LIMIT 1'), { name: 'REQUEST_LIMIT_EXCEEDED' });
    sf.setApiUsage(usage.used, usage.limit);
  });
});

describe('Salesforce emulator: Bulk API 2.0 jobs, OFFSET, queryAll and deletes as Salesforce documents them', () => {
  let sf: SalesforceEmulator;
  let token: string;
  const V = '/services/data/v62.0';

  before(async () => {
    sf = await startSalesforceEmulator({ seed: 7, people: 300, bulkProcessingMs: 20, taskCustomFields: [{ name: 'Ext_Key__c', type: 'string', length: 40, externalId: true }] });
    token = sf.issueAccessToken(sf.org.admin.username);
  });
  after(() => sf.close());

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${sf.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, json: (): unknown => JSON.parse(text) };
  };
  const soql = async (q: string, all = false) => (await call('GET', `${V}/${all ? 'queryAll' : 'query'}?q=${encodeURIComponent(q)}`)).json() as { totalSize: number; records: Record<string, unknown>[] };
  const finished = async (id: string) => {
    for (let i = 0; i < 100; i++) {
      const info = (await call('GET', `${V}/jobs/ingest/${id}`)).json() as { state: string };
      if (info.state === 'JobComplete' || info.state === 'Failed') return info.state;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`job ${id} did not finish`);
  };
  const ingest = async (job: Record<string, unknown>, csvs: string[], close = true) => {
    const created = await call('POST', `${V}/jobs/ingest`, job);
    assert.equal(created.status, 200, created.text);
    const id = (created.json() as { id: string }).id;
    for (const csv of csvs) assert.equal((await call('PUT', `${V}/jobs/ingest/${id}/batches`, csv, { 'content-type': 'text/csv' })).status, 201);
    if (close) await call('PATCH', `${V}/jobs/ingest/${id}`, { state: 'UploadComplete' });
    return id;
  };

  it('upsert needs the Id, an External ID or an idLookup field as externalIdFieldName', async () => {
    for (const name of ['LastName', 'Nope__c']) {
      const res = await call('POST', `${V}/jobs/ingest`, { object: 'Lead', operation: 'upsert', externalIdFieldName: name });
      assert.equal(res.status, 400);
      assert.deepEqual(res.json(), [{ message: `InvalidJob : Field name provided, ${name} does not match an External ID, Salesforce Id, or indexed field for Lead`, errorCode: 'INVALIDJOB' }]);
    }
    for (const [object, name] of [['Lead', 'Email'], ['Lead', 'Id'], ['Task', 'Ext_Key__c']]) {
      assert.equal((await call('POST', `${V}/jobs/ingest`, { object, operation: 'upsert', externalIdFieldName: name })).status, 200, `${object}.${name}`);
    }
    const describe = (await call('GET', `${V}/sobjects/Task/describe`)).json() as { fields: { name: string; idLookup: boolean; externalId: boolean }[] };
    assert.deepEqual(describe.fields.filter((f) => f.externalId).map((f) => [f.name, f.idLookup]), [['Ext_Key__c', true]]);
  });

  it('upsert matches rows on externalIdFieldName: none creates, one updates, several fail with DUPLICATE_EXTERNAL_ID', async () => {
    const lead = (await soql('SELECT Id, Email, Company FROM Lead WHERE Email != null LIMIT 1')).records[0]!;
    for (let i = 0; i < 2; i++) await call('POST', `${V}/sobjects/Lead`, { LastName: `Twin ${i}`, Company: 'Twins', Email: 'twin@upsert.example' });
    const id = await ingest({ object: 'Lead', operation: 'upsert', externalIdFieldName: 'Email' }, [
      `Email,LastName,Company\n${String(lead.Email).toUpperCase()},Changed,"${String(lead.Company).replace(/"/g, '""')}"\nnew@upsert.example,Newcomer,New Co\ntwin@upsert.example,Third,Twins\n`,
    ]);
    assert.equal(await finished(id), 'JobComplete');
    const ok = (await call('GET', `${V}/jobs/ingest/${id}/successfulResults`)).text.trim().split('\n');
    assert.equal(ok.length, 3);
    assert.equal(ok[1], `"${String(lead.Id)}","false","${String(lead.Email).toUpperCase()}","Changed","${String(lead.Company).replace(/"/g, '""')}"`);
    assert.match(ok[2]!, /^"00Q\w{15}","true","new@upsert\.example"/);
    const failed = (await call('GET', `${V}/jobs/ingest/${id}/failedResults`)).text.trim().split('\n');
    assert.equal(failed.length, 2);
    assert.match(failed[1]!, /^"","DUPLICATE_EXTERNAL_ID:Email: more than one record found for external id field: \[00Q\w{15}, 00Q\w{15}\]:Email --","twin@upsert\.example"/);
    assert.equal((await soql(`SELECT Id FROM Lead WHERE Email = '${String(lead.Email)}'`)).totalSize, 1, 'updated, not duplicated');
    assert.equal((await soql(`SELECT LastName FROM Lead WHERE Id = '${String(lead.Id)}'`)).records[0]!.LastName, 'Changed');
    assert.equal((await soql("SELECT Id FROM Lead WHERE Email = 'twin@upsert.example'")).totalSize, 2);
    assert.equal((await soql("SELECT Id FROM Lead WHERE Email = 'new@upsert.example'")).totalSize, 1);
  });

  it('unprocessedrecords of an aborted or failed job: the original header and every record not processed', async () => {
    const aborted = await ingest({ object: 'Task', operation: 'insert' }, ['Subject,Status\nOne,Completed\nTwo,Completed\n', 'Subject,Status\nThree,Completed\n'], false);
    await call('PATCH', `${V}/jobs/ingest/${aborted}`, { state: 'Aborted' });
    const rows = await call('GET', `${V}/jobs/ingest/${aborted}/unprocessedrecords`);
    assert.equal(rows.status, 200);
    assert.equal(rows.text, '"Subject","Status"\n"One","Completed"\n"Two","Completed"\n"Three","Completed"\n');
    const failed = await ingest({ object: 'Task', operation: 'insert' }, ['Subject\nFour\n', 'Status\nCompleted\n']);
    assert.equal(await finished(failed), 'Failed');
    assert.equal((await call('GET', `${V}/jobs/ingest/${failed}/unprocessedrecords`)).text, '"Subject"\n"Four"\n"Completed"\n');
    assert.equal((await soql("SELECT COUNT() FROM Task WHERE Subject IN ('One', 'Two', 'Three', 'Four')")).totalSize, 0);
  });

  it('deletes a job in UploadComplete, JobComplete, Aborted or Failed; not an Open one', async () => {
    const slow = await startSalesforceEmulator({ seed: 7, people: 10, bulkProcessingMs: 60_000 });
    try {
      const t = slow.issueAccessToken(slow.org.admin.username);
      const req = (method: string, path: string, body?: unknown) =>
        fetch(`${slow.url}${V}${path}`, { method, headers: { authorization: `Bearer ${t}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
      const job = ((await (await req('POST', '/jobs/ingest', { object: 'Task', operation: 'insert' })).json()) as { id: string }).id;
      assert.equal((await req('DELETE', `/jobs/ingest/${job}`)).status, 409, 'Open');
      await req('PATCH', `/jobs/ingest/${job}`, { state: 'UploadComplete' });
      assert.equal(((await (await req('GET', `/jobs/ingest/${job}`)).json()) as { state: string }).state, 'UploadComplete');
      assert.equal((await req('DELETE', `/jobs/ingest/${job}`)).status, 204);
      assert.equal((await req('GET', `/jobs/ingest/${job}`)).status, 404);
    } finally {
      await slow.close();
    }
    const complete = await ingest({ object: 'Task', operation: 'insert' }, ['Subject\nDone\n']);
    await finished(complete);
    assert.equal((await call('DELETE', `${V}/jobs/ingest/${complete}`)).status, 204);
    const aborted = await ingest({ object: 'Task', operation: 'insert' }, [], false);
    await call('PATCH', `${V}/jobs/ingest/${aborted}`, { state: 'Aborted' });
    assert.equal((await call('DELETE', `${V}/jobs/ingest/${aborted}`)).status, 204);
    const failed = await ingest({ object: 'Task', operation: 'insert' }, ['Nope__c\nx\n']);
    assert.equal(await finished(failed), 'Failed');
    assert.equal((await call('DELETE', `${V}/jobs/ingest/${failed}`)).status, 204);
  });

  it('OFFSET over 2,000 is NUMBER_OUTSIDE_VALID_RANGE; a Bulk API 2.0 query job refuses OFFSET', async () => {
    const over = await call('GET', `${V}/query?q=${encodeURIComponent('SELECT Id FROM Lead LIMIT 5 OFFSET 2001')}`);
    assert.equal(over.status, 400);
    assert.deepEqual(over.json(), [
      { message: '\nSELECT Id FROM Lead LIMIT 5 OFFSET 2001\n                                   ^\nERROR at Row:1:Column:36\nMaximum SOQL offset allowed is 2000', errorCode: 'NUMBER_OUTSIDE_VALID_RANGE' },
    ]);
    assert.equal((await call('GET', `${V}/query?q=${encodeURIComponent('SELECT Id FROM Lead LIMIT 5 OFFSET 2000')}`)).status, 200);
    const job = await call('POST', `${V}/jobs/query`, { operation: 'query', query: 'SELECT Id FROM Lead LIMIT 5 OFFSET 1' });
    assert.equal(job.status, 400);
    assert.equal((job.json() as { errorCode: string }[])[0]!.errorCode, 'INVALIDJOB');
  });

  it('queryAll also returns deleted records (IsDeleted = true); query and reads do not; hardDelete leaves nothing', async () => {
    const created = (await call('POST', `${V}/sobjects/Task`, { Subject: 'Recycled' })).json() as { id: string };
    assert.equal((await call('DELETE', `${V}/sobjects/Task/${created.id}`)).status, 204);
    const q = `SELECT Id, IsDeleted FROM Task WHERE Id = '${created.id}'`;
    assert.equal((await soql(q)).totalSize, 0);
    assert.deepEqual((await soql(q, true)).records.map((r) => [r.Id, r.IsDeleted]), [[created.id, true]]);
    assert.equal((await call('GET', `${V}/sobjects/Task/${created.id}`)).status, 404);
    assert.equal((await call('DELETE', `${V}/sobjects/Task/${created.id}`)).status, 404);
    const hard = (await call('POST', `${V}/sobjects/Task`, { Subject: 'Shredded' })).json() as { id: string };
    const job = await ingest({ object: 'Task', operation: 'hardDelete' }, [`Id\n${hard.id}\n`]);
    assert.equal(await finished(job), 'JobComplete');
    assert.equal((await soql(`SELECT Id FROM Task WHERE Id = '${hard.id}'`, true)).totalSize, 0);
  });

  it('a DELETE with Content-Type: application/json and no body deletes (204); other methods still need a body', async () => {
    const created = (await call('POST', `${V}/sobjects/Task`, { Subject: 'Empty body' })).json() as { id: string };
    const del = await call('DELETE', `${V}/sobjects/Task/${created.id}`, '', { 'content-type': 'application/json' });
    assert.equal(del.status, 204);
    assert.equal((await soql(`SELECT Id FROM Task WHERE Id = '${created.id}'`)).totalSize, 0);
    const other = (await call('POST', `${V}/sobjects/Task`, { Subject: 'Still here' })).json() as { id: string };
    const patch = await call('PATCH', `${V}/sobjects/Task/${other.id}`, '', { 'content-type': 'application/json' });
    assert.equal(patch.status, 400);
    assert.equal((patch.json() as { errorCode: string }[])[0]!.errorCode, 'JSON_PARSER_ERROR');
  });
});
