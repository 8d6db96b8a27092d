import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { activate, createActiveAccount, type ActiveAccount } from '../helpers/accounts.js';
import { apiOf, linkFor } from './helpers.js';
import type { InvitationService } from '../../src/invitations/service.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/csv');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));

describe('step 5: invite users via CSV', () => {
  let runtime: TestRuntime;
  let account: ActiveAccount;
  let api: ReturnType<typeof apiOf>;
  before(async () => {
    runtime = await startTestRuntime();
    account = await createActiveAccount(runtime, { orgName: 'CSV Co' });
    api = apiOf(runtime, account);
    (runtime.context.services.invitations as InvitationService).rate = { batchSize: 1000, intervalSeconds: 1 };
  });
  after(() => runtime.close());

  const upload = (name: string, bytes: Buffer | string, encoding: 'base64' | 'text' = 'base64') =>
    api('POST', '/invitations/csv', { fileName: name, content: typeof bytes === 'string' ? bytes : encoding === 'base64' ? bytes.toString('base64') : bytes.toString('utf8'), encoding });
  const users = async () => {
    const list = (await api('GET', '/users?pageSize=200')).json().users as Array<{ email: string; name: string; firstName: string | null; lastName: string | null; role: string; status: string; teams: Array<{ name: string }> }>;
    return new Map(list.map((u) => [u.email, { ...u, teamNames: u.teams.map((t) => t.name).sort() }]));
  };

  it('Dutch headers, semicolons and a BOM: detected, mapped by name, previewed, committed into users and teams', async () => {
    await api('POST', '/teams', { name: 'Verkoop' });
    const res = await upload('medewerkers.csv', fixture('dutch-semicolon-bom.csv'));
    assert.equal(res.statusCode, 200, res.body);
    const preview = res.json();
    assert.equal(preview.encoding, 'utf-8-bom');
    assert.equal(preview.delimiter, ';');
    assert.equal(preview.hasHeader, true);
    assert.equal(preview.rowCount, 4, 'the blank line is skipped');
    assert.deepEqual(preview.mapping, { email: 0, firstName: 1, lastName: 2, name: null, role: 3, teams: 4 });
    assert.deepEqual(
      preview.columns.map((c: { header: string; field: string; by: string }) => [c.header, c.field, c.by]),
      [
        ['E-mailadres', 'email', 'header'],
        ['Voornaam', 'firstName', 'header'],
        ['Achternaam', 'lastName', 'header'],
        ['Rol', 'role', 'header'],
        ['Team', 'teams', 'header'],
      ],
    );
    assert.deepEqual(preview.preview[1], {
      row: 3,
      email: 'joris.bakker@voorbeeld.nl',
      firstName: 'Joris',
      lastName: 'Bakker',
      name: 'Joris Bakker',
      role: 'User',
      teams: ['Verkoop', 'Support'],
      outcome: 'invited',
      problems: [],
      reasons: [],
    });
    assert.equal(preview.preview[0].role, 'Admin');
    assert.equal(preview.preview[2].firstName, 'Zoë');
    assert.equal(preview.preview[3].row, 6, 'row numbers as the spreadsheet shows them');
    assert.equal(preview.preview[3].email, 'sanne@xn--bcherei-n2a.voorbeeld.nl');
    assert.deepEqual(preview.unknownTeams, ['Support']);
    assert.equal(preview.problemCount, 0);
    assert.deepEqual(preview.seats, { limit: 100, used: 1, available: 99, needed: 4 });

    const commit = await api('POST', `/invitations/csv/${preview.uploadId}/commit`, { mapping: preview.mapping, createMissingTeams: true });
    assert.equal(commit.statusCode, 200, commit.body);
    const result = commit.json();
    assert.equal(result.alreadyCommitted, false);
    assert.deepEqual(result.counts, { invited: 4, resent: 0, already_member: 0, invalid: 0, refused: 0, duplicate: 0 });
    assert.deepEqual(result.teamsCreated, ['Support']);
    assert.equal(result.message, '4 people were invited; the invitation e-mails are on their way. Teams created: Support.');
    const all = await users();
    assert.equal(all.get('anne.dejong@voorbeeld.nl')?.role, 'Admin');
    assert.deepEqual(all.get('anne.dejong@voorbeeld.nl')?.teamNames, ['Everyone', 'Verkoop']);
    assert.deepEqual(all.get('joris.bakker@voorbeeld.nl')?.teamNames, ['Everyone', 'Support', 'Verkoop']);
    assert.equal(all.get('zoe.vanderberg@voorbeeld.nl')?.name, 'Zoë van der Berg');
    assert.deepEqual(all.get('zoe.vanderberg@voorbeeld.nl')?.teamNames, ['Everyone']);
    assert.equal(all.get('sanne@xn--bcherei-n2a.voorbeeld.nl')?.lastName, 'Müller');

    // The invitations are real: mail arrives and its link activates the user.
    // The mail server shows the internationalised domain in Unicode again.
    for (const email of ['joris.bakker@voorbeeld.nl', 'sanne@bücherei.voorbeeld.nl']) await runtime.mailbox.waitFor((m) => m.to.includes(email));
    const mail = await runtime.mailbox.waitFor((m) => m.to.includes('anne.dejong@voorbeeld.nl'));
    assert.match(mail.text, /Hello Anne de Jong/);
    assert.match(mail.text, /as an administrator/);
    const activation = await activate(runtime, await linkFor(runtime, 'zoe.vanderberg@voorbeeld.nl'));
    assert.equal(activation.page.statusCode, 200);
    assert.equal((await users()).get('zoe.vanderberg@voorbeeld.nl')?.status, 'active');

    // Committing the same upload again invites nobody twice: it answers the first outcomes.
    const mailsBefore = runtime.mailbox.messages.length;
    const again = await api('POST', `/invitations/csv/${preview.uploadId}/commit`, { mapping: preview.mapping, createMissingTeams: true });
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().alreadyCommitted, true);
    assert.deepEqual(again.json().counts, result.counts);
    assert.deepEqual(again.json().rows, result.rows);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(runtime.mailbox.messages.length, mailsBefore);
    const invitations = await runtime.database.db.selectFrom('invitations').select('id').where('account_id', '=', account.accountId).execute();
    assert.equal(invitations.length, 5, 'the first admin and four invitees, nothing twice');
    const audit = (await api('GET', '/audit?action=invitations.csv_imported')).json();
    assert.equal(audit.entries.length, 1);
  });

  it('a UTF-16 export from a spreadsheet (tab-separated, with a BOM)', async () => {
    const res = await upload('export.txt', fixture('utf16-export.csv'));
    assert.equal(res.statusCode, 200, res.body);
    const preview = res.json();
    assert.equal(preview.encoding, 'utf-16le');
    assert.equal(preview.delimiter, '\t');
    assert.deepEqual(preview.mapping, { email: 0, firstName: 1, lastName: 2, name: null, role: null, teams: 3 });
    assert.equal(preview.preview[1].lastName, 'Núñez');
    assert.deepEqual(preview.preview[1].teams, ['APAC', 'EMEA']);
    assert.deepEqual(preview.unknownTeams, ['APAC', 'EMEA']);
    // Without permission to create teams, the people are invited and the missing teams reported.
    const committed = await api('POST', `/invitations/csv/${preview.uploadId}/commit`, { mapping: preview.mapping });
    assert.equal(committed.statusCode, 200, committed.body);
    const commit = committed.json();
    assert.equal(commit.counts.invited, 3);
    assert.deepEqual(commit.teamsCreated, []);
    assert.match(commit.rows[0].reason, /the team "APAC" does not exist \(allow creating missing teams to create it\)/);
    assert.deepEqual(
      commit.rows[0].reasons.map((r: { code: string; params: object }) => [r.code, r.params]),
      [['unknown_team', { team: 'APAC' }]],
    );
    assert.deepEqual(
      commit.rows[1].reasons.map((r: { code: string; params: object }) => [r.code, r.params]),
      [
        ['unknown_team', { team: 'APAC' }],
        ['unknown_team', { team: 'EMEA' }],
      ],
    );
    assert.equal(commit.rows[1].reason, commit.rows[1].reasons.map((r: { message: string }) => r.message).join('; '));
    const all = await users();
    assert.equal(all.get('bjorn@example.org')?.lastName, 'Åström');
    assert.deepEqual(all.get('oscar.nunez@example.org')?.teamNames, ['Everyone']);
  });

  it('also takes the text the page read (no base64), and Windows-1252 bytes without a header, mapped by content', async () => {
    const text = await upload('quoted.csv', fixture('quoted-fields.csv'), 'text');
    assert.equal(text.statusCode, 200, text.body);
    const quoted = text.json();
    assert.equal(quoted.encoding, 'utf-8');
    assert.equal(quoted.delimiter, ',');
    assert.equal(quoted.rowCount, 3);
    assert.deepEqual(quoted.mapping, { email: 0, firstName: null, lastName: null, name: 1, role: 3, teams: null });
    assert.equal(quoted.preview[0].name, 'Doe, John');
    assert.equal(quoted.preview[1].name, 'Jane "JJ" Smith');
    assert.equal(quoted.preview[1].role, 'Admin');
    assert.equal(quoted.preview[2].row, 5, 'a quoted value over two lines takes one row');
    const commit = (await api('POST', `/invitations/csv/${quoted.uploadId}/commit`, { mapping: quoted.mapping })).json();
    assert.equal(commit.counts.invited, 3);
    assert.equal((await users()).get('doe@example.com')?.name, 'Doe, John');

    const res = await upload('oud.csv', fixture('windows-1252-no-header.csv'));
    assert.equal(res.statusCode, 200, res.body);
    const w = res.json();
    assert.equal(w.encoding, 'windows-1252');
    assert.equal(w.hasHeader, false);
    assert.equal(w.rowCount, 2);
    assert.deepEqual(w.columns[0], { index: 0, header: 'Column 1', field: 'email', by: 'content', samples: ['renee@example.com', 'chloe@example.com'] });
    assert.deepEqual(w.columns[1].samples, ['Renée', 'Chloë']);
    const committed = (await api('POST', `/invitations/csv/${w.uploadId}/commit`, { mapping: { email: 0, firstName: 1, lastName: 2 } })).json();
    assert.equal(committed.counts.invited, 2);
    assert.equal((await users()).get('renee@example.com')?.lastName, 'Lefèvre');
  });

  it('duplicates, invalid addresses, people already invited or members: per-row outcomes and problems', async () => {
    await api('POST', '/invitations', { addresses: 'ok@example.com' });
    const res = await upload('dups.csv', fixture('duplicates-invalid.csv'));
    const preview = res.json();
    assert.equal(preview.rowCount, 7);
    assert.deepEqual(preview.summary, { rows: 7, new: 1, alreadyInvited: 1, alreadyMembers: 0, invalid: 3, duplicates: 2 });
    assert.deepEqual(
      preview.problems.map((p: { row: number; message: string }) => [p.row, p.message]),
      [
        [3, 'the same address as row 2'],
        [4, 'the e-mail address has no "@" with a name before it'],
        [5, 'the e-mail address is missing'],
        [6, 'the e-mail address has a domain that is not valid ("exa mple.com")'],
        [8, 'the same address as row 7'],
      ],
    );
    // The same problems as codes with their values, for the page to word in the admin's language.
    assert.deepEqual(
      preview.problems.map((p: { row: number; code: string; params: object }) => [p.row, p.code, p.params]),
      [
        [3, 'duplicate_in_file', { firstRow: 2 }],
        [4, 'email_no_at', {}],
        [5, 'email_missing', {}],
        [6, 'email_invalid_domain', { domain: 'exa mple.com' }],
        [8, 'duplicate_in_file', { firstRow: 7 }],
      ],
    );
    assert.deepEqual(preview.preview[1].problems, ['the same address as row 2']);
    assert.deepEqual(preview.preview[1].reasons, [{ code: 'duplicate_in_file', message: 'the same address as row 2', params: { firstRow: 2 } }]);
    const commit = (await api('POST', `/invitations/csv/${preview.uploadId}/commit`, { mapping: preview.mapping })).json();
    assert.deepEqual(
      commit.rows.map((r: { row: number; outcome: string }) => [r.row, r.outcome]),
      [
        [2, 'invited'],
        [3, 'duplicate'],
        [4, 'invalid'],
        [5, 'invalid'],
        [6, 'invalid'],
        [7, 'resent'],
        [8, 'duplicate'],
      ],
    );
    assert.deepEqual(
      commit.rows.map((r: { row: number; reasons: Array<{ code: string }> }) => [r.row, r.reasons.map((x) => x.code)]),
      [
        [2, []],
        [3, ['duplicate_in_file']],
        [4, ['email_no_at']],
        [5, ['email_missing']],
        [6, ['email_invalid_domain']],
        [7, []],
        [8, ['duplicate_in_file']],
      ],
    );
    assert.equal(
      commit.message,
      '1 person was invited; the invitation e-mails are on their way. 1 person who was already invited got a new invitation e-mail. 3 rows were skipped because of problems. 2 duplicate rows were skipped.',
    );
    // An address of an active member.
    const member = await upload('member.csv', `email\n${account.adminEmail}\n`, 'text');
    assert.equal(member.json().preview[0].outcome, 'already_member');
  });

  it('words each row problem as a code with its values: an unknown role, a name too long, a team name too long', async () => {
    const longTeam = 'T'.repeat(81);
    const text = `email,first name,role,teams\nrole@example.com,Ro,Boss,\nlong@example.com,${'A'.repeat(201)},User,\nteam@example.com,Te,User,${longTeam}\n`;
    const preview = (await upload('codes.csv', text, 'text')).json();
    assert.deepEqual(
      preview.problems.map((p: { row: number; code: string; params: object; message: string }) => [p.row, p.code, p.params, p.message]),
      [
        [2, 'invalid_role', { role: 'Boss' }, 'the role "Boss" is not Admin or User'],
        [3, 'first_name_too_long', { max: 200 }, 'the first name is longer than 200 characters'],
      ],
    );
    const commit = (await api('POST', `/invitations/csv/${preview.uploadId}/commit`, { mapping: preview.mapping, createMissingTeams: true })).json();
    assert.deepEqual(
      commit.rows.map((r: { row: number; outcome: string; reasons: Array<{ code: string; params: object }> }) => [r.row, r.outcome, r.reasons.map((x) => [x.code, x.params])]),
      [
        [2, 'invalid', [['invalid_role', { role: 'Boss' }]]],
        [3, 'invalid', [['first_name_too_long', { max: 200 }]]],
        [4, 'invited', [['team_name_too_long', { team: `${'T'.repeat(40)}…`, max: 80 }]]],
      ],
    );
    // The download keeps its six columns.
    const download = await api('GET', `/invitations/csv/${preview.uploadId}/results.csv`);
    const lines = download.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    assert.equal(lines[0], 'Row,E-mail,First name,Last name,Outcome,Reason');
    assert.match(lines[3] ?? '', /^4,team@example\.com,Te,,invited,"the team name ""T{40}…"" is longer than 80 characters"$/);
  });

  it('neutralises formula-like cells in the results download', async () => {
    const preview = (await upload('formulas.csv', fixture('formula-names.csv'))).json();
    const early = await api('GET', `/invitations/csv/${preview.uploadId}/results.csv`);
    assert.equal(early.statusCode, 409);
    assert.equal(early.json().error.code, 'not_committed');
    await api('POST', `/invitations/csv/${preview.uploadId}/commit`, { mapping: preview.mapping });
    const res = await api('GET', `/invitations/csv/${preview.uploadId}/results.csv`);
    assert.equal(res.statusCode, 200, res.body);
    assert.match(res.headers['content-type'] as string, /^text\/csv/);
    assert.match(res.headers['content-disposition'] as string, /attachment; filename="formulas-results.csv"/);
    const lines = res.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    assert.deepEqual(lines, [
      'Row,E-mail,First name,Last name,Outcome,Reason',
      `2,f1@example.com,"'=HYPERLINK(""http://evil.example"",""click"")",Formula,invited,`,
      `3,f2@example.com,"'+SUM(1;2)",Plus,invited,`,
      `4,f3@example.com,'-2+3,Minus,invited,`,
      `5,f4@example.com,'@cmd,At,invited,`,
    ]);
    // Stored as given: the names are data, only exports neutralise them.
    assert.equal((await users()).get('f4@example.com')?.firstName, '@cmd');
  });

  it('matches and groups team names as the database compares them: "ik" is the team "İK", and two spellings of one new name make one team', async () => {
    assert.equal((await api('POST', '/teams', { name: 'İK' })).statusCode, 201);
    // The database's lower() of "İK" ("ik" on PostgreSQL and PGlite; JavaScript makes "i̇k" of it).
    const { rows } = await sql<{ spelling: string }>`select lower('İK') as spelling`.execute(runtime.database.db);
    const ik = rows[0]!.spelling;
    const file = `Email,Team\nik1@teams.example,${ik}\nik2@teams.example,İK\ngr1@teams.example,ΠΩΛΗΣΕΙΣ\ngr2@teams.example,πωλησεισ\n`;
    const preview = (await upload('teams.csv', file, 'text')).json();
    assert.deepEqual(preview.unknownTeams, ['πωλησεισ'], 'İK exists; the two Greek spellings are one new team');
    const teamsBefore = (await api('GET', '/teams')).json().count;
    const commit = await api('POST', `/invitations/csv/${preview.uploadId}/commit`, { mapping: preview.mapping, createMissingTeams: true });
    assert.equal(commit.statusCode, 200, commit.body);
    assert.deepEqual(commit.json().counts, { invited: 4, resent: 0, already_member: 0, invalid: 0, refused: 0, duplicate: 0 });
    assert.equal(commit.json().teamsCreated.length, 1);
    assert.equal((await api('GET', '/teams')).json().count, teamsBefore + 1);
    const all = await users();
    assert.deepEqual(all.get('ik1@teams.example')?.teamNames, ['Everyone', 'İK']);
    assert.deepEqual(all.get('ik2@teams.example')?.teamNames, ['Everyone', 'İK']);
    const greek = commit.json().teamsCreated[0];
    assert.deepEqual(all.get('gr1@teams.example')?.teamNames, ['Everyone', greek]);
    assert.deepEqual(all.get('gr2@teams.example')?.teamNames, ['Everyone', greek]);
    assert.doesNotMatch(runtime.logs.text, /unhandled error/);
  });

  it('a row for someone already invited gives them its role and names, as it gives them its teams; an empty Role cell keeps theirs', async () => {
    const first = await api('POST', '/invitations', { addresses: 'again@csv.example' });
    assert.equal(first.json().results[0].outcome, 'invited');
    const preview = (await upload('again.csv', 'Email,First name,Last name,Role,Team\nagain@csv.example,Rolf,Olé,Admin,Verkoop\n', 'text')).json();
    assert.equal(preview.preview[0].outcome, 'resent');
    const commit = await api('POST', `/invitations/csv/${preview.uploadId}/commit`, { mapping: preview.mapping });
    assert.equal(commit.statusCode, 200, commit.body);
    assert.equal(commit.json().rows[0].outcome, 'resent');
    let again = (await users()).get('again@csv.example');
    assert.equal(again?.role, 'Admin');
    assert.equal(again?.firstName, 'Rolf');
    assert.equal(again?.lastName, 'Olé');
    assert.equal(again?.name, 'Rolf Olé');
    assert.deepEqual(again?.teamNames, ['Everyone', 'Verkoop']);
    assert.equal(again?.status, 'invited');
    const mail = await runtime.mailbox.waitFor((m) => m.to.includes('again@csv.example') && /as an administrator/.test(m.text));
    assert.match(mail.text, /Hello Rolf Olé/);

    // A row without a role or names changes neither.
    const bare = (await upload('bare.csv', 'Email,Role\nagain@csv.example,\n', 'text')).json();
    assert.equal((await api('POST', `/invitations/csv/${bare.uploadId}/commit`, { mapping: bare.mapping })).json().rows[0].outcome, 'resent');
    again = (await users()).get('again@csv.example');
    assert.equal(again?.role, 'Admin');
    assert.equal(again?.name, 'Rolf Olé');

    // An upload id PostgreSQL cannot read is a 400, not a 500.
    const urn = await api('POST', '/invitations/csv/urn:uuid:00000000-0000-4000-8000-000000000000/commit', { mapping: { email: 0 } });
    assert.equal(urn.statusCode, 400, urn.body);
    assert.equal(urn.json().error.details.issues[0].path, 'params/uploadId');
  });

  it('refuses bad files with clear 400 errors, never a 500', async () => {
    const cases: Array<[string, Buffer | string, string, RegExp]> = [
      ['empty', Buffer.alloc(0), 'empty_file', /empty/],
      ['blank lines', '\r\n\r\n  \r\n', 'empty_file', /empty/],
      ['header only', 'Email;Voornaam\r\n', 'header_only', /header row but no people/],
      ['binary', Buffer.from([0x00, 0x01, 0x02, 0x03, 0xff, 0x00, 0x10, 0x00, 0x7f, 0x00, 0x00, 0x01]), 'binary_file', /binary data/],
      ['xlsx', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100, 1)]), 'binary_file', /Excel workbook/],
      ['unbalanced quotes', 'email,name\na@example.com,"Ann\nb@example.com,Bob\n', 'unbalanced_quotes', /Row 2 opens a quoted value/],
      ['ragged', 'email,name\na@x.example,A,1,2\nb@x.example,B,1,2\nc@x.example,C,3,4\nd@x.example,D,5,6\n', 'ragged_rows', /do not have the 2 values/],
      ['no e-mail column', 'Naam,Telefoon\nAnn,0612345678\nBob,0687654321\n', 'no_email_column', /No column of e-mail addresses was found \(the columns are "Naam", "Telefoon"\)/],
      ['bad base64', 'not base64 at all!', 'invalid_base64', /not base64/],
    ];
    for (const [what, bytes, code, message] of cases) {
      const res =
        typeof bytes === 'string' && what !== 'bad base64'
          ? await upload(`${what}.csv`, bytes, 'text')
          : await api('POST', '/invitations/csv', { fileName: `${what}.csv`, content: typeof bytes === 'string' ? bytes : bytes.toString('base64'), encoding: 'base64' });
      assert.equal(res.statusCode, 400, `${what}: ${res.body}`);
      assert.equal(res.json().error.code, code, what);
      assert.match(res.json().error.message, message, what);
    }
    // A few ragged rows are problems of those rows, not of the file.
    const some = (await upload('some.csv', 'email,name\na@x.example,A\nb@x.example,B,extra\nc@x.example\nd@x.example,D\n', 'text')).json();
    assert.deepEqual(
      some.problems.map((p: { row: number; severity: string; code: string; params: object }) => [p.row, p.severity, p.code, p.params]),
      [
        [3, 'error', 'too_many_values', { values: 3, expected: 2 }],
        [4, 'warning', 'too_few_values', { values: 1, expected: 2 }],
      ],
    );
    // Mapping mistakes at commit.
    const bad = await api('POST', `/invitations/csv/${some.uploadId}/commit`, { mapping: { email: 0, firstName: 0 } });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.code, 'invalid_mapping');
    const out = await api('POST', `/invitations/csv/${some.uploadId}/commit`, { mapping: { email: 7 } });
    assert.equal(out.json().error.code, 'invalid_mapping');
    const missing = await api('POST', `/invitations/csv/${some.uploadId}/commit`, { mapping: { firstName: 1 } });
    assert.equal(missing.statusCode, 400);
    const unknown = await api('POST', `/invitations/csv/00000000-0000-4000-8000-000000000000/commit`, { mapping: { email: 0 } });
    assert.equal(unknown.statusCode, 404);
  });

  it('takes 100,000 rows (the seat limit refuses the surplus) and refuses 100,001 clearly; files over 10 MB too', async () => {
    const rows = (n: number) => `Email,First name\n${Array.from({ length: n }, (_, i) => `bulk${i}@bulk.example,Bulk ${i}`).join('\n')}\n`;
    const started = Date.now();
    const big = await upload('big.csv', rows(100_000), 'text');
    assert.equal(big.statusCode, 200, big.body.slice(0, 600));
    const preview = big.json();
    assert.equal(preview.rowCount, 100_000);
    assert.equal(preview.preview.length, 20);
    assert.ok(preview.seats.available < preview.seats.needed);
    assert.ok(Date.now() - started < 10_000);
    const tooMany = await upload('huge.csv', rows(100_001), 'text');
    assert.equal(tooMany.statusCode, 400);
    assert.equal(tooMany.json().error.code, 'too_many_rows');
    const tooLarge = await upload('large.csv', `email\n${'x'.repeat(10 * 1024 * 1024)}\n`, 'text');
    assert.equal(tooLarge.statusCode, 400);
    assert.equal(tooLarge.json().error.code, 'file_too_large');

    const commit = await api('POST', `/invitations/csv/${preview.uploadId}/commit`, { mapping: preview.mapping });
    assert.equal(commit.statusCode, 200);
    const result = commit.json();
    const seats = (await api('GET', '/users')).json().seats;
    assert.equal(result.counts.invited, preview.seats.available);
    assert.equal(result.counts.refused, 100_000 - preview.seats.available);
    assert.equal(seats.available, 0);
    assert.match(result.message, /not invited: the account has no free seats left \(limit 100\)/);
  });

  it('keeps uploads of one account from another and forgets them after a day', async () => {
    const other = await createActiveAccount(runtime, { orgName: 'Other Co' });
    const preview = (await upload('mine.csv', 'email\nmine@example.com\n', 'text')).json();
    const theirs = apiOf(runtime, other);
    assert.equal((await theirs('POST', `/invitations/csv/${preview.uploadId}/commit`, { mapping: { email: 0 } })).statusCode, 404);
    assert.equal((await theirs('GET', `/invitations/csv/${preview.uploadId}/results.csv`)).statusCode, 404);
    await runtime.database.db.updateTable('invitation_csv_uploads').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', preview.uploadId).execute();
    const expired = await api('POST', `/invitations/csv/${preview.uploadId}/commit`, { mapping: { email: 0 } });
    assert.equal(expired.statusCode, 404);
    await upload('next.csv', 'email\nnext@example.com\n', 'text');
    const left = await runtime.database.db.selectFrom('invitation_csv_uploads').select('id').where('id', '=', preview.uploadId).executeTakeFirst();
    assert.equal(left, undefined, 'expired uploads are purged');
  });
});
