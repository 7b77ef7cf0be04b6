/**
 * The drill simulator (DESIGN §4 test 7): plays failure scenarios over one stack set's planned
 * DR resources and reports who is promoted, where traffic goes, how long it takes, whether data
 * can be lost, who is notified and which stores are writable from each serving Region.
 *
 * Every duration comes from the plan (health-check interval × threshold, alarm period × datapoints,
 * canary schedule, record TTL) except the per-store promotion figures in ./promotion. The failover
 * Lambdas' decision is the real `decide()` of lambdas/failover/core.ts, fed the CloudWatch event
 * EventBridge would deliver. EventBridge delivery, cross-Region forwarding and Lambda start count
 * as 0 s: they are seconds against minutes, and no planned value states them.
 */
import { HEALTH_CHECK_REGION } from "../../components/dr/plan";
import { parseProbePath, probePaths } from "../../components/edge/plan";
import { decide, readConfig } from "../../lambdas/failover/core";
import {
    ALIAS_TARGET_TTL,
    AlarmRule,
    AlarmState,
    DrillModel,
    DrillStack,
    HealthCheckRecord,
    LoadBalancerRecord,
    MetricAlarmRecord,
    RecordRecord,
    RegionSwitchStep,
    StoreKind,
    arnRegion,
    buildModel,
    evaluateRule,
    matchesPattern,
} from "./model";
import { LAMBDA_ASYNC_RETRY_DELAYS, PROMOTION_SECONDS, PromotedStore } from "./promotion";
import { ProbeReachability, WritePaths, flowReachability, flowWritePaths, noWritePaths, planReachability } from "./reachability";

/**
 * Route 53 calls an endpoint healthy when more than 18 % of its health checkers report it healthy
 * (Route 53 DG, "How Amazon Route 53 determines whether a health check is healthy"). A rule of the
 * service, not a tuned figure.
 */
export const ROUTE53_HEALTHY_FRACTION = 0.18;

/** What has failed in a scenario. Regions not named are up and healthy. */
export interface World {
    /** Regions lost entirely: their CloudWatch, EventBridge, Lambda, stores and load balancers. */
    readonly down: readonly string[];
    /** Regions up, whose API fails its readiness check (bad rollout, empty target group). */
    readonly appDown: readonly string[];
    /**
     * Region pairs that cannot reach each other: probes, event forwarding, replication and write
     * forwarding. A partition also cuts the Route 53 health checkers and the canaries of one side
     * from the load balancers of the other: a checker in a Region is taken to share its network
     * fate (Route 53 runs checkers from the Regions a health check lists).
     */
    readonly partitions: readonly (readonly [string, string])[];
    /** Regions evacuated with `mall:evacuate` (their latency records withdrawn). */
    readonly evacuated: readonly string[];
}

/** DR II's targets for the loss of the primary: traffic on the successor, and every store promoted after the decision. */
export const DR_TARGETS = { trafficSeconds: 90, promotionSeconds: 120 } as const;

export const NORMAL: World = { down: [], appDown: [], partitions: [], evacuated: [] };

export interface Scenario {
    readonly id: string;
    readonly description: string;
    readonly world: World;
    /** The outcome the platform must reach, in words. */
    readonly target: string;
    /** What is wrong with an outcome against the target; empty when the target is met. */
    readonly check: (o: DrillOutcome) => string[];
}

export interface Promotion {
    readonly store: PromotedStore;
    readonly region: string;
    readonly startedAtSeconds: number;
    readonly completedAtSeconds: number;
    /** An unplanned failover (AllowDataLoss, or a datastore member detached), not a switchover. */
    readonly allowDataLoss: boolean;
    /** The alarm whose state change started it, and the rules it travelled through. */
    readonly trigger: string;
}

export interface DrillOutcome {
    readonly id: string;
    readonly description: string;
    /** Regions into which at least one store was promoted. */
    readonly promoted: string[];
    /** Regions Route 53 answers `api-internal` with once the scenario settles. */
    readonly trafficTo: string[];
    /** Until traffic has left failed Regions and every needed promotion has finished; null: never. */
    readonly rtoSeconds: number | null;
    /** The RTO rests on a promotion figure AWS states only as "minutes": it is at least rtoSeconds. */
    readonly rtoLowerBound: boolean;
    /** Until DNS answers only the Regions above (health check + TTL); null: traffic stays on a failed Region. */
    readonly trafficSeconds: number | null;
    /** When the first promotion started: the decision (a trigger, an alarm's rule). null: none. */
    readonly decidedAtSeconds: number | null;
    /** From the decision until the last promotion finished. null: none. */
    readonly promotedWithinSeconds: number | null;
    /** Some promotion was an unplanned failover that may drop unreplicated writes. */
    readonly dataLoss: boolean;
    /** Regions whose DR topic receives a message (alarm actions, failover reports). */
    readonly notified: string[];
    /** Per serving Region, per store: can the API there write it once the scenario settles. */
    readonly writable: Record<string, Record<string, boolean>>;
    readonly promotions: Promotion[];
    /** Stores whose writer is lost and that no automation promotes. */
    readonly unrecovered: string[];
    /**
     * Stores with two writers (an isolated old writer and a promoted one), or promoted into more
     * than one Region (the writer flips: writes taken between the flips can be lost).
     */
    readonly splitBrain: string[];
    /**
     * The simulator cannot vouch for this outcome: the stack set plans something it does not
     * interpret (a Region switch step or trigger it does not know). `wrong` then says so instead of "met".
     */
    readonly unknown: boolean;
    /**
     * Stores whose failover more than one Region called at the same instant: the store takes the
     * call that arrives first, so which Region wins is arbitrary (`promoted` shows the registry's
     * first; the others are refused, then find the failover in progress).
     */
    readonly raced: string[];
    /** Why the outcome is unknown. */
    readonly unknownReason?: string;
    /** What happened, in order. */
    readonly timeline: { readonly atSeconds: number; readonly event: string }[];
    readonly target: string;
    /** How the outcome misses the target; empty when met. */
    readonly wrong: string[];
}

