import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PlannedResource, StackPlan } from "../../tools/plan/contract";
import { PlanDiff, diffPlanDirs, diffPlans, diffStackPlans, isEmptyDiff, redeployPlan, renderDiff, renderRedeploy } from "../../tools/plan/diff";
import { plan } from "../../tools/plan/plan";

const ROOT = path.resolve(__dirname, "../..");
const STACK = "us-east-1";
const urn = (type: string, name: string) => `urn:pulumi:${STACK}::mall::${type}::${name}`;
const VPC = urn("aws:ec2/vpc:Vpc", "vpc");
const SUBNET = urn("aws:ec2/subnet:Subnet", "subnet-a");
const BUCKET = urn("aws:s3/bucket:Bucket", "logs");
const PROVIDER = urn("pulumi:providers:aws", "default");

function resource(u: string, extra: Partial<PlannedResource> = {}): PlannedResource {
    const [type, name] = u.split("::").slice(-2);
    return { urn: u, type, name, parent: null, provider: PROVIDER, custom: true, protect: false, inputs: {}, propertyDependencies: {}, dependencies: [], ...extra };
}

function stackPlan(resources: PlannedResource[], stack = STACK): StackPlan {
    return { stack, project: "mall", resources, outputs: {}, policy: { pack: null, diagnostics: [] } };
}

/** The base every fixture edits: a VPC, a subnet wired to it, and a bucket. */
function base(): PlannedResource[] {
    return [
        resource(VPC, { inputs: { cidrBlock: "10.0.0.0/16", tags: { Name: "vpc", team: "platform" } } }),
        resource(SUBNET, { inputs: { vpcId: "vpc-1", cidrBlock: "10.0.0.0/20" }, propertyDependencies: { vpcId: [VPC] }, dependencies: [VPC, PROVIDER] }),
        resource(BUCKET, { protect: true, inputs: { bucket: "mall-logs" } }),
    ];
}

function edit(resources: PlannedResource[], u: string, change: Partial<PlannedResource>): PlannedResource[] {
    return resources.map((r) => (r.urn === u ? { ...r, ...change } : r));
}

