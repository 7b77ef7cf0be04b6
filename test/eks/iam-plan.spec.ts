import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import * as assert from "assert";
import * as fc from "fast-check";
import { SERVICES, Store } from "../../components/catalogue";
import { actionsOf, irsaTrust, resourcesOf } from "../../components/common/iam";
import {
    ScopedPolicy as PolicyDocument,
    ServiceStoreRefs,
    databaseUser,
    karpenterControllerPolicy,
    loadBalancerControllerPolicy,
    planServicePolicies,
    planServicePolicy,
    topicArnPrefix,
} from "../../components/eks/iam-plan";

const env = { region: "us-east-1", accountId: "123456789012" };
const TOPICS = "arn:aws:kafka:us-east-1:123456789012:topic/mall-msk/uuid-1/";
const GROUPS = "arn:aws:kafka:us-east-1:123456789012:group/mall-msk/uuid-1/";
const KEYS: Record<Store, string> = {
    aurora: "arn:aws:kms:us-east-1:123456789012:key/aurora",
    dsql: "arn:aws:kms:us-east-1:123456789012:key/dsql",
    docdb: "arn:aws:kms:us-east-1:123456789012:key/docdb",
    cache: "arn:aws:kms:us-east-1:123456789012:key/cache",
    search: "arn:aws:kms:us-east-1:123456789012:key/search",
    idempotency: "arn:aws:kms:us-east-1:123456789012:key/idempotency",
    assets: "arn:aws:kms:us-east-1:123456789012:key/assets",
};

/** Every store given, and a per-service secret and cache user for EVERY service, so a leak would show. */
const FULL: ServiceStoreRefs = {
    auroraClusterResourceId: "cluster-AURORA",
    dsqlClusterArn: "arn:aws:dsql:us-east-1:123456789012:cluster/dsql1",
    docdbSecretArns: Object.fromEntries(SERVICES.map((s) => [s.name, `arn:aws:secretsmanager:us-east-1:123456789012:secret:docdb/${s.name}`])),
    cacheReplicationGroupArn: "arn:aws:elasticache:us-east-1:123456789012:replicationgroup:mall-cache",
    cacheSecretArns: Object.fromEntries(["cart", "pricing", "api-gateway"].map((s) => [s, `arn:aws:secretsmanager:us-east-1:123456789012:secret:cache-${s}`])),
    secretsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/secrets",
    cacheUserArns: Object.fromEntries(SERVICES.map((s) => [s.name, `arn:aws:elasticache:us-east-1:123456789012:user:${s.name}`])),
    mskClusterArn: "arn:aws:kafka:us-east-1:123456789012:cluster/mall-msk/uuid-1",
    mskTopicArnPrefix: TOPICS,
    assetsBucketArn: "arn:aws:s3:::mall-assets",
    idempotencyTableArn: "arn:aws:dynamodb:us-east-1:123456789012:table/mall-idempotency",
    searchDomainArn: "arn:aws:es:us-east-1:123456789012:domain/mall-search",
    keyArns: KEYS,
};

const sids = (p: PolicyDocument, service: string) => p.Statement.map((s) => s.Sid.replace(service.split("-").map((w) => w[0].toUpperCase() + w.slice(1)).join(""), ""));

/** Written out by hand from ARCHITECTURE §3's store table, independent of the planner. */
const EXPECTED: Record<string, string[]> = {
    "product-catalog": ["DocdbSecret", "SecretsKey"],
    search: ["SearchIndices"],
    cart: ["CacheConnect", "CacheSecret", "SecretsKey"],
    order: ["DsqlConnect", "IdempotencyKeys"],
    payment: ["DsqlConnect", "IdempotencyKeys"],
    inventory: ["DsqlConnect", "IdempotencyKeys"],
    "user-account": ["AuroraConnect"],
    "user-profile": ["DocdbSecret", "SecretsKey"],
    wishlist: ["DocdbSecret", "SecretsKey"],
    review: ["DocdbSecret", "SecretsKey"],
    shipping: ["AuroraConnect"],
    warehouse: ["AuroraConnect"],
    returns: ["AuroraConnect"],
    pricing: ["CacheConnect", "CacheSecret", "SecretsKey"],
    recommendation: ["DocdbSecret", "SecretsKey"],
    notification: ["DocdbSecret", "SecretsKey", "SearchIndices"],
    seller: ["AssetsObjects", "AssetsList", "AssetsKey"],
    "api-gateway": ["CacheConnect", "CacheSecret", "SecretsKey"],
    "event-bus": [],
    analytics: ["DocdbSecret", "SecretsKey", "SearchIndices"],
};

