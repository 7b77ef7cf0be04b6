/**
 * The Lambda entry point `index.handler` of the audit archive's exporter
 * (components/security/audit-archive.ts): EventBridge Scheduler invokes it every 15 minutes; it
 * starts at most one CloudWatch Logs export task (the account runs one at a time) for the oldest
 * audit-class (group, day) not yet in the archive. The groups and the bucket are in its
 * environment; the decision is `nextExport` (core.ts).
 */
import { CloudWatchLogsClient, CreateExportTaskCommand, DescribeExportTasksCommand, ExportTask, LimitExceededException } from "@aws-sdk/client-cloudwatch-logs";
import { AuditGroup, ExportDecision, ExportTaskView, MAX_ATTEMPTS, exhausted, nextExport } from "./core";

async function exportTasks(logs: CloudWatchLogsClient): Promise<ExportTaskView[]> {
    const out: ExportTaskView[] = [];
    let nextToken: string | undefined;
    do {
        const page = await logs.send(new DescribeExportTasksCommand({ nextToken, limit: 50 }));
        out.push(...(page.exportTasks ?? []).map((t: ExportTask) => ({ taskName: t.taskName, status: t.status?.code })));
        nextToken = page.nextToken;
    } while (nextToken);
    return out;
}

export async function handler(): Promise<ExportDecision> {
    const groups: AuditGroup[] = JSON.parse(process.env.AUDIT_LOG_GROUPS ?? "[]");
    const bucket = process.env.ARCHIVE_BUCKET;
    if (!bucket || groups.length === 0) throw new Error("AUDIT_LOG_GROUPS and ARCHIVE_BUCKET must be set (components/security/audit-archive.ts)");
    const logs = new CloudWatchLogsClient({});
    const now = Date.now();
    const tasks = await exportTasks(logs);
    const decision = nextExport(now, groups, tasks);
    if (decision.kind === "start") {
        const r = decision.request;
        try {
            await logs.send(new CreateExportTaskCommand({ taskName: r.taskName, logGroupName: r.logGroupName, from: r.from, to: r.to, destination: bucket, destinationPrefix: r.destinationPrefix }));
        } catch (e) {
            // Another export (another environment's archive in this account) started in between.
            if (e instanceof LimitExceededException) return { kind: "busy", running: "(another export task of this account)" };
            throw e;
        }
    }
    console.log(JSON.stringify({ decision }));
    // Days that will not land without help fail the run: the exporter's error alarm pages.
    const skipped = exhausted(now, groups, tasks);
    if (skipped.length > 0) throw new Error(`exports failed ${MAX_ATTEMPTS} times and are skipped: ${skipped.join(", ")} (aws logs describe-export-tasks --status-code FAILED)`);
    return decision;
}
