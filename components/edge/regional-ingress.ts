/**
 * RegionalIngress (ARCHITECTURE §5, per region): the internet-facing Application Load Balancer
 * CloudFront reaches api-gateway through, its HTTPS listener and regional certificate, the IP
 * target group the cluster binds api-gateway pods to (TargetGroupBinding), the regional WAF on the
 * ALB, and the region's DNS: its `api-<region>` record and its member of the `api-internal`
 * latency set, with the Route 53 health check.
 *
 * Why an ALB (security S1): the CloudFront origin-facing prefix list admits every AWS customer's
 * distribution, and a layer-4 NLB cannot tell ours apart. The listener answers 403 unless the
 * request carries this distribution's `X-Origin-Verify` secret (rule 10), except the health path
 * (rule 1: GET/HEAD `/health/ready` only, what Route 53 asks). With the secret, the DR probes'
 * `/probe/<region>/alive` is answered by the ALB itself (rule 2) and `/probe/<region>/ready` is
 * rewritten to the health path (rule 3); any other `/probe/` path gets a 404 (rule 4), so the API
 * never sees one. The probes reach it by `probe-<region>`, a name evacuation never moves
 * (components/edge/plan.ts `probePaths`). The regional WAF
 * repeats the header check as a second line and adds AWS's known-bad-inputs rules. The ALB stays
 * public (not a CloudFront VPC origin) so that origins keep meeting at DNS names and Route 53 can
 * keep health-checking each region (docs/edge.md).
 *
 * Security groups: the CloudFront origin-facing prefix list weighs 55 rules and the Route 53
 * health-checker list 25; together they exceed the default 60 rules per SG, so each gets its own
 * SG (an ALB takes up to five). Nothing admits 0.0.0.0/0.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { API_GATEWAY_PORT } from "../catalogue";
import { RegionContext, awsName, awsNameWithin } from "../common/context";
import { tagsFor } from "../common/tags";
import { NetworkRef } from "../network/regional-vpc";
import { validationRecord } from "./dns";
import { HEALTH_PATH_METHODS, LISTENER_PRIORITIES, MANAGED_PREFIX_LISTS, ORIGIN_VERIFY_HEADER, PROBE_PREFIX, edgeNames, planRegionDns, probePaths, regionalCertificateNames } from "./plan";
import { serviceKey } from "../common/kms";
import { AUDIT_LOG_RETENTION_DAYS, AUDIT_LOG_TAGS, logsPrincipal } from "../common/logs";

const SERVICE = "api-gateway";
const COMPONENT = "regional-ingress";
/** ELBSecurityPolicy-TLS13-1-2-2021-06: TLS 1.3 and 1.2 only (the policy pack's lb-listeners-modern-tls). */
export const ORIGIN_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
/** The store service of the regional WAF's logs: a key of its own (the per-service KMS rule). */
export const ORIGIN_WAF_LOG_SERVICE = "origin-waf-logs";

export interface IngressHealthCheckArgs {
    /** The readiness path the checkers and the target group probe over HTTPS. @default "/health/ready" */
    readonly path?: string;
    /** Seconds between checks from each checker: 30, or 10 (fast, billed extra). @default 30 */
    readonly interval?: number;
    /** Consecutive failures before Route 53 calls the region unhealthy. @default 3 */
    readonly failureThreshold?: number;
    /** Route 53 checker regions (at least 3). @default ["us-east-1", "us-west-2", "eu-west-1"] */
    readonly regions?: readonly string[];
}

