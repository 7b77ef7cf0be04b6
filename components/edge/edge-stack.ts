/**
 * EdgeStack (ARCHITECTURE §5, primary only): the hosted zone, the viewer certificate, the SPA
 * ("web") bucket behind Origin Access Control, CloudFront with its three behaviours and the API
 * origin group, the WAF web ACL, and the logs of both. CloudFront, its certificate, the WAF and
 * their log sinks carry the per-resource `region: us-east-1`, so the code stays right if the
 * primary moves. Nothing here reads a secondary's outputs: the API origins are DNS names.
 *
 * Buckets: the EdgeStack owns its origin bucket (`web`: the SPA and `/static/*`), distinct from
 * GlobalData's replicated `static-assets` bucket (seller CDN assets), so neither component's
 * lifecycle or policy can break the other's. Access logs use CloudFront standard logging v2
 * (CloudWatch Logs vended delivery to S3): v1 needs bucket ACLs enabled and cannot write to an
 * SSE-KMS bucket with a customer key; v2 writes with a bucket policy and the key's grant.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RegionContext, awsName } from "../common/context";
import { serviceKey } from "../common/kms";
import { logsPrincipal } from "../common/logs";
import { tagsFor } from "../common/tags";
import {
    EDGE_REGION,
    FAILOVER_STATUS_CODES,
    MANAGED_POLICIES,
    ORIGIN_IDS,
    READ_ONLY_API_PATHS,
    WafRulePlan,
    edgeNames,
    planOriginGroup,
    planWafRules,
} from "./plan";
import { validationRecord } from "./regional-ingress";
import { denyInsecureTransport } from "../common/bucket-policy";

const SERVICE = "edge";
const COMPONENT = "edge-stack";
/** The store services: each has its own key (the per-service KMS rule). */
const WEB_SERVICE = "web-assets";
const ACCESS_LOG_SERVICE = "edge-access-logs";
const WAF_LOG_SERVICE = "waf-logs";
/** CloudFront's viewer TLS floor (the policy pack's minimum). */
export const VIEWER_TLS_POLICY = "TLSv1.2_2021";
export const ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"];

export interface EdgeWafArgs {
    /** @default ["KR", "US", "JP"] */
    readonly allowedCountries?: readonly string[];
    /** Requests per 5 minutes per IP. @default 2000 */
    readonly rateLimit?: number;
    /** @default "count" */
    readonly botControl?: "count" | "off";
    /** @default 90 */
    readonly logRetentionDays?: number;
}

export interface EdgeStackArgs {
    /** The primary region's context. */
    readonly context: RegionContext;
    readonly domain: string;
    /** Every registered region in registry order; the failover origin is the primary's next. */
    readonly registryRegions: readonly string[];
    /** Use this existing public hosted zone instead of creating one. @default undefined - create the zone */
    readonly hostedZoneId?: string;
    readonly waf?: EdgeWafArgs;
    /** @default 365 */
    readonly accessLogRetentionDays?: number;
    /** @default "us-east-1" */
    readonly originShieldRegion?: string;
}

export class EdgeStack extends pulumi.ComponentResource {
    public readonly hostedZoneId: pulumi.Output<string>;
    public readonly nameServers: pulumi.Output<string[]>;
    public readonly distributionId: pulumi.Output<string>;
    public readonly distributionArn: pulumi.Output<string>;
    public readonly distributionDomainName: pulumi.Output<string>;
    public readonly webAclArn: pulumi.Output<string>;
    public readonly webBucketName: pulumi.Output<string>;
    public readonly accessLogBucketName: pulumi.Output<string>;
    public readonly wafLogGroupName: pulumi.Output<string>;
    public readonly siteName: string;

    constructor(name: string, args: EdgeStackArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mall:edge:EdgeStack", name, {}, opts);
        const built = buildEdgeStack(this, name, args);
        this.hostedZoneId = built.zoneId;
        this.nameServers = built.nameServers;
        this.distributionId = built.distribution.id;
        this.distributionArn = built.distribution.arn;
        this.distributionDomainName = built.distribution.domainName;
        this.webAclArn = built.webAcl.arn;
        this.webBucketName = built.web.bucket.bucket;
        this.accessLogBucketName = built.logs.bucket.bucket;
        this.wafLogGroupName = built.wafLogGroup.name;
        this.siteName = edgeNames.site(args.domain);
        this.registerOutputs({
            hostedZoneId: this.hostedZoneId,
            nameServers: this.nameServers,
            distributionId: this.distributionId,
            distributionArn: this.distributionArn,
            distributionDomainName: this.distributionDomainName,
            webAclArn: this.webAclArn,
            webBucketName: this.webBucketName,
            accessLogBucketName: this.accessLogBucketName,
            wafLogGroupName: this.wafLogGroupName,
            siteName: this.siteName,
        });
    }
}

