/**
 * The failover function's core (docs/dr.md): decide whether an event should act and how, promote
 * every configured member in parallel, notify operations through SNS, and fail the invocation
 * when any member failed so Lambda's asynchronous retries run it again. Region switch promotes
 * Aurora and DocumentDB with its own blocks; this function covers the store it has no block for
 * (the ElastiCache global datastore).
 *
 * Three callers: a Region switch execution (a graceful one: Region switch skips Lambda steps in
 * ungraceful executions), the decision alarm's EventBridge rule (the primary Region is lost), and
 * an operator. Idempotency is the design centre: every attempt first asks the store who the
 * primary is, so a retry, a second caller or a second execution never starts a second promotion.
 */
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";

export type StoreKind = "elasticache";
/** `failover`: unplanned, the old primary is gone (data loss allowed). `switchover`: planned, both regions healthy (drills, failback). */
export type Mode = "failover" | "switchover";

export interface FailoverConfig {
    readonly store: StoreKind;
    /** ENABLE_AUTO_FAILOVER: whether an alarm alone may fail over. */
    readonly enabled: boolean;
    readonly dryRun: boolean;
    /** The surviving region this function runs in, which becomes primary. */
    readonly region: string;
    readonly topicArn: string;
    readonly maxAttempts: number;
    readonly retryDelayMs: number;
}

export class ConfigurationError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ConfigurationError";
    }
}

function flag(env: NodeJS.ProcessEnv, key: string): boolean {
    const v = env[key];
    if (v !== "true" && v !== "false") throw new ConfigurationError(`${key} must be "true" or "false"; it is ${JSON.stringify(v)}`);
    return v === "true";
}

function required(env: NodeJS.ProcessEnv, key: string): string {
    const v = env[key];
    if (!v) throw new ConfigurationError(`${key} is not set`);
    return v;
}

export function readConfig(env: NodeJS.ProcessEnv): FailoverConfig {
    const store = required(env, "FAILOVER_STORE");
    if (store !== "elasticache") throw new ConfigurationError(`FAILOVER_STORE must be elasticache (Region switch promotes Aurora and DocumentDB itself); it is "${store}"`);
    const maxAttempts = Number(env.MAX_ATTEMPTS ?? "3");
    const retryDelayMs = Number(env.RETRY_DELAY_MS ?? "2000");
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new ConfigurationError(`MAX_ATTEMPTS must be a positive integer; it is "${env.MAX_ATTEMPTS}"`);
    if (!Number.isFinite(retryDelayMs) || retryDelayMs < 0) throw new ConfigurationError(`RETRY_DELAY_MS must be a non-negative number; it is "${env.RETRY_DELAY_MS}"`);
    return {
        store,
        enabled: flag(env, "ENABLE_AUTO_FAILOVER"),
        dryRun: flag(env, "DRY_RUN"),
        region: required(env, "TARGET_REGION"),
        topicArn: required(env, "TOPIC_ARN"),
        maxAttempts,
        retryDelayMs,
    };
}

/** Parses the TARGETS JSON array, checking every entry has the listed string fields. */
export function readTargets<K extends string>(env: NodeJS.ProcessEnv, fields: readonly K[]): Record<K, string>[] {
    const raw = required(env, "TARGETS");
    let parsed: unknown;
    try {
        parsed = JSON.parse(raw);
    } catch {
        throw new ConfigurationError(`TARGETS is not JSON: ${raw.slice(0, 80)}`);
    }
    if (!Array.isArray(parsed)) throw new ConfigurationError("TARGETS must be a JSON array");
    return parsed.map((t, i) => {
        for (const f of fields) {
            if (typeof t?.[f] !== "string" || t[f] === "") throw new ConfigurationError(`TARGETS[${i}].${f} must be a non-empty string`);
        }
        return t as Record<K, string>;
    });
}

/** An operator's explicit request (`aws lambda invoke --payload …`), see docs/dr.md. */
export interface OperatorRequest {
    readonly operator: {
        /** Must equal the function's region: a typo cannot promote the wrong region. */
        readonly confirmRegion: string;
        /** @default "failover" */
        readonly mode?: Mode;
        /** Forces a dry run even when DRY_RUN is false; it can never turn a configured dry run off. */
        readonly dryRun?: boolean;
        readonly reason?: string;
    };
}

