/**
 * `npm run plan [-- options]`: the offline plan of every environment's stacks (or one stack, or one
 * environment's), with the policy pack, a diff against a base, and a cost estimate. No AWS account
 * or Pulumi CLI needed. Writes `.plan/` (emptied first): `<stack>.json`, `summary.md` (the PR
 * comment, size-capped), `summary-full.md`, `cost.json`, `meta.json`, `diff.json` with a base, and
 * the drill reports, after removing an earlier plan's files (only those). Every failure still
 * writes a summary that says so.
 *
 * Exit codes: 0 clean (advisories allowed); 1 a mandatory policy violation, a physical name two
 * environments share, or a protected resource removed or replaced (unless --allow-protected-loss);
 * 2 a program, configuration, --policy-config or base error; 64 a usage error (EX_USAGE).
 */
import * as fs from "fs";
import * as path from "path";
import { packInfo } from "./analyzer";
import { BasePlan, META_FILE, PlanMeta, headMeta, planBase, policyChanges, readBaseDir } from "./plan/base";
import { StackPlan } from "./plan/contract";
import { estimate } from "./plan/cost";
import { CheckedPolicyConfig, checkPolicyConfig, didYouMean, readPolicyConfigFile } from "./plan/policy-config";
import { PlanResult, drillsFileName, plan } from "./plan/plan";
import { Review, banners, buildDiffFile, policyHints, reviewLinks, verdict } from "./plan/review";
import { COMMENT_MARKER, renderFullMarkdown, renderMarkdown, renderReviewTerminal, renderTerminal } from "./plan/summary";
import { environmentsOf, loadProject, planOrder } from "./plan/stacks";
import { isStackPlan, redeployPlan, renderRedeploy } from "./plan/diff";

export const USAGE = [
    "usage: npm run plan [-- options]",
    "  --stack, -s <stack>          plan this stack (and the stacks it reads); <org>/<project>/<stack> accepted",
    "  --environment, -e <env>      plan this environment's stacks only",
    "  --out <dir>                  where to write (default .plan; an earlier plan's files are removed first)",
    "  --policy-config <file.json>  per-policy levels and settings, as pulumi preview --policy-pack-config",
    "  --base <git-ref>             diff against this commit, planned with its own code (cached in .plan-cache/<sha>/)",
    "  --base-dir <dir>             diff against a plan directory another run wrote (e.g. main's CI artifact)",
    "  --allow-protected-loss       report protected resources removed or replaced without failing",
    "  --help, -h",
    "Values go as --name value or --name=value.",
].join("\n");

export const EXIT = { clean: 0, findings: 1, error: 2, usage: 64 } as const;

/** A command-line mistake: exit 64 with the usage. */
export class UsageError extends Error {}

export interface PlanArgs {
    readonly stack?: string;
    readonly environment?: string;
    readonly out: string;
    readonly policyConfig?: string;
    readonly base?: string;
    readonly baseDir?: string;
    readonly allowProtectedLoss: boolean;
    readonly help: boolean;
}

const VALUE_OPTIONS: Readonly<Record<string, keyof PlanArgs>> = {
    "--stack": "stack",
    "-s": "stack",
    "--environment": "environment",
    "-e": "environment",
    "--out": "out",
    "--policy-config": "policyConfig",
    "--base": "base",
    "--base-dir": "baseDir",
};
const FLAGS: Readonly<Record<string, keyof PlanArgs>> = { "--allow-protected-loss": "allowProtectedLoss", "--help": "help", "-h": "help" };

/** Strict parsing: every option known, every value present, none given twice. */
export function parseArgs(argv: readonly string[]): PlanArgs {
    const args: Record<string, string | boolean> = {};
    for (let i = 0; i < argv.length; i++) {
        const token = argv[i];
        const eq = token.startsWith("--") ? token.indexOf("=") : -1;
        const name = eq > 0 ? token.slice(0, eq) : token;
        const key = VALUE_OPTIONS[name] ?? FLAGS[name];
        if (!key) {
            const known = [...Object.keys(VALUE_OPTIONS), ...Object.keys(FLAGS)].filter((k) => k.startsWith("--"));
            throw new UsageError(token.startsWith("-") ? `unknown option "${name}"${didYouMean(name, known)}` : `unexpected argument "${token}" (options start with --)`);
        }
        if (key in args) throw new UsageError(`${name} is given twice`);
        if (FLAGS[name]) {
            if (eq > 0) throw new UsageError(`${name} takes no value`);
            args[key] = true;
            continue;
        }
        const value = eq > 0 ? token.slice(eq + 1) : argv[++i];
        if (value === undefined || value === "" || (eq < 0 && value.startsWith("-"))) throw new UsageError(`${name} needs a value`);
        args[key] = value;
    }
    if (args.base !== undefined && args.baseDir !== undefined) throw new UsageError("--base and --base-dir are alternatives; give one");
    return {
        ...(args as Partial<PlanArgs>),
        out: typeof args.out === "string" ? args.out : ".plan",
        allowProtectedLoss: args.allowProtectedLoss === true,
        help: args.help === true,
    } as PlanArgs;
}

