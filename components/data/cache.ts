/**
 * ElastiCache Valkey global datastore (ARCHITECTURE §4): cluster mode, shards × replicas, Multi-AZ,
 * KMS at rest, TLS in transit, and a user per service (RBAC, security review S5: cache-users.ts)
 * instead of one AUTH token. The primary owns the replication group, the global datastore and every
 * region's users and user group; a secondary's replication group joins the datastore with its
 * region's user group.
 *
 * A secondary member takes engine, version, node type, shard count, encryption and AUTH from the
 * global datastore: the provider rejects them on a member (`globalReplicationGroupId` conflicts
 * with them), so they are not set, and the ones AWS reports back are ignored (ARCHITECTURE §4).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { awsName, awsNameWithin } from "../common/context";
import { tagsFor } from "../common/tags";
import { CACHE_SERVICES, CACHE_USER_ENGINE, DEFAULT_USER_ACCESS, accessProblems, cacheAccessString } from "./cache-users";
import { generatedSecret } from "./secrets";
import { COMPONENT, DataScope, child, dataTags, logGroup, stateful } from "./shared";
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
    /**
     * Secondaries: the global datastore id (AWS prefixes the suffix, e.g. `ldgnf-mall-cache-global`)
     * and this region's user group, which the primary's stack declares.
     */
    readonly primary?: { readonly globalReplicationGroupId: pulumi.Input<string>; readonly userGroupId: pulumi.Input<string> };
    /** Primary: the secondaries whose users it declares too (every region holds the same users). @default [] */
    readonly secondaryRegions?: readonly string[];
}

export interface CacheStore {
    readonly replicationGroup: aws.elasticache.ReplicationGroup;
    readonly globalReplicationGroupId: pulumi.Output<string>;
    /** Primary: per cache service, its credentials secret (replicated to every secondary). */
    readonly serviceSecretArns?: Readonly<Record<string, pulumi.Output<string>>>;
    /** Primary: per region, the user group its member uses. */
    readonly userGroupIds?: Readonly<Record<string, pulumi.Output<string>>>;
}

/** The user group's id in `region` (at most 40 characters, as ElastiCache's ids). */
export function cacheUserGroupId(prefix: string, region: string): string {
    return awsNameWithin({ prefix, region }, 40, "cache-users");
}

/** A cache user's id in `region`: unique per region and account, so it carries the prefix. */
export function cacheUserId(prefix: string, region: string, who: string): string {
    return awsNameWithin({ prefix, region }, 40, "cache", who);
}

/**
 * The users of every region, declared by the primary: per cache service a user named after it with
 * its own password (in its own secret, replicated like the others), the group's own "default" user
 * (off, no keys, no commands: AWS requires a user named default in every group), and the group.
 */
function buildCacheUsers(scope: DataScope, regions: readonly string[]) {
    const { ctx } = scope;
    const secrets = Object.fromEntries(CACHE_SERVICES.map((svc) => [svc, generatedSecret(scope, `cache-${svc}`, `Valkey user ${svc}`, svc)]));
    for (const svc of CACHE_SERVICES) {
        const problems = accessProblems(svc, cacheAccessString(svc));
        if (problems.length > 0) throw new pulumi.ResourceError(`cache user ${svc}: ${problems.join("; ")}`, scope.parent);
    }
    const defaultPassword = new random.RandomPassword(`${scope.name}-cache-default-password`, { length: 40, special: false }, child(scope));
    const groups: Record<string, pulumi.Output<string>> = {};
    for (const region of regions) {
        const where = region === ctx.region ? {} : { region };
        const tags = (name: string) => tagsFor({ ...ctx, region }, "elasticache", COMPONENT, {}, name);
        const user = (who: string, userName: string, accessString: string, password: pulumi.Input<string>) => {
            const userId = cacheUserId(ctx.prefix, region, who);
            return new aws.elasticache.User(
                `${scope.name}-cache-${region}-user-${who}`,
                { ...where, userId, userName, engine: CACHE_USER_ENGINE, accessString, authenticationMode: { type: "password", passwords: [pulumi.secret(password)] }, tags: tags(userId) },
                child(scope),
            );
        };
        const users = [user("default", "default", DEFAULT_USER_ACCESS, defaultPassword.result), ...CACHE_SERVICES.map((svc) => user(svc, svc, cacheAccessString(svc), secrets[svc].value))];
        const userGroupId = cacheUserGroupId(ctx.prefix, region);
        const group = new aws.elasticache.UserGroup(
            `${scope.name}-cache-${region}-users`,
            { ...where, userGroupId, engine: CACHE_USER_ENGINE, userIds: users.map((u) => u.userId), tags: tags(userGroupId) },
            child(scope),
        );
        groups[region] = group.userGroupId;
    }
    return { serviceSecretArns: Object.fromEntries(CACHE_SERVICES.map((svc) => [svc, secrets[svc].arn])), userGroupIds: groups };
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
        const users = buildCacheUsers(scope, [ctx.region, ...(args.secondaryRegions ?? [])]);
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
                // RBAC, which needs in-transit encryption; conflicts with authToken (provider ConflictsWith).
                userGroupIds: [users.userGroupIds[ctx.region]],
                // What moves a cluster deployed with the AUTH token to RBAC in one ModifyReplicationGroup
                // (the provider's "transitioning to RBAC" branch; ElastiCache user guide, "Migrating
                // from AUTH to RBAC"); nothing on a new cluster.
                authTokenUpdateStrategy: "DELETE",
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
        return { replicationGroup: group, globalReplicationGroupId: global.globalReplicationGroupId, ...users };
    }
    const group = new aws.elasticache.ReplicationGroup(
        `${base}-group`,
        // The user group is the member's own (the datastore does not carry RBAC): the provider does
        // not count userGroupIds among the fields a member inherits.
        { ...common, globalReplicationGroupId: args.primary.globalReplicationGroupId, userGroupIds: [args.primary.userGroupId] },
        stateful(scope, { ignoreChanges: CACHE_MEMBER_IGNORES }),
    );
    return { replicationGroup: group, globalReplicationGroupId: pulumi.output(args.primary.globalReplicationGroupId) };
}
