/**
 * Karpenter custom resources as plain, typed records: the `karpenter.k8s.aws/v1` EC2NodeClass and
 * the six `karpenter.sh/v1` NodePools of ARCHITECTURE §3. Typed with the interfaces of
 * `@kubernetes-models/karpenter` (generated from the CRD schemas; the tests also run the models'
 * `validate()` on these records). Pure: no Pulumi or AWS imports, type-only model imports (the
 * package is ESM-only, the program CommonJS).
 */
import type { IEC2NodeClass } from "@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass";
import type { INodePool } from "@kubernetes-models/karpenter/karpenter.sh/v1/NodePool";
import { NODE_POOLS, NodePoolName, NodePoolSpec } from "./defaults";

/** The one EC2NodeClass every pool uses. */
export const NODE_CLASS_NAME = "default";

/** Label Karpenter puts on a pool's nodes; workloads select a tier with it. */
export const POOL_LABEL = "mall.io/node-pool";

/** Subnets and security groups Karpenter launches into carry this tag (set by RegionalVpc and EksCluster). */
export const DISCOVERY_TAG = "karpenter.sh/discovery";

/**
 * Tag keys the karpenter.k8s.aws/v1 EC2NodeClass CRD (v1.9.0) refuses in `spec.tags`: its CEL
 * rules on `spec.tags` (one `k != '<key>'` or `!k.startsWith('<prefix>')` each). Karpenter adds these
 * keys itself to everything it launches (pkg/utils GetTags: `kubernetes.io/cluster/<cluster>: owned`,
 * `eks:eks-cluster-name`, `karpenter.sh/nodepool`, `karpenter.k8s.aws/ec2nodeclass`), and the
 * controller policy's `aws:RequestTag` conditions rely on exactly those. A test reads the rules from
 * the vendored CRD and compares, so a Karpenter bump that changes them fails there.
 */
export const RESTRICTED_NODECLASS_TAGS = {
    exact: ["eks:eks-cluster-name", "karpenter.sh/nodepool", "karpenter.sh/nodeclaim", "karpenter.k8s.aws/ec2nodeclass"],
    prefixes: ["kubernetes.io/cluster"],
} as const;

export function isRestrictedNodeClassTag(key: string): boolean {
    return (RESTRICTED_NODECLASS_TAGS.exact as readonly string[]).includes(key) || RESTRICTED_NODECLASS_TAGS.prefixes.some((p) => key.startsWith(p));
}

export interface NodeClassInputs {
    readonly clusterName: string;
    /** IAM role name of the Karpenter nodes (Karpenter manages the instance profile). */
    readonly nodeRoleName: string;
    /** KMS key ARN the root volumes are encrypted with. */
    readonly volumeKmsKeyArn: string;
    /** The AMI alias Karpenter resolves (family@version). @default "al2023@latest" */
    readonly amiAlias?: string;
    /** Root volume size. @default 50 */
    readonly volumeSizeGiB?: number;
    /** Tags Karpenter puts on everything it launches (instances, volumes, ENIs); restricted keys are dropped (Karpenter sets them). */
    readonly tags: Readonly<Record<string, string>>;
}

