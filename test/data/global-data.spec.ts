import * as assert from "assert";
import { GlobalData } from "../../components/data/global-data";
import { KEY_SERVICES, SMALL, planLinks } from "../../components/data/plan";
import { PlannedResource } from "../../tools/plan/contract";
import { Resources, planComponent, testContext } from "../harness";
import { DEPLOYER_ARN, PRIMARY_REF, REGIONS, earlierRef, planPrimary, planSecondary } from "./fixtures";

const T = {
    key: "aws:kms/key:Key",
    globalCluster: "aws:rds/globalCluster:GlobalCluster",
    cluster: "aws:rds/cluster:Cluster",
    instance: "aws:rds/clusterInstance:ClusterInstance",
    docdbGlobal: "aws:docdb/globalCluster:GlobalCluster",
    docdbCluster: "aws:docdb/cluster:Cluster",
    docdbInstance: "aws:docdb/clusterInstance:ClusterInstance",
    docdbParams: "aws:docdb/clusterParameterGroup:ClusterParameterGroup",
    rg: "aws:elasticache/replicationGroup:ReplicationGroup",
    grg: "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
    msk: "aws:msk/cluster:Cluster",
    replicator: "aws:msk/replicator:Replicator",
    clusterPolicy: "aws:msk/clusterPolicy:ClusterPolicy",
    domain: "aws:opensearch/domain:Domain",
    outbound: "aws:opensearch/outboundConnection:OutboundConnection",
    bucket: "aws:s3/bucket:Bucket",
    replication: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
    table: "aws:dynamodb/table:Table",
    replica: "aws:dynamodb/tableReplica:TableReplica",
    dsql: "aws:dsql/cluster:Cluster",
    peering: "aws:dsql/clusterPeering:ClusterPeering",
    secret: "aws:secretsmanager/secret:Secret",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    sg: "aws:ec2/securityGroup:SecurityGroup",
} as const;

/** Types that hold data or identity: every one must be protected. */
const STATEFUL = [
    T.key,
    T.globalCluster,
    T.cluster,
    T.instance,
    T.docdbGlobal,
    T.docdbCluster,
    T.docdbInstance,
    T.rg,
    T.grg,
    T.msk,
    T.domain,
    T.bucket,
    T.table,
    T.replica,
    T.dsql,
    T.secret,
];

function tagService(r: PlannedResource): string | undefined {
    return (r.inputs.tags as Record<string, string> | undefined)?.service;
}

