/**
 * One private bucket assembly for every component (CDK's `BucketProps` idea: block public access,
 * owner-enforced, versioning, SSE-KMS and TLS-only as properties of one construct): the bucket
 * (protected), all four public-access blocks, BucketOwnerEnforced, versioning, default encryption
 * with a customer key, and a bucket policy that starts with the TLS-only statement.
 *
 * Encryption and the policy can be declared later than the bucket (`encrypt`, `policy`) because
 * some keys and grants name resources that need the bucket first (CloudFront's distribution).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { denyInsecureTransport } from "./bucket-policy";
import { Tags } from "./tags";

/** The children's name suffixes. Buckets that existed before this helper keep theirs, so their URNs do not change. */
export interface PrivateBucketChildNames {
    /** The BucketPublicAccessBlock's suffix. @default "-public-access-block" */
    readonly publicAccessBlock?: string;
    /** The BucketOwnershipControls' suffix. @default "-ownership" */
    readonly ownership?: string;
    /** The BucketVersioning's suffix. @default "-versioning" */
    readonly versioning?: string;
    /** The default-encryption configuration's suffix. @default "-encryption" */
    readonly encryption?: string;
    /** The BucketPolicy's suffix. @default "-policy" */
    readonly policy?: string;
}

/** Statements granted on the bucket, given its ARN; values may be Outputs (serialised with pulumi.jsonStringify). */
export type BucketGrants = (bucketArn: string) => Record<string, unknown>[];

export interface PrivateBucketArgs {
    /** The bucket's AWS name (globally unique: callers append the account id). */
    readonly bucketName: pulumi.Input<string>;
    /** The bucket's tags (the children are configuration of the bucket and carry none). */
    readonly tags: Tags;
    /** The bucket's region when it is not the stack's (e.g. us-east-1 for CloudFront's logs). @default - the stack's region */
    readonly region?: string;
    /** Keep every object version (replication and recovery need it). @default true */
    readonly versioning?: boolean;
    /**
     * Create the bucket with S3 Object Lock enabled (it cannot be turned on later through the
     * provider: the flag forces a new bucket, and a locked bucket never turns it off). The default
     * retention is its own resource (aws.s3.BucketObjectLockConfiguration). Requires versioning.
     * @default false
     */
    readonly objectLock?: boolean;
    /** Encrypt by default with this key now; omit to call `encrypt` once the key exists. @default - not yet */
    readonly kmsKeyArn?: pulumi.Input<string>;
    /** Declare the TLS-only policy now with these grants; omit to call `policy` later. @default - not yet */
    readonly grants?: BucketGrants;
    /**
     * Which of the access controls the policy waits for. A policy written before the public-access
     * block could be public for a moment. @default ["publicAccessBlock", "ownership"]
     */
    readonly policyAfter?: readonly ("publicAccessBlock" | "ownership")[];
    /** Suffixes of the children's Pulumi names, for buckets that predate this helper. @default - the standard suffixes */
    readonly childNames?: PrivateBucketChildNames;
    /** What the children's names start with. @default - the bucket's Pulumi name */
    readonly childPrefix?: string;
}

export interface PrivateBucket {
    readonly bucket: aws.s3.Bucket;
    readonly publicAccessBlock: aws.s3.BucketPublicAccessBlock;
    readonly ownership: aws.s3.BucketOwnershipControls;
    readonly versioning?: aws.s3.BucketVersioning;
    /** Default SSE-KMS with `keyArn` (S3 Bucket Keys on). */
    encrypt(keyArn: pulumi.Input<string>): aws.s3.BucketServerSideEncryptionConfiguration;
    /** The bucket policy: the TLS-only statement, then `grants`. */
    policy(grants?: BucketGrants): aws.s3.BucketPolicy;
    /** The Object Lock default retention of an `objectLock` bucket, named `name`; none when `retention` is undefined (`mall:retentionLock: none`). */
    lockObjects(name: string, retention: { readonly mode: "COMPLIANCE" | "GOVERNANCE"; readonly days: number } | undefined): aws.s3.BucketObjectLockConfiguration | undefined;
}

/** `name` and its children `<childPrefix><suffix>` under `parent`. */
export function privateBucket(name: string, args: PrivateBucketArgs, parent: pulumi.Resource): PrivateBucket {
    const names = { publicAccessBlock: "-public-access-block", ownership: "-ownership", versioning: "-versioning", encryption: "-encryption", policy: "-policy", ...args.childNames };
    const prefix = args.childPrefix ?? name;
    const where = args.region ? { region: args.region } : {};
    const opts = { parent };
    if (args.objectLock && args.versioning === false) throw new Error(`${name}: S3 Object Lock requires versioning`);
    const bucket = new aws.s3.Bucket(
        name,
        { ...where, bucket: args.bucketName, forceDestroy: false, ...(args.objectLock ? { objectLockEnabled: true } : {}), tags: args.tags },
        { parent, protect: true },
    );
    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
        `${prefix}${names.publicAccessBlock}`,
        { ...where, bucket: bucket.bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        opts,
    );
    const ownership = new aws.s3.BucketOwnershipControls(`${prefix}${names.ownership}`, { ...where, bucket: bucket.bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, opts);
    const versioning =
        (args.versioning ?? true)
            ? new aws.s3.BucketVersioning(`${prefix}${names.versioning}`, { ...where, bucket: bucket.bucket, versioningConfiguration: { status: "Enabled" } }, opts)
            : undefined;
    const after = (args.policyAfter ?? ["publicAccessBlock", "ownership"]).map((c) => (c === "publicAccessBlock" ? publicAccessBlock : ownership));
    const encrypt = (keyArn: pulumi.Input<string>) =>
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${prefix}${names.encryption}`,
            { ...where, bucket: bucket.bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn }, bucketKeyEnabled: true }] },
            opts,
        );
    const policy = (grants: BucketGrants = () => []) =>
        new aws.s3.BucketPolicy(
            `${prefix}${names.policy}`,
            {
                ...where,
                bucket: bucket.bucket,
                policy: bucket.arn.apply((arn) => pulumi.jsonStringify({ Version: "2012-10-17", Statement: [denyInsecureTransport(arn, `${arn}/*`), ...grants(arn)] })),
            },
            after.length > 0 ? { parent, dependsOn: after } : opts,
        );
    const lockObjects = (lockName: string, retention: { readonly mode: "COMPLIANCE" | "GOVERNANCE"; readonly days: number } | undefined) => {
        if (!args.objectLock) throw new Error(`${name}: a default retention needs a bucket created with objectLock`);
        if (!retention) return undefined;
        return new aws.s3.BucketObjectLockConfiguration(
            lockName,
            { ...where, bucket: bucket.bucket, objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: retention.mode, days: retention.days } } },
            { parent, dependsOn: versioning ? [versioning] : [] },
        );
    };
    if (args.kmsKeyArn !== undefined) encrypt(args.kmsKeyArn);
    if (args.grants !== undefined) policy(args.grants);
    return { bucket, publicAccessBlock, ownership, versioning, encrypt, policy, lockObjects };
}
