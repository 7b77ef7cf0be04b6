/**
 * AWS's limits on the physical names the program sets, as terraform-provider-aws v6.66.0 (which
 * @pulumi/aws 7.48.0 bridges) validates them, or AWS's documentation where the provider does not.
 * The offline plan's mocks refuse a name outside its limit (tools/plan/mocks.ts), so a name
 * that a longer environment or region pushes past AWS's limit fails the plan, not the first `pulumi up`.
 */
export interface NameLimit {
    /** The Pulumi input holding the name. */
    readonly field: string;
    readonly min?: number;
    readonly max: number;
    /** The provider's pattern, when it has one (as a JS RegExp). */
    readonly pattern?: RegExp;
    /** What the pattern means, in words, for the error message. */
    readonly describe?: string;
    /** Where the rule is: "terraform-provider-aws v6.x.y internal/service/…/….go" or an AWS doc URL. */
    readonly source: string;
}

const TPA = "terraform-provider-aws v6.66.0 internal/service/";

/** RDS/DocumentDB identifier rules (validIdentifier): lowercase letters, digits, hyphens; starts with a letter; no "--"; no trailing "-". */
const LOWER_IDENTIFIER = /^[a-z](?!.*--)(?:[0-9a-z-]*[0-9a-z])?$/;
const LOWER_IDENTIFIER_WORDS =
    "lowercase letters, digits and hyphens, starting with a letter, with no two consecutive hyphens and no trailing hyphen";

/** Final snapshot identifiers (inline in rds/cluster.go and docdb/cluster.go): letters, digits, hyphens; no "--"; no trailing "-". */
const SNAPSHOT_IDENTIFIER = /^(?!.*--)[0-9A-Za-z-]*[0-9A-Za-z]$/;
const SNAPSHOT_IDENTIFIER_WORDS = "letters, digits and hyphens, with no two consecutive hyphens and no trailing hyphen";

/** S3 bucket names (both bucket resources). */
const BUCKET_NAME: NameLimit = {
    field: "bucket",
    min: 3,
    max: 63,
    pattern: /^(?![0-9a-z.-]+--[0-9a-z]+(?:-[0-9a-z]+)+--x-s3$)(?!(?:\d{1,3}\.){3}\d{1,3}$)(?!.*\.\.)[0-9a-z-](?:[0-9a-z.-]*[0-9a-z-])?$/,
    describe: "lowercase letters, digits, periods and hyphens, not starting or ending with a period, no \"..\", not an IP address, not a directory-bucket name",
    source: TPA + "s3/bucket.go (schema StringLenBetween(0, 63) + validBucketName at create)",
};

/** A lowercase RDS/DocumentDB identifier (LOWER_IDENTIFIER) of at most `max` characters. */
function lowerIdentifier(field: string, max: number, source: string): NameLimit {
    return { field, min: 1, max, pattern: LOWER_IDENTIFIER, describe: LOWER_IDENTIFIER_WORDS, source };
}

/** A final snapshot identifier (SNAPSHOT_IDENTIFIER) of at most `max` characters. */
function snapshotIdentifier(field: string, max: number, source: string): NameLimit {
    return { field, min: 1, max, pattern: SNAPSHOT_IDENTIFIER, describe: SNAPSHOT_IDENTIFIER_WORDS, source };
}

