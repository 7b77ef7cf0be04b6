/**
 * The data layer's pure planner (ARCHITECTURE §3-4): sizing profiles, the store table (which
 * services use which store, how it replicates, its RPO, its KMS key and port), AWS-side naming of
 * global and per-region identifiers, and which region owns which pairwise link. Imports nothing
 * from @pulumi/aws: the components, the settings reader, the README generator and the tests all
 * read the same records.
 */
import { SERVICES, Store } from "../catalogue";

export type DataProfileName = "production" | "small";
export const DATA_PROFILES: readonly DataProfileName[] = ["production", "small"];

export interface AuroraSizing {
    /**
     * The pinned engine version (`mall:auroraEngineVersion`). Unset, the primary resolves the newest
     * `engineMajor` version that supports global databases when the global cluster is created
     * (aws.rds.getEngineVersion) and prints it with the line that pins it; production stacks pin.
     * @default - resolved at deploy
     */
    readonly engineVersion?: string;
    /** Major version a resolved version is taken from; Aurora PostgreSQL 16 supports global write forwarding in every minor. */
    readonly engineMajor: string;
    readonly writerClass: string;
    readonly readerClass: string;
    /** Readers beside the writer in the primary. */
    readonly primaryReaders: number;
    /** Readers in each secondary (a secondary has no writer). */
    readonly secondaryReaders: number;
    /** Enhanced monitoring interval, seconds. */
    readonly monitoringIntervalSeconds: number;
    readonly performanceInsightsRetentionDays: number;
}

export interface DocdbSizing {
    readonly engineVersion: string;
    readonly instanceClass: string;
    readonly primaryReaders: number;
    readonly secondaryReaders: number;
}

export interface CacheSizing {
    readonly engineVersion: string;
    readonly nodeType: string;
    readonly shards: number;
    readonly replicasPerShard: number;
    readonly snapshotRetentionDays: number;
}

export interface MskSizing {
    readonly kafkaVersion: string;
    readonly instanceType: string;
    /** A multiple of the AZ count (MSK spreads brokers evenly). */
    readonly brokers: number;
    readonly volumeGiB: number;
    /**
     * Replicas of every topic and the in-sync minimum for acks=all writes: MSK's defaults, 3 and 2
     * over three or more AZs, 2 and 1 over two (mskReplication), so a broker or an AZ can be lost
     * (or patched) without refusing writes.
     */
    readonly replicationFactor: number;
    readonly minInSyncReplicas: number;
}

/**
 * MSK's default replication for a cluster over `azCount` AZs (Amazon MSK developer guide, "Default
 * Amazon MSK configuration": default.replication.factor 3 and min.insync.replicas 2 for three-AZ
 * clusters, 2 and 1 for two-AZ clusters).
 */
export function mskReplication(azCount: number): { replicationFactor: number; minInSyncReplicas: number } {
    return azCount >= 3 ? { replicationFactor: 3, minInSyncReplicas: 2 } : { replicationFactor: 2, minInSyncReplicas: 1 };
}

export interface SearchSizing {
    readonly engineVersion: string;
    readonly dataInstanceType: string;
    readonly dataNodes: number;
    /** 0 turns dedicated masters off (small profile only). */
    readonly dedicatedMasters: number;
    readonly masterInstanceType: string;
    readonly volumeGiB: number;
    /** Zone awareness over this many AZs (2 or 3). */
    readonly zones: number;
}

export interface DataSizing {
    readonly aurora: AuroraSizing;
    readonly docdb: DocdbSizing;
    readonly cache: CacheSizing;
    readonly msk: MskSizing;
    readonly search: SearchSizing;
    /** Backups of the systems of record (Aurora, DocumentDB, DynamoDB PITR). */
    readonly backupRetentionDays: number;
    readonly logRetentionDays: number;
}

/** ARCHITECTURE §4 figures. */
export const PRODUCTION: DataSizing = {
    aurora: {
        engineMajor: "16",
        writerClass: "db.r6g.2xlarge",
        readerClass: "db.r6g.xlarge",
        primaryReaders: 2,
        secondaryReaders: 2,
        monitoringIntervalSeconds: 15,
        performanceInsightsRetentionDays: 7,
    },
    docdb: { engineVersion: "5.0.0", instanceClass: "db.r6g.2xlarge", primaryReaders: 2, secondaryReaders: 2 },
    cache: { engineVersion: "7.2", nodeType: "cache.r7g.xlarge", shards: 3, replicasPerShard: 2, snapshotRetentionDays: 7 },
    msk: { kafkaVersion: "3.6.0", instanceType: "kafka.m5.large", brokers: 3, volumeGiB: 1000, ...mskReplication(3) },
    search: {
        engineVersion: "OpenSearch_2.17",
        dataInstanceType: "r6g.large.search",
        dataNodes: 3,
        dedicatedMasters: 3,
        masterInstanceType: "m6g.large.search",
        volumeGiB: 200,
        zones: 3,
    },
    backupRetentionDays: 35,
    logRetentionDays: 90,
};

