/**
 * Which input changes make the engine replace a resource (terraform-provider-aws `ForceNew`, bridged by pulumi-aws), per type.
 * Source: hashicorp/terraform-provider-aws schemas read 2026-11-28 for @pulumi/aws 7.48.0 (bridged upstream ~v6.6x, not pinned to a
 * commit: see FORCE_NEW_SOURCE.aws.note); baseline read at v5.46.0 (main @ 1a5174b, 2024-04-17) and re-checked against 6.x
 * source for the entries whose comment says so. Regenerate: re-read each `source` file's Schema for `ForceNew: true` /
 * `RequiresReplace()` / CustomizeDiff `ForceNew*` at the upstream commit `git ls-tree <pulumi-aws tag> upstream` names,
 * camelCase the names and check them against node_modules/@pulumi/aws/<module>/<resource>.d.ts `...Args`.
 *
 * Conventions: nested fields are dotted Pulumi paths without list indexes ("restoreToPointInTime.restoreType").
 * An empty `fields` list means "checked: nothing forces replacement". `region` is listed for every regional type:
 * terraform-provider-aws 6.x injects a top-level `region` argument and a CustomizeDiff interceptor
 * (internal/provider/sdkv2/region.go forceNewIfRegionChanges) that forces replacement when it changes (except
 * unset <-> provider region). Fields forced new only by a CustomizeDiff condition are listed too; the condition is in the
 * entry's comment. A block that is itself ForceNew (adding/removing the whole block replaces) is named in the comment, not
 * in `fields`, when some of its children update in place.
 * Computed+Optional ForceNew fields (e.g. kmsKeyId, availabilityZones) still replace when the configured value changes.
 */
export const FORCE_NEW_SOURCE = {
  aws: {
    repository: "hashicorp/terraform-provider-aws",
    version: "~v6.6x (not pinned; baseline v5.46.0)",
    commit: "",
    bridgedBy: "@pulumi/aws 7.48.0",
    note: "pulumi-aws (731 MB) and terraform-provider-aws (932 MB) snapshots were over the 500 MB fetch limit, so the `upstream` submodule commit of v7.48.0 could not be read. 7.48.0 ships aws.lambdamicrovms.Microvm (upstream PR #48984, merged 2026-08-27) and aws.agentregistry.Registry (PR #49549, 2026-08) but not aws_agentregistry_registry_record (PR #49918 open 2026-09-09), so it bridges a 6.x release of roughly Sep 2026 (pulumi-aws PR #6392 moved to v6.46.0 on 2026-05-22). Schemas: full baseline from the v5.46.0 tree (nuno407/terraform-provider-aws fork main @ 1a5174b137bb, 2024-04-17); rds/cluster, docdb/cluster, elasticache/replication_group, eks/addon, dsql/*, arcregionswitch/plan, and the region interceptor re-read from 6.x hashicorp sources in the search index.",
  },
  kafka: {
    repository: "Mongey/terraform-provider-kafka",
    version: "bridged by @pulumi/kafka 3.13.2 (upstream tag not pinned)",
    commit: "",
    bridgedBy: "@pulumi/kafka 3.13.2",
    note: "kafka/resource_kafka_topic.go: name ForceNew; partitions forced new by CustomizeDiff only on a decrease; replication_factor is updated in place since v0.3.0 (PR #148) when brokers are >= 2.4, else forced new.",
  },
  eks: {
    repository: "pulumi/pulumi-eks (component) over hashicorp/terraform-provider-aws aws_eks_cluster",
    version: "@pulumi/eks 4.3.0",
    commit: "",
    bridgedBy: "@pulumi/eks 4.3.0 -> @pulumi/aws",
    note: "Mapped from aws_eks_cluster ForceNew fields (internal/service/eks/cluster.go) to eks:index:Cluster inputs in node_modules/@pulumi/eks/cluster.d.ts.",
  },
  kubernetes: {
    repository: "pulumi/pulumi-kubernetes",
    version: "v4.32.0 source (installed @pulumi/kubernetes 4.34.2)",
    commit: "94977969d64112b04e19945818a7d5d5f38f631d",
    bridgedBy: "@pulumi/kubernetes 4.34.2",
    note: "provider/pkg/provider/diff.go forceNewProperties: .metadata.name/.metadata.namespace for every kind, plus a per-kind table.",
  },
} as const;

