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
import { buildModel, parseAlarmRule, evaluateRule, matchesPattern } from "../../tools/drills/model";
import { PROMOTION_SECONDS } from "../../tools/drills/promotion";
import { flowReachability, planReachability } from "../../tools/drills/reachability";
import { checkFlows } from "../../tools/reachability/check";
import { DrillOutcome, DrillsReport, NORMAL, recordsIn, runDrills } from "../../tools/drills/simulate";

const ROOT = path.resolve(__dirname, "../..");
const ALL_STORES = ["aurora", "docdb", "elasticache", "dsql", "dynamodb", "msk", "s3"];
const writable = (...not: string[]) => Object.fromEntries(ALL_STORES.map((s) => [s, !not.includes(s)]));

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
const summary = (o: DrillOutcome) => ({ promoted: o.promoted, trafficTo: o.trafficTo, rtoSeconds: o.rtoSeconds, trafficSeconds: o.trafficSeconds, dataLoss: o.dataLoss, notified: o.notified, unrecovered: o.unrecovered, splitBrain: o.splitBrain });

describe("the drill simulator's interpreters", () => {
    it("parses composite alarm rules with CloudWatch's precedence", () => {
        const rule = parseAlarmRule('ALARM("a") AND OK("b") OR NOT (ALARM(c))');
        const states = (s: Record<string, string>) => (n: string) => (s[n] ?? "OK") as "OK" | "ALARM";
        assert.strictEqual(evaluateRule(rule, states({ a: "ALARM" })), true);
        assert.strictEqual(evaluateRule(rule, states({ a: "ALARM", b: "ALARM", c: "ALARM" })), false);
        assert.strictEqual(evaluateRule(rule, states({ c: "OK" })), true);
        assert.throws(() => parseAlarmRule("ALARM(a) AND"), /ends early/);
    });

    it("matches EventBridge patterns on alarm state changes", () => {
        const pattern = { source: ["aws.cloudwatch"], detail: { alarmName: ["x", "y"], state: { value: ["ALARM"] } } };
        assert.ok(matchesPattern(pattern, { source: "aws.cloudwatch", detail: { alarmName: "y", state: { value: "ALARM" } } }));
        assert.ok(!matchesPattern(pattern, { source: "aws.cloudwatch", detail: { alarmName: "y", state: { value: "OK" } } }));
        assert.ok(!matchesPattern(pattern, { source: "aws.cloudwatch", detail: { alarmName: "z", state: { value: "ALARM" } } }));
    });

    it("keeps promotion durations in one table, each with an AWS source", () => {
        for (const [store, f] of Object.entries(PROMOTION_SECONDS)) {
            assert.ok(f.seconds > 0, store);
            assert.match(f.source, /^https:\/\/(docs\.aws\.amazon\.com|disaster-recovery\.workshop\.aws)\//, store);
        }
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

    it("derives why the canary path is dead: no NLB security group admits a canary, so every canary alarm sits in ALARM", () => {
        const m = buildModel(drillStacks(result.stacks));
        const reach = planReachability(m);
        for (const lb of m.loadBalancers) {
            assert.strictEqual(reach({ kind: "canary", fromRegion: "us-west-2", target: lb.dnsNames[0] }), false, lb.urn);
            assert.strictEqual(reach({ kind: "health-check", fromRegion: "us-east-1", target: lb.dnsNames[0] }), true, lb.urn);
        }
        const before = outcome(report, "secondary-region-loss").timeline.filter((t) => /already ALARM before the failure/.test(t.event)).map((t) => t.event);
        assert.deepStrictEqual(before, ["mall-us-east-1-canary-us-east-1 (us-east-1) is already ALARM before the failure", "mall-us-east-1-canary-us-west-2 (us-east-1) is already ALARM before the failure"]);
    });

    it("primary-app-outage today: traffic leaves in 150 s, and the forwarded Route 53 alarm promotes every store into us-west-2 with AllowDataLoss", () => {
        const o = outcome(report, "primary-app-outage");
        assert.deepStrictEqual(summary(o), { promoted: ["us-west-2"], trafficTo: ["us-west-2"], rtoSeconds: 210, trafficSeconds: 150, dataLoss: true, notified: ["us-west-2"], unrecovered: [], splitBrain: [] });
        assert.deepStrictEqual(o.writable, { "us-west-2": writable() });
        assert.deepStrictEqual(
            o.promotions.map((p) => [p.store, p.startedAtSeconds, p.completedAtSeconds, p.allowDataLoss, p.trigger]).sort(),
            ["aurora", "docdb", "elasticache"].map((s) => [s, 150, 210, true, "mall-us-west-2-primary-health-check-0 → mall-us-west-2-forward-health-alarms → mall-us-west-2-failover"]),
        );
    });

    it("primary-region-loss today: traffic moves to us-west-2 in 150 s, nothing promotes (the live trigger lives in us-east-1), Aurora, DocumentDB and ElastiCache stay unwritable", () => {
        const o = outcome(report, "primary-region-loss");
        assert.deepStrictEqual(summary(o), { promoted: [], trafficTo: ["us-west-2"], rtoSeconds: null, trafficSeconds: 150, dataLoss: false, notified: [], unrecovered: ["aurora", "docdb", "elasticache"], splitBrain: [] });
        assert.deepStrictEqual(o.writable, { "us-west-2": writable("aurora", "docdb", "elasticache") });
    });

    it("inter-region-partition today: no promotion, traffic stays on both, us-west-2 loses Aurora write forwarding", () => {
        const o = outcome(report, "inter-region-partition");
        assert.deepStrictEqual(summary(o), { promoted: [], trafficTo: ["us-east-1", "us-west-2"], rtoSeconds: 0, trafficSeconds: 0, dataLoss: false, notified: [], unrecovered: [], splitBrain: [] });
        assert.deepStrictEqual(o.writable, { "us-east-1": writable(), "us-west-2": writable("aurora", "docdb", "elasticache") });
    });

    it("evacuation-drill-primary today: traffic moves after one TTL, no promotion; us-west-2 writes Aurora through forwarding", () => {
        const o = outcome(report, "evacuation-drill-primary");
        assert.deepStrictEqual(summary(o), { promoted: [], trafficTo: ["us-west-2"], rtoSeconds: 60, trafficSeconds: 60, dataLoss: false, notified: [], unrecovered: [], splitBrain: [] });
        assert.deepStrictEqual(o.writable, { "us-west-2": writable("docdb", "elasticache") });
    });

    it("secondary-region-loss today: no promotion, traffic stays on us-east-1", () => {
        const o = outcome(report, "secondary-region-loss");
        assert.deepStrictEqual(summary(o), { promoted: [], trafficTo: ["us-east-1"], rtoSeconds: 150, trafficSeconds: 150, dataLoss: false, notified: [], unrecovered: [], splitBrain: [] });
    });

    // ---- Target outcomes. Met today:
    for (const id of ["inter-region-partition", "evacuation-drill-primary", "secondary-region-loss"]) {
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
        // 90 s health check + 120 s alarm period, then 60 s promotion.
        assert.strictEqual(outcome(slower, "primary-app-outage").rtoSeconds, 210 + 60);
        assert.strictEqual(outcome(slower, "primary-app-outage").promotions[0].startedAtSeconds, 150 + 60);
    });

    it("the RTO follows the planned health-check interval, exactly", () => {
        const faster = runDrills(edit(result.stacks, "us-east-1", "ingress-health", (i) => ({ ...i, requestInterval: 10 })));
        const o = outcome(faster, "primary-app-outage");
        // (10 − 30) s × failureThreshold 3 = −60 s on detection, on traffic and on the promotions.
        assert.deepStrictEqual([o.trafficSeconds, o.rtoSeconds], [150 - 60, 210 - 60]);
        assert.strictEqual(outcome(faster, "primary-region-loss").trafficSeconds, 150 - 60);
    });

    it("with probes admitted (edge-dr finding 2 fixed), the canary composite promotes into us-west-2 on a region loss — and a partition then splits the brain", () => {
        const fixed = runDrills(drillStacks(result.stacks), { reachability: () => true });
        const loss = outcome(fixed, "primary-region-loss");
        // Canary every 60 s, alarm 2 × 60 s, then 60 s promotion.
        assert.deepStrictEqual([loss.promoted, loss.rtoSeconds, loss.wrong], [["us-west-2"], 240, []]);
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
        stacks = drillStacks(result.stacks);
        regions = result.regions!;
        report = runDrills(stacks, { regions });
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("plays the registry's Regions, the primary first", () => {
        assert.deepStrictEqual(report.regions, ["us-east-1", "us-west-2", "ap-northeast-2"]);
    });

    it("primary-app-outage today: both secondaries race to promote every store with AllowDataLoss", () => {
        const o = outcome(report, "primary-app-outage");
        assert.deepStrictEqual(summary(o), { promoted: ["us-west-2", "ap-northeast-2"], trafficTo: ["us-west-2", "ap-northeast-2"], rtoSeconds: 210, trafficSeconds: 150, dataLoss: true, notified: ["us-west-2", "ap-northeast-2"], unrecovered: [], splitBrain: [] });
        assert.ok(o.timeline.some((t) => /racing us-west-2 for the same store/.test(t.event)));
    });

    it("primary-region-loss today: nothing promotes; traffic goes to both secondaries", () => {
        const o = outcome(report, "primary-region-loss");
        assert.deepStrictEqual([o.promoted, o.trafficTo, o.rtoSeconds, o.unrecovered], [[], ["us-west-2", "ap-northeast-2"], null, ["aurora", "docdb", "elasticache"]]);
    });

    it("with probes admitted, a region loss would promote both secondaries: nothing designates a successor", () => {
        assert.deepStrictEqual(outcome(runDrills(stacks, { regions, reachability: () => true }), "primary-region-loss").promoted, ["us-west-2", "ap-northeast-2"]);
    });

    it("secondary-region-loss (us-west-2) today: no promotion, traffic on the primary and ap-northeast-2", () => {
        const o = outcome(report, "secondary-region-loss");
        assert.deepStrictEqual([o.promoted, o.trafficTo, o.wrong], [[], ["us-east-1", "ap-northeast-2"], []]);
    });

    it.skip("target: primary-app-outage promotes nothing — today every secondary promotes itself (ENABLE_AUTO_FAILOVER on in each, nothing designates a successor): us-west-2 and ap-northeast-2 race", () => {
        assert.deepStrictEqual(outcome(report, "primary-app-outage").wrong, []);
    });
    it.skip("target: primary-region-loss promotes exactly us-west-2 (first in the failover order) — today nothing promotes, and with the canary path fixed both secondaries would", () => {
        assert.deepStrictEqual(outcome(report, "primary-region-loss").wrong, []);
    });

    it("guard: exactly the pending targets are missed", () => {
        assert.deepStrictEqual(report.scenarios.filter((o) => o.wrong.length > 0).map((o) => o.id), ["primary-app-outage", "primary-region-loss"]);
    });
});
