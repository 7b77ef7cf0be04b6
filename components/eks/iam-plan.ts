/**
 * IAM documents for the cluster, as plain records: IRSA trust policies, each service's least-
 * privilege policy from the catalogue (a service reaches only its own stores: its database user,
 * its DocumentDB secret, its key prefix, its topics, its bucket prefix), the Karpenter controller
 * policy (upstream v1, scoped by tags) and the AWS Load Balancer Controller policy (target-group
 * binding only). Pure: no Pulumi or AWS imports; the component serialises the records with
 * JSON.stringify once the store identifiers are known.
 *
 * No statement allows `*` or `service:*` actions; specific actions on `*` appear only where AWS
 * offers no resource-level permission (Describe*, pricing, X-Ray, PutMetricData with a namespace
 * condition).
 */
import { SERVICES, ServiceSpec, Store } from "../catalogue";
import { PolicyDocument, PolicyStatement } from "../common/iam";

/** Every statement of the cluster's own policies names itself and what it applies to. */
export type Statement = PolicyStatement & { readonly Sid: string; readonly Resource: string | readonly string[] };
/** A policy of the cluster's roles: every statement with a Sid and a Resource. */
export type ScopedPolicy = PolicyDocument<Statement>;

const doc = (statements: Statement[]): ScopedPolicy => ({ Version: "2012-10-17", Statement: statements });

/**
 * Identifiers of the data stores (GlobalData's outputs, or a StackReference's). All optional: a
 * store that is not given grants nothing. `T` is `string` for the planner and
 * `pulumi.Input<string>` in the component's args.
 */
export interface ServiceStoreRefs<T = string> {
    /** Aurora cluster resource id (`cluster-ABC…`), for `rds-db:connect` as the service's own database user. */
    readonly auroraClusterResourceId?: T;
    /** Aurora DSQL cluster ARN, for `dsql:DbConnect` (never DbConnectAdmin). */
    readonly dsqlClusterArn?: T;
    /**
     * DocumentDB credentials secret per service: service name → secret ARN (GlobalData's
     * `docdbServiceSecretArns`: each service its own user, never the master's).
     */
    readonly docdbSecretArns?: Readonly<Record<string, T>>;
    /** Per cache service, its own user's credentials secret (GlobalData's `cacheServiceSecretArns`): each reads only its own. */
    readonly cacheSecretArns?: Readonly<Record<string, T>>;
    /** KMS key the Secrets Manager secrets above are encrypted with (GlobalData's `secrets` key). */
    readonly secretsKeyArn?: T;
    /** ElastiCache replication group ARN, for `elasticache:Connect` (IAM auth). */
    readonly cacheReplicationGroupArn?: T;
    /** ElastiCache user per service: service name → user ARN. */
    readonly cacheUserArns?: Readonly<Record<string, T>>;
    /** MSK cluster ARN. */
    readonly mskClusterArn?: T;
    /**
     * `arn:aws:kafka:<region>:<account>:topic/<cluster-name>/<cluster-uuid>/`; the group ARNs derive
     * from it. @default - derived from mskClusterArn
     */
    readonly mskTopicArnPrefix?: T;
    /** S3 assets bucket ARN; each service gets its own `<service>/` prefix. */
    readonly assetsBucketArn?: T;
    /** DynamoDB idempotency table ARN; each service owns the partition keys `<service>#…`. */
    readonly idempotencyTableArn?: T;
    /** OpenSearch domain ARN; each service owns the indices `<service>-*`. */
    readonly searchDomainArn?: T;
    /**
     * `/<project>/writers/`: the writer directory (components/data/writer-directory.ts) the DocumentDB
     * and Valkey services read in their own region to find the writer. @default - not granted
     */
    readonly writerDirectoryPath?: T;
    /** Customer-managed key of each store. Only keys a client must use itself are granted (today: the assets bucket's, for SSE-KMS objects). */
    readonly keyArns?: Readonly<Partial<Record<Store, T>>>;
}

