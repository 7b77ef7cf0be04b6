/**
 * GlobalData (ARCHITECTURE §4): every data store of one region, replicated across regions, each
 * encrypted with its own per-service key. Role-aware (DESIGN §2): the primary creates the global
 * parents; a secondary joins them and owns the pairwise links (DSQL peering, S3 replication rules,
 * MSK Replicator, DynamoDB replica, OpenSearch cross-cluster connection), declaring the halves that
 * live in the primary's region with the per-resource `region` input.
 */
import * as pulumi from "@pulumi/pulumi";
import { RegionContext } from "../common/context";
import { serviceKey } from "../common/kms";
import { AUDIT_LOG_RETENTION_DAYS } from "../common/logs";
import { buildAurora } from "./aurora";
import { buildCache } from "./cache";
import { buildDocdb } from "./docdb";
import { buildDsql } from "./dsql";
import { buildDynamo } from "./dynamodb";
import { buildKeys, keyUse, keyUsers } from "./keys";
import { buildMsk } from "./msk";
import { BucketPurpose, DataLinks, DataSizing, KeyService, PRODUCTION } from "./plan";
import { buildS3 } from "./s3";
import { buildSearch } from "./search";
import { buildTopics } from "./topics";
import { buildWriterDirectory } from "./writer-directory";
import { SecuredStore, admitRemoteWriters, buildSecurityGroups } from "./security";
import { COMPONENT, DataNetworkRef, DataScope } from "./shared";

/** What a secondary needs from the primary's GlobalData (fed by a StackReference). */
export interface PrimaryDataRef {
    /** The primary's region: the source side of every link. */
    readonly region: string;
    /** The Aurora global cluster this region joins. */
    readonly auroraGlobalClusterId: pulumi.Input<string>;
    /** The version that global cluster runs: this region's member is created at it. */
    readonly auroraEngineVersion: pulumi.Input<string>;
    /** Its global writer endpoint, for the services' ConfigMaps. */
    readonly auroraGlobalWriterEndpoint: pulumi.Input<string>;
    /** The DocumentDB global cluster this region joins. */
    readonly docdbGlobalClusterId: pulumi.Input<string>;
    /** The ElastiCache global datastore this region joins. */
    readonly cacheGlobalReplicationGroupId: pulumi.Input<string>;
    /** Per region, the cache user group the primary declared there (this region's must be among them). */
    readonly cacheUserGroupIds: Readonly<Record<string, pulumi.Input<string>>>;
    /** The primary's DSQL cluster, peered with this region's. */
    readonly dsqlClusterArn: pulumi.Input<string>;
    /** Its id, for the primary-side peering. */
    readonly dsqlClusterId: pulumi.Input<string>;
    /** The MSK Replicator's source cluster. */
    readonly mskClusterArn: pulumi.Input<string>;
    /** The source cluster's security group, given to the replicator's source-side ENIs. */
    readonly mskSecurityGroupId: pulumi.Input<string>;
    /** The primary's data subnets: MSK Replicator's ENIs on the source side. */
    readonly dataSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Source bucket of the static-assets replication rule. */
    readonly staticAssetsBucketName: pulumi.Input<string>;
    /** Source bucket of the traces replication rule. */
    readonly tracesBucketName: pulumi.Input<string>;
    /** The key the primary's objects are encrypted with (the replication role decrypts with it). */
    readonly s3KeyArn: pulumi.Input<string>;
    /** The domain this region's cross-cluster search connects to. */
    readonly searchDomainName: pulumi.Input<string>;
    /** The DynamoDB global table this region adds a replica to. */
    readonly idempotencyTableArn: pulumi.Input<string>;
}

/**
 * A region registered before this one, as the links this stack owns to it need it (the primary is
 * the first; fed by StackReferences, stacks/contracts.ts LINK_KEYS).
 */
