/**
 * `npx ts-node --transpile-only tools/plan-compare.ts --base <git-ref> [--json <out.json>] [--keep]`:
 * plans <ref> and the current working tree (uncommitted changes included) offline and diffs the two
 * by URN — the proof that a refactor leaves the plan identical. The base is planned in a temporary
 * git worktree that shares this tree's node_modules, so nothing is installed; the worktree is
 * removed afterwards. It ends with the stacks the change needs deployed, dependencies first (a new
 * stack with its bootstrap), and those to destroy. Exit codes as plan-diff: 0 identical, 1
 * differences, 2 usage error or a plan that could not run.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { diffPlanDirs, emitDiff } from "./plan/diff";
import { loadProject, planOrder } from "./plan/stacks";

const USAGE = "usage: npx ts-node --transpile-only tools/plan-compare.ts --base <git-ref> [--json <out.json>] [--keep]";

interface Args {
    readonly base: string;
    readonly json?: string;
    /** Keep the temp dir (worktree removed, plans kept) to inspect the two plans. */
    readonly keep: boolean;
}

function parseArgs(argv: string[]): Args {
    let base: string | undefined;
    let json: string | undefined;
    let keep = false;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--base") base = argv[++i];
        else if (a === "--json") json = argv[++i];
        else if (a === "--keep") keep = true;
        else if (a === "--help" || a === "-h") {
            console.log(USAGE);
            process.exit(0);
        } else throw new Error(`unknown argument "${a}"; ${USAGE}`);
    }
    if (!base) throw new Error(`--base <git-ref> is required (e.g. --base main or --base HEAD); ${USAGE}`);
    if (json === undefined && argv.includes("--json")) throw new Error(`--json needs a file name; ${USAGE}`);
    return { base, json, keep };
}

function git(cwd: string, args: string[]): string {
    const r = spawnSync("git", args, { cwd, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${(r.stderr || r.stdout).trim()}`);
    return r.stdout.trim();
}

/** Runs one offline plan; resolves to its exit code, its output kept in a log for the failure message. */
function runPlan(cwd: string, outDir: string, log: string): Promise<number> {
    return new Promise((resolve, reject) => {
        const fd = fs.openSync(log, "w");
        // --no: npx must use the shared node_modules, never fetch a ts-node from the registry.
        const child = spawn("npx", ["--no", "--", "ts-node", "--transpile-only", "tools/plan.ts", "--out", outDir], { cwd, stdio: ["ignore", fd, fd] });
        child.on("error", (e) => (fs.closeSync(fd), reject(e)));
        child.on("close", (code, signal) => (fs.closeSync(fd), resolve(code ?? (signal ? 128 : 2))));
    });
}

function tail(file: string, lines = 20): string {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}

async function main(): Promise<number> {
    let args: Args;
    try {
        args = parseArgs(process.argv.slice(2));
    } catch (e) {
        console.error(`plan-compare: ${e instanceof Error ? e.message : String(e)}`);
        return 2;
    }
    const root = git(process.cwd(), ["rev-parse", "--show-toplevel"]);
    let commit: string;
    try {
        commit = git(root, ["rev-parse", "--verify", "--quiet", `${args.base}^{commit}`]);
    } catch {
        console.error(`plan-compare: ${args.base} is not a commit in ${root}; pass a branch, tag or commit to --base`);
        return 2;
    }
    const modules = path.join(root, "node_modules");
    if (!fs.existsSync(modules)) {
        console.error(`plan-compare: ${modules} is missing; run npm ci in ${root} first (the base worktree borrows it)`);
        return 2;
    }

    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-compare-"));
    const worktree = path.join(tmp, "base");
    let added = false;
    const cleanup = () => {
        if (added) {
            try {
                git(root, ["worktree", "remove", "--force", worktree]);
            } catch {
                // The directory goes below either way; prune then forgets the registration.
            }
            added = false;
        }
        if (args.keep) fs.rmSync(worktree, { recursive: true, force: true });
        else fs.rmSync(tmp, { recursive: true, force: true });
        spawnSync("git", ["worktree", "prune"], { cwd: root });
    };
    // Ctrl-C must not leave a registered worktree behind in the repository.
    const onSignal = () => (cleanup(), process.exit(130));
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
        git(root, ["worktree", "add", "--detach", "--quiet", worktree, commit]);
        added = true;
        fs.symlinkSync(fs.realpathSync(modules), path.join(worktree, "node_modules"), "dir");

        const baseOut = path.join(tmp, "base-plan");
        const headOut = path.join(tmp, "head-plan");
        const baseLog = path.join(tmp, "base-plan.log");
        const headLog = path.join(tmp, "head-plan.log");
        process.stderr.write(`planning ${args.base} (${commit.slice(0, 7)}) and the working tree …\n`);
        const started = Date.now();
        // Two processes, each with its own Pulumi runtime and policy pack: nothing shared, so in parallel.
        const [baseCode, headCode] = await Promise.all([runPlan(worktree, baseOut, baseLog), runPlan(root, headOut, headLog)]);
        process.stderr.write(`planned both in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        // Exit 1 is a mandatory policy violation: the plan files are complete and still diff.
        // Anything else means a stack did not plan, and its missing file would read as "stack removed".
        for (const [side, code, log] of [[`base ${args.base}`, baseCode, baseLog], ["working tree", headCode, headLog]] as const) {
            if (code > 1) {
                console.error(`plan-compare: the plan of the ${side} failed (exit ${code}); its output ends:\n${tail(log)}`);
                return 2;
            }
            if (code === 1) console.error(`plan-compare: note: the ${side} has a mandatory policy violation (plan exit 1); diffing anyway`);
        }

        // Which stacks the change needs, in the working tree's dependency order.
        const code = emitDiff(diffPlanDirs(baseOut, headOut), args.json, planOrder(loadProject(root)).map((s) => s.stack));
        if (args.keep) console.error(`plan-compare: plans kept in ${baseOut} and ${headOut}`);
        return code;
    } finally {
        cleanup();
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
    }
}

main().then(
    (code) => process.exit(code),
    (e: unknown) => {
        console.error(`plan-compare failed: ${e instanceof Error ? e.message : String(e)}`);
        process.exit(2);
    },
);