const made: string[] = [];
function tempDir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-diff-"));
    made.push(dir);
    return dir;
}
after(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function writeDir(dir: string, plans: StackPlan[]): string {
    fs.mkdirSync(dir, { recursive: true });
    for (const p of plans) fs.writeFileSync(path.join(dir, `${p.stack}.json`), JSON.stringify(p, null, 2));
    return dir;
}

describe("plan diff: one stack", () => {
    it("finds nothing between a plan and itself, or a copy with keys and dependencies reordered", () => {
        const reordered = base().map((r) => ({
            ...r,
            inputs: Object.fromEntries(Object.entries(r.inputs).reverse().map(([k, v]) => [k, v && typeof v === "object" ? Object.fromEntries(Object.entries(v).reverse()) : v])),
            dependencies: [...r.dependencies].reverse(),
        }));
        assert.deepStrictEqual(diffStackPlans(stackPlan(base()), stackPlan(base())), { stack: STACK, added: [], removed: [], changed: [], replaced: [], protectedLost: [] });
        assert.deepStrictEqual(diffStackPlans(stackPlan(base()), stackPlan(reordered.reverse())), { stack: STACK, added: [], removed: [], changed: [], replaced: [], protectedLost: [] });
    });

    it("lists added and removed resources by URN, sorted", () => {
        const extra = [urn("aws:sqs/queue:Queue", "z-queue"), urn("aws:sqs/queue:Queue", "a-queue")].map((u) => resource(u));
        const d = diffStackPlans(stackPlan(base()), stackPlan([...extra, ...base().filter((r) => r.urn !== BUCKET)]));
        assert.deepStrictEqual(d, {
            stack: STACK,
            added: [urn("aws:sqs/queue:Queue", "a-queue"), urn("aws:sqs/queue:Queue", "z-queue")],
            removed: [BUCKET],
            changed: [],
            replaced: [],
            // The bucket is protected: removing it is what `pulumi up` refuses (or, unprotected, loses).
            protectedLost: [BUCKET],
        });
    });

    it("names each top-level input that changed, appeared or disappeared", () => {
        const head = edit(base(), VPC, { inputs: { cidrBlock: "10.9.0.0/16", tags: { Name: "vpc", team: "data" }, enableDnsSupport: true } });
        const head2 = edit(head, SUBNET, { inputs: { vpcId: "vpc-1" } });
        assert.deepStrictEqual(diffStackPlans(stackPlan(base()), stackPlan(head2)).changed, [
            // Both CIDRs are ForceNew (aws_subnet, aws_vpc): each change is also a replacement.
            { urn: SUBNET, keys: ["inputs.cidrBlock"], replaces: ["cidrBlock"] },
            { urn: VPC, keys: ["inputs.cidrBlock", "inputs.enableDnsSupport", "inputs.tags"], replaces: ["cidrBlock"] },
        ]);
    });

    it("reports a protect flip as protect alone", () => {
        assert.deepStrictEqual(diffStackPlans(stackPlan(base()), stackPlan(edit(base(), BUCKET, { protect: false }))).changed, [{ urn: BUCKET, keys: ["protect"] }]);
    });

    it("reports a changed dependency and property dependency, but not a reordered one", () => {
        const head = edit(base(), SUBNET, { dependencies: [PROVIDER, VPC, BUCKET], propertyDependencies: { vpcId: [VPC, BUCKET] } });
        assert.deepStrictEqual(diffStackPlans(stackPlan(base()), stackPlan(head)).changed, [{ urn: SUBNET, keys: ["dependencies", "propertyDependencies.vpcId"] }]);
        const swapped = edit(base(), SUBNET, { dependencies: [BUCKET, PROVIDER], propertyDependencies: { vpcId: [BUCKET] } });
        assert.deepStrictEqual(diffStackPlans(stackPlan(base()), stackPlan(swapped)).changed, [{ urn: SUBNET, keys: ["dependencies", "propertyDependencies.vpcId"] }]);
        const dropped = edit(base(), SUBNET, { propertyDependencies: {} });
        assert.deepStrictEqual(diffStackPlans(stackPlan(base()), stackPlan(dropped)).changed, [{ urn: SUBNET, keys: ["propertyDependencies.vpcId"] }]);
    });

    it("reports type, parent and provider changes, keys sorted", () => {
        const head = edit(base(), BUCKET, { type: "aws:s3/bucketV2:BucketV2", parent: VPC, provider: null, protect: false, inputs: { bucket: "other" } });
        assert.deepStrictEqual(diffStackPlans(stackPlan(base()), stackPlan(head)).changed, [{ urn: BUCKET, keys: ["inputs.bucket", "parent", "protect", "provider", "type"] }]);
    });

    it("refuses two different stacks and a plan that records a URN twice", () => {
        assert.throws(() => diffStackPlans(stackPlan(base()), stackPlan(base(), "us-west-2")), /cannot diff stack us-east-1 against stack us-west-2/);
        assert.throws(() => diffStackPlans(stackPlan([...base(), resource(VPC)]), stackPlan(base())), new RegExp(`stack us-east-1 records ${VPC.replace(/[$]/g, "\\$")} twice`));
    });
});

describe("plan diff: stacks and directories", () => {
    it("reports stacks planned on one side only, and is then not empty", () => {
        const west = stackPlan([], "us-west-2");
        const eu = stackPlan([], "eu-west-1");
        const d = diffPlans([stackPlan(base()), west], [eu, stackPlan(base())]);
        assert.deepStrictEqual(d, { stacks: [{ stack: STACK, added: [], removed: [], changed: [], replaced: [], protectedLost: [] }], onlyInBase: ["us-west-2"], onlyInHead: ["eu-west-1"] });
        assert.strictEqual(isEmptyDiff(d), false);
        assert.strictEqual(isEmptyDiff(diffPlans([stackPlan(base()), west], [west, stackPlan(base())])), true);
    });

    it("renders one line per difference under a line per stack", () => {
        const d: PlanDiff = {
            stacks: [
                { stack: "us-east-1", added: ["urn:a"], removed: ["urn:b"], changed: [{ urn: "urn:c", keys: ["inputs.x", "protect"] }], replaced: [], protectedLost: [] },
                { stack: "us-west-2", added: [], removed: [], changed: [], replaced: [], protectedLost: [] },
            ],
            onlyInBase: ["eu-west-1"],
            onlyInHead: [],
        };
        assert.strictEqual(
            renderDiff(d),
            [
                "stack eu-west-1: only in base (no head plan)",
                "stack us-east-1: 1 added, 1 removed, 1 changed",
                "  + urn:a",
                "  - urn:b",
                "  ~ urn:c: inputs.x, protect",
                "stack us-west-2: no differences",
            ].join("\n"),
        );
        assert.strictEqual(renderDiff({ stacks: [d.stacks[1]], onlyInBase: [], onlyInHead: [] }), "stack us-west-2: no differences\nno differences in 1 stack");
    });

    it("reads stack plans from directories, skipping the other contracts that live there", () => {
        const dir = tempDir();
        const before = writeDir(path.join(dir, "base"), [stackPlan(base())]);
        const after = writeDir(path.join(dir, "head"), [stackPlan(edit(base(), VPC, { protect: true }))]);
        fs.writeFileSync(path.join(after, "summary.md"), "# plan\n");
        fs.writeFileSync(path.join(after, "diff.json"), JSON.stringify({ stacks: [], onlyInBase: [], onlyInHead: [] }));
        assert.deepStrictEqual(diffPlanDirs(before, after), { stacks: [{ stack: STACK, added: [], removed: [], changed: [{ urn: VPC, keys: ["protect"] }], replaced: [], protectedLost: [] }], onlyInBase: [], onlyInHead: [] });
    });

    it("says how to make a missing or empty plan directory, and refuses a misnamed plan file", () => {
        const dir = tempDir();
        const good = writeDir(path.join(dir, "good"), [stackPlan(base())]);
        assert.throws(() => diffPlanDirs(path.join(dir, "missing"), good), /plan directory .*missing does not exist; write one with npm run plan -- --out/);
        fs.mkdirSync(path.join(dir, "empty"));
        assert.throws(() => diffPlanDirs(good, path.join(dir, "empty")), /holds no <stack>\.json plan/);
        const misnamed = path.join(dir, "misnamed");
        fs.mkdirSync(misnamed);
        fs.writeFileSync(path.join(misnamed, "copy.json"), JSON.stringify(stackPlan(base())));
        assert.throws(() => diffPlanDirs(good, misnamed), /copy\.json holds the plan of stack us-east-1; name it us-east-1\.json/);
    });
});

describe("plan diff on the real us-west-2 plan", function () {
    this.timeout(300_000);
    let planDir: string;
    let west: StackPlan;
    before(async () => {
        planDir = path.join(tempDir(), "plan");
        const result = await plan({ dir: ROOT, only: "us-west-2", skipPolicy: true, outDir: planDir });
        assert.strictEqual(result.failure, undefined, result.failure?.error.message);
        west = JSON.parse(fs.readFileSync(path.join(planDir, "us-west-2.json"), "utf8")) as StackPlan;
    });

    it("finds nothing between the plan and itself", () => {
        assert.ok(west.resources.length > 100, `expected a full stack, got ${west.resources.length} resources`);
        assert.deepStrictEqual(diffStackPlans(west, west), { stack: "us-west-2", added: [], removed: [], changed: [], replaced: [], protectedLost: [] });
        assert.strictEqual(isEmptyDiff(diffPlanDirs(planDir, planDir)), true);
    });

    it("reports exactly the one input mutated in a copy of the plan directory", () => {
        const vpc = west.resources.find((r) => r.type === "aws:ec2/vpc:Vpc");
        assert.ok(vpc, "us-west-2 plans a VPC");
        const mutated: StackPlan = { ...west, resources: west.resources.map((r) => (r === vpc ? { ...r, inputs: { ...r.inputs, enableDnsHostnames: false } } : r)) };
        const headDir = path.join(path.dirname(planDir), "head");
        fs.cpSync(planDir, headDir, { recursive: true });
        writeDir(headDir, [mutated]);
        assert.deepStrictEqual(diffPlanDirs(planDir, headDir), {
            stacks: [
                { stack: "us-east-1", added: [], removed: [], changed: [], replaced: [], protectedLost: [] },
                { stack: "us-west-2", added: [], removed: [], changed: [{ urn: vpc.urn, keys: ["inputs.enableDnsHostnames"] }], replaced: [], protectedLost: [] },
            ],
            onlyInBase: [],
            onlyInHead: [],
        });
    });

    it("follows a replacement through the inputs that read it: a new VPC CIDR replaces the subnets, and through them the protected MSK cluster", () => {
        const vpc = west.resources.find((r) => r.type === "aws:ec2/vpc:Vpc")!;
        const mutated: StackPlan = { ...west, resources: west.resources.map((r) => (r === vpc ? { ...r, inputs: { ...r.inputs, cidrBlock: "10.99.0.0/16" } } : r)) };
        const d = diffStackPlans(west, mutated);
        const short = (u: string) => u.split("::").pop();
        const entry = (name: string) => d.changed.find((c) => short(c.urn) === name)!;
        // The VPC's CIDR is ForceNew (aws_vpc); it is the one input that changed.
        assert.deepStrictEqual(entry("network-vpc"), { urn: vpc.urn, keys: ["inputs.cidrBlock"], replaces: ["cidrBlock"] });
        // A subnet reads the new VPC's id (vpcId, ForceNew) and its own CIDR is unchanged in the plan.
        assert.deepStrictEqual(entry("network-private-a").replaces, ["vpcId"]);
        assert.deepStrictEqual(entry("network-private-a").cascadeFrom, [vpc.urn]);
        // MSK's client subnets are ForceNew: the protected cluster would be replaced, a protected loss.
        assert.deepStrictEqual(entry("data-msk-cluster").replaces, ["brokerNodeGroupInfo"]);
        assert.deepStrictEqual(d.protectedLost.map(short), ["data-msk-cluster"]);
        // An input that is not ForceNew only changes: the Aurora cluster's subnet group is updated in place.
        assert.ok(!d.replaced.some((u) => short(u) === "data-aurora-cluster"));
        assert.ok(d.replaced.length > 50, `${d.replaced.length} replaced`);
    });
});

describe("plan diff: which stacks a change needs, in which order", () => {
    const stack = (name: string, added = 0, changed = 0) => ({ stack: name, added: Array.from({ length: added }, (_, i) => `urn:${name}:a${i}`), removed: [], changed: Array.from({ length: changed }, (_, i) => ({ urn: `urn:${name}:c${i}`, keys: ["inputs.x"] })), replaced: [], protectedLost: [] });
    const order = ["us-east-1", "us-west-2", "ap-northeast-2"];

    it("adding a region: the primary and the earlier secondary in dependency order, the new stack with its bootstrap; unchanged stacks left out", () => {
        const diff: PlanDiff = { stacks: [stack("us-west-2", 0, 4), stack("us-east-1", 2, 18)], onlyInBase: [], onlyInHead: ["ap-northeast-2"] };
        const r = redeployPlan(diff, order);
        assert.deepStrictEqual(r, {
            deploy: [
                { stack: "us-east-1", changes: 20, isNew: false },
                { stack: "us-west-2", changes: 4, isNew: false },
                { stack: "ap-northeast-2", changes: 0, isNew: true },
            ],
            destroy: [],
        });
        assert.strictEqual(renderRedeploy(r), "Deploy, in this order: us-east-1 (20 changes) → us-west-2 (4 changes) → ap-northeast-2 (new: bootstrap, then steady)");
    });

    it("a change to one secondary only: that stack; a removed region: destroyed after the rest; nothing changed: says so", () => {
        assert.strictEqual(renderRedeploy(redeployPlan({ stacks: [stack("us-east-1"), stack("us-west-2", 0, 1)], onlyInBase: [], onlyInHead: [] }, order)), "Deploy, in this order: us-west-2 (1 change)");
        assert.strictEqual(
            renderRedeploy(redeployPlan({ stacks: [stack("us-east-1", 0, 3)], onlyInBase: ["us-west-2"], onlyInHead: [] }, order)),
            "Deploy, in this order: us-east-1 (3 changes)\nDestroy, after those: us-west-2 (no plan any more)",
        );
        assert.strictEqual(renderRedeploy(redeployPlan({ stacks: [stack("us-east-1")], onlyInBase: [], onlyInHead: [] }, order)), "Nothing to deploy.");
    });
});
