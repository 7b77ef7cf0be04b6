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
import { cloudFrontDecrypts, serviceKey } from "../common/kms";
import { cloudFrontReadsThroughOac } from "../common/bucket-policy";
import { privateBucket } from "../common/private-bucket";
import { tagsFor } from "../common/tags";
import { validationRecord } from "./dns";
import {
    EDGE_REGION,
    MANAGED_POLICIES,
    ORIGIN_IDS,
    ORIGIN_VERIFY_HEADER,
    READ_ONLY_API_PATHS,
    SPA_FALLBACK_CODE,
    SPA_FALLBACK_RUNTIME,
    edgeNames,
    planCacheBehaviours,
    probeOriginId,
    planOriginGroup,
    planOriginGroups,
} from "./plan";
import { WEB_SERVICE, replicateSite, siteReplicaBucket } from "./site-replica";
import { EdgeWafArgs, declareWaf } from "./waf";

const SERVICE = "edge";
const COMPONENT = "edge-stack";
/** The store services: each has its own key (the per-service KMS rule); the web bucket's is WEB_SERVICE. */
const ACCESS_LOG_SERVICE = "edge-access-logs";
/** CloudFront's viewer TLS floor (the policy pack's minimum). */
export const VIEWER_TLS_POLICY = "TLSv1.2_2021";

export { EdgeWafArgs } from "./waf";

export interface EdgeStackArgs {
    /** The primary region's context. */
    readonly context: RegionContext;
    /** The apex the names live under: the zone is this name, the site `mall.<domain>`. */
    readonly domain: string;
    /** Every registered region in registry order; the failover origin is the primary's next. */
    readonly registryRegions: readonly string[];
    /**
     * Use this existing, delegated public hosted zone. Creating the zone (the default) is for the
     * offline plan and tests only: certificates cannot validate in the run that creates their zone,
     * so the settings require this outside the offline plan. @default undefined - create the zone
     */
    readonly hostedZoneId?: string;
    /** API sub-trees that only take GET/HEAD/OPTIONS and fail over through the origin group. @default READ_ONLY_API_PATHS (["/api/read/*"]) */
    readonly readOnlyApiPaths?: readonly string[];
    /** The web ACL's rules and logging. @default - WAF_DEFAULTS, Bot Control counting, 90-day logs */
    readonly waf?: EdgeWafArgs;
    /** Days the access-log bucket keeps CloudFront's standard logs before they expire. @default 365 */
    readonly accessLogRetentionDays?: number;
    /** Where Origin Shield caches for the S3 origin: the region next to the web bucket. @default "us-east-1" */
    readonly originShieldRegion?: string;
    /**
     * The origin secret CloudFront sends as `X-Origin-Verify` on every API origin (a Pulumi
     * secret; OriginSecret's `sendValue`). The regional ALBs forward nothing else.
     */
    readonly originVerifyValue: pulumi.Input<string>;
}

export class EdgeStack extends pulumi.ComponentResource {
    public readonly hostedZoneId: pulumi.Output<string>;
    public readonly nameServers: pulumi.Output<string[]>;
    public readonly distributionId: pulumi.Output<string>;
    public readonly distributionArn: pulumi.Output<string>;
    public readonly distributionDomainName: pulumi.Output<string>;
    public readonly webAclArn: pulumi.Output<string>;
    public readonly webBucketName: pulumi.Output<string>;
    /** The web bucket's replica in the failover region; undefined with a single region. */
    public readonly webReplicaBucketName?: pulumi.Output<string>;
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
        this.webReplicaBucketName = built.replica?.bucket.bucket;
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
            ...(this.webReplicaBucketName ? { webReplicaBucketName: this.webReplicaBucketName } : {}),
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
            { name: args.domain, comment: `${ctx.prefix} public zone (owned by the primary stack)`, forceDestroy: false, tags: tags(SERVICE, args.domain) },
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
    const web = privateBucket(
        `${name}-web`,
        { bucketName: pulumi.interpolate`${awsName(ctx, "web")}-${account}`, tags: bucketTags(ctx, WEB_SERVICE, ctx.region), region: ctx.region, policyAfter: [] },
        parent,
    );
    const oac = new aws.cloudfront.OriginAccessControl(
        `${name}-web-oac`,
        { name: awsName(ctx, "web"), description: "CloudFront to the web bucket, SigV4-signed", originAccessControlOriginType: "s3", signingBehavior: "always", signingProtocol: "sigv4" },
        opts,
    );

