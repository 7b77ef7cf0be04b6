/**
 * `AuditArchive`: a region's audit-class log groups copied, day by day, into an S3 bucket under
 * Object Lock (issue "Security II", S13). The log groups themselves are kept
 * `mall:auditLogRetentionDays` and protected; the archive keeps each day
 * `mall:auditArchiveRetentionDays` under `mall:retentionLock` (compliance in production: nobody,
 * the root user included, deletes or shortens it), in a bucket with its own key.
 *
 * The path is CloudWatch Logs' export (CreateExportTask), the one AWS documents as writing into an
 * Object Lock bucket with a retention period; an exporter Lambda on a 15-minute schedule starts
 * one export at a time (the account's limit) for the oldest missing (group, day)
 * (lambdas/audit-export/core.ts explains the choice against Firehose).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { bundleLambda } from "../dr/bundle";
import { functionErrorsAlarm } from "../common/function-alarm";
import { RegionContext } from "../common/context";
import { serviceKey } from "../common/kms";
import { DEFAULT_LOG_RETENTION_DAYS, logsPrincipal } from "../common/logs";
import { privateBucket } from "../common/private-bucket";
import { tagsFor } from "../common/tags";
import { serviceTrustPolicy } from "../common/trust";
import type { RetentionLock } from "../../stacks/settings/security";
import { COMPONENT, EXPORT_SCHEDULE, EXPORTER_TIMEOUT_SECONDS, SERVICE, auditArchiveNames, defaultRetention, exporterPolicy, logsExportGrants } from "./plan";

export const EXPORTER_ENTRY = "lambdas/audit-export/index.ts";

export interface AuditArchiveArgs {
    readonly context: RegionContext;
    /** The audit-class log groups of this region (names), in any order. */
    readonly logGroupNames: readonly pulumi.Input<string>[];
    /** How the bucket's Object Lock binds (`mall:retentionLock`). */
    readonly retentionLock: RetentionLock;
    /** Days each archived object is locked (`mall:auditArchiveRetentionDays`). */
    readonly retentionDays: number;
    /** The region, when it is not the stack's (the edge's WAF logs live in us-east-1). @default - the stack's region */
    readonly region?: string;
    /**
     * What the names say after the region (`<prefix>-<region>-<label>-…`): another stack's own
     * archive may live in `region`, so a second archive there needs its own names. @default "audit"
     */
    readonly label?: string;
    /** The topic the exporter's error alarm notifies (in the archive's region). @default - no alarm */
    readonly alarmTopicArn?: pulumi.Input<string>;
}

export class AuditArchive extends pulumi.ComponentResource {
    public readonly bucketName: pulumi.Output<string>;
    public readonly bucketArn: pulumi.Output<string>;
    public readonly exporterName: pulumi.Output<string>;

