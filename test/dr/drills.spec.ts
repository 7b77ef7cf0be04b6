/**
 * DESIGN §4 test 7, DR behaviour: the drill simulator over the shipped stacks and over a
 * three-Region registry. Each scenario's outcome is asserted exactly, every target is met, and a
 * guard fails when any scenario misses its target. The edits show which planned value each
 * outcome follows, and what breaks when a guard of the design is removed.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { PlannedResource } from "../../tools/plan/contract";
import { DRILLS_FILE, PlanResult, StackResult, drillStacks, environmentPlan, plan, writePlanFiles } from "../../tools/plan/plan";
import { DrillStack, buildModel, parseAlarmRule, evaluateRule, matchesPattern } from "../../tools/drills/model";
import { LAMBDA_ASYNC_RETRY_DELAYS, PROMOTION_SECONDS } from "../../tools/drills/promotion";
import { drillRows } from "../../tools/drills/render";
import { healthCheckersList, managedPrefixListId } from "../../tools/plan/mock-ids";
import { flowReachability, planReachability } from "../../tools/drills/reachability";
import { registryRegions } from "../../tools/flows-doc";
import { checkFlows } from "../../tools/reachability/check";
import { REGISTRY, productionPlan } from "../registry";
import { flowTable } from "../../components/network/flows";
import { DR_TARGETS, DrillOutcome, DrillsReport, NORMAL, promotionTriggers, recordsIn, runDrills } from "../../tools/drills/simulate";

const ROOT = path.resolve(__dirname, "../..");
const { regions: REGIONS, primary: P, secondaries: SECONDARIES, first: FIRST, failoverOrder: ORDER } = REGISTRY;
/** DSQL's linked pair: the primary and the first secondary in registry order; others write through the primary's endpoint. */
const OUTSIDE_PAIR = SECONDARIES.slice(1);
const ALL_STORES = ["aurora", "docdb", "elasticache", "dsql", "dynamodb", "msk", "s3"];
const writable = (...not: string[]) => Object.fromEntries(ALL_STORES.map((s) => [s, !not.includes(s)]));

/** The stacks with one resource's inputs changed, as StackResults (to chain edits). */
function editRaw(stacks: readonly StackResult[], stack: string, name: string, change: (inputs: Record<string, unknown>) => Record<string, unknown>): StackResult[] {
    let found = 0;
    const out = stacks.map((s) => (s.stack !== stack ? s : { ...s, resources: s.resources.map((r): PlannedResource => (r.name === name ? (found++, { ...r, inputs: change({ ...r.inputs }) }) : r)) }));
    assert.strictEqual(found, 1, `${stack}: one resource named ${name}`);
    return out;
}

/** The stacks with one resource's inputs changed (a copy: the plan itself stays as planned). */
function edit(stacks: readonly StackResult[], stack: string, name: string, change: (inputs: Record<string, unknown>) => Record<string, unknown>) {
    let found = 0;
    const out = stacks.map((s) =>
        s.stack !== stack
            ? s
            : {
                  ...s,
                  resources: s.resources.map((r): PlannedResource => (r.name === name ? (found++, { ...r, inputs: change({ ...r.inputs }) }) : r)),
              },
    );
    assert.strictEqual(found, 1, `${stack}: one resource named ${name}`);
    return drillStacks(out);
}

const outcome = (r: DrillsReport, id: string) => r.scenarios.find((o) => o.id === id)!;
/** A hand-made planned resource (tests of the interpreters). */
function res(type: string, name: string, inputs: Record<string, unknown>, deps: Record<string, string[]> = {}, stack = "us-east-1"): PlannedResource {
    return { urn: `urn:pulumi:${stack}::mall::${type}::${name}`, type, name, parent: null, provider: null, custom: true, protect: false, inputs, propertyDependencies: deps, dependencies: Object.values(deps).flat() };
}
const handStack = (region: string, resources: PlannedResource[], role = region === "us-east-1" ? "primary" : "secondary"): DrillStack => ({ stack: region, role, region, resources });

const summary = (o: DrillOutcome) => ({ promoted: o.promoted, trafficTo: o.trafficTo, rtoSeconds: o.rtoSeconds, trafficSeconds: o.trafficSeconds, dataLoss: o.dataLoss, notified: o.notified, unrecovered: o.unrecovered, splitBrain: o.splitBrain });

