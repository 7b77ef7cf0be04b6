/**
 * Topics as code (ARCHITECTURE §4's table): the spec's Kafka topics, with their partitions,
 * retention, three replicas and two in sync, created by the program in every region's cluster
 * through the Pulumi Kafka provider (IAM auth over TLS on 9098). Broker auto-creation is off, so
 * these are the only topics a producer can write; the replicas of the other regions' topics
 * (`<alias>.order.created`) are created by the MSK Replicators.
 *
 * The provider talks to the brokers from wherever `pulumi` runs, so the topics are declared only
 * outside the bootstrap phase: the in-VPC runners (deploy and preview) reach the brokers, a
 * workstation does not (components/data/security.ts admits the runners; docs/data.md lists the
 * IAM actions their roles need).
 */
import * as aws from "@pulumi/aws";
import * as kafka from "@pulumi/kafka";
import * as pulumi from "@pulumi/pulumi";
import { TOPICS, TopicSpec } from "../catalogue";
import { DataScope } from "./shared";

const DAY_MS = 24 * 60 * 60 * 1000;

/** A topic's broker-side configuration (Kafka takes every value as a string); the in-sync minimum is the cluster's (MskSizing). */
export function topicConfig(t: TopicSpec, minInSyncReplicas: number): Record<string, string> {
    return {
        "retention.ms": String(t.retentionDays * DAY_MS),
        "min.insync.replicas": String(minInSyncReplicas),
        "cleanup.policy": "delete",
    };
}

/** Kafka provider arguments for an MSK cluster with IAM auth (`aws-iam` SASL signs with the deployer's credentials). */
export function kafkaProviderArgs(bootstrapBrokersSaslIam: pulumi.Input<string>, region: string): kafka.ProviderArgs {
    return {
        bootstrapServers: pulumi.output(bootstrapBrokersSaslIam).apply((b) => b.split(",").filter((x) => x !== "")),
        tlsEnabled: true,
        saslMechanism: "aws-iam",
        saslAwsRegion: region,
    };
}

export interface TopicOptions {
    /** What the brokers' reachability waits for (the runners' ingress rules). */
    readonly after?: readonly pulumi.Resource[];
    /**
     * Adopt topics that exist already (a Pulumi `import` by name): a cluster whose topics predate
     * topics as code. The import fails, naming the differences, unless each topic's partitions,
     * replicas and configuration match the spec's. @default false
     */
    readonly adopt?: boolean;
}

export function buildTopics(scope: DataScope, cluster: aws.msk.Cluster, options: TopicOptions = {}): kafka.Topic[] {
    const provider = new kafka.Provider(`${scope.name}-kafka`, kafkaProviderArgs(cluster.bootstrapBrokersSaslIam, scope.ctx.region), { parent: scope.parent });
    // Protected: deleting a topic deletes its events (and a topic's name is its identity).
    return TOPICS.map(
        (t) =>
            new kafka.Topic(
                `${scope.name}-topic-${t.name}`,
                // Replicas as the brokers' defaults (MskSizing: 3 over three AZs, 2 over two).
                { name: t.name, partitions: t.partitions, replicationFactor: scope.sizing.msk.replicationFactor, config: topicConfig(t, scope.sizing.msk.minInSyncReplicas) },
                { parent: scope.parent, provider, protect: true, dependsOn: [cluster, ...(options.after ?? [])], ...(options.adopt ? { import: t.name } : {}) },
            ),
    );
}