export interface PlanEnv {
    readonly region: string;
    readonly accountId: string;
}

/** The PostgreSQL role a service logs in as (Aurora IAM auth), which StoreIdentities creates. */
export { databaseUser } from "../identities/plan";
import { databaseUser } from "../identities/plan";

import { groupArnPrefix, topicArnPrefix } from "../common/msk-arn";
import { WRITER_REGION_STORES } from "../data/plan";

export { groupArnPrefix, topicArnPrefix };

function sid(service: string, what: string): string {
    const camel = (s: string) => s.split(/[^A-Za-z0-9]/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join("");
    return `${camel(service)}${what}`;
}

/**
 * The policy of one service's IRSA role. Telemetry (X-Ray, its own metric namespace) is always
 * granted; everything else only for a store the catalogue lists for the service AND whose
 * identifier is in `refs`. Every service talks to Kafka (it publishes to its own topics and reads
 * the ones it consumes).
 */
export function planServicePolicy(svc: ServiceSpec, refs: ServiceStoreRefs, env: PlanEnv): ScopedPolicy {
    const s: Statement[] = [
        {
            Sid: sid(svc.name, "Tracing"),
            Effect: "Allow",
            Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"],
            Resource: "*",
        },
        {
            Sid: sid(svc.name, "Metrics"),
            Effect: "Allow",
            Action: "cloudwatch:PutMetricData",
            Resource: "*",
            Condition: { StringEquals: { "cloudwatch:namespace": `mall/${svc.name}` } },
        },
    ];
    const has = (store: Store) => svc.stores.includes(store);
    const key = (store: Store) => refs.keyArns?.[store];
    const via = (awsService: string) => ({ StringEquals: { "kms:ViaService": `${awsService}.${env.region}.amazonaws.com` } });

    if (has("aurora") && refs.auroraClusterResourceId) {
        s.push({
            Sid: sid(svc.name, "AuroraConnect"),
            Effect: "Allow",
            Action: "rds-db:connect",
            Resource: `arn:aws:rds-db:${env.region}:${env.accountId}:dbuser:${refs.auroraClusterResourceId}/${databaseUser(svc.name)}`,
        });
    }
    if (has("dsql") && refs.dsqlClusterArn) {
        s.push({ Sid: sid(svc.name, "DsqlConnect"), Effect: "Allow", Action: "dsql:DbConnect", Resource: refs.dsqlClusterArn });
    }
    // Secrets this service reads; their key is granted only through Secrets Manager.
    const secrets: string[] = [];
    const secret = refs.docdbSecretArns?.[svc.name];
    if (has("docdb") && secret) {
        s.push({ Sid: sid(svc.name, "DocdbSecret"), Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], Resource: secret });
        secrets.push(secret);
    }
    if (has("cache") && refs.cacheReplicationGroupArn) {
        const user = refs.cacheUserArns?.[svc.name];
        s.push({
            Sid: sid(svc.name, "CacheConnect"),
            Effect: "Allow",
            Action: "elasticache:Connect",
            Resource: user ? [refs.cacheReplicationGroupArn, user] : refs.cacheReplicationGroupArn,
        });
    }
    const cacheSecret = refs.cacheSecretArns?.[svc.name];
    if (has("cache") && cacheSecret) {
        s.push({ Sid: sid(svc.name, "CacheSecret"), Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], Resource: cacheSecret });
        secrets.push(cacheSecret);
    }
    const directories = WRITER_REGION_STORES.filter((st) => has(st));
    if (directories.length > 0 && refs.writerDirectoryPath) {
        // Standard parameters are encrypted with the AWS-managed key: no KMS grant needed.
        const base = `arn:aws:ssm:${env.region}:${env.accountId}:parameter${refs.writerDirectoryPath}`;
        s.push({
            Sid: sid(svc.name, "WriterDirectory"),
            Effect: "Allow",
            Action: ["ssm:GetParametersByPath", "ssm:GetParameter", "ssm:GetParameters"],
            Resource: directories.flatMap((st) => [`${base}${st}`, `${base}${st}/*`]),
        });
    }
    if (secrets.length > 0 && refs.secretsKeyArn) {
        s.push({ Sid: sid(svc.name, "SecretsKey"), Effect: "Allow", Action: "kms:Decrypt", Resource: refs.secretsKeyArn, Condition: via("secretsmanager") });
    }
    if (has("search") && refs.searchDomainArn) {
        s.push({
            Sid: sid(svc.name, "SearchIndices"),
            Effect: "Allow",
            Action: ["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut", "es:ESHttpDelete"],
            Resource: `${refs.searchDomainArn}/${svc.name}-*`,
        });
    }
    if (has("idempotency") && refs.idempotencyTableArn) {
        s.push({
            Sid: sid(svc.name, "IdempotencyKeys"),
            Effect: "Allow",
            Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem"],
            Resource: refs.idempotencyTableArn,
            Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [`${svc.name}#*`] } },
        });
    }
    if (has("assets") && refs.assetsBucketArn) {
        s.push(
            {
                Sid: sid(svc.name, "AssetsObjects"),
                Effect: "Allow",
                Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                Resource: `${refs.assetsBucketArn}/${svc.name}/*`,
            },
            {
                Sid: sid(svc.name, "AssetsList"),
                Effect: "Allow",
                Action: "s3:ListBucket",
                Resource: refs.assetsBucketArn,
                Condition: { StringLike: { "s3:prefix": [`${svc.name}/*`] } },
            },
        );
        const k = key("assets");
        if (k) s.push({ Sid: sid(svc.name, "AssetsKey"), Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: k, Condition: via("s3") });
    }
    if (refs.mskClusterArn) {
        const prefix = refs.mskTopicArnPrefix ?? topicArnPrefix(refs.mskClusterArn);
        const topics = (prefixes: readonly string[]) => prefixes.map((p) => `${prefix}${p}*`);
        s.push({
            Sid: sid(svc.name, "KafkaConnect"),
            Effect: "Allow",
            Action: ["kafka-cluster:Connect", "kafka-cluster:DescribeCluster", ...(svc.publishes.length > 0 ? ["kafka-cluster:WriteDataIdempotently"] : [])],
            Resource: refs.mskClusterArn,
        });
        if (svc.publishes.length > 0) {
            s.push({ Sid: sid(svc.name, "KafkaPublish"), Effect: "Allow", Action: ["kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"], Resource: topics(svc.publishes) });
        }
        if (svc.consumes.length > 0) {
            // Events from the other regions arrive under the source cluster's alias (MSK Replicator,
            // prefixed names: `<alias>.order.created`): a consumer reads both its local topics and
            // their replicas, never writes the replicas.
            const replicated = svc.consumes.map((p) => `${prefix}*.${p}*`);
            s.push(
                { Sid: sid(svc.name, "KafkaConsume"), Effect: "Allow", Action: ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"], Resource: [...topics(svc.consumes), ...replicated] },
                {
                    Sid: sid(svc.name, "KafkaGroups"),
                    Effect: "Allow",
                    Action: ["kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup"],
                    Resource: `${groupArnPrefix(prefix)}${svc.name}*`,
                },
            );
        }
    }
    return doc(s);
}