export interface EarlierDataRef {
    readonly region: string;
    /** Its private tier (nodes, pods): admitted into this region's single-writer stores. */
    readonly privateSubnetCidrs: readonly string[];
    /** Its data-tier security groups: this stack admits its own nodes into the DocumentDB and Valkey ones. */
    readonly dataSecurityGroupIds: Readonly<Record<string, string>>;
    /** Its MSK cluster, data subnets and cluster security group: both replicators of the link. */
    readonly mskClusterArn: pulumi.Input<string>;
    readonly mskSecurityGroupId: pulumi.Input<string>;
    readonly dataSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Its `logs` key: the reverse replicator's log group lives there. */
    readonly logsKeyArn: pulumi.Input<string>;
    /** Its DocumentDB cluster endpoint and Valkey configuration endpoint: writer candidates in the directory. */
    readonly docdbEndpoint: pulumi.Input<string>;
    readonly cacheEndpoint: pulumi.Input<string>;
}

export interface GlobalDataArgs {
    /** The stack this component is declared in: region, role, account; names and tags derive from it. */
    readonly context: RegionContext;
    /** The VPC and the data subnets the stores' ENIs go in. */
    readonly network: DataNetworkRef;
    /**
     * The one security group the data tier admits (on each store's port): the EKS nodes'/pods'.
     * An input so the EKS component (or a StackReference) can supply it.
     */
    readonly clientSecurityGroupId: pulumi.Input<string>;
    /** Instance classes, counts and retention of every store. @default PRODUCTION - ARCHITECTURE §4 sizes */
    readonly sizing?: DataSizing;
    /**
     * The identities that run `pulumi up` for this stack (the deploy workflow's role and
     * `mall:deployerArns`): the data keys let them, and no one else in the account, have the stores'
     * services create grants (key-users.ts). Empty, nobody can create the stores: the settings refuse
     * that before a real run (stacks/settings/security.ts).
     */
    readonly deployerArns: readonly string[];
    /** Accounts AWS Backup copies the snapshots into (`mall:backupCopyVaultArn`): the Aurora and DocumentDB keys are shared with them. @default [] */
    readonly backupCopyAccounts?: readonly string[];
    /** Retention of the stores' audit-class log groups (audit, connections). @default 365 - AUDIT_LOG_RETENTION_DAYS */
    readonly auditLogRetentionDays?: number;
    /** The third region that holds the DSQL witness (must share the linked regions' DSQL region set). @default "us-east-2" */
    readonly dsqlWitnessRegion?: string;
    /**
     * Create the account's OpenSearch service-linked role (VPC domains cannot be created without it;
     * CreateDomain through the API does not make it). IAM is global: exactly one stack per account
     * may create it, the others rely on it (`mall:accountBaseline.openSearchServiceLinkedRole`).
     * @default false - the role exists already
     */
    readonly createOpenSearchServiceLinkedRole?: boolean;
    /** Human operators who may take the OpenSearch master role (the EKS admin roles). */
    readonly searchOperatorRoleArns?: readonly string[];
    /**
     * Multi-VPC private connectivity on the primary's MSK cluster, which cross-region replicators
     * need; AWS refuses it at cluster creation, so the bootstrap deploy passes false. @default true
     */
    readonly mskMultiVpcConnectivity?: boolean;
    /** Which pairwise links this region owns (plan.ts `planLinks` over the registry). */
    readonly links: DataLinks;
    /** Required on secondaries, absent on the primary. */
    readonly primary?: PrimaryDataRef;
    /**
     * Every region registered before this one, the primary first (secondaries only): this stack owns
     * both directions of its links to each (DESIGN §2, full mesh). @default []
     */
    readonly earlier?: readonly EarlierDataRef[];
    /** This region's private-tier CIDRs: admitted into the earlier regions' single-writer stores. @default [] */
    readonly privateSubnetCidrs?: readonly pulumi.Input<string>[];
    /** Every region in registry order: the last one owns every bucket's replication configuration. @default [this region] */
    readonly registryRegions?: readonly string[];
    /**
     * Create the spec's Kafka topics through the brokers (topics.ts): only where `pulumi` runs inside
     * the VPC (not the bootstrap phase). @default true
     */
    readonly topics?: boolean;
    /** Adopt existing topics (a Pulumi import) instead of creating them (topics.ts). @default false */
    readonly adoptKafkaTopics?: boolean;
    /** Where the replicators out of this region start (msk.ts). @default "EARLIEST" */
    readonly mskOutboundStartingPosition?: "EARLIEST" | "LATEST";
    /**
     * Security groups that reach the MSK brokers besides the nodes: the in-VPC deploy and preview
     * runners, which manage and read the topics (topics as code). @default []
     */
    readonly kafkaAdminSecurityGroupIds?: readonly pulumi.Input<string>[];
}

