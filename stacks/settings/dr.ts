/**
 * DR automation and observability settings of one region stack (ARCHITECTURE §6-7). Defaults are
 * the architecture's figures.
 */
import { DEFAULT_LOG_RETENTION_DAYS } from "../../components/common/logs";
import type { DrAutomationSettings } from "../../components/dr/automation";
import { ConfigReader } from "./reader";
import { LOG_RETENTION_DAYS } from "./network";

/** The failover pipeline's settings are DrAutomation's own; tracing adds two. */
export interface DrSettings extends DrAutomationSettings {
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
    };
}
