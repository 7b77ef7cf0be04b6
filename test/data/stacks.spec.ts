/** Whole-stack wiring of GlobalData through the offline plan machinery (both stacks, real config). */
import * as assert from "assert";
import * as path from "path";
import { PRIMARY_CONTRACT } from "../../stacks/contracts";
import { PlannedResource } from "../../tools/plan/contract";
import { StackResult } from "../../tools/plan/plan";
import { ProgramError, runStack } from "../../tools/plan/runner";
import { loadProject } from "../../tools/plan/stacks";
import { REGISTRY, productionPlan } from "../registry";

const ROOT = path.join(__dirname, "..", "..");
const { primary: P, secondaries, last: LAST } = REGISTRY;

describe("data layer in the region stacks", () => {
    let primary: StackResult;
    let secondary: StackResult;
    /** The last registered region's stack: it owns every bucket's S3 replication. */
    let last: StackResult;
    before(async () => {
        const result = await productionPlan();
        assert.strictEqual(result.failure, undefined, result.failure?.error.message);
        [primary, secondary] = result.stacks;
        last = result.stacks.find((s) => s.stack === LAST)!;
    });
    const find = (s: StackResult, type: string, name: string): PlannedResource => {
        const r = s.resources.find((x) => x.type === type && x.name === name);
        assert.ok(r, `${s.stack} has no ${type} ${name}`);
        return r;
    };

    it("the primary exports every data output of the contract, with the real shapes", () => {
        for (const key of Object.keys(PRIMARY_CONTRACT)) assert.notStrictEqual(primary.outputs[key], undefined, key);
        assert.strictEqual(primary.outputs.auroraGlobalClusterId, "mall-aurora-global");
        assert.strictEqual(primary.outputs.cacheGlobalReplicationGroupId, "ldgnf-mall-cache-global");
        assert.strictEqual(primary.outputs.staticAssetsBucketName, "mall-us-east-1-static-assets-123456789012");
        assert.strictEqual(primary.outputs.idempotencyTableName, "mall-idempotency");
        assert.strictEqual((primary.outputs.dataSubnetIds as string[]).length, 3);
    });

    it("the secondary joins the primary's parents with the primary's exported values", () => {
        assert.strictEqual(find(secondary, "aws:rds/cluster:Cluster", "data-aurora-cluster").inputs.globalClusterIdentifier, primary.outputs.auroraGlobalClusterId);
        assert.strictEqual(find(secondary, "aws:docdb/cluster:Cluster", "data-docdb-cluster").inputs.globalClusterIdentifier, primary.outputs.docdbGlobalClusterId);
        assert.strictEqual(
            find(secondary, "aws:elasticache/replicationGroup:ReplicationGroup", "data-cache-group").inputs.globalReplicationGroupId,
            primary.outputs.cacheGlobalReplicationGroupId,
        );
        assert.strictEqual(find(secondary, "aws:dynamodb/tableReplica:TableReplica", "data-idempotency-replica").inputs.globalTableArn, primary.outputs.idempotencyTableArn);
        const replicator = find(secondary, "aws:msk/replicator:Replicator", "data-msk-replicator-from-us-east-1").inputs as any;
        assert.strictEqual(replicator.replicationInfoList.sourceKafkaClusterArn, primary.outputs.mskClusterArn);
        assert.deepStrictEqual(replicator.kafkaClusters[0].vpcConfig, { subnetIds: primary.outputs.dataSubnetIds, securityGroupsIds: [primary.outputs.mskSecurityGroupId] });
        const remotePeering = find(secondary, "aws:dsql/clusterPeering:ClusterPeering", "data-dsql-peering-us-east-1").inputs;
        assert.deepStrictEqual([remotePeering.region, remotePeering.identifier], ["us-east-1", primary.outputs.dsqlClusterId]);
        assert.deepStrictEqual(find(secondary, "aws:dsql/clusterPeering:ClusterPeering", "data-dsql-peering-local").inputs.clusters, [primary.outputs.dsqlClusterArn]);
        const rep = find(last, "aws:s3/bucketReplicationConfig:BucketReplicationConfig", "data-s3-replication-traces").inputs;
        assert.deepStrictEqual([rep.region, rep.bucket], [P, primary.outputs.tracesBucketName]);
        assert.strictEqual((find(secondary, "aws:opensearch/outboundConnection:OutboundConnection", "data-search-to-us-east-1").inputs as any).remoteDomainInfo.domainName, primary.outputs.searchDomainName);
    });

    it("the data tier admits only the EKS node security group", () => {
        for (const s of [primary, secondary]) {
            const clients = s.resources.find((r) => r.type === "aws:ec2/securityGroup:SecurityGroup" && r.name === "eks-node-sg");
            assert.ok(clients);
            const rules = s.resources.filter((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && r.name.endsWith("-from-clients"));
            assert.strictEqual(rules.length, 5);
            for (const r of rules) assert.deepStrictEqual(r.propertyDependencies.referencedSecurityGroupId, [clients.urn]);
        }
    });

    it("replicates the generated secrets into the secondary, where its services read them locally", () => {
        const replicaKey = find(primary, "aws:kms/key:Key", "data-secrets-us-west-2-key");
        assert.strictEqual(replicaKey.inputs.region, "us-west-2");
        assert.strictEqual(find(primary, "aws:kms/alias:Alias", "data-secrets-us-west-2-alias").inputs.name, "alias/mall/us-west-2/secrets-from-us-east-1");
        for (const id of ["aurora-master", "docdb-master", "cache-cart", "cache-api-gateway", "docdb-product-catalog", "docdb-analytics"]) {
            const secret = find(primary, "aws:secretsmanager/secret:Secret", `data-${id}-secret`);
            assert.deepStrictEqual(secret.inputs.replicas, secondaries.map((region) => ({ region, kmsKeyId: (primary.outputs.secretsReplicaKeyArns as Record<string, string>)[region] })));
        }
        const policy = JSON.parse(String(find(secondary, "aws:iam/rolePolicy:RolePolicy", "eks-svc-product-catalog-role-policy").inputs.policy));
        const docdb = policy.Statement.find((st: { Sid: string }) => st.Sid === "ProductCatalogDocdbSecret");
        // Its own credentials (never the master user's), read from the local replica.
        const own = (primary.outputs.docdbServiceSecretArns as Record<string, string>)["product-catalog"];
        assert.match(own, /:secret:mall\/us-east-1\/docdb-product-catalog-/);
        assert.deepStrictEqual(docdb.Resource, own.replace(":us-east-1:", ":us-west-2:"));
        const key = policy.Statement.find((st: { Sid: string }) => st.Sid === "ProductCatalogSecretsKey");
        assert.ok(JSON.stringify(key.Resource).includes((primary.outputs.secretsReplicaKeyArns as Record<string, string>)["us-west-2"]), JSON.stringify(key));
    });

    it("no secret value reaches the plan or the stack outputs", () => {
        for (const s of [primary, secondary]) {
            const text = JSON.stringify({ r: s.resources, o: s.outputs });
            assert.ok(!/mock-[0-9a-f]{32}/.test(text), `${s.stack} leaks a generated password`);
        }
    });

    it("a secondary whose primary lacks a data output stops with the documented error", async () => {
        const project = loadProject(ROOT);
        const file = project.stacks.find((s) => s.stack === "us-west-2")!;
        const outputs = { ...primary.outputs };
        delete outputs.auroraGlobalClusterId;
        delete outputs.mskClusterArn;
        await assert.rejects(
            runStack({ project: project.name, stack: "us-west-2", config: file.config, stackOutputs: new Map([["us-east-1", outputs]]) }),
            (e: unknown) => {
                assert.ok(e instanceof ProgramError);
                assert.strictEqual(
                    e.message,
                    'Stack "us-west-2" reads the primary stack "organization/mall/us-east-1", which is missing outputs:\n' +
                        '  - output "auroraGlobalClusterId" is missing (needed for joining the Aurora global database)\n' +
                        '  - output "mskClusterArn" is missing (needed for the MSK Replicator\'s source cluster)\n' +
                        "Deploy in order: the primary first (pulumi up -s us-east-1 --policy-pack policy), then this stack (pulumi up -s us-west-2 --policy-pack policy). Nothing was created.",
                );
                return true;
            },
        );
    });

    it("tells a new region to re-run the primary when the primary does not replicate secrets to it yet", async () => {
        const project = loadProject(ROOT);
        const file = project.stacks.find((s) => s.stack === "us-west-2")!;
        const outputs = { ...primary.outputs, secretsReplicaKeyArns: {} };
        await assert.rejects(
            runStack({ project: project.name, stack: "us-west-2", config: file.config, stackOutputs: new Map([["us-east-1", outputs]]) }),
            (e: unknown) => {
                assert.ok(e instanceof ProgramError);
                assert.strictEqual(
                    e.message,
                    "The primary stack organization/mall/us-east-1 replicates its secrets to no region, not to us-west-2 (output secretsReplicaKeyArns): it was deployed before this region was registered. Re-run pulumi up -s us-east-1 --policy-pack policy, then this stack.",
                );
                return true;
            },
        );
    });
});
