/**
 * `npx ts-node --transpile-only tools/import-file.ts --stack <stack> [--parents-exist] <logical name>=<id> …`
 * prints the `pulumi import --file` JSON (pulumi/pulumi pkg/cmd/pulumi/operations/import.go
 * importFile) that adopts existing resources at exactly the URNs this program declares: each
 * resource with its chain of component parents, read from `.plan/<stack>.json` (run
 * `npm run plan -- --stack <stack>` first). Without `--parents-exist` the parents are declared in
 * the file as components (a stack deployed for the first time); with it they go in `nameTable` by
 * URN (the stack already has them).
 *
 * Refuses (exit 1, naming the fix) a logical name the plan does not have, a type docs/lifecycle.md
 * does not cover (IMPORTABLE), and a bucket whose name is not the program's
 * (a different name is a replacement). Usage errors exit 2.
 */
import * as fs from "fs";
import * as path from "path";
import { PlannedResource, StackPlan } from "./plan/contract";

/** The types docs/lifecycle.md covers, and the input whose value must equal the existing resource's (else a replacement). */
export const IMPORTABLE: Readonly<Record<string, { readonly must: string; readonly id: string }>> = {
    "aws:ec2/vpc:Vpc": { must: "cidrBlock", id: "the VPC id (`vpc-…`)" },
    "aws:s3/bucket:Bucket": { must: "bucket", id: "the bucket name" },
};

/**
 * Whether docs/lifecycle.md covers importing `r`: a custom resource of an IMPORTABLE type in the
 * stack's own Region (one declared in another Region through the per-resource `region` input would
 * need that Region's provider, which `pulumi import` does not take from the program).
 */
export function importable(r: PlannedResource, stackRegion: string): boolean {
    return r.custom && IMPORTABLE[r.type] !== undefined && (r.inputs.region === undefined || r.inputs.region === stackRegion);
}

export interface ImportSpec {
    readonly type: string;
    readonly name: string;
    readonly id?: string;
    readonly parent?: string;
    readonly component?: true;
}
export interface ImportFile {
    readonly nameTable?: Record<string, string>;
    readonly resources: ImportSpec[];
}

/** The URN the engine gives a resource under `chain` (its ancestors below the stack, outermost first). */
export function engineUrn(stack: string, project: string, chain: readonly PlannedResource[], r: PlannedResource): string {
    return `urn:pulumi:${stack}::${project}::${[...chain.map((c) => c.type), r.type].join("$")}::${r.name}`;
}

/** The resource's ancestors below the root stack, outermost first. */
function ancestors(plan: StackPlan, r: PlannedResource): PlannedResource[] {
    const byUrn = new Map(plan.resources.map((x) => [x.urn, x]));
    const chain: PlannedResource[] = [];
    for (let p = r.parent ? byUrn.get(r.parent) : undefined; p && p.type !== "pulumi:pulumi:Stack"; p = p.parent ? byUrn.get(p.parent) : undefined) chain.unshift(p);
    return chain;
}

/** The import file for `targets` (logical name → id). Throws naming what is wrong. */
export function importFile(plan: StackPlan, targets: Readonly<Record<string, string>>, opts: { readonly parentsExist?: boolean } = {}): ImportFile {
    const resources: ImportSpec[] = [];
    const nameTable: Record<string, string> = {};
    const declared = new Set<string>();
    const region = String(plan.outputs.region ?? plan.stack);
    for (const [name, id] of Object.entries(targets)) {
        const matches = plan.resources.filter((r) => r.custom && r.name === name);
        if (matches.length === 0) {
            const names = plan.resources.filter((r) => importable(r, region)).map((r) => r.name);
            throw new Error(`stack ${plan.stack} declares no resource named "${name}"; importable here: ${names.join(", ")}`);
        }
        if (matches.length > 1) throw new Error(`stack ${plan.stack} declares ${matches.length} resources named "${name}" (${matches.map((m) => m.type).join(", ")})`);
        const r = matches[0];
        const rule = IMPORTABLE[r.type];
        if (!rule) throw new Error(`${name} is a ${r.type}: docs/lifecycle.md covers importing ${Object.keys(IMPORTABLE).join(", ")} only`);
        if (!importable(r, region)) throw new Error(`${name} lives in ${String(r.inputs.region)}, not in the stack's Region ${region}: import it by hand with a provider for that Region`);
        if (r.type === "aws:s3/bucket:Bucket" && id !== r.inputs.bucket) {
            throw new Error(`${name} is the bucket "${String(r.inputs.bucket)}"; importing "${id}" would replace it (a bucket's name cannot change): import the bucket of that name, or copy the objects into it`);
        }
        const chain = ancestors(plan, r);
        chain.forEach((c, i) => {
            if (declared.has(c.name)) return;
            declared.add(c.name);
            if (opts.parentsExist) nameTable[c.name] = engineUrn(plan.stack, plan.project, chain.slice(0, i), c);
            else resources.push({ type: c.type, name: c.name, component: true, ...(i > 0 ? { parent: chain[i - 1].name } : {}) });
        });
        resources.push({ type: r.type, name: r.name, id, ...(chain.length ? { parent: chain.at(-1)!.name } : {}) });
    }
    return { ...(opts.parentsExist ? { nameTable } : {}), resources };
}

class UsageError extends Error {}

const USAGE = [
    "usage: npx ts-node --transpile-only tools/import-file.ts --stack <stack> [--parents-exist] <logical name>=<id> … > import.json",
    "  reads .plan/<stack>.json (npm run plan -- --stack <stack> first); docs/lifecycle.md lists what can be imported;",
    "  --parents-exist: the stack is deployed, its component parents are named by URN instead of declared.",
    "then: pulumi import -s <stack> --file import.json --protect=false --generate-code=false",
].join("\n");

/** The CLI; answers the exit code. */
export function main(argv: readonly string[], root: string, out: (s: string) => void, err: (s: string) => void): number {
    try {
        let stack: string | undefined;
        let parentsExist = false;
        const targets: Record<string, string> = {};
        for (let i = 0; i < argv.length; i++) {
            const a = argv[i];
            if (a === "--help" || a === "-h") {
                out(USAGE);
                return 0;
            }
            if (a === "--stack" || a === "-s") stack = argv[++i];
            else if (a.startsWith("--stack=")) stack = a.slice("--stack=".length);
            else if (a === "--parents-exist") parentsExist = true;
            else if (/^[^-=][^=]*=.+$/.test(a)) {
                const [name, id] = a.split(/=(.*)/s);
                if (name in targets) throw new UsageError(`${name} is given twice (${targets[name]}, ${id}): one id per resource`);
                targets[name] = id;
            } else throw new UsageError(`unexpected argument "${a}": give --stack <stack> and <logical name>=<id> pairs`);
        }
        if (!stack) throw new UsageError("--stack <stack> is required");
        if (Object.keys(targets).length === 0) throw new UsageError("give at least one <logical name>=<id> (docs/lifecycle.md lists them)");
        const file = path.join(root, ".plan", `${stack}.json`);
        if (!fs.existsSync(file)) throw new Error(`${path.relative(root, file)} does not exist: run npm run plan -- --stack ${stack} first`);
        const plan = JSON.parse(fs.readFileSync(file, "utf8")) as StackPlan;
        out(JSON.stringify(importFile(plan, targets, { parentsExist }), null, 2));
        return 0;
    } catch (e) {
        err(`tools/import-file.ts: ${(e as Error).message}`);
        return e instanceof UsageError ? 2 : 1;
    }
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2), process.cwd(), (s) => console.log(s), (s) => console.error(s));
}
