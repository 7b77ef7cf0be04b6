/**
 * Pulumi mocks for the offline plan and the tests: realistic ids and ARNs, the invokes the
 * program uses, and StackReference outputs fed from stacks planned earlier. Deterministic (ids are
 * hashes of the resource's type and name), so plans diff cleanly between runs.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { IdentityInputs, firstRunChanges, planIdentities } from "../../components/identities/plan";
import { CLOUDFRONT_ORIGIN_FACING_LIST, hex, managedPrefixListId, mockResourceId } from "./mock-ids";
import { nameLimitProblems } from "./name-limits";
import { PLACEHOLDER_ACCOUNT_ID } from "../../stacks/settings/placeholders";

/** A wire value without Pulumi's secret wrapper (rpc.specialSecretSig), at any depth. */
export function unsecret(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(unsecret);
    if (v && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (o["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270") return unsecret(o.value);
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unsecret(x)]));
    }
    return v;
}

/** The account mock ARNs name when the stack names none: the placeholder the shipped stack files allow. */
export const MOCK_ACCOUNT_ID = PLACEHOLDER_ACCOUNT_ID;

/**
 * The account a stack's plan runs in: the first of its `aws:allowedAccountIds` (the account a real
 * run is pinned to), else the placeholder. Planning a real stack file as if it ran in the
 * documentation account would name that account in every ARN, and the pack would rightly refuse
 * the trusts that name it.
 */
export function planAccountId(allowedAccountIds: string | undefined): string {
    try {
        const ids = JSON.parse(allowedAccountIds ?? "") as unknown;
        if (Array.isArray(ids) && /^\d{12}$/.test(String(ids[0]))) return String(ids[0]);
    } catch {
        // unset or not JSON: the stack's own checks say so
    }
    return MOCK_ACCOUNT_ID;
}

export interface MockContext {
    readonly stack: string;
    readonly region: string;
    /** The AWS account the stack runs in (planAccountId). @default MOCK_ACCOUNT_ID */
    readonly accountId?: string;
    /** Outputs of stacks already planned, by stack name (the last segment of `org/project/stack`). */
    readonly stackOutputs: ReadonlyMap<string, Record<string, unknown>>;
}

type State = Record<string, unknown>;
interface ResourceCall {
    readonly type: string;
    readonly name: string;
    readonly inputs: State;
    readonly id: string;
    readonly region: string;
    readonly account: string;
    readonly arn: (resource: string, opts?: { global?: boolean; service?: string }) => string;
}

