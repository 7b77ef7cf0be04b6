/**
 * What each service is told about its stores: the per-service ConfigMap `<service>-data` in its
 * namespace (components/eks/services.ts), declared from GlobalData's outputs. Only the stores the
 * catalogue gives the service, each with its write path (plan.ts WRITE_PATHS) and what that path
 * needs: the local endpoint, the writer directory for single-writer stores, the secret ARN (never a
 * secret value). Pure: no Pulumi imports.
 */
import { ServiceSpec } from "../catalogue";
import { WRITE_PATHS } from "./plan";
import { directoryPath } from "./writer-directory";
import { cacheKeyPrefix } from "./cache-users";

/** One region's data endpoints, as plain values. */
export interface DataEndpoints {
    /** The physical-name prefix (RegionContext.prefix): the writer directory's parameters live under it. */
    readonly prefix: string;
    readonly region: string;
    /** Registry order: the order a service tries writer candidates in. */
    readonly failoverOrder: readonly string[];
    /** This region's Aurora cluster endpoint: the writer in the writer region, write forwarding elsewhere. */
    readonly auroraEndpoint: string;
    readonly auroraReaderEndpoint: string;
    /** The Aurora global writer endpoint: always the writer, for statements write forwarding does not carry (DDL). */
    readonly auroraGlobalWriterEndpoint: string;
    /** The DSQL cluster this region writes to: its own, or (outside the linked pair) the primary's. */
    readonly dsqlClusterId: string;
    readonly dsqlRegion: string;
    readonly docdbEndpoint: string;
    readonly cacheEndpoint: string;
    readonly mskBootstrapBrokers: string;
    readonly searchEndpoint: string;
    readonly idempotencyTableName: string;
    readonly assetsBucketName: string;
    /** Per DocumentDB service, its own credentials secret (this region's replica). */
    readonly docdbSecretArns: Readonly<Record<string, string>>;
    /** Per cache service, its own user's credentials secret (this region's replica). */
    readonly cacheSecretArns: Readonly<Record<string, string>>;
}

/** `<id>.dsql.<region>.on.aws`: DSQL's public, IAM-authenticated endpoint (port 5432). */
export function dsqlEndpoint(clusterId: string, region: string): string {
    return `${clusterId}.dsql.${region}.on.aws`;
}

/**
 * The pattern a consumer subscribes with: its local topics and their replicas from every other
 * region, which MSK Replicator names `<source alias>.<topic>` (msk.ts TOPIC_NAME_CONFIGURATION).
 */
export function subscribePattern(prefixes: readonly string[]): string {
    const families = prefixes.map((p) => p.replace(/\.$/, "").replace(/[.]/g, "\\."));
    return `^(.+\\.)?(${families.join("|")})\\..+$`;
}

/** Consumer groups are per region (AWS's active-active guidance): offsets sync between regions without clashing. */
export function consumerGroup(service: string, region: string): string {
    return `${service}.${region}`;
}

export function planServiceConfig(svc: ServiceSpec, e: DataEndpoints): Record<string, string> {
    const has = (s: ServiceSpec["stores"][number]) => svc.stores.includes(s);
    const data: Record<string, string> = {
        MALL_REGION: e.region,
        MALL_FAILOVER_ORDER: e.failoverOrder.join(","),
        KAFKA_BOOTSTRAP_BROKERS: e.mskBootstrapBrokers,
        KAFKA_WRITE_PATH: WRITE_PATHS.msk,
    };
    if (svc.consumes.length > 0) {
        data.KAFKA_CONSUMER_GROUP = consumerGroup(svc.name, e.region);
        data.KAFKA_SUBSCRIBE_PATTERN = subscribePattern(svc.consumes);
    }
    if (has("aurora")) {
        Object.assign(data, {
            AURORA_ENDPOINT: e.auroraEndpoint,
            AURORA_READER_ENDPOINT: e.auroraReaderEndpoint,
            AURORA_GLOBAL_WRITER_ENDPOINT: e.auroraGlobalWriterEndpoint,
            AURORA_WRITE_PATH: WRITE_PATHS.aurora,
        });
    }
    if (has("dsql")) {
        Object.assign(data, { DSQL_ENDPOINT: dsqlEndpoint(e.dsqlClusterId, e.dsqlRegion), DSQL_WRITE_PATH: e.dsqlRegion === e.region ? "local" : "remote" });
    }
    if (has("docdb")) {
        const secret = e.docdbSecretArns[svc.name];
        if (!secret) throw new Error(`no DocumentDB secret for ${svc.name} (GlobalData docdbServiceSecretArns)`);
        Object.assign(data, { DOCDB_ENDPOINT: e.docdbEndpoint, DOCDB_WRITER_DIRECTORY: directoryPath(e.prefix, "docdb"), DOCDB_SECRET_ARN: secret, DOCDB_WRITE_PATH: WRITE_PATHS.docdb });
    }
    if (has("cache")) {
        const secret = e.cacheSecretArns[svc.name];
        if (!secret) throw new Error(`no cache user secret for ${svc.name} (GlobalData cacheServiceSecretArns)`);
        // Its own user (RBAC, S5): the secret holds { username, password }; the user reaches only keys under the prefix.
        Object.assign(data, {
            CACHE_ENDPOINT: e.cacheEndpoint,
            CACHE_WRITER_DIRECTORY: directoryPath(e.prefix, "cache"),
            CACHE_SECRET_ARN: secret,
            CACHE_USERNAME: svc.name,
            CACHE_KEY_PREFIX: cacheKeyPrefix(svc.name),
            CACHE_WRITE_PATH: WRITE_PATHS.cache,
        });
    }
    if (has("search")) Object.assign(data, { SEARCH_ENDPOINT: e.searchEndpoint, SEARCH_WRITE_PATH: WRITE_PATHS.search });
    if (has("idempotency")) Object.assign(data, { IDEMPOTENCY_TABLE: e.idempotencyTableName, IDEMPOTENCY_WRITE_PATH: WRITE_PATHS.dynamodb });
    if (has("assets")) Object.assign(data, { ASSETS_BUCKET: e.assetsBucketName, ASSETS_PREFIX: `${svc.name}/`, ASSETS_WRITE_PATH: WRITE_PATHS.s3 });
    return data;
}
