import { PolicyReport } from "../../tools/plan/contract";
import { U, expectClean, expectFindings, res, run, urn } from "./fixtures";

const RDS = "aws:rds/cluster:Cluster";
const DOCDB = "aws:docdb/cluster:Cluster";
const GLOBAL = "aws:rds/globalCluster:GlobalCluster";
const REDIS = "aws:elasticache/replicationGroup:ReplicationGroup";
const DDB = "aws:dynamodb/table:Table";
const BUCKET = "aws:s3/bucket:Bucket";
const BUCKET_V2 = "aws:s3/bucketV2:BucketV2";
const PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const CF = "aws:cloudfront/distribution:Distribution";
const LDS = "aws:cloudwatch/logDeliverySource:LogDeliverySource";
const RECORD = "aws:route53/record:Record";
const M = "mandatory";
const A = "advisory";

const ALL_BLOCKED = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };
const TLS_ONLY = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{
        Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*",
        Resource: ["arn:aws:s3:::mall-static", "arn:aws:s3:::mall-static/*"],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    }],
});
const goodCf = (extra: Record<string, unknown> = {}) => ({
    defaultCacheBehavior: { viewerProtocolPolicy: "redirect-to-https", targetOriginId: "s3" },
    orderedCacheBehaviors: [{ pathPattern: "/api/*", viewerProtocolPolicy: "https-only", targetOriginId: "api" }],
    viewerCertificate: { acmCertificateArn: "arn:aws:acm:us-east-1:111122223333:certificate/abc", minimumProtocolVersion: "TLSv1.2_2021", sslSupportMethod: "sni-only" },
    webAclId: U,
    loggingConfig: { bucket: "mall-logs.s3.amazonaws.com", prefix: "cf/" },
    ...extra,
});

