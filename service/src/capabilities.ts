import type { FastifyPluginAsync } from 'fastify';
import type { Config } from './platform/config.js';
import type { Database } from './platform/database.js';
import type { Jobs, QueueDefinition } from './platform/jobs.js';
import type { Logger } from './platform/logger.js';
import type { Keys } from './platform/crypto.js';
import type { Mailer } from './platform/mail.js';
import type { Mailbox } from './sandbox/mailbox.js';
import { accountCapability } from './account/index.js';
import { sandboxCapability } from './sandbox/index.js';
import { invitationsCapability } from './invitations/index.js';
import { salesforceCapability } from './salesforce/index.js';
import { marketoCapability } from './marketo/index.js';
import { syncCapability } from './sync/index.js';
import { consoleCapability } from './console/index.js';
import { activitiesCapability } from './activities/index.js';

/**
 * What every capability can reach. Built once by the runtime; capabilities add their own services
 * to `services` (for example the Marketo client used by the sync) in `setup`.
 */
export interface CapabilityContext {
  config: Config;
  database: Database;
  jobs: Jobs;
  log: Logger;
  /** Encryption of secrets at rest and signing of access tokens. */
  keys: Keys;
  /** The outgoing mail transport; throws a clear, retryable error when none is configured. */
  mailer(): Mailer;
  /** The sandbox's local mail server, when the sandbox runs one. */
  mailbox?: Mailbox;
  /** Services capabilities offer each other, by name (see each capability's index.ts). */
  services: Record<string, unknown>;
}

/**
 * One capability of the service (account, marketo, salesforce, sync, invitations, activities):
 * its queues, its services, its routes. Routes under `/api/v1` require a Bearer token unless the
 * route says `config: { public: true }`; `request.accountId` is the caller's account.
 */
export interface Capability {
  name: string;
  /** Creates the capability's services and puts them into `context.services`. */
  setup?(context: CapabilityContext): Promise<void> | void;
  queues?: QueueDefinition[];
  /** Starts job handlers; called only in processes that work jobs. */
  startWorkers?(context: CapabilityContext): Promise<void>;
  /** Routes registered under `/api/v1`. */
  apiRoutes?: FastifyPluginAsync;
  /** Routes registered at the root (pages, OAuth endpoints, callbacks). */
  rootRoutes?: FastifyPluginAsync;
  /** Called when the runtime stops. */
  close?(): Promise<void>;
}

/** The service's capabilities, in the order of the setup guide. */
export const capabilities: Capability[] = [accountCapability, sandboxCapability, salesforceCapability, marketoCapability, syncCapability, invitationsCapability, consoleCapability, activitiesCapability];
