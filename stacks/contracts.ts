/**
 * The typed outputs that cross stacks. The primary exports `PrimaryOutputs`; secondaries read them
 * through a StackReference and check every key before creating anything. Adding an output here
 * makes the compiler demand it from the primary's exports (region.ts).
 */
import * as pulumi from "@pulumi/pulumi";

type Kind = "string" | "string[]" | "number" | "record";
type KindType<K extends Kind> = K extends "string" ? string : K extends "string[]" ? string[] : K extends "record" ? Record<string, string> : number;

/** Output name -> kind, with what the secondary uses it for (printed when it is missing). */
export const PRIMARY_CONTRACT = {
    region: { kind: "string", usedFor: "naming the accepter side of every pairwise link" },
    vpcId: { kind: "string", usedFor: "cross-region security group references" },
    vpcCidr: { kind: "string", usedFor: "routes to the primary" },
    transitGatewayId: { kind: "string", usedFor: "the Transit Gateway peering attachment" },
    transitGatewayRouteTableId: { kind: "string", usedFor: "the primary-side Transit Gateway route to this region" },
    vpcRouteTableIds: { kind: "string[]", usedFor: "the primary VPC's routes to this region" },
    privateSubnetCidrs: { kind: "string[]", usedFor: "admitting the earlier region's nodes into this region's single-writer stores (DocumentDB, Valkey) after a promotion" },
    dataSecurityGroupIds: { kind: "record", usedFor: "admitting this region's nodes into the earlier region's DocumentDB and Valkey writers" },
    dataKeyArns: { kind: "record", usedFor: "the log group of the MSK Replicator this region declares in the earlier region (its logs key)" },
    docdbEndpoint: { kind: "string", usedFor: "the writer directory: the earlier region's DocumentDB cluster endpoint, published in this region" },
    cacheEndpoint: { kind: "string", usedFor: "the writer directory: the earlier region's Valkey configuration endpoint, published in this region" },
    drTopicArn: { kind: "string", usedFor: "notifications of the lag alarms this region declares in the primary's region (S3, DynamoDB)" },
    apiHealthCheckId: { kind: "string", usedFor: "the secondary's dashboard: the primary's API health check beside its own" },
    originSecretArn: { kind: "string", usedFor: "the local replica of the origin secret this region's ALB requires (X-Origin-Verify)" },
    originSecretState: { kind: "string", usedFor: "the rotation step (`<epoch>/<phase>`) the primary wrote, which this region's replica must hold before its origin follows it" },
    hostedZoneId: { kind: "string", usedFor: "this region's api-<region> and api-internal latency records (the zone lives in the primary)" },
    // GlobalData (components/data): the global parents a secondary joins and the primary halves of its links.
    dataSubnetIds: { kind: "string[]", usedFor: "the MSK Replicator's source-side ENIs in the primary's data subnets" },
    auroraGlobalClusterId: { kind: "string", usedFor: "joining the Aurora global database" },
    auroraEngineVersion: { kind: "string", usedFor: "creating this region's Aurora member at the global cluster's engine version" },
    auroraGlobalWriterEndpoint: { kind: "string", usedFor: "the services' ConfigMaps: the Aurora global writer endpoint, which follows switchover and failover" },
    auroraClusterArn: { kind: "string", usedFor: "the Aurora primary member (failover automation, lag alarms)" },
    docdbGlobalClusterId: { kind: "string", usedFor: "joining the DocumentDB global cluster" },
    docdbClusterArn: { kind: "string", usedFor: "the DocumentDB primary member (failover automation, lag alarms)" },
    cacheGlobalReplicationGroupId: { kind: "string", usedFor: "joining the ElastiCache global datastore" },
    dsqlClusterArn: { kind: "string", usedFor: "peering this region's DSQL cluster with the primary's" },
    dsqlClusterId: { kind: "string", usedFor: "the primary-side DSQL peering" },
    mskClusterArn: { kind: "string", usedFor: "the MSK Replicator's source cluster" },
    mskSecurityGroupId: { kind: "string", usedFor: "the MSK Replicator's source-side security group" },
    mskMultiVpcConnectivity: { kind: "string", usedFor: "whether the source cluster admits the replicator's private connection (\"enabled\" once the primary ran outside its bootstrap phase)" },
    staticAssetsBucketName: { kind: "string", usedFor: "S3 replication of the static-assets bucket" },
    staticAssetsBucketArn: { kind: "string", usedFor: "S3 replication role permissions on the static-assets bucket" },
    tracesBucketName: { kind: "string", usedFor: "S3 replication of the traces bucket" },
    tracesBucketArn: { kind: "string", usedFor: "S3 replication role permissions on the traces bucket" },
    s3KeyArn: { kind: "string", usedFor: "decrypting the primary's objects during S3 replication" },
    searchDomainName: { kind: "string", usedFor: "the OpenSearch cross-cluster search connection" },
    idempotencyTableName: { kind: "string", usedFor: "the services' idempotency table name (same in every region)" },
    docdbServiceSecretArns: { kind: "record", usedFor: "the local replicas of each DocumentDB service's own credentials" },
    cacheServiceSecretArns: { kind: "record", usedFor: "the local replicas of each cache service's own user credentials" },
    cacheUserGroupIds: { kind: "record", usedFor: "this region's cache user group, which the primary declares in every region (re-run the primary after adding a region)" },
    dsqlServiceRoleArns: { kind: "record", usedFor: "the primary's DSQL services' IRSA roles, which the peering secondary's identities bootstrap maps in the linked clusters (the primary's cluster is PENDING_SETUP until peered)" },
    dataSecretArns: { kind: "record", usedFor: "the local replicas of the Aurora and DocumentDB master secrets, which the identities bootstrap reads" },
    secretsReplicaKeyArns: { kind: "record", usedFor: "the key this region's secret replicas are encrypted with (re-run the primary after adding a region)" },
    idempotencyTableArn: { kind: "string", usedFor: "the DynamoDB global table replica" },
} as const satisfies Record<string, { kind: Kind; usedFor: string }>;

