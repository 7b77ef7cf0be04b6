/**
 * Aurora PostgreSQL Global Database (ARCHITECTURE §4). The primary owns the global cluster and the
 * writer cluster; a secondary joins with a headless-writer cluster of readers and global write
 * forwarding on.
 *
 * Master password: Aurora's managed master password (Secrets Manager integration) is NOT supported
 * for clusters in a global database (Aurora User Guide, "Limitations for Secrets Manager
 * integration"), so the primary generates one into its own Secrets Manager secret (secrets key)
 * and services use IAM database authentication. Secondaries inherit users from the primary.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceTrustPolicy } from "../common/trust";
import { awsName } from "../common/context";
import { generatedSecret } from "./secrets";
import { DataScope, auditLogGroup, child, dataTags, stateful } from "./shared";
import { AURORA_ENGINE_VERSION_KEY, auroraVersionQuery, globalName, pinLine, planClusterMembers } from "./plan";

const ENGINE = "aurora-postgresql";
export const AURORA_MASTER_USER = "mall_admin";
export const AURORA_DATABASE = "mall";

export interface AuroraArgs {
    readonly securityGroupId: pulumi.Input<string>;
    /**
     * Secondaries: the primary's global cluster id and region, and the version its global cluster
     * runs (a member joins at exactly that version).
     */
    readonly primary?: {
        readonly globalClusterId: pulumi.Input<string>;
        readonly region: string;
        readonly engineVersion: pulumi.Input<string>;
        /** The global cluster's writer endpoint (it follows switchover and failover). */
        readonly globalWriterEndpoint: pulumi.Input<string>;
    };
}

export interface AuroraStore {
    readonly globalClusterId: pulumi.Output<string>;
    /** The global writer endpoint (`<id>.global-<suffix>.global.rds.amazonaws.com`), which follows switchover and failover. */
    readonly globalWriterEndpoint: pulumi.Output<string>;
    /** The primary: the version its global cluster runs; a secondary: the version it was created at. */
    readonly engineVersion: pulumi.Output<string>;
    /** Set when the primary resolved the version (nothing pinned): what the plan prints to pin. */
    readonly resolvedEngineVersion?: pulumi.Output<string>;
    readonly cluster: aws.rds.Cluster;
    readonly instances: aws.rds.ClusterInstance[];
    readonly masterSecretArn?: pulumi.Output<string>;
}

