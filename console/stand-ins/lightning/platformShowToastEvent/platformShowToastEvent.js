// lightning/platformShowToastEvent for the console: the same event the platform's container listens for.
// The console's shell (console/src/modules/console/app) shows it as an SLDS toast.
export class ShowToastEvent extends CustomEvent {
    constructor(toast) {
        super('lightning__showtoast', { bubbles: true, composed: true, cancelable: true, detail: { ...toast } });
    }
}
