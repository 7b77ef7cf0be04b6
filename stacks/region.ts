/**
 * Wires the components for one region. Role-aware: the primary owns the global parents; a
 * secondary joins them and owns every pairwise link (DESIGN §2).
 */
import { PlatformBackup } from "../components/backup/backup";
import { AURORA_DATABASE, AURORA_MASTER_USER } from "../components/data/aurora";
import { DOCDB_MASTER_USER } from "../components/data/docdb";
import { StoreIdentities } from "../components/identities/identities";
import { databaseUser } from "../components/identities/plan";
import { CredentialRotation } from "../components/security/rotation";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RegionContext } from "../components/common/context";
import { GlobalData, PrimaryDataRef } from "../components/data/global-data";
import { BUCKETS, bucketName, cacheNodeIds, clusterIdentifier, planLinks, secretReplicaArn, store } from "../components/data/plan";
import { ruleId } from "../components/data/s3";
import { dsqlEndpoint, planServiceConfig } from "../components/data/service-config";
import { directoryRoot } from "../components/data/writer-directory";
import { SERVICES, servicesUsing } from "../components/catalogue";
import { EdgeStack } from "../components/edge/edge-stack";
import { RegionalIngress } from "../components/edge/regional-ingress";
import { DeployRunner } from "../components/cicd/deploy-runner";
import { ACCESS_POLICIES, RUNNER_KINDS } from "../components/cicd/plan";
import { OriginSecret, replicaAcceptValues } from "../components/edge/origin-secret";
import { EDGE_REGION, ORIGIN_SECRET_PHASES, OriginSecretPhase } from "../components/edge/plan";
import { ApiClient, EksCluster } from "../components/eks/eks-cluster";
import { NetworkPolicyInputs } from "../components/eks/network-policy-plan";
import { flowTable } from "../components/network/flows";
import { PlannedSubnet } from "../components/network/subnet-plan";
import { ServiceStoreRefs } from "../components/eks/iam-plan";
import { DrAutomation } from "../components/dr/automation";
import { ChaosDrills } from "../components/dr/chaos";
import { Observability } from "../components/observability/observability";
import { AuditArchive } from "../components/security/audit-archive";
import { DetectionBaseline } from "../components/security/detection";
import { detectionNames } from "../components/security/plan";
import { RegionalVpc } from "../components/network/regional-vpc";
import { TransitGatewayPeering } from "../components/network/tgw-peering";
import { LinkOutputs, PrimaryExports, PrimaryOutputs } from "./contracts";
import { ConfigError, PlatformSettings, PrimarySettings, RunnerSettings, SecondarySettings } from "./settings";
import { successorsBefore } from "./settings/registry";

/** What a region stack exports: the contract every secondary reads, and outputs for operators. */
export type RegionOutputs = PrimaryExports & Record<string, unknown>;

/**
 * One region to declare: the primary alone, or a secondary with its primary's outputs (read and
 * checked before this is called). The pairing is a type, so no branch below guards a missing primary.
 */
export type RegionInput =
    | { readonly settings: PrimarySettings; readonly primary?: undefined; readonly earlier?: undefined }
    | {
          readonly settings: SecondarySettings;
          readonly primary: PrimaryOutputs;
          /** The secondaries registered before this one (full mesh: this stack owns its links to them). */
          readonly earlier: readonly LinkOutputs[];
      };