/** `<org>/<project>/<stack>` (Pulumi's fully-qualified name) or `<org>/<stack>` → the stack; a third part must name this project. */
export function stackName(value: string, project: string): string {
    const parts = value.split("/");
    if (parts.length === 1) return value;
    if (parts.length === 2 && parts.every(Boolean)) return parts[1];
    if (parts.length === 3 && parts.every(Boolean)) {
        if (parts[1] !== project) throw new UsageError(`--stack ${value} is a stack of project ${parts[1]}; this is project ${project}`);
        return parts[2];
    }
    throw new UsageError(`--stack ${value} is not a stack name (<stack>, <org>/<stack> or <org>/<project>/<stack>)`);
}

/** The files a plan writes: its fixed names, and `<stack>.json` (recognised by content). */
const PLAN_FILES = /^(summary(-full)?\.md|cost\.json|diff\.json|meta\.json|drills(\.[\w-]+)?\.json)$/;

function isPlanFile(dir: string, name: string): boolean {
    const file = path.join(dir, name);
    if (!fs.statSync(file).isFile()) return false;
    if (PLAN_FILES.test(name)) return true;
    if (!name.endsWith(".json")) return false;
    try {
        const parsed: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
        return isStackPlan(parsed) && name === `${parsed.stack}.json`;
    } catch {
        return false;
    }
}

/**
 * A directory a plan may write into: absent, empty, or one a plan wrote (its meta.json, or a
 * summary.md that is a plan's comment). Anything else is someone's, and is never touched.
 */
export function isPlanDir(dir: string): boolean {
    if (!fs.existsSync(dir)) return true;
    if (!fs.statSync(dir).isDirectory()) return false;
    const entries = fs.readdirSync(dir);
    if (entries.length === 0) return true;
    if (entries.includes(META_FILE)) {
        try {
            const meta = JSON.parse(fs.readFileSync(path.join(dir, META_FILE), "utf8")) as Partial<PlanMeta>;
            if (typeof meta.commit === "string" && typeof meta.dirty === "boolean") return true;
        } catch {
            // not a plan's meta.json
        }
    }
    const summary = path.join(dir, "summary.md");
    return fs.existsSync(summary) && fs.readFileSync(summary, "utf8").startsWith(COMMENT_MARKER);
}

/** Removes what an earlier plan wrote (nothing older may read as this run's), and only that. */
export function prepareOutDir(outDir: string, root: string): void {
    if (path.resolve(outDir) === path.resolve(root)) throw new UsageError(`--out ${outDir} is the project root; give a directory of its own`);
    if (!isPlanDir(outDir)) throw new UsageError(`--out ${outDir} is not a plan directory (no ${META_FILE} or plan summary in it); give an empty directory or one a plan wrote`);
    fs.mkdirSync(outDir, { recursive: true });
    for (const e of fs.readdirSync(outDir)) if (isPlanFile(outDir, e)) fs.rmSync(path.join(outDir, e));
}

function writeMeta(outDir: string, meta: PlanMeta): void {
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, META_FILE), JSON.stringify(meta, null, 2) + "\n");
}

/** The summary of a run that did not plan: the PR comment must never keep showing an older green plan. */
export function failureSummary(project: string, what: string, message: string, meta?: PlanMeta): string {
    const at = meta && meta.commit !== "unknown" ? ` at \`${meta.commit.slice(0, 12)}\`${meta.dirty ? " (with uncommitted changes)" : ""}` : "";
    return [COMMENT_MARKER, `## ❌ Offline plan: ${project}`, "", `**The plan did not run**${at}: ${what}.`, "", "```", message, "```", ""].join("\n");
}