export interface Decision {
    readonly act: boolean;
    readonly reason: string;
    readonly mode: Mode;
    readonly dryRun: boolean;
    /** What triggered the invocation, for the notification. */
    readonly trigger: string;
    /** The alarm whose state change this is: re-read before acting (the event may be stale or forged). */
    readonly alarmName?: string;
    /**
     * The caller counts the invocation done only when every member is primary (a Region switch
     * step: the promotion is asynchronous, so an accepted call is not yet a promoted store, and
     * Region switch runs a failed step again at its retry interval). @default false
     */
    readonly untilPrimary?: boolean;
}

interface AlarmEvent {
    readonly source: "aws.cloudwatch";
    readonly "detail-type": "CloudWatch Alarm State Change";
    readonly region?: string;
    readonly detail: { readonly alarmName: string; readonly state: { readonly value: string } };
}

function isAlarmEvent(e: unknown): e is AlarmEvent {
    const x = e as Partial<AlarmEvent> | undefined;
    return x?.source === "aws.cloudwatch" && x["detail-type"] === "CloudWatch Alarm State Change" && typeof x.detail?.alarmName === "string";
}

/**
 * What Region switch sends a CustomActionLambda step: the execution metadata at the top level
 * (API_Lambdas: `InvokedBy`, `PlanArn`, `ExecutionId`, `StepName`).
 */
interface RegionSwitchInvocation {
    readonly PlanArn: string;
    readonly ExecutionId: string;
    readonly StepName?: string;
    readonly InvokedBy?: string;
}

function isRegionSwitchInvocation(e: unknown): e is RegionSwitchInvocation {
    const x = e as Partial<RegionSwitchInvocation> | undefined;
    return typeof x?.PlanArn === "string" && x.PlanArn.includes(":plan/") && typeof x.ExecutionId === "string";
}

function isOperatorRequest(e: unknown): e is OperatorRequest {
    return typeof (e as Partial<OperatorRequest> | undefined)?.operator?.confirmRegion === "string";
}

/**
 * Alarm events act only when ENABLE_AUTO_FAILOVER is on and the alarm entered ALARM, as a failover
 * (the primary Region is lost). A Region switch execution acts as a switchover: it runs this step
 * only when graceful, and it was started by its trigger (absent when the flag is off) or by a
 * person. An operator request acts whatever the flag says (the flag guards *automatic* failover;
 * a person deciding is the manual path), but only when it names this region.
 */
export function decide(event: unknown, cfg: FailoverConfig): Decision {
    if (isRegionSwitchInvocation(event)) {
        const trigger = `Region switch plan ${event.PlanArn} execution ${event.ExecutionId}${event.StepName ? ` step ${event.StepName}` : ""}${event.InvokedBy ? ` (${event.InvokedBy})` : ""}`;
        return { act: true, reason: "Region switch execution (graceful)", mode: "switchover", dryRun: cfg.dryRun, trigger, untilPrimary: true };
    }
    if (isAlarmEvent(event)) {
        const trigger = `alarm ${event.detail.alarmName} (${event.region ?? "unknown region"}) is ${event.detail.state.value}`;
        const base = { mode: "failover" as const, dryRun: cfg.dryRun, trigger, alarmName: event.detail.alarmName };
        if (event.detail.state.value !== "ALARM") return { ...base, act: false, reason: "the alarm did not enter ALARM" };
        if (!cfg.enabled) return { ...base, act: false, reason: "ENABLE_AUTO_FAILOVER is false: automatic failover is off; an operator can run it by hand (docs/dr.md)" };
        return { ...base, act: true, reason: "automatic failover" };
    }
    if (isOperatorRequest(event)) {
        const op = event.operator;
        const mode = op.mode ?? "failover";
        const trigger = `operator request${op.reason ? `: ${op.reason}` : ""}`;
        const dryRun = cfg.dryRun || op.dryRun === true;
        if (mode !== "failover" && mode !== "switchover") return { act: false, reason: `mode "${String(mode)}" is not failover or switchover`, mode: "failover", dryRun, trigger };
        if (op.confirmRegion !== cfg.region) {
            return { act: false, reason: `confirmRegion "${op.confirmRegion}" is not this function's region ${cfg.region}`, mode, dryRun, trigger };
        }
        return { act: true, reason: "operator request", mode, dryRun, trigger };
    }
    return { act: false, reason: "the event is neither a CloudWatch alarm state change, a Region switch execution nor an operator request", mode: "failover", dryRun: cfg.dryRun, trigger: "unrecognised event" };
}

