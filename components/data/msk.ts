/**
 * MSK per region (Kafka 3.6, IAM auth, TLS everywhere, KMS at rest) and the MSK Replicator from the
 * primary into each secondary (ARCHITECTURE §4: all topics, consumer-offset sync, GZIP; RPO ~5 s).
 * The replicator lives in its target region, so the secondary owns it with its execution role.
 *
 * Ownership of the cluster policy: MSK allows one policy per cluster, so the primary owns it and
 * grants every region's replicator role by name pattern (`<project>-*-msk-replicator`) — adding a
 * region never rewrites it and two secondaries never fight over it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceTrustPolicy } from "../common/trust";
import { awsName, nameWithRegions } from "../common/context";
import { TOPICS, TOPIC_FAMILIES } from "../catalogue";
import { replicatorSourceStatements, replicatorTargetStatements } from "./msk-plan";
import { DataScope, child, dataTags, logGroup, stateful } from "./shared";

export const MSK_IAM_PORT = 9098;

export interface MskArgs {
    /** The cluster's security group (admits the nodes and, by its self-rule, the replicators' ENIs). */
    readonly securityGroupId: pulumi.Input<string>;
    /**
     * Turn on multi-VPC private connectivity for IAM: every cluster is the source of a cross-region
     * replicator (events flow both ways), which needs it. AWS refuses it at cluster creation ("all
     * vpcConnectivity auth schemes must be disabled"), so a stack's first deploy (the bootstrap
     * phase) leaves it off, and with it the replicators that read this cluster; the next deploy
     * turns it on (UpdateConnectivity, a rolling broker restart) and declares them.
     * @default true
     */
    readonly multiVpcConnectivity?: boolean;
    /**
     * The clusters of the regions registered before this one (the primary first): this stack owns
     * both directions of each link (DESIGN §2, full mesh). @default [] - the primary
     */
    readonly links?: readonly MskLink[];
    /**
     * Where the replicators out of this region start (fixed at creation): EARLIEST on a fresh
     * install; LATEST when landing on a pair deployed with identical-name replication (docs/data.md).
     * @default "EARLIEST"
     */
    readonly outboundStartingPosition?: "EARLIEST" | "LATEST";
}

/** An earlier region's cluster as a replication peer. */
export interface MskLink {
    readonly region: string;
    readonly clusterArn: pulumi.Input<string>;
    /** Its data subnets and its cluster's security group: the replicator's ENIs on that side. */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    readonly securityGroupId: pulumi.Input<string>;
    /** Its region's `logs` key: the reverse replicator's log group lives there. */
    readonly logsKeyArn: pulumi.Input<string>;
}

export interface MskStore {
    readonly cluster: aws.msk.Cluster;
    /** Per earlier region: the replicator from it into this region (homed here). */
    readonly inbound: Readonly<Record<string, aws.msk.Replicator>>;
    /** Per earlier region: the replicator from this region into it (homed there); none in the bootstrap phase. */
    readonly outbound: Readonly<Record<string, aws.msk.Replicator>>;
}

/**
 * The execution role of the replicator into `target` (from `source` when not the primary's link):
 * every name matches the clusters' policy pattern `<project>-*-msk-replicator`.
 */
export function replicatorRoleName(project: string, target: string, source?: string): string {
    // IAM role names are 1-64 characters: long environments and regions fall back to region codes.
    return nameWithRegions(
        (region) => `${project}-${region(target)}${source ? `-from-${region(source)}` : ""}-msk-replicator`,
        (n) => n.length <= 64,
        (coded) => `the MSK Replicator role name "${coded}" exceeds IAM's 64 characters even with region codes: shorten the environment name (the prefix "${project}")`,
    );
}

/**
 * The spec's topic families as the replicators' filter (`(dlq|inventory|…)\..+`, Java regex, whole
 * name). Replicated topics carry the source cluster's alias as a prefix, so they never match: a
 * record is copied once from the region that produced it, never relayed or looped back.
 */
export function replicatedTopicsPattern(): string {
    return `(${TOPIC_FAMILIES.join("|")})\\..+`;
}

/**
 * How replicated topics are named (AWS, "MSK Replicator active-active": prefixed names are the
 * recommended mode for active-active; identical names make each replicator read everything twice
 * to filter its own loop, and in a mesh of three or more regions relay a third region's records).
 * Docs/data.md: consumers subscribe to `order.created` and `<alias>.order.created`.
 */
export const TOPIC_NAME_CONFIGURATION = "PREFIXED_WITH_SOURCE_CLUSTER_ALIAS" as const;

