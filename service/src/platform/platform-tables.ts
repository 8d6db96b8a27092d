import type { Generated } from 'kysely';

export interface PlatformTables {
  /** Key/value facts about this installation (for example when it was first started). */
  service_meta: {
    key: string;
    value: string;
    updated_at: Generated<Date>;
  };
}