function buildEdgeStack(parent: pulumi.Resource, name: string, args: EdgeStackArgs) {
    const ctx = args.context;
    const opts = { parent };
    const edge = { region: EDGE_REGION };
    const tags = (service: string, nameTag: string) => tagsFor(ctx, service, COMPONENT, {}, nameTag);
    const account = pulumi.output(ctx.accountId);
    const siteName = edgeNames.site(args.domain);

    let zoneId: pulumi.Output<string>;
    let nameServers: pulumi.Output<string[]>;
    if (args.hostedZoneId) {
        zoneId = pulumi.output(args.hostedZoneId);
        nameServers = pulumi.output([]);
    } else {
        // Protected: deleting the zone loses its delegation; the registrar would point at nothing.
        const zone = new aws.route53.Zone(
            `${name}-zone`,
            { name: args.domain, comment: `${ctx.project} public zone (owned by the primary stack)`, forceDestroy: false, tags: tags(SERVICE, args.domain) },
            { parent, protect: true },
        );
        zoneId = zone.zoneId;
        nameServers = zone.nameServers;
    }

    const certificate = new aws.acm.Certificate(
        `${name}-viewer-certificate`,
        { ...edge, domainName: siteName, validationMethod: "DNS", keyAlgorithm: "EC_prime256v1", tags: tags(SERVICE, siteName) },
        opts,
    );
    const certificateValidation = new aws.acm.CertificateValidation(
        `${name}-viewer-certificate-validation`,
        { ...edge, certificateArn: certificate.arn, validationRecordFqdns: [validationRecord(`${name}-viewer-validation`, certificate, siteName, zoneId, parent).fqdn] },
        opts,
    );

    // --- origin bucket: the SPA and /static/* ---------------------------------------------------
    const web = privateBucket(`${name}-web`, ctx, WEB_SERVICE, pulumi.interpolate`${awsName(ctx, "web")}-${account}`, ctx.region, parent);
    const oac = new aws.cloudfront.OriginAccessControl(
        `${name}-web-oac`,
        { name: awsName(ctx, "web"), description: "CloudFront to the web bucket, SigV4-signed", originAccessControlOriginType: "s3", signingBehavior: "always", signingProtocol: "sigv4" },
        opts,
    );

    // --- WAF -------------------------------------------------------------------------------------
    const wafRules = planWafRules({
        allowedCountries: args.waf?.allowedCountries ?? ["KR", "US", "JP"],
        rateLimit: args.waf?.rateLimit ?? 2000,
        botControl: args.waf?.botControl ?? "count",
    });
    const webAcl = new aws.wafv2.WebAcl(
        `${name}-waf`,
        {
            ...edge,
            name: awsName(ctx, "edge"),
            description: "CloudFront: geo allow-list, per-IP rate limit, AWS managed rules, Bot Control (count)",
            scope: "CLOUDFRONT",
            defaultAction: { allow: {} },
            rules: wafRules.map((r) => wafRule(r, awsName(ctx, r.name))),
            visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: awsName(ctx, "edge"), sampledRequestsEnabled: true },
            tags: tags(SERVICE, awsName(ctx, "edge")),
        },
        opts,
    );
    // WAF only accepts log destinations whose name starts with aws-waf-logs-.
    const wafLogGroupName = `aws-waf-logs-${ctx.project}-edge`;
    const wafKey = serviceKey(
        `${name}-waf-logs`,
        ctx,
        {
            service: WAF_LOG_SERVICE,
            component: COMPONENT,
            description: "WAF logs of the CloudFront web ACL",
            region: EDGE_REGION,
            servicePrincipals: [logsPrincipal(EDGE_REGION, account, wafLogGroupName)],
        },
        parent,
    );
    const wafLogGroup = new aws.cloudwatch.LogGroup(
        `${name}-waf-logs`,
        { ...edge, name: wafLogGroupName, kmsKeyId: wafKey.arn, retentionInDays: args.waf?.logRetentionDays ?? 90, tags: tags(WAF_LOG_SERVICE, wafLogGroupName) },
        opts,
    );
    new aws.wafv2.WebAclLoggingConfiguration(
        `${name}-waf-logging`,
        {
            ...edge,
            resourceArn: webAcl.arn,
            logDestinationConfigs: [wafLogGroup.arn],
            // Credentials never reach the logs.
            redactedFields: [{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }],
        },
        opts,
    );

    // --- CloudFront --------------------------------------------------------------------------------
    const policy = (fn: typeof aws.cloudfront.getCachePolicyOutput, policyName: string) => fn({ name: policyName }, opts).apply((p) => required(p.id, policyName));
    const cachingOptimized = policy(aws.cloudfront.getCachePolicyOutput, MANAGED_POLICIES.cachingOptimized);
    const cachingDisabled = policy(aws.cloudfront.getCachePolicyOutput, MANAGED_POLICIES.cachingDisabled);
    const allViewerExceptHost = aws.cloudfront
        .getOriginRequestPolicyOutput({ name: MANAGED_POLICIES.allViewerExceptHostHeader }, opts)
        .apply((p) => required(p.id, MANAGED_POLICIES.allViewerExceptHostHeader));

    const originGroup = planOriginGroup(args.domain, ctx.region, args.registryRegions);
    // No Origin Shield on the API origins: Origin Shield resolves the origin's DNS from its own
    // region, which would pin every API request to the region nearest it and defeat latency routing.
    const apiOrigin = (originId: string, domainName: string) => ({
        originId,
        domainName,
        connectionAttempts: 2,
        connectionTimeout: 5,
        customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"], originReadTimeout: 30, originKeepaliveTimeout: 5 },
    });
    const origins = [
        {
            originId: ORIGIN_IDS.web,
            domainName: web.bucket.bucketRegionalDomainName,
            originAccessControlId: oac.id,
            originShield: { enabled: true, originShieldRegion: args.originShieldRegion ?? EDGE_REGION },
            s3OriginConfig: { originAccessIdentity: "" },
        },
        apiOrigin(ORIGIN_IDS.apiInternal, originGroup.primaryDomain),
        ...(originGroup.failoverDomain ? [apiOrigin(ORIGIN_IDS.apiFailover, originGroup.failoverDomain)] : []),
    ];
    const apiTarget = originGroup.failoverDomain ? ORIGIN_IDS.apiGroup : ORIGIN_IDS.apiInternal;
    const staticBehaviour = {
        targetOriginId: ORIGIN_IDS.web,
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: ["GET", "HEAD"],
        cachedMethods: ["GET", "HEAD"],
        cachePolicyId: cachingOptimized,
        compress: true,
    };
    const distribution = new aws.cloudfront.Distribution(
        `${name}-cdn`,
        {
            enabled: true,
            comment: `${ctx.project} storefront and API`,
            aliases: [siteName],
            httpVersion: "http2and3",
            isIpv6Enabled: true,
            priceClass: "PriceClass_All",
            defaultRootObject: "index.html",
            webAclId: webAcl.arn,
            origins,
            originGroups: originGroup.failoverDomain
                ? [
                      {
                          originId: ORIGIN_IDS.apiGroup,
                          failoverCriteria: { statusCodes: [...FAILOVER_STATUS_CODES] },
                          members: [{ originId: ORIGIN_IDS.apiInternal }, { originId: ORIGIN_IDS.apiFailover }],
                      },
                  ]
                : [],
            // Behaviours match in order: the read-only routes (origin group) before the catch-all.
            orderedCacheBehaviors: [
                ...(apiTarget === ORIGIN_IDS.apiGroup
                    ? READ_ONLY_API_PATHS.map((pathPattern) => ({
                          pathPattern,
                          targetOriginId: apiTarget,
                          viewerProtocolPolicy: "https-only",
                          allowedMethods: ["GET", "HEAD", "OPTIONS"],
                          cachedMethods: ["GET", "HEAD"],
                          cachePolicyId: cachingDisabled,
                          originRequestPolicyId: allViewerExceptHost,
                          compress: true,
                      }))
                    : []),
                {
                    pathPattern: "/api/*",
                    targetOriginId: ORIGIN_IDS.apiInternal,
                    viewerProtocolPolicy: "https-only",
                    allowedMethods: ALL_METHODS,
                    cachedMethods: ["GET", "HEAD"],
                    cachePolicyId: cachingDisabled,
                    originRequestPolicyId: allViewerExceptHost,
                    compress: true,
                },
                { pathPattern: "/static/*", ...staticBehaviour },
            ],
            defaultCacheBehavior: staticBehaviour,
            // Distribution-wide (CloudFront has no per-behaviour error pages): an API 403/404 is
            // rewritten too. The API answers errors with other codes or a body the client reads.
            customErrorResponses: [403, 404].map((errorCode) => ({ errorCode, responseCode: 200, responsePagePath: "/index.html", errorCachingMinTtl: 10 })),
            restrictions: { geoRestriction: { restrictionType: "none" } },
            viewerCertificate: { acmCertificateArn: certificateValidation.certificateArn, sslSupportMethod: "sni-only", minimumProtocolVersion: VIEWER_TLS_POLICY },
            tags: tags(SERVICE, siteName),
        },
        opts,
    );

    // The key grants CloudFront decrypt for this distribution only, so it is declared after it;
    // the bucket's default encryption follows the key.
    const webKey = serviceKey(
        `${name}-web`,
        ctx,
        {
            service: WEB_SERVICE,
            component: COMPONENT,
            description: "Web (SPA) origin bucket",
            viaServices: ["s3"],
            servicePrincipals: [{ principal: "cloudfront.amazonaws.com", condition: { StringEquals: { "aws:SourceArn": distribution.arn } } }],
        },
        parent,
    );
    encryptBucket(`${name}-web`, web.bucket, webKey.arn, ctx.region, parent);
    bucketPolicy(`${name}-web`, web.bucket, ctx.region, parent, (arn) => [
        {
            Sid: "CloudFrontReadsThroughOac",
            Effect: "Allow",
            Principal: { Service: "cloudfront.amazonaws.com" },
            Action: "s3:GetObject",
            Resource: `${arn}/*`,
            Condition: { StringEquals: { "AWS:SourceArn": distribution.arn } },
        },
    ]);

    // --- access logs: standard logging v2 ------------------------------------------------------------
    const deliverySourceArns = pulumi.interpolate`arn:aws:logs:${EDGE_REGION}:${account}:delivery-source:*`;
    const logs = privateBucket(`${name}-access-logs`, ctx, ACCESS_LOG_SERVICE, pulumi.interpolate`${awsName({ ...ctx, region: EDGE_REGION }, "edge-logs")}-${account}`, EDGE_REGION, parent);
    const logKey = serviceKey(
        `${name}-access-logs`,
        ctx,
        {
            service: ACCESS_LOG_SERVICE,
            component: COMPONENT,
            description: "CloudFront access logs",
            region: EDGE_REGION,
            viaServices: ["s3"],
            servicePrincipals: [
                { principal: "delivery.logs.amazonaws.com", condition: { StringEquals: { "aws:SourceAccount": account }, ArnLike: { "aws:SourceArn": deliverySourceArns } } },
            ],
        },
        parent,
    );
    encryptBucket(`${name}-access-logs`, logs.bucket, logKey.arn, EDGE_REGION, parent);
    new aws.s3.BucketLifecycleConfiguration(
        `${name}-access-logs-lifecycle`,
        {
            ...edge,
            bucket: logs.bucket.bucket,
            rules: [
                { id: "expire-access-logs", status: "Enabled", filter: {}, expiration: { days: args.accessLogRetentionDays ?? 365 }, noncurrentVersionExpiration: { noncurrentDays: 7 } },
            ],
        },
        opts,
    );
    bucketPolicy(`${name}-access-logs`, logs.bucket, EDGE_REGION, parent, (arn) => [
        {
            Sid: "CloudWatchLogsDeliveryWrites",
            Effect: "Allow",
            Principal: { Service: "delivery.logs.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: `${arn}/*`,
            Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": account }, ArnLike: { "aws:SourceArn": deliverySourceArns } },
        },
    ]);
    const deliverySource = new aws.cloudwatch.LogDeliverySource(
        `${name}-access-log-source`,
        { ...edge, name: awsName(ctx, "cdn-access"), logType: "ACCESS_LOGS", resourceArn: distribution.arn, tags: tags(SERVICE, awsName(ctx, "cdn-access")) },
        opts,
    );
    const deliveryDestination = new aws.cloudwatch.LogDeliveryDestination(
        `${name}-access-log-destination`,
        {
            ...edge,
            name: awsName(ctx, "cdn-access-s3"),
            outputFormat: "json",
            deliveryDestinationConfiguration: { destinationResourceArn: logs.bucket.arn },
            tags: tags(ACCESS_LOG_SERVICE, awsName(ctx, "cdn-access-s3")),
        },
        opts,
    );
    new aws.cloudwatch.LogDelivery(
        `${name}-access-log-delivery`,
        {
            ...edge,
            deliverySourceName: deliverySource.name,
            deliveryDestinationArn: deliveryDestination.arn,
            s3DeliveryConfigurations: [{ enableHiveCompatiblePath: false, suffixPath: "cloudfront/{DistributionId}/{yyyy}/{MM}/{dd}/{HH}" }],
            tags: tags(SERVICE, awsName(ctx, "cdn-access")),
        },
        opts,
    );

    // --- DNS: the viewer name --------------------------------------------------------------------------
    for (const type of ["A", "AAAA"]) {
        new aws.route53.Record(
            `${name}-site-${type.toLowerCase()}`,
            { zoneId, name: siteName, type, aliases: [{ name: distribution.domainName, zoneId: distribution.hostedZoneId, evaluateTargetHealth: false }] },
            opts,
        );
    }

    return { zoneId, nameServers, distribution, webAcl, web, logs, wafLogGroup };
}

