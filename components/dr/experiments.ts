/**
 * Pure planning of the AWS FIS drills (ARCHITECTURE §6): which experiments a region gets, their
 * actions, targets and stop conditions, and the least-privilege role policy derived from the
 * actions actually planned. Generic over the ARN type so the component passes Pulumi inputs and
 * tests pass strings; imports nothing from @pulumi/aws.
 *
 * Every experiment acts only on this region's resources (FIS is regional), so each stack owns its
 * own drills and the one-way rule holds. Stop conditions are alarms in the same region:
 * - `self`: this region's own API canary; for faults the region must absorb (AZ power, DB
 *   failover, latency, a cut to the peer);
 * - `peer`: the canaries probing each peer from here; for evacuating this region, where the
 *   experiment must stop if the region taking over is not serving.
 */
import { PolicyDocument, PolicyStatement } from "../common/iam";
import { BucketPurpose, bucketName } from "../data/plan";

export interface ExperimentInputs<A> {
    /** The Pulumi project: the `project` tag the drills select by, with `environment` and `region`. */
    readonly project: string;
    /** The environment: the `environment` tag, so a drill never selects another environment's resources in a shared account. */
    readonly environment: string;
    /** The physical-name prefix (RegionContext.prefix). */
    readonly prefix: string;
    readonly region: string;
    readonly peers: readonly string[];
    /** EKS cluster name: nodes carry `kubernetes.io/cluster/<name>=owned`. */
    readonly clusterName: string;
    /** The AZ the power-interruption drill takes out. */
    readonly availabilityZone: string;
    readonly transitGatewayArn: A;
    /** Aurora and DocumentDB cluster ARNs whose writer is in this region (DB failover drill). @default [] */
    readonly databaseClusterArns?: readonly A[];
    /** ElastiCache replication group ARNs in this region (AZ power and database drills). @default [] */
    readonly cacheReplicationGroupArns?: readonly A[];
    /** DynamoDB global tables with a replica here (database drill: replication paused). @default [] */
    readonly globalTableArns?: readonly A[];
    /** Aurora DSQL clusters in this region (database drill: connection failures). @default [] */
    readonly dsqlClusterArns?: readonly A[];
    /**
     * Buckets (by their `bucket` tag, the purpose) that replicate from this region to every peer
     * (database drill: replication paused; FIS selects buckets by tags only). @default []
     */
    readonly replicatedBuckets?: readonly BucketPurpose[];
}

export type StopKind = "self" | "peer";

export interface PlannedTarget<A> {
    readonly name: string;
    readonly resourceType: string;
    readonly selectionMode: string;
    readonly resourceArns?: readonly A[];
    readonly resourceTags?: readonly { readonly key: string; readonly value: string }[];
    readonly filters?: readonly { readonly path: string; readonly values: readonly string[] }[];
    readonly parameters?: Readonly<Record<string, string>>;
    /** For a tag-selected target: the ARNs the FIS role may act on (not sent to FIS). */
    readonly scope?: readonly string[];
}

export interface PlannedAction {
    readonly name: string;
    readonly actionId: string;
    readonly description: string;
    readonly parameters: Readonly<Record<string, string>>;
    /** `{ key: <FIS target key, e.g. Subnets>, value: <target name> }` */
    readonly target: { readonly key: string; readonly value: string };
    /** Actions that must complete before this one starts. @default [] - at the experiment's start */
    readonly startAfter?: readonly string[];
}

export interface PlannedExperiment<A> {
    readonly key: string;
    readonly description: string;
    readonly stop: StopKind;
    readonly actions: readonly PlannedAction[];
    readonly targets: readonly PlannedTarget<A>[];
}

/** Every experiment key a region may plan; `database-failover` only where writers are (the primary). */
export const EXPERIMENT_KEYS = ["region-evacuation", "inter-region-cut", "az-power-interruption", "database-failover", "injected-latency"] as const;
export type ExperimentKey = (typeof EXPERIMENT_KEYS)[number];
export const PRIMARY_ONLY_EXPERIMENTS: readonly ExperimentKey[] = ["database-failover"];

