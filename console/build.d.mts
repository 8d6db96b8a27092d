// Types of build.mjs for the TypeScript that drives it (the walk test, scripts/bench/console.ts).
export interface BuildResult {
  built: boolean;
  hash: string;
  mode: 'production' | 'development';
  builtAt: string;
  ms: number;
  bytes: number;
  gzipBytes: number;
}
export function inputsHash(production?: boolean): string;
export function readBuildInfo(): Omit<BuildResult, 'built'> | undefined;
export function isFresh(production?: boolean): boolean;
export function buildConsole(options?: { production?: boolean; ifStale?: boolean }): Promise<BuildResult>;
