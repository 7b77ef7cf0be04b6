/**
 * The offline plan's monthly cost estimate: what the price table (tools/plan/prices.ts, each row
 * with its public source and date) computes for the planned resources, with the usage it assumes
 * (prices.ts USAGE) stated. Not a quote and not a target: on-demand list prices, no discounts, and
 * a type without a found price is listed as "not priced", never guessed. Pure: no I/O.
 */
import { PlannedResource, StackPlan } from "./contract";
import { HOURS_PER_MONTH, PRICES, PriceRow, USAGE } from "./prices";

/** One priced line: a resource (or a stack's usage) and how its figure was computed. */
export interface CostItem {
    readonly type: string;
    readonly name: string;
    readonly monthly: number;
    /** The arithmetic, e.g. "db.r6g.xlarge × 730 h × $0.519/h". */
    readonly basis: string;
}

/** Resources of a type the table has no price for, or prices only by use it does not model. */
export interface NotPriced {
    readonly type: string;
    readonly count: number;
    readonly why: string;
}

export interface StackCost {
    readonly monthly: number;
    readonly items: CostItem[];
    readonly notPriced: NotPriced[];
}

/** `.plan/cost.json`. */
export interface CostReport {
    readonly currency: "USD";
    readonly total: number;
    readonly stacks: Record<string, StackCost>;
    /** The usage the usage-priced rows assume. */
    readonly assumptions: typeof USAGE;
    /** Every price row the estimate used, with its source and date. */
    readonly prices: PriceRow[];
    /** Against the base plan, when there is one. */
    readonly base?: { readonly commit: string; readonly total: number; readonly delta: number; readonly stacks: Record<string, { readonly monthly: number; readonly delta: number }> };
}

/** Types AWS charges nothing for by themselves (what they carry or enable is priced where it is). */
const NO_CHARGE = new Set([
    "aws:iam/role:Role",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/serviceLinkedRole:ServiceLinkedRole",
    "aws:ec2/vpc:Vpc",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/route:Route",
    "aws:ec2/routeTable:RouteTable",
    "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    "aws:ec2/internetGateway:InternetGateway",
    "aws:ec2/launchTemplate:LaunchTemplate",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    "aws:ec2transitgateway/transitGateway:TransitGateway",
    "aws:ec2transitgateway/route:Route",
    "aws:ec2transitgateway/routeTable:RouteTable",
    "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation",
    "aws:ec2transitgateway/peeringAttachmentAccepter:PeeringAttachmentAccepter",
    "aws:kms/alias:Alias",
    "aws:acm/certificate:Certificate",
    "aws:acm/certificateValidation:CertificateValidation",
    "aws:rds/subnetGroup:SubnetGroup",
    "aws:rds/clusterParameterGroup:ClusterParameterGroup",
    "aws:docdb/subnetGroup:SubnetGroup",
    "aws:docdb/clusterParameterGroup:ClusterParameterGroup",
    "aws:elasticache/subnetGroup:SubnetGroup",
    "aws:elasticache/user:User",
    "aws:elasticache/userGroup:UserGroup",
    "aws:msk/configuration:Configuration",
    "aws:msk/clusterPolicy:ClusterPolicy",
    "aws:dsql/clusterPeering:ClusterPeering",
    "aws:eks/addon:Addon",
    "aws:lb/listener:Listener",
    "aws:lb/listenerRule:ListenerRule",
    "aws:lb/targetGroup:TargetGroup",
    "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    "aws:backup/plan:Plan",
    "aws:backup/selection:Selection",
    "aws:backup/regionSettings:RegionSettings",
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
    "aws:secretsmanager/secretVersion:SecretVersion",
    "aws:secretsmanager/secretRotation:SecretRotation",
    "aws:sns/topicPolicy:TopicPolicy",
    "aws:sqs/queuePolicy:QueuePolicy",
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
    "aws:wafv2/webAclAssociation:WebAclAssociation",
    "aws:cloudfront/originAccessControl:OriginAccessControl",
    "aws:xray/group:Group",
    "aws:xray/samplingRule:SamplingRule",
    "aws:guardduty/detectorFeature:DetectorFeature",
    "aws:securityhub/findingAggregator:FindingAggregator",
    "aws:cfg/deliveryChannel:DeliveryChannel",
    "aws:cfg/recorderStatus:RecorderStatus",
    "aws:codebuild/webhook:Webhook",
    "aws:lambda/permission:Permission",
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
    "aws:opensearch/outboundConnection:OutboundConnection",
    "pulumi:pulumi:StackReference",
]);