/**
 * Cheap test stacks. Still the smallest classes each *global* feature accepts (Aurora and
 * DocumentDB global clusters reject burstable classes; global datastores need r/m nodes; MSK
 * Replicator rejects kafka.t3.small), so a dev stack exercises the same replication paths.
 * Backups stay at 35 days: they cost little and the policy pack checks systems of record.
 */
export const SMALL: DataSizing = {
    aurora: { ...PRODUCTION.aurora, writerClass: "db.r6g.large", readerClass: "db.r6g.large", primaryReaders: 1, secondaryReaders: 1, monitoringIntervalSeconds: 60 },
    docdb: { ...PRODUCTION.docdb, instanceClass: "db.r6g.large", primaryReaders: 0, secondaryReaders: 1 },
    cache: { ...PRODUCTION.cache, nodeType: "cache.r7g.large", shards: 1, replicasPerShard: 1 },
    msk: { ...PRODUCTION.msk, volumeGiB: 100 },
    search: { ...PRODUCTION.search, dataInstanceType: "m6g.large.search", dataNodes: 2, dedicatedMasters: 0, volumeGiB: 20, zones: 2 },
    backupRetentionDays: 35,
    logRetentionDays: 30,
};

export const PROFILES: Readonly<Record<DataProfileName, DataSizing>> = { production: PRODUCTION, small: SMALL };

/** The KMS keys GlobalData creates per region: one per service (the policy pack proves them distinct). */
export const KEY_SERVICES = ["aurora", "dsql", "docdb", "elasticache", "msk", "opensearch", "s3", "dynamodb", "secrets", "logs"] as const;
export type KeyService = (typeof KEY_SERVICES)[number];

export type StoreId = "aurora" | "dsql" | "docdb" | "cache" | "msk" | "search" | "s3" | "dynamodb";

export interface StoreSpec {
    readonly id: StoreId;
    /** README / docs label. */
    readonly label: string;
    /** The KMS key (and `service` tag) of every resource of this store. */
    readonly key: KeyService;
    /** Client port the data-tier security group opens to the EKS nodes; undefined = no VPC endpoint of ours. */
    readonly port?: number;
    /** The catalogue stores whose services use it (undefined: see `users`). */
    readonly catalogue?: readonly Store[];
    /** Every catalogue service that publishes a topic uses it (Kafka). */
    readonly publishers?: boolean;
    /** Users that are not catalogue services (e.g. Tempo). */
    readonly extraUsers?: readonly string[];
    readonly replication: string;
    readonly rpo: string;
}

/** ARCHITECTURE §4, in its order. Drives keys, security groups, the README table and docs. */
export const STORES: readonly StoreSpec[] = [
    {
        id: "aurora",
        label: "Aurora PostgreSQL Global Database",
        key: "aurora",
        port: 5432,
        catalogue: ["aurora"],
        replication: "storage-level async to every secondary; secondaries forward writes",
        rpo: "~1 s",
    },
    {
        id: "dsql",
        label: "Aurora DSQL multi-region",
        key: "dsql",
        catalogue: ["dsql"],
        replication: "synchronous linked clusters (primary + first secondary) with a witness region",
        rpo: "0",
    },
    {
        id: "docdb",
        label: "DocumentDB global cluster",
        key: "docdb",
        port: 27017,
        catalogue: ["docdb"],
        replication: "oplog async to every secondary",
        rpo: "~2 s",
    },
    {
        id: "cache",
        label: "ElastiCache Valkey global datastore",
        key: "elasticache",
        port: 6379,
        catalogue: ["cache"],
        replication: "async to every secondary",
        rpo: "< 1 s",
    },
    {
        id: "msk",
        label: "MSK Kafka",
        key: "msk",
        port: 9098,
        publishers: true,
        replication: "MSK Replicator both ways between every pair of regions (the spec's topics, prefixed; consumer offsets; GZIP)",
        rpo: "~5 s",
    },
    {
        id: "search",
        label: "OpenSearch",
        key: "opensearch",
        port: 443,
        catalogue: ["search"],
        replication: "per region (indexed from local events); cross-cluster search to the primary",
        rpo: "n/a (rebuilt from events)",
    },
    {
        id: "s3",
        label: "S3 static assets + traces",
        key: "s3",
        catalogue: ["assets"],
        extraUsers: ["Tempo traces"],
        replication: "CRR both ways between every pair of regions, Replication Time Control, replica modification sync",
        rpo: "≤ 15 min",
    },
    {
        id: "dynamodb",
        label: "DynamoDB global table (idempotency keys)",
        key: "dynamodb",
        catalogue: ["idempotency"],
        replication: "global table replica per secondary, last writer wins",
        rpo: "~1 s",
    },
];