/** Every service's policy, in catalogue order. */
export function planServicePolicies(refs: ServiceStoreRefs, env: PlanEnv, services: readonly ServiceSpec[] = SERVICES): Map<string, ScopedPolicy> {
    return new Map(services.map((svc) => [svc.name, planServicePolicy(svc, refs, env)]));
}

export interface KarpenterPolicyInputs extends PlanEnv {
    readonly clusterName: string;
    readonly interruptionQueueArn: string;
    readonly interruptionQueueKeyArn: string;
    readonly nodeRoleArn: string;
}

/**
 * The Karpenter v1 controller policy (upstream CloudFormation reference, v1.x): launches are only
 * allowed with the cluster's ownership tag and a `karpenter.sh/nodepool` tag in the request, and
 * terminations only on instances carrying them, so the controller cannot touch anything it did
 * not launch.
 */
export function karpenterControllerPolicy(i: KarpenterPolicyInputs): ScopedPolicy {
    const ec2 = (r: string) => `arn:aws:ec2:${i.region}:*:${r}`;
    const owned = { [`aws:ResourceTag/kubernetes.io/cluster/${i.clusterName}`]: "owned" };
    const requestOwned = {
        [`aws:RequestTag/kubernetes.io/cluster/${i.clusterName}`]: "owned",
        "aws:RequestTag/eks:eks-cluster-name": i.clusterName,
    };
    const launched = ["fleet/*", "instance/*", "volume/*", "network-interface/*", "launch-template/*", "spot-instances-request/*"].map(ec2);
    const profile = `arn:aws:iam::${i.accountId}:instance-profile/*`;
    return doc([
        {
            Sid: "AllowScopedEC2InstanceAccessActions",
            Effect: "Allow",
            Action: ["ec2:RunInstances", "ec2:CreateFleet"],
            // Images and snapshots are owned by other accounts (Amazon), hence the empty account field.
            Resource: [`arn:aws:ec2:${i.region}::image/*`, `arn:aws:ec2:${i.region}::snapshot/*`, ec2("security-group/*"), ec2("subnet/*"), ec2("capacity-reservation/*")],
        },
        {
            Sid: "AllowScopedEC2LaunchTemplateAccessActions",
            Effect: "Allow",
            Action: ["ec2:RunInstances", "ec2:CreateFleet"],
            Resource: ec2("launch-template/*"),
            Condition: { StringEquals: owned, StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" } },
        },
        {
            Sid: "AllowScopedEC2InstanceActionsWithTags",
            Effect: "Allow",
            Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
            // Capacity reservations too (upstream v1.9): a `reserved` NodePool launches into ODCRs.
            Resource: [...launched, ec2("capacity-reservation/*")],
            Condition: { StringEquals: requestOwned, StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" } },
        },
        {
            Sid: "AllowScopedResourceCreationTagging",
            Effect: "Allow",
            Action: "ec2:CreateTags",
            Resource: launched,
            Condition: {
                StringEquals: { ...requestOwned, "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"] },
                StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
            },
        },
        {
            Sid: "AllowScopedResourceTagging",
            Effect: "Allow",
            Action: "ec2:CreateTags",
            Resource: ec2("instance/*"),
            Condition: {
                StringEquals: owned,
                StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
                StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": i.clusterName },
                "ForAllValues:StringEquals": { "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"] },
            },
        },
        {
            Sid: "AllowScopedDeletion",
            Effect: "Allow",
            Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
            Resource: [ec2("instance/*"), ec2("launch-template/*")],
            Condition: { StringEquals: owned, StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" } },
        },
        {
            Sid: "AllowRegionalReadActions",
            Effect: "Allow",
            Action: [
                "ec2:DescribeCapacityReservations",
                "ec2:DescribeImages",
                "ec2:DescribeInstances",
                "ec2:DescribeInstanceTypeOfferings",
                "ec2:DescribeInstanceTypes",
                "ec2:DescribeLaunchTemplates",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSpotPriceHistory",
                "ec2:DescribeSubnets",
            ],
            Resource: "*",
            Condition: { StringEquals: { "aws:RequestedRegion": i.region } },
        },
        { Sid: "AllowSSMReadActions", Effect: "Allow", Action: "ssm:GetParameter", Resource: `arn:aws:ssm:${i.region}::parameter/aws/service/*` },
        { Sid: "AllowPricingReadActions", Effect: "Allow", Action: "pricing:GetProducts", Resource: "*" },
        {
            Sid: "AllowInterruptionQueueActions",
            Effect: "Allow",
            Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
            Resource: i.interruptionQueueArn,
        },
        {
            Sid: "AllowInterruptionQueueDecrypt",
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: i.interruptionQueueKeyArn,
            Condition: { StringEquals: { "kms:ViaService": `sqs.${i.region}.amazonaws.com` } },
        },
        {
            Sid: "AllowPassingInstanceRole",
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: i.nodeRoleArn,
            Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
        },
        {
            Sid: "AllowScopedInstanceProfileCreationActions",
            Effect: "Allow",
            Action: "iam:CreateInstanceProfile",
            Resource: profile,
            Condition: {
                StringEquals: { ...requestOwned, "aws:RequestTag/topology.kubernetes.io/region": i.region },
                StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
            },
        },
        {
            Sid: "AllowScopedInstanceProfileTagActions",
            Effect: "Allow",
            Action: "iam:TagInstanceProfile",
            Resource: profile,
            Condition: {
                StringEquals: {
                    ...owned,
                    "aws:ResourceTag/topology.kubernetes.io/region": i.region,
                    ...requestOwned,
                    "aws:RequestTag/topology.kubernetes.io/region": i.region,
                },
                StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*", "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
            },
        },
        {
            Sid: "AllowScopedInstanceProfileActions",
            Effect: "Allow",
            Action: ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
            Resource: profile,
            Condition: {
                StringEquals: { ...owned, "aws:ResourceTag/topology.kubernetes.io/region": i.region },
                StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" },
            },
        },
        { Sid: "AllowInstanceProfileReadActions", Effect: "Allow", Action: "iam:GetInstanceProfile", Resource: profile },
        { Sid: "AllowUnscopedInstanceProfileListAction", Effect: "Allow", Action: "iam:ListInstanceProfiles", Resource: "*" },
        {
            Sid: "AllowAPIServerEndpointDiscovery",
            Effect: "Allow",
            Action: "eks:DescribeCluster",
            Resource: `arn:aws:eks:${i.region}:${i.accountId}:cluster/${i.clusterName}`,
        },
    ]);
}

export interface LoadBalancerControllerInputs extends PlanEnv {
    /** The node/pod security group the controller opens to the origin ALB for the bound port. */
    readonly nodeSecurityGroupId: string;
    readonly vpcId: string;
    /** The bound target group; absent until the edge provides one (then nothing may be registered). */
    readonly targetGroupArn?: string;
}

/**
 * The AWS Load Balancer Controller only binds the edge's origin ALB target group to the api-gateway pods
 * (TargetGroupBinding); it provisions no load balancer, so it gets reads, target registration on
 * that one target group and ingress-rule management on the node security group.
 */
export function loadBalancerControllerPolicy(i: LoadBalancerControllerInputs): ScopedPolicy {
    const statements: Statement[] = [
        {
            Sid: "DescribeLoadBalancing",
            Effect: "Allow",
            Action: [
                "elasticloadbalancing:DescribeLoadBalancers",
                "elasticloadbalancing:DescribeListeners",
                "elasticloadbalancing:DescribeTargetGroups",
                "elasticloadbalancing:DescribeTargetGroupAttributes",
                "elasticloadbalancing:DescribeTargetHealth",
                "elasticloadbalancing:DescribeTags",
                "ec2:DescribeAvailabilityZones",
                "ec2:DescribeInstances",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSubnets",
                "ec2:DescribeVpcs",
            ],
            Resource: "*",
            Condition: { StringEquals: { "aws:RequestedRegion": i.region } },
        },
        {
            Sid: "ManageNodeIngressForTargets",
            Effect: "Allow",
            Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
            Resource: `arn:aws:ec2:${i.region}:${i.accountId}:security-group/${i.nodeSecurityGroupId}`,
        },
    ];
    if (i.targetGroupArn) {
        statements.push({
            Sid: "RegisterApiGatewayTargets",
            Effect: "Allow",
            Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
            Resource: i.targetGroupArn,
        });
    }
    return doc(statements);
}