/** Declares one region; the primary owns the global parents, a secondary joins them and owns the links. */
export async function deployRegion(input: RegionInput): Promise<RegionOutputs> {
    const settings: PlatformSettings = input.settings;
    // Defined exactly on secondaries: every role branch below tests it, so TypeScript knows the outputs are there.
    const primary = input.primary;
    // Every region registered before this one, the primary first: this stack owns its links to each.
    const links: readonly LinkOutputs[] = input.primary ? [input.primary, ...input.earlier] : [];
    // Checked before anything is declared: a stale earlier stack stops this one with nothing created.
    const bootstrapped = links.filter((l) => l.mskMultiVpcConnectivity !== "enabled");
    if (bootstrapped.length > 0) {
        throw new ConfigError(
            settings.stack,
            bootstrapped.map(
                (l) =>
                    `the ${l.region} stack ran only its bootstrap phase: its MSK cluster does not yet admit the replicators' private connection (output mskMultiVpcConnectivity "${l.mskMultiVpcConnectivity}"); deploy ${l.region} again without mall:deployPhase=bootstrap, then this stack`,
            ),
        );
    }
    const secondaryCredentials = input.primary ? replicatedCredentials(input.settings, input.primary) : undefined;
    const identity = await aws.getCallerIdentity({});
    const zones = await aws.getAvailabilityZones({
        state: "available",
        filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
    });
    if (zones.names.length < settings.network.azCount) {
        throw new ConfigError(settings.stack, [
            `mall:azCount ${settings.network.azCount} exceeds the ${zones.names.length} available AZs of ${settings.region} (${zones.names.join(", ")}); set mall:azCount to ${zones.names.length} or fewer`,
        ]);
    }
    const ctx: RegionContext = {
        project: settings.project,
        prefix: settings.namePrefix,
        stack: settings.stack,
        region: settings.region,
        role: settings.role,
        environment: settings.environment,
        accountId: identity.accountId,
    };
    const clusterName = `${settings.namePrefix}-${settings.region}`;

    const network = new RegionalVpc("network", {
        context: ctx,
        cidr: settings.self.cidr,
        availabilityZones: zones.names,
        azCount: settings.network.azCount,
        natGateways: settings.network.natGateways,
        subnetPrefix: settings.network.subnetPrefix,
        interfaceEndpoints: settings.network.interfaceEndpoints,
        flowLogRetentionDays: settings.security.auditLogRetentionDays,
        transitGatewayAsn: settings.self.asn,
        subnetTags: { private: { "karpenter.sh/discovery": clusterName } },
    });

    // The cluster and the stores/edge need each other: the data tier and the origin ALB admit the
    // node security group, while the services' IRSA policies name the stores and the api-gateway
    // binds the ALB's target group. Deferred outputs break the cycle at the value level (the resources
    // themselves have no cycle); they are resolved below, once GlobalData and the ingress exist.
    // The deploy path into the private API: CodeBuild-hosted runners in the private subnets, admitted
    // to the control plane on 443, their workflow roles given access entries (README "Deploying for real").
    const runner = settings.cicd.runner
        ? new DeployRunner("runner", {
              context: ctx,
              network: { vpcId: network.vpcId, vpcCidr: network.vpcCidr, privateSubnetIds: network.privateSubnetIds },
              repositoryUrl: settings.cicd.runner.repositoryUrl,
              connectionArn: settings.cicd.runner.connectionArn,
              actorIds: settings.cicd.runner.actorIds,
          })
        : undefined;
    const apiClients = runner && settings.cicd.runner ? runnerApiClients(runner, settings.cicd.runner) : [];
    const [storeRefs, resolveStoreRefs] = pulumi.deferredOutput<ServiceStoreRefs<string>>();
    const [apiTargetGroupArn, resolveApiTargetGroupArn] = pulumi.deferredOutput<string>();
    const [serviceConfig, resolveServiceConfig] = pulumi.deferredOutput<Record<string, Record<string, string>>>();
    const [apiOriginSecurityGroupId, resolveApiOriginSecurityGroupId] = pulumi.deferredOutput<string>();
    const cluster = new EksCluster("eks", {
        storeRefs,
        serviceConfig,
        apiGatewayTargetGroupArn: apiTargetGroupArn,
        apiGatewayLoadBalancerSecurityGroupId: apiOriginSecurityGroupId,
        context: ctx,
        network,
        clusterName,
        kubernetesVersion: settings.eks.kubernetesVersion,
        publicAccessCidrs: settings.eks.publicAccessCidrs,
        adminRoleArns: settings.eks.adminRoleArns,
        apiClients,
        bootstrapNodeGroup: settings.eks.bootstrapNodeGroup,
        addonVersions: settings.eks.addonVersions,
        chartVersions: settings.eks.chartVersions,
        amiAlias: settings.eks.amiAlias,
        nodePools: settings.eks.nodePools,
        gitops: settings.eks.gitops,
        networkPolicies: networkPolicyInputs(settings, network.subnetPlan),
        logRetentionDays: settings.security.auditLogRetentionDays,
        // One port end to end: the ALB target group, its health check and SG rules use the same.
        apiGatewayServicePort: settings.ingress.apiTargetPort,
    });

    // Full mesh: a link to every earlier region, owned here with its halves there (DESIGN §2).
    const peerings = links.map(
        (l) =>
            new TransitGatewayPeering(`peering-${l.region}`, {
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
                    region: l.region,
                    cidr: l.vpcCidr,
                    transitGatewayId: l.transitGatewayId,
                    transitGatewayRouteTableId: l.transitGatewayRouteTableId,
                    vpcRouteTableIds: l.vpcRouteTableIds,
                },
            }),
    );

    const dataLinks = planLinks(settings.registry.regions, settings.region);
    // The contract's outputs are a superset of what GlobalData joins (structural typing, as CDK's IVpc).
    const primaryData: PrimaryDataRef | undefined = primary;
    const data = new GlobalData("data", {
        context: ctx,
        network: { vpcId: network.vpcId, dataSubnetIds: network.dataSubnetIds },
        clientSecurityGroupId: cluster.nodeSecurityGroupId,
        sizing: settings.data.sizing,
        auditLogRetentionDays: settings.security.auditLogRetentionDays,
        deployerArns: settings.security.deployerArns,
        registryRegions: settings.registry.regions.map((r) => r.name),
        backupCopyAccounts: settings.security.backupCopyVaultArn ? [settings.security.backupCopyVaultArn.split(":")[4]] : [],
        dsqlWitnessRegion: settings.data.dsqlWitnessRegion,
        createOpenSearchServiceLinkedRole: settings.accountBaseline.openSearchServiceLinkedRole,
        searchOperatorRoleArns: settings.eks.adminRoleArns,
        links: dataLinks,
        mskMultiVpcConnectivity: settings.cicd.phase !== "bootstrap",
        // Only the in-VPC runners reach the brokers: not the bootstrap deploy (a workstation), not a
        // stack without runners (docs/data.md "Topics as code").
        topics: settings.cicd.phase !== "bootstrap" && runner !== undefined,
        adoptKafkaTopics: settings.data.adoptKafkaTopics,
        mskOutboundStartingPosition: settings.data.mskOutboundStartingPosition,
        primary: primaryData,
        earlier: links.map((l) => ({
            region: l.region,
            privateSubnetCidrs: l.privateSubnetCidrs,
            dataSecurityGroupIds: l.dataSecurityGroupIds,
            mskClusterArn: l.mskClusterArn,
            mskSecurityGroupId: l.mskSecurityGroupId,
            dataSubnetIds: l.dataSubnetIds,
            logsKeyArn: requiredKey(l, "logs"),
            docdbEndpoint: l.docdbEndpoint,
            cacheEndpoint: l.cacheEndpoint,
        })),
        privateSubnetCidrs: network.privateSubnetCidrs,
        kafkaAdminSecurityGroupIds: runner ? RUNNER_KINDS.map((k) => runner.securityGroupIds[k]) : [],
    });
    // A third and later region has no DSQL cluster of its own (two-region limit, plan.ts): its
    // services use the peered pair, so it reports the primary's.
    const dsqlClusterArn = data.dsqlClusterArn ?? primary?.dsqlClusterArn;
    const dsqlClusterId = data.dsqlClusterId ?? primary?.dsqlClusterId;
    if (!dsqlClusterArn || !dsqlClusterId) throw new Error(`region ${settings.region} has no DSQL cluster and no primary to borrow one from`);
    const credentials = secondaryCredentials ?? ownCredentials(data);
    resolveStoreRefs(
        pulumi.output({
            auroraClusterResourceId: data.auroraClusterResourceId,
            dsqlClusterArn,
            // GlobalData keeps one DocumentDB master secret; every DocumentDB service reads it.
            docdbSecretArns: credentials.docdbServiceSecretArns,
            cacheSecretArns: credentials.cacheServiceSecretArns,
            secretsKeyArn: credentials.secretsKeyArn,
            mskClusterArn: data.mskClusterArn,
            assetsBucketArn: data.bucketArns["static-assets"],
            idempotencyTableArn: data.idempotencyTableArn,
            searchDomainArn: data.searchDomainArn,
            writerDirectoryPath: directoryRoot(settings.namePrefix),
            keyArns: { assets: data.keyArns.s3 },
        }),
    );

    const dsqlRegion = data.dsqlClusterId ? settings.region : settings.registry.primary.name;
    resolveServiceConfig(
        pulumi
            .output({
                auroraEndpoint: data.auroraEndpoint,
                auroraReaderEndpoint: data.auroraReaderEndpoint,
                auroraGlobalWriterEndpoint: data.auroraGlobalWriterEndpoint,
                dsqlClusterId: pulumi.output(dsqlClusterId),
                docdbEndpoint: data.docdbEndpoint,
                cacheEndpoint: data.cacheEndpoint,
                mskBootstrapBrokers: data.mskBootstrapBrokers,
                searchEndpoint: data.searchEndpoint,
                idempotencyTableName: data.idempotencyTableName,
                assetsBucketName: data.bucketNames["static-assets"],
                docdbSecretArns: credentials.docdbServiceSecretArns,
                cacheSecretArns: credentials.cacheServiceSecretArns,
            })
            .apply((e) =>
                Object.fromEntries(
                    SERVICES.map((svc) => [
                        svc.name,
                        planServiceConfig(svc, {
                            ...e,
                            prefix: settings.namePrefix,
                            region: settings.region,
                            failoverOrder: settings.registry.regions.map((r) => r.name),
                            dsqlRegion,
                        }),
                    ]),
                ),
            ),
    );

    // The primary owns the zone and the CloudFront/WAF edge; a secondary reaches the zone through
    // the stack reference. Nothing here reads a secondary: the edge names its origins by DNS.
    // The origin secret lives in the primary and replicates to every secondary, which reads its
    // local replica: the value never crosses stacks as an output (docs/edge.md).
    const { edge, hostedZoneId, origin } = primary
        ? {
              edge: undefined,
              hostedZoneId: primary.hostedZoneId,
              origin: { secretArn: pulumi.output(primary.originSecretArn), acceptValues: replicaAcceptValues(secretReplicaArn(primary.originSecretArn, settings.region), settings.region, parseOriginSecretState(primary.originSecretState)) },
          }
        : declareEdge(settings, ctx);
    const ingress = new RegionalIngress("ingress", {
        context: ctx,
        network,
        domain: settings.domain,
        hostedZoneId,
        registryRegions: settings.registry.regions.map((r) => r.name),
        ownsValidationRecords: !primary,
        evacuated: settings.ingress.evacuate,
        targetPort: settings.ingress.apiTargetPort,
        healthCheck: {
            path: settings.ingress.healthCheckPath,
            interval: settings.ingress.healthCheckInterval,
            failureThreshold: settings.ingress.healthCheckFailureThreshold,
            regions: settings.ingress.healthCheckRegions,
        },
        targetSecurityGroupId: cluster.nodeSecurityGroupId,
        originVerifyValues: origin.acceptValues,
        wafLogRetentionDays: settings.security.auditLogRetentionDays,
    });
    resolveApiTargetGroupArn(ingress.targetGroupArn);
    resolveApiOriginSecurityGroupId(ingress.securityGroupId);
    // ---- DR automation, chaos drills and observability (ARCHITECTURE §6-7).
    // Security findings page the DR topic: its policy admits exactly the detection baseline's rules.
    const detection = detectionNames(ctx.prefix, settings.region, "");
    const pageSecurityHubFindings = settings.role === "primary";
    const dr = new DrAutomation("dr", {
        context: ctx,
        findingRuleNames: [detection.guardDutyRule, detection.tamperRule, ...(pageSecurityHubFindings ? [detection.securityHubRule] : [])],
        domain: settings.domain,
        peers: settings.peers.map((p) => p.name),
        primaryRegion: primary ? settings.registry.primary.name : undefined,
        settings: settings.dr,
        // Exactly one successor: this region promotes only when the successors before it in the
        // failover order are unreachable too.
        earlierSuccessors: primary ? successorsBefore(settings.registry, settings.region) : [],
        // This region's members of the global stores: what a promotion into this region promotes.
        failover: {
            aurora: [{ globalClusterIdentifier: data.auroraGlobalClusterId, clusterArn: data.auroraClusterArn }],
            docdb: [{ globalClusterIdentifier: data.docdbGlobalClusterId, clusterArn: data.docdbClusterArn }],
            elasticache: [{ globalReplicationGroupId: data.cacheGlobalReplicationGroupId, replicationGroupId: data.cacheReplicationGroupId }],
        },
        // The primary's members, which this successor's Region switch plan names beside its own.
        primaryClusterArns: primary ? { aurora: [primary.auroraClusterArn], docdb: [primary.docdbClusterArn] } : {},
    });
    // The platform's backups: DSQL, the system of record, first (ARCHITECTURE §4, 35 days).
    // Each service's identity inside the stores (components/identities): its database users and
    // its OpenSearch role, created if absent by a function in this region's private subnets.
    const identities = new StoreIdentities("identities", {
        context: ctx,
        network: { vpcId: network.vpcId, vpcCidr: network.vpcCidr, privateSubnetIds: network.privateSubnetIds },
        storeSecurityGroupIds: { aurora: data.securityGroupIds.aurora, docdb: data.securityGroupIds.docdb, search: data.securityGroupIds.search },
        aurora: { host: data.auroraEndpoint, database: AURORA_DATABASE, masterSecretArn: credentials.auroraMasterSecretArn, globalClusterId: data.auroraGlobalClusterId, clusterArn: data.auroraClusterArn },
        dsql: { host: pulumi.output(dsqlClusterId).apply((id) => dsqlEndpoint(id, dsqlRegion)), region: dsqlRegion, clusterArn: dsqlClusterArn, clusterId: dsqlClusterId },
        docdb: { host: data.docdbEndpoint, masterSecretArn: credentials.docdbMasterSecretArn, globalClusterId: data.docdbGlobalClusterId, clusterArn: data.docdbClusterArn },
        // The primary's DSQL cluster waits in PENDING_SETUP until this stack peers it: map its roles too.
        peerDsqlRoleArns: primary && dataLinks.ownsDsqlPeering ? primary.dsqlServiceRoleArns : {},
        storesReady: data.connectable,
        search: { endpoint: data.searchEndpoint, adminRoleArn: data.searchAdminRoleArn },
        serviceRoleArns: cluster.serviceRoleArns,
        docdbSecretArns: credentials.docdbServiceSecretArns,
        secretsKeyArn: credentials.secretsKeyArn,
    });
    // ---- Credential rotation (S7): the Aurora and DocumentDB credentials, in the primary, where the
    // secrets are (their replicas follow); after the stores answer and the identities exist.
    if (settings.role === "primary") {
        const docdb = { engine: "docdb" as const, host: data.docdbEndpoint, port: store("docdb").port!, storeSecurityGroupId: data.securityGroupIds.docdb };
        new CredentialRotation("rotation", {
            context: ctx,
            network: { vpcId: network.vpcId, vpcCidr: network.vpcCidr, privateSubnetIds: network.privateSubnetIds },
            secrets: [
                { id: "aurora-master", engine: "aurora-postgresql", username: AURORA_MASTER_USER, secretArn: credentials.auroraMasterSecretArn, host: data.auroraEndpoint, port: store("aurora").port!, database: AURORA_DATABASE, storeSecurityGroupId: data.securityGroupIds.aurora },
                { id: "docdb-master", username: DOCDB_MASTER_USER, secretArn: credentials.docdbMasterSecretArn, ...docdb },
                // The services' users: the master changes their passwords.
                ...Object.entries(credentials.docdbServiceSecretArns).map(([svc, arn]) => ({ id: `docdb-${svc}`, username: databaseUser(svc), secretArn: arn, masterSecretArn: credentials.docdbMasterSecretArn, ...docdb })),
            ],
            secretsKeyArn: credentials.secretsKeyArn,
            rotationDays: settings.security.credentialRotationDays,
            alarmTopicArn: dr.topicArn,
            after: [identities, ...data.connectable],
        });
    }
    // ---- Backups (S12): every system of record 35 days, copied into the copy region (the first peer:
    // the first secondary for the primary, the primary for a secondary) and another account when set.
    const backup = new PlatformBackup("backup", {
        context: ctx,
        deployerArns: settings.security.deployerArns,
        dsqlClusterArn: data.dsqlClusterArn,
        bucketArns: BUCKETS.map((p) => data.bucketArns[p]),
        // The global stores are written in the primary: their writers are backed up there.
        globalStores: settings.role === "primary" ? { auroraClusterArn: data.auroraClusterArn, docdbClusterArn: data.docdbClusterArn, dynamodbTableArn: data.idempotencyTableArn } : undefined,
        regionSettings: settings.accountBaseline.backupRegionSettings,
        copyRegion: settings.peers[0]?.name,
        accountCopyVaultArn: settings.security.backupCopyVaultArn,
        retentionLock: settings.security.retentionLock,
    });
    // ---- Detection (S3): GuardDuty, Security Hub and Config per region; the trail and the finding
    // aggregator in the primary; each an account singleton mall:accountBaseline can hand over.
    new DetectionBaseline("detection", {
        context: ctx,
        findingsTopicArn: dr.topicArn,
        guardDuty: settings.accountBaseline.guardDuty,
        securityHub: settings.accountBaseline.securityHub,
        configRecorder: settings.accountBaseline.configRecorder,
        recordGlobalResources: settings.role === "primary",
        cloudTrail: settings.accountBaseline.cloudTrail ? { retentionLock: settings.security.retentionLock, retentionDays: settings.security.auditArchiveRetentionDays } : undefined,
        aggregator: settings.accountBaseline.securityHubAggregator ? { linkedRegions: settings.registry.secondaries.map((s) => s.name) } : undefined,
        pageSecurityHubFindings,
    });
    // ---- Audit evidence (S13): every audit-class log group archived under Object Lock, per region
    // (an export writes only into its own region's buckets; the edge's WAF logs live in us-east-1).
    const auditGroups: Record<string, pulumi.Output<string>[]> = {
        [settings.region]: [network.flowLogGroupName, cluster.controlPlaneLogGroupName, ingress.wafLogGroupName, ...data.auditLogGroupNames],
    };
    if (edge) auditGroups[EDGE_REGION] = [...(auditGroups[EDGE_REGION] ?? []), edge.wafLogGroupName];
    for (const [region, logGroupNames] of Object.entries(auditGroups)) {
        new AuditArchive(region === settings.region ? "audit" : `audit-${region}`, {
            context: ctx,
            // A region's own stack archives there too: the edge's archive has its own names.
            ...(region === settings.region ? { alarmTopicArn: dr.topicArn } : { region, label: "edge-audit" }),
            logGroupNames,
            retentionLock: settings.security.retentionLock,
            retentionDays: settings.security.auditArchiveRetentionDays,
        });
    }
    new Observability("observability", {
        context: ctx,
        alarmTopicArn: dr.topicArn,
        // Lag is reported on the receiving side, so each secondary alarms on the paths into it (the
        // S3 metric lives in the source region: those alarms are declared there).
        replication: primary
            ? {
                  auroraClusterIds: [data.auroraClusterArn.apply(clusterIdentifier)],
                  docdbClusterIds: [data.docdbClusterArn.apply(clusterIdentifier)],
                  cacheNodeIds: nodeIds(data.cacheReplicationGroupId, settings.data.sizing.cache.shards, settings.data.sizing.cache.replicasPerShard),
                  mskReplicatorNames: data.mskInboundReplicatorNames,
                  remoteMskReplicators: data.mskOutboundReplicators,
                  // The owner of every bucket's replication (the last region) alarms on every rule.
                  s3Replications: dataLinks.s3Routes.flatMap((route) =>
                      route.destinations.flatMap((destination) =>
                          BUCKETS.map((purpose) => ({
                              sourceBucket: bucketName(settings.namePrefix, route.source, purpose, identity.accountId),
                              destinationBucket: bucketName(settings.namePrefix, destination, purpose, identity.accountId),
                              ruleId: ruleId(destination),
                              ...(route.source === settings.region ? {} : { region: route.source }),
                          })),
                      ),
                  ),
                  // DynamoDB reports ReplicationLatency in the sending region, per receiving region.
                  dynamodbTables: [{ tableName: data.idempotencyTableName, receivingRegion: settings.region, region: primary.region }],
              }
            : {},
        healthCheckIds: primary ? [ingress.healthCheckId, primary.apiHealthCheckId] : [ingress.healthCheckId],
        distributionId: edge?.distributionId,
        remoteAlarmTopicArns: Object.fromEntries(links.map((l) => [l.region, l.drTopicArn])),
        canaryNames: dr.canaryNames,
        logRetentionDays: settings.dr.drLogRetentionDays,
        traceSamplePercent: settings.dr.traceSamplePercent,
        traceLatencyThresholdMs: settings.dr.traceLatencyThresholdMs,
        cluster: {
            provider: cluster.kubernetesProvider,
            oidcProviderArn: cluster.oidcProviderArn,
            oidcIssuerUrl: cluster.oidcProviderUrl,
            ready: cluster.ready,
            storageClassName: cluster.storageClassName,
        },
        tracesBucket: { name: data.bucketNames.traces, kmsKeyArn: data.keyArns.s3 },
    });
    new ChaosDrills("chaos", {
        context: ctx,
        peers: settings.peers.map((p) => p.name),
        clusterName,
        availabilityZone: zones.names[0],
        transitGatewayId: network.transitGatewayId,
        steadyStateAlarmArn: dr.steadyStateAlarmArn,
        peerAlarmArns: Object.values(dr.peerAlarmArns),
        // Writers live in the primary: the database drill runs there, over every global store FIS
        // has an action for (aws:rds:failover-db-cluster takes Aurora and DocumentDB clusters alike).
        databaseClusterArns: primary ? [] : [data.auroraClusterArn, data.docdbClusterArn],
        cacheReplicationGroupArns: [data.cacheReplicationGroupArn],
        globalTableArns: [data.idempotencyTableArn],
        dsqlClusterArns: data.dsqlClusterArn ? [data.dsqlClusterArn] : [],
        replicatedBuckets: [...BUCKETS],
        schedules: settings.dr.drillSchedules,
    });

    return {
        region: settings.region,
        role: settings.role,
        vpcId: network.vpcId,
        vpcCidr: network.vpcCidr,
        publicSubnetIds: network.publicSubnetIds,
        privateSubnetIds: network.privateSubnetIds,
        dataSubnetIds: pulumi.all(network.dataSubnetIds),
        transitGatewayId: network.transitGatewayId,
        transitGatewayRouteTableId: network.transitGatewayRouteTableId,
        vpcRouteTableIds: pulumi.all(network.peerRouteTableIds),
        privateSubnetCidrs: pulumi.all(network.privateSubnetCidrs),
        ...(peerings.length > 0 ? { peeringAttachmentId: peerings[0].attachmentId, peeringAttachmentIds: Object.fromEntries(links.map((l, i) => [l.region, peerings[i].attachmentId])) } : {}),
        hostedZoneId,
        originSecretArn: origin.secretArn,
        originSecretState: `${settings.edge.originSecretEpoch}/${settings.edge.originSecretPhase}`,
        apiHealthCheckId: ingress.healthCheckId,
        apiRegionalName: ingress.regionalName,
        evacuated: ingress.evacuated,
        apiTargetGroupArn: ingress.targetGroupArn,
        ingressSecurityGroupId: ingress.securityGroupId,
        ingressLoadBalancerDnsName: ingress.loadBalancerDnsName,
        ...(edge
            ? {
                  siteName: edge.siteName,
                  nameServers: edge.nameServers,
                  distributionId: edge.distributionId,
                  distributionDomainName: edge.distributionDomainName,
                  webAclArn: edge.webAclArn,
                  webBucketName: edge.webBucketName,
                  ...(edge.webReplicaBucketName ? { webReplicaBucketName: edge.webReplicaBucketName } : {}),
              }
            : {}),
        auroraGlobalClusterId: data.auroraGlobalClusterId,
        auroraEngineVersion: data.auroraEngineVersion,
        auroraGlobalWriterEndpoint: data.auroraGlobalWriterEndpoint,
        auroraClusterArn: data.auroraClusterArn,
        docdbGlobalClusterId: data.docdbGlobalClusterId,
        docdbClusterArn: data.docdbClusterArn,
        cacheGlobalReplicationGroupId: data.cacheGlobalReplicationGroupId,
        dsqlClusterArn,
        dsqlClusterId,
        mskClusterArn: data.mskClusterArn,
        mskSecurityGroupId: data.securityGroupIds.msk,
        mskMultiVpcConnectivity: settings.cicd.phase === "bootstrap" ? "disabled" : "enabled",
        staticAssetsBucketName: data.bucketNames["static-assets"],
        staticAssetsBucketArn: data.bucketArns["static-assets"],
        tracesBucketName: data.bucketNames.traces,
        tracesBucketArn: data.bucketArns.traces,
        s3KeyArn: data.keyArns.s3,
        searchDomainName: data.searchDomainName,
        idempotencyTableName: data.idempotencyTableName,
        idempotencyTableArn: data.idempotencyTableArn,
        backupVaultName: backup.vaultName,
        backupPlanId: backup.planId,
        docdbServiceSecretArns: pulumi.output(credentials.docdbServiceSecretArns),
        cacheServiceSecretArns: pulumi.output(credentials.cacheServiceSecretArns),
        cacheUserGroupIds: pulumi.output(data.cacheUserGroupIds),
        secretsReplicaKeyArns: pulumi.output(data.secretReplicaKeyArns),
        dataKeyArns: pulumi.output(data.keyArns),
        dataSecurityGroupIds: pulumi.output(data.securityGroupIds),
        dataSecretArns: pulumi.output(data.secretArns) as pulumi.Output<Record<string, string>>,
        storeIdentities: identities.report,
        dsqlServiceRoleArns: pulumi.output(Object.fromEntries(servicesUsing("dsql").map((s) => [s.name, cluster.serviceRoleArns[s.name]]))),
        auroraEndpoint: data.auroraEndpoint,
        auroraReaderEndpoint: data.auroraReaderEndpoint,
        docdbEndpoint: data.docdbEndpoint,
        cacheEndpoint: data.cacheEndpoint,
        mskBootstrapBrokers: data.mskBootstrapBrokers,
        searchEndpoint: data.searchEndpoint,
        eksClusterName: cluster.clusterName,
        eksNodeSecurityGroupId: cluster.nodeSecurityGroupId,
        eksOidcProviderArn: cluster.oidcProviderArn,
        ...(runner ? { runnerLabels: runner.labels, deployPhase: settings.cicd.phase } : {}),
        drTopicArn: dr.topicArn,
        failoverOrder: [...settings.registry.failoverOrder],
        // Versions looked up at plan/up time because the stack pins none (key `<kind>/<name>`): the
        // plan summary prints each with the config line that pins it.
        resolvedVersions: pulumi
            .all([cluster.resolvedVersions, data.auroraResolvedEngineVersion])
            .apply(([eks, aurora]) => ({ ...eks, ...(aurora ? { "rds-engine/aurora-postgresql": aurora } : {}) })),
    };
}

