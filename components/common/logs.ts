/**
 * CloudWatch Logs defaults and the key-policy grant every encrypted log group needs. One home, so
 * the settings readers and the components agree on the retention and no component writes its own
 * copy of the Logs service statement.
 */
import * as pulumi from "@pulumi/pulumi";

/** Retention of every log group the platform creates unless a `mall:*LogRetentionDays` key says otherwise. */
export const DEFAULT_LOG_RETENTION_DAYS = 90;

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
