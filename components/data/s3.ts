/**
 * S3 (ARCHITECTURE §4, §7): static-assets and traces buckets per region — versioned, SSE-KMS with
 * the region's `s3` key, public access blocked, owner-enforced, TLS-only — and cross-region
 * replication between every pair of regions, both ways (sellers upload and Tempo writes in every
 * region), with Replication Time Control (15 min), replica modification sync (AWS's two-way
 * guidance) and replica-key mapping to each destination region's own `s3` key.
 *
 * Ownership (see plan.ts planLinks): S3 allows one replication configuration per bucket and refuses
 * a destination that does not exist, so the last region in the registry owns every bucket's
 * configuration. Buckets and keys of other regions are derived (bucket name, key alias), never read
 * from their stacks. Traces replicate only their own region's prefix (Tempo writes under
 * `<region>/`), so a replica never lands in the key space of the destination's Tempo.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceTrustPolicy } from "../common/trust";
import { privateBucket } from "../common/private-bucket";
import { s3ReplicationRoleName } from "./key-users";
import { DataScope, child, dataTags } from "./shared";
import { BUCKETS, BucketPurpose, S3Route, bucketName, keyAlias } from "./plan";

export interface S3Replication {
    /** Per registered region, its buckets' destinations (plan.ts planLinks). */
    readonly routes: readonly S3Route[];
}

export interface S3Store {
    readonly buckets: Record<BucketPurpose, aws.s3.Bucket>;
    /** Per source region, its buckets' configurations (owner only). */
    readonly replication?: Readonly<Record<string, Record<BucketPurpose, aws.s3.BucketReplicationConfig>>>;
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
                bucketName: pulumi.output(ctx.accountId).apply((a) => bucketName(ctx.prefix, ctx.region, purpose, a)),
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

/** The replication rule id of one destination (what the lag alarms' RuleId dimension names). */
export function ruleId(destination: string): string {
    return `to-${destination}`;
}

/** Which objects of a bucket its region replicates: everything, or for traces the region's own Tempo prefix. */
export function replicatedPrefix(purpose: BucketPurpose, source: string): string | undefined {
    return purpose === "traces" ? `${source}/` : undefined;
}

function buildReplication(
    scope: DataScope,
    local: Record<BucketPurpose, aws.s3.Bucket>,
    versioning: Record<BucketPurpose, aws.s3.BucketVersioning>,
    rep: S3Replication,
): Record<string, Record<BucketPurpose, aws.s3.BucketReplicationConfig>> {
    const { ctx } = scope;
    const base = `${scope.name}-s3-replication`;
    const account = pulumi.output(ctx.accountId);
    const bucketArn = (region: string, purpose: BucketPurpose) =>
        region === ctx.region ? local[purpose].arn : account.apply((a) => `arn:aws:s3:::${bucketName(ctx.prefix, region, purpose, a)}`);
    const bucketId = (region: string, purpose: BucketPurpose) =>
        region === ctx.region ? local[purpose].bucket : account.apply((a) => bucketName(ctx.prefix, region, purpose, a));
    // Own key by ARN; other regions' keys by alias ARN (S3 accepts either for ReplicaKmsKeyID).
    const destKey = (region: string) =>
        region === ctx.region ? scope.keys.s3.arn : account.apply((a) => `arn:aws:kms:${region}:${a}:${keyAlias(ctx.prefix, region, "s3")}`);
    // A region's `s3` key, named by its alias (IAM cannot name a key by alias ARN).
    const keyOf = (Sid: string, actions: string[], region: string) => ({
        Sid,
        Effect: "Allow",
        Action: actions,
        Resource: account.apply((a) => `arn:aws:kms:${region}:${a}:key/*`),
        Condition: {
            StringLike: { "kms:ViaService": `s3.${region}.amazonaws.com` },
            "ForAnyValue:StringEquals": { "kms:ResourceAliases": keyAlias(ctx.prefix, region, "s3") },
        },
    });
    const sources = rep.routes.map((r) => r.source);
    const destinations = [...new Set(rep.routes.flatMap((r) => r.destinations))];
    const sourceArns = sources.flatMap((r) => BUCKETS.map((p) => bucketArn(r, p)));
    const alnum = (r: string) => r.replace(/-/g, "");

    const role = new aws.iam.Role(
        `${base}-role`,
        {
            name: s3ReplicationRoleName(ctx.prefix, ctx.region),
            assumeRolePolicy: serviceTrustPolicy(ctx, "s3.amazonaws.com"),
            tags: dataTags(scope, "s3", ["s3-replication", "role"]),
        },
        // Retained with the configurations that name it: a previous owner re-run before the new one
        // must not leave them pointing at a deleted role (docs/data.md: delete it once superseded).
        child(scope, { retainOnDelete: true }),
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
                        Resource: destinations.flatMap((r) => BUCKETS.map((p) => pulumi.interpolate`${bucketArn(r, p)}/*`)),
                    },
                    ...sources.map((r) => keyOf(`DecryptSource${alnum(r)}`, ["kms:Decrypt"], r)),
                    ...destinations.map((r) => keyOf(`EncryptReplicas${alnum(r)}`, ["kms:Encrypt", "kms:GenerateDataKey"], r)),
                ],
            }),
        },
        child(scope, { retainOnDelete: true }),
    );
    const configs: Record<string, Record<BucketPurpose, aws.s3.BucketReplicationConfig>> = {};
    rep.routes.forEach((route, n) => {
        configs[route.source] = {} as Record<BucketPurpose, aws.s3.BucketReplicationConfig>;
        for (const purpose of BUCKETS) {
            const prefix = replicatedPrefix(purpose, route.source);
            // The first source keeps the names of the two-region layout (primary -> first secondary).
            configs[route.source][purpose] = new aws.s3.BucketReplicationConfig(
                n === 0 ? `${base}-${purpose}` : `${base}-${purpose}-from-${route.source}`,
                {
                    ...(route.source === ctx.region ? {} : { region: route.source }),
                    bucket: bucketId(route.source, purpose),
                    role: role.arn,
                    rules: route.destinations.map((region, i) => ({
                        id: ruleId(region),
                        priority: i + 1,
                        status: "Enabled",
                        filter: prefix ? { prefix } : {},
                        deleteMarkerReplication: { status: "Enabled" },
                        // Two-way: metadata changes made on a replica flow back (AWS: enable on both sides).
                        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" }, replicaModifications: { status: "Enabled" } },
                        destination: {
                            bucket: bucketArn(region, purpose),
                            storageClass: "STANDARD",
                            encryptionConfiguration: { replicaKmsKeyId: destKey(region) },
                            replicationTime: { status: "Enabled", time: { minutes: 15 } },
                            metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
                        },
                    })),
                },
                // Destinations must exist and be versioned (this region's own buckets are created in
                // this run; the owner is the last region, so every other exists). Retained on delete:
                // a new last region takes the configuration over (plan.ts planLinks).
                child(scope, { dependsOn: [policy, versioning[purpose]], retainOnDelete: true }),
            );
        }
    });
    return configs;
}