    const { webAcl, wafLogGroup } = declareWaf(parent, name, ctx, COMPONENT, { ...args.waf, probeRegions: args.registryRegions });

    // --- CloudFront --------------------------------------------------------------------------------
    const policy = (fn: typeof aws.cloudfront.getCachePolicyOutput, policyName: string) => fn({ name: policyName }, opts).apply((p) => required(p.id, policyName));
    const cachingOptimized = policy(aws.cloudfront.getCachePolicyOutput, MANAGED_POLICIES.cachingOptimized);
    const cachingDisabled = policy(aws.cloudfront.getCachePolicyOutput, MANAGED_POLICIES.cachingDisabled);
    const allViewerExceptHost = aws.cloudfront
        .getOriginRequestPolicyOutput({ name: MANAGED_POLICIES.allViewerExceptHostHeader }, opts)
        .apply((p) => required(p.id, MANAGED_POLICIES.allViewerExceptHostHeader));

    const originGroup = planOriginGroup(args.domain, ctx.region, args.registryRegions);
    // The storefront's second copy, in the region the API fails over to (site-replica.ts).
    const replicaArgs = originGroup.failoverRegion
        ? { context: ctx, component: COMPONENT, replicaRegion: originGroup.failoverRegion, source: web }
        : undefined;
    const replica = replicaArgs ? siteReplicaBucket(parent, name, replicaArgs) : undefined;
    // No Origin Shield on the API origins: Origin Shield resolves the origin's DNS from its own
    // region, which would pin every API request to the region nearest it and defeat latency routing.
    const apiOrigin = (originId: string, domainName: string, readTimeout = 30) => ({
        originId,
        domainName,
        connectionAttempts: 2,
        connectionTimeout: 5,
        customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"], originReadTimeout: readTimeout, originKeepaliveTimeout: 5 },
        // What tells this distribution apart from every other behind the same prefix list (S1).
        customHeaders: [{ name: ORIGIN_VERIFY_HEADER, value: pulumi.secret(args.originVerifyValue) }],
    });
    const origins = [
        {
            originId: ORIGIN_IDS.web,
            domainName: web.bucket.bucketRegionalDomainName,
            originAccessControlId: oac.id,
            originShield: { enabled: true, originShieldRegion: args.originShieldRegion ?? EDGE_REGION },
            s3OriginConfig: { originAccessIdentity: "" },
        },
        // No Origin Shield on the replica: it answers only while the web bucket fails, and the
        // shield's region is chosen next to the web bucket's.
        ...(replica
            ? [{ originId: ORIGIN_IDS.webReplica, domainName: replica.bucket.bucketRegionalDomainName, originAccessControlId: oac.id, s3OriginConfig: { originAccessIdentity: "" } }]
            : []),
        apiOrigin(ORIGIN_IDS.apiInternal, originGroup.primaryDomain),
        ...(originGroup.failoverDomain ? [apiOrigin(ORIGIN_IDS.apiFailover, originGroup.failoverDomain)] : []),
        // The DR probes: every region by its probe name (never re-pointed), answered well within the canary's 30 s.
        ...args.registryRegions.map((r) => apiOrigin(probeOriginId(r), edgeNames.probe(args.domain, r), 10)),
    ];
    // The SPA fallback on the default behaviour only: API and static responses keep their status.
    const spaFallback = new aws.cloudfront.Function(
        `${name}-spa-fallback`,
        {
            name: awsName(ctx, "spa-fallback"),
            runtime: SPA_FALLBACK_RUNTIME,
            comment: "Serves /index.html for extension-less (client-side) routes",
            publish: true,
            code: SPA_FALLBACK_CODE,
            tags: tags(SERVICE, awsName(ctx, "spa-fallback")),
        },
        opts,
    );
    const behaviours = planCacheBehaviours(
        originGroup,
        { cachingOptimized, cachingDisabled, allViewerExceptHost },
        args.readOnlyApiPaths ?? READ_ONLY_API_PATHS,
        spaFallback.arn,
        args.registryRegions,
    );
    const distribution = new aws.cloudfront.Distribution(
        `${name}-cdn`,
        {
            enabled: true,
            comment: `${ctx.prefix} storefront and API`,
            aliases: [siteName],
            httpVersion: "http2and3",
            isIpv6Enabled: true,
            priceClass: "PriceClass_All",
            defaultRootObject: "index.html",
            webAclId: webAcl.arn,
            origins,
            originGroups: planOriginGroups(originGroup),
            // Behaviours match in order (plan.ts): the read-only routes (origin group) before the catch-all.
            orderedCacheBehaviors: behaviours.ordered,
            defaultCacheBehavior: behaviours.default,
            // No customErrorResponses: they apply to the whole distribution and would turn WAF
            // blocks, "Invalid method" and API 403/404s into 200 + index.html. The SPA fallback is
            // the viewer-request function on the default behaviour.
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
            servicePrincipals: [cloudFrontDecrypts(distribution.arn)],
        },
        parent,
    );
    web.encrypt(webKey.arn);
    web.policy((arn) => [cloudFrontReadsThroughOac(arn, distribution.arn)]);
    if (replicaArgs && replica) replicateSite(parent, name, replicaArgs, replica, webKey.arn, distribution.arn);

