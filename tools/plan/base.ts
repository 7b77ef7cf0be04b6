/**
 * The base a plan is compared with (`npm run plan -- --base <git-ref>` or `--base-dir <dir>`):
 * the base commit planned by its own code in a git worktree, cached in `.plan-cache/<sha>/` (git
 * ignores it) so a later run against the same commit reuses it; or a `.plan/` directory another
 * run wrote (CI's artifact from main). The worktree reuses this checkout's node_modules when the
 * base's lockfile is the same, else installs the base's own.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { StackPlan } from "./contract";
import { readPlanDir } from "./diff";
import { PRODUCTION } from "../../stacks/settings/registry";
import { loadProject, planOrder } from "./stacks";

/** `.plan/meta.json`: which commit a plan directory is the plan of. */
export const META_FILE = "meta.json";

export interface PlanMeta {
    /** The commit planned; "unknown" outside a git checkout. */
    readonly commit: string;
    /** Uncommitted changes were planned too. */
    readonly dirty: boolean;
    /** The run planned every stack it set out to (false while it runs, and after a failure). */
    readonly finished?: boolean;
    /** The stacks it planned. */
    readonly stacks?: string[];
    /** The run's --stack / --environment, when it planned a part of the project. */
    readonly selection?: { readonly stack?: string; readonly environment?: string };
}

export interface BasePlan {
    readonly commit: string;
    readonly plans: StackPlan[];
    /** Where it came from, for the terminal and the comment. */
    readonly source: "planned" | "cached" | "directory";
    readonly dir: string;
    /** A directory's run planned only this part of its project. */
    readonly selection?: PlanMeta["selection"];
}

