import { createElement } from 'lwc';
import MsiActionsSetup from 'c/msiActionsSetup';

describe('c-msi-actions-setup', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
    });

    function render(stepStatus) {
        const element = createElement('c-msi-actions-setup', { is: MsiActionsSetup });
        if (stepStatus) element.stepStatus = stepStatus;
        document.body.appendChild(element);
        return element;
    }

    it('lists the seven steps of the setup guide in order, with their persona', () => {
        const element = render();
        const rows = element.shadowRoot.querySelectorAll('tbody tr');
        expect(rows).toHaveLength(7);
        expect(rows[0].textContent).toContain('Set up the Actions account');
        expect(rows[1].textContent).toContain('Marketo Admin or Salesforce Admin');
        expect(rows[6].textContent).toContain('Configure MSI Actions in Salesforce');
    });

    it('shows each step status and counts the finished steps', () => {
        const element = render({ account: 'done', salesforce: 'done', marketo: 'needsAttention' });
        const marketo = element.shadowRoot.querySelector('tr[data-step="marketo"]');
        expect(marketo.textContent).toContain('Needs attention');
        expect(element.shadowRoot.querySelector('tr[data-step="sync"]').textContent).toContain('Not started');
        expect(element.shadowRoot.querySelector('.summary').textContent).toContain('2 of 7 steps done');
    });

    it('labels its table for assistive technology', () => {
        const element = render();
        const table = element.shadowRoot.querySelector('table');
        expect(table.getAttribute('aria-label')).toBe('Setup steps');
        element.shadowRoot.querySelectorAll('th').forEach((th) => expect(th.getAttribute('scope')).toBeTruthy());
    });
});