/** Types priced only per use that the table has no usage for. */
const USAGE_ONLY: Readonly<Record<string, string>> = {
    "aws:lambda/function:Function": "per request and GB-second",
    "aws:lambda/invocation:Invocation": "one invocation per deploy",
    "aws:sns/topic:Topic": "per publish and delivery",
    "aws:sqs/queue:Queue": "per request",
    "aws:cloudwatch/eventRule:EventRule": "per custom event",
    "aws:cloudwatch/eventTarget:EventTarget": "per event delivered",
    "aws:cloudwatch/logDelivery:LogDelivery": "per GB delivered",
    "aws:cloudwatch/logDeliverySource:LogDeliverySource": "per GB delivered",
    "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination": "per GB delivered",
    "aws:ec2/flowLog:FlowLog": "per GB of logs (counted in the stack's CloudWatch Logs usage)",
    "aws:route53/record:Record": "per DNS query",
    "aws:ssm/parameter:Parameter": "standard parameters: no charge; API calls per use",
    "aws:cloudfront/function:Function": "per invocation",
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": "per GB of logs",
    "aws:fis/experimentTemplate:ExperimentTemplate": "per action-minute of a drill",
    "aws:s3/bucketObjectv2:BucketObjectv2": "counted in the bucket's storage",
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": "per GB replicated",
    "aws:codebuild/project:Project": "per build minute",
    "aws:guardduty/detector:Detector": "per GB and event analysed (tiered)",
    "aws:securityhub/account:Account": "per check and finding ingested",
    "aws:securityhub/standardsSubscription:StandardsSubscription": "per check",
    "aws:dynamodb/tableReplica:TableReplica": "replicated writes per use",
    "aws:rds/globalCluster:GlobalCluster": "replicated write I/O and cross-Region transfer per use (the instances are priced on the member clusters)",
    "aws:docdb/globalCluster:GlobalCluster": "replicated write I/O and cross-Region transfer per use (the instances are priced on the member clusters)",
    "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup": "cross-Region transfer per GB (the nodes are priced on the member clusters)",
};

const round2 = (n: number) => Math.round(n * 100) / 100;
const usd = (n: number) => `$${n < 1 ? n.toPrecision(3).replace(/0+$/, "").replace(/\.$/, "") : round2(n)}`;

/** A price row by group and key (an instance class), or undefined when the table has none. */
function row(group: string, key?: string): PriceRow | undefined {
    const g = (PRICES as unknown as Record<string, unknown>)[group];
    if (!g || typeof g !== "object") return undefined;
    const r = key === undefined ? g : (g as Record<string, unknown>)[key];
    return r && typeof r === "object" && "usd" in r ? (r as PriceRow) : undefined;
}

/** A row's price in a region (its override, else the listed one). */
function price(r: PriceRow, region: string): number {
    return r.regions?.[region] ?? r.usd;
}

function usage(key: string): number {
    const u = USAGE[key];
    if (!u) throw new Error(`tools/plan/prices.ts USAGE has no ${key}`);
    return u.value;
}

type Priced = { monthly: number; basis: string; rows: PriceRow[] };
type Rule = (r: PlannedResource, region: string) => Priced | { unpriced: string };

const num = (v: unknown, fallback = 0) => (typeof v === "number" && Number.isFinite(v) ? v : fallback);
const hourly = (r: PriceRow, region: string, count: number, what: string): Priced => ({
    monthly: count * HOURS_PER_MONTH * price(r, region),
    basis: `${count > 1 ? `${count} × ` : ""}${what} × ${HOURS_PER_MONTH} h × ${usd(price(r, region))}/h`,
    rows: [r],
});
const sum = (...parts: Priced[]): Priced => ({ monthly: parts.reduce((a, p) => a + p.monthly, 0), basis: parts.map((p) => p.basis).join(" + "), rows: parts.flatMap((p) => p.rows) });
const per = (r: PriceRow, region: string, quantity: number, unit: string): Priced => ({
    monthly: quantity * price(r, region),
    basis: `${quantity} ${unit} × ${usd(price(r, region))}`,
    rows: [r],
});