export const DURATIONS = { evacuation: "PT30M", interRegionCut: "PT15M", azPower: "PT30M", latency: "PT10M", database: "PT10M" } as const;
/** Share of this region's DSQL connections the database drill fails (`aws:dsql:cluster-connection-failure`). */
export const DSQL_FAILURE_PERCENT = 50;
export const LATENCY_MS = 200;
export const LATENCY_DOCUMENT = "AWSFIS-Run-Network-Latency";

export function planExperiments<A>(i: ExperimentInputs<A>): PlannedExperiment<A>[] {
    const regionSubnets: PlannedTarget<A> = {
        name: "region-subnets",
        resourceType: "aws:ec2:subnet",
        selectionMode: "ALL",
        resourceTags: [
            { key: "project", value: i.project },
            { key: "environment", value: i.environment },
            { key: "region", value: i.region },
            { key: "service", value: "network" },
        ],
    };
    const nodes = (name: string, selectionMode: string, az?: string): PlannedTarget<A> => ({
        name,
        resourceType: "aws:ec2:instance",
        selectionMode,
        resourceTags: [{ key: `kubernetes.io/cluster/${i.clusterName}`, value: "owned" }],
        filters: [{ path: "State.Name", values: ["running"] }, ...(az ? [{ path: "Placement.AvailabilityZone", values: [az] }] : [])],
    });
    const out: PlannedExperiment<A>[] = [
        {
            key: "region-evacuation",
            description: `Chaos Kong: cut every subnet of ${i.region} off the network; traffic and writes must move to ${i.peers.join(", ")}`,
            stop: "peer",
            targets: [regionSubnets],
            actions: [
                {
                    name: "isolate-region",
                    actionId: "aws:network:disrupt-connectivity",
                    description: "deny all traffic in and out of every subnet of the region",
                    parameters: { duration: DURATIONS.evacuation, scope: "all" },
                    target: { key: "Subnets", value: "region-subnets" },
                },
            ],
        },
        {
            key: "inter-region-cut",
            description: `Split brain: cut ${i.region}'s Transit Gateway path to ${i.peers.join(", ")}; each region must keep serving locally`,
            stop: "self",
            targets: [{ name: "transit-gateway", resourceType: "aws:ec2:transit-gateway", selectionMode: "ALL", resourceArns: [i.transitGatewayArn] }],
            actions: i.peers.map((peer) => ({
                name: `cut-${peer}`,
                actionId: "aws:network:transit-gateway-disrupt-cross-region-connectivity",
                description: `block traffic from ${i.region} to ${peer} through the Transit Gateway peering`,
                parameters: { duration: DURATIONS.interRegionCut, region: peer },
                target: { key: "TransitGateways", value: "transit-gateway" },
            })),
        },
    ];

    const az = i.availabilityZone;
    const cache = i.cacheReplicationGroupArns ?? [];
    const azTargets: PlannedTarget<A>[] = [
        { ...regionSubnets, name: "az-subnets", filters: [{ path: "AvailabilityZone", values: [az] }] },
        nodes("az-nodes", "ALL", az),
        ...(cache.length > 0
            ? [{ name: "az-caches", resourceType: "aws:elasticache:replicationgroup", selectionMode: "ALL", resourceArns: cache, parameters: { availabilityZoneIdentifier: az } }]
            : []),
    ];
    out.push({
        key: "az-power-interruption",
        description: `Chaos Gorilla: power loss in ${az}: its subnets go dark, its nodes stop${cache.length > 0 ? ", its cache nodes lose power" : ""}; the region must keep serving from the other AZs`,
        stop: "self",
        targets: azTargets,
        actions: [
            {
                name: "az-network-down",
                actionId: "aws:network:disrupt-connectivity",
                description: `deny all traffic in the subnets of ${az}`,
                parameters: { duration: DURATIONS.azPower, scope: "all" },
                target: { key: "Subnets", value: "az-subnets" },
            },
            {
                name: "az-nodes-down",
                actionId: "aws:ec2:stop-instances",
                description: `stop the EKS nodes in ${az}, restart them afterwards`,
                parameters: { startInstancesAfterDuration: DURATIONS.azPower, completeIfInstancesTerminated: "true" },
                target: { key: "Instances", value: "az-nodes" },
            },
            ...(cache.length > 0
                ? [
                      {
                          name: "az-caches-down",
                          actionId: "aws:elasticache:replicationgroup-interrupt-az-power",
                          description: `interrupt power to the cache nodes in ${az}`,
                          parameters: { duration: DURATIONS.azPower },
                          target: { key: "ReplicationGroups", value: "az-caches" },
                      },
                  ]
                : []),
        ],
    });

    // The database drill covers every global store FIS has an action for (FIS actions reference):
    // the single-writer stores fail their writer over in this region, the multi-writer ones lose
    // replication or connections for 10 minutes. MSK has no FIS action (docs/dr.md).
    const dbs = i.databaseClusterArns ?? [];
    if (dbs.length > 0) {
        const tables = i.globalTableArns ?? [];
        const dsql = i.dsqlClusterArns ?? [];
        const buckets = i.replicatedBuckets ?? [];
        const targets: PlannedTarget<A>[] = [
            { name: "database-clusters", resourceType: "aws:rds:cluster", selectionMode: "ALL", resourceArns: dbs },
            ...(cache.length > 0 ? [{ name: "caches", resourceType: "aws:elasticache:replicationgroup", selectionMode: "ALL", resourceArns: cache, parameters: { availabilityZoneIdentifier: az } }] : []),
            ...(tables.length > 0 ? [{ name: "global-tables", resourceType: "aws:dynamodb:global-table", selectionMode: "ALL", resourceArns: tables }] : []),
            ...(dsql.length > 0 ? [{ name: "dsql-clusters", resourceType: "aws:dsql:cluster", selectionMode: "ALL", resourceArns: dsql }] : []),
            ...buckets.map(
                (b): PlannedTarget<A> => ({
                    name: `bucket-${b}`,
                    resourceType: "aws:s3:bucket",
                    selectionMode: "ALL",
                    resourceTags: [
                        { key: "project", value: i.project },
                        { key: "environment", value: i.environment },
                        { key: "region", value: i.region },
                        { key: "bucket", value: b },
                    ],
                    scope: [`arn:aws:s3:::${bucketName(i.prefix, i.region, b, "*")}`],
                }),
            ),
        ];
        const actions: PlannedAction[] = [
            { name: "failover-writers", actionId: "aws:rds:failover-db-cluster", description: "promote a reader in each Aurora and DocumentDB cluster", parameters: {}, target: { key: "Clusters", value: "database-clusters" } },
            ...(cache.length > 0
                ? [{ name: "cache-primary-down", actionId: "aws:elasticache:replicationgroup-interrupt-az-power", description: `interrupt power to the cache nodes in ${az}: a replica there takes over`, parameters: { duration: DURATIONS.database }, target: { key: "ReplicationGroups", value: "caches" } }]
                : []),
            ...(tables.length > 0
                ? [{ name: "pause-table-replication", actionId: "aws:dynamodb:global-table-pause-replication", description: "pause the global tables' replication to every replica", parameters: { duration: DURATIONS.database }, target: { key: "Tables", value: "global-tables" } }]
                : []),
            ...(dsql.length > 0
                ? [{ name: "dsql-connections-fail", actionId: "aws:dsql:cluster-connection-failure", description: `fail ${DSQL_FAILURE_PERCENT} % of the connections to the DSQL cluster here`, parameters: { duration: DURATIONS.database, percentage: String(DSQL_FAILURE_PERCENT) }, target: { key: "Clusters", value: "dsql-clusters" } }]
                : []),
            // One destination at a time per bucket: each pause rewrites the bucket's replication configuration.
            ...buckets.flatMap((b) =>
                i.peers.map((peer, n) => ({
                    name: `pause-${b}-to-${peer}`,
                    actionId: "aws:s3:bucket-pause-replication",
                    description: `pause ${b} replication to ${peer}`,
                    parameters: { duration: DURATIONS.database, region: peer },
                    target: { key: "Buckets", value: `bucket-${b}` },
                    ...(n > 0 ? { startAfter: [`pause-${b}-to-${i.peers[n - 1]}`] } : {}),
                })),
            ),
        ];
        out.push({
            key: "database-failover",
            description: `Every global store in ${i.region}: writers fail over to a reader (Aurora, DocumentDB, the cache), replication pauses (DynamoDB, S3) and DSQL connections fail for 10 min; the cross-region drill is a graceful Region switch execution (docs/dr.md)`,
            stop: "self",
            targets,
            actions,
        });
    }

    out.push({
        key: "injected-latency",
        description: `Add ${LATENCY_MS} ms to the network of half the EKS nodes in ${i.region}; p99 and error rate must stay within the SLO`,
        stop: "self",
        targets: [nodes("latency-nodes", "PERCENT(50)")],
        actions: [
            {
                name: "add-latency",
                actionId: "aws:ssm:send-command",
                description: `run ${LATENCY_DOCUMENT} on the nodes`,
                parameters: {
                    documentArn: `arn:aws:ssm:${i.region}::document/${LATENCY_DOCUMENT}`,
                    documentParameters: JSON.stringify({ DurationSeconds: "600", DelayMilliseconds: String(LATENCY_MS), InstallDependencies: "True" }),
                    duration: DURATIONS.latency,
                },
                target: { key: "Instances", value: "latency-nodes" },
            },
        ],
    });
    return out;
}

