/**
 * Connections & Customizations: the settings that decide how MSI activities become Salesforce Tasks,
 * checked against the org's Task describe (the `Type` picklist MSI needs, the optional MSI fields).
 */
import type { Connection } from 'jsforce';
import { SALESFORCE_USER_ID, toId18 } from '../account/org-id.js';
import { recordAudit } from '../platform/audit.js';
import type { Db } from '../platform/database.js';
import { AppError, badRequest } from '../platform/errors.js';
import { classifySalesforceError } from './errors.js';
import type { SalesforceConnections } from './connections.js';

export interface CustomizationSettings {
  /** Which activity kinds are logged as Tasks. */
  logged: { emails: boolean; calls: boolean; reminderTasks: boolean };
  /** Task `Type` picklist values MSI writes for each kind. */
  taskTypes: { email: string; call: string; reply: string };
  /** Put before every Task subject MSI writes (empty: none). */
  subjectPrefix: string;
  /** Which record the Task goes to when a person is both a Lead and a Contact. */
  leadContactPrecedence: 'contact' | 'lead';
  /**
   * Who owns the Tasks: the rep who did the activity (the fallback user when the rep has no active
   * Salesforce user), or always the fallback user.
   */
  taskOwner: { mode: 'rep' | 'fallback_user'; fallbackUserId: string | null };
}

export type CustomizationInput = {
  logged?: Partial<CustomizationSettings['logged']>;
  taskTypes?: Partial<CustomizationSettings['taskTypes']>;
  subjectPrefix?: string;
  leadContactPrecedence?: CustomizationSettings['leadContactPrecedence'];
  taskOwner?: { mode?: CustomizationSettings['taskOwner']['mode']; fallbackUserId?: string | null };
};

export const DEFAULT_CUSTOMIZATIONS: CustomizationSettings = {
  logged: { emails: true, calls: true, reminderTasks: true },
  taskTypes: { email: 'Email', call: 'Call', reply: 'Reply' },
  subjectPrefix: '',
  leadContactPrecedence: 'contact',
  taskOwner: { mode: 'rep', fallbackUserId: null },
};

export const SUBJECT_PREFIX_MAX = 40;

/** Task fields MSI Actions fills when the org has created them (MSI docs: optional activity fields). */
export const MSI_OPTIONAL_TASK_FIELDS = [
  'mktosales_call_outcome__c',
  'mktosales_call_reason__c',
  'MSE_Call_Local_Presence_ID__c',
  'MSE_Call_Recording__c',
  'MSE_Campaign__c',
  'MSE_Current_Campaign_Step__c',
  'MSE_Campaign_Details_Link__c',
  'MSE_Presentation_Viewed__c',
  'MSE_Clicked__c',
  'MSE_Replied__c',
  'MSE_Email_Status__c',
  'MSE_Template__c',
  'MSE_Template_Details__c',
  'MSE_Details__c',
  'MSE_Viewed__c',
] as const;

export interface CustomizationWarning {
  code: 'task_type_missing' | 'task_type_inactive' | 'task_type_field_missing' | 'fallback_owner_inactive';
  setting: string;
  value: string | null;
  message: string;
  /**
   * fallback_owner_inactive only: the fallback owner's name in Salesforce, so a page can word the warning in its own
   * language; null when the user no longer exists.
   */
  ownerName?: string | null;
}

export interface SalesforceCheck {
  checkedAt: string;
  taskTypeValues: string[];
  warnings: CustomizationWarning[];
  optionalFields: { name: string; label: string | null; present: boolean }[];
  fallbackOwner: { id: string; name: string; username: string; isActive: boolean } | null;
}

export interface CustomizationsView {
  settings: CustomizationSettings;
  updatedBy: string | null;
  updatedAt: string | null;
  /** What the org's Task describe says about the settings; null when not connected. */
  salesforce: SalesforceCheck | null;
  /** Why the org could not be checked (the settings are still saved). */
  salesforceError: { code: string; message: string; hint: string } | null;
}

const KIND_LABEL: Record<keyof CustomizationSettings['taskTypes'], string> = { email: 'e-mails', call: 'calls', reply: 'replies' };

interface DescribeField {
  name: string;
  label?: string;
  picklistValues?: { value: string; active: boolean }[];
}

interface UserRow {
  Id: string;
  Name: string;
  Username: string;
  IsActive: boolean;
}

function merge(current: CustomizationSettings, input: CustomizationInput): CustomizationSettings {
  return {
    logged: { ...current.logged, ...input.logged },
    taskTypes: { ...current.taskTypes, ...input.taskTypes },
    subjectPrefix: input.subjectPrefix ?? current.subjectPrefix,
    leadContactPrecedence: input.leadContactPrecedence ?? current.leadContactPrecedence,
    taskOwner: { ...current.taskOwner, ...input.taskOwner },
  };
}

