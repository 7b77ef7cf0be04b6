/**
 * RegionalIngress (ARCHITECTURE §5, per region): the internet-facing NLB CloudFront reaches
 * api-gateway through, its TLS listener and regional certificate, the IP target group the
 * cluster binds api-gateway pods to (TargetGroupBinding), and the region's DNS: its `api-<region>`
 * record and its member of the `api-internal` latency set, with the Route 53 health check.
 *
 * Security groups: the CloudFront origin-facing prefix list weighs 55 rules and the Route 53
 * health-checker list 25; together they exceed the default 60 rules per SG, so each gets its own
 * SG (an NLB takes up to five). Nothing admits 0.0.0.0/0.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { API_GATEWAY_PORT } from "../catalogue";
import { RegionContext, awsName } from "../common/context";
import { tagsFor } from "../common/tags";
import { NetworkRef } from "../network/regional-vpc";
import { validationRecord } from "./dns";
import { MANAGED_PREFIX_LISTS, edgeNames, planRegionDns, regionalCertificateNames } from "./plan";

const SERVICE = "api-gateway";
const COMPONENT = "regional-ingress";
/** ELBSecurityPolicy-TLS13-1-2-2021-06: TLS 1.3 and 1.2 with forward-secret ciphers only. */
export const NLB_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

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
     * admitting the NLB's SG on `targetPort`. @default undefined - the cluster wires it
     */
    readonly targetSecurityGroupId?: pulumi.Input<string>;
}

export class RegionalIngress extends pulumi.ComponentResource {
    public readonly loadBalancerArn: pulumi.Output<string>;
    public readonly loadBalancerDnsName: pulumi.Output<string>;
    public readonly targetGroupArn: pulumi.Output<string>;
    /** The NLB SG that admits CloudFront; the targets' SG references it. */
    public readonly securityGroupId: pulumi.Output<string>;
    /** Both NLB SGs (CloudFront, Route 53 health checkers). */
    public readonly securityGroupIds: pulumi.Output<string>[];
    public readonly certificateArn: pulumi.Output<string>;
    public readonly healthCheckId: pulumi.Output<string>;
    public readonly regionalName: string;
    public readonly evacuated: boolean;

