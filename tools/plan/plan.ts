/**
 * The offline plan (DESIGN §3): every stack in dependency order under Pulumi's mock runtime,
 * StackReferences fed by the stacks planned before, the real policy pack over the analyzer
 * protocol, and `.plan/<stack>.json` + `.plan/summary.md` written for tools and PR comments.
 */
import * as fs from "fs";
import * as path from "path";
import { PolicyConfig } from "../analyzer";
import { PolicyReport, StackPlan } from "./contract";
import { startPolicyPack } from "../analyzer";
import { evaluatePolicy } from "./policy";
import { typeCheckPack } from "./typecheck";
import { ProgramError, runStack } from "./runner";
import { environmentRegistry, environmentsOf, loadProject, planOrder, projectProblems } from "./stacks";
import { PRODUCTION } from "../../stacks/settings/registry";

export interface PlanOptions {
    /** Project root (holds Pulumi.yaml). @default process.cwd() */
    readonly dir?: string;
    /** Plan only this stack (and the stacks it references, first). */
    readonly only?: string;
    /** Plan only this environment's stacks (`mall:environment`; production when unset). */
    readonly environment?: string;
    /** Where to write the files; undefined writes nothing. @default undefined */
    readonly outDir?: string;
    /** Skip the policy pack (tests of the program alone). @default false */
    readonly skipPolicy?: boolean;
    /** Extra config per stack, applied over the stack file (tests). */
    readonly overrides?: Readonly<Record<string, Readonly<Record<string, string>>>>;
    readonly onProgress?: (event: PlanEvent) => void;
    /** Per-policy overrides, as `pulumi preview --policy-pack-config` takes them. @default {} */
    readonly policyConfig?: PolicyConfig;
    /** Write `summary.md` with the plan files; the CLI writes its own, with the review. @default true */
    readonly writeSummary?: boolean;
}

export type PlanEvent =
    | { readonly kind: "stack-start"; readonly stack: string; readonly index: number; readonly total: number }
    | { readonly kind: "stack-done"; readonly plan: StackResult };

export interface StackResult extends StackPlan {
    readonly role: string;
    /** `mall:environment` (production when unset). */
    readonly environment: string;
    readonly timings: { readonly programMs: number; readonly mockMs: number; readonly policyMs: number };
}

export interface PlanResult {
    readonly project: string;
    readonly stacks: StackResult[];
    /** The stack whose program failed, and why; later stacks were not planned. */
    readonly failure?: { readonly stack: string; readonly error: Error };
    readonly totalMs: number;
    /** Every stack of the project was planned (no `only` subset, no failure): the stack set drills need. */
    readonly complete?: boolean;
    /** Production's Region registry order (`<project>:regions`); each environment's is in `environments`. */
    readonly regions?: string[];
    /**
     * The planned stacks by environment, production first: drills, reachability, the scorecard and
     * the summary's cross-stack sections look at one environment at a time (stacks of different
     * environments never reference each other).
     */
    readonly environments: EnvironmentPlan[];
}

/** One environment's part of a plan. */
export interface EnvironmentPlan {
    readonly environment: string;
    /** Its Region registry's order. */
    readonly regions?: string[];
    readonly stacks: StackResult[];
    /** Every stack of the environment planned: the stack set its drills need. */
    readonly complete: boolean;
}

/** The plan of one environment (production by default); throws naming the planned ones when it is absent. */
export function environmentPlan(result: Pick<PlanResult, "environments">, environment: string = PRODUCTION): EnvironmentPlan {
    const found = result.environments.find((e) => e.environment === environment);
    if (!found) throw new Error(`no stack of environment ${environment} was planned (planned: ${result.environments.map((e) => e.environment).join(", ") || "none"})`);
    return found;
}

/** The environment plan holding `stack`'s result. */
export function environmentOfStack(result: Pick<PlanResult, "environments">, stack: string): EnvironmentPlan | undefined {
    return result.environments.find((e) => e.stacks.some((s) => s.stack === stack));
}

