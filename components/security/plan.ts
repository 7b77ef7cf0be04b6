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

/**
 * `label` tells apart a second archive in one region: the primary's archive of the edge's WAF logs
 * in us-east-1 when the primary is elsewhere (`edge-audit`), beside that region's own stack's.
 */
export function auditArchiveNames(prefix: string, region: string, accountId: string, label = "audit"): AuditArchiveNames {
    const base = `${prefix}-${region}-${label}`;
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
 * groups (`aws:SourceAccount`, and `aws:SourceArn` = `logGroupsArn`, which the caller builds:
 * `arn:aws:logs:<region>:<account>:log-group:*`, an Output in the component).
 */
export function logsExportGrants<T>(bucketArn: string, region: string, account: T, logGroupsArn: T) {
    const principal = { Service: `logs.${region}.amazonaws.com` };
    const condition = { StringEquals: { "aws:SourceAccount": account }, ArnLike: { "aws:SourceArn": logGroupsArn } };
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

/**
 * What the exporter may do: start exports of exactly the audit groups, list the account's export
 * tasks, and write to the archive (CreateExportTask: the caller "must use credentials that have
 * permission to write to the S3 bucket").
 */
export function exporterPolicy(region: string, account: string, logGroupNames: readonly string[], ownLogGroupArn: string, bucketArn: string, keyArn: string) {
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
            { Sid: "ArchiveBucket", Effect: "Allow", Action: ["s3:GetBucketAcl", "s3:GetBucketLocation", "s3:ListBucket"], Resource: bucketArn },
            { Sid: "ArchiveObjects", Effect: "Allow", Action: "s3:PutObject", Resource: `${bucketArn}/*` },
            { Sid: "ArchiveKey", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:DescribeKey"], Resource: keyArn },
            { Sid: "OwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${ownLogGroupArn}:*` },
        ],
    };
}

// ---- The detection baseline (components/security/detection.ts, S3).

/** GuardDuty protections turned on in every region: S3, EKS audit logs, RDS logins, EBS malware, runtime (EKS agent managed by GuardDuty). */
export const GUARDDUTY_FEATURES: readonly { readonly name: string; readonly additional?: readonly string[]; readonly disabled?: readonly string[] }[] = [
    { name: "S3_DATA_EVENTS" },
    { name: "EKS_AUDIT_LOGS" },
    { name: "RDS_LOGIN_EVENTS" },
    { name: "EBS_MALWARE_PROTECTION" },
    // Runtime Monitoring covers EKS; EKS_RUNTIME_MONITORING beside it is an API error. All three
    // agent settings are declared (the provider reads each back): GuardDuty manages the EKS agent only.
    { name: "RUNTIME_MONITORING", additional: ["EKS_ADDON_MANAGEMENT"], disabled: ["ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT"] },
];

/** Security Hub CSPM's AWS Foundational Security Best Practices standard in `region`. */
export function fsbpStandardArn(region: string): string {
    return `arn:aws:securityhub:${region}::standards/aws-foundational-security-best-practices/v/1.0.0`;
}

/** GuardDuty findings of severity 7 and above (high, critical) page the on-call topic. */
export const GUARDDUTY_FINDINGS_PATTERN = { source: ["aws.guardduty"], "detail-type": ["GuardDuty Finding"], detail: { severity: [{ numeric: [">=", 7] }] } };

/**
 * Security Hub CSPM findings that page: new, active, high or critical, from every product but
 * GuardDuty (its findings page through their own rule). Declared in the home region only, where
 * the finding aggregator brings every linked region's findings.
 */
export const SECURITYHUB_FINDINGS_PATTERN = {
    source: ["aws.securityhub"],
    "detail-type": ["Security Hub Findings - Imported"],
    detail: {
        findings: {
            Severity: { Label: ["HIGH", "CRITICAL"] },
            Workflow: { Status: ["NEW"] },
            RecordState: ["ACTIVE"],
            ProductName: [{ "anything-but": "GuardDuty" }],
        },
    },
};

/**
 * API calls that switch the detection, the audit trail or the backups off, or destroy evidence:
 * they page at once (security review H3: a deleted detector takes its findings with it, and a
 * stopped recorder stops the checks that would notice). CloudTrail delivers them to EventBridge
 * in the region of the call ("AWS API Call via CloudTrail"; the trail above records them).
 * Routine deploy calls (PutKeyPolicy, PutBucketPolicy) are left out: they change with every review.
 */
export const TAMPER_CALLS: Readonly<Record<string, readonly string[]>> = {
    "cloudtrail.amazonaws.com": ["StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors"],
    "guardduty.amazonaws.com": ["DeleteDetector", "UpdateDetector", "CreateFilter", "UpdateFilter", "DisassociateFromAdministratorAccount"],
    "config.amazonaws.com": ["StopConfigurationRecorder", "DeleteConfigurationRecorder", "DeleteDeliveryChannel", "PutConfigurationRecorder"],
    "securityhub.amazonaws.com": ["DisableSecurityHub", "BatchDisableStandards", "DeleteFindingAggregator", "DisableImportFindingsForProduct"],
    "kms.amazonaws.com": ["ScheduleKeyDeletion", "DisableKey"],
    "backup.amazonaws.com": ["DeleteBackupVault", "DeleteRecoveryPoint", "DeleteBackupPlan", "DeleteBackupSelection", "DeleteBackupVaultLockConfiguration", "UpdateRecoveryPointLifecycle"],
    "logs.amazonaws.com": ["DeleteLogGroup", "DeleteLogStream", "PutRetentionPolicy", "DeleteRetentionPolicy"],
    "s3.amazonaws.com": ["PutObjectLockConfiguration", "DeleteBucketPolicy"],
    // Credential rotation switched off or redirected, or a credential's secret removed (S7).
    "secretsmanager.amazonaws.com": ["CancelRotateSecret", "DeleteSecret", "PutResourcePolicy", "RemoveRegionsFromReplication"],
};

export const TAMPER_PATTERN = {
    "detail-type": ["AWS API Call via CloudTrail"],
    detail: { eventSource: Object.keys(TAMPER_CALLS), eventName: [...new Set(Object.values(TAMPER_CALLS).flat())] },
};

export interface DetectionNames {
    readonly tamperRule: string;
    readonly guardDutyRule: string;
    readonly securityHubRule: string;
    readonly configRecorder: string;
    readonly configRole: string;
    /** Globally unique: prefix, region, purpose and the account. */
    readonly configBucket: string;
    readonly trail: string;
    readonly trailBucket: string;
}

export function detectionNames(prefix: string, region: string, accountId: string): DetectionNames {
    const base = `${prefix}-${region}`;
    return {
        tamperRule: `${base}-security-tamper`,
        guardDutyRule: `${base}-guardduty-findings`,
        securityHubRule: `${base}-securityhub-findings`,
        configRecorder: base,
        configRole: `${base}-config`,
        configBucket: `${base}-config-${accountId}`,
        trail: `${prefix}-trail`,
        trailBucket: `${base}-trail-${accountId}`,
    };
}

/**
 * AWS Config's delivery grants (config/latest/developerguide/s3-bucket-policy.html), for this
 * account only: the account is in the conditions (`AWSLogs/*` in the key, so the grants can be
 * written before the account id resolves).
 */
export function configBucketGrants<T>(bucketArn: string, account: T) {
    const principal = { Service: "config.amazonaws.com" };
    const condition = { StringEquals: { "AWS:SourceAccount": account } };
    return [
        { Sid: "AWSConfigBucketPermissionsCheck", Effect: "Allow", Principal: principal, Action: "s3:GetBucketAcl", Resource: bucketArn, Condition: condition },
        { Sid: "AWSConfigBucketExistenceCheck", Effect: "Allow", Principal: principal, Action: "s3:ListBucket", Resource: bucketArn, Condition: condition },
        {
            Sid: "AWSConfigBucketDelivery",
            Effect: "Allow",
            Principal: principal,
            Action: "s3:PutObject",
            Resource: `${bucketArn}/AWSLogs/*/Config/*`,
            Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "AWS:SourceAccount": account } },
        },
    ];
}

/** CloudTrail's delivery grants (awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html), for one trail only (`aws:SourceArn`). */
export function trailBucketGrants<T>(bucketArn: string, trailArn: T) {
    const principal = { Service: "cloudtrail.amazonaws.com" };
    return [
        { Sid: "AWSCloudTrailAclCheck", Effect: "Allow", Principal: principal, Action: "s3:GetBucketAcl", Resource: bucketArn, Condition: { StringEquals: { "aws:SourceArn": trailArn } } },
        {
            Sid: "AWSCloudTrailWrite",
            Effect: "Allow",
            Principal: principal,
            Action: "s3:PutObject",
            Resource: `${bucketArn}/AWSLogs/*`,
            Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trailArn } },
        },
    ];
}
