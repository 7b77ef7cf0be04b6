/**
 * RegionalVpc (ARCHITECTURE §2): a /16 VPC with public/private/data subnets in each AZ, NAT,
 * gateway and interface endpoints, KMS-encrypted flow logs, and the region's Transit Gateway with
 * its VPC attachment and route table. Pairwise links between regions live in
 * TransitGatewayPeering, owned by the secondary stack.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RegionContext, awsName } from "../common/context";
import { serviceKey } from "../common/kms";
import { AUDIT_LOG_RETENTION_DAYS, AUDIT_LOG_TAGS, logsPrincipal } from "../common/logs";
import { Tags, tagsFor } from "../common/tags";
import { serviceTrustPolicy } from "../common/trust";
import { declareTransitGateway } from "./transit-gateway";
import { PlannedSubnet, TIER_PURPOSE, Tier, natForAz, planSubnets } from "./subnet-plan";

const SERVICE = "network";
const COMPONENT = "regional-vpc";

export interface RegionalVpcArgs {
    /** The stack this component is declared in: region, role, account; names and tags derive from it. */
    readonly context: RegionContext;
    /** The region's registry CIDR, e.g. 10.0.0.0/16. Plain: the planner computes on it. */
    readonly cidr: string;
    /** Zone names, at least `azCount` of them (from `aws.getAvailabilityZones`). */
    readonly availabilityZones: readonly string[];
    /** How many AZs get a public, private and data subnet each (the spec's 3 × 3 layout). @default 3 */
    readonly azCount?: number;
    /**
     * NAT gateways in the public tier; fewer than `azCount` saves cost, and AZs without one route
     * through another AZ's (cross-AZ charges, and an AZ loss takes their egress too).
     * @default - one NAT gateway per AZ (AZ independence)
     */
    readonly natGateways?: number;
    /** Prefix length of every subnet; the /16 must hold 3 tiers × `azCount` of them. @default 20 */
    readonly subnetPrefix?: number;
    /** Interface endpoint service names (`ecr.api`, `sts` …). @default [] - none */
    readonly interfaceEndpoints?: readonly string[];
    /** Days the KMS-encrypted, protected flow-log group keeps VPC flow logs (audit evidence). @default 365 - AUDIT_LOG_RETENTION_DAYS */
    readonly flowLogRetentionDays?: number;
    /** Private ASN of the region's Transit Gateway; unique per region. */
    readonly transitGatewayAsn: number;
    /** Extra tags per tier, e.g. Karpenter's discovery tag on the private subnets. @default {} */
    readonly subnetTags?: Partial<Record<Tier, Tags>>;
}

/** What other components need from a region's network; a StackReference can supply it too. */
export interface NetworkRef {
    /** The VPC the consumer's resources go in. */
    readonly vpcId: pulumi.Input<string>;
    /** Its CIDR (rules and routes that name the VPC as a whole). */
    readonly vpcCidr: pulumi.Input<string>;
    /** Load balancers and NAT gateways only; no instances. */
    readonly publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** EKS nodes and pods, interface endpoints, the Transit Gateway attachment. */
    readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** The stores' subnets (no internet route). */
    readonly dataSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
}

export class RegionalVpc extends pulumi.ComponentResource implements NetworkRef {
    public readonly vpcId: pulumi.Output<string>;
    public readonly vpcCidr: pulumi.Output<string>;
    public readonly publicSubnetIds: pulumi.Output<string>[];
    public readonly privateSubnetIds: pulumi.Output<string>[];
    public readonly dataSubnetIds: pulumi.Output<string>[];
    /** The private tier's CIDRs (nodes and pods): what another region's data tier admits. */
    public readonly privateSubnetCidrs: pulumi.Output<string>[];
    /** The subnet plan the subnets were declared from (tier, AZ, CIDR), as plain values. */
    public readonly subnetPlan: readonly PlannedSubnet[];
    /** Private (one per AZ) then data route tables: the tables that route to peer regions. */
    public readonly peerRouteTableIds: pulumi.Output<string>[];
    public readonly natGatewayIds: pulumi.Output<string>[];
    public readonly endpointSecurityGroupId: pulumi.Output<string>;
    public readonly flowLogGroupName: pulumi.Output<string>;
    public readonly transitGatewayId: pulumi.Output<string>;
    public readonly transitGatewayRouteTableId: pulumi.Output<string>;
    public readonly transitGatewayAttachmentId: pulumi.Output<string>;
    /** The VPC attachment; routes to the TGW must wait for it. */
    public readonly transitGatewayAttachment: aws.ec2transitgateway.VpcAttachment;

