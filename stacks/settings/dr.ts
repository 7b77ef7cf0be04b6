/**
 * DR automation and observability settings of one region stack (ARCHITECTURE §6-7). Defaults are
 * the architecture's figures.
 */
import { DEFAULT_LOG_RETENTION_DAYS } from "../../components/common/logs";
import type { DrAutomationSettings } from "../../components/dr/automation";
import { ConfigReader } from "./reader";
import { EXPERIMENT_KEYS } from "../../components/dr/experiments";
import { LOG_RETENTION_DAYS } from "./network";

/** The failover pipeline's settings are DrAutomation's own; tracing adds two. */
export interface DrSettings extends DrAutomationSettings {
    /** Drills EventBridge Scheduler runs: experiment key → schedule expression (UTC). @default {} in production, a weekly injected-latency drill elsewhere */
    readonly drillSchedules: Readonly<Record<string, string>>;
    /** Tail sampling: share of ordinary (fast, successful) traces kept, in percent. @default 10 */
    readonly traceSamplePercent: number;
    /** Tail sampling: traces slower than this are always kept. @default 500 */
    readonly traceLatencyThresholdMs: number;
}

export const CANARY_RUNTIME = /^syn-nodejs-[a-z0-9.-]+$/;
/** An email address, or an HTTPS URL: what the DR topic pages. */
export const PAGING_ENDPOINT = /^([^@\s]+@[^@\s]+\.[a-z]{2,}|https:\/\/[^\s/]+(\/\S*)?)$/i;

export function readDr(r: ConfigReader, environment: string): DrSettings {
    const enableAutoFailover = r.boolean("mall:enableAutoFailover", environment === "production");
    const failoverDryRun = r.boolean("mall:failoverDryRun", false);
    const failoverMaxAttempts = r.number("mall:failoverMaxAttempts", { default: 3, min: 1, max: 10 });
    const drLogRetentionDays = r.number("mall:drLogRetentionDays", { default: DEFAULT_LOG_RETENTION_DAYS, min: 1 });
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(drLogRetentionDays)) {
        r.problem(`mall:drLogRetentionDays ${drLogRetentionDays} is not a CloudWatch Logs retention; use one of ${LOG_RETENTION_DAYS.join(", ")}`);
    }
    const canaryRuntime = r.string("mall:canaryRuntime", {
        default: "syn-nodejs-puppeteer-9.1",
        pattern: CANARY_RUNTIME,
        describe: "a Node.js Synthetics runtime such as syn-nodejs-puppeteer-9.1 (the canary script is Node.js)",
    });
    const canaryRateMinutes = r.number("mall:canaryRateMinutes", { default: 1, min: 1, max: 60 });
    const canaryAlarmPeriods = r.number("mall:canaryAlarmPeriods", { default: 2, min: 1, max: 10 });
    const traceSamplePercent = r.number("mall:traceSamplePercent", { default: 10, min: 0, max: 100, integer: false });
    const traceLatencyThresholdMs = r.number("mall:traceLatencyThresholdMs", { default: 500, min: 1 });
    const drillSchedules = readDrillSchedules(r, environment);
    const notifications = r.stringList("mall:drNotifications", [], { pattern: PAGING_ENDPOINT, describe: "an email address or an https:// URL (PagerDuty's or Opsgenie's SNS endpoint)" });
    return {
        enableAutoFailover,
        failoverDryRun,
        failoverMaxAttempts,
        drLogRetentionDays,
        canaryRuntime,
        canaryRateMinutes,
        canaryAlarmPeriods,
        traceSamplePercent,
        traceLatencyThresholdMs,
        notifications,
        drillSchedules,
    };
}

/** `rate(<n> minutes|hours|days)`, `cron(<6 fields>)` or `at(<yyyy-mm-ddThh:mm:ss>)`: what EventBridge Scheduler accepts. */
export const SCHEDULE_EXPRESSION = /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(\S+ \S+ \S+ \S+ \S+ \S+\)|at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\))$/;
export const DRILL_SCHEDULES_KEY = "mall:drillSchedules";
/** Outside production a weekly latency drill keeps the stop conditions and the runbook exercised. */
export const NON_PRODUCTION_DRILLS: Readonly<Record<string, string>> = { "injected-latency": "rate(7 days)" };

function readDrillSchedules(r: ConfigReader, environment: string): Record<string, string> {
    const defaults = environment === "production" ? {} : NON_PRODUCTION_DRILLS;
    const raw = r.json(DRILL_SCHEDULES_KEY, { default: `none in production; elsewhere ${Object.entries(NON_PRODUCTION_DRILLS).map(([k, v]) => `${k} ${v}`).join(", ")}` });
    if (raw === undefined) return { ...defaults };
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        r.problem(`${DRILL_SCHEDULES_KEY} must be a map of experiment key to schedule expression, e.g. { injected-latency: "rate(7 days)" }`);
        return { ...defaults };
    }
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
        if (!(EXPERIMENT_KEYS as readonly string[]).includes(key)) {
            r.problem(`${DRILL_SCHEDULES_KEY}.${key} is not a drill; drills: ${EXPERIMENT_KEYS.join(", ")}`);
        } else if (typeof value !== "string" || !SCHEDULE_EXPRESSION.test(value)) {
            r.problem(`${DRILL_SCHEDULES_KEY}.${key} "${String(value)}" is not a schedule expression; use rate(7 days), cron(0 10 ? * TUE *) or at(2027-01-15T10:00:00) (UTC)`);
        } else {
            out[key] = value;
        }
    }
    return out;
}