export function store(id: StoreId): StoreSpec {
    const found = STORES.find((s) => s.id === id);
    if (!found) throw new Error(`no store "${id}" in components/data/plan.ts STORES`);
    return found;
}

/** Catalogue services (plus non-service users) of a store, in catalogue order. */
export function storeUsers(spec: StoreSpec): string[] {
    const services = SERVICES.filter(
        (svc) => (spec.catalogue ?? []).some((c) => svc.stores.includes(c)) || (spec.publishers === true && svc.publishes.length > 0),
    ).map((svc) => svc.name);
    return [...services, ...(spec.extraUsers ?? [])];
}

// ---------------------------------------------------------------------------------------------
// Naming. Global identifiers are the same in every stack (a secondary can compute them), regional
// ones carry the region; both are stable identity: changing one replaces the store.

/** Global parents (one per project): Aurora/DocumentDB global cluster ids, the global datastore suffix, the DynamoDB table. */
export interface ClusterMember {
    /** `writer` or `reader-<n>`: the instance's name suffix. */
    readonly id: string;
    readonly writer: boolean;
    /** Failover priority: the writer 0, readers 1. */
    readonly tier: number;
}

/**
 * The instances of one member of a global database: the primary's writer and readers, or a
 * secondary's readers only (the global cluster's writer lives in the primary). Shared by Aurora and
 * DocumentDB.
 */
export function planClusterMembers(role: "primary" | "secondary", readers: number): ClusterMember[] {
    const readerMembers = Array.from({ length: readers }, (_, i) => ({ id: `reader-${i + 1}`, writer: false, tier: 1 }));
    return role === "primary" ? [{ id: "writer", writer: true, tier: 0 }, ...readerMembers] : readerMembers;
}

/** The stack key that pins the Aurora engine version. */
export const AURORA_ENGINE_VERSION_KEY = "mall:auroraEngineVersion";

/** What the primary asks aws.rds.getEngineVersion for when the version is not pinned. */
export function auroraVersionQuery(major: string): { engine: "aurora-postgresql"; parameterGroupFamily: string; latest: true } {
    return { engine: "aurora-postgresql", parameterGroupFamily: `aurora-postgresql${major}`, latest: true };
}

/** The stack-file line that pins a resolved version (printed by the plan). */
export function pinLine(key: string, version: string): string {
    return `${key}: "${version}"`;
}

export function globalName(project: string, what: "aurora" | "docdb" | "cache" | "idempotency"): string {
    return `${project}-${what}-global`;
}

/** DynamoDB global tables share one name in every region. */
export function tableName(project: string): string {
    return `${project}-idempotency`;
}

export type BucketPurpose = "static-assets" | "traces";
export const BUCKETS: readonly BucketPurpose[] = ["static-assets", "traces"];

/**
 * Bucket names are global across AWS, so they carry the account id; they are derived, not
 * random, because the S3 replication owner computes the other secondaries' destination buckets
 * from the registry.
 */
export function bucketName(project: string, region: string, purpose: BucketPurpose, accountId: string): string {
    return `${project}-${region}-${purpose}-${accountId}`;
}

/** The alias every region's key for `service` carries (components/common/kms.ts). */
export function keyAlias(project: string, region: string, service: KeyService): string {
    return `alias/${project}/${region}/${service}`;
}

// ---------------------------------------------------------------------------------------------
// Pairwise links (DESIGN §2: the later stack of a pair owns the link, both directions, including
// the halves in the earlier region). Two AWS limits bend that rule, resolved here once:
//  - S3 allows ONE replication configuration per bucket, and PutBucketReplication refuses a
//    destination bucket that does not exist yet. So the LAST region in the registry, deployed after
//    every other, owns every bucket's replication configuration, with a rule to every other region
//    (both directions, full mesh). Adding a region: deploy it (it becomes the last and writes every
//    bucket's configuration, now with the new destination), then re-run the previous last, which
//    drops its copies from its state; they are `retainOnDelete`, so AWS keeps the new owner's.
//  - Aurora DSQL multi-region links exactly two regional clusters plus a witness. The primary and
//    the first secondary are peered; further secondaries have no DSQL cluster and their services
//    write to the primary's endpoint, a remote write (docs/data.md "Write paths").

export interface RegionLike {
    readonly name: string;
    readonly role: "primary" | "secondary";
}