function git(root: string, args: string[]): { ok: boolean; out: string; err: string } {
    const r = spawnSync("git", args, { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return { ok: r.status === 0, out: (r.stdout ?? "").trim(), err: (r.stderr ?? "").trim() || String(r.error ?? "") };
}

/** The checkout's commit and whether it has uncommitted changes. */
export function headMeta(root: string): PlanMeta {
    const sha = git(root, ["rev-parse", "HEAD"]);
    if (!sha.ok) return { commit: "unknown", dirty: false };
    const status = git(root, ["status", "--porcelain", "--untracked-files=no"]);
    return { commit: sha.out, dirty: status.ok && status.out.length > 0 };
}

/** Files under `policy/` that differ between the base commit and the working tree. */
export function policyChanges(root: string, baseCommit: string): string[] | undefined {
    const r = git(root, ["diff", "--name-only", baseCommit, "--", "policy/"]);
    return r.ok ? r.out.split("\n").filter(Boolean).sort() : undefined;
}

/** The sha of a ref; throws with the fix when the ref is not a commit here. */
export function resolveCommit(root: string, ref: string): string {
    const r = git(root, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    if (!r.ok || !/^[0-9a-f]{40}$/.test(r.out)) {
        throw new Error(`--base ${ref} is not a commit of this repository${r.err ? ` (${r.err})` : ""}; fetch it first (git fetch origin ${ref}) or pass a plan directory with --base-dir`);
    }
    return r.out;
}

export interface PlanBaseOptions {
    /** The project root (a git checkout). */
    readonly root: string;
    readonly ref: string;
    readonly environment?: string;
    readonly only?: string;
    readonly log?: (line: string) => void;
}

/** The cache directory of one selection of one commit's stacks. */
function cachedPlanDir(root: string, sha: string, o: Pick<PlanBaseOptions, "environment" | "only">): string {
    const selection = [o.environment ? `env-${o.environment}` : "", o.only ? `stack-${o.only}` : ""].filter(Boolean).join("-");
    return path.join(root, ".plan-cache", sha, selection ? `plan-${selection}` : "plan");
}

/** A cached plan is used only when the run that wrote it finished (meta.json says so). */
function finishedPlan(dir: string): boolean {
    const file = path.join(dir, META_FILE);
    if (!fs.existsSync(file)) return false;
    try {
        return (JSON.parse(fs.readFileSync(file, "utf8")) as PlanMeta).finished === true;
    } catch {
        return false;
    }
}

/** The stacks a run of the project in `dir` plans for this selection, or undefined when its stack files cannot be read here. */
function expectedStacks(dir: string, o: Pick<PlanBaseOptions, "environment" | "only">): string[] | undefined {
    try {
        return planOrder(loadProject(dir), o.only)
            .filter((s) => o.environment === undefined || (s.environment ?? PRODUCTION) === o.environment)
            .map((s) => s.stack);
    } catch {
        return undefined;
    }
}

/** Why a base run did not plan: its own summary's failure block when it wrote one, else its output's tail. */
function baseFailure(out: string, output: string): string {
    const summary = path.join(out, "summary.md");
    const block = fs.existsSync(summary) ? /```\n([\s\S]*?)\n```/.exec(fs.readFileSync(summary, "utf8"))?.[1] : undefined;
    return block ?? tail(output);
}

/**
 * Plans the base commit (or reuses its cached plan) and answers its stack plans. The whole
 * project's cached plan serves any selection; a plan is cached only once its run finished with
 * every stack it set out to plan (exit 0 or 1 alone could be a crash).
 */
export function planBase(o: PlanBaseOptions): BasePlan {
    const log = o.log ?? (() => undefined);
    const sha = resolveCommit(o.root, o.ref);
    const dir = cachedPlanDir(o.root, sha, o);
    for (const cached of [cachedPlanDir(o.root, sha, {}), dir]) {
        if (finishedPlan(cached)) {
            log(`base ${sha.slice(0, 12)}: reusing the cached plan in ${path.relative(o.root, cached)}/`);
            return { commit: sha, plans: readPlanDir(cached), source: "cached", dir: cached };
        }
    }
    // Per process: two runs planning the same base never share (or remove) each other's worktree.
    const src = path.join(o.root, ".plan-cache", sha, `src-${process.pid}`);
    const out = path.join(o.root, ".plan-cache", sha, `run-${process.pid}`);
    // A run that died mid-way (with this pid) leaves its worktree; start clean.
    if (fs.existsSync(src)) git(o.root, ["worktree", "remove", "--force", src]);
    fs.rmSync(src, { recursive: true, force: true });
    git(o.root, ["worktree", "prune"]);
    const add = git(o.root, ["worktree", "add", "--detach", src, sha]);
    if (!add.ok) throw new Error(`could not check out the base ${sha} in a worktree: ${add.err}`);
    try {
        const lock = (p: string) => (fs.existsSync(p) ? fs.readFileSync(p, "utf8") : "");
        if (lock(path.join(src, "package-lock.json")) === lock(path.join(o.root, "package-lock.json")) && fs.existsSync(path.join(o.root, "node_modules"))) {
            fs.symlinkSync(path.join(o.root, "node_modules"), path.join(src, "node_modules"), "dir");
        } else {
            log(`base ${sha.slice(0, 12)}: its package-lock.json differs; npm ci in the worktree …`);
            const ci = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: src, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
            if (ci.status !== 0) throw new Error(`npm ci for the base ${sha} failed:\n${tail(ci.stderr || ci.stdout)}`);
        }
        log(`base ${sha.slice(0, 12)}: planning it with its own code …`);
        fs.rmSync(out, { recursive: true, force: true });
        const args = ["--transpile-only", "tools/plan.ts", "--out", out, ...(o.environment ? ["--environment", o.environment] : []), ...(o.only ? ["--stack", o.only] : [])];
        const run = spawnSync(process.execPath, [path.join(src, "node_modules", "ts-node", "dist", "bin.js"), ...args], { cwd: src, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
        // 1 is a plan with findings (still a plan); anything else means the base did not plan.
        if (run.status !== 0 && run.status !== 1) {
            throw new Error(`the base ${sha} did not plan (exit ${run.status}):\n${baseFailure(out, run.stdout + run.stderr)}`);
        }
        const expected = expectedStacks(src, o);
        const missing = (expected ?? []).filter((s) => !fs.existsSync(path.join(out, `${s}.json`)));
        if (missing.length > 0 || (expected === undefined && readPlanDir(out).length === 0)) {
            throw new Error(`the base ${sha} did not plan every stack (missing: ${missing.join(", ") || "all"}; exit ${run.status}):\n${baseFailure(out, run.stdout + run.stderr)}`);
        }
        const plans = readPlanDir(out);
        const meta: PlanMeta = { commit: sha, dirty: false, finished: true, stacks: plans.map((p) => p.stack) };
        fs.writeFileSync(path.join(out, META_FILE), JSON.stringify(meta, null, 2) + "\n");
        fs.rmSync(dir, { recursive: true, force: true });
        fs.renameSync(out, dir);
        return { commit: sha, plans, source: "planned", dir };
    } finally {
        fs.rmSync(out, { recursive: true, force: true });
        git(o.root, ["worktree", "remove", "--force", src]);
        fs.rmSync(src, { recursive: true, force: true });
        git(o.root, ["worktree", "prune"]);
    }
}

/** A plan directory another run wrote (`--base-dir`); its commit from its meta.json when present. */
export function readBaseDir(dir: string): BasePlan {
    const plans = readPlanDir(dir);
    const metaFile = path.join(dir, META_FILE);
    const meta = fs.existsSync(metaFile) ? (JSON.parse(fs.readFileSync(metaFile, "utf8")) as Partial<PlanMeta>) : {};
    if (meta.finished === false) throw new Error(`--base-dir ${dir} is the plan of a run that did not finish (${META_FILE}); plan the base again`);
    return { commit: typeof meta.commit === "string" ? meta.commit : "unknown", plans, source: "directory", dir, ...(meta.selection ? { selection: meta.selection } : {}) };
}

function tail(text: string, lines = 30): string {
    return text.trim().split("\n").slice(-lines).join("\n");
}