    // --- access logs: standard logging v2 ------------------------------------------------------------
    const deliverySourceArns = pulumi.interpolate`arn:aws:logs:${EDGE_REGION}:${account}:delivery-source:*`;
    const logs = privateBucket(
        `${name}-access-logs`,
        {
            bucketName: pulumi.interpolate`${awsName({ ...ctx, region: EDGE_REGION }, "edge-logs")}-${account}`,
            tags: bucketTags(ctx, ACCESS_LOG_SERVICE, EDGE_REGION),
            region: EDGE_REGION,
            policyAfter: [],
        },
        parent,
    );
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
    const logEncryption = logs.encrypt(logKey.arn);
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
    const logPolicy = logs.policy((arn) => [
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
        // After our bucket policy (else CloudWatch Logs may add its own statement, which ours then
        // overwrites) and after the default encryption with the key delivery is granted.
        { parent, dependsOn: [logPolicy, logEncryption] },
    );

    // --- DNS: the viewer name --------------------------------------------------------------------------
    for (const type of ["A", "AAAA"]) {
        new aws.route53.Record(
            `${name}-site-${type.toLowerCase()}`,
            { zoneId, name: siteName, type, aliases: [{ name: distribution.domainName, zoneId: distribution.hostedZoneId, evaluateTargetHealth: false }] },
            opts,
        );
    }

    return { zoneId, nameServers, distribution, webAcl, web, replica, logs, wafLogGroup };
}

function required(id: string | undefined, what: string): string {
    if (!id) throw new Error(`CloudFront has no managed policy named ${what}; check the name in components/edge/plan.ts`);
    return id;
}

/** A bucket's tags: the Name tag is plain (the bucket name carries the account id, an output). */
function bucketTags(ctx: RegionContext, service: string, region: string) {
    return tagsFor({ ...ctx, region }, service, COMPONENT, {}, awsName({ ...ctx, region }, service));
}