describe("the drill simulator's interpreters", () => {
    it("parses composite alarm rules with explicit parentheses, and refuses AND mixed with OR at one level (AWS documents no precedence), naming the alarm", () => {
        const rule = parseAlarmRule('(ALARM("a") AND OK("b")) OR NOT (ALARM(c))');
        const states = (s: Record<string, string>) => (n: string) => (s[n] ?? "OK") as "OK" | "ALARM";
        assert.strictEqual(evaluateRule(rule, states({ a: "ALARM" })), true);
        assert.strictEqual(evaluateRule(rule, states({ a: "ALARM", b: "ALARM", c: "ALARM" })), false);
        assert.strictEqual(evaluateRule(rule, states({ c: "OK" })), true);
        assert.throws(() => parseAlarmRule("ALARM(a) AND"), /ends early/);
        assert.throws(
            () => parseAlarmRule('ALARM("a") AND OK("b") OR ALARM(c)', "mall-us-west-2-primary-down"),
            (e: Error) => e.message === 'composite alarm mall-us-west-2-primary-down rule "ALARM(\\"a\\") AND OK(\\"b\\") OR ALARM(c)" mixes AND and OR without parentheses; CloudWatch does not document their precedence: parenthesise it',
        );
        const composite = res("aws:cloudwatch/compositeAlarm:CompositeAlarm", "c", { alarmName: "mall-c", alarmRule: "ALARM(a) OR ALARM(b) AND ALARM(c)" });
        assert.throws(() => buildModel([handStack("us-east-1", [composite])]), /^Error: composite alarm mall-c rule .* mixes AND and OR/);
    });

    it("resolves alarm ARNs in composite rules to alarm names", () => {
        assert.deepStrictEqual(parseAlarmRule('ALARM("arn:aws:cloudwatch:us-west-2:123456789012:alarm:mall-us-west-2-canary") AND OK(b)'), {
            kind: "and",
            left: { kind: "state", state: "ALARM", alarm: "mall-us-west-2-canary" },
            right: { kind: "state", state: "OK", alarm: "b" },
        });
    });

    it("counts only enableGlobalWriteForwarding as cross-Region write forwarding (enableLocalWriteForwarding stays within a Region)", () => {
        const stacks = (forwarding: Record<string, boolean>) => [
            handStack("us-east-1", [res("aws:rds/globalCluster:GlobalCluster", "g", { globalClusterIdentifier: "mall" }), res("aws:rds/cluster:Cluster", "c", { globalClusterIdentifier: "mall", enableLocalWriteForwarding: true })]),
            handStack("us-west-2", [res("aws:rds/cluster:Cluster", "c", { globalClusterIdentifier: "mall", region: "us-west-2", ...forwarding }, {}, "us-west-2")]),
        ];
        const forwarders = (f: Record<string, boolean>) => buildModel(stacks(f)).stores.find((s) => s.kind === "aurora")!.forwarding;
        assert.deepStrictEqual(forwarders({ enableLocalWriteForwarding: true }), []);
        assert.deepStrictEqual(forwarders({ enableGlobalWriteForwarding: true }), ["us-west-2"]);
    });

    it("planReachability (hand-made stacks) reads rules as the shared model does: 0.0.0.0/0 admits canaries, the health checkers' prefix list is known by its id", () => {
        const lb = res("aws:lb/loadBalancer:LoadBalancer", "nlb", {}, { securityGroups: ["sg-urn"] });
        const sg = { ...res("aws:ec2/securityGroup:SecurityGroup", "sg", {}), urn: "sg-urn" };
        const hc = res("aws:route53/healthCheck:HealthCheck", "hc", { fqdn: "nlb.elb.us-east-1.amazonaws.com" }, { fqdn: [lb.urn] });
        const checkers = managedPrefixListId("us-east-1", healthCheckersList("us-east-1"))!;
        const reach = (rule: Record<string, unknown>) => {
            const ingress = res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "in", { ipProtocol: "tcp", fromPort: 443, toPort: 443, ...rule }, { securityGroupId: ["sg-urn"] });
            const r = planReachability(buildModel([handStack("us-east-1", [lb, sg, hc, ingress])]));
            return [r({ kind: "canary", fromRegion: "us-east-1", target: "nlb.elb.us-east-1.amazonaws.com" }), r({ kind: "health-check", fromRegion: "us-east-1", target: "nlb.elb.us-east-1.amazonaws.com" })];
        };
        assert.deepStrictEqual(reach({ cidrIpv4: "0.0.0.0/0" }), [true, true]);
        // A public CIDR that is not the whole Internet admits neither probe: their addresses are unknown.
        assert.deepStrictEqual(reach({ cidrIpv4: "203.0.113.0/24" }), [false, false]);
        assert.deepStrictEqual(reach({ prefixListId: checkers }), [false, true]);
        // A description naming the list proves nothing; only the id does.
        assert.deepStrictEqual(reach({ prefixListId: "pl-0123456789abcdef0", description: "com.amazonaws.us-east-1.route53-healthchecks" }), [false, false]);
    });

    it("matches EventBridge patterns on alarm state changes", () => {
        const pattern = { source: ["aws.cloudwatch"], detail: { alarmName: ["x", "y"], state: { value: ["ALARM"] } } };
        assert.ok(matchesPattern(pattern, { source: "aws.cloudwatch", detail: { alarmName: "y", state: { value: "ALARM" } } }));
        assert.ok(!matchesPattern(pattern, { source: "aws.cloudwatch", detail: { alarmName: "y", state: { value: "OK" } } }));
        assert.ok(!matchesPattern(pattern, { source: "aws.cloudwatch", detail: { alarmName: "z", state: { value: "ALARM" } } }));
    });

    it("keeps promotion durations in one table, each from AWS documentation; where AWS says only \"minutes\" the figure is a lower bound", () => {
        assert.deepStrictEqual(
            Object.fromEntries(Object.entries(PROMOTION_SECONDS).map(([k, f]) => [k, [f.seconds, f.lowerBound]])),
            { aurora: [120, true], docdb: [60, false], elasticache: [120, true] },
        );
        for (const [store, f] of Object.entries(PROMOTION_SECONDS)) assert.match(f.source, /^https:\/\/docs\.aws\.amazon\.com\//, store);
        assert.deepStrictEqual(LAMBDA_ASYNC_RETRY_DELAYS.seconds, [60, 120]);
        assert.match(LAMBDA_ASYNC_RETRY_DELAYS.source, /^https:\/\/docs\.aws\.amazon\.com\/lambda\//);
    });
});

describe("DR drills over the shipped stacks", function () {
    this.timeout(300_000);
    let result: PlanResult;
    let report: DrillsReport;
    before(async () => {
        result = await productionPlan();
        assert.strictEqual(result.failure, undefined, result.failure?.error.message);
        report = runDrills(drillStacks(result.stacks), { regions: result.regions });
    });

    it("plays the five scenarios over the registry's regions", () => {
        assert.deepStrictEqual(report.regions, REGIONS);
        assert.deepStrictEqual(report.scenarios.map((o) => o.id), ["primary-app-outage", "primary-region-loss", "inter-region-partition", "evacuation-drill-primary", "secondary-region-loss"]);
    });

    it("asks the shared reachability model about each probe: its answer is the flow table's canary and health-checker rows", () => {
        const stacks = drillStacks(result.stacks);
        const m = buildModel(stacks);
        const rows = checkFlows(stacks).filter((r) => r.row.to.kind === "group" && r.row.to.role === "origin" && (r.row.from.kind === "canary" || (r.row.from.kind === "symbolic" && r.row.from.name === "route53-healthcheckers")));
        assert.strictEqual(rows.length, flowTable(registryRegions(ROOT)).filter((r) => r.from.kind === "canary").length + REGIONS.length);
        const reach = flowReachability(stacks, m, () => assert.fail("every probe of the shipped stacks has a row"));
        for (const r of rows) {
            const to = r.row.to as { region: string };
            const lb = m.loadBalancers.find((l) => l.region === to.region)!;
            const probe = r.row.from.kind === "canary" ? { kind: "canary" as const, fromRegion: r.row.from.region, target: lb.dnsNames[0] } : { kind: "health-check" as const, fromRegion: "us-east-1", target: lb.dnsNames[0] };
            assert.strictEqual(reach(probe), r.admitted, r.row.id);
        }
    });

    it("the canaries reach every Region through CloudFront: every canary alarm is OK before the failure; without the probe behaviour the shared model and the simulator both see them dead", () => {
        assert.ok(report.scenarios.every((o) => !o.timeline.some((t) => /already ALARM before the failure/.test(t.event))), "no alarm starts in ALARM");
        const cut = editRaw(result.stacks, "us-east-1", "edge-cdn", (i) => ({ ...i, orderedCacheBehaviors: (i.orderedCacheBehaviors as { pathPattern: string }[]).filter((b) => !b.pathPattern.startsWith("/probe/")) }));
        const stacks = drillStacks(cut);
        const rows = checkFlows(stacks).filter((r) => r.row.from.kind === "canary");
        assert.strictEqual(rows.length, flowTable(registryRegions(ROOT)).filter((r) => r.from.kind === "canary").length);
        for (const r of rows) {
            assert.strictEqual(r.admitted, false, r.row.id);
            assert.match(r.why.join("; "), /first behaviour matching \/probe\/[a-z0-9-]+\/(alive|ready) is \/api\/\*|the default/);
        }
        const loss = outcome(runDrills(stacks, { regions: result.regions }), "primary-region-loss");
        assert.deepStrictEqual([loss.promoted, loss.unrecovered], [[], ["aurora", "docdb", "elasticache"]]);
    });

    it("primary-app-outage: traffic leaves in 90 s (the fast health check or target health, 10 s × 3, + TTL); the primary's load balancer still answers its alive probe, so nothing is promoted", () => {
        const o = outcome(report, "primary-app-outage");
        assert.deepStrictEqual(summary(o), { promoted: [], trafficTo: SECONDARIES, rtoSeconds: 90, trafficSeconds: 90, dataLoss: false, notified: [P], unrecovered: [], splitBrain: [] });
        assert.deepStrictEqual([o.raced, o.unknown, o.wrong], [[], false, []]);
        assert.deepStrictEqual(o.writable, Object.fromEntries(SECONDARIES.map((r) => [r, writable()])));
        assert.deepStrictEqual(drillRows(report)[1].slice(0, 5), ["primary-app-outage", "none", SECONDARIES.join(", "), "1 min 30 s", "1 min 30 s"]);
    });

    it("primary-region-loss: traffic on us-west-2 in 90 s; the decision after 3 min (canary every 60 s, 2 × 60 s alarm); Region switch fails Aurora and DocumentDB over and the decision's rule detaches ElastiCache, all within 2 min", () => {
        const o = outcome(report, "primary-region-loss");
        // Every secondary sees the primary go and notifies; only the first successor promotes.
        assert.deepStrictEqual(summary(o), { promoted: [FIRST], trafficTo: SECONDARIES, rtoSeconds: 300, trafficSeconds: 90, dataLoss: true, notified: SECONDARIES, unrecovered: [], splitBrain: [] });
        // A region outside DSQL's linked pair writes it through the lost primary's endpoint.
        assert.deepStrictEqual(o.writable, Object.fromEntries(SECONDARIES.map((r) => [r, OUTSIDE_PAIR.includes(r) ? writable("dsql") : writable()])));
        const plan = `mall-${P}-${FIRST} trigger (mall-${FIRST}-primary-${P}-down red)`;
        const rule = `mall-${FIRST}-primary-${P}-down → mall-${FIRST}-failover`;
        assert.deepStrictEqual(
            o.promotions.map((p) => [p.store, p.startedAtSeconds, p.completedAtSeconds, p.allowDataLoss, p.trigger]),
            [
                ["aurora", 180, 300, true, plan],
                ["docdb", 180, 240, true, plan],
                ["elasticache", 180, 300, true, rule],
            ],
        );
        assert.deepStrictEqual([o.decidedAtSeconds, o.promotedWithinSeconds, o.rtoLowerBound], [180, 120, true]);
        assert.ok(o.trafficSeconds! <= DR_TARGETS.trafficSeconds && o.promotedWithinSeconds! <= DR_TARGETS.promotionSeconds);
        assert.ok(o.timeline.some((t) => t.event === `Region switch mall-${P}-${FIRST} elasticache: skipped (a Lambda step does not run in an ungraceful execution)`));
    });

    it("inter-region-partition: the probes take the internet path, which the partition does not cut: no promotion, traffic stays on both, us-west-2 loses its cross-Region writes", () => {
        const o = outcome(report, "inter-region-partition");
        assert.deepStrictEqual(summary(o), { promoted: [], trafficTo: REGIONS, rtoSeconds: 0, trafficSeconds: 0, dataLoss: false, notified: [], unrecovered: [], splitBrain: [] });
        assert.deepStrictEqual(o.writable, Object.fromEntries(REGIONS.map((r) => [r, r === P ? writable() : OUTSIDE_PAIR.includes(r) ? writable("aurora", "docdb", "elasticache", "dsql") : writable("aurora", "docdb", "elasticache")])));
    });

    it("evacuation-drill-primary: traffic moves after one TTL, no promotion (the probe name is never re-pointed); us-west-2 writes Aurora through forwarding, DocumentDB and ElastiCache across the Transit Gateway", () => {
        const o = outcome(report, "evacuation-drill-primary");
        assert.deepStrictEqual(summary(o), { promoted: [], trafficTo: SECONDARIES, rtoSeconds: 60, trafficSeconds: 60, dataLoss: false, notified: [], unrecovered: [], splitBrain: [] });
        assert.deepStrictEqual(o.writable, Object.fromEntries(SECONDARIES.map((r) => [r, writable()])));
    });

    it("without the flow table's cross-Region write rows the simulator says so: us-west-2 then cannot write DocumentDB or ElastiCache", () => {
        const o = outcome(runDrills(drillStacks(result.stacks), { regions: result.regions, writePaths: () => false }), "evacuation-drill-primary");
        assert.deepStrictEqual(o.wrong, SECONDARIES.map((r) => `${r} serves but cannot write docdb, elasticache${OUTSIDE_PAIR.includes(r) ? ", dsql" : ""}`));
    });

    it("secondary-region-loss: no promotion, traffic stays on us-east-1", () => {
        const o = outcome(report, "secondary-region-loss");
        // The primary and every later successor probe the first successor: they notify.
        assert.deepStrictEqual(summary(o), { promoted: [], trafficTo: REGIONS.filter((r) => r !== FIRST), rtoSeconds: 90, trafficSeconds: 90, dataLoss: false, notified: [P, ...ORDER.slice(1)].sort((a, b) => REGIONS.indexOf(a) - REGIONS.indexOf(b)), unrecovered: [], splitBrain: [] });
    });

    for (const id of ["primary-app-outage", "primary-region-loss", "inter-region-partition", "evacuation-drill-primary", "secondary-region-loss"]) {
        it(`target met: ${id}`, () => assert.deepStrictEqual(outcome(report, id).wrong, []));
    }

    it("guard: no scenario misses its target", () => {
        assert.deepStrictEqual(report.scenarios.filter((o) => o.wrong.length > 0).map((o) => [o.id, o.wrong]), []);
    });

    it("no trigger can promote a store while the primary is reachable: every automatic path waits for the primary's alive probe to fail, and a rule without it is caught", () => {
        const m = buildModel(drillStacks(result.stacks), result.regions);
        assert.deepStrictEqual(
            promotionTriggers(m).map((t) => [t.via, t.alarm, t.guarded]),
            [
                ...SECONDARIES.map((s) => [`Region switch mall-${P}-${s}`, `mall-${s}-primary-${P}-down`, true]),
                ...SECONDARIES.map((s) => [`EventBridge mall-${s}-failover → mall-${s}-failover-elasticache`, `mall-${s}-primary-${P}-down`, true]),
            ],
        );
        // Every scenario in which the primary and its stores stay up promotes nothing.
        for (const o of report.scenarios.filter((x) => x.id !== "primary-region-loss")) assert.deepStrictEqual([o.id, o.promotions], [o.id, []]);
        // The class of mistake: a decision on the successor's own health alone, or on an OR.
        for (const rule of [`OK("mall-${FIRST}-canary-${FIRST}")`, `(ALARM("mall-${FIRST}-canary-${P}") OR OK("mall-${FIRST}-canary-${FIRST}"))`]) {
            const weak = buildModel(edit(result.stacks, FIRST, "dr-primary-down", (i) => ({ ...i, alarmRule: rule })), result.regions);
            assert.deepStrictEqual(promotionTriggers(weak).map((t) => t.guarded), [...SECONDARIES, ...SECONDARIES].map((s) => s !== FIRST), rule);
        }
    });

    it("the decision follows the planned canary alarm's period, exactly", () => {
        const slower = runDrills(edit(result.stacks, "us-west-2", "dr-canary-us-east-1-alarm", (i) => ({ ...i, period: 120 })));
        // Canary 60 s, then 2 × 120 s; promotion 120 s after it.
        const o = outcome(slower, "primary-region-loss");
        assert.deepStrictEqual([o.decidedAtSeconds, o.rtoSeconds, o.wrong], [60 + 240, 60 + 240 + 120, []]);
    });

    it("traffic follows the planned health-check interval: the standard 30 s check misses the 90 s target", () => {
        const slower = runDrills(edit(result.stacks, "us-east-1", "ingress-health", (i) => ({ ...i, requestInterval: 30 })));
        const o = outcome(slower, "primary-region-loss");
        assert.strictEqual(o.trafficSeconds, 90 + 60);
        assert.deepStrictEqual(o.wrong, ["traffic moves in 150 s, over the 90 s target"]);
        // An application outage still moves on the 30 s target health.
        assert.strictEqual(outcome(slower, "primary-app-outage").trafficSeconds, 90);
    });

    it("traffic moves at the earlier of the Route 53 check and the target health (Evaluate Target Health), plus the TTL, exactly", () => {
        // Target health: interval 10 s × unhealthy threshold 3 = 30 s, tied with the fast check's 10 s × 3.
        assert.strictEqual(outcome(report, "primary-app-outage").trafficSeconds, 30 + 60);
        // With the standard 30 s check, target health moves traffic first …
        const standard = editRaw(result.stacks, "us-east-1", "ingress-health", (i) => ({ ...i, requestInterval: 30 }));
        assert.strictEqual(outcome(runDrills(drillStacks(standard)), "primary-app-outage").trafficSeconds, 30 + 60);
        // … unless the targets are slower than the check (30 s × 5 = 150 s against 90 s) or not evaluated.
        const slowTargets = runDrills(drillStacks(editRaw(standard, "us-east-1", "ingress-api-gateway", (i) => ({ ...i, healthCheck: { ...(i.healthCheck as object), interval: 30, unhealthyThreshold: 5 } }))));
        assert.strictEqual(outcome(slowTargets, "primary-app-outage").trafficSeconds, 90 + 60);
        const noEth = runDrills(drillStacks(editRaw(standard, "us-east-1", "ingress-latency-record", (i) => ({ ...i, aliases: (i.aliases as object[]).map((a) => ({ ...a, evaluateTargetHealth: false })) }))));
        assert.strictEqual(outcome(noEth, "primary-app-outage").trafficSeconds, 90 + 60);
        // A lost Region reports no target health: only the Route 53 check moves traffic (fast: 10 s × 3).
        assert.strictEqual(outcome(report, "primary-region-loss").trafficSeconds, 30 + 60);
    });

    const workflowEdit = (change: (steps: Record<string, unknown>[]) => Record<string, unknown>[]) =>
        edit(result.stacks, "us-west-2", "dr-region-switch", (i) => {
            const [w] = i.workflows as { steps: { parallelConfigs: { steps: Record<string, unknown>[] }[] }[] }[];
            return { ...i, workflows: [{ ...w, steps: [{ ...w.steps[0], parallelConfigs: [{ steps: change(w.steps[0].parallelConfigs[0].steps) }] }] }] };
        });

    it("reads the Region switch plan's steps: a database block without an ungraceful operation cannot promote a lost Region, and an approval step stops an automatic execution", () => {
        const noUngraceful = workflowEdit((steps) => steps.map((x) => (x.executionBlockType === "AuroraGlobalDatabase" ? { ...x, globalAuroraConfigs: [{ ...(x.globalAuroraConfigs as object[])[0], ungracefuls: [] }] } : x)));
        const o = outcome(runDrills(noUngraceful, { regions: result.regions }), "primary-region-loss");
        assert.deepStrictEqual(o.unrecovered, ["aurora"]);
        assert.ok(o.timeline.some((t) => t.event === "Region switch mall-us-east-1-us-west-2 aurora-0: switchoverOnly has no ungraceful operation; the step fails and the execution stops"));
        const approval = edit(result.stacks, "us-west-2", "dr-region-switch", (i) => ({
            ...i,
            workflows: (i.workflows as { steps: object[] }[]).map((w) => ({ ...w, steps: [{ name: "approve", executionBlockType: "ManualApproval" }, ...w.steps] })),
        }));
        assert.deepStrictEqual(outcome(runDrills(approval, { regions: result.regions }), "primary-region-loss").unrecovered, ["aurora", "docdb"]);
    });

    it("a Region switch step it does not interpret gets no verdict: the scenario says it is not simulated", () => {
        const unknown = workflowEdit((steps) => [...steps, { name: "scale", executionBlockType: "EKSResourceScaling" }]);
        const o = outcome(runDrills(unknown, { regions: result.regions }), "primary-region-loss");
        const reason = "not simulated: Region switch plan mall-us-east-1-us-west-2: step scale (EKSResourceScaling) is not interpreted";
        assert.deepStrictEqual([o.unknown, o.unknownReason, o.wrong], [true, reason, [reason]]);
        assert.deepStrictEqual(report.scenarios.map((x) => x.unknown), Array(5).fill(false));
    });

    it("ENABLE_AUTO_FAILOVER off: the plan has no trigger and the function ignores the alarm, so a Region loss promotes nothing by itself", async () => {
        const off = await plan({ dir: ROOT, skipPolicy: true, environment: "production", overrides: { "us-west-2": { "mall:enableAutoFailover": "false" } } });
        assert.strictEqual(off.failure, undefined, off.failure?.error.message);
        const o = outcome(runDrills(drillStacks(off.stacks), { regions: off.regions }), "primary-region-loss");
        assert.deepStrictEqual([o.promoted, o.unrecovered], [[], ["aurora", "docdb", "elasticache"]]);
        assert.ok(o.timeline.some((t) => /mall-us-west-2-failover-elasticache skips: ENABLE_AUTO_FAILOVER is false/.test(t.event)));
    });

    it("the derived evacuation publishes what planning mall:evacuate for real publishes", async () => {
        const evacuated = await plan({ dir: ROOT, skipPolicy: true, environment: "production", overrides: { "us-east-1": { "mall:evacuate": "true" } } });
        assert.strictEqual(evacuated.failure, undefined, evacuated.failure?.error.message);
        const shape = (recs: ReturnType<typeof recordsIn>) => recs.map((r) => [r.name, r.latencyRegion ?? "", r.aliases.map((a) => a.name).join(",")].join(" ")).sort();
        const derived = recordsIn(buildModel(drillStacks(result.stacks)), { ...NORMAL, evacuated: ["us-east-1"] });
        assert.deepStrictEqual(shape(derived), shape(buildModel(drillStacks(evacuated.stacks)).records));
        const real = runDrills(drillStacks(evacuated.stacks));
        // Already evacuated, the primary-loss drill sends traffic nowhere new and promotes nothing either.
        assert.deepStrictEqual(outcome(real, "primary-region-loss").trafficTo, SECONDARIES);
    });

    it("writePlanFiles writes drills.json for a complete stack set and removes it otherwise", () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "mall-drills-"));
        try {
            writePlanFiles(out, result);
            const written = JSON.parse(fs.readFileSync(path.join(out, DRILLS_FILE), "utf8")) as DrillsReport;
            assert.deepStrictEqual(written.scenarios.map((o) => [o.id, o.promoted, o.rtoSeconds]), report.scenarios.map((o) => [o.id, o.promoted, o.rtoSeconds]));
            writePlanFiles(out, { ...result, stacks: result.stacks.slice(0, 1), complete: false, environments: result.environments.map((e) => ({ ...e, stacks: e.stacks.slice(0, 1), complete: false })) });
            assert.ok(!fs.existsSync(path.join(out, DRILLS_FILE)));
        } finally {
            fs.rmSync(out, { recursive: true, force: true });
        }
    });
});

