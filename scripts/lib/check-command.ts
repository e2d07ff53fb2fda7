import { CHECKS, formatFinding, NOT_APPLICABLE, runConfigChecks, type Finding } from "@/lib/config-checks";
import { EXIT, parseOptions, type CliIO, type ExitCode } from "./cli";

export const CHECK_USAGE = `Usage: npm run check -- [--production] [--json] [--list]

  --production   check the settings as they would be with NODE_ENV=production
  --json         print the findings as JSON
  --list         list every check and exit
  -h, --help     show this help

Exit codes: 0 nothing to fix, 3 warnings or errors found, 1 the configuration is invalid, 2 usage error.
`;

/** Pure: the text output. */
export function formatFindings(findings: Finding[], mode: string): string {
  let out = `Configuration checks (${mode})\n`;
  for (const f of findings) out += `${formatFinding(f)}\n`;
  const count = (level: Finding["level"]) => findings.filter((f) => f.level === level).length;
  out +=
    findings.length === 0
      ? "No issues found.\n"
      : `${findings.length} finding(s): ${count("error")} error(s), ${count("warning")} warning(s), ${count("info")} info.\n`;
  out += `Not applicable here: ${Object.keys(NOT_APPLICABLE).join(", ")} (see --list).\n`;
  return out;
}

/**
 * `npm run check`. `env` is the environment to check (process.env in the script). lib/env is
 * imported lazily: it validates process.env as it loads, and an invalid one is itself the finding.
 */
export async function checkCommand(
  argv: string[],
  io: CliIO,
  env: Record<string, string | undefined>,
): Promise<ExitCode> {
  const v = parseOptions(argv, {
    help: { type: "boolean", short: "h" },
    production: { type: "boolean" },
    json: { type: "boolean" },
    list: { type: "boolean" },
  });
  if (v.help) {
    io.stdout.write(CHECK_USAGE);
    return EXIT.ok;
  }
  if (v.list) {
    for (const c of CHECKS) io.stdout.write(`lokdown.${c.id}  ${c.summary}\n`);
    for (const [id, why] of Object.entries(NOT_APPLICABLE)) io.stdout.write(`lokdown.${id}  not applicable: ${why}\n`);
    return EXIT.ok;
  }
  const source = v.production ? { ...env, NODE_ENV: "production" } : env;
  let findings: Finding[];
  let mode: string;
  try {
    const { parseSettings } = await import("@/lib/env");
    const parsed = parseSettings(source);
    findings = runConfigChecks(parsed);
    mode = parsed.nodeEnv;
  } catch (error) {
    io.stderr.write(
      `The app would refuse to start with these settings.\n${error instanceof Error ? error.message : String(error)}\n`,
    );
    if (v.json)
      io.stdout.write(
        `${JSON.stringify({ valid: false, error: error instanceof Error ? error.message : String(error), findings: [] }, null, 2)}\n`,
      );
    return EXIT.failure;
  }
  if (v.json)
    io.stdout.write(`${JSON.stringify({ valid: true, mode, findings, notApplicable: NOT_APPLICABLE }, null, 2)}\n`);
  else io.stdout.write(formatFindings(findings, mode));
  return findings.some((f) => f.level !== "info") ? EXIT.findings : EXIT.ok;
}
