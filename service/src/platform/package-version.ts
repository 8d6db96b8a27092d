import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { AppError } from './errors.js';

/** The oldest package version this service still serves, and the newest one published. */
export const MINIMUM_PACKAGE_VERSION = '1.0.0';
export const LATEST_PACKAGE_VERSION = '1.0.0';
export const PACKAGE_VERSION_HEADER = 'x-msi-package-version';

/** `1.2.3` or `1.2.3.4` (a package version number with its build number) → comparable parts. */
function parse(version: string): number[] | undefined {
  if (!/^\d{1,4}(\.\d{1,6}){1,3}$/.test(version)) return undefined;
  return version.split('.').map(Number);
}

export function compareVersions(a: string, b: string): number {
  const pa = parse(a) ?? [];
  const pb = parse(b) ?? [];
  for (let i = 0; i < 3; i += 1) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function packageSupport(version: string | undefined) {
  const known = version !== undefined && parse(version) !== undefined;
  return {
    packageVersion: known ? version : null,
    supported: known ? compareVersions(version, MINIMUM_PACKAGE_VERSION) >= 0 : true,
    upgradeAvailable: known ? compareVersions(version, LATEST_PACKAGE_VERSION) < 0 : false,
    minimumPackageVersion: MINIMUM_PACKAGE_VERSION,
    latestPackageVersion: LATEST_PACKAGE_VERSION,
  };
}

/**
 * Every callout from Apex names its package version. A version the service no longer serves gets
 * 426 with a code the setup page turns into "upgrade the package"; calls without the header (the
 * console, scripts) are served.
 */
/** Why a call from this package version is refused (426), or undefined when it may go on. */
export function unsupportedPackage(request: FastifyRequest): AppError | undefined {
  const header = request.headers[PACKAGE_VERSION_HEADER];
  if (typeof header !== 'string' || request.url.startsWith('/api/v1/package')) return undefined;
  const support = packageSupport(header.trim());
  if (support.supported) return undefined;
  return new AppError(
    426,
    'package_version_unsupported',
    `MSI Actions package ${header.trim()} is no longer supported: upgrade to ${LATEST_PACKAGE_VERSION} or later (at least ${MINIMUM_PACKAGE_VERSION}).`,
    { minimumPackageVersion: MINIMUM_PACKAGE_VERSION, latestPackageVersion: LATEST_PACKAGE_VERSION },
  );
}

/** `GET /api/v1/package`: what an installed package asks before it shows an upgrade banner. */
export function packageRoutes(app: FastifyInstance) {
  app.get(
    '/package',
    {
      schema: {
        tags: ['package'],
        operationId: 'getPackageSupport',
        summary: 'Whether the calling package version is supported, and the latest version',
        security: [{ clientCredentials: [] }],
        response: {
          200: Type.Object({
            serviceVersion: Type.String(),
            packageVersion: Type.Union([Type.String(), Type.Null()]),
            supported: Type.Boolean(),
            upgradeAvailable: Type.Boolean(),
            minimumPackageVersion: Type.String(),
            latestPackageVersion: Type.String(),
          }),
        },
      },
    },
    async (request) => {
      const header = request.headers[PACKAGE_VERSION_HEADER];
      return { serviceVersion: app.serviceVersion, ...packageSupport(typeof header === 'string' ? header.trim() : undefined) };
    },
  );
}
