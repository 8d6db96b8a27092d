import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CapabilityContext } from '../capabilities.js';
import { sandboxOf } from '../sandbox/index.js';
import { STANDALONE_ORG } from './org.js';

/**
 * What setup step 7 changes in the org itself, without a callout: the `MSI_Actions_Settings__c` org default
 * and the MSI Actions PermissionSetAssignments. Kept in memory per console org (its org id) for as long as the
 * service runs: a restart of the service is a fresh org for these, which is all the console needs.
 */

/** MsiActionsModels.Settings: the switches of MSI_Actions_Settings__c. */
export interface ConsoleSettings {
  enabled: boolean;
  logEmails: boolean;
  logCalls: boolean;
  createReminderTasks: boolean;
  showPersonInsight: boolean;
}

export const SETTING_NAMES = ['enabled', 'logEmails', 'logCalls', 'createReminderTasks', 'showPersonInsight'] as const;

/** The fields' defaults (MSI_Actions_Settings__c field metadata) while nothing was saved. */
const SETTINGS_FIELDS = fileURLToPath(new URL('../../../force-app/main/default/objects/MSI_Actions_Settings__c/fields', import.meta.url));
const FIELD_OF: Record<(typeof SETTING_NAMES)[number], string> = {
  enabled: 'Enabled__c',
  logEmails: 'Log_Emails__c',
  logCalls: 'Log_Calls__c',
  createReminderTasks: 'Create_Reminder_Tasks__c',
  showPersonInsight: 'Show_Person_Insight__c',
};

function defaultSettings(): ConsoleSettings {
  const settings = {} as ConsoleSettings;
  for (const name of SETTING_NAMES) {
    let xml = '';
    try {
      xml = fs.readFileSync(`${SETTINGS_FIELDS}/${FIELD_OF[name]}.field-meta.xml`, 'utf8');
    } catch {
      // no field file: off
    }
    settings[name] = /<defaultValue>\s*true\s*<\/defaultValue>/i.test(xml);
  }
  return settings;
}

const LABELS_FILE = fileURLToPath(new URL('../../../force-app/main/default/labels/CustomLabels.labels-meta.xml', import.meta.url));
const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** A Custom Label's English value, `{0}`… filled as String.format does: the message the Apex method throws. */
export function label(name: string, ...values: unknown[]): string {
  let xml = '';
  try {
    xml = fs.readFileSync(LABELS_FILE, 'utf8');
  } catch {
    return name;
  }
  const match = new RegExp(`<fullName>${name}</fullName>[\\s\\S]*?<value>([^<]*)</value>`).exec(xml);
  const value = match ? match[1]!.replace(/&(\w+);/g, (entity, key: string) => XML_ENTITIES[key] ?? entity) : name;
  return value.replace(/\{(\d+)\}/g, (text, index: string) => (Number(index) < values.length ? String(values[Number(index)]) : text));
}

/** MsiActionsConfigurationController.PERMISSION_SETS */
export const PERMISSION_SETS = ['MSI_Actions_User', 'MSI_Actions_Admin'] as const;
const MAX_USERS = 50;

/** MsiActionsModels.PermissionSetUser */
export interface PermissionSetUser {
  userId: string;
  name: string;
  username: string;
  email: string;
  hasUser: boolean;
  hasAdmin: boolean;
}

interface OrgUserRow {
  id: string;
  name: string;
  username: string;
  email: string;
}

/** The org's active standard users: the sandbox's emulated org, or the console org's one fixed admin. */
function orgUsers(context: Pick<CapabilityContext, 'services'>): OrgUserRow[] {
  const sandbox = sandboxOf(context);
  if (!sandbox) {
    return [{ id: STANDALONE_ORG.user.id, name: STANDALONE_ORG.user.name, username: STANDALONE_ORG.user.username, email: STANDALONE_ORG.user.email }];
  }
  return sandbox.salesforce.org.users
    .filter((user) => user.isActive)
    .map((user) => ({ id: user.id, name: `${user.firstName} ${user.lastName}`, username: user.username, email: user.email }));
}

export class ConsoleOrgState {
  private readonly settingsByOrg = new Map<string, ConsoleSettings>();
  /** org id → user id → permission set names */
  private readonly assignmentsByOrg = new Map<string, Map<string, Set<string>>>();

  /** MsiActionsConfigurationController.getSettings */
  settings(orgId: string): ConsoleSettings {
    return { ...(this.settingsByOrg.get(orgId) ?? defaultSettings()) };
  }

  /** MsiActionsConfigurationController.saveSettings: a switch that is not `true` is saved as off. */
  saveSettings(orgId: string, input: Record<string, unknown>): ConsoleSettings {
    const saved = Object.fromEntries(SETTING_NAMES.map((name) => [name, input[name] === true])) as unknown as ConsoleSettings;
    this.settingsByOrg.set(orgId, saved);
    return { ...saved };
  }

  /** MsiActionsConfigurationController.getPermissionSetUsers: name, username or e-mail contains the search (any case). */
  permissionSetUsers(context: Pick<CapabilityContext, 'services'>, orgId: string, search: string): PermissionSetUser[] {
    const needle = search.trim().toLowerCase();
    const assigned = this.assignmentsByOrg.get(orgId);
    return orgUsers(context)
      .filter((user) => !needle || [user.name, user.username, user.email].some((text) => text.toLowerCase().includes(needle)))
      .sort((a, b) => a.name.localeCompare(b.name))
      .slice(0, MAX_USERS)
      .map((user) => {
        const names = assigned?.get(user.id) ?? new Set<string>();
        return { userId: user.id, name: user.name, username: user.username, email: user.email, hasUser: names.has('MSI_Actions_User'), hasAdmin: names.has('MSI_Actions_Admin') };
      });
  }

  /**
   * MsiActionsConfigurationController.assignPermissionSet: users who have it already are counted, not assigned
   * again. Undefined when a user id is not a user of the org (the insert would fail on the platform).
   */
  assign(context: Pick<CapabilityContext, 'services'>, orgId: string, userIds: string[], permissionSet: string) {
    const known = new Set(orgUsers(context).map((user) => user.id));
    const unknown = userIds.find((id) => !known.has(id));
    if (unknown) return { unknownUser: unknown };
    let assignments = this.assignmentsByOrg.get(orgId);
    if (!assignments) this.assignmentsByOrg.set(orgId, (assignments = new Map()));
    let assigned = 0;
    let alreadyAssigned = 0;
    for (const id of new Set(userIds)) {
      let names = assignments.get(id);
      if (!names) assignments.set(id, (names = new Set()));
      if (names.has(permissionSet)) alreadyAssigned += 1;
      else {
        names.add(permissionSet);
        assigned += 1;
      }
    }
    return { assigned, alreadyAssigned };
  }
}
