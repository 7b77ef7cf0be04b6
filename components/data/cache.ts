/**
 * ElastiCache Valkey global datastore (ARCHITECTURE §4): cluster mode, shards × replicas, Multi-AZ,
 * KMS at rest, TLS in transit and an AUTH token from a generated secret. The primary owns the
 * replication group and the global datastore; a secondary's replication group joins it.
 *
 * A secondary member takes engine, version, node type, shard count, encryption and AUTH from the
 * global datastore: the provider rejects them on a member (`globalReplicationGroupId` conflicts
 * with them), so they are not set, and the ones AWS reports back are ignored (ARCHITECTURE §4).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsName } from "../common/context";
import { generatedSecret } from "./secrets";
import { DataScope, child, dataTags, logGroup, stateful } from "./shared";
import { globalName } from "./plan";

export const CACHE_PORT = 6379;
/**
 * Fields the global datastore owns on a secondary member (ARCHITECTURE §4). `autoMinorVersionUpgrade`:
 * members read it back false, and a ModifyReplicationGroup to "fix" it is rejected ("part of a
 * global cluster. Request rejected"; terraform-aws-modules/terraform-aws-elasticache#7).
 */
export const CACHE_MEMBER_IGNORES = ["engineVersion", "numNodeGroups", "nodeType", "automaticFailoverEnabled", "parameterGroupName", "engine", "autoMinorVersionUpgrade"];
/**
 * What the primary member hands over to the global datastore once it has joined: changes to them go
 * through GlobalReplicationGroup (which carries the same sizing, see below); AWS also swaps the
 * member's parameter group for a generated `global-datastore-*` copy.
 */
export const CACHE_PRIMARY_IGNORES = ["engineVersion", "numNodeGroups", "nodeType", "automaticFailoverEnabled", "parameterGroupName", "autoMinorVersionUpgrade"];

export interface CacheArgs {
    readonly securityGroupId: pulumi.Input<string>;
    /** Secondaries: the global datastore id (AWS prefixes the suffix, e.g. `ldgnf-mall-cache-global`). */
    readonly primary?: { readonly globalReplicationGroupId: pulumi.Input<string> };
}

export interface CacheStore {
    readonly replicationGroup: aws.elasticache.ReplicationGroup;
    readonly globalReplicationGroupId: pulumi.Output<string>;
    readonly authSecretArn?: pulumi.Output<string>;
}

export function buildCache(scope: DataScope, args: CacheArgs): CacheStore {
    const { ctx, sizing } = scope;
    const size = sizing.cache;
    const base = `${scope.name}-cache`;
    const groupId = awsName(ctx, "cache");
    const tags = (...parts: string[]) => dataTags(scope, "elasticache", ["cache", ...parts]);

    const subnetGroup = new aws.elasticache.SubnetGroup(
        `${base}-subnets`,
        { name: groupId, description: "Valkey: data-tier subnets", subnetIds: scope.network.dataSubnetIds, tags: tags("subnets") },
        child(scope),
    );
    const slowLog = logGroup(scope, "cache-slow-logs", `/aws/elasticache/${groupId}/slow-log`);
    const common = {
        replicationGroupId: groupId,
        description: `mall cache (${ctx.region})`,
        port: CACHE_PORT,
        subnetGroupName: subnetGroup.name,
        securityGroupIds: [args.securityGroupId],
        replicasPerNodeGroup: size.replicasPerShard,
        automaticFailoverEnabled: true,
        multiAzEnabled: true,
        kmsKeyId: scope.keys.elasticache.arn,
        snapshotRetentionLimit: size.snapshotRetentionDays,
        snapshotWindow: "03:00-04:00",
        maintenanceWindow: "sun:05:00-sun:06:00",
        finalSnapshotIdentifier: `${groupId}-final`,
        autoMinorVersionUpgrade: true,
        logDeliveryConfigurations: [{ destination: slowLog.name, destinationType: "cloudwatch-logs", logFormat: "json", logType: "slow-log" }],
        tags: tags("group"),
    };

    if (!args.primary) {
        const auth = generatedSecret(scope, "cache-auth", "Valkey AUTH token");
        const group = new aws.elasticache.ReplicationGroup(
            `${base}-group`,
            {
                ...common,
                engine: "valkey",
                engineVersion: size.engineVersion,
                nodeType: size.nodeType,
                parameterGroupName: "default.valkey7.cluster.on",
                clusterMode: "enabled",
                numNodeGroups: size.shards,
                atRestEncryptionEnabled: true,
                transitEncryptionEnabled: true,
                transitEncryptionMode: "required",
                authToken: auth.value,
                authTokenUpdateStrategy: "ROTATE",
            },
            stateful(scope, { ignoreChanges: CACHE_PRIMARY_IGNORES }),
        );
        // The sizing again, on the datastore: the provider compares each with what the datastore
        // inherited from the primary and modifies nothing at create; later changes (node type,
        // shards, version) are applied here, to every member at once.
        const global = new aws.elasticache.GlobalReplicationGroup(
            `${base}-global`,
            {
                globalReplicationGroupIdSuffix: globalName(ctx.prefix, "cache"),
                globalReplicationGroupDescription: "mall cache global datastore",
                primaryReplicationGroupId: group.id,
                // Said outright: the provider defaults the engine to redis when engineVersion is set,
                // which a later upgrade through the datastore would get wrong.
                engine: "valkey",
                engineVersion: size.engineVersion,
                cacheNodeType: size.nodeType,
                numNodeGroups: size.shards,
                automaticFailoverEnabled: true,
            },
            stateful(scope),
        );
        return { replicationGroup: group, globalReplicationGroupId: global.globalReplicationGroupId, authSecretArn: auth.arn };
    }
    const group = new aws.elasticache.ReplicationGroup(
        `${base}-group`,
        { ...common, globalReplicationGroupId: args.primary.globalReplicationGroupId },
        stateful(scope, { ignoreChanges: CACHE_MEMBER_IGNORES }),
    );
    return { replicationGroup: group, globalReplicationGroupId: pulumi.output(args.primary.globalReplicationGroupId) };
}
