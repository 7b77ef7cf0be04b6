/**
 * Wires the components for one region. Role-aware: the primary owns the global parents; a
 * secondary joins them and owns every pairwise link (DESIGN §2).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RegionContext } from "../components/common/context";
import { EksCluster } from "../components/eks/eks-cluster";
import { RegionalVpc } from "../components/network/regional-vpc";
import { TransitGatewayPeering } from "../components/network/tgw-peering";
import { PrimaryExports, PrimaryOutputs } from "./contracts";
import { PlatformSettings } from "./settings";

export async function deployRegion(settings: PlatformSettings, primary: PrimaryOutputs | undefined): Promise<PrimaryExports & Record<string, unknown>> {
    const identity = await aws.getCallerIdentity({});
    const zones = await aws.getAvailabilityZones({
        state: "available",
        filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
    });
    const ctx: RegionContext = {
        project: settings.project,
        stack: settings.stack,
        region: settings.region,
        role: settings.role,
        environment: settings.environment,
        accountId: identity.accountId,
    };
    const clusterName = `${settings.project}-${settings.region}`;

    const network = new RegionalVpc("network", {
        context: ctx,
        cidr: settings.self.cidr,
        availabilityZones: zones.names,
        azCount: settings.network.azCount,
        natGateways: settings.network.natGateways,
        subnetPrefix: settings.network.subnetPrefix,
        interfaceEndpoints: settings.network.interfaceEndpoints,
        flowLogRetentionDays: settings.network.flowLogRetentionDays,
        transitGatewayAsn: settings.self.asn,
        subnetTags: { private: { "karpenter.sh/discovery": clusterName } },
    });

    // Store identifiers (storeRefs) and the edge's target group (apiGatewayTargetGroupArn) are
    // passed here once GlobalData and EdgeStack exist in the same region program.
    const cluster = new EksCluster("eks", {
        context: ctx,
        network,
        clusterName,
        kubernetesVersion: settings.eks.kubernetesVersion,
        publicAccessCidrs: settings.eks.publicAccessCidrs,
        adminRoleArns: settings.eks.adminRoleArns,
        bootstrapNodeGroup: settings.eks.bootstrapNodeGroup,
        addonVersions: settings.eks.addonVersions,
        chartVersions: settings.eks.chartVersions,
        amiAlias: settings.eks.amiAlias,
        nodePools: settings.eks.nodePools,
        gitops: settings.eks.gitops,
        logRetentionDays: settings.eks.logRetentionDays,
        apiGatewayServicePort: settings.eks.apiGatewayServicePort,
    });

    let peering: TransitGatewayPeering | undefined;
    if (settings.role === "secondary") {
        if (!primary) throw new Error(`secondary stack ${settings.stack} was wired without its primary's outputs`);
        peering = new TransitGatewayPeering(`peering-${primary.region}`, {
            context: ctx,
            local: {
                region: settings.region,
                cidr: settings.self.cidr,
                transitGatewayId: network.transitGatewayId,
                transitGatewayRouteTableId: network.transitGatewayRouteTableId,
                vpcRouteTableIds: network.peerRouteTableIds,
                vpcAttachment: network.transitGatewayAttachment,
            },
            peer: {
                region: primary.region,
                cidr: primary.vpcCidr,
                transitGatewayId: primary.transitGatewayId,
                transitGatewayRouteTableId: primary.transitGatewayRouteTableId,
                vpcRouteTableIds: primary.vpcRouteTableIds,
            },
        });
    }

    return {
        region: settings.region,
        role: settings.role,
        vpcId: network.vpcId,
        vpcCidr: network.vpcCidr,
        publicSubnetIds: network.publicSubnetIds,
        privateSubnetIds: network.privateSubnetIds,
        dataSubnetIds: network.dataSubnetIds,
        transitGatewayId: network.transitGatewayId,
        transitGatewayRouteTableId: network.transitGatewayRouteTableId,
        vpcRouteTableIds: pulumi.all(network.peerRouteTableIds),
        ...(peering ? { peeringAttachmentId: peering.attachmentId } : {}),
        eksClusterName: cluster.clusterName,
        eksNodeSecurityGroupId: cluster.nodeSecurityGroupId,
        eksOidcProviderArn: cluster.oidcProviderArn,
    };
}
