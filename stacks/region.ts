/**
 * Wires the components for one region. Role-aware: the primary owns the global parents; a
 * secondary joins them and owns every pairwise link (DESIGN §2).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RegionContext } from "../components/common/context";
import { DrAutomation } from "../components/dr/automation";
import { ChaosDrills } from "../components/dr/chaos";
import { Observability } from "../components/observability/observability";
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

    // ---- DR automation, chaos drills and observability (ARCHITECTURE §6-7).
    const dr = new DrAutomation("dr", {
        context: ctx,
        domain: settings.domain,
        peers: settings.peers.map((p) => p.name),
        primaryRegion: settings.role === "secondary" ? settings.registry.primary.name : undefined,
        settings: settings.dr,
        // TODO(merge): EdgeStack — the primary's API health check id(s), e.g. primary.apiHealthCheckId from
        // PRIMARY_CONTRACT (the primary's `api-<primary region>` health check). Enables the us-east-1 alarm + forwarder.
        primaryHealthCheckIds: [],
        // TODO(merge): GlobalData — this region's members, on secondaries:
        //   aurora: [{ globalClusterIdentifier: primary.auroraGlobalClusterId, clusterArn: data.auroraClusterArn }],
        //   docdb: [{ globalClusterIdentifier: primary.docdbGlobalClusterId, clusterArn: data.docdbClusterArn }],
        //   elasticache: [{ globalReplicationGroupId: primary.cacheGlobalDatastoreId, replicationGroupId: data.cacheReplicationGroupId }].
        failover: {},
    });
    new Observability("observability", {
        context: ctx,
        alarmTopicArn: dr.topicArn,
        // TODO(merge): GlobalData — replication paths reported here: auroraClusterIds / docdbClusterIds (secondary
        // members), cacheNodeIds (the secondary replication group's memberClusters), mskReplicatorNames (the
        // replicator into this region), s3Replications (with region: the source bucket's), dynamodbTables.
        replication: {},
        // TODO(merge): EdgeStack — health check ids of every region's API, and the CloudFront distribution id (primary).
        healthCheckIds: [],
        canaryNames: dr.canaryNames,
        logRetentionDays: settings.dr.drLogRetentionDays,
        traceSamplePercent: settings.dr.traceSamplePercent,
        traceLatencyThresholdMs: settings.dr.traceLatencyThresholdMs,
        // TODO(merge): EksCluster — cluster: { provider: eks k8s provider, oidcProviderArn, oidcIssuerUrl } and
        // GlobalData — tracesBucket: { name, kmsKeyArn } turn on ADOT, Tempo and kube-prometheus-stack.
    });
    new ChaosDrills("chaos", {
        context: ctx,
        peers: settings.peers.map((p) => p.name),
        clusterName,
        availabilityZone: zones.names[0],
        transitGatewayId: network.transitGatewayId,
        steadyStateAlarmArn: dr.steadyStateAlarmArn,
        peerAlarmArns: Object.values(dr.peerAlarmArns),
        // TODO(merge): GlobalData — databaseClusterArns (Aurora/DocumentDB clusters whose writer is here, i.e. the
        // primary's) and cacheReplicationGroupArns (this region's replication group) add the DB-failover drill and
        // the cache half of the AZ drill.
    });

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
        drTopicArn: dr.topicArn,
    };
}
