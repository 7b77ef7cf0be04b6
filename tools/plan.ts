/**
 * `npm run plan [-- --stack <name>] [--out <dir>]`: the offline plan. No AWS account or Pulumi CLI
 * needed. Exit codes: 0 clean (advisories allowed), 1 a mandatory policy violation, 2 a program or
 * configuration error.
 */
import * as path from "path";
import { plan } from "./plan/plan";
import { renderTerminal } from "./plan/summary";

function parseArgs(argv: string[]): { stack?: string; out: string } {
    const args: { stack?: string; out: string } = { out: ".plan" };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--stack" || a === "-s") args.stack = argv[++i];
        else if (a === "--out") args.out = argv[++i];
        else if (a === "--help" || a === "-h") {
            console.log("usage: npm run plan [-- --stack <stack>] [--out <dir>]");
            process.exit(0);
        } else throw new Error(`unknown argument "${a}"; usage: npm run plan [-- --stack <stack>] [--out <dir>]`);
    }
    return args;
}

async function main(): Promise<number> {
    const args = parseArgs(process.argv.slice(2));
    const outDir = path.resolve(args.out);
    const result = await plan({
        only: args.stack,
        outDir,
        onProgress: (e) => {
            if (e.kind === "stack-start") process.stderr.write(`planning ${e.stack} (${e.index + 1}/${e.total}) …\n`);
            else process.stderr.write(`  ${e.plan.stack}: ${e.plan.resources.length} resources in ${(e.plan.timings.programMs / 1000).toFixed(1)} s, policy ${(e.plan.timings.policyMs / 1000).toFixed(1)} s\n`);
        },
    });
    console.log(renderTerminal(result));
    console.log(`Wrote ${path.relative(process.cwd(), outDir)}/{${result.stacks.map((s) => s.stack).join(",")}}.json and summary.md`);
    if (result.failure) return 2;
    return result.stacks.some((s) => s.policy.diagnostics.some((d) => d.level === "mandatory")) ? 1 : 0;
}

main().then(
    (code) => process.exit(code),
    (e: unknown) => {
        console.error(`plan failed: ${e instanceof Error ? e.message : String(e)}`);
        process.exit(2);
    },
);
