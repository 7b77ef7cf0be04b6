import { PolicyReport } from "../../tools/plan/contract";
import { U, expectClean, expectFindings, res, run, stackConfig, urn } from "./fixtures";

const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const KEY = "aws:kms/key:Key";
const TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy";
const QUEUE = "aws:sqs/queue:Queue";
const DOMAIN = "aws:opensearch/domain:Domain";
const PERMISSION = "aws:lambda/permission:Permission";
const ACL = "aws:s3/bucketAclV2:BucketAclV2";
const INSTANCE = "aws:rds/clusterInstance:ClusterInstance";
const ROLE = "aws:iam/role:Role";
const M = "mandatory";
const A = "advisory";

const doc = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const ACCOUNT = "111122223333";
const everyone = (extra: Record<string, unknown> = {}) => ({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*", ...extra });
const OIDC = "oidc.eks.us-east-1.amazonaws.com/id/ABCDEF";

describe("exposure and trust policies (through the analyzer protocol)", () => {
    let report: PolicyReport;
    let trusted: PolicyReport;
    let allowed: PolicyReport;
    let malformed: PolicyReport;
    const roles = [
        res(ROLE, "irsa", {
            assumeRolePolicy: doc({
                Effect: "Allow",
                Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${OIDC}` },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: { StringEquals: { [`${OIDC}:aud`]: "sts.amazonaws.com", [`${OIDC}:sub`]: "system:serviceaccount:commerce:order" } },
            }),
        }),
        res(ROLE, "irsa-wildcard", {
            assumeRolePolicy: doc({
                Effect: "Allow",
                Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${OIDC}` },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: { StringLike: { [`${OIDC}:sub`]: "system:serviceaccount:*:*" } },
            }),
        }),
        res(ROLE, "github-two-subjects", {
            assumeRolePolicy: doc({
                Sid: "GitHub",
                Effect: "Allow",
                Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": ["repo:o/r:environment:production", "repo:o/r:ref:refs/heads/*"] } },
            }),
        }),
        res(ROLE, "everyone", { assumeRolePolicy: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }) }),
        res(ROLE, "everyone-in-org", { assumeRolePolicy: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } } }) }),
        res(ROLE, "own-account", { assumeRolePolicy: doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" }) }),
        res(ROLE, "vendor", { assumeRolePolicy: doc({ Sid: "Vendor", Effect: "Allow", Principal: { AWS: "arn:aws:iam::999988887777:root" }, Action: "sts:AssumeRole" }) }),
        res(ROLE, "everyone-as-vendor", { assumeRolePolicy: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:PrincipalAccount": "999988887777" } } }) }),
        res(ROLE, "everyone-as-vendor-role", { assumeRolePolicy: doc({ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole", Condition: { ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::999988887777:role/ci" } } }) }),
        res(ROLE, "everyone-in-own-account", { assumeRolePolicy: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:PrincipalAccount": ACCOUNT } } }) }),
        res(ROLE, "vendor-external-id", { assumeRolePolicy: doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::999988887777:root" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": "mall-7f3a" } } }) }),
        res(ROLE, "service", { assumeRolePolicy: doc({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } }) }),
        res(ROLE, "trust-preview", { assumeRolePolicy: U }),
        res(ROLE, "assume-star", { assumeRolePolicy: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:Assume*" }) }),
        res(ROLE, "not-action", { assumeRolePolicy: doc({ Effect: "Allow", Principal: { AWS: "*" }, NotAction: "sts:TagSession" }) }),
        res(ROLE, "cognito", {
            assumeRolePolicy: doc({
                Effect: "Allow",
                Principal: { Federated: "cognito-identity.amazonaws.com" },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: { StringEquals: { "cognito-identity.amazonaws.com:aud": "us-east-1:1234" }, "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" } },
            }),
        }),
    ];
    before(async () => {
        [report, trusted, allowed, malformed] = await Promise.all([
            run([
                res(BUCKET_POLICY, "public-read", { bucket: "b", policy: doc(everyone({ Sid: "Public" })) }),
                res(BUCKET_POLICY, "cloudfront", { bucket: "b", policy: doc({ Effect: "Allow", Principal: { Service: "cloudfront.amazonaws.com" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*", Condition: { StringEquals: { "AWS:SourceArn": "arn:aws:cloudfront::111122223333:distribution/E1" } } }) }),
                res(BUCKET_POLICY, "deny-everyone", { bucket: "b", policy: doc({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }) }),
                res(BUCKET_POLICY, "negated", { bucket: "b", policy: doc(everyone({ Condition: { StringNotEquals: { "aws:SourceAccount": ACCOUNT } } })) }),
                res(BUCKET_POLICY, "if-exists", { bucket: "b", policy: doc(everyone({ Condition: { StringEqualsIfExists: { "aws:SourceVpce": "vpce-1" } } })) }),
                res(BUCKET_POLICY, "wildcard-value", { bucket: "b", policy: doc(everyone({ Condition: { StringLike: { "aws:SourceArn": "*" } } })) }),
                res(BUCKET_POLICY, "vpce", { bucket: "b", policy: doc(everyone({ Condition: { StringEquals: { "aws:SourceVpce": "vpce-0abc" } } })) }),
                res(BUCKET_POLICY, "policy-preview", { bucket: "b", policy: U }),
                res(KEY, "via-service", {
                    enableKeyRotation: true,
                    policy: doc(
                        { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" },
                        { Sid: "UseThroughService", Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:Decrypt", Resource: "*", Condition: { StringEquals: { "kms:CallerAccount": ACCOUNT, "kms:ViaService": "s3.us-east-1.amazonaws.com" } } },
                    ),
                }, { protect: true }),
                res(KEY, "caller-only", {
                    enableKeyRotation: true,
                    policy: doc({ Sid: "AnyoneInAccount", Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:Decrypt", Resource: "*", Condition: { StringEquals: { "kms:CallerAccount": ACCOUNT } } }),
                }, { protect: true }),
                res(TOPIC_POLICY, "open-topic", { arn: U, policy: doc({ Effect: "Allow", Principal: { AWS: ["*"] }, Action: "sns:Publish", Resource: "*" }) }),
                res(QUEUE, "org-queue", { kmsMasterKeyId: U, policy: doc({ Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } } }) }),
                res(DOMAIN, "open-domain", { accessPolicies: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "es:*", Resource: "arn:aws:es:us-east-1:111122223333:domain/d/*" }) }),
                res(PERMISSION, "anyone-invokes", { action: "lambda:InvokeFunction", function: "f", principal: "*" }),
                res(PERMISSION, "s3-invokes", { action: "lambda:InvokeFunction", function: "f", principal: "s3.amazonaws.com", sourceArn: "arn:aws:s3:::b", sourceAccount: ACCOUNT }),
                res(PERMISSION, "s3-any-account", { action: "lambda:InvokeFunction", function: "f", principal: "s3.amazonaws.com", sourceArn: "arn:aws:s3:::b" }),
                res(BUCKET_POLICY, "not-principal", { bucket: "b", policy: doc({ Effect: "Allow", NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }) }),
                res(BUCKET_POLICY, "any-root", { bucket: "b", policy: doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::*:root" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }) }),
                res(BUCKET_POLICY, "for-all-values", { bucket: "b", policy: doc(everyone({ Condition: { "ForAllValues:StringEquals": { "aws:PrincipalOrgID": "o-1" } } })) }),
                res(BUCKET_POLICY, "wildcard-arn", { bucket: "b", policy: doc(everyone({ Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/*" } } })) }),
                res(BUCKET_POLICY, "source-org", { bucket: "b", policy: doc(everyone({ Condition: { StringEquals: { "aws:SourceOrgID": "o-1" } } })) }),
                res("aws:msk/clusterPolicy:ClusterPolicy", "open-msk-policy", { clusterArn: U, policy: doc({ Effect: "Allow", Principal: "*", Action: "kafka:*", Resource: "*" }) }),
                res("aws:msk/cluster:Cluster", "public-brokers", { clusterName: "c", kafkaVersion: "3.6.0", numberOfBrokerNodes: 3, brokerNodeGroupInfo: { instanceType: "kafka.m7g.large", clientSubnets: [U], connectivityInfo: { publicAccess: { type: "SERVICE_PROVIDED_EIPS" } } } }),
                res("aws:msk/cluster:Cluster", "private-brokers", { clusterName: "c", kafkaVersion: "3.6.0", numberOfBrokerNodes: 3, brokerNodeGroupInfo: { instanceType: "kafka.m7g.large", clientSubnets: [U], connectivityInfo: { publicAccess: { type: "DISABLED" } } } }),
                res("aws:secretsmanager/secret:Secret", "shared-secret", { kmsKeyId: U, policy: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "secretsmanager:GetSecretValue", Resource: "*" }) }),
                res("aws:s3/bucket:Bucket", "acl-bucket", { bucket: "b2", acl: "public-read-write" }, { protect: true }),
                res("aws:dms/replicationInstance:ReplicationInstance", "dms-default", { replicationInstanceClass: "dms.t3.micro", replicationInstanceId: "r" }),
                res(PERMISSION, "anyone-from-arn", { action: "lambda:InvokeFunction", function: "f", principal: "*", sourceArn: "arn:aws:execute-api:us-east-1:111122223333:abc/*" }),
                res(ACL, "public-acl", { bucket: "b", acl: "public-read" }),
                res(ACL, "grant-all-users", { bucket: "b", accessControlPolicy: { owner: { id: "o" }, grants: [{ permission: "READ", grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers" } }] } }),
                res(ACL, "private-acl", { bucket: "b", acl: "private" }),
                res(INSTANCE, "public-db", { clusterIdentifier: "c", instanceClass: "db.r6g.large", engine: "aurora-postgresql", publiclyAccessible: true }, { protect: true }),
                res(INSTANCE, "private-db", { clusterIdentifier: "c", instanceClass: "db.r6g.large", engine: "aurora-postgresql", publiclyAccessible: false }, { protect: true }),
                ...roles,
            ]),
            run(roles, { policyConfig: { "trusted-assume-role-policies": { trustedAccountIds: [ACCOUNT] } } }),
            run(roles, { config: { ...stackConfig(), "aws:allowedAccountIds": JSON.stringify([ACCOUNT]) } }),
            // `pulumi config set --path 'aws:allowedAccountIds[0]' 111122223333` stores a number.
            run(roles, { config: { ...stackConfig(), "aws:allowedAccountIds": JSON.stringify([111122223333]) } }),
        ]);
    });

    describe("no-public-resource-policies", () => {
        const P = "no-public-resource-policies";
        it("accepts service principals with a source ARN, Deny statements, org/VPC endpoint narrowing and kms:CallerAccount with kms:ViaService", () => {
            for (const n of ["cloudfront", "deny-everyone", "vpce"]) expectClean(report, P, urn(BUCKET_POLICY, n));
            expectClean(report, P, urn(KEY, "via-service"));
            expectClean(report, P, urn(QUEUE, "org-queue"));
            expectClean(report, P, urn(PERMISSION, "s3-invokes"));
            expectClean(report, P, urn(PERMISSION, "anyone-from-arn"));
            expectClean(report, P, urn(ACL, "private-acl"));
            expectClean(report, P, urn(INSTANCE, "private-db"));
        });
        const why = "add aws:SourceAccount/aws:SourceArn, aws:SourceVpce or aws:PrincipalOrgID, or name the principal";
        const whyKms = "add kms:CallerAccount with kms:ViaService, aws:SourceAccount/aws:SourceArn or aws:PrincipalOrgID";
        it("flags an unconditioned everyone-principal in bucket, topic and OpenSearch policies (\"*\" and {\"AWS\": \"*\"})", () => {
            expectFindings(report, P, urn(BUCKET_POLICY, "public-read"), [[M, `s3 bucket policy public-read must not Allow every principal without a condition on the source account, ARN, VPC or organisation (policy, statement Public): ${why}`]]);
            expectFindings(report, P, urn(TOPIC_POLICY, "open-topic"), [[M, `sns topic policy open-topic must not Allow every principal without a condition on the source account, ARN, VPC or organisation (policy, statement 0): ${why}`]]);
            expectFindings(report, P, urn(DOMAIN, "open-domain"), [[M, `opensearch domain open-domain must not Allow every principal without a condition on the source account, ARN, VPC or organisation (accessPolicies, statement 0): ${why}`]]);
        });
        it("does not count negated, IfExists or wildcard conditions as narrowing, nor kms:CallerAccount alone", () => {
            for (const n of ["negated", "if-exists", "wildcard-value"]) {
                expectFindings(report, P, urn(BUCKET_POLICY, n), [[M, `s3 bucket policy ${n} must not Allow every principal without a condition on the source account, ARN, VPC or organisation (policy, statement 0): ${why}`]]);
            }
            expectFindings(report, P, urn(KEY, "caller-only"), [[M, `kms key caller-only must not Allow every principal without a condition on the source account, ARN, VPC or organisation (policy, statement AnyoneInAccount): ${whyKms}`]]);
        });
        it("flags a Lambda permission for every principal without a source, public ACLs and public databases", () => {
            expectFindings(report, P, urn(PERMISSION, "anyone-invokes"), [[M, "lambda permission anyone-invokes must not let every principal invoke the function: set sourceArn, sourceAccount or principalOrgId, or name the principal"]]);
            expectFindings(report, P, urn(ACL, "public-acl"), [[M, 's3 bucket acl v2 public-acl must not use the public canned ACL "public-read": use "private", or drop ACLs (BucketOwnershipControls BucketOwnerEnforced)']]);
            expectFindings(report, P, urn(ACL, "grant-all-users"), [[M, "s3 bucket acl v2 grant-all-users must not grant READ to http://acs.amazonaws.com/groups/global/AllUsers: remove the grant"]]);
            expectFindings(report, P, urn(INSTANCE, "public-db"), [[M, "rds cluster instance public-db must not be publicly accessible: set publiclyAccessible to false"]]);
        });
        it("counts NotPrincipal and any account's root as everyone; ForAllValues and wildcard values do not narrow; aws:SourceOrgID does", () => {
            for (const n of ["any-root", "for-all-values", "wildcard-arn"]) {
                expectFindings(report, P, urn(BUCKET_POLICY, n), [[M, `s3 bucket policy ${n} must not Allow every principal without a condition on the source account, ARN, VPC or organisation (policy, statement 0): ${why}`]]);
            }
            expectFindings(report, P, urn(BUCKET_POLICY, "not-principal"), [[M, `s3 bucket policy not-principal must not Allow every principal but its NotPrincipal without a condition on the source account, ARN, VPC or organisation (policy, statement 0): ${why}`]]);
            expectClean(report, P, urn(BUCKET_POLICY, "source-org"));
        });
        it("covers MSK cluster policies and public brokers, secrets' inline policies, bucket ACLs, S3-invoked functions without the source account and DMS's public default", () => {
            expectFindings(report, P, urn("aws:msk/clusterPolicy:ClusterPolicy", "open-msk-policy"), [[M, `msk cluster policy open-msk-policy must not Allow every principal without a condition on the source account, ARN, VPC or organisation (policy, statement 0): ${why}`]]);
            expectFindings(report, P, urn("aws:msk/cluster:Cluster", "public-brokers"), [[M, 'msk cluster public-brokers must not expose its brokers to the internet: set brokerNodeGroupInfo.connectivityInfo.publicAccess.type to "DISABLED"; it is "SERVICE_PROVIDED_EIPS"']]);
            expectClean(report, P, urn("aws:msk/cluster:Cluster", "private-brokers"));
            expectFindings(report, P, urn("aws:secretsmanager/secret:Secret", "shared-secret"), [[M, `secretsmanager secret shared-secret must not Allow every principal without a condition on the source account, ARN, VPC or organisation (policy, statement 0): ${why}`]]);
            expectFindings(report, P, urn("aws:s3/bucket:Bucket", "acl-bucket"), [[M, 's3 bucket acl-bucket must not use the public canned ACL "public-read-write": use "private", or drop ACLs (BucketOwnershipControls BucketOwnerEnforced)']]);
            expectFindings(report, P, urn(PERMISSION, "s3-any-account"), [[M, "lambda permission s3-any-account must set sourceAccount: s3.amazonaws.com's sourceArn carries no account id (confused deputy)"]]);
            expectFindings(report, P, urn("aws:dms/replicationInstance:ReplicationInstance", "dms-default"), [[M, "dms replication instance dms-default must not be publicly accessible: set publiclyAccessible to false"]]);
        });
        it("only advises on a policy unknown in preview", () => expectFindings(report, P, urn(BUCKET_POLICY, "policy-preview"), [[A, "s3 bucket policy policy-preview policy cannot be verified during preview (unknown)"]]));
    });

    describe("trusted-assume-role-policies", () => {
        const P = "trusted-assume-role-policies";
        it("accepts IRSA pinned to one audience and subject, own-account, org-narrowed and service trusts", () => {
            for (const n of ["irsa", "everyone-in-org", "own-account", "service", "vendor-external-id"]) {
                expectClean(trusted, P, urn(ROLE, n));
                expectClean(allowed, P, urn(ROLE, n));
            }
            for (const n of ["irsa", "everyone-in-org", "service", "vendor-external-id"]) expectClean(report, P, urn(ROLE, n));
        });
        it("flags web-identity trusts with wildcard or several subjects, or no audience", () => {
            expectFindings(report, P, urn(ROLE, "irsa-wildcard"), [
                [M, `iam role irsa-wildcard must pin its web-identity trust to one audience and one exact subject with StringEquals on <provider>:aud and <provider>:sub (statement 0): no StringEquals condition on the provider's aud; no StringEquals condition on the provider's sub; pattern conditions StringLike ${OIDC}:sub`],
            ]);
            expectFindings(report, P, urn(ROLE, "github-two-subjects"), [[M, "iam role github-two-subjects must pin its web-identity trust to one audience and one exact subject with StringEquals on <provider>:aud and <provider>:sub (statement GitHub): 2 values for sub (exactly one expected)"]]);
        });
        it("flags a trust of every AWS principal, also through an action pattern or NotAction", () => {
            for (const n of ["everyone", "assume-star", "not-action"]) {
                expectFindings(report, P, urn(ROLE, n), [[M, `iam role ${n} must not trust every AWS principal (statement 0): name the account or role, or add aws:PrincipalOrgID`]]);
            }
        });
        it("leaves Cognito identity-pool trusts (no subject) to Cognito", () => expectClean(report, P, urn(ROLE, "cognito")));
        it("knowing the stack's accounts (aws:allowedAccountIds or trustedAccountIds), flags a foreign account without an external id", () => {
            const finding = "iam role vendor trusts account 999988887777, which is neither in aws:allowedAccountIds nor in trustedAccountIds, without sts:ExternalId or aws:PrincipalOrgID (statement Vendor): add a condition, or the account to trustedAccountIds";
            expectFindings(trusted, P, urn(ROLE, "vendor"), [[M, finding]]);
            expectFindings(allowed, P, urn(ROLE, "vendor"), [[M, finding]]);
        });
        it("counts the accounts a trust of everyone is narrowed to (aws:PrincipalAccount, aws:PrincipalArn) as trusted accounts", () => {
            expectFindings(allowed, P, urn(ROLE, "everyone-as-vendor"), [
                [M, "iam role everyone-as-vendor trusts account 999988887777, which is neither in aws:allowedAccountIds nor in trustedAccountIds, without sts:ExternalId or aws:PrincipalOrgID (statement 0): add a condition, or the account to trustedAccountIds"],
            ]);
            expectFindings(allowed, P, urn(ROLE, "everyone-as-vendor-role"), [
                [M, "iam role everyone-as-vendor-role trusts account 999988887777, which is neither in aws:allowedAccountIds nor in trustedAccountIds, without sts:ExternalId or aws:PrincipalOrgID (statement 0): add a condition, or the account to trustedAccountIds"],
            ]);
            expectClean(allowed, P, urn(ROLE, "everyone-in-own-account"));
        });
        it("refuses an aws:allowedAccountIds it cannot read instead of treating it as none", () => {
            expectFindings(malformed, P, urn(ROLE, "vendor"), [
                [M, 'iam role vendor trusts account 999988887777 (statement Vendor), and the stack\'s aws:allowedAccountIds "[111122223333]" is not a list of 12-digit account ids written as strings (e.g. ["123456789012"]), so the pack cannot tell this account\'s trusts from foreign ones: fix the stack config'],
            ]);
        });
        it("knowing neither, only advises on a trust naming an account, its own included", () => {
            const advice = (role: string, account: string, statement: string) =>
                `iam role ${role} trusts account ${account} (${statement}), and the pack cannot tell whether it is yours: set aws:allowedAccountIds in the stack config (the provider then refuses any other account too) or the policy's trustedAccountIds`;
            expectFindings(report, P, urn(ROLE, "vendor"), [[A, advice("vendor", "999988887777", "statement Vendor")]]);
            expectFindings(report, P, urn(ROLE, "own-account"), [[A, advice("own-account", ACCOUNT, "statement 0")]]);
        });
        it("only advises on a trust policy unknown in preview", () => expectFindings(report, P, urn(ROLE, "trust-preview"), [[A, "iam role trust-preview assumeRolePolicy cannot be verified during preview (unknown)"]]));
    });
});
