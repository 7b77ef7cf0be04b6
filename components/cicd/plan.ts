/**
 * The in-VPC deploy path (pure): two CodeBuild-hosted GitHub Actions runners per region, one for
 * `pulumi up` (the deploy workflow, production environment) and one for previews (pull requests),
 * the labels the workflows put in `runs-on`, the webhook filters that decide which workflow jobs
 * may start a runner, and the runners' own minimal IAM. No Pulumi imports: tables test it.
 *
 * Why CodeBuild-hosted runners: the EKS API endpoint is private (ARCHITECTURE §3), so whatever
 * runs `pulumi up` for the in-cluster objects must sit in the VPC. CodeBuild starts an ephemeral
 * runner in the private subnets for each queued job, so the workflow steps stay GitHub Actions
 * steps, and nothing long-lived holds credentials.
 */
import { PolicyDocument } from "../common/iam";

export type RunnerKind = "deploy" | "preview";
export const RUNNER_KINDS: readonly RunnerKind[] = ["deploy", "preview"];

/** The workflow (by `name:`) each runner serves; a job of any other workflow starts no build. */
export const RUNNER_WORKFLOWS: Readonly<Record<RunnerKind, string>> = { deploy: "deploy", preview: "pull-request" };

/** The CodeBuild project name of a region's runner: `<project>-<region>-<kind>`. */
export function runnerProjectName(project: string, region: string, kind: RunnerKind): string {
    return `${project}-${region}-${kind}`;
}

/**
 * The `runs-on` label a workflow job uses to get this runner. CodeBuild matches the project name
 * in it; the run id and attempt make the label unique, so a job never lands on another job's runner.
 */
export function runnerLabel(projectName: string): string {
    return `codebuild-${projectName}-\${{ github.run_id }}-\${{ github.run_attempt }}`;
}

export interface WebhookFilter {
    readonly type: "EVENT" | "WORKFLOW_NAME" | "ACTOR_ACCOUNT_ID" | "HEAD_REF";
    readonly pattern: string;
}

/**
 * Which queued workflow jobs may start a runner: jobs named like the runner's own workflow and
 * triggered by the listed GitHub accounts (numeric ids), so a stranger's pull request never gets a
 * machine inside the VPC. A workflow's name is whatever its file says, so this is a first fence
 * only: what a job may DO is decided by the OIDC trust of the role it assumes (README, "Deploying
 * for real": the deploy role trusts only the production environment, which only main may use).
 */
export function webhookFilters(kind: RunnerKind, actorIds: readonly string[]): WebhookFilter[] {
    return [
        { type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" },
        { type: "WORKFLOW_NAME", pattern: `^${RUNNER_WORKFLOWS[kind]}$` },
        { type: "ACTOR_ACCOUNT_ID", pattern: `^(${actorIds.join("|")})$` },
    ];
}

export interface RunnerPolicyInputs {
    readonly region: string;
    readonly accountId: string;
    /** The runner's log group ARN (without `:*`). */
    readonly logGroupArn: string;
    /** The key that encrypts the log group. */
    readonly logKeyArn: string;
    /** The private subnets' ARNs the build ENIs are created in. */
    readonly subnetArns: readonly string[];
    /** The CodeConnections (or older CodeStar Connections) connection the runners reach GitHub through. */
    readonly connectionArn: string;
}

/**
 * The CodeBuild service role's policy: write its own logs, create the ENIs of a VPC build in the
 * private subnets (AWS's documented VPC permissions), and use the GitHub connection (AWS: the
 * project role needs GetConnectionToken and GetConnection on it). Nothing else: a job gets its AWS
 * access by assuming the deploy or preview role through GitHub's OIDC token, so code running on a
 * runner without that token holds no useful credentials.
 */
export function runnerServicePolicy(i: RunnerPolicyInputs): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${i.logGroupArn}:*` },
            { Sid: "LogsKey", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: i.logKeyArn },
            {
                Sid: "VpcBuildNetworking",
                Effect: "Allow",
                Action: ["ec2:CreateNetworkInterface", "ec2:DescribeDhcpOptions", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs"],
                Resource: "*",
            },
            {
                Sid: "GitHubConnection",
                Effect: "Allow",
                Action: i.connectionArn.split(":")[2] === "codestar-connections" ? ["codestar-connections:GetConnectionToken", "codestar-connections:GetConnection"] : ["codeconnections:GetConnectionToken", "codeconnections:GetConnection"],
                Resource: i.connectionArn,
            },
            {
                Sid: "VpcBuildEnis",
                Effect: "Allow",
                Action: "ec2:CreateNetworkInterfacePermission",
                Resource: `arn:aws:ec2:${i.region}:${i.accountId}:network-interface/*`,
                Condition: { StringEquals: { "ec2:AuthorizedService": "codebuild.amazonaws.com" }, ArnEquals: { "ec2:Subnet": i.subnetArns } },
            },
        ],
    };
}

/** The EKS access entry each runner's workflow role gets: admin to deploy, read-only (secrets included, Helm keeps releases there) to preview. */
export const ACCESS_POLICIES: Readonly<Record<RunnerKind, string>> = {
    deploy: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
    preview: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy",
};
