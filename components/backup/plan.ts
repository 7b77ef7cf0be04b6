/**
 * Pure planning for the platform's one backup component (ARCHITECTURE §4: DSQL backups kept 35
 * days): names, the daily rule, the Region settings. Imports nothing from @pulumi/aws, so tests
 * check it with plain tables. Later members (the other stores, Vault Lock, cross-Region and
 * cross-account copies) join this same plan and vault.
 */
/** The spec's retention for the system of record (ARCHITECTURE §4: DSQL 35 days). */
export const RETENTION_DAYS = 35;
/** Daily at 05:00 UTC (AWS Backup cron: minutes hours day-of-month month day-of-week year). */
export const SCHEDULE = "cron(0 5 ? * * *)";
/** Minutes a job may wait to start, then to complete, before AWS Backup reports it failed. */
export const START_WINDOW_MINUTES = 60;
export const COMPLETION_WINDOW_MINUTES = 360;
/** The AWS managed policies of the role AWS Backup assumes (both cover DSQL since 2025-05-21; restores gained multi-Region DSQL on 2025-11-24). */
export const BACKUP_ROLE_POLICIES = ["service-role/AWSBackupServiceRolePolicyForBackup", "service-role/AWSBackupServiceRolePolicyForRestores"] as const;
export const BACKUP_PRINCIPAL = "backup.amazonaws.com";

/**
 * Every resource type AWS Backup lists in `DescribeRegionSettings` (the provider's documented set
 * for @pulumi/aws 7.48.0, plus EKS and Timestream, which GetSupportedResourceTypes lists and the
 * provider's acceptance test applies), each opted in. Opt-in alone backs nothing up (a plan still
 * has to select a resource), so opting in everything changes no other workload; the whole map is
 * written because the provider reads every type back, and a partial map would show a diff on every
 * preview (hashicorp/terraform-provider-aws#22744). `DSQL` is the key for Aurora DSQL. Check a new
 * region once with `aws backup describe-region-settings` (an unknown key is refused).
 */
export const OPT_IN_RESOURCE_TYPES = [
    "Aurora",
    "CloudFormation",
    "DocumentDB",
    "DSQL",
    "DynamoDB",
    "EBS",
    "EKS",
    "EC2",
    "EFS",
    "FSx",
    "Neptune",
    "RDS",
    "Redshift",
    "Redshift Serverless",
    "S3",
    "SAP HANA on Amazon EC2",
    "Storage Gateway",
    "Timestream",
    "VirtualMachine",
] as const;

export interface BackupNames {
    /** Vault names are 2-50 letters, digits, hyphens and underscores. */
    readonly vault: string;
    readonly plan: string;
    readonly rule: string;
    readonly role: string;
}

export function backupNames(prefix: string, region: string): BackupNames {
    const base = `${prefix}-${region}-backup`;
    return { vault: base, plan: base, rule: `daily-${RETENTION_DAYS}d`, role: base };
}

/**
 * The Region settings: every type opted in. The management preference is left to AWS (the
 * provider computes it): DSQL is fully managed by AWS Backup without it, and AWS reports only
 * DynamoDB and EFS there.
 */
export function regionSettings(): { resourceTypeOptInPreference: Record<string, boolean> } {
    return { resourceTypeOptInPreference: Object.fromEntries(OPT_IN_RESOURCE_TYPES.map((t) => [t, true])) };
}
