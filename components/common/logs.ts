/**
 * CloudWatch Logs defaults and the key-policy grant every encrypted log group needs. One home, so
 * the settings readers and the components agree on the retention and no component writes its own
 * copy of the Logs service statement.
 */
import * as pulumi from "@pulumi/pulumi";

/** Retention of every log group the platform creates unless a `mall:*LogRetentionDays` key says otherwise. */
export const DEFAULT_LOG_RETENTION_DAYS = 90;

/**
 * Retention of audit-class log groups (flow logs, the EKS control plane's audit and authenticator
 * logs, WAF logs, the databases' audit and connection logs) unless `mall:auditLogRetentionDays`
 * says otherwise, and the least production accepts: PCI DSS 10.5.1 asks for 12 months of audit
 * history. Audit-class groups are also protected and archived (components/security/audit-archive.ts).
 */
export const AUDIT_LOG_RETENTION_DAYS = 365;

/** The tag that marks a log group audit-class: the pack checks its retention and protection, and that it is archived. */
export const LOG_CLASS_TAG = "log-class";
export const AUDIT_LOG_CLASS = "audit";
/** The extra tags of an audit-class log group. */
export const AUDIT_LOG_TAGS: Readonly<Record<string, string>> = { [LOG_CLASS_TAG]: AUDIT_LOG_CLASS };

/** How the log-group ARN in the encryption context is matched: exactly, or as a pattern (`*`). */
export type LogGroupMatch = "ArnEquals" | "ArnLike";

/**
 * The KMS key-policy grant to CloudWatch Logs in `region` for the log groups named by
 * `logGroupName` (a name or a pattern): Logs encrypts with the key only inside that encryption
 * context, so the key cannot be used for another group.
 */
export function logsPrincipal(
    region: string,
    accountId: pulumi.Input<string>,
    logGroupName: pulumi.Input<string>,
    match: LogGroupMatch = "ArnEquals",
): { principal: string; condition: Record<string, Record<string, pulumi.Output<string>>> } {
    return {
        principal: `logs.${region}.amazonaws.com`,
        condition: { [match]: { "kms:EncryptionContext:aws:logs:arn": pulumi.interpolate`arn:aws:logs:${region}:${accountId}:log-group:${logGroupName}` } },
    };
}
