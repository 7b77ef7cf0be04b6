/**
 * Security settings of one region stack (issue "Security II"): how long audit evidence is kept and
 * how hard the platform's retention locks are. Pure, like every reader.
 *
 * Audit-class log groups (VPC flow logs, the EKS control plane's audit and authenticator logs, WAF
 * logs, the databases' audit and connection logs) share one retention, `mall:auditLogRetentionDays`,
 * which replaced the per-area keys: PCI DSS 10.5.1 asks for 12 months of audit history, so
 * production refuses less. The same records are also archived to an S3 bucket under Object Lock
 * (components/security/audit-archive.ts) for `mall:auditArchiveRetentionDays`.
 *
 * `mall:retentionLock` is how far the locks bind: `compliance` (nobody, not even the account's
 * root user, shortens or removes the retention), `governance` (a principal with the bypass
 * permission can), `none` (no lock). Production is always `compliance`.
 *
 * `mall:backupCopyVaultArn` names a vault in another account of the organisation, in this stack's
 * region, that every recovery point is also copied into (components/backup): the copy that
 * survives this account's compromise.
 */
import { AUDIT_LOG_RETENTION_DAYS } from "../../components/common/logs";
import { ConfigReader } from "./reader";
import { LOG_RETENTION_DAYS } from "./network";

export const AUDIT_LOG_RETENTION_KEY = "mall:auditLogRetentionDays";
export const AUDIT_ARCHIVE_RETENTION_KEY = "mall:auditArchiveRetentionDays";
export const RETENTION_LOCK_KEY = "mall:retentionLock";
export const BACKUP_COPY_VAULT_KEY = "mall:backupCopyVaultArn";

/** `arn:aws:backup:<region>:<account>:backup-vault:<name>` (vault names: 2-50 letters, digits, hyphens, underscores). */
export const BACKUP_VAULT_ARN = /^arn:aws[a-z-]*:backup:([a-z0-9-]+):(\d{12}):backup-vault:([A-Za-z0-9_-]{2,50})$/;

/** PCI DSS 10.5.1: audit log history retained for at least 12 months. */
export const AUDIT_RETENTION_FLOOR_DAYS = AUDIT_LOG_RETENTION_DAYS;

export const RETENTION_LOCKS = ["compliance", "governance", "none"] as const;
export type RetentionLock = (typeof RETENTION_LOCKS)[number];

/** Keys the audit retention replaced: a stack file still setting one gets the new key named. */
export const RETIRED_RETENTION_KEYS: Readonly<Record<string, string>> = {
    "mall:flowLogRetentionDays": "VPC flow logs",
    "mall:eksLogRetentionDays": "the EKS control-plane logs (audit, authenticator)",
    "mall:wafLogRetentionDays": "the WAF logs",
};

export interface SecuritySettings {
    /** Retention of every audit-class log group (CloudWatch Logs). @default 365 */
    readonly auditLogRetentionDays: number;
    /** Object Lock retention of the archived audit records and the CloudTrail logs. @default 365 */
    readonly auditArchiveRetentionDays: number;
    /** How the Object Lock archives and the backup vault's Vault Lock bind. @default "compliance" in production, "governance" elsewhere */
    readonly retentionLock: RetentionLock;
    /** A vault in another account (this region) every recovery point is also copied into. @default - none */
    readonly backupCopyVaultArn?: string;
    /**
     * Who runs `pulumi up` for this stack: the deploy workflow's role (mall:deployRunner) and
     * `mall:deployerArns`. The data keys name them as the only principals in the account that may
     * have the stores' services create grants (components/data/key-users.ts).
     */
    readonly deployerArns: readonly string[];
    /** Days between rotations of the Aurora and DocumentDB credentials (Secrets Manager). @default 30 */
    readonly credentialRotationDays: number;
}

/** Where the stack runs: its region and the accounts it may deploy to (`aws:allowedAccountIds`). */
export interface SecurityScope {
    readonly region?: string;
    readonly accounts: readonly string[];
    /** mall:deployRunner.deployRoleArn, when the stack has a runner. */
    readonly deployRoleArn?: string;
    /** mall:deployPhase: the bootstrap runs as a workstation identity the keys must name. @default "steady" */
    readonly phase?: string;
    /** A real preview or up (not the offline plan). @default false */
    readonly deploying?: boolean;
}

export const DEPLOYER_ARNS_KEY = "mall:deployerArns";
export const CREDENTIAL_ROTATION_KEY = "mall:credentialRotationDays";
/** PCI DSS 8.3.9 and CIS ask for at most 90 days between password changes: production's ceiling. */
const ROTATION_CEILING_DAYS = 90;
/** An IAM role (with its path) or user, as `aws:PrincipalArn` compares it. */
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/;

