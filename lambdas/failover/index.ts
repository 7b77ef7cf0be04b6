/**
 * Lambda entry points (one bundle, three functions: `index.aurora`, `index.docdb`,
 * `index.elasticache`). Configuration comes from the environment the DrAutomation component sets:
 * FAILOVER_STORE, ENABLE_AUTO_FAILOVER, DRY_RUN, TARGET_REGION, TOPIC_ARN, TARGETS (JSON),
 * MAX_ATTEMPTS, RETRY_DELAY_MS.
 */
import { DocDBClient } from "@aws-sdk/client-docdb";
import { ElastiCacheClient } from "@aws-sdk/client-elasticache";
import { RDSClient } from "@aws-sdk/client-rds";
import { SNSClient } from "@aws-sdk/client-sns";
import { ConfigurationError, Deps, Report, StoreKind, readConfig, readTargets, runFailover } from "./core";
import { GLOBAL_CLUSTER_FIELDS, GLOBAL_DATASTORE_FIELDS, auroraAdapter, docdbAdapter, elasticacheAdapter } from "./stores";

export interface HandlerDeps extends Partial<Deps> {
    readonly env?: NodeJS.ProcessEnv;
    readonly rds?: RDSClient;
    readonly docdb?: DocDBClient;
    readonly elasticache?: ElastiCacheClient;
}

const defaultLog = (line: Record<string, unknown>) => console.log(JSON.stringify(line));
const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Builds the handler for `store`; tests pass clients and a no-op sleep. */
export function makeHandler(store: StoreKind, deps: HandlerDeps = {}): (event: unknown) => Promise<Report> {
    return async (event) => {
        const env = deps.env ?? process.env;
        const cfg = readConfig(env);
        if (cfg.store !== store) throw new ConfigurationError(`this is the ${store} handler but FAILOVER_STORE is ${cfg.store}`);
        const base: Deps = {
            // Clients are regional: they act in the surviving region, never the failed one.
            sns: deps.sns ?? new SNSClient({ region: cfg.region }),
            sleep: deps.sleep ?? defaultSleep,
            log: deps.log ?? defaultLog,
        };
        switch (store) {
            case "aurora":
                return runFailover(event, cfg, readTargets(env, GLOBAL_CLUSTER_FIELDS), auroraAdapter(deps.rds ?? new RDSClient({ region: cfg.region })), base);
            case "docdb":
                return runFailover(event, cfg, readTargets(env, GLOBAL_CLUSTER_FIELDS), docdbAdapter(deps.docdb ?? new DocDBClient({ region: cfg.region })), base);
            case "elasticache":
                return runFailover(
                    event,
                    cfg,
                    readTargets(env, GLOBAL_DATASTORE_FIELDS),
                    elasticacheAdapter(deps.elasticache ?? new ElastiCacheClient({ region: cfg.region }), cfg.region),
                    base,
                );
        }
    };
}

export const aurora = makeHandler("aurora");
export const docdb = makeHandler("docdb");
export const elasticache = makeHandler("elasticache");