/** One source region's buckets and the regions they replicate to. */
export interface S3Route {
    readonly source: string;
    readonly destinations: readonly string[];
}

export interface DataLinks {
    /** This region owns every bucket's replication configuration (it is the last registered). */
    readonly ownsS3Replication: boolean;
    /** When owner: per registered region, its buckets' destinations (every other region), registry order. */
    readonly s3Routes: readonly S3Route[];
    /** This region runs a DSQL cluster (peered) — false for the third and later regions. */
    readonly dsql: boolean;
    /** This region declares the DSQL peering (both halves). */
    readonly ownsDsqlPeering: boolean;
    /**
     * Regions the generated secrets are replicated to (the primary's list: every secondary), so a
     * secondary's services read their credentials locally when the primary region is gone.
     */
    readonly secretReplicaRegions: readonly string[];
}

export function planLinks(regions: readonly RegionLike[], self: string): DataLinks {
    const secondaries = regions.filter((r) => r.role === "secondary").map((r) => r.name);
    const me = regions.find((r) => r.name === self);
    if (!me) throw new Error(`region ${self} is not in the registry (${regions.map((r) => r.name).join(", ")})`);
    const first = secondaries[0];
    const names = regions.map((r) => r.name);
    const owns = names.length > 1 && self === names[names.length - 1];
    return {
        ownsS3Replication: owns,
        s3Routes: owns ? names.map((source) => ({ source, destinations: names.filter((n) => n !== source) })) : [],
        dsql: me.role === "primary" || self === first,
        ownsDsqlPeering: self === first,
        secretReplicaRegions: me.role === "primary" ? secondaries : [],
    };
}

/**
 * How a service in any region writes each store (ARCHITECTURE §4 prefers local writes; where a
 * store has a single writer and no forwarding, the write crosses regions: docs/spec-deviations.md).
 * - `local`: every region's own copy accepts writes (multi-writer or replicated both ways);
 * - `forwarded`: the local secondary forwards writes to the writer itself (Aurora write forwarding),
 *   or the client uses the global writer endpoint, which follows switchover and failover;
 * - `writer-region`: only the writer region's cluster accepts writes; the service finds it through
 *   the writer directory (docs/data.md) and reaches it across the Transit Gateway mesh;
 * - `peered-pair`: the DSQL linked pair accepts writes in both its regions; a region outside the
 *   pair writes to the primary's cluster endpoint (public, IAM-authenticated, over NAT).
 */
export type WritePath = "local" | "forwarded" | "writer-region" | "peered-pair";

export const WRITE_PATHS = {
    aurora: "forwarded",
    dsql: "peered-pair",
    docdb: "writer-region",
    cache: "writer-region",
    msk: "local",
    search: "local",
    s3: "local",
    dynamodb: "local",
} as const satisfies Readonly<Record<StoreId, WritePath>>;

/** The stores whose writes go to the writer region's member (WRITE_PATHS `writer-region`). */
export type WriterRegionStore = { [K in StoreId]: (typeof WRITE_PATHS)[K] extends "writer-region" ? K : never }[StoreId];

/**
 * They, in STORES order: what the security groups admit from every region, the writer directory
 * publishes, the services' grants read and the flow table proves (one list, derived).
 */
export const WRITER_REGION_STORES: readonly WriterRegionStore[] = STORES.map((s) => s.id).filter((id): id is WriterRegionStore => WRITE_PATHS[id] === "writer-region");

/** `arn:aws:rds:<region>:<account>:cluster:<identifier>` → the identifier CloudWatch dimensions use. */
export function clusterIdentifier(clusterArn: string): string {
    return clusterArn.split(":").pop() ?? clusterArn;
}

/**
 * Node ids of a cluster-mode replication group: ElastiCache names them
 * `<group>-<shard, 4 digits>-<node, 3 digits>`, so they are known from the sizing before the
 * group exists (the lag alarms need a fixed count).
 */
export function cacheNodeIds(groupId: string, shards: number, replicasPerShard: number): string[] {
    return Array.from({ length: shards }, (_, shard) =>
        Array.from({ length: replicasPerShard + 1 }, (_, node) => `${groupId}-${String(shard + 1).padStart(4, "0")}-${String(node + 1).padStart(3, "0")}`),
    ).flat();
}

/**
 * A replicated secret's ARN in another region: Secrets Manager keeps the name and suffix and
 * swaps the region, so a secondary computes its local replica's ARN from the primary's.
 */
export function secretReplicaArn(primarySecretArn: string, region: string): string {
    return primarySecretArn
        .split(":")
        .map((part, i) => (i === 3 ? region : part))
        .join(":");
}
