/**
 * The DR scorecard (ARCHITECTURE §6): for each component, the RTO/RPO this configuration yields,
 * derived from the PLANNED resources of every stack (not from settings), beside the original
 * deck's matrix. Generic: it reads resource records by type and inputs, so it works whichever
 * component declared them, and says "absent" when a mechanism is not planned.
 *
 * The stores' RTOs are the drill simulator's (tools/drills) for the loss of the primary: whether
 * anything promotes into the surviving Region, when it is detected, and how long the promotion
 * takes (the simulator's sourced per-store table). Where it finds no automated promotion the card
 * says so rather than assuming one.
 */
import { ALIAS_TARGET_TTL, RegionSwitchStep, regionSwitchStep } from "../drills/model";
import { PROMOTION_SECONDS, PromotedStore } from "../drills/promotion";
import { DrillOutcome, runDrills } from "../drills/simulate";
import { PlannedResource } from "./contract";

export { ALIAS_TARGET_TTL };

export interface ScorecardStack {
    readonly stack: string;
    readonly role: string;
    readonly region: string;
    readonly resources: readonly PlannedResource[];
}

/** Route 53 defaults when a health check leaves them unset. */
const R53_DEFAULT_INTERVAL = 30;
const R53_DEFAULT_THRESHOLD = 3;

/** ARCHITECTURE §6: the deck's matrix for the pre-project system. */
export const DECK_MATRIX: Record<string, { rto: string; rpo: string }> = {
    "traffic routing": { rto: "1-2 min", rpo: "0" },
    "Aurora PostgreSQL": { rto: "n/a", rpo: "n/a" },
    "Aurora DSQL": { rto: "n/a", rpo: "total loss (single region)" },
    DocumentDB: { rto: "5-15 min (manual)", rpo: "< 1 min" },
    ElastiCache: { rto: "1-5 min (manual)", rpo: "< 1 s" },
    MSK: { rto: "n/a", rpo: "total loss (no replicator)" },
    S3: { rto: "instant", rpo: "< 15 min" },
    DynamoDB: { rto: "n/a", rpo: "n/a" },
    EKS: { rto: "2-5 min", rpo: "0" },
};

export function formatSeconds(s: number): string {
    const m = Math.floor(s / 60);
    const r = Math.round(s % 60);
    if (m === 0) return `${r} s`;
    return r === 0 ? `${m} min` : `${m} min ${r} s`;
}

const num = (v: unknown, d: number) => (typeof v === "number" && Number.isFinite(v) ? v : typeof v === "string" && v !== "" && Number.isFinite(Number(v)) ? Number(v) : d);
const str = (v: unknown) => (typeof v === "string" ? v : undefined);

export interface Detection {
    /** Route 53: health-check interval × failure threshold. */
    readonly healthCheckSeconds?: number;
    /** DNS TTL of the health-checked records. */
    readonly ttlSeconds?: number;
    /** Route 53 path into the survivor: health check + its alarm's evaluation. */
    readonly routeSeconds?: number;
    /** Canary path: canary alarm evaluation (period × periods). */
    readonly canarySeconds?: number;
}

export function detection(all: readonly ScorecardStack[], survivor: ScorecardStack): Detection {
    const every = all.flatMap((s) => s.resources);
    const checks = every.filter((r) => r.type === "aws:route53/healthCheck:HealthCheck");
    // The slowest health check bounds detection: any of them may be the one that matters.
    const healthCheckSeconds = checks.length > 0 ? Math.max(...checks.map((c) => num(c.inputs.requestInterval, R53_DEFAULT_INTERVAL) * num(c.inputs.failureThreshold, R53_DEFAULT_THRESHOLD))) : undefined;
    const records = every.filter((r) => r.type === "aws:route53/record:Record" && (r.inputs.healthCheckId !== undefined || r.inputs.latencyRoutingPolicies !== undefined || r.inputs.failoverRoutingPolicies !== undefined));
    // An alias record has no TTL of its own: resolvers cache it for the target's, which is 60 s for
    // load balancer (and CloudFront) aliases.
    const ttls = records.map((r) => (r.inputs.ttl !== undefined ? num(r.inputs.ttl, 0) : r.inputs.aliases !== undefined ? ALIAS_TARGET_TTL : undefined)).filter((t): t is number => t !== undefined);
    const ttlSeconds = ttls.length > 0 ? Math.max(...ttls) : undefined;

    const alarms = survivor.resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm");
    const evalSeconds = (a: PlannedResource) => num(a.inputs.period, 60) * num(a.inputs.evaluationPeriods, 1);
    const hcAlarms = alarms.filter((a) => a.inputs.metricName === "HealthCheckStatus");
    const routeSeconds = healthCheckSeconds !== undefined && hcAlarms.length > 0 ? healthCheckSeconds + Math.max(...hcAlarms.map(evalSeconds)) : undefined;
    const canaryAlarms = alarms.filter((a) => a.inputs.namespace === "CloudWatchSynthetics" && a.inputs.metricName === "SuccessPercent");
    const composite = survivor.resources.some((r) => r.type === "aws:cloudwatch/compositeAlarm:CompositeAlarm");
    const canarySeconds = composite && canaryAlarms.length > 0 ? Math.max(...canaryAlarms.map(evalSeconds)) : undefined;
    return { healthCheckSeconds, ttlSeconds, routeSeconds, canarySeconds };
}

