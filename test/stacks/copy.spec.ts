/**
 * Adding a region as the README says keeps the tests green: a copy of the project (node_modules
 * shared) gets ap-northeast-2 exactly as "Adding a region" says (a registry entry, a stack file,
 * `npm run docs`), then plans and runs the registry-derived specs there. Those specs take their
 * expectations from the copy's registry (test/registry.ts). The copy's own run of this spec is
 * skipped (MALL_COPY_SPEC), so it never recurses. The copy's work starts with the run (a root
 * hook) and runs beside the rest of the suite, on the machine's other core.
 */
import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ADDED_REGION, addRegionAsReadme, projectCopy } from "./scratch";

/** The specs whose expectations follow the registry: everything that plans the project's stacks. */
export const REGISTRY_SPECS = [
    "test/data/stacks.spec.ts",
    "test/dr/drills.spec.ts",
    "test/dr/runbook.spec.ts",
    "test/dr/stacks.spec.ts",
    "test/edge/placeholders.spec.ts",
    "test/edge/stacks.spec.ts",
    "test/network/flows.spec.ts",
    "test/stacks/config-docs.spec.ts",
    "test/stacks/plan.spec.ts",
    "test/tools/reachability.spec.ts",
];

const GUARD = "MALL_COPY_SPEC";

interface Ran {
    status: number | null;
    stdout: string;
    stderr: string;
    seconds: number;
}

/** Runs `cmd` in `dir` without blocking this process: the copy's work uses the machine's other core while the suite goes on. */
function runAsync(dir: string, cmd: string, args: string[]): Promise<Ran> {
    const started = Date.now();
    return new Promise((resolve) => {
        const child = spawn(cmd, args, { cwd: dir, env: { ...process.env, [GUARD]: "1" } });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", (e) => resolve({ status: null, stdout, stderr: `${stderr}\n${e.message}`, seconds: (Date.now() - started) / 1000 }));
        child.on("close", (status) => resolve({ status, stdout, stderr, seconds: (Date.now() - started) / 1000 }));
    });
}

/** The copy's three steps, in order, each awaited by its test. */
interface CopyRun {
    readonly dir: string;
    readonly docs: Promise<Ran>;
    readonly plan: Promise<Ran>;
    readonly specs: Promise<Ran>;
}

let copyRun: CopyRun | undefined;

/**
 * Starts the copy's work once, at the start of the run (a root hook): the docs, then the plan, then
 * the registry-derived specs, one after another in the background. This spec's tests wait for them.
 */
function startCopy(): CopyRun {
    if (copyRun) return copyRun;
    const dir = projectCopy();
    addRegionAsReadme(dir);
    const docs = runAsync(dir, "npm", ["run", "-s", "docs"]);
    const plan = docs.then(() => runAsync(dir, "npm", ["run", "-s", "plan"]));
    const specs = plan.then(() => runAsync(dir, process.execPath, [require.resolve("mocha/bin/mocha.js"), ...REGISTRY_SPECS]));
    copyRun = { dir, docs, plan, specs };
    return copyRun;
}

if (!process.env[GUARD]) before(() => void startCopy());

(process.env[GUARD] ? describe.skip : describe)("a region added as the README says (a copy of the project)", function () {
    this.timeout(1_200_000);
    let run: CopyRun;
    before(() => {
        run = startCopy();
    });
    after(async () => {
        await run.specs; // never remove the tree under a running step
        fs.rmSync(run.dir, { recursive: true, force: true });
    });

    const tail = (r: { stdout: string; stderr: string }) => `${r.stdout}\n${r.stderr}`.trimEnd().split("\n").slice(-40).join("\n");

    it("npm run docs regenerates what the registry drives (the flow table, the runbook)", async () => {
        const r = await run.docs;
        assert.strictEqual(r.status, 0, tail(r));
        assert.ok(fs.readFileSync(path.join(run.dir, "docs", "flows.md"), "utf8").includes(`canary@${ADDED_REGION.name}(us-east-1)`));
    });

    it("npm run plan plans every stack green, the new region among production's", async () => {
        const r = await run.plan;
        assert.strictEqual(r.status, 0, tail(r));
        assert.match(r.stdout, new RegExp(`✓ ${ADDED_REGION.name} \\(production secondary\\): \\d+ resources`));
        console.log(`      (plan of the copy: ${r.seconds.toFixed(1)} s)`);
    });

    it("the registry-derived specs pass there", async () => {
        const r = await run.specs;
        assert.strictEqual(r.status, 0, tail(r));
        assert.match(r.stdout, /\d+ passing/);
        assert.doesNotMatch(r.stdout, /\d+ failing/);
        console.log(`      (${/(\d+) passing/.exec(r.stdout)![1]} tests in the copy: ${r.seconds.toFixed(1)} s)`);
    });
});