export interface RegionalIngressArgs {
    /** The stack this component is declared in: region, role, account; names and tags derive from it. */
    readonly context: RegionContext;
    /** The region's network: the load balancer goes in the public subnets. */
    readonly network: Pick<NetworkRef, "vpcId" | "vpcCidr" | "publicSubnetIds">;
    /** The apex the edge names live under. Plain: the planner derives names from it. */
    readonly domain: string;
    /** The public hosted zone (the primary's, through the stack reference on a secondary). */
    readonly hostedZoneId: pulumi.Input<string>;
    /** Every registered region, in registry order: the certificate covers each `api-<region>` name. */
    readonly registryRegions: readonly string[];
    /**
     * Whether this stack creates the ACM validation CNAMEs. ACM issues the same CNAME per name
     * and account in every region, so exactly one stack (the primary) owns them; the others'
     * certificates validate against those records.
     */
    readonly ownsValidationRecords: boolean;
    /** Take the region out of latency routing and origin failover (`mall:evacuate`). @default false */
    readonly evacuated?: boolean;
    /** The Route 53 health check behind the region's latency record. @default - HTTPS /health/ready, 30 s × 3 from three regions */
    readonly healthCheck?: IngressHealthCheckArgs;
    /** Port the api-gateway pods listen on: the target group, its health check and the pod-side SG rule use it. @default API_GATEWAY_PORT - 8080 */
    readonly targetPort?: number;
    /**
     * The security group of the targets (EKS nodes/pods). When given, it gets an ingress rule
     * admitting the ALB's SG on `targetPort`. @default undefined - the cluster wires it
     */
    readonly targetSecurityGroupId?: pulumi.Input<string>;
    /**
     * The `X-Origin-Verify` values the listener and the regional WAF accept (a Pulumi secret): one,
     * or two while a rotation is under way. The primary passes OriginSecret's; a secondary reads
     * its local replica (origin-secret.ts replicaAcceptValues).
     */
    readonly originVerifyValues: pulumi.Input<string[]>;
    /** Days the regional WAF's protected log group keeps its logs (audit evidence). @default 365 - AUDIT_LOG_RETENTION_DAYS */
    readonly wafLogRetentionDays?: number;
}

export class RegionalIngress extends pulumi.ComponentResource {
    public readonly loadBalancerArn: pulumi.Output<string>;
    public readonly loadBalancerDnsName: pulumi.Output<string>;
    public readonly targetGroupArn: pulumi.Output<string>;
    /** The ALB SG that admits CloudFront; the targets' SG references it. */
    public readonly securityGroupId: pulumi.Output<string>;
    /** Both ALB SGs (CloudFront, Route 53 health checkers). */
    public readonly securityGroupIds: pulumi.Output<string>[];
    public readonly certificateArn: pulumi.Output<string>;
    public readonly healthCheckId: pulumi.Output<string>;
    public readonly webAclArn: pulumi.Output<string>;
    public readonly regionalName: string;
    public readonly evacuated: boolean;
    /** The origin WAF's log group (audit-class), for the audit archive. */
    public readonly wafLogGroupName: pulumi.Output<string>;

    constructor(name: string, args: RegionalIngressArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mall:edge:RegionalIngress", name, {}, opts);
        const built = buildRegionalIngress(this, name, args);
        this.loadBalancerArn = built.alb.arn;
        this.loadBalancerDnsName = built.alb.dnsName;
        this.targetGroupArn = built.targetGroup.arn;
        this.securityGroupId = built.cloudfrontSg.id;
        this.securityGroupIds = [built.cloudfrontSg.id, built.healthCheckSg.id];
        this.certificateArn = built.validation.certificateArn;
        this.healthCheckId = built.healthCheck.id;
        this.webAclArn = built.webAcl.arn;
        this.regionalName = built.dns.regional.name;
        this.evacuated = args.evacuated ?? false;
        this.wafLogGroupName = built.wafLogGroup.name;
        this.registerOutputs({
            loadBalancerArn: this.loadBalancerArn,
            loadBalancerDnsName: this.loadBalancerDnsName,
            targetGroupArn: this.targetGroupArn,
            securityGroupId: this.securityGroupId,
            securityGroupIds: this.securityGroupIds,
            certificateArn: this.certificateArn,
            healthCheckId: this.healthCheckId,
            webAclArn: this.webAclArn,
            regionalName: this.regionalName,
            evacuated: this.evacuated,
        });
    }
}