    constructor(name: string, args: RegionalVpcArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mall:network:RegionalVpc", name, {}, opts);
        const built = buildRegionalVpc(this, name, args);
        this.vpcId = built.vpc.id;
        this.vpcCidr = built.vpc.cidrBlock;
        this.publicSubnetIds = built.subnets.public.map((s) => s.id);
        this.privateSubnetIds = built.subnets.private.map((s) => s.id);
        this.dataSubnetIds = built.subnets.data.map((s) => s.id);
        this.privateSubnetCidrs = built.subnets.private.map((s) => s.cidrBlock.apply((c) => c ?? ""));
        this.subnetPlan = built.plan;
        this.peerRouteTableIds = [...built.privateRouteTables, built.dataRouteTable].map((t) => t.id);
        this.natGatewayIds = built.natGateways.map((n) => n.id);
        this.endpointSecurityGroupId = built.endpointSecurityGroup.id;
        this.flowLogGroupName = built.flowLogGroup.name;
        this.transitGatewayId = built.transitGateway.id;
        this.transitGatewayRouteTableId = built.transitGatewayRouteTable.id;
        this.transitGatewayAttachment = built.transitGatewayAttachment;
        this.transitGatewayAttachmentId = built.transitGatewayAttachment.id;
        this.registerOutputs({
            vpcId: this.vpcId,
            vpcCidr: this.vpcCidr,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
            dataSubnetIds: this.dataSubnetIds,
            privateSubnetCidrs: this.privateSubnetCidrs,
            peerRouteTableIds: this.peerRouteTableIds,
            natGatewayIds: this.natGatewayIds,
            endpointSecurityGroupId: this.endpointSecurityGroupId,
            flowLogGroupName: this.flowLogGroupName,
            transitGatewayId: this.transitGatewayId,
            transitGatewayRouteTableId: this.transitGatewayRouteTableId,
            transitGatewayAttachment: this.transitGatewayAttachment,
            transitGatewayAttachmentId: this.transitGatewayAttachmentId,
        });
    }
}

