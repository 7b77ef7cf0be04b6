/**
 * Pure planning for the platform's one backup component (ARCHITECTURE §4: 35 days for every system
 * of record): names, the daily rule with its copies, the Vault Lock, the Region settings. Imports
 * nothing from @pulumi/aws, so tests check it with plain tables.
 */
import type { RetentionLock } from "../../stacks/settings/security";

/** The spec's retention for the system of record (ARCHITECTURE §4: DSQL 35 days). */
export const RETENTION_DAYS = 35;
/** Daily at 05:00 UTC (AWS Backup cron: minutes hours day-of-month month day-of-week year). */
export const SCHEDULE = "cron(0 5 ? * * *)";
/** Minutes a job may wait to start, then to complete, before AWS Backup reports it failed. */
export const START_WINDOW_MINUTES = 60;
export const COMPLETION_WINDOW_MINUTES = 360;
/**
 * The AWS managed policies of the role AWS Backup assumes, under `arn:aws:iam::aws:policy/`: the
 * first two cover Aurora, DocumentDB, DynamoDB and DSQL (DSQL since 2025-05-21; multi-Region DSQL
 * restores since 2025-11-24), copies included; S3 needs its own pair, which live outside
 * `service-role/` (AWS Backup developer guide, "Amazon S3 backups").
 */
export const BACKUP_ROLE_POLICIES = [
    "service-role/AWSBackupServiceRolePolicyForBackup",
    "service-role/AWSBackupServiceRolePolicyForRestores",
    "AWSBackupServiceRolePolicyForS3Backup",
    "AWSBackupServiceRolePolicyForS3Restore",
] as const;

/** Days before the lock date of a compliance-mode Vault Lock (AWS's minimum: a 72-hour cooling-off). */
export const VAULT_LOCK_CHANGEABLE_DAYS = 3;
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
 * The vault in `copyRegion` that holds copies of `region`'s recovery points, owned by `region`'s
 * stack (no other stack has to exist first): named after the source, so every region's copies in
 * one region have their own vault.
 */
export function copyVaultName(prefix: string, region: string): string {
    return `${prefix}-${region}-backup-copy`;
}

/**
 * The Vault Lock for a lock setting: compliance binds after the cooling-off (nobody, root
 * included, deletes a recovery point early or changes the lock), governance binds all but
 * principals allowed `backup:DeleteBackupVaultLockConfiguration`; both refuse any job kept less
 * than the 35 days (AWS fails a backup or copy job outside the lock's range, not the plan).
 */
export function vaultLock(lock: RetentionLock): { readonly changeableForDays?: number; readonly minRetentionDays: number } | undefined {
    if (lock === "none") return undefined;
    return lock === "compliance" ? { changeableForDays: VAULT_LOCK_CHANGEABLE_DAYS, minRetentionDays: RETENTION_DAYS } : { minRetentionDays: RETENTION_DAYS };
}

/** The daily rule's copy actions: the vault this stack owns in another region, and another account's vault when configured. */
export function copyActions<T>(copyVaultArn: T | undefined, accountVaultArn: string | undefined): { destinationVaultArn: T | string; lifecycle: { deleteAfter: number } }[] {
    return [...(copyVaultArn !== undefined ? [copyVaultArn] : []), ...(accountVaultArn ? [accountVaultArn] : [])].map((destinationVaultArn) => ({ destinationVaultArn, lifecycle: { deleteAfter: RETENTION_DAYS } }));
}

/**
 * The Region settings: every type opted in, and full AWS Backup management for the two types AWS
 * reports there (DSQL is fully managed without it). DynamoDB needs it: only "advanced" DynamoDB
 * backups copy across regions and accounts (AWS Backup developer guide, "Advanced DynamoDB
 * backup"); both keys are written because the provider reads the whole map back.
 */
export function regionSettings(): { resourceTypeOptInPreference: Record<string, boolean>; resourceTypeManagementPreference: Record<string, boolean> } {
    return { resourceTypeOptInPreference: Object.fromEntries(OPT_IN_RESOURCE_TYPES.map((t) => [t, true])), resourceTypeManagementPreference: { DynamoDB: true, EFS: true } };
}