export function readSecurity(r: ConfigReader, environment: string, scope: SecurityScope = { accounts: [] }): SecuritySettings {
    const production = environment === "production";
    for (const [key, what] of Object.entries(RETIRED_RETENTION_KEYS)) {
        if (r.has(key)) {
            r.problem(`${key} was replaced by ${AUDIT_LOG_RETENTION_KEY}: ${what} are audit evidence and share the audit retention (at least ${AUDIT_RETENTION_FLOOR_DAYS} days in production); remove ${key} and set ${AUDIT_LOG_RETENTION_KEY} if the default ${AUDIT_RETENTION_FLOOR_DAYS} does not suit`);
        }
    }
    const auditLogRetentionDays = r.number(AUDIT_LOG_RETENTION_KEY, { default: AUDIT_RETENTION_FLOOR_DAYS, min: 1 });
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(auditLogRetentionDays)) {
        r.problem(`${AUDIT_LOG_RETENTION_KEY} ${auditLogRetentionDays} is not a CloudWatch Logs retention; use one of ${LOG_RETENTION_DAYS.filter((d) => d >= AUDIT_RETENTION_FLOOR_DAYS).join(", ")}`);
    } else if (production && auditLogRetentionDays < AUDIT_RETENTION_FLOOR_DAYS) {
        r.problem(`${AUDIT_LOG_RETENTION_KEY} ${auditLogRetentionDays} is below the ${AUDIT_RETENTION_FLOOR_DAYS} days production keeps audit evidence (PCI DSS 10.5.1); use ${LOG_RETENTION_DAYS.filter((d) => d >= AUDIT_RETENTION_FLOOR_DAYS).slice(0, 4).join(", ")} or more`);
    }
    const auditArchiveRetentionDays = r.number(AUDIT_ARCHIVE_RETENTION_KEY, { default: AUDIT_RETENTION_FLOOR_DAYS, min: 1, max: 36500 });
    if (production && auditArchiveRetentionDays < AUDIT_RETENTION_FLOOR_DAYS) {
        r.problem(`${AUDIT_ARCHIVE_RETENTION_KEY} ${auditArchiveRetentionDays} is below the ${AUDIT_RETENTION_FLOOR_DAYS} days production keeps audit evidence (PCI DSS 10.5.1); set ${AUDIT_RETENTION_FLOOR_DAYS} or more`);
    }
    const retentionLock = r.string(RETENTION_LOCK_KEY, { default: production ? "compliance" : "governance", allowed: RETENTION_LOCKS }) as RetentionLock;
    if (production && retentionLock !== "compliance") {
        r.problem(`${RETENTION_LOCK_KEY} "${retentionLock}" would let an administrator (or a stolen administrator credential) delete production's backups and audit records; production is always "compliance": remove the key from the production stack files`);
    }
    const copy = r.string(BACKUP_COPY_VAULT_KEY, {
        default: "",
        pattern: /^$|^arn:/,
        describe: "a backup vault ARN like arn:aws:backup:us-east-1:210987654321:backup-vault:mall-us-east-1-backup-copy",
    });
    const m = BACKUP_VAULT_ARN.exec(copy);
    if (copy !== "" && !m) {
        r.problem(`${BACKUP_COPY_VAULT_KEY} "${copy}" is not a backup vault ARN; use arn:aws:backup:<region>:<account>:backup-vault:<name>`);
    } else if (m && scope.region && m[1] !== scope.region) {
        r.problem(
            `${BACKUP_COPY_VAULT_KEY} names a vault in ${m[1]}, but this stack is in ${scope.region}: AWS Backup copies Aurora and DocumentDB snapshots across accounts or across regions in one step, not both, and this stack already copies into another region; name the other account's vault in ${scope.region}`,
        );
    } else if (m && scope.accounts.includes(m[2])) {
        r.problem(`${BACKUP_COPY_VAULT_KEY} names a vault in ${m[2]}, this stack's own account: the copy that survives a compromised account must live in another account of the organisation; name that account's vault`);
    }
    const extra = r.stringList(DEPLOYER_ARNS_KEY, [], {
        pattern: PRINCIPAL_ARN,
        describe: "an IAM role or user ARN like arn:aws:iam::123456789012:role/platform-bootstrap (a role's ARN, not an assumed-role session's)",
    });
    const deployerArns = [...new Set([...(scope.deployRoleArn ? [scope.deployRoleArn] : []), ...extra])];
    for (const arn of extra) {
        const account = arn.split(":")[4];
        if (scope.accounts.length > 0 && !scope.accounts.includes(account)) {
            r.problem(`${DEPLOYER_ARNS_KEY} entry "${arn}" is in account ${account}, not this stack's (${scope.accounts.join(", ")}): the data keys name their users in their own account only; name a role of this account`);
        }
    }
    if (scope.phase === "bootstrap" && extra.length === 0) {
        r.problem(
            `mall:deployPhase is bootstrap but ${DEPLOYER_ARNS_KEY} is empty: the first up runs as your workstation's identity, which the data keys must name to create the stores; add its role (aws sts get-caller-identity prints arn:aws:sts::<account>:assumed-role/<name>/<session>: use arn:aws:iam::<account>:role/<path><name>): pulumi config set --path '${DEPLOYER_ARNS_KEY}[0]' <role ARN>`,
        );
    } else if (scope.deploying && deployerArns.length === 0) {
        r.problem(
            `no deployer: neither mall:deployRunner.deployRoleArn nor ${DEPLOYER_ARNS_KEY} is set, and the data keys let only the identities named there create the stores; set ${DEPLOYER_ARNS_KEY} to the role you run pulumi up as: pulumi config set --path '${DEPLOYER_ARNS_KEY}[0]' <role ARN>`,
        );
    }
    const credentialRotationDays = r.number(CREDENTIAL_ROTATION_KEY, { default: 30, min: 1, max: 1000, integer: true });
    if (production && credentialRotationDays > ROTATION_CEILING_DAYS) {
        r.problem(`${CREDENTIAL_ROTATION_KEY} ${credentialRotationDays} leaves production's database passwords unchanged longer than ${ROTATION_CEILING_DAYS} days; set ${ROTATION_CEILING_DAYS} or fewer`);
    }
    return { auditLogRetentionDays, auditArchiveRetentionDays, retentionLock, ...(m ? { backupCopyVaultArn: copy } : {}), deployerArns, credentialRotationDays };
}
