/**
 * DocumentDB 5.0 global cluster (ARCHITECTURE §4): the primary owns the global cluster and a
 * writer + readers; a secondary joins with readers only. TLS is enforced by the cluster parameter
 * group; audit and profiler logs go to pre-created, KMS-encrypted log groups.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { servicesUsing } from "../catalogue";
import { databaseUser } from "../identities/plan";
import { awsName } from "../common/context";
import { generatedSecret } from "./secrets";
import { DataScope, auditLogGroup, child, dataTags, logGroup, stateful } from "./shared";
import { globalName, planClusterMembers } from "./plan";

const ENGINE = "docdb";
export const DOCDB_MASTER_USER = "mall_admin";

export interface DocdbArgs {
    readonly securityGroupId: pulumi.Input<string>;
    /** Secondaries: the primary's global cluster id. */
    readonly primary?: { readonly globalClusterId: pulumi.Input<string> };
}

export interface DocdbStore {
    readonly globalClusterId: pulumi.Output<string>;
    readonly cluster: aws.docdb.Cluster;
    readonly instances: aws.docdb.ClusterInstance[];
    readonly masterSecretArn?: pulumi.Output<string>;
    /**
     * One generated credential per DocumentDB service of the catalogue (primary only; replicated
     * like every generated secret): each service reads its own, never the master user's. The users
     * themselves are created in the database by StoreIdentities (components/identities), from these secrets.
     */
    readonly serviceSecretArns?: Readonly<Record<string, pulumi.Output<string>>>;
}

export function buildDocdb(scope: DataScope, args: DocdbArgs): DocdbStore {
    const { ctx, sizing } = scope;
    const size = sizing.docdb;
    const base = `${scope.name}-docdb`;
    const clusterId = awsName(ctx, "docdb");
    const family = `docdb${size.engineVersion.split(".").slice(0, 2).join(".")}`;
    const tags = (...parts: string[]) => dataTags(scope, "docdb", ["docdb", ...parts]);

    const subnetGroup = new aws.docdb.SubnetGroup(
        `${base}-subnets`,
        { name: clusterId, description: "DocumentDB: data-tier subnets", subnetIds: scope.network.dataSubnetIds, tags: tags("subnets") },
        child(scope),
    );
    const parameters = new aws.docdb.ClusterParameterGroup(
        `${base}-params`,
        {
            name: `${clusterId}-${family.replace(".", "-")}`,
            family,
            description: "DocumentDB: TLS enforced, audit and profiler logs",
            parameters: [
                { name: "tls", value: "enabled", applyMethod: "pending-reboot" },
                { name: "audit_logs", value: "enabled" },
                { name: "profiler", value: "enabled" },
                { name: "profiler_threshold_ms", value: "100" },
            ],
            tags: tags("params"),
        },
        child(scope),
    );
    const logGroups = [auditLogGroup(scope, "docdb-audit-logs", `/aws/docdb/${clusterId}/audit`), logGroup(scope, "docdb-profiler-logs", `/aws/docdb/${clusterId}/profiler`)];

    const common = {
        clusterIdentifier: clusterId,
        engine: ENGINE,
        engineVersion: size.engineVersion,
        dbSubnetGroupName: subnetGroup.name,
        dbClusterParameterGroupName: parameters.name,
        vpcSecurityGroupIds: [args.securityGroupId],
        storageEncrypted: true,
        kmsKeyId: scope.keys.docdb.arn,
        backupRetentionPeriod: sizing.backupRetentionDays,
        preferredBackupWindow: "03:00-04:00",
        preferredMaintenanceWindow: "sun:05:00-sun:06:00",
        deletionProtection: true,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: `${clusterId}-final`,
        enabledCloudwatchLogsExports: ["audit", "profiler"],
        tags: tags("cluster"),
    };

    let globalClusterId: pulumi.Output<string>;
    let cluster: aws.docdb.Cluster;
    let masterSecretArn: pulumi.Output<string> | undefined;
    let serviceSecretArns: Record<string, pulumi.Output<string>> | undefined;
    if (!args.primary) {
        const global = new aws.docdb.GlobalCluster(
            `${base}-global`,
            {
                globalClusterIdentifier: globalName(ctx.prefix, "docdb"),
                engine: ENGINE,
                engineVersion: size.engineVersion,
                storageEncrypted: true,
                deletionProtection: true,
            },
            stateful(scope),
        );
        const master = generatedSecret(scope, "docdb-master", "DocumentDB global cluster master user", DOCDB_MASTER_USER, { rotated: true });
        masterSecretArn = master.arn;
        serviceSecretArns = Object.fromEntries(
            servicesUsing("docdb").map((svc) => [svc.name, generatedSecret(scope, `docdb-${svc.name}`, `DocumentDB user of the ${svc.name} service`, databaseUser(svc.name), { rotated: true }).arn]),
        );
        cluster = new aws.docdb.Cluster(
            `${base}-cluster`,
            { ...common, globalClusterIdentifier: global.id, masterUsername: DOCDB_MASTER_USER, masterPassword: master.value },
            // masterPassword: rotation owns it after the first value (S7).
            stateful(scope, { dependsOn: logGroups, ignoreChanges: ["globalClusterIdentifier", "engineVersion", "masterPassword"] }),
        );
        globalClusterId = global.id;
    } else {
        cluster = new aws.docdb.Cluster(
            `${base}-cluster`,
            { ...common, globalClusterIdentifier: args.primary.globalClusterId },
            stateful(scope, { dependsOn: logGroups, ignoreChanges: ["globalClusterIdentifier", "engineVersion"] }),
        );
        globalClusterId = pulumi.output(args.primary.globalClusterId);
    }

    const ids = planClusterMembers(args.primary ? "secondary" : "primary", args.primary ? size.secondaryReaders : size.primaryReaders);
    const instances = ids.map(
        (r) =>
            new aws.docdb.ClusterInstance(
                `${base}-${r.id}`,
                {
                    identifier: `${clusterId}-${r.id}`,
                    clusterIdentifier: cluster.id,
                    engine: ENGINE,
                    instanceClass: size.instanceClass,
                    promotionTier: r.tier,
                    enablePerformanceInsights: true,
                    performanceInsightsKmsKeyId: scope.keys.docdb.arn,
                    autoMinorVersionUpgrade: true,
                    copyTagsToSnapshot: true,
                    tags: tags(r.id),
                },
                stateful(scope),
            ),
    );
    return { globalClusterId, cluster, instances, masterSecretArn, serviceSecretArns };
}
