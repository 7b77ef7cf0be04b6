/**
 * `DetectionBaseline`: who called AWS, what changed, and whether anything looks compromised
 * (issue "Security II", S3). Per region: GuardDuty (S3, EKS audit logs, RDS logins, EBS malware,
 * runtime monitoring of the EKS nodes), Security Hub CSPM with AWS Foundational Security Best
 * Practices, and an AWS Config recorder. In the primary, the account-wide parts: a multi-region
 * CloudTrail with log-file validation into an Object Lock bucket with its own key, and the Security
 * Hub finding aggregator. Each part is an account (or account-and-region) singleton that
 * `mall:accountBaseline` can hand to the organisation or another environment. High and critical
 * findings page the region's on-call topic (DrAutomation's): GuardDuty's in every region, Security
 * Hub's in the home region, where the aggregator brings every linked region's.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RegionContext } from "../common/context";
import { serviceKey } from "../common/kms";
import { privateBucket } from "../common/private-bucket";
import { tagsFor } from "../common/tags";
import { serviceTrustPolicy } from "../common/trust";
import type { RetentionLock } from "../../stacks/settings/security";
import {
    GUARDDUTY_FEATURES,
    GUARDDUTY_FINDINGS_PATTERN,
    SECURITYHUB_FINDINGS_PATTERN,
    TAMPER_PATTERN,
    configBucketGrants,
    defaultRetention,
    detectionNames,
    fsbpStandardArn,
    trailBucketGrants,
} from "./plan";

const SERVICE = "detection";
const COMPONENT = "detection";

export interface DetectionBaselineArgs {
    readonly context: RegionContext;
    /** The on-call topic (DrAutomation's) findings page; its policy admits this component's rules. */
    readonly findingsTopicArn: pulumi.Input<string>;
    /** GuardDuty's detector and protections in this region (`mall:accountBaseline.guardDuty`). */
    readonly guardDuty: boolean;
    /** Security Hub CSPM with FSBP in this region (`mall:accountBaseline.securityHub`). */
    readonly securityHub: boolean;
    /** The AWS Config recorder, its delivery channel and bucket (`mall:accountBaseline.configRecorder`). */
    readonly configRecorder: boolean;
    /** Record IAM and the other global resource types here (one region of the account: the primary). */
    readonly recordGlobalResources: boolean;
    /** The multi-region trail, declared by the primary (`mall:accountBaseline.cloudTrail`). @default - none */
    readonly cloudTrail?: { readonly retentionLock: RetentionLock; readonly retentionDays: number };
    /** The Security Hub finding aggregator in this (the home) region, linking these regions (`mall:accountBaseline.securityHubAggregator`). @default - none */
    readonly aggregator?: { readonly linkedRegions: readonly string[] };
    /** Page Security Hub findings from here (the home region, where the aggregator is). @default false */
    readonly pageSecurityHubFindings?: boolean;
}

export class DetectionBaseline extends pulumi.ComponentResource {
    public readonly trailArn: pulumi.Output<string> | undefined;
    public readonly detectorId: pulumi.Output<string> | undefined;