export interface ForceNewEntry {
  /** the TF resource and file it was read from */
  readonly source: string;
  /** Pulumi input names (dotted for nested blocks) whose change replaces the resource */
  readonly fields: readonly string[];
}

export const FORCE_NEW: Readonly<Record<string, ForceNewEntry>> = {
  // storageType: CustomizeDiff ForceNewIf engine is not aurora*. engineVersion is NOT ForceNew. restoreToPointInTime block itself is ForceNew (adding/removing it replaces). clusterScalabilityType and restoreToPointInTime.sourceClusterResourceId read in 6.x source.
  "aws:rds/cluster:Cluster": { source: "internal/service/rds/cluster.go (aws_rds_cluster)", fields: ["availabilityZones", "clusterIdentifier", "clusterIdentifierPrefix", "clusterScalabilityType", "databaseName", "dbSubnetGroupName", "dbSystemId", "engine", "engineMode", "kmsKeyId", "masterUsername", "region", "restoreToPointInTime.restoreToTime", "restoreToPointInTime.restoreType", "restoreToPointInTime.sourceClusterIdentifier", "restoreToPointInTime.sourceClusterResourceId", "restoreToPointInTime.useLatestRestorableTime", "s3Import.bucketName", "s3Import.bucketPrefix", "s3Import.ingestionRole", "s3Import.sourceEngine", "s3Import.sourceEngineVersion", "snapshotIdentifier", "sourceRegion", "storageEncrypted", "storageType"] },
  // instanceClass/engineVersion are updated in place.
  "aws:rds/clusterInstance:ClusterInstance": { source: "internal/service/rds/cluster_instance.go (aws_rds_cluster_instance)", fields: ["availabilityZone", "clusterIdentifier", "customIamInstanceProfile", "dbSubnetGroupName", "engine", "identifier", "identifierPrefix", "region"] },
  "aws:rds/globalCluster:GlobalCluster": { source: "internal/service/rds/global_cluster.go (aws_rds_global_cluster)", fields: ["databaseName", "engine", "globalClusterIdentifier", "region", "sourceDbClusterIdentifier", "storageEncrypted"] },
  "aws:rds/subnetGroup:SubnetGroup": { source: "internal/service/rds/subnet_group.go (aws_db_subnet_group)", fields: ["name", "namePrefix", "region"] },
  "aws:rds/clusterParameterGroup:ClusterParameterGroup": { source: "internal/service/rds/cluster_parameter_group.go (aws_rds_cluster_parameter_group)", fields: ["description", "family", "name", "namePrefix", "region"] },
  // serverlessV2ScalingConfiguration: CustomizeDiff ForceNewIfChange only when the block is removed. restoreToPointInTime block itself is ForceNew. Read in 6.x source.
  "aws:docdb/cluster:Cluster": { source: "internal/service/docdb/cluster.go (aws_docdb_cluster)", fields: ["availabilityZones", "clusterIdentifier", "clusterIdentifierPrefix", "dbSubnetGroupName", "engine", "kmsKeyId", "masterUsername", "port", "region", "restoreToPointInTime.restoreToTime", "restoreToPointInTime.restoreType", "restoreToPointInTime.sourceClusterIdentifier", "restoreToPointInTime.useLatestRestorableTime", "serverlessV2ScalingConfiguration", "snapshotIdentifier", "storageEncrypted"] },
  "aws:docdb/clusterInstance:ClusterInstance": { source: "internal/service/docdb/cluster_instance.go (aws_docdb_cluster_instance)", fields: ["availabilityZone", "clusterIdentifier", "engine", "identifier", "identifierPrefix", "region"] },
  "aws:docdb/globalCluster:GlobalCluster": { source: "internal/service/docdb/global_cluster.go (aws_docdb_global_cluster)", fields: ["databaseName", "engine", "globalClusterIdentifier", "region", "sourceDbClusterIdentifier", "storageEncrypted"] },
  "aws:docdb/subnetGroup:SubnetGroup": { source: "internal/service/docdb/subnet_group.go (aws_docdb_subnet_group)", fields: ["name", "namePrefix", "region"] },
  "aws:docdb/clusterParameterGroup:ClusterParameterGroup": { source: "internal/service/docdb/cluster_parameter_group.go (aws_docdb_cluster_parameter_group)", fields: ["description", "family", "name", "namePrefix", "region"] },
  // Read in 6.x source. engine: no longer schema-ForceNew; CustomizeDiff forces new only on an engine downgrade (valkey -> redis). engineVersion: CustomizeDiff forces new on a version downgrade. transitEncryptionEnabled: CustomizeDiff ForceNewIf engine_version_actual < 7.0.5. nodeGroupConfigurations: CustomizeDiff ForceNewIf the explicitly configured node groups change significantly.
  "aws:elasticache/replicationGroup:ReplicationGroup": { source: "internal/service/elasticache/replication_group.go (aws_elasticache_replication_group)", fields: ["atRestEncryptionEnabled", "dataTieringEnabled", "engine", "engineVersion", "globalReplicationGroupId", "kmsKeyId", "networkType", "nodeGroupConfigurations", "port", "region", "replicationGroupId", "securityGroupNames", "snapshotArns", "snapshotName", "subnetGroupName", "transitEncryptionEnabled"] },
  "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup": { source: "internal/service/elasticache/global_replication_group.go (aws_elasticache_global_replication_group)", fields: ["globalReplicationGroupIdSuffix", "primaryReplicationGroupId", "region"] },
  "aws:elasticache/subnetGroup:SubnetGroup": { source: "internal/service/elasticache/subnet_group.go (aws_elasticache_subnet_group)", fields: ["name", "region"] },
  "aws:elasticache/user:User": { source: "internal/service/elasticache/user.go (aws_elasticache_user)", fields: ["engine", "region", "userId", "userName"] },
  "aws:elasticache/userGroup:UserGroup": { source: "internal/service/elasticache/user_group.go (aws_elasticache_user_group)", fields: ["engine", "region", "userGroupId"] },
  // kafkaVersion: CustomizeDiff forces new only on a downgrade. brokerNodeGroupInfo and encryptionInfo blocks are themselves ForceNew (adding/removing the block replaces; brokerNodeGroupInfo.instanceType / ebs storage update in place; encryptionInfo.encryptionInTransit.clientBroker updates in place).
  "aws:msk/cluster:Cluster": { source: "internal/service/kafka/cluster.go (aws_msk_cluster)", fields: ["brokerNodeGroupInfo.azDistribution", "brokerNodeGroupInfo.clientSubnets", "brokerNodeGroupInfo.securityGroups", "clusterName", "encryptionInfo.encryptionAtRestKmsKeyArn", "encryptionInfo.encryptionInTransit.inCluster", "kafkaVersion", "region"] },
  "aws:msk/configuration:Configuration": { source: "internal/service/kafka/configuration.go (aws_msk_configuration)", fields: ["kafkaVersions", "name", "region"] },
  // kafkaClusters and replicationInfoList blocks are themselves ForceNew (adding/removing replaces).
  "aws:msk/replicator:Replicator": { source: "internal/service/kafka/replicator.go (aws_msk_replicator)", fields: ["kafkaClusters.vpcConfig.subnetIds", "region", "replicationInfoList.sourceKafkaClusterArn", "replicationInfoList.targetCompressionType", "replicationInfoList.targetKafkaClusterArn"] },
  // engineVersion: CustomizeDiff ForceNewIf the target is not a compatible in-place upgrade. encryptAtRest.enabled / nodeToNodeEncryption.enabled: CustomizeDiff on disable, or enable on engines without in-place support. advancedSecurityOptions.enabled: CustomizeDiff on disable. vpcOptions block is itself ForceNew (adding/removing replaces; its subnetIds/securityGroupIds update in place).
  "aws:opensearch/domain:Domain": { source: "internal/service/opensearch/domain.go (aws_opensearch_domain)", fields: ["advancedSecurityOptions.enabled", "domainName", "encryptAtRest.enabled", "encryptAtRest.kmsKeyId", "engineVersion", "nodeToNodeEncryption.enabled", "region"] },
  // Plugin Framework resource: RequiresReplace plan modifier. kmsEncryptionKey and deletionProtectionEnabled update in place.
  "aws:dsql/cluster:Cluster": { source: "internal/service/dsql/cluster.go (aws_dsql_cluster)", fields: ["multiRegionProperties.witnessRegion", "region"] },
  // Plugin Framework resource with framework.WithNoUpdate: every configurable attribute requires replacement.
  "aws:dsql/clusterPeering:ClusterPeering": { source: "internal/service/dsql/cluster_peering.go (aws_dsql_cluster_peering)", fields: ["clusters", "identifier", "region", "witnessRegion"] },
  // localSecondaryIndexes block is ForceNew and so are all of its fields.
  "aws:dynamodb/table:Table": { source: "internal/service/dynamodb/table.go (aws_dynamodb_table)", fields: ["hashKey", "importTable.s3BucketSource", "localSecondaryIndexes.name", "localSecondaryIndexes.nonKeyAttributes", "localSecondaryIndexes.projectionType", "localSecondaryIndexes.rangeKey", "name", "rangeKey", "region", "restoreDateTime", "restoreToLatestTime"] },
  "aws:dynamodb/tableReplica:TableReplica": { source: "internal/service/dynamodb/table_replica.go (aws_dynamodb_table_replica)", fields: ["globalTableArn", "kmsKeyArn", "region", "tableClassOverride"] },
  // objectLockConfiguration.objectLockEnabled is deprecated. bucketNamespace (new in @pulumi/aws 7.48.0) is unchecked.
  "aws:s3/bucket:Bucket": { source: "internal/service/s3/bucket.go (aws_s3_bucket)", fields: ["bucket", "bucketPrefix", "objectLockConfiguration.objectLockEnabled", "objectLockEnabled", "region"] },
  "aws:kms/key:Key": { source: "internal/service/kms/key.go (aws_kms_key)", fields: ["customKeyStoreId", "customerMasterKeySpec", "keyUsage", "multiRegion", "region", "xksKeyId"] },
  "aws:kms/alias:Alias": { source: "internal/service/kms/alias.go (aws_kms_alias)", fields: ["name", "namePrefix", "region"] },
  "aws:secretsmanager/secret:Secret": { source: "internal/service/secretsmanager/secret.go (aws_secretsmanager_secret)", fields: ["name", "namePrefix", "region"] },
  // secretStringWo is write-only (changes via secretStringWoVersion); unchecked.
  "aws:secretsmanager/secretVersion:SecretVersion": { source: "internal/service/secretsmanager/secret_version.go (aws_secretsmanager_secret_version)", fields: ["region", "secretBinary", "secretId", "secretString"] },
  "aws:backup/vault:Vault": { source: "internal/service/backup/vault.go (aws_backup_vault)", fields: ["kmsKeyArn", "name", "region"] },
  "aws:backup/vaultLockConfiguration:VaultLockConfiguration": { source: "internal/service/backup/vault_lock_configuration.go (aws_backup_vault_lock_configuration)", fields: ["backupVaultName", "changeableForDays", "maxRetentionDays", "minRetentionDays", "region"] },
  "aws:cloudwatch/logGroup:LogGroup": { source: "internal/service/logs/group.go (aws_cloudwatch_log_group)", fields: ["logGroupClass", "name", "namePrefix", "region"] },
  "aws:cloudtrail/trail:Trail": { source: "internal/service/cloudtrail/cloudtrail.go (aws_cloudtrail)", fields: ["name", "region"] },
  "aws:route53/zone:Zone": { source: "internal/service/route53/zone.go (aws_route53_zone)", fields: ["delegationSetId", "name"] },
  "aws:route53/record:Record": { source: "internal/service/route53/record.go (aws_route53_record)", fields: ["name", "zoneId"] },
  "aws:route53/healthCheck:HealthCheck": { source: "internal/service/route53/health_check.go (aws_route53_health_check)", fields: ["measureLatency", "referenceName", "requestInterval", "routingControlArn", "type"] },
  // validationOptions block is ForceNew and so are its fields.
  "aws:acm/certificate:Certificate": { source: "internal/service/acm/certificate.go (aws_acm_certificate)", fields: ["certificateAuthorityArn", "domainName", "keyAlgorithm", "region", "subjectAlternativeNames", "validationMethod", "validationOptions.domainName", "validationOptions.validationDomain"] },
  "aws:acm/certificateValidation:CertificateValidation": { source: "internal/service/acm/certificate_validation.go (aws_acm_certificate_validation)", fields: ["certificateArn", "region", "validationRecordFqdns"] },
  "aws:iam/role:Role": { source: "internal/service/iam/role.go (aws_iam_role)", fields: ["name", "namePrefix", "path"] },
  "aws:iam/rolePolicy:RolePolicy": { source: "internal/service/iam/role_policy.go (aws_iam_role_policy)", fields: ["name", "namePrefix", "role"] },
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": { source: "internal/service/iam/role_policy_attachment.go (aws_iam_role_policy_attachment)", fields: ["policyArn", "role"] },
  "aws:iam/serviceLinkedRole:ServiceLinkedRole": { source: "internal/service/iam/service_linked_role.go (aws_iam_service_linked_role)", fields: ["awsServiceName", "customSuffix"] },
  // cidrBlock also via CustomizeDiff (ignored when ipv4NetmaskLength/IPAM drives it). instanceTenancy: CustomizeDiff ForceNew except dedicated -> default.
  "aws:ec2/vpc:Vpc": { source: "internal/service/ec2/vpc_.go (aws_vpc)", fields: ["cidrBlock", "instanceTenancy", "ipv4IpamPoolId", "ipv4NetmaskLength", "region"] },
  "aws:ec2/subnet:Subnet": { source: "internal/service/ec2/vpc_subnet.go (aws_subnet)", fields: ["availabilityZone", "availabilityZoneId", "cidrBlock", "ipv6Native", "outpostArn", "region", "vpcId"] },
  "aws:ec2/securityGroup:SecurityGroup": { source: "internal/service/ec2/vpc_security_group.go (aws_security_group)", fields: ["description", "name", "namePrefix", "region", "vpcId"] },
  "aws:ec2/eip:Eip": { source: "internal/service/ec2/ec2_eip.go (aws_eip)", fields: ["address", "domain", "networkBorderGroup", "publicIpv4Pool", "region"] },
  "aws:ec2/natGateway:NatGateway": { source: "internal/service/ec2/vpc_nat_gateway.go (aws_nat_gateway)", fields: ["allocationId", "connectivityType", "privateIp", "region", "secondaryPrivateIpAddressCount", "subnetId"] },
  "aws:ec2/vpcEndpoint:VpcEndpoint": { source: "internal/service/ec2/vpc_endpoint.go (aws_vpc_endpoint)", fields: ["region", "serviceName", "vpcEndpointType", "vpcId"] },
  // defaultRouteTableAssociation/Propagation: CustomizeDiff ForceNew only on disable -> enable.
  "aws:ec2transitgateway/transitGateway:TransitGateway": { source: "internal/service/ec2/transitgateway_.go (aws_ec2_transit_gateway)", fields: ["defaultRouteTableAssociation", "defaultRouteTablePropagation", "multicastSupport", "region"] },
  "aws:ec2transitgateway/peeringAttachment:PeeringAttachment": { source: "internal/service/ec2/transitgateway_peering_attachment.go (aws_ec2_transit_gateway_peering_attachment)", fields: ["peerAccountId", "peerRegion", "peerTransitGatewayId", "region", "transitGatewayId"] },
  "aws:ec2transitgateway/vpcAttachment:VpcAttachment": { source: "internal/service/ec2/transitgateway_vpc_attachment.go (aws_ec2_transit_gateway_vpc_attachment)", fields: ["region", "transitGatewayId", "vpcId"] },
  // remoteAccess block is ForceNew and so are its fields. launchTemplate.version updates in place.
  "aws:eks/nodeGroup:NodeGroup": { source: "internal/service/eks/node_group.go (aws_eks_node_group)", fields: ["amiType", "capacityType", "clusterName", "diskSize", "instanceTypes", "launchTemplate.id", "launchTemplate.name", "nodeGroupName", "nodeGroupNamePrefix", "nodeRoleArn", "region", "remoteAccess.ec2SshKey", "remoteAccess.sourceSecurityGroupIds", "subnetIds"] },
  // Read in 6.x source (this read had no namespaceConfig; namespaceConfig in @pulumi/aws 7.48.0 is unchecked).
  "aws:eks/addon:Addon": { source: "internal/service/eks/addon.go (aws_eks_addon)", fields: ["addonName", "clusterName", "region"] },
  // subnets/subnetMappings/securityGroups: CustomizeDiff ForceNew only for network LBs when subnets are removed, or security groups go from none to some or some to none; ALB subnetMappings changes can also force new.
  "aws:lb/loadBalancer:LoadBalancer": { source: "internal/service/elbv2/load_balancer.go (aws_lb)", fields: ["customerOwnedIpv4Pool", "internal", "loadBalancerType", "name", "namePrefix", "region", "securityGroups", "subnetMappings", "subnets"] },
  "aws:lb/targetGroup:TargetGroup": { source: "internal/service/elbv2/target_group.go (aws_lb_target_group)", fields: ["ipAddressType", "name", "namePrefix", "port", "protocol", "protocolVersion", "region", "targetType", "vpcId"] },
  // Only the staging flag is ForceNew.
  "aws:cloudfront/distribution:Distribution": { source: "internal/service/cloudfront/distribution.go (aws_cloudfront_distribution)", fields: ["staging"] },
  "aws:wafv2/webAcl:WebAcl": { source: "internal/service/wafv2/web_acl.go (aws_wafv2_web_acl)", fields: ["name", "region", "scope"] },
  "aws:sqs/queue:Queue": { source: "internal/service/sqs/queue.go (aws_sqs_queue)", fields: ["fifoQueue", "name", "namePrefix", "region"] },
  "aws:sns/topic:Topic": { source: "internal/service/sns/topic.go (aws_sns_topic)", fields: ["fifoTopic", "name", "namePrefix", "region"] },
  "aws:lambda/function:Function": { source: "internal/service/lambda/function.go (aws_lambda_function)", fields: ["name", "packageType", "region"] },
  // tier: CustomizeDiff ForceNew only on Advanced -> Standard.
  "aws:ssm/parameter:Parameter": { source: "internal/service/ssm/parameter.go (aws_ssm_parameter)", fields: ["dataType", "name", "region", "tier"] },
  "aws:codebuild/project:Project": { source: "internal/service/codebuild/project.go (aws_codebuild_project)", fields: ["name", "region"] },
  "aws:synthetics/canary:Canary": { source: "internal/service/synthetics/canary.go (aws_synthetics_canary)", fields: ["name", "region"] },
  "aws:guardduty/detector:Detector": { source: "internal/service/guardduty/detector.go (aws_guardduty_detector)", fields: ["region"] },
  // tags uses tftags.TagsSchemaForceNew() in the v5.46.0 read; not re-checked in 6.x.
  "aws:fis/experimentTemplate:ExperimentTemplate": { source: "internal/service/fis/experiment_template.go (aws_fis_experiment_template)", fields: ["region", "tags"] },
  "aws:scheduler/schedule:Schedule": { source: "internal/service/scheduler/schedule.go (aws_scheduler_schedule)", fields: ["groupName", "name", "namePrefix", "region"] },
  // Plugin Framework resource: RequiresReplace on name, recovery_approach, regions (top-level attributes read; nested workflow blocks not checked for RequiresReplace).
  "aws:arcregionswitch/plan:Plan": { source: "internal/service/arcregionswitch/plan.go (aws_arcregionswitch_plan)", fields: ["name", "recoveryApproach", "region", "regions"] },
  // encryptionConfig: CustomizeDiff ForceNewIfChange when it is removed. vpcConfig.subnetIds/securityGroupIds update in place (since 5.x).
  "aws:eks/cluster:Cluster": { source: "internal/service/eks/cluster.go (aws_eks_cluster)", fields: ["accessConfig.bootstrapClusterCreatorAdminPermissions", "bootstrapSelfManagedAddons", "encryptionConfig", "kubernetesNetworkConfig.ipFamily", "kubernetesNetworkConfig.serviceIpv4Cidr", "name", "outpostConfig.controlPlaneInstanceType", "outpostConfig.controlPlanePlacement.groupName", "region", "roleArn"] },
  // Component: replaces its child aws:eks/cluster:Cluster. TF aws_eks_cluster ForceNew: name, role_arn (serviceRole; the component creates a role when unset), kubernetes_network_config.service_ipv4_cidr / ip_family, bootstrap_self_managed_addons (ForceNew since 5.58.0, see terraform-provider-aws issue #39137), encryption_config (CustomizeDiff: removing it replaces; adding is in place). version, subnet ids, endpoint access and log types update in place; vpcId only feeds the security groups.
  "eks:index:Cluster": { source: "node_modules/@pulumi/eks/cluster.d.ts mapped from internal/service/eks/cluster.go (aws_eks_cluster)", fields: ["bootstrapSelfManagedAddons", "encryptionConfigKeyArn", "ipFamily", "kubernetesServiceIpAddressRange", "name", "serviceRole"] },
  // partitions: CustomizeDiff ForceNew only when decreased. replicationFactor is in place on brokers >= 2.4 (MSK), so it is not listed.
  "kafka:index/topic:Topic": { source: "kafka/resource_kafka_topic.go (kafka_topic)", fields: ["name", "partitions"] },
  // pulumi-kubernetes diff.go: provisioner and parameters replace; reclaimPolicy and volumeBindingMode are immutable in the API but NOT in the replace table (an update would be rejected by the API server, not planned as a replace).
  "kubernetes:storage.k8s.io/v1:StorageClass": { source: "provider/pkg/provider/diff.go forceNew[\"storage.k8s.io\"][\"v1\"][\"StorageClass\"]", fields: ["metadata.name", "metadata.namespace", "parameters", "provisioner"] },
  "kubernetes:apps/v1:Deployment": { source: "provider/pkg/provider/diff.go deployment", fields: ["metadata.name", "metadata.namespace", "spec.selector", "spec.selector.matchExpressions", "spec.selector.matchLabels"] },
  "kubernetes:apps/v1:DaemonSet": { source: "provider/pkg/provider/diff.go daemonset", fields: ["metadata.name", "metadata.namespace", "spec.selector", "spec.selector.matchExpressions", "spec.selector.matchLabels"] },
  "kubernetes:apps/v1:StatefulSet": { source: "provider/pkg/provider/diff.go statefulSet", fields: ["metadata.name", "metadata.namespace", "spec.podManagementPolicy", "spec.revisionHistoryLimit", "spec.selector", "spec.selector.matchExpressions", "spec.selector.matchLabels", "spec.serviceName", "spec.volumeClaimTemplates"] },
  "kubernetes:batch/v1:Job": { source: "provider/pkg/provider/diff.go job", fields: ["metadata.name", "metadata.namespace", "spec.completions", "spec.parallelism", "spec.selector", "spec.selector.matchExpressions", "spec.selector.matchLabels", "spec.template"] },
  "kubernetes:core/v1:PersistentVolumeClaim": { source: "provider/pkg/provider/diff.go core v1 PersistentVolumeClaim", fields: ["metadata.name", "metadata.namespace", "spec.accessModes", "spec.selector", "spec.selector.matchExpressions", "spec.selector.matchLabels", "spec.storageClassName", "spec.volumeName"] },
  "kubernetes:core/v1:Service": { source: "provider/pkg/provider/diff.go core v1 Service", fields: ["metadata.name", "metadata.namespace", "spec.clusterIP"] },
  // type always; data/stringData too unless the provider enables mutable Secrets (enableSecretMutable) and the Secret is not immutable.
  "kubernetes:core/v1:Secret": { source: "provider/pkg/provider/diff.go core v1 Secret + forceNewProperties", fields: ["data", "metadata.name", "metadata.namespace", "stringData", "type"] },
  // data/binaryData replace unless the provider sets enableConfigMapMutable (and the ConfigMap is not immutable).
  "kubernetes:core/v1:ConfigMap": { source: "provider/pkg/provider/diff.go forceNewProperties (ConfigMap)", fields: ["binaryData", "data", "metadata.name", "metadata.namespace"] },
  "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": { source: "provider/pkg/provider/diff.go roleBinding", fields: ["metadata.name", "metadata.namespace", "roleRef"] },
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding": { source: "provider/pkg/provider/diff.go roleBinding", fields: ["metadata.name", "metadata.namespace", "roleRef"] },
};

