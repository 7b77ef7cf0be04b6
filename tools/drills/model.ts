/**
 * Reads the DR-relevant resources of one stack set's plan into plain records the simulator plays:
 * alarms, composite alarms, EventBridge rules and targets, failover Lambdas, canaries, Route 53
 * health checks and records, load balancers and the stores' writers and members. Pure: it knows
 * resources only by type, inputs and `propertyDependencies`, never by component.
 */
import { PlannedResource } from "../plan/contract";

/** One planned stack as the simulator needs it (a StackResult fits). */
export interface DrillStack {
    readonly stack: string;
    readonly role: string;
    readonly region: string;
    readonly resources: readonly PlannedResource[];
    /** The stack's outputs: the reachability model resolves cross-stack ids with them. @default - hand-made stacks (tests) have none */
    readonly outputs?: Readonly<Record<string, unknown>>;
}

export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";

export interface MetricAlarmRecord {
    readonly name: string;
    readonly region: string;
    readonly stack: string;
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: Record<string, string>;
    readonly period: number;
    readonly evaluationPeriods: number;
    /** M of "M out of N"; equals evaluationPeriods when unset. */
    readonly datapointsToAlarm: number;
    readonly threshold: number;
    readonly comparisonOperator: string;
    readonly treatMissingData: string;
    readonly alarmActions: string[];
    readonly okActions: string[];
}

export type AlarmRule =
    | { readonly kind: "state"; readonly state: AlarmState; readonly alarm: string }
    | { readonly kind: "const"; readonly value: boolean }
    | { readonly kind: "not"; readonly rule: AlarmRule }
    | { readonly kind: "and" | "or"; readonly left: AlarmRule; readonly right: AlarmRule };

export interface CompositeAlarmRecord {
    readonly name: string;
    readonly region: string;
    readonly stack: string;
    readonly rule: AlarmRule;
    readonly expression: string;
    readonly alarmActions: string[];
    readonly okActions: string[];
}

export interface EventTargetRecord {
    readonly arn: string;
    /** The Lambda this target invokes (by URN), when it is one. */
    readonly functionUrn?: string;
    /** The Region whose default bus this target forwards to, when it is an event bus. */
    readonly busRegion?: string;
}

export interface EventRuleRecord {
    readonly name: string;
    readonly region: string;
    readonly stack: string;
    readonly pattern: unknown;
    readonly targets: EventTargetRecord[];
}

export interface FunctionRecord {
    readonly urn: string;
    readonly name: string;
    readonly region: string;
    readonly stack: string;
    readonly env: Record<string, string>;
    /** Lambda's retries of a failed asynchronous invocation (the planned `aws:lambda/functionEventInvokeConfig` `maximumRetryAttempts`). @default 2 - Lambda's own default */
    readonly asyncRetries: number;
}

export interface CanaryRecord {
    readonly name: string;
    readonly region: string;
    readonly stack: string;
    readonly url?: string;
    /** Seconds between runs, from `rate(…)`. */
    readonly rateSeconds: number;
    /** Runs in a VPC (egress through the NAT gateways) rather than on Lambda's public egress. */
    readonly inVpc: boolean;
}

export interface HealthCheckRecord {
    readonly urn: string;
    readonly stack: string;
    /** The id other resources name it by (a record's or alarm dimension's `HealthCheckId`). */
    readonly ids: string[];
    readonly fqdn?: string;
    /** The load balancer the fqdn names, when the plan links them. */
    readonly targetUrn?: string;
    readonly requestInterval: number;
    readonly failureThreshold: number;
    readonly regions: string[];
}

export interface DnsAlias {
    readonly name: string;
    readonly evaluateTargetHealth: boolean;
    /** The load balancer behind the alias, when the plan links it. */
    readonly targetUrn?: string;
}

export interface RecordRecord {
    readonly urn: string;
    readonly stack: string;
    readonly region: string;
    readonly name: string;
    readonly latencyRegion?: string;
    readonly healthCheckId?: string;
    readonly aliases: DnsAlias[];
    readonly ttl?: number;
}

