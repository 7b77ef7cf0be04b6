/**
 * Data-layer settings of one region stack (GlobalData): a sizing profile (ARCHITECTURE §4 figures
 * by default, `small` for cheap dev stacks) plus typed overrides of the figures people tune.
 */
import { regionProblem } from "./aws-regions";
import { dsqlRegionProblems } from "./dsql-regions";
import { AURORA_ENGINE_VERSION_KEY, AuroraSizing, DATA_PROFILES, DataProfileName, DataSizing, PROFILES, mskReplication } from "../../components/data/plan";
import { LOG_RETENTION_DAYS } from "./network";
import { ConfigReader, optional } from "./reader";

export interface DataSettings {
    /** @default "production" ("small" when mall:environment is dev) */
    readonly profile: DataProfileName;
    readonly sizing: DataSizing;
    /** Witness region of the DSQL multi-region link; must not be a registry region. @default "us-east-2" */
    readonly dsqlWitnessRegion: string;
    /**
     * Where the replicators this stack owns out of its region start reading (`mall:mskOutboundStartingPosition`).
     * EARLIEST loses nothing on a fresh install; LATEST when landing on a pair deployed with
     * identical-name replication, whose local topics still hold the primary's own events. Fixed at
     * creation (changing it replaces the replicators). @default "EARLIEST"
     */
    readonly mskOutboundStartingPosition: MskStartingPosition;
    /**
     * Adopt the spec's topics that already exist in this region's cluster instead of creating them
     * (`mall:adoptKafkaTopics`, a Pulumi `import`): for a cluster whose topics were created before
     * topics were code. Ignored once they are in the stack's state. @default false
     */
    readonly adoptKafkaTopics: boolean;
}

export const MSK_STARTING_POSITIONS = ["EARLIEST", "LATEST"] as const;
export type MskStartingPosition = (typeof MSK_STARTING_POSITIONS)[number];

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const INSTANCE = (prefix: string) => new RegExp(`^${prefix.replace(/\./g, "\\.")}[a-z0-9-]+\\.[a-z0-9]+$`);

export const DSQL_WITNESS_KEY = "mall:dsqlWitnessRegion";
/** The witness of production's US pair (us-east-1 with us-west-2). */
export const DEFAULT_DSQL_WITNESS = "us-east-2";

/**
 * Reads `mall:dataProfile` and the overrides. `azCount` bounds the node counts; `dsql.linked` are
 * the regions whose DSQL clusters are linked (the primary and the first secondary; empty while the
 * registry is broken), which with the witness, a third region, must lie in one DSQL region set.
 */