export interface DrillsReport {
    readonly regions: string[];
    readonly scenarios: DrillOutcome[];
    readonly promotionSeconds: typeof PROMOTION_SECONDS;
    /** What the simulator does not interpret, so readers know where its truth ends. */
    readonly notes: string[];
}

const up = (w: World, r: string) => !w.down.includes(r);
const num = (v: unknown, d: number) => (v !== undefined && v !== "" && Number.isFinite(Number(v)) ? Number(v) : d);
const cut = (w: World, a: string, b: string) => a !== b && w.partitions.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
const byRegion = (m: DrillModel) => (a: string, b: string) => m.regions.indexOf(a) - m.regions.indexOf(b) || a.localeCompare(b);

/** The records a world publishes: an evacuated Region withdraws its latency records and points its regional name (not its probe name) at the latency set (components/edge/plan.ts planRegionDns). */
export function recordsIn(m: DrillModel, w: World): RecordRecord[] {
    const out: RecordRecord[] = [];
    for (const rec of m.records) {
        if (!w.evacuated.includes(rec.region)) {
            out.push(rec);
            continue;
        }
        if (rec.latencyRegion) continue;
        // Only the regional name (`api-<region>`) is re-pointed; the probe name and the rest stay.
        if (!rec.name.startsWith(`api-${rec.region}.`)) {
            out.push(rec);
            continue;
        }
        const lbs = new Set(rec.aliases.map((a) => a.targetUrn).filter(Boolean));
        const latency = m.records.find((l) => l.region === rec.region && l.latencyRegion && l.aliases.some((a) => a.targetUrn && lbs.has(a.targetUrn)));
        out.push(latency ? { ...rec, aliases: [{ name: latency.name, evaluateTargetHealth: true }] } : rec);
    }
    return out;
}

class Sim {
    readonly lbByUrn: Map<string, LoadBalancerRecord>;
    constructor(
        readonly m: DrillModel,
        readonly reach: ProbeReachability,
    ) {
        this.lbByUrn = new Map(m.loadBalancers.map((l) => [l.urn, l]));
    }

    healthCheck(id: string | undefined): HealthCheckRecord | undefined {
        return id === undefined ? undefined : this.m.healthChecks.find((h) => h.ids.includes(id));
    }

    hcTargetRegion(hc: HealthCheckRecord): string {
        return (hc.targetUrn && this.lbByUrn.get(hc.targetUrn)?.region) ?? this.m.stacks.find((s) => s.stack === hc.stack)!.region;
    }

    hcHealthy(w: World, hc: HealthCheckRecord): boolean {
        const target = this.hcTargetRegion(hc);
        const reporting = (hc.regions.length > 0 ? hc.regions : this.m.regions).filter((c) => up(w, c));
        if (reporting.length === 0) return true;
        const ok = reporting.filter((c) => up(w, target) && !w.appDown.includes(target) && !cut(w, c, target) && (hc.fqdn === undefined || this.reach({ kind: "health-check", fromRegion: c, target: hc.fqdn })));
        return ok.length / reporting.length > ROUTE53_HEALTHY_FRACTION;
    }

    lbServes(w: World, lb: LoadBalancerRecord): boolean {
        return up(w, lb.region) && !w.appDown.includes(lb.region);
    }

    recordHealthy(w: World, rec: RecordRecord): boolean {
        const hc = this.healthCheck(rec.healthCheckId);
        if (hc && !this.hcHealthy(w, hc)) return false;
        return rec.aliases.every((a) => !a.evaluateTargetHealth || !a.targetUrn || this.lbServes(w, this.lbByUrn.get(a.targetUrn)!));
    }

    /** What DNS answers a client in `from` for `host`: the load balancer it connects to. */
    resolve(w: World, records: readonly RecordRecord[], host: string, from: string, depth = 0): LoadBalancerRecord | undefined {
        const matching = records.filter((r) => r.name === host);
        if (matching.length === 0 || depth > 5) return undefined;
        let rec = matching[0];
        if (matching.some((r) => r.latencyRegion)) {
            const healthy = matching.filter((r) => this.recordHealthy(w, r));
            // Route 53 answers every record when none is healthy (fails open).
            const pool = healthy.length > 0 ? healthy : matching;
            rec = pool.find((r) => r.latencyRegion === from) ?? pool[0];
        }
        const alias = rec.aliases[0];
        if (!alias) return undefined;
        return alias.targetUrn ? this.lbByUrn.get(alias.targetUrn) : this.resolve(w, records, alias.name, from, depth + 1);
    }

    /** The latency sets' healthy Regions (all of them when none is healthy: Route 53 fails open). */
    serving(w: World): { regions: string[]; failOpen: boolean } {
        const sets = recordsIn(this.m, w).filter((r) => r.latencyRegion);
        const healthy = sets.filter((r) => this.recordHealthy(w, r));
        const pool = healthy.length > 0 ? healthy : sets;
        return { regions: [...new Set(pool.map((r) => r.latencyRegion!))].sort(byRegion(this.m)), failOpen: healthy.length === 0 && sets.length > 0 };
    }

