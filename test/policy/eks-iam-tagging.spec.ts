import { PolicyReport } from "../../tools/plan/contract";
import { U, expectClean, expectFindings, res, run, urn } from "./fixtures";

const EKS = "eks:index:Cluster";
const AWS_EKS = "aws:eks/cluster:Cluster";
const POLICY = "aws:iam/policy:Policy";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const ATTACH = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const KEY = "aws:kms/key:Key";
const QUEUE = "aws:sqs/queue:Queue";
const PROVIDER = "pulumi:providers:aws";
const M = "mandatory";
const A = "advisory";

const doc = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const LOGS = ["api", "audit", "authenticator"];

describe("EKS, IAM and tagging policies (through the analyzer protocol)", () => {
    let report: PolicyReport;
    before(async () => {
        report = await run([
            res(EKS, "eks", { endpointPublicAccess: false, endpointPrivateAccess: true, encryptionConfigKeyArn: U, enabledClusterLogTypes: LOGS }, { service: "platform" }),
            res(EKS, "eks-open", { enabledClusterLogTypes: ["api"] }, { service: "platform" }),
            res(EKS, "eks-restricted", { endpointPublicAccess: true, endpointPrivateAccess: true, publicAccessCidrs: ["203.0.113.0/24"], encryptionConfigKeyArn: "arn:aws:kms:us-east-1:111122223333:key/eks", enabledClusterLogTypes: [...LOGS, "scheduler"] }, { service: "platform" }),
            res(EKS, "eks-preview", { endpointPublicAccess: true, endpointPrivateAccess: true, publicAccessCidrs: U, encryptionConfigKeyArn: U, enabledClusterLogTypes: LOGS }, { service: "platform" }),
            res(AWS_EKS, "raw", {
                roleArn: U,
                vpcConfig: { subnetIds: [U], endpointPublicAccess: true, endpointPrivateAccess: true, publicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"] },
                encryptionConfig: { resources: ["secrets"], provider: { keyArn: U } },
                enabledClusterLogTypes: LOGS,
            }, { service: "platform" }),
            res(AWS_EKS, "raw-public-only", {
                roleArn: U,
                vpcConfig: { subnetIds: [U], endpointPublicAccess: true, endpointPrivateAccess: false, publicAccessCidrs: ["203.0.113.0/24"] },
                encryptionConfig: { resources: ["secrets"], provider: { keyArn: U } },
                enabledClusterLogTypes: LOGS,
            }, { service: "platform" }),
            res(AWS_EKS, "raw-private-preview", {
                roleArn: U,
                vpcConfig: { subnetIds: [U], endpointPublicAccess: false, endpointPrivateAccess: U },
                encryptionConfig: { resources: ["secrets"], provider: { keyArn: U } },
                enabledClusterLogTypes: LOGS,
            }, { service: "platform" }),
            res(AWS_EKS, "raw-unencrypted", { roleArn: U, vpcConfig: { subnetIds: [U], endpointPublicAccess: false, endpointPrivateAccess: true }, enabledClusterLogTypes: LOGS }, { service: "platform" }),

            res(POLICY, "order-rw", { policy: doc({ Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:PutItem"], Resource: "arn:aws:dynamodb:us-east-1:111122223333:table/orders" }) }),
            res(POLICY, "admin-ish", { policy: doc({ Sid: "All", Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Allow", Action: ["s3:*", "sqs:SendMessage"], Resource: ["*"] }) }),
            res(POLICY, "deny-wild", { policy: doc({ Effect: "Deny", Action: "*", Resource: "*" }) }),
            res(POLICY, "scoped-wild", { policy: doc({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::mall-static/*" }) }),
            res(POLICY, "preview-doc", { policy: U }),
            res(POLICY, "escalation", { policy: doc({ Sid: "Pass", Effect: "Allow", Action: ["iam:Pass*", "sts:AssumeRole", "s3:GetObject"], Resource: "*" }, { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: ["*"] }) }),
            res(POLICY, "any-account-pass", { policy: doc({ Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::*:role/*" }, { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "arn:aws:secretsmanager:us-east-1:111122223333:secret:*" }) }),
            res(POLICY, "scoped-escalation", { policy: doc({ Effect: "Allow", Action: ["iam:PassRole", "sts:AssumeRole"], Resource: "arn:aws:iam::111122223333:role/mall-us-east-1-node" }) }),
            res(POLICY, "scoped-not-action", { policy: doc({ Sid: "AllButIam", Effect: "Allow", NotAction: ["iam:*"], Resource: "arn:aws:s3:::mall-static/*" }) }),
            res(ROLE_POLICY, "not-action", { role: U, policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }] } }),
            res(ROLE, "inline", {
                assumeRolePolicy: doc({ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: "sts:AssumeRole" }),
                inlinePolicies: [{ name: "kms-all", policy: doc({ Effect: "Allow", Action: "kms:*", Resource: "*" }) }],
                managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonS3FullAccess"],
            }),
            res(ATTACH, "admin-attach", { role: U, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }),
            res(ATTACH, "amplify-admin-attach", { role: U, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess-Amplify" }),
            res(ATTACH, "pipeline-attach", { role: U, policyArn: "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccesswithDataPipeline" }),
            res(ATTACH, "worker-attach", { role: U, policyArn: "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy" }),
            res(ATTACH, "own-fullaccess", { role: U, policyArn: "arn:aws:iam::111122223333:policy/OrderFullAccess" }),
            res(ATTACH, "read-only-attach", { role: U, policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }),
            res(ATTACH, "power-user-attach", { role: U, policyArn: "arn:aws:iam::aws:policy/PowerUserAccess" }),
            res("aws:iam/policyAttachment:PolicyAttachment", "secrets-rw-attach", { roles: [U], policyArn: "arn:aws:iam::aws:policy/SecretsManagerReadWrite" }),
            // A key policy's kms:* on "*" for the account root is a resource policy: exempt.
            res(KEY, "key-with-policy", { enableKeyRotation: true, policy: doc({ Sid: "root", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "kms:*", Resource: "*" }) }, { protect: true }),

            // cost-allocation-tags
            res(QUEUE, "untagged", { kmsMasterKeyId: U }, { untagged: true }),
            res(QUEUE, "half-tagged", { kmsMasterKeyId: U, tags: { service: "cart" } }, { untagged: true }),
            res(QUEUE, "provider-tagged", { kmsMasterKeyId: U, tags: { service: "cart" } }, { untagged: true, provider: urn(PROVIDER, "west") }),
            res(PROVIDER, "west", { region: "us-west-2", defaultTags: JSON.stringify({ tags: { region: "us-west-2", environment: "production" } }) }, { untagged: true }),
            res(QUEUE, "tags-preview", { kmsMasterKeyId: U, tags: U }, { untagged: true }),
            res("aws:ec2/routeTableAssociation:RouteTableAssociation", "no-tags-input", { routeTableId: U, subnetId: U }, { untagged: true }),
        ]);
    });

    describe("eks-cluster-hardened", () => {
        const P = "eks-cluster-hardened";
        it("accepts a private, encrypted, logging cluster and a CIDR-restricted public endpoint", () => {
            expectClean(report, P, urn(EKS, "eks"));
            expectClean(report, P, urn(EKS, "eks-restricted"));
        });
        it("flags the @pulumi/eks defaults: public to the world, no KMS, few logs", () =>
            expectFindings(report, P, urn(EKS, "eks-open"), [
                [M, "eks cluster eks-open must turn endpointPublicAccess off or restrict publicAccessCidrs; its public endpoint is open to 0.0.0.0/0 (the default)"],
                [M, "eks cluster eks-open must set endpointPrivateAccess to true; it is unset"],
                [M, "eks cluster eks-open must encrypt secrets with KMS: set encryptionConfigKeyArn; it is unset"],
                [M, "eks cluster eks-open must enable control-plane logs audit, authenticator; enabledClusterLogTypes is [\"api\"]"],
            ]));
        it("requires the private endpoint (both flavours default it off), and only advises when unknown in preview", () => {
            expectFindings(report, P, urn(AWS_EKS, "raw-public-only"), [[M, "eks cluster raw-public-only must set vpcConfig.endpointPrivateAccess to true; it is false"]]);
            expectFindings(report, P, urn(AWS_EKS, "raw-private-preview"), [[A, "eks cluster raw-private-preview vpcConfig.endpointPrivateAccess cannot be verified during preview (unknown)"]]);
        });
        it("flags aws.eks.Cluster CIDRs that together cover the internet, and missing secrets encryption", () => {
            expectFindings(report, P, urn(AWS_EKS, "raw"), [[M, "eks cluster raw must not open its public endpoint to the whole internet; vpcConfig.publicAccessCidrs is [\"0.0.0.0/1\",\"128.0.0.0/1\"]"]]);
            expectFindings(report, P, urn(AWS_EKS, "raw-unencrypted"), [[M, "eks cluster raw-unencrypted must encrypt secrets with KMS: set encryptionConfig with resources [\"secrets\"] and provider.keyArn; it is unset"]]);
        });
        it("only advises when the allowed CIDRs are unknown in preview", () =>
            expectFindings(report, P, urn(EKS, "eks-preview"), [[A, "eks cluster eks-preview publicAccessCidrs cannot be verified during preview (unknown)"]]));
    });

    describe("least-privilege-iam", () => {
        const P = "least-privilege-iam";
        it("accepts scoped statements, Deny wildcards and service wildcards on one resource", () => {
            for (const n of ["order-rw", "deny-wild", "scoped-wild"]) expectClean(report, P, urn(POLICY, n));
            expectClean(report, P, urn(ATTACH, "worker-attach"));
            expectClean(report, P, urn(ATTACH, "own-fullaccess"));
        });
        it("flags * and service:* on * (JSON string documents)", () =>
            expectFindings(report, P, urn(POLICY, "admin-ish"), [
                [M, "iam policy admin-ish must not Allow \"*\" on \"*\" (policy, statement All)"],
                [M, "iam policy admin-ish must not Allow \"s3:*\" on \"*\" (policy, statement 1)"],
            ]));
        it("flags Allow NotAction on * (object documents)", () =>
            expectFindings(report, P, urn(ROLE_POLICY, "not-action"), [[M, "iam role policy not-action must not Allow NotAction \"iam:*\" on \"*\": list the actions in Action (policy, statement 0)"]]));
        it("flags role inline policies and managed *FullAccess, not the trust policy", () =>
            expectFindings(report, P, urn(ROLE, "inline"), [
                [M, "iam role inline must not Allow \"kms:*\" on \"*\" (inlinePolicies[0] (kms-all), statement 0)"],
                [M, "iam role inline must not attach the AWS-managed policy arn:aws:iam::aws:policy/AmazonS3FullAccess; grant least privilege instead"],
            ]));
        it("flags the variants: AdministratorAccess-* and *FullAccess* names", () => {
            expectFindings(report, P, urn(ATTACH, "amplify-admin-attach"), [[M, "iam role policy attachment amplify-admin-attach must not attach the AWS-managed policy arn:aws:iam::aws:policy/AdministratorAccess-Amplify; grant least privilege instead"]]);
            expectFindings(report, P, urn(ATTACH, "pipeline-attach"), [[M, "iam role policy attachment pipeline-attach must not attach the AWS-managed policy arn:aws:iam::aws:policy/AmazonDynamoDBFullAccesswithDataPipeline; grant least privilege instead"]]);
        });
        it("flags AdministratorAccess attachments", () =>
            expectFindings(report, P, urn(ATTACH, "admin-attach"), [[M, "iam role policy attachment admin-attach must not attach the AWS-managed policy arn:aws:iam::aws:policy/AdministratorAccess; grant least privilege instead"]]));
        it("exempts KMS key policies (resource policies)", () => expectClean(report, P, urn(KEY, "key-with-policy")));
        it("flags privilege-escalation actions on \"*\", also through an action pattern, and not when scoped to named roles", () => {
            expectFindings(report, P, urn(POLICY, "escalation"), [
                [M, 'iam policy escalation must not Allow iam:PassRole, sts:AssumeRole on "*": name the roles, functions or secrets (policy, statement Pass)'],
                [M, 'iam policy escalation must not Allow secretsmanager:GetSecretValue on "*": name the roles, functions or secrets (policy, statement 1)'],
            ]);
            expectClean(report, P, urn(POLICY, "scoped-escalation"));
            expectFindings(report, P, urn(POLICY, "any-account-pass"), [
                [M, 'iam policy any-account-pass must not Allow iam:PassRole on ["arn:aws:iam::*:role/*"]: name the roles, functions or secrets (policy, statement 0)'],
                [M, 'iam policy any-account-pass must not Allow secretsmanager:GetSecretValue on ["arn:aws:secretsmanager:us-east-1:111122223333:secret:*"]: name the roles, functions or secrets (policy, statement 1)'],
            ]);
        });
        it("flags Allow NotAction even on a named resource", () =>
            expectFindings(report, P, urn(POLICY, "scoped-not-action"), [[M, 'iam policy scoped-not-action must not Allow NotAction ["iam:*"]: list the actions in Action (policy, statement AllButIam)']]));
        it("refuses the denylisted broad managed policies by default (attachments and policy attachments alike)", () => {
            expectFindings(report, P, urn(ATTACH, "read-only-attach"), [[M, "iam role policy attachment read-only-attach must not attach the AWS-managed policy arn:aws:iam::aws:policy/ReadOnlyAccess; grant least privilege instead"]]);
            expectFindings(report, P, urn(ATTACH, "power-user-attach"), [[M, "iam role policy attachment power-user-attach must not attach the AWS-managed policy arn:aws:iam::aws:policy/PowerUserAccess; grant least privilege instead"]]);
            expectFindings(report, P, urn("aws:iam/policyAttachment:PolicyAttachment", "secrets-rw-attach"), [[M, "iam policy attachment secrets-rw-attach must not attach the AWS-managed policy arn:aws:iam::aws:policy/SecretsManagerReadWrite; grant least privilege instead"]]);
        });
        it("takes its denylist and exemptions from the pack's config", async () => {
            const configured = await run([res(ATTACH, "read-only-attach", { role: U, policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }), res(ATTACH, "billing-attach", { role: U, policyArn: "arn:aws:iam::aws:policy/job-function/Billing" })], {
                policyConfig: { [P]: { deniedManagedPolicies: ["Billing"] } },
            });
            expectClean(configured, P, urn(ATTACH, "read-only-attach"));
            expectFindings(configured, P, urn(ATTACH, "billing-attach"), [[M, "iam role policy attachment billing-attach must not attach the AWS-managed policy arn:aws:iam::aws:policy/job-function/Billing; grant least privilege instead"]]);
        });
        it("only advises on a document unknown in preview", () =>
            expectFindings(report, P, urn(POLICY, "preview-doc"), [[A, "iam policy preview-doc policy cannot be verified during preview (unknown)"]]));
    });

    describe("cost-allocation-tags", () => {
        const P = "cost-allocation-tags";
        it("accepts own tags, and provider default tags sent with the resource's provider", () => {
            expectClean(report, P, urn(EKS, "eks"));
            expectClean(report, P, urn(QUEUE, "provider-tagged"));
        });
        it("flags missing service/region tags", () => {
            expectFindings(report, P, urn(QUEUE, "untagged"), [[A, "sqs queue untagged must carry tags service, region; it has no tags"]]);
            expectFindings(report, P, urn(QUEUE, "half-tagged"), [[A, "sqs queue half-tagged must carry tags region; it has service"]]);
        });
        it("skips computed tags in preview and types without a tags input", () => {
            expectClean(report, P, urn(QUEUE, "tags-preview"));
            expectClean(report, P, urn("aws:ec2/routeTableAssociation:RouteTableAssociation", "no-tags-input"));
        });
    });
});
