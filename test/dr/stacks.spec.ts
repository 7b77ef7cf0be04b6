import * as assert from "assert";
import { REGISTRY, productionPlan } from "../registry";
import { parseStackConfig } from "../../stacks/settings";
import { PlanResult, plan } from "../../tools/plan/plan";
import { renderMarkdown } from "../../tools/plan/summary";
import { inEnvironment } from "../environments";

const REGIONS = JSON.stringify({ "us-east-1": { cidr: "10.0.0.0/16", role: "primary" }, "us-west-2": { cidr: "10.1.0.0/16", role: "secondary" } });
const raw = (extra: Record<string, string> = {}) => ({ "aws:region": "us-east-1", "mall:domain": "example.com", "mall:regions": REGIONS, ...extra });

describe("DR settings", () => {
    it("turns automatic failover on by default in production only", () => {
        assert.strictEqual(parseStackConfig("mall", "us-east-1", raw()).dr.enableAutoFailover, true);
        assert.strictEqual(parseStackConfig("mall", "staging-us-east-1", inEnvironment("staging", raw())).dr.enableAutoFailover, false);
        assert.strictEqual(parseStackConfig("mall", "dev-us-east-1", inEnvironment("dev", raw({ "mall:enableAutoFailover": "true" }))).dr.enableAutoFailover, true);
    });

    it("has the architecture's defaults", () => {
        assert.deepStrictEqual(parseStackConfig("mall", "us-east-1", raw()).dr, {
            enableAutoFailover: true,
            failoverDryRun: false,
            failoverMaxAttempts: 3,
            drLogRetentionDays: 90,
            canaryRuntime: "syn-nodejs-puppeteer-9.1",
            canaryRateMinutes: 1,
            canaryAlarmPeriods: 2,
            traceSamplePercent: 10,
            traceLatencyThresholdMs: 500,
            notifications: [],
            drillSchedules: {},
        });
    });

    it("schedules no drill in production and a weekly latency drill elsewhere; refuses an unknown drill, a bad expression, and the database drill on a secondary", () => {
        assert.deepStrictEqual(parseStackConfig("mall", "staging-us-east-1", inEnvironment("staging", raw())).dr.drillSchedules, { "injected-latency": "rate(7 days)" });
        assert.deepStrictEqual(parseStackConfig("mall", "us-east-1", raw({ "mall:drillSchedules": JSON.stringify({ "database-failover": "cron(0 10 ? * TUE *)" }) })).dr.drillSchedules, { "database-failover": "cron(0 10 ? * TUE *)" });
        assert.throws(
            () => parseStackConfig("mall", "us-east-1", raw({ "mall:drillSchedules": JSON.stringify({ "chaos-kong": "rate(1 day)", "injected-latency": "weekly" }) })),
            (e: Error) => {
                assert.match(e.message, /mall:drillSchedules.chaos-kong is not a drill; drills: region-evacuation, inter-region-cut, az-power-interruption, database-failover, injected-latency/);
                assert.match(e.message, /mall:drillSchedules.injected-latency "weekly" is not a schedule expression; use rate\(7 days\), cron\(0 10 \? \* TUE \*\) or at\(2027-01-15T10:00:00\) \(UTC\)/);
                return true;
            },
        );
        assert.throws(
            () =>
                parseStackConfig("mall", "us-west-2", {
                    ...raw({ "aws:region": "us-west-2", "mall:primaryStack": "organization/mall/us-east-1", "mall:drillSchedules": JSON.stringify({ "database-failover": "rate(30 days)" }) }),
                }),
            /mall:drillSchedules.database-failover is scheduled on the secondary us-west-2, but that drill runs where the writers are: schedule it on the primary us-east-1/,
        );
    });

    it("reads the paging endpoints and refuses one SNS cannot deliver to, naming it", () => {
        assert.deepStrictEqual(parseStackConfig("mall", "us-east-1", raw({ "mall:drNotifications": JSON.stringify(["oncall@example.com", "https://events.pagerduty.com/x"]) })).dr.notifications, [
            "oncall@example.com",
            "https://events.pagerduty.com/x",
        ]);
        assert.throws(
            () => parseStackConfig("mall", "us-east-1", raw({ "mall:drNotifications": JSON.stringify(["http://hooks.example.com/x", "oncall"]) })),
            (e: Error) => {
                assert.match(e.message, /mall:drNotifications entry "http:\/\/hooks.example.com\/x" is not an email address or an https:\/\/ URL/);
                assert.match(e.message, /mall:drNotifications entry "oncall" is not an email address or an https:\/\/ URL/);
                return true;
            },
        );
    });

    it("names the key, the value and the fix", () => {
        assert.throws(
            () => parseStackConfig("mall", "us-east-1", raw({ "mall:enableAutoFailover": "yes", "mall:drLogRetentionDays": "45", "mall:canaryRuntime": "syn-python-selenium-3.0" })),
            (e: Error) => {
                assert.match(e.message, /mall:enableAutoFailover "yes" must be true or false \(default true\)/);
                assert.match(e.message, /mall:drLogRetentionDays 45 is not a CloudWatch Logs retention; use one of 1, 3, 5/);
                assert.match(e.message, /mall:canaryRuntime "syn-python-selenium-3.0" is not a Node.js Synthetics runtime/);
                return true;
            },
        );
    });
});