    /** The alarm's datapoints once the world has settled, and how long until they start. */
    signal(w: World, a: MetricAlarmRecord): { value: "breaching" | "ok" | "missing"; onset: number } | undefined {
        const compare = (v: number) => {
            switch (a.comparisonOperator) {
                case "GreaterThanThreshold":
                    return v > a.threshold;
                case "GreaterThanOrEqualToThreshold":
                    return v >= a.threshold;
                case "LessThanThreshold":
                    return v < a.threshold;
                case "LessThanOrEqualToThreshold":
                    return v <= a.threshold;
                default:
                    return undefined;
            }
        };
        const judged = (v: number, onset: number) => {
            const b = compare(v);
            return b === undefined ? undefined : { value: b ? ("breaching" as const) : ("ok" as const), onset };
        };
        if (a.namespace === "AWS/Route53" && a.metricName === "HealthCheckStatus") {
            const hc = this.healthCheck(a.dimensions.HealthCheckId);
            // Route 53 publishes health-check metrics only in us-east-1: elsewhere, or with it lost, no datapoints.
            if (!hc || a.region !== HEALTH_CHECK_REGION || !up(w, HEALTH_CHECK_REGION)) return { value: "missing", onset: 0 };
            return judged(this.hcHealthy(w, hc) ? 1 : 0, hc.requestInterval * hc.failureThreshold);
        }
        if (a.namespace === "CloudWatchSynthetics" && a.metricName === "SuccessPercent") {
            const canary = this.m.canaries.find((c) => c.name === a.dimensions.CanaryName && c.region === a.region);
            if (!canary || !up(w, canary.region)) return { value: "missing", onset: 0 };
            let ok = false;
            const probe = canary.url ? parseProbePath(new URL(canary.url).pathname) : undefined;
            if (probe) {
                // Through CloudFront (global) to the region's probe name, never re-pointed: the
                // internet path, which an inter-region partition does not cut. `alive` is the load
                // balancer's own answer; `ready` reaches the API.
                const { region: target, kind } = probe;
                const lb = this.m.loadBalancers.find((l) => l.region === target);
                ok = !!lb && up(w, target) && (kind === "alive" || this.lbServes(w, lb)) && lb.dnsNames.length > 0 && this.reach({ kind: "canary", fromRegion: canary.region, target: lb.dnsNames[0], inVpc: canary.inVpc });
            } else if (canary.url) {
                const host = new URL(canary.url).hostname;
                const lb = this.resolve(w, recordsIn(this.m, w), host, canary.region);
                ok = !!lb && this.lbServes(w, lb) && !cut(w, canary.region, lb.region) && lb.dnsNames.length > 0 && this.reach({ kind: "canary", fromRegion: canary.region, target: lb.dnsNames[0], inVpc: canary.inVpc });
            }
            return judged(ok ? 100 : 0, canary.rateSeconds);
        }
        return undefined;
    }

    steady(w: World, a: MetricAlarmRecord): AlarmState | undefined {
        const s = this.signal(w, a);
        if (!s) return undefined;
        if (s.value === "breaching") return "ALARM";
        if (s.value === "ok") return "OK";
        return { breaching: "ALARM", notBreaching: "OK", missing: "INSUFFICIENT_DATA" }[a.treatMissingData] as AlarmState | undefined;
    }
}

interface Timeline {
    readonly name: string;
    readonly region: string;
    readonly initial: AlarmState;
    readonly changes: { readonly at: number; readonly state: AlarmState }[];
    readonly alarmActions: string[];
    readonly okActions: string[];
}