/** Node count of a replication group: shards × (1 + replicas), as CreateReplicationGroup builds it. */
function cacheNodes(inputs: Record<string, unknown>): number {
    return num(inputs.numNodeGroups, 1) * (1 + num(inputs.replicasPerNodeGroup, 0));
}

/** An instance by its `instanceClass`, around the clock. */
function instanceHours(group: string, engine: string): Rule {
    return (r, region) => {
        const cls = String(r.inputs.instanceClass ?? "");
        const p = row(group, cls);
        return p ? hourly(p, region, 1, cls) : { unpriced: `no price in the table for ${engine} ${cls} (no citable public source found)` };
    };
}

/** A cluster's storage and I/O: [price row, USAGE key] each. */
function clusterStorage(engine: string, storage: [string, string], io: [string, string]): Rule {
    return (_r, region) => {
        const s = row(storage[0]);
        const i = row(io[0]);
        if (!s || !i) return { unpriced: `no ${engine} storage or I/O price` };
        return sum(per(s, region, usage(storage[1]), "GB-month"), per(i, region, usage(io[1]), "million I/O"));
    };
}

/** A resource priced only by the usage the table assumes for it: one row times one USAGE figure. */
function byUsage(group: string, usageKey: string, unit: string): Rule {
    return (_r, region) => {
        const p = row(group);
        return p ? per(p, region, usage(usageKey), unit) : { unpriced: `no ${group} price` };
    };
}

