/**
 * The region's Transit Gateway hub: the gateway (explicit route tables only, ECMP and DNS on), its
 * route table, the VPC attachment in the private subnets and the route to the local CIDR. The
 * pairwise links to other regions live in tgw-peering.ts, owned by the later stack of each pair.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RegionContext, awsName } from "../common/context";
import { Tags } from "../common/tags";

export interface TransitGatewayArgs {
    /** The stack this hub is declared in: region and project name its resources. */
    readonly context: RegionContext;
    /** The VPC the hub attaches. */
    readonly vpc: aws.ec2.Vpc;
    /** One subnet per AZ for the attachment's ENIs (the private tier, so every tier's traffic reaches it in its own AZ). */
    readonly privateSubnets: aws.ec2.Subnet[];
    /** The VPC's CIDR, routed to the attachment. */
    readonly cidr: string;
    /** The gateway's private ASN (unique per region, from the registry). */
    readonly asn: number;
    /** The VPC's tag helper, so the hub carries the same tags. */
    readonly tags: (extra: Tags, nameTag?: string) => Tags;
}

export function declareTransitGateway(name: string, args: TransitGatewayArgs, parent: pulumi.Resource) {
    const { context: ctx, vpc, privateSubnets, tags } = args;
    const opts = { parent };
    // Default association/propagation off: every route is explicit, so a new attachment never
    // becomes reachable by accident.
    const transitGateway = new aws.ec2transitgateway.TransitGateway(
        `${name}-tgw`,
        {
            description: `${ctx.prefix} ${ctx.region} hub`,
            amazonSideAsn: args.asn,
            autoAcceptSharedAttachments: "disable",
            defaultRouteTableAssociation: "disable",
            defaultRouteTablePropagation: "disable",
            dnsSupport: "enable",
            vpnEcmpSupport: "enable",
            tags: tags({}, awsName(ctx, "tgw")),
        },
        opts,
    );
    const transitGatewayRouteTable = new aws.ec2transitgateway.RouteTable(
        `${name}-tgw-rt`,
        { transitGatewayId: transitGateway.id, tags: tags({}, awsName(ctx, "tgw")) },
        opts,
    );
    const transitGatewayAttachment = new aws.ec2transitgateway.VpcAttachment(
        `${name}-tgw-attachment`,
        {
            transitGatewayId: transitGateway.id,
            vpcId: vpc.id,
            subnetIds: privateSubnets.map((s) => s.id),
            dnsSupport: "enable",
            transitGatewayDefaultRouteTableAssociation: false,
            transitGatewayDefaultRouteTablePropagation: false,
            tags: tags({}, awsName(ctx, "tgw", "vpc")),
        },
        opts,
    );
    new aws.ec2transitgateway.RouteTableAssociation(
        `${name}-tgw-vpc-association`,
        { transitGatewayAttachmentId: transitGatewayAttachment.id, transitGatewayRouteTableId: transitGatewayRouteTable.id },
        opts,
    );
    new aws.ec2transitgateway.Route(
        `${name}-tgw-local`,
        {
            destinationCidrBlock: args.cidr,
            transitGatewayAttachmentId: transitGatewayAttachment.id,
            transitGatewayRouteTableId: transitGatewayRouteTable.id,
        },
        opts,
    );
    return { transitGateway, transitGatewayRouteTable, transitGatewayAttachment };
}