export interface LoadBalancerRecord {
    readonly urn: string;
    readonly region: string;
    readonly stack: string;
    readonly dnsNames: string[];
    readonly securityGroupUrns: string[];
    /**
     * Seconds until the target groups its listeners forward to call every target unhealthy
     * (health-check interval × unhealthy threshold, the earliest group): what an alias with
     * Evaluate Target Health follows. Undefined when the plan links no target group.
     */
    readonly targetHealthSeconds?: number;
}

export type StoreKind = "aurora" | "docdb" | "elasticache" | "dsql" | "dynamodb" | "msk" | "s3";

/** One step of a Region switch workflow, as far as the simulator reads it. */
export interface RegionSwitchStep {
    readonly name: string;
    /** The execution block type (`AuroraGlobalDatabase`, `DocumentDb`, `CustomActionLambda`, `Parallel`, `ManualApproval`, …). */
    readonly type: string;
    /** Aurora and DocumentDB blocks: the store they promote. */
    readonly store?: "aurora" | "docdb";
    /** `switchoverOnly` or `failover` (graceful executions). */
    readonly behavior?: string;
    /** What an ungraceful execution does (`failover`, or `skip` for a Lambda step); undefined: nothing configured. */
    readonly ungraceful?: string;
    /** Lambda steps: the functions, by Region (from their ARNs), and where they run. */
    readonly functions?: { readonly region: string; readonly name: string }[];
    readonly regionToRun?: string;
    /** Parallel steps: their children. */
    readonly children?: RegionSwitchStep[];
}

export interface RegionSwitchPlanRecord {
    readonly name: string;
    readonly stack: string;
    /** The stack's Region (the plan itself is global). */
    readonly region: string;
    readonly regions: string[];
    /** Associated alarms by key: the alarm's name and Region (from its ARN). */
    readonly alarms: Record<string, { readonly name: string; readonly region?: string; readonly type: string }>;
    readonly triggers: { readonly action: string; readonly targetRegion: string; readonly conditions: { readonly alarm: string; readonly condition: string }[] }[];
    readonly workflows: { readonly action: string; readonly targetRegion?: string; readonly steps: RegionSwitchStep[] }[];
}

/** Reads a planned workflow step (the provider's nested blocks are lists of one object). */
export function regionSwitchStep(raw: Record<string, unknown>): RegionSwitchStep {
    const one = (key: string) => (Array.isArray(raw[key]) ? ((raw[key] as Record<string, unknown>[])[0] ?? undefined) : undefined);
    const type = str(raw.executionBlockType) ?? "?";
    const name = str(raw.name) ?? type;
    const ungraceful = (cfg: Record<string, unknown> | undefined, field: string) => {
        const u = Array.isArray(cfg?.ungracefuls) ? (cfg!.ungracefuls as Record<string, unknown>[])[0] : undefined;
        return str(u?.[field]);
    };
    if (type === "AuroraGlobalDatabase" || type === "DocumentDb") {
        const cfg = one(type === "AuroraGlobalDatabase" ? "globalAuroraConfigs" : "documentDbConfigs");
        const u = ungraceful(cfg, "ungraceful");
        return { name, type, store: type === "AuroraGlobalDatabase" ? "aurora" : "docdb", behavior: str(cfg?.behavior), ...(u ? { ungraceful: u } : {}) };
    }
    if (type === "CustomActionLambda") {
        const cfg = one("customActionLambdaConfigs");
        const lambdas = Array.isArray(cfg?.lambdas) ? (cfg!.lambdas as Record<string, unknown>[]) : [];
        const functions = lambdas.map((l) => str(l.arn) ?? "").filter((a) => a.startsWith("arn:")).map((a) => ({ region: arnRegion(a) ?? "", name: a.split(":").pop() ?? "" }));
        const u = ungraceful(cfg, "behavior");
        return { name, type, functions, regionToRun: str(cfg?.regionToRun), ...(u ? { ungraceful: u } : {}) };
    }
    if (type === "Parallel") {
        const cfg = one("parallelConfigs");
        return { name, type, children: (Array.isArray(cfg?.steps) ? (cfg!.steps as Record<string, unknown>[]) : []).map(regionSwitchStep) };
    }
    return { name, type };
}

