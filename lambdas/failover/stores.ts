/**
 * Store adapters: "who is primary" and "promote this region" for Aurora global databases,
 * DocumentDB global clusters and ElastiCache global datastores, on the AWS SDK v3.
 *
 * API choice: an unplanned regional outage uses FailoverGlobalCluster with AllowDataLoss (the old
 * writer is unreachable, so a switchover, which waits for it to drain, would never finish);
 * planned drills use SwitchoverGlobalCluster (no data loss, both regions healthy). ElastiCache has
 * one call, FailoverGlobalReplicationGroup, for both.
 */
import {
    DescribeGlobalClustersCommand as DocDbDescribe,
    DocDBClient,
    FailoverGlobalClusterCommand as DocDbFailover,
    GlobalCluster as DocDbGlobalCluster,
    SwitchoverGlobalClusterCommand as DocDbSwitchover,
} from "@aws-sdk/client-docdb";
import { DescribeGlobalReplicationGroupsCommand, ElastiCacheClient, FailoverGlobalReplicationGroupCommand } from "@aws-sdk/client-elasticache";
import {
    DescribeGlobalClustersCommand as RdsDescribe,
    FailoverGlobalClusterCommand as RdsFailover,
    GlobalCluster as RdsGlobalCluster,
    RDSClient,
    SwitchoverGlobalClusterCommand as RdsSwitchover,
} from "@aws-sdk/client-rds";
import { MemberState, Mode, StoreAdapter } from "./core";

/** A global cluster and this region's member cluster (its ARN: the failover APIs take the ARN). */
export interface GlobalClusterTarget {
    readonly globalClusterIdentifier: string;
    readonly clusterArn: string;
}

export const GLOBAL_CLUSTER_FIELDS = ["globalClusterIdentifier", "clusterArn"] as const;

/** Shared by Aurora and DocumentDB: their GlobalCluster shapes agree on every field read here. */
export function globalClusterState(gc: RdsGlobalCluster | DocDbGlobalCluster | undefined, target: GlobalClusterTarget): MemberState {
    if (!gc) throw new Error(`global cluster ${target.globalClusterIdentifier} was not found`);
    const member = gc.GlobalClusterMembers?.find((m) => m.DBClusterArn === target.clusterArn);
    if (!member) {
        throw new Error(
            `${target.clusterArn} is not a member of global cluster ${target.globalClusterIdentifier} (members: ${(gc.GlobalClusterMembers ?? []).map((m) => m.DBClusterArn).join(", ") || "none"})`,
        );
    }
    if (member.IsWriter) return { kind: "primary", detail: `${target.clusterArn} is the writer` };
    const fs = gc.FailoverState;
    if (fs?.Status) {
        // Another failover is running (to here or elsewhere): never start a second one over it.
        return { kind: "in-progress", detail: `a ${fs.IsDataLossAllowed ? "failover" : "switchover"} is ${fs.Status}: ${fs.FromDbClusterArn ?? "?"} -> ${fs.ToDbClusterArn ?? "?"}` };
    }
    const writer = gc.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn;
    return { kind: "secondary", detail: `writer is ${writer ?? "none"}; global cluster status ${gc.Status ?? "unknown"}` };
}

function globalClusterRequest(target: GlobalClusterTarget, mode: Mode) {
    return mode === "failover"
        ? { command: "FailoverGlobalCluster", input: { GlobalClusterIdentifier: target.globalClusterIdentifier, TargetDbClusterIdentifier: target.clusterArn, AllowDataLoss: true } }
        : { command: "SwitchoverGlobalCluster", input: { GlobalClusterIdentifier: target.globalClusterIdentifier, TargetDbClusterIdentifier: target.clusterArn } };
}