const RULES: Readonly<Record<string, Rule>> = {
    "aws:rds/clusterInstance:ClusterInstance": instanceHours("auroraPostgres", "Aurora PostgreSQL"),
    "aws:rds/cluster:Cluster": clusterStorage("Aurora", ["auroraStorageGbMonth", "auroraStorageGb"], ["auroraIoMillion", "auroraIoMillionPerMonth"]),
    "aws:docdb/clusterInstance:ClusterInstance": instanceHours("documentdbInstance", "DocumentDB"),
    "aws:docdb/cluster:Cluster": clusterStorage("DocumentDB", ["documentdbStorageGbMonth", "documentdbStorageGb"], ["documentdbIoMillion", "documentdbIoMillionPerMonth"]),
    "aws:elasticache/replicationGroup:ReplicationGroup": (r, region) => {
        const type = String(r.inputs.nodeType ?? "");
        const p = row("elasticacheNode", type);
        return p ? hourly(p, region, cacheNodes(r.inputs), type) : { unpriced: `no price in the table for ElastiCache ${type || "(the global datastore's node type)"} (no citable public source found)` };
    },
    "aws:msk/cluster:Cluster": (r, region) => {
        const info = (r.inputs.brokerNodeGroupInfo ?? {}) as { instanceType?: string; storageInfo?: { ebsStorageInfo?: { volumeSize?: number } } };
        const type = String(info.instanceType ?? "");
        const brokers = num(r.inputs.numberOfBrokerNodes, 1);
        const broker = row("mskBroker", type);
        const storage = row("mskStorageGbMonth");
        if (!broker || !storage) return { unpriced: `no price for MSK ${type}` };
        return sum(hourly(broker, region, brokers, type), per(storage, region, brokers * num(info.storageInfo?.ebsStorageInfo?.volumeSize), "GB-month of broker storage"));
    },
    "aws:opensearch/domain:Domain": (r, region) => {
        const c = (r.inputs.clusterConfig ?? {}) as { instanceType?: string; instanceCount?: number; dedicatedMasterEnabled?: boolean; dedicatedMasterType?: string; dedicatedMasterCount?: number };
        const ebs = (r.inputs.ebsOptions ?? {}) as { volumeSize?: number };
        const data = row("opensearchInstance", String(c.instanceType));
        const storage = row("opensearchGp3GbMonth");
        if (!data || !storage) return { unpriced: `no price for OpenSearch ${c.instanceType}` };
        const parts = [hourly(data, region, num(c.instanceCount, 1), String(c.instanceType)), per(storage, region, num(c.instanceCount, 1) * num(ebs.volumeSize), "GB-month gp3")];
        if (c.dedicatedMasterEnabled) {
            const master = row("opensearchInstance", String(c.dedicatedMasterType));
            if (!master) return { unpriced: `no price for OpenSearch master ${c.dedicatedMasterType}` };
            parts.push(hourly(master, region, num(c.dedicatedMasterCount, 3), `${c.dedicatedMasterType} (master)`));
        }
        return sum(...parts);
    },
    "eks:index:Cluster": (_r, region) => {
        const p = row("eksClusterHour");
        return p ? hourly(p, region, 1, "EKS cluster") : { unpriced: "no EKS price" };
    },
    "aws:eks/nodeGroup:NodeGroup": (r, region) => {
        const type = String((r.inputs.instanceTypes as string[] | undefined)?.[0] ?? "");
        const count = num((r.inputs.scalingConfig as { desiredSize?: number } | undefined)?.desiredSize, 1);
        const p = row("ec2Instance", type);
        return p ? hourly(p, region, count, type) : { unpriced: `no price for EC2 ${type}` };
    },
    "aws:ec2/natGateway:NatGateway": (_r, region) => {
        const h = row("natGatewayHour");
        const gb = row("natGatewayGb");
        if (!h || !gb) return { unpriced: "no NAT gateway price" };
        return sum(hourly(h, region, 1, "NAT gateway"), per(gb, region, usage("natGbPerGatewayMonth"), "GB processed"));
    },
    "aws:ec2/eip:Eip": (_r, region) => {
        const p = row("publicIpv4Hour");
        return p ? hourly(p, region, 1, "public IPv4 address") : { unpriced: "no public IPv4 price" };
    },
    "aws:ec2/vpcEndpoint:VpcEndpoint": (r, region) => {
        if (r.inputs.vpcEndpointType !== "Interface") return { monthly: 0, basis: "gateway endpoint: no charge", rows: [] };
        const azs = (r.inputs.subnetIds as unknown[] | undefined)?.length ?? 1;
        const h = row("vpcInterfaceEndpointAzHour");
        const gb = row("vpcInterfaceEndpointGb");
        if (!h || !gb) return { unpriced: "no interface endpoint price" };
        return sum(hourly(h, region, azs, "AZ"), per(gb, region, usage("interfaceEndpointGbPerEndpointMonth"), "GB processed"));
    },
    "aws:ec2transitgateway/vpcAttachment:VpcAttachment": (_r, region) => tgwAttachment(region),
    "aws:ec2transitgateway/peeringAttachment:PeeringAttachment": (_r, region) => tgwAttachment(region),
    "aws:lb/loadBalancer:LoadBalancer": (_r, region) => {
        const h = row("albHour");
        const lcu = row("albLcuHour");
        if (!h || !lcu) return { unpriced: "no load balancer price" };
        return sum(hourly(h, region, 1, "ALB"), hourly(lcu, region, usage("albLcuAverage"), "LCU"));
    },
    "aws:kms/key:Key": (_r, region) => monthly("kmsKeyMonth", region, 1, "key"),
    "aws:secretsmanager/secret:Secret": (r, region) => {
        const replicas = (r.inputs.replicas as unknown[] | undefined)?.length ?? 0;
        return monthly("secretMonth", region, 1 + replicas, replicas > 0 ? `secrets (1 + ${replicas} replica${replicas === 1 ? "" : "s"})` : "secret");
    },
    "aws:route53/zone:Zone": (_r, region) => monthly("route53HostedZoneMonth", region, 1, "hosted zone"),
    "aws:route53/healthCheck:HealthCheck": (r, region) => {
        const base = monthly("route53HealthCheckMonth", region, 1, "health check");
        const features = [/HTTPS/.test(String(r.inputs.type ?? "")), /_STR_MATCH$/.test(String(r.inputs.type ?? "")), num(r.inputs.requestInterval, 30) < 30, r.inputs.measureLatency === true].filter(Boolean).length;
        if ("unpriced" in base || features === 0) return base;
        const extra = monthly("route53HealthCheckOptionalFeatureMonth", region, features, "optional feature(s) (HTTPS, string match, 10 s interval, latency)");
        return "unpriced" in extra ? base : sum(base, extra);
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": (r, region) => (num(r.inputs.period, 60) < 60 ? monthly("cloudwatchHighResAlarmMonth", region, 1, "high-resolution alarm") : monthly("cloudwatchAlarmMonth", region, 1, "alarm")),
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": (_r, region) => monthly("cloudwatchCompositeAlarmMonth", region, 1, "composite alarm"),
    "aws:cloudwatch/dashboard:Dashboard": (_r, region) => monthly("cloudwatchDashboardMonth", region, 1, "dashboard"),
    "aws:synthetics/canary:Canary": (r, region) => {
        const expr = String((r.inputs.schedule as { expression?: string } | undefined)?.expression ?? "");
        const m = /^rate\((\d+) minutes?\)$/.exec(expr);
        const p = row("syntheticsCanaryRun");
        if (!m || !p) return { unpriced: `no run rate for schedule "${expr}"` };
        const runs = Math.round((HOURS_PER_MONTH * 60) / Number(m[1]));
        return per(p, region, runs, "runs");
    },
    "aws:wafv2/webAcl:WebAcl": (r, region) => {
        const acl = row("wafWebAclMonth");
        const rule = row("wafRuleMonth");
        const requests = row("wafRequestsMillion");
        if (!acl || !rule || !requests) return { unpriced: "no WAF price" };
        const rules = (r.inputs.rules as { statement?: { managedRuleGroupStatement?: { name?: string } } }[] | undefined) ?? [];
        const parts = [per(acl, region, 1, "web ACL"), per(rule, region, rules.length, "rules"), per(requests, region, usage("wafRequestsMillionPerMonth"), "million requests")];
        const bot = row("wafBotControlMonth");
        if (bot && rules.some((x) => x.statement?.managedRuleGroupStatement?.name === "AWSManagedRulesBotControlRuleSet")) parts.push(per(bot, region, 1, "Bot Control subscription"));
        return sum(...parts);
    },
    "aws:dynamodb/table:Table": (_r, region) => {
        const w = row("dynamodbWriteMillion");
        const rd = row("dynamodbReadMillion");
        const st = row("dynamodbStorageGbMonth");
        if (!w || !rd || !st) return { unpriced: "no DynamoDB price" };
        return sum(per(w, region, usage("dynamodbWritesMillionPerMonth"), "million writes"), per(rd, region, usage("dynamodbReadsMillionPerMonth"), "million reads"), per(st, region, usage("dynamodbStorageGb"), "GB-month"));
    },
    "aws:dsql/cluster:Cluster": (_r, region) => {
        const dpu = row("auroraDsqlDpuMillion");
        const st = row("auroraDsqlStorageGbMonth");
        if (!dpu || !st) return { unpriced: "no Aurora DSQL price" };
        return sum(per(dpu, region, usage("auroraDsqlDpuMillionPerMonth"), "million DPUs"), per(st, region, usage("auroraDsqlStorageGb"), "GB-month"));
    },
    "aws:s3/bucket:Bucket": byUsage("s3StandardGbMonth", "s3StoredGbPerBucket", "GB-month Standard"),
    "aws:backup/vault:Vault": byUsage("backupWarmGbMonth", "backupWarmGb", "GB-month warm backup"),
    "aws:cloudfront/distribution:Distribution": byUsage("cloudfrontDataOutGb", "cloudfrontGbOutPerMonth", "GB out (requests not priced)"),
    "aws:cfg/recorder:Recorder": byUsage("awsConfigItem", "awsConfigItemsPerMonth", "configuration items"),
    "aws:cloudtrail/trail:Trail": byUsage("cloudtrailDataEvents100k", "cloudtrailDataEvents100kPerMonth", "× 100k data events (the first management trail is free)"),
    "aws:scheduler/schedule:Schedule": byUsage("eventbridgeSchedulerMillion", "eventbridgeSchedulerInvocationsMillionPerMonth", "million invocations"),
};

function tgwAttachment(region: string): Priced | { unpriced: string } {
    const h = row("tgwAttachmentHour");
    const gb = row("tgwDataGb");
    if (!h || !gb) return { unpriced: "no Transit Gateway price" };
    return sum(hourly(h, region, 1, "attachment"), per(gb, region, usage("tgwGbPerAttachmentMonth"), "GB processed"));
}

function monthly(group: string, region: string, count: number, what: string): Priced | { unpriced: string } {
    const p = row(group);
    return p ? per(p, region, count, what) : { unpriced: `no ${group} price` };
}

/** Logs the stack ingests and keeps: one usage line per stack with log groups. */
function logsItem(resources: readonly PlannedResource[], region: string): (Priced & { name: string }) | undefined {
    if (!resources.some((r) => r.type === "aws:cloudwatch/logGroup:LogGroup")) return undefined;
    const ingest = row("cloudwatchLogsIngestGb");
    const stored = row("cloudwatchLogsStorageGbMonth");
    if (!ingest || !stored) return undefined;
    return { name: "(the stack's log groups)", ...sum(per(ingest, region, usage("cloudwatchLogsIngestGbPerMonth"), "GB ingested"), per(stored, region, usage("cloudwatchLogsStoredGb"), "GB-month stored")) };
}

/** The estimate of one stack's planned resources. */
export function estimateStack(plan: Pick<StackPlan, "resources" | "outputs">): StackCost & { rows: PriceRow[] } {
    const region = String(plan.outputs.region ?? "us-east-1");
    const items: CostItem[] = [];
    const rows: PriceRow[] = [];
    const unpriced = new Map<string, { count: number; why: string }>();
    const miss = (type: string, why: string) => unpriced.set(`${type}\u0000${why}`, { count: (unpriced.get(`${type}\u0000${why}`)?.count ?? 0) + 1, why });
    for (const r of plan.resources) {
        if (!r.custom && r.type !== "eks:index:Cluster") continue;
        if (r.type === "kubernetes:karpenter.sh/v1:NodePool") {
            miss(r.type, "usage-driven: the nodes Karpenter launches (up to its spec.limits) are not estimated");
            continue;
        }
        if (r.type.startsWith("pulumi:") || r.type.startsWith("kubernetes:") || r.type.startsWith("random:") || r.type.startsWith("kafka:") || NO_CHARGE.has(r.type) || r.type === "aws:cloudwatch/logGroup:LogGroup") continue;
        const rule = RULES[r.type];
        if (!rule) {
            miss(r.type, USAGE_ONLY[r.type] ? `usage only (${USAGE_ONLY[r.type]}), not modelled` : "no price in tools/plan/prices.ts");
            continue;
        }
        const priced = rule(r, region);
        if ("unpriced" in priced) {
            miss(r.type, priced.unpriced);
            continue;
        }
        if (priced.monthly === 0 && priced.rows.length === 0) continue;
        items.push({ type: r.type, name: r.name, monthly: round2(priced.monthly), basis: priced.basis });
        rows.push(...priced.rows);
    }
    const logs = logsItem(plan.resources, region);
    if (logs) {
        items.push({ type: "aws:cloudwatch/logGroup:LogGroup", name: logs.name, monthly: round2(logs.monthly), basis: logs.basis });
        rows.push(...logs.rows);
    }
    items.sort((a, b) => b.monthly - a.monthly || (a.type < b.type ? -1 : a.type > b.type ? 1 : a.name < b.name ? -1 : 1));
    const notPriced = [...unpriced.entries()]
        .map(([k, v]) => ({ type: k.split("\u0000")[0], count: v.count, why: v.why }))
        .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : a.why < b.why ? -1 : 1));
    return { monthly: round2(items.reduce((a, i) => a + i.monthly, 0)), items, notPriced, rows };
}

