// Types for the platform modules the package's components import, for `npm run typecheck:lwc`.
/// <reference types="@salesforce/lightning-types" />

declare module '@salesforce/apex/*' {
  /** An @AuraEnabled Apex method: called imperatively with its parameters, or used with @wire. */
  const apexMethod: (params?: Record<string, unknown>) => Promise<any>;
  export default apexMethod;
}

declare module '@salesforce/label/*' {
  const label: string;
  export default label;
}

// Platform modules that @salesforce/lightning-types does not describe (yet).
declare module 'lightning/platformShowToastEvent' {
  export class ShowToastEvent extends CustomEvent<{ title?: string; message?: string; variant?: 'info' | 'success' | 'warning' | 'error'; mode?: 'dismissible' | 'pester' | 'sticky'; messageData?: unknown[] }> {
    constructor(init: { title?: string; message?: string; variant?: 'info' | 'success' | 'warning' | 'error'; mode?: 'dismissible' | 'pester' | 'sticky'; messageData?: unknown[] });
  }
}

declare module 'lightning/navigation' {
  /** The wire adapter of the current page reference (type, attributes, state such as c__claimCode). */
  export const CurrentPageReference: any;
  export function NavigationMixin<T extends new (...args: any[]) => any>(base: T): T;
  export namespace NavigationMixin {
    const Navigate: unique symbol;
    const GenerateUrl: unique symbol;
  }
}
