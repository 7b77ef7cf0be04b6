/**
 * S3 (ARCHITECTURE §4, §7): static-assets and traces buckets per region — versioned, SSE-KMS with
 * the region's `s3` key, public access blocked, owner-enforced, TLS-only — and cross-region
 * replication from the primary's buckets with Replication Time Control (15 min) and replica-key
 * mapping to each destination region's own `s3` key.
 *
 * Ownership (see plan.ts planLinks): S3 allows one replication configuration per bucket, so the
 * first secondary in the registry owns it for the primary's buckets, with one rule per secondary.
 * Other secondaries' destinations are derived (bucket name, key alias), never read from their
 * stacks: deploy a new secondary first, then re-run the owner.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceTrustPolicy } from "../common/trust";
import { privateBucket } from "../common/private-bucket";
import { awsName } from "../common/context";
import { DataScope, child, dataTags } from "./shared";
import { BUCKETS, BucketPurpose, bucketName, keyAlias } from "./plan";

export interface S3Replication {
    readonly sourceRegion: string;
    /** The primary's buckets (names) and its `s3` key (objects to decrypt). */
    readonly sourceBuckets: Readonly<Record<BucketPurpose, pulumi.Input<string>>>;
    readonly sourceKeyArn: pulumi.Input<string>;
    /** Destination regions, registry order (this region among them). */
    readonly destinations: readonly string[];
}

export interface S3Store {
    readonly buckets: Record<BucketPurpose, aws.s3.Bucket>;
    readonly replication?: Record<BucketPurpose, aws.s3.BucketReplicationConfig>;
}

/** Tempo traces lifecycle (ARCHITECTURE §7). */
export const TRACES_LIFECYCLE = { standardIaAfterDays: 30, glacierIrAfterDays: 90, expireAfterDays: 365 } as const;

export function buildS3(scope: DataScope, replication?: S3Replication): S3Store {
    const { ctx } = scope;
    const buckets = {} as Record<BucketPurpose, aws.s3.Bucket>;
    const versioning = {} as Record<BucketPurpose, aws.s3.BucketVersioning>;
    for (const purpose of BUCKETS) {
        const base = `${scope.name}-${purpose}`;
        const tags = (...parts: string[]) => dataTags(scope, "s3", [purpose, ...parts], { bucket: purpose });
        const assembled = privateBucket(
            `${base}-bucket`,
            {
                bucketName: pulumi.output(ctx.accountId).apply((a) => bucketName(ctx.project, ctx.region, purpose, a)),
                tags: tags(),
                kmsKeyArn: scope.keys.s3.arn,
                grants: () => [],
                childPrefix: base,
            },
            scope.parent,
        );
        const bucket = assembled.bucket;
        versioning[purpose] = assembled.versioning!;
        if (purpose === "traces") {
            const l = TRACES_LIFECYCLE;
            new aws.s3.BucketLifecycleConfiguration(
                `${base}-lifecycle`,
                {
                    bucket: bucket.id,
                    rules: [
                        {
                            id: "tempo-tiering",
                            status: "Enabled",
                            filter: {},
                            transitions: [
                                { days: l.standardIaAfterDays, storageClass: "STANDARD_IA" },
                                { days: l.glacierIrAfterDays, storageClass: "GLACIER_IR" },
                            ],
                            expiration: { days: l.expireAfterDays },
                            noncurrentVersionExpiration: { noncurrentDays: 30 },
                            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                        },
                    ],
                },
                child(scope),
            );
        }
        buckets[purpose] = bucket;
    }
    return { buckets, replication: replication ? buildReplication(scope, buckets, versioning, replication) : undefined };
}