/** An earlier stack's per-service data key, or an error naming the output and the fix. */
function requiredKey(l: LinkOutputs, key: string): string {
    const arn = l.dataKeyArns[key];
    if (!arn) throw new Error(`the ${l.region} stack's output dataKeyArns has no "${key}" key; redeploy ${l.region} with this program version, then this stack`);
    return arn;
}

/** Each runner as a client of the private API: its group, the role its jobs assume, that role's access policy. */
function runnerApiClients(runner: DeployRunner, s: RunnerSettings): ApiClient[] {
    return RUNNER_KINDS.map((kind) => ({
        name: `${kind}-runner`,
        securityGroupId: runner.securityGroupIds[kind],
        roleArn: kind === "deploy" ? s.deployRoleArn : s.previewRoleArn,
        accessPolicyArn: ACCESS_POLICIES[kind],
    }));
}

/** `<epoch>/<phase>` (the primary's output) as the state a replica must hold. */
function parseOriginSecretState(state: string): { epoch: number; phase: OriginSecretPhase } {
    const [epoch, phase] = state.split("/");
    if (!/^\d+$/.test(epoch ?? "") || !ORIGIN_SECRET_PHASES.includes(phase as OriginSecretPhase)) {
        throw new Error(`the primary's output originSecretState "${state}" is not <epoch>/<phase>; redeploy the primary with this program version`);
    }
    return { epoch: Number(epoch), phase: phase as OriginSecretPhase };
}