function buildRegionalVpc(parent: pulumi.Resource, name: string, args: RegionalVpcArgs) {
    const ctx = args.context;
    const azCount = args.azCount ?? 3;
    const natCount = args.natGateways ?? azCount;
    if (args.availabilityZones.length < azCount) {
        throw new pulumi.ResourceError(
            `RegionalVpc ${name}: ${ctx.region} has ${args.availabilityZones.length} available AZs (${args.availabilityZones.join(", ")}), fewer than azCount ${azCount}; pass a lower azCount`,
            parent,
        );
    }
    if (natCount < 1 || natCount > azCount) {
        throw new pulumi.ResourceError(`RegionalVpc ${name}: natGateways ${natCount} must be between 1 and azCount ${azCount}`, parent);
    }
    const tags = (extra: Tags, nameTag?: string) => tagsFor(ctx, SERVICE, COMPONENT, extra, nameTag);
    const opts = { parent };

    const vpc = new aws.ec2.Vpc(
        `${name}-vpc`,
        { cidrBlock: args.cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: tags({}, awsName(ctx, "vpc")) },
        opts,
    );
    // The default SG cannot be deleted; adopting it with no rules keeps anything that lands in it closed.
    new aws.ec2.DefaultSecurityGroup(
        `${name}-default-sg`,
        { vpcId: vpc.id, tags: tags({}, awsName(ctx, "default-closed")) },
        opts,
    );

    const plan = planSubnets({ vpcCidr: args.cidr, azCount, subnetPrefix: args.subnetPrefix });
    const subnets: Record<Tier, aws.ec2.Subnet[]> = { public: [], private: [], data: [] };
    for (const s of plan) {
        subnets[s.tier].push(declareSubnet(name, s, vpc, args, tags, opts));
    }

    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tags({}, awsName(ctx, "igw")) }, opts);
    const publicRouteTable = new aws.ec2.RouteTable(
        `${name}-public-rt`,
        { vpcId: vpc.id, tags: tags({ tier: "public" }, awsName(ctx, "public")) },
        opts,
    );
    new aws.ec2.Route(`${name}-public-default`, { routeTableId: publicRouteTable.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id }, opts);
    subnets.public.forEach((subnet, i) =>
        new aws.ec2.RouteTableAssociation(`${name}-public-${plan[i].azSuffix}-rta`, { subnetId: subnet.id, routeTableId: publicRouteTable.id }, opts),
    );

    const natGateways = Array.from({ length: natCount }, (_, i) => {
        const suffix = plan[i].azSuffix;
        const eip = new aws.ec2.Eip(`${name}-nat-${suffix}-eip`, { domain: "vpc", tags: tags({}, awsName(ctx, "nat", suffix)) }, opts);
        return new aws.ec2.NatGateway(
            `${name}-nat-${suffix}`,
            { allocationId: eip.id, subnetId: subnets.public[i].id, connectivityType: "public", tags: tags({}, awsName(ctx, "nat", suffix)) },
            { parent, dependsOn: [igw] },
        );
    });

    // One private route table per AZ, each to its own NAT when there is one per AZ: an AZ outage
    // never takes another AZ's egress with it.
    const privateRouteTables = subnets.private.map((subnet, az) => {
        const suffix = plan[az].azSuffix;
        const table = new aws.ec2.RouteTable(
            `${name}-private-${suffix}-rt`,
            { vpcId: vpc.id, tags: tags({ tier: "private" }, awsName(ctx, "private", suffix)) },
            opts,
        );
        new aws.ec2.Route(
            `${name}-private-${suffix}-default`,
            { routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: natGateways[natForAz(az, natCount)].id },
            opts,
        );
        new aws.ec2.RouteTableAssociation(`${name}-private-${suffix}-rta`, { subnetId: subnet.id, routeTableId: table.id }, opts);
        return table;
    });

    // The data tier has no internet route at all: stores reach AWS APIs through the endpoints.
    const dataRouteTable = new aws.ec2.RouteTable(
        `${name}-data-rt`,
        { vpcId: vpc.id, tags: tags({ tier: "data" }, awsName(ctx, "data")) },
        opts,
    );
    subnets.data.forEach((subnet, az) =>
        new aws.ec2.RouteTableAssociation(`${name}-data-${plan[az].azSuffix}-rta`, { subnetId: subnet.id, routeTableId: dataRouteTable.id }, opts),
    );

    const internalRouteTableIds = [...privateRouteTables, dataRouteTable].map((t) => t.id);
    for (const service of ["s3", "dynamodb"]) {
        new aws.ec2.VpcEndpoint(
            `${name}-${service}-gateway`,
            {
                vpcId: vpc.id,
                serviceName: `com.amazonaws.${ctx.region}.${service}`,
                vpcEndpointType: "Gateway",
                routeTableIds: internalRouteTableIds,
                tags: tags({}, awsName(ctx, service, "gateway")),
            },
            opts,
        );
    }

    const endpointSecurityGroup = new aws.ec2.SecurityGroup(
        `${name}-endpoints-sg`,
        {
            vpcId: vpc.id,
            description: "Interface endpoints: HTTPS from inside the VPC only",
            tags: tags({}, awsName(ctx, "endpoints")),
        },
        opts,
    );
    new aws.vpc.SecurityGroupIngressRule(
        `${name}-endpoints-https`,
        {
            securityGroupId: endpointSecurityGroup.id,
            description: "HTTPS from the VPC",
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrIpv4: vpc.cidrBlock,
            tags: tags({}, awsName(ctx, "endpoints", "https")),
        },
        opts,
    );
    for (const service of args.interfaceEndpoints ?? []) {
        new aws.ec2.VpcEndpoint(
            `${name}-${service.replace(/\./g, "-")}-endpoint`,
            {
                vpcId: vpc.id,
                serviceName: `com.amazonaws.${ctx.region}.${service}`,
                vpcEndpointType: "Interface",
                privateDnsEnabled: true,
                subnetIds: subnets.private.map((s) => s.id),
                securityGroupIds: [endpointSecurityGroup.id],
                tags: tags({}, awsName(ctx, service, "endpoint")),
            },
            opts,
        );
    }

    const flowLogGroup = declareFlowLogs(name, vpc, args, tags, parent);
    const tgw = declareTransitGateway(name, { context: args.context, vpc, privateSubnets: subnets.private, cidr: args.cidr, asn: args.transitGatewayAsn, tags }, parent);

    return { vpc, plan, subnets, privateRouteTables, dataRouteTable, natGateways, endpointSecurityGroup, flowLogGroup, ...tgw };
}

