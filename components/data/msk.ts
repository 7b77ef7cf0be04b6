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
import { awsName } from "../common/context";
import { TOPICS } from "../catalogue";
import { replicatorSourceStatements, replicatorTargetStatements } from "./msk-plan";
import { DataScope, child, dataTags, logGroup, stateful } from "./shared";

export const MSK_IAM_PORT = 9098;

export interface MskArgs {
    /** The cluster's security group (admits the nodes and, by its self-rule, the replicators' ENIs). */
    readonly securityGroupId: pulumi.Input<string>;
    /**
     * Turn on multi-VPC private connectivity for IAM on the primary (source) cluster: a cross-region
     * MSK Replicator needs it. AWS refuses it at cluster creation ("all vpcConnectivity auth schemes
     * must be disabled"), so the cluster's first deploy (the bootstrap phase) leaves it off and the
     * next turns it on (UpdateConnectivity, a rolling broker restart). Ignored on secondaries.
     * @default true
     */
    readonly multiVpcConnectivity?: boolean;
    /** Secondaries: the source cluster and the VPC placement the replicator uses on its side. */
    readonly source?: {
        readonly region: string;
        readonly clusterArn: pulumi.Input<string>;
        readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
        readonly securityGroupId: pulumi.Input<string>;
    };
}

export interface MskStore {
    readonly cluster: aws.msk.Cluster;
    readonly replicator?: aws.msk.Replicator;
}

export function replicatorRoleName(project: string, region: string): string {
    return `${project}-${region}-msk-replicator`;
}

export function buildMsk(scope: DataScope, args: MskArgs): MskStore {
    const { ctx, sizing } = scope;
    const size = sizing.msk;
    const base = `${scope.name}-msk`;
    const clusterName = awsName(ctx, "msk");
    const tags = (...parts: string[]) => dataTags(scope, "msk", ["msk", ...parts]);
    const maxPartitions = Math.max(...TOPICS.map((t) => t.partitions));

    const brokerLogs = logGroup(scope, "msk-broker-logs", `/aws/msk/${clusterName}/broker`);
    const configuration = new aws.msk.Configuration(
        `${base}-config`,
        {
            name: clusterName,
            kafkaVersions: [size.kafkaVersion],
            description: "mall brokers: topics are declared, 3 replicas, 2 in sync",
            // Topics are created by the platform with the catalogue's partitions/retention; a typo'd
            // producer must not create one. Replicator-created topics keep the source's config.
            serverProperties: [
                "auto.create.topics.enable=false",
                "default.replication.factor=3",
                "min.insync.replicas=2",
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
                ...(!args.source && (args.multiVpcConnectivity ?? true) ? { connectivityInfo: { vpcConnectivity: { clientAuthentication: { sasl: { iam: true } } } } } : {}),
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

    if (!args.source) {
        // The same source-side set as the replicator roles' own policies (msk-plan.ts), so the
        // resource policy never denies by omission what the identity policy grants.
        new aws.msk.ClusterPolicy(
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
                                Condition: { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${account}:role/${ctx.project}-*-msk-replicator` } },
                            })),
                        ],
                    }),
                ),
            },
            child(scope),
        );
        return { cluster };
    }

    const source = args.source;
    const role = new aws.iam.Role(
        `${base}-replicator-role`,
        {
            name: replicatorRoleName(ctx.project, ctx.region),
            assumeRolePolicy: serviceTrustPolicy(ctx, "kafka.amazonaws.com"),
            tags: tags("replicator-role"),
        },
        child(scope),
    );
    const rolePolicy = new aws.iam.RolePolicy(
        `${base}-replicator-policy`,
        {
            role: role.id,
            policy: pulumi
                .all([source.clusterArn, cluster.arn])
                .apply(([src, dst]) => JSON.stringify({ Version: "2012-10-17", Statement: [...replicatorSourceStatements(src), ...replicatorTargetStatements(dst)] })),
        },
        child(scope),
    );
    const replicatorLogs = logGroup(scope, "msk-replicator-logs", `/aws/msk/${awsName(ctx, "replicator")}`);
    const replicator = new aws.msk.Replicator(
        `${base}-replicator-from-${source.region}`,
        {
            replicatorName: awsName(ctx, "msk-from", source.region),
            description: `all topics ${source.region} -> ${ctx.region}`,
            serviceExecutionRoleArn: role.arn,
            kafkaClusters: [
                { amazonMskCluster: { mskClusterArn: source.clusterArn }, vpcConfig: { subnetIds: source.subnetIds, securityGroupsIds: [source.securityGroupId] } },
                { amazonMskCluster: { mskClusterArn: cluster.arn }, vpcConfig: { subnetIds: scope.network.dataSubnetIds, securityGroupsIds: [args.securityGroupId] } },
            ],
            replicationInfoList: {
                sourceKafkaClusterArn: source.clusterArn,
                targetKafkaClusterArn: cluster.arn,
                targetCompressionType: "GZIP",
                topicReplications: [
                    {
                        topicsToReplicates: [".*"],
                        // Identical names: consumers fail over without renaming topics (one-way replication only).
                        topicNameConfiguration: { type: "IDENTICAL" },
                        startingPosition: { type: "EARLIEST" },
                        copyTopicConfigurations: true,
                        copyAccessControlListsForTopics: true,
                        detectAndCopyNewTopics: true,
                    },
                ],
                consumerGroupReplications: [
                    { consumerGroupsToReplicates: [".*"], synchroniseConsumerGroupOffsets: true, detectAndCopyNewConsumerGroups: true },
                ],
            },
            logDelivery: { replicatorLogDelivery: { cloudwatchLogs: { enabled: true, logGroup: replicatorLogs.name } } },
            tags: tags("replicator"),
        },
        child(scope, { dependsOn: [rolePolicy] }),
    );
    return { cluster, replicator };
}