/** The estimate of every stack, with the delta against a base plan's when given. */
export function estimate(head: readonly StackPlan[], base?: { readonly commit: string; readonly plans: readonly StackPlan[] }): CostReport {
    const stacks: Record<string, StackCost> = {};
    const used = new Map<string, PriceRow>();
    for (const plan of head) {
        const { rows, ...cost } = estimateStack(plan);
        stacks[plan.stack] = cost;
        for (const r of rows) used.set(r.item, r);
    }
    const total = round2(Object.values(stacks).reduce((a, s) => a + s.monthly, 0));
    const report: CostReport = { currency: "USD", total, stacks, assumptions: USAGE, prices: [...used.values()].sort((a, b) => (a.item < b.item ? -1 : 1)) };
    if (!base) return report;
    const before: Record<string, number> = Object.fromEntries(base.plans.map((p) => [p.stack, estimateStack(p).monthly]));
    const names = [...new Set([...Object.keys(stacks), ...Object.keys(before)])].sort();
    const baseTotal = round2(Object.values(before).reduce((a, n) => a + n, 0));
    return {
        ...report,
        base: {
            commit: base.commit,
            total: baseTotal,
            delta: round2(total - baseTotal),
            stacks: Object.fromEntries(names.map((s) => [s, { monthly: before[s] ?? 0, delta: round2((stacks[s]?.monthly ?? 0) - (before[s] ?? 0)) }])),
        },
    };
}

/** "$1,234" (whole dollars), for tables. */
export function dollars(n: number): string {
    return `${n < 0 ? "-" : ""}$${Math.round(Math.abs(n)).toLocaleString("en-US")}`;
}
