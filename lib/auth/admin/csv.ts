import "server-only";

/**
 * RFC 4180 CSV for the admin exports. Text that a spreadsheet would run as a formula (leading
 * = + - @, or a tab or carriage return that some apps strip first) is prefixed with a quote, as
 * OWASP recommends against CSV injection: usernames, user agents and event details are user input.
 */

export type CsvValue = string | number | boolean | Date | null | undefined;
export type CsvColumn<T> = { header: string; value: (row: T) => CsvValue };

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (cells: readonly CsvValue[]): string => `${cells.map(csvCell).join(",")}\r\n`;

export function csvHeader<T>(columns: readonly CsvColumn<T>[]): string {
  return csvLine(columns.map((c) => c.header));
}

export function csvRows<T>(columns: readonly CsvColumn<T>[], rows: readonly T[]): string {
  return rows.map((row) => csvLine(columns.map((c) => c.value(row)))).join("");
}

/** Safe for a Content-Disposition filename: letters, digits, dot, dash, underscore. */
export function csvFilename(resource: string, now: Date): string {
  return `lokdown-${resource.replace(/[^a-z0-9_-]/gi, "")}-${now.toISOString().slice(0, 10)}.csv`;
}
