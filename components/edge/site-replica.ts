/**
 * The storefront's second copy (spec-audit item 3): the web bucket replicated one way into the
 * failover region, so CloudFront's storefront origin group can serve the SPA and `/static/*` from
 * the replica while the primary region's S3 fails. The site is published to the web bucket only
 * (docs/edge.md); the replica is written by S3 replication alone.
 *
 * Both buckets sit behind the same origin access control and each authorises CloudFront itself:
 * a bucket policy and a key policy name this distribution (`AWS:SourceArn`) on the replica too,
 * because replicas are encrypted with the destination's own key (S3 replication with SSE-KMS).
 * Replication is S3 Replication Time Control (15 minutes), delete markers included, so a deploy
 * that removes an old asset removes it from the replica as well. Replication copies only objects
 * written after it exists: a bucket published before it needs one re-publish (docs/edge.md).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RegionContext, awsName } from "../common/context";
import { cloudFrontDecrypts, serviceKey } from "../common/kms";
import { cloudFrontReadsThroughOac } from "../common/bucket-policy";
import { PrivateBucket, privateBucket } from "../common/private-bucket";
import { tagsFor } from "../common/tags";
import { serviceTrustPolicy } from "../common/trust";

/** The replica's key and bucket belong to the site's service (the per-service KMS rule). */
export const WEB_SERVICE = "web-assets";
/** Distinguishes the replica's names from a web bucket the failover region would own as primary. */
export const REPLICA_SUFFIX = "replica";

/** The replication rule's id (what an S3 replication metric's RuleId dimension names). */
export const siteReplicationRuleId = (replicaRegion: string) => `site-to-${replicaRegion}`;

/** `mall-us-west-2-web-replica-<account>`: in the failover region, never a primary's web bucket name. */
export function replicaBucketName(ctx: RegionContext, replicaRegion: string, account: string): string {
    return `${awsName({ ...ctx, region: replicaRegion }, "web", REPLICA_SUFFIX)}-${account}`;
}

export interface SiteReplicaArgs {
    readonly context: RegionContext;
    readonly component: string;
    readonly replicaRegion: string;
    /** The web bucket (primary region). */
    readonly source: PrivateBucket;
}

/** The replica bucket; declared before the distribution, which names its domain. */
export function siteReplicaBucket(parent: pulumi.Resource, name: string, args: SiteReplicaArgs): PrivateBucket {
    const ctx = args.context;
    const where = { ...ctx, region: args.replicaRegion };
    return privateBucket(
        `${name}-web-replica`,
        {
            bucketName: pulumi.output(ctx.accountId).apply((a) => replicaBucketName(ctx, args.replicaRegion, a)),
            tags: tagsFor(where, WEB_SERVICE, args.component, {}, awsName(where, WEB_SERVICE, REPLICA_SUFFIX)),
            region: args.replicaRegion,
            policyAfter: [],
        },
        parent,
    );
}

/**
 * What needs the distribution: the replica's key (CloudFront decrypts for this distribution only),
 * its encryption and policy, and the replication from the web bucket into it.
 */
export function replicateSite(
    parent: pulumi.Resource,
    name: string,
    args: SiteReplicaArgs,
    replica: PrivateBucket,
    /** The web bucket's key: replication decrypts with it. */
    sourceKeyArn: pulumi.Input<string>,
    distributionArn: pulumi.Output<string>,
): { readonly key: pulumi.Output<string>; readonly replication: aws.s3.BucketReplicationConfig } {
    const ctx = args.context;
    const opts = { parent };
    const key = serviceKey(
        `${name}-web-replica`,
        ctx,
        {
            service: WEB_SERVICE,
            component: args.component,
            description: "Web (SPA) origin bucket's replica",
            region: args.replicaRegion,
            aliasSuffix: REPLICA_SUFFIX,
            viaServices: ["s3"],
            servicePrincipals: [cloudFrontDecrypts(distributionArn)],
        },
        parent,
    );
    const encryption = replica.encrypt(key.arn);

    const role = new aws.iam.Role(
        `${name}-web-replication-role`,
        {
            name: awsName(ctx, "web-replication"),
            description: "S3 replicates the web bucket into its replica in the failover region",
            // Pinned to this account (S3 replication sends aws:SourceAccount when it assumes the role).
            assumeRolePolicy: serviceTrustPolicy(ctx, "s3.amazonaws.com", { sourceAccount: true }),
            tags: tagsFor(ctx, WEB_SERVICE, args.component, {}, awsName(ctx, "web-replication")),
        },
        opts,
    );
    // Only replication writes the replica: anything else put there would be served on the site's
    // domain the moment the web bucket answers 403/404 for that path (the group's failover codes).
    replica.policy((arn) => [
        cloudFrontReadsThroughOac(arn, distributionArn),
        {
            Sid: "OnlyReplicationWrites",
            Effect: "Deny",
            Principal: "*",
            Action: ["s3:PutObject", "s3:PutObjectAcl", "s3:PutObjectTagging", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:RestoreObject"],
            Resource: `${arn}/*`,
        },
        {
            Sid: "OnlyTheReplicationRoleReplicates",
            Effect: "Deny",
            Principal: "*",
            Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
            Resource: `${arn}/*`,
            Condition: { ArnNotEquals: { "aws:PrincipalArn": role.arn } },
        },
    ]);
    const source = args.source.bucket;
    const policy = new aws.iam.RolePolicy(
        `${name}-web-replication-policy`,
        {
            role: role.id,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    { Sid: "ReadSourceConfig", Effect: "Allow", Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"], Resource: source.arn },
                    {
                        Sid: "ReadSourceVersions",
                        Effect: "Allow",
                        Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
                        Resource: pulumi.interpolate`${source.arn}/*`,
                    },
                    {
                        Sid: "WriteReplicas",
                        Effect: "Allow",
                        Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                        Resource: pulumi.interpolate`${replica.bucket.arn}/*`,
                    },
                    {
                        Sid: "DecryptSource",
                        Effect: "Allow",
                        Action: "kms:Decrypt",
                        Resource: sourceKeyArn,
                        Condition: { StringLike: { "kms:ViaService": `s3.${ctx.region}.amazonaws.com` } },
                    },
                    {
                        Sid: "EncryptReplicas",
                        Effect: "Allow",
                        Action: ["kms:Encrypt", "kms:GenerateDataKey"],
                        Resource: key.arn,
                        Condition: { StringLike: { "kms:ViaService": `s3.${args.replicaRegion}.amazonaws.com` } },
                    },
                ],
            }),
        },
        opts,
    );
    const deps = [policy, encryption, ...[args.source.versioning, replica.versioning].filter((v): v is aws.s3.BucketVersioning => v !== undefined)];
    const replication = new aws.s3.BucketReplicationConfig(
        `${name}-web-replication`,
        {
            bucket: source.bucket,
            role: role.arn,
            rules: [
                {
                    id: siteReplicationRuleId(args.replicaRegion),
                    priority: 1,
                    status: "Enabled",
                    filter: {},
                    // A removed asset disappears from the replica too.
                    deleteMarkerReplication: { status: "Enabled" },
                    sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
                    destination: {
                        bucket: replica.bucket.arn,
                        storageClass: "STANDARD",
                        encryptionConfiguration: { replicaKmsKeyId: key.arn },
                        replicationTime: { status: "Enabled", time: { minutes: 15 } },
                        metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
                    },
                },
            ],
        },
        // S3 refuses a configuration whose destination is not versioned, or a role it cannot use yet.
        { parent, dependsOn: deps },
    );
    return { key: key.arn, replication };
}