function regionSwitchPlan(r: PlannedResource, stack: string, region: string): RegionSwitchPlanRecord {
    const rows = (key: string) => (Array.isArray(r.inputs[key]) ? (r.inputs[key] as Record<string, unknown>[]) : []);
    const alarms: RegionSwitchPlanRecord["alarms"] = {};
    for (const a of rows("associatedAlarms")) {
        const arn = str(a.resourceIdentifier) ?? "";
        const alarmRegion = arnRegion(arn);
        alarms[str(a.mapBlockKey) ?? "?"] = { name: alarmNameOf(arn), ...(alarmRegion ? { region: alarmRegion } : {}), type: str(a.alarmType) ?? "?" };
    }
    return {
        name: str(r.inputs.name) ?? r.name,
        stack,
        region,
        regions: strs(r.inputs.regions),
        alarms,
        triggers: rows("triggers").map((t) => ({
            action: str(t.action) ?? "?",
            targetRegion: str(t.targetRegion) ?? "?",
            conditions: (Array.isArray(t.conditions) ? (t.conditions as Record<string, unknown>[]) : []).map((c) => ({ alarm: str(c.associatedAlarmName) ?? "?", condition: str(c.condition) ?? "?" })),
        })),
        workflows: rows("workflows").map((w) => ({
            action: str(w.workflowTargetAction) ?? "?",
            ...(str(w.workflowTargetRegion) ? { targetRegion: str(w.workflowTargetRegion) } : {}),
            steps: (Array.isArray(w.steps) ? (w.steps as Record<string, unknown>[]) : []).map(regionSwitchStep),
        })),
    };
}

export interface StoreRecord {
    readonly kind: StoreKind;
    /** The Region of the single writer (global-parent stores); undefined for multi-writer stores. */
    readonly writer?: string;
    /** Regions holding a member. */
    readonly members: string[];
    /** Secondary members that forward writes to the writer across Regions (Aurora `enableGlobalWriteForwarding`). */
    readonly forwarding: string[];
    /** DSQL: the witness Region. */
    readonly witness?: string;
}

export interface DrillModel {
    readonly regions: string[];
    /** The primary's successors in order (the primary stack's output `failoverOrder`; else the registry's secondaries). */
    readonly failoverOrder: string[];
    readonly primary: string;
    readonly stacks: readonly DrillStack[];
    readonly alarms: MetricAlarmRecord[];
    readonly composites: CompositeAlarmRecord[];
    readonly rules: EventRuleRecord[];
    readonly functions: FunctionRecord[];
    readonly canaries: CanaryRecord[];
    readonly healthChecks: HealthCheckRecord[];
    readonly records: RecordRecord[];
    readonly loadBalancers: LoadBalancerRecord[];
    readonly stores: StoreRecord[];
    /** ARC Region switch plans (`aws:arcregionswitch/plan:Plan`), as the simulator runs them. */
    readonly regionSwitchPlans: RegionSwitchPlanRecord[];
    /** Every resource by URN, for the reachability helper. */
    readonly byUrn: ReadonlyMap<string, { readonly resource: PlannedResource; readonly region: string; readonly stack: string }>;
}

const num = (v: unknown, d: number) => (typeof v === "number" && Number.isFinite(v) ? v : typeof v === "string" && v !== "" && Number.isFinite(Number(v)) ? Number(v) : d);
const str = (v: unknown) => (typeof v === "string" ? v : undefined);
const strs = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
const stripDot = (n: string) => n.replace(/\.$/, "");

/** What resolvers cache an ELB (or CloudFront) alias answer for: an alias has no TTL of its own. */
export const ALIAS_TARGET_TTL = 60;

/** Lambda retries a failed asynchronous invocation twice unless configured otherwise (Lambda DG, "How Lambda handles errors and retries with asynchronous invocation"). */
export const LAMBDA_DEFAULT_ASYNC_RETRIES = 2;

/** The provider's target-group health-check defaults (terraform-provider-aws `aws_lb_target_group` health_check: interval 30, unhealthy_threshold 3). */
const TG_DEFAULT_INTERVAL = 30;
const TG_DEFAULT_UNHEALTHY = 3;