/** Stored settings over the defaults, so settings added later get their default for older rows. */
function fromStored(stored: Record<string, unknown> | undefined): CustomizationSettings {
  return stored ? merge(DEFAULT_CUSTOMIZATIONS, stored as CustomizationInput) : structuredClone(DEFAULT_CUSTOMIZATIONS);
}

function clean(settings: CustomizationSettings): CustomizationSettings {
  const taskTypes = { ...settings.taskTypes };
  for (const kind of Object.keys(taskTypes) as (keyof typeof taskTypes)[]) {
    const value = taskTypes[kind].trim();
    if (!value) throw badRequest('invalid_task_type', `The Task Type for ${KIND_LABEL[kind]} must not be empty.`, { setting: `taskTypes.${kind}` });
    taskTypes[kind] = value;
  }
  // Subjects are one line in Salesforce; the prefix must be too.
  if (/[\p{Cc}]/u.test(settings.subjectPrefix)) {
    throw badRequest('invalid_subject_prefix', 'The subject prefix must be one line of text without control characters.', { setting: 'subjectPrefix' });
  }
  if ([...settings.subjectPrefix].length > SUBJECT_PREFIX_MAX) {
    throw badRequest('invalid_subject_prefix', `The subject prefix may have at most ${SUBJECT_PREFIX_MAX} characters.`, { setting: 'subjectPrefix' });
  }
  let fallbackUserId = settings.taskOwner.fallbackUserId?.trim() || null;
  if (fallbackUserId !== null) {
    if (!SALESFORCE_USER_ID.test(fallbackUserId)) {
      throw badRequest('invalid_fallback_owner', 'The fallback Task owner must be a Salesforce User id (15 or 18 characters, starting with 005).', {
        setting: 'taskOwner.fallbackUserId',
      });
    }
    fallbackUserId = toId18(fallbackUserId);
  }
  if (settings.taskOwner.mode === 'fallback_user' && !fallbackUserId) {
    throw badRequest('invalid_fallback_owner', 'Choose the fallback user who owns every Task, or let the rep own the Task.', { setting: 'taskOwner.fallbackUserId' });
  }
  return { ...settings, taskTypes, taskOwner: { mode: settings.taskOwner.mode, fallbackUserId } };
}

export class SalesforceCustomizations {
  constructor(
    private readonly db: Db,
    private readonly connections: SalesforceConnections,
  ) {}

  private async stored(accountId: string) {
    return this.db.selectFrom('salesforce_customizations').selectAll().where('account_id', '=', accountId).executeTakeFirst();
  }

  private async connectionOrNull(accountId: string): Promise<Connection | null> {
    const status = await this.connections.status(accountId);
    if (status.status === 'not_connected') return null;
    // A broken connection is reported as the check's error by connectionFor's typed error.
    return this.connections.connectionFor(accountId);
  }

  async get(accountId: string): Promise<CustomizationsView> {
    const row = await this.stored(accountId);
    const settings = fromStored(row?.settings);
    return { settings, updatedBy: row?.updated_by ?? null, updatedAt: row?.updated_at.toISOString() ?? null, ...(await this.check(accountId, settings)) };
  }

