import { createElement } from 'lwc';
import { registerSa11yMatcher } from '@sa11y/jest';
import { TextDecoder, TextEncoder } from 'node:util';
import MsiActionsCsvInvite from 'c/msiActionsCsvInvite';
import previewInvitationCsv from '@salesforce/apex/MsiActionsInvitationsController.previewInvitationCsv';
import commitInvitationCsv from '@salesforce/apex/MsiActionsInvitationsController.commitInvitationCsv';
import downloadInvitationCsvResults from '@salesforce/apex/MsiActionsInvitationsController.downloadInvitationCsvResults';
import INVALID from '@salesforce/label/c.MSI_Outcome_Invalid';
import { encodeForUpload, toBase64 } from '../csvFile';

const mockPreview = require('./data/preview.json');

jest.mock('@salesforce/apex/MsiActionsInvitationsController.previewInvitationCsv', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/MsiActionsInvitationsController.commitInvitationCsv', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock(
    '@salesforce/apex/MsiActionsInvitationsController.downloadInvitationCsvResults',
    () => ({ default: jest.fn() }),
    { virtual: true }
);
jest.mock('@salesforce/label/c.MSI_Csv_Summary', () => ({ default: '{0} new · {1} · {2} · {3} with problems · {4}' }), {
    virtual: true
});
jest.mock('@salesforce/label/c.MSI_Csv_Seats', () => ({ default: 'Seats: {0} needed, {1} of {2} free.' }), {
    virtual: true
});
jest.mock('@salesforce/label/c.MSI_Csv_Field_For', () => ({ default: 'Import column {0} as' }), { virtual: true });
jest.mock('@salesforce/label/c.MSI_Confirm_Invited', () => ({ default: 'Invited: {0}.' }), { virtual: true });
jest.mock('@salesforce/label/c.MSI_Confirm_Invalid_Rows', () => ({ default: 'Rows skipped: {0}.' }), { virtual: true });
jest.mock('@salesforce/label/c.MSI_Csv_Row_Problem', () => ({ default: 'Row {0}: {1}' }), { virtual: true });
// The service's reason codes in labels, filled with the reason's params.
jest.mock('@salesforce/label/c.MSI_Reason_Email_Invalid_Domain', () => ({ default: 'domain "{0}" not valid' }), {
    virtual: true
});
jest.mock('@salesforce/label/c.MSI_Reason_Team_Limit', () => ({ default: 'team {0} not created (limit {1})' }), {
    virtual: true
});
jest.mock('@salesforce/label/c.MSI_Reason_Duplicate_In_File', () => ({ default: 'same address as row {0}' }), {
    virtual: true
});
jest.mock('@salesforce/label/c.MSI_Csv_Unknown_Teams', () => ({ default: 'Create: {0}' }), { virtual: true });
jest.mock('@salesforce/label/c.MSI_Csv_Too_Large', () => ({ default: 'The file is {0} MB; up to {1} MB.' }), {
    virtual: true
});

registerSa11yMatcher();

// jsdom has no TextDecoder; the browser and Lightning do.
global.TextDecoder = global.TextDecoder || TextDecoder;

const COMMIT = {
    uploadId: mockPreview.uploadId,
    alreadyCommitted: false,
    counts: { invited: 2, resent: 0, already_member: 0, invalid: 1, refused: 0, duplicate: 0 },
    message: '2 people were invited; the invitation e-mails are on their way. 1 row was skipped because of problems.',
    teamsCreated: ['Verkoop'],
    rows: [
        {
            row: 2,
            email: 'anna@example.nl',
            firstName: 'Anna',
            lastName: 'de Vries',
            outcome: 'invited',
            reason: 'the team "Verkoop" was not created: the account has reached its limit of 20 teams',
            reasons: [
                {
                    code: 'team_limit',
                    message: 'the team "Verkoop" was not created: the account has reached its limit of 20 teams',
                    params: { team: 'Verkoop', limit: 20 }
                }
            ]
        },
        {
            row: 3,
            email: 'bo@example',
            firstName: '',
            lastName: '',
            outcome: 'invalid',
            reason: 'the e-mail address has a domain that is not valid ("example")',
            reasons: [
                {
                    code: 'email_invalid_domain',
                    message: 'the e-mail address has a domain that is not valid ("example")',
                    params: { domain: 'example' }
                }
            ]
        }
    ]
};

/** Lets the file reader, Apex calls and re-renders settle. */
async function settle() {
    for (let i = 0; i < 5; i += 1) {
        // FileReader answers in a later task, not a microtask.
        // eslint-disable-next-line no-await-in-loop, @lwc/lwc/no-async-operation
        await new Promise((resolve) => setTimeout(resolve, 0));
    }
}

