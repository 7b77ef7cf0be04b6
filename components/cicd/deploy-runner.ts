/**
 * DeployRunner: the region's in-VPC deploy path. Two CodeBuild projects run ephemeral GitHub
 * Actions runners in the private subnets, `deploy` (the deploy workflow's `pulumi up`) and
 * `preview` (pull requests' `pulumi preview`), each with its own security group, which EksCluster
 * admits to the private API endpoint on 443. The workflow roles that the jobs assume through
 * GitHub's OIDC token get EKS access entries there (admin for deploy, read-only for preview).
 *
 * The runners need a CodeConnections connection to GitHub that a person authorises once in the
 * console (a first-deploy prerequisite), so it is an argument, not a resource.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RegionContext, awsName } from "../common/context";
import { serviceKey } from "../common/kms";
import { DEFAULT_LOG_RETENTION_DAYS, logsPrincipal } from "../common/logs";
import { tagsFor } from "../common/tags";
import { serviceTrustPolicy } from "../common/trust";
import { RUNNER_KINDS, RunnerKind, runnerLabel, runnerProjectName, runnerServicePolicy, webhookFilters } from "./plan";

const SERVICE = "deploy-runner";
const COMPONENT = "deploy-runner";

export interface DeployRunnerArgs {
    /** The stack this component is declared in: region, role, account; names and tags derive from it. */
    readonly context: RegionContext;
    /** The VPC and the private subnets the runners' ENIs go in (they reach the EKS API and the internet through NAT). */
    readonly network: {
        readonly vpcId: pulumi.Input<string>;
        /** The VPC's CIDR: the runners reach the MSK brokers in it (topics as code), nothing else on a store port. */
        readonly vpcCidr: pulumi.Input<string>;
        readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    };
    /** The GitHub repository whose workflows run here, e.g. https://github.com/acme/mall-platform. */
    readonly repositoryUrl: string;
    /** An authorised CodeConnections (GitHub) connection in this region. */
    readonly connectionArn: string;
    /** GitHub account ids (numbers) whose workflow jobs may start a runner (deploy and preview). */
    readonly actorIds: readonly string[];
    /** Days the runners' log group keeps build logs. @default 90 */
    readonly logRetentionDays?: number;
    /** The runner image (a CodeBuild curated image with Node and Docker). @default "aws/codebuild/amazonlinux-x86_64-standard:5.0" */
    readonly image?: string;
}

export class DeployRunner extends pulumi.ComponentResource {
    /** Per runner kind, the security group its builds run with (EksCluster admits it on 443). */
    public readonly securityGroupIds: Record<RunnerKind, pulumi.Output<string>>;
    /** Per runner kind, the CodeBuild project name. */
    public readonly projectNames: Record<RunnerKind, string>;
    /** Per runner kind, the `runs-on` label the workflows use. */
    public readonly labels: Record<RunnerKind, string>;

    constructor(name: string, args: DeployRunnerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mall:cicd:DeployRunner", name, {}, opts);
        const built = buildDeployRunner(this, name, args);
        this.securityGroupIds = built.securityGroupIds;
        this.projectNames = built.projectNames;
        this.labels = built.labels;
        this.registerOutputs({ securityGroupIds: this.securityGroupIds, projectNames: this.projectNames, labels: this.labels });
    }
}

