import { Type } from '@sinclair/typebox';

/**
 * A UUID as PostgreSQL's uuid type takes it: 8-4-4-4-12 hex digits. The `uuid` format alone is not
 * enough for request schemas: ajv-formats also accepts `urn:uuid:…`, which PostgreSQL refuses (a 500).
 * The format stays for the OpenAPI document.
 */
export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

export const UuidString = (options: { description?: string } = {}) => Type.String({ ...options, format: 'uuid', pattern: UUID_PATTERN });
