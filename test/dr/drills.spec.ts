/**
 * DESIGN §4 test 7, DR behaviour: the drill simulator over the shipped stacks and over a
 * three-Region registry. Each scenario's outcome today is asserted exactly; the target outcomes
 * today's automation misses are pending, with what is wrong in their titles, so CI stays green and
 * the gap stays visible. A guard fails when the set of missed targets changes, so a fix un-pends
 * its test.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { PlannedResource } from "../../tools/plan/contract";
import { DRILLS_FILE, PlanResult, StackResult, drillStacks, plan, writePlanFiles } from "../../tools/plan/plan";
import { DrillStack, buildModel, parseAlarmRule, evaluateRule, matchesPattern } from "../../tools/drills/model";
import { LAMBDA_ASYNC_RETRY_DELAYS, PROMOTION_SECONDS } from "../../tools/drills/promotion";
import { drillRows } from "../../tools/drills/render";
import { healthCheckersList, managedPrefixListId } from "../../tools/plan/mock-ids";
import { flowReachability, planReachability } from "../../tools/drills/reachability";
import { checkFlows } from "../../tools/reachability/check";
import { DrillOutcome, DrillsReport, NORMAL, recordsIn, runDrills } from "../../tools/drills/simulate";

const ROOT = path.resolve(__dirname, "../..");
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
        result = await plan({ dir: ROOT, skipPolicy: true });
        assert.strictEqual(result.failure, undefined, result.failure?.error.message);
        report = runDrills(drillStacks(result.stacks), { regions: result.regions });
    });

    it("plays the five scenarios over us-east-1 and us-west-2", () => {
        assert.deepStrictEqual(report.regions, ["us-east-1", "us-west-2"]);
        assert.deepStrictEqual(report.scenarios.map((o) => o.id), ["primary-app-outage", "primary-region-loss", "inter-region-partition", "evacuation-drill-primary", "secondary-region-loss"]);
    });

    it("asks the shared reachability model about each probe: its answer is the flow table's canary and health-checker rows", () => {
        const stacks = drillStacks(result.stacks);
        const m = buildModel(stacks);
        const rows = checkFlows(stacks).filter((r) => r.row.to.kind === "group" && r.row.to.role === "origin" && (r.row.from.kind === "canary" || (r.row.from.kind === "symbolic" && r.row.from.name === "route53-healthcheckers")));
        assert.strictEqual(rows.length, 6);
        const reach = flowReachability(stacks, m, () => assert.fail("every probe of the shipped stacks has a row"));
        for (const r of rows) {
            const to = r.row.to as { region: string };
            const lb = m.loadBalancers.find((l) => l.region === to.region)!;
            const probe = r.row.from.kind === "canary" ? { kind: "canary" as const, fromRegion: r.row.from.region, target: lb.dnsNames[0] } : { kind: "health-check" as const, fromRegion: "us-east-1", target: lb.dnsNames[0] };
            assert.strictEqual(reach(probe), r.admitted, r.row.id);
        }
    });

    it("derives why the canary path is dead: no NLB security group admits a canary, so every canary alarm sits in ALARM (the shared model and the fallback agree)", () => {
        const stacks = drillStacks(result.stacks);
        const m = buildModel(stacks);
        // The default runDrills uses for planned stacks, with no fallback to hide behind; then the fallback alone.
        for (const reach of [flowReachability(stacks, m, () => assert.fail("every probe of the shipped stacks has a row")), planReachability(m)]) {
            for (const lb of m.loadBalancers) {
                for (const from of ["us-east-1", "us-west-2"]) assert.strictEqual(reach({ kind: "canary", fromRegion: from, target: lb.dnsNames[0] }), false, `${from} → ${lb.urn}`);
                assert.strictEqual(reach({ kind: "health-check", fromRegion: "us-east-1", target: lb.dnsNames[0] }), true, lb.urn);
            }
        }
        const before = outcome(report, "secondary-region-loss").timeline.filter((t) => /already ALARM before the failure/.test(t.event)).map((t) => t.event);
        assert.deepStrictEqual(before, ["mall-us-east-1-canary-us-east-1 (us-east-1) is already ALARM before the failure", "mall-us-east-1-canary-us-west-2 (us-east-1) is already ALARM before the failure"]);
    });

    it("primary-app-outage today: traffic leaves in 90 s (the fast health check or target health, 10 s × 3, + TTL), and the forwarded Route 53 alarm promotes every store into us-west-2 with AllowDataLoss (RTO ≥ 210 s)", () => {
        const o = outcome(report, "primary-app-outage");
        assert.deepStrictEqual(summary(o), { promoted: ["us-west-2"], trafficTo: ["us-west-2"], rtoSeconds: 210, trafficSeconds: 90, dataLoss: true, notified: ["us-west-2"], unrecovered: [], splitBrain: [] });
        assert.deepStrictEqual([o.rtoLowerBound, o.raced, o.unknown], [true, [], false]);
        assert.deepStrictEqual(o.writable, { "us-west-2": writable() });
        const trigger = "mall-us-west-2-primary-health-check-0 → mall-us-west-2-forward-health-alarms → mall-us-west-2-failover";
        assert.deepStrictEqual(
            o.promotions.map((p) => [p.store, p.startedAtSeconds, p.completedAtSeconds, p.allowDataLoss, p.trigger]).sort(),
            [
                ["aurora", 90, 210, true, trigger],
                ["docdb", 90, 150, true, trigger],
                ["elasticache", 90, 210, true, trigger],
            ],
        );
        assert.deepStrictEqual(drillRows(report)[1].slice(0, 5), ["primary-app-outage", "us-west-2", "us-west-2", "≥3 min 30 s", "1 min 30 s"]);
    });

    it("primary-region-loss today: traffic moves to us-west-2 in 90 s (the DR target), nothing promotes (the live trigger lives in us-east-1), Aurora, DocumentDB and ElastiCache stay unwritable", () => {
        const o = outcome(report, "primary-region-loss");
        assert.deepStrictEqual(summary(o), { promoted: [], trafficTo: ["us-west-2"], rtoSeconds: null, trafficSeconds: 90, dataLoss: false, notified: [], unrecovered: ["aurora", "docdb", "elasticache"], splitBrain: [] });
        assert.deepStrictEqual(o.writable, { "us-west-2": writable("aurora", "docdb", "elasticache") });
    });

    it("inter-region-partition today: no promotion, traffic stays on both, us-west-2 loses Aurora write forwarding", () => {
        const o = outcome(report, "inter-region-partition");
        assert.deepStrictEqual(summary(o), { promoted: [], trafficTo: ["us-east-1", "us-west-2"], rtoSeconds: 0, trafficSeconds: 0, dataLoss: false, notified: [], unrecovered: [], splitBrain: [] });
        assert.deepStrictEqual(o.writable, { "us-east-1": writable(), "us-west-2": writable("aurora", "docdb", "elasticache") });
    });

    it("evacuation-drill-primary: traffic moves after one TTL, no promotion; us-west-2 writes Aurora through forwarding, DocumentDB and ElastiCache across the Transit Gateway", () => {
        const o = outcome(report, "evacuation-drill-primary");
        assert.deepStrictEqual(summary(o), { promoted: [], trafficTo: ["us-west-2"], rtoSeconds: 60, trafficSeconds: 60, dataLoss: false, notified: [], unrecovered: [], splitBrain: [] });
        assert.deepStrictEqual(o.writable, { "us-west-2": writable() });
        assert.deepStrictEqual(o.wrong, []);
    });

    it("without the flow table's cross-Region write rows the simulator says so: us-west-2 then cannot write DocumentDB or ElastiCache", () => {
        const o = outcome(runDrills(drillStacks(result.stacks), { regions: result.regions, writePaths: () => false }), "evacuation-drill-primary");
        assert.deepStrictEqual(o.wrong, ["us-west-2 serves but cannot write docdb, elasticache"]);
    });

    it("secondary-region-loss today: no promotion, traffic stays on us-east-1", () => {
        const o = outcome(report, "secondary-region-loss");
        assert.deepStrictEqual(summary(o), { promoted: [], trafficTo: ["us-east-1"], rtoSeconds: 90, trafficSeconds: 90, dataLoss: false, notified: [], unrecovered: [], splitBrain: [] });
    });

    // ---- Target outcomes. Met today:
    for (const id of ["inter-region-partition", "secondary-region-loss", "evacuation-drill-primary"]) {
        it(`target met: ${id}`, () => assert.deepStrictEqual(outcome(report, id).wrong, []));
    }
    // Missed today (the next DR issue's job):
    it.skip("target: primary-app-outage moves traffic without promoting — today the Route 53 health-check alarm (us-east-1, forwarded to us-west-2) is the only live trigger, so an app outage promotes Aurora, DocumentDB and ElastiCache with AllowDataLoss", () => {
        assert.deepStrictEqual(outcome(report, "primary-app-outage").wrong, []);
    });
    it.skip("target: primary-region-loss promotes exactly us-west-2 — today nothing promotes: the only live trigger (HealthCheckStatus alarm + forwarding rule) lives in the lost us-east-1, and the canary composite never fires because no NLB security group admits the canaries", () => {
        assert.deepStrictEqual(outcome(report, "primary-region-loss").wrong, []);
    });


    it("guard: exactly the pending targets are missed (un-pend a test when its fix lands)", () => {
        assert.deepStrictEqual(
            report.scenarios.filter((o) => o.wrong.length > 0).map((o) => o.id),
            ["primary-app-outage", "primary-region-loss"],
        );
    });

    it("the RTO follows the planned health-check alarm's period, exactly", () => {
        const slower = runDrills(edit(result.stacks, "us-west-2", "dr-health-check-0-alarm", (i) => ({ ...i, period: 120 })));
        // 30 s health check + 120 s alarm period, then 120 s (Aurora, ElastiCache) promotion.
        assert.strictEqual(outcome(slower, "primary-app-outage").rtoSeconds, 210 + 60);
        assert.strictEqual(outcome(slower, "primary-app-outage").promotions[0].startedAtSeconds, 90 + 60);
    });

    it("the RTO follows the planned health-check interval, exactly", () => {
        const slower = runDrills(edit(result.stacks, "us-east-1", "ingress-health", (i) => ({ ...i, requestInterval: 30 })));
        const o = outcome(slower, "primary-app-outage");
        // (30 − 10) s × failureThreshold 3 = +60 s on detection and on the promotions; traffic
        // still follows the 30 s target health.
        assert.deepStrictEqual([o.trafficSeconds, o.rtoSeconds], [90, 210 + 60]);
        assert.strictEqual(outcome(slower, "primary-region-loss").trafficSeconds, 90 + 60);
    });

    it("traffic moves at the earlier of the Route 53 check and the NLB target health (Evaluate Target Health), plus the TTL, exactly", () => {
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

    it("a stack set that plans an ARC Region switch plan gets no simulated verdict: every scenario says it is not simulated", () => {
        const stacks = drillStacks(result.stacks);
        const plan = res("aws:arcregionswitch/plan:Plan", "dr-switch", { name: "mall-switch", region: "us-west-2" }, {}, "us-west-2");
        const withPlan = runDrills(stacks.map((s) => (s.region === "us-west-2" ? { ...s, resources: [...s.resources, plan] } : s)), { regions: result.regions });
        const reason = "not simulated: Region switch plan mall-switch (us-west-2) is planned and its triggers and steps are not interpreted";
        for (const o of withPlan.scenarios) assert.deepStrictEqual([o.id, o.unknown, o.unknownReason, o.wrong], [o.id, true, reason, [reason]]);
        assert.deepStrictEqual(drillRows(withPlan).slice(1).map((r) => r[r.length - 1]), Array(5).fill("not simulated: Region switch plan"));
        assert.deepStrictEqual(report.scenarios.map((o) => o.unknown), Array(5).fill(false));
    });

    it("with probes admitted (edge-dr finding 2 fixed), the canary composite promotes into us-west-2 on a region loss — and a partition then splits the brain", () => {
        const fixed = runDrills(drillStacks(result.stacks), { reachability: () => true });
        const loss = outcome(fixed, "primary-region-loss");
        // Canary every 60 s, alarm 2 × 60 s, then 120 s promotion (Aurora, ElastiCache).
        assert.deepStrictEqual([loss.promoted, loss.rtoSeconds, loss.rtoLowerBound, loss.wrong], [["us-west-2"], 300, true, []]);
        assert.ok(loss.promotions.every((p) => p.trigger.startsWith("mall-us-west-2-primary-us-east-1-down")));
        const partition = outcome(fixed, "inter-region-partition");
        assert.deepStrictEqual(partition.splitBrain, ["aurora", "docdb", "elasticache"]);
    });

    it("the derived evacuation publishes what planning mall:evacuate for real publishes", async () => {
        const evacuated = await plan({ dir: ROOT, skipPolicy: true, overrides: { "us-east-1": { "mall:evacuate": "true" } } });
        assert.strictEqual(evacuated.failure, undefined, evacuated.failure?.error.message);
        const shape = (recs: ReturnType<typeof recordsIn>) => recs.map((r) => [r.name, r.latencyRegion ?? "", r.aliases.map((a) => a.name).join(",")].join(" ")).sort();
        const derived = recordsIn(buildModel(drillStacks(result.stacks)), { ...NORMAL, evacuated: ["us-east-1"] });
        assert.deepStrictEqual(shape(derived), shape(buildModel(drillStacks(evacuated.stacks)).records));
        const real = runDrills(drillStacks(evacuated.stacks));
        // Already evacuated, the primary-loss drill sends traffic nowhere new and promotes nothing either.
        assert.deepStrictEqual(outcome(real, "primary-region-loss").trafficTo, ["us-west-2"]);
    });

    it("writePlanFiles writes drills.json for a complete stack set and removes it otherwise", () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "mall-drills-"));
        try {
            writePlanFiles(out, result);
            const written = JSON.parse(fs.readFileSync(path.join(out, DRILLS_FILE), "utf8")) as DrillsReport;
            assert.deepStrictEqual(written.scenarios.map((o) => [o.id, o.promoted, o.rtoSeconds]), report.scenarios.map((o) => [o.id, o.promoted, o.rtoSeconds]));
            writePlanFiles(out, { ...result, stacks: result.stacks.slice(0, 1), complete: false });
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
        const result = await plan({ dir, skipPolicy: true });
        assert.strictEqual(result.failure, undefined, result.failure?.error.message);
        assert.strictEqual(result.complete, true);
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

    it("primary-app-outage today: only us-west-2, the first successor, acts on the primary's health check; ap-northeast-2 promotes nothing (no race)", () => {
        const o = outcome(report, "primary-app-outage");
        assert.deepStrictEqual(summary(o), { promoted: ["us-west-2"], trafficTo: ["us-west-2", "ap-northeast-2"], rtoSeconds: 210, trafficSeconds: 90, dataLoss: true, notified: ["us-west-2"], unrecovered: [], splitBrain: [] });
        assert.deepStrictEqual(o.raced, []);
        assert.ok(!o.timeline.some((t) => t.event.startsWith("mall-ap-northeast-2-failover")), "ap-northeast-2's functions never run");
    });

    it("primary-region-loss today: nothing promotes; traffic goes to both secondaries", () => {
        const o = outcome(report, "primary-region-loss");
        assert.deepStrictEqual([o.promoted, o.trafficTo, o.rtoSeconds, o.unrecovered], [[], ["us-west-2", "ap-northeast-2"], null, ["aurora", "docdb", "elasticache"]]);
    });

    it("with probes admitted, a region loss promotes exactly us-west-2: ap-northeast-2 takes over only when us-west-2 is down too (its composite says so)", () => {
        const o = outcome(runDrills(stacks, { regions, reachability: () => true }), "primary-region-loss");
        assert.deepStrictEqual([o.promoted, o.raced, o.wrong], [["us-west-2"], [], []]);
        const rule = planned.stacks.find((s) => s.stack === "ap-northeast-2")!.resources.find((r) => r.name === "dr-primary-down")!.inputs.alarmRule;
        assert.strictEqual(rule, 'ALARM("mall-ap-northeast-2-canary-us-east-1") AND OK("mall-ap-northeast-2-canary-ap-northeast-2") AND ALARM("mall-ap-northeast-2-canary-us-west-2")');
    });

    // Without the failover order's clause, both secondaries would promote: the simulator's race and split-brain rules.
    const unordered = (from: readonly StackResult[]) =>
        editRaw(from, "ap-northeast-2", "dr-primary-down", (i) => ({ ...i, alarmRule: 'ALARM("mall-ap-northeast-2-canary-us-east-1") AND OK("mall-ap-northeast-2-canary-ap-northeast-2")' }));

    it("without the failover order (both composites on the primary alone), a region loss makes both secondaries race; one failover runs per store, the loser is refused", () => {
        const o = outcome(runDrills(drillStacks(unordered(planned.stacks)), { regions, reachability: () => true }), "primary-region-loss");
        assert.deepStrictEqual([o.promoted, o.raced, o.wrong], [["us-west-2"], ["aurora", "docdb", "elasticache"], ["several Regions race to promote aurora, docdb, elasticache: which one wins is arbitrary"]]);
        assert.ok(o.timeline.some((t) => /^mall-ap-northeast-2-failover-aurora: failover aurora → ap-northeast-2 refused \(invalid state\): us-west-2's failover of the same store started first/.test(t.event)), JSON.stringify(o.timeline));
    });

    it("… and with MAX_ATTEMPTS 1 the refused loser fails, Lambda runs the event again a minute later and, the DocumentDB failover being over, promotes again: the writer flips (split brain)", () => {
        const fn = planned.stacks.find((s) => s.stack === "ap-northeast-2")!.resources.find((r) => r.type === "aws:lambda/function:Function" && (r.inputs.environment as { variables: Record<string, string> }).variables.FAILOVER_STORE === "docdb")!;
        const once = editRaw(unordered(planned.stacks), "ap-northeast-2", fn.name, (i) => ({ ...i, environment: { variables: { ...(i.environment as { variables: object }).variables, MAX_ATTEMPTS: "1" } } }));
        const o = outcome(runDrills(drillStacks(once), { regions, reachability: () => true }), "primary-region-loss");
        const docdb = o.promotions.filter((p) => p.store === "docdb").map((p) => [p.region, p.startedAtSeconds, p.completedAtSeconds]);
        assert.deepStrictEqual(docdb.map((d) => d[0]), ["us-west-2", "ap-northeast-2"]);
        assert.strictEqual(Number(docdb[1][1]) - Number(docdb[0][1]), 60, "the retry comes a minute later");
        assert.deepStrictEqual([o.promoted, o.splitBrain], [["us-west-2", "ap-northeast-2"], ["docdb"]]);
        // The planned maximumRetryAttempts decides whether the retry comes at all.
        const noRetry = outcome(runDrills(drillStacks(editRaw(once, "ap-northeast-2", `${fn.name}-async`, (i) => ({ ...i, maximumRetryAttempts: 0 }))), { regions, reachability: () => true }), "primary-region-loss");
        assert.deepStrictEqual([noRetry.promoted, noRetry.splitBrain], [["us-west-2"], []]);
    });

    it("secondary-region-loss (us-west-2) today: no promotion, traffic on the primary and ap-northeast-2", () => {
        const o = outcome(report, "secondary-region-loss");
        assert.deepStrictEqual([o.promoted, o.trafficTo, o.wrong], [[], ["us-east-1", "ap-northeast-2"], []]);
    });

    it.skip("target: primary-app-outage promotes nothing — today us-west-2, the first successor, promotes every store on the primary's Route 53 health check (forwarded from us-east-1), which an application outage fails too", () => {
        assert.deepStrictEqual(outcome(report, "primary-app-outage").wrong, []);
    });
    it.skip("target: primary-region-loss promotes exactly us-west-2 (first in the failover order) — today nothing promotes: the health-check path lives in the lost us-east-1 and no canary reaches the primary's origin (with probes admitted it holds, see above)", () => {
        assert.deepStrictEqual(outcome(report, "primary-region-loss").wrong, []);
    });
    it("target met: evacuation-drill-primary — both secondaries serve and write every store: DocumentDB and ElastiCache on the primary across the mesh, ap-northeast-2 DSQL through the primary's endpoint", () => {
        const o = outcome(report, "evacuation-drill-primary");
        assert.deepStrictEqual([o.promoted, o.trafficTo, o.wrong], [[], ["us-west-2", "ap-northeast-2"], []]);
        assert.ok(Object.values(o.writable).every((stores) => Object.values(stores).every((v) => v)), JSON.stringify(o.writable));
    });

    it("guard: exactly the pending targets are missed", () => {
        assert.deepStrictEqual(report.scenarios.filter((o) => o.wrong.length > 0).map((o) => o.id), ["primary-app-outage", "primary-region-loss"]);
    });
});
