/**
 * What each configuration key does: the one table README.md's configuration block is generated
 * from (tools/readme-block.ts). Defaults are NOT copied here: the readers declare them when they
 * read a key (ConfigReader.reads), so changing a default in code changes the README. A `default`
 * here is only for what a reader cannot know by itself (a default that depends on another key,
 * the environment or the region, or a key with none). test/stacks/config-docs.spec.ts fails when
 * a key is read but not described here, or described but never read.
 */
import { RawConfig } from "./reader";

/** The README groups keys under these, in this order. */
export const CONFIG_SECTIONS = ["stack", "network", "edge", "data", "eks", "dr", "security"] as const;
/** A group of keys in the README table. */
export type ConfigSection = (typeof CONFIG_SECTIONS)[number];

/** Each section's heading in the README and the doc with its details. */
export const SECTION_TITLES: Readonly<Record<ConfigSection, { readonly title: string; readonly doc?: string }>> = {
    stack: { title: "Stack and region registry" },
    network: { title: "Network (`RegionalVpc`)" },
    edge: { title: "Edge and ingress", doc: "docs/edge.md" },
    data: { title: "Data layer (`GlobalData`)", doc: "docs/data.md" },
    eks: { title: "Compute (`EksCluster`)", doc: "docs/eks.md" },
    dr: { title: "DR automation and observability", doc: "docs/dr.md" },
    security: { title: "Audit evidence and retention locks", doc: "docs/security.md" },
};

/** One key's documentation. */
export interface ConfigKeyDoc {
    readonly section: ConfigSection;
    /** One sentence: what the key does and what values it takes. Markdown. */
    readonly description: string;
    /**
     * Only where the reader cannot know it: replaces the reader's default in the table. Markdown.
     * The drift test allows it only for keys whose read default is absent or varies between
     * stacks, so a figure the code knows is never copied here.
     */
    readonly default?: string;
    /** Appended in parentheses to the reader's default, e.g. which profile it comes from. */
    readonly defaultNote?: string;
    /** Where the key belongs when that is not every stack file. */
    readonly where?: "Pulumi.yaml" | "primary only" | "secondaries only";
}

// Every figure the data profile supplies; `small` (mall:dataProfile) has smaller ones.
const PROFILE = "production profile";