function render() {
    const element = createElement('c-msi-actions-csv-invite', { is: MsiActionsCsvInvite });
    const toasts = [];
    const changes = [];
    element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
    element.addEventListener('stepchange', (event) => changes.push(event.detail));
    document.body.appendChild(element);
    return { element, toasts, changes };
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);
const $$ = (element, selector) => Array.from(element.shadowRoot.querySelectorAll(selector));

async function chooseFile(element, file) {
    $(element, 'lightning-input.file').dispatchEvent(new CustomEvent('change', { detail: { files: [file] } }));
    await settle();
}

async function upToTheMapping(preview = mockPreview) {
    previewInvitationCsv.mockResolvedValue(preview);
    const rendered = render();
    await chooseFile(rendered.element, new File(['Naam;E-mailadres\nAnna;anna@example.nl\n'], 'mensen.csv'));
    $(rendered.element, '.next').click();
    await settle();
    return rendered;
}

describe('c-msi-actions-csv-invite', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('sends UTF-8 as text and anything else as base64', () => {
        const utf8 = new TextEncoder().encode('naam,e-mail\nJosé,jose@example.nl\n');
        expect(encodeForUpload(utf8)).toEqual({ content: 'naam,e-mail\nJosé,jose@example.nl\n', encoding: 'text' });
        const windows1252 = Uint8Array.from([0x4a, 0x6f, 0x73, 0xe9, 0x0a]); // "José" in Windows-1252
        expect(encodeForUpload(windows1252)).toEqual({ content: 'Sm9z6Qo=', encoding: 'base64' });
        const utf16 = Uint8Array.from([0x61, 0x00, 0x62, 0x00]); // UTF-16LE without a byte order mark
        expect(encodeForUpload(utf16).encoding).toBe('base64');
        expect(toBase64(new Uint8Array(70000)).length).toBe(93336);
    });

    it('reads the chosen file and uploads it on Next', async () => {
        previewInvitationCsv.mockResolvedValue(mockPreview);
        const { element } = render();
        expect($(element, 'lightning-input.file').accept).toContain('.csv');
        expect($(element, '.next').disabled).toBe(true);
        await chooseFile(element, new File(['email\nanna@example.nl\n'], 'mensen.csv', { type: 'text/csv' }));
        expect($(element, '.chosen')).not.toBeNull();
        expect($(element, '.next').disabled).toBe(false);
        $(element, '.next').click();
        await settle();
        expect(previewInvitationCsv).toHaveBeenCalledWith({
            fileName: 'mensen.csv',
            content: 'email\nanna@example.nl\n',
            encoding: 'text'
        });
    });

    it('refuses a file that is too large before reading it', async () => {
        const { element } = render();
        const big = new File(['x'], 'big.csv');
        Object.defineProperty(big, 'size', { value: 3 * 1024 * 1024 });
        await chooseFile(element, big);
        expect($(element, '.error-panel p').textContent).toBe('The file is 3.0 MB; up to 1 MB.');
        expect($(element, '.next').disabled).toBe(true);
    });

    it('shows the suggested mapping, the first rows and their problems', async () => {
        const { element } = await upToTheMapping();
        const comboboxes = $$(element, '.mapping-table lightning-combobox');
        expect(comboboxes.map((c) => c.value)).toEqual(['name', 'email', '']);
        expect(comboboxes[0].label).toBe('Import column Naam as');
        expect($(element, '.mapping-table tbody').textContent).toContain('anna@example.nl, bo@example');
        expect($(element, '.summary').textContent).toBe('2 new · 0 · 0 · 1 with problems · 0');
        expect($(element, '.seats').textContent).toBe('Seats: 2 needed, 96 of 100 free.');
        const rows = $(element, 'lightning-datatable.preview').data;
        expect(rows).toHaveLength(2);
        expect(rows[1].outcomeText).toBe(INVALID);
        // The problems from their codes, in labels; not the service's English.
        expect(rows[0].problemsText).toBe('');
        expect(rows[1].problemsText).toBe('domain "example" not valid');
        expect($(element, '.problems li').textContent).toBe('Row 3: domain "example" not valid');
        expect($(element, '.create-teams')).toBeNull();
    });

    it('maps each field to one column and needs the e-mail column', async () => {
        const { element } = await upToTheMapping();
        let comboboxes = $$(element, '.mapping-table lightning-combobox');
        // The e-mail field moves to the third column: the second one loses it.
        comboboxes[2].dispatchEvent(new CustomEvent('change', { detail: { value: 'email' } }));
        await settle();
        comboboxes = $$(element, '.mapping-table lightning-combobox');
        expect(comboboxes.map((c) => c.value)).toEqual(['name', '', 'email']);
        comboboxes[2].dispatchEvent(new CustomEvent('change', { detail: { value: '' } }));
        await settle();
        expect($(element, '.email-required')).not.toBeNull();
        expect($(element, '.invite').disabled).toBe(true);
    });

    it('invites with the confirmed mapping and shows the outcome per row', async () => {
        commitInvitationCsv.mockResolvedValue(COMMIT);
        const { element, toasts, changes } = await upToTheMapping({ ...mockPreview, unknownTeams: ['Verkoop'] });
        $$(element, '.mapping-table lightning-combobox')[2].dispatchEvent(
            new CustomEvent('change', { detail: { value: 'teams' } })
        );
        const createTeams = $(element, '.create-teams');
        expect(createTeams.label).toBe('Create: Verkoop');
        createTeams.checked = true;
        createTeams.dispatchEvent(new CustomEvent('change'));
        await settle();
        $(element, '.invite').click();
        await settle();
        expect(commitInvitationCsv).toHaveBeenCalledWith({
            uploadId: mockPreview.uploadId,
            mapping: { email: 1, firstName: null, lastName: null, name: 0, role: null, teams: 2 },
            createMissingTeams: true
        });
        // Built from the counts in labels, not the service's English message.
        expect($(element, '.confirmation').textContent).toBe('Invited: 2. Rows skipped: 1.');
        expect(toasts[0].message).toBe('Invited: 2. Rows skipped: 1.');
        expect($(element, '.teams-created')).not.toBeNull();
        const rows = $(element, 'lightning-datatable.result-rows').data;
        expect(rows[0].displayName).toBe('Anna de Vries');
        expect(rows.map((r) => r.reasonText)).toEqual([
            'team Verkoop not created (limit 20)',
            'domain "example" not valid'
        ]);
        expect(toasts[0].variant).toBe('success');
        expect(changes).toEqual([{ step: 'invitations' }]);
    });

    it('downloads the results as a CSV file', async () => {
        commitInvitationCsv.mockResolvedValue(COMMIT);
        downloadInvitationCsvResults.mockResolvedValue('row,email,outcome\r\n2,anna@example.nl,invited\r\n');
        const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function record() {
            click.link = this;
        });
        const { element } = await upToTheMapping();
        $(element, '.invite').click();
        await settle();
        $(element, '.download').click();
        await settle();
        expect(downloadInvitationCsvResults).toHaveBeenCalledWith({ uploadId: mockPreview.uploadId });
        expect(click).toHaveBeenCalledTimes(1);
        expect(click.link.download).toBe('mensen-results.csv');
        expect(decodeURIComponent(click.link.href.split(',').slice(1).join(','))).toContain('anna@example.nl,invited');
        click.mockRestore();
    });

    it('shows why the service refused the file', async () => {
        previewInvitationCsv.mockRejectedValue({
            body: { message: 'The file has a header row but no people in it. Add one row per person below the header.' }
        });
        const { element, toasts } = render();
        await chooseFile(element, new File(['email\n'], 'leeg.csv'));
        $(element, '.next').click();
        await settle();
        expect($(element, '.error-panel').textContent).toContain('no people in it');
        expect(toasts[0].variant).toBe('error');
        expect($(element, '.mapping')).toBeNull();
    });

    it('starts over with another file', async () => {
        const { element } = await upToTheMapping();
        $(element, '.start-over').click();
        await settle();
        expect($(element, '.mapping')).toBeNull();
        expect($(element, 'lightning-input.file')).not.toBeNull();
    });

    it('joins several reasons of a row, and shows the service text for a code it does not know', async () => {
        const preview = {
            ...mockPreview,
            preview: [
                {
                    ...mockPreview.preview[1],
                    problems: ['the same address as row 2', 'something new'],
                    reasons: [
                        { code: 'duplicate_in_file', message: 'the same address as row 2', params: { firstRow: 2 } },
                        { code: 'some_future_code', message: 'something new', params: {} }
                    ]
                }
            ],
            problems: [{ row: 3, severity: 'warning', code: 'some_future_code', message: 'something new', params: {} }]
        };
        commitInvitationCsv.mockResolvedValue({
            ...COMMIT,
            rows: [
                // An upload committed before the service sent codes: its English reason is all there is.
                { ...COMMIT.rows[1], reason: 'Not an e-mail address.', reasons: undefined },
                {
                    ...COMMIT.rows[1],
                    row: 4,
                    reason: 'something new',
                    reasons: [{ code: 'some_future_code', message: 'something new' }]
                }
            ]
        });
        const { element } = await upToTheMapping(preview);
        const rows = $(element, 'lightning-datatable.preview').data;
        expect(rows[0].problemsText).toBe('same address as row 2; something new');
        expect($(element, '.problems li').textContent).toBe('Row 3: something new');
        $(element, '.invite').click();
        await settle();
        const results = $(element, 'lightning-datatable.result-rows').data;
        expect(results.map((r) => r.reasonText)).toEqual(['Not an e-mail address.', 'something new']);
    });

    it('is accessible at the mapping and at the results', async () => {
        commitInvitationCsv.mockResolvedValue(COMMIT);
        const { element } = await upToTheMapping();
        await expect(element).toBeAccessible();
        $(element, '.invite').click();
        await settle();
        await expect(element).toBeAccessible();
    });
});