export const NAME_LIMITS: Readonly<Record<string, readonly NameLimit[]>> = {
    "aws:opensearch/domain:Domain": [
        {
            field: "domainName",
            min: 3,
            max: 28,
            pattern: /^[a-z][0-9a-z-]{2,27}$/,
            describe: "3-28 lowercase letters, digits and hyphens, starting with a lowercase letter",
            source: TPA + "opensearch/domain.go",
        },
    ],

    "aws:lb/loadBalancer:LoadBalancer": [
        {
            field: "name",
            min: 1,
            max: 32,
            pattern: /^(?!internal-)[0-9A-Za-z](?:[0-9A-Za-z-]*[0-9A-Za-z])?$/,
            describe: "letters, digits and hyphens, not starting or ending with a hyphen, and not starting with \"internal-\"",
            source: TPA + "elbv2/validate.go (validName)",
        },
    ],
    "aws:lb/targetGroup:TargetGroup": [
        {
            field: "name",
            min: 1,
            max: 32,
            pattern: /^[0-9A-Za-z](?:[0-9A-Za-z-]*[0-9A-Za-z])?$/,
            describe: "letters, digits and hyphens, not starting or ending with a hyphen",
            source: TPA + "elbv2/validate.go (validTargetGroupName)",
        },
    ],

    "aws:iam/role:Role": [
        {
            field: "name",
            min: 1,
            max: 64,
            pattern: /^[\w+=,.@-]*$/,
            describe: "letters, digits and _+=,.@-",
            source: TPA + "iam/role.go (validResourceName(roleNameMaxLen) in iam/validate.go)",
        },
    ],
    "aws:iam/rolePolicy:RolePolicy": [
        {
            field: "name",
            min: 1,
            max: 128,
            pattern: /^[\w+=,.@-]*$/,
            describe: "letters, digits and _+=,.@-",
            source: TPA + "iam/role_policy.go (validRolePolicyName)",
        },
    ],

    "aws:lambda/function:Function": [
        {
            field: "name",
            min: 1,
            // The provider accepts a name or (partial) ARN of up to 140 characters, but the function-name part at most 64.
            max: 64,
            pattern: /^(arn:[\w-]+:lambda:)?([a-z]{2}-(?:[a-z]+-){1,2}\d{1}:)?(\d{12}:)?(function:)?([0-9A-Za-z_-]+)(:(\$LATEST|[0-9A-Za-z_-]+))?$/,
            describe: "a function name of letters, digits, hyphens and underscores (at most 64 characters)",
            source: TPA + "lambda/validate.go (validFunctionName)",
        },
    ],

    "aws:elasticache/replicationGroup:ReplicationGroup": [
        {
            field: "replicationGroupId",
            min: 1,
            max: 40,
            pattern: /^[A-Za-z](?!.*--)(?:[0-9A-Za-z-]*[0-9A-Za-z])?$/,
            describe:
                "letters, digits and hyphens, starting with a letter, with no two consecutive hyphens and no trailing hyphen (stored lowercase)",
            source: TPA + "elasticache/replication_group.go (validateReplicationGroupID)",
        },
    ],
    // AWS docs: the provider does not validate the subnet group name.
    "aws:elasticache/subnetGroup:SubnetGroup": [
        {
            field: "name",
            min: 1,
            max: 255,
            pattern: /^[0-9A-Za-z-]+$/,
            describe: "letters, digits and hyphens (stored lowercase)",
            source: "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateCacheSubnetGroup.html",
        },
    ],

    "aws:rds/cluster:Cluster": [
        // Pattern from the provider (validIdentifier has no length check); max from AWS docs (Aurora; Multi-AZ DB clusters allow 52).
        lowerIdentifier("clusterIdentifier", 63, TPA + "rds/validate.go (validIdentifier); max: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html"),
        // Pattern from the provider (no length check); max from AWS docs.
        snapshotIdentifier("finalSnapshotIdentifier", 255, TPA + "rds/cluster.go; max: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBCluster.html"),
    ],
    "aws:rds/clusterInstance:ClusterInstance": [
        // Pattern from the provider (validIdentifier has no length check); max from AWS docs.
        lowerIdentifier("identifier", 63, TPA + "rds/cluster_instance.go (validIdentifier, rds/validate.go); max: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html"),
    ],
    "aws:rds/globalCluster:GlobalCluster": [
        // Pattern from the provider (validIdentifier has no length check); max from AWS docs (CreateGlobalCluster; a rename allows 63).
        lowerIdentifier("globalClusterIdentifier", 255, TPA + "rds/global_cluster.go (validIdentifier, rds/validate.go); max: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateGlobalCluster.html"),
    ],
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": [
        {
            field: "name",
            min: 1,
            max: 255,
            pattern: /^[a-z](?!.*--)(?:[0-9a-z.-]*[0-9a-z.])?$/,
            describe:
                "lowercase letters, digits, periods and hyphens, starting with a letter, with no two consecutive hyphens and no trailing hyphen",
            source: TPA + "rds/validate.go (validParamGroupName)",
        },
    ],
    "aws:rds/subnetGroup:SubnetGroup": [
        {
            field: "name",
            min: 1,
            max: 255,
            pattern: /^(?!default$)[0-9a-z_ .-]+$/,
            describe: "lowercase letters, digits, underscores, spaces, periods and hyphens, and not \"default\"",
            source: TPA + "rds/validate.go (validSubnetGroupName)",
        },
    ],

    "aws:docdb/cluster:Cluster": [
        lowerIdentifier("clusterIdentifier", 63, TPA + "docdb/validate.go (validIdentifier)"),
        // Pattern from the provider (no length check); max from AWS docs.
        snapshotIdentifier("finalSnapshotIdentifier", 255, TPA + "docdb/cluster.go; max: https://docs.aws.amazon.com/documentdb/latest/developerguide/API_DeleteDBCluster.html"),
    ],
    "aws:docdb/clusterInstance:ClusterInstance": [
        lowerIdentifier("identifier", 63, TPA + "docdb/validate.go (validIdentifier)"),
    ],
    "aws:docdb/globalCluster:GlobalCluster": [
        {
            field: "globalClusterIdentifier",
            min: 1,
            max: 255,
            pattern: /^[a-z](?!.*--)[0-9a-z-]*$/,
            describe: "lowercase letters, digits and hyphens, starting with a letter, with no two consecutive hyphens",
            source: TPA + "docdb/validate.go (validGlobalCusterIdentifier)",
        },
    ],
    "aws:docdb/clusterParameterGroup:ClusterParameterGroup": [
        lowerIdentifier("name", 255, TPA + "docdb/validate.go (validParamGroupName)"),
    ],
    "aws:docdb/subnetGroup:SubnetGroup": [
        {
            field: "name",
            min: 1,
            max: 255,
            pattern: /^(?!default$)[ .0-9a-z_-]+$/,
            describe: "lowercase letters, digits, underscores, spaces, periods and hyphens, and not \"default\"",
            source: TPA + "docdb/validate.go (validSubnetGroupName)",
        },
    ],

    "aws:synthetics/canary:Canary": [
        {
            field: "name",
            min: 1,
            max: 255,
            pattern: /^[0-9a-z_-]+$/,
            describe: "lowercase letters, digits, underscores and hyphens",
            source: TPA + "synthetics/canary.go",
        },
    ],

    "aws:msk/cluster:Cluster": [{ field: "clusterName", min: 1, max: 64, source: TPA + "kafka/cluster.go" }],
    // AWS docs: the provider does not validate the replicator name.
    "aws:msk/replicator:Replicator": [
        {
            field: "replicatorName",
            min: 1,
            max: 128,
            pattern: /^[0-9A-Za-z][0-9A-Za-z-]*$/,
            describe: "letters, digits and hyphens, starting with a letter or digit",
            source: "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-msk-replicator.html",
        },
    ],

    "aws:eks/cluster:Cluster": [
        {
            field: "name",
            min: 1,
            max: 100,
            pattern: /^[0-9A-Za-z][0-9A-Za-z_-]*$/,
            describe: "letters, digits, underscores and hyphens, starting with a letter or digit",
            source: TPA + "eks/cluster.go (eks/validate.go)",
        },
    ],
    "aws:eks/nodeGroup:NodeGroup": [{ field: "nodeGroupName", min: 0, max: 63, source: TPA + "eks/node_group.go" }],

    "aws:s3/bucketV2:BucketV2": [BUCKET_NAME],
    "aws:s3/bucket:Bucket": [BUCKET_NAME],

    "aws:sqs/queue:Queue": [
        {
            field: "name",
            min: 1,
            max: 80,
            pattern: /^(?:[0-9A-Za-z_-]{1,80}|[0-9A-Za-z_-]{1,75}\.fifo)$/,
            describe: "1-80 letters, digits, underscores and hyphens, a FIFO queue's ending in \".fifo\"",
            source: TPA + "sqs/queue.go (CustomizeDiff)",
        },
    ],
    "aws:sns/topic:Topic": [
        {
            field: "name",
            min: 1,
            max: 256,
            pattern: /^(?:[0-9A-Za-z_-]{1,256}|[0-9A-Za-z_-]{1,251}\.fifo)$/,
            describe: "1-256 letters, digits, underscores and hyphens, a FIFO topic's ending in \".fifo\"",
            source: TPA + "sns/topic.go (CustomizeDiff)",
        },
    ],

    "aws:cloudwatch/eventRule:EventRule": [
        {
            field: "name",
            min: 1,
            max: 64,
            pattern: /^[0-9A-Za-z_.-]+$/,
            describe: "letters, digits, periods, underscores and hyphens",
            source: TPA + "events/validate.go (validateRuleName)",
        },
    ],
    "aws:cloudwatch/eventTarget:EventTarget": [
        {
            field: "targetId",
            min: 1,
            max: 64,
            pattern: /^[0-9A-Za-z_.-]+$/,
            describe: "letters, digits, periods, underscores and hyphens",
            source: TPA + "events/validate.go (validateTargetID)",
        },
    ],
    "aws:cloudwatch/metricAlarm:MetricAlarm": [{ field: "name", min: 1, max: 255, source: TPA + "cloudwatch/metric_alarm.go" }],
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": [
        { field: "alarmName", min: 0, max: 255, source: TPA + "cloudwatch/composite_alarm.go" },
    ],
    "aws:cloudwatch/dashboard:Dashboard": [
        {
            field: "dashboardName",
            min: 1,
            max: 255,
            pattern: /^[0-9A-Za-z_-]+$/,
            describe: "letters, digits, underscores and hyphens",
            source: TPA + "cloudwatch/dashboard.go (cloudwatch/validate.go)",
        },
    ],
    "aws:cloudwatch/logGroup:LogGroup": [
        {
            field: "name",
            min: 1,
            max: 512,
            pattern: /^[0-9A-Za-z_./#-]+$/,
            describe: "letters, digits and _./#-",
            source: TPA + "logs/validate.go (validLogGroupName)",
        },
    ],
    "aws:cloudwatch/logDeliverySource:LogDeliverySource": [
        { field: "name", min: 1, max: 60, source: TPA + "logs/delivery_source.go" },
    ],
    "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination": [
        { field: "name", min: 1, max: 60, source: TPA + "logs/delivery_destination.go" },
    ],

    "aws:codebuild/project:Project": [
        {
            field: "name",
            min: 1,
            max: 255,
            pattern: /^[0-9A-Za-z][0-9A-Za-z_-]*$/,
            describe: "letters, digits, underscores and hyphens, starting with a letter or digit",
            source: TPA + "codebuild/project.go (ValidProjectName)",
        },
    ],

    "aws:kms/alias:Alias": [
        // Pattern from the provider (no length check); max from AWS docs.
        {
            field: "name",
            min: 1,
            max: 256,
            pattern: /^(?!alias\/aws\/)alias\/[0-9A-Za-z/_-]+$/,
            describe: "\"alias/\" then letters, digits, slashes, underscores and hyphens, not under \"alias/aws/\"",
            source:
                TPA +
                "kms/alias.go (validNameForResource, kms/validate.go); max: https://docs.aws.amazon.com/kms/latest/developerguide/alias-create.html",
        },
    ],

    "aws:secretsmanager/secret:Secret": [
        {
            field: "name",
            min: 1,
            max: 512,
            pattern: /^[0-9A-Za-z/_+=.@-]+$/,
            describe: "letters, digits and /_+=.@-",
            source: TPA + "secretsmanager/secret.go (secretsmanager/validate.go)",
        },
    ],

    "aws:ssm/parameter:Parameter": [{ field: "name", min: 1, max: 2048, source: TPA + "ssm/parameter.go" }],

    "aws:wafv2/webAcl:WebAcl": [
        {
            field: "name",
            min: 1,
            max: 128,
            pattern: /^[0-9A-Za-z_-]+$/,
            describe: "letters, digits, underscores and hyphens",
            source: TPA + "wafv2/web_acl.go",
        },
    ],

    // AWS docs: the provider does not validate the function name.
    "aws:cloudfront/function:Function": [
        {
            field: "name",
            min: 1,
            max: 64,
            pattern: /^[0-9A-Za-z_-]{1,64}$/,
            describe: "letters, digits, underscores and hyphens",
            source: "https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateFunction.html",
        },
    ],
    "aws:cloudfront/originAccessControl:OriginAccessControl": [
        { field: "name", min: 1, max: 64, source: TPA + "cloudfront/origin_access_control.go" },
    ],

    "aws:ec2/securityGroup:SecurityGroup": [
        {
            field: "name",
            min: 0,
            max: 255,
            pattern: /^(?!sg-)/,
            describe: "not starting with \"sg-\"",
            source: TPA + "ec2/vpc_security_group.go",
        },
    ],
    "aws:ec2/launchTemplate:LaunchTemplate": [
        {
            field: "name",
            min: 3,
            max: 125,
            pattern: /^[0-9A-Za-z()./_-]+$/,
            describe: "letters, digits and ()./_-",
            source: "terraform-provider-aws v6.66.0 internal/verify/validate.go (ValidLaunchTemplateName, used by internal/service/ec2/ec2_launch_template.go)",
        },
    ],

    // AWS docs: the provider does not validate the table name.
    "aws:dynamodb/table:Table": [
        {
            field: "name",
            min: 3,
            max: 255,
            pattern: /^[0-9A-Za-z_.-]+$/,
            describe: "letters, digits, underscores, hyphens and periods",
            source: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html",
        },
    ],

    "aws:xray/samplingRule:SamplingRule": [{ field: "ruleName", min: 1, max: 32, source: TPA + "xray/sampling_rule.go" }],

    "aws:backup/vault:Vault": [{ field: "name", min: 2, max: 50, pattern: /^[0-9A-Za-z_-]+$/, describe: "letters, digits, hyphens and underscores", source: TPA + "backup/vault.go" }],
    "aws:backup/selection:Selection": [{ field: "name", min: 1, max: 50, pattern: /^[0-9A-Za-z_.-]+$/, describe: "letters, digits, hyphens, underscores and periods", source: TPA + "backup/selection.go" }],
    // AWS docs: the provider does not validate the plan name (BackupPlanName: 1-200 of -_. and alphanumerics; the console allows 50).
    "aws:backup/plan:Plan": [{ field: "name", min: 1, max: 50, pattern: /^[0-9A-Za-z_.-]+$/, describe: "letters, digits, hyphens, underscores and periods", source: "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupPlan.html" }],

    // AWS's API model: the provider does not validate the group name.
    "aws:xray/group:Group": [
        {
            field: "groupName",
            min: 1,
            max: 32,
            source: "https://docs.aws.amazon.com/xray/latest/api/API_CreateGroup.html (GroupName: 1-32; botocore xray/2016-04-12/service-2.json)",
        },
    ],

    // AWS docs (CreateSchedule: Name 1-64, [0-9a-zA-Z-_.]+).
    "aws:scheduler/schedule:Schedule": [
        {
            field: "name",
            min: 1,
            max: 64,
            pattern: /^[0-9a-zA-Z_.-]+$/,
            describe: "letters, digits, hyphens, underscores and periods",
            source: "https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html",
        },
    ],

    // AWS docs: the provider does not validate the plan name (components/dr/plan.ts PLAN_NAME).
    "aws:arcregionswitch/plan:Plan": [
        {
            field: "name",
            min: 1,
            max: 32,
            pattern: /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$/,
            describe: "letters, digits and inner hyphens",
            source: "https://docs.aws.amazon.com/arc-region-switch/latest/api/API_CreatePlan.html",
        },
    ],
};