/**
 * Generic rule for every kubernetes:* type (pulumi-kubernetes provider.go Diff, forceNewFields): a change of
 * metadata.name or metadata.namespace replaces the object. Per-kind extras are in FORCE_NEW above.
 */
export const KUBERNETES_FORCE_NEW: readonly string[] = ["metadata.name", "metadata.namespace"];

/** One resource's two registrations, for a condition that needs more than the field's values. */
export interface ForceNewContext {
  readonly before: Readonly<Record<string, unknown>>;
  readonly after: Readonly<Record<string, unknown>>;
  /** The stack's region (its `region` output): an unset `region` input means the provider's, this one. */
  readonly region?: string;
}

/** Version strings compared numerically, part by part ("7.2" < "7.10"); NaN parts compare as 0. */
function compareVersions(a: unknown, b: unknown): number {
  const parts = (v: unknown) => String(v ?? "").replace(/^[^0-9]*/, "").split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

const downgrade = (before: unknown, after: unknown) => before !== undefined && after !== undefined && compareVersions(after, before) < 0;
const removed = (before: unknown, after: unknown) => before !== undefined && (after === undefined || after === null);
const disabled = (before: unknown, after: unknown) => before === true && after !== true;

/**
 * The fields of `FORCE_NEW` that replace only under a condition (a CustomizeDiff `ForceNewIf`, or
 * the region interceptor), as the entries' comments describe: the condition, given the field's two
 * values. A field not here replaces on any change.
 */
export const FORCE_NEW_WHEN: Readonly<Record<string, Readonly<Record<string, (before: unknown, after: unknown, c: ForceNewContext) => boolean>>>> = {
  "aws:rds/cluster:Cluster": { storageType: (_b, _a, c) => !String(c.after.engine ?? "").startsWith("aurora") },
  "aws:docdb/cluster:Cluster": { serverlessV2ScalingConfiguration: removed },
  "aws:elasticache/replicationGroup:ReplicationGroup": {
    engine: (b, a) => b === "valkey" && a === "redis",
    engineVersion: downgrade,
    transitEncryptionEnabled: (_b, _a, c) => compareVersions(c.after.engineVersion, "7.0.5") < 0,
  },
  "aws:msk/cluster:Cluster": { kafkaVersion: downgrade },
  "aws:opensearch/domain:Domain": {
    engineVersion: (b, a) => downgrade(b, a) || String(b ?? "").split("_")[0] !== String(a ?? "").split("_")[0],
    "encryptAtRest.enabled": disabled,
    "nodeToNodeEncryption.enabled": disabled,
    "advancedSecurityOptions.enabled": disabled,
  },
  "aws:ec2/vpc:Vpc": { instanceTenancy: (b, a) => !(b === "dedicated" && (a === "default" || a === undefined)) },
  "aws:ec2transitgateway/transitGateway:TransitGateway": {
    defaultRouteTableAssociation: (b, a) => b === "disable" && a !== "disable",
    defaultRouteTablePropagation: (b, a) => b === "disable" && a !== "disable",
  },
  "aws:lb/loadBalancer:LoadBalancer": {
    subnets: (_b, _a, c) => c.after.loadBalancerType === "network",
    securityGroups: (b, a, c) => c.after.loadBalancerType === "network" && (Array.isArray(b) && b.length > 0) !== (Array.isArray(a) && a.length > 0),
  },
  "aws:ssm/parameter:Parameter": { tier: (b, a) => b === "Advanced" && a !== "Advanced" },
  "aws:eks/cluster:Cluster": { encryptionConfig: removed },
  "kafka:index/topic:Topic": { partitions: (b, a) => Number(a) < Number(b) },
};

/** The region interceptor: `region` replaces unless the change is between unset and the provider's own region. */
export function regionForcesNew(before: unknown, after: unknown, region: string | undefined): boolean {
  const effective = (v: unknown) => (v === undefined || v === null || v === "" ? region : v);
  return effective(before) !== effective(after);
}
