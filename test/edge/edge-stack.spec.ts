import * as assert from "assert";
import { EdgeStack, EdgeStackArgs } from "../../components/edge/edge-stack";
import { PlannedResource } from "../../tools/plan/contract";
import { Resources, planComponent, testContext } from "../harness";

const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac";
const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";

function plan(extra: Partial<EdgeStackArgs> = {}, region = "us-east-1"): Promise<Resources> {
    return planComponent(
        () => new EdgeStack("edge", { context: testContext(region, "primary"), domain: "example.com", registryRegions: ["us-east-1", "us-west-2"], originVerifyValue: "current-value", ...extra }),
        { region },
    );
}

type Obj = Record<string, unknown>;
const o = (r: PlannedResource, k: string) => r.inputs[k] as Obj;

describe("EdgeStack", () => {
    let edge: Resources;
    let cdn: PlannedResource;
    before(async () => {
        edge = await plan();
        cdn = edge.one(DISTRIBUTION, "edge-cdn");
    });

    it("serves mall.<domain> over HTTP/2+3 and IPv6 with the us-east-1 certificate, TLSv1.2_2021 and the WAF", () => {
        assert.deepStrictEqual([cdn.inputs.aliases, cdn.inputs.httpVersion, cdn.inputs.isIpv6Enabled, cdn.inputs.enabled], [["mall.example.com"], "http2and3", true, true]);
        const cert = o(cdn, "viewerCertificate");
        assert.deepStrictEqual([cert.sslSupportMethod, cert.minimumProtocolVersion], ["sni-only", "TLSv1.2_2021"]);
        assert.match(String(cert.acmCertificateArn), /^arn:aws:acm:us-east-1:/);
        const waf = edge.one("aws:wafv2/webAcl:WebAcl", "edge-waf");
        assert.deepStrictEqual(cdn.propertyDependencies.webAclId, [waf.urn]);
        assert.deepStrictEqual([waf.inputs.scope, waf.inputs.region, waf.inputs.defaultAction], ["CLOUDFRONT", "us-east-1", { allow: {} }]);
        const certificate = edge.one("aws:acm/certificate:Certificate", "edge-viewer-certificate");
        assert.deepStrictEqual([certificate.inputs.region, certificate.inputs.domainName, certificate.inputs.validationMethod], ["us-east-1", "mall.example.com", "DNS"]);
    });

    it("has the behaviours: each region's DR probes first, then the read-only API sub-tree failing over through the origin group", () => {
        const pick = (b: Obj) => [b.pathPattern ?? "default", b.targetOriginId, b.viewerProtocolPolicy, b.allowedMethods, b.cachedMethods, b.cachePolicyId, b.originRequestPolicyId ?? null, b.compress];
        assert.deepStrictEqual([...(cdn.inputs.orderedCacheBehaviors as Obj[]), o(cdn, "defaultCacheBehavior")].map(pick), [
            ["/probe/us-east-1/*", "probe-us-east-1", "https-only", ["GET", "HEAD"], ["GET", "HEAD"], CACHING_DISABLED, ALL_VIEWER_EXCEPT_HOST, false],
            ["/probe/us-west-2/*", "probe-us-west-2", "https-only", ["GET", "HEAD"], ["GET", "HEAD"], CACHING_DISABLED, ALL_VIEWER_EXCEPT_HOST, false],
            ["/api/read/*", "api", "https-only", ["GET", "HEAD", "OPTIONS"], ["GET", "HEAD"], CACHING_DISABLED, ALL_VIEWER_EXCEPT_HOST, false],
            ["/api/*", "api-internal", "https-only", ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"], ["GET", "HEAD"], CACHING_DISABLED, ALL_VIEWER_EXCEPT_HOST, false],
            ["/static/*", "web", "redirect-to-https", ["GET", "HEAD"], ["GET", "HEAD"], CACHING_OPTIMIZED, null, true],
            ["default", "web", "redirect-to-https", ["GET", "HEAD"], ["GET", "HEAD"], CACHING_OPTIMIZED, null, true],
        ]);
        // CloudFront rejects an origin group behind a behaviour that allows writes.
        const groups = new Set((cdn.inputs.originGroups as Obj[]).map((g) => g.originId));
        for (const b of [...(cdn.inputs.orderedCacheBehaviors as Obj[]), o(cdn, "defaultCacheBehavior")]) {
            if (groups.has(b.targetOriginId)) assert.ok((b.allowedMethods as string[]).every((m) => ["GET", "HEAD", "OPTIONS"].includes(m)), String(b.pathPattern));
        }
    });

    it("has no distribution-wide error rewrite: the SPA fallback is a viewer-request function on the default behaviour only", () => {
        // Custom error responses would turn WAF blocks, "Invalid method" and API 403/404s into 200.
        assert.strictEqual(cdn.inputs.customErrorResponses, undefined);
        const fn = edge.one("aws:cloudfront/function:Function", "edge-spa-fallback");
        assert.deepStrictEqual([fn.inputs.name, fn.inputs.runtime, fn.inputs.publish], ["mall-us-east-1-spa-fallback", "cloudfront-js-2.0", true]);
        assert.match(String(fn.inputs.code), /^function handler\(event\)/);
        assert.deepStrictEqual(o(cdn, "defaultCacheBehavior").functionAssociations, [{ eventType: "viewer-request", functionArn: "arn:aws:cloudfront::123456789012:function/mall-us-east-1-spa-fallback" }]);
        assert.deepStrictEqual(cdn.propertyDependencies.defaultCacheBehavior.includes(fn.urn), true);
        for (const b of cdn.inputs.orderedCacheBehaviors as Obj[]) assert.strictEqual(b.functionAssociations, undefined, String(b.pathPattern));
    });

    it("takes the read-only API paths from its arguments", async () => {
        const custom = await plan({ readOnlyApiPaths: ["/api/read/*", "/api/catalog/*"] });
        assert.deepStrictEqual(
            (custom.one(DISTRIBUTION, "edge-cdn").inputs.orderedCacheBehaviors as Obj[]).map((b) => [b.pathPattern, b.targetOriginId]),
            [["/probe/us-east-1/*", "probe-us-east-1"], ["/probe/us-west-2/*", "probe-us-west-2"], ["/api/read/*", "api"], ["/api/catalog/*", "api"], ["/api/*", "api-internal"], ["/static/*", "web"]],
        );
    });

    it("fails the API over from api-internal to api-us-west-2 on 500/502/503/504, the storefront to the bucket's replica also on 403/404", () => {
        assert.deepStrictEqual(cdn.inputs.originGroups, [
            { originId: "api", failoverCriteria: { statusCodes: [500, 502, 503, 504] }, members: [{ originId: "api-internal" }, { originId: "api-failover" }] },
            { originId: "web", failoverCriteria: { statusCodes: [403, 404, 500, 502, 503, 504] }, members: [{ originId: "web-bucket" }, { originId: "web-replica" }] },
        ]);
        const origins = cdn.inputs.origins as Obj[];
        assert.deepStrictEqual(origins.map((x) => [x.originId, x.domainName]), [
            ["web-bucket", "mall-us-east-1-web-123456789012.s3.us-east-1.amazonaws.com"],
            ["web-replica", "mall-us-west-2-web-replica-123456789012.s3.us-west-2.amazonaws.com"],
            ["api-internal", "api-internal.example.com"],
            ["api-failover", "api-us-west-2.example.com"],
            ["probe-us-east-1", "probe-us-east-1.example.com"],
            ["probe-us-west-2", "probe-us-west-2.example.com"],
        ]);
        for (const api of origins.slice(2)) {
            assert.deepStrictEqual((api.customOriginConfig as Obj).originProtocolPolicy, "https-only");
            assert.deepStrictEqual((api.customOriginConfig as Obj).originSslProtocols, ["TLSv1.2"]);
            assert.strictEqual(api.originShield, undefined, `${api.originId} must not sit behind Origin Shield (latency routing would resolve from one region)`);
        }
        assert.deepStrictEqual(origins[0].originShield, { enabled: true, originShieldRegion: "us-east-1" });
        // One origin access control signs for both buckets; the replica has no Origin Shield.
        assert.deepStrictEqual([origins[1].originShield, origins[1].originAccessControlId, origins[1].s3OriginConfig], [undefined, origins[0].originAccessControlId, { originAccessIdentity: "" }]);
        const oac = edge.one("aws:cloudfront/originAccessControl:OriginAccessControl", "edge-web-oac");
        assert.deepStrictEqual([oac.inputs.originAccessControlOriginType, oac.inputs.signingBehavior, oac.inputs.signingProtocol], ["s3", "always", "sigv4"]);
    });

    it("sends the origin secret as X-Origin-Verify on every API origin (a Pulumi secret), never to the S3 origin", async () => {
        const origins = cdn.inputs.origins as Obj[];
        assert.deepStrictEqual([origins[0].customHeaders, origins[1].customHeaders], [undefined, undefined]);
        const api = origins.filter((x) => x.customOriginConfig);
        assert.strictEqual(api.length, 4);
        for (const x of api) assert.deepStrictEqual(x.customHeaders, [{ name: "X-Origin-Verify", value: "[secret]" }], String(x.originId));
        const single = await plan({ registryRegions: ["us-east-1"] });
        const only = (single.one(DISTRIBUTION, "edge-cdn").inputs.origins as Obj[]).filter((x) => x.customOriginConfig);
        assert.deepStrictEqual(only.map((x) => x.customHeaders), [[{ name: "X-Origin-Verify", value: "[secret]" }], [{ name: "X-Origin-Verify", value: "[secret]" }]]);
    });

    it("has no origin group with a single region", async () => {
        const single = await plan({ registryRegions: ["us-east-1"] });
        const d = single.one(DISTRIBUTION, "edge-cdn");
        assert.deepStrictEqual(d.inputs.originGroups, []);
        assert.deepStrictEqual((d.inputs.orderedCacheBehaviors as Obj[]).map((b) => [b.pathPattern, b.targetOriginId]), [
            ["/probe/us-east-1/*", "probe-us-east-1"],
            ["/api/*", "api-internal"],
            ["/static/*", "web-bucket"],
        ]);
        assert.strictEqual(o(d, "defaultCacheBehavior").targetOriginId, "web-bucket");
        assert.deepStrictEqual([single.count("aws:s3/bucketReplicationConfig:BucketReplicationConfig"), single.ofType("aws:s3/bucket:Bucket").map((b) => b.name)], [0, ["edge-web", "edge-access-logs"]]);
    });

    it("has the WAF rules in priority order with their actions", () => {
        const rules = o(edge.one("aws:wafv2/webAcl:WebAcl", "edge-waf"), "rules") as unknown as Obj[];
        assert.deepStrictEqual(
            rules.map((r) => [r.priority, r.name, r.action ?? r.overrideAction]),
            [
                [1, "geo-allowlist", { block: {} }],
                [2, "rate-limit-per-ip", { block: {} }],
                [3, "known-bad-inputs", { none: {} }],
                [4, "sqli", { none: {} }],
                [5, "common", { none: {} }],
                [6, "bot-control", { count: {} }],
            ],
        );
        // Outside the served countries and not a DR probe (a canary runs in whatever Region is registered).
        assert.deepStrictEqual(rules[0].statement, {
            andStatement: {
                statements: [
                    { notStatement: { statement: { geoMatchStatement: { countryCodes: ["KR", "US", "JP"] } } } },
                    { notStatement: { statement: { regexMatchStatement: { regexString: "^/probe/(us-east-1|us-west-2)/(alive|ready)$", fieldToMatch: { uriPath: {} }, textTransformations: [{ priority: 0, type: "NONE" }] } } } },
                ],
            },
        });
        assert.deepStrictEqual(rules[1].statement, { rateBasedStatement: { limit: 2000, aggregateKeyType: "IP", evaluationWindowSec: 300 } });
        assert.deepStrictEqual(
            rules.slice(2).map((r) => ((r.statement as Obj).managedRuleGroupStatement as Obj).name),
            ["AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesSQLiRuleSet", "AWSManagedRulesCommonRuleSet", "AWSManagedRulesBotControlRuleSet"],
        );
        const bot = (rules[5].statement as Obj).managedRuleGroupStatement as Obj;
        assert.deepStrictEqual(bot.managedRuleGroupConfigs, [{ awsManagedRulesBotControlRuleSet: { inspectionLevel: "COMMON" } }]);
        assert.deepStrictEqual(((bot.scopeDownStatement as Obj).byteMatchStatement as Obj).searchString, "/api/");
    });

    it("logs WAF to a KMS-encrypted aws-waf-logs- group in us-east-1 with its own key", () => {
        const group = edge.one("aws:cloudwatch/logGroup:LogGroup", "edge-waf-logs");
        const key = edge.one("aws:kms/key:Key", "edge-waf-logs-key");
        assert.deepStrictEqual([group.inputs.name, group.inputs.region, group.inputs.retentionInDays], ["aws-waf-logs-mall-edge", "us-east-1", 365]);
        assert.deepStrictEqual(group.propertyDependencies.kmsKeyId, [key.urn]);
        assert.deepStrictEqual([key.inputs.region, key.inputs.enableKeyRotation, key.protect], ["us-east-1", true, true]);
        assert.match(String(key.inputs.policy), /"kms:EncryptionContext:aws:logs:arn":"arn:aws:logs:us-east-1:123456789012:log-group:aws-waf-logs-mall-edge"/);
        const logging = edge.one("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", "edge-waf-logging");
        assert.deepStrictEqual(logging.propertyDependencies.logDestinationConfigs, [group.urn]);
        assert.strictEqual(logging.inputs.region, "us-east-1");
    });

    it("keeps the web bucket private: protected, all four blocks, its own key, policy scoped to the distribution", () => {
        const bucket = edge.one("aws:s3/bucket:Bucket", "edge-web");
        assert.strictEqual(bucket.protect, true);
        const pab = edge.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "edge-web-public-access-block");
        assert.deepStrictEqual([pab.inputs.blockPublicAcls, pab.inputs.blockPublicPolicy, pab.inputs.ignorePublicAcls, pab.inputs.restrictPublicBuckets], [true, true, true, true]);
        const sse = edge.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "edge-web-encryption");
        assert.deepStrictEqual(sse.propertyDependencies.rules, [edge.one("aws:kms/key:Key", "edge-web-key").urn]);
        const policy = JSON.parse(String(edge.one("aws:s3/bucketPolicy:BucketPolicy", "edge-web-policy").inputs.policy));
        const arn = "arn:aws:cloudfront::123456789012:distribution/";
        assert.deepStrictEqual(policy.Statement.map((s: Obj) => s.Sid), ["DenyInsecureTransport", "CloudFrontReadsThroughOac"]);
        assert.deepStrictEqual(policy.Statement[0].Condition, { Bool: { "aws:SecureTransport": "false" } });
        assert.ok(String(policy.Statement[1].Condition.StringEquals["AWS:SourceArn"]).startsWith(arn), policy.Statement[1].Condition);
        assert.match(String(edge.one("aws:kms/key:Key", "edge-web-key").inputs.policy), /"Service":"cloudfront.amazonaws.com".*"aws:SourceArn":"arn:aws:cloudfront::123456789012:distribution\//);
    });

    it("replicates the web bucket one way into a private replica in the failover region, readable by this distribution only", () => {
        const bucket = edge.one("aws:s3/bucket:Bucket", "edge-web-replica");
        assert.deepStrictEqual([bucket.inputs.bucket, bucket.inputs.region, bucket.protect], ["mall-us-west-2-web-replica-123456789012", "us-west-2", true]);
        const pab = edge.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "edge-web-replica-public-access-block");
        assert.deepStrictEqual([pab.inputs.blockPublicPolicy, pab.inputs.restrictPublicBuckets, pab.inputs.region], [true, true, "us-west-2"]);
        assert.strictEqual(edge.one("aws:s3/bucketVersioning:BucketVersioning", "edge-web-replica-versioning").inputs.region, "us-west-2");
        // Its own key in us-west-2, which CloudFront may decrypt with for this distribution only.
        const key = edge.one("aws:kms/key:Key", "edge-web-replica-key");
        assert.deepStrictEqual([key.inputs.region, key.protect, edge.one("aws:kms/alias:Alias", "edge-web-replica-alias").inputs.name], ["us-west-2", true, "alias/mall/us-west-2/web-assets-replica"]);
        const keyPolicy = JSON.parse(String(key.inputs.policy));
        const cf = keyPolicy.Statement.find((s: Obj) => JSON.stringify(s.Principal) === JSON.stringify({ Service: "cloudfront.amazonaws.com" }));
        assert.deepStrictEqual(Object.keys(cf.Condition.StringEquals), ["aws:SourceArn"]);
        assert.match(cf.Condition.StringEquals["aws:SourceArn"], /^arn:aws:cloudfront::123456789012:distribution\//);
        const sse = edge.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "edge-web-replica-encryption");
        assert.deepStrictEqual(sse.propertyDependencies.rules, [key.urn]);
        const policy = JSON.parse(String(edge.one("aws:s3/bucketPolicy:BucketPolicy", "edge-web-replica-policy").inputs.policy));
        assert.deepStrictEqual(policy.Statement.map((s: Obj) => [s.Sid, s.Effect, s.Resource]), [
            ["DenyInsecureTransport", "Deny", ["arn:aws:s3:::mall-us-west-2-web-replica-123456789012", "arn:aws:s3:::mall-us-west-2-web-replica-123456789012/*"]],
            ["CloudFrontReadsThroughOac", "Allow", "arn:aws:s3:::mall-us-west-2-web-replica-123456789012/*"],
            ["OnlyReplicationWrites", "Deny", "arn:aws:s3:::mall-us-west-2-web-replica-123456789012/*"],
            ["OnlyTheReplicationRoleReplicates", "Deny", "arn:aws:s3:::mall-us-west-2-web-replica-123456789012/*"],
        ]);
        assert.match(policy.Statement[1].Condition.StringEquals["AWS:SourceArn"], /^arn:aws:cloudfront::123456789012:distribution\//);
        // Nothing but S3 replication writes the replica (what is there is served on the site's domain).
        assert.deepStrictEqual(policy.Statement[2].Action, ["s3:PutObject", "s3:PutObjectAcl", "s3:PutObjectTagging", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:RestoreObject"]);
        assert.deepStrictEqual(policy.Statement[3].Condition, { ArnNotEquals: { "aws:PrincipalArn": "arn:aws:iam::123456789012:role/mall-us-east-1-web-replication" } });

        const replication = edge.one("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "edge-web-replication");
        assert.deepStrictEqual([replication.inputs.bucket, replication.inputs.region], ["mall-us-east-1-web-123456789012", undefined]);
        const rules = replication.inputs.rules as Obj[];
        assert.deepStrictEqual(rules.map((r) => [r.id, r.status, r.filter, r.deleteMarkerReplication, r.sourceSelectionCriteria]), [
            ["site-to-us-west-2", "Enabled", {}, { status: "Enabled" }, { sseKmsEncryptedObjects: { status: "Enabled" } }],
        ]);
        const destination = rules[0].destination as Obj;
        assert.deepStrictEqual([destination.bucket, (destination.replicationTime as Obj).status], ["arn:aws:s3:::mall-us-west-2-web-replica-123456789012", "Enabled"]);
        assert.match(String((destination.encryptionConfiguration as Obj).replicaKmsKeyId), /^arn:aws:kms:us-west-2:123456789012:key\//);
        assert.deepStrictEqual(replication.propertyDependencies.rules.includes(key.urn), true);
        // S3 refuses a destination that is not versioned yet, and a role it cannot use yet.
        for (const dep of ["edge-web-versioning", "edge-web-replica-versioning"]) assert.ok(replication.dependencies.includes(edge.one("aws:s3/bucketVersioning:BucketVersioning", dep).urn), dep);
        assert.ok(replication.dependencies.includes(edge.one("aws:iam/rolePolicy:RolePolicy", "edge-web-replication-policy").urn));
        const role = edge.one("aws:iam/role:Role", "edge-web-replication-role");
        assert.deepStrictEqual(JSON.parse(String(role.inputs.assumeRolePolicy)).Statement[0].Principal, { Service: "s3.amazonaws.com" });
        const statements = JSON.parse(String(edge.one("aws:iam/rolePolicy:RolePolicy", "edge-web-replication-policy").inputs.policy)).Statement as Obj[];
        assert.deepStrictEqual(statements.map((s) => [s.Sid, String(s.Resource).replace(/key\/.*/, "key/…")]), [
            ["ReadSourceConfig", "arn:aws:s3:::mall-us-east-1-web-123456789012"],
            ["ReadSourceVersions", "arn:aws:s3:::mall-us-east-1-web-123456789012/*"],
            ["WriteReplicas", "arn:aws:s3:::mall-us-west-2-web-replica-123456789012/*"],
            ["DecryptSource", "arn:aws:kms:us-east-1:123456789012:key/…"],
            ["EncryptReplicas", "arn:aws:kms:us-west-2:123456789012:key/…"],
        ]);
        assert.deepStrictEqual(statements.slice(3).map((s) => s.Condition), [{ StringLike: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } }, { StringLike: { "kms:ViaService": "s3.us-west-2.amazonaws.com" } }]);
    });

    it("delivers access logs with standard logging v2 to an encrypted bucket in us-east-1", () => {
        const source = edge.one("aws:cloudwatch/logDeliverySource:LogDeliverySource", "edge-access-log-source");
        assert.deepStrictEqual([source.inputs.logType, source.inputs.region], ["ACCESS_LOGS", "us-east-1"]);
        assert.deepStrictEqual(source.propertyDependencies.resourceArn, [cdn.urn]);
        const destination = edge.one("aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination", "edge-access-log-destination");
        const logBucket = edge.one("aws:s3/bucket:Bucket", "edge-access-logs");
        assert.deepStrictEqual([logBucket.inputs.region, logBucket.protect], ["us-east-1", true]);
        assert.deepStrictEqual(destination.propertyDependencies.deliveryDestinationConfiguration, [logBucket.urn]);
        const delivery = edge.one("aws:cloudwatch/logDelivery:LogDelivery", "edge-access-log-delivery");
        assert.deepStrictEqual(delivery.propertyDependencies.deliverySourceName, [source.urn]);
        // After our bucket policy and the default encryption (else a race with CloudWatch Logs' own statement).
        const logPolicy = edge.one("aws:s3/bucketPolicy:BucketPolicy", "edge-access-logs-policy");
        const logEncryption = edge.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "edge-access-logs-encryption");
        assert.ok(delivery.dependencies.includes(logPolicy.urn) && delivery.dependencies.includes(logEncryption.urn), JSON.stringify(delivery.dependencies));
        assert.strictEqual(cdn.inputs.loggingConfig, undefined);
        const policy = JSON.parse(String(edge.one("aws:s3/bucketPolicy:BucketPolicy", "edge-access-logs-policy").inputs.policy));
        assert.deepStrictEqual(policy.Statement[1].Principal, { Service: "delivery.logs.amazonaws.com" });
        assert.strictEqual(edge.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "edge-access-logs-lifecycle").inputs.region, "us-east-1");
    });

    it("creates and protects the zone, or uses the given one", async () => {
        const zone = edge.one("aws:route53/zone:Zone", "edge-zone");
        assert.deepStrictEqual([zone.inputs.name, zone.protect], ["example.com", true]);
        const site = edge.ofType("aws:route53/record:Record").filter((r) => r.name.startsWith("edge-site"));
        assert.deepStrictEqual(site.map((r) => [r.inputs.name, r.inputs.type]), [["mall.example.com", "A"], ["mall.example.com", "AAAA"]]);
        assert.deepStrictEqual(site[0].propertyDependencies.zoneId, [zone.urn]);
        // ACM reuses one CNAME per name and account: an existing zone may already hold it.
        const validation = edge.one("aws:route53/record:Record", "edge-viewer-validation");
        assert.deepStrictEqual([validation.inputs.type, validation.inputs.allowOverwrite], ["CNAME", true]);

        const existing = await plan({ hostedZoneId: "Z0123456789ABCDEFGHIJ" });
        assert.strictEqual(existing.count("aws:route53/zone:Zone"), 0);
        assert.ok(existing.ofType("aws:route53/record:Record").every((r) => r.inputs.zoneId === "Z0123456789ABCDEFGHIJ"));
    });

    it("keeps CloudFront's certificate, WAF and log sinks in us-east-1 when the primary moves", async () => {
        const moved = await plan({ registryRegions: ["us-west-2", "us-east-1"] }, "us-west-2");
        const inEdgeRegion = [
            ["aws:acm/certificate:Certificate", "edge-viewer-certificate"],
            ["aws:acm/certificateValidation:CertificateValidation", "edge-viewer-certificate-validation"],
            ["aws:wafv2/webAcl:WebAcl", "edge-waf"],
            ["aws:cloudwatch/logGroup:LogGroup", "edge-waf-logs"],
            ["aws:kms/key:Key", "edge-waf-logs-key"],
            ["aws:cloudwatch/logDeliverySource:LogDeliverySource", "edge-access-log-source"],
        ];
        assert.deepStrictEqual(inEdgeRegion.map(([t, n]) => moved.one(t, n).inputs.region), inEdgeRegion.map(() => "us-east-1"));
        assert.match(String(o(moved.one(DISTRIBUTION, "edge-cdn"), "viewerCertificate").acmCertificateArn), /^arn:aws:acm:us-east-1:/);
        assert.strictEqual((moved.one(DISTRIBUTION, "edge-cdn").inputs.origins as Obj[])[3].domainName, "api-us-east-1.example.com");
        // The replica follows the failover region.
        assert.deepStrictEqual([moved.one("aws:s3/bucket:Bucket", "edge-web-replica").inputs.region, moved.one("aws:kms/key:Key", "edge-web-replica-key").inputs.region], ["us-east-1", "us-east-1"]);
    });
});