/**
 * What is wrong with the physical names `inputs` give a resource of `type`, one message per broken
 * name (naming the field, the value, the limit and its source); empty when every name fits or is
 * not known yet (an unresolved or absent input is AWS's to name).
 */
/**
 * AWS's tag rules, the same for every tagging service (Tagging AWS resources, "Tag naming limits
 * and requirements"): keys 1-128 and values 0-256 Unicode characters of letters, numbers, spaces
 * and `_ . : / = + - @`, and no key starting `aws:`. EC2 (and the VPC and Transit Gateway
 * resources it serves) allows any character in its tags (EC2 user guide, "Tag restrictions"), so
 * its types are held only to the lengths. A placeholder like `<account>` in a Name tag is refused
 * at deploy time elsewhere, so the plan refuses it first.
 */
const ANY_TAG_CHARACTER = /^aws:(ec2|ec2transitgateway|vpc)\//;
export const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export function tagProblems(type: string, resourceName: string, inputs: Readonly<Record<string, unknown>>): string[] {
    const tags = inputs.tags;
    if (!type.startsWith("aws:") || tags === null || typeof tags !== "object") return [];
    const problems: string[] = [];
    const charset = ANY_TAG_CHARACTER.test(type) ? /^[\s\S]*$/ : TAG_CHARACTERS;
    for (const [key, value] of Object.entries(tags as Record<string, unknown>)) {
        if (key.length < 1 || key.length > 128 || !charset.test(key) || key.toLowerCase().startsWith("aws:")) {
            problems.push(`${type} ${resourceName}: tag key "${key}" is not a tag key AWS accepts (1-128 letters, numbers, spaces and _ . : / = + - @, not starting aws:) [AWS tagging guide]`);
        }
        if (typeof value === "string" && (value.length > 256 || !charset.test(value))) {
            problems.push(`${type} ${resourceName}: tag ${key} "${value}" is not a tag value AWS accepts (0-256 letters, numbers, spaces and _ . : / = + - @) [AWS tagging guide]`);
        }
    }
    return problems;
}

export function nameLimitProblems(type: string, resourceName: string, inputs: Readonly<Record<string, unknown>>): string[] {
    const problems: string[] = tagProblems(type, resourceName, inputs);
    for (const limit of NAME_LIMITS[type] ?? []) {
        const value = inputs[limit.field];
        if (typeof value !== "string") continue;
        const min = limit.min ?? 1;
        const tooLong = value.length > limit.max;
        const tooShort = value.length < min;
        const badShape = limit.pattern !== undefined && !limit.pattern.test(value);
        if (!tooLong && !tooShort && !badShape) continue;
        const what = tooLong || tooShort ? `is ${value.length} characters; AWS allows ${min}-${limit.max}` : `is not ${limit.describe ?? `matched by ${String(limit.pattern)}`}`;
        problems.push(`${type} ${resourceName}: ${limit.field} "${value}" ${what}${limit.describe && (tooLong || tooShort) ? ` (${limit.describe})` : ""} [${limit.source}]`);
    }
    return problems;
}