export function readData(r: ConfigReader, environment: string, azCount: number, dsql: { readonly linked: readonly string[]; readonly registryKey: string }): DataSettings {
    const profile = r.string("mall:dataProfile", { default: environment === "production" ? "production" : "small", allowed: DATA_PROFILES }) as DataProfileName;
    const base = PROFILES[profile] ?? PROFILES.production;
    const str = (key: string, def: string, prefix: string, example: string) =>
        r.string(key, { default: def, pattern: INSTANCE(prefix), describe: `an instance class like ${example}` });

    const aurora: AuroraSizing = {
        ...base.aurora,
        // Unset ("" = absent): resolved at deploy by the primary; production stacks pin it (policy versions-pinned).
        ...optional(
            "engineVersion",
            r.string(AURORA_ENGINE_VERSION_KEY, {
                default: "",
                pattern: /^1[6-9]\.\d+$/,
                describe: "an Aurora PostgreSQL 16+ version like 16.6 (global write forwarding needs 16.x or later here)",
            }),
        ),
        writerClass: str("mall:auroraWriterClass", base.aurora.writerClass, "db.", "db.r6g.2xlarge"),
        readerClass: str("mall:auroraReaderClass", base.aurora.readerClass, "db.", "db.r6g.xlarge"),
        primaryReaders: r.number("mall:auroraPrimaryReaders", { default: base.aurora.primaryReaders, min: 0, max: 15 }),
        secondaryReaders: r.number("mall:auroraSecondaryReaders", { default: base.aurora.secondaryReaders, min: 1, max: 16 }),
    };
    const docdb = {
        ...base.docdb,
        instanceClass: str("mall:docdbInstanceClass", base.docdb.instanceClass, "db.", "db.r6g.2xlarge"),
    };
    const cache = {
        ...base.cache,
        nodeType: str("mall:cacheNodeType", base.cache.nodeType, "cache.", "cache.r7g.xlarge"),
        shards: r.number("mall:cacheShards", { default: base.cache.shards, min: 1, max: 500 }),
        replicasPerShard: r.number("mall:cacheReplicasPerShard", { default: base.cache.replicasPerShard, min: 1, max: 5 }),
        // ElastiCache keeps automatic snapshots for at most 35 days (CreateReplicationGroup SnapshotRetentionLimit).
        snapshotRetentionDays: r.number("mall:cacheSnapshotRetentionDays", { default: base.cache.snapshotRetentionDays, min: 1, max: 35, integer: true }),
    };
    const msk = {
        ...base.msk,
        instanceType: str("mall:mskInstanceType", base.msk.instanceType, "kafka.", "kafka.m5.large"),
        // The profile's count, rounded down to a multiple of the AZs (never below one per AZ).
        brokers: r.number("mall:mskBrokers", { default: azCount * Math.max(1, Math.floor(base.msk.brokers / azCount)), min: azCount }),
        ...mskReplication(azCount),
    };
    if (msk.brokers % azCount !== 0) {
        r.problem(`mall:mskBrokers ${msk.brokers} is not a multiple of mall:azCount ${azCount}; MSK spreads brokers evenly over the client subnets, use ${azCount * Math.max(1, Math.round(msk.brokers / azCount))}`);
    }
    if (msk.instanceType.startsWith("kafka.t3.")) {
        r.problem(`mall:mskInstanceType "${msk.instanceType}" is not supported by MSK Replicator; use kafka.m5.large or larger`);
    }
    const search = {
        ...base.search,
        dataInstanceType: r.string("mall:searchDataInstanceType", {
            default: base.search.dataInstanceType,
            pattern: /^[a-z0-9]+\.[a-z0-9]+\.search$/,
            describe: "an OpenSearch instance type like r6g.large.search",
        }),
        dataNodes: r.number("mall:searchDataNodes", { default: base.search.dataNodes, min: 2, max: 80 }),
        // The deck's cost lever: drop the dedicated masters while search is idle (ARCHITECTURE §8).
        dedicatedMasters: r.number("mall:searchDedicatedMasters", { default: base.search.dedicatedMasters, min: 0, max: 5, integer: true }),
    };
    if (![0, 3, 5].includes(search.dedicatedMasters)) {
        r.problem(
            `mall:searchDedicatedMasters ${search.dedicatedMasters} must be 0 (the data nodes elect a master), 3 or 5: an odd count of at least three keeps a quorum when one is lost (Amazon OpenSearch Service, "Dedicated master nodes")`,
        );
    }
    if (search.zones > azCount) search.zones = azCount;
    if (search.dataNodes % search.zones !== 0) {
        r.problem(`mall:searchDataNodes ${search.dataNodes} is not a multiple of the ${search.zones} zones OpenSearch zone awareness spreads over; use ${search.zones * Math.max(1, Math.round(search.dataNodes / search.zones))}`);
    }
    // Backups are not a knob: 35 days is the systems-of-record floor the policy pack enforces.
    const backupRetentionDays = base.backupRetentionDays;
    const logRetentionDays = r.number("mall:dataLogRetentionDays", { default: base.logRetentionDays, min: 1 });
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
        r.problem(`mall:dataLogRetentionDays ${logRetentionDays} is not a CloudWatch Logs retention; use one of ${LOG_RETENTION_DAYS.join(", ")}`);
    }
    const dsqlWitnessRegion = r.string(DSQL_WITNESS_KEY, { default: DEFAULT_DSQL_WITNESS, pattern: REGION, describe: "an AWS region name like us-east-2" });
    const witnessProblem = REGION.test(dsqlWitnessRegion) ? regionProblem(dsqlWitnessRegion) : undefined;
    if (witnessProblem) r.problem(`mall:dsqlWitnessRegion ${witnessProblem}`);
    if (!witnessProblem && dsql.linked.length > 0 && dsql.linked.every((region) => !regionProblem(region))) {
        for (const p of dsqlRegionProblems(dsql.linked, dsqlWitnessRegion, { registry: dsql.registryKey, witness: "mall:dsqlWitnessRegion" })) r.problem(p);
    }
    const mskOutboundStartingPosition = r.string("mall:mskOutboundStartingPosition", { default: "EARLIEST", allowed: MSK_STARTING_POSITIONS }) as MskStartingPosition;
    const adoptKafkaTopics = r.boolean("mall:adoptKafkaTopics", false);
    return {
        profile,
        sizing: { ...base, aurora, docdb, cache, msk, search, backupRetentionDays, logRetentionDays },
        dsqlWitnessRegion,
        mskOutboundStartingPosition,
        adoptKafkaTopics,
    };
}

