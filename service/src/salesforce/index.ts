/** The Salesforce client of the service (jsforce 3): connections, OAuth helpers, error classes. */
export {
  createSalesforceClient,
  readUserInfo,
  SALESFORCE_API_VERSION,
  type ApiUsage,
  type RefreshedToken,
  type SalesforceClient,
  type SalesforceClientOptions,
  type SalesforceCredentials,
  type SalesforceUserInfo,
} from './client.js';
export {
  buildAuthorizeUrl,
  codeChallengeFor,
  createCodeVerifier,
  exchangeCode,
  readConnectedUser,
  type AuthorizeRequest,
  type ExchangedTokens,
  type OAuthClientConfig,
} from './oauth.js';
export { classifySalesforceError, salesforceErrorCode, type SalesforceErrorClass } from './errors.js';
export {
  CALLBACK_PATH,
  checkLoginUrl,
  checkReturnUrl,
  SalesforceConnectionError,
  SalesforceConnections,
  type SalesforceApp,
  type SalesforceConnectionStatus,
} from './connections.js';
export {
  DEFAULT_CUSTOMIZATIONS,
  MSI_OPTIONAL_TASK_FIELDS,
  SalesforceCustomizations,
  type CustomizationSettings,
  type CustomizationsView,
} from './customizations.js';
export { resolveSalesforceApp, salesforceCapability, salesforceConnection, salesforceCustomizations, salesforceUsers } from './capability.js';
export { SalesforceUsers, type SalesforceLinkedUser, type SalesforceUserMatch } from './users.js';
export { salesforceMigrations } from './migrations.js';
export type { SalesforceTables } from './tables.js';
