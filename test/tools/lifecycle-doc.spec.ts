/** The lifecycle docs (issue "CI/CD"): outputs, teardown, imports and config YAML, generated and drift-tested; the import file tool. */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { engineUrn, importFile, importable, main as importMain } from "../../tools/import-file";
import { DELETION_GUARDS, configSets, generatedFiles, renderOutputsDoc, renderTeardown, yamlOf } from "../../tools/lifecycle-doc";
import { PlanResult } from "../../tools/plan/plan";
import { planned } from "../deploy-ready/planned";

const ROOT = path.resolve(__dirname, "../..");

describe("lifecycle docs", function () {
    this.timeout(120_000);
    let plan: PlanResult;
    before(async () => {
        plan = await planned();
    });

    it("docs/outputs.md, docs/lifecycle.md and docs/config.md are what the plan and the docs generate (run npm run docs)", () => {
        for (const [file, next] of Object.entries(generatedFiles(plan))) assert.strictEqual(fs.readFileSync(path.join(ROOT, file), "utf8"), next, `${file} drifted: run npm run docs`);
    });

    it("gives every stack output a meaning, and refuses an output without one or a meaning without an output", () => {
        const doc = renderOutputsDoc(plan);
        for (const s of plan.stacks) for (const key of Object.keys(s.outputs)) assert.match(doc, new RegExp(`^\\| \`${key}\` \\|`, "m"), key);
        const extra = { ...plan, stacks: plan.stacks.map((s, i) => (i === 0 ? { ...s, outputs: { ...s.outputs, newThing: "x" } } : s)) };
        assert.throws(() => renderOutputsDoc(extra), /stack outputs without a meaning in stacks\/outputs\.ts: newThing/);
        const fewer = { ...plan, stacks: plan.stacks.map((s) => ({ ...s, outputs: Object.fromEntries(Object.entries(s.outputs).filter(([k]) => k !== "backupPlanId")) })) };
        assert.throws(() => renderOutputsDoc(fewer), /meanings in stacks\/outputs\.ts of outputs no stack exports: backupPlanId/);
        assert.match(doc, /^\| `docdbEndpoint` \| every stack \| every later stack \(its links\) \|/m);
        assert.match(doc, /^\| `distributionId` \| primary \| people and tools \|/m);
        assert.match(doc, /^\| `peeringAttachmentId` \| secondaries \|/m);
    });

    it("lists the stacks in teardown order (each before the stacks it reads) and a command for every deletion protection the plan switches on", () => {
        const text = renderTeardown(plan);
        assert.match(text, /^#### production: us-west-2 → us-east-1$/m);
        assert.match(text, /^#### staging: staging-us-west-2 → staging-us-east-1$/m);
        // The whole class: any input that turns deletion protection on, on any type, has its command.
        for (const s of plan.stacks) {
            for (const r of s.resources) {
                for (const input of ["deletionProtection", "deletionProtectionEnabled"]) {
                    if (r.inputs[input] !== true) continue;
                    const guard = DELETION_GUARDS[r.type];
                    assert.ok(guard && guard.input === input, `${s.stack} ${r.type} ${r.name}: ${input} with no teardown command`);
                }
            }
        }
        assert.match(text, /^aws rds modify-global-cluster --global-cluster-identifier mall-aurora-global --no-deletion-protection --region us-east-1$/m);
        assert.match(text, /^aws dynamodb update-table --table-name mall-idempotency --no-deletion-protection-enabled --region us-east-1$/m);
        const primary = plan.stacks.find((s) => s.stack === "us-east-1")!;
        assert.match(text, new RegExp(`^\\*\\*us-east-1\\*\\* \\(primary\\): ${primary.resources.filter((r) => r.protect).length} protected resources: `, "m"));
    });

    describe("config set → YAML", () => {
        it("reads every form the docs use: chained, quoted paths, placeholders with spaces, trailing comments", () => {
            assert.deepStrictEqual(configSets("pulumi config set mall:domain <apex> -s us-east-1 && pulumi config set mall:domain <apex> -s us-west-2"), [
                { key: "mall:domain", value: "<apex>", path: false, secret: false, stack: "us-east-1" },
                { key: "mall:domain", value: "<apex>", path: false, secret: false, stack: "us-west-2" },
            ]);
            assert.deepStrictEqual(configSets("pulumi config set --path 'mall:eksAdminRoleArns[0]' <a human admin role> -s us-east-1   # and -s us-west-2"), [
                { key: "mall:eksAdminRoleArns[0]", value: "<a human admin role>", path: true, secret: false, stack: "us-east-1", note: "and -s us-west-2" },
            ]);
            assert.deepStrictEqual(configSets("`pulumi config set mall:enableAutoFailover false -s us-west-2`,"), [{ key: "mall:enableAutoFailover", value: "false", path: false, secret: false, stack: "us-west-2" }]);
        });

        it("writes what the CLI stores: strings quoted when YAML would retype them, paths as structure, secrets only through the CLI", () => {
            const set = (key: string, value: string, path = false, secret = false) => ({ key, value, path, secret, stack: "s" });
            assert.deepStrictEqual(yamlOf(set("mall:evacuate", "true")), ['mall:evacuate: "true"']);
            assert.deepStrictEqual(yamlOf(set("mall:healthCheckInterval", "10")), ['mall:healthCheckInterval: "10"']);
            assert.deepStrictEqual(yamlOf(set("mall:domain", "acme.com")), ["mall:domain: acme.com"]);
            assert.deepStrictEqual(yamlOf(set("mall:eksAdminRoleArns[0]", "arn:aws:iam::1:role/a", true)), ["mall:eksAdminRoleArns:", "  - arn:aws:iam::1:role/a"]);
            assert.deepStrictEqual(yamlOf(set("mall:eksPublicAccessCidrs[1]", "203.0.113.7/32", true)), ["mall:eksPublicAccessCidrs:", "  - …  # entries 0-0", "  - 203.0.113.7/32"]);
            assert.deepStrictEqual(yamlOf(set("mall:deployRunner.actorIds[0]", "12345", true)), ["mall:deployRunner:", "  actorIds:", "    - 12345"]);
            assert.deepStrictEqual(yamlOf(set("mall:dbPassword", "x", false, true)), ["mall:dbPassword:", "  secure: <ciphertext: only the CLI can write it, so use the command>"]);
        });

        it("each YAML equivalent, read back, gives the value the command sets", async () => {
            const YAML = await import("yaml");
            const doc = fs.readFileSync(path.join(ROOT, "docs", "config.md"), "utf8");
            const blocks = [...doc.matchAll(/`pulumi config set (.*?)` \(.*?\):\n\n```yaml\n([\s\S]*?)```/g)];
            assert.ok(blocks.length >= 10, `${blocks.length} commands`);
            for (const [, command, yaml] of blocks) {
                const [set] = configSets(`pulumi config set ${command}`);
                const config = (YAML.parse(yaml) as { config: Record<string, unknown> }).config;
                if (set.path) continue; // structure, checked above
                assert.strictEqual(config[set.key], set.value, command);
            }
        });
    });

    describe("tools/import-file.ts", () => {
        it("gives every importable resource of every stack exactly the URN the program declares", () => {
            let n = 0;
            for (const s of plan.stacks) {
                const region = String(s.outputs.region);
                for (const r of s.resources.filter((x) => importable(x, region))) {
                    const file = importFile(s, { [r.name]: r.type === "aws:s3/bucket:Bucket" ? String(r.inputs.bucket) : "vpc-0123456789abcdef0" });
                    // The engine's URN of each entry: its parents' types, outermost first (pulumi import builds it the same way).
                    const byName = new Map(file.resources.map((e) => [e.name, e]));
                    const types = (e: { type: string; parent?: string }): string[] => (e.parent ? [...types(byName.get(e.parent)!), e.type] : [e.type]);
                    const entry = file.resources.at(-1)!;
                    assert.strictEqual(`urn:pulumi:${s.stack}::${s.project}::${types(entry).join("$")}::${entry.name}`, r.urn, `${s.stack} ${r.name}`);
                    n++;
                }
            }
            assert.ok(n >= 20, `${n} importable resources`);
        });

        it("declares the parents as components for a new stack, or names them by URN when the stack has them", () => {
            const s = plan.stacks.find((x) => x.stack === "us-east-1")!;
            assert.deepStrictEqual(importFile(s, { "network-vpc": "vpc-0123456789abcdef0" }), {
                resources: [
                    { type: "mall:network:RegionalVpc", name: "network", component: true },
                    { type: "aws:ec2/vpc:Vpc", name: "network-vpc", id: "vpc-0123456789abcdef0", parent: "network" },
                ],
            });
            const vpc = s.resources.find((r) => r.name === "network-vpc")!;
            const component = s.resources.find((r) => r.urn === vpc.parent)!;
            assert.deepStrictEqual(importFile(s, { "network-vpc": "vpc-1" }, { parentsExist: true }), {
                nameTable: { network: engineUrn("us-east-1", "mall", [], component) },
                resources: [{ type: "aws:ec2/vpc:Vpc", name: "network-vpc", id: "vpc-1", parent: "network" }],
            });
            assert.strictEqual(engineUrn("us-east-1", "mall", [], component), "urn:pulumi:us-east-1::mall::mall:network:RegionalVpc::network");
        });

        it("refuses an unknown name, a type it does not cover, another bucket's name and another Region's bucket", () => {
            const s = plan.stacks.find((x) => x.stack === "us-east-1")!;
            assert.throws(() => importFile(s, { "network-vpcc": "vpc-1" }), /stack us-east-1 declares no resource named "network-vpcc"; importable here: network-vpc, /);
            assert.throws(() => importFile(s, { "data-idempotency-table": "t" }), /data-idempotency-table is a aws:dynamodb\/table:Table: docs\/lifecycle\.md covers importing aws:ec2\/vpc:Vpc, aws:s3\/bucket:Bucket only/);
            assert.throws(() => importFile(s, { "edge-web": "my-old-site" }), /edge-web is the bucket "mall-us-east-1-web-123456789012"; importing "my-old-site" would replace it/);
            assert.throws(() => importFile(s, { "edge-web-replica": "mall-us-west-2-web-replica-123456789012" }), /edge-web-replica lives in us-west-2, not in the stack's Region us-east-1/);
        });

        it("reads .plan/<stack>.json and says what to run when it is missing; usage errors exit 2", () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "import-"));
            const call = (argv: string[]) => {
                const out: string[] = [];
                const err: string[] = [];
                return { code: importMain(argv, dir, (x) => out.push(x), (x) => err.push(x)), out: out.join("\n"), err: err.join("\n") };
            };
            assert.deepStrictEqual(call(["--stack", "us-east-1", "network-vpc=vpc-1"]), { code: 1, out: "", err: "tools/import-file.ts: .plan/us-east-1.json does not exist: run npm run plan -- --stack us-east-1 first" });
            fs.mkdirSync(path.join(dir, ".plan"));
            fs.writeFileSync(path.join(dir, ".plan", "us-east-1.json"), JSON.stringify(plan.stacks.find((x) => x.stack === "us-east-1")));
            const ok = call(["--stack=us-east-1", "network-vpc=vpc-1"]);
            assert.strictEqual(ok.code, 0);
            assert.strictEqual(JSON.parse(ok.out).resources.length, 2);
            assert.strictEqual(call(["network-vpc=vpc-1"]).err, "tools/import-file.ts: --stack <stack> is required");
            assert.strictEqual(call(["--stack", "us-east-1"]).code, 2);
            assert.strictEqual(call(["--stack", "us-east-1", "--force"]).code, 2);
            assert.strictEqual(call(["--stack", "us-east-1", "edge-web=a", "edge-web=b"]).err, "tools/import-file.ts: edge-web is given twice (a, b): one id per resource");
            const help = call(["--help"]);
            assert.strictEqual(help.code, 0);
            assert.match(help.out, /^usage: npx ts-node --transpile-only tools\/import-file\.ts --stack <stack>/);
        });
    });
});