/** Where a store's member in this region stands. */
export type MemberState =
    | { readonly kind: "primary"; readonly detail: string }
    | { readonly kind: "in-progress"; readonly detail: string }
    | { readonly kind: "secondary"; readonly detail: string };

/** One store kind's API, behind which the SDK clients sit. */
export interface StoreAdapter<T> {
    label(target: T): string;
    state(target: T): Promise<MemberState>;
    /** The mutating request for `mode`, as sent (and as logged in a dry run). */
    request(target: T, mode: Mode): { readonly command: string; readonly input: Record<string, unknown> };
    promote(target: T, mode: Mode): Promise<void>;
}

export type Outcome = "promoted" | "already-primary" | "in-progress" | "would-promote" | "failed";

export interface TargetResult {
    readonly target: string;
    readonly outcome: Outcome;
    readonly detail: string;
    readonly attempts: number;
}

export interface Report {
    readonly store: StoreKind;
    readonly region: string;
    readonly acted: boolean;
    readonly reason: string;
    readonly mode: Mode;
    readonly dryRun: boolean;
    readonly trigger: string;
    readonly results: readonly TargetResult[];
}

export class PartialFailureError extends Error {
    constructor(readonly report: Report) {
        const failed = report.results.filter((r) => r.outcome === "failed");
        super(`${report.store} ${report.mode} to ${report.region}: ${failed.length} of ${report.results.length} failed: ${failed.map((f) => `${f.target}: ${f.detail}`).join("; ")}`);
        this.name = "PartialFailureError";
    }
}

export interface Deps {
    readonly sns: SNSClient;
    /** The alarm's state now (`ALARM`, `OK`, `INSUFFICIENT_DATA`), or undefined when there is no such alarm. */
    readonly alarmState?: (alarmName: string) => Promise<string | undefined>;
    readonly sleep: (ms: number) => Promise<void>;
    readonly log: (line: Record<string, unknown>) => void;
}

