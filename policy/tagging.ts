/** Tagging guardrails: every taggable resource says which service and region pays for it. */
import * as pulumi from "@pulumi/pulumi";
import { ResourceValidationPolicy, ResourceValidationArgs, ReportViolation } from "@pulumi/policy";
import { describe } from "./lib/checks";
import { Plain, UNKNOWN, at, isUnknown, resourceView } from "./lib/props";

interface TagConfig {
    requiredTags: string[];
}

/**
 * Taggable resources the platform declares that may legitimately arrive without a `tags` key (the
 * program must tag them). Any other custom `aws:` resource is checked when its inputs carry `tags`:
 * the SDK only sends inputs that were set, so presence of the key is the practical signal that the
 * type takes tags; these types are checked even when they omit it.
 */
export const TAGGABLE_TYPES = [
    "aws:ec2/vpc:Vpc",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2transitgateway/transitGateway:TransitGateway",
    "aws:kms/key:Key",
    "aws:rds/cluster:Cluster",
    "aws:rds/clusterInstance:ClusterInstance",
    "aws:docdb/cluster:Cluster",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:msk/cluster:Cluster",
    "aws:opensearch/domain:Domain",
    "aws:dsql/cluster:Cluster",
    "aws:dynamodb/table:Table",
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketV2:BucketV2",
    "aws:sns/topic:Topic",
    "aws:sqs/queue:Queue",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:secretsmanager/secret:Secret",
    "aws:eks/cluster:Cluster",
    "aws:iam/role:Role",
    "aws:cloudfront/distribution:Distribution",
    "eks:index:Cluster",
];

/** The provider's `defaultTags.tags` (explicit provider), else the stack's `aws:defaultTags` config. */
function defaultTags(providerProps: Plain | undefined): Record<string, unknown> {
    if (providerProps) {
        const raw = at(providerProps, "defaultTags");
        let v: unknown = raw;
        if (typeof raw === "string" && !isUnknown(raw)) {
            try { v = JSON.parse(raw); } catch { v = undefined; }
        }
        const t = at(v, "tags");
        return t && typeof t === "object" ? (t as Record<string, unknown>) : {};
    }
    const cfg = new pulumi.Config("aws").getObject<{ tags?: Record<string, unknown> }>("defaultTags");
    return cfg?.tags ?? {};
}

export const costAllocationTags: ResourceValidationPolicy = {
    name: "cost-allocation-tags",
    description: "Checks that taggable resources carry the cost-allocation tags service and region (own tags or provider default tags).",
    enforcementLevel: "advisory",
    configSchema: {
        properties: {
            requiredTags: { type: "array", items: { type: "string" }, default: ["service", "region"], description: "Tag keys every taggable resource must carry." },
        },
    },
    validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
        const r = resourceView(args);
        const listed = TAGGABLE_TYPES.includes(r.type);
        const own = at(r.props, "tags");
        if (!listed && (!r.type.startsWith("aws:") || own === undefined)) return;
        if (own === UNKNOWN) return; // a computed tag map is only known at update time
        const merged: Record<string, unknown> = { ...defaultTags(r.providerProps), ...(own && typeof own === "object" ? own : {}) };
        // The eks component tags its control plane through clusterTags as well as tags.
        if (r.type === "eks:index:Cluster") Object.assign(merged, (at(r.props, "clusterTags") as Plain | undefined) ?? {});
        const missing = args.getConfig<TagConfig>().requiredTags.filter((k) => merged[k] === undefined || merged[k] === "");
        if (missing.length > 0) report(`${describe(r)} must carry tags ${missing.join(", ")}; it has ${Object.keys(merged).sort().join(", ") || "no tags"}`, r.urn);
    },
};