describe("resilience, storage and edge policies (through the analyzer protocol)", () => {
    let report: PolicyReport;
    before(async () => {
        const aurora = { storageEncrypted: true, deletionProtection: true, backupRetentionPeriod: 35, skipFinalSnapshot: false, finalSnapshotIdentifier: "orders-final" };
        report = await run([
            res(RDS, "orders", aurora, { protect: true }),
            // A secondary in a global cluster is not exempt: Aurora retention is per cluster (default 1 day).
            res(RDS, "orders-west", { ...aurora, globalClusterIdentifier: U, backupRetentionPeriod: undefined }, { protect: true }),
            res(DOCDB, "catalog", { storageEncrypted: true, deletionProtection: false, backupRetentionPeriod: 3, skipFinalSnapshot: true }),
            res(DOCDB, "catalog-preview", { storageEncrypted: true, deletionProtection: U, backupRetentionPeriod: 35, finalSnapshotIdentifier: U }, { protect: true }),
            res(GLOBAL, "orders-global", { deletionProtection: true, storageEncrypted: true }, { protect: true }),
            res(REDIS, "cache", { snapshotRetentionLimit: 7, atRestEncryptionEnabled: true, transitEncryptionEnabled: true }, { protect: true }),
            res(REDIS, "cache-nobackup", { atRestEncryptionEnabled: true, transitEncryptionEnabled: true }, { protect: true }),
            res(DDB, "idempotency", { deletionProtectionEnabled: true, pointInTimeRecovery: { enabled: true }, serverSideEncryption: { enabled: true } }, { protect: true }),
            res(DDB, "scratch", { serverSideEncryption: { enabled: true } }, { protect: true }),

            res(BUCKET, "static", { bucket: "mall-static" }, { protect: true }),
            res(PAB, "static-pab", { bucket: U, ...ALL_BLOCKED }, { deps: { bucket: [urn(BUCKET, "static")] } }),
            res(BUCKET_POLICY, "static-policy", { bucket: U, policy: TLS_ONLY }, { deps: { bucket: [urn(BUCKET, "static")] } }),
            res(BUCKET_V2, "traces", { bucket: "mall-traces" }, { protect: true }),
            res(PAB, "traces-pab", { bucket: "mall-traces", ...ALL_BLOCKED, restrictPublicBuckets: false }),
            res(BUCKET, "naked", {}, { protect: true }),
            res(BUCKET, "preview", {}, { protect: true }),
            res(PAB, "preview-pab", { bucket: U, ...ALL_BLOCKED, blockPublicPolicy: U }, { deps: { bucket: [urn(BUCKET, "preview")] } }),
            res(BUCKET_POLICY, "preview-policy", { bucket: U, policy: U }, { deps: { bucket: [urn(BUCKET, "preview")] } }),

            res(CF, "cdn", goodCf()),
            res(CF, "cdn-v2-logs", goodCf({ loggingConfig: undefined })),
            res(LDS, "cdn-v2-logs-source", { logType: "ACCESS_LOGS", resourceArn: U, name: "cdn" }, { deps: { resourceArn: [urn(CF, "cdn-v2-logs")] } }),
            res("aws:cloudwatch/logDelivery:LogDelivery", "cdn-v2-logs-delivery", { deliverySourceName: U, deliveryDestinationArn: U }, { deps: { deliverySourceName: [urn(LDS, "cdn-v2-logs-source")] } }),
            res(CF, "cdn-v2-undelivered", goodCf({ loggingConfig: undefined })),
            res(LDS, "cdn-v2-undelivered-source", { logType: "ACCESS_LOGS", resourceArn: U, name: "cdn2" }, { deps: { resourceArn: [urn(CF, "cdn-v2-undelivered")] } }),
            res(CF, "cdn-weak", goodCf({
                defaultCacheBehavior: { viewerProtocolPolicy: "allow-all", targetOriginId: "s3" },
                viewerCertificate: { cloudfrontDefaultCertificate: true },
                webAclId: undefined,
                loggingConfig: undefined,
            })),
            res(CF, "cdn-old-tls", goodCf({ viewerCertificate: { acmCertificateArn: "arn:aws:acm:us-east-1:111122223333:certificate/abc", minimumProtocolVersion: "TLSv1.2_2019" } })),

            res(RECORD, "api-east", { name: "api-internal", type: "A", setIdentifier: "us-east-1", latencyRoutingPolicies: [{ region: "us-east-1" }], healthCheckId: U }),
            res(RECORD, "api-west", { name: "api-internal", type: "A", setIdentifier: "us-west-2", latencyRoutingPolicies: [{ region: "us-west-2" }] }),
            res(RECORD, "plain", { name: "api-us-east-1", type: "A" }),
        ].map((r) => ({ ...r, inputs: JSON.parse(JSON.stringify(r.inputs)) })));
    });

    describe("nothing-lost", () => {
        const P = "nothing-lost";
        it("accepts protected stores with deletion protection, backups and a final snapshot", () => {
            for (const u of [urn(RDS, "orders"), urn(GLOBAL, "orders-global"), urn(REDIS, "cache"), urn(DDB, "idempotency"), urn(BUCKET, "static")]) expectClean(report, P, u);
        });
        it("does not exempt a global secondary from backup retention", () =>
            expectFindings(report, P, urn(RDS, "orders-west"), [[M, "rds cluster orders-west must set backupRetentionPeriod to at least 7 days; it is unset (AWS default 1)"]]));
        it("flags an unprotected DocumentDB cluster without deletion protection, short backups and a skipped final snapshot", () =>
            expectFindings(report, P, urn(DOCDB, "catalog"), [
                [M, "docdb cluster catalog must carry the Pulumi protect option; protect is false"],
                [M, "docdb cluster catalog must set deletionProtection to true; it is false"],
                [M, "docdb cluster catalog must set backupRetentionPeriod to at least 7 days; it is 3"],
                [M, "docdb cluster catalog must set skipFinalSnapshot to false; it is true"],
            ]));
        it("only advises on values unknown in preview", () =>
            expectFindings(report, P, urn(DOCDB, "catalog-preview"), [[A, "docdb cluster catalog-preview deletionProtection cannot be verified during preview (unknown); it is checked again when known"]]));
        it("flags ElastiCache without snapshots and DynamoDB without deletion protection or PITR", () => {
            expectFindings(report, P, urn(REDIS, "cache-nobackup"), [[M, "elasticache replication group cache-nobackup must set snapshotRetentionLimit to at least 7 days; it is unset (AWS default 0)"]]);
            expectFindings(report, P, urn(DDB, "scratch"), [
                [M, "dynamodb table scratch must set deletionProtectionEnabled to true; it is unset"],
                [M, "dynamodb table scratch must set pointInTimeRecovery.enabled to true; it is unset"],
            ]);
        });
    });

    describe("s3-public-access-blocked", () => {
        const P = "s3-public-access-blocked";
        it("accepts a bucket whose block (matched by bucket dependency) sets all four flags", () => {
            expectClean(report, P, urn(BUCKET, "static"));
            expectClean(report, P, urn(PAB, "static-pab"));
        });
        it("flags a bucket without a block", () =>
            expectFindings(report, P, urn(BUCKET, "naked"), [[M, "s3 bucket naked must have a BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets true; it has none"]]));
        it("flags a flag left false (BucketV2 alias, matched by bucket name)", () =>
            expectFindings(report, P, urn(PAB, "traces-pab"), [[M, "s3 bucket public access block traces-pab must set restrictPublicBuckets to true for bucket traces; it is false"]]));
        it("only advises on a flag unknown in preview", () =>
            expectFindings(report, P, urn(PAB, "preview-pab"), [[A, "s3 bucket public access block preview-pab blockPublicPolicy cannot be verified during preview (unknown)"]]));
    });

    describe("s3-tls-only", () => {
        const P = "s3-tls-only";
        it("accepts a bucket policy denying insecure transport", () => expectClean(report, P, urn(BUCKET, "static")));
        it("flags buckets without one", () => {
            expectFindings(report, P, urn(BUCKET, "naked"), [[M, "s3 bucket naked must have a bucket policy denying s3:* when aws:SecureTransport is false; it has no bucket policy"]]);
            expectFindings(report, P, urn(BUCKET_V2, "traces"), [[M, "s3 bucket v2 traces must have a bucket policy denying s3:* when aws:SecureTransport is false; it has no bucket policy"]]);
        });
        it("says nothing while the policy document is unknown in preview", () => expectClean(report, P, urn(BUCKET, "preview")));
    });

    describe("cloudfront-secure-viewers", () => {
        const P = "cloudfront-secure-viewers";
        it("accepts HTTPS, TLSv1.2_2021, a web ACL (unknown in preview) and v1 or v2 logging", () => {
            expectClean(report, P, urn(CF, "cdn"));
            expectClean(report, P, urn(CF, "cdn-v2-logs"));
        });
        it("flags v2 logging with a source but no delivery (nothing is written)", () => {
            expectFindings(report, P, urn(CF, "cdn-v2-undelivered"), [
                [M, "cloudfront distribution cdn-v2-undelivered must log access: its aws:cloudwatch/logDeliverySource:LogDeliverySource has no aws:cloudwatch/logDelivery:LogDelivery to a destination, so no log is written"],
            ]);
        });
        it("flags allow-all, the default certificate, no WAF and no logging", () =>
            expectFindings(report, P, urn(CF, "cdn-weak"), [
                [M, "cloudfront distribution cdn-weak must set defaultCacheBehavior.viewerProtocolPolicy to https-only or redirect-to-https; it is \"allow-all\""],
                [M, "cloudfront distribution cdn-weak must set viewerCertificate.minimumProtocolVersion to TLSv1.2_2021 or newer; it uses the CloudFront default certificate (TLSv1)"],
                [M, "cloudfront distribution cdn-weak must set webAclId to a WAF web ACL; it is unset"],
                [M, "cloudfront distribution cdn-weak must log access: set loggingConfig.bucket or add a aws:cloudwatch/logDeliverySource:LogDeliverySource for it; it has neither"],
            ]));
        it("flags an older TLS policy", () =>
            expectFindings(report, P, urn(CF, "cdn-old-tls"), [[M, "cloudfront distribution cdn-old-tls must set viewerCertificate.minimumProtocolVersion to TLSv1.2_2021 or newer; it is \"TLSv1.2_2019\""]]));
    });

    describe("latency-records-have-health-checks", () => {
        const P = "latency-records-have-health-checks";
        it("accepts a latency record with a health check (id unknown in preview) and plain records", () => {
            expectClean(report, P, urn(RECORD, "api-east"));
            expectClean(report, P, urn(RECORD, "plain"));
        });
        it("flags a latency record without one", () =>
            expectFindings(report, P, urn(RECORD, "api-west"), [[A, "route53 record api-west must set healthCheckId because it uses latencyRoutingPolicies; it is unset"]]));
    });
});
