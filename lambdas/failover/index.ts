/**
 * The Lambda entry point `index.elasticache`. Configuration comes from the environment the
 * DrAutomation component sets: FAILOVER_STORE, ENABLE_AUTO_FAILOVER, DRY_RUN, TARGET_REGION,
 * TOPIC_ARN, TARGETS (JSON), MAX_ATTEMPTS, RETRY_DELAY_MS.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { ElastiCacheClient } from "@aws-sdk/client-elasticache";
import { SNSClient } from "@aws-sdk/client-sns";
import { ConfigurationError, Deps, Report, StoreKind, readConfig, readTargets, runFailover } from "./core";
import { GLOBAL_DATASTORE_FIELDS, elasticacheAdapter } from "./stores";

export interface HandlerDeps extends Partial<Deps> {
    readonly env?: NodeJS.ProcessEnv;
    readonly elasticache?: ElastiCacheClient;
    readonly cloudwatch?: CloudWatchClient;
}

/** An alarm's current state, composite or metric, in this region. */
export function alarmStateReader(cw: CloudWatchClient): (name: string) => Promise<string | undefined> {
    return async (name) => {
        const out = await cw.send(new DescribeAlarmsCommand({ AlarmNames: [name], AlarmTypes: ["CompositeAlarm", "MetricAlarm"] }));
        return out.CompositeAlarms?.[0]?.StateValue ?? out.MetricAlarms?.[0]?.StateValue;
    };
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
            // Clients are regional: they act in this (the promoted) region, never the failed one.
            sns: deps.sns ?? new SNSClient({ region: cfg.region }),
            sleep: deps.sleep ?? defaultSleep,
            log: deps.log ?? defaultLog,
            alarmState: deps.alarmState ?? alarmStateReader(deps.cloudwatch ?? new CloudWatchClient({ region: cfg.region })),
        };
        return runFailover(event, cfg, readTargets(env, GLOBAL_DATASTORE_FIELDS), elasticacheAdapter(deps.elasticache ?? new ElastiCacheClient({ region: cfg.region }), cfg.region), base);
    };
}

export const elasticache = makeHandler("elasticache");