function buildRegionalIngress(parent: pulumi.Resource, name: string, args: RegionalIngressArgs) {
    const ctx = args.context;
    const opts = { parent };
    const tags = (nameTag: string, extra: Record<string, string> = {}) => tagsFor(ctx, SERVICE, COMPONENT, extra, nameTag);
    const targetPort = args.targetPort ?? API_GATEWAY_PORT;
    const hc = args.healthCheck ?? {};
    const dns = planRegionDns(args.domain, ctx.region, args.evacuated ?? false);
    const healthPath = hc.path ?? "/health/ready";

    // Looked up by name, never by id: the ids differ per region and AWS owns the lists.
    const cloudfrontList = aws.ec2.getManagedPrefixListOutput({ name: MANAGED_PREFIX_LISTS.cloudfront, region: ctx.region }, opts);
    const healthCheckList = aws.ec2.getManagedPrefixListOutput({ name: MANAGED_PREFIX_LISTS.healthChecks(ctx.region), region: ctx.region }, opts);

    const sg = (suffix: string, description: string, prefixListId: pulumi.Input<string>, source: string) => {
        const group = new aws.ec2.SecurityGroup(
            `${name}-${suffix}-sg`,
            { vpcId: args.network.vpcId, description, tags: tags(awsName(ctx, "alb", suffix)) },
            opts,
        );
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-${suffix}-https`,
            {
                securityGroupId: group.id,
                description: `HTTPS from ${source}`,
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
                prefixListId,
                tags: tags(awsName(ctx, "alb", suffix, "https")),
            },
            opts,
        );
        return group;
    };
    const cloudfrontSg = sg("cloudfront", "Origin ALB: HTTPS from CloudFront origin-facing servers only", cloudfrontList.id, MANAGED_PREFIX_LISTS.cloudfront);
    const healthCheckSg = sg("healthchecks", "Origin ALB: HTTPS from Route 53 health checkers only", healthCheckList.id, MANAGED_PREFIX_LISTS.healthChecks(ctx.region));
    // The ALB reaches its targets (traffic and target health checks) through its own SGs.
    new aws.vpc.SecurityGroupEgressRule(
        `${name}-cloudfront-to-targets`,
        {
            securityGroupId: cloudfrontSg.id,
            description: "To api-gateway pods in the VPC",
            ipProtocol: "tcp",
            fromPort: targetPort,
            toPort: targetPort,
            cidrIpv4: args.network.vpcCidr,
            tags: tags(awsName(ctx, "alb", "to-targets")),
        },
        opts,
    );

    // A new URN and AWS name (the NLB was `-api`): create-before-delete needs the new load
    // balancer and target group to coexist with the old ones, and ELB names are unique per region.
    const alb = new aws.lb.LoadBalancer(
        `${name}-alb`,
        {
            // ALB and target group names are 1-32 characters (tools/plan/name-limits.ts).
            name: awsNameWithin(ctx, 32, "api-alb"),
            loadBalancerType: "application",
            internal: false,
            ipAddressType: "ipv4",
            subnets: args.network.publicSubnetIds,
            securityGroups: [cloudfrontSg.id, healthCheckSg.id],
            // Requests with header names that are not valid HTTP tokens are dropped, not forwarded.
            dropInvalidHeaderFields: true,
            desyncMitigationMode: "strictest",
            enableDeletionProtection: ctx.environment === "production",
            tags: tags(awsNameWithin(ctx, 32, "api-alb")),
        },
        opts,
    );

    const targetGroup = new aws.lb.TargetGroup(
        `${name}-api-gateway`,
        {
            name: awsNameWithin(ctx, 32, "api-http"),
            targetType: "ip",
            protocol: "HTTP",
            protocolVersion: "HTTP1",
            port: targetPort,
            vpcId: args.network.vpcId,
            deregistrationDelay: 30,
            healthCheck: {
                protocol: "HTTP",
                port: "traffic-port",
                path: healthPath,
                matcher: "200",
                interval: 10,
                healthyThreshold: 3,
                unhealthyThreshold: 3,
            },
            tags: tags(awsNameWithin(ctx, 32, "api-http")),
        },
        opts,
    );

    if (args.targetSecurityGroupId !== undefined) {
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-targets-from-alb`,
            {
                securityGroupId: args.targetSecurityGroupId,
                description: "api-gateway from the regional origin ALB",
                ipProtocol: "tcp",
                fromPort: targetPort,
                toPort: targetPort,
                referencedSecurityGroupId: cloudfrontSg.id,
                tags: tags(awsName(ctx, "api-gateway", "from-alb")),
            },
            opts,
        );
    }

    // The shared names (api-internal, every api-<region>) and this region's own probe name.
    const names = regionalCertificateNames(args.domain, args.registryRegions, ctx.region);
    const probeName = edgeNames.probe(args.domain, ctx.region);
    const certificate = new aws.acm.Certificate(
        `${name}-certificate`,
        { ...names, validationMethod: "DNS", keyAlgorithm: "EC_prime256v1", tags: tags(names.domainName) },
        opts,
    );
    // The primary validates the shared names for every region; each region validates its probe name.
    const shared = [names.domainName, ...names.subjectAlternativeNames].filter((n) => n !== probeName);
    const sharedFqdns = args.ownsValidationRecords ? shared.map((domainName, i) => validationRecord(`${name}-validation-${i}`, certificate, domainName, args.hostedZoneId, parent).fqdn) : undefined;
    const probeValidation = validationRecord(`${name}-probe-validation`, certificate, probeName, args.hostedZoneId, parent);
    const validation = new aws.acm.CertificateValidation(
        `${name}-certificate-validation`,
        { certificateArn: certificate.arn, ...(sharedFqdns ? { validationRecordFqdns: [...sharedFqdns, probeValidation.fqdn] } : {}) },
        { parent, dependsOn: [probeValidation] },
    );

    // Nothing is forwarded by default: a request that matches neither rule gets a bare 403.
    const listener = new aws.lb.Listener(
        `${name}-https`,
        {
            loadBalancerArn: alb.arn,
            port: 443,
            protocol: "HTTPS",
            sslPolicy: ORIGIN_TLS_POLICY,
            certificateArn: validation.certificateArn,
            defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "403", messageBody: "Forbidden" } }],
            tags: tags(awsName(ctx, "api", "https")),
        },
        opts,
    );
    const forward = [{ type: "forward", targetGroupArn: targetGroup.arn }];
    const fixed = (statusCode: string, messageBody: string) => [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode, messageBody } }];
    const verified = { httpHeader: { httpHeaderName: ORIGIN_VERIFY_HEADER, values: pulumi.secret(args.originVerifyValues) } };
    const listenerRule = (suffix: string, tag: string, priority: number, rule: Pick<aws.lb.ListenerRuleArgs, "conditions" | "actions" | "transforms">, after: pulumi.Resource[] = []) =>
        new aws.lb.ListenerRule(`${name}-${suffix}`, { listenerArn: listener.arn, priority, ...rule, tags: tags(awsName(ctx, "api", tag)) }, { parent, dependsOn: after });
    // Rule 1: the health path, without the secret, for Route 53 (GET); exact path (no wildcard),
    // safe methods only, so it reaches the readiness answer and nothing else.
    listenerRule("health-path", "health", LISTENER_PRIORITIES.health, {
        conditions: [{ pathPattern: { values: [healthPath] } }, { httpRequestMethod: { values: [...HEALTH_PATH_METHODS] } }],
        actions: forward,
    });
    // Last: everything else only with this distribution's secret (two values during a rotation).
    // Declared before the probe rules, which depend on it: an update from the two-rule listener
    // moves it from priority 2 to its new place before the probe rules take 2 and 3.
    const originVerified = listenerRule("origin-verified", "origin-verified", LISTENER_PRIORITIES.originVerified, { conditions: [verified], actions: forward });
    // The DR probes, through our distribution only (the secret), before the forward above would
    // send them to the API: `alive` is answered here (the region is reachable, whatever the
    // application does); `ready` becomes the readiness path and reaches the API; any other probe
    // path stops here, so the API behind the secret forward never sees a /probe/ path.
    const alive = probePaths.path(ctx.region, "alive");
    const ready = probePaths.path(ctx.region, "ready");
    listenerRule("probe-alive", "probe-alive", LISTENER_PRIORITIES.probeAlive, { conditions: [{ pathPattern: { values: [alive] } }, verified], actions: fixed("200", probePaths.aliveBody(ctx.region)) }, [originVerified]);
    listenerRule("probe-other", "probe-other", LISTENER_PRIORITIES.probeOther, { conditions: [{ pathPattern: { values: [`${PROBE_PREFIX}*`] } }], actions: fixed("404", "Not Found") }, [originVerified]);
    listenerRule(
        "probe-ready",
        "probe-ready",
        LISTENER_PRIORITIES.probeReady,
        {
            conditions: [{ pathPattern: { values: [ready] } }, verified],
            transforms: [{ type: "url-rewrite", urlRewriteConfig: { rewrite: { regex: `^${ready}$`, replace: healthPath } } }],
            actions: forward,
        },
        [originVerified],
    );

    const { webAcl, logGroup: wafLogGroup } = declareOriginWaf(parent, name, ctx, alb.arn, args.originVerifyValues, healthPath, args.wafLogRetentionDays);

    // Probes the ALB by its own name, not `api-<region>`: evacuation re-points that name at the
    // other regions, and the check must keep measuring this one (the DR alarms read it). Route 53
    // does not validate the certificate, so the ALB's default certificate answers the SNI name.
    const healthCheck = new aws.route53.HealthCheck(
        `${name}-health`,
        {
            type: "HTTPS",
            fqdn: alb.dnsName,
            port: 443,
            resourcePath: healthPath,
            requestInterval: hc.interval ?? 30,
            failureThreshold: hc.failureThreshold ?? 3,
            regions: [...(hc.regions ?? ["us-east-1", "us-west-2", "eu-west-1"])],
            measureLatency: true,
            enableSni: true,
            tags: tags(awsName(ctx, "api", "health")),
        },
        opts,
    );

    const albAlias = { name: alb.dnsName, zoneId: alb.zoneId, evaluateTargetHealth: true };
    // The probes' name: always this ALB (evacuation leaves it), without target health (it measures
    // reachability; readiness is the `ready` probe's question).
    new aws.route53.Record(
        `${name}-probe-record`,
        { zoneId: args.hostedZoneId, name: probeName, type: "A", aliases: [{ name: alb.dnsName, zoneId: alb.zoneId, evaluateTargetHealth: false }] },
        opts,
    );
    new aws.route53.Record(
        `${name}-regional-record`,
        {
            zoneId: args.hostedZoneId,
            name: dns.regional.name,
            type: "A",
            aliases: [dns.regional.target === "load-balancer" ? albAlias : { name: edgeNames.apiInternal(args.domain), zoneId: args.hostedZoneId, evaluateTargetHealth: true }],
        },
        opts,
    );
    if (dns.latency) {
        new aws.route53.Record(
            `${name}-latency-record`,
            {
                zoneId: args.hostedZoneId,
                name: dns.latency.name,
                type: "A",
                setIdentifier: dns.latency.setIdentifier,
                latencyRoutingPolicies: [{ region: dns.latency.region }],
                healthCheckId: healthCheck.id,
                aliases: [albAlias],
            },
            opts,
        );
    }

    return { alb, targetGroup, cloudfrontSg, healthCheckSg, validation, healthCheck, dns, webAcl, wafLogGroup };
}