/** Route 53 defaults when a health check leaves them unset (Route 53 API reference). */
const R53_DEFAULT_INTERVAL = 30;
const R53_DEFAULT_THRESHOLD = 3;

/** The Region of an ARN (`arn:aws:<service>:<region>:…`), or undefined for global ARNs. */
export function arnRegion(arn: string): string | undefined {
    const parts = arn.split(":");
    return parts.length > 4 && parts[0] === "arn" && parts[3] !== "" ? parts[3] : undefined;
}

/** Seconds between runs of a Synthetics `rate(n unit)` schedule; cron schedules count as one minute. */
export function rateSeconds(expression: string | undefined): number {
    const m = /^rate\((\d+)\s+(second|minute|hour)s?\)$/.exec((expression ?? "").trim());
    if (!m) return 60;
    return Number(m[1]) * { second: 1, minute: 60, hour: 3600 }[m[2] as "second" | "minute" | "hour"];
}

/** The alarm name a rule's `ALARM(…)` names: the name itself, or the last field of an alarm ARN (`arn:aws:cloudwatch:<region>:<account>:alarm:<name>`). */
export function alarmNameOf(ref: string): string {
    const m = /^arn:aws[^:]*:cloudwatch:[^:]*:[^:]*:alarm:(.+)$/.exec(ref);
    return m ? m[1] : ref;
}

/**
 * Parses a composite alarm rule: `ALARM(name)`, `OK(name)`, `INSUFFICIENT_DATA(name)` (names
 * quoted or bare, or alarm ARNs, which resolve to the alarm's name), `TRUE`, `FALSE`, `NOT`, `AND`,
 * `OR` and parentheses. The CloudWatch documentation does not state whether AND binds tighter
 * than OR, so a rule mixing them at one level without parentheses is refused (naming the alarm)
 * rather than guessed.
 * @param alarm the composite alarm's name, for the error. @default the expression alone
 */
export function parseAlarmRule(expression: string, alarm?: string): AlarmRule {
    const where = `composite alarm ${alarm ? `${alarm} rule ` : "rule "}${JSON.stringify(expression)}`;
    const tokens = expression.match(/"(?:[^"\\]|\\.)*"|\(|\)|[^\s()]+/g) ?? [];
    let i = 0;
    const peek = () => tokens[i];
    const next = () => tokens[i++];
    const expect = (t: string) => {
        if (next() !== t) throw new Error(`${where}: expected "${t}" at token ${i}`);
    };
    const primary = (): AlarmRule => {
        const t = next();
        if (t === undefined) throw new Error(`${where} ends early`);
        const upper = t.toUpperCase();
        if (upper === "NOT") return { kind: "not", rule: primary() };
        if (t === "(") {
            const r = level();
            expect(")");
            return r;
        }
        if (upper === "TRUE" || upper === "FALSE") return { kind: "const", value: upper === "TRUE" };
        if (upper === "ALARM" || upper === "OK" || upper === "INSUFFICIENT_DATA") {
            expect("(");
            const name = next() ?? "";
            expect(")");
            return { kind: "state", state: upper as AlarmState, alarm: alarmNameOf(name.startsWith('"') ? JSON.parse(name) : name) };
        }
        throw new Error(`${where}: unexpected "${t}"`);
    };
    // One parenthesis level: operands joined by a single kind of operator.
    const level = (): AlarmRule => {
        let left = primary();
        let op: "and" | "or" | undefined;
        while (peek()?.toUpperCase() === "AND" || peek()?.toUpperCase() === "OR") {
            const kind = next()!.toLowerCase() as "and" | "or";
            if (op && op !== kind) throw new Error(`${where} mixes AND and OR without parentheses; CloudWatch does not document their precedence: parenthesise it`);
            op = kind;
            left = { kind, left, right: primary() };
        }
        return left;
    };
    const rule = level();
    if (i !== tokens.length) throw new Error(`${where}: unexpected "${tokens[i]}"`);
    return rule;
}