function buildReplication(
    scope: DataScope,
    local: Record<BucketPurpose, aws.s3.Bucket>,
    versioning: Record<BucketPurpose, aws.s3.BucketVersioning>,
    rep: S3Replication,
): Record<BucketPurpose, aws.s3.BucketReplicationConfig> {
    const { ctx } = scope;
    const base = `${scope.name}-s3-replication`;
    const account = pulumi.output(ctx.accountId);
    const destBucketArn = (region: string, purpose: BucketPurpose) =>
        region === ctx.region ? local[purpose].arn : account.apply((a) => `arn:aws:s3:::${bucketName(ctx.project, region, purpose, a)}`);
    // Own key by ARN; other regions' keys by alias ARN (S3 accepts either for ReplicaKmsKeyID).
    const destKey = (region: string) =>
        region === ctx.region ? scope.keys.s3.arn : account.apply((a) => `arn:aws:kms:${region}:${a}:${keyAlias(ctx.project, region, "s3")}`);
    const sourceArns = BUCKETS.map((p) => pulumi.interpolate`arn:aws:s3:::${rep.sourceBuckets[p]}`);

    const role = new aws.iam.Role(
        `${base}-role`,
        {
            name: awsName(ctx, "s3-replication"),
            assumeRolePolicy: serviceTrustPolicy(ctx, "s3.amazonaws.com"),
            tags: dataTags(scope, "s3", ["s3-replication", "role"]),
        },
        child(scope),
    );
    const policy = new aws.iam.RolePolicy(
        `${base}-policy`,
        {
            role: role.id,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    { Sid: "ReadSourceConfig", Effect: "Allow", Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"], Resource: sourceArns },
                    {
                        Sid: "ReadSourceVersions",
                        Effect: "Allow",
                        Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
                        Resource: sourceArns.map((a) => pulumi.interpolate`${a}/*`),
                    },
                    {
                        Sid: "WriteReplicas",
                        Effect: "Allow",
                        Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner"],
                        Resource: rep.destinations.flatMap((r) => BUCKETS.map((p) => pulumi.interpolate`${destBucketArn(r, p)}/*`)),
                    },
                    {
                        Sid: "DecryptSource",
                        Effect: "Allow",
                        Action: "kms:Decrypt",
                        Resource: rep.sourceKeyArn,
                        Condition: { StringLike: { "kms:ViaService": `s3.${rep.sourceRegion}.amazonaws.com` } },
                    },
                    ...rep.destinations.map((r) => ({
                        Sid: `EncryptReplicas${r.replace(/-/g, "")}`,
                        Effect: "Allow",
                        Action: ["kms:Encrypt", "kms:GenerateDataKey"],
                        Resource: account.apply((a) => `arn:aws:kms:${r}:${a}:key/*`),
                        Condition: {
                            StringLike: { "kms:ViaService": `s3.${r}.amazonaws.com` },
                            "ForAnyValue:StringEquals": { "kms:ResourceAliases": keyAlias(ctx.project, r, "s3") },
                        },
                    })),
                ],
            }),
        },
        child(scope),
    );
    const configs = {} as Record<BucketPurpose, aws.s3.BucketReplicationConfig>;
    for (const purpose of BUCKETS) {
        configs[purpose] = new aws.s3.BucketReplicationConfig(
            `${base}-${purpose}`,
            {
                region: rep.sourceRegion,
                bucket: rep.sourceBuckets[purpose],
                role: role.arn,
                rules: rep.destinations.map((region, i) => ({
                    id: `to-${region}`,
                    priority: i + 1,
                    status: "Enabled",
                    filter: {},
                    deleteMarkerReplication: { status: "Enabled" },
                    sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" }, replicaModifications: { status: "Enabled" } },
                    destination: {
                        bucket: destBucketArn(region, purpose),
                        storageClass: "STANDARD",
                        encryptionConfiguration: { replicaKmsKeyId: destKey(region) },
                        replicationTime: { status: "Enabled", time: { minutes: 15 } },
                        metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
                    },
                })),
            },
            // The destination must exist and be versioned before S3 accepts a rule to it.
            child(scope, { dependsOn: [policy, versioning[purpose]] }),
        );
    }
    return configs;
}