function declareSubnet(
    name: string,
    s: PlannedSubnet,
    vpc: aws.ec2.Vpc,
    args: RegionalVpcArgs,
    tags: (extra: Tags, nameTag?: string) => Tags,
    opts: pulumi.CustomResourceOptions,
): aws.ec2.Subnet {
    // Load balancer discovery tags: internet-facing load balancers land in the public tier, internal ones in private.
    const roleTags: Tags = s.tier === "public" ? { "kubernetes.io/role/elb": "1" } : s.tier === "private" ? { "kubernetes.io/role/internal-elb": "1" } : {};
    return new aws.ec2.Subnet(
        `${name}-${s.tier}-${s.azSuffix}`,
        {
            vpcId: vpc.id,
            cidrBlock: s.cidr,
            availabilityZone: args.availabilityZones[s.azIndex],
            // Nothing in the public tier gets a public IP by default: it holds only NAT and load balancers.
            mapPublicIpOnLaunch: false,
            tags: tags({ tier: s.tier, purpose: TIER_PURPOSE[s.tier], ...roleTags, ...(args.subnetTags?.[s.tier] ?? {}) }, awsName(args.context, s.tier, s.azSuffix)),
        },
        opts,
    );
}

function declareFlowLogs(
    name: string,
    vpc: aws.ec2.Vpc,
    args: RegionalVpcArgs,
    tags: (extra: Tags, nameTag?: string) => Tags,
    parent: pulumi.Resource,
): aws.cloudwatch.LogGroup {
    const ctx = args.context;
    const opts = { parent };
    const logGroupName = `/${ctx.prefix}/${ctx.region}/vpc-flow-logs`;
    const key = serviceKey(
        `${name}-flow-logs`,
        ctx,
        {
            service: SERVICE,
            component: COMPONENT,
            description: "VPC flow logs",
            servicePrincipals: [
                logsPrincipal(ctx.region, ctx.accountId, logGroupName),
            ],
        },
        parent,
    );
    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-flow-logs`,
        { name: logGroupName, kmsKeyId: key.arn, retentionInDays: args.flowLogRetentionDays ?? AUDIT_LOG_RETENTION_DAYS, tags: tags(AUDIT_LOG_TAGS, logGroupName) },
        // Audit evidence: a rename or a removed component must not delete it.
        { ...opts, protect: true },
    );
    const role = new aws.iam.Role(
        `${name}-flow-logs-role`,
        {
            description: "VPC flow logs delivery to CloudWatch Logs",
            assumeRolePolicy: serviceTrustPolicy(ctx, "vpc-flow-logs.amazonaws.com", { sourceAccount: true }),
            tags: tags({}, awsName(ctx, "flow-logs")),
        },
        opts,
    );
    new aws.iam.RolePolicy(
        `${name}-flow-logs-write`,
        {
            role: role.id,
            policy: pulumi.all([logGroup.arn, ctx.accountId]).apply(([arn, account]) =>
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                            Resource: [arn, `${arn}:*`],
                        },
                        // In AWS's documented flow-logs role policy; a list action, so it takes the
                        // account's log-group:* resource rather than one group's ARN.
                        {
                            Sid: "FindLogGroup",
                            Effect: "Allow",
                            Action: ["logs:DescribeLogGroups"],
                            Resource: [`arn:aws:logs:${ctx.region}:${account}:log-group:*`],
                        },
                    ],
                }),
            ),
        },
        opts,
    );
    new aws.ec2.FlowLog(
        `${name}-flow-log`,
        {
            vpcId: vpc.id,
            trafficType: "ALL",
            logDestinationType: "cloud-watch-logs",
            logDestination: logGroup.arn,
            iamRoleArn: role.arn,
            maxAggregationInterval: 60,
            tags: tags({}, awsName(ctx, "flow-log")),
        },
        opts,
    );
    return logGroup;
}