export class GlobalData extends pulumi.ComponentResource {
    public readonly keyArns: Record<KeyService, pulumi.Output<string>>;
    public readonly securityGroupIds: Record<SecuredStore, pulumi.Output<string>>;
    public readonly auroraGlobalClusterId: pulumi.Output<string>;
    /** The engine version the global cluster runs (what a secondary joins at). */
    public readonly auroraEngineVersion: pulumi.Output<string>;
    /** The version the primary resolved because none is pinned; undefined when pinned or on a secondary. */
    public readonly auroraResolvedEngineVersion: pulumi.Output<string> | undefined;
    public readonly auroraClusterArn: pulumi.Output<string>;
    /** `cluster-…`: what `rds-db:connect` policies name (IAM database auth). */
    public readonly auroraClusterResourceId: pulumi.Output<string>;
    public readonly auroraEndpoint: pulumi.Output<string>;
    public readonly auroraReaderEndpoint: pulumi.Output<string>;
    /** The global writer endpoint: the writer wherever it is (switchover and failover move it). */
    public readonly auroraGlobalWriterEndpoint: pulumi.Output<string>;
    public readonly dsqlClusterArn: pulumi.Output<string> | undefined;
    public readonly dsqlClusterId: pulumi.Output<string> | undefined;
    public readonly docdbGlobalClusterId: pulumi.Output<string>;
    public readonly docdbClusterArn: pulumi.Output<string>;
    public readonly docdbEndpoint: pulumi.Output<string>;
    public readonly cacheGlobalReplicationGroupId: pulumi.Output<string>;
    public readonly cacheEndpoint: pulumi.Output<string>;
    /** This region's member replication group (what a failover promotes, what lag alarms watch). */
    public readonly cacheReplicationGroupId: pulumi.Output<string>;
    public readonly cacheReplicationGroupArn: pulumi.Output<string>;
    /** The MSK Replicators into this region this stack owns (one per earlier region). */
    public readonly mskInboundReplicatorNames: pulumi.Output<string>[];
    /** The MSK Replicators out of this region this stack owns, each homed in its target region. */
    public readonly mskOutboundReplicators: { readonly region: string; readonly name: pulumi.Output<string> }[];
    public readonly mskClusterArn: pulumi.Output<string>;
    public readonly mskBootstrapBrokers: pulumi.Output<string>;
    public readonly searchDomainName: pulumi.Output<string>;
    public readonly searchDomainArn: pulumi.Output<string>;
    public readonly searchEndpoint: pulumi.Output<string>;
    /**
     * What answers connections: the Aurora and DocumentDB instances (a cluster endpoint answers only
     * once one exists), the DSQL peering this stack owns, the OpenSearch domain. What a client that
     * connects during the deploy (the identities bootstrap) waits for.
     */
    public readonly connectable: pulumi.Resource[];
    /** The domain's fine-grained access control master (an IAM role operators and the identities bootstrap assume). */
    public readonly searchAdminRoleArn: pulumi.Output<string>;
    public readonly bucketNames: Record<BucketPurpose, pulumi.Output<string>>;
    public readonly bucketArns: Record<BucketPurpose, pulumi.Output<string>>;
    public readonly idempotencyTableName: pulumi.Output<string>;
    public readonly idempotencyTableArn: pulumi.Output<string>;
    /** Generated credentials (primary only: secondaries inherit users from the global parents). */
    public readonly secretArns: Partial<Record<"auroraMaster" | "docdbMaster", pulumi.Output<string>>>;
    /** Per cache service, its own credentials secret (primary only). */
    public readonly cacheServiceSecretArns: Record<string, pulumi.Output<string>>;
    /** Per region, the cache user group its member uses (primary only: it declares every region's). */
    public readonly cacheUserGroupIds: Record<string, pulumi.Output<string>>;
    /** Per secondary region, the key the secrets' replicas there are encrypted with (primary only). */
    public readonly secretReplicaKeyArns: Record<string, pulumi.Output<string>>;
    /** Per DocumentDB service, its own credentials secret (primary only). */
    public readonly docdbServiceSecretArns: Record<string, pulumi.Output<string>>;
    /** The stores' audit-class log groups (Aurora's connection log, DocumentDB's and OpenSearch's audit logs), for the audit archive. */
    public readonly auditLogGroupNames: pulumi.Output<string>[];