    constructor(name: string, args: DetectionBaselineArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mall:security:DetectionBaseline", name, {}, opts);
        const ctx = args.context;
        const account = pulumi.output(ctx.accountId);
        // Names without the account (tags and names that need no global uniqueness): the buckets' Name tags drop the suffix.
        const plain = detectionNames(ctx.prefix, ctx.region, "");
        const names = account.apply((a) => detectionNames(ctx.prefix, ctx.region, a));
        const tags = (n: string) => tagsFor(ctx, SERVICE, COMPONENT, {}, n);
        const child = { parent: this };

        // ---- GuardDuty: one detector per account and region; each protection is its own feature
        // (the detector's `datasources` is deprecated, and both together are refused).
        let detector: aws.guardduty.Detector | undefined;
        if (args.guardDuty) {
            detector = new aws.guardduty.Detector(`${name}-guardduty`, { enable: true, findingPublishingFrequency: "FIFTEEN_MINUTES", tags: tags(`${plain.configRecorder}-guardduty`) }, child);
            for (const f of GUARDDUTY_FEATURES) {
                new aws.guardduty.DetectorFeature(
                    `${name}-guardduty-${f.name.toLowerCase().replace(/_/g, "-")}`,
                    {
                        detectorId: detector.id,
                        name: f.name,
                        status: "ENABLED",
                        ...(f.additional
                            ? { additionalConfigurations: [...f.additional.map((a) => ({ name: a, status: "ENABLED" })), ...(f.disabled ?? []).map((a) => ({ name: a, status: "DISABLED" }))] }
                            : {}),
                    },
                    child,
                );
            }
        }

        // ---- Security Hub CSPM: the standard managed here, not the defaults AWS would pick.
        let hub: aws.securityhub.Account | undefined;
        if (args.securityHub) {
            hub = new aws.securityhub.Account(`${name}-securityhub`, { enableDefaultStandards: false, controlFindingGenerator: "SECURITY_CONTROL", autoEnableControls: true }, child);
            new aws.securityhub.StandardsSubscription(`${name}-fsbp`, { standardsArn: fsbpStandardArn(ctx.region) }, { parent: this, dependsOn: [hub] });
        }
        if (args.aggregator) {
            // Created in the home region after Security Hub is on there (CreateFindingAggregator's own rule).
            new aws.securityhub.FindingAggregator(
                `${name}-securityhub-aggregator`,
                { linkingMode: "SPECIFIED_REGIONS", specifiedRegions: [...args.aggregator.linkedRegions] },
                { parent: this, dependsOn: hub ? [hub] : [] },
            );
        }

        // ---- AWS Config: its own, unlocked bucket (Config cannot deliver into an Object Lock bucket).
        if (args.configRecorder) {
            const key = serviceKey(`${name}-config`, ctx, { service: "config", component: COMPONENT, description: "AWS Config snapshots and history", viaServices: ["s3"] }, this);
            const bucket = privateBucket(`${name}-config-bucket`, { bucketName: names.configBucket, tags: tagsFor(ctx, "config", COMPONENT, {}, plain.configBucket.replace(/-$/, "")), kmsKeyArn: key.arn }, this);
            const bucketPolicy = bucket.policy((arn) => configBucketGrants(arn, account));
            const role = new aws.iam.Role(
                `${name}-config-role`,
                { name: plain.configRole, description: "AWS Config records this region's resources", assumeRolePolicy: serviceTrustPolicy(ctx, "config.amazonaws.com", { sourceAccount: true }), tags: tags(plain.configRole) },
                child,
            );
            const managed = new aws.iam.RolePolicyAttachment(`${name}-config-role-AWS_ConfigRole`, { role: role.name, policyArn: "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole" }, child);
            const delivery = new aws.iam.RolePolicy(
                `${name}-config-delivery`,
                {
                    role: role.id,
                    policy: pulumi.all([bucket.bucket.arn, key.arn, account]).apply(([bucketArn, keyArn, a]) =>
                        JSON.stringify({
                            Version: "2012-10-17",
                            Statement: [
                                { Sid: "DeliverToBucket", Effect: "Allow", Action: "s3:PutObject", Resource: `${bucketArn}/AWSLogs/${a}/Config/*`, Condition: { StringLike: { "s3:x-amz-acl": "bucket-owner-full-control" } } },
                                { Sid: "CheckBucket", Effect: "Allow", Action: "s3:GetBucketAcl", Resource: bucketArn },
                                { Sid: "EncryptDeliveries", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: keyArn },
                            ],
                        }),
                    ),
                },
                child,
            );
            const recorder = new aws.cfg.Recorder(
                `${name}-config-recorder`,
                { name: plain.configRecorder, roleArn: role.arn, recordingGroup: { allSupported: true, includeGlobalResourceTypes: args.recordGlobalResources } },
                { parent: this, dependsOn: [managed, delivery] },
            );
            const channel = new aws.cfg.DeliveryChannel(
                `${name}-config-delivery-channel`,
                { name: plain.configRecorder, s3BucketName: bucket.bucket.bucket, s3KmsKeyArn: key.arn },
                { parent: this, dependsOn: [recorder, bucketPolicy] },
            );
            new aws.cfg.RecorderStatus(`${name}-config-recorder-status`, { name: recorder.name, isEnabled: true }, { parent: this, dependsOn: [channel] });
        }

        // ---- CloudTrail: every region's management events, validated, into an Object Lock bucket
        // with its own key. CreateTrail checks the bucket and key policies and is not retried: both first.
        let trail: aws.cloudtrail.Trail | undefined;
        if (args.cloudTrail) {
            const trailArn = pulumi.interpolate`arn:aws:cloudtrail:${ctx.region}:${account}:trail/${plain.trail}`;
            const key = serviceKey(
                `${name}-trail`,
                ctx,
                {
                    service: "trail",
                    component: COMPONENT,
                    description: "CloudTrail log files",
                    servicePrincipals: [
                        {
                            principal: "cloudtrail.amazonaws.com",
                            actions: ["kms:GenerateDataKey*"],
                            condition: { StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": pulumi.interpolate`arn:aws:cloudtrail:*:${account}:trail/*` }, StringEquals: { "aws:SourceArn": trailArn } },
                        },
                        // DescribeKey carries no encryption context; Decrypt is what an S3 Bucket Key needs.
                        { principal: "cloudtrail.amazonaws.com", actions: ["kms:DescribeKey", "kms:Decrypt"], condition: { StringEquals: { "aws:SourceArn": trailArn } } },
                    ],
                },
                this,
            );
            const bucket = privateBucket(`${name}-trail-bucket`, { bucketName: names.trailBucket, tags: tagsFor(ctx, "trail", COMPONENT, {}, plain.trailBucket.replace(/-$/, "")), objectLock: true, kmsKeyArn: key.arn }, this);
            bucket.lockObjects(`${name}-trail-object-lock`, defaultRetention(args.cloudTrail.retentionLock, args.cloudTrail.retentionDays));
            const policy = bucket.policy((arn) => trailBucketGrants(arn, trailArn));
            trail = new aws.cloudtrail.Trail(
                `${name}-trail`,
                {
                    name: plain.trail,
                    s3BucketName: bucket.bucket.bucket,
                    isMultiRegionTrail: true,
                    includeGlobalServiceEvents: true,
                    enableLogFileValidation: true,
                    kmsKeyId: key.arn,
                    tags: tags(plain.trail),
                },
                // The trail is audit evidence: a rename or a removed component must not stop it silently.
                { parent: this, dependsOn: [policy, key.key], protect: true },
            );
        }

        // ---- Findings page the on-call topic.
        const page = (rule: string, ruleName: string, pattern: unknown, what: string) => {
            const r = new aws.cloudwatch.EventRule(`${name}-${rule}`, { name: ruleName, description: what, eventPattern: JSON.stringify(pattern), tags: tags(ruleName) }, child);
            new aws.cloudwatch.EventTarget(`${name}-${rule}-to-topic`, { rule: r.name, arn: args.findingsTopicArn }, child);
        };
        page("guardduty-findings", plain.guardDutyRule, GUARDDUTY_FINDINGS_PATTERN, "GuardDuty findings of severity 7 and above page the on-call topic");
        page("security-tamper", plain.tamperRule, TAMPER_PATTERN, "Calls that switch detection, the trail or backups off, or destroy evidence, page the on-call topic");
        if (args.pageSecurityHubFindings) {
            page("securityhub-findings", plain.securityHubRule, SECURITYHUB_FINDINGS_PATTERN, "New, active high and critical Security Hub findings (GuardDuty's page on their own) page the on-call topic");
        }
        this.trailArn = trail?.arn;
        this.detectorId = detector?.id;
        this.registerOutputs({});
    }
}