/** Plays one world against the model. */
export function play(
    m: DrillModel,
    scenario: Omit<Scenario, "check"> & { check?: Scenario["check"] },
    reach: ProbeReachability = planReachability(m),
    writes: WritePaths = noWritePaths,
): DrillOutcome {
    const sim = new Sim(m, reach);
    const w = scenario.world;
    const log: { atSeconds: number; event: string }[] = [];
    const notified = new Set<string>();
    const notify = (topics: string[]) => {
        for (const t of topics) {
            const r = arnRegion(t);
            if (r && up(w, r) && t.includes(":sns:")) notified.add(r);
        }
    };

    // ---- Alarms: steady state before the failure, and where each settles after it.
    const timelines = new Map<string, Timeline>();
    const key = (region: string, name: string) => `${region}|${name}`;
    for (const a of m.alarms) {
        const initial = sim.steady(NORMAL, a) ?? "OK";
        const after = up(w, a.region) ? (sim.steady(w, a) ?? initial) : initial;
        const s = sim.signal(w, a);
        const changes = after !== initial && up(w, a.region) ? [{ at: (s?.onset ?? 0) + a.period * (after === "ALARM" ? a.datapointsToAlarm : a.evaluationPeriods), state: after }] : [];
        timelines.set(key(a.region, a.name), { name: a.name, region: a.region, initial, changes, alarmActions: a.alarmActions, okActions: a.okActions });
    }
    // Composite alarms read alarms of their own Region; a composite may read another composite.
    const pending = [...m.composites];
    for (let pass = 0; pending.length > 0 && pass < 10; pass++) {
        for (const c of [...pending]) {
            const children: string[] = [];
            const collect = (r: typeof c.rule): void => {
                if (r.kind === "state") children.push(r.alarm);
                else if (r.kind === "not") collect(r.rule);
                else if (r.kind === "and" || r.kind === "or") (collect(r.left), collect(r.right));
            };
            collect(c.rule);
            if (children.some((n) => !timelines.has(key(c.region, n)) && pending.some((p) => p.name === n && p.region === c.region))) continue;
            pending.splice(pending.indexOf(c), 1);
            const at = (t: number) => (name: string): AlarmState => {
                const tl = timelines.get(key(c.region, name));
                if (!tl) return "INSUFFICIENT_DATA";
                return tl.changes.filter((x) => x.at <= t).pop()?.state ?? tl.initial;
            };
            const initial: AlarmState = evaluateRule(c.rule, (n) => timelines.get(key(c.region, n))?.initial ?? "INSUFFICIENT_DATA") ? "ALARM" : "OK";
            const times = [...new Set(children.flatMap((n) => timelines.get(key(c.region, n))?.changes.map((x) => x.at) ?? []))].sort((x, y) => x - y);
            const changes: { at: number; state: AlarmState }[] = [];
            let state = initial;
            for (const t of times) {
                const next: AlarmState = evaluateRule(c.rule, at(t)) ? "ALARM" : "OK";
                if (next !== state) changes.push({ at: t, state: (state = next) });
            }
            timelines.set(key(c.region, c.name), { name: c.name, region: c.region, initial, changes: up(w, c.region) ? changes : [], alarmActions: c.alarmActions, okActions: c.okActions });
        }
    }

    // ---- State-change events through EventBridge to the failover functions.
    interface Invocation {
        readonly at: number;
        readonly fn: (typeof m.functions)[number];
        readonly event: Record<string, unknown>;
        readonly trigger: string;
    }
    const invocations: Invocation[] = [];
    const dispatch = (tl: Timeline, change: { at: number; state: AlarmState }, previous: AlarmState, bus: string, via: string[]) => {
        if (!up(w, bus) || via.length > 4) return;
        const event = {
            source: "aws.cloudwatch",
            "detail-type": "CloudWatch Alarm State Change",
            region: tl.region,
            detail: { alarmName: tl.name, state: { value: change.state }, previousState: { value: previous } },
        };
        for (const rule of m.rules.filter((r) => r.region === bus && r.pattern !== undefined && matchesPattern(r.pattern, event))) {
            for (const t of rule.targets) {
                if (t.busRegion) {
                    if (t.busRegion !== bus && up(w, t.busRegion) && !cut(w, bus, t.busRegion)) {
                        log.push({ atSeconds: change.at, event: `${rule.name} (${bus}) forwards ${tl.name} to ${t.busRegion}` });
                        dispatch(tl, change, previous, t.busRegion, [...via, rule.name]);
                    }
                } else if (t.functionUrn) {
                    const fn = m.functions.find((f) => f.urn === t.functionUrn);
                    if (fn && up(w, fn.region)) invocations.push({ at: change.at, fn, event, trigger: [tl.name, ...via, rule.name].join(" → ") });
                }
            }
        }
    };
    for (const tl of timelines.values()) {
        // An alarm already in ALARM cannot change to ALARM: no event, no trigger.
        if (tl.initial !== "OK" && up(w, tl.region)) log.push({ atSeconds: 0, event: `${tl.name} (${tl.region}) is already ${tl.initial} before the failure` });
        let previous = tl.initial;
        for (const change of tl.changes) {
            log.push({ atSeconds: change.at, event: `${tl.name} (${tl.region}) ${previous} → ${change.state}` });
            notify(change.state === "ALARM" ? tl.alarmActions : change.state === "OK" ? tl.okActions : []);
            dispatch(tl, change, previous, tl.region, []);
            previous = change.state;
        }
    }

    // ---- Promotions take the documented time. A global cluster or datastore runs one failover at a
    // time: a second call while one is under way is refused (invalid state).
    const promotions: Promotion[] = [];
    const raced = new Set<StoreKind>();
    const unknown: string[] = [];
    const storeOf = (k: StoreKind) => m.stores.find((s) => s.kind === k);
    const writerAt = (k: StoreKind, t: number) => promotions.filter((p) => p.store === k && p.completedAtSeconds <= t).sort((a, b) => a.completedAtSeconds - b.completedAtSeconds).pop()?.region ?? storeOf(k)?.writer;
    /** One call to promote `store` into `region` at `t`, as the store's API answers it. */
    const attempt = (store: PromotedStore, region: string, t: number, allowDataLoss: boolean, trigger: string, who: string, what: string): "primary" | "in-progress" | "refused" | "started" => {
        const writer = writerAt(store, t);
        const running = promotions.find((p) => p.store === store && p.startedAtSeconds <= t && p.completedAtSeconds > t);
        if (writer === region) {
            log.push({ atSeconds: t, event: `${who}: ${store} already primary in ${region}` });
            return "primary";
        }
        if (running && !(running.startedAtSeconds === t && running.region !== region)) {
            log.push({ atSeconds: t, event: `${who}: a ${store} promotion into ${running.region} is in progress` });
            return "in-progress";
        }
        if (running) {
            // Both read "not primary" at the same instant; the store accepts only the first call.
            raced.add(store);
            log.push({ atSeconds: t, event: `${who}: ${what} ${store} → ${region} refused (invalid state): ${running.region}'s failover of the same store started first` });
            return "refused";
        }
        const earlier = promotions.filter((p) => p.store === store).map((p) => p.region);
        promotions.push({ store, region, startedAtSeconds: t, completedAtSeconds: t + PROMOTION_SECONDS[store].seconds, allowDataLoss, trigger });
        log.push({ atSeconds: t, event: `${who}: ${what} ${store} ${writer ?? "?"} → ${region}${earlier.length > 0 ? `, after ${earlier.join(", ")}: the writer flips` : ""}` });
        return "started";
    };

    // ---- ARC Region switch: a trigger starts an execution in its target Region (where the plan's
    // data plane runs it) when every condition holds (`red` = ALARM, `green` = OK) after not all did;
    // one execution per incident (minDelayMinutesBetweenExecutions). AWS does not document the mode
    // of a triggered execution; a trigger exists for a Region loss, so it is played ungraceful:
    // database blocks do their `ungraceful` operation, Lambda steps are skipped, an approval waits.
    for (const plan of m.regionSwitchPlans) {
        for (const trig of plan.triggers) {
            const conditions = trig.conditions.map((c) => ({ c, a: plan.alarms[c.alarm] }));
            const missing = conditions.filter((x) => !x.a).map((x) => x.c.alarm);
            if (trig.action !== "activate" || missing.length > 0) {
                unknown.push(`Region switch plan ${plan.name}: a trigger ${trig.action !== "activate" ? `with action ${trig.action}` : `on unknown alarms ${missing.join(", ")}`} is not interpreted`);
                continue;
            }
            const tls = conditions.map((x) => timelines.get(key(x.a!.region ?? plan.region, x.a!.name)));
            const holds = (t: number) =>
                conditions.every((x, i) => {
                    const tl = tls[i];
                    if (!tl || !up(w, tl.region)) return false;
                    const st = tl.changes.filter((ch) => ch.at <= t).pop()?.state ?? tl.initial;
                    return x.c.condition === "red" ? st === "ALARM" : x.c.condition === "green" ? st === "OK" : false;
                });
            const times = [...new Set(tls.flatMap((tl) => tl?.changes.map((ch) => ch.at) ?? []))].sort((a, b) => a - b);
            let was = holds(-1);
            for (const t of times) {
                const now = holds(t);
                if (now && !was) {
                    const names = conditions.map((x) => `${x.a!.name} ${x.c.condition}`).join(", ");
                    if (!up(w, trig.targetRegion)) break;
                    log.push({ atSeconds: t, event: `Region switch plan ${plan.name}: trigger (${names}) starts an ungraceful activation of ${trig.targetRegion}` });
                    execute(plan, trig.targetRegion, t, `${plan.name} trigger (${names})`);
                    break;
                }
                was = now;
            }
        }
    }
    function execute(plan: (typeof m.regionSwitchPlans)[number], region: string, start: number, trigger: string): void {
        const workflow = plan.workflows.find((x) => x.action === "activate" && (x.targetRegion === undefined || x.targetRegion === region));
        if (!workflow) {
            log.push({ atSeconds: start, event: `Region switch plan ${plan.name} has no activation workflow for ${region}: the execution fails` });
            return;
        }
        const who = `Region switch ${plan.name}`;
        // Runs one step from `t`; the time it ends, or undefined when the execution stops there.
        const run = (step: RegionSwitchStep, t: number): number | undefined => {
            if (step.type === "Parallel") {
                const ends = (step.children ?? []).map((c) => run(c, t));
                return ends.some((e) => e === undefined) ? undefined : Math.max(t, ...(ends as number[]));
            }
            if (step.store) {
                const op = step.ungraceful ?? (step.behavior === "failover" ? "failover" : undefined);
                if (op !== "failover") {
                    log.push({ atSeconds: t, event: `${who} ${step.name}: ${step.behavior ?? "?"} has no ungraceful operation; the step fails and the execution stops` });
                    return undefined;
                }
                const r = attempt(step.store, region, t, true, trigger, `${who} ${step.name}`, "FailoverGlobalCluster (AllowDataLoss)");
                if (r === "refused") return undefined;
                return r === "started" ? t + PROMOTION_SECONDS[step.store].seconds : t;
            }
            if (step.type === "CustomActionLambda") {
                if (step.ungraceful === "skip") {
                    log.push({ atSeconds: t, event: `${who} ${step.name}: skipped (a Lambda step does not run in an ungraceful execution)` });
                    return t;
                }
                // Region switch skips a Lambda step in an ungraceful execution whatever the plan says.
                log.push({ atSeconds: t, event: `${who} ${step.name}: skipped (ungraceful execution)` });
                return t;
            }
            if (step.type === "ManualApproval") {
                log.push({ atSeconds: t, event: `${who} ${step.name}: waits for a person's approval; the automatic execution stops here` });
                return undefined;
            }
            unknown.push(`Region switch plan ${plan.name}: step ${step.name} (${step.type}) is not interpreted`);
            return t;
        };
        let t: number | undefined = start;
        for (const step of workflow.steps) {
            t = run(step, t);
            if (t === undefined) return;
        }
    }

    // ---- The functions decide as their code does. A function whose every attempt failed makes
    // Lambda run the event again (the planned maximumRetryAttempts, at AWS's documented delays), and
    // a later run that finds another Region promoted promotes its own: the writer flips.
    type Run = Invocation & { readonly delivery: number };
    const queue: Run[] = invocations.map((inv) => ({ ...inv, delivery: 0 }));
    const order = (a: Run, b: Run) => a.at - b.at || byRegion(m)(a.fn.region, b.fn.region) || a.fn.name.localeCompare(b.fn.name);
    for (let guard = 0; queue.length > 0 && guard < 1000; guard++) {
        const inv = queue.sort(order).shift()!;
        const retry = inv.delivery > 0 ? ` (Lambda retry ${inv.delivery})` : "";
        let cfg;
        try {
            cfg = readConfig(inv.fn.env);
        } catch (e) {
            log.push({ atSeconds: inv.at, event: `${inv.fn.name} fails: ${e instanceof Error ? e.message : String(e)}` });
            continue;
        }
        const d = decide(inv.event, cfg);
        if (!d.act) {
            log.push({ atSeconds: inv.at, event: `${inv.fn.name}${retry} skips: ${d.reason}` });
            continue;
        }
        notify([cfg.topicArn]);
        const store = cfg.store;
        if (d.dryRun) {
            log.push({ atSeconds: inv.at, event: `${inv.fn.name}${retry} dry run: would ${d.mode} ${store} into ${cfg.region}` });
            continue;
        }
        const delay = num(inv.fn.env.RETRY_DELAY_MS, 2000) / 1000;
        const what = d.mode === "failover" ? "DisassociateGlobalReplicationGroup (detached; unreplicated writes are lost)" : "FailoverGlobalReplicationGroup";
        let t = inv.at;
        let failed = true;
        for (let n = 1; n <= cfg.maxAttempts; n++) {
            // Every attempt first asks who is primary, as promoteOne does.
            if (attempt(store, cfg.region, t, d.mode === "failover", inv.trigger, `${inv.fn.name}${retry}`, what) === "refused") {
                if (n < cfg.maxAttempts) t += delay * n;
                continue;
            }
            failed = false;
            break;
        }
        if (!failed) continue;
        if (inv.delivery < inv.fn.asyncRetries) {
            const wait = LAMBDA_ASYNC_RETRY_DELAYS.seconds[Math.min(inv.delivery, LAMBDA_ASYNC_RETRY_DELAYS.seconds.length - 1)];
            log.push({ atSeconds: t, event: `${inv.fn.name}${retry} fails; Lambda runs the event again in ${wait} s` });
            queue.push({ ...inv, at: t + wait, delivery: inv.delivery + 1 });
        } else {
            log.push({ atSeconds: t, event: `${inv.fn.name}${retry} fails; no Lambda retry left (on-failure destination)` });
        }
    }

    // ---- Where things settle.
    const base = sim.serving(NORMAL);
    const now = sim.serving(w);
    const trafficTo = now.regions;
    const records = recordsIn(m, w);
    let trafficSeconds: number | null = 0;
    for (const region of base.regions.filter((r) => !trafficTo.includes(r))) {
        const rec = m.records.find((r) => r.latencyRegion === region)!;
        // Withdrawn (evacuated): gone at once. Otherwise the earlier of the record's health check
        // and, with Evaluate Target Health, the target groups calling every target unhealthy. A
        // lost Region reports no target health: only the Route 53 check sees it.
        const signals: number[] = [];
        if (records.includes(rec)) {
            const hc = sim.healthCheck(rec.healthCheckId);
            if (hc && !sim.hcHealthy(w, hc)) signals.push(hc.requestInterval * hc.failureThreshold);
            for (const a of rec.aliases) {
                const lb = a.evaluateTargetHealth && a.targetUrn ? sim.lbByUrn.get(a.targetUrn) : undefined;
                if (lb && up(w, lb.region) && !sim.lbServes(w, lb) && lb.targetHealthSeconds !== undefined) signals.push(lb.targetHealthSeconds);
            }
        }
        const detect = signals.length > 0 ? Math.min(...signals) : 0;
        const ttl = rec.ttl ?? (rec.aliases.length > 0 ? ALIAS_TARGET_TTL : 0);
        trafficSeconds = Math.max(trafficSeconds, detect + ttl);
    }
    const stuck = trafficTo.filter((r) => !up(w, r) || w.appDown.includes(r));
    if (stuck.length > 0) trafficSeconds = null;
    const serving = trafficTo.filter((r) => up(w, r));

    const finalWriter = (k: StoreKind) => writerAt(k, Number.POSITIVE_INFINITY);
    const writable: Record<string, Record<string, boolean>> = {};
    for (const r of serving) {
        writable[r] = {};
        for (const s of m.stores) {
            let ok: boolean;
            if (s.kind === "aurora" || s.kind === "docdb" || s.kind === "elasticache") {
                const wr = finalWriter(s.kind)!;
                // Locally, by Aurora's write forwarding, or across the Transit Gateway to the writer.
                ok = up(w, wr) && (r === wr || ((s.forwarding.includes(r) || writes(r, s.kind, wr)) && !cut(w, r, wr)));
            } else if (s.kind === "dsql") {
                // A linked cluster commits with a quorum of the peers and the witness.
                const commits = (x: string) => s.members.some((o) => o !== x && up(w, o) && !cut(w, x, o)) || (!!s.witness && up(w, s.witness) && !cut(w, x, s.witness));
                // Outside the linked pair: the public endpoint of a member that can still commit.
                ok = s.members.includes(r) ? commits(r) : s.members.some((x) => writes(r, "dsql", x) && up(w, x) && !cut(w, r, x) && commits(x));
            } else {
                ok = s.members.includes(r);
            }
            writable[r][s.kind] = ok;
        }
    }
    const unrecovered = m.stores
        .filter((s) => s.writer !== undefined && (!up(w, s.writer) || (serving.length > 0 && serving.every((r) => cut(w, r, s.writer!)))))
        .filter((s) => !promotions.some((p) => p.store === s.kind && serving.includes(p.region)))
        .map((s) => s.kind);
    const splitBrain = m.stores
        .filter(
            (s) =>
                s.writer !== undefined &&
                ((up(w, s.writer) && promotions.some((p) => p.store === s.kind && p.region !== s.writer && cut(w, p.region, s.writer!))) || new Set(promotions.filter((p) => p.store === s.kind).map((p) => p.region)).size > 1),
        )
        .map((s) => s.kind);
    const lastPromotion = Math.max(0, ...promotions.map((p) => p.completedAtSeconds));
    const rtoSeconds = trafficSeconds === null || unrecovered.length > 0 ? null : Math.max(trafficSeconds, lastPromotion);
    // A promotion AWS times only as "minutes" may finish later than its figure, and the RTO with it.
    const rtoLowerBound = rtoSeconds !== null && promotions.some((p) => PROMOTION_SECONDS[p.store].lowerBound);
    const unknownReason = unknown.length > 0 ? `not simulated: ${[...new Set(unknown)].join("; ")}` : undefined;
    const decidedAt = promotions.length > 0 ? Math.min(...promotions.map((p) => p.startedAtSeconds)) : null;
    if (now.failOpen) log.push({ atSeconds: 0, event: "no latency record is healthy: Route 53 answers all of them (fails open)" });
    for (const r of base.regions.filter((r) => !trafficTo.includes(r))) log.push({ atSeconds: trafficSeconds ?? 0, event: `DNS stops answering ${r}` });

    const partial: DrillOutcome = {
        id: scenario.id,
        description: scenario.description,
        promoted: [...new Set(promotions.map((p) => p.region))].sort(byRegion(m)),
        trafficTo,
        rtoSeconds,
        rtoLowerBound,
        trafficSeconds,
        decidedAtSeconds: decidedAt,
        promotedWithinSeconds: decidedAt === null ? null : lastPromotion - decidedAt,
        dataLoss: promotions.some((p) => p.allowDataLoss),
        notified: [...notified].sort(byRegion(m)),
        writable,
        promotions,
        unrecovered,
        splitBrain,
        timeline: log.sort((a, b) => a.atSeconds - b.atSeconds),
        raced: m.stores.map((s) => s.kind).filter((k) => raced.has(k)),
        unknown: unknownReason !== undefined,
        ...(unknownReason ? { unknownReason } : {}),
        target: scenario.target,
        wrong: [],
    };
    // An outcome the simulator cannot vouch for is never reported as met.
    return { ...partial, wrong: unknownReason ? [unknownReason] : (scenario.check?.(partial) ?? []) };
}

