/**
 * StoreIdentities: each service's identity inside the stores, created by a bootstrap function on
 * every `pulumi up` that changes what they should be (components/identities/plan.ts says what,
 * lambdas/identities does it):
 * - Aurora PostgreSQL: a LOGIN role per Aurora service, member of `rds_iam` (IAM authentication,
 *   no password), with its own schema; created on the writer, replicated by the global database;
 * - Aurora DSQL: a LOGIN role per DSQL service mapped to its IRSA role (`AWS IAM GRANT`), with its
 *   own schema;
 * - DocumentDB: a user per DocumentDB service with `readWrite` on its own database, created with
 *   the password in its own secret and never updated (rotation owns it afterwards);
 * - OpenSearch: a fine-grained access control role per search service over its own indices,
 *   mapped to its IRSA role.
 *
 * The function runs in the private subnets behind its own security group, which the three
 * in-VPC stores admit on their ports (docs/flows.md). It is invoked through `aws.lambda.Invocation`
 * (create-only: a change of the request or of the code replaces the invocation, which invokes
 * again; nothing runs on delete, so removing the component drops no user).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { RegionContext, awsName } from "../common/context";
import { serviceKey } from "../common/kms";
import { DEFAULT_LOG_RETENTION_DAYS, logsPrincipal } from "../common/logs";
import { tagsFor } from "../common/tags";
import { serviceTrustPolicy } from "../common/trust";
import { identitiesRoleName } from "../data/key-users";
import { store } from "../data/plan";
import { bundleLambda } from "../dr/bundle";
import { IDENTITY_STORES, IdentityInputs, IdentityStore, IdentityTargets } from "./plan";
import { identitiesPolicy } from "./policy";

const SERVICE = "identities";
const COMPONENT = "store-identities";
export const IDENTITIES_ENTRY = "lambdas/identities/index.ts";

/** The port of an in-VPC store the function opens (components/data/plan.ts STORES). */
const portOf = (id: IdentityStore): number => store(id).port!;

export interface StoreIdentitiesArgs {
    readonly context: RegionContext;
    readonly network: { readonly vpcId: pulumi.Input<string>; readonly vpcCidr: pulumi.Input<string>; readonly privateSubnetIds: pulumi.Input<string>[] };
    /** The stores' security groups, which admit the function on their ports. */
    readonly storeSecurityGroupIds: Readonly<Record<IdentityStore, pulumi.Input<string>>>;
    /**
     * This region's Aurora member: its cluster endpoint, the database, the master secret (this
     * region's copy), and the global cluster it belongs to (asked who writes before connecting).
     */
    readonly aurora: {
        readonly host: pulumi.Input<string>;
        readonly database: string;
        readonly masterSecretArn: pulumi.Input<string>;
        readonly globalClusterId: pulumi.Input<string>;
        readonly clusterArn: pulumi.Input<string>;
    };
    /** The DSQL cluster this region's services log in to (its own, or the primary's outside the linked pair). */
    readonly dsql: { readonly host: pulumi.Input<string>; readonly region: string; readonly clusterArn: pulumi.Input<string>; readonly clusterId: pulumi.Input<string> };
    readonly docdb: {
        readonly host: pulumi.Input<string>;
        readonly masterSecretArn: pulumi.Input<string>;
        readonly globalClusterId: pulumi.Input<string>;
        readonly clusterArn: pulumi.Input<string>;
    };
    readonly search: { readonly endpoint: pulumi.Input<string>; readonly adminRoleArn: pulumi.Input<string> };
    /** Service → its IRSA role ARN in this region (EksCluster serviceRoleArns). */
    readonly serviceRoleArns: Readonly<Record<string, pulumi.Input<string>>>;
    /** DSQL service → its IRSA role in the other region of the linked pair (set on the secondary that owns the peering). @default {} */
    readonly peerDsqlRoleArns?: Readonly<Record<string, pulumi.Input<string>>>;
    /**
     * What must exist before the function runs: the stores' instances (a cluster endpoint answers
     * only once an instance does), the DSQL peering, the OpenSearch domain. @default []
     */
    readonly storesReady?: readonly pulumi.Resource[];
    /** Service → its DocumentDB secret (this region's copy). */
    readonly docdbSecretArns: Readonly<Record<string, pulumi.Input<string>>>;
    /** The key the secrets above are encrypted with here. */
    readonly secretsKeyArn: pulumi.Input<string>;
    /** @default DEFAULT_LOG_RETENTION_DAYS (90) */
    readonly logRetentionDays?: number;
}

