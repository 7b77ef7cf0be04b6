/** The GitHub workflows as data, for the structure tests: jobs, steps, calls, and the deploy order they produce. */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { ciStacks } from "../../tools/stacks";
import { Project } from "../../tools/plan/stacks";

export const ROOT = path.resolve(__dirname, "../..");
export const DIR = path.join(ROOT, ".github", "workflows");
export const files = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));

export interface Step {
    readonly uses?: string;
    readonly run?: string;
    readonly name?: string;
    readonly id?: string;
    readonly if?: string;
    readonly with?: Record<string, unknown>;
    readonly env?: Record<string, string>;
    readonly "working-directory"?: string;
    readonly "continue-on-error"?: boolean;
}
export interface Job {
    readonly name?: string;
    readonly if?: string;
    readonly needs?: string | string[];
    readonly environment?: string;
    readonly "runs-on"?: string;
    readonly permissions?: Record<string, string>;
    readonly env?: Record<string, string>;
    readonly outputs?: Record<string, string>;
    readonly strategy?: { readonly matrix: { readonly stack: string }; readonly "max-parallel"?: number; readonly "fail-fast"?: boolean };
    /** A call of a reusable workflow (`./.github/workflows/<file>`) instead of steps. */
    readonly uses?: string;
    readonly with?: Record<string, unknown>;
    readonly secrets?: "inherit" | Record<string, string>;
    readonly steps?: Step[];
}
export interface Workflow {
    readonly name: string;
    readonly on: Record<string, unknown>;
    readonly permissions?: Record<string, string>;
    readonly jobs: Record<string, Job>;
}

export const text = (file: string) => fs.readFileSync(path.join(DIR, file), "utf8");
export const workflow = (file: string) => YAML.parse(text(file)) as Workflow;
export const stepsOf = (job: Job): Step[] => job.steps ?? [];
export const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : typeof job.needs === "string" ? [job.needs] : job.needs);
/** The local reusable workflow a job calls, by file name, or undefined. */
export const calledFile = (job: Job) => (job.uses?.startsWith("./.github/workflows/") ? job.uses.slice("./.github/workflows/".length) : undefined);

/** The role a job's configure-aws-credentials step assumes (the expression as written). */
export const roleOf = (job: Job) => stepsOf(job).find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials"))?.with?.["role-to-assume"] as string | undefined;

/** The `needs.test.outputs.<name>` each environment's stack lists come from (deploy.yml's test job). */
const OUTPUT_ENVIRONMENT: Readonly<Record<string, string>> = { stacks: "production", staging: "staging" };

/**
 * The stacks the deploy workflow deploys, in the order it deploys them: its calling jobs ordered by
 * `needs`, each job's matrix resolved against tools/stacks.ts for its environment. A job whose
 * matrix may run more than one stack at once (no `max-parallel: 1`) is an error: its stacks have
 * no order. Throws naming what is wrong.
 */
export function deploySequence(deploy: Workflow, project: Project): { readonly stack: string; readonly environment: string; readonly job: string }[] {
    const calls = Object.entries(deploy.jobs).filter(([, j]) => calledFile(j) === "deploy-stack.yml");
    const done = new Set<string>();
    const sequence: { stack: string; environment: string; job: string }[] = [];
    while (done.size < calls.length) {
        const ready = calls.filter(([name, j]) => !done.has(name) && needsOf(j).every((n) => done.has(n) || !calls.some(([c]) => c === n)));
        if (ready.length === 0) throw new Error("the deploy jobs' needs form a cycle");
        if (ready.length > 1) throw new Error(`deploy jobs ${ready.map(([n]) => n).join(", ")} run at the same time`);
        const [name, job] = ready[0];
        const m = /^\$\{\{ fromJSON\(needs\.test\.outputs\.(\w+)\)\.(primaries|secondaries) \}\}$/.exec(job.strategy?.matrix.stack ?? "");
        if (!m) throw new Error(`${name}: matrix ${job.strategy?.matrix.stack} is not a tools/stacks.ts list`);
        const environment = OUTPUT_ENVIRONMENT[m[1]];
        if (job.with?.environment !== environment) throw new Error(`${name}: stacks of ${environment} deployed under environment ${String(job.with?.environment)}`);
        const stacks = ciStacks(project, { deploy: false, environment, ifPresent: true })[m[2] as "primaries" | "secondaries"];
        if (stacks.length > 1 && job.strategy?.["max-parallel"] !== 1) throw new Error(`${name}: ${stacks.join(", ")} deploy in parallel (no max-parallel: 1)`);
        for (const stack of stacks) sequence.push({ stack, environment, job: name });
        done.add(name);
    }
    return sequence;
}