export function buildAurora(scope: DataScope, args: AuroraArgs): AuroraStore {
    const { ctx, sizing } = scope;
    const size = sizing.aurora;
    const base = `${scope.name}-aurora`;
    const clusterId = awsName(ctx, "aurora");
    const major = size.engineVersion ? size.engineVersion.split(".")[0] : size.engineMajor;
    const family = `aurora-postgresql${major}`;
    // Unpinned, the primary takes the newest version of the major AWS offers now (a fixed minor
    // leaves standard support on a calendar and CreateGlobalCluster then rejects it). Only the
    // create uses it: the global cluster then ignores engineVersion until someone pins one.
    const resolved =
        !size.engineVersion && !args.primary
            ? aws.rds.getEngineVersionOutput(auroraVersionQuery(major)).apply((v) => {
                  if (!v.supportsGlobalDatabases) {
                      throw new Error(`${ENGINE} ${v.versionActual} (the newest ${family} version) does not support global databases; pin a version that does: ${pinLine(AURORA_ENGINE_VERSION_KEY, "<version>")} in Pulumi.${ctx.stack}.yaml`);
                  }
                  return v.versionActual;
              })
            : undefined;
    const engineVersion: pulumi.Output<string> = pulumi.output(size.engineVersion ?? resolved ?? args.primary!.engineVersion);
    const tags = (...parts: string[]) => dataTags(scope, "aurora", ["aurora", ...parts]);

    const subnetGroup = new aws.rds.SubnetGroup(
        `${base}-subnets`,
        { name: clusterId, description: "Aurora: data-tier subnets", subnetIds: scope.network.dataSubnetIds, tags: tags("subnets") },
        child(scope),
    );
    const parameters = new aws.rds.ClusterParameterGroup(
        `${base}-params`,
        {
            name: `${clusterId}-${family}`,
            family,
            description: "Aurora PostgreSQL: TLS only, connection and DDL logging",
            parameters: [
                { name: "rds.force_ssl", value: "1" },
                { name: "log_connections", value: "1" },
                { name: "log_disconnections", value: "1" },
                { name: "log_statement", value: "ddl" },
            ],
            tags: tags("params"),
        },
        child(scope),
    );
    const monitoringRole = new aws.iam.Role(
        `${base}-monitoring-role`,
        {
            name: awsName(ctx, "aurora-monitoring"),
            // RDS sends both keys for Enhanced Monitoring (RDS User Guide, confused deputy prevention); instances of this region only.
            assumeRolePolicy: serviceTrustPolicy(ctx, "monitoring.rds.amazonaws.com", { sourceAccount: true, sourceArn: (account) => `arn:aws:rds:${ctx.region}:${account}:db:*` }),
            tags: tags("monitoring-role"),
        },
        child(scope),
    );
    const monitoringAttachment = new aws.iam.RolePolicyAttachment(
        `${base}-monitoring-policy`,
        { role: monitoringRole.name, policyArn: "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole" },
        child(scope),
    );
    // RDS writes `postgresql` logs here; pre-creating it gives it our key and retention. The cluster
    // waits for it: if RDS exported first it would create the group itself (no key, kept forever)
    // and this create would then fail with ResourceAlreadyExistsException.
    const clusterLogs = auditLogGroup(scope, "aurora-logs", `/aws/rds/cluster/${clusterId}/postgresql`);

    const common = {
        clusterIdentifier: clusterId,
        engine: ENGINE,
        engineVersion,
        dbSubnetGroupName: subnetGroup.name,
        dbClusterParameterGroupName: parameters.name,
        vpcSecurityGroupIds: [args.securityGroupId],
        storageEncrypted: true,
        kmsKeyId: scope.keys.aurora.arn,
        iamDatabaseAuthenticationEnabled: true,
        backupRetentionPeriod: sizing.backupRetentionDays,
        preferredBackupWindow: "03:00-04:00",
        preferredMaintenanceWindow: "sun:05:00-sun:06:00",
        copyTagsToSnapshot: true,
        deletionProtection: true,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: `${clusterId}-final`,
        enabledCloudwatchLogsExports: ["postgresql"],
        tags: tags("cluster"),
    };

    let globalClusterId: pulumi.Output<string>;
    let globalWriterEndpoint: pulumi.Output<string>;
    let cluster: aws.rds.Cluster;
    let masterSecretArn: pulumi.Output<string> | undefined;
    let exported = engineVersion;
    if (!args.primary) {
        const global = new aws.rds.GlobalCluster(
            `${base}-global`,
            {
                globalClusterIdentifier: globalName(ctx.prefix, "aurora"),
                engine: ENGINE,
                engineVersion,
                databaseName: AURORA_DATABASE,
                storageEncrypted: true,
                deletionProtection: true,
                // `version-source: resolved` marks an unpinned version (policy versions-pinned).
                tags: { ...tags("global"), ...(resolved ? { "version-source": "resolved" } : {}) },
            },
            // A resolved version would move on every `up` as AWS releases minors (an unplanned
            // upgrade of every member); pinning one lifts the ignore and upgrades through here.
            stateful(scope, resolved ? { ignoreChanges: ["engineVersion"] } : {}),
        );
        const master = generatedSecret(scope, "aurora-master", "Aurora global database master user", AURORA_MASTER_USER, { rotated: true });
        masterSecretArn = master.arn;
        cluster = new aws.rds.Cluster(
            `${base}-cluster`,
            {
                ...common,
                globalClusterIdentifier: global.id,
                databaseName: AURORA_DATABASE,
                masterUsername: AURORA_MASTER_USER,
                masterPassword: master.value,
            },
            // After a managed failover this cluster may become a secondary: the global parent then owns these.
            // Engine upgrades of a global database go through the global cluster (its engineVersion),
            // which upgrades every member; automatic minor version upgrades do NOT apply to global
            // database members, so a member's engineVersion only ever moves with the parent's.
            // masterPassword: rotation owns it after the first value (S7).
            stateful(scope, { dependsOn: [clusterLogs], ignoreChanges: ["globalClusterIdentifier", "replicationSourceIdentifier", "engineVersion", "masterPassword"] }),
        );
        globalClusterId = global.id;
        globalWriterEndpoint = global.endpoint;
        // What secondaries join at: the version the global cluster actually runs, after any upgrade.
        exported = global.engineVersionActual;
    } else {
        // DESIGN §6: secondaries must not set databaseName/masterUsername (they come from the global cluster).
        cluster = new aws.rds.Cluster(
            `${base}-cluster`,
            {
                ...common,
                globalClusterIdentifier: args.primary.globalClusterId,
                sourceRegion: args.primary.region,
                enableGlobalWriteForwarding: true,
            },
            stateful(scope, { dependsOn: [clusterLogs], ignoreChanges: ["replicationSourceIdentifier", "globalClusterIdentifier", "engineVersion"] }),
        );
        globalClusterId = pulumi.output(args.primary.globalClusterId);
        globalWriterEndpoint = pulumi.output(args.primary.globalWriterEndpoint);
    }

    const roles = planClusterMembers(args.primary ? "secondary" : "primary", args.primary ? size.secondaryReaders : size.primaryReaders).map((m) => ({
        ...m,
        instanceClass: m.writer ? size.writerClass : size.readerClass,
    }));
    const instances = roles.map(
        (r) =>
            new aws.rds.ClusterInstance(
                `${base}-${r.id}`,
                {
                    identifier: `${clusterId}-${r.id}`,
                    clusterIdentifier: cluster.id,
                    engine: ENGINE,
                    // No engineVersion: an instance runs its cluster's version. The provider never
                    // sends it on update and reads the actual one back, so a pin here only shows a
                    // no-op diff on every protected instance after each upgrade.
                    instanceClass: r.instanceClass,
                    dbSubnetGroupName: subnetGroup.name,
                    publiclyAccessible: false,
                    promotionTier: r.tier,
                    performanceInsightsEnabled: true,
                    performanceInsightsKmsKeyId: scope.keys.aurora.arn,
                    performanceInsightsRetentionPeriod: size.performanceInsightsRetentionDays,
                    monitoringInterval: size.monitoringIntervalSeconds,
                    monitoringRoleArn: monitoringRole.arn,
                    autoMinorVersionUpgrade: true,
                    copyTagsToSnapshot: true,
                    tags: tags(r.id),
                },
                stateful(scope, { dependsOn: [monitoringAttachment] }),
            ),
    );
    return { globalClusterId, globalWriterEndpoint, engineVersion: exported, resolvedEngineVersion: resolved, cluster, instances, masterSecretArn };
}