describe("DR drills over a three-Region registry", function () {
    this.timeout(300_000);
    let report: DrillsReport;
    let stacks: ReturnType<typeof drillStacks>;
    let planned: PlanResult;
    let regions: string[];
    let dir: string;
    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "mall-drills-3-"));
        for (const f of fs.readdirSync(ROOT).filter((f) => /^Pulumi\..*ya?ml$/.test(f))) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
        const project = YAML.parse(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"));
        project.config["mall:regions"].value["ap-northeast-2"] = { cidr: "10.2.0.0/16", role: "secondary" };
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), YAML.stringify(project));
        fs.writeFileSync(path.join(dir, "Pulumi.ap-northeast-2.yaml"), YAML.stringify({ config: { "aws:region": "ap-northeast-2", "mall:domain": "example.com", "mall:primaryStack": "organization/mall/us-east-1" } }));
        const result = await plan({ dir, skipPolicy: true, environment: "production" });
        assert.strictEqual(result.failure, undefined, result.failure?.error.message);
        assert.strictEqual(environmentPlan(result).complete, true);
        assert.deepStrictEqual(result.regions, ["us-east-1", "us-west-2", "ap-northeast-2"]);
        planned = result;
        stacks = drillStacks(result.stacks);
        regions = result.regions!;
        report = runDrills(stacks, { regions });
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("plays the registry's Regions, the primary first", () => {
        assert.deepStrictEqual(report.regions, ["us-east-1", "us-west-2", "ap-northeast-2"]);
    });

    it("primary-app-outage: nothing is promoted; traffic goes to both secondaries", () => {
        const o = outcome(report, "primary-app-outage");
        assert.deepStrictEqual(summary(o), { promoted: [], trafficTo: ["us-west-2", "ap-northeast-2"], rtoSeconds: 90, trafficSeconds: 90, dataLoss: false, notified: ["us-east-1"], unrecovered: [], splitBrain: [] });
    });

    it("primary-region-loss: exactly us-west-2, first in the failover order, is promoted; ap-northeast-2 takes over only when us-west-2 is unreachable too (its composite says so)", () => {
        const o = outcome(report, "primary-region-loss");
        assert.deepStrictEqual([o.promoted, o.trafficTo, o.raced, o.promotedWithinSeconds, o.wrong], [["us-west-2"], ["us-west-2", "ap-northeast-2"], [], 120, []]);
        const rule = planned.stacks.find((s) => s.stack === "ap-northeast-2")!.resources.find((r) => r.name === "dr-primary-down")!.inputs.alarmRule;
        assert.strictEqual(rule, 'ALARM("mall-ap-northeast-2-canary-us-east-1") AND OK("mall-ap-northeast-2-canary-ap-northeast-2") AND ALARM("mall-ap-northeast-2-canary-us-west-2")');
        assert.deepStrictEqual(buildModel(stacks, regions).regionSwitchPlans.map((p) => [p.name, p.regions]), [
            ["mall-us-east-1-us-west-2", ["us-east-1", "us-west-2"]],
            ["mall-us-east-1-ap-northeast-2", ["us-east-1", "ap-northeast-2"]],
        ]);
        assert.ok(promotionTriggers(buildModel(stacks, regions)).every((t) => t.guarded));
    });

    // Without the failover order's clause, both secondaries would promote: the simulator's race rules.
    const unordered = (from: readonly StackResult[]) =>
        editRaw(from, "ap-northeast-2", "dr-primary-down", (i) => ({ ...i, alarmRule: 'ALARM("mall-ap-northeast-2-canary-us-east-1") AND OK("mall-ap-northeast-2-canary-ap-northeast-2")' }));

    it("without the failover order (both composites on the primary alone), a region loss makes both secondaries race; one promotion runs per store, the loser is refused", () => {
        const o = outcome(runDrills(drillStacks(unordered(planned.stacks)), { regions }), "primary-region-loss");
        assert.deepStrictEqual([o.promoted, o.raced, o.wrong], [["us-west-2"], ["aurora", "docdb", "elasticache"], ["several Regions race to promote aurora, docdb, elasticache: which one wins is arbitrary"]]);
        assert.ok(
            o.timeline.some((t) => t.event === "Region switch mall-us-east-1-ap-northeast-2 aurora-0: FailoverGlobalCluster (AllowDataLoss) aurora → ap-northeast-2 refused (invalid state): us-west-2's failover of the same store started first"),
            JSON.stringify(o.timeline),
        );
    });

    it("… and the refused ElastiCache function, run again by Lambda a minute later, finds the promotion still running and stops: no flip", () => {
        const fn = planned.stacks.find((s) => s.stack === "ap-northeast-2")!.resources.find((r) => r.type === "aws:lambda/function:Function" && r.name === "dr-elasticache")!;
        const once = editRaw(unordered(planned.stacks), "ap-northeast-2", fn.name, (i) => ({ ...i, environment: { variables: { ...(i.environment as { variables: object }).variables, MAX_ATTEMPTS: "1" } } }));
        const o = outcome(runDrills(drillStacks(once), { regions }), "primary-region-loss");
        assert.deepStrictEqual(o.promotions.filter((p) => p.store === "elasticache").map((p) => p.region), ["us-west-2"]);
        assert.ok(o.timeline.some((t) => t.atSeconds === 240 && t.event === "mall-ap-northeast-2-failover-elasticache (Lambda retry 1): a elasticache promotion into us-west-2 is in progress"), JSON.stringify(o.timeline));
        assert.deepStrictEqual(o.splitBrain, []);
    });

    it("secondary-region-loss (us-west-2): no promotion, traffic on the primary and ap-northeast-2", () => {
        const o = outcome(report, "secondary-region-loss");
        assert.deepStrictEqual([o.promoted, o.trafficTo, o.wrong], [[], ["us-east-1", "ap-northeast-2"], []]);
    });

    for (const id of ["primary-app-outage", "primary-region-loss", "inter-region-partition", "secondary-region-loss"]) {
        it(`target met: ${id}`, () => assert.deepStrictEqual(outcome(report, id).wrong, []));
    }
    it("target met: evacuation-drill-primary — both secondaries serve and write every store: DocumentDB and ElastiCache on the primary across the mesh, ap-northeast-2 DSQL through the primary's endpoint", () => {
        const o = outcome(report, "evacuation-drill-primary");
        assert.deepStrictEqual([o.promoted, o.trafficTo, o.wrong], [[], ["us-west-2", "ap-northeast-2"], []]);
        assert.ok(Object.values(o.writable).every((stores) => Object.values(stores).every((v) => v)), JSON.stringify(o.writable));
    });

    it("guard: no scenario misses its target", () => {
        assert.deepStrictEqual(report.scenarios.filter((o) => o.wrong.length > 0).map((o) => [o.id, o.wrong]), []);
    });
});