/** The primary's edge (zone, CloudFront, WAF) and the origin secret CloudFront sends: ARCHITECTURE §5, security S1. */
function declareEdge(settings: PlatformSettings, ctx: RegionContext): { edge: EdgeStack; hostedZoneId: pulumi.Output<string>; origin: OriginSecret } {
    const origin = new OriginSecret("origin-secret", {
        context: ctx,
        replicaRegions: settings.registry.regions.filter((r) => r.role === "secondary").map((r) => r.name),
        epoch: settings.edge.originSecretEpoch,
        phase: settings.edge.originSecretPhase,
    });
    const edge = new EdgeStack("edge", {
        context: ctx,
        domain: settings.domain,
        registryRegions: settings.registry.regions.map((r) => r.name),
        hostedZoneId: settings.edge.hostedZoneId,
        readOnlyApiPaths: settings.edge.readOnlyApiPaths,
        waf: {
            allowedCountries: settings.edge.wafAllowedCountries,
            rateLimit: settings.edge.wafRateLimit,
            botControl: settings.edge.wafBotControl,
            logRetentionDays: settings.security.auditLogRetentionDays,
        },
        accessLogRetentionDays: settings.edge.accessLogRetentionDays,
        originShieldRegion: settings.edge.originShieldRegion,
        originVerifyValue: origin.sendValue,
    });
    return { edge, hostedZoneId: edge.hostedZoneId, origin };
}