    constructor(name: string, args: GlobalDataArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mall:data:GlobalData", name, {}, opts);
        const b = buildGlobalData(this, name, args);
        this.keyArns = b.keyArns;
        this.securityGroupIds = b.securityGroupIds;
        this.auroraGlobalClusterId = b.aurora.globalClusterId;
        this.auroraEngineVersion = b.aurora.engineVersion;
        this.auroraResolvedEngineVersion = b.aurora.resolvedEngineVersion;
        this.auroraClusterArn = b.aurora.cluster.arn;
        this.auroraClusterResourceId = b.aurora.cluster.clusterResourceId;
        this.auroraEndpoint = b.aurora.cluster.endpoint;
        this.auroraReaderEndpoint = b.aurora.cluster.readerEndpoint;
        this.auroraGlobalWriterEndpoint = b.aurora.globalWriterEndpoint;
        this.dsqlClusterArn = b.dsql?.cluster.arn;
        this.dsqlClusterId = b.dsql?.cluster.identifier;
        this.docdbGlobalClusterId = b.docdb.globalClusterId;
        this.docdbClusterArn = b.docdb.cluster.arn;
        this.docdbEndpoint = b.docdb.cluster.endpoint;
        this.cacheGlobalReplicationGroupId = b.cache.globalReplicationGroupId;
        this.cacheEndpoint = b.cache.replicationGroup.configurationEndpointAddress;
        this.cacheReplicationGroupId = b.cache.replicationGroup.replicationGroupId;
        this.cacheReplicationGroupArn = b.cache.replicationGroup.arn;
        this.mskInboundReplicatorNames = Object.values(b.msk.inbound).map((r) => r.replicatorName);
        this.mskOutboundReplicators = Object.entries(b.msk.outbound).map(([region, r]) => ({ region, name: r.replicatorName }));
        this.mskClusterArn = b.msk.cluster.arn;
        this.mskBootstrapBrokers = b.msk.cluster.bootstrapBrokersSaslIam;
        this.searchDomainName = b.search.domain.domainName;
        this.searchDomainArn = b.search.domain.arn;
        this.searchEndpoint = b.search.domain.endpoint;
        this.searchAdminRoleArn = b.search.adminRoleArn;
        this.connectable = [...b.aurora.instances, ...b.docdb.instances, ...(b.dsql?.peerings ?? []), b.search.domain];
        this.bucketNames = { "static-assets": b.s3.buckets["static-assets"].bucket, traces: b.s3.buckets.traces.bucket };
        this.bucketArns = { "static-assets": b.s3.buckets["static-assets"].arn, traces: b.s3.buckets.traces.arn };
        this.idempotencyTableName = b.dynamo.tableName;
        this.idempotencyTableArn = b.dynamo.tableArn;
        this.secretArns = b.secretArns;
        this.secretReplicaKeyArns = Object.fromEntries(b.secretReplicaKeys.map((k) => [k.region, k.arn]));
        this.docdbServiceSecretArns = { ...(b.docdb.serviceSecretArns ?? {}) };
        this.cacheServiceSecretArns = { ...(b.cache.serviceSecretArns ?? {}) };
        this.cacheUserGroupIds = { ...(b.cache.userGroupIds ?? {}) };
        this.auditLogGroupNames = b.auditLogGroups.map((g) => g.name);
        this.registerOutputs({
            keyArns: this.keyArns,
            securityGroupIds: this.securityGroupIds,
            auroraGlobalClusterId: this.auroraGlobalClusterId,
            auroraEngineVersion: this.auroraEngineVersion,
            ...(this.auroraResolvedEngineVersion ? { auroraResolvedEngineVersion: this.auroraResolvedEngineVersion } : {}),
            auroraClusterArn: this.auroraClusterArn,
            auroraClusterResourceId: this.auroraClusterResourceId,
            auroraEndpoint: this.auroraEndpoint,
            auroraReaderEndpoint: this.auroraReaderEndpoint,
            auroraGlobalWriterEndpoint: this.auroraGlobalWriterEndpoint,
            // Absent in a third or later region (two-region DSQL limit, plan.ts).
            ...(this.dsqlClusterArn && this.dsqlClusterId ? { dsqlClusterArn: this.dsqlClusterArn, dsqlClusterId: this.dsqlClusterId } : {}),
            docdbGlobalClusterId: this.docdbGlobalClusterId,
            docdbClusterArn: this.docdbClusterArn,
            docdbEndpoint: this.docdbEndpoint,
            cacheGlobalReplicationGroupId: this.cacheGlobalReplicationGroupId,
            cacheEndpoint: this.cacheEndpoint,
            cacheReplicationGroupId: this.cacheReplicationGroupId,
            cacheReplicationGroupArn: this.cacheReplicationGroupArn,
            mskInboundReplicatorNames: this.mskInboundReplicatorNames,
            mskClusterArn: this.mskClusterArn,
            mskBootstrapBrokers: this.mskBootstrapBrokers,
            searchDomainName: this.searchDomainName,
            searchDomainArn: this.searchDomainArn,
            searchEndpoint: this.searchEndpoint,
            searchAdminRoleArn: this.searchAdminRoleArn,
            bucketNames: this.bucketNames,
            bucketArns: this.bucketArns,
            idempotencyTableName: this.idempotencyTableName,
            idempotencyTableArn: this.idempotencyTableArn,
            secretArns: this.secretArns,
            secretReplicaKeyArns: this.secretReplicaKeyArns,
            docdbServiceSecretArns: this.docdbServiceSecretArns,
            cacheServiceSecretArns: this.cacheServiceSecretArns,
            cacheUserGroupIds: this.cacheUserGroupIds,
        });
    }
}

