import * as assert from "assert";
import { SCORECARD_DRILL, scorecard, ScorecardStack } from "../../tools/plan/scorecard";
import { DrillOutcome } from "../../tools/drills/simulate";
import { PlannedResource } from "../../tools/plan/contract";
import { drScorecardSection } from "../../tools/plan/summary";
import { StackResult } from "../../tools/plan/plan";

let n = 0;
function res(type: string, inputs: Record<string, unknown>): PlannedResource {
    n += 1;
    return { urn: `urn:pulumi:s::mall::${type}::r${n}`, type, name: `r${n}`, parent: null, provider: null, custom: true, protect: false, inputs, propertyDependencies: {}, dependencies: [] };
}

const fn = (store: string, enabled = "true", dryRun = "false") =>
    res("aws:lambda/function:Function", { environment: { variables: { FAILOVER_STORE: store, ENABLE_AUTO_FAILOVER: enabled, DRY_RUN: dryRun } } });

/** A primary and a secondary with every mechanism planned; `interval` is the health check's request interval. */
function world(opts: { interval?: number; threshold?: number; ttl?: number; enabled?: string; dryRun?: string; replicator?: boolean } = {}): ScorecardStack[] {
    const primary: ScorecardStack = {
        stack: "us-east-1",
        role: "primary",
        region: "us-east-1",
        resources: [
            res("aws:route53/healthCheck:HealthCheck", { requestInterval: opts.interval ?? 30, failureThreshold: opts.threshold ?? 3, resourcePath: "/health/ready" }),
            res("aws:route53/record:Record", { name: "api-internal", ttl: opts.ttl ?? 60, healthCheckId: "hc", latencyRoutingPolicies: [{ region: "us-east-1" }] }),
            res("aws:rds/globalCluster:GlobalCluster", { globalClusterIdentifier: "mall-aurora" }),
            res("aws:docdb/globalCluster:GlobalCluster", { globalClusterIdentifier: "mall-docdb" }),
            res("aws:elasticache/globalReplicationGroup:GlobalReplicationGroup", { globalReplicationGroupIdSuffix: "mall" }),
            res("eks:index:Cluster", {}),
        ],
    };
    const secondary: ScorecardStack = {
        stack: "us-west-2",
        role: "secondary",
        region: "us-west-2",
        resources: [
            res("aws:rds/cluster:Cluster", { globalClusterIdentifier: "mall-aurora" }),
            res("aws:docdb/cluster:Cluster", { globalClusterIdentifier: "mall-docdb" }),
            res("aws:elasticache/replicationGroup:ReplicationGroup", { globalReplicationGroupId: "ldgnf-mall" }),
            res("aws:cloudwatch/metricAlarm:MetricAlarm", { namespace: "AWS/Route53", metricName: "HealthCheckStatus", period: 60, evaluationPeriods: 1, region: "us-east-1" }),
            res("aws:cloudwatch/metricAlarm:MetricAlarm", { namespace: "CloudWatchSynthetics", metricName: "SuccessPercent", period: 60, evaluationPeriods: 2 }),
            res("aws:cloudwatch/compositeAlarm:CompositeAlarm", { alarmRule: "ALARM(a) AND OK(b)" }),
            fn("aurora", opts.enabled, opts.dryRun),
            fn("docdb", opts.enabled, opts.dryRun),
            fn("elasticache", opts.enabled, opts.dryRun),
            ...(opts.replicator === false ? [] : [res("aws:msk/replicator:Replicator", {})]),
            res("aws:s3/bucketReplicationConfig:BucketReplicationConfig", { rules: [{ destination: { replicationTime: { status: "Enabled", time: { minutes: 15 } } } }] }),
            res("aws:dynamodb/tableReplica:TableReplica", {}),
            res("aws:dsql/clusterPeering:ClusterPeering", {}),
            res("eks:index:Cluster", {}),
        ],
    };
    return [primary, secondary];
}

const card = (w: ScorecardStack[]) => Object.fromEntries(scorecard(w, w[1]).rows.map((r) => [r.component, r]));