function buildDeployRunner(parent: pulumi.Resource, name: string, args: DeployRunnerArgs) {
    const ctx = args.context;
    const opts = { parent };
    const tags = (nameTag: string) => tagsFor(ctx, SERVICE, COMPONENT, {}, nameTag);
    const logGroupName = `/aws/codebuild/${awsName(ctx, "runners")}`;
    const key = serviceKey(
        `${name}-logs`,
        ctx,
        { service: SERVICE, component: COMPONENT, description: "Deploy runners' build logs", servicePrincipals: [logsPrincipal(ctx.region, ctx.accountId, logGroupName)] },
        parent,
    );
    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-logs`,
        { name: logGroupName, kmsKeyId: key.arn, retentionInDays: args.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS, tags: tags(logGroupName) },
        opts,
    );
    const role = new aws.iam.Role(
        `${name}-role`,
        {
            name: awsName(ctx, "runners"),
            description: "CodeBuild-hosted GitHub Actions runners: logs and VPC ENIs only; jobs assume their own roles through OIDC",
            assumeRolePolicy: serviceTrustPolicy(ctx, "codebuild.amazonaws.com", { sourceAccount: true }),
            tags: tags(awsName(ctx, "runners")),
        },
        opts,
    );
    const subnetArns = pulumi
        .all([pulumi.output(args.network.privateSubnetIds), ctx.accountId])
        .apply(([ids, account]) => ids.map((id) => `arn:aws:ec2:${ctx.region}:${account}:subnet/${id}`));
    const policy = new aws.iam.RolePolicy(
        `${name}-policy`,
        {
            role: role.id,
            policy: pulumi
                .all([logGroup.arn, key.arn, subnetArns, ctx.accountId])
                .apply(([logGroupArn, logKeyArn, arns, accountId]) =>
                    JSON.stringify(runnerServicePolicy({ region: ctx.region, accountId, logGroupArn, logKeyArn, subnetArns: arns, connectionArn: args.connectionArn })),
                ),
        },
        opts,
    );

    const securityGroupIds = {} as Record<RunnerKind, pulumi.Output<string>>;
    const projectNames = {} as Record<RunnerKind, string>;
    const labels = {} as Record<RunnerKind, string>;
    for (const kind of RUNNER_KINDS) {
        const projectName = runnerProjectName(ctx.prefix, ctx.region, kind);
        // No ingress: a runner only calls out (GitHub, the EKS API, AWS endpoints) on HTTP(S), and to
        // its own region's Kafka brokers. It shares the private subnets with the nodes, which other
        // regions' DocumentDB and Valkey admit by CIDR (cross-region writes): its egress is what keeps
        // pull-request code away from every store (DNS to the VPC resolver is not filtered by groups).
        const sg = new aws.ec2.SecurityGroup(
            `${name}-${kind}-sg`,
            {
                vpcId: args.network.vpcId,
                name: awsName(ctx, "runner", kind),
                description: `${kind} runner builds: egress only; the EKS API admits this group on 443`,
                egress: [
                    { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "GitHub, the EKS API, AWS endpoints, packages (HTTPS)" },
                    { protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"], description: "package mirrors (HTTP)" },
                    { protocol: "tcp", fromPort: 9098, toPort: 9098, cidrBlocks: [args.network.vpcCidr], description: "this region's MSK brokers (topics as code, IAM auth)" },
                ],
                tags: tags(awsName(ctx, "runner", kind)),
            },
            opts,
        );
        const project = new aws.codebuild.Project(
            `${name}-${kind}`,
            {
                name: projectName,
                description: `GitHub Actions ${kind} runner for ${ctx.region} (in the VPC: reaches the private EKS API)`,
                serviceRole: role.arn,
                source: { type: "GITHUB", location: args.repositoryUrl, auth: { type: "CODECONNECTIONS", resource: args.connectionArn } },
                artifacts: { type: "NO_ARTIFACTS" },
                environment: {
                    type: "LINUX_CONTAINER",
                    computeType: "BUILD_GENERAL1_MEDIUM",
                    image: args.image ?? "aws/codebuild/amazonlinux-x86_64-standard:5.0",
                    imagePullCredentialsType: "CODEBUILD",
                },
                vpcConfig: { vpcId: args.network.vpcId, subnets: args.network.privateSubnetIds, securityGroupIds: [sg.id] },
                logsConfig: { cloudwatchLogs: { status: "ENABLED", groupName: logGroup.name, streamName: kind } },
                // Longer than the job's timeout, so GitHub cancels (gracefully) before CodeBuild kills an up.
                buildTimeout: 480,
                tags: tags(projectName),
            },
            { parent, dependsOn: [policy] },
        );
        new aws.codebuild.Webhook(
            `${name}-${kind}-webhook`,
            { projectName: project.name, buildType: "BUILD", filterGroups: [{ filters: webhookFilters(kind, args.actorIds).map((f) => ({ ...f })) }] },
            opts,
        );
        securityGroupIds[kind] = sg.id;
        projectNames[kind] = projectName;
        labels[kind] = runnerLabel(projectName);
    }
    return { securityGroupIds, projectNames, labels };
}
