import { LightningElement } from 'lwc';
import { currentPageReference } from 'lightning/navigation';
import { personInsight } from '@console/components';

const TOAST_ICONS = { success: 'utility:success', error: 'utility:error', warning: 'utility:warning', info: 'utility:info' };
/** Salesforce's "dismissible" toasts go after a few seconds; error toasts stay until closed, as on the platform's sticky mode. */
const TOAST_MS = 6000;

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