/** The FIS role's policy: only the permissions the planned actions need, scoped to this region and account. */
export function fisPolicy(region: string, account: string, experiments: readonly PlannedExperiment<string>[]): PolicyDocument {
    const ids = new Set(experiments.flatMap((e) => e.actions.map((a) => a.actionId)));
    const arnsOf = (type: string) => [...new Set(experiments.flatMap((e) => e.targets.filter((t) => t.resourceType === type).flatMap((t) => t.resourceArns ?? [])))];
    const ec2 = (res: string) => `arn:aws:ec2:${region}:${account}:${res}`;
    const s: PolicyStatement[] = [
        // FIS resolves tag-selected targets through the Resource Groups Tagging API; no resource scoping exists.
        { Sid: "ResolveTargets", Effect: "Allow", Action: ["tag:GetResources", "ec2:DescribeInstances", "ec2:DescribeSubnets"], Resource: "*" },
    ];
    if (ids.has("aws:network:disrupt-connectivity")) {
        s.push(
            { Sid: "NaclDescribe", Effect: "Allow", Action: ["ec2:DescribeVpcs", "ec2:DescribeNetworkAcls", "ec2:DescribeManagedPrefixLists"], Resource: "*" },
            { Sid: "NaclCreate", Effect: "Allow", Action: "ec2:CreateNetworkAcl", Resource: ec2("network-acl/*"), Condition: { StringEquals: { "aws:RequestTag/managedByFIS": "true" } } },
            { Sid: "NaclCreateInVpc", Effect: "Allow", Action: "ec2:CreateNetworkAcl", Resource: ec2("vpc/*") },
            { Sid: "NaclTag", Effect: "Allow", Action: "ec2:CreateTags", Resource: ec2("network-acl/*"), Condition: { StringEquals: { "ec2:CreateAction": "CreateNetworkAcl", "aws:RequestTag/managedByFIS": "true" } } },
            {
                Sid: "NaclManage",
                Effect: "Allow",
                Action: ["ec2:CreateNetworkAclEntry", "ec2:DeleteNetworkAcl"],
                Resource: [ec2("network-acl/*"), ec2("vpc/*")],
                Condition: { StringEquals: { "ec2:ResourceTag/managedByFIS": "true" } },
            },
            { Sid: "NaclSwap", Effect: "Allow", Action: "ec2:ReplaceNetworkAclAssociation", Resource: [ec2("subnet/*"), ec2("network-acl/*")] },
            { Sid: "PrefixLists", Effect: "Allow", Action: "ec2:GetManagedPrefixListEntries", Resource: ec2("prefix-list/*") },
        );
    }
    if (ids.has("aws:network:transit-gateway-disrupt-cross-region-connectivity")) {
        s.push(
            {
                Sid: "TgwDescribe",
                Effect: "Allow",
                Action: ["ec2:DescribeTransitGateways", "ec2:DescribeTransitGatewayAttachments", "ec2:DescribeTransitGatewayPeeringAttachments"],
                Resource: "*",
            },
            {
                Sid: "TgwDisrupt",
                Effect: "Allow",
                Action: ["ec2:DisassociateTransitGatewayRouteTable", "ec2:AssociateTransitGatewayRouteTable"],
                Resource: [ec2("transit-gateway-route-table/*"), ec2("transit-gateway-attachment/*")],
            },
        );
    }
    if (ids.has("aws:ec2:stop-instances") || ids.has("aws:ssm:send-command")) {
        const clusterTag = experiments.flatMap((e) => e.targets).find((t) => t.resourceType === "aws:ec2:instance")?.resourceTags?.[0];
        if (ids.has("aws:ec2:stop-instances")) {
            s.push({
                Sid: "StopNodes",
                Effect: "Allow",
                Action: ["ec2:StopInstances", "ec2:StartInstances"],
                Resource: ec2("instance/*"),
                ...(clusterTag ? { Condition: { StringEquals: { [`aws:ResourceTag/${clusterTag.key}`]: clusterTag.value } } } : {}),
            });
        }
        if (ids.has("aws:ssm:send-command")) {
            s.push(
                {
                    Sid: "RunLatency",
                    Effect: "Allow",
                    Action: "ssm:SendCommand",
                    Resource: [`arn:aws:ssm:${region}::document/${LATENCY_DOCUMENT}`, ec2("instance/*")],
                },
                { Sid: "TrackCommands", Effect: "Allow", Action: ["ssm:ListCommands", "ssm:CancelCommand"], Resource: "*" },
            );
        }
    }
    const rds = arnsOf("aws:rds:cluster");
    if (ids.has("aws:rds:failover-db-cluster") && rds.length > 0) {
        s.push({ Sid: "FailoverDatabases", Effect: "Allow", Action: ["rds:FailoverDBCluster", "rds:DescribeDBClusters"], Resource: rds });
    }
    const caches = arnsOf("aws:elasticache:replicationgroup");
    if (ids.has("aws:elasticache:replicationgroup-interrupt-az-power") && caches.length > 0) {
        s.push({ Sid: "InterruptCaches", Effect: "Allow", Action: ["elasticache:InterruptClusterAzPower", "elasticache:DescribeReplicationGroups"], Resource: caches });
    }
    // The FIS actions reference's permissions for each database action, on exactly the targets.
    const tables = arnsOf("aws:dynamodb:global-table");
    if (ids.has("aws:dynamodb:global-table-pause-replication") && tables.length > 0) {
        s.push({
            Sid: "PauseTableReplication",
            Effect: "Allow",
            Action: ["dynamodb:PutResourcePolicy", "dynamodb:DeleteResourcePolicy", "dynamodb:GetResourcePolicy", "dynamodb:DescribeTable", "dynamodb:InjectError"],
            // An eventually consistent global table is paused through its stream's policy too.
            Resource: tables.flatMap((t) => [t, `${t}/stream/*`]),
        });
    }
    const dsql = arnsOf("aws:dsql:cluster");
    if (ids.has("aws:dsql:cluster-connection-failure") && dsql.length > 0) {
        s.push({ Sid: "FailDsqlConnections", Effect: "Allow", Action: ["dsql:InjectError", "dsql:GetCluster"], Resource: dsql });
    }
    const buckets = [...new Set(experiments.flatMap((e) => e.targets.filter((t) => t.resourceType === "aws:s3:bucket").flatMap((t) => t.scope ?? [])))];
    if (ids.has("aws:s3:bucket-pause-replication") && buckets.length > 0) {
        s.push(
            {
                Sid: "PauseBucketReplication",
                Effect: "Allow",
                Action: ["s3:PutReplicationConfiguration", "s3:GetReplicationConfiguration"],
                Resource: buckets,
                // AWS's FIS example: IfExists, as the key rides on the Put request only.
                Condition: { BoolIfExists: { "s3:IsReplicationPauseRequest": "true" } },
            },
            { Sid: "PauseReplication", Effect: "Allow", Action: "s3:PauseReplication", Resource: buckets },
            // FIS lists buckets to resolve a tag-selected target; the action has no resource scoping.
            { Sid: "FindBuckets", Effect: "Allow", Action: "s3:ListAllMyBuckets", Resource: "*" },
        );
    }
    return { Version: "2012-10-17", Statement: s };
}
