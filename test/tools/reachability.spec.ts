import * as assert from "assert";
import { REGISTRY, productionPlan } from "../registry";
import * as fs from "fs";
import { OWNER_WRITES, admittedToday, flowTable, rowsFor } from "../../components/network/flows";
import { PlannedResource } from "../../tools/plan/contract";
import { PlanResult, StackResult, plan } from "../../tools/plan/plan";
import { renderMarkdown } from "../../tools/plan/summary";
import { checkFlows, dataTierExposure } from "../../tools/reachability/check";
import { firstDeployReport } from "../../tools/reachability/first-deploy";
import { registryRegions } from "../../tools/flows-doc";
import { threeRegionProject } from "../stacks/scratch";


/** `plans` without the resources whose name matches. */
function without(plans: readonly StackResult[], name: RegExp): StackResult[] {
    return plans.map((s) => ({ ...s, resources: s.resources.filter((r) => !name.test(r.name)) }));
}

/** `plans` with one extra ingress rule on `group` in `stack`. */
function withRule(plans: readonly StackResult[], stack: string, group: string, rule: Record<string, unknown>, deps: Record<string, string[]> = {}): StackResult[] {
    return plans.map((s) => {
        if (s.stack !== stack) return s;
        const sg = s.resources.find((r) => r.type === "aws:ec2/securityGroup:SecurityGroup" && r.name === group)!;
        const extra: PlannedResource = {
            urn: `urn:pulumi:${stack}::mall::aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::test-extra`,
            type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            name: "test-extra",
            parent: null,
            provider: null,
            custom: true,
            protect: false,
            inputs: { securityGroupId: "sg-ignored", ipProtocol: "tcp", ...rule },
            propertyDependencies: { securityGroupId: [sg.urn], ...deps },
            dependencies: [sg.urn],
        };
        return { ...s, resources: [...s.resources, extra] };
    });
}

