import { LightningElement } from 'lwc';
import { currentPageReference } from 'lightning/navigation';
import { personInsight } from '@console/components';
import previewSyncFields from '@salesforce/apex/MsiActionsSyncController.previewSyncFields';

const TOAST_ICONS = { success: 'utility:success', error: 'utility:error', warning: 'utility:warning', info: 'utility:info' };
/** Salesforce's "dismissible" toasts go after a few seconds; error toasts stay until closed, as on the platform's sticky mode. */
const TOAST_MS = 6000;

/** How many Leads and how many Contacts the Record pages menu lists. */
const RECORDS_PER_OBJECT = 5;

/**
 * The console's frame around the package's components: an app bar as Lightning shows one, the page for the
 * current URL (the MSI Actions Setup tab, or a record page), and the toasts components ask for.
 */
export default class ConsoleApp extends LightningElement {
    page = currentPageReference();
    org;
    toasts = [];
    nextToastId = 1;
    personInsight = personInsight;
    /** The Record pages menu: the synced Leads and Contacts it links to, read when it is first opened. */
    records;
    recordsLoading = false;
    recordsMessage = '';

    connectedCallback() {
        this.onToast = (event) => this.showToast(event.detail || {});
        this.onNavigate = () => {
            this.page = currentPageReference();
        };
        this.template.addEventListener('lightning__showtoast', this.onToast);
        window.addEventListener('popstate', this.onNavigate);
        window.addEventListener('console:navigate', this.onNavigate);
        this.loadOrg();
        this.setTitle();
    }

    renderedCallback() {
        this.setTitle();
    }

    /** The browser tab says which page this is, as Lightning's does. */
    setTitle() {
        const title = `${this.isRecord ? this.recordTabLabel : 'MSI Actions Setup'} · MSI Actions console`;
        if (document.title !== title) document.title = title;
    }

    disconnectedCallback() {
        this.template.removeEventListener('lightning__showtoast', this.onToast);
        window.removeEventListener('popstate', this.onNavigate);
        window.removeEventListener('console:navigate', this.onNavigate);
    }

    async loadOrg() {
        try {
            const response = await fetch('/console/org', { headers: { accept: 'application/json' } });
            if (response.ok) this.org = await response.json();
        } catch {
            // The header then shows no org name; the components report the service being unreachable themselves.
        }
    }

    get orgText() {
        return this.org ? `${this.org.name} (${this.org.id})` : '';
    }

    get sandbox() {
        return this.org?.sandbox === true;
    }

    get isRecord() {
        return this.page.type === 'standard__recordPage';
    }

    get objectApiName() {
        return this.page.attributes.objectApiName;
    }

    get recordId() {
        return this.page.attributes.recordId;
    }

    get recordUrl() {
        return `/console/record/${encodeURIComponent(this.objectApiName)}/${encodeURIComponent(this.recordId)}`;
    }

    get recordTabLabel() {
        return `${this.objectApiName} ${this.recordId}`;
    }

    get recordIcon() {
        return `standard:${String(this.objectApiName).toLowerCase()}`;
    }

    get setupTabClass() {
        return this.isRecord ? 'slds-context-bar__item' : 'slds-context-bar__item slds-is-active';
    }

    get setupCurrent() {
        return this.isRecord ? undefined : 'page';
    }

    /**
     * Opening the Record pages menu: on the platform a rep reaches a Lead or Contact from its tab; the console,
     * which has no such lists, links to a few of the people the sync reads (the field preview's sample of
     * people with a Salesforce owner, MsiActionsSyncController.previewSyncFields through the Apex bridge).
     */
    async handleRecordsOpen() {
        if (this.recordsLoading || (this.records && this.records.length > 0)) return;
        this.recordsLoading = true;
        this.recordsMessage = '';
        try {
            const preview = await previewSyncFields();
            this.records = recordLinks(preview && preview.sample);
            if (this.records.length === 0) this.recordsMessage = 'No synced Lead or Contact yet: start the sync in step 4.';
        } catch (error) {
            this.records = [];
            const reason = (error && error.body && error.body.message) || (error && error.message) || String(error);
            this.recordsMessage = `No records to list: ${reason}`;
        } finally {
            this.recordsLoading = false;
        }
    }

    /** The menu's sections: Leads, then Contacts, each only when it has a record. */
    get recordGroups() {
        const records = this.records || [];
        return [
            { key: 'Lead', label: 'Leads' },
            { key: 'Contact', label: 'Contacts' }
        ]
            .map((group) => ({ ...group, links: records.filter((record) => record.objectApiName === group.key) }))
            .filter((group) => group.links.length > 0);
    }

    showToast({ title = '', message = '', variant = 'info', mode }) {
        const kind = TOAST_ICONS[variant] ? variant : 'info';
        const id = String(this.nextToastId++);
        this.toasts = [
            ...this.toasts,
            {
                id,
                title,
                message,
                variant: kind,
                icon: TOAST_ICONS[kind],
                role: kind === 'error' ? 'alert' : 'status',
                className: `slds-notify slds-notify_toast slds-theme_${kind} console-toast`
            }
        ];
        if (mode !== 'sticky' && kind !== 'error') {
            setTimeout(() => this.closeToast(id), TOAST_MS);
        }
    }

    handleCloseToast(event) {
        this.closeToast(event.currentTarget.dataset.id);
    }

    closeToast(id) {
        this.toasts = this.toasts.filter((toast) => toast.id !== id);
    }
}

/** Menu entries of the sample's people who are a Lead or a Contact in Salesforce, a few of each. */
function recordLinks(sample) {
    const links = [];
    const counts = { Lead: 0, Contact: 0 };
    for (const person of Array.isArray(sample) ? sample : []) {
        const objectApiName = person.salesforceContactId ? 'Contact' : person.salesforceLeadId ? 'Lead' : undefined;
        if (!objectApiName || counts[objectApiName] >= RECORDS_PER_OBJECT) continue;
        counts[objectApiName] += 1;
        const recordId = objectApiName === 'Contact' ? person.salesforceContactId : person.salesforceLeadId;
        const name = [person.firstName, person.lastName].filter(Boolean).join(' ') || person.email || recordId;
        links.push({
            key: `${objectApiName}-${recordId}`,
            objectApiName,
            recordId,
            label: person.email && name !== person.email ? `${name} · ${person.email}` : name,
            href: `/console/record/${objectApiName}/${encodeURIComponent(recordId)}`
        });
    }
    return links;
}