export function buildMsk(scope: DataScope, args: MskArgs): MskStore {
    const { ctx, sizing } = scope;
    const size = sizing.msk;
    const base = `${scope.name}-msk`;
    const clusterName = awsName(ctx, "msk");
    const tags = (...parts: string[]) => dataTags(scope, "msk", ["msk", ...parts]);
    const maxPartitions = Math.max(...TOPICS.map((t) => t.partitions));
    const multiVpc = args.multiVpcConnectivity ?? true;
    const links = args.links ?? [];

    const brokerLogs = logGroup(scope, "msk-broker-logs", `/aws/msk/${clusterName}/broker`);
    const configuration = new aws.msk.Configuration(
        `${base}-config`,
        {
            name: clusterName,
            kafkaVersions: [size.kafkaVersion],
            description: `mall brokers: topics are declared, ${size.replicationFactor} replicas, ${size.minInSyncReplicas} in sync`,
            // Topics are created by the platform with the catalogue's partitions/retention; a typo'd
            // producer must not create one. Replicator-created topics keep the source's config.
            serverProperties: [
                "auto.create.topics.enable=false",
                `default.replication.factor=${size.replicationFactor}`,
                `min.insync.replicas=${size.minInSyncReplicas}`,
                `num.partitions=${maxPartitions}`,
                "unclean.leader.election.enable=false",
            ].join("\n"),
        },
        child(scope),
    );
    const cluster = new aws.msk.Cluster(
        `${base}-cluster`,
        {
            clusterName,
            kafkaVersion: size.kafkaVersion,
            numberOfBrokerNodes: size.brokers,
            brokerNodeGroupInfo: {
                instanceType: size.instanceType,
                clientSubnets: scope.network.dataSubnetIds,
                securityGroups: [args.securityGroupId],
                storageInfo: { ebsStorageInfo: { volumeSize: size.volumeGiB } },
                ...(multiVpc ? { connectivityInfo: { vpcConnectivity: { clientAuthentication: { sasl: { iam: true } } } } } : {}),
            },
            clientAuthentication: { sasl: { iam: true }, unauthenticated: false },
            encryptionInfo: {
                encryptionAtRestKmsKeyArn: scope.keys.msk.arn,
                encryptionInTransit: { clientBroker: "TLS", inCluster: true },
            },
            configurationInfo: { arn: configuration.arn, revision: configuration.latestRevision },
            enhancedMonitoring: "PER_TOPIC_PER_BROKER",
            loggingInfo: { brokerLogs: { cloudwatchLogs: { enabled: true, logGroup: brokerLogs.name } } },
            tags: tags("cluster"),
        },
        stateful(scope),
    );

    // Every cluster is a replication source (events flow both ways), so every cluster carries the
    // policy. The same source-side set as the replicator roles' own policies (msk-plan.ts), so the
    // resource policy never denies by omission what the identity policy grants.
    const clusterPolicy = new aws.msk.ClusterPolicy(
        `${base}-policy`,
        {
            clusterArn: cluster.arn,
            policy: pulumi.all([cluster.arn, ctx.accountId]).apply(([arn, account]) =>
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        // MSK itself builds the replicator's private connection into this VPC (AWS:
                        // "allow the kafka.amazonaws.com service principal" on the source cluster).
                        {
                            Sid: "MskConnectsReplicatorsPrivately",
                            Effect: "Allow",
                            Principal: { Service: "kafka.amazonaws.com" },
                            Action: ["kafka:CreateVpcConnection", "kafka:GetBootstrapBrokers", "kafka:DescribeClusterV2"],
                            Resource: arn,
                        },
                        ...replicatorSourceStatements(arn).map((s) => ({
                            ...s,
                            Principal: { AWS: `arn:aws:iam::${account}:root` },
                            Condition: { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${account}:role/${ctx.prefix}-*-msk-replicator` } },
                        })),
                    ],
                }),
            ),
        },
        child(scope),
    );
    if (links.length === 0) return { cluster, inbound: {}, outbound: {} };

    const here: ReplicatorSide = { region: ctx.region, clusterArn: cluster.arn, subnetIds: scope.network.dataSubnetIds, securityGroupId: args.securityGroupId };
    const inbound: Record<string, aws.msk.Replicator> = {};
    const outbound: Record<string, aws.msk.Replicator> = {};
    for (const link of links) {
        // Into this region: homed here, logging into this region's encrypted group. The link to the
        // primary keeps the names of the two-region layout.
        const first = link === links[0];
        const inLogs = logGroup(
            scope,
            first ? "msk-replicator-logs" : `msk-replicator-logs-from-${link.region}`,
            `/aws/msk/${awsName(ctx, "replicator")}${first ? "" : `-from-${link.region}`}`,
        );
        const inRole = replicatorRole(scope, first ? `${base}-replicator` : `${base}-replicator-from-${link.region}`, first ? replicatorRoleName(ctx.prefix, ctx.region) : replicatorRoleName(ctx.prefix, ctx.region, link.region), link, here);
        inbound[link.region] = replicator(scope, `${base}-replicator-from-${link.region}`, awsName(ctx, "msk-from", link.region), link, here, inRole, inLogs.name, "EARLIEST", []);
        if (!multiVpc) continue;
        // Out of this region: homed in the link's region (a replicator lives with its target), with
        // its log group there, under that region's logs key.
        const remote = { prefix: ctx.prefix, region: link.region };
        const outLogs = logGroup(scope, `msk-replicator-to-${link.region}-logs`, `/aws/msk/${awsName(remote, "replicator")}-from-${ctx.region}`, {
            region: link.region,
            logsKeyArn: link.logsKeyArn,
        });
        const outRole = replicatorRole(scope, `${base}-replicator-to-${link.region}`, replicatorRoleName(ctx.prefix, link.region, ctx.region), here, link);
        // It reads this cluster: MSK must be allowed to build its private connection here first.
        outbound[link.region] = replicator(
            scope,
            `${base}-replicator-to-${link.region}`,
            awsName(remote, "msk-from", ctx.region),
            here,
            link,
            outRole,
            outLogs.name,
            args.outboundStartingPosition ?? "EARLIEST",
            [clusterPolicy],
            link.region,
        );
    }
    return { cluster, inbound, outbound };
}

interface ReplicatorSide {
    readonly region: string;
    readonly clusterArn: pulumi.Input<string>;
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    readonly securityGroupId: pulumi.Input<string>;
}

/**
 * One role per direction (IAM is global, so a role could serve both, but then the replicator reading
 * a cluster could also write its data topics): the source half on the source, the target half on
 * the target, nothing else.
 */
function replicatorRole(scope: DataScope, pulumiBase: string, roleName: string, source: ReplicatorSide, target: ReplicatorSide): ReplicatorRole {
    const role = new aws.iam.Role(
        `${pulumiBase}-role`,
        { name: roleName, assumeRolePolicy: serviceTrustPolicy(scope.ctx, "kafka.amazonaws.com", { sourceAccount: true }), tags: dataTags(scope, "msk", ["msk", "replicator-role", source.region, "to", target.region]) },
        child(scope),
    );
    const policy = new aws.iam.RolePolicy(
        `${pulumiBase}-policy`,
        {
            role: role.id,
            policy: pulumi
                .all([source.clusterArn, target.clusterArn])
                .apply(([src, dst]) => JSON.stringify({ Version: "2012-10-17", Statement: [...replicatorSourceStatements(src), ...replicatorTargetStatements(dst)] })),
        },
        child(scope),
    );
    return { arn: role.arn, policy };
}

interface ReplicatorRole {
    readonly arn: pulumi.Output<string>;
    /** The replicator waits for its permissions (the create waiter needs RUNNING). */
    readonly policy: aws.iam.RolePolicy;
}

/**
 * One direction: all of the spec's topics, prefixed with the source cluster's alias on the target
 * (TOPIC_NAME_CONFIGURATION), consumer offsets synchronised (groups are per region, see
 * docs/data.md), GZIP. Homed in the target's region; replaced with its name freed first (topic
 * naming and the starting position force a replacement, and the name is unique per region).
 */
function replicator(
    scope: DataScope,
    pulumiName: string,
    replicatorName: string,
    source: ReplicatorSide,
    target: ReplicatorSide,
    role: ReplicatorRole,
    logGroupName: pulumi.Input<string>,
    startingPosition: "EARLIEST" | "LATEST",
    after: pulumi.Resource[],
    region?: string,
): aws.msk.Replicator {
    return new aws.msk.Replicator(
        pulumiName,
        {
            ...(region ? { region } : {}),
            replicatorName,
            description: `mall topics ${source.region} -> ${target.region}`,
            serviceExecutionRoleArn: role.arn,
            kafkaClusters: [source, target].map((side) => ({
                amazonMskCluster: { mskClusterArn: side.clusterArn },
                vpcConfig: { subnetIds: side.subnetIds, securityGroupsIds: [side.securityGroupId] },
            })),
            replicationInfoList: {
                sourceKafkaClusterArn: source.clusterArn,
                targetKafkaClusterArn: target.clusterArn,
                targetCompressionType: "GZIP",
                topicReplications: [
                    {
                        topicsToReplicates: [replicatedTopicsPattern()],
                        topicNameConfiguration: { type: TOPIC_NAME_CONFIGURATION },
                        startingPosition: { type: startingPosition },
                        copyTopicConfigurations: true,
                        // The clusters authorise with IAM only: there are no Kafka ACLs to copy, and
                        // copying them would need AlterCluster on the target.
                        copyAccessControlListsForTopics: false,
                        detectAndCopyNewTopics: true,
                    },
                ],
                consumerGroupReplications: [
                    { consumerGroupsToReplicates: [".*"], synchroniseConsumerGroupOffsets: true, detectAndCopyNewConsumerGroups: true },
                ],
            },
            logDelivery: { replicatorLogDelivery: { cloudwatchLogs: { enabled: true, logGroup: logGroupName } } },
            tags: dataTags(scope, "msk", ["msk", "replicator", source.region, "to", target.region]),
        },
        child(scope, { dependsOn: [role.policy, ...after], deleteBeforeReplace: true }),
    );
}
