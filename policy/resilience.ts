/** Resilience guardrails: nothing stateful can be deleted, lose its backups or skip its last snapshot. */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { describe, requireValue } from "./lib/checks";
import { resourcePolicy } from "./lib/define";
import { ResourceView, UNKNOWN, advise, at, show } from "./lib/props";

interface NothingLostConfig {
    minBackupRetentionDays: number;
    protectedTypes: string[];
}

const RDS_CLUSTER = "aws:rds/cluster:Cluster";
const DOCDB_CLUSTER = "aws:docdb/cluster:Cluster";

/** Stateful stores whose Pulumi resource must carry `protect` (a KMS key's loss loses its data too). */
export const DEFAULT_PROTECTED_TYPES = [
    RDS_CLUSTER,
    "aws:rds/instance:Instance",
    "aws:rds/globalCluster:GlobalCluster",
    DOCDB_CLUSTER,
    "aws:docdb/globalCluster:GlobalCluster",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
    "aws:msk/cluster:Cluster",
    "aws:opensearch/domain:Domain",
    "aws:dsql/cluster:Cluster",
    "aws:dynamodb/table:Table",
    "aws:dynamodb/tableReplica:TableReplica",
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketV2:BucketV2",
    "aws:kms/key:Key",
];

function minimum(policy: string, r: ResourceView, path: string, min: number, awsDefault: number, report: (m: string, u?: string) => void) {
    const v = at(r.props, path);
    if (v === UNKNOWN) {
        advise(report, policy, `${describe(r)} ${path} cannot be verified during preview (unknown); it is checked again when known`, r.urn);
        return;
    }
    const days = typeof v === "number" ? v : awsDefault;
    if (days < min) report(`${describe(r)} must set ${path} to at least ${min} days; it is ${v === undefined ? `unset (AWS default ${awsDefault})` : show(v)}`, r.urn);
}

/**
 * Secondary Aurora/DocumentDB clusters in a global cluster get no exemption: each cluster owns its
 * automated backups (Aurora's retention is per DB cluster, default one day however the cluster was
 * created), and a promoted secondary keeps its own setting, so every member must set it.
 */
export const nothingLost: ResourceValidationPolicy = resourcePolicy<NothingLostConfig>({
    name: "nothing-lost",
    description: "Checks that stateful stores have deletion protection, enough backup retention, a kept final snapshot and Pulumi protect.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            minBackupRetentionDays: { type: "number", default: 7, minimum: 1, maximum: 35, description: "Least backup retention (RDS/DocumentDB backupRetentionPeriod, ElastiCache snapshotRetentionLimit)." },
            protectedTypes: { type: "array", items: { type: "string" }, default: DEFAULT_PROTECTED_TYPES, description: "Resource types that must carry the Pulumi protect option." },
        },
    },
    types: DEFAULT_PROTECTED_TYPES,
    check: (r, config, report) => {
        const name = "nothing-lost";
        if (config.protectedTypes.includes(r.type) && !r.protect) {
            report(`${describe(r)} must carry the Pulumi protect option; protect is false`, r.urn);
        }
        switch (r.type) {
            case RDS_CLUSTER:
            case DOCDB_CLUSTER: {
                requireValue(name, r, "deletionProtection", true, report);
                minimum(name, r, "backupRetentionPeriod", config.minBackupRetentionDays, 1, report);
                const skip = at(r.props, "skipFinalSnapshot");
                if (skip === true) report(`${describe(r)} must set skipFinalSnapshot to false; it is true`, r.urn);
                // skipFinalSnapshot false without an identifier makes the delete fail rather than keep data.
                else if (skip !== UNKNOWN && at(r.props, "finalSnapshotIdentifier") === undefined) {
                    report(`${describe(r)} must set finalSnapshotIdentifier so a final snapshot is kept; it is unset`, r.urn);
                }
                break;
            }
            case "aws:rds/instance:Instance":
                requireValue(name, r, "deletionProtection", true, report);
                break;
            case "aws:rds/globalCluster:GlobalCluster":
            case "aws:docdb/globalCluster:GlobalCluster":
                requireValue(name, r, "deletionProtection", true, report);
                break;
            case "aws:elasticache/replicationGroup:ReplicationGroup":
                minimum(name, r, "snapshotRetentionLimit", config.minBackupRetentionDays, 0, report);
                break;
            case "aws:dynamodb/table:Table":
                requireValue(name, r, "deletionProtectionEnabled", true, report);
                requireValue(name, r, "pointInTimeRecovery.enabled", true, report);
                break;
            case "aws:dynamodb/tableReplica:TableReplica":
                requireValue(name, r, "deletionProtectionEnabled", true, report);
                break;
            case "aws:dsql/cluster:Cluster":
                requireValue(name, r, "deletionProtectionEnabled", true, report);
                break;
        }
    },
});