    constructor(name: string, args: AuditArchiveArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mall:security:AuditArchive", name, {}, opts);
        const ctx = args.region ? { ...args.context, region: args.region } : args.context;
        const where = args.region ? { region: args.region } : {};
        const account = pulumi.output(ctx.accountId);
        const label = args.label ?? "audit";
        const names = account.apply((a) => auditArchiveNames(ctx.prefix, ctx.region, a, label));
        // Names without the account (tags and names that need no global uniqueness): the bucket's Name tag drops the suffix.
        const plain = auditArchiveNames(ctx.prefix, ctx.region, "", label);
        const tags = (n: string) => tagsFor(ctx, SERVICE, COMPONENT, {}, n);
        const child = { parent: this };

        // Its own key: CloudWatch Logs encrypts the exported objects with it, this account's log groups only.
        const key = serviceKey(
            `${name}`,
            args.context,
            {
                service: SERVICE,
                component: COMPONENT,
                description: "Audit archive (exported audit-class logs)",
                region: args.region,
                ...(label === "audit" ? {} : { aliasSuffix: label.replace(/-audit$/, "") }),
                servicePrincipals: [
                    // The exporter's own log group, inside its encryption context.
                    logsPrincipal(ctx.region, account, plain.exporterLogGroup),
                    {
                        principal: `logs.${ctx.region}.amazonaws.com`,
                        condition: { StringEquals: { "aws:SourceAccount": account }, ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:aws:logs:${ctx.region}:${account}:log-group:*` } },
                    },
                ],
            },
            this,
        );
        const archive = privateBucket(`${name}-bucket`, { bucketName: names.bucket, tags: tags(plain.bucket.replace(/-$/, "")), region: args.region, objectLock: true, kmsKeyArn: key.arn }, this);
        archive.lockObjects(`${name}-object-lock`, defaultRetention(args.retentionLock, args.retentionDays));
        const logGroupsArn = pulumi.interpolate`arn:aws:logs:${ctx.region}:${account}:log-group:*`;
        const policy = archive.policy((arn) => logsExportGrants(arn, ctx.region, account, logGroupsArn));

        const logGroup = new aws.cloudwatch.LogGroup(`${name}-exporter-logs`, { ...where, name: plain.exporterLogGroup, retentionInDays: DEFAULT_LOG_RETENTION_DAYS, kmsKeyId: key.arn, tags: tags(plain.exporterLogGroup) }, child);
        const role = new aws.iam.Role(
            `${name}-exporter-role`,
            { name: plain.exporter, description: "Exports the audit-class log groups into the audit archive", assumeRolePolicy: serviceTrustPolicy(ctx, "lambda.amazonaws.com", { sourceAccount: true }), tags: tags(plain.exporter) },
            child,
        );
        const rolePolicy = new aws.iam.RolePolicy(
            `${name}-exporter-policy`,
            {
                role: role.id,
                policy: pulumi
                    .all([account, pulumi.all([...args.logGroupNames]), logGroup.arn, archive.bucket.arn, key.arn])
                    .apply(([a, groups, ownArn, bucketArn, keyArn]) => JSON.stringify(exporterPolicy(ctx.region, a, [...groups].sort(), ownArn, bucketArn, keyArn))),
            },
            child,
        );
        const bundle = bundleLambda(EXPORTER_ENTRY);
        const fn = new aws.lambda.Function(
            `${name}-exporter`,
            {
                ...where,
                name: plain.exporter,
                description: "Starts the next CloudWatch Logs export of an audit-class log group into the Object Lock archive (one at a time)",
                runtime: "nodejs22.x",
                architectures: ["arm64"],
                handler: "index.handler",
                code: bundle.archive,
                role: role.arn,
                timeout: EXPORTER_TIMEOUT_SECONDS,
                memorySize: 256,
                // One run at a time: two would race for the account's single export slot.
                reservedConcurrentExecutions: 1,
                environment: {
                    variables: {
                        ARCHIVE_BUCKET: archive.bucket.bucket,
                        AUDIT_LOG_GROUPS: pulumi.all([...args.logGroupNames]).apply((groups) => JSON.stringify([...groups].sort().map((logGroupName) => ({ logGroupName })))),
                    },
                },
                loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
                tags: tags(plain.exporter),
            },
            { parent: this, dependsOn: [rolePolicy, logGroup, policy] },
        );
        const schedulerRole = new aws.iam.Role(
            `${name}-scheduler-role`,
            {
                description: "EventBridge Scheduler invokes the audit exporter",
                assumeRolePolicy: serviceTrustPolicy(ctx, "scheduler.amazonaws.com", { sourceAccount: true }),
                tags: tags(`${plain.schedule}-scheduler`),
            },
            child,
        );
        const schedulerPolicy = new aws.iam.RolePolicy(
            `${name}-scheduler-policy`,
            { role: schedulerRole.id, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: [{ Sid: "InvokeExporter", Effect: "Allow", Action: "lambda:InvokeFunction", Resource: fn.arn }] }) },
            child,
        );
        new aws.scheduler.Schedule(
            `${name}-schedule`,
            {
                ...where,
                name: plain.schedule,
                description: "Runs the audit exporter: the next missing (log group, day) into the archive",
                scheduleExpression: EXPORT_SCHEDULE,
                scheduleExpressionTimezone: "UTC",
                flexibleTimeWindow: { mode: "OFF" },
                state: "ENABLED",
                // A missed run is the next run's work: no retries into the next slot.
                target: { arn: fn.arn, roleArn: schedulerRole.arn, retryPolicy: { maximumRetryAttempts: 0 } },
            },
            { parent: this, dependsOn: [schedulerPolicy] },
        );
        if (args.alarmTopicArn) {
            // A run that throws (an API error, or a day whose export failed three times) pages: an
            // archive that silently stops is the failure this component exists to prevent.
            functionErrorsAlarm(
                `${name}-exporter-errors`,
                {
                    functionName: plain.exporter,
                    functionNameOutput: fn.name,
                    description: "The audit exporter failed: audit-class logs are not reaching the Object Lock archive (docs/security.md)",
                    topicArn: args.alarmTopicArn,
                    tags: tags(`${plain.exporter}-errors`),
                    region: args.region,
                },
                child,
            );
        }
        this.bucketName = archive.bucket.bucket;
        this.bucketArn = archive.bucket.arn;
        this.exporterName = fn.name;
        this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn, exporterName: this.exporterName });
    }
}
