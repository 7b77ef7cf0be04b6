/** The in-VPC deploy path: DeployRunner, its planner, its settings, and how EksCluster admits it. */
import * as assert from "assert";
import { DeployRunner } from "../../components/cicd/deploy-runner";
import { ACCESS_POLICIES, runnerLabel, runnerProjectName, runnerServicePolicy, webhookFilters } from "../../components/cicd/plan";
import { EksCluster } from "../../components/eks/eks-cluster";
import { ConfigReader } from "../../stacks/settings/reader";
import { readCicd } from "../../stacks/settings/cicd";
import { Resources, planComponent, testContext } from "../harness";

const NETWORK = { vpcId: "vpc-0abc", vpcCidr: "10.0.0.0/16", privateSubnetIds: ["subnet-a", "subnet-b", "subnet-c"] };
const CONNECTION = "arn:aws:codeconnections:us-east-1:210987654321:connection/4a1b2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";

describe("deploy path: the planner", () => {
    it("names each region's runners and the runs-on label CodeBuild matches", () => {
        assert.strictEqual(runnerProjectName("mall", "us-east-1", "deploy"), "mall-us-east-1-deploy");
        assert.strictEqual(runnerLabel("mall-us-east-1-preview"), "codebuild-mall-us-east-1-preview-${{ github.run_id }}-${{ github.run_attempt }}");
    });

    it("starts a runner only for its own workflow and listed GitHub accounts", () => {
        assert.deepStrictEqual(webhookFilters("deploy", ["1"]), [
            { type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" },
            { type: "WORKFLOW_NAME", pattern: "^deploy$" },
            { type: "ACTOR_ACCOUNT_ID", pattern: "^(1)$" },
        ]);
        assert.deepStrictEqual(webhookFilters("preview", ["583231", "99"]), [
            { type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" },
            { type: "WORKFLOW_NAME", pattern: "^pull-request$" },
            { type: "ACTOR_ACCOUNT_ID", pattern: "^(583231|99)$" },
        ]);
    });

    it("gives the runners' own role its logs, its VPC ENIs and its GitHub connection only: no action a job could deploy with", () => {
        const doc = runnerServicePolicy({ region: "us-east-1", accountId: "210987654321", logGroupArn: "arn:lg", logKeyArn: "arn:key", subnetArns: ["arn:subnet/a"], connectionArn: CONNECTION });
        const actions = doc.Statement.flatMap((s) => (typeof s.Action === "string" ? [s.Action] : [...s.Action]));
        assert.deepStrictEqual(
            actions.filter((a) => !/^(logs:(CreateLogStream|PutLogEvents)|kms:(GenerateDataKey|Decrypt)|ec2:(CreateNetworkInterface|DeleteNetworkInterface|Describe\w+|CreateNetworkInterfacePermission)|codeconnections:GetConnection(Token)?)$/.test(a)),
            [],
        );
        // AWS: the project role needs GetConnectionToken and GetConnection on the connection, or no job starts.
        assert.deepStrictEqual(doc.Statement.find((s) => s.Sid === "GitHubConnection"), {
            Sid: "GitHubConnection",
            Effect: "Allow",
            Action: ["codeconnections:GetConnectionToken", "codeconnections:GetConnection"],
            Resource: CONNECTION,
        });
        const legacy = runnerServicePolicy({ region: "us-east-1", accountId: "1", logGroupArn: "a", logKeyArn: "k", subnetArns: [], connectionArn: "arn:aws:codestar-connections:us-east-1:1:connection/x" });
        assert.deepStrictEqual(legacy.Statement.find((s) => s.Sid === "GitHubConnection")!.Action, ["codestar-connections:GetConnectionToken", "codestar-connections:GetConnection"]);
        const eni = doc.Statement.find((s) => s.Sid === "VpcBuildEnis")!;
        assert.deepStrictEqual(eni.Condition, { StringEquals: { "ec2:AuthorizedService": "codebuild.amazonaws.com" }, ArnEquals: { "ec2:Subnet": ["arn:subnet/a"] } });
    });
});

describe("DeployRunner", () => {
    let res: Resources;
    before(async () => {
        res = await planComponent(() => {
            const r = new DeployRunner("runner", { context: testContext(), network: NETWORK, repositoryUrl: "https://github.com/acme/mall-platform", connectionArn: CONNECTION, actorIds: ["583231"] });
            return { labels: r.labels };
        });
    });

    it("runs a deploy and a preview project in the private subnets, each with its own egress-only group", () => {
        const projects = res.ofType("aws:codebuild/project:Project");
        assert.deepStrictEqual(projects.map((p) => p.inputs.name), ["mall-us-east-1-deploy", "mall-us-east-1-preview"]);
        for (const p of projects) {
            const vpc = p.inputs.vpcConfig as Record<string, unknown>;
            assert.deepStrictEqual([vpc.vpcId, vpc.subnets], ["vpc-0abc", ["subnet-a", "subnet-b", "subnet-c"]]);
            assert.deepStrictEqual(p.inputs.source, { type: "GITHUB", location: "https://github.com/acme/mall-platform", auth: { type: "CODECONNECTIONS", resource: CONNECTION } });
        }
        for (const kind of ["deploy", "preview"]) {
            const sg = res.one("aws:ec2/securityGroup:SecurityGroup", `runner-${kind}-sg`);
            assert.strictEqual(sg.inputs.ingress, undefined, "no ingress");
            // HTTP(S) anywhere and this VPC's Kafka brokers: never a store port (other regions admit the private subnets).
            assert.deepStrictEqual(
                (sg.inputs.egress as Record<string, unknown>[]).map((e) => [e.protocol, e.fromPort, e.toPort, e.cidrBlocks]),
                [
                    ["tcp", 443, 443, ["0.0.0.0/0"]],
                    ["tcp", 80, 80, ["0.0.0.0/0"]],
                    ["tcp", 9098, 9098, ["10.0.0.0/16"]],
                ],
            );
            assert.deepStrictEqual(res.one("aws:codebuild/project:Project", `runner-${kind}`).propertyDependencies.vpcConfig.includes(sg.urn), true);
        }
        assert.deepStrictEqual(res.outputs.labels, {
            deploy: "codebuild-mall-us-east-1-deploy-${{ github.run_id }}-${{ github.run_attempt }}",
            preview: "codebuild-mall-us-east-1-preview-${{ github.run_id }}-${{ github.run_attempt }}",
        });
    });

    it("registers one webhook per runner with its filters, and logs into a KMS-encrypted group", () => {
        const hooks = res.ofType("aws:codebuild/webhook:Webhook");
        assert.deepStrictEqual(hooks.map((h) => [h.inputs.projectName, h.inputs.buildType, (h.inputs.filterGroups as { filters: unknown[] }[])[0].filters.length]), [
            ["mall-us-east-1-deploy", "BUILD", 3],
            ["mall-us-east-1-preview", "BUILD", 3],
        ]);
        const lg = res.one("aws:cloudwatch/logGroup:LogGroup", "runner-logs");
        assert.deepStrictEqual(lg.propertyDependencies.kmsKeyId, [res.one("aws:kms/key:Key", "runner-logs-key").urn]);
        const trust = JSON.parse(String(res.one("aws:iam/role:Role", "runner-role").inputs.assumeRolePolicy));
        assert.deepStrictEqual(trust.Statement[0].Condition, { StringEquals: { "aws:SourceAccount": "123456789012" } });
    });
});

describe("EksCluster admits the runners", () => {
    it("opens the control plane to each runner's group on 443 and gives each workflow role its access policy", async () => {
        const res = await planComponent(() => {
            new EksCluster("eks", {
                context: testContext(),
                network: { ...NETWORK, vpcCidr: "10.0.0.0/16" },
                clusterName: "mall-us-east-1",
                apiClients: [
                    { name: "deploy-runner", securityGroupId: "sg-deploy", roleArn: "arn:aws:iam::210987654321:role/mall-deploy", accessPolicyArn: ACCESS_POLICIES.deploy },
                    { name: "preview-runner", securityGroupId: "sg-preview", roleArn: "arn:aws:iam::210987654321:role/mall-preview", accessPolicyArn: ACCESS_POLICIES.preview },
                ],
            });
        });
        for (const [name, sg] of [["deploy-runner", "sg-deploy"], ["preview-runner", "sg-preview"]]) {
            const rule = res.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `eks-control-plane-from-${name}`);
            assert.deepStrictEqual([rule.inputs.referencedSecurityGroupId, rule.inputs.fromPort, rule.inputs.toPort, rule.inputs.ipProtocol], [sg, 443, 443, "tcp"]);
            assert.deepStrictEqual(rule.propertyDependencies.securityGroupId, [res.one("aws:ec2/securityGroup:SecurityGroup", "eks-cluster-sg").urn]);
        }
        const entries = res.one("eks:index:Cluster", "eks-cluster").inputs.accessEntries as Record<string, any>;
        assert.strictEqual(entries["deploy-runner"].accessPolicies["deploy-runner"].policyArn, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
        assert.strictEqual(entries["preview-runner"].accessPolicies["preview-runner"].policyArn, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy");
        assert.strictEqual(entries["preview-runner"].principalArn, "arn:aws:iam::210987654321:role/mall-preview");
    });
});

describe("deploy path: settings (mall:deployRunner, mall:deployPhase)", () => {
    const runner = {
        repositoryUrl: "https://github.com/acme/mall-platform",
        connectionArn: CONNECTION,
        deployRoleArn: "arn:aws:iam::210987654321:role/mall-deploy",
        previewRoleArn: "arn:aws:iam::210987654321:role/mall-preview",
        actorIds: ["583231"],
    };
    const read = (raw: Record<string, unknown>, ctx: Partial<{ deploying: boolean; environment: string; publicAccessCidrs: string[] }> = {}) => {
        const r = new ConfigReader("us-east-1", Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])));
        const s = readCicd(r, { namePrefix: "mall", region: "us-east-1", publicAccessCidrs: ctx.publicAccessCidrs ?? [], deploying: ctx.deploying ?? false, environment: ctx.environment ?? "production", adminRoleArns: ["arn:aws:iam::210987654321:role/platform-admin"] });
        return { s, problems: r.problems };
    };

    it("reads a runner and defaults to the steady phase", () => {
        const { s, problems } = read({ "mall:deployRunner": runner });
        assert.deepStrictEqual(problems, []);
        assert.deepStrictEqual(s, { phase: "steady", runner });
    });

    it("requires a runner to deploy production, and an admitted workstation for the bootstrap phase", () => {
        assert.deepStrictEqual(read({}, { deploying: true }).problems, [
            'mall:deployRunner is not set; the production EKS API is private, so in-cluster resources deploy only from a runner in the VPC: set { repositoryUrl, connectionArn, deployRoleArn, previewRoleArn, actorIds } (README "Deploying for real")',
        ]);
        assert.deepStrictEqual(read({}, { deploying: true, environment: "staging" }).problems, []);
        assert.deepStrictEqual(read({ "mall:deployRunner": runner, "mall:deployPhase": "bootstrap" }).problems, [
            `mall:deployPhase is bootstrap but mall:eksPublicAccessCidrs is empty: the first deploy runs from outside the VPC, so admit your workstation for this run (pulumi up -s <stack> --config mall:deployPhase=bootstrap --config 'mall:eksPublicAccessCidrs=["<your ip>/32"]'), then deploy again from the runner with the default phase`,
        ]);
        assert.deepStrictEqual(read({ "mall:deployRunner": runner, "mall:deployPhase": "bootstrap" }, { publicAccessCidrs: ["203.0.113.7/32"] }).s.phase, "bootstrap");
    });

    it("refuses a workflow role that is also a human admin role (EKS allows one access entry per principal)", () => {
        assert.deepStrictEqual(read({ "mall:deployRunner": { ...runner, deployRoleArn: "arn:aws:iam::210987654321:role/platform-admin" } }).problems, [
            'mall:deployRunner.deployRoleArn is also in mall:eksAdminRoleArns; EKS allows one access entry per principal: use distinct roles (bootstrap the cluster as a third identity, README "Deploying for real")',
        ]);
    });

    it("refuses what AWS or the workflow would not accept, each naming the field", () => {
        const { problems } = read({
            "mall:deployRunner": { ...runner, previewRoleArn: runner.deployRoleArn, actorIds: ["octocat"], extra: 1 },
        });
        assert.deepStrictEqual(problems, [
            "mall:deployRunner.extra is not a runner setting (allowed: repositoryUrl, connectionArn, deployRoleArn, previewRoleArn, actorIds)",
            "mall:deployRunner.previewRoleArn equals deployRoleArn; previews run pull-request code and must use a separate read-only role",
            "mall:deployRunner.actorIds must list the numeric GitHub account ids allowed to start a runner (gh api users/<login> --jq .id)",
        ]);
    });
});
