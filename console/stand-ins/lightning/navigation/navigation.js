// lightning/navigation for the console. LBC's own module only re-exports `force/navigation`, which is
// platform-only. The console's URLs stand for Lightning pages: `/console` and `/lightning/n/<tab>` for the
// setup tab, `/console/record/<Object>/<id>` for a record page. Page state is the query string's
// namespaced parameters (`c__claimCode`), as Lightning keeps them.
const SETUP_TAB = 'MSI_Actions_Setup';

/** The Lightning page reference of the console URL the browser shows. */
export function currentPageReference(location = window.location) {
    const state = {};
    for (const [name, value] of new URLSearchParams(location.search)) {
        if (name.includes('__')) state[name] = value;
    }
    const record = /^\/console\/record\/(\w+)\/(\w+)\/?$/.exec(location.pathname);
    if (record) {
        return { type: 'standard__recordPage', attributes: { objectApiName: record[1], recordId: record[2], actionName: 'view' }, state };
    }
    const tab = /^\/lightning\/n\/(\w+)\/?$/.exec(location.pathname);
    return { type: 'standard__navItemPage', attributes: { apiName: tab ? tab[1] : SETUP_TAB }, state };
}

/** The console URL of a page reference; undefined for kinds the console has no page for. */
export function urlOf(pageReference) {
    const { type, attributes = {}, state = {} } = pageReference || {};
    const query = new URLSearchParams(state).toString();
    const withQuery = (path) => (query ? `${path}?${query}` : path);
    if (type === 'standard__recordPage' && attributes.objectApiName && attributes.recordId) {
        return withQuery(`/console/record/${encodeURIComponent(attributes.objectApiName)}/${encodeURIComponent(attributes.recordId)}`);
    }
    if (type === 'standard__navItemPage') return withQuery(attributes.apiName === SETUP_TAB ? '/console' : `/lightning/n/${encodeURIComponent(attributes.apiName)}`);
    if (type === 'standard__webPage' && attributes.url) return attributes.url;
    return undefined;
}

const subscribers = new Set();

/** Tells every CurrentPageReference wire that the URL changed (navigation inside the console). */
function publish() {
    const reference = currentPageReference();
    for (const callback of subscribers) callback(reference);
}
window.addEventListener('popstate', publish);

/** Wire adapter: `@wire(CurrentPageReference)` receives the page reference now and after each navigation. */
export class CurrentPageReference {
    constructor(dataCallback) {
        this.dataCallback = dataCallback;
    }

    connect() {
        subscribers.add(this.dataCallback);
        this.dataCallback(currentPageReference());
    }

    update() {}

    disconnect() {
        subscribers.delete(this.dataCallback);
    }
}

const Navigate = Symbol('Navigate');
const GenerateUrl = Symbol('GenerateUrl');

/** NavigationMixin: Navigate changes the console URL (a full load only when leaving the console). */
export function NavigationMixin(Base) {
    return class extends Base {
        [Navigate](pageReference, replace) {
            const url = urlOf(pageReference);
            if (!url) throw new Error(`The console cannot open a page of type ${pageReference && pageReference.type}`);
            const target = new URL(url, window.location.href);
            if (target.origin !== window.location.origin || pageReference.type === 'standard__webPage') {
                window.location.assign(target.href);
                return;
            }
            window.history[replace ? 'replaceState' : 'pushState']({}, '', target.href);
            window.dispatchEvent(new CustomEvent('console:navigate'));
            publish();
        }

        [GenerateUrl](pageReference) {
            const url = urlOf(pageReference);
            return url ? Promise.resolve(url) : Promise.reject(new Error(`No console URL for ${pageReference && pageReference.type}`));
        }
    };
}
NavigationMixin.Navigate = Navigate;
NavigationMixin.GenerateUrl = GenerateUrl;