export function planEc2NodeClass(i: NodeClassInputs): IEC2NodeClass {
    const discovery = { [DISCOVERY_TAG]: i.clusterName };
    return {
        apiVersion: "karpenter.k8s.aws/v1",
        kind: "EC2NodeClass",
        metadata: { name: NODE_CLASS_NAME },
        spec: {
            role: i.nodeRoleName,
            amiSelectorTerms: [{ alias: i.amiAlias ?? "al2023@latest" }],
            subnetSelectorTerms: [{ tags: discovery }],
            securityGroupSelectorTerms: [{ tags: discovery }],
            // IMDSv2 only, and a hop limit of 1 so pods (which get credentials through IRSA) cannot
            // reach the node role's credentials through the metadata service.
            metadataOptions: { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
            blockDeviceMappings: [
                {
                    deviceName: "/dev/xvda",
                    rootVolume: true,
                    ebs: {
                        volumeSize: `${i.volumeSizeGiB ?? 50}Gi`,
                        volumeType: "gp3",
                        encrypted: true,
                        kmsKeyID: i.volumeKmsKeyArn,
                        deleteOnTermination: true,
                    },
                },
            ],
            tags: Object.fromEntries(Object.entries(i.tags).filter(([k]) => !isRestrictedNodeClassTag(k))),
        },
    };
}

/** A NodePool from its ARCHITECTURE spec; every pool uses the one EC2NodeClass. */
export function planNodePool(p: NodePoolSpec): INodePool {
    return {
        apiVersion: "karpenter.sh/v1",
        kind: "NodePool",
        metadata: { name: p.name },
        spec: {
            weight: p.weight,
            limits: { cpu: String(p.cpuLimit) },
            disruption: {
                consolidationPolicy: p.consolidationPolicy,
                consolidateAfter: p.consolidateAfter,
                budgets: [{ nodes: p.disruptionBudget }],
            },
            template: {
                metadata: { labels: { [POOL_LABEL]: p.name } },
                spec: {
                    nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: NODE_CLASS_NAME },
                    // Nodes are replaced monthly so AMI and kernel patches roll out even on quiet pools.
                    expireAfter: "720h",
                    requirements: [
                        { key: "karpenter.sh/capacity-type", operator: "In", values: [...p.capacityTypes] },
                        { key: "karpenter.k8s.aws/instance-family", operator: "In", values: [...p.instanceFamilies] },
                        { key: "kubernetes.io/arch", operator: "In", values: archesOf(p.instanceFamilies) },
                        { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
                    ],
                    ...(p.taint ? { taints: [{ key: p.taint.key, value: p.taint.value, effect: "NoSchedule" }] } : {}),
                },
            },
        },
    };
}

/** Graviton families (`7g`) run arm64; the rest amd64. Pools list only the architectures they can launch. */
export function archesOf(families: readonly string[]): string[] {
    const arches = new Set<string>(families.map((f) => (/\dg[a-z]*$/.test(f) ? "arm64" : "amd64")));
    return ["amd64", "arm64"].filter((a) => arches.has(a));
}

/**
 * The pool the platform charts (KEDA, ArgoCD, the Load Balancer Controller) run on: on-demand and
 * tainted, so spot reclaims and batch churn never take the control loops down.
 */
export const PLATFORM_POOL: NodePoolName = "critical";

/** A node selector for a pool and the tolerations of its taint, derived from the pool itself. */
export function poolPlacement(
    name: NodePoolName,
    pools: readonly NodePoolSpec[] = NODE_POOLS,
): { nodeSelector: Record<string, string>; tolerations: { key: string; operator: "Exists"; effect: "NoSchedule" }[] } {
    const pool = pools.find((p) => p.name === name);
    if (!pool) throw new Error(`no node pool "${name}" (pools: ${pools.map((p) => p.name).join(", ")})`);
    return {
        nodeSelector: { [POOL_LABEL]: name },
        tolerations: pool.taint ? [{ key: pool.taint.key, operator: "Exists", effect: "NoSchedule" }] : [],
    };
}

/** The four EventBridge rules of Karpenter's interruption handling (upstream v1 reference), by rule suffix. */
export const INTERRUPTION_RULES: readonly (readonly [string, Readonly<Record<string, string[]>>])[] = [
    ["scheduled-change", { source: ["aws.health"], "detail-type": ["AWS Health Event"] }],
    ["spot-interruption", { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] }],
    ["rebalance", { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] }],
    ["instance-state-change", { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] }],
];

/**
 * The interruption queue's policy: only this cluster's four interruption rules may deliver through
 * EventBridge (`aws:SourceArn`, as EventBridge's SQS-target docs prescribe: a rule of any other
 * account could otherwise forge interruptions that drain nodes), SQS itself as upstream Karpenter
 * allows, nothing without TLS.
 */
export function interruptionQueuePolicy(queueArn: string, ruleArns: readonly string[]) {
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "EventBridgeRulesDeliver", Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage", Resource: queueArn, Condition: { ArnEquals: { "aws:SourceArn": [...ruleArns] } } },
            { Sid: "SqsDelivers", Effect: "Allow", Principal: { Service: "sqs.amazonaws.com" }, Action: "sqs:SendMessage", Resource: queueArn },
            { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "sqs:*", Resource: queueArn, Condition: { Bool: { "aws:SecureTransport": "false" } } },
        ],
    } as const;
}