/** The five drills over a registry: the primary and the first secondary in registry order. */
export function scenarios(m: DrillModel): Scenario[] {
    const p = m.primary;
    const secondaries = m.regions.filter((r) => r !== p);
    const first = m.failoverOrder[0] ?? secondaries[0];
    const list = (xs: readonly string[]) => `[${xs.join(", ")}]`;
    const cannotWrite = (o: DrillOutcome) =>
        Object.entries(o.writable)
            .map(([region, stores]) => [region, Object.entries(stores).filter(([, ok]) => !ok).map(([k]) => k)] as const)
            .filter(([, bad]) => bad.length > 0)
            .map(([region, bad]) => `${region} serves but cannot write ${bad.join(", ")}`);
    const noPromotion = (o: DrillOutcome) => (o.promoted.length > 0 ? [`promotes ${list(o.promoted)} (${[...new Set(o.promotions.map((x) => x.store))].join(", ")}${o.dataLoss ? ", AllowDataLoss" : ""})`] : []);
    const out: Scenario[] = [
        {
            id: "primary-app-outage",
            description: `${p}'s API fails its readiness check; the Region and its stores are up`,
            world: { ...NORMAL, appDown: [p] },
            target: "traffic leaves the primary, no promotion",
            check: (o) => [...(o.trafficTo.includes(p) || o.trafficTo.length === 0 ? [`traffic still goes to ${list(o.trafficTo)}`] : []), ...noPromotion(o)],
        },
    ];
    if (!first) return out;
    out.push(
        {
            id: "primary-region-loss",
            description: `${p} is lost entirely`,
            world: { ...NORMAL, down: [p] },
            target: `exactly one Region promoted (${first}, the first in the failover order), traffic there`,
            check: (o) => [
                ...(o.promoted.length !== 1 || o.promoted[0] !== first ? [`promotes ${list(o.promoted)}, not [${first}]${o.unrecovered.length > 0 ? `; ${o.unrecovered.join(", ")} stay unwritable` : ""}`] : []),
                ...(o.trafficSeconds !== null && o.trafficSeconds > DR_TARGETS.trafficSeconds ? [`traffic moves in ${o.trafficSeconds} s, over the ${DR_TARGETS.trafficSeconds} s target`] : []),
                ...(o.promotedWithinSeconds !== null && o.promotedWithinSeconds > DR_TARGETS.promotionSeconds
                    ? [`the stores are promoted ${o.promotedWithinSeconds} s after the decision, over the ${DR_TARGETS.promotionSeconds} s target`]
                    : []),
                ...(o.raced.length > 0 ? [`several Regions race to promote ${o.raced.join(", ")}: which one wins is arbitrary`] : []),
                ...(!o.trafficTo.includes(first) || o.trafficTo.includes(p) ? [`traffic goes to ${list(o.trafficTo)}`] : []),
            ],
        },
        {
            id: "inter-region-partition",
            description: `${p} and ${list(secondaries)} cannot reach each other; every Region is up`,
            world: { ...NORMAL, partitions: secondaries.map((s) => [p, s] as const) },
            target: "no promotion, no split brain",
            check: (o) => [...noPromotion(o), ...(o.splitBrain.length > 0 ? [`split brain in ${o.splitBrain.join(", ")}`] : [])],
        },
        {
            id: "evacuation-drill-primary",
            description: `${p} is evacuated with mall:evacuate (latency record withdrawn); everything is healthy`,
            world: { ...NORMAL, evacuated: [p] },
            target: "traffic moves, no promotion, and every serving Region can write every store it serves",
            check: (o) => [...(o.trafficTo.includes(p) || o.trafficTo.length === 0 ? [`traffic still goes to ${list(o.trafficTo)}`] : []), ...noPromotion(o), ...cannotWrite(o)],
        },
        {
            id: "secondary-region-loss",
            description: `${first} is lost entirely`,
            world: { ...NORMAL, down: [first] },
            target: "no promotion, traffic stays on the primary",
            check: (o) => [...noPromotion(o), ...(!o.trafficTo.includes(p) || o.trafficTo.includes(first) ? [`traffic goes to ${list(o.trafficTo)}`] : [])],
        },
    );
    return out;
}