export interface Automation {
    readonly present: boolean;
    readonly enabled: boolean;
    readonly dryRun: boolean;
}

/** Who would promote `store` into the survivor: its Region switch plan's block, or its failover function. */
function automation(survivor: ScorecardStack, store: PromotedStore): Automation {
    // The plan's steps as the simulator reads them (Parallel steps flattened).
    const blocks = (steps: readonly RegionSwitchStep[]): RegionSwitchStep[] => steps.flatMap((x) => [x, ...blocks(x.children ?? [])]);
    const stores = (r: PlannedResource) => (Array.isArray(r.inputs.workflows) ? (r.inputs.workflows as { steps?: Record<string, unknown>[] }[]) : []).flatMap((w) => blocks((w.steps ?? []).map(regionSwitchStep))).map((x) => x.store);
    const plan = survivor.resources.find((r) => r.type === "aws:arcregionswitch/plan:Plan" && stores(r).includes(store as "aurora" | "docdb"));
    if (plan) return { present: true, enabled: Array.isArray(plan.inputs.triggers) && plan.inputs.triggers.length > 0, dryRun: false };
    const fn = survivor.resources.find((r) => r.type === "aws:lambda/function:Function" && (r.inputs.environment as { variables?: Record<string, unknown> } | undefined)?.variables?.FAILOVER_STORE === store);
    const vars = (fn?.inputs.environment as { variables?: Record<string, unknown> } | undefined)?.variables ?? {};
    return { present: !!fn, enabled: vars.ENABLE_AUTO_FAILOVER === "true", dryRun: vars.DRY_RUN === "true" };
}

export interface ScorecardRow {
    readonly component: string;
    readonly mechanism: string;
    readonly rto: string;
    readonly rpo: string;
    readonly deckRto: string;
    readonly deckRpo: string;
}

const ABSENT = "absent";
const LOSS = "total loss (no cross-region copy)";

/** The drill scorecards read: the simulated loss of the primary. */
export const SCORECARD_DRILL = "primary-region-loss";

/**
 * @param drill the simulator's outcome of losing the primary; @default - simulated over `all`
 */