export function evaluateRule(rule: AlarmRule, state: (alarm: string) => AlarmState): boolean {
    switch (rule.kind) {
        case "state":
            return state(rule.alarm) === rule.state;
        case "const":
            return rule.value;
        case "not":
            return !evaluateRule(rule.rule, state);
        case "and":
            return evaluateRule(rule.left, state) && evaluateRule(rule.right, state);
        case "or":
            return evaluateRule(rule.left, state) || evaluateRule(rule.right, state);
    }
}

/**
 * EventBridge content matching for the subset DR rules use: every pattern key must be present;
 * an array matches when the value (or any element of an array value) equals one of its literal
 * entries; an object recurses. Content filters (prefix, anything-but, …) never match here.
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
    if (Array.isArray(pattern)) {
        const values = Array.isArray(event) ? event : [event];
        return pattern.some((p) => (p === null || typeof p !== "object") && values.some((v) => v === p));
    }
    if (pattern && typeof pattern === "object") {
        if (!event || typeof event !== "object") return false;
        return Object.entries(pattern as Record<string, unknown>).every(([k, p]) => k in (event as Record<string, unknown>) && matchesPattern(p, (event as Record<string, unknown>)[k]));
    }
    return pattern === event;
}

const TYPES = {
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    composite: "aws:cloudwatch/compositeAlarm:CompositeAlarm",
    rule: "aws:cloudwatch/eventRule:EventRule",
    target: "aws:cloudwatch/eventTarget:EventTarget",
    fn: "aws:lambda/function:Function",
    canary: "aws:synthetics/canary:Canary",
    healthCheck: "aws:route53/healthCheck:HealthCheck",
    record: "aws:route53/record:Record",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    listenerRule: "aws:lb/listenerRule:ListenerRule",
    targetGroup: "aws:lb/targetGroup:TargetGroup",
    invokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
    regionSwitch: "aws:arcregionswitch/plan:Plan",
} as const;

/**
 * @param order the Region registry's order (the failover order); Regions it does not name follow
 * in stack order. @default stack order
 */
