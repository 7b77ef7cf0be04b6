import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runPolicyPack } from "../../tools/analyzer";
import { PACK_DIR, PROJECT, STACK, expectFindings, res, run, stackConfig, urn } from "./fixtures";

const RDS = "aws:rds/cluster:Cluster";

describe("tools/analyzer runPolicyPack", () => {
    it("skips a directory without PulumiPolicy.yaml", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "no-pack-"));
        assert.deepStrictEqual(
            await runPolicyPack({ packDir: dir, project: PROJECT, stack: STACK, config: {}, resources: [] }),
            { pack: null, skipped: `no policy pack in ${dir}`, diagnostics: [] },
        );
    });

    it("surfaces the pack's stderr when it dies before serving", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "broken-pack-"));
        fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
        fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "broken", version: "0.0.1" }));
        fs.writeFileSync(path.join(dir, "index.js"), "throw new Error('pack exploded on load');\n");
        // The runner is resolved from the pack directory, so point this one at ours.
        fs.symlinkSync(path.join(PACK_DIR, "..", "node_modules"), path.join(dir, "node_modules"));
        await assert.rejects(
            runPolicyPack({ packDir: dir, project: PROJECT, stack: STACK, config: {}, resources: [] }),
            (e: Error) => /exited \(code \d+\) before printing its port/.test(e.message) && e.message.includes("pack exploded on load"),
        );
    });

    it("reports the pack's name and version, and applies policy config over schema defaults", async () => {
        const cluster = res(RDS, "orders", {
            storageEncrypted: true, deletionProtection: true, backupRetentionPeriod: 7, finalSnapshotIdentifier: "orders-final",
        }, { protect: true });
        const defaults = await run([cluster]);
        const version = JSON.parse(fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8")).version;
        assert.strictEqual(defaults.pack, "mall-guardrails");
        assert.strictEqual(defaults.version, version);
        assert.ok(typeof defaults.durationMs === "number");
        expectFindings(defaults, "nothing-lost", urn(RDS, "orders"), []);

        const strict = await runPolicyPack({
            packDir: PACK_DIR, project: PROJECT, stack: STACK, config: stackConfig(), resources: [cluster],
            policyConfig: { "nothing-lost": { minBackupRetentionDays: 35, enforcementLevel: "advisory" } },
        });
        expectFindings(strict, "nothing-lost", urn(RDS, "orders"), [["advisory", "rds cluster orders must set backupRetentionPeriod to at least 35 days; it is 7"]]);
    });
});

describe("the pack's documentation", () => {
    it("lists every policy the pack declares in the README and in docs/policies.md", () => {
        const root = path.join(__dirname, "..", "..");
        const names = fs
            .readdirSync(path.join(root, "policy"))
            .filter((f) => f.endsWith(".ts"))
            .flatMap((f) => [...fs.readFileSync(path.join(root, "policy", f), "utf8").matchAll(/^\s+name: "([a-z0-9-]+)",$/gm)].map((m) => m[1]));
        assert.ok(names.length >= 16, names.join(", "));
        const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
        const docs = fs.readFileSync(path.join(root, "docs", "policies.md"), "utf8");
        assert.deepStrictEqual(names.filter((n) => !readme.includes(`| \`${n}\` |`)), [], "missing from the README's policy table");
        assert.deepStrictEqual(names.filter((n) => !docs.includes(`### \`${n}\``)), [], "missing a section in docs/policies.md");
    });
});
