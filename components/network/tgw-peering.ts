/**
 * TransitGatewayPeering: the pairwise link between a secondary region and the primary, declared
 * entirely by the secondary stack (DESIGN §2, the one-way rule). The halves that live in the
 * primary's region (accepter, association, routes) use the v7 per-resource `region` input, so the
 * primary stack never needs to know its secondaries: adding a region changes no other stack.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RegionContext, awsName } from "../common/context";
import { tagsFor } from "../common/tags";

/** One side of a peering: where it is and what carries traffic to and from its VPC. */
export interface PeeringSide {
    /** The side's region: the accepter half and its routes are declared there (v7 per-resource region). */
    readonly region: string;
    /** The side's VPC CIDR: the other side routes it to the peering. */
    readonly cidr: string;
    /** The side's Transit Gateway. */
    readonly transitGatewayId: pulumi.Input<string>;
    /** Its explicit route table (default association is off): the peering is associated here and the other CIDR routed. */
    readonly transitGatewayRouteTableId: pulumi.Input<string>;
    /** VPC route tables that must send the other side's CIDR to the TGW (private and data tiers). */
    readonly vpcRouteTableIds: readonly pulumi.Input<string>[];
}

export interface TransitGatewayPeeringArgs {
    /** The stack this component is declared in: region, role, account; names and tags derive from it. */
    readonly context: RegionContext;
    /** This (secondary) region: the requester. */
    readonly local: PeeringSide & {
        /** Routes to the TGW wait for the local VPC attachment. */
        readonly vpcAttachment: pulumi.Resource;
    };
    /** The primary region: the accepter. */
    readonly peer: PeeringSide;
}

export class TransitGatewayPeering extends pulumi.ComponentResource {
    public readonly attachmentId: pulumi.Output<string>;
    public readonly accepterId: pulumi.Output<string>;

    constructor(name: string, args: TransitGatewayPeeringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mall:network:TransitGatewayPeering", name, {}, opts);
        const built = buildPeering(this, name, args);
        this.attachmentId = built.attachment.id;
        this.accepterId = built.accepter.id;
        this.registerOutputs({ attachmentId: this.attachmentId, accepterId: this.accepterId });
    }
}

function buildPeering(parent: pulumi.Resource, name: string, args: TransitGatewayPeeringArgs) {
    const { context: ctx, local, peer } = args;
    const tags = (nameTag: string) => tagsFor(ctx, "network", "tgw-peering", { peer: peer.region }, nameTag);
    const linkName = awsName(ctx, "to", peer.region);

    const attachment = new aws.ec2transitgateway.PeeringAttachment(
        `${name}-attachment`,
        {
            transitGatewayId: local.transitGatewayId,
            peerTransitGatewayId: peer.transitGatewayId,
            peerRegion: peer.region,
            tags: tags(linkName),
        },
        { parent },
    );
    const accepter = new aws.ec2transitgateway.PeeringAttachmentAccepter(
        `${name}-accepter`,
        { region: peer.region, transitGatewayAttachmentId: attachment.id, tags: tags(linkName) },
        { parent },
    );
    const afterAccept = { parent, dependsOn: [accepter] };

    // Peering attachments cannot propagate routes: each side gets a static route and an association.
    for (const [side, routeTableId, destination, region] of [
        ["local", local.transitGatewayRouteTableId, peer.cidr, local.region],
        ["peer", peer.transitGatewayRouteTableId, local.cidr, peer.region],
    ] as const) {
        new aws.ec2transitgateway.RouteTableAssociation(
            `${name}-${side}-association`,
            { region, transitGatewayAttachmentId: attachment.id, transitGatewayRouteTableId: routeTableId, replaceExistingAssociation: false },
            afterAccept,
        );
        new aws.ec2transitgateway.Route(
            `${name}-${side}-tgw-route`,
            { region, destinationCidrBlock: destination, transitGatewayAttachmentId: attachment.id, transitGatewayRouteTableId: routeTableId },
            afterAccept,
        );
    }

    local.vpcRouteTableIds.forEach((routeTableId, i) =>
        new aws.ec2.Route(
            `${name}-local-vpc-route-${i}`,
            { routeTableId, destinationCidrBlock: peer.cidr, transitGatewayId: local.transitGatewayId },
            { parent, dependsOn: [local.vpcAttachment] },
        ),
    );
    peer.vpcRouteTableIds.forEach((routeTableId, i) =>
        new aws.ec2.Route(
            `${name}-peer-vpc-route-${i}`,
            { region: peer.region, routeTableId, destinationCidrBlock: local.cidr, transitGatewayId: peer.transitGatewayId },
            { parent },
        ),
    );
    return { attachment, accepter };
}
