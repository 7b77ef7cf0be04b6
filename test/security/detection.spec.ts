import * as assert from "assert";
import { GUARDDUTY_FINDINGS_PATTERN, SECURITYHUB_FINDINGS_PATTERN, fsbpStandardArn } from "../../components/security/plan";
import { PlannedResource } from "../../tools/plan/contract";
import { planned } from "../deploy-ready/planned";
import { handedOverPrimaryPlan } from "../registry";

type Stack = { stack: string; environment: string; role: string; resources: PlannedResource[] };
const ofType = (s: Stack, type: string) => s.resources.filter((r) => r.type === type);
const named = (s: Stack, name: string) => s.resources.find((r) => r.name === name)!;
const DETECTION_TYPES = [
    "aws:guardduty/detector:Detector",
    "aws:securityhub/account:Account",
    "aws:cfg/recorder:Recorder",
    "aws:cloudtrail/trail:Trail",
    "aws:securityhub/findingAggregator:FindingAggregator",
];

describe("the detection baseline (S3) in the shipped plan", () => {
    let stacks: Stack[];
    before(async function () {
        this.timeout(120_000);
        stacks = (await planned()).stacks;
    });

    it("turns GuardDuty on in every region with S3, EKS audit, RDS login, EBS malware and runtime protection (GuardDuty manages the EKS agent)", () => {
        for (const s of stacks) {
            const detector = ofType(s, "aws:guardduty/detector:Detector");
            assert.strictEqual(detector.length, 1, s.stack);
            assert.deepStrictEqual([detector[0].inputs.enable, detector[0].inputs.findingPublishingFrequency, "datasources" in detector[0].inputs], [true, "FIFTEEN_MINUTES", false]);
            assert.deepStrictEqual(
                ofType(s, "aws:guardduty/detectorFeature:DetectorFeature").map((f) => [f.inputs.name, f.inputs.status, f.inputs.additionalConfigurations ?? null, f.propertyDependencies.detectorId]),
                [
                    ["S3_DATA_EVENTS", "ENABLED", null, [detector[0].urn]],
                    ["EKS_AUDIT_LOGS", "ENABLED", null, [detector[0].urn]],
                    ["RDS_LOGIN_EVENTS", "ENABLED", null, [detector[0].urn]],
                    ["EBS_MALWARE_PROTECTION", "ENABLED", null, [detector[0].urn]],
                    [
                        "RUNTIME_MONITORING",
                        "ENABLED",
                        [
                            { name: "EKS_ADDON_MANAGEMENT", status: "ENABLED" },
                            { name: "ECS_FARGATE_AGENT_MANAGEMENT", status: "DISABLED" },
                            { name: "EC2_AGENT_MANAGEMENT", status: "DISABLED" },
                        ],
                        [detector[0].urn],
                    ],
                ],
                s.stack,
            );
        }
    });

    it("turns Security Hub CSPM on in every region with FSBP only (no default standards), and aggregates the secondaries' findings in the primary", () => {
        for (const s of stacks) {
            const hub = named(s, "detection-securityhub");
            assert.deepStrictEqual(hub.inputs, { enableDefaultStandards: false, controlFindingGenerator: "SECURITY_CONTROL", autoEnableControls: true });
            const fsbp = named(s, "detection-fsbp");
            const region = s.stack.replace("staging-", "");
            assert.deepStrictEqual([fsbp.inputs.standardsArn, fsbp.dependencies.includes(hub.urn)], [fsbpStandardArn(region), true]);
            assert.strictEqual(fsbpStandardArn("us-west-2"), "arn:aws:securityhub:us-west-2::standards/aws-foundational-security-best-practices/v/1.0.0");
            const aggregators = ofType(s, "aws:securityhub/findingAggregator:FindingAggregator");
            if (s.role === "primary") {
                assert.deepStrictEqual(aggregators.map((a) => [a.inputs.linkingMode, a.inputs.specifiedRegions, a.dependencies.includes(hub.urn)]), [["SPECIFIED_REGIONS", ["us-west-2"], true]]);
            } else {
                assert.deepStrictEqual(aggregators, [], s.stack);
            }
        }
    });

    it("records every resource with AWS Config into its own unlocked bucket (Config cannot deliver into Object Lock); IAM and other global types in the primary only; recorder, then channel, then status", () => {
        for (const s of stacks) {
            const recorder = named(s, "detection-config-recorder");
            const channel = named(s, "detection-config-delivery-channel");
            const status = named(s, "detection-config-recorder-status");
            assert.deepStrictEqual(recorder.inputs.recordingGroup, { allSupported: true, includeGlobalResourceTypes: s.role === "primary" }, s.stack);
            assert.ok(channel.dependencies.includes(recorder.urn) && status.dependencies.includes(channel.urn), s.stack);
            const bucket = named(s, "detection-config-bucket");
            assert.deepStrictEqual([channel.inputs.s3BucketName, bucket.inputs.objectLockEnabled, bucket.protect], [bucket.inputs.bucket, undefined, true]);
            const policy = JSON.parse(String(named(s, "detection-config-bucket-policy").inputs.policy));
            assert.deepStrictEqual(policy.Statement.map((x: { Sid: string }) => x.Sid), ["DenyInsecureTransport", "AWSConfigBucketPermissionsCheck", "AWSConfigBucketExistenceCheck", "AWSConfigBucketDelivery"]);
            assert.deepStrictEqual(policy.Statement[3].Condition, { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "AWS:SourceAccount": "123456789012" } });
            const trust = JSON.parse(String(named(s, "detection-config-role").inputs.assumeRolePolicy));
            assert.deepStrictEqual(trust.Statement[0].Condition, { StringEquals: { "aws:SourceAccount": "123456789012" } });
        }
    });

    it("keeps a multi-region, validated CloudTrail (primary only) in an Object Lock bucket with its own key, the policies in place before the trail", () => {
        for (const s of stacks) {
            const trails = ofType(s, "aws:cloudtrail/trail:Trail");
            if (s.role !== "primary") {
                assert.deepStrictEqual(trails, [], s.stack);
                continue;
            }
            const prefix = s.environment === "production" ? "mall" : "mall-staging";
            const [trail] = trails;
            const bucket = named(s, "detection-trail-bucket");
            const key = named(s, "detection-trail-key");
            assert.deepStrictEqual(
                [trail.inputs.name, trail.inputs.isMultiRegionTrail, trail.inputs.includeGlobalServiceEvents, trail.inputs.enableLogFileValidation, trail.inputs.s3BucketName, trail.protect],
                [`${prefix}-trail`, true, true, true, `${prefix}-us-east-1-trail-123456789012`, true],
            );
            assert.deepStrictEqual(trail.propertyDependencies.kmsKeyId, [key.urn]);
            assert.ok(trail.dependencies.includes(named(s, "detection-trail-bucket-policy").urn));
            assert.deepStrictEqual([bucket.inputs.objectLockEnabled, bucket.protect], [true, true]);
            assert.deepStrictEqual(named(s, "detection-trail-object-lock").inputs.rule, { defaultRetention: { mode: s.environment === "production" ? "COMPLIANCE" : "GOVERNANCE", days: 365 } });
            const trailArn = `arn:aws:cloudtrail:us-east-1:123456789012:trail/${prefix}-trail`;
            const bucketPolicy = JSON.parse(String(named(s, "detection-trail-bucket-policy").inputs.policy));
            assert.deepStrictEqual(
                bucketPolicy.Statement.slice(1).map((x: { Sid: string; Action: string; Condition: unknown }) => [x.Sid, x.Action, x.Condition]),
                [
                    ["AWSCloudTrailAclCheck", "s3:GetBucketAcl", { StringEquals: { "aws:SourceArn": trailArn } }],
                    ["AWSCloudTrailWrite", "s3:PutObject", { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trailArn } }],
                ],
            );
            const keyPolicy = JSON.parse(String(key.inputs.policy));
            assert.deepStrictEqual(
                keyPolicy.Statement.filter((x: { Sid: string }) => x.Sid.startsWith("Service")).map((x: { Sid: string; Action: string[]; Condition: unknown }) => [x.Sid, x.Action, x.Condition]),
                [
                    ["Servicecloudtrail", ["kms:GenerateDataKey*"], { StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:123456789012:trail/*" }, StringEquals: { "aws:SourceArn": trailArn } }],
                    ["Servicecloudtrail2", ["kms:DescribeKey", "kms:Decrypt"], { StringEquals: { "aws:SourceArn": trailArn } }],
                ],
            );
        }
    });

    it("pages high and critical findings on the region's DR topic: GuardDuty's everywhere, Security Hub's (but GuardDuty's) in the primary; the topic admits exactly those rules", () => {
        for (const s of stacks) {
            const rules = ofType(s, "aws:cloudwatch/eventRule:EventRule").filter((r) => r.name.startsWith("detection-"));
            const expected = s.role === "primary" ? ["detection-guardduty-findings", "detection-security-tamper", "detection-securityhub-findings"] : ["detection-guardduty-findings", "detection-security-tamper"];
            assert.deepStrictEqual(rules.map((r) => r.name).sort(), expected, s.stack);
            assert.deepStrictEqual(JSON.parse(String(named(s, "detection-guardduty-findings").inputs.eventPattern)), GUARDDUTY_FINDINGS_PATTERN);
            if (s.role === "primary") assert.deepStrictEqual(JSON.parse(String(named(s, "detection-securityhub-findings").inputs.eventPattern)), SECURITYHUB_FINDINGS_PATTERN);
            const tamper = JSON.parse(String(named(s, "detection-security-tamper").inputs.eventPattern));
            assert.deepStrictEqual(tamper["detail-type"], ["AWS API Call via CloudTrail"]);
            for (const call of ["StopLogging", "DeleteDetector", "StopConfigurationRecorder", "DisableSecurityHub", "ScheduleKeyDeletion", "DeleteRecoveryPoint", "DeleteLogGroup", "PutObjectLockConfiguration"]) {
                assert.ok(tamper.detail.eventName.includes(call), call);
            }
            const topic = named(s, "dr-topic");
            for (const r of rules) assert.deepStrictEqual(named(s, `${r.name}-to-topic`).propertyDependencies.arn, [topic.urn]);
            const topicPolicy = JSON.parse(String(named(s, "dr-topic-policy").inputs.policy));
            const findings = topicPolicy.Statement.find((x: { Sid: string }) => x.Sid === "SecurityFindings");
            const region = s.stack.replace("staging-", "");
            assert.deepStrictEqual(findings.Condition, { ArnEquals: { "aws:SourceArn": rules.map((r) => `arn:aws:events:${region}:123456789012:rule/${r.inputs.name}`).sort() } });
            const keyPolicy = JSON.parse(String(named(s, "dr-dr-key").inputs.policy));
            assert.deepStrictEqual(keyPolicy.Statement.find((x: { Principal: { Service?: string } }) => x.Principal.Service === "events.amazonaws.com").Action, ["kms:GenerateDataKey*", "kms:Decrypt"]);
        }
    });
});

describe("the detection baseline handed over (mall:accountBaseline)", function () {
    this.timeout(300_000);
    it("creates none of the singletons when the organisation provides them, and still pages GuardDuty's findings", async () => {
        const result = await handedOverPrimaryPlan();
        assert.strictEqual(result.failure, undefined, result.failure?.error.message);
        const s = result.stacks[0];
        assert.deepStrictEqual(DETECTION_TYPES.flatMap((t) => s.resources.filter((r) => r.type === t).map((r) => r.name)), []);
        assert.deepStrictEqual(s.resources.filter((r) => r.type === "aws:cloudwatch/eventRule:EventRule" && r.name.startsWith("detection-")).map((r) => r.name).sort(), [
            "detection-guardduty-findings",
            "detection-security-tamper",
            "detection-securityhub-findings",
        ]);
    });
});
