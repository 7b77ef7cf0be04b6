/**
 * The ElastiCache global datastore adapter: "who is primary" and "promote this region", on the
 * AWS SDK v3. Region switch has no execution block for ElastiCache (docs/dr.md).
 *
 * API choice:
 * - `switchover` (a graceful Region switch execution, a drill, failback; both Regions answer):
 *   FailoverGlobalReplicationGroup, which makes this member primary and the others secondary;
 * - `failover` (the primary Region is lost): DisassociateGlobalReplicationGroup of this member,
 *   which "remains as a standalone cluster" and takes writes; the cache is rebuildable, and the
 *   member rejoins (or is recreated) when the Region returns (docs/dr.md, failback).
 */
import {
    DescribeGlobalReplicationGroupsCommand,
    DescribeReplicationGroupsCommand,
    DisassociateGlobalReplicationGroupCommand,
    ElastiCacheClient,
    FailoverGlobalReplicationGroupCommand,
} from "@aws-sdk/client-elasticache";
import { MemberState, Mode, StoreAdapter } from "./core";

/** A global datastore and this region's member replication group. */
export interface GlobalDatastoreTarget {
    readonly globalReplicationGroupId: string;
    readonly replicationGroupId: string;
}

export const GLOBAL_DATASTORE_FIELDS = ["globalReplicationGroupId", "replicationGroupId"] as const;

/** Global datastore states in which a failover may start. */
const READY = new Set(["available", "primary-only"]);

function request(t: GlobalDatastoreTarget, mode: Mode, region: string) {
    return mode === "switchover"
        ? { command: "FailoverGlobalReplicationGroup", input: { GlobalReplicationGroupId: t.globalReplicationGroupId, PrimaryRegion: region, PrimaryReplicationGroupId: t.replicationGroupId } }
        : { command: "DisassociateGlobalReplicationGroup", input: { GlobalReplicationGroupId: t.globalReplicationGroupId, ReplicationGroupId: t.replicationGroupId, ReplicationGroupRegion: region } };
}

export function elasticacheAdapter(ec: ElastiCacheClient, region: string): StoreAdapter<GlobalDatastoreTarget> {
    return {
        label: (t) => `elasticache ${t.globalReplicationGroupId}`,
        state: async (t): Promise<MemberState> => {
            const out = await ec.send(new DescribeGlobalReplicationGroupsCommand({ GlobalReplicationGroupId: t.globalReplicationGroupId, ShowMemberInfo: true }));
            const g = out.GlobalReplicationGroups?.[0];
            if (!g) throw new Error(`global datastore ${t.globalReplicationGroupId} was not found`);
            const member = g.Members?.find((m) => m.ReplicationGroupId === t.replicationGroupId && m.ReplicationGroupRegion === region);
            if (!member) {
                // Detached by an earlier failover: a standalone replication group takes writes.
                const own = (await ec.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: t.replicationGroupId }))).ReplicationGroups?.[0];
                if (own && !own.GlobalReplicationGroupInfo?.GlobalReplicationGroupId) return { kind: "primary", detail: `${t.replicationGroupId} stands alone (detached from ${t.globalReplicationGroupId})` };
                throw new Error(
                    `${t.replicationGroupId} (${region}) is not a member of global datastore ${t.globalReplicationGroupId} (members: ${(g.Members ?? []).map((m) => `${m.ReplicationGroupId} (${m.ReplicationGroupRegion})`).join(", ") || "none"})`,
                );
            }
            // The API documents the role as "primary or secondary" without fixing the case.
            if (member.Role?.toLowerCase() === "primary") return { kind: "primary", detail: `${t.replicationGroupId} is primary` };
            if (!READY.has((g.Status ?? "").toLowerCase()) || (member.Status ?? "associated").toLowerCase() !== "associated") {
                return { kind: "in-progress", detail: `global datastore is ${g.Status ?? "in an unknown state"}, this member ${member.Status ?? "?"}` };
            }
            const primary = g.Members?.find((m) => m.Role?.toLowerCase() === "primary");
            return { kind: "secondary", detail: `primary is ${primary ? `${primary.ReplicationGroupId} (${primary.ReplicationGroupRegion})` : "none"}` };
        },
        request: (t, mode) => request(t, mode, region),
        promote: async (t, mode) => {
            const r = request(t, mode, region);
            if (r.command === "FailoverGlobalReplicationGroup") await ec.send(new FailoverGlobalReplicationGroupCommand(r.input as never));
            else await ec.send(new DisassociateGlobalReplicationGroupCommand(r.input as never));
        },
    };
}