/** Every drill over one stack set's plans: what `.plan/drills.json` holds. */
export interface DrillOptions {
    /** @default flowReachability - the shared reachability model's rows (planned stacks); planReachability for hand-made ones */
    readonly reachability?: ProbeReachability;
    /** The Region registry's order, which is the failover order. @default stack order */
    readonly regions?: readonly string[];
    /** @default flowWritePaths - the flow table's cross-Region write rows (planned stacks); none for hand-made ones */
    readonly writePaths?: WritePaths;
}

export function runDrills(stacks: readonly DrillStack[], options: DrillOptions = {}): DrillsReport {
    const m = buildModel(stacks, options.regions);
    // Planned stacks carry their outputs and go through the shared model; hand-made ones (tests) cannot.
    const planned = stacks.every((s) => s.outputs !== undefined) ? stacks.map((s) => ({ ...s, outputs: s.outputs ?? {} })) : undefined;
    const reach = options.reachability ?? (planned ? flowReachability(planned, m) : planReachability(m));
    const writes = options.writePaths ?? (planned ? flowWritePaths(planned) : noWritePaths);
    const notes = [
        "EventBridge delivery, cross-Region forwarding and Lambda start count as 0 s (no planned value states them).",
        "Only Route 53 HealthCheckStatus and Synthetics SuccessPercent alarms are interpreted; other alarms keep their steady state.",
        "CloudFront's origin-group failover (read-only paths) is not modelled: traffic means the api-internal latency set.",
    ];
    const unmodelled = m.alarms.filter((a) => !(a.namespace === "AWS/Route53" && a.metricName === "HealthCheckStatus") && !(a.namespace === "CloudWatchSynthetics" && a.metricName === "SuccessPercent"));
    if (unmodelled.length > 0) notes.push(`${unmodelled.length} alarms on other metrics (replication lag, …) are not interpreted.`);
    if (m.regionSwitchPlans.length > 0) {
        notes.push(
            `${m.regionSwitchPlans.length} ARC Region switch plan(s): a triggered execution is played ungraceful (AWS does not document the mode a trigger starts): database blocks fail over, Lambda steps are skipped, an approval step stops it.`,
        );
    }
    return { regions: m.regions, scenarios: scenarios(m).map((s) => play(m, s, reach, writes)), promotionSeconds: PROMOTION_SECONDS, notes };
}