describe("both stacks with DR and observability", () => {
    let result: PlanResult;
    before(async () => {
        result = await productionPlan();
        assert.strictEqual(result.failure, undefined, result.failure?.error.message);
    });
    const count = (stack: string, type: string) => result.stacks.find((s) => s.stack === stack)!.resources.filter((r) => r.type === type).length;

    it("plans the DR pieces in each region: the ElastiCache function everywhere, the decision and the Region switch plan in the secondary, lag alarms", () => {
        for (const stack of REGISTRY.regions) {
            // Its own readiness, plus every region it probes: the primary all secondaries, a secondary the primary and every earlier successor.
            const peers = stack === REGISTRY.primary ? REGISTRY.secondaries.length : 1 + REGISTRY.failoverOrder.indexOf(stack);
            assert.strictEqual(count(stack, "aws:synthetics/canary:Canary"), 1 + peers, stack);
            assert.strictEqual(count(stack, "aws:sns/topic:Topic"), 1, stack);
            assert.strictEqual(count(stack, "aws:cloudwatch/dashboard:Dashboard"), 1, stack);
            assert.strictEqual(count(stack, "aws:xray/samplingRule:SamplingRule"), 2, stack);
        }
        assert.strictEqual(count("us-east-1", "aws:cloudwatch/compositeAlarm:CompositeAlarm"), 0);
        assert.strictEqual(count("us-west-2", "aws:cloudwatch/compositeAlarm:CompositeAlarm"), 1);
        // The database-failover drill runs where the writers are: the primary.
        assert.strictEqual(count("us-east-1", "aws:fis/experimentTemplate:ExperimentTemplate"), 5);
        assert.strictEqual(count("us-west-2", "aws:fis/experimentTemplate:ExperimentTemplate"), 4);
        // Each region's failover function, beside the identities bootstrap (components/identities)
        // and, in the primary alone, credential rotation (components/security/rotation.ts).
        for (const r of ["us-east-1", "us-west-2"]) {
            assert.deepStrictEqual(
                result.stacks.find((s) => s.stack === r)!.resources.filter((x) => x.type === "aws:lambda/function:Function").map((x) => x.name).sort(),
                ["audit-exporter", "dr-elasticache", "identities-function", ...(r === REGISTRY.primary ? ["rotation-function"] : [])],
            );
        }
        assert.strictEqual(count("us-east-1", "aws:arcregionswitch/plan:Plan"), 0);
        assert.strictEqual(count("us-west-2", "aws:arcregionswitch/plan:Plan"), 1);
        const west = result.stacks.find((s) => s.stack === "us-west-2")!;
        const lagMetrics = west.resources
            .filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm")
            .map((r) => String(r.inputs.metricName))
            .filter((m) => /Lag|Latency/.test(m));
        assert.deepStrictEqual([...new Set(lagMetrics)].sort(), ["AuroraGlobalDBReplicationLag", "GlobalClusterReplicationLag", "GlobalDatastoreReplicationLag", "ReplicationLatency"]);
        // No alarm on Route 53 health checks: their metrics live only in us-east-1, and an app outage fails them too.
        assert.ok(!result.stacks.some((st) => st.resources.some((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && r.inputs.metricName === "HealthCheckStatus")));
        // S3 and DynamoDB report lag in the sending region, MSK in the replicator's (target) region:
        // those alarms live there and notify that region's DR topic.
        const east = result.stacks.find((s) => s.stack === "us-east-1")!;
        const remote = west.resources.filter((r) => /^observability-lag-(s3|dynamodb|msk)-/.test(r.name));
        const where = remote.map((a) => {
            const dims = a.inputs.dimensions as Record<string, string>;
            const region = a.inputs.region ?? "us-west-2";
            assert.deepStrictEqual(a.inputs.alarmActions, [region === "us-east-1" ? east.outputs.drTopicArn : west.outputs.drTopicArn], a.name);
            return [a.name, String(region), dims.SourceBucket ?? dims.ReplicatorName ?? dims.TableName];
        }).sort((a, b) => a[0].localeCompare(b[0]));
        // The exact set for the shipped pair (a larger registry adds the mesh's pairs; the invariant above holds for any).
        if (REGISTRY.regions.length === 2) assert.deepStrictEqual(where, [
            ["observability-lag-dynamodb-0", "us-east-1", "mall-idempotency"],
            ["observability-lag-msk-0", "us-west-2", "mall-us-west-2-msk-from-us-east-1"],
            ["observability-lag-msk-to-us-east-1", "us-east-1", "mall-us-east-1-msk-from-us-west-2"],
            ["observability-lag-s3-0", "us-east-1", "mall-us-east-1-static-assets-123456789012"],
            ["observability-lag-s3-1", "us-east-1", "mall-us-east-1-traces-123456789012"],
            ["observability-lag-s3-2", "us-west-2", "mall-us-west-2-static-assets-123456789012"],
            ["observability-lag-s3-3", "us-west-2", "mall-us-west-2-traces-123456789012"],
        ]);
    });

    it("stops the primary's evacuation drill on its canary of the secondary", () => {
        const east = result.stacks.find((s) => s.stack === "us-east-1")!;
        const evac = east.resources.find((r) => r.name === "chaos-region-evacuation")!;
        const peerAlarms = REGISTRY.secondaries.map((s) => east.resources.find((r) => r.name === `dr-canary-${s}-alarm`)!.urn);
        assert.deepStrictEqual(evac.propertyDependencies.stopConditions, peerAlarms);
    });

    it("puts the DR scorecard into the plan summary", () => {
        const md = renderMarkdown(result);
        assert.match(md, /<summary>DR scorecard: failover into us-west-2<\/summary>/);
        assert.match(md, /\| traffic routing \| Route 53 health checks \+ DNS failover \| 1 min 30 s \(health check 30 s \+ TTL 1 min\) \| 0 \| 1-2 min \| 0 \|/);
        // Store RTOs are the drill simulator's: losing us-east-1 promotes into us-west-2 (tools/drills).
        assert.match(md, /\| DocumentDB \| GlobalCluster with a member in us-west-2 \| 4 min automated \(detect 3 min \+ promote 1 min\) \| ≤ 2 s \(oplog async\) \| 5-15 min \(manual\) \| < 1 min \|/);
        assert.match(md, /\| Aurora PostgreSQL \| GlobalCluster with a member in us-west-2 \| ≥ 5 min automated \(detect 3 min \+ promote ≥ 2 min\) \|/);
        assert.match(md, /Store RTOs: simulated loss of us-east-1 \(tools\/drills, npm run drill\): promoted into us-west-2; traffic moves in 1 min 30 s\./);
        assert.match(md, /\| MSK \| MSK Replicator \| = traffic routing \(consumers already run in each region\) \| ~5 s \(async\) \| n\/a \| total loss \(no replicator\) \|/);
        assert.match(md, /Planned decision path: canary 2 min \(Route 53 health checks move traffic; no alarm on them promotes\)\./);
    });
});

describe("the DR scorecard follows the stacks' config", function () {
    this.timeout(300_000);

    it("the standard health check (mall:healthCheckInterval 30) lengthens the planned traffic RTO past the 90 s target", async () => {
        const standard = await plan({ skipPolicy: true, environment: "production", overrides: Object.fromEntries(REGISTRY.regions.map((r) => [r, { "mall:healthCheckInterval": "30" }])) });
        assert.strictEqual(standard.failure, undefined, standard.failure?.error.message);
        const checks = standard.stacks.flatMap((s) => s.resources.filter((r) => r.type === "aws:route53/healthCheck:HealthCheck"));
        assert.deepStrictEqual(checks.map((c) => c.inputs.requestInterval), REGISTRY.regions.map(() => 30));
        // 30 s × 3 failures + 60 s alias TTL, against 10 s × 3 + 60 s with the production default.
        assert.match(renderMarkdown(standard), /\| traffic routing \| Route 53 health checks \+ DNS failover \| 2 min 30 s \(health check 1 min 30 s \+ TTL 1 min\) \|/);
    });
});