    constructor(name: string, args: RegionalIngressArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mall:edge:RegionalIngress", name, {}, opts);
        const built = buildRegionalIngress(this, name, args);
        this.loadBalancerArn = built.nlb.arn;
        this.loadBalancerDnsName = built.nlb.dnsName;
        this.targetGroupArn = built.targetGroup.arn;
        this.securityGroupId = built.cloudfrontSg.id;
        this.securityGroupIds = [built.cloudfrontSg.id, built.healthCheckSg.id];
        this.certificateArn = built.validation.certificateArn;
        this.healthCheckId = built.healthCheck.id;
        this.regionalName = built.dns.regional.name;
        this.evacuated = args.evacuated ?? false;
        this.registerOutputs({
            loadBalancerArn: this.loadBalancerArn,
            loadBalancerDnsName: this.loadBalancerDnsName,
            targetGroupArn: this.targetGroupArn,
            securityGroupId: this.securityGroupId,
            securityGroupIds: this.securityGroupIds,
            certificateArn: this.certificateArn,
            healthCheckId: this.healthCheckId,
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

    // Looked up by name, never by id: the ids differ per region and AWS owns the lists.
    const cloudfrontList = aws.ec2.getManagedPrefixListOutput({ name: MANAGED_PREFIX_LISTS.cloudfront, region: ctx.region }, opts);
    const healthCheckList = aws.ec2.getManagedPrefixListOutput({ name: MANAGED_PREFIX_LISTS.healthChecks(ctx.region), region: ctx.region }, opts);

    const sg = (suffix: string, description: string, prefixListId: pulumi.Input<string>, source: string) => {
        const group = new aws.ec2.SecurityGroup(
            `${name}-${suffix}-sg`,
            { vpcId: args.network.vpcId, description, tags: tags(awsName(ctx, "nlb", suffix)) },
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
                tags: tags(awsName(ctx, "nlb", suffix, "https")),
            },
            opts,
        );
        return group;
    };
    const cloudfrontSg = sg("cloudfront", "NLB: HTTPS from CloudFront origin-facing servers only", cloudfrontList.id, MANAGED_PREFIX_LISTS.cloudfront);
    const healthCheckSg = sg("healthchecks", "NLB: HTTPS from Route 53 health checkers only", healthCheckList.id, MANAGED_PREFIX_LISTS.healthChecks(ctx.region));
    // An NLB with security groups needs egress to its targets (traffic and target health checks).
    new aws.vpc.SecurityGroupEgressRule(
        `${name}-cloudfront-to-targets`,
        {
            securityGroupId: cloudfrontSg.id,
            description: "To api-gateway pods in the VPC",
            ipProtocol: "tcp",
            fromPort: targetPort,
            toPort: targetPort,
            cidrIpv4: args.network.vpcCidr,
            tags: tags(awsName(ctx, "nlb", "to-targets")),
        },
        opts,
    );

    const nlb = new aws.lb.LoadBalancer(
        `${name}-nlb`,
        {
            name: awsName(ctx, "api"),
            loadBalancerType: "network",
            internal: false,
            ipAddressType: "ipv4",
            subnets: args.network.publicSubnetIds,
            securityGroups: [cloudfrontSg.id, healthCheckSg.id],
            enableCrossZoneLoadBalancing: true,
            enableDeletionProtection: ctx.environment === "production",
            tags: tags(awsName(ctx, "api")),
        },
        opts,
    );

    const targetGroup = new aws.lb.TargetGroup(
        `${name}-api-gateway`,
        {
            name: awsName(ctx, "api-gateway"),
            targetType: "ip",
            protocol: "TCP",
            port: targetPort,
            vpcId: args.network.vpcId,
            deregistrationDelay: 30,
            healthCheck: {
                protocol: "HTTP",
                port: "traffic-port",
                path: hc.path ?? "/health/ready",
                interval: 10,
                healthyThreshold: 3,
                unhealthyThreshold: 3,
            },
            tags: tags(awsName(ctx, "api-gateway")),
        },
        opts,
    );

    if (args.targetSecurityGroupId !== undefined) {
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-targets-from-nlb`,
            {
                securityGroupId: args.targetSecurityGroupId,
                description: "api-gateway from the regional NLB",
                ipProtocol: "tcp",
                fromPort: targetPort,
                toPort: targetPort,
                referencedSecurityGroupId: cloudfrontSg.id,
                tags: tags(awsName(ctx, "api-gateway", "from-nlb")),
            },
            opts,
        );
    }

    const names = regionalCertificateNames(args.domain, args.registryRegions);
    const certificate = new aws.acm.Certificate(
        `${name}-certificate`,
        { ...names, validationMethod: "DNS", keyAlgorithm: "EC_prime256v1", tags: tags(names.domainName) },
        opts,
    );
    const validationFqdns = args.ownsValidationRecords
        ? [names.domainName, ...names.subjectAlternativeNames].map((domainName, i) => validationRecord(`${name}-validation-${i}`, certificate, domainName, args.hostedZoneId, parent).fqdn)
        : undefined;
    const validation = new aws.acm.CertificateValidation(
        `${name}-certificate-validation`,
        { certificateArn: certificate.arn, ...(validationFqdns ? { validationRecordFqdns: validationFqdns } : {}) },
        opts,
    );

    new aws.lb.Listener(
        `${name}-https`,
        {
            loadBalancerArn: nlb.arn,
            port: 443,
            protocol: "TLS",
            sslPolicy: NLB_TLS_POLICY,
            certificateArn: validation.certificateArn,
            defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
            tags: tags(awsName(ctx, "api", "https")),
        },
        opts,
    );

    // Probes the NLB by its own name, not `api-<region>`: evacuation re-points that name at the
    // other regions, and the check must keep measuring this one (the DR alarms read it).
    const healthCheck = new aws.route53.HealthCheck(
        `${name}-health`,
        {
            type: "HTTPS",
            fqdn: nlb.dnsName,
            port: 443,
            resourcePath: hc.path ?? "/health/ready",
            requestInterval: hc.interval ?? 30,
            failureThreshold: hc.failureThreshold ?? 3,
            regions: [...(hc.regions ?? ["us-east-1", "us-west-2", "eu-west-1"])],
            measureLatency: true,
            enableSni: true,
            tags: tags(awsName(ctx, "api", "health")),
        },
        opts,
    );

    const nlbAlias = { name: nlb.dnsName, zoneId: nlb.zoneId, evaluateTargetHealth: true };
    new aws.route53.Record(
        `${name}-regional-record`,
        {
            zoneId: args.hostedZoneId,
            name: dns.regional.name,
            type: "A",
            aliases: [dns.regional.target === "load-balancer" ? nlbAlias : { name: edgeNames.apiInternal(args.domain), zoneId: args.hostedZoneId, evaluateTargetHealth: true }],
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
                aliases: [nlbAlias],
            },
            opts,
        );
    }

    return { nlb, targetGroup, cloudfrontSg, healthCheckSg, validation, healthCheck, dns };
}