export async function plan(options: PlanOptions = {}): Promise<PlanResult> {
    const started = Date.now();
    const dir = path.resolve(options.dir ?? process.cwd());
    const project = loadProject(dir);
    const problems = projectProblems(project);
    if (problems.length > 0) throw new Error(`the project cannot be planned (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was planned:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    const known = environmentsOf(project);
    if (options.environment !== undefined && !known.includes(options.environment)) {
        throw new Error(`no stack of environment "${options.environment}" (mall:environment in a Pulumi.<stack>.yaml); environments: ${known.join(", ")}`);
    }
    const order = planOrder(project, options.only).filter((s) => options.environment === undefined || s.environment === options.environment);
    const outputs = new Map<string, Record<string, unknown>>();
    // The pack runs in its own process, so a stack's policy evaluation overlaps the next stack's
    // program run; results are still reported in plan order.
    // Each promise settles to a result or an error (never rejects), so a crashing pack is reported
    // against its own stack rather than surfacing as an unhandled rejection during the next one.
    const pending: Promise<StackResult | { readonly stack: string; readonly error: Error }>[] = [];
    let failure: PlanResult["failure"];
    // Each stack's pack process starts with its program and loads while it runs (transpile-only);
    // the pack is type-checked once, beside the first program (tools/plan/typecheck.ts).
    const packDir = path.join(dir, "policy");
    const packed = !options.skipPolicy && fs.existsSync(path.join(packDir, "PulumiPolicy.yaml"));
    const typeChecked = packed && order.length > 0 ? typeCheckPack(packDir, path.join(dir, ".build")).then(() => undefined, (e: unknown) => (e instanceof Error ? e : new Error(String(e)))) : Promise.resolve(undefined);
    for (const [index, file] of order.entries()) {
        options.onProgress?.({ kind: "stack-start", stack: file.stack, index, total: order.length });
        const config = { ...file.config, ...(options.overrides?.[file.stack] ?? {}) };
        const session = packed ? startPolicyPack({ packDir, project: project.name, stack: file.stack, config, dryRun: true, policyConfig: options.policyConfig }) : undefined;
        let run;
        try {
            run = await runStack({ project: project.name, stack: file.stack, config, secretKeys: file.secretKeys, stackOutputs: outputs });
        } catch (e) {
            session?.kill();
            failure = { stack: file.stack, error: e instanceof Error ? e : new Error(String(e)) };
            break;
        }
        outputs.set(file.stack, run.outputs);
        const finished = run;
        const policyStarted = Date.now();
        const policy = options.skipPolicy
            ? Promise.resolve<PolicyReport>({ pack: null, skipped: "policy evaluation skipped", diagnostics: [] })
            : session
              ? typeChecked.then((error) => {
                    if (!error) return session.analyze(finished.resources);
                    session.kill();
                    throw error;
                })
              : evaluatePolicy({ packDir, project: project.name, stack: file.stack, config, resources: finished.resources, policyConfig: options.policyConfig });
        pending.push(
            policy.then((report) => {
                const result: StackResult = {
                    stack: file.stack,
                    project: project.name,
                    role: String(finished.outputs.role ?? "unknown"),
                    environment: file.environment,
                    resources: finished.resources,
                    outputs: finished.outputs,
                    policy: report,
                    timings: { programMs: finished.totalMs, mockMs: Math.round(finished.mockMs), policyMs: Date.now() - policyStarted },
                };
                options.onProgress?.({ kind: "stack-done", plan: result });
                return result;
            }, (e: unknown) => ({ stack: file.stack, error: new Error(`the policy pack failed on stack ${file.stack}: ${e instanceof Error ? e.message : String(e)}`) })),
        );
    }
    const settled = await Promise.all(pending);
    const stacks = settled.filter((s): s is StackResult => !("error" in s));
    const packFailure = settled.find((s): s is { stack: string; error: Error } => "error" in s);
    failure ??= packFailure && { stack: packFailure.stack, error: packFailure.error };
    const complete = !failure && stacks.length === project.stacks.length;
    const environments = known
        .filter((env) => order.some((s) => s.environment === env))
        .map((env): EnvironmentPlan => {
            const files = project.stacks.filter((s) => s.environment === env);
            const planned = stacks.filter((s) => s.environment === env);
            const registry = environmentRegistry(files[0].config, env);
            return { environment: env, ...(registry ? { regions: Object.keys(registry) } : {}), stacks: planned, complete: !failure && planned.length === files.length };
        });
    const production = project.stacks[0] && environmentRegistry(project.stacks[0].config, PRODUCTION);
    const regions = production ? Object.keys(production) : undefined;
    const result: PlanResult = { project: project.name, stacks, ...(failure ? { failure } : {}), totalMs: Date.now() - started, complete, ...(regions ? { regions } : {}), environments };
    // Written on failure too: the PR comment must show the failure, not the last green plan.
    if (options.outDir) writePlanFiles(options.outDir, result, options.writeSummary ?? true);
    return result;
}

export function writePlanFiles(outDir: string, result: PlanResult, writeSummary = true): void {
    fs.mkdirSync(outDir, { recursive: true });
    for (const s of result.stacks) {
        const contract: StackPlan = { stack: s.stack, project: s.project, resources: s.resources, outputs: s.outputs, policy: s.policy };
        fs.writeFileSync(path.join(outDir, `${s.stack}.json`), JSON.stringify(contract, null, 2) + "\n");
    }
    // Imported lazily to keep the library free of presentation code for callers that only need data.
    const { renderMarkdown } = require("./summary") as typeof import("./summary");
    if (writeSummary) fs.writeFileSync(path.join(outDir, "summary.md"), renderMarkdown(result));
    // A failed stack's previous contract file would read as current: remove it.
    if (result.failure) fs.rmSync(path.join(outDir, `${result.failure.stack}.json`), { force: true });
    // Drills play an environment's whole stack set (a Region loss involves every stack's half of the
    // pipeline), so they are written only when every stack of it planned; an older file would read as current.
    for (const env of result.environments) {
        const drillsFile = path.join(outDir, drillsFileName(env.environment));
        if (env.complete) {
            const { runDrills } = require("../drills/simulate") as typeof import("../drills/simulate");
            fs.writeFileSync(drillsFile, JSON.stringify(runDrills(drillStacks(env.stacks), { regions: env.regions }), null, 2) + "\n");
        } else {
            fs.rmSync(drillsFile, { force: true });
        }
    }
}

/** An environment's drill report: `drills.json` for production, `drills.<env>.json` for the others. */
export function drillsFileName(environment: string): string {
    return environment === PRODUCTION ? DRILLS_FILE : `drills.${environment}.json`;
}

/** `.plan/drills.json`: the drill simulator's report (DESIGN §3). */
export const DRILLS_FILE = "drills.json";

/** The simulator's view of planned stacks: each stack's Region is its `region` output. */
export function drillStacks(stacks: readonly StackResult[]): { stack: string; role: string; region: string; resources: StackResult["resources"]; outputs: StackResult["outputs"] }[] {
    return stacks.map((s) => ({ stack: s.stack, role: s.role, region: String(s.outputs.region ?? s.stack), resources: s.resources, outputs: s.outputs }));
}

export { ProgramError };