/** The node ids as outputs, one per node: the lag alarms need a fixed count before the group exists. */
function nodeIds(groupId: pulumi.Output<string>, shards: number, replicasPerShard: number): pulumi.Output<string>[] {
    return cacheNodeIds("", shards, replicasPerShard).map((suffix) => groupId.apply((g) => `${g}${suffix}`));
}

interface Credentials {
    /** The Aurora and DocumentDB master users' secrets (this region's copies): the identities bootstrap's. */
    readonly auroraMasterSecretArn: pulumi.Input<string>;
    readonly docdbMasterSecretArn: pulumi.Input<string>;
    /** Per DocumentDB service, its own credentials secret. */
    readonly docdbServiceSecretArns: Readonly<Record<string, pulumi.Input<string>>>;
    /** Per cache service, its own user's credentials secret. */
    readonly cacheServiceSecretArns: Readonly<Record<string, pulumi.Input<string>>>;
    readonly secretsKeyArn: pulumi.Input<string>;
}

/** The primary's generated secrets and its secrets key. */
function ownCredentials(data: GlobalData): Credentials {
    const { auroraMaster, docdbMaster } = data.secretArns;
    if (!auroraMaster || !docdbMaster) throw new Error("GlobalData in the primary region must generate the Aurora and DocumentDB master secrets");
    return {
        auroraMasterSecretArn: auroraMaster,
        docdbMasterSecretArn: docdbMaster,
        docdbServiceSecretArns: data.docdbServiceSecretArns,
        cacheServiceSecretArns: data.cacheServiceSecretArns,
        secretsKeyArn: data.keyArns.secrets,
    };
}

