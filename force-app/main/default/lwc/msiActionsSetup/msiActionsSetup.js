import { LightningElement, api } from 'lwc';
import { SETUP_STEPS, STATUS } from './setupSteps';

export default class MsiActionsSetup extends LightningElement {
    /** Status per step key (`account`, `salesforce`, ...): notStarted, inProgress, done or needsAttention. */
    @api stepStatus = {};

    get steps() {
        return SETUP_STEPS.map((step) => {
            const status = STATUS[this.stepStatus?.[step.key]] || STATUS.notStarted;
            return { ...step, statusLabel: status.label, badgeClass: status.badgeClass };
        });
    }

    get completedCount() {
        return this.steps.filter((step) => step.statusLabel === STATUS.done.label).length;
    }
}