describe("reachability over the real two-stack plan", function () {
    this.timeout(300_000);
    let result: PlanResult;
    before(async () => {
        result = await productionPlan();
        assert.strictEqual(result.failure, undefined, result.failure?.error.message);
    });

    describe("each row, writer us-east-1", () => {
        for (const row of flowTable(registryRegions()).filter((r) => r.states.includes("us-east-1"))) {
            it(`${row.id} is ${row.expected}`, () => {
                const got = checkFlows(result.stacks).find((r) => r.row.id === row.id)!;
                assert.strictEqual(got.admitted, admittedToday(row.expected), got.why.join("\n"));
                assert.ok(got.why.length > 0);
            });
        }
    });

    it("holds in the promoted state (writer us-west-2) too, every row as expected", () => {
        const results = checkFlows(result.stacks, { writerRegion: "us-west-2" });
        assert.strictEqual(results.length, rowsFor(flowTable(registryRegions()), "us-west-2").length);
        assert.deepStrictEqual(results.filter((r) => !r.ok).map((r) => r.row.id), []);
    });

    it("explains every data-tier ingress today, in both states", () => {
        assert.deepStrictEqual(dataTierExposure(result.stacks), []);
        assert.deepStrictEqual(dataTierExposure(result.stacks, { writerRegion: "us-west-2" }), []);
    });

    it("says why: the SG rules, and for a cross-region row the security group that drops it", () => {
        const results = checkFlows(result.stacks);
        const aurora = results.find((r) => r.row.id === "eks-nodes@us-east-1 -> data:aurora@us-east-1:5432")!;
        assert.deepStrictEqual(aurora.why, [
            "ingress data-aurora-sg@us-east-1 5432 from eks-node-sg (data-aurora-from-clients)",
            "egress eks-node-sg@us-east-1 all to 0.0.0.0/0 (eks-node-egress)",
        ]);
        const write = results.find((r) => r.row.id === "eks-nodes@us-west-2 -> data:docdb@us-east-1:27017")!;
        assert.deepStrictEqual(write.why.slice(0, 3), [0, 1, 2].map((i) => `ingress data-docdb-sg@us-east-1 27017 from 10.1.${48 + 16 * i}.0/20 (data-docdb-at-us-east-1-from-us-west-2-${i})`));
        const dropped = checkFlows(without(result.stacks, /^data-docdb-at-us-east-1-from-us-west-2-/)).find((r) => r.row.id === write.row.id)!;
        assert.strictEqual(dropped.why[0], "no ingress rule on data-docdb-sg@us-east-1 admits eks-nodes@us-west-2 on 27017");
    });

    it("an SG rule admitting an unlisted source into the data tier fails dataTierExposure", () => {
        const wide = withRule(result.stacks, "us-east-1", "data-aurora-sg", { cidrIpv4: "10.0.0.0/8", fromPort: 5432, toPort: 5432 });
        assert.deepStrictEqual(dataTierExposure(wide).map((e) => [e.region, e.group, e.rule]), [["us-east-1", "data-aurora-sg", "ingress data-aurora-sg@us-east-1 5432 from 10.0.0.0/8 (test-extra)"]]);
        const nlb = result.stacks[0].resources.find((r) => r.name === "ingress-cloudfront-sg")!;
        const other = withRule(result.stacks, "us-east-1", "data-cache-sg", { referencedSecurityGroupId: "sg-x", fromPort: 6379, toPort: 6379 }, { referencedSecurityGroupId: [nlb.urn] });
        assert.deepStrictEqual(dataTierExposure(other).map((e) => e.rule), ["ingress data-cache-sg@us-east-1 6379 from ingress-cloudfront-sg (test-extra)"]);
    });

    it("a store wearing another component's security group is still the data tier: that group's open rule is exposure", () => {
        const east = result.stacks.find((s) => s.stack === "us-east-1")!;
        const endpoints = east.resources.find((r) => r.type === "aws:ec2/securityGroup:SecurityGroup" && r.name === "network-endpoints-sg")!;
        const opened = withRule(result.stacks, "us-east-1", "network-endpoints-sg", { cidrIpv4: "0.0.0.0/0", fromPort: 5432, toPort: 5432 }).map((s) =>
            s.stack !== "us-east-1"
                ? s
                : {
                      ...s,
                      resources: s.resources.map((r) =>
                          r.type === "aws:rds/cluster:Cluster" ? { ...r, propertyDependencies: { ...r.propertyDependencies, vpcSecurityGroupIds: [...(r.propertyDependencies.vpcSecurityGroupIds ?? []), endpoints.urn] } } : r,
                      ),
                  },
        );
        assert.deepStrictEqual(
            dataTierExposure(opened).map((e) => [e.group, e.rule]).filter(([, rule]) => rule.includes("test-extra")),
            [["network-endpoints-sg", "ingress network-endpoints-sg@us-east-1 5432 from 0.0.0.0/0 (test-extra)"]],
        );
    });

    it("matches a remote source by its tier's subnets: one private subnet left out drops the cross-region write, naming it", () => {
        const partial = without(result.stacks, /^data-docdb-at-us-east-1-from-us-west-2-1$/);
        const changed = checkFlows(partial).filter((r) => !r.ok);
        assert.deepStrictEqual(changed.map((r) => r.row.id), ["eks-nodes@us-west-2 -> data:docdb@us-east-1:27017"]);
        assert.ok(changed[0].why.includes("eks-nodes@us-west-2's private subnets 10.1.64.0/20 are admitted by no rule"), changed[0].why.join("\n"));
    });

    it("a VPC-wide rule in place of the per-subnet ones routes over both Transit Gateways and is explained, not exposure", () => {
        const vpcWide = withRule(without(result.stacks, /^data-docdb-at-us-east-1-from-us-west-2-/), "us-east-1", "data-docdb-sg", { cidrIpv4: "10.1.0.0/16", fromPort: 27017, toPort: 27017 });
        const row = checkFlows(vpcWide).find((r) => r.row.id === "eks-nodes@us-west-2 -> data:docdb@us-east-1:27017")!;
        assert.strictEqual(row.admitted, true, row.why.join("\n"));
        assert.ok(row.why.includes("us-west-2 private route tables send 10.0.0.0/16 to the Transit Gateway"), row.why.join("\n"));
        assert.ok(row.why.includes("us-east-1 data route tables send 10.1.0.0/16 to the Transit Gateway"), row.why.join("\n"));
        assert.deepStrictEqual(dataTierExposure(vpcWide), []);
    });

    it("tells UDP from TCP: CoreDNS over UDP needs a rule that admits UDP", () => {
        const east = result.stacks.find((s) => s.stack === "us-east-1")!;
        const nodeToNode = east.resources.find((r) => r.name === "eks-node-from-node")!;
        const tcpOnly = result.stacks.map((s) =>
            s.stack !== "us-east-1" ? s : { ...s, resources: s.resources.map((r) => (r.urn === nodeToNode.urn ? { ...r, inputs: { ...r.inputs, ipProtocol: "tcp", fromPort: 0, toPort: 65535 } } : r)) },
        );
        const dns = (plans: typeof result.stacks) => checkFlows(plans).find((r) => r.row.id === "eks-nodes@us-east-1 -> eks-nodes@us-east-1:53/udp")!.admitted;
        assert.strictEqual(dns(result.stacks), true);
        assert.strictEqual(dns(tcpOnly), false);
    });

    it("follows the subnets' route-table associations, not the tables' tags: unassociated data subnets drop the cross-region write", () => {
        const flipped = result.stacks;
        const dataSubnets = new Set(flipped[0].resources.filter((r) => r.type === "aws:ec2/subnet:Subnet" && (r.inputs.tags as Record<string, string>).tier === "data").map((r) => r.urn));
        const orphaned = flipped.map((s) =>
            s.stack !== "us-east-1"
                ? s
                : { ...s, resources: s.resources.filter((r) => !(r.type === "aws:ec2/routeTableAssociation:RouteTableAssociation" && (r.propertyDependencies.subnetId ?? []).some((u) => dataSubnets.has(u)))) },
        );
        const row = checkFlows(orphaned).find((r) => r.row.id === "eks-nodes@us-west-2 -> data:docdb@us-east-1:27017")!;
        assert.strictEqual(row.admitted, false);
        assert.ok(row.why.some((w) => /^us-east-1 data subnets .+ have no route table association/.test(w)), row.why.join("\n"));
        // With the associations in place the same rules admit it: the check can pass as well as fail.
        assert.strictEqual(checkFlows(flipped).find((r) => r.row.id === row.row.id)!.admitted, true);
    });

    it("checks both plans in a few seconds, even on two busy shared cores", () => {
        const started = Date.now();
        checkFlows(result.stacks);
        checkFlows(result.stacks, { writerRegion: "us-west-2" });
        dataTierExposure(result.stacks);
        // Generous for two busy cores; the checker itself takes tens of milliseconds.
        assert.ok(Date.now() - started < 3000, `${Date.now() - started} ms`);
    });

    it("lists the first-deploy prerequisites with the command that checks each", () => {
        assert.deepStrictEqual(
            firstDeployReport(result.stacks).map((p) => [p.prerequisite, p.check]),
            [
                ["example.com delegated to the new zone's name servers", "dig NS example.com +short"],
                ...REGISTRY.regions.map((r) => [`Lambda concurrency quota in ${r} ≥ 102`, `aws lambda get-account-settings --region ${r} --query AccountLimit.ConcurrentExecutions`]),
                ["service-linked role AWSServiceRoleForAmazonOpenSearchService does not exist yet (stack us-east-1 creates it)", "aws iam get-role --role-name AWSServiceRoleForAmazonOpenSearchService"],
                ["service-linked role AWSServiceRoleForElastiCache (account singleton, created on first use)", "aws iam get-role --role-name AWSServiceRoleForElastiCache"],
                ["service-linked role AWSServiceRoleForAmazonEKSNodegroup (account singleton, created on first use)", "aws iam get-role --role-name AWSServiceRoleForAmazonEKSNodegroup"],
                ["service-linked role AWSServiceRoleForVPCTransitGateway (account singleton, created on first use)", "aws iam get-role --role-name AWSServiceRoleForVPCTransitGateway"],
                ...REGISTRY.regions.map((r) => [
                    `${r}: the runners' GitHub connection is authorised, and the first deploy ran the bootstrap phase`,
                    `aws codeconnections get-connection --connection-arn arn:aws:codeconnections:${r}:123456789012:connection/00000000-0000-0000-0000-000000000000 --region ${r} --query Connection.ConnectionStatus`,
                ]),
                ...REGISTRY.regions.map((r) => [
                    `${r}: the MSK cluster exists before multi-VPC connectivity is turned on (each stack deploys twice, bootstrap then steady, before the next in the registry)`,
                    `aws kafka describe-cluster-v2 --cluster-arn <arn> --region ${r} --query ClusterInfo.Provisioned.BrokerNodeGroupInfo.ConnectivityInfo.VpcConnectivity`,
                ]),
                ...REGISTRY.regions.map((r) => [
                    `com.amazonaws.${r}.route53-healthchecks holds the checkers of us-east-1, us-west-2, eu-west-1`,
                    `aws ec2 get-managed-prefix-list-entries --prefix-list-id $(aws ec2 describe-managed-prefix-lists --region ${r} --filters Name=prefix-list-name,Values=com.amazonaws.${r}.route53-healthchecks --query 'PrefixLists[0].PrefixListId' --output text) --region ${r}`,
                ]),
                ...REGISTRY.regions.map((r) => [`${r}: no GuardDuty detector exists yet (stack ${r} creates it)`, `aws guardduty list-detectors --region ${r}`]),
                ...REGISTRY.regions.map((r) => [`${r}: no Security Hub (CSPM) subscription exists yet (stack ${r} creates it)`, `aws securityhub describe-hub --region ${r}`]),
                ...REGISTRY.regions.map((r) => [`${r}: no AWS Config configuration recorder exists yet (stack ${r} creates it)`, `aws configservice describe-configuration-recorders --region ${r}`]),
                [`${REGISTRY.primary}: no Security Hub finding aggregator exists yet (stack ${REGISTRY.primary} creates it)`, `aws securityhub list-finding-aggregators --region ${REGISTRY.primary}`],
            ],
        );
    });

    it("summary.md carries the reachability and first-deploy sections under the primary", () => {
        const md = renderMarkdown(result);
        const rows = rowsFor(flowTable(registryRegions()), REGISTRY.primary).length;
        assert.ok(md.includes(`<summary>Reachability: ${rows}/${rows} flows as expected, 0 unexplained data-tier ingress</summary>`), md);
        assert.ok(md.includes(`<summary>First deploy: ${firstDeployReport(result.stacks).length} prerequisites</summary>`));
        assert.strictEqual(firstDeployReport(result.stacks).length, 6 + 7 * REGISTRY.regions.length);
        assert.ok(!md.includes("deploy-runner@us-east-1 -> eks-api"), "an admitted row of a done issue is not listed");
    });
});

