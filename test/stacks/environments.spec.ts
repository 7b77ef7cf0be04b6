/**
 * Environments (issue "Environments and N regions"): each has its own registry and stacks named
 * `<env>-<region>` (production keeps `<region>`), its names start `mall-<env>-`, and the shipped
 * staging pair plans green beside production without sharing a single physical name.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { ConfigError, parseStackConfig } from "../../stacks/settings";
import { checkFlows } from "../../tools/reachability/check";
import { PlanResult, drillsFileName, environmentPlan, plan, writePlanFiles } from "../../tools/plan/plan";
import { physicalNames, sharedNames } from "../../tools/plan/names";
import { ROOT, shippedPlan } from "../registry";

const PRODUCTION_REGIONS = { "us-east-1": { cidr: "10.0.0.0/16", role: "primary" }, "us-west-2": { cidr: "10.1.0.0/16", role: "secondary" } };
const STAGING_REGIONS = {
    "us-east-1": { cidr: "10.16.0.0/16", role: "primary" },
    "us-west-2": { cidr: "10.17.0.0/16", role: "secondary" },
    "ap-northeast-2": { cidr: "10.18.0.0/16", role: "secondary" },
};

/** A stack's raw config: the project-level keys every stack sees, plus its own. */
function config(region: string, own: Record<string, string> = {}, environments: unknown = { staging: { regions: STAGING_REGIONS } }): Record<string, string> {
    return {
        "mall:regions": JSON.stringify(PRODUCTION_REGIONS),
        "mall:environments": JSON.stringify(environments),
        "aws:region": region,
        "mall:domain": "staging.example.com",
        ...own,
    };
}

function problems(stack: string, raw: Record<string, string>): readonly string[] {
    try {
        parseStackConfig("mall", stack, raw);
        return [];
    } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
    }
}

