/**
 * Pure planning for the audit archive (components/security/audit-archive.ts): names, the Object
 * Lock retention, the exporter's schedule and the grants CloudWatch Logs needs to export into the
 * bucket. Imports nothing from @pulumi/aws, so tests check it with plain tables.
 */
import type { RetentionLock } from "../../stacks/settings/security";

export const SERVICE = "audit";
export const COMPONENT = "audit-archive";

/** The exporter runs this often; each run starts at most one export task (the account's limit). */
export const EXPORT_SCHEDULE = "rate(15 minutes)";
export const EXPORTER_TIMEOUT_SECONDS = 60;

export interface AuditArchiveNames {
    /** Globally unique: prefix, region, purpose and the account. */
    readonly bucket: string;
    readonly exporter: string;
    readonly schedule: string;
    readonly exporterLogGroup: string;
}

export function auditArchiveNames(prefix: string, region: string, accountId: string): AuditArchiveNames {
    const base = `${prefix}-${region}-audit`;
    return { bucket: `${base}-${accountId}`, exporter: `${base}-export`, schedule: `${base}-export`, exporterLogGroup: `/aws/lambda/${base}-export` };
}

/** S3 Object Lock's default retention for a lock setting, or none (`mall:retentionLock: none`). */
export function defaultRetention(lock: RetentionLock, days: number): { readonly mode: "COMPLIANCE" | "GOVERNANCE"; readonly days: number } | undefined {
    if (lock === "none") return undefined;
    return { mode: lock === "compliance" ? "COMPLIANCE" : "GOVERNANCE", days };
}

/**
 * The bucket-policy statements CloudWatch Logs needs to export this account's log groups of
 * `region` into the bucket (AmazonCloudWatch/latest/logs/S3ExportTasks: `GetBucketAcl` on the
 * bucket, `PutObject` with `bucket-owner-full-control`), each limited to this account's log
 * groups (`aws:SourceAccount`, `aws:SourceArn`).
 */
export function logsExportGrants<T>(bucketArn: string, region: string, account: T) {
    const principal = { Service: `logs.${region}.amazonaws.com` };
    const condition = { StringEquals: { "aws:SourceAccount": account }, ArnLike: { "aws:SourceArn": `arn:aws:logs:${region}:${account}:log-group:*` } };
    return [
        { Sid: "CloudWatchLogsChecksBucketAcl", Effect: "Allow", Principal: principal, Action: "s3:GetBucketAcl", Resource: bucketArn, Condition: condition },
        {
            Sid: "CloudWatchLogsExports",
            Effect: "Allow",
            Principal: principal,
            Action: "s3:PutObject",
            Resource: `${bucketArn}/*`,
            Condition: { ...condition, StringEquals: { ...condition.StringEquals, "s3:x-amz-acl": "bucket-owner-full-control" } },
        },
    ];
}

/** What the exporter may do: start exports of exactly the audit groups, and list the account's export tasks. */
export function exporterPolicy(region: string, account: string, logGroupNames: readonly string[], ownLogGroupArn: string) {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ExportAuditGroups",
                Effect: "Allow",
                Action: "logs:CreateExportTask",
                // The log-group ARN both as IAM authorises it and in the `:*` form DescribeLogGroups reports.
                Resource: logGroupNames.flatMap((n) => [`arn:aws:logs:${region}:${account}:log-group:${n}`, `arn:aws:logs:${region}:${account}:log-group:${n}:*`]),
            },
            // DescribeExportTasks has no resource-level permissions.
            { Sid: "ListExportTasks", Effect: "Allow", Action: "logs:DescribeExportTasks", Resource: "*" },
            { Sid: "OwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${ownLogGroupArn}:*` },
        ],
    };
}