function buildGlobalData(parent: pulumi.Resource, name: string, args: GlobalDataArgs) {
    const ctx = args.context;
    const primary = args.primary;
    if (ctx.role === "secondary" && !primary) {
        throw new pulumi.ResourceError(`GlobalData ${name}: the secondary region ${ctx.region} needs the primary's data outputs (primary)`, parent);
    }
    if (ctx.role === "primary" && primary) {
        throw new pulumi.ResourceError(`GlobalData ${name}: the primary region ${ctx.region} must not be given a primary (it owns the global parents)`, parent);
    }
    if (args.links.ownsDsqlPeering && !args.links.dsql) {
        throw new pulumi.ResourceError(`GlobalData ${name}: links.ownsDsqlPeering needs links.dsql`, parent);
    }
    const sizing = args.sizing ?? PRODUCTION;
    const users = {
        prefix: ctx.prefix,
        primaryRegion: primary?.region ?? ctx.region,
        regions: args.registryRegions ?? [ctx.region],
        deployerArns: args.deployerArns,
        operatorArns: args.searchOperatorRoleArns ?? [],
    };
    const keys = buildKeys(parent, name, ctx, users, args.backupCopyAccounts ?? []);
    // Keys for the secrets' replicas, one per secondary, declared here because a secret's replicas
    // are part of the secret (no separate resource a secondary could own); adding a region means
    // re-running the primary, as for its certificates.
    const secretReplicaKeys = args.links.secretReplicaRegions.map((region) => ({
        region,
        arn: serviceKey(
            `${name}-secrets-${region}`,
            ctx,
            {
                service: "secrets",
                component: COMPONENT,
                description: `mall secrets replicated from ${ctx.region}`,
                region,
                aliasSuffix: `from-${ctx.region}`,
                ...keyUse({ ...ctx, region }, "secrets"),
                users: keyUsers(ctx, users, "secrets", region),
            },
            parent,
        ).arn,
    }));
    const scope: DataScope = { parent, name, ctx, keys, network: args.network, sizing, auditLogRetentionDays: args.auditLogRetentionDays ?? AUDIT_LOG_RETENTION_DAYS, auditLogGroups: [], secretReplicaKeys };
    const { groups: sgs, kafkaAdminRules } = buildSecurityGroups(scope, args.clientSecurityGroupId, args.kafkaAdminSecurityGroupIds ?? []);
    const earlier = args.earlier ?? [];
    admitRemoteWriters(scope, sgs, earlier, args.privateSubnetCidrs ?? []);
    const witnessRegion = args.dsqlWitnessRegion ?? "us-east-2";

    const aurora = buildAurora(scope, {
        securityGroupId: sgs.aurora.id,
        primary: primary && {
            globalClusterId: primary.auroraGlobalClusterId,
            region: primary.region,
            engineVersion: primary.auroraEngineVersion,
            globalWriterEndpoint: primary.auroraGlobalWriterEndpoint,
        },
    });
    const dsql = args.links.dsql
        ? buildDsql(scope, {
              witnessRegion,
              peer: primary && args.links.ownsDsqlPeering ? { region: primary.region, clusterArn: primary.dsqlClusterArn, clusterId: primary.dsqlClusterId } : undefined,
          })
        : undefined;
    const docdb = buildDocdb(scope, { securityGroupId: sgs.docdb.id, primary: primary && { globalClusterId: primary.docdbGlobalClusterId } });
    const cacheUserGroupId = primary?.cacheUserGroupIds[ctx.region];
    if (primary && cacheUserGroupId === undefined) {
        throw new pulumi.ResourceError(
            `GlobalData ${name}: the primary declares cache user groups for ${Object.keys(primary.cacheUserGroupIds).join(", ") || "no region"}, not ${ctx.region} (output cacheUserGroupIds): it was deployed before this region was registered or before the per-service cache users; re-run pulumi up -s ${primary.region} --policy-pack policy, then this stack`,
            parent,
        );
    }
    const cache = buildCache(scope, {
        securityGroupId: sgs.cache.id,
        primary: primary && { globalReplicationGroupId: primary.cacheGlobalReplicationGroupId, userGroupId: cacheUserGroupId! },
        secondaryRegions: args.links.secretReplicaRegions,
    });
    const msk = buildMsk(scope, {
        securityGroupId: sgs.msk.id,
        multiVpcConnectivity: args.mskMultiVpcConnectivity ?? true,
        links: earlier.map((e) => ({ region: e.region, clusterArn: e.mskClusterArn, subnetIds: e.dataSubnetIds, securityGroupId: e.mskSecurityGroupId, logsKeyArn: e.logsKeyArn })),
        outboundStartingPosition: args.mskOutboundStartingPosition,
    });
    const search = buildSearch(scope, {
        securityGroupId: sgs.search.id,
        createServiceLinkedRole: args.createOpenSearchServiceLinkedRole ?? false,
        primary: primary && { region: primary.region, domainName: primary.searchDomainName },
        operatorRoleArns: args.searchOperatorRoleArns,
    });
    const s3 = buildS3(scope, args.links.ownsS3Replication ? { routes: args.links.s3Routes } : undefined);
    const writerDirectory = buildWriterDirectory(
        scope,
        { docdb: docdb.cluster.endpoint, cache: cache.replicationGroup.configurationEndpointAddress },
        earlier.map((e) => ({ region: e.region, endpoints: { docdb: e.docdbEndpoint, cache: e.cacheEndpoint } })),
    );
    const topics = (args.topics ?? true) ? buildTopics(scope, msk.cluster, { after: kafkaAdminRules, adopt: args.adoptKafkaTopics ?? false }) : [];
    const dynamo = buildDynamo(scope, { primary: primary && { tableArn: primary.idempotencyTableArn } });

    const keyArns = Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, v.arn])) as Record<KeyService, pulumi.Output<string>>;
    const securityGroupIds = Object.fromEntries(Object.entries(sgs).map(([k, v]) => [k, v.id])) as Record<SecuredStore, pulumi.Output<string>>;
    const secretArns: Partial<Record<"auroraMaster" | "docdbMaster", pulumi.Output<string>>> = {};
    if (aurora.masterSecretArn) secretArns.auroraMaster = aurora.masterSecretArn;
    if (docdb.masterSecretArn) secretArns.docdbMaster = docdb.masterSecretArn;
    return { keyArns, securityGroupIds, aurora, dsql, docdb, cache, msk, search, s3, dynamo, topics, writerDirectory, secretArns, secretReplicaKeys, auditLogGroups: scope.auditLogGroups };
}