/**
 * The regional (REGIONAL scope) web ACL on the ALB, the second line behind the listener rules:
 * blocks what carries none of the accepted `X-Origin-Verify` values outside the health path, then
 * AWS's known-bad-inputs group. Logs go to a KMS-encrypted `aws-waf-logs-*` group with the secret
 * header redacted (as are credentials).
 */
function declareOriginWaf(
    parent: pulumi.Resource,
    name: string,
    ctx: RegionContext,
    albArn: pulumi.Output<string>,
    values: pulumi.Input<string[]>,
    healthPath: string,
    logRetentionDays: number | undefined,
) {
    const opts = { parent };
    const account = pulumi.output(ctx.accountId);
    // WAF samples requests with every header and no redaction (the logging config's redaction does
    // not apply to samples): only the rule that blocks requests WITHOUT the secret may sample.
    const metric = (rule: string, sample = false) => ({ cloudwatchMetricsEnabled: true, metricName: awsName(ctx, "origin", rule), sampledRequestsEnabled: sample });
    const exact = (searchString: pulumi.Input<string>, fieldToMatch: aws.types.input.wafv2.WebAclRuleStatementByteMatchStatementFieldToMatch) => ({
        byteMatchStatement: { searchString, positionalConstraint: "EXACTLY", fieldToMatch, textTransformations: [{ priority: 0, type: "NONE" }] },
    });
    // WAF compares header names in lower case.
    const header = { singleHeader: { name: ORIGIN_VERIFY_HEADER.toLowerCase() } };
    const allowed = pulumi.secret(
        pulumi.output(values).apply((vs) => [...vs.map((v) => exact(v, header)), exact(healthPath, { uriPath: {} })]),
    );
    const webAcl = new aws.wafv2.WebAcl(
        `${name}-waf`,
        {
            name: awsName(ctx, "origin"),
            description: "Origin ALB: only this CloudFront distribution (X-Origin-Verify) or the health path; known bad inputs",
            scope: "REGIONAL",
            defaultAction: { allow: {} },
            rules: [
                {
                    name: "require-origin-verify",
                    priority: 0,
                    action: { block: {} },
                    statement: { notStatement: { statement: { orStatement: { statements: allowed } } } },
                    visibilityConfig: metric("require-origin-verify", true),
                },
                {
                    name: "aws-known-bad-inputs",
                    priority: 1,
                    overrideAction: { none: {} },
                    statement: { managedRuleGroupStatement: { vendorName: "AWS", name: "AWSManagedRulesKnownBadInputsRuleSet" } },
                    visibilityConfig: metric("known-bad-inputs"),
                },
            ],
            visibilityConfig: metric("acl"),
            tags: tagsFor(ctx, SERVICE, COMPONENT, {}, awsName(ctx, "origin")),
        },
        opts,
    );
    new aws.wafv2.WebAclAssociation(`${name}-waf-association`, { resourceArn: albArn, webAclArn: webAcl.arn }, opts);
    // WAF only accepts log destinations whose name starts with aws-waf-logs-.
    const logGroupName = `aws-waf-logs-${ctx.prefix}-${ctx.region}-origin`;
    const key = serviceKey(
        `${name}-waf-logs`,
        ctx,
        { service: ORIGIN_WAF_LOG_SERVICE, component: COMPONENT, description: "WAF logs of the origin ALB's web ACL", servicePrincipals: [logsPrincipal(ctx.region, account, logGroupName)] },
        parent,
    );
    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-waf-logs`,
        {
            name: logGroupName,
            kmsKeyId: key.arn,
            retentionInDays: logRetentionDays ?? AUDIT_LOG_RETENTION_DAYS,
            tags: tagsFor(ctx, ORIGIN_WAF_LOG_SERVICE, COMPONENT, AUDIT_LOG_TAGS, logGroupName),
        },
        // Audit evidence: a rename or a removed component must not delete it.
        { ...opts, protect: true },
    );
    new aws.wafv2.WebAclLoggingConfiguration(
        `${name}-waf-logging`,
        {
            resourceArn: webAcl.arn,
            logDestinationConfigs: [logGroup.arn],
            // The origin secret and credentials never reach the logs.
            redactedFields: [
                { singleHeader: { name: ORIGIN_VERIFY_HEADER.toLowerCase() } },
                { singleHeader: { name: "authorization" } },
                { singleHeader: { name: "cookie" } },
            ],
        },
        opts,
    );
    return { webAcl, logGroup };
}