function message(e: unknown): string {
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

async function promoteOne<T>(adapter: StoreAdapter<T>, target: T, cfg: FailoverConfig, d: Decision, deps: Deps): Promise<TargetResult> {
    const label = adapter.label(target);
    let lastError = "";
    for (let attempt = 1; attempt <= cfg.maxAttempts; attempt++) {
        try {
            // Re-read the state on every attempt: a call that timed out may have started the failover.
            const state = await adapter.state(target);
            if (state.kind === "primary") return { target: label, outcome: attempt === 1 ? "already-primary" : "promoted", detail: state.detail, attempts: attempt };
            if (state.kind === "in-progress") return { target: label, outcome: "in-progress", detail: state.detail, attempts: attempt };
            const req = adapter.request(target, d.mode);
            if (d.dryRun) {
                deps.log({ msg: "dry run: would call", target: label, ...req });
                return { target: label, outcome: "would-promote", detail: `would call ${req.command} ${JSON.stringify(req.input)}`, attempts: attempt };
            }
            deps.log({ msg: "calling", target: label, attempt, ...req });
            await adapter.promote(target, d.mode);
            return { target: label, outcome: "promoted", detail: `${req.command} accepted`, attempts: attempt };
        } catch (e) {
            lastError = message(e);
            deps.log({ msg: "attempt failed", target: label, attempt, error: lastError });
            if (attempt < cfg.maxAttempts) await deps.sleep(cfg.retryDelayMs * attempt);
        }
    }
    return { target: label, outcome: "failed", detail: lastError, attempts: cfg.maxAttempts };
}

export function summarise(report: Report): { subject: string; message: string } {
    const counts = new Map<Outcome, number>();
    for (const r of report.results) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
    const tally = [...counts.entries()].map(([k, n]) => `${n} ${k}`).join(", ");
    const status = !report.acted ? "skipped" : report.results.some((r) => r.outcome === "failed") ? "FAILED" : report.dryRun ? "dry run" : "ok";
    // SNS subjects: ASCII, at most 100 characters.
    const subject = `[DR ${status}] ${report.store} ${report.mode} to ${report.region}${tally ? `: ${tally}` : ""}`.slice(0, 100);
    const lines = [
        `${report.store} ${report.mode} into ${report.region}${report.dryRun ? " (DRY RUN: nothing was changed)" : ""}`,
        `trigger: ${report.trigger}`,
        `decision: ${report.acted ? "act" : "skip"} (${report.reason})`,
        ...report.results.map((r) => `- ${r.target}: ${r.outcome} after ${r.attempts} attempt(s): ${r.detail}`),
    ];
    if (report.results.some((r) => r.outcome === "failed")) lines.push("", "Failed members are retried by Lambda; if retries fail, follow docs/dr.md (manual failover).");
    return { subject, message: `${lines.join("\n")}\n\n${JSON.stringify(report)}` };
}

/**
 * Runs one store's failover for every target in parallel, notifies, and throws a
 * PartialFailureError when any target failed (after notifying) so Lambda retries the invocation;
 * targets that succeeded are no-ops on the retry.
 */
export async function runFailover<T>(event: unknown, cfg: FailoverConfig, targets: readonly T[], adapter: StoreAdapter<T>, deps: Deps): Promise<Report> {
    let d = decide(event, cfg);
    // An alarm event acts only while its alarm still says ALARM: a retried, delayed or forged event
    // (a child alarm set to ALARM for a moment) does not outlive the decision.
    if (d.act && d.alarmName && deps.alarmState) {
        const now = await deps.alarmState(d.alarmName);
        if (now !== "ALARM") d = { ...d, act: false, reason: `the alarm ${d.alarmName} is ${now ?? "not found"} now: the decision no longer holds` };
    }
    deps.log({ msg: "decision", store: cfg.store, region: cfg.region, ...d });
    if (!d.act) {
        // Doing nothing is the point: the alarm itself already notified the topic.
        return { store: cfg.store, region: cfg.region, acted: false, reason: d.reason, mode: d.mode, dryRun: d.dryRun, trigger: d.trigger, results: [] };
    }
    const results = await Promise.all(targets.map((t) => promoteOne(adapter, t, cfg, d, deps)));
    const report: Report = { store: cfg.store, region: cfg.region, acted: true, reason: d.reason, mode: d.mode, dryRun: d.dryRun, trigger: d.trigger, results };
    const { subject, message: body } = summarise(report);
    try {
        await deps.sns.send(new PublishCommand({ TopicArn: cfg.topicArn, Subject: subject, Message: body }));
    } catch (e) {
        // A notification failure must not hide the failover's own result; it is logged and the
        // invocation's outcome stays what the stores decided.
        deps.log({ msg: "notification failed", error: message(e) });
    }
    if (results.some((r) => r.outcome === "failed")) throw new PartialFailureError(report);
    const pending = results.filter((r) => r.outcome !== "already-primary" && r.outcome !== "would-promote");
    if (d.untilPrimary && pending.length > 0) throw new NotYetPrimaryError(report, pending);
    return report;
}

/** A Region switch step whose members are not all primary yet: Region switch runs the step again. */
export class NotYetPrimaryError extends Error {
    constructor(
        readonly report: Report,
        pending: readonly TargetResult[],
    ) {
        super(`${report.store} into ${report.region}: ${pending.map((r) => `${r.target} ${r.outcome}`).join(", ")}; not primary yet, Region switch runs this step again`);
        this.name = "NotYetPrimaryError";
    }
}
