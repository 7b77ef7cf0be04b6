/**
 * Which CloudWatch Logs export the audit archive runs next (components/security/audit-archive.ts).
 * Pure: the handler feeds it the clock, the audit log groups and the account's export tasks.
 *
 * Why periodic export and not a subscription through Firehose: CreateExportTask is the one path
 * AWS documents as writing into an S3 bucket under Object Lock with a retention period
 * ("Exporting log data to Amazon S3 buckets that have S3 Object Lock enabled with a retention
 * period is also supported", API_CreateExportTask); Firehose documents nothing either way, and
 * S3 refuses an upload into a retention bucket that lacks a checksum header. The price is a delay:
 * a day is exported once its logs are complete.
 *
 * An account runs one export task at a time ("one active (RUNNING or PENDING) export task at a
 * time"), so each invocation starts at most one: the oldest missing (group, day) of the look-back
 * window. Progress is the export tasks themselves: a (group, day) is done when a task of its name
 * completed, and retried when the task failed or was cancelled. Log data can take up to 12 hours to
 * become available for export, so a day is exported only 12 hours after it ends.
 */

/** One audit-class log group this archive exports. */
export interface AuditGroup {
    readonly logGroupName: string;
}

/** The parts of a DescribeExportTasks entry this planner reads. */
export interface ExportTaskView {
    readonly taskName?: string;
    /** PENDING, RUNNING, COMPLETED, CANCELLED, FAILED, PENDING_CANCEL. */
    readonly status?: string;
}

export interface ExportRequest {
    readonly taskName: string;
    readonly logGroupName: string;
    /** Milliseconds since the epoch, inclusive. */
    readonly from: number;
    /** Milliseconds since the epoch, inclusive (CreateExportTask exports events up to and at `to`). */
    readonly to: number;
    readonly destinationPrefix: string;
}

export type ExportDecision =
    | { readonly kind: "start"; readonly request: ExportRequest }
    | { readonly kind: "busy"; readonly running: string }
    | { readonly kind: "done" };

export const DAY_MS = 24 * 60 * 60 * 1000;
/** How long after a day ends its logs are complete enough to export (AWS: up to 12 hours). */
export const SETTLE_MS = 12 * 60 * 60 * 1000;
/** Days looked back: a day missed (a failed task, an outage of the schedule) is retried this long. */
export const LOOKBACK_DAYS = 7;
/** Failed or cancelled exports of one (group, day) before it is skipped (and the exporter's error alarm has fired): one bad day must not block the rest. */
export const MAX_ATTEMPTS = 3;

const ACTIVE = new Set(["PENDING", "RUNNING", "PENDING_CANCEL"]);

/** `/aws/eks/mall-us-east-1/cluster` → `aws-eks-mall-us-east-1-cluster`: a key prefix and task-name part. */
export function groupSlug(logGroupName: string): string {
    return logGroupName.replace(/^\/+/, "").replace(/[^A-Za-z0-9._-]+/g, "-");
}

/** UTC day `yyyy-mm-dd` of a timestamp. */
export function dayOf(ms: number): string {
    return new Date(ms).toISOString().slice(0, 10);
}

/** The export of one group's one UTC day: its task name, window and key prefix (`<group>/<yyyy>/<mm>/<dd>`). */
export function exportOf(group: AuditGroup, dayStart: number): ExportRequest {
    const day = dayOf(dayStart);
    const slug = groupSlug(group.logGroupName);
    return {
        taskName: `audit-${day}-${slug}`.slice(0, 512),
        logGroupName: group.logGroupName,
        from: dayStart,
        to: dayStart + DAY_MS - 1,
        destinationPrefix: `${slug}/${day.replace(/-/g, "/")}`,
    };
}

/** The settled days of the window, oldest first (day starts, UTC midnight). */
export function settledDays(now: number, lookbackDays = LOOKBACK_DAYS): number[] {
    const lastSettled = Math.floor((now - SETTLE_MS) / DAY_MS) * DAY_MS - DAY_MS;
    return Array.from({ length: lookbackDays }, (_, i) => lastSettled - (lookbackDays - 1 - i) * DAY_MS);
}

/** Per task name: whether an export of it completed, and how often one failed or was cancelled. */
function outcomes(tasks: readonly ExportTaskView[]): { completed: Set<string | undefined>; failures: Map<string, number> } {
    const completed = new Set(tasks.filter((t) => t.status === "COMPLETED").map((t) => t.taskName));
    const failures = new Map<string, number>();
    for (const t of tasks) if ((t.status === "FAILED" || t.status === "CANCELLED") && t.taskName) failures.set(t.taskName, (failures.get(t.taskName) ?? 0) + 1);
    return { completed, failures };
}

/** The next export to start, or why none starts now. */
export function nextExport(now: number, groups: readonly AuditGroup[], tasks: readonly ExportTaskView[], lookbackDays = LOOKBACK_DAYS): ExportDecision {
    const running = tasks.find((t) => t.status !== undefined && ACTIVE.has(t.status));
    if (running) return { kind: "busy", running: running.taskName ?? "(unnamed)" };
    const { completed, failures } = outcomes(tasks);
    const ordered = [...groups].sort((a, b) => (a.logGroupName < b.logGroupName ? -1 : a.logGroupName > b.logGroupName ? 1 : 0));
    for (const day of settledDays(now, lookbackDays)) {
        for (const group of ordered) {
            const request = exportOf(group, day);
            if (!completed.has(request.taskName) && (failures.get(request.taskName) ?? 0) < MAX_ATTEMPTS) return { kind: "start", request };
        }
    }
    return { kind: "done" };
}

/** The (group, day) exports of the window that failed MAX_ATTEMPTS times and are skipped: the handler fails the run for them, which the exporter's error alarm reports. */
export function exhausted(now: number, groups: readonly AuditGroup[], tasks: readonly ExportTaskView[], lookbackDays = LOOKBACK_DAYS): string[] {
    const { completed, failures } = outcomes(tasks);
    return settledDays(now, lookbackDays).flatMap((day) =>
        groups.map((g) => exportOf(g, day).taskName).filter((name) => !completed.has(name) && (failures.get(name) ?? 0) >= MAX_ATTEMPTS),
    );
}
