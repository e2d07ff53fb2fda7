import { parseOptions, UsageError, type OutputStream } from "./cli";

export type CreateAdminOptions = {
  help: boolean;
  username: string;
  email: string;
  password: string | null;
  superuser: boolean;
};

export const CREATE_ADMIN_USAGE = `Usage: npm run create-admin -- --username NAME --email ADDRESS [--password PASSWORD] [--superuser]

Creates a staff account; with --superuser (and always while no active superuser exists) one that
may also grant and remove staff, and reset or deactivate other staff. Without --password the password is asked for with hidden input
(twice), or read from the first line of standard input when that is not a terminal:
  printf '%s\\n' "$PASSWORD" | npm run create-admin -- --username alice --email alice@example.com
Weak passwords (short, common, or like the username) are refused.

Exit codes: 0 created, 1 refused or failed, 2 usage error.
`;

/** Pure: argv → options. Throws UsageError. */
export function parseCreateAdminArgs(argv: string[]): CreateAdminOptions {
  const v = parseOptions(argv, {
    help: { type: "boolean", short: "h" },
    username: { type: "string" },
    email: { type: "string" },
    password: { type: "string" },
    superuser: { type: "boolean" },
  });
  if (v.help) return { help: true, username: "", email: "", password: null, superuser: false };
  if (!v.username?.trim()) throw new UsageError("--username is required");
  if (!v.email?.trim()) throw new UsageError("--email is required");
  return {
    help: false,
    username: v.username.trim(),
    email: v.email.trim(),
    password: v.password ?? null,
    superuser: Boolean(v.superuser),
  };
}

export type PasswordSource = {
  stderr: OutputStream;
  /** Present when standard input is a terminal: asks with hidden input. */
  promptHidden?: (prompt: string) => Promise<string>;
  /** Reads standard input to its end, when it is not a terminal. */
  readPiped?: () => Promise<string>;
};

/** The password from --password, the hidden prompt (asked twice), or piped input. Throws UsageError. */
export async function resolvePassword(options: CreateAdminOptions, source: PasswordSource): Promise<string> {
  if (options.password !== null) {
    source.stderr.write(
      "note: --password is visible in the process list and shell history; leave it out to be prompted.\n",
    );
    return options.password;
  }
  if (source.promptHidden) {
    const first = await source.promptHidden("Password: ");
    const second = await source.promptHidden("Password (again): ");
    if (first !== second) throw new UsageError("the passwords do not match");
    if (first === "") throw new UsageError("the password may not be empty");
    return first;
  }
  const piped = source.readPiped ? ((await source.readPiped()).split(/\r?\n/)[0] ?? "") : "";
  if (piped === "")
    throw new UsageError("no password: pass --password, type it at the prompt, or pipe it on standard input");
  return piped;
}

type RawInput = {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  on(event: "data", listener: (chunk: Buffer | string) => void): unknown;
  off(event: "data", listener: (chunk: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
};

/**
 * Reads a line from a terminal without echoing it: raw mode, characters collected by hand.
 * Backspace edits; Ctrl-C and Ctrl-D abort.
 */
export function promptHidden(input: RawInput, output: OutputStream, prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    output.write(prompt);
    let value = "";
    const finish = (error: Error | null) => {
      input.off("data", onData);
      input.setRawMode?.(false);
      input.pause();
      output.write("\n");
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString()) {
        if (ch === "\r" || ch === "\n") return finish(null);
        if (ch === "\u0003" || ch === "\u0004") return finish(new UsageError("cancelled"));
        if (ch === "\u007f" || ch === "\b") value = [...value].slice(0, -1).join("");
        else if (ch >= " ") value += ch;
      }
    };
    input.setRawMode?.(true);
    input.on("data", onData);
    input.resume();
  });
}