/** Every key the readers in stacks/settings read, by name. */
export const CONFIG_KEYS: Readonly<Record<string, ConfigKeyDoc>> = {
    // Stack and region registry
    "mall:regions": {
        section: "stack",
        where: "Pulumi.yaml",
        description: "Production's region registry: region → `{ cidr, role: primary|secondary, asn? }`; exactly one primary, disjoint CIDRs, each big enough for the subnet plan; production's stacks are named after their region.",
    },
    "mall:environments": {
        section: "stack",
        where: "Pulumi.yaml",
        description:
            "The other environments, `{ <env>: { regions, failoverOrder? } }`: each has its own registry (same rules as `mall:regions`) and stacks named `<env>-<region>` that set `mall:environment: <env>`; every physical name they create starts `mall-<env>-`, and each sets its own `mall:domain`.",
    },
    "aws:region": { section: "stack", description: "This stack's region; must be an entry of its environment's registry and match the stack name (`<region>` in production, `<env>-<region>` elsewhere)." },
    "aws:allowedAccountIds": {
        section: "stack",
        description:
            "The AWS provider's own key, the accounts this stack may deploy to: the provider refuses credentials of any other, the policy pack's trusted-assume-role-policies counts them as this organisation's, and only the offline plan accepts the shipped documentation account `123456789012`.",
    },
    "mall:primaryStack": {
        section: "stack",
        where: "secondaries only",
        default: "required on secondaries",
        description: "Fully-qualified primary stack of the secondary's environment, `<org>/mall/<primary region>` (`<org>/mall/<env>-<primary region>` outside production), whose outputs the secondary reads; setting it on the primary is an error, and outside the offline plan so is the placeholder org `organization` (the CI takes the Pulumi org from it).",
    },
    "mall:domain": {
        section: "stack",
        description: "The apex you own (e.g. `acme.com`, not `mall.acme.com`): the site is `mall.<domain>`, the origins `api-internal.<domain>` and `api-<region>.<domain>`; outside the offline plan, RFC 2606/6761 names (`example.com`, `*.test` …) and a domain starting with `mall.` are refused.",
    },
    "mall:accountBaseline": {
        section: "stack",
        description:
            "Which account-wide singletons this stack creates, `{ <singleton>: true|false }` (only one stack per account, or per account and region, may create each, so set `false` where it exists already or another stack owns it, e.g. a second environment in the account); singletons: `openSearchServiceLinkedRole`, the role VPC OpenSearch domains need; `backupRegionSettings`, the region's AWS Backup opt-ins; `guardDuty`, `securityHub` and `configRecorder`, the region's detection (docs/security.md); `cloudTrail` and `securityHubAggregator`, the account's trail and finding aggregator (the primary's).",
    },
    "mall:environment": {
        section: "stack",
        description: "`production`, or an environment declared under `mall:environments` (the stack is then `<env>-<region>`): picks the registry, prefixes physical names (`mall-<env>-…`), tags every resource and decides the defaults of `mall:dataProfile`, `mall:enableAutoFailover`, the drill schedules and the origin ALB's deletion protection.",
    },

    // Network
    "mall:azCount": { section: "network", description: "Availability zones per region (2-6)." },
    "mall:natGateways": {
        section: "network",
        default: "one per AZ (`mall:azCount`)",
        description: "NAT gateways, 1…`mall:azCount`; fewer saves cost, AZs then share NATs round-robin.",
    },
    "mall:subnetPrefix": { section: "network", description: "Prefix length of each tier's subnet per AZ (17-28)." },
    "mall:interfaceEndpoints": {
        section: "network",
        description: "VPC interface endpoints (private DNS, 443 from the VPC only); `ecr.api`, `ecr.dkr`, `sts` and `logs` are required, nodes pull images and get credentials through them without NAT.",
    },

    // Edge and ingress: the ingress keys apply to every stack, the edge (zone, CloudFront, WAF) to the primary.
    "mall:evacuate": {
        section: "edge",
        description: "Takes this region out of `api-internal` latency routing and points its `api-<region>` name (the CloudFront failover origin) at the surviving regions.",
    },
    "mall:healthCheckPath": { section: "edge", description: "Path the origin ALB answers without the origin secret (GET/HEAD only), and that its target group and the region's Route 53 health check request." },
    "mall:healthCheckInterval": {
        section: "edge",
        default: "`10` in production, else `30`",
        description: "Route 53 health-check interval in seconds: 10 (fast, the production default: traffic leaves a lost region within 90 s, about USD 1 a month more per check) or 30 (standard, the default elsewhere).",
    },
    "mall:healthCheckFailureThreshold": { section: "edge", description: "Consecutive failed Route 53 checks before the region counts as unhealthy (1-10)." },
    "mall:healthCheckRegions": { section: "edge", description: "Regions the Route 53 health checkers run from; at least 3." },
    "mall:apiTargetPort": { section: "edge", description: "Port the api-gateway pods listen on: the origin ALB's IP target group and the `TargetGroupBinding` forward to it." },
    "mall:hostedZoneId": {
        section: "edge",
        where: "primary only",
        description: "The public hosted zone of `mall:domain`, created and delegated before the first deploy and required outside the offline plan (certificates cannot validate in the run that creates their zone); unset, the offline plan shows the zone created.",
    },
    "mall:readOnlyApiPaths": {
        section: "edge",
        where: "primary only",
        description: "API sub-trees (`/api/<…>/*`) the API serves with GET/HEAD/OPTIONS only; CloudFront fails them over through the origin group, and every write must live outside them (CloudFront answers other methods with 403).",
    },
    "mall:wafAllowedCountries": {
        section: "edge",
        where: "primary only",
        description: "Viewer countries (ISO 3166-1 alpha-2) the WAF geo rule admits; every other country is blocked.",
    },
    "mall:wafRateLimit": { section: "edge", where: "primary only", description: "Requests per 5 minutes per IP before WAF blocks." },
    "mall:wafBotControl": { section: "edge", where: "primary only", description: "Bot Control: `count` observes, `off` removes the rule." },
    "mall:accessLogRetentionDays": { section: "edge", where: "primary only", description: "Days CloudFront access logs are kept in the logging bucket." },
    "mall:originShieldRegion": { section: "edge", where: "primary only", description: "Where Origin Shield sits in front of the static bucket." },
    "mall:originSecretEpoch": {
        section: "edge",
        where: "primary only",
        description: "Generation of the origin secret (`X-Origin-Verify`) CloudFront sends and the regional ALBs require; bump it with `mall:originSecretPhase` to rotate (docs/edge.md).",
    },
    "mall:originSecretPhase": {
        section: "edge",
        where: "primary only",
        description: "Rotation step of the origin secret: `steady` (one value), `staged` (origins accept the next, CloudFront sends the current), `switched` (CloudFront sends the next); deploy every region after `staged` and after the next `steady`.",
    },

    // Data layer
    "mall:dataProfile": {
        section: "data",
        default: "`production` (`small` outside production)",
        description: "Sizing profile: `production` (the ARCHITECTURE §4 figures) or `small` (cheap test stacks); the keys below override its figures.",
    },
    "mall:auroraEngineVersion": {
        section: "data",
        default: "resolved at deploy: the newest 16.x supporting global databases (the plan prints the line that pins it)",
        description: "Aurora PostgreSQL engine version, 16.x or later (global write forwarding); production stacks pin it (advisory policy `versions-pinned`), secondaries join at the primary's.",
    },
    "mall:auroraWriterClass": { section: "data", defaultNote: PROFILE, description: "Instance class of the Aurora writer in the primary." },
    "mall:auroraReaderClass": { section: "data", defaultNote: PROFILE, description: "Instance class of the Aurora readers." },
    "mall:auroraPrimaryReaders": { section: "data", defaultNote: PROFILE, description: "Aurora readers beside the writer in the primary (0-15)." },
    "mall:auroraSecondaryReaders": { section: "data", defaultNote: PROFILE, description: "Aurora readers in each secondary, which has no writer (1-16)." },
    "mall:docdbInstanceClass": { section: "data", defaultNote: PROFILE, description: "Instance class of the DocumentDB instances." },
    "mall:cacheNodeType": { section: "data", defaultNote: PROFILE, description: "Node type of the ElastiCache Valkey global datastore's clusters." },
    "mall:cacheShards": { section: "data", defaultNote: PROFILE, description: "Shards (node groups) of each Valkey cluster (1-500)." },
    "mall:cacheReplicasPerShard": { section: "data", defaultNote: PROFILE, description: "Replicas per Valkey shard (1-5)." },
    "mall:cacheSnapshotRetentionDays": {
        section: "data",
        defaultNote: PROFILE,
        description: "Days ElastiCache keeps the Valkey clusters' daily snapshots (1-35, AWS's maximum); raise it with the policy `nothing-lost`'s `minBackupRetentionDays` (docs/policies.md).",
    },
    "mall:mskInstanceType": {
        section: "data",
        defaultNote: PROFILE,
        description: "Broker instance type of the MSK cluster; `kafka.t3.*` is rejected (MSK Replicator does not support it).",
    },
    "mall:mskBrokers": {
        section: "data",
        defaultNote: PROFILE,
        description: "MSK brokers, a multiple of `mall:azCount` (MSK spreads brokers evenly over the client subnets); the profile's count is rounded down to one (2 brokers for `small` over 2 AZs).",
    },
    "mall:searchDataInstanceType": { section: "data", defaultNote: PROFILE, description: "Instance type of the OpenSearch data nodes." },
    "mall:searchDataNodes": {
        section: "data",
        defaultNote: PROFILE,
        description: "OpenSearch data nodes (2-80), a multiple of the zones OpenSearch zone awareness spreads them over.",
    },
    "mall:searchDedicatedMasters": {
        section: "data",
        defaultNote: PROFILE,
        description: "OpenSearch dedicated master nodes: 0 (the data nodes elect a master; the deck's lever while search is idle), 3 or 5.",
    },
    "mall:dataLogRetentionDays": { section: "data", defaultNote: PROFILE, description: "Retention of the data stores' log groups, a CloudWatch Logs retention value." },
    "mall:failoverOrder": {
        section: "stack",
        description: "Production's successors of the primary in the order they take over (project-level, beside mall:regions; another environment's is `mall:environments.<env>.failoverOrder`): every secondary once, never the primary; only the first healthy one promotes the stores, the others promote only when every successor before it is down too.",
    },
    "mall:drillSchedules": {
        section: "dr",
        description: "Drills EventBridge Scheduler starts (FIS), `{ <drill>: <schedule expression> }` in UTC (`rate(7 days)`, `cron(0 10 ? * TUE *)`); drills: region-evacuation, inter-region-cut, az-power-interruption, database-failover (the primary only), injected-latency.",
    },
    "mall:drNotifications": {
        section: "dr",
        description: "Who this region's DR topic pages: email addresses (each confirms its subscription) and `https://` endpoints that confirm themselves (PagerDuty's Amazon SNS or Events integration, Opsgenie; a webhook that does not confirm fails the `up`); without one, the advisory policy dr-notifications-subscribed flags a production stack.",
    },
    "mall:dsqlWitnessRegion": {
        section: "data",
        description:
            "Witness region of the DSQL multi-region link between the primary and the first secondary: a third region in their DSQL region set (US, Asia Pacific or Europe, vendored with its source in stacks/settings/dsql-regions.ts), as AWS refuses clusters across sets.",
    },
    "mall:mskOutboundStartingPosition": {
        section: "data",
        description:
            "Where the MSK Replicators this stack owns out of its region start reading, fixed at their creation: `EARLIEST` loses nothing on a fresh install; set `LATEST` before landing on a pair deployed with identical-name replication (docs/data.md \"Events both ways\").",
    },
    "mall:adoptKafkaTopics": {
        section: "data",
        description: "Adopt the spec's topics that already exist in this region's cluster (a Pulumi import) instead of creating them; the import fails, naming the differences, unless they match the spec, and is ignored once they are in the state.",
    },

    // EKS
    "mall:kubernetesVersion": { section: "eks", description: "Kubernetes minor version of the cluster." },
    "mall:eksPublicAccessCidrs": {
        section: "eks",
        description: "IPv4 CIDRs allowed on the public API endpoint; empty turns the public endpoint off, `/0` is rejected.",
    },
    "mall:eksAdminRoleArns": {
        section: "eks",
        description: "IAM role ARNs given cluster-admin through access entries; at least one is required to deploy a production stack (the offline plan does without).",
    },
    "mall:eksBootstrapInstanceType": { section: "eks", description: "Instance type of the bootstrap node group, which is tainted for system pods." },
    "mall:eksBootstrapNodes": { section: "eks", description: "Size of the bootstrap node group (2-10); its maximum is one more, for rolling updates." },
    "mall:eksBootstrapDiskGiB": { section: "eks", description: "Disk of each bootstrap node in GiB (20-1000)." },
    "mall:eksAddonVersions": {
        section: "eks",
        description: "Per-add-on pins of the EKS managed add-on versions (`vX.Y.Z-eksbuild.N`); an unpinned add-on gets EKS's most recent build for the Kubernetes version, which the plan prints with the line to pin it (production stacks pin them all).",
    },
    "mall:eksChartVersions": { section: "eks", description: "Per-chart overrides of the pinned Helm chart versions; karpenter must be 1.x (v1 APIs)." },
    "mall:karpenterAmiAlias": { section: "eks", description: "AMI alias of the Karpenter `EC2NodeClass`: `al2023@latest` or a pinned `al2023@vYYYYMMDD`." },
    "mall:nodePools": { section: "eks", description: "Per-pool `{ cpuLimit, weight }` overrides of the six Karpenter NodePools." },
    "mall:gitopsRepoUrl": {
        section: "eks",
        description: "Git repository ArgoCD's root app-of-apps `Application` syncs; the default is a placeholder that a real production preview/up refuses: set the real repo per stack.",
    },
    "mall:deployRunner": {
        section: "eks",
        description:
            "The in-VPC deploy path (CodeBuild-hosted GitHub Actions runners in the private subnets): `{ repositoryUrl, connectionArn (an authorised CodeConnections connection in this region), deployRoleArn, previewRoleArn, actorIds }`; required to deploy production, whose EKS API is private.",
    },
    "mall:deployPhase": {
        section: "eks",
        description: "`steady`, or `bootstrap` for the very first deploy (no runner yet), run from a workstation admitted through `mall:eksPublicAccessCidrs` for that one run.",
    },
    "mall:gitopsRevision": { section: "eks", description: "Revision of the GitOps repository the root `Application` syncs." },
    "mall:gitopsPath": {
        section: "eks",
        default: "`clusters/<region>`",
        description: "Path inside the GitOps repository the root `Application` syncs.",
    },
    "mall:gitopsCredentialsSecretArn": {
        section: "eks",
        description:
            "A Secrets Manager secret ARN with the GitOps repository's read credentials as JSON (`{sshPrivateKey}` for an ssh URL, `{githubAppID, githubAppInstallationID, githubAppPrivateKey}` or `{username, password}` for https), which becomes ArgoCD's repository secret; unset, the repository is read anonymously.",
    },

    // DR automation and observability
    "mall:enableAutoFailover": {
        section: "dr",
        default: "`true` in production, else `false`",
        description: "Whether a Region loss promotes by itself: each successor's Region switch plan gets a trigger on its decision alarm, and the ElastiCache function acts on that alarm; off, executions and invocations are started by hand only.",
    },
    "mall:failoverDryRun": { section: "dr", description: "The ElastiCache failover function logs and notifies what it would do, and changes nothing (Region switch has no dry run: use a graceful execution in a drill)." },
    "mall:failoverMaxAttempts": {
        section: "dr",
        description: "Attempts per datastore inside one invocation of the ElastiCache failover function before it reports a failure and lets Lambda retry (1-10).",
    },
    "mall:drLogRetentionDays": { section: "dr", description: "Retention of the DR and application log groups, a CloudWatch Logs retention value." },
    "mall:canaryRuntime": { section: "dr", description: "CloudWatch Synthetics runtime of the API canaries (a Node.js runtime: the canary script is Node.js)." },
    "mall:canaryRateMinutes": { section: "dr", description: "Minutes between canary runs (1-60)." },
    "mall:canaryAlarmPeriods": { section: "dr", description: "Consecutive failed canary periods before its alarm fires (1-10)." },
    "mall:traceSamplePercent": { section: "dr", description: "Tail sampling: share of ordinary (fast, successful) traces kept, in percent." },
    "mall:traceLatencyThresholdMs": { section: "dr", description: "Tail sampling: traces slower than this many milliseconds are always kept." },

    // Audit evidence and retention locks
    "mall:auditLogRetentionDays": {
        section: "security",
        description:
            "Retention of every audit-class log group (VPC flow logs, the EKS control plane's audit and authenticator logs, both WAFs' logs, Aurora's connection and DDL log, DocumentDB's and OpenSearch's audit logs), a CloudWatch Logs retention value; production refuses less than 365 (PCI DSS 10.5.1); it replaced `mall:flowLogRetentionDays`, `mall:eksLogRetentionDays` and `mall:wafLogRetentionDays`.",
    },
    "mall:auditArchiveRetentionDays": {
        section: "security",
        description: "Days the audit archive's S3 Object Lock keeps each archived audit record and CloudTrail log; production refuses less than 365.",
    },
    "mall:retentionLock": {
        section: "security",
        default: "`compliance` in production, else `governance`",
        description:
            "How the audit archives' Object Lock and the backup vaults' Vault Lock bind: `compliance` (nobody, not the root user either, shortens or deletes), `governance` (a principal allowed to bypass can), `none`; production is always `compliance`.",
    },
    "mall:backupCopyVaultArn": {
        section: "security",
        description:
            "A backup vault in another account of the organisation, in this stack's region, that every recovery point is also copied into (`arn:aws:backup:<region>:<account>:backup-vault:<name>`): the copy that survives a compromised account; the Aurora, DocumentDB and vault keys are shared with that account (docs/data.md \"Backups\" lists the organisation-side setup).",
    },
    "mall:credentialRotationDays": {
        section: "security",
        description:
            "Days between Secrets Manager rotations of the Aurora and DocumentDB credentials (the masters and each DocumentDB service's user), run in the primary by the credential rotation function; production takes at most 90.",
    },
    "mall:deployerArns": {
        section: "security",
        description:
            "IAM role (or user) ARNs that run `pulumi up` for this stack besides `mall:deployRunner.deployRoleArn` (the bootstrap identity, required with `mall:deployPhase` bootstrap; a break-glass role), which the data keys name as the only principals in the account whose requests let the stores' services create grants (docs/security.md \"Keys that name their users\"); a real run needs at least one deployer.",
    },
};

/**
 * The config the README's defaults are read from: only what every stack must set (a two-region
 * registry and this primary's region and domain), so every other key shows the default a stack
 * gets by leaving it out. One stack suffices: every role reads every key (a secondary reads the
 * primary-only edge keys too, to reject them), which the drift test checks.
 */
export const REFERENCE_CONFIG: { readonly project: string; readonly stack: string; readonly raw: RawConfig } = {
    project: "mall",
    stack: "us-east-1",
    raw: {
        "mall:regions": JSON.stringify({ "us-east-1": { cidr: "10.0.0.0/16", role: "primary" }, "us-west-2": { cidr: "10.1.0.0/16", role: "secondary" } }),
        "aws:region": "us-east-1",
        "mall:domain": "example.com",
    },
};
