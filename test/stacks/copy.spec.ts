/**
 * Adding a region as the README says keeps the tests green: a copy of the project (node_modules
 * shared) gets ap-northeast-2 exactly as "Adding a region" says (a registry entry, a stack file,
 * `npm run docs`), then plans and runs the registry-derived specs there. Those specs take their
 * expectations from the copy's registry (test/registry.ts). The copy's own run of this spec is
 * skipped (MALL_COPY_SPEC), so it never recurses.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
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

(process.env[GUARD] ? describe.skip : describe)("a region added as the README says (a copy of the project)", function () {
    this.timeout(1_200_000);
    let dir: string;
    before(() => {
        dir = projectCopy();
        addRegionAsReadme(dir);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const run = (cmd: string, args: string[]) => {
        const started = Date.now();
        const r = spawnSync(cmd, args, { cwd: dir, encoding: "utf8", env: { ...process.env, [GUARD]: "1" }, maxBuffer: 64 * 1024 * 1024 });
        return { ...r, seconds: (Date.now() - started) / 1000 };
    };
    const tail = (r: { stdout: string; stderr: string }) => `${r.stdout}\n${r.stderr}`.trimEnd().split("\n").slice(-40).join("\n");

    it("npm run docs regenerates what the registry drives (the flow table, the runbook)", () => {
        const r = run("npm", ["run", "-s", "docs"]);
        assert.strictEqual(r.status, 0, tail(r));
        assert.ok(fs.readFileSync(path.join(dir, "docs", "flows.md"), "utf8").includes(`canary@${ADDED_REGION.name}(us-east-1)`));
    });

    it("npm run plan plans every stack green, the new region among production's", () => {
        const r = run("npm", ["run", "-s", "plan"]);
        assert.strictEqual(r.status, 0, tail(r));
        assert.match(r.stdout, new RegExp(`✓ ${ADDED_REGION.name} \\(production secondary\\): \\d+ resources`));
        console.log(`      (plan of the copy: ${r.seconds.toFixed(1)} s)`);
    });

    it("the registry-derived specs pass there", () => {
        const r = run(process.execPath, [require.resolve("mocha/bin/mocha.js"), ...REGISTRY_SPECS]);
        assert.strictEqual(r.status, 0, tail(r));
        assert.match(r.stdout, /\d+ passing/);
        assert.doesNotMatch(r.stdout, /\d+ failing/);
        console.log(`      (${/(\d+) passing/.exec(r.stdout)![1]} tests in the copy: ${r.seconds.toFixed(1)} s)`);
    });
});
