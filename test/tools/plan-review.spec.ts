import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { packInfo } from "../../tools/analyzer";
import { EXIT, USAGE, UsageError, failureSummary, isPlanDir, outHint, parseArgs, prepareOutDir, stackName } from "../../tools/plan";
import { PlannedResource, StackPlan } from "../../tools/plan/contract";
import { estimate, estimateStack } from "../../tools/plan/cost";
import { replacingFields } from "../../tools/plan/diff";
import { PlanResult, StackResult, plan } from "../../tools/plan/plan";
import { checkPolicyConfig } from "../../tools/plan/policy-config";
import { planBase, policyChanges, resolveCommit } from "../../tools/plan/base";
import { PRICES } from "../../tools/plan/prices";
import { banners, buildDiffFile, policyHints, reviewLinks, shortType, shortUrn, verdict } from "../../tools/plan/review";
import { loadProject } from "../../tools/plan/stacks";
import { COMMENT_LIMIT, markMockIds, renderMarkdown } from "../../tools/plan/summary";
import { productionPlan } from "../registry";
import { ADDED_REGION, stackFilesCopy, threeRegionProject } from "../stacks/scratch";

const ROOT = path.resolve(__dirname, "../..");
const TS_NODE = require.resolve("ts-node/dist/bin");

const names = (urns: readonly string[]) => urns.map((u) => u.split("::").pop()).sort();
const asPlans = (stacks: readonly StackResult[]): StackPlan[] => stacks.map((s) => ({ stack: s.stack, project: s.project, resources: s.resources, outputs: s.outputs, policy: s.policy }));

function res(type: string, inputs: Record<string, unknown>, extra: Partial<PlannedResource> = {}): PlannedResource {
    return { urn: `urn:pulumi:us-east-1::mall::${type}::r`, type, name: "r", parent: null, provider: null, custom: true, protect: false, inputs, propertyDependencies: {}, dependencies: [], ...extra };
}

describe("plan review: what a change replaces", () => {
    it("replaces on an unconditional ForceNew field, nested ones included", () => {
        const t = "aws:rds/cluster:Cluster";
        assert.deepStrictEqual(replacingFields(res(t, { storageEncrypted: true }), res(t, { storageEncrypted: false })), ["storageEncrypted"]);
        assert.deepStrictEqual(replacingFields(res(t, { engineVersion: "16.6" }), res(t, { engineVersion: "16.8" })), []);
        const d = "aws:opensearch/domain:Domain";
        assert.deepStrictEqual(replacingFields(res(d, { encryptAtRest: { enabled: true, kmsKeyId: "k1" } }), res(d, { encryptAtRest: { enabled: true, kmsKeyId: "k2" } })), ["encryptAtRest.kmsKeyId"]);
    });

    it("applies the conditional replacements: a downgrade, a decrease, a disable", () => {
        const topic = "kafka:index/topic:Topic";
        assert.deepStrictEqual(replacingFields(res(topic, { partitions: 6 }), res(topic, { partitions: 12 })), []);
        assert.deepStrictEqual(replacingFields(res(topic, { partitions: 12 }), res(topic, { partitions: 6 })), ["partitions"]);
        const rg = "aws:elasticache/replicationGroup:ReplicationGroup";
        assert.deepStrictEqual(replacingFields(res(rg, { engineVersion: "7.2" }), res(rg, { engineVersion: "8.0" })), []);
        assert.deepStrictEqual(replacingFields(res(rg, { engineVersion: "8.0" }), res(rg, { engineVersion: "7.2" })), ["engineVersion"]);
        const d = "aws:opensearch/domain:Domain";
        assert.deepStrictEqual(replacingFields(res(d, { nodeToNodeEncryption: { enabled: false } }), res(d, { nodeToNodeEncryption: { enabled: true } })), []);
        assert.deepStrictEqual(replacingFields(res(d, { nodeToNodeEncryption: { enabled: true } }), res(d, { nodeToNodeEncryption: { enabled: false } })), ["nodeToNodeEncryption.enabled"]);
    });

    it("treats an unset region as the stack's own, and leaves ignoreChanges inputs alone", () => {
        const key = "aws:kms/key:Key";
        assert.deepStrictEqual(replacingFields(res(key, {}), res(key, { region: "us-east-1" }), "us-east-1"), []);
        assert.deepStrictEqual(replacingFields(res(key, {}), res(key, { region: "us-west-2" }), "us-east-1"), ["region"]);
        const c = "aws:rds/cluster:Cluster";
        assert.deepStrictEqual(replacingFields(res(c, { masterUsername: "a" }), res(c, { masterUsername: "b" }, { ignoreChanges: ["masterUsername"] })), []);
    });

    it("honours the replaceOnChanges option, and pairs a resource with the alias it was moved from", () => {
        const tgb = "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding";
        assert.deepStrictEqual(replacingFields(res(tgb, { spec: { targetGroupARN: "a" } }, { replaceOnChanges: ["spec.targetGroupARN"] }), res(tgb, { spec: { targetGroupARN: "b" } }, { replaceOnChanges: ["spec.targetGroupARN"] })), ["spec.targetGroupARN"]);
        assert.deepStrictEqual(replacingFields(res(tgb, { spec: { targetGroupARN: "a" } }), res(tgb, { spec: { targetGroupARN: "b" } })), []);
        const bucket = "aws:s3/bucket:Bucket";
        const old = res(bucket, { bucket: "b" }, { urn: "urn:pulumi:us-east-1::mall::aws:s3/bucket:Bucket::old", protect: true });
        const moved = res(bucket, { bucket: "b" }, { urn: "urn:pulumi:us-east-1::mall::mall:data:GlobalData$aws:s3/bucket:Bucket::old", protect: true, aliases: [old.urn] });
        const plan = (r: PlannedResource): StackPlan => ({ stack: "us-east-1", project: "mall", outputs: {}, policy: { pack: null, diagnostics: [] }, resources: [r] });
        const { file } = buildDiffFile("abc", [plan(old)], [plan(moved)]);
        assert.deepStrictEqual(file.stacks["us-east-1"], { added: [], removed: [], changed: [], replaced: [], protectedLost: [] });
    });

    it("counts a protected resource replaced or removed as a protected loss", () => {
        const c = "aws:rds/cluster:Cluster";
        const base: StackPlan = { stack: "us-east-1", project: "mall", outputs: {}, policy: { pack: null, diagnostics: [] }, resources: [res(c, { storageEncrypted: true }, { protect: true }), res("aws:s3/bucket:Bucket", {}, { urn: "urn:b", protect: true })] };
        const head: StackPlan = { ...base, resources: [res(c, { storageEncrypted: false }, { protect: true })] };
        const { file } = buildDiffFile("abc", [base], [head]);
        assert.deepStrictEqual(file.stacks["us-east-1"].replaced, [base.resources[0].urn]);
        assert.deepStrictEqual(file.stacks["us-east-1"].protectedLost, [base.resources[0].urn, "urn:b"].sort());
    });
});