function required(id: string | undefined, what: string): string {
    if (!id) throw new Error(`CloudFront has no managed policy named ${what}; check the name in components/edge/plan.ts`);
    return id;
}

/** One WAF rule from its plan. */
export function wafRule(plan: WafRulePlan, metricName: string): aws.types.input.wafv2.WebAclRule {
    const visibilityConfig = { cloudwatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true };
    const base = { name: plan.name, priority: plan.priority, visibilityConfig };
    switch (plan.kind) {
        case "geo-allowlist":
            return { ...base, action: { block: {} }, statement: { notStatement: { statement: { geoMatchStatement: { countryCodes: [...(plan.countries ?? [])] } } } } };
        case "rate-limit":
            return { ...base, action: { block: {} }, statement: { rateBasedStatement: { limit: plan.limit ?? 2000, aggregateKeyType: "IP", evaluationWindowSec: 300 } } };
        case "managed": {
            const isBotControl = plan.managedGroup === "AWSManagedRulesBotControlRuleSet";
            return {
                ...base,
                overrideAction: plan.action === "count" ? { count: {} } : { none: {} },
                statement: {
                    managedRuleGroupStatement: {
                        vendorName: "AWS",
                        name: plan.managedGroup ?? "",
                        ...(isBotControl ? { managedRuleGroupConfigs: [{ awsManagedRulesBotControlRuleSet: { inspectionLevel: "COMMON" } }] } : {}),
                        ...(plan.scopeDownPathPrefix
                            ? {
                                  scopeDownStatement: {
                                      byteMatchStatement: {
                                          searchString: plan.scopeDownPathPrefix,
                                          positionalConstraint: "STARTS_WITH",
                                          fieldToMatch: { uriPath: {} },
                                          textTransformations: [{ priority: 0, type: "NONE" }],
                                      },
                                  },
                              }
                            : {}),
                    },
                },
            };
        }
    }
}