/**
 * On a secondary the services read the local replicas of the primary's secrets (same name and
 * suffix, this region), encrypted with the replica key the primary made for this region: their
 * credentials stay readable when the primary region is gone.
 */
function replicatedCredentials(settings: SecondarySettings, primary: PrimaryOutputs): Credentials {
    const region = settings.region;
    const key = primary.secretsReplicaKeyArns[region];
    if (!key) {
        throw new Error(
            `The primary stack ${settings.primaryStack} replicates its secrets to ${Object.keys(primary.secretsReplicaKeyArns).join(", ") || "no region"}, not to ${region} (output secretsReplicaKeyArns): it was deployed before this region was registered. Re-run pulumi up -s ${primary.region} --policy-pack policy, then this stack.`,
        );
    }
    const local = (arn: string) => secretReplicaArn(arn, region);
    const master = (key: "auroraMaster" | "docdbMaster") => {
        const arn = primary.dataSecretArns[key];
        if (!arn) {
            throw new Error(`The primary stack ${settings.primaryStack} exports no dataSecretArns.${key} (the master secret the identities bootstrap reads): re-run pulumi up -s ${primary.region} --policy-pack policy with this program version, then this stack.`);
        }
        return local(arn);
    };
    return {
        auroraMasterSecretArn: master("auroraMaster"),
        docdbMasterSecretArn: master("docdbMaster"),
        docdbServiceSecretArns: Object.fromEntries(Object.entries(primary.docdbServiceSecretArns).map(([svc, arn]) => [svc, local(arn)])),
        cacheServiceSecretArns: Object.fromEntries(Object.entries(primary.cacheServiceSecretArns).map(([svc, arn]) => [svc, local(arn)])),
        secretsKeyArn: key,
    };
}

/** What the services' NetworkPolicies derive from: the registry's flow table and this region's subnets (the VPC's own plan). */
function networkPolicyInputs(settings: PlatformSettings, subnets: readonly PlannedSubnet[]): Omit<NetworkPolicyInputs, "namespaces"> {
    const regions = settings.registry.regions.map((r) => ({ name: r.name, cidr: r.cidr, role: r.role }));
    const tier = (t: string) => subnets.filter((x) => x.tier === t).map((x) => x.cidr);
    return {
        region: settings.region,
        regions,
        rows: flowTable(regions, settings.registry.failoverOrder),
        subnets: { public: tier("public"), private: tier("private"), data: tier("data") },
        gatewayPort: settings.ingress.apiTargetPort,
    };
}