function projectName(root: string): string {
    try {
        return loadProject(root).name;
    } catch {
        return "mall";
    }
}

/** Where a run whose arguments were refused writes its summary: the --out it was given, if any. */
export function outHint(argv: readonly string[]): string {
    for (let i = 0; i < argv.length; i++) {
        if (argv[i].startsWith("--out=") && argv[i].length > 6) return argv[i].slice(6);
        if (argv[i] === "--out" && argv[i + 1] && !argv[i + 1].startsWith("-")) return argv[i + 1];
    }
    return ".plan";
}

async function main(argv: readonly string[]): Promise<number> {
    const root = process.cwd();
    const project = projectName(root);
    let outDir = path.resolve(outHint(argv));
    const meta = headMeta(root);
    const fail = (code: number, what: string, e: unknown): number => {
        const message = e instanceof Error ? e.message : String(e);
        console.error(`plan failed: ${message}${code === EXIT.usage ? `\n${USAGE}` : ""}`);
        // Nothing older may read as this run's result; a directory that is not a plan's is left alone.
        if (path.resolve(outDir) !== path.resolve(root) && isPlanDir(outDir)) {
            prepareOutDir(outDir, root);
            writeMeta(outDir, { ...meta, finished: false });
            fs.writeFileSync(path.join(outDir, "summary.md"), failureSummary(project, what, message, meta));
        }
        return code;
    };

    let args: PlanArgs;
    try {
        args = parseArgs(argv);
        if (args.help) {
            console.log(USAGE);
            return EXIT.clean;
        }
        outDir = path.resolve(args.out);
        prepareOutDir(outDir, root);
    } catch (e) {
        return fail(e instanceof UsageError ? EXIT.usage : EXIT.error, "a usage error", e);
    }
    writeMeta(outDir, { ...meta, finished: false });

    let only: string | undefined;
    let policy: CheckedPolicyConfig | undefined;
    let base: BasePlan | undefined;
    try {
        only = args.stack === undefined ? undefined : stackName(args.stack, project);
        // Before a base is planned: a misspelt stack or environment fails in a second, not after the base.
        const files = loadProject(root);
        if (only !== undefined) planOrder(files, only);
        if (args.environment !== undefined && !environmentsOf(files).includes(args.environment)) {
            throw new Error(`no stack of environment "${args.environment}" (mall:environment in a Pulumi.<stack>.yaml); environments: ${environmentsOf(files).join(", ")}`);
        }
        if (args.policyConfig) {
            const info = await packInfo(path.join(root, "policy"));
            policy = checkPolicyConfig(readPolicyConfigFile(args.policyConfig), info.policies, `--policy-config ${args.policyConfig}`);
        }
        if (args.base) base = planBase({ root, ref: args.base, environment: args.environment, only, log: (l) => process.stderr.write(`${l}\n`) });
        else if (args.baseDir) {
            base = readBaseDir(path.resolve(args.baseDir));
            // A base that planned a part of its project would show this run's other stacks as new.
            const sel = base.selection;
            if (sel && ((sel.stack !== undefined && sel.stack !== only) || (sel.environment !== undefined && sel.environment !== args.environment))) {
                throw new Error(`--base-dir ${args.baseDir} planned only ${[sel.stack && `--stack ${sel.stack}`, sel.environment && `--environment ${sel.environment}`].filter(Boolean).join(" ")}; compare with a base planned for the same stacks (or all of them)`);
            }
        }
    } catch (e) {
        return fail(e instanceof UsageError ? EXIT.usage : EXIT.error, e instanceof UsageError ? "a usage error" : "its input was refused", e);
    }

    let result: PlanResult;
    try {
        result = await plan({
            only,
            environment: args.environment,
            policyConfig: policy?.config,
            outDir,
            writeSummary: false,
            onProgress: (e) => {
                if (e.kind === "stack-start") process.stderr.write(`planning ${e.stack} (${e.index + 1}/${e.total}) …\n`);
                else process.stderr.write(`  ${e.plan.stack}: ${e.plan.resources.length} resources in ${(e.plan.timings.programMs / 1000).toFixed(1)} s, policy ${(e.plan.timings.policyMs / 1000).toFixed(1)} s\n`);
            },
        });
    } catch (e) {
        return fail(EXIT.error, "the project cannot be planned", e);
    }

    const review = buildReview(root, result, { base, policy, allowProtectedLoss: args.allowProtectedLoss, meta });
    writeReviewFiles(outDir, result, review);
    const selection = { ...(only !== undefined ? { stack: only } : {}), ...(args.environment !== undefined ? { environment: args.environment } : {}) };
    writeMeta(outDir, { ...meta, finished: !result.failure, stacks: result.stacks.map((s) => s.stack), ...(Object.keys(selection).length > 0 ? { selection } : {}) });
    console.log(renderTerminal(result));
    console.log(renderReviewTerminal(result, review));
    const written = result.stacks
        .map((s) => `${s.stack}.json`)
        .concat("summary.md", "summary-full.md", "cost.json", "meta.json", review.diff ? ["diff.json"] : [], result.environments.filter((e) => e.complete).map((e) => drillsFileName(e.environment)));
    console.log(`Wrote ${path.relative(process.cwd(), outDir) || "."}/: ${written.join(", ")}`);
    if (result.failure) return EXIT.error;
    return verdict(result, review).ok ? EXIT.clean : EXIT.findings;
}