export class StoreIdentities extends pulumi.ComponentResource {
    public readonly functionName: pulumi.Output<string>;
    public readonly securityGroupId: pulumi.Output<string>;
    /** What the last invocation changed, per store (JSON; no secret values). */
    public readonly report: pulumi.Output<string>;

    constructor(name: string, args: StoreIdentitiesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mall:identities:StoreIdentities", name, {}, opts);
        const ctx = args.context;
        const parent = this;
        const tags = (nameTag: string) => tagsFor(ctx, SERVICE, COMPONENT, {}, nameTag);
        // The OpenSearch master role trusts this name (components/data/search.ts).
        const fnName = identitiesRoleName(ctx.prefix, ctx.region);
        const logGroupName = `/aws/lambda/${fnName}`;

        // No ingress. Egress on exactly the ports it uses: the function shares the private subnets
        // that other regions' DocumentDB and Valkey admit by CIDR, so DocumentDB's port is open only
        // towards this VPC and Valkey's not at all (docs/flows.md).
        const sg = new aws.ec2.SecurityGroup(
            `${name}-sg`,
            {
                vpcId: args.network.vpcId,
                description: "Identities bootstrap: opens Aurora, DocumentDB and OpenSearch",
                revokeRulesOnDelete: true,
                egress: [
                    { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "OpenSearch, Secrets Manager and STS (interface endpoints or NAT)" },
                    { protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["0.0.0.0/0"], description: "this region's Aurora, and DSQL's public endpoint through NAT" },
                    { protocol: "tcp", fromPort: 27017, toPort: 27017, cidrBlocks: [args.network.vpcCidr], description: "this region's DocumentDB" },
                ],
                tags: tags(awsName(ctx, "identities")),
            },
            { parent },
        );
        const admissions = IDENTITY_STORES.map(
            (id) =>
                new aws.vpc.SecurityGroupIngressRule(
                    `${name}-into-${id}`,
                    {
                        securityGroupId: args.storeSecurityGroupIds[id],
                        description: "the identities bootstrap creates the services' users",
                        ipProtocol: "tcp",
                        fromPort: portOf(id),
                        toPort: portOf(id),
                        referencedSecurityGroupId: sg.id,
                        tags: tags(awsName(ctx, "identities", id)),
                    },
                    { parent },
                ),
        );

        const key = serviceKey(
            `${name}-logs`,
            ctx,
            { service: SERVICE, component: COMPONENT, description: "Identities bootstrap logs", servicePrincipals: [logsPrincipal(ctx.region, ctx.accountId, logGroupName)] },
            parent,
        );
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { name: logGroupName, kmsKeyId: key.arn, retentionInDays: args.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS, tags: tags(logGroupName) }, { parent });
        const role = new aws.iam.Role(
            `${name}-role`,
            { name: fnName, description: "The identities bootstrap: reads the master secrets, creates the services' users", assumeRolePolicy: serviceTrustPolicy(ctx, "lambda.amazonaws.com", { sourceAccount: true }), tags: tags(fnName) },
            { parent },
        );
        const policy = new aws.iam.RolePolicy(
            `${name}-policy`,
            {
                role: role.id,
                policy: pulumi
                    .all([
                        pulumi.output(ctx.accountId),
                        logGroup.arn,
                        pulumi.all([args.aurora.masterSecretArn, args.docdb.masterSecretArn, ...Object.values(args.docdbSecretArns)]),
                        args.secretsKeyArn,
                        args.dsql.clusterArn,
                        args.search.adminRoleArn,
                        pulumi.all([args.aurora.globalClusterId, args.docdb.globalClusterId]),
                    ])
                    .apply(([account, logGroupArn, secretArns, secretsKeyArn, dsqlClusterArn, searchAdminRoleArn, globalClusterIds]) =>
                        JSON.stringify(identitiesPolicy({ region: ctx.region, account, logGroupArn, secretArns, secretsKeyArn, dsqlClusterArn, searchAdminRoleArn, globalClusterIds })),
                    ),
            },
            { parent },
        );
        // Where the stores are lives in the function's environment, set here; the event only says
        // which role and secret are each service's, and the function checks even that (plan.ts).
        const targets: pulumi.Output<IdentityTargets> = pulumi
            .all([
                pulumi.all([args.aurora.host, args.aurora.masterSecretArn, args.aurora.globalClusterId, args.aurora.clusterArn]),
                pulumi.all([args.dsql.host, args.dsql.clusterId]),
                pulumi.all([args.docdb.host, args.docdb.masterSecretArn, args.docdb.globalClusterId, args.docdb.clusterArn]),
                pulumi.all([args.search.endpoint, args.search.adminRoleArn]),
            ])
            .apply(([aurora, dsql, docdb, search]) => ({
                region: ctx.region,
                aurora: { host: aurora[0], port: portOf("aurora"), database: args.aurora.database, masterSecretArn: aurora[1], globalClusterId: aurora[2], clusterArn: aurora[3] },
                dsql: { host: dsql[0], region: args.dsql.region, clusterId: dsql[1] },
                docdb: { host: docdb[0], port: portOf("docdb"), masterSecretArn: docdb[1], globalClusterId: docdb[2], clusterArn: docdb[3] },
                search: { endpoint: search[0], adminRoleArn: search[1] },
            }));
        const targetsJson = targets.apply((t) => JSON.stringify(t));
        const bundle = bundleLambda(IDENTITIES_ENTRY);
        const fn = new aws.lambda.Function(
            `${name}-function`,
            {
                name: fnName,
                description: "Creates each service's identity in Aurora, DSQL, DocumentDB and OpenSearch if absent; never resets a password",
                runtime: "nodejs22.x",
                architectures: ["arm64"],
                handler: "index.handler",
                code: bundle.archive,
                role: role.arn,
                timeout: 300,
                memorySize: 512,
                vpcConfig: { subnetIds: args.network.privateSubnetIds, securityGroupIds: [sg.id] },
                environment: { variables: { IDENTITY_TARGETS: targetsJson, NAME_PREFIX: ctx.prefix } },
                loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
                tags: tags(fnName),
            },
            { parent, dependsOn: [policy, logGroup] },
        );

        const event: pulumi.Output<IdentityInputs> = pulumi
            .all([pulumi.all(args.serviceRoleArns), pulumi.all(args.peerDsqlRoleArns ?? {}), pulumi.all(args.docdbSecretArns)])
            .apply(([serviceRoleArns, peerDsqlRoleArns, docdbSecretArns]) => ({ serviceRoleArns, peerDsqlRoleArns, docdbSecretArns }));
        const invocation = new aws.lambda.Invocation(
            `${name}-run`,
            {
                functionName: fn.name,
                input: event.apply((e) => JSON.stringify(e)),
                // A new build of the function, or new targets, runs again even when the event is unchanged.
                triggers: { code: bundle.sha256, targets: targetsJson.apply((t) => createHash("sha256").update(t).digest("hex")) },
                lifecycleScope: "CREATE_ONLY",
            },
            // The stores must exist, answer and admit the function before it runs.
            { parent, dependsOn: [fn, ...admissions, ...(args.storesReady ?? [])] },
        );
        this.functionName = fn.name;
        this.securityGroupId = sg.id;
        this.report = invocation.result;
        this.registerOutputs({ functionName: this.functionName, securityGroupId: this.securityGroupId, report: this.report });
    }
}
