/**
 * What a first real `pulumi up` of the data layer needs beyond what the mocks check: the permissions
 * and ordering AWS enforces (MSK Replicator, OpenSearch, ElastiCache global datastore members,
 * Aurora log group and instance versions).
 */
import * as assert from "assert";
import { Resources } from "../harness";
import { PRODUCTION } from "../../components/data/plan";
import { PRIMARY_REF, planPrimary, planSecondary } from "./fixtures";

interface Stmt {
    Sid?: string;
    Effect: string;
    Action: string | string[];
    Resource?: string | string[];
    Principal?: unknown;
    Condition?: unknown;
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
/** IAM's glob: `*` any run of characters, `?` one. */
const glob = (pattern: string, value: string) =>
    new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`).test(value);
/** Whether an Allow statement of `doc` grants `action` on `resource` (conditions aside). */
export function allows(doc: { Statement: Stmt[] }, action: string, resource: string): boolean {
    return doc.Statement.some((s) => s.Effect === "Allow" && list(s.Action).some((a) => glob(a, action)) && list(s.Resource).some((r) => glob(r, resource)));
}

const SOURCE = String(PRIMARY_REF.mskClusterArn); // arn:aws:kafka:us-east-1:123456789012:cluster/mall-us-east-1-msk/uuid-s1
/** A sample of the topics the replicator creates for itself (MirrorMaker 2 naming). */
const INTERNAL = ["__amazon_msk_replicator_heartbeats", "mskr-offset-syncs.mall-us-west-2-msk.internal", "mall-us-east-1.checkpoints.internal"];
const INTERNAL_ACTIONS = ["CreateTopic", "ReadData", "WriteData", "DescribeTopic", "DescribeTopicDynamicConfiguration", "AlterTopic"].map((a) => `kafka-cluster:${a}`);

/** The source-side grants AWS documents for topic replication, config replication and offset sync. */
function assertSourceSide(doc: { Statement: Stmt[] }, who: string, SRC = SOURCE): void {
    const srcTopic = (t: string) => SRC.replace(":cluster/", ":topic/") + "/" + t;
    const srcGroup = (g: string) => SRC.replace(":cluster/", ":group/") + "/" + g;
    for (const a of ["Connect", "DescribeCluster", "WriteDataIdempotently"]) assert.ok(allows(doc, `kafka-cluster:${a}`, SRC), `${who}: ${a} on the source cluster`);
    for (const t of INTERNAL) for (const a of INTERNAL_ACTIONS) assert.ok(allows(doc, a, srcTopic(t)), `${who}: ${a} on source internal topic ${t}`);
    for (const a of ["ReadData", "DescribeTopic", "DescribeTopicDynamicConfiguration"]) assert.ok(allows(doc, `kafka-cluster:${a}`, srcTopic("order.created")), `${who}: ${a} on source data topics`);
    for (const a of ["DescribeGroup", "AlterGroup"]) assert.ok(allows(doc, `kafka-cluster:${a}`, srcGroup("order-service")), `${who}: ${a} on source groups`);
    // Least privilege: the replicator never writes or reshapes the source's data topics.
    for (const a of ["WriteData", "CreateTopic", "AlterTopic", "DeleteTopic"]) assert.ok(!allows(doc, `kafka-cluster:${a}`, srcTopic("order.created")), `${who}: no ${a} on source data topics`);
}

describe("data layer: what AWS enforces on a first up", () => {
    let primary: Resources;
    let secondary: Resources;
    before(async () => {
        primary = await planPrimary();
        secondary = await planSecondary();
    });

    describe("MSK Replicator permissions (review net-data #1)", () => {
        it("the replicator role has AWS's documented source-side set: idempotent writes, internal topics, reads, groups", () => {
            const doc = JSON.parse(String(secondary.one("aws:iam/rolePolicy:RolePolicy", "data-msk-replicator-policy").inputs.policy));
            assertSourceSide(doc, "replicator role");
        });

        it("the replicator role can create, write and configure the replicated (prefixed) topics and commit offsets on the target, never touch its own topics", () => {
            const doc = JSON.parse(String(secondary.one("aws:iam/rolePolicy:RolePolicy", "data-msk-replicator-policy").inputs.policy));
            const target = String((secondary.one("aws:msk/replicator:Replicator", "data-msk-replicator-from-us-east-1").inputs as any).replicationInfoList.targetKafkaClusterArn);
            const topic = (t: string) => target.replace(":cluster/", ":topic/") + "/" + t;
            for (const a of ["Connect", "DescribeCluster", "WriteDataIdempotently"]) assert.ok(allows(doc, `kafka-cluster:${a}`, target), `${a} on the target cluster`);
            assert.ok(!allows(doc, "kafka-cluster:AlterCluster", target), "no ACLs to copy (IAM-only clusters)");
            for (const t of INTERNAL) for (const a of INTERNAL_ACTIONS) assert.ok(allows(doc, a, topic(t)), `${a} on target internal topic ${t}`);
            for (const a of ["CreateTopic", "WriteData", "DescribeTopic", "DescribeTopicDynamicConfiguration", "AlterTopic", "AlterTopicDynamicConfiguration"]) {
                assert.ok(allows(doc, `kafka-cluster:${a}`, topic("us-east-1-msk-alias.order.created")), `${a} on replicated topics`);
                assert.ok(allows(doc, `kafka-cluster:${a}`, topic("us-east-1-msk-alias.dlq.all")), `${a} on replicated dlq`);
                assert.ok(!allows(doc, `kafka-cluster:${a}`, topic("order.created")), `no ${a} on the target's own order.created`);
                assert.ok(!allows(doc, `kafka-cluster:${a}`, topic("payment.completed")), `no ${a} on the target's own payment.completed`);
            }
            for (const a of ["DescribeGroup", "AlterGroup"]) assert.ok(allows(doc, `kafka-cluster:${a}`, target.replace(":cluster/", ":group/") + "/order-service"), `${a} on target groups`);
        });

        it("the primary's cluster policy grants the same source-side set, to the replicator roles only", () => {
            const policy = JSON.parse(String(primary.one("aws:msk/clusterPolicy:ClusterPolicy", "data-msk-policy").inputs.policy));
            const arn = String(primary.one("aws:msk/clusterPolicy:ClusterPolicy", "data-msk-policy").inputs.clusterArn);
            const [service, ...roles] = policy.Statement;
            assertSourceSide({ ...policy, Statement: roles }, "cluster policy", arn);
            for (const s of roles) {
                assert.deepStrictEqual(s.Condition, { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::123456789012:role/mall-*-msk-replicator" } }, s.Sid);
            }
            // MSK builds the replicator's private connection itself: the service principal, as AWS documents (review 2, BLOCKER).
            assert.deepStrictEqual(service, {
                Sid: "MskConnectsReplicatorsPrivately",
                Effect: "Allow",
                Principal: { Service: "kafka.amazonaws.com" },
                Action: ["kafka:CreateVpcConnection", "kafka:GetBootstrapBrokers", "kafka:DescribeClusterV2"],
                Resource: arn,
            });
        });

        it("every cluster is a source (events flow both ways): each turns on multi-VPC private connectivity for IAM and carries the cluster policy", () => {
            for (const plan of [primary, secondary]) {
                const info = (plan.one("aws:msk/cluster:Cluster", "data-msk-cluster").inputs as any).brokerNodeGroupInfo.connectivityInfo;
                assert.deepStrictEqual(info, { vpcConnectivity: { clientAuthentication: { sasl: { iam: true } } } });
                plan.one("aws:msk/clusterPolicy:ClusterPolicy", "data-msk-policy");
            }
        });

        it("one role per direction: the reverse replicator's role reads the secondary's cluster and writes the primary's, never the other way", () => {
            const doc = JSON.parse(String(secondary.one("aws:iam/rolePolicy:RolePolicy", "data-msk-replicator-to-us-east-1-policy").inputs.policy));
            const local = String((secondary.one("aws:msk/replicator:Replicator", "data-msk-replicator-from-us-east-1").inputs as any).replicationInfoList.targetKafkaClusterArn);
            assertSourceSide(doc, "reverse replicator role", local);
            assert.ok(allows(doc, "kafka-cluster:WriteData", SOURCE.replace(":cluster/", ":topic/") + "/us-west-2-alias.order.created"), "writes replicas on the primary");
            const role = secondary.one("aws:iam/role:Role", "data-msk-replicator-to-us-east-1-role");
            assert.strictEqual(role.inputs.name, "mall-us-east-1-from-us-west-2-msk-replicator");
        });
    });

    describe("ElastiCache global datastore members (review net-data #4)", () => {
        it("a secondary member also ignores autoMinorVersionUpgrade (members read back false; a modify is rejected)", () => {
            const g = secondary.one("aws:elasticache/replicationGroup:ReplicationGroup", "data-cache-group");
            assert.ok(g.ignoreChanges?.includes("autoMinorVersionUpgrade"), `ignores: ${g.ignoreChanges}`);
        });

        it("the primary member ignores what the global datastore owns once it has joined", () => {
            const g = primary.one("aws:elasticache/replicationGroup:ReplicationGroup", "data-cache-group");
            for (const f of ["engineVersion", "numNodeGroups", "nodeType", "automaticFailoverEnabled", "parameterGroupName", "autoMinorVersionUpgrade"]) {
                assert.ok(g.ignoreChanges?.includes(f), `primary ignores ${f}; has ${g.ignoreChanges}`);
            }
        });
    });

    describe("Aurora ordering and versions (review net-data #5, #6)", () => {
        for (const [role, plan] of [["primary", () => primary], ["secondary", () => secondary]] as const) {
            it(`the ${role} cluster waits for its pre-created postgresql log group (KMS key, retention)`, () => {
                const res = plan();
                const logs = res.one("aws:cloudwatch/logGroup:LogGroup", "data-aurora-logs");
                assert.ok(res.one("aws:rds/cluster:Cluster", "data-aurora-cluster").dependencies.includes(logs.urn));
            });

            it(`the ${role} instances send no engineVersion (TF never updates it on an instance; it follows the cluster)`, () => {
                for (const i of plan().ofType("aws:rds/clusterInstance:ClusterInstance")) assert.strictEqual(i.inputs.engineVersion, undefined, i.name);
            });
        }
    });

    describe("OpenSearch (review net-data #2, #3)", () => {
        it("the primary creates the account's service-linked role, and both domains wait for it there", () => {
            const slr = primary.one("aws:iam/serviceLinkedRole:ServiceLinkedRole", "data-search-service-linked-role");
            assert.strictEqual(slr.inputs.awsServiceName, "opensearchservice.amazonaws.com");
            assert.ok(primary.one("aws:opensearch/domain:Domain", "data-search-domain").dependencies.includes(slr.urn));
        });

        it("a secondary creates none (IAM is global: a second create fails 'has been taken'); it relies on the primary's", () => {
            assert.strictEqual(secondary.count("aws:iam/serviceLinkedRole:ServiceLinkedRole"), 0);
        });

        it("the domain policy allows es:ESCrossClusterGet on the domain ARN itself (no /*), so cross-cluster search is not denied", () => {
            for (const res of [primary, secondary]) {
                const d = res.one("aws:opensearch/domain:Domain", "data-search-domain");
                const policy = JSON.parse(String(d.inputs.accessPolicies));
                const domainArn = `arn:aws:es:${res === primary ? "us-east-1" : "us-west-2"}:123456789012:domain/${d.inputs.domainName}`;
                const grant = policy.Statement.find((s: Stmt) => list(s.Action).includes("es:ESCrossClusterGet"));
                assert.ok(grant, "an ESCrossClusterGet statement");
                assert.deepStrictEqual(list(grant.Resource), [domainArn]);
                assert.deepStrictEqual(grant.Principal, { AWS: "arn:aws:iam::123456789012:root" });
            }
        });
    });

    describe("Aurora engine version: resolved unless pinned (review net-data #7)", () => {
        it("unpinned, the primary creates the global cluster at the newest 16.x AWS offers, marks it resolved and then leaves it alone", () => {
            const g = primary.one("aws:rds/globalCluster:GlobalCluster", "data-aurora-global");
            assert.strictEqual(g.inputs.engineVersion, "16.8");
            assert.strictEqual((g.inputs.tags as Record<string, string>)["version-source"], "resolved");
            assert.deepStrictEqual(g.ignoreChanges, ["engineVersion"]);
            assert.strictEqual(primary.one("aws:rds/clusterParameterGroup:ClusterParameterGroup", "data-aurora-params").inputs.family, "aurora-postgresql16");
        });

        it("pinned, the pin is used as is: no resolution, no marker, upgrades go through the global cluster", async () => {
            const pinned = await planPrimary({ ...PRODUCTION, aurora: { ...PRODUCTION.aurora, engineVersion: "17.5" } });
            const g = pinned.one("aws:rds/globalCluster:GlobalCluster", "data-aurora-global");
            assert.strictEqual(g.inputs.engineVersion, "17.5");
            assert.strictEqual((g.inputs.tags as Record<string, string>)["version-source"], undefined);
            assert.strictEqual(g.ignoreChanges, undefined);
            assert.strictEqual(pinned.one("aws:rds/clusterParameterGroup:ClusterParameterGroup", "data-aurora-params").inputs.family, "aurora-postgresql17");
        });

        it("a secondary creates its member at the version the primary's global cluster runs", () => {
            assert.strictEqual(secondary.one("aws:rds/cluster:Cluster", "data-aurora-cluster").inputs.engineVersion, PRIMARY_REF.auroraEngineVersion);
            assert.strictEqual(secondary.count("aws:rds/globalCluster:GlobalCluster"), 0);
        });
    });
});