export function auroraAdapter(rds: RDSClient): StoreAdapter<GlobalClusterTarget> {
    return {
        label: (t) => `aurora ${t.globalClusterIdentifier}`,
        state: async (t) => {
            const out = await rds.send(new RdsDescribe({ GlobalClusterIdentifier: t.globalClusterIdentifier }));
            return globalClusterState(out.GlobalClusters?.[0], t);
        },
        request: globalClusterRequest,
        promote: async (t, mode) => {
            if (mode === "failover") {
                await rds.send(new RdsFailover({ GlobalClusterIdentifier: t.globalClusterIdentifier, TargetDbClusterIdentifier: t.clusterArn, AllowDataLoss: true }));
            } else {
                await rds.send(new RdsSwitchover({ GlobalClusterIdentifier: t.globalClusterIdentifier, TargetDbClusterIdentifier: t.clusterArn }));
            }
        },
    };
}

export function docdbAdapter(docdb: DocDBClient): StoreAdapter<GlobalClusterTarget> {
    return {
        label: (t) => `docdb ${t.globalClusterIdentifier}`,
        state: async (t) => {
            const out = await docdb.send(new DocDbDescribe({ GlobalClusterIdentifier: t.globalClusterIdentifier }));
            return globalClusterState(out.GlobalClusters?.[0], t);
        },
        request: globalClusterRequest,
        promote: async (t, mode) => {
            if (mode === "failover") {
                await docdb.send(new DocDbFailover({ GlobalClusterIdentifier: t.globalClusterIdentifier, TargetDbClusterIdentifier: t.clusterArn, AllowDataLoss: true }));
            } else {
                await docdb.send(new DocDbSwitchover({ GlobalClusterIdentifier: t.globalClusterIdentifier, TargetDbClusterIdentifier: t.clusterArn }));
            }
        },
    };
}

/** A global datastore and this region's member replication group. */
export interface GlobalDatastoreTarget {
    readonly globalReplicationGroupId: string;
    readonly replicationGroupId: string;
}

export const GLOBAL_DATASTORE_FIELDS = ["globalReplicationGroupId", "replicationGroupId"] as const;

/** Global datastore states in which a failover may start. */
const READY = new Set(["available", "primary-only"]);

export function elasticacheAdapter(ec: ElastiCacheClient, region: string): StoreAdapter<GlobalDatastoreTarget> {
    return {
        label: (t) => `elasticache ${t.globalReplicationGroupId}`,
        state: async (t) => {
            const out = await ec.send(new DescribeGlobalReplicationGroupsCommand({ GlobalReplicationGroupId: t.globalReplicationGroupId, ShowMemberInfo: true }));
            const g = out.GlobalReplicationGroups?.[0];
            if (!g) throw new Error(`global datastore ${t.globalReplicationGroupId} was not found`);
            const member = g.Members?.find((m) => m.ReplicationGroupId === t.replicationGroupId && m.ReplicationGroupRegion === region);
            if (!member) {
                throw new Error(
                    `${t.replicationGroupId} (${region}) is not a member of global datastore ${t.globalReplicationGroupId} (members: ${(g.Members ?? []).map((m) => `${m.ReplicationGroupId} (${m.ReplicationGroupRegion})`).join(", ") || "none"})`,
                );
            }
            // The API documents the role as "primary or secondary" without fixing the case.
            if (member.Role?.toLowerCase() === "primary") return { kind: "primary", detail: `${t.replicationGroupId} is primary` };
            if (!READY.has((g.Status ?? "").toLowerCase())) return { kind: "in-progress", detail: `global datastore is ${g.Status ?? "in an unknown state"}` };
            const primary = g.Members?.find((m) => m.Role?.toLowerCase() === "primary");
            return { kind: "secondary", detail: `primary is ${primary ? `${primary.ReplicationGroupId} (${primary.ReplicationGroupRegion})` : "none"}` };
        },
        request: (t) => ({
            command: "FailoverGlobalReplicationGroup",
            input: { GlobalReplicationGroupId: t.globalReplicationGroupId, PrimaryRegion: region, PrimaryReplicationGroupId: t.replicationGroupId },
        }),
        promote: async (t) => {
            await ec.send(new FailoverGlobalReplicationGroupCommand({ GlobalReplicationGroupId: t.globalReplicationGroupId, PrimaryRegion: region, PrimaryReplicationGroupId: t.replicationGroupId }));
        },
    };
}