/** Wildcard actions the pack rejects: `*` and `service:*`. */
function wildcardActions(p: PolicyDocument): string[] {
    return actionsOf(p).filter((a) => a === "*" || /^[a-z0-9-]+:\*$/.test(a));
}

/** Actions allowed on Resource "*" (no resource-level permission exists for them). */
const STAR_OK = /^(xray:(PutTraceSegments|PutTelemetryRecords|GetSamplingRules|GetSamplingTargets)|cloudwatch:PutMetricData|ec2:Describe\w+|elasticloadbalancing:Describe\w+|pricing:GetProducts|iam:ListInstanceProfiles)$/;

function starOffenders(p: PolicyDocument): string[] {
    return p.Statement.filter((s) => s.Resource === "*" || (Array.isArray(s.Resource) && s.Resource.includes("*"))).flatMap((s) =>
        (typeof s.Action === "string" ? [s.Action] : [...s.Action]).filter((a) => !STAR_OK.test(a)),
    );
}

describe("IAM plan", () => {
    describe("service policies from the catalogue", () => {
        const policies = planServicePolicies(FULL, env);

        it("give each of the 20 services exactly the statements of its stores (plus telemetry and Kafka)", () => {
            assert.deepStrictEqual([...policies.keys()], Object.keys(EXPECTED));
            for (const svc of SERVICES) {
                const kafka = ["KafkaConnect", "KafkaPublish", ...(svc.consumes.length > 0 ? ["KafkaConsume", "KafkaGroups"] : [])];
                assert.deepStrictEqual(sids(policies.get(svc.name)!, svc.name), ["Tracing", "Metrics", ...EXPECTED[svc.name], ...kafka], svc.name);
            }
        });

        it("let DocumentDB and Valkey services list only their stores' writer directory in their own region", () => {
            const withDirectory = planServicePolicies({ ...FULL, writerDirectoryPath: "/mall/writers/" }, env);
            const base = `arn:aws:ssm:${env.region}:${env.accountId}:parameter/mall/writers/`;
            for (const svc of SERVICES) {
                const st = (withDirectory.get(svc.name)!.Statement as unknown as { Sid?: string; Resource?: unknown }[]).find((x) => x.Sid?.endsWith("WriterDirectory"));
                const stores = (["docdb", "cache"] as const).filter((x) => svc.stores.includes(x));
                assert.deepStrictEqual(st?.Resource, stores.length ? stores.flatMap((x) => [`${base}${x}`, `${base}${x}/*`]) : undefined, svc.name);
            }
        });

        it("never reach another service's secret, cache user, database user, index, key prefix, bucket prefix or consumer group", () => {
            for (const svc of SERVICES) {
                const text = JSON.stringify(policies.get(svc.name));
                for (const other of SERVICES.filter((o) => o.name !== svc.name)) {
                    for (const foreign of [
                        FULL.docdbSecretArns![other.name],
                        FULL.cacheUserArns![other.name],
                        `dbuser:cluster-AURORA/${databaseUser(other.name)}"`,
                        `domain/mall-search/${other.name}-*`,
                        `"${other.name}#*"`,
                        `mall-assets/${other.name}/*`,
                        `${GROUPS}${other.name}*`,
                    ]) {
                        assert.ok(!text.includes(foreign), `${svc.name} must not reach ${other.name}'s ${foreign}`);
                    }
                }
            }
        });

        it("grant only the stores a service lists", () => {
            const storeOf: [string, Store][] = [
                ["rds-db:", "aurora"],
                [FULL.dsqlClusterArn!, "dsql"],
                ["secret:docdb/", "docdb"],
                ["elasticache", "cache"],
                ["secret:cache-", "cache"],
                [FULL.searchDomainArn!, "search"],
                [FULL.idempotencyTableArn!, "idempotency"],
                [FULL.assetsBucketArn!, "assets"],
            ];
            for (const svc of SERVICES) {
                const resources = resourcesOf(policies.get(svc.name)!);
                assert.strictEqual(resources.includes(FULL.secretsKeyArn!), svc.stores.includes("docdb") || svc.stores.includes("cache"), `${svc.name} secrets key`);
                for (const [marker, store] of storeOf) {
                    const reaches = resources.some((r) => r.includes(marker));
                    assert.strictEqual(reaches, svc.stores.includes(store), `${svc.name} ${reaches ? "reaches" : "misses"} ${store}`);
                }
                for (const [store, key] of Object.entries(KEYS)) {
                    if (resources.includes(key)) assert.ok(svc.stores.includes(store as Store), `${svc.name} uses the ${store} key`);
                }
            }
        });

        it("are exact for order: DSQL connect, its idempotency keys, its topics", () => {
            const order = SERVICES.find((s) => s.name === "order")!;
            assert.deepStrictEqual(planServicePolicy(order, FULL, env).Statement.slice(2), [
                { Sid: "OrderDsqlConnect", Effect: "Allow", Action: "dsql:DbConnect", Resource: FULL.dsqlClusterArn },
                {
                    Sid: "OrderIdempotencyKeys",
                    Effect: "Allow",
                    Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem"],
                    Resource: FULL.idempotencyTableArn,
                    Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["order#*"] } },
                },
                {
                    Sid: "OrderKafkaConnect",
                    Effect: "Allow",
                    Action: ["kafka-cluster:Connect", "kafka-cluster:DescribeCluster", "kafka-cluster:WriteDataIdempotently"],
                    Resource: FULL.mskClusterArn,
                },
                { Sid: "OrderKafkaPublish", Effect: "Allow", Action: ["kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"], Resource: [`${TOPICS}order.*`, `${TOPICS}saga.*`, `${TOPICS}dlq.*`] },
                {
                    Sid: "OrderKafkaConsume",
                    Effect: "Allow",
                    Action: ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"],
                    // Local topics, then their replicas from the other regions (`<alias>.payment.completed`).
                    Resource: [`${TOPICS}payment.*`, `${TOPICS}inventory.*`, `${TOPICS}saga.*`, `${TOPICS}*.payment.*`, `${TOPICS}*.inventory.*`, `${TOPICS}*.saga.*`],
                },
                { Sid: "OrderKafkaGroups", Effect: "Allow", Action: ["kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup"], Resource: `${GROUPS}order*` },
            ]);
        });

        it("are exact for user-account (Aurora IAM auth as its own user) and seller (its bucket prefix)", () => {
            const ua = planServicePolicy(SERVICES.find((s) => s.name === "user-account")!, FULL, env);
            assert.deepStrictEqual(ua.Statement[2], {
                Sid: "UserAccountAuroraConnect",
                Effect: "Allow",
                Action: "rds-db:connect",
                Resource: "arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-AURORA/user_account",
            });
            const seller = planServicePolicy(SERVICES.find((s) => s.name === "seller")!, FULL, env);
            assert.deepStrictEqual(resourcesOf(seller).slice(0, 5), ["*", "*", "arn:aws:s3:::mall-assets/seller/*", "arn:aws:s3:::mall-assets", KEYS.assets]);
        });

        it("derive the topic and group ARNs from the MSK cluster ARN when no prefix is given", () => {
            const { mskTopicArnPrefix: _prefix, ...refs } = FULL;
            const derived = planServicePolicies(refs, env);
            for (const svc of SERVICES) assert.deepStrictEqual(derived.get(svc.name), policies.get(svc.name), svc.name);
            assert.strictEqual(topicArnPrefix("arn:aws:kafka:us-east-1:123456789012:cluster/mall-msk/uuid-1"), TOPICS);
        });

        it("grant only telemetry when no store identifiers are given", () => {
            for (const [name, p] of planServicePolicies({}, env)) {
                assert.deepStrictEqual(sids(p, name), ["Tracing", "Metrics"], name);
                assert.deepStrictEqual(p.Statement[1].Condition, { StringEquals: { "cloudwatch:namespace": `mall/${name}` } });
            }
        });

        it("never allow * or service:* actions, nor non-read actions on every resource (any refs)", () => {
            const arn = fc.stringMatching(/^arn:aws:[a-z]{2,8}:us-east-1:123456789012:[a-z0-9/-]{1,20}$/);
            fc.assert(
                fc.property(
                    fc.record({ dsqlClusterArn: arn, mskClusterArn: arn, mskTopicArnPrefix: arn, assetsBucketArn: arn, idempotencyTableArn: arn, searchDomainArn: arn }, { requiredKeys: [] }),
                    (refs) => {
                        for (const p of planServicePolicies(refs, env).values()) {
                            assert.deepStrictEqual(wildcardActions(p), []);
                            assert.deepStrictEqual(starOffenders(p), []);
                        }
                    },
                ),
                { numRuns: 50 },
            );
        });
    });

    describe("IRSA trust", () => {
        it("trusts exactly one namespace/service account through the cluster's OIDC provider", () => {
            const arn = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC";
            assert.deepStrictEqual(irsaTrust(arn, "https://oidc.eks.us-east-1.amazonaws.com/id/ABC", "commerce", "order"), {
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { Federated: arn },
                        Action: "sts:AssumeRoleWithWebIdentity",
                        Condition: {
                            StringEquals: {
                                "oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:commerce:order",
                                "oidc.eks.us-east-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
                            },
                        },
                    },
                ],
            });
        });
    });

    describe("Karpenter controller policy", () => {
        const p = karpenterControllerPolicy({
            ...env,
            clusterName: "mall-us-east-1",
            interruptionQueueArn: "arn:aws:sqs:us-east-1:123456789012:mall-us-east-1",
            interruptionQueueKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
            nodeRoleArn: "arn:aws:iam::123456789012:role/mall-us-east-1-karpenter-node",
        });
        const stmt = (sid: string) => p.Statement.find((s) => s.Sid === sid)!;

        it("has no wildcard-service action and nothing but reads on *", () => {
            assert.deepStrictEqual(wildcardActions(p), []);
            assert.deepStrictEqual(starOffenders(p), []);
        });

        it("launches only with the cluster ownership and nodepool tags in the request", () => {
            assert.deepStrictEqual(stmt("AllowScopedEC2InstanceActionsWithTags").Condition, {
                StringEquals: { "aws:RequestTag/kubernetes.io/cluster/mall-us-east-1": "owned", "aws:RequestTag/eks:eks-cluster-name": "mall-us-east-1" },
                StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
            });
            assert.deepStrictEqual(stmt("AllowScopedDeletion").Condition, {
                StringEquals: { "aws:ResourceTag/kubernetes.io/cluster/mall-us-east-1": "owned" },
                StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
            });
        });

        it("matches Karpenter v1.9.0's getting-started CloudFormation statement for statement on EC2 (capacity reservations included)", () => {
            const cfn = YAML.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "iam", "karpenter-v1.9.0", "cloudformation.yaml"), "utf8"), { logLevel: "silent", customTags: [{ tag: "!Sub", resolve: (v: string) => v }] }) as {
                Resources: { KarpenterControllerPolicy: { Properties: { PolicyDocument: string } } };
            };
            const text = cfn.Resources.KarpenterControllerPolicy.Properties.PolicyDocument.replace(/\$\{AWS::Partition\}/g, "aws").replace(/\$\{AWS::Region\}/g, "us-east-1").replace(/\$\{ClusterName\}/g, "mall-us-east-1");
            const upstream = JSON.parse(text.replace(/\$\{[^}]+\}/g, "X")) as { Statement: { Sid: string }[] };
            const ec2Sids = ["AllowScopedEC2InstanceAccessActions", "AllowScopedEC2LaunchTemplateAccessActions", "AllowScopedEC2InstanceActionsWithTags", "AllowScopedResourceCreationTagging", "AllowScopedResourceTagging", "AllowScopedDeletion", "AllowRegionalReadActions"];
            const norm = (st: unknown) => JSON.parse(JSON.stringify(st, (_k, v: unknown) => (Array.isArray(v) ? [...v].sort() : v && typeof v === "object" ? Object.fromEntries(Object.entries(v as object).sort(([a], [b]) => a.localeCompare(b))) : v)));
            for (const sid of ec2Sids) assert.deepStrictEqual(norm(stmt(sid)), norm(upstream.Statement.find((s) => s.Sid === sid)), sid);
        });

        it("passes only the node role, to EC2, and reads only its own queue and cluster", () => {
            assert.deepStrictEqual(stmt("AllowPassingInstanceRole"), {
                Sid: "AllowPassingInstanceRole",
                Effect: "Allow",
                Action: "iam:PassRole",
                Resource: "arn:aws:iam::123456789012:role/mall-us-east-1-karpenter-node",
                Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
            });
            assert.strictEqual(stmt("AllowInterruptionQueueActions").Resource, "arn:aws:sqs:us-east-1:123456789012:mall-us-east-1");
            assert.strictEqual(stmt("AllowAPIServerEndpointDiscovery").Resource, "arn:aws:eks:us-east-1:123456789012:cluster/mall-us-east-1");
        });
    });

    describe("AWS Load Balancer Controller policy", () => {
        const base = { ...env, nodeSecurityGroupId: "sg-1", vpcId: "vpc-1" };
        it("registers targets only in the bound target group, and only once there is one", () => {
            const without = loadBalancerControllerPolicy(base);
            assert.ok(!actionsOf(without).includes("elasticloadbalancing:RegisterTargets"));
            const tg = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/1";
            const withTg = loadBalancerControllerPolicy({ ...base, targetGroupArn: tg });
            assert.deepStrictEqual(withTg.Statement.find((s) => s.Sid === "RegisterApiGatewayTargets")?.Resource, tg);
            assert.deepStrictEqual(withTg.Statement.find((s) => s.Sid === "ManageNodeIngressForTargets")?.Resource, "arn:aws:ec2:us-east-1:123456789012:security-group/sg-1");
            assert.deepStrictEqual(wildcardActions(withTg), []);
            assert.deepStrictEqual(starOffenders(withTg), []);
        });
    });
});