describe("GlobalData (primary, us-east-1)", () => {
    let res: Resources;
    before(async () => {
        res = await planPrimary();
    });

    it("creates one rotating, protected key per service, each with a distinct alias, and a secrets-replica key per secondary", () => {
        const keys = res.ofType(T.key);
        const local = keys.filter((k) => k.inputs.region === undefined);
        assert.deepStrictEqual(local.map((k) => tagService(k)).sort(), [...KEY_SERVICES].sort());
        for (const k of keys) {
            assert.strictEqual(k.inputs.enableKeyRotation, true, k.name);
            assert.strictEqual(k.protect, true, k.name);
        }
        const replicaKeys = keys.filter((k) => k.inputs.region !== undefined);
        assert.deepStrictEqual(replicaKeys.map((k) => [k.name, k.inputs.region, tagService(k)]), [["data-secrets-us-west-2-key", "us-west-2", "secrets"]]);
        const aliases = res.ofType("aws:kms/alias:Alias").map((a) => a.inputs.name);
        assert.deepStrictEqual(aliases.sort(), [...KEY_SERVICES.map((s) => `alias/mall/us-east-1/${s}`), "alias/mall/us-west-2/secrets-from-us-east-1"].sort());
    });

    it("protects every stateful resource", () => {
        const unprotected = res.all.filter((r) => (STATEFUL as readonly string[]).includes(r.type) && !r.protect).map((r) => `${r.type} ${r.name}`);
        assert.deepStrictEqual(unprotected, []);
        for (const type of STATEFUL.filter((t) => ![T.replica].includes(t as typeof T.replica))) {
            assert.ok(res.count(type) > 0, `expected at least one ${type} in the primary`);
        }
    });

    it("Aurora: global cluster, writer + 2 readers at ARCHITECTURE sizes, encrypted, IAM auth, 35-day backups, final snapshot", () => {
        const global = res.one(T.globalCluster, "data-aurora-global");
        assert.deepStrictEqual(
            { id: global.inputs.globalClusterIdentifier, engine: global.inputs.engine, version: global.inputs.engineVersion, enc: global.inputs.storageEncrypted, dp: global.inputs.deletionProtection },
            // Nothing pinned: the newest aurora-postgresql16 version getEngineVersion answers (the mock's 16.8).
            { id: "mall-aurora-global", engine: "aurora-postgresql", version: "16.8", enc: true, dp: true },
        );
        const c = res.one(T.cluster, "data-aurora-cluster").inputs;
        assert.strictEqual(c.globalClusterIdentifier, "mall-aurora-global");
        assert.strictEqual(c.clusterIdentifier, "mall-us-east-1-aurora");
        assert.strictEqual(c.engineVersion, "16.8");
        assert.strictEqual(c.storageEncrypted, true);
        assert.match(String(c.kmsKeyId), /^arn:aws:kms:us-east-1:123456789012:key\//);
        assert.strictEqual(c.iamDatabaseAuthenticationEnabled, true);
        assert.strictEqual(c.backupRetentionPeriod, 35);
        assert.strictEqual(c.deletionProtection, true);
        assert.strictEqual(c.skipFinalSnapshot, false);
        assert.strictEqual(c.finalSnapshotIdentifier, "mall-us-east-1-aurora-final");
        assert.strictEqual(c.masterUsername, "mall_admin");
        assert.strictEqual(c.masterPassword, "[secret]", "the master password must reach the cluster only as a secret");
        assert.strictEqual(c.databaseName, "mall");
        assert.strictEqual((c.vpcSecurityGroupIds as string[]).length, 1);
        assert.strictEqual(res.one(T.sg, "data-aurora-sg").inputs.vpcId, "vpc-primary");
        const instances = res.ofType(T.instance).map((i) => [i.name, i.inputs.instanceClass, i.inputs.performanceInsightsEnabled, i.inputs.monitoringInterval]);
        assert.deepStrictEqual(instances, [
            ["data-aurora-writer", "db.r6g.2xlarge", true, 15],
            ["data-aurora-reader-1", "db.r6g.xlarge", true, 15],
            ["data-aurora-reader-2", "db.r6g.xlarge", true, 15],
        ]);
        assert.ok(res.ofType(T.instance).every((i) => i.inputs.performanceInsightsKmsKeyId === c.kmsKeyId && i.inputs.publiclyAccessible === false));
        const params = res.one("aws:rds/clusterParameterGroup:ClusterParameterGroup", "data-aurora-params").inputs;
        assert.strictEqual(params.family, "aurora-postgresql16");
        assert.ok((params.parameters as { name: string; value: string }[]).some((p) => p.name === "rds.force_ssl" && p.value === "1"));
    });

    it("keeps generated credentials in Secrets Manager under the secrets key, never as plain values", () => {
        const secrets = res.ofType(T.secret);
        const docdbServices = ["analytics", "notification", "product-catalog", "recommendation", "review", "user-profile", "wishlist"];
        assert.deepStrictEqual(
            secrets.map((s) => s.inputs.name).sort(),
            ["mall/us-east-1/aurora-master", "mall/us-east-1/docdb-master", ...docdbServices.map((svc) => `mall/us-east-1/docdb-${svc}`), ...["cart", "pricing", "api-gateway"].map((svc) => `mall/us-east-1/cache-${svc}`)].sort(),
        );
        const secretsKeyTagged = new Set(secrets.map((s) => tagService(s)));
        assert.deepStrictEqual([...secretsKeyTagged], ["secrets"]);
        const kmsIds = new Set(secrets.map((s) => s.inputs.kmsKeyId));
        assert.strictEqual(kmsIds.size, 1);
        assert.notStrictEqual([...kmsIds][0], res.one(T.cluster, "data-aurora-cluster").inputs.kmsKeyId, "secrets use their own key, not Aurora's");
        for (const v of res.ofType("aws:secretsmanager/secretVersion:SecretVersion")) assert.strictEqual(v.inputs.secretString, "[secret]");
        // The cache authenticates its users (RBAC, S5), not a token; their passwords are secrets too.
        assert.strictEqual(res.one(T.rg, "data-cache-group").inputs.authToken, undefined);
        for (const u of res.ofType("aws:elasticache/user:User")) assert.deepStrictEqual(u.inputs.authenticationMode, { type: "password", passwords: ["[secret]"] }, u.name);
    });

    it("DSQL: a multi-region cluster with the us-east-2 witness, its own key, deletion protection; no peering in the primary", () => {
        const d = res.one(T.dsql, "data-dsql-cluster");
        assert.deepStrictEqual(d.inputs.multiRegionProperties, { witnessRegion: "us-east-2" });
        assert.strictEqual(d.inputs.deletionProtectionEnabled, true);
        assert.match(String(d.inputs.kmsEncryptionKey), /^arn:aws:kms:us-east-1:/);
        assert.strictEqual(res.count(T.peering), 0);
    });

    it("DocumentDB: 5.0 global cluster, writer + 2 readers, TLS parameter group, audit/profiler logs, 35-day backups", () => {
        assert.deepStrictEqual(
            (({ globalClusterIdentifier, engine, engineVersion, storageEncrypted, deletionProtection }) => ({ globalClusterIdentifier, engine, engineVersion, storageEncrypted, deletionProtection }))(
                res.one(T.docdbGlobal, "data-docdb-global").inputs as Record<string, unknown>,
            ),
            { globalClusterIdentifier: "mall-docdb-global", engine: "docdb", engineVersion: "5.0.0", storageEncrypted: true, deletionProtection: true },
        );
        const c = res.one(T.docdbCluster, "data-docdb-cluster").inputs;
        assert.deepStrictEqual(c.enabledCloudwatchLogsExports, ["audit", "profiler"]);
        assert.strictEqual(c.backupRetentionPeriod, 35);
        assert.strictEqual(c.skipFinalSnapshot, false);
        assert.strictEqual(c.finalSnapshotIdentifier, "mall-us-east-1-docdb-final");
        assert.strictEqual(c.deletionProtection, true);
        assert.strictEqual(c.globalClusterIdentifier, "mall-docdb-global");
        const params = res.one(T.docdbParams, "data-docdb-params").inputs;
        assert.strictEqual(params.family, "docdb5.0");
        assert.ok((params.parameters as { name: string; value: string }[]).some((p) => p.name === "tls" && p.value === "enabled"));
        assert.strictEqual(c.dbClusterParameterGroupName, params.name);
        assert.deepStrictEqual(
            res.ofType(T.docdbInstance).map((i) => [i.name, i.inputs.instanceClass]),
            [
                ["data-docdb-writer", "db.r6g.2xlarge"],
                ["data-docdb-reader-1", "db.r6g.2xlarge"],
                ["data-docdb-reader-2", "db.r6g.2xlarge"],
            ],
        );
    });

    it("ElastiCache: Valkey 7.2, 3 shards × 2 replicas, Multi-AZ, KMS + TLS + AUTH, snapshots; the global datastore on top", () => {
        const g = res.one(T.rg, "data-cache-group").inputs;
        assert.deepStrictEqual(
            [g.engine, g.engineVersion, g.nodeType, g.numNodeGroups, g.replicasPerNodeGroup, g.multiAzEnabled, g.automaticFailoverEnabled],
            ["valkey", "7.2", "cache.r7g.xlarge", 3, 2, true, true],
        );
        assert.deepStrictEqual([g.atRestEncryptionEnabled, g.transitEncryptionEnabled, g.transitEncryptionMode], [true, true, "required"]);
        assert.match(String(g.kmsKeyId), /^arn:aws:kms:us-east-1:/);
        assert.strictEqual(g.snapshotRetentionLimit, 7);
        assert.strictEqual(g.finalSnapshotIdentifier, "mall-us-east-1-cache-final");
        const grg = res.one(T.grg, "data-cache-global").inputs;
        assert.strictEqual(grg.globalReplicationGroupIdSuffix, "mall-cache-global");
        assert.strictEqual(grg.primaryReplicationGroupId, "mall-us-east-1-cache");
    });

    it("MSK: Kafka 3.6, 3 × kafka.m5.large, IAM auth only, TLS in transit, KMS at rest; the primary owns the cluster policy", () => {
        const m = res.one(T.msk, "data-msk-cluster").inputs as Record<string, any>;
        assert.deepStrictEqual([m.kafkaVersion, m.numberOfBrokerNodes, m.brokerNodeGroupInfo.instanceType], ["3.6.0", 3, "kafka.m5.large"]);
        assert.deepStrictEqual(m.clientAuthentication, { sasl: { iam: true }, unauthenticated: false });
        assert.deepStrictEqual(m.encryptionInfo.encryptionInTransit, { clientBroker: "TLS", inCluster: true });
        assert.match(m.encryptionInfo.encryptionAtRestKmsKeyArn, /^arn:aws:kms:us-east-1:/);
        assert.deepStrictEqual(m.brokerNodeGroupInfo.clientSubnets, ["subnet-a", "subnet-b", "subnet-c"]);
        // Multi-VPC private connectivity for IAM: a cross-region replicator's source needs it.
        assert.deepStrictEqual(m.brokerNodeGroupInfo.connectivityInfo, { vpcConnectivity: { clientAuthentication: { sasl: { iam: true } } } });
        const policy = JSON.parse(String(res.one(T.clusterPolicy, "data-msk-policy").inputs.policy));
        assert.deepStrictEqual(policy.Statement[1].Condition, { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::123456789012:role/mall-*-msk-replicator" } });
        assert.ok(!JSON.stringify(policy).includes('"*"'), "no wildcard principal or action");
        assert.strictEqual(res.count(T.replicator), 0);
    });

    it("OpenSearch: 2.17, 3 data nodes + 3 dedicated masters, zone awareness, FGAC, VPC only, node-to-node + HTTPS, KMS", () => {
        const d = res.one(T.domain, "data-search-domain").inputs as Record<string, any>;
        assert.strictEqual(d.engineVersion, "OpenSearch_2.17");
        assert.deepStrictEqual(d.clusterConfig, {
            instanceType: "r6g.large.search",
            instanceCount: 3,
            dedicatedMasterEnabled: true,
            dedicatedMasterType: "m6g.large.search",
            dedicatedMasterCount: 3,
            zoneAwarenessEnabled: true,
            zoneAwarenessConfig: { availabilityZoneCount: 3 },
        });
        assert.deepStrictEqual(d.nodeToNodeEncryption, { enabled: true });
        assert.strictEqual(d.encryptAtRest.enabled, true);
        assert.deepStrictEqual(d.domainEndpointOptions, { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10" });
        assert.strictEqual(d.advancedSecurityOptions.enabled, true);
        assert.deepStrictEqual(d.vpcOptions.subnetIds, ["subnet-a", "subnet-b", "subnet-c"]);
        assert.strictEqual(res.count(T.outbound), 0);
    });

    it("S3: two buckets, versioned, SSE-KMS, all four public-access blocks, TLS-only policy, traces lifecycle 30/90/365", () => {
        assert.deepStrictEqual(res.ofType(T.bucket).map((b) => b.inputs.bucket).sort(), [
            "mall-us-east-1-static-assets-123456789012",
            "mall-us-east-1-traces-123456789012",
        ]);
        for (const p of res.ofType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")) {
            const i = p.inputs;
            assert.deepStrictEqual([i.blockPublicAcls, i.blockPublicPolicy, i.ignorePublicAcls, i.restrictPublicBuckets], [true, true, true, true]);
        }
        for (const v of res.ofType("aws:s3/bucketVersioning:BucketVersioning")) assert.deepStrictEqual(v.inputs.versioningConfiguration, { status: "Enabled" });
        for (const e of res.ofType("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")) {
            const rule = (e.inputs.rules as any[])[0];
            assert.strictEqual(rule.applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
            assert.match(rule.applyServerSideEncryptionByDefault.kmsMasterKeyId, /^arn:aws:kms:us-east-1:/);
        }
        for (const p of res.ofType("aws:s3/bucketPolicy:BucketPolicy")) {
            const doc = JSON.parse(String(p.inputs.policy));
            assert.deepStrictEqual(doc.Statement[0].Condition, { Bool: { "aws:SecureTransport": "false" } });
            assert.strictEqual(doc.Statement[0].Effect, "Deny");
        }
        const lc = res.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "data-traces-lifecycle").inputs as any;
        assert.strictEqual(lc.bucket, "mall-us-east-1-traces-123456789012");
        assert.deepStrictEqual(lc.rules[0].transitions, [
            { days: 30, storageClass: "STANDARD_IA" },
            { days: 90, storageClass: "GLACIER_IR" },
        ]);
        assert.deepStrictEqual(lc.rules[0].expiration, { days: 365 });
        assert.strictEqual(res.count(T.replication), 0, "the primary never declares the replication configuration");
    });

    it("DynamoDB: the idempotency global table with streams, PITR 35 d, KMS, deletion protection, replicas ignored", () => {
        const t = res.one(T.table, "data-idempotency-table").inputs as any;
        assert.strictEqual(t.name, "mall-idempotency");
        assert.deepStrictEqual([t.streamEnabled, t.streamViewType, t.deletionProtectionEnabled], [true, "NEW_AND_OLD_IMAGES", true]);
        assert.deepStrictEqual(t.pointInTimeRecovery, { enabled: true, recoveryPeriodInDays: 35 });
        assert.strictEqual(t.serverSideEncryption.enabled, true);
        assert.match(t.serverSideEncryption.kmsKeyArn, /^arn:aws:kms:us-east-1:/);
    });

    it("data-tier security groups admit only the client group, each on its store's port", () => {
        const rules = res.ofType(T.ingress).map((r) => [r.name, r.inputs.fromPort, r.inputs.toPort, r.inputs.referencedSecurityGroupId, r.inputs.cidrIpv4]);
        assert.deepStrictEqual(
            rules.filter((r) => String(r[0]).endsWith("-from-clients")),
            [
                ["data-aurora-from-clients", 5432, 5432, "sg-clients", undefined],
                ["data-docdb-from-clients", 27017, 27017, "sg-clients", undefined],
                ["data-cache-from-clients", 6379, 6379, "sg-clients", undefined],
                ["data-msk-from-clients", 9098, 9098, "sg-clients", undefined],
                ["data-search-from-clients", 443, 443, "sg-clients", undefined],
            ],
        );
        assert.ok(res.ofType(T.ingress).every((r) => r.inputs.cidrIpv4 === undefined && r.inputs.cidrIpv6 === undefined));
    });

    it("every store resource uses the key of the service it is tagged with (per-service KMS)", () => {
        const keyArns = (v: unknown): string[] =>
            typeof v === "string"
                ? v.startsWith("arn:aws:kms:")
                    ? [v]
                    : []
                : Array.isArray(v)
                  ? v.flatMap(keyArns)
                  : v && typeof v === "object"
                    ? Object.entries(v).flatMap(([k, x]) => (k === "policy" || k === "tags" ? [] : keyArns(x)))
                    : [];
        const serviceByKey = new Map<string, string>();
        // Untaggable bucket sub-resources (SSE configuration) belong to their bucket's service.
        const bucketService = new Map(res.ofType(T.bucket).map((b) => [String(b.inputs.bucket), tagService(b)]));
        const serviceOf = (r: PlannedResource) => tagService(r) ?? bucketService.get(String(r.inputs.bucket));
        for (const r of res.all.filter((x) => x.custom && serviceOf(x) && x.type !== T.key)) {
            for (const arn of keyArns(r.inputs)) {
                const svc = serviceOf(r)!;
                const prev = serviceByKey.get(arn);
                assert.ok(prev === undefined || prev === svc, `${r.name} (${svc}) uses the key of ${prev}`);
                serviceByKey.set(arn, svc);
            }
        }
        assert.deepStrictEqual([...new Set(serviceByKey.values())].sort(), [...KEY_SERVICES].sort(), "every key is used, each by one service");
        // Plus the secrets' replica key in us-west-2, used by the secrets only.
        assert.strictEqual(serviceByKey.size, KEY_SERVICES.length + 1);
    });
});

describe("GlobalData (secondary, us-west-2)", () => {
    let res: Resources;
    before(async () => {
        res = await planSecondary();
    });

    it("creates no global parent and no primary-only credential", () => {
        for (const t of [T.globalCluster, T.docdbGlobal, T.grg, T.table]) assert.strictEqual(res.count(t), 0, t);
        // Events flow both ways: its own cluster is a replication source too, so it carries its policy.
        assert.strictEqual(res.count(T.clusterPolicy), 1);
        assert.strictEqual(res.count(T.secret), 0);
    });

    it("Aurora: joins the primary's global cluster with 2 readers and write forwarding, ignoring the fields the parent owns", () => {
        const c = res.one(T.cluster, "data-aurora-cluster");
        assert.strictEqual(c.inputs.globalClusterIdentifier, PRIMARY_REF.auroraGlobalClusterId);
        assert.strictEqual(c.inputs.enableGlobalWriteForwarding, true);
        assert.strictEqual(c.inputs.sourceRegion, "us-east-1");
        assert.strictEqual(c.inputs.databaseName, undefined);
        assert.strictEqual(c.inputs.masterUsername, undefined);
        assert.strictEqual(c.inputs.masterPassword, undefined);
        assert.match(String(c.inputs.kmsKeyId), /^arn:aws:kms:us-west-2:/);
        assert.strictEqual(c.protect, true);
        assert.deepStrictEqual(res.ofType(T.instance).map((i) => [i.name, i.inputs.instanceClass]), [
            ["data-aurora-reader-1", "db.r6g.xlarge"],
            ["data-aurora-reader-2", "db.r6g.xlarge"],
        ]);
    });

    it("DocumentDB: joins with 2 readers; ElastiCache: joins the datastore without the parent-owned fields", () => {
        assert.strictEqual(res.one(T.docdbCluster, "data-docdb-cluster").inputs.globalClusterIdentifier, "mall-docdb-global");
        assert.strictEqual(res.one(T.docdbCluster, "data-docdb-cluster").inputs.masterPassword, undefined);
        assert.deepStrictEqual(res.ofType(T.docdbInstance).map((i) => i.name), ["data-docdb-reader-1", "data-docdb-reader-2"]);
        const g = res.one(T.rg, "data-cache-group").inputs;
        assert.strictEqual(g.globalReplicationGroupId, "ldgnf-mall-cache-global");
        for (const f of ["engine", "engineVersion", "nodeType", "numNodeGroups", "transitEncryptionEnabled", "atRestEncryptionEnabled", "authToken", "parameterGroupName"]) {
            assert.strictEqual(g[f], undefined, `${f} is owned by the global datastore`);
        }
        assert.match(String(g.kmsKeyId), /^arn:aws:kms:us-west-2:/);
    });

    it("DSQL: owns both peering halves, the primary's declared in us-east-1", () => {
        const local = res.one(T.peering, "data-dsql-peering-local").inputs;
        const remote = res.one(T.peering, "data-dsql-peering-us-east-1").inputs;
        const own = res.one(T.dsql, "data-dsql-cluster");
        assert.deepStrictEqual(local.clusters, [PRIMARY_REF.dsqlClusterArn]);
        assert.strictEqual(local.region, undefined);
        assert.strictEqual(local.witnessRegion, "us-east-2");
        assert.deepStrictEqual([remote.region, remote.identifier, remote.witnessRegion], ["us-east-1", "primarydsql", "us-east-2"]);
        assert.match(String((remote.clusters as string[])[0]), /^arn:aws:dsql:us-west-2:/);
        assert.ok(own.protect);
    });

    it("MSK Replicator: primary → us-west-2, the spec's topics prefixed, offsets synced, GZIP, source VPC config from the primary", () => {
        const r = res.one(T.replicator, "data-msk-replicator-from-us-east-1").inputs as any;
        assert.strictEqual(r.replicationInfoList.sourceKafkaClusterArn, PRIMARY_REF.mskClusterArn);
        assert.match(r.replicationInfoList.targetKafkaClusterArn, /^arn:aws:kafka:us-west-2:.*cluster\/mall-us-west-2-msk\//);
        assert.strictEqual(r.replicationInfoList.targetCompressionType, "GZIP");
        assert.deepStrictEqual(r.replicationInfoList.topicReplications[0].topicsToReplicates, ["(dlq|inventory|notification|order|payment|saga)\\..+"]);
        assert.deepStrictEqual(r.replicationInfoList.topicReplications[0].topicNameConfiguration, { type: "PREFIXED_WITH_SOURCE_CLUSTER_ALIAS" });
        assert.strictEqual(r.replicationInfoList.consumerGroupReplications[0].synchroniseConsumerGroupOffsets, true);
        assert.deepStrictEqual(r.kafkaClusters[0].vpcConfig, { subnetIds: PRIMARY_REF.dataSubnetIds, securityGroupsIds: [PRIMARY_REF.mskSecurityGroupId] });
        assert.deepStrictEqual(r.kafkaClusters[1].vpcConfig.subnetIds, ["subnet-x", "subnet-y", "subnet-z"]);
        assert.strictEqual(r.region, undefined, "the replicator lives in its target region");
        const back = res.one(T.replicator, "data-msk-replicator-to-us-east-1").inputs as any;
        assert.deepStrictEqual(
            [back.region, back.replicatorName, back.replicationInfoList.targetKafkaClusterArn, back.replicationInfoList.sourceKafkaClusterArn],
            ["us-east-1", "mall-us-east-1-msk-from-us-west-2", PRIMARY_REF.mskClusterArn, r.replicationInfoList.targetKafkaClusterArn],
        );
        assert.deepStrictEqual(back.kafkaClusters[1].vpcConfig, { subnetIds: PRIMARY_REF.dataSubnetIds, securityGroupsIds: [PRIMARY_REF.mskSecurityGroupId] });
        const logs = res.one("aws:cloudwatch/logGroup:LogGroup", "data-msk-replicator-to-us-east-1-logs").inputs;
        assert.deepStrictEqual([logs.region, logs.name, logs.kmsKeyId], ["us-east-1", "/aws/msk/mall-us-east-1-replicator-from-us-west-2", "arn:aws:kms:us-east-1:123456789012:key/useast1-logs"]);
        const role = res.one("aws:iam/role:Role", "data-msk-replicator-role").inputs;
        assert.strictEqual(role.name, "mall-us-west-2-msk-replicator", "matches the primary's cluster-policy pattern");
        const policy = JSON.parse(String(res.one("aws:iam/rolePolicy:RolePolicy", "data-msk-replicator-policy").inputs.policy));
        // The full action set is checked in deploy-ready.spec.ts; here, that both clusters are named.
        assert.deepStrictEqual(policy.Statement.map((s: { Sid: string; Resource: string[] }) => [s.Sid, s.Resource[0]]).slice(0, 1), [["SourceCluster", PRIMARY_REF.mskClusterArn]]);
        assert.ok(policy.Statement.some((s: { Resource: string[] }) => /^arn:aws:kafka:us-west-2:.*cluster\/mall-us-west-2-msk\//.test(s.Resource[0])));
    });

    it("S3: the last region owns every bucket's replication, both ways, RTC 15 min, replica key = the destination's s3 key, traces by prefix", () => {
        const configs = res.ofType(T.replication).sort((a, b) => a.name.localeCompare(b.name));
        assert.deepStrictEqual(configs.map((c) => [c.name, c.inputs.region, c.inputs.bucket]), [
            ["data-s3-replication-static-assets", "us-east-1", PRIMARY_REF.staticAssetsBucketName],
            ["data-s3-replication-static-assets-from-us-west-2", undefined, "mall-us-west-2-static-assets-123456789012"],
            ["data-s3-replication-traces", "us-east-1", PRIMARY_REF.tracesBucketName],
            ["data-s3-replication-traces-from-us-west-2", undefined, "mall-us-west-2-traces-123456789012"],
        ]);
        for (const c of configs) assert.strictEqual(c.retainOnDelete, true, `${c.name} survives an ownership hand-over`);
        const s3Key = res.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "data-traces-encryption").inputs as any;
        const ownKey = s3Key.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId;
        const rule = (configs[2].inputs.rules as any[])[0];
        assert.deepStrictEqual(rule.filter, { prefix: "us-east-1/" });
        assert.deepStrictEqual(rule.destination, {
            bucket: "arn:aws:s3:::mall-us-west-2-traces-123456789012",
            storageClass: "STANDARD",
            encryptionConfiguration: { replicaKmsKeyId: ownKey },
            replicationTime: { status: "Enabled", time: { minutes: 15 } },
            metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
        });
        assert.deepStrictEqual(rule.sourceSelectionCriteria, { sseKmsEncryptedObjects: { status: "Enabled" }, replicaModifications: { status: "Enabled" } });
        const back = (configs[1].inputs.rules as any[])[0];
        assert.deepStrictEqual([back.id, back.filter, back.destination.bucket, back.destination.encryptionConfiguration.replicaKmsKeyId], [
            "to-us-east-1",
            {},
            "arn:aws:s3:::mall-us-east-1-static-assets-123456789012",
            "arn:aws:kms:us-east-1:123456789012:alias/mall/us-east-1/s3",
        ]);
    });

    it("admits the primary's private tier into its DocumentDB and Valkey, and its own into the primary's (writes after a promotion)", () => {
        const rules = res.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => /-(from|at)-us-east-1/.test(r.name));
        assert.deepStrictEqual(
            rules.sort((a, b) => a.name.localeCompare(b.name)).map((r) => [r.name, r.inputs.region, r.inputs.securityGroupId === "sg-useast1docdb" || r.inputs.securityGroupId === "sg-useast1cache" ? r.inputs.securityGroupId : "own", r.inputs.fromPort, r.inputs.cidrIpv4]),
            ["cache", "docdb"].flatMap((st) => {
                const port = st === "docdb" ? 27017 : 6379;
                return [
                    ...[48, 64, 80].map((c, i) => [`data-${st}-at-us-east-1-from-us-west-2-${i}`, "us-east-1", `sg-useast1${st}`, port, `10.9.${c}.0/20`]),
                    ...[48, 64, 80].map((c, i) => [`data-${st}-from-us-east-1-${i}`, undefined, "own", port, `10.0.${c}.0/20`]),
                ];
            }),
        );
    });

    it("DynamoDB: the replica of the primary's table, its own key, PITR, deletion protection; OpenSearch: the cross-cluster connection", () => {
        const r = res.one(T.replica, "data-idempotency-replica");
        assert.deepStrictEqual(
            [r.inputs.globalTableArn, r.inputs.pointInTimeRecovery, r.inputs.deletionProtectionEnabled, r.protect],
            [PRIMARY_REF.idempotencyTableArn, true, true, true],
        );
        assert.match(String(r.inputs.kmsKeyArn), /^arn:aws:kms:us-west-2:/);
        const c = res.one(T.outbound, "data-search-to-us-east-1").inputs as any;
        assert.deepStrictEqual(c.remoteDomainInfo, { ownerId: "123456789012", region: "us-east-1", domainName: "mall-us-east-1-search" });
        assert.deepStrictEqual([c.localDomainInfo.region, c.localDomainInfo.domainName, c.acceptConnection], ["us-west-2", "mall-us-west-2-search", true]);
    });
});

describe("GlobalData (a third region)", () => {
    it("owns both directions of its links to the primary and to us-west-2, every bucket's replication (it is the last), and no DSQL cluster (two-region DSQL limit)", async () => {
        const regions = [...REGIONS, { name: "ap-northeast-2", role: "secondary" as const }];
        const third = await planSecondary(regions, "ap-northeast-2");
        assert.strictEqual(third.count(T.dsql), 0);
        assert.strictEqual(third.count(T.peering), 0);
        assert.deepStrictEqual(third.ofType(T.replicator).map((r) => [r.name, r.inputs.region]).sort(), [
            ["data-msk-replicator-from-us-east-1", undefined],
            ["data-msk-replicator-from-us-west-2", undefined],
            ["data-msk-replicator-to-us-east-1", "us-east-1"],
            ["data-msk-replicator-to-us-west-2", "us-west-2"],
        ]);
        assert.strictEqual(third.count(T.replica), 1);
        const configs = third.ofType(T.replication).sort((a, b) => a.name.localeCompare(b.name));
        assert.deepStrictEqual(configs.map((c) => [c.inputs.region, c.inputs.bucket]), [
            ["us-east-1", "mall-us-east-1-static-assets-123456789012"],
            [undefined, "mall-ap-northeast-2-static-assets-123456789012"],
            ["us-west-2", "mall-us-west-2-static-assets-123456789012"],
            ["us-east-1", "mall-us-east-1-traces-123456789012"],
            [undefined, "mall-ap-northeast-2-traces-123456789012"],
            ["us-west-2", "mall-us-west-2-traces-123456789012"],
        ]);
        const rules = (configs[0].inputs.rules as any[]).map((r) => [r.id, r.priority, r.destination.bucket, r.destination.encryptionConfiguration.replicaKmsKeyId]);
        assert.deepStrictEqual(rules[0], ["to-us-west-2", 1, "arn:aws:s3:::mall-us-west-2-static-assets-123456789012", "arn:aws:kms:us-west-2:123456789012:alias/mall/us-west-2/s3"]);
        assert.strictEqual(rules[1][3].startsWith("arn:aws:kms:ap-northeast-2:123456789012:key/"), true, "its own key by ARN");
        const owner = await planSecondary(regions, "us-west-2");
        assert.strictEqual(owner.count(T.replication), 0, "us-west-2 is no longer the last");
    });
});

describe("GlobalData (small profile)", () => {
    it("sizes every store down and keeps the global features", async () => {
        const res = await planPrimary(SMALL);
        assert.deepStrictEqual(res.ofType(T.instance).map((i) => i.inputs.instanceClass), ["db.r6g.large", "db.r6g.large"]);
        assert.deepStrictEqual(res.ofType(T.docdbInstance).map((i) => i.name), ["data-docdb-writer"]);
        const g = res.one(T.rg, "data-cache-group").inputs;
        assert.deepStrictEqual([g.nodeType, g.numNodeGroups, g.replicasPerNodeGroup], ["cache.r7g.large", 1, 1]);
        const d = res.one(T.domain, "data-search-domain").inputs as any;
        assert.deepStrictEqual([d.clusterConfig.instanceCount, d.clusterConfig.dedicatedMasterEnabled, d.clusterConfig.zoneAwarenessConfig], [2, false, { availabilityZoneCount: 2 }]);
        assert.deepStrictEqual(d.vpcOptions.subnetIds, ["subnet-a", "subnet-b"]);
        assert.strictEqual(res.count(T.grg), 1);
        assert.strictEqual(res.one(T.cluster, "data-aurora-cluster").inputs.backupRetentionPeriod, 35);
    });
});

describe("GlobalData: landing on a deployed pair and topics as code", () => {
    const secondary = (extra: Partial<ConstructorParameters<typeof GlobalData>[1]>) =>
        planComponent(
            () =>
                new GlobalData("data", {
                    context: testContext("us-west-2", "secondary"),
                    network: { vpcId: "vpc-secondary", dataSubnetIds: ["subnet-x", "subnet-y", "subnet-z"] },
                    clientSecurityGroupId: "sg-clients",
                    deployerArns: [DEPLOYER_ARN],
                    links: planLinks(REGIONS, "us-west-2"),
                    primary: PRIMARY_REF,
                    earlier: [earlierRef("us-east-1", 0)],
                    privateSubnetCidrs: ["10.1.48.0/20", "10.1.64.0/20", "10.1.80.0/20"],
                    kafkaAdminSecurityGroupIds: ["sg-deployrunner", "sg-previewrunner"],
                    ...extra,
                }),
            { region: "us-west-2" },
        );
    const start = (res: Resources, name: string) => (res.one(T.replicator, name).inputs as any).replicationInfoList.topicReplications[0].startingPosition.type;

    it("reads from the earliest offset both ways by default; mall:mskOutboundStartingPosition LATEST moves only the outbound replicator", async () => {
        const fresh = await secondary({});
        assert.deepStrictEqual([start(fresh, "data-msk-replicator-from-us-east-1"), start(fresh, "data-msk-replicator-to-us-east-1")], ["EARLIEST", "EARLIEST"]);
        const landing = await secondary({ mskOutboundStartingPosition: "LATEST" });
        assert.deepStrictEqual([start(landing, "data-msk-replicator-from-us-east-1"), start(landing, "data-msk-replicator-to-us-east-1")], ["EARLIEST", "LATEST"]);
    });

    it("the outbound replicator waits for this cluster's policy (MSK builds its private connection here), the inbound for its role's", async () => {
        const res = await secondary({});
        const out = res.one(T.replicator, "data-msk-replicator-to-us-east-1");
        assert.ok(out.dependencies.includes(res.urn("data-msk-policy")), out.dependencies.join("\n"));
        assert.ok(out.dependencies.includes(res.urn("data-msk-replicator-to-us-east-1-policy")));
        assert.ok(res.one(T.replicator, "data-msk-replicator-from-us-east-1").dependencies.includes(res.urn("data-msk-replicator-policy")));
    });

    it("creates the spec's topics after the runners' ingress rules; adopts existing ones by name when asked; declares none when told not to", async () => {
        const res = await secondary({});
        const topics = res.ofType("kafka:index/topic:Topic");
        assert.strictEqual(topics.length, 15, "the spec lists 15 topics (ARCHITECTURE §4)");
        for (const t of topics) {
            for (const rule of ["data-msk-from-admin-0", "data-msk-from-admin-1"]) assert.ok(t.dependencies.includes(res.urn(rule)), `${t.name} waits for ${rule}`);
            assert.strictEqual(t.import, undefined);
            assert.strictEqual(t.protect, true);
        }
        const adopted = await secondary({ adoptKafkaTopics: true });
        assert.deepStrictEqual(adopted.ofType("kafka:index/topic:Topic").map((t) => t.import), adopted.ofType("kafka:index/topic:Topic").map((t) => t.inputs.name));
        assert.strictEqual((await secondary({ topics: false })).count("kafka:index/topic:Topic"), 0);
    });

    it("keeps the replication role when the stack stops owning the configurations that name it", async () => {
        const res = await secondary({});
        assert.strictEqual(res.one("aws:iam/role:Role", "data-s3-replication-role").retainOnDelete, true);
        assert.strictEqual(res.one("aws:iam/rolePolicy:RolePolicy", "data-s3-replication-policy").retainOnDelete, true);
    });
});
