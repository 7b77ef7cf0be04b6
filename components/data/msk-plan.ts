/**
 * What MSK Replicator may do on each side, as plain IAM statements (no Pulumi imports): the
 * replicator's execution role gets the source and target halves, the primary's cluster policy the
 * source half. Least privilege after AWS's per-feature reference (MSK Developer Guide, "Service
 * execution role permissions reference": topic replication, topic configuration replication, ACL
 * replication, consumer group offset sync), for the features buildMsk turns on: the spec's topic
 * families under prefixed names, configs and ACLs copied, consumer offsets synced. One role per
 * direction: the source half on the source cluster, the target half on the target.
 *
 * The replicator is a Kafka Connect (MirrorMaker 2) job: it creates and writes its own internal
 * topics on BOTH clusters (heartbeats `__amazon_msk_replicator_*`, `mskr-offset-syncs.*`,
 * `*.checkpoints.internal`), produces idempotently to both, and commits translated offsets on the
 * target. With only read permissions on the source it never reaches RUNNING, and the provider's
 * create waiter (RUNNING only) fails the `up`.
 */
import { PolicyStatement } from "../common/iam";
import { TOPIC_FAMILIES } from "../catalogue";
import { groupArnPrefix, topicArnPrefix } from "../common/msk-arn";

/** `arn:aws:kafka:r:a:cluster/name/uuid` -> `arn:aws:kafka:r:a:<kind>/name/uuid/<pattern>` (MSK IAM resource ARNs). */
export function mskArn(clusterArn: string, kind: "topic" | "group", pattern = "*"): string {
    const topics = topicArnPrefix(clusterArn);
    return `${kind === "topic" ? topics : groupArnPrefix(topics)}${pattern}`;
}

/** Name patterns of the replicator's own topics, present on both clusters (AWS topic-replication policy). */
export const REPLICATOR_INTERNAL_TOPICS = ["*__amazon_msk_replicator_*", "mskr-offset-syncs.*", "*.checkpoints.internal"] as const;

/** Everything the replicator does on its internal topics, on either cluster. */
const INTERNAL_TOPIC_ACTIONS = [
    "kafka-cluster:CreateTopic",
    "kafka-cluster:ReadData",
    "kafka-cluster:WriteData",
    "kafka-cluster:DescribeTopic",
    "kafka-cluster:DescribeTopicDynamicConfiguration",
    "kafka-cluster:AlterTopic",
    "kafka-cluster:AlterTopicDynamicConfiguration",
];

/** Connect and produce idempotently: needed on both clusters ("add WriteDataIdempotently to both the source and target cluster"). */
const CLUSTER_ACTIONS = ["kafka-cluster:Connect", "kafka-cluster:DescribeCluster", "kafka-cluster:WriteDataIdempotently"];

const internalTopics = (clusterArn: string) => REPLICATOR_INTERNAL_TOPICS.map((p) => mskArn(clusterArn, "topic", p));

/**
 * The source half: connect, own internal topics, read (never write) the data topics and their
 * configs, read consumer groups' offsets. Groups also get AlterGroup: the replicator's own
 * consumer groups live on the source.
 */
export function replicatorSourceStatements(sourceClusterArn: string): PolicyStatement[] {
    return [
        { Sid: "SourceCluster", Effect: "Allow", Action: CLUSTER_ACTIONS, Resource: [sourceClusterArn] },
        { Sid: "SourceInternalTopics", Effect: "Allow", Action: INTERNAL_TOPIC_ACTIONS, Resource: internalTopics(sourceClusterArn) },
        {
            Sid: "SourceDataTopics",
            Effect: "Allow",
            Action: ["kafka-cluster:ReadData", "kafka-cluster:DescribeTopic", "kafka-cluster:DescribeTopicDynamicConfiguration"],
            Resource: [mskArn(sourceClusterArn, "topic")],
        },
        { Sid: "SourceGroups", Effect: "Allow", Action: ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"], Resource: [mskArn(sourceClusterArn, "group")] },
    ];
}

/**
 * The target half: connect, own internal topics, create and write the replicated topics and copy
 * their configs, commit translated offsets. Replicas carry the source cluster's alias as a prefix
 * (`<alias>.order.created`), so the grant names `*.<family>.*` only: the target's own topics
 * (`order.created`) stay out of reach (no forged local events, no retention change). No
 * AlterCluster: the clusters use IAM, not Kafka ACLs, so none are copied.
 */
export function replicatorTargetStatements(targetClusterArn: string): PolicyStatement[] {
    return [
        { Sid: "TargetCluster", Effect: "Allow", Action: CLUSTER_ACTIONS, Resource: [targetClusterArn] },
        { Sid: "TargetInternalTopics", Effect: "Allow", Action: INTERNAL_TOPIC_ACTIONS, Resource: internalTopics(targetClusterArn) },
        {
            Sid: "TargetDataTopics",
            Effect: "Allow",
            Action: [
                "kafka-cluster:CreateTopic",
                "kafka-cluster:WriteData",
                "kafka-cluster:DescribeTopic",
                "kafka-cluster:DescribeTopicDynamicConfiguration",
                "kafka-cluster:AlterTopic",
                "kafka-cluster:AlterTopicDynamicConfiguration",
            ],
            Resource: TOPIC_FAMILIES.map((f) => mskArn(targetClusterArn, "topic", `*.${f}.*`)),
        },
        { Sid: "TargetGroups", Effect: "Allow", Action: ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"], Resource: [mskArn(targetClusterArn, "group")] },
    ];
}
