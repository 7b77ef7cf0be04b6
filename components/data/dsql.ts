/**
 * Aurora DSQL multi-region linked clusters (ARCHITECTURE §4): one cluster in the primary and one
 * in the first secondary, peered with a witness region — RPO 0, closing the deck's "single-region
 * DSQL = total loss" gap. The secondary owns the link: both peering halves, the primary's via the
 * per-resource `region` input.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DataScope, child, dataTags, stateful } from "./shared";

export interface DsqlArgs {
    readonly witnessRegion: string;
    /** Secondaries that own the peering: the primary's cluster. */
    readonly peer?: { readonly region: string; readonly clusterArn: pulumi.Input<string>; readonly clusterId: pulumi.Input<string> };
}

export interface DsqlStore {
    readonly cluster: aws.dsql.Cluster;
    readonly peerings: aws.dsql.ClusterPeering[];
}

export function buildDsql(scope: DataScope, args: DsqlArgs): DsqlStore {
    const base = `${scope.name}-dsql`;
    const cluster = new aws.dsql.Cluster(
        `${base}-cluster`,
        {
            deletionProtectionEnabled: true,
            kmsEncryptionKey: scope.keys.dsql.arn,
            multiRegionProperties: { witnessRegion: args.witnessRegion },
            tags: dataTags(scope, "dsql", ["dsql"]),
        },
        // The peer list is written by the ClusterPeering resources, not by this one.
        stateful(scope, { ignoreChanges: ["multiRegionProperties.clusters"] }),
    );
    const peerings: aws.dsql.ClusterPeering[] = [];
    if (args.peer) {
        peerings.push(
            new aws.dsql.ClusterPeering(
                `${base}-peering-local`,
                { identifier: cluster.identifier, clusters: [args.peer.clusterArn], witnessRegion: args.witnessRegion },
                child(scope),
            ),
            new aws.dsql.ClusterPeering(
                `${base}-peering-${args.peer.region}`,
                { region: args.peer.region, identifier: args.peer.clusterId, clusters: [cluster.arn], witnessRegion: args.witnessRegion },
                child(scope),
            ),
        );
    }
    return { cluster, peerings };
}