describe("reachability over three regions", function () {
    this.timeout(300_000);
    let result: PlanResult;
    before(async () => {
        const dir = threeRegionProject();
        try {
            result = await plan({ dir, skipPolicy: true, environment: "production" });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
        assert.strictEqual(result.failure, undefined, result.failure?.error.message);
    });

    it("plans three stacks and checks every row as expected with the primary writing", () => {
        assert.deepStrictEqual(result.stacks.map((s) => s.stack), ["us-east-1", "us-west-2", "ap-northeast-2"]);
        const results = checkFlows(result.stacks);
        assert.strictEqual(results.length, checkFlows(result.stacks, { writerRegion: "us-west-2" }).length);
        assert.deepStrictEqual(results.filter((r) => !r.ok).map((r) => `${r.row.id}: ${r.why.join("; ")}`), []);
        assert.deepStrictEqual(dataTierExposure(result.stacks), []);
    });

    it("checks the state promoted into ap-northeast-2", () => {
        const results = checkFlows(result.stacks, { writerRegion: "ap-northeast-2" });
        assert.deepStrictEqual(results.filter((r) => !r.ok).map((r) => r.row.id), []);
        assert.deepStrictEqual(
            results.filter((r) => r.row.owner === OWNER_WRITES && r.row.from.kind === "group" && r.row.from.role === "eks-nodes" && r.row.to.kind === "group").map((r) => r.row.id),
            [
                "eks-nodes@us-east-1 -> data:docdb@ap-northeast-2:27017",
                "eks-nodes@us-east-1 -> data:cache@ap-northeast-2:6379",
                "eks-nodes@us-west-2 -> data:docdb@ap-northeast-2:27017",
                "eks-nodes@us-west-2 -> data:cache@ap-northeast-2:6379",
            ],
        );
    });
});
