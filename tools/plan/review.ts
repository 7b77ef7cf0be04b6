/**
 * What a reviewer needs beyond the plan itself: the diff against a base (`.plan/diff.json`), the
 * cost estimate (`.plan/cost.json`), the operational state to warn about, the policy overrides in
 * effect, the fix hint per policy, and the verdict. Pure apart from reading docs/policies.md.
 */
import * as fs from "fs";
import * as path from "path";
import { StackPlan } from "./contract";
import { CostReport } from "./cost";
import { ChangedResource, PlanDiff, byCodePoint, diffPlans, wholeStackDiff } from "./diff";
import { PlanResult } from "./plan";
import { PolicyOverride } from "./policy-config";
import { sharedNames } from "./names";
import { PRODUCTION } from "../../stacks/settings/registry";

/** One stack's entry of `.plan/diff.json`. */
export interface DiffFileStack {
    readonly added: string[];
    readonly removed: string[];
    readonly changed: ChangedResource[];
    readonly replaced: string[];
    readonly protectedLost: string[];
    /** The stack has no plan in the base (new), or none in the head (gone). */
    readonly stack?: "new" | "gone";
}

/** `.plan/diff.json`. */
export interface DiffFile {
    readonly base: string;
    readonly stacks: Record<string, DiffFileStack>;
}

/**
 * The diff of every stack planned on either side: a stack only in the head is all added, a stack
 * only in the base all removed (its protected resources lost). A stack the head did not plan
 * because the run stopped is left out (`skipped`), so a failure never reads as a deletion.
 */
export function buildDiffFile(baseCommit: string, base: readonly StackPlan[], head: readonly StackPlan[], skipped: readonly string[] = []): { file: DiffFile; diff: PlanDiff } {
    const diff = diffPlans(base, head);
    const stacks: Record<string, DiffFileStack> = {};
    for (const s of diff.stacks) stacks[s.stack] = { added: s.added, removed: s.removed, changed: s.changed, replaced: s.replaced, protectedLost: s.protectedLost };
    for (const name of diff.onlyInHead) {
        const d = wholeStackDiff(head.find((p) => p.stack === name)!, "added");
        stacks[name] = { added: d.added, removed: [], changed: [], replaced: [], protectedLost: [], stack: "new" };
    }
    for (const name of diff.onlyInBase.filter((s) => !skipped.includes(s))) {
        const d = wholeStackDiff(base.find((p) => p.stack === name)!, "removed");
        stacks[name] = { added: [], removed: d.removed, changed: [], replaced: [], protectedLost: d.protectedLost, stack: "gone" };
    }
    const sorted = Object.fromEntries(Object.keys(stacks).sort(byCodePoint).map((k) => [k, stacks[k]]));
    return { file: { base: baseCommit, stacks: sorted }, diff };
}

/** Everything the comment adds to a plan. */
export interface Review {
    /** The planned commit (and uncommitted changes). */
    readonly commit?: { readonly sha: string; readonly dirty: boolean };
    readonly base?: { readonly commit: string; readonly source: "planned" | "cached" | "directory" };
    readonly diff?: DiffFile;
    readonly cost?: CostReport;
    readonly overrides?: readonly PolicyOverride[];
    /** Files under policy/ changed against the base. */
    readonly policyChanges?: readonly string[];
    /** `--allow-protected-loss`: protected losses are shown, not failed. */
    readonly allowProtectedLoss?: boolean;
    /** Operational state a reviewer must see first. */
    readonly banners?: readonly string[];
    /** Policy name -> its fix (docs/policies.md `*Fix*:`). */
    readonly hints?: Readonly<Record<string, string>>;
    /** The stacks to deploy for this change, dependencies first (tools/plan/diff.ts renderRedeploy). */
    readonly deployOrder?: string;
    /** Where docs/policies.md is (a link at the planned commit in CI), and the CI run. */
    readonly links?: { readonly policies: string; readonly run?: string };
}

/** Links for the comment: absolute at the commit under GitHub Actions (a comment is not a repository file), relative elsewhere. */
export function reviewLinks(env: NodeJS.ProcessEnv, sha: string | undefined): { policies: string; run?: string } {
    const server = env.GITHUB_SERVER_URL;
    const repo = env.GITHUB_REPOSITORY;
    if (!server || !repo) return { policies: "docs/policies.md" };
    return {
        policies: `${server}/${repo}/blob/${sha && sha !== "unknown" ? sha : "HEAD"}/docs/policies.md`,
        ...(env.GITHUB_RUN_ID ? { run: `${server}/${repo}/actions/runs/${env.GITHUB_RUN_ID}` } : {}),
    };
}

