/**
 * `npm run plan [-- --stack <name>] [--environment <env>] [--out <dir>]`: the offline plan of every
 * environment's stacks (or one stack, or one environment's). No AWS account or Pulumi CLI needed.
 * Exit codes: 0 clean (advisories allowed), 1 a mandatory policy violation or a physical name two
 * environments share, 2 a program or configuration error.
 */
import * as fs from "fs";
import * as path from "path";
import { PolicyConfig } from "./analyzer";
import { drillsFileName, plan } from "./plan/plan";
import { renderTerminal } from "./plan/summary";
import { sharedNames } from "./plan/names";

const USAGE = "usage: npm run plan [-- --stack <stack>] [--environment <env>] [--out <dir>] [--policy-config <file.json>]";

function parseArgs(argv: string[]): { stack?: string; environment?: string; out: string; policyConfig?: string } {
    const args: { stack?: string; environment?: string; out: string; policyConfig?: string } = { out: ".plan" };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--stack" || a === "-s") args.stack = argv[++i];
        else if (a === "--environment" || a === "-e") args.environment = argv[++i];
        else if (a === "--out") args.out = argv[++i];
        else if (a === "--policy-config") args.policyConfig = argv[++i];
        else if (a === "--help" || a === "-h") {
            console.log(USAGE);
            process.exit(0);
        } else throw new Error(`unknown argument "${a}"; ${USAGE}`);
    }
    return args;
}

/**
 * The file `pulumi preview --policy-pack-config` takes: policy name -> an enforcement level, or an
 * object of the policy's config (and optionally `enforcementLevel`).
 */
function readPolicyConfig(file: string): PolicyConfig {
    let raw: unknown;
    try {
        raw = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new Error(`--policy-config ${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new Error(`--policy-config ${file} must be a JSON object of policy name -> level or config`);
    return Object.fromEntries(
        Object.entries(raw as Record<string, unknown>).map(([policy, v]) => [policy, typeof v === "string" ? { enforcementLevel: v as never } : (v as PolicyConfig[string])]),
    );
}

async function main(): Promise<number> {
    const args = parseArgs(process.argv.slice(2));
    const outDir = path.resolve(args.out);
    const result = await plan({
        only: args.stack,
        environment: args.environment,
        policyConfig: args.policyConfig ? readPolicyConfig(args.policyConfig) : undefined,
        outDir,
        onProgress: (e) => {
            if (e.kind === "stack-start") process.stderr.write(`planning ${e.stack} (${e.index + 1}/${e.total}) …\n`);
            else process.stderr.write(`  ${e.plan.stack}: ${e.plan.resources.length} resources in ${(e.plan.timings.programMs / 1000).toFixed(1)} s, policy ${(e.plan.timings.policyMs / 1000).toFixed(1)} s\n`);
        },
    });
    console.log(renderTerminal(result));
    const written = result.stacks.map((s) => `${s.stack}.json`).concat("summary.md", result.environments.filter((e) => e.complete).map((e) => drillsFileName(e.environment)));
    console.log(`Wrote ${path.relative(process.cwd(), outDir) || "."}/: ${written.join(", ")}`);
    if (result.failure) return 2;
    if (sharedNames(result.environments).length > 0) return 1;
    return result.stacks.some((s) => s.policy.diagnostics.some((d) => d.level === "mandatory")) ? 1 : 0;
}

main().then(
    (code) => process.exit(code),
    (e: unknown) => {
        console.error(`plan failed: ${e instanceof Error ? e.message : String(e)}`);
        process.exit(2);
    },
);