/** A private, versioned, owner-enforced bucket with all four public-access blocks. Protected. */
function privateBucket(name: string, ctx: RegionContext, service: string, bucketName: pulumi.Input<string>, region: string, parent: pulumi.Resource) {
    const opts = { parent };
    // The Name tag is plain (the bucket name carries the account id, an output).
    const tags = tagsFor({ ...ctx, region }, service, COMPONENT, {}, awsName({ ...ctx, region }, service));
    const bucket = new aws.s3.Bucket(name, { region, bucket: bucketName, forceDestroy: false, tags }, { parent, protect: true });
    new aws.s3.BucketPublicAccessBlock(
        `${name}-public-access-block`,
        { region, bucket: bucket.bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        opts,
    );
    new aws.s3.BucketOwnershipControls(`${name}-ownership`, { region, bucket: bucket.bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, opts);
    new aws.s3.BucketVersioning(`${name}-versioning`, { region, bucket: bucket.bucket, versioningConfiguration: { status: "Enabled" } }, opts);
    return { bucket };
}

function encryptBucket(name: string, bucket: aws.s3.Bucket, keyArn: pulumi.Input<string>, region: string, parent: pulumi.Resource): void {
    new aws.s3.BucketServerSideEncryptionConfiguration(
        `${name}-encryption`,
        { region, bucket: bucket.bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn }, bucketKeyEnabled: true }] },
        { parent },
    );
}

/** TLS-only bucket policy plus the bucket's own grants. */
function bucketPolicy(name: string, bucket: aws.s3.Bucket, region: string, parent: pulumi.Resource, grants: (arn: string) => Record<string, unknown>[]): void {
    new aws.s3.BucketPolicy(
        `${name}-policy`,
        {
            region,
            bucket: bucket.bucket,
            policy: bucket.arn.apply((arn) =>
                pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        denyInsecureTransport(arn, `${arn}/*`),
                        ...grants(arn),
                    ],
                }),
            ),
        },
        { parent },
    );
}