describe("plan review: an added region, an evacuated one", function () {
    this.timeout(300_000);
    let base: PlanResult;
    let head: PlanResult;
    let dir: string;

    before(async () => {
        base = await productionPlan();
        dir = threeRegionProject();
        head = await plan({ dir, environment: "production", skipPolicy: true });
        assert.strictEqual(head.failure, undefined, head.failure?.error.message);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("lists every primary resource adding a region changes, and classifies the ForceNew ones as replaced", () => {
        const { file } = buildDiffFile("base", asPlans(base.stacks), asPlans(head.stacks));
        const east = file.stacks["us-east-1"];
        // The primary declares the new region's cache users, secret and origin-secret keys, and its canary.
        const r = ADDED_REGION.name;
        assert.deepStrictEqual(names(east.added), [
            `data-cache-${r}-user-api-gateway`, `data-cache-${r}-user-cart`, `data-cache-${r}-user-default`, `data-cache-${r}-user-pricing`, `data-cache-${r}-users`,
            `data-secrets-${r}-alias`, `data-secrets-${r}-key`, `dr-canary-${r}`, `dr-canary-${r}-alarm`, `origin-secret-${r}-alias`, `origin-secret-${r}-key`, "ingress-validation-3",
        ].sort());
        assert.deepStrictEqual(east.removed, []);
        const services = ["analytics", "api-gateway", "cart", "event-bus", "inventory", "notification", "order", "payment", "pricing", "product-catalog", "recommendation", "returns", "review", "search", "seller", "shipping", "user-account", "user-profile", "warehouse", "wishlist"];
        const netpols = ["commerce-allow-aws-apis", "commerce-allow-dsql", "commerce-allow-stores", "customer-allow-aws-apis", "customer-allow-stores", "fulfilment-allow-aws-apis", "fulfilment-allow-dsql", "platform-allow-aws-apis", "platform-allow-stores", "storefront-allow-aws-apis", "storefront-allow-stores"];
        const secrets = ["aurora-master", "cache-api-gateway", "cache-cart", "cache-pricing", "docdb-analytics", "docdb-master", "docdb-notification", "docdb-product-catalog", "docdb-recommendation", "docdb-review", "docdb-user-profile", "docdb-wishlist"];
        assert.deepStrictEqual(
            names(east.changed.map((c) => c.urn)),
            [
                // the drills and the cross-region pieces that list every region
                "chaos-database-failover", "chaos-inter-region-cut", "chaos-region-evacuation", "detection-securityhub-aggregator", "edge-cdn", "edge-waf", "observability-dashboard",
                // the data keys name the new region's roles; the secrets replicate there
                "data-aurora-key", "data-docdb-key", "data-elasticache-key", "data-s3-key", ...secrets.map((x) => `data-${x}-secret`), "origin-secret-secret",
                // the certificate covers the new region's name; what reads the new certificate follows
                // (its validation records and the HTTPS listener)
                "ingress-certificate", "ingress-certificate-validation", "ingress-https", "ingress-probe-validation", "ingress-validation-0", "ingress-validation-1", "ingress-validation-2",
                ...services.map((s) => `eks-cm-${s}`),
                ...netpols.map((n) => `eks-netpol-${n}`),
            ].sort(),
        );
        // ACM cannot change a certificate's SANs in place, nor a validation's record names, and
        // pulumi-kubernetes replaces a ConfigMap whose data changes.
        // The validation records read their names from the new certificate (name is ForceNew), so a
        // preview plans them replaced; ACM gives the same names for the same domains, so the up
        // leaves them be. The listener only changes its certificate.
        const validations = ["ingress-probe-validation", "ingress-validation-0", "ingress-validation-1", "ingress-validation-2"];
        assert.deepStrictEqual(names(east.replaced), ["ingress-certificate", "ingress-certificate-validation", ...validations, ...services.map((s) => `eks-cm-${s}`)].sort());
        const certificate = east.changed.find((c) => c.urn.endsWith("::ingress-certificate"))!.urn;
        for (const v of validations) assert.deepStrictEqual(east.changed.find((c) => c.urn.endsWith(`::${v}`))?.cascadeFrom, [certificate], v);
        const https = east.changed.find((c) => c.urn.endsWith("::ingress-https"))!;
        assert.deepStrictEqual(https, { urn: https.urn, keys: ["inputs.certificateArn"], cascadeFrom: [certificate.replace("acm/certificate:Certificate::ingress-certificate", "acm/certificateValidation:CertificateValidation::ingress-certificate-validation")] });
        assert.deepStrictEqual(east.changed.find((c) => c.urn.endsWith("::ingress-certificate"))?.replaces, ["subjectAlternativeNames"]);
        assert.deepStrictEqual(east.protectedLost, []);
        const added = file.stacks[ADDED_REGION.name];
        assert.strictEqual(added.stack, "new");
        assert.strictEqual(added.added.length, head.stacks.find((s) => s.stack === ADDED_REGION.name)!.resources.length);
    });

    it("prices the added region: its own stack plus what it adds to the others", () => {
        const cost = estimate(asPlans(head.stacks), { commit: "base", plans: asPlans(base.stacks) });
        const added = cost.stacks[ADDED_REGION.name].monthly;
        assert.ok(added > 2000, `a third region runs Aurora, MSK and OpenSearch: ${added}`);
        assert.deepStrictEqual(cost.base!.stacks[ADDED_REGION.name], { monthly: 0, delta: added });
        const deltas = Object.values(cost.base!.stacks).reduce((a, s) => a + s.delta, 0);
        assert.strictEqual(Math.round(cost.base!.delta * 100), Math.round(deltas * 100));
        assert.strictEqual(Math.round((cost.total - cost.base!.total) * 100), Math.round(cost.base!.delta * 100));
        assert.ok(cost.base!.delta > added - 10, "the other stacks do not get cheaper by more than rounding");
    });

    it("shows an evacuated region's withdrawn latency record, and a banner", async () => {
        const evacuated = await plan({ dir: ROOT, environment: "production", skipPolicy: true, overrides: { "us-west-2": { "mall:evacuate": "true" } } });
        const { file } = buildDiffFile("base", asPlans(base.stacks), asPlans(evacuated.stacks));
        assert.deepStrictEqual(file.stacks["us-east-1"], { added: [], removed: [], changed: [], replaced: [], protectedLost: [] });
        assert.deepStrictEqual(names(file.stacks["us-west-2"].removed), ["ingress-latency-record"]);
        assert.deepStrictEqual(file.stacks["us-west-2"].changed.map((c) => [c.urn.split("::").pop(), c.keys]), [["ingress-regional-record", ["dependencies", "inputs.aliases", "propertyDependencies.aliases"]]]);
        const views = loadProject(ROOT).stacks.map((f) => ({ ...f, config: f.stack === "us-west-2" ? { ...f.config, "mall:evacuate": "true" } : f.config }));
        const b = banners(views);
        assert.deepStrictEqual(b.length, 1);
        assert.match(b[0], /\*\*us-west-2 is evacuated\*\*/);
        const md = renderMarkdown(evacuated, { diff: file, banners: b });
        assert.match(md, /\n> ⚠️ \*\*us-west-2 is evacuated\*\*/);
        assert.match(md, /\n- route53\/Record ingress-latency-record\n/);
    });

    it("bans automatic failover off in production, not in staging", () => {
        const views = loadProject(ROOT).stacks.map((f) => ({ ...f, config: { ...f.config, "mall:enableAutoFailover": "false" } }));
        assert.deepStrictEqual(banners(views).map((b) => b.split(" on ")[1]?.split(" ")[0]), ["us-east-1", "us-west-2"]);
    });
});

describe("plan review: cost", () => {
    it("multiplies the table's row by the planned capacity, and says how", () => {
        const aurora = PRICES.auroraPostgres["db.r6g.xlarge"].usd;
        const cost = estimateStack({ outputs: { region: "us-west-2" }, resources: [res("aws:rds/clusterInstance:ClusterInstance", { instanceClass: "db.r6g.xlarge" }), res("aws:iam/role:Role", {})] });
        assert.deepStrictEqual(cost.items, [{ type: "aws:rds/clusterInstance:ClusterInstance", name: "r", monthly: Math.round(730 * aurora * 100) / 100, basis: `db.r6g.xlarge × 730 h × $${aurora}/h` }]);
        assert.deepStrictEqual(cost.notPriced, []);
    });

    it("lists what it has no price for, never guessing", () => {
        const cost = estimateStack({
            outputs: { region: "us-east-1" },
            resources: [res("aws:rds/clusterInstance:ClusterInstance", { instanceClass: "db.x9.huge" }), res("aws:sagemaker/domain:Domain", {}), res("aws:sqs/queue:Queue", {})],
        });
        assert.deepStrictEqual(cost.items, []);
        assert.deepStrictEqual(cost.notPriced, [
            { type: "aws:rds/clusterInstance:ClusterInstance", count: 1, why: "no price in the table for Aurora PostgreSQL db.x9.huge (no citable public source found)" },
            { type: "aws:sagemaker/domain:Domain", count: 1, why: "no price in tools/plan/prices.ts" },
            { type: "aws:sqs/queue:Queue", count: 1, why: "usage only (per request), not modelled" },
        ]);
    });

    it("every price row names a public source and a date", () => {
        const rows: { item: string; source: string; date: string }[] = [];
        const walk = (v: unknown) => {
            if (v && typeof v === "object" && "usd" in v) rows.push(v as unknown as { item: string; source: string; date: string });
            else if (v && typeof v === "object") Object.values(v).forEach(walk);
        };
        walk(PRICES);
        assert.ok(rows.length > 30);
        for (const r of rows) {
            assert.match(r.source, /^https:\/\//, r.item);
            assert.match(r.date, /^20\d\d-\d\d-\d\d$/, r.item);
        }
    });
});

describe("plan review: the comment", () => {
    it("marks mock ids, shortens type tokens and URNs", () => {
        assert.strictEqual(markMockIds("tgw-0a1b2c3d4e5f60718 ⇄ tgw-attach-1234567890abcdef0 via vpc-80ee0b4ac92552e7e"), "‹mock tgw› ⇄ ‹mock tgw-attach› via ‹mock vpc›");
        assert.strictEqual(shortType("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"), "s3/BucketServerSideEncryptionConfiguration");
        assert.strictEqual(shortType("kubernetes:core/v1:ConfigMap"), "k8s core/v1/ConfigMap");
        assert.strictEqual(shortType("eks:index:Cluster"), "eks/Cluster");
        assert.strictEqual(shortUrn("urn:pulumi:us-east-1::mall::mall:edge:RegionalIngress$aws:acm/certificate:Certificate::ingress-certificate"), "acm/Certificate ingress-certificate");
    });

    it("links each policy at the planned commit under GitHub Actions, relative elsewhere", () => {
        assert.deepStrictEqual(reviewLinks({}, "abc"), { policies: "docs/policies.md" });
        assert.deepStrictEqual(reviewLinks({ GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "acme/mall", GITHUB_RUN_ID: "42" }, "abc"), {
            policies: "https://github.com/acme/mall/blob/abc/docs/policies.md",
            run: "https://github.com/acme/mall/actions/runs/42",
        });
    });

    it("has a fix for every policy the pack runs", async function () {
        this.timeout(60_000);
        const hints = policyHints(ROOT);
        const info = await packInfo(path.join(ROOT, "policy"));
        assert.deepStrictEqual(Object.keys(hints).sort(), info.policies.map((p) => p.name).sort());
    });

    it("stays under GitHub's comment limit, leaving out the inventories first, and says so", async function () {
        this.timeout(120_000);
        const result = await productionPlan();
        const full = renderMarkdown(result, {}, Number.MAX_SAFE_INTEGER);
        const limit = full.length - 100;
        const capped = renderMarkdown(result, {}, limit);
        assert.ok(capped.length <= limit, `${capped.length} > ${limit}`);
        assert.ok(capped.startsWith("<!-- mall-offline-plan -->\n## ✅ Offline plan: mall\n"));
        assert.match(capped, /_✂️ 1 collapsed section left out to stay under GitHub's comment limit; the full summary is `summary-full.md` in the offline-plan artifact._/);
        assert.ok(!capped.includes("us-west-2: resources by type"), "the last inventory goes first");
        assert.ok(capped.includes("us-east-1: resources by type"));
        assert.ok(renderMarkdown(result).length <= COMMENT_LIMIT);
    });

    it("flags a change under policy/ against the base, in the comment", () => {
        // beb0715 changed the pack's encryption rules; against its parent the pack differs there.
        const changed = policyChanges(ROOT, "beb0715~1");
        assert.ok(changed?.includes("policy/encryption.ts"), String(changed));
        const result = { project: "mall", stacks: [], totalMs: 0, environments: [] } as unknown as PlanResult;
        assert.match(renderMarkdown(result, { policyChanges: ["policy/encryption.ts"] }), /⚠️ \*\*This change edits the policy pack\*\* \(`policy\/encryption\.ts`\): the guardrails themselves change; CODEOWNERS review applies\./);
    });

    it("puts the verdict first: failed with every reason, and protected losses unless accepted", () => {
        const result = { project: "mall", stacks: [], totalMs: 0, environments: [] } as unknown as PlanResult;
        const diff = { base: "b".repeat(40), stacks: { "us-east-1": { added: [], removed: ["urn:x::y"], changed: [], replaced: [], protectedLost: ["urn:x::y"] } } };
        assert.deepStrictEqual(verdict(result, { diff }), { ok: false, reasons: ["1 protected resource removed or replaced (--allow-protected-loss to accept)"] });
        assert.deepStrictEqual(verdict(result, { diff, allowProtectedLoss: true }), { ok: true, reasons: [] });
        const md = renderMarkdown(result, { diff, commit: { sha: "a".repeat(40), dirty: false } });
        assert.ok(md.startsWith(`<!-- mall-offline-plan -->\n## ❌ Offline plan: mall\n\n**Failed** at \`aaaaaaaaaaaa\`: 1 protected resource removed or replaced (--allow-protected-loss to accept).`), md.slice(0, 300));
        assert.match(md, /#### ⛔ 1 protected resource removed or replaced\n\n- us-east-1: /);
    });
});

describe("plan CLI: arguments", () => {
    it("takes --name value and --name=value, and fully-qualified stack names", () => {
        assert.deepStrictEqual(parseArgs(["--stack=us-west-2", "-e", "production", "--base", "origin/main"]), {
            stack: "us-west-2",
            environment: "production",
            base: "origin/main",
            out: ".plan",
            allowProtectedLoss: false,
            help: false,
        });
        assert.strictEqual(stackName("acme/mall/us-west-2", "mall"), "us-west-2");
        assert.strictEqual(stackName("acme/us-west-2", "mall"), "us-west-2");
        assert.throws(() => stackName("acme/shop/us-west-2", "mall"), /is a stack of project shop; this is project mall/);
    });

    it("refuses a missing value, an unknown option, a repeat and two bases, as usage errors", () => {
        const usage = (argv: string[], message: RegExp) => assert.throws(() => parseArgs(argv), (e: Error) => e instanceof UsageError && message.test(e.message));
        usage(["--stack"], /^--stack needs a value$/);
        usage(["--stack", "--out", "x"], /^--stack needs a value$/);
        usage(["--stak", "us-east-1"], /^unknown option "--stak"; did you mean --stack\?$/);
        usage(["--out", "a", "--out=b"], /^--out is given twice$/);
        usage(["--base", "main", "--base-dir", "d"], /^--base and --base-dir are alternatives; give one$/);
        usage(["--allow-protected-loss=yes"], /takes no value/);
        usage(["us-east-1"], /unexpected argument "us-east-1"/);
        assert.strictEqual(EXIT.usage, 64);
        assert.match(USAGE, /--allow-protected-loss/);
    });

    it("removes what a plan wrote and nothing else, and refuses a directory no plan wrote", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-out-"));
        fs.writeFileSync(path.join(dir, "meta.json"), JSON.stringify({ commit: "unknown", dirty: false }));
        fs.writeFileSync(path.join(dir, "us-west-9.json"), JSON.stringify({ stack: "us-west-9", resources: [] }));
        fs.writeFileSync(path.join(dir, "summary.md"), "old");
        fs.writeFileSync(path.join(dir, "drills.staging.json"), "{}");
        fs.writeFileSync(path.join(dir, "notes.txt"), "mine");
        fs.writeFileSync(path.join(dir, "data.json"), JSON.stringify({ mine: true }));
        prepareOutDir(dir, ROOT);
        assert.deepStrictEqual(fs.readdirSync(dir).sort(), ["data.json", "notes.txt"]);
        // No meta.json or plan summary: someone's directory (docs/, say), never emptied.
        assert.throws(() => prepareOutDir(dir, ROOT), /is not a plan directory \(no meta\.json or plan summary in it\)/);
        assert.deepStrictEqual(fs.readdirSync(dir).sort(), ["data.json", "notes.txt"]);
        assert.throws(() => prepareOutDir(ROOT, ROOT), /is the project root/);
        assert.strictEqual(isPlanDir(path.join(ROOT, "docs")), false);
        fs.writeFileSync(path.join(dir, "meta.json"), JSON.stringify({ name: "someone else's" }));
        assert.strictEqual(isPlanDir(dir), false, "a meta.json a plan did not write");
        assert.strictEqual(outHint(["--stack", "x", "--out=elsewhere"]), "elsewhere");
        assert.strictEqual(failureSummary("mall", "a usage error", "boom", { commit: "c".repeat(40), dirty: true }), "<!-- mall-offline-plan -->\n## ❌ Offline plan: mall\n\n**The plan did not run** at `cccccccccccc` (with uncommitted changes): a usage error.\n\n```\nboom\n```\n");
    });
});

describe("plan CLI: --policy-config", function () {
    this.timeout(300_000);
    let policies: Awaited<ReturnType<typeof packInfo>>["policies"];
    before(async () => ((policies = (await packInfo(path.join(ROOT, "policy"))).policies)));

    it("refuses an unknown policy, an invalid level, a misspelt or ill-typed setting, all at once", () => {
        assert.throws(
            () => checkPolicyConfig({ "nothing-lots": "advisory", "nothing-lost": { minBackupRetentionDay: 35, enforcementLevel: "mandatory" }, "kms-key-rotation": "strict", "cost-allocation-tags": { requiredTags: "service" } }, policies, "--policy-config p.json"),
            (e: Error) =>
                e.message ===
                [
                    "--policy-config p.json has 4 problems; nothing was planned:",
                    '  - "nothing-lots" is not a policy of the pack; did you mean nothing-lost? (docs/policies.md lists them)',
                    "  - nothing-lost.minBackupRetentionDay is not a setting of the policy; did you mean minBackupRetentionDays? (its settings: minBackupRetentionDays, protectedTypes)",
                    '  - kms-key-rotation: "strict" is not an enforcement level; use one of advisory, mandatory, remediate, disabled',
                    '  - cost-allocation-tags.requiredTags must be an array; it is "service"',
                ].join("\n"),
        );
        assert.throws(() => checkPolicyConfig({ "nothing-lost": { minBackupRetentionDays: 90 } }, policies), /nothing-lost\.minBackupRetentionDays must be at most 35; it is 90/);
    });

    it("lists the overrides in effect and flags a mandatory policy weakened", () => {
        const { overrides } = checkPolicyConfig({ "no-world-open-ingress": "advisory", "nothing-lost": { minBackupRetentionDays: 35 }, "cost-allocation-tags": "mandatory" }, policies);
        assert.deepStrictEqual(overrides, [
            { policy: "cost-allocation-tags", from: "advisory", to: "mandatory", config: {}, downgrade: false },
            { policy: "no-world-open-ingress", from: "mandatory", to: "advisory", config: {}, downgrade: true, reason: "level lowered" },
            // Settings on a mandatory policy are flagged for review whichever way they go (an empty
            // environments list turns audit-logging off for production).
            { policy: "nothing-lost", from: "mandatory", to: "mandatory", config: { minBackupRetentionDays: "35" }, downgrade: true, reason: "settings differ from the pack's defaults" },
        ]);
        assert.deepStrictEqual(checkPolicyConfig({ "audit-logging": { environments: [] } }, policies).overrides[0].reason, "settings differ from the pack's defaults");
        assert.strictEqual(checkPolicyConfig({ "nothing-lost": { minBackupRetentionDays: 7 } }, policies).overrides[0].downgrade, false);
    });

    it("the docs' example plans green with the cache snapshot retention key it names", async () => {
        const example = /`(\{ "nothing-lost": \{ "minBackupRetentionDays": 35 \}, "cost-allocation-tags": "mandatory" \})` with\n {2}`mall:cacheSnapshotRetentionDays: 35` in the stack files/.exec(fs.readFileSync(path.join(ROOT, "docs", "policies.md"), "utf8"));
        assert.ok(example, "docs/policies.md shows the example with its stack key");
        const { config } = checkPolicyConfig(JSON.parse(example[1]), policies);
        const result = await plan({ dir: ROOT, only: "us-east-1", policyConfig: config, overrides: { "us-east-1": { "mall:cacheSnapshotRetentionDays": "35" } } });
        assert.strictEqual(result.failure, undefined, result.failure?.error.message);
        assert.deepStrictEqual(result.stacks[0].policy.diagnostics.filter((d) => d.level === "mandatory"), []);
        const cache = result.stacks[0].resources.find((r) => r.type === "aws:elasticache/replicationGroup:ReplicationGroup")!;
        assert.strictEqual(cache.inputs.snapshotRetentionLimit, 35);
    });
});

/** Runs `npm run plan` as a user would, from a directory. */
function runPlan(args: string[], cwd = ROOT) {
    return spawnSync(process.execPath, [TS_NODE, "--transpile-only", path.join(ROOT, "tools", "plan.ts"), ...args], { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
}

(process.env.MALL_COPY_SPEC ? describe.skip : describe)("plan CLI: failures and the base", function () {
    this.timeout(300_000);

    it("a failed run replaces a stale green summary and removes older plan files", () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "plan-stale-"));
        fs.writeFileSync(path.join(out, "summary.md"), "<!-- mall-offline-plan -->\n## ✅ Offline plan: mall\n");
        fs.writeFileSync(path.join(out, "us-west-9.json"), JSON.stringify({ stack: "us-west-9", resources: [] }));
        const bad = path.join(os.tmpdir(), `policy-config-${process.pid}.json`);
        fs.writeFileSync(bad, JSON.stringify({ "nothing-lots": "advisory" }));
        const run = runPlan(["--out", out, "--policy-config", bad]);
        assert.strictEqual(run.status, EXIT.error, run.stderr + run.stdout);
        assert.deepStrictEqual(fs.readdirSync(out).sort(), ["meta.json", "summary.md"]);
        const summary = fs.readFileSync(path.join(out, "summary.md"), "utf8");
        assert.match(summary, /^<!-- mall-offline-plan -->\n## ❌ Offline plan: mall\n\n\*\*The plan did not run\*\*.*: its input was refused\.\n\n```\n--policy-config .* has 1 problem; nothing was planned:\n {2}- "nothing-lots" is not a policy of the pack; did you mean nothing-lost\?/);
        const usage = runPlan(["--out", out, "--stack"]);
        assert.strictEqual(usage.status, EXIT.usage);
        // A directory no plan wrote is never touched, even by a failing run.
        const docs = runPlan(["--out", path.join(ROOT, "docs"), "--stak"]);
        assert.strictEqual(docs.status, EXIT.usage);
        assert.ok(fs.existsSync(path.join(ROOT, "docs", "ci.md")) && !fs.existsSync(path.join(ROOT, "docs", "summary.md")));
        assert.match(usage.stderr, /plan failed: --stack needs a value\nusage: npm run plan/);
        assert.match(fs.readFileSync(path.join(out, "summary.md"), "utf8"), /\*\*The plan did not run\*\*.*: a usage error\.\n\n```\n--stack needs a value\n```/);
        // A registered region without its stack file: refused before any stack runs, and said so.
        const scratch = stackFilesCopy("plan-missing-", ["Pulumi.us-west-2.yaml"]);
        const missing = runPlan(["--out", path.join(scratch, ".plan")], scratch);
        assert.strictEqual(missing.status, EXIT.error, missing.stderr);
        assert.match(fs.readFileSync(path.join(scratch, ".plan", "summary.md"), "utf8"), /\*\*The plan did not run\*\*: the project cannot be planned\.\n\n```\nthe project cannot be planned \(1 problem\); nothing was planned:\n {2}- .*us-west-2/);
    });

    it("fails with exit 1 naming the protected database a ForceNew change would replace", async () => {
        // The base: this commit's primary, whose Aurora cluster was not encrypted; the head encrypts
        // it, which Aurora cannot do in place (storageEncrypted is ForceNew).
        const work = fs.mkdtempSync(path.join(os.tmpdir(), "plan-base-"));
        const baseDir = path.join(work, "base");
        const out = path.join(work, "head");
        fs.mkdirSync(baseDir);
        const east = (await productionPlan()).stacks.find((s) => s.stack === "us-east-1")!;
        const cluster = east.resources.find((r) => r.type === "aws:rds/cluster:Cluster")!;
        const plan: StackPlan = {
            stack: east.stack,
            project: east.project,
            outputs: east.outputs,
            policy: east.policy,
            resources: east.resources.map((r) => (r === cluster ? { ...r, inputs: { ...r.inputs, storageEncrypted: false } } : r)),
        };
        fs.writeFileSync(path.join(baseDir, "us-east-1.json"), JSON.stringify(plan));
        fs.writeFileSync(path.join(baseDir, "meta.json"), JSON.stringify({ commit: "b".repeat(40), dirty: false }));
        const run = runPlan(["--stack", "acme/mall/us-east-1", "--out", out, "--base-dir", baseDir]);
        assert.strictEqual(run.status, EXIT.findings, run.stderr + run.stdout);
        assert.match(run.stdout, /± rds\/Cluster data-aurora-cluster replaced \(storageEncrypted\) — protected/);
        // Its instances read the new cluster's identifier (ForceNew): they go with it.
        assert.match(run.stdout, /± rds\/ClusterInstance data-aurora-writer replaced \(clusterIdentifier ← new id of data-aurora-cluster\) — protected/);
        assert.match(run.stdout, /✗ Failed: 4 protected resources removed or replaced \(--allow-protected-loss to accept\)\./);
        const diff = JSON.parse(fs.readFileSync(path.join(out, "diff.json"), "utf8"));
        assert.strictEqual(diff.base, "b".repeat(40));
        const changes = diff.stacks["us-east-1"];
        assert.deepStrictEqual([changes.added, changes.removed], [[], []]);
        assert.deepStrictEqual(changes.changed.find((c: { urn: string }) => c.urn === cluster.urn), { urn: cluster.urn, keys: ["inputs.storageEncrypted"], replaces: ["storageEncrypted"] });
        assert.deepStrictEqual(names(changes.protectedLost), ["data-aurora-cluster", "data-aurora-reader-1", "data-aurora-reader-2", "data-aurora-writer"]);
        const summary = fs.readFileSync(path.join(out, "summary.md"), "utf8");
        assert.match(summary, /#### ⛔ 4 protected resources removed or replaced\n\n- us-east-1: rds\/Cluster data-aurora-cluster\n- us-east-1: rds\/ClusterInstance data-aurora-reader-1\n/);
        const cost = JSON.parse(fs.readFileSync(path.join(out, "cost.json"), "utf8"));
        assert.deepStrictEqual(Object.keys(cost).slice(0, 3), ["currency", "total", "stacks"]);
        assert.strictEqual(cost.base.delta, 0);
    });

    it("plans a base commit with its own code in a worktree once, then reuses the cached plan", () => {
        const sha = resolveCommit(ROOT, "HEAD");
        const cache = path.join(ROOT, ".plan-cache", sha, "plan-stack-us-east-1");
        fs.rmSync(cache, { recursive: true, force: true });
        const lines: string[] = [];
        const first = planBase({ root: ROOT, ref: "HEAD", only: "us-east-1", log: (l) => lines.push(l) });
        assert.strictEqual(first.source, "planned");
        assert.deepStrictEqual(first.plans.map((p) => p.stack), ["us-east-1"]);
        assert.ok(!fs.existsSync(path.join(ROOT, ".plan-cache", sha, "src")), "the worktree is removed");
        const started = Date.now();
        const second = planBase({ root: ROOT, ref: "HEAD", only: "us-east-1", log: (l) => lines.push(l) });
        assert.strictEqual(second.source, "cached");
        assert.ok(Date.now() - started < 5000, "a cached base is read, not planned");
        assert.deepStrictEqual(second.plans[0].resources.length, first.plans[0].resources.length);
        assert.match(lines.at(-1)!, new RegExp(`^base ${sha.slice(0, 12)}: reusing the cached plan in \\.plan-cache/${sha}/plan-stack-us-east-1/$`));
        assert.throws(() => resolveCommit(ROOT, "no-such-ref-anywhere"), /--base no-such-ref-anywhere is not a commit of this repository.*; fetch it first \(git fetch origin no-such-ref-anywhere\) or pass a plan directory with --base-dir/);
    });
});