/** One way a store can be promoted by itself: a Region switch trigger or an alarm rule that runs a failover function. */
export interface PromotionTrigger {
    /** `Region switch <plan>` or `EventBridge <rule> → <function>`. */
    readonly via: string;
    /** The alarm whose state decides (its Region and name). */
    readonly alarm: string;
    readonly region: string;
    /** It can only fire while the primary is unreachable over the internet path (see `why`). */
    readonly guarded: boolean;
    readonly why: string;
}

/**
 * Every automatic promotion path of a stack set, each judged statically: it is guarded when its
 * alarm is a composite whose rule requires, in a conjunction at its top, ALARM of a canary that
 * asks for the primary's `alive` probe (the primary's load balancer unreachable through
 * CloudFront). Anything else (a metric alarm, a Route 53 health check, an OR, a rule without the
 * primary's reachability) can fire while the primary and its stores are healthy.
 */
export function promotionTriggers(m: DrillModel): PromotionTrigger[] {
    const judge = (name: string, region: string): { guarded: boolean; why: string } => {
        const c = m.composites.find((x) => x.name === name && x.region === region);
        if (!c) return { guarded: false, why: `${name} is not a composite alarm: a single metric decides` };
        const conjuncts: AlarmRule[] = [];
        const flatten = (r: AlarmRule): void => (r.kind === "and" ? (flatten(r.left), flatten(r.right)) : void conjuncts.push(r));
        flatten(c.rule);
        const alive = conjuncts.find((r) => {
            if (r.kind !== "state" || r.state !== "ALARM") return false;
            const a = m.alarms.find((x) => x.name === r.alarm && x.region === region);
            const canary = a && m.canaries.find((x) => x.name === a.dimensions.CanaryName && x.region === region);
            return !!canary?.url && new URL(canary.url).pathname === probePaths.path(m.primary, "alive");
        });
        return alive
            ? { guarded: true, why: `${name} requires ALARM("${(alive as { alarm: string }).alarm}"): ${m.primary} unreachable through CloudFront` }
            : { guarded: false, why: `${name} (${c.expression}) does not require the ${m.primary} alive probe to fail in a conjunction` };
    };
    const out: PromotionTrigger[] = [];
    for (const plan of m.regionSwitchPlans) {
        for (const t of plan.triggers) {
            for (const cond of t.conditions.filter((x) => x.condition === "red")) {
                const a = plan.alarms[cond.alarm];
                if (!a) continue;
                const region = a.region ?? plan.region;
                out.push({ via: `Region switch ${plan.name}`, alarm: a.name, region, ...judge(a.name, region) });
            }
        }
    }
    for (const rule of m.rules) {
        const names = ((rule.pattern as { detail?: { alarmName?: unknown } } | undefined)?.detail?.alarmName ?? []) as string[];
        for (const t of rule.targets.filter((x) => x.functionUrn)) {
            const fn = m.functions.find((f) => f.urn === t.functionUrn);
            if (!fn) continue;
            for (const name of names) out.push({ via: `EventBridge ${rule.name} → ${fn.name}`, alarm: name, region: rule.region, ...judge(name, rule.region) });
        }
    }
    return out;
}