/** Every protected resource the change would lose, by stack. */
export function protectedLosses(diff: DiffFile | undefined): { stack: string; urn: string }[] {
    if (!diff) return [];
    return Object.entries(diff.stacks).flatMap(([stack, d]) => d.protectedLost.map((urn) => ({ stack, urn })));
}

export interface Verdict {
    readonly ok: boolean;
    /** Why not, one line each (empty when ok). */
    readonly reasons: string[];
}

export function verdict(result: PlanResult, review: Review): Verdict {
    const reasons: string[] = [];
    if (result.failure) reasons.push(`${result.failure.stack}: the program failed`);
    const mandatory = result.stacks.reduce((n, s) => n + s.policy.diagnostics.filter((d) => d.level === "mandatory").length, 0);
    if (mandatory > 0) reasons.push(`${mandatory} mandatory policy violation${mandatory === 1 ? "" : "s"}`);
    const shared = sharedNames(result.environments).length;
    if (shared > 0) reasons.push(`${shared} physical name${shared === 1 ? "" : "s"} shared between environments`);
    const lost = protectedLosses(review.diff).length;
    if (lost > 0 && !review.allowProtectedLoss) reasons.push(`${lost} protected resource${lost === 1 ? "" : "s"} removed or replaced (--allow-protected-loss to accept)`);
    return { ok: reasons.length === 0, reasons };
}

/** A stack file's config, as far as the banners need it. */
export interface StackConfigView {
    readonly stack: string;
    readonly environment: string;
    readonly config: Readonly<Record<string, string>>;
}

/** Operational state to put above everything else: an evacuated region, automatic failover off in production. */
export function banners(stacks: readonly StackConfigView[]): string[] {
    const out: string[] = [];
    for (const s of stacks) {
        if (s.config["mall:evacuate"] === "true") {
            out.push(`⚠️ **${s.stack} is evacuated** (\`mall:evacuate: true\`): its latency record is withdrawn and it serves no users; the other ${s.environment === PRODUCTION ? "production" : s.environment} regions take its traffic.`);
        }
        if (s.environment === PRODUCTION && s.config["mall:enableAutoFailover"] === "false") {
            out.push(`⚠️ **Automatic failover is off in production** on ${s.stack} (\`mall:enableAutoFailover: false\`): a Region loss waits for an operator (docs/dr.md).`);
        }
    }
    return out;
}

/** Policy name -> the `*Fix*:` sentence of its section in docs/policies.md. */
export function policyHints(root: string): Record<string, string> {
    const file = path.join(root, "docs", "policies.md");
    if (!fs.existsSync(file)) return {};
    const hints: Record<string, string> = {};
    let current: string | undefined;
    for (const line of fs.readFileSync(file, "utf8").split("\n")) {
        const heading = /^### `([a-z0-9-]+)`/.exec(line);
        if (heading) current = heading[1];
        else if (/^## /.test(line)) current = undefined;
        const fix = /^\*Fix\*: (.*)$/.exec(line);
        if (fix && current) hints[current] = fix[1];
    }
    return hints;
}

/** URNs as the comment shows them: the resource's name, with its short type. */
export function shortUrn(urn: string): string {
    const parts = urn.split("::");
    const type = (parts[2] ?? "").split("$").pop() ?? "";
    return `${shortType(type)} ${parts[3] ?? urn}`;
}

/**
 * A type token a PR comment can wrap: `aws:s3/bucketVersioning:BucketVersioning` → `s3/BucketVersioning`,
 * `kubernetes:core/v1:ConfigMap` → `k8s core/v1/ConfigMap`, `eks:index:Cluster` → `eks/Cluster`.
 */
export function shortType(type: string): string {
    const [pkg, module, name] = type.split(":");
    if (name === undefined) return type;
    const mod = module.split("/")[0];
    if (pkg === "aws") return `${mod}/${name}`;
    if (pkg === "kubernetes") return `k8s ${module}/${name}`;
    return mod === "index" ? `${pkg}/${name}` : `${pkg}:${mod}/${name}`;
}