export interface ReviewInputs {
    readonly base?: BasePlan;
    readonly policy?: CheckedPolicyConfig;
    readonly allowProtectedLoss?: boolean;
    readonly meta?: PlanMeta;
}

/** The comment's additions for a finished plan: diff, cost, banners, overrides, hints. */
export function buildReview(root: string, result: PlanResult, inputs: ReviewInputs): Review {
    const head: StackPlan[] = result.stacks.map((s) => ({ stack: s.stack, project: s.project, resources: s.resources, outputs: s.outputs, policy: s.policy }));
    // Only stacks this run planned are compared: a base stack outside --stack/--environment, or one
    // the run never reached, is not "gone".
    let project: ReturnType<typeof loadProject> | undefined;
    try {
        project = loadProject(root);
    } catch {
        project = undefined;
    }
    const inScope = (stack: string) => result.stacks.some((s) => s.stack === stack) || (!result.failure && !!project && !project.stacks.some((f) => f.stack === stack) && scopeAll(result, project));
    const basePlans = inputs.base?.plans.filter((p) => inScope(p.stack)) ?? [];
    const built = inputs.base ? buildDiffFile(inputs.base.commit, basePlans, head) : undefined;
    const diff = built?.file;
    const cost = estimate(head, inputs.base ? { commit: inputs.base.commit, plans: basePlans } : undefined);
    return {
        ...(inputs.meta ? { commit: { sha: inputs.meta.commit, dirty: inputs.meta.dirty } } : {}),
        ...(inputs.base ? { base: { commit: inputs.base.commit, source: inputs.base.source } } : {}),
        ...(diff ? { diff } : {}),
        ...(built && project && !result.failure ? { deployOrder: renderRedeploy(redeployPlan(built.diff, planOrder(project).map((s) => s.stack))) } : {}),
        cost,
        ...(inputs.policy ? { overrides: inputs.policy.overrides } : {}),
        ...(inputs.base && inputs.base.commit !== "unknown" ? { policyChanges: policyChanges(root, inputs.base.commit) ?? [] } : {}),
        allowProtectedLoss: inputs.allowProtectedLoss ?? false,
        banners: project ? banners(project.stacks.filter((f) => result.stacks.some((s) => s.stack === f.stack))) : [],
        hints: policyHints(root),
        links: reviewLinks(process.env, inputs.meta?.commit),
    };
}

/** The run planned every stack of the project (no --stack or --environment cut, no failure). */
function scopeAll(result: PlanResult, project: ReturnType<typeof loadProject>): boolean {
    return result.stacks.length === project.stacks.length;
}

export function writeReviewFiles(outDir: string, result: PlanResult, review: Review): void {
    fs.writeFileSync(path.join(outDir, "summary.md"), renderMarkdown(result, review));
    fs.writeFileSync(path.join(outDir, "summary-full.md"), renderFullMarkdown(result, review));
    fs.writeFileSync(path.join(outDir, "cost.json"), JSON.stringify(review.cost, null, 2) + "\n");
    if (review.diff) fs.writeFileSync(path.join(outDir, "diff.json"), JSON.stringify(review.diff, null, 2) + "\n");
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (e: unknown) => {
            console.error(`plan failed: ${e instanceof Error ? e.message : String(e)}`);
            process.exit(EXIT.error);
        },
    );
}