export function scorecard(all: readonly ScorecardStack[], survivor: ScorecardStack, drill?: DrillOutcome): { rows: ScorecardRow[]; detection: Detection; drill?: DrillOutcome } {
    const every = all.flatMap((s) => s.resources);
    const has = (type: string) => every.some((r) => r.type === type);
    const inSurvivor = (type: string, joinField: string) => survivor.resources.some((r) => r.type === type && str(r.inputs[joinField]));
    const det = detection(all, survivor);
    const lost = drill ?? (all.length > 1 ? runDrills(all).scenarios.find((o) => o.id === SCORECARD_DRILL) : undefined);
    const traffic = det.healthCheckSeconds !== undefined ? det.healthCheckSeconds + (det.ttlSeconds ?? 0) : undefined;
    const trafficRto = traffic !== undefined ? `${formatSeconds(traffic)} (health check ${formatSeconds(det.healthCheckSeconds!)} + TTL ${formatSeconds(det.ttlSeconds ?? 0)})` : `${ABSENT}: no Route 53 health check planned`;

    const row = (component: string, mechanism: string, rto: string, rpo: string): ScorecardRow => ({ component, mechanism, rto, rpo, deckRto: DECK_MATRIX[component].rto, deckRpo: DECK_MATRIX[component].rpo });

    const storeRto = (store: PromotedStore): string => {
        const p = lost?.promotions.find((x) => x.store === store && x.region === survivor.region);
        if (p) {
            const atLeast = PROMOTION_SECONDS[store]?.lowerBound ? "≥ " : "";
            return `${atLeast}${formatSeconds(p.completedAtSeconds)} automated (detect ${formatSeconds(p.startedAtSeconds)} + promote ${atLeast}${formatSeconds(p.completedAtSeconds - p.startedAtSeconds)})`;
        }
        const a = automation(survivor, store);
        const elsewhere = lost?.promotions.find((x) => x.store === store);
        const why = !a.present
            ? "no Region switch block or failover function"
            : a.dryRun
              ? "failover function in dry run"
              : !a.enabled
                ? "ENABLE_AUTO_FAILOVER off"
                : elsewhere
                  ? `promoted into ${elsewhere.region} instead`
                  : !lost
                    ? "no drill simulated"
                    : "no trigger fires when the primary is lost";
        return `no automated promotion (${why})`;
    };
    const globalStore = (component: string, store: PromotedStore, globalType: string, memberType: string, joinField: string, rpo: string) => {
        if (!has(globalType)) return row(component, ABSENT, "n/a", LOSS);
        if (!inSurvivor(memberType, joinField)) return row(component, `global parent planned, but no member in ${survivor.region}`, "n/a", LOSS);
        return row(component, `${globalType.split(":").pop()} with a member in ${survivor.region}`, storeRto(store), rpo);
    };

    const rows: ScorecardRow[] = [];
    rows.push(row("traffic routing", det.healthCheckSeconds !== undefined ? "Route 53 health checks + DNS failover" : ABSENT, trafficRto, "0"));
    rows.push(globalStore("Aurora PostgreSQL", "aurora", "aws:rds/globalCluster:GlobalCluster", "aws:rds/cluster:Cluster", "globalClusterIdentifier", "~1 s (storage-level async)"));
    const dsqlLinked = has("aws:dsql/clusterPeering:ClusterPeering") || every.some((r) => r.type === "aws:dsql/cluster:Cluster" && r.inputs.multiRegionProperties !== undefined);
    rows.push(row("Aurora DSQL", dsqlLinked ? "multi-region linked clusters" : ABSENT, dsqlLinked ? `= traffic routing (active-active)` : "n/a", dsqlLinked ? "0 (synchronous)" : LOSS));
    rows.push(globalStore("DocumentDB", "docdb", "aws:docdb/globalCluster:GlobalCluster", "aws:docdb/cluster:Cluster", "globalClusterIdentifier", "≤ 2 s (oplog async)"));
    rows.push(
        globalStore("ElastiCache", "elasticache", "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup", "aws:elasticache/replicationGroup:ReplicationGroup", "globalReplicationGroupId", "< 1 s (async)"),
    );
    const replicator = has("aws:msk/replicator:Replicator");
    rows.push(row("MSK", replicator ? "MSK Replicator" : ABSENT, replicator ? "= traffic routing (consumers already run in each region)" : "n/a", replicator ? "~5 s (async)" : LOSS));
    const s3 = every.filter((r) => r.type === "aws:s3/bucketReplicationConfig:BucketReplicationConfig");
    const rtc = s3.some((r) => JSON.stringify(r.inputs.rules ?? []).includes('"replicationTime":{"status":"Enabled"'));
    rows.push(row("S3", s3.length > 0 ? `cross-region replication${rtc ? " with RTC" : ""}` : ABSENT, s3.length > 0 ? "instant (replica bucket readable)" : "n/a", s3.length > 0 ? (rtc ? "≤ 15 min (RTC SLA)" : "minutes, no SLA (no RTC)") : LOSS));
    const ddb = has("aws:dynamodb/tableReplica:TableReplica") || every.some((r) => r.type === "aws:dynamodb/table:Table" && Array.isArray(r.inputs.replicas) && r.inputs.replicas.length > 0);
    rows.push(row("DynamoDB", ddb ? "global table replica" : ABSENT, ddb ? "= traffic routing (active-active)" : "n/a", ddb ? "~1 s (last writer wins)" : LOSS));
    const eksRegions = all.filter((s) => s.resources.some((r) => r.type === "eks:index:Cluster" || r.type === "aws:eks/cluster:Cluster")).length;
    rows.push(row("EKS", eksRegions >= 2 ? `active-active in ${eksRegions} regions` : eksRegions === 1 ? "one region only" : ABSENT, eksRegions >= 2 ? "= traffic routing" : "n/a", eksRegions >= 1 ? "0 (stateless)" : "n/a"));
    return { rows, detection: det, ...(lost ? { drill: lost } : {}) };
}

export { PROMOTION_SECONDS };