export function buildModel(stacks: readonly DrillStack[], order: readonly string[] = []): DrillModel {
    const planned = stacks.map((s) => s.region);
    const regions = [...order.filter((r) => planned.includes(r)), ...planned.filter((r) => !order.includes(r))];
    const primary = stacks.find((s) => s.role === "primary")?.region ?? regions[0];
    const all = stacks.flatMap((s) => s.resources.map((r) => ({ r, stack: s.stack, region: str(r.inputs.region) ?? s.region, stackRegion: s.region })));
    const byUrn = new Map(all.map((x) => [x.r.urn, { resource: x.r, region: x.region, stack: x.stack }]));
    const of = (type: string) => all.filter((x) => x.r.type === type);
    const dep = (r: PlannedResource, key: string, type?: string) => (r.propertyDependencies[key] ?? []).find((u) => !type || byUrn.get(u)?.resource.type === type);

    const alarms: MetricAlarmRecord[] = of(TYPES.alarm).map(({ r, stack, region }) => ({
        name: str(r.inputs.name) ?? r.name,
        region,
        stack,
        namespace: str(r.inputs.namespace) ?? "",
        metricName: str(r.inputs.metricName) ?? "",
        dimensions: Object.fromEntries(Object.entries((r.inputs.dimensions as Record<string, unknown>) ?? {}).map(([k, v]) => [k, String(v)])),
        period: num(r.inputs.period, 60),
        evaluationPeriods: num(r.inputs.evaluationPeriods, 1),
        datapointsToAlarm: num(r.inputs.datapointsToAlarm, num(r.inputs.evaluationPeriods, 1)),
        threshold: num(r.inputs.threshold, 0),
        comparisonOperator: str(r.inputs.comparisonOperator) ?? "GreaterThanThreshold",
        treatMissingData: str(r.inputs.treatMissingData) ?? "missing",
        alarmActions: strs(r.inputs.alarmActions),
        okActions: strs(r.inputs.okActions),
    }));
    const composites: CompositeAlarmRecord[] = of(TYPES.composite).map(({ r, stack, region }) => ({
        name: str(r.inputs.alarmName) ?? r.name,
        region,
        stack,
        expression: str(r.inputs.alarmRule) ?? "FALSE",
        rule: parseAlarmRule(str(r.inputs.alarmRule) ?? "FALSE", str(r.inputs.alarmName) ?? r.name),
        alarmActions: strs(r.inputs.alarmActions),
        okActions: strs(r.inputs.okActions),
    }));
    const ruleUrns = new Map<string, EventTargetRecord[]>();
    for (const { r } of of(TYPES.target)) {
        const ruleUrn = dep(r, "rule", TYPES.rule);
        const arn = str(r.inputs.arn) ?? "";
        const functionUrn = dep(r, "arn", TYPES.fn);
        const bus = /^arn:aws[^:]*:events:([^:]+):[^:]*:event-bus\//.exec(arn);
        const target: EventTargetRecord = { arn, ...(functionUrn ? { functionUrn } : {}), ...(bus ? { busRegion: bus[1] } : {}) };
        // A rule is named by its URN when the plan links it, else by name within the target's Region.
        const key = ruleUrn ?? `name:${byUrn.get(r.urn)?.region}:${str(r.inputs.rule)}`;
        ruleUrns.set(key, [...(ruleUrns.get(key) ?? []), target]);
    }
    const rules: EventRuleRecord[] = of(TYPES.rule).map(({ r, stack, region }) => {
        const name = str(r.inputs.name) ?? r.name;
        let pattern: unknown = undefined;
        try {
            pattern = r.inputs.eventPattern === undefined ? undefined : JSON.parse(String(r.inputs.eventPattern));
        } catch {
            pattern = undefined;
        }
        return { name, region, stack, pattern, targets: [...(ruleUrns.get(r.urn) ?? []), ...(ruleUrns.get(`name:${region}:${name}`) ?? [])] };
    });
    const functions: FunctionRecord[] = of(TYPES.fn).map(({ r, stack, region }) => {
        const name = str(r.inputs.name) ?? r.name;
        const invokeConfig = of(TYPES.invokeConfig).find((c) => (c.r.propertyDependencies.functionName ?? []).includes(r.urn) || (c.region === region && str(c.r.inputs.functionName) === name));
        return {
            urn: r.urn,
            name,
            region,
            stack,
            env: Object.fromEntries(Object.entries(((r.inputs.environment as { variables?: Record<string, unknown> } | undefined)?.variables ?? {})).map(([k, v]) => [k, String(v)])),
            asyncRetries: num(invokeConfig?.r.inputs.maximumRetryAttempts, LAMBDA_DEFAULT_ASYNC_RETRIES),
        };
    });
    const canaries: CanaryRecord[] = of(TYPES.canary).map(({ r, stack, region }) => {
        const run = (r.inputs.runConfig as { environmentVariables?: Record<string, unknown> } | undefined) ?? {};
        const url = str(run.environmentVariables?.PROBE_URL) ?? str(run.environmentVariables?.URL);
        return {
            name: str(r.inputs.name) ?? r.name,
            region,
            stack,
            ...(url ? { url } : {}),
            rateSeconds: rateSeconds(str((r.inputs.schedule as { expression?: unknown } | undefined)?.expression)),
            inVpc: r.inputs.vpcConfig !== undefined && r.inputs.vpcConfig !== null,
        };
    });

    // Health checks are named by id elsewhere (records, alarm dimensions); the plan links an id to
    // its check through the propertyDependencies of whichever input carried it.
    const idsOf = new Map<string, Set<string>>();
    for (const { r } of all) {
        const id = str(r.inputs.healthCheckId);
        const urn = dep(r, "healthCheckId", TYPES.healthCheck);
        if (id && urn) idsOf.set(urn, new Set([...(idsOf.get(urn) ?? []), id]));
    }
    const healthChecks: HealthCheckRecord[] = of(TYPES.healthCheck).map(({ r, stack }) => ({
        urn: r.urn,
        stack,
        ids: [...(idsOf.get(r.urn) ?? [])],
        ...(str(r.inputs.fqdn) ? { fqdn: str(r.inputs.fqdn) } : {}),
        ...(dep(r, "fqdn", TYPES.lb) ? { targetUrn: dep(r, "fqdn", TYPES.lb) } : {}),
        requestInterval: num(r.inputs.requestInterval, R53_DEFAULT_INTERVAL),
        failureThreshold: num(r.inputs.failureThreshold, R53_DEFAULT_THRESHOLD),
        regions: strs(r.inputs.regions),
    }));
    const records: RecordRecord[] = of(TYPES.record).map(({ r, stack, stackRegion }) => {
        const policy = (r.inputs.latencyRoutingPolicies as { region?: unknown }[] | undefined)?.[0];
        const aliasDeps = (r.propertyDependencies.aliases ?? []).filter((u) => byUrn.get(u)?.resource.type === TYPES.lb);
        return {
            urn: r.urn,
            stack,
            region: stackRegion,
            name: stripDot(str(r.inputs.name) ?? ""),
            ...(policy && str(policy.region) ? { latencyRegion: str(policy.region) } : {}),
            ...(str(r.inputs.healthCheckId) ? { healthCheckId: str(r.inputs.healthCheckId) } : {}),
            aliases: ((r.inputs.aliases as { name?: unknown; evaluateTargetHealth?: unknown }[] | undefined) ?? []).map((a) => ({
                name: stripDot(str(a.name) ?? ""),
                evaluateTargetHealth: a.evaluateTargetHealth === true,
                // Only an alias to a load balancer carries its URN; an alias to another record does not.
                ...(aliasDeps.length === 1 && /\.elb\.|amazonaws\.com$/.test(str(a.name) ?? "") ? { targetUrn: aliasDeps[0] } : {}),
            })),
            ...(r.inputs.ttl !== undefined ? { ttl: num(r.inputs.ttl, 0) } : {}),
        };
    });
    const dnsOf = new Map<string, Set<string>>();
    const addDns = (urn: string | undefined, name: string | undefined) => {
        if (urn && name) dnsOf.set(urn, new Set([...(dnsOf.get(urn) ?? []), stripDot(name)]));
    };
    for (const h of healthChecks) addDns(h.targetUrn, h.fqdn);
    for (const rec of records) for (const a of rec.aliases) addDns(a.targetUrn, a.name);
    const targetHealthOf = (lbUrn: string): number | undefined => {
        const listeners = of(TYPES.listener).filter((l) => (l.r.propertyDependencies.loadBalancerArn ?? []).includes(lbUrn));
        // An NLB forwards in its default action; an ALB (default 403) in its listener rules.
        const rules = of(TYPES.listenerRule).filter((x) => listeners.some((l) => (x.r.propertyDependencies.listenerArn ?? []).includes(l.r.urn)));
        const groups = [...listeners.map((l) => l.r.propertyDependencies.defaultActions ?? []), ...rules.map((x) => x.r.propertyDependencies.actions ?? [])]
            .flat()
            .map((u) => byUrn.get(u)?.resource)
            .filter((g, i, all): g is PlannedResource => g?.type === TYPES.targetGroup && all.indexOf(g) === i);
        const seconds = groups.map((g) => {
            const hc = (g.inputs.healthCheck as { interval?: unknown; unhealthyThreshold?: unknown } | undefined) ?? {};
            return num(hc.interval, TG_DEFAULT_INTERVAL) * num(hc.unhealthyThreshold, TG_DEFAULT_UNHEALTHY);
        });
        return seconds.length > 0 ? Math.min(...seconds) : undefined;
    };
    const loadBalancers: LoadBalancerRecord[] = of(TYPES.lb).map(({ r, stack, region }) => {
        const targetHealthSeconds = targetHealthOf(r.urn);
        return {
            urn: r.urn,
            region,
            stack,
            dnsNames: [...(dnsOf.get(r.urn) ?? [])],
            securityGroupUrns: r.propertyDependencies.securityGroups ?? [],
            ...(targetHealthSeconds !== undefined ? { targetHealthSeconds } : {}),
        };
    });

    const declared = stacks.find((s) => s.region === primary)?.outputs?.failoverOrder;
    const failoverOrder = Array.isArray(declared) && declared.every((x) => typeof x === "string") ? (declared as string[]) : regions.filter((r) => r !== primary);
    return {
        regions,
        failoverOrder,
        primary,
        stacks,
        alarms,
        composites,
        rules,
        functions,
        canaries,
        healthChecks,
        records,
        loadBalancers,
        stores: planStores(all, primary),
        regionSwitchPlans: of(TYPES.regionSwitch).map(({ r, stack, stackRegion }) => regionSwitchPlan(r, stack, stackRegion)),
        byUrn,
    };
}