  async update(accountId: string, input: CustomizationInput, actor: string): Promise<CustomizationsView> {
    const row = await this.stored(accountId);
    const before = fromStored(row?.settings);
    const settings = clean(merge(before, input));
    if (input.taskOwner?.fallbackUserId && settings.taskOwner.fallbackUserId) {
      await this.requireActiveUser(accountId, settings.taskOwner.fallbackUserId);
    }
    const changed = (Object.keys(settings) as (keyof CustomizationSettings)[]).filter((key) => JSON.stringify(settings[key]) !== JSON.stringify(before[key]));
    const updatedAt = new Date();
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('salesforce_customizations')
        .values({ account_id: accountId, settings: JSON.stringify(settings), updated_by: actor, updated_at: updatedAt })
        .onConflict((oc) => oc.column('account_id').doUpdateSet({ settings: JSON.stringify(settings), updated_by: actor, updated_at: updatedAt }))
        .execute();
      await recordAudit(tx, { accountId, actor, action: 'salesforce.customizations_updated', target: null, details: { changed, settings: { ...settings } } });
    });
    return { settings, updatedBy: actor, updatedAt: updatedAt.toISOString(), ...(await this.check(accountId, settings)) };
  }

  /** The fallback owner must be an active User of the connected org (checked with SOQL). */
  private async requireActiveUser(accountId: string, userId: string): Promise<void> {
    let connection: Connection;
    try {
      connection = await this.connections.connectionFor(accountId);
    } catch (error) {
      if (error instanceof AppError && error.code === 'salesforce_not_connected') {
        throw new AppError(409, 'salesforce_not_connected', 'Connect to Salesforce before choosing a fallback Task owner: the user is looked up in the org.');
      }
      throw error;
    }
    const user = await this.findUser(connection, userId).catch((error: unknown) => {
      const c = classifySalesforceError(error);
      throw new AppError(502, 'salesforce_error', `The fallback Task owner could not be checked in Salesforce (${c.code}). ${c.action === 'fix' ? c.hint : 'Try again in a moment.'}`);
    });
    if (!user) {
      throw badRequest('invalid_fallback_owner', `No Salesforce user has the id ${userId} in the connected org. Copy the id from Setup → Users.`, {
        setting: 'taskOwner.fallbackUserId',
      });
    }
    if (!user.IsActive) {
      throw badRequest('invalid_fallback_owner', `The Salesforce user ${user.Name} (${user.Username}) is inactive and cannot own Tasks. Choose an active user.`, {
        setting: 'taskOwner.fallbackUserId',
      });
    }
  }

  private async findUser(connection: Connection, userId: string): Promise<UserRow | undefined> {
    // The id matched SALESFORCE_USER_ID above: only letters and digits reach the query.
    const result = await connection.query<UserRow>(`SELECT Id, Name, Username, IsActive FROM User WHERE Id = '${userId}' LIMIT 1`);
    return result.records[0];
  }

  /** Reads Task's describe and says what in the settings the org cannot take. */
  private async check(accountId: string, settings: CustomizationSettings): Promise<Pick<CustomizationsView, 'salesforce' | 'salesforceError'>> {
    let connection: Connection | null;
    try {
      connection = await this.connectionOrNull(accountId);
      if (!connection) return { salesforce: null, salesforceError: null };
      const describe = await connection.sobject('Task').describe();
      const fields = describe.fields as unknown as DescribeField[];
      const byName = new Map(fields.map((f) => [f.name.toLowerCase(), f]));
      const typeField = byName.get('type');
      const picklist = typeField?.picklistValues ?? [];
      const warnings: CustomizationWarning[] = [];
      if (!typeField) {
        warnings.push({
          code: 'task_type_field_missing',
          setting: 'taskTypes',
          value: null,
          message: 'The connected user cannot see the Task Type field. Give the user read and edit access to Activity → Type (field-level security); MSI Actions needs it to log e-mails, calls and replies.',
        });
      } else {
        for (const kind of Object.keys(settings.taskTypes) as (keyof CustomizationSettings['taskTypes'])[]) {
          const value = settings.taskTypes[kind];
          const entry = picklist.find((p) => p.value === value);
          if (!entry) {
            warnings.push({
              code: 'task_type_missing',
              setting: `taskTypes.${kind}`,
              value,
              message: `"${value}" (the Task Type for ${KIND_LABEL[kind]}) is not a value of the Task Type picklist. MSI Actions needs Email, Call and Reply; Reply is not standard. Add it in Setup → Object Manager → Activity → Fields & Relationships → Type → Values → New, or choose an existing value here.`,
            });
          } else if (!entry.active) {
            warnings.push({
              code: 'task_type_inactive',
              setting: `taskTypes.${kind}`,
              value,
              message: `"${value}" (the Task Type for ${KIND_LABEL[kind]}) is an inactive value of the Task Type picklist. Activate it in Setup → Object Manager → Activity → Fields & Relationships → Type, or choose another value.`,
            });
          }
        }
      }
      let fallbackOwner: SalesforceCheck['fallbackOwner'] = null;
      if (settings.taskOwner.fallbackUserId) {
        const user = await this.findUser(connection, settings.taskOwner.fallbackUserId);
        if (user) fallbackOwner = { id: user.Id, name: user.Name, username: user.Username, isActive: user.IsActive };
        if (!user || !user.IsActive) {
          warnings.push({
            code: 'fallback_owner_inactive',
            setting: 'taskOwner.fallbackUserId',
            value: settings.taskOwner.fallbackUserId,
            ownerName: user ? user.Name : null,
            message: user
              ? `The fallback Task owner ${user.Name} is no longer active in Salesforce; Tasks cannot be given to them. Choose an active user.`
              : 'The fallback Task owner no longer exists in Salesforce. Choose an active user.',
          });
        }
      }
      return {
        salesforce: {
          checkedAt: new Date().toISOString(),
          taskTypeValues: picklist.filter((p) => p.active).map((p) => p.value),
          warnings,
          optionalFields: MSI_OPTIONAL_TASK_FIELDS.map((name) => {
            const field = byName.get(name.toLowerCase());
            return { name, label: field?.label ?? null, present: Boolean(field) };
          }),
          fallbackOwner,
        },
        salesforceError: null,
      };
    } catch (error) {
      // The typed connection errors already say what to do.
      if (error instanceof AppError) return { salesforce: null, salesforceError: { code: error.code, message: error.message, hint: error.message } };
      const c = classifySalesforceError(error);
      return {
        salesforce: null,
        salesforceError: { code: c.code, message: c.message, hint: c.action === 'fix' ? c.hint : 'Salesforce could not be reached; the check runs again the next time this page opens.' },
      };
    }
  }
}