function uuid(seed: string): string {
    const h = hex(seed, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Default AZs per region (AWS's published zone counts; Local Zones are opt-in and excluded). */
const AZ_COUNTS: Readonly<Record<string, number>> = {
    "us-east-1": 6,
    "us-east-2": 3,
    "us-west-1": 2,
    "us-west-2": 4,
    "eu-west-1": 3,
    "eu-central-1": 3,
    "ap-northeast-1": 3,
    "ap-northeast-2": 4,
    "ap-southeast-1": 3,
    "ap-southeast-2": 3,
};

/** What `getEngineVersion` answers per parameter group family: the newest version (latest: true) and its major upgrade targets. */
const RDS_ENGINE_VERSIONS: Record<string, { latest: string; majorTargets: string[] }> = {
    "aurora-postgresql16": { latest: "16.8", majorTargets: ["17.4", "17.5"] },
    "aurora-postgresql17": { latest: "17.5", majorTargets: [] },
};

/** The role names AWS gives the service-linked roles the program creates. */
const SERVICE_LINKED_ROLE_NAMES: Record<string, string> = {
    "opensearchservice.amazonaws.com": "AWSServiceRoleForAmazonOpenSearchService",
};

/** Extra output state per resource type (what the provider would compute). */
const EXTRA_STATE: Record<string, (r: ResourceCall) => State> = {
    "aws:kms/key:Key": (r) => ({ keyId: r.id, arn: r.arn(`key/${r.id}`) }),
    "aws:kms/alias:Alias": (r) => ({ arn: r.arn(String(r.inputs.name ?? r.name)) }),
    "aws:iam/role:Role": (r) => ({ name: r.inputs.name ?? r.id, arn: r.arn(`role/${r.inputs.name ?? r.id}`, { global: true }), uniqueId: `AROA${hex(r.id, 17).toUpperCase()}` }),
    "aws:iam/policy:Policy": (r) => ({ arn: r.arn(`policy/${r.inputs.name ?? r.id}`, { global: true }) }),
    "aws:cloudwatch/logGroup:LogGroup": (r) => ({ name: r.inputs.name ?? r.id, arn: r.arn(`log-group:${r.inputs.name ?? r.id}`, { service: "logs" }) }),
    "aws:ec2/vpc:Vpc": (r) => ({ defaultRouteTableId: `rtb-${hex(r.id + "main", 17)}`, defaultSecurityGroupId: `sg-${hex(r.id + "default", 17)}` }),
    "aws:ec2/eip:Eip": (r) => ({ publicIp: `198.51.100.${parseInt(hex(r.id, 2), 16) % 254}` }),
    "aws:ec2/natGateway:NatGateway": (r) => ({ publicIp: `203.0.113.${parseInt(hex(r.id, 2), 16) % 254}` }),
    // Service-linked roles: AWS fixes their name and path from the service (IAM ARNs are global).
    "aws:iam/serviceLinkedRole:ServiceLinkedRole": (r) => {
        const service = String(r.inputs.awsServiceName);
        const name = SERVICE_LINKED_ROLE_NAMES[service] ?? `AWSServiceRoleFor${service.split(".")[0]}`;
        const path = `/aws-service-role/${service}/`;
        return { id: `arn:aws:iam::${r.account}:role${path}${name}`, arn: `arn:aws:iam::${r.account}:role${path}${name}`, name, path, uniqueId: `AROA${hex(r.id, 17).toUpperCase()}` };
    },
    // GlobalData (components/data): identifiers and endpoints the program reads or exports.
    "random:index/randomPassword:RandomPassword": (r) => ({ result: `mock-${hex(r.id + "password", 32)}` }),
    "aws:secretsmanager/secret:Secret": (r) => ({ arn: r.arn(`secret:${r.inputs.name ?? r.id}-${hex(r.id, 6)}`) }),
    // RotateSecret: the provider identifies the rotation by its secret's ARN; a Lambda ARN and one of
    // automaticallyAfterDays (1-1000) or a schedule expression are required (secretRotation.d.ts).
    "aws:secretsmanager/secretRotation:SecretRotation": (r) => {
        const secretId = String(r.inputs.secretId ?? "");
        const rules = (r.inputs.rotationRules ?? {}) as { automaticallyAfterDays?: number; scheduleExpression?: string };
        if (!/^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[\w-]+$/.test(String(r.inputs.rotationLambdaArn ?? ""))) throw new Error(`secret rotation of ${secretId}: rotationLambdaArn "${String(r.inputs.rotationLambdaArn)}" is not a Lambda function ARN`);
        const days = rules.automaticallyAfterDays;
        if ((days === undefined) === (rules.scheduleExpression === undefined)) throw new Error(`secret rotation of ${secretId}: set exactly one of rotationRules.automaticallyAfterDays and scheduleExpression`);
        if (days !== undefined && !(Number.isInteger(days) && days >= 1 && days <= 1000)) throw new Error(`secret rotation of ${secretId}: automaticallyAfterDays ${days} is not 1-1000`);
        return { id: secretId, rotationEnabled: true };
    },
    "aws:rds/globalCluster:GlobalCluster": (r) => ({
        id: r.inputs.globalClusterIdentifier ?? r.id,
        arn: `arn:aws:rds::${r.account}:global-cluster:${r.inputs.globalClusterIdentifier ?? r.id}`,
        engineVersionActual: r.inputs.engineVersion,
        // The global writer endpoint: `<global cluster id>.global-<suffix>.global.rds.amazonaws.com`.
        endpoint: `${r.inputs.globalClusterIdentifier ?? r.id}.global-${hex(r.id, 12)}.global.rds.amazonaws.com`,
    }),
    "aws:rds/cluster:Cluster": (r) => ({
        id: r.inputs.clusterIdentifier ?? r.id,
        arn: r.arn(`cluster:${r.inputs.clusterIdentifier ?? r.id}`),
        endpoint: `${r.inputs.clusterIdentifier ?? r.id}.cluster-${hex(r.id, 12)}.${r.region}.rds.amazonaws.com`,
        readerEndpoint: `${r.inputs.clusterIdentifier ?? r.id}.cluster-ro-${hex(r.id, 12)}.${r.region}.rds.amazonaws.com`,
        clusterResourceId: `cluster-${hex(r.id, 26).toUpperCase()}`,
    }),
    "aws:docdb/globalCluster:GlobalCluster": (r) => ({
        id: r.inputs.globalClusterIdentifier ?? r.id,
        arn: `arn:aws:rds::${r.account}:global-cluster:${r.inputs.globalClusterIdentifier ?? r.id}`,
        engineVersionActual: r.inputs.engineVersion,
    }),
    "aws:docdb/cluster:Cluster": (r) => ({
        id: r.inputs.clusterIdentifier ?? r.id,
        arn: r.arn(`cluster:${r.inputs.clusterIdentifier ?? r.id}`, { service: "rds" }),
        endpoint: `${r.inputs.clusterIdentifier ?? r.id}.cluster-${hex(r.id, 12)}.${r.region}.docdb.amazonaws.com`,
    }),
    "aws:elasticache/replicationGroup:ReplicationGroup": (r) => {
        // The provider's ConflictsWith: RBAC or an AUTH token, never both.
        if (r.inputs.authToken !== undefined && ((r.inputs.userGroupIds as unknown[] | undefined) ?? []).length > 0) throw new Error(`elasticache replication group ${String(r.inputs.replicationGroupId ?? r.id)}: authToken conflicts with userGroupIds`);
        if (((r.inputs.userGroupIds as unknown[] | undefined) ?? []).length > 1) throw new Error(`elasticache replication group ${String(r.inputs.replicationGroupId ?? r.id)}: AWS takes one user group`);
        return {
            id: r.inputs.replicationGroupId ?? r.id,
            arn: r.arn(`replicationgroup:${r.inputs.replicationGroupId ?? r.id}`),
            configurationEndpointAddress: `clustercfg.${r.inputs.replicationGroupId ?? r.id}.${hex(r.id, 6)}.${r.region.replace(/-/g, "")}.cache.amazonaws.com`,
        };
    },
    // RBAC users and groups (CreateUser / CreateUserGroup): ids begin with a letter, hold letters,
    // digits and single hyphens, and do not end with one; 1-2 passwords of 16-128 printable
    // characters without , " / @ (ElastiCache user guide, "Role-Based Access Control"; provider
    // user.go); a group holds a user named default. ARNs: arn:aws:elasticache:<region>:<account>:user:<id>.
    "aws:elasticache/user:User": (r) => {
        const userId = String(r.inputs.userId ?? "");
        if (!/^[a-zA-Z](?:-?[a-zA-Z0-9])*$/.test(userId) || userId.length > 40) throw new Error(`elasticache user: userId "${userId}" must begin with a letter, hold letters, digits and single hyphens, end with neither a hyphen, and be at most 40 characters (tools/plan/mocks.ts)`);
        const engine = String(r.inputs.engine ?? "").toLowerCase();
        if (!["redis", "valkey"].includes(engine)) throw new Error(`elasticache user ${userId}: engine "${String(r.inputs.engine)}" is not redis or valkey`);
        // A secret nested in an input makes the whole input secret on the wire: read through the wrapper.
        const mode = unsecret(r.inputs.authenticationMode) as { type?: string; passwords?: unknown[] } | undefined;
        const passwords = ((mode?.passwords ?? unsecret(r.inputs.passwords) ?? []) as unknown[]).map((p) => String(unsecret(p)));
        if (engine === "valkey" && !(mode?.type === "password" || mode?.type === "iam")) throw new Error(`elasticache user ${userId}: a valkey user authenticates (authenticationMode type password or iam)`);
        if (mode?.type === "password" && (passwords.length < 1 || passwords.length > 2)) throw new Error(`elasticache user ${userId}: a password user has one or two passwords`);
        for (const p of passwords) {
            if (p === "[secret]" || p.length === 0) continue;
            if (p.length < 16 || p.length > 128 || /[,"/@\s]/.test(p)) throw new Error(`elasticache user ${userId}: a password is 16-128 printable characters without , " / @ or spaces`);
        }
        return { id: userId, arn: r.arn(`user:${userId}`), userName: r.inputs.userName };
    },
    "aws:elasticache/userGroup:UserGroup": (r) => {
        const id = String(r.inputs.userGroupId ?? "");
        if (!/^[a-zA-Z](?:-?[a-zA-Z0-9])*$/.test(id) || id.length > 40) throw new Error(`elasticache user group: userGroupId "${id}" must begin with a letter, hold letters, digits and single hyphens, and be at most 40 characters (tools/plan/mocks.ts)`);
        return { id, arn: r.arn(`usergroup:${id}`) };
    },
    "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup": (r) => ({
        // AWS prefixes the suffix with a region-derived tag.
        globalReplicationGroupId: `ldgnf-${r.inputs.globalReplicationGroupIdSuffix ?? r.id}`,
    }),
    "aws:msk/configuration:Configuration": (r) => ({ arn: r.arn(`configuration/${r.inputs.name ?? r.id}/${uuid(r.id)}`, { service: "kafka" }), latestRevision: 1 }),
    "aws:msk/cluster:Cluster": (r) => ({
        arn: r.arn(`cluster/${r.inputs.clusterName ?? r.id}/${uuid(r.id)}-s1`, { service: "kafka" }),
        bootstrapBrokersSaslIam: [1, 2, 3].map((i) => `b-${i}.${r.inputs.clusterName ?? r.id}.${hex(r.id, 6)}.c2.kafka.${r.region}.amazonaws.com:9098`).join(","),
    }),
    // A parameter's id is its name; its ARN drops the name's leading slash after `parameter/`.
    "aws:ssm/parameter:Parameter": (r) => {
        const name = String(r.inputs.name ?? r.name);
        return { id: name, arn: r.arn(`parameter/${name.replace(/^\//, "")}`), version: 1 };
    },
    // Scheduler: id `<group>/<name>`, ARN `schedule/<group>/<name>` (the default group unless named).
    "aws:scheduler/schedule:Schedule": (r) => {
        const group = String(r.inputs.groupName ?? "default");
        const name = String(r.inputs.name ?? r.name);
        return { id: `${group}/${name}`, groupName: group, arn: r.arn(`schedule/${group}/${name}`) };
    },
    // `arn:aws:lambda:<region>:<account>:function:<name>` (unqualified).
    "aws:lambda/function:Function": (r) => ({ arn: r.arn(`function:${String(r.inputs.name ?? r.id)}`), invokeArn: `arn:aws:apigateway:${r.region}:lambda:path/2015-03-31/functions/${r.arn(`function:${String(r.inputs.name ?? r.id)}`)}/invocations`, version: "$LATEST" }),
    // aws_lambda_invocation: id `<function>_<qualifier>_<md5 of result>`; `result` is the function's
    // JSON answer: here the identities bootstrap's report of a first run against empty stores.
    "aws:lambda/invocation:Invocation": (r) => {
        const event = JSON.parse(String(r.inputs.input ?? "{}")) as IdentityInputs;
        const stores = Object.fromEntries(Object.entries(firstRunChanges(planIdentities(event))).map(([store, changes]) => [store, { status: "converged", changes }]));
        const result = JSON.stringify({ region: r.region, stores });
        return { id: `${String(r.inputs.functionName)}_${String(r.inputs.qualifier ?? "$LATEST")}_${createHash("md5").update(result).digest("hex")}`, result };
    },
    // Metric and composite alarms alike: `arn:aws:cloudwatch:<region>:<account>:alarm:<name>`.
    "aws:cloudwatch/metricAlarm:MetricAlarm": (r) => ({ arn: r.arn(`alarm:${String(r.inputs.name ?? r.name)}`) }),
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": (r) => ({ arn: r.arn(`alarm:${String(r.inputs.alarmName ?? r.name)}`) }),
    // Region switch plans are global (control plane in us-east-1): `plan/<name>:<6 characters>`, no
    // region in the ARN (API_Plan's arn pattern); the provider identifies a plan by its ARN.
    "aws:arcregionswitch/plan:Plan": (r) => {
        const arn = `arn:aws:arc-region-switch::${r.account}:plan/${String(r.inputs.name ?? r.name)}:${hex(r.id + "plan", 6)}`;
        return { id: arn, arn };
    },
    // The Kafka provider identifies a topic by its name.
    "kafka:index/topic:Topic": (r) => ({ id: r.inputs.name ?? r.name }),
    "aws:msk/replicator:Replicator": (r) => ({ arn: r.arn(`replicator/${r.inputs.replicatorName ?? r.id}/${uuid(r.id)}`, { service: "kafka" }) }),
    "aws:opensearch/domain:Domain": (r) => ({
        arn: r.arn(`domain/${r.inputs.domainName ?? r.id}`, { service: "es" }),
        endpoint: `vpc-${r.inputs.domainName ?? r.id}-${hex(r.id, 26)}.${r.region}.es.amazonaws.com`,
    }),
    // AWS Backup: a vault's id is its name; a plan's id is a UUID, its version a base64 id;
    // a selection's id is a UUID; the Region settings' id is the region (provider import ids).
    "aws:backup/vault:Vault": (r) => {
        const name = String(r.inputs.name ?? r.id);
        return { id: name, name, arn: `arn:aws:backup:${r.region}:${r.account}:backup-vault:${name}`, recoveryPoints: 0 };
    },
    "aws:backup/plan:Plan": (r) => {
        const id = uuid(r.id + "backup-plan");
        return { id, arn: `arn:aws:backup:${r.region}:${r.account}:backup-plan:${id}`, version: Buffer.from(uuid(r.id + "version")).toString("base64") };
    },
    "aws:backup/selection:Selection": (r) => ({ id: uuid(r.id + "selection") }),
    // A Vault Lock is identified by its vault's name; the provider reads the vault's ARN back.
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration": (r) => {
        const name = String(r.inputs.backupVaultName ?? r.id);
        return { id: name, backupVaultArn: `arn:aws:backup:${r.region}:${r.account}:backup-vault:${name}` };
    },
    "aws:backup/regionSettings:RegionSettings": (r) => ({ id: r.region }),
    "aws:dsql/cluster:Cluster": (r) => {
        const identifier = hex(r.id + "dsql", 26);
        return { identifier, arn: r.arn(`cluster/${identifier}`) };
    },
    "aws:s3/bucket:Bucket": (r) => ({
        id: r.inputs.bucket ?? r.id,
        bucket: r.inputs.bucket ?? r.id,
        arn: `arn:aws:s3:::${r.inputs.bucket ?? r.id}`,
        bucketRegionalDomainName: `${r.inputs.bucket ?? r.id}.s3.${r.region}.amazonaws.com`,
        region: r.region,
    }),
    // The provider identifies an Object Lock configuration by its bucket's name (import id `<bucket>`).
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": (r) => ({ id: String(r.inputs.bucket ?? r.id) }),
    "aws:dynamodb/table:Table": (r) => ({
        id: r.inputs.name ?? r.id,
        name: r.inputs.name ?? r.id,
        arn: r.arn(`table/${r.inputs.name ?? r.id}`),
        streamArn: r.arn(`table/${r.inputs.name ?? r.id}/stream/2025-01-01T00:00:00.000`),
    }),
    "aws:dynamodb/tableReplica:TableReplica": (r) => {
        const table = String(r.inputs.globalTableArn ?? "").split("/")[1] ?? r.id;
        return { arn: r.arn(`table/${table}`) };
    },
    "aws:ec2transitgateway/transitGateway:TransitGateway": (r) => ({
        associationDefaultRouteTableId: `tgw-rtb-${hex(r.id + "assoc", 17)}`,
        ownerId: r.account,
    }),
    // --- edge ---
    // ALB and NLB differ in ARN segment (`app`/`net`), DNS name (ALBs have no `.elb.` label before
    // the region) and the Route 53 alias zone of the region.
    "aws:lb/loadBalancer:LoadBalancer": (r) => {
        const name = String(r.inputs.name ?? r.name);
        const alb = (r.inputs.loadBalancerType ?? "application") === "application";
        return {
            arn: r.arn(`loadbalancer/${alb ? "app" : "net"}/${name}/${hex(r.id, 16)}`, { service: "elasticloadbalancing" }),
            arnSuffix: `${alb ? "app" : "net"}/${name}/${hex(r.id, 16)}`,
            dnsName: alb ? `${name}-${parseInt(hex(r.id, 8), 16)}.${r.region}.elb.amazonaws.com` : `${name}-${hex(r.id, 16)}.elb.${r.region}.amazonaws.com`,
            zoneId: (alb ? ALB_HOSTED_ZONE_IDS : NLB_HOSTED_ZONE_IDS)[r.region] ?? `Z${hex(r.region + (alb ? "app" : "net"), 13).toUpperCase()}`,
        };
    },
    // listener/app/<lb-name>/<lb-id>/<listener-id>; a rule adds /<rule-id> under listener-rule/.
    "aws:lb/listener:Listener": (r) => ({ arn: r.arn(`listener/${lbPath(r.inputs.loadBalancerArn, r.id)}/${hex(r.id, 16)}`, { service: "elasticloadbalancing" }) }),
    "aws:lb/listenerRule:ListenerRule": (r) => {
        const listener = String(r.inputs.listenerArn ?? "").split(":listener/")[1] ?? `app/unknown/${hex(r.id + "lb", 16)}/${hex(r.id + "l", 16)}`;
        return { arn: r.arn(`listener-rule/${listener}/${hex(r.id, 16)}`, { service: "elasticloadbalancing" }) };
    },
    "aws:lb/targetGroup:TargetGroup": (r) => ({
        arn: r.arn(`targetgroup/${String(r.inputs.name ?? r.name)}/${hex(r.id, 16)}`, { service: "elasticloadbalancing" }),
    }),
    "aws:acm/certificate:Certificate": (r) => {
        const names = [String(r.inputs.domainName), ...((r.inputs.subjectAlternativeNames as string[] | undefined) ?? [])];
        return {
            arn: r.arn(`certificate/${uuid(r.id)}`),
            // ACM issues one validation CNAME per name and account, whatever the region: seeded by the name alone.
            domainValidationOptions: [...new Set(names)].map((domainName) => ({
                domainName,
                resourceRecordName: `_${hex(domainName, 32)}.${domainName}.`,
                resourceRecordType: "CNAME",
                resourceRecordValue: `_${hex("value/" + domainName, 32)}.xlfgrmvvlj.acm-validations.aws.`,
            })),
        };
    },
    "aws:route53/zone:Zone": (r) => {
        const zoneId = `Z${hex(r.id, 20).toUpperCase()}`;
        return { zoneId, arn: `arn:aws:route53:::hostedzone/${zoneId}`, nameServers: [0, 1, 2, 3].map((i) => `ns-${parseInt(hex(r.id + i, 3), 16)}.awsdns-${10 + i}.${["com", "net", "org", "co.uk"][i]}`) };
    },
    "aws:route53/record:Record": (r) => ({ fqdn: String(r.inputs.name ?? "").replace(/\.$/, "") }),
    "aws:route53/healthCheck:HealthCheck": (r) => ({ arn: `arn:aws:route53:::healthcheck/${r.id}` }),
    "aws:cloudfront/distribution:Distribution": (r) => ({
        arn: r.arn(`distribution/${r.id}`, { global: true }),
        domainName: `d${hex(r.id, 13)}.cloudfront.net`,
        hostedZoneId: "Z2FDTNDATAQYW2",
        status: "Deployed",
    }),
    // CloudFront Functions are global: arn:aws:cloudfront::<account>:function/<name>; publish=true moves it to LIVE.
    "aws:cloudfront/function:Function": (r) => ({
        arn: r.arn(`function/${String(r.inputs.name ?? r.name)}`, { global: true }),
        etag: `E${hex(r.id, 13).toUpperCase()}`,
        liveStageEtag: r.inputs.publish === false ? "" : `E${hex("live/" + r.id, 13).toUpperCase()}`,
        status: r.inputs.publish === false ? "UNPUBLISHED" : "DEPLOYED",
    }),
    "aws:wafv2/webAcl:WebAcl": (r) => ({ arn: r.arn(`${r.inputs.scope === "REGIONAL" ? "regional" : "global"}/webacl/${String(r.inputs.name ?? r.name)}/${uuid(r.id)}`) }),
    "aws:cloudwatch/logDeliverySource:LogDeliverySource": (r) => ({ arn: r.arn(`delivery-source:${String(r.inputs.name ?? r.name)}`, { service: "logs" }) }),
    "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination": (r) => ({ arn: r.arn(`delivery-destination:${String(r.inputs.name ?? r.name)}`, { service: "logs" }) }),
    // @pulumi/eks v4 Cluster is a multi-language component: under mocks it is one resource, so its
    // outputs (what EksCluster reads) are synthesised here, shaped like the real ones.
    "eks:index:Cluster": (r) => eksClusterState(r),
    "aws:ec2/launchTemplate:LaunchTemplate": (r) => ({ latestVersion: 1, defaultVersion: 1, arn: r.arn(`launch-template/${r.id}`, { service: "ec2" }) }),
    "aws:eks/nodeGroup:NodeGroup": (r) => ({
        arn: r.arn(`nodegroup/${String(r.inputs.clusterName)}/${String(r.inputs.nodeGroupName ?? r.name)}/${uuid(r.id)}`, { service: "eks" }),
        status: "ACTIVE",
    }),
    "aws:eks/addon:Addon": (r) => ({ arn: r.arn(`addon/${String(r.inputs.clusterName)}/${String(r.inputs.addonName)}/${uuid(r.id)}`, { service: "eks" }) }),
    "aws:sqs/queue:Queue": (r) => {
        const name = String(r.inputs.name ?? r.id);
        return { name, arn: r.arn(name, { service: "sqs" }), url: `https://sqs.${r.region}.amazonaws.com/${r.account}/${name}` };
    },
    // AWS gives the accepter the attachment's own id.
    "aws:ec2transitgateway/peeringAttachmentAccepter:PeeringAttachmentAccepter": (r) => ({ id: r.inputs.transitGatewayAttachmentId }),
    // CodeBuild (the in-VPC deploy runners): the provider keeps the project's ARN as its id.
    "aws:codebuild/project:Project": (r) => {
        const arn = `arn:aws:codebuild:${r.region}:${r.account}:project/${String(r.inputs.name ?? r.id)}`;
        return { id: arn, arn, badgeUrl: "" };
    },
    // The webhook CodeBuild registers on the repository: its id is the project name.
    "aws:codebuild/webhook:Webhook": (r) => ({
        id: String(r.inputs.projectName ?? r.id),
        payloadUrl: `https://codebuild.${r.region}.amazonaws.com/webhooks?t=${hex(r.id, 32)}&v=1`,
        url: `https://api.github.com/repos/organization/mall-platform/hooks/${parseInt(hex(r.id, 8), 16) % 1_000_000_000}`,
        secret: hex(`${r.id}/secret`, 40),
    }),
    "aws:sns/topic:Topic": (r) => {
        const name = String(r.inputs.name ?? r.id);
        return { name, arn: `arn:aws:sns:${r.region}:${r.account}:${name}` };
    },
    // --- detection (Security II, S3) ---
    // A detector's id is 32 hex characters; a feature is `<detectorId>/<name>` (the provider's import id).
    "aws:guardduty/detector:Detector": (r) => {
        const id = hex(r.id + "detector", 32);
        return { id, accountId: r.account, arn: r.arn(`detector/${id}`, { service: "guardduty" }) };
    },
    "aws:guardduty/detectorFeature:DetectorFeature": (r) => ({ id: `${String(r.inputs.detectorId)}/${String(r.inputs.name)}` }),
    // Security Hub CSPM: the account resource's id is the account; a subscription's id is its ARN,
    // `arn:aws:securityhub:<region>:<account>:subscription/<standard path>`.
    "aws:securityhub/account:Account": (r) => ({ id: r.account, arn: `arn:aws:securityhub:${r.region}:${r.account}:hub/default`, controlFindingGenerator: r.inputs.controlFindingGenerator ?? "SECURITY_CONTROL" }),
    "aws:securityhub/standardsSubscription:StandardsSubscription": (r) => {
        const standard = String(r.inputs.standardsArn ?? "").split(":standards/")[1] ?? "unknown";
        return { id: `arn:aws:securityhub:${r.region}:${r.account}:subscription/${standard}` };
    },
    "aws:securityhub/findingAggregator:FindingAggregator": (r) => ({ id: `arn:aws:securityhub:${r.region}:${r.account}:finding-aggregator/${uuid(r.id + "aggregator")}` }),
    // AWS Config identifies a recorder, a delivery channel and a recorder status by the recorder's name.
    "aws:cfg/recorder:Recorder": (r) => ({ id: String(r.inputs.name ?? "default") }),
    "aws:cfg/deliveryChannel:DeliveryChannel": (r) => ({ id: String(r.inputs.name ?? "default") }),
    "aws:cfg/recorderStatus:RecorderStatus": (r) => ({ id: String(r.inputs.name ?? "default") }),
    // A trail: `arn:aws:cloudtrail:<home region>:<account>:trail/<name>`, the provider's id.
    "aws:cloudtrail/trail:Trail": (r) => {
        const arn = `arn:aws:cloudtrail:${r.region}:${r.account}:trail/${String(r.inputs.name ?? r.id)}`;
        return { id: arn, arn, homeRegion: r.region };
    },
    "aws:cloudwatch/eventRule:EventRule": (r) => ({ name: r.inputs.name ?? r.id, arn: r.arn(`rule/${String(r.inputs.name ?? r.id)}`, { service: "events" }) }),
};

/** Route 53 hosted zone ids of Application (and Classic) Load Balancers per region (alias targets; AWS General Reference, "Elastic Load Balancing endpoints and quotas"). */
const ALB_HOSTED_ZONE_IDS: Record<string, string> = {
    "us-east-1": "Z35SXDOTRQ7X7K",
    "us-west-2": "Z1H1FL5HABSF5",
    "ap-northeast-2": "ZWKZPGTI48KDX",
};

/** `app/<name>/<id>` of a load balancer ARN (the listener's parent). */
function lbPath(loadBalancerArn: unknown, seed: string): string {
    return String(loadBalancerArn ?? "").split(":loadbalancer/")[1] ?? `app/unknown/${hex(seed + "lb", 16)}`;
}

/** Route 53 hosted zone ids of Network Load Balancers per region (alias targets). */
const NLB_HOSTED_ZONE_IDS: Record<string, string> = {
    "us-east-1": "Z26RNL4JYFTOTI",
    "us-west-2": "Z18D5FSROUN65G",
    "ap-northeast-2": "ZIBE1TIR4HY56",
};

/** CloudFront managed policies: the real, public ids. */
const MANAGED_CACHE_POLICIES: Record<string, string> = {
    "Managed-CachingOptimized": "658327ea-f89d-4fab-a63d-7e88639e58f6",
    "Managed-CachingDisabled": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
};
const MANAGED_ORIGIN_REQUEST_POLICIES: Record<string, string> = {
    "Managed-AllViewerExceptHostHeader": "b689b0a8-53d0-40ab-baf2-68738e2966ac",
};

function eksClusterState(r: ResourceCall): State {
    const name = String(r.inputs.name ?? r.name);
    const oidcId = hex(`${r.id}/${name}/oidc`, 32).toUpperCase();
    const issuer = `oidc.eks.${r.region}.amazonaws.com/id/${oidcId}`;
    const endpoint = `https://${oidcId}.gr7.${r.region}.eks.amazonaws.com`;
    const arn = `arn:aws:eks:${r.region}:${r.account}:cluster/${name}`;
    const ca = Buffer.from(`mock-ca-${name}`).toString("base64");
    const kubeconfig = {
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "kubernetes", cluster: { server: endpoint, "certificate-authority-data": ca } }],
        contexts: [{ name: "aws", context: { cluster: "kubernetes", user: "aws" } }],
        "current-context": "aws",
        users: [
            {
                name: "aws",
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "aws",
                        args: ["eks", "get-token", "--cluster-name", name, "--region", r.region, "--output", "json"],
                    },
                },
            },
        ],
    };
    return {
        kubeconfig,
        kubeconfigJson: JSON.stringify(kubeconfig),
        oidcProviderArn: `arn:aws:iam::${r.account}:oidc-provider/${issuer}`,
        oidcProviderUrl: `https://${issuer}`,
        oidcIssuer: issuer,
        clusterSecurityGroupId: `sg-${hex(`${r.id}/cluster-sg`, 17)}`,
        nodeSecurityGroupId: "",
        eksCluster: { name, arn, endpoint, version: r.inputs.version ?? "1.35", certificateAuthority: { data: ca }, id: name },
    };
}

/** Most recent EKS add-on build per Kubernetes minor (see the getAddonVersion mock). */
export const EKS_ADDON_VERSIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
    coredns: { "1.34": "v1.13.2-eksbuild.7", "1.35": "v1.14.2-eksbuild.4" },
    "kube-proxy": { "1.34": "v1.34.6-eksbuild.2", "1.35": "v1.35.3-eksbuild.2" },
    "vpc-cni": { "1.34": "v1.21.1-eksbuild.3", "1.35": "v1.21.1-eksbuild.3" },
    "aws-ebs-csi-driver": { "1.34": "v1.54.0-eksbuild.1", "1.35": "v1.54.0-eksbuild.1" },
    // The community add-on's builds follow the upstream release (AWS's community add-on page lists v0.7.2-eksbuild.1).
    "metrics-server": { "1.34": "v0.7.2-eksbuild.1", "1.35": "v0.7.2-eksbuild.1" },
};

/** Invoke token -> result. A missing entry fails the plan with a message saying where to add it. */
/**
 * Secrets that already exist in the mocked account, by name → their current SecretString: a plan
 * is a first deploy unless a test says otherwise (e.g. the origin secret's previous rotation step).
 */
export const DEPLOYED_SECRETS = new Map<string, string>();

/** The ARN the mocked account gives an existing secret (AWS appends six random characters). */
export function deployedSecretArn(region: string, name: string, account = MOCK_ACCOUNT_ID): string {
    return `arn:aws:secretsmanager:${region}:${account}:secret:${name}-${hex(name, 6)}`;
}

const INVOKES: Record<string, (inputs: State, ctx: MockContext) => State> = {
    // ListSecrets by name: none exist unless DEPLOYED_SECRETS says so (a first deploy).
    "aws:secretsmanager/getSecrets:getSecrets": (inputs, ctx) => {
        const region = String(inputs.region ?? ctx.region);
        const wanted = ((inputs.filters as { name: string; values: string[] }[] | undefined) ?? []).filter((f) => f.name === "name").flatMap((f) => f.values);
        const names = [...DEPLOYED_SECRETS.keys()].filter((n) => wanted.length === 0 || wanted.includes(n));
        return { id: region, region, arns: names.map((n) => deployedSecretArn(region, n, ctx.accountId)), names, ...(inputs.filters ? { filters: inputs.filters } : {}) };
    },
    "aws:index/getCallerIdentity:getCallerIdentity": (_inputs, ctx) => {
        const account = ctx.accountId ?? MOCK_ACCOUNT_ID;
        return { accountId: account, arn: `arn:aws:iam::${account}:user/offline-plan`, userId: "AIDAOFFLINEPLAN", id: account };
    },
    "aws:index/getRegion:getRegion": (inputs, ctx) => {
        const region = String(inputs.region ?? inputs.name ?? ctx.region);
        return { name: region, region, id: region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
    },
    "aws:index/getPartition:getPartition": () => ({ partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" }),
    "aws:index/getAvailabilityZones:getAvailabilityZones": (inputs, ctx) => {
        const region = String(inputs.region ?? ctx.region);
        // Each region's real count of default (opt-in-not-required) zones, so an azCount a region
        // cannot hold fails here as it would in AWS.
        const letters = ["a", "b", "c", "d", "e", "f"].slice(0, AZ_COUNTS[region] ?? 3);
        return {
            id: region,
            names: letters.map((l) => `${region}${l}`),
            zoneIds: letters.map((_, i) => `${region.replace(/-/g, "").slice(0, 4)}-az${i + 1}`),
            groupNames: letters.map(() => region),
        };
    },
    "aws:ec2/getManagedPrefixList:getManagedPrefixList": (inputs, ctx) => {
        const region = String(inputs.region ?? ctx.region);
        const name = String(inputs.name ?? "");
        const id = managedPrefixListId(region, name);
        if (id === undefined) throw new Error(`the offline plan knows no managed prefix list named "${name}" in ${region} (tools/plan/mock-ids.ts)`);
        const maxEntries = name === CLOUDFRONT_ORIGIN_FACING_LIST ? 55 : 25;
        return { id, name, arn: `arn:aws:ec2:${region}:aws:prefix-list/${id}`, addressFamily: "IPv4", maxEntries, ownerId: "AWS", version: 1, entries: [], tags: {} };
    },
    // ---- EKS add-on versions (components/eks/addons.ts): what `aws eks describe-addon-versions
    // --kubernetes-version <v>` lists first, in AWS's `vX.Y.Z-eksbuild.N` form. The 1.35 CoreDNS and
    // kube-proxy builds are the EKS user guide's 1.35 rows (managing-coredns, managing-kube-proxy);
    // kube-proxy follows the Kubernetes minor; vpc-cni and the EBS CSI driver publish one build for
    // every supported minor (as their tables show), the figures here are stand-ins of that form.
    // An add-on or Kubernetes version not listed fails, as AWS answers no version.
    "aws:eks/getAddonVersion:getAddonVersion": (inputs, ctx) => {
        const addonName = String(inputs.addonName ?? "");
        const kubernetesVersion = String(inputs.kubernetesVersion ?? "");
        const version = EKS_ADDON_VERSIONS[addonName]?.[kubernetesVersion];
        if (!version) {
            throw new Error(
                `the offline plan knows no ${addonName} add-on build for Kubernetes ${kubernetesVersion} (AWS would answer: no versions found); known: ${Object.entries(EKS_ADDON_VERSIONS).map(([a, v]) => `${a} ${Object.keys(v).join("/")}`).join(", ")} (tools/plan/mocks.ts)`,
            );
        }
        return { id: addonName, addonName, kubernetesVersion, mostRecent: inputs.mostRecent ?? false, region: String(inputs.region ?? ctx.region), version };
    },
    // The newest version of the asked family, shaped like DescribeDBEngineVersions through the TF data source.
    "aws:rds/getEngineVersion:getEngineVersion": (inputs, ctx) => {
        const engine = String(inputs.engine);
        const family = String(inputs.parameterGroupFamily ?? "");
        const known = RDS_ENGINE_VERSIONS[family];
        if (engine !== "aurora-postgresql" || !known) {
            throw new Error(`the offline plan knows no ${engine} versions of family "${family}" (tools/plan/mocks.ts RDS_ENGINE_VERSIONS)`);
        }
        const version = String(inputs.version ?? known.latest);
        return {
            id: version,
            engine,
            version,
            versionActual: version,
            versionDescription: `Aurora (PostgreSQL ${version})`,
            engineDescription: "Aurora (PostgreSQL)",
            parameterGroupFamily: family,
            status: "available",
            region: String(inputs.region ?? ctx.region),
            defaultCharacterSet: "",
            exportableLogTypes: ["instance", "postgresql"],
            supportedCharacterSets: [],
            supportedFeatureNames: ["Bedrock", "Lambda", "s3Export", "s3Import"],
            supportedModes: ["provisioned"],
            supportedTimezones: [],
            supportsCertificateRotationWithoutRestart: true,
            supportsGlobalDatabases: true,
            supportsIntegrations: true,
            supportsLimitlessDatabase: false,
            supportsLocalWriteForwarding: true,
            supportsLogExportsToCloudwatch: true,
            supportsParallelQuery: false,
            supportsReadReplica: false,
            validMajorTargets: known.majorTargets,
            validMinorTargets: [],
            validUpgradeTargets: known.majorTargets,
            ...(inputs.latest !== undefined ? { latest: inputs.latest } : {}),
        };
    },
    // A replica of the origin secret (components/edge/origin-secret.ts): the document the primary
    // writes, with a value seeded by the secret's ARN (the mock cannot see the primary's random value).
    "aws:secretsmanager/getSecretVersion:getSecretVersion": (inputs, ctx) => {
        const arn = String(inputs.secretId ?? "");
        if (!/^arn:aws:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/.test(arn)) throw new Error(`getSecretVersion: secretId ${arn} is not a Secrets Manager secret ARN (tools/plan/mocks.ts)`);
        const deployed = [...DEPLOYED_SECRETS.entries()].find(([n]) => arn === deployedSecretArn(String(inputs.region ?? ctx.region), n));
        // 48 alphanumerics, like the generated value (sha1 gives 40 hex digits: two seeds).
        const value = `mock${hex(arn, 40)}${hex(arn + "/2", 4)}`;
        const versionId = uuid(arn + "/version");
        return {
            id: `${arn}|AWSCURRENT`,
            arn,
            secretId: arn,
            region: String(inputs.region ?? ctx.region),
            secretString: deployed ? deployed[1] : JSON.stringify({ epoch: 1, phase: "steady", send: value, accept: [value] }),
            secretBinary: "",
            versionId,
            versionStage: "AWSCURRENT",
            versionStages: ["AWSCURRENT"],
            createdDate: "2026-01-01T00:00:00Z",
        };
    },
    "aws:cloudfront/getCachePolicy:getCachePolicy": (inputs) => {
        const id = byName("cache policy", MANAGED_CACHE_POLICIES, inputs.name);
        return { id, name: inputs.name, etag: hex(id, 14).toUpperCase(), comment: "AWS managed", defaultTtl: 0, maxTtl: 0, minTtl: 0 };
    },
    "aws:cloudfront/getOriginRequestPolicy:getOriginRequestPolicy": (inputs) => {
        const id = byName("origin request policy", MANAGED_ORIGIN_REQUEST_POLICIES, inputs.name);
        return { id, name: inputs.name, etag: hex(id, 14).toUpperCase(), comment: "AWS managed" };
    },
};

function byName(kind: string, table: Record<string, string>, name: unknown): string {
    const id = table[String(name)];
    if (!id) throw new Error(`the offline plan knows no ${kind} named ${String(name)}; known: ${Object.keys(table).join(", ")} (tools/plan/mocks.ts)`);
    return id;
}

/**
 * What the Kubernetes provider answers for an object it created: the id `<namespace>/<name>` (the
 * name alone for a cluster-scoped object), and the server-set metadata (uid, resourceVersion,
 * generation, creationTimestamp) over the declared metadata. A Helm release's id is also
 * `<namespace>/<name>`. Objects the provider would auto-name (no metadata.name) keep the generic id.
 */
function kubernetesState(type: string, inputs: State, seed: string): State {
    if (type === "kubernetes:helm.sh/v3:Release") {
        return inputs.name ? { id: `${String(inputs.namespace ?? "default")}/${String(inputs.name)}` } : {};
    }
    const metadata = (inputs.metadata ?? {}) as Record<string, unknown>;
    if (typeof metadata.name !== "string") return {};
    const id = typeof metadata.namespace === "string" ? `${metadata.namespace}/${metadata.name}` : metadata.name;
    return { id, metadata: { ...metadata, uid: uuid(seed), resourceVersion: String(parseInt(hex(seed, 6), 16)), generation: 1, creationTimestamp: "2026-01-01T00:00:00Z" } };
}

/** The input paths whose string holds a stringified Output (Pulumi's "Calling [toString] on an [Output<T>]" text). */
export function stringifiedOutputs(value: unknown, at = "inputs"): string[] {
    if (typeof value === "string") return value.includes("Calling [toString] on an [Output<T>]") ? [at] : [];
    if (Array.isArray(value)) return value.flatMap((v, i) => stringifiedOutputs(v, `${at}[${i}]`));
    if (value && typeof value === "object") return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => stringifiedOutputs(v, `${at}.${k}`));
    return [];
}

export class PlanMocks implements pulumi.runtime.Mocks {
    constructor(private readonly ctx: MockContext) {}

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: State } {
        if (args.type === "pulumi:pulumi:StackReference") {
            const fqn = String(args.inputs.name ?? args.name);
            const outputs = this.ctx.stackOutputs.get(fqn.split("/").pop() ?? fqn) ?? {};
            return { id: fqn, state: { name: fqn, outputs, secretOutputNames: [] } };
        }
        // An Output interpolated into a string (`${output}`) becomes Pulumi's warning text, which
        // the mocks would carry into a policy, an ARN or a name as if it were a value: refuse it.
        const stringified = stringifiedOutputs(args.inputs);
        if (stringified.length > 0) {
            throw new Error(
                `${args.type} ${args.name} in stack ${this.ctx.stack}: ${stringified.join(", ")} ${stringified.length === 1 ? "holds" : "hold"} a Pulumi Output turned into a string ("Calling [toString] on an [Output<T>]"): build the value with pulumi.interpolate, pulumi.jsonStringify or inside .apply()`,
            );
        }
        // AWS refuses a physical name outside its limits at create time; the plan refuses it first.
        const badNames = nameLimitProblems(args.type, args.name, args.inputs);
        if (badNames.length > 0) throw new Error(`AWS would refuse ${badNames.length === 1 ? "a name" : "names"} in stack ${this.ctx.stack}: ${badNames.join("; ")}`);
        const region = String(args.inputs.region ?? this.ctx.region);
        const seed = `${this.ctx.stack}/${args.type}/${args.name}`;
        const id = args.id || (mockResourceId(this.ctx.stack, args.type, args.name) ?? (args.type === "aws:kms/key:Key" ? uuid(seed) : `${args.name}-${hex(seed, 8)}`));
        const [pkg, mod] = args.type.split(":");
        const service = (mod ?? "").split("/")[0];
        const call: ResourceCall = {
            type: args.type,
            name: args.name,
            inputs: args.inputs,
            id,
            region,
            account: this.ctx.accountId ?? MOCK_ACCOUNT_ID,
            arn: (resource, opts) =>
                `arn:aws:${opts?.service ?? service}:${opts?.global ? "" : region}:${this.ctx.accountId ?? MOCK_ACCOUNT_ID}:${resource}`,
        };
        const state: State = { ...args.inputs, id };
        if (pkg === "aws" && args.custom !== false) {
            const kind = (args.type.split(":")[2] ?? "resource").replace(/[A-Z]/g, (c, i) => (i ? "-" : "") + c.toLowerCase());
            state.arn = call.arn(`${kind}/${id}`);
            if (args.inputs.tags) state.tagsAll = args.inputs.tags;
        }
        if (pkg === "kubernetes" && args.custom !== false) Object.assign(state, kubernetesState(args.type, args.inputs, seed));
        Object.assign(state, EXTRA_STATE[args.type]?.(call) ?? {});
        // EXTRA_STATE may give the real id shape (a bucket's id is its name, a global cluster's its identifier).
        return { id: args.custom === false ? undefined : String(state.id ?? id), state };
    }

    call(args: pulumi.runtime.MockCallArgs): State {
        const handler = INVOKES[args.token];
        if (!handler) {
            throw new Error(`the offline plan has no mock for invoke ${args.token}; add one to INVOKES in tools/plan/mocks.ts`);
        }
        return handler(args.inputs, this.ctx);
    }
}
