// npm run check -- [--production] [--json] [--list]
import { EXIT, UsageError } from "./lib/cli";
import { loadDotEnv } from "./lib/database.mjs";

const io = { stdout: process.stdout, stderr: process.stderr };
loadDotEnv();
// No database is opened here, but the settings schema requires a URL; without one, `npm run dev`
// and `npm start` use the embedded server, so checking that case must not fail on it.
process.env.DATABASE_URL ??= "postgresql://embedded-postgres/lokdown";
let code: number = EXIT.failure;
try {
  const { checkCommand, CHECK_USAGE } = await import("./lib/check-command");
  try {
    code = await checkCommand(process.argv.slice(2), io, process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`check: ${error.message}\n\n${CHECK_USAGE}`);
    code = EXIT.usage;
  }
} catch (error) {
  io.stderr.write(`check: ${error instanceof Error ? error.message : String(error)}\n`);
  code = EXIT.failure;
}
process.exit(code);