/**
 * What every earlier stack in registry order exposes to a later one: the halves of the pairwise
 * links the later stack owns (DESIGN §2, extended to a full mesh). A subset of the primary's
 * contract, so the primary satisfies it too.
 */
export const LINK_KEYS = [
    "region",
    "vpcCidr",
    "transitGatewayId",
    "transitGatewayRouteTableId",
    "vpcRouteTableIds",
    "privateSubnetCidrs",
    "dataSecurityGroupIds",
    "dataKeyArns",
    "dataSubnetIds",
    "drTopicArn",
    "mskClusterArn",
    "mskSecurityGroupId",
    "mskMultiVpcConnectivity",
    "docdbEndpoint",
    "cacheEndpoint",
] as const satisfies readonly (keyof typeof PRIMARY_CONTRACT)[];

export type PrimaryOutputs = { -readonly [K in keyof typeof PRIMARY_CONTRACT]: KindType<(typeof PRIMARY_CONTRACT)[K]["kind"]> };

/** What a later stack reads from each earlier one (the primary's outputs are a superset). */
export type LinkOutputs = Pick<PrimaryOutputs, (typeof LINK_KEYS)[number]>;

/** What the primary stack must export: the compiler checks region.ts against it. */
export type PrimaryExports = { [K in keyof PrimaryOutputs]: pulumi.Input<PrimaryOutputs[K]> };

export class MissingPrimaryOutputError extends Error {
    constructor(
        readonly consumer: string,
        readonly primaryStack: string,
        readonly missing: readonly string[],
        readonly malformed: readonly string[],
        expected: number = Object.keys(PRIMARY_CONTRACT).length,
    ) {
        const primaryName = primaryStack.split("/").pop() ?? primaryStack;
        const isPrimary = expected === Object.keys(PRIMARY_CONTRACT).length;
        const lines = [
            ...missing.map(
                (k) => `  - output "${k}" is missing (needed for ${PRIMARY_CONTRACT[k as keyof typeof PRIMARY_CONTRACT]?.usedFor ?? "this stack"})`,
            ),
            ...malformed,
        ];
        super(
            `Stack "${consumer}" reads the ${isPrimary ? "primary" : "earlier"} stack "${primaryStack}", which ${missing.length === expected ? "has none of its outputs (is it deployed?)" : "is missing outputs"}:\n` +
                `${lines.join("\n")}\n` +
                `Deploy in order: ${isPrimary ? "the primary" : `${primaryName} (earlier in the registry)`} first (pulumi up -s ${primaryName} --policy-pack policy), then this stack (pulumi up -s ${consumer} --policy-pack policy). Nothing was created.`,
        );
        this.name = "MissingPrimaryOutputError";
    }
}

/** Checks raw output values against the contract; throws one error listing every problem. */
export function checkPrimaryOutputs(consumer: string, primaryStack: string, values: Readonly<Record<string, unknown>>): PrimaryOutputs {
    return checkOutputs(consumer, primaryStack, values, Object.keys(PRIMARY_CONTRACT)) as PrimaryOutputs;
}

/** Checks an earlier (non-primary) stack's outputs against the link keys. */
export function checkLinkOutputs(consumer: string, stack: string, values: Readonly<Record<string, unknown>>): LinkOutputs {
    return checkOutputs(consumer, stack, values, LINK_KEYS) as LinkOutputs;
}

function checkOutputs(consumer: string, stack: string, values: Readonly<Record<string, unknown>>, keys: readonly string[]): Record<string, unknown> {
    const missing: string[] = [];
    const malformed: string[] = [];
    for (const key of keys) {
        const spec: { kind: Kind } = PRIMARY_CONTRACT[key as keyof typeof PRIMARY_CONTRACT];
        const value = values[key];
        if (value === undefined || value === null) {
            missing.push(key);
            continue;
        }
        const ok =
            spec.kind === "string"
                ? typeof value === "string" && value !== ""
                : spec.kind === "number"
                  ? typeof value === "number"
                  : spec.kind === "record"
                    ? typeof value === "object" && !Array.isArray(value) && Object.values(value as object).every((v) => typeof v === "string")
                  : Array.isArray(value) && value.every((v) => typeof v === "string");
        if (!ok) malformed.push(`  - output "${key}" is ${JSON.stringify(value)}, expected a ${spec.kind}; redeploy the primary with this program version`);
    }
    if (missing.length > 0 || malformed.length > 0) {
        throw new MissingPrimaryOutputError(consumer, stack, missing, malformed, keys.length);
    }
    return values as Record<string, unknown>;
}
