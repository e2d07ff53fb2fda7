export const root: string;
export function freePort(): Promise<number>;
export function startEmbeddedPostgres(options: {
  dataDir: string;
  databaseNames: string[];
  fresh?: boolean;
  log?: (message: string) => void;
  /** Default: a free port. */
  port?: number;
}): Promise<{ port: number; urlFor(name: string): string; stop(): Promise<void> }>;
export function run(
  command: string,
  args: string[],
  options?: { env?: NodeJS.ProcessEnv; cwd?: string },
): Promise<void>;
export function migrate(databaseUrl: string): Promise<void>;
export function buildApp(options?: { env?: NodeJS.ProcessEnv }): Promise<void>;
export function loadDotEnv(): void;