describe("DR scorecard", () => {
    it("derives the traffic RTO from health-check interval × threshold + TTL", () => {
        assert.strictEqual(card(world())["traffic routing"].rto, "2 min 30 s (health check 1 min 30 s + TTL 1 min)");
        assert.strictEqual(card(world({ ttl: 300 }))["traffic routing"].rto, "6 min 30 s (health check 1 min 30 s + TTL 5 min)");
    });

    it("changes the traffic RTO when the planned health-check interval changes", () => {
        assert.strictEqual(card(world({ interval: 30 }))["traffic routing"].rto, "2 min 30 s (health check 1 min 30 s + TTL 1 min)");
        assert.strictEqual(card(world({ interval: 10 }))["traffic routing"].rto, "1 min 30 s (health check 30 s + TTL 1 min)");
    });

    it("takes store RTOs from the simulated loss of the primary: detection + the documented promotion, a lower bound where AWS gives one", () => {
        const w = world();
        const drill = {
            id: SCORECARD_DRILL,
            promotions: [{ store: "aurora", region: "us-west-2", startedAtSeconds: 150, completedAtSeconds: 210, allowDataLoss: true, trigger: "t" }],
        } as unknown as DrillOutcome;
        const c = Object.fromEntries(scorecard(w, w[1], drill).rows.map((r) => [r.component, r]));
        assert.strictEqual(c["Aurora PostgreSQL"].rto, "≥ 3 min 30 s automated (detect 2 min 30 s + promote ≥ 1 min)");
        assert.strictEqual(c["DocumentDB"].rto, "no automated promotion (no trigger fires when the primary is lost)");
    });

    it("keeps the planned detection paths, and says no automated promotion where the simulator finds none", () => {
        const d = scorecard(world(), world()[1]).detection;
        assert.deepStrictEqual(d, { healthCheckSeconds: 90, ttlSeconds: 60, routeSeconds: 150, canarySeconds: 120 });
        // This hand-made world has alarms but no EventBridge route to the functions: nothing promotes.
        assert.strictEqual(card(world())["DocumentDB"].rto, "no automated promotion (no trigger fires when the primary is lost)");
    });

    it("names the automation flag or the dry run when they are why nothing promotes", () => {
        assert.strictEqual(card(world({ enabled: "false" }))["ElastiCache"].rto, "no automated promotion (ENABLE_AUTO_FAILOVER off)");
        assert.strictEqual(card(world({ dryRun: "true" }))["ElastiCache"].rto, "no automated promotion (failover function in dry run)");
    });

    it("reports RPO by mechanism and says absent when one is not planned", () => {
        const c = card(world());
        assert.deepStrictEqual(
            Object.values(c).map((r) => [r.component, r.rpo]),
            [
                ["traffic routing", "0"],
                ["Aurora PostgreSQL", "~1 s (storage-level async)"],
                ["Aurora DSQL", "0 (synchronous)"],
                ["DocumentDB", "≤ 2 s (oplog async)"],
                ["ElastiCache", "< 1 s (async)"],
                ["MSK", "~5 s (async)"],
                ["S3", "≤ 15 min (RTC SLA)"],
                ["DynamoDB", "~1 s (last writer wins)"],
                ["EKS", "0 (stateless)"],
            ],
        );
        const noReplicator = card(world({ replicator: false }))["MSK"];
        assert.deepStrictEqual([noReplicator.mechanism, noReplicator.rpo, noReplicator.deckRpo], ["absent", "total loss (no cross-region copy)", "total loss (no replicator)"]);
        const nothing = scorecard([{ stack: "a", role: "primary", region: "us-east-1", resources: [] }, { stack: "b", role: "secondary", region: "us-west-2", resources: [] }], { stack: "b", role: "secondary", region: "us-west-2", resources: [] });
        assert.ok(nothing.rows.every((r) => r.mechanism === "absent"));
    });

    it("notices a global parent without a member in the surviving region", () => {
        const w = world();
        w[1] = { ...w[1], resources: w[1].resources.filter((r) => r.type !== "aws:docdb/cluster:Cluster") };
        assert.strictEqual(card(w)["DocumentDB"].mechanism, "global parent planned, but no member in us-west-2");
    });

    it("renders under secondaries in the plan summary, beside the deck's matrix", () => {
        const w = world();
        const toResult = (s: ScorecardStack) => ({ stack: s.stack, project: "mall", role: s.role, environment: "production", resources: [...s.resources], outputs: { region: s.region }, policy: { pack: null, diagnostics: [] }, timings: { programMs: 0, mockMs: 0, policyMs: 0 } }) as StackResult;
        const all = w.map(toResult);
        assert.strictEqual(drScorecardSection(all[0], all), undefined);
        const body = drScorecardSection(all[1], all)!;
        assert.strictEqual(body.title, "DR scorecard: failover into us-west-2");
        assert.deepStrictEqual(body.rows[0], ["component", "mechanism (planned)", "RTO (this plan)", "RPO (this plan)", "deck RTO", "deck RPO"]);
        assert.deepStrictEqual(body.rows.find((r) => r[0] === "DocumentDB")!.slice(4), ["5-15 min (manual)", "< 1 min"]);
    });
});
