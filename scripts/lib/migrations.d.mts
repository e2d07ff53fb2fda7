export function listMigrations(dir: string): string[];
export function applyMigrations(options: {
  connectionString: string;
  dir: string;
  log?: (line: string) => void;
}): Promise<string[]>;