describe("environments: registries, stack names and name prefixes", () => {
    it("a staging stack reads staging's registry and prefixes every name mall-staging", () => {
        const s = parseStackConfig("mall", "staging-us-east-1", config("us-east-1", { "mall:environment": "staging" }));
        assert.deepStrictEqual([s.environment, s.namePrefix, s.role, s.self.cidr], ["staging", "mall-staging", "primary", "10.16.0.0/16"]);
        assert.deepStrictEqual(s.registry.regions.map((r) => r.name), ["us-east-1", "us-west-2", "ap-northeast-2"]);
        // Production is untouched: its stacks keep their names and prefix.
        const p = parseStackConfig("mall", "us-east-1", config("us-east-1", { "mall:domain": "example.com" }));
        assert.deepStrictEqual([p.environment, p.namePrefix, p.self.cidr], ["production", "mall", "10.0.0.0/16"]);
    });

    it("a staging secondary reads staging's primary and earlier secondaries, in staging's failover order", () => {
        const s = parseStackConfig(
            "mall",
            "staging-ap-northeast-2",
            config("ap-northeast-2", { "mall:environment": "staging", "mall:primaryStack": "acme/mall/staging-us-east-1" }, { staging: { regions: STAGING_REGIONS, failoverOrder: ["ap-northeast-2", "us-west-2"] } }),
        );
        assert.ok(s.role === "secondary");
        assert.deepStrictEqual(s.earlierSecondaries, [{ region: "us-west-2", stack: "acme/mall/staging-us-west-2" }]);
        assert.deepStrictEqual(s.registry.failoverOrder, ["ap-northeast-2", "us-west-2"]);
    });

    it("refuses a stack named for an environment it is not configured as: dev-us-east-1 left at production would be a second production primary", () => {
        assert.deepStrictEqual(problems("dev-us-east-1", config("us-east-1")), [
            'stack "dev-us-east-1" is named for environment dev, but mall:environment is unset (production), whose us-east-1 stack is us-east-1: set mall:environment: dev in Pulumi.dev-us-east-1.yaml (declared under mall:environments.dev.regions in Pulumi.yaml), or rename the stack to us-east-1',
        ]);
        assert.deepStrictEqual(problems("us-east-1", config("us-east-1", { "mall:environment": "staging" })), [
            'stack "us-east-1" is named for production\'s us-east-1, but mall:environment is staging; staging\'s us-east-1 stack is staging-us-east-1: rename it (pulumi stack rename staging-us-east-1), or fix mall:environment/aws:region',
        ]);
        assert.deepStrictEqual(problems("staging-us-west-2", config("us-east-1", { "mall:environment": "staging" })), [
            'aws:region "us-east-1" differs from the stack name "staging-us-west-2"; staging\'s stacks are named staging-<region>, set aws:region to us-west-2',
        ]);
        assert.deepStrictEqual(problems("us-west-2", config("us-east-1", { "mall:domain": "example.com" })), [
            'aws:region "us-east-1" differs from the stack name "us-west-2"; production\'s stacks are named <region>, set aws:region to us-west-2',
        ]);
        assert.deepStrictEqual(problems("prod-east", config("us-east-1", { "mall:domain": "example.com" })), [
            'stack "prod-east" does not follow the naming the stack references and CI rely on: production\'s us-east-1 stack is us-east-1 (production: <region>, other environments: <env>-<region>); rename it (pulumi stack rename us-east-1)',
        ]);
    });

    it("refuses an undeclared environment, saying how to declare it", () => {
        assert.deepStrictEqual(problems("qa-us-east-1", config("us-east-1", { "mall:environment": "qa" })), [
            'mall:environment "qa" is not declared (known: production, staging); declare its regions once in Pulumi.yaml under mall:environments.qa.regions (its stacks are qa-<region>), or set mall:environment to a known one in Pulumi.qa-us-east-1.yaml',
        ]);
        assert.deepStrictEqual(problems("stagin-us-east-1", config("us-east-1", { "mall:environment": "stagin" }))[0].split(";").slice(0, 2), [
            'mall:environment "stagin" is not declared',
            " did you mean staging? (known: production, staging)",
        ]);
    });

    it("refuses production under mall:environments, a name that cannot prefix physical names, and unknown fields, each where it matters", () => {
        const bad = {
            production: { regions: PRODUCTION_REGIONS },
            "Stage-1": { regions: STAGING_REGIONS },
            staging: { regions: STAGING_REGIONS, cidr: "10.16.0.0/16" },
            dev: { regions: STAGING_REGIONS, zones: 2 },
        };
        // Production hears of its own misplaced registry only: staging's typos never block its deploy.
        assert.deepStrictEqual(problems("us-east-1", config("us-east-1", { "mall:domain": "example.com" }, bad)), [
            "mall:environments.production: production's registry is mall:regions (its stacks keep their region names); move these regions there or rename the environment",
        ]);
        assert.deepStrictEqual(problems("staging-us-east-1", config("us-east-1", { "mall:environment": "staging" }, bad)), [
            'mall:environments.Stage-1: "Stage-1" is not an environment name: 2-10 lower-case letters and digits, starting with a letter (it prefixes stack and physical names, e.g. staging-us-east-1)',
            "mall:environments.staging.cidr is not an environment field; allowed: regions, failoverOrder",
        ]);
        assert.deepStrictEqual(problems("us-east-1", config("us-east-1", { "mall:domain": "example.com" }, ["staging"])), []);
        assert.deepStrictEqual(problems("staging-us-east-1", config("us-east-1", { "mall:environment": "staging" }, ["staging"])), [
            'mall:environment "staging" is not declared (known: production); declare its regions once in Pulumi.yaml under mall:environments.staging.regions (its stacks are staging-<region>), or set mall:environment to a known one in Pulumi.staging-us-east-1.yaml',
            "mall:environments must be a map of environment name to { regions, failoverOrder? } in Pulumi.yaml, e.g. mall:environments: { value: { staging: { regions: { us-east-1: { cidr: 10.16.0.0/16, role: primary } } } } }",
        ]);
    });

    it("validates an environment's registry like production's, under its own key", () => {
        const overlapping = { staging: { regions: { ...STAGING_REGIONS, "us-west-2": { cidr: "10.16.0.0/16", role: "secondary" } } } };
        assert.deepStrictEqual(problems("staging-us-east-1", config("us-east-1", { "mall:environment": "staging" }, overlapping)), [
            'mall:environments.staging.regions.us-west-2.cidr "10.16.0.0/16" overlaps us-east-1 (10.16.0.0/16); pick a disjoint /16 (Transit Gateway peering cannot route overlapping CIDRs)',
            // (their derived ASNs clash too, because the CIDRs do: one problem, one fix)
        ]);
        // Disjoint CIDRs can still derive the same ASN (the second octet): that one is named as derived.
        const sameOctet = { staging: { regions: { ...STAGING_REGIONS, "us-west-2": { cidr: "172.16.0.0/16", role: "secondary" } } } };
        assert.deepStrictEqual(problems("staging-us-east-1", config("us-east-1", { "mall:environment": "staging" }, sameOctet)), [
            "mall:environments.staging.regions.us-west-2 and us-east-1 derive the same Transit Gateway asn 64528 (64512 + the CIDRs' second octet, 172.16.0.0/16 and 10.16.0.0/16); set a distinct asn on one of them",
        ]);
        // An asn set by hand that clashes is named as set.
        const explicit = { staging: { regions: { ...STAGING_REGIONS, "us-west-2": { cidr: "10.17.0.0/16", role: "secondary", asn: 64528 } } } };
        assert.deepStrictEqual(problems("staging-us-east-1", config("us-east-1", { "mall:environment": "staging" }, explicit)), [
            "mall:environments.staging.regions.us-west-2.asn 64528 is also us-east-1's; set a distinct asn on one of them",
        ]);
        // Production's mall:failoverOrder is project-level (every stack sees it): not staging's, ignored.
        const ignored = parseStackConfig("mall", "staging-us-east-1", config("us-east-1", { "mall:environment": "staging", "mall:failoverOrder": '["nowhere-1"]' }));
        assert.deepStrictEqual(ignored.registry.failoverOrder, ["us-west-2", "ap-northeast-2"]);
        const partial = { staging: { regions: STAGING_REGIONS, failoverOrder: ["us-west-2"] } };
        assert.deepStrictEqual(problems("staging-us-east-1", config("us-east-1", { "mall:environment": "staging" }, partial)), [
            'mall:environments.staging.failoverOrder leaves out ap-northeast-2; list every secondary once, e.g. ["us-west-2","ap-northeast-2"]',
        ]);
    });

    it("refuses a staging secondary that reads production's primary", () => {
        assert.deepStrictEqual(problems("staging-us-west-2", config("us-west-2", { "mall:environment": "staging", "mall:primaryStack": "acme/mall/us-east-1" })), [
            'mall:primaryStack "acme/mall/us-east-1" names stack "us-east-1", but staging\'s primary is us-east-1, stack staging-us-east-1; point it at <org>/mall/staging-us-east-1',
        ]);
    });
});

