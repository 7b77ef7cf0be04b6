/** S3 guardrails: no bucket can become public; buckets refuse plaintext HTTP. */
import { StackValidationPolicy } from "@pulumi/policy";
import { describe } from "./lib/checks";
import { StackIndex, stackPolicy } from "./lib/define";
import { statements, strings } from "./lib/iamdoc";
import { StackResource, UNKNOWN, advise, at, show, str } from "./lib/props";

/** `aws.s3.Bucket` and its v6-era alias `aws.s3.BucketV2` are one resource to these policies. */
export const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

/** Sub-resources that name a bucket: by `bucket` dependency on the bucket's URN, else by its known name. */
function attachedTo(idx: StackIndex, bucket: StackResource, type: string): StackResource[] {
    const name = str(at(bucket.props, "bucket"));
    return idx.ofType(type).filter((s) => {
        if (idx.depsOf(s, "bucket", ...BUCKET_TYPES).length > 0) return idx.depsOf(s, "bucket").some((d) => d.urn === bucket.urn);
        return name !== undefined && str(at(s.props, "bucket")) === name;
    });
}

export const s3PublicAccessBlocked: StackValidationPolicy = stackPolicy({
    name: "s3-public-access-blocked",
    description: "Checks that every S3 bucket has a public access block with all four flags true.",
    enforcementLevel: "mandatory",
    check: (resources, _config, report) => {
        const idx = new StackIndex(resources);
        for (const bucket of idx.ofType(...BUCKET_TYPES)) {
            const blocks = attachedTo(idx, bucket, PAB);
            if (blocks.length === 0) {
                report(`${describe(bucket)} must have a BucketPublicAccessBlock with ${FLAGS.join(", ")} true; it has none`, bucket.urn);
                continue;
            }
            for (const block of blocks) {
                for (const flag of FLAGS) {
                    const v = at(block.props, flag);
                    if (v === UNKNOWN) advise(report, "s3-public-access-blocked", `${describe(block)} ${flag} cannot be verified during preview (unknown)`, block.urn);
                    else if (v !== true) report(`${describe(block)} must set ${flag} to true for bucket ${bucket.name}; it is ${show(v)}`, block.urn);
                }
            }
        }
    },
});

/** A Deny of every S3 action (or `*`) to every principal when `aws:SecureTransport` is false. */
function deniesInsecureTransport(doc: unknown): boolean | typeof UNKNOWN {
    const ss = statements(doc);
    if (ss === UNKNOWN) return UNKNOWN;
    return (ss ?? []).some((s) => {
        if (s.Effect !== "Deny") return false;
        const actions = strings(s.Action);
        if (!actions.some((a) => a === "*" || a.toLowerCase() === "s3:*")) return false;
        const principal = s.Principal;
        const everyone = principal === "*" || strings((principal as { AWS?: unknown } | undefined)?.AWS).includes("*");
        if (!everyone) return false;
        const cond = (s.Condition ?? {}) as Record<string, Record<string, unknown> | undefined>;
        const secure = cond.Bool?.["aws:SecureTransport"];
        return secure === false || secure === "false" || (Array.isArray(secure) && secure.map(String).includes("false"));
    });
}

export const s3TlsOnly: StackValidationPolicy = stackPolicy({
    name: "s3-tls-only",
    description: "Checks that every S3 bucket has a bucket policy denying requests without TLS (aws:SecureTransport false).",
    // Mandatory: every bucket the platform declares complies, and a bucket that accepts plain HTTP
    // is a regression worth stopping a deploy for.
    enforcementLevel: "mandatory",
    check: (resources, _config, report) => {
        const idx = new StackIndex(resources);
        for (const bucket of idx.ofType(...BUCKET_TYPES)) {
            const policies = attachedTo(idx, bucket, BUCKET_POLICY);
            const verdicts = policies.map((p) => deniesInsecureTransport(at(p.props, "policy")));
            // A policy document built from outputs (the bucket ARN) is unknown during preview:
            // nothing can be said until it is known, so no finding rather than a false one.
            if (verdicts.includes(true) || verdicts.includes(UNKNOWN)) continue;
            const has = policies.length === 0 ? "it has no bucket policy" : `its bucket policy ${policies.map((p) => p.name).join(", ")} has no such Deny`;
            report(`${describe(bucket)} must have a bucket policy denying s3:* when aws:SecureTransport is false; ${has}`, bucket.urn);
        }
    },
});