type Located = { readonly r: PlannedResource; readonly region: string; readonly stackRegion: string };

/** Who writes each store, from the global parents and their members. */
function planStores(all: readonly Located[], primary: string): StoreRecord[] {
    const of = (type: string) => all.filter((x) => x.r.type === type);
    const stores: StoreRecord[] = [];
    const uniq = (xs: string[]) => [...new Set(xs)];
    const global = (kind: StoreKind, parentType: string, memberType: string, joinField: string) => {
        const parents = of(parentType);
        if (parents.length === 0) return;
        const members = of(memberType).filter((m) => str(m.r.inputs[joinField]) !== undefined || m.region === parents[0].region);
        stores.push({
            kind,
            // The global parent is declared where its first writer lives.
            writer: parents[0].region,
            members: uniq([parents[0].region, ...members.map((m) => m.region)]),
            // Only global write forwarding crosses Regions; enableLocalWriteForwarding forwards from a
            // reader instance to its own cluster's writer, within one Region.
            forwarding: uniq(members.filter((m) => m.region !== parents[0].region && m.r.inputs.enableGlobalWriteForwarding === true).map((m) => m.region)),
        });
    };
    global("aurora", "aws:rds/globalCluster:GlobalCluster", "aws:rds/cluster:Cluster", "globalClusterIdentifier");
    global("docdb", "aws:docdb/globalCluster:GlobalCluster", "aws:docdb/cluster:Cluster", "globalClusterIdentifier");
    global("elasticache", "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup", "aws:elasticache/replicationGroup:ReplicationGroup", "globalReplicationGroupId");
    const dsql = of("aws:dsql/cluster:Cluster").filter((x) => x.r.inputs.multiRegionProperties !== undefined);
    if (dsql.length > 0) {
        const witness = str((dsql[0].r.inputs.multiRegionProperties as { witnessRegion?: unknown }).witnessRegion);
        stores.push({ kind: "dsql", members: uniq(dsql.map((x) => x.region)), forwarding: [], ...(witness ? { witness } : {}) });
    }
    const ddb = [
        ...of("aws:dynamodb/table:Table").filter((x) => x.r.inputs.streamEnabled === true || (Array.isArray(x.r.inputs.replicas) && x.r.inputs.replicas.length > 0)),
        ...of("aws:dynamodb/tableReplica:TableReplica"),
    ];
    if (of("aws:dynamodb/tableReplica:TableReplica").length > 0 || ddb.some((x) => Array.isArray(x.r.inputs.replicas) && x.r.inputs.replicas.length > 0)) {
        stores.push({ kind: "dynamodb", members: uniq(ddb.map((x) => x.region)), forwarding: [] });
    }
    const msk = of("aws:msk/cluster:Cluster");
    if (msk.length > 0) stores.push({ kind: "msk", members: uniq(msk.map((x) => x.region)), forwarding: [] });
    // S3: the Regions holding a bucket that takes part in cross-Region replication (source or destination).
    const repl = of("aws:s3/bucketReplicationConfig:BucketReplicationConfig");
    if (repl.length > 0) {
        const dest = repl.flatMap((x) => ((x.r.inputs.rules as { destination?: { bucket?: unknown } }[] | undefined) ?? []).map((rule) => str(rule.destination?.bucket)));
        const destRegions = of("aws:s3/bucket:Bucket").filter((b) => dest.some((d) => d?.endsWith(`:::${str(b.r.inputs.bucket)}`))).map((b) => b.region);
        stores.push({ kind: "s3", members: uniq([...repl.map((x) => x.region), ...destRegions]), forwarding: [] });
    }
    void primary;
    return stores;
}