describe("environments: the shipped staging pair beside production", function () {
    this.timeout(300_000);
    let result: PlanResult;
    before(async () => {
        result = await shippedPlan();
        assert.strictEqual(result.failure, undefined, result.failure?.error.message);
    });
    const stack = (name: string) => result.stacks.find((s) => s.stack === name)!;
    const count = (name: string, type: string) => stack(name).resources.filter((r) => r.type === type).length;

    it("plans every stack of both environments, production first, each environment complete", () => {
        assert.deepStrictEqual(
            result.environments.map((e) => [e.environment, e.stacks.map((s) => `${s.stack} ${s.role}`), e.regions, e.complete]),
            [
                ["production", environmentPlan(result).stacks.map((s) => `${s.stack} ${s.role}`), environmentPlan(result).regions, true],
                ["staging", ["staging-us-east-1 primary", "staging-us-west-2 secondary"], ["us-east-1", "us-west-2"], true],
            ],
        );
        assert.strictEqual(result.stacks[0].stack, "us-east-1");
    });

    it("staging is the cheap copy: two AZs, one NAT gateway, the small data profile", () => {
        assert.deepStrictEqual([count("us-east-1", "aws:ec2/subnet:Subnet"), count("staging-us-east-1", "aws:ec2/subnet:Subnet")], [9, 6]);
        assert.deepStrictEqual([count("us-east-1", "aws:ec2/natGateway:NatGateway"), count("staging-us-east-1", "aws:ec2/natGateway:NatGateway")], [3, 1]);
        const writer = (s: string) => stack(s).resources.find((r) => r.type === "aws:rds/clusterInstance:ClusterInstance")!.inputs.instanceClass;
        assert.deepStrictEqual([writer("us-east-1"), writer("staging-us-east-1")], ["db.r6g.2xlarge", "db.r6g.large"]);
        const msk = (s: string) => stack(s).resources.find((r) => r.type === "aws:msk/cluster:Cluster")!.inputs.numberOfBrokerNodes;
        assert.deepStrictEqual([msk("us-east-1"), msk("staging-us-east-1")], [3, 2]);
        // Replicas as MSK's defaults for the AZ count (3 and 2 in sync over three AZs, 2 and 1 over two):
        // a topic may not have more replicas than brokers, and acks=all must survive a broker's patch.
        const replication = (s: string) => {
            const props = String(stack(s).resources.find((r) => r.type === "aws:msk/configuration:Configuration")!.inputs.serverProperties);
            const topics = stack(s).resources.filter((r) => r.type === "kafka:index/topic:Topic");
            return [
                /default\.replication\.factor=(\d)/.exec(props)![1],
                /min\.insync\.replicas=(\d)/.exec(props)![1],
                [...new Set(topics.map((t) => `${t.inputs.replicationFactor}/${(t.inputs.config as Record<string, string>)["min.insync.replicas"]}`))],
            ];
        };
        assert.deepStrictEqual(replication("us-east-1"), ["3", "2", ["3/2"]]);
        assert.deepStrictEqual(replication("staging-us-east-1"), ["2", "1", ["2/1"]]);
        assert.ok(stack("staging-us-east-1").resources.length < stack("us-east-1").resources.length);
    });

    it("shares no physical name with production (and the check sees a shared one)", () => {
        assert.deepStrictEqual(sharedNames(result.environments), []);
        const staging = environmentPlan(result, "staging");
        const names = staging.stacks.flatMap((s) => physicalNames(s.resources));
        assert.ok(names.length > 250, `${names.length} names`);
        // Every one carries the environment: the prefix, the staging apex, or a staging-only DNS name.
        assert.deepStrictEqual(names.filter((n) => !/mall-staging|staging\.example\.com/.test(n.value)).map((n) => `${n.type} ${n.value}`), []);
        // The detector itself: production planned as if it were two environments shares every name.
        const production = environmentPlan(result);
        const twice = sharedNames([production, { ...production, environment: "copy" }]);
        assert.strictEqual(twice.length, new Set(production.stacks.flatMap((s) => physicalNames(s.resources)).map((n) => `${n.type} ${n.value}`)).size);
    });

    it("staging's stacks reference only staging's, and tag everything environment=staging", () => {
        const refs = (s: string) => stack(s).resources.filter((r) => r.type === "pulumi:pulumi:StackReference").map((r) => r.inputs.name);
        assert.deepStrictEqual(refs("staging-us-east-1"), []);
        assert.deepStrictEqual(refs("staging-us-west-2"), ["organization/mall/staging-us-east-1"]);
        const tagged = environmentPlan(result, "staging").stacks.flatMap((s) => s.resources.filter((r) => r.custom && r.type.startsWith("aws:") && r.inputs.tags));
        assert.ok(tagged.length > 200);
        assert.deepStrictEqual(tagged.filter((r) => (r.inputs.tags as Record<string, string>).environment !== "staging").map((r) => r.urn), []);
    });

    it("staging's drills select staging's resources only: every tag-selected FIS target names the environment", () => {
        for (const s of result.stacks) {
            const targets = s.resources.filter((r) => r.type === "aws:fis/experimentTemplate:ExperimentTemplate").flatMap((r) => r.inputs.targets as { resourceTags?: { key: string; value: string }[] }[]);
            const byTags = targets.filter((t) => t.resourceTags?.some((x) => x.key === "project"));
            assert.ok(byTags.length > 0, s.stack);
            for (const t of byTags) assert.deepStrictEqual(t.resourceTags!.find((x) => x.key === "environment")?.value, s.environment, s.stack);
        }
    });

    it("holds in staging what it holds in production: every flow as expected, and its own drill report", () => {
        const staging = environmentPlan(result, "staging");
        const flows = checkFlows(staging.stacks);
        assert.deepStrictEqual(flows.filter((f) => !f.ok).map((f) => f.row.id), []);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mall-env-plan-"));
        try {
            writePlanFiles(dir, result);
            assert.deepStrictEqual(fs.readdirSync(dir).filter((f) => f.startsWith("drills")).sort(), [drillsFileName("production"), drillsFileName("staging")].sort());
            const report = JSON.parse(fs.readFileSync(path.join(dir, "drills.staging.json"), "utf8")) as { regions: string[] };
            assert.deepStrictEqual(report.regions, ["us-east-1", "us-west-2"]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("environments: the longest names still fit AWS's limits", function () {
    this.timeout(300_000);
    // The longest environment name (10 characters) in long region names: the mocks refuse any
    // physical name past AWS's limit (tools/plan/name-limits.ts), so planning is the check. The
    // primary and the first secondary link DSQL, so they and the witness share the Asia Pacific set.
    it("a 10-character environment in ap-northeast-2, ap-southeast-1 and eu-central-1 plans", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mall-env-"));
        try {
            const project = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
            project.config["mall:environments"].value.acceptance = {
                regions: {
                    "ap-northeast-2": { cidr: "10.20.0.0/16", role: "primary" },
                    "ap-southeast-1": { cidr: "10.21.0.0/16", role: "secondary" },
                    "eu-central-1": { cidr: "10.22.0.0/16", role: "secondary" },
                },
            };
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), YAML.stringify(project));
            const staging = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.staging-us-west-2.yaml"), "utf8")).config;
            const file = (region: string, extra: Record<string, unknown>) => ({
                config: { ...staging, "aws:region": region, "mall:environment": "acceptance", "mall:domain": "acceptance.example.com", "mall:dsqlWitnessRegion": "ap-northeast-3", "mall:deployRunner": { ...staging["mall:deployRunner"], connectionArn: String(staging["mall:deployRunner"].connectionArn).replace("us-west-2", region) }, ...extra },
            });
            const { ["mall:primaryStack"]: _drop, ...primary } = file("ap-northeast-2", {}).config;
            fs.writeFileSync(path.join(dir, "Pulumi.acceptance-ap-northeast-2.yaml"), YAML.stringify({ config: primary }));
            for (const region of ["ap-southeast-1", "eu-central-1"]) {
                fs.writeFileSync(path.join(dir, `Pulumi.acceptance-${region}.yaml`), YAML.stringify(file(region, { "mall:primaryStack": "organization/mall/acceptance-ap-northeast-2" })));
            }
            const planned = await plan({ dir, environment: "acceptance", skipPolicy: true });
            assert.strictEqual(planned.failure, undefined, planned.failure?.error.message);
            assert.deepStrictEqual(planned.stacks.map((s) => s.stack), ["acceptance-ap-northeast-2", "acceptance-ap-southeast-1", "acceptance-eu-central-1"]);
            const domain = planned.stacks[0].resources.find((r) => r.type === "aws:opensearch/domain:Domain")!;
            assert.strictEqual(domain.inputs.domainName, "mall-acceptance-apne2-search");
            // IAM's 64 characters: the replicator from ap-southeast-1 into ap-northeast-2 takes region codes.
            const roles = planned.stacks[1].resources.filter((r) => r.type === "aws:iam/role:Role" && String(r.inputs.name).endsWith("-msk-replicator")).map((r) => r.inputs.name);
            assert.deepStrictEqual(roles.sort(), ["mall-acceptance-ap-southeast-1-msk-replicator", "mall-acceptance-apne2-from-apse1-msk-replicator"]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
