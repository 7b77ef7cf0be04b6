import { PolicyReport } from "../../tools/plan/contract";
import { U, expectClean, expectFindings, res, run, urn } from "./fixtures";

const KEY = "aws:kms/key:Key";
const ALIAS = "aws:kms/alias:Alias";
const RDS = "aws:rds/cluster:Cluster";
const RDS_INSTANCE = "aws:rds/clusterInstance:ClusterInstance";
const SQS = "aws:sqs/queue:Queue";
const SNS = "aws:sns/topic:Topic";
const LOGS = "aws:cloudwatch/logGroup:LogGroup";
const BUCKET = "aws:s3/bucket:Bucket";
const SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const DDB = "aws:dynamodb/table:Table";
const DSQL = "aws:dsql/cluster:Cluster";
const EKS = "eks:index:Cluster";
const REDIS = "aws:elasticache/replicationGroup:ReplicationGroup";
const MSK = "aws:msk/cluster:Cluster";
const OS = "aws:opensearch/domain:Domain";
const DOCDB = "aws:docdb/cluster:Cluster";
const M = "mandatory";
const A = "advisory";

const keyDep = (prop: string, key: string, type = KEY) => ({ deps: { [prop]: [urn(type, key)] } });

const ACCOUNT = "111122223333";
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const ADMIN = { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: ROOT }, Action: ["kms:CreateAlias", "kms:Describe*", "kms:Put*", "kms:Revoke*"], Resource: "*" };
/** A data key's policy as components/common/kms.ts writes it with users: the account administers, one role uses it through RDS. */
const NAMED = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
        ADMIN,
        {
            Sid: "Deployers",
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: ["kms:DescribeKey"],
            Resource: "*",
            Condition: { StringEquals: { "kms:CallerAccount": ACCOUNT, "kms:ViaService": ["rds.us-east-1.amazonaws.com"] }, ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/mall-deploy` } },
        },
        {
            Sid: "DeployersGrants",
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "kms:CreateGrant",
            Resource: "*",
            Condition: { Bool: { "kms:GrantIsForAWSResource": "true" }, StringEquals: { "kms:CallerAccount": ACCOUNT }, ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/mall-deploy` } },
        },
        // A service principal bound to one source, and another account sharing backups: not this account's everyone.
        { Sid: "Servicedsql", Effect: "Allow", Principal: { Service: "dsql.amazonaws.com" }, Action: ["kms:Decrypt"], Resource: "*", Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } },
        { Sid: "BackupCopyAccountUses", Effect: "Allow", Principal: { AWS: ["arn:aws:iam::210987654321:root"] }, Action: ["kms:Decrypt"], Resource: "*" },
    ],
});
/** The policy every data key had before S6: the account's root may do anything, and anyone in the account may use it through the service. */
const ACCOUNT_WIDE = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
        { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: ROOT }, Action: "kms:*", Resource: "*" },
        {
            Sid: "UseThroughService",
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"],
            Resource: "*",
            Condition: { StringEquals: { "kms:CallerAccount": ACCOUNT, "kms:ViaService": ["rds.us-east-1.amazonaws.com"] } },
        },
    ],
});

describe("encryption policies (through the analyzer protocol)", () => {
    let report: PolicyReport;
    before(async () => {
        const goodKey = { enableKeyRotation: true, deletionWindowInDays: 30 };
        const dataKey = { ...goodKey, policy: NAMED };
        report = await run([
            res(KEY, "order-key", dataKey, { protect: true }),
            res(KEY, "payment-key", goodKey, { protect: true, service: "payment" }),
            res(ALIAS, "payment-alias", { name: "alias/payment", targetKeyId: U }, keyDep("targetKeyId", "payment-key")),
            // The payment key named by its alias ARN (a known string, no dependency) by another service.
            res("aws:secretsmanager/secret:Secret", "refund-secret", { kmsKeyId: "arn:aws:kms:us-east-1:111122223333:alias/payment" }, { service: "refund" }),
            // One replica on a stack key (a dependency of `replicas`), the other on none: both are seen.
            res("aws:secretsmanager/secret:Secret", "half-replicated", {
                kmsKeyId: U,
                replicas: [{ region: "us-west-2", kmsKeyId: U }, { region: "eu-west-1" }],
            }, { service: "payment", deps: { kmsKeyId: [urn(KEY, "payment-key")], replicas: [urn(KEY, "payment-key")] } }),
            res("aws:secretsmanager/secret:Secret", "replicated-secret", {
                kmsKeyId: U,
                replicas: [{ region: "us-west-2", kmsKeyId: "alias/aws/secretsmanager" }, { region: "eu-west-1", kmsKeyId: U }],
            }, { service: "payment", ...keyDep("kmsKeyId", "payment-key") }),
            res(KEY, "shared-key", goodKey, { protect: true, service: "platform" }),
            res(KEY, "no-rotation", { enableKeyRotation: false }, { protect: true }),
            res(KEY, "rotation-unset", {}, { protect: true }),
            res(KEY, "slow-rotation", { enableKeyRotation: true, rotationPeriodInDays: 730 }, { protect: true }),
            res(KEY, "signing-key", { customerMasterKeySpec: "ECC_NIST_P256", keyUsage: "SIGN_VERIFY" }, { protect: true }),
            res(KEY, "hmac-key", { customerMasterKeySpec: "HMAC_256", keyUsage: "GENERATE_VERIFY_MAC" }, { protect: true }),
            res(KEY, "rotation-preview", { enableKeyRotation: U }, { protect: true }),

            // A cluster and its instance share the order key (one service); preview: ARNs unknown.
            res(RDS, "orders", { kmsKeyId: U, storageEncrypted: true }, keyDep("kmsKeyId", "order-key")),
            res(RDS_INSTANCE, "orders-1", { clusterIdentifier: U, performanceInsightsEnabled: true, performanceInsightsKmsKeyId: U },
                keyDep("performanceInsightsKmsKeyId", "order-key")),
            res(RDS_INSTANCE, "orders-2", { clusterIdentifier: U }),
            // The payment key reached through its alias.
            res(SQS, "payments", { kmsMasterKeyId: U }, { service: "payment", ...keyDep("kmsMasterKeyId", "payment-alias", ALIAS) }),
            // Two services on one key.
            res(SNS, "alerts", { kmsMasterKeyId: U }, { service: "notification", ...keyDep("kmsMasterKeyId", "shared-key") }),
            res(LOGS, "cart-logs", { kmsKeyId: U }, { service: "cart", ...keyDep("kmsKeyId", "shared-key") }),
            // Missing, AWS-managed, known customer ARN, unknown without a key dependency.
            res(SQS, "no-key", { sqsManagedSseEnabled: true }),
            res(SNS, "aws-managed", { kmsMasterKeyId: "alias/aws/sns" }),
            res(LOGS, "external-cmk", { kmsKeyId: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" }),
            res(LOGS, "from-elsewhere", { kmsKeyId: U }),
            res(DSQL, "ledger", { kmsEncryptionKey: "AWS_OWNED_KMS_KEY", deletionProtectionEnabled: true }),
            // S3 SSE config: service from the bucket it configures; SSE-S3 is not a customer key.
            res(BUCKET, "assets", { bucket: "mall-assets" }, { service: "seller" }),
            res(SSE, "assets-sse", { bucket: U, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: U } }] },
                { untagged: true, deps: { bucket: [urn(BUCKET, "assets")], rules: [urn(KEY, "seller-key")] } }),
            res(KEY, "seller-key", goodKey, { protect: true, service: "seller" }),
            res(SSE, "aes-sse", { bucket: "mall-traces", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, { untagged: true }),
            res(DDB, "idempotency", {
                serverSideEncryption: { enabled: true, kmsKeyArn: U },
                replicas: [{ regionName: "us-west-2", kmsKeyArn: U }],
            }, { deps: { serverSideEncryption: [urn(KEY, "order-key")], replicas: [urn(KEY, "order-key-west")] } }),
            res(KEY, "order-key-west", dataKey, { protect: true }),
            res(EKS, "eks", { encryptionConfigKeyArn: U }, { service: "platform", ...keyDep("encryptionConfigKeyArn", "eks-key") }),
            res(KEY, "eks-key", goodKey, { protect: true, service: "platform" }),

            // encryption-in-transit-and-at-rest
            res(REDIS, "cache", { atRestEncryptionEnabled: true, transitEncryptionEnabled: true, authToken: "[secret]", kmsKeyId: U }, { service: "cart", ...keyDep("kmsKeyId", "cart-key") }),
            res(KEY, "cart-key", dataKey, { protect: true, service: "cart" }),
            // Data keys that let the account use them (S6), and what is out of the rule's scope.
            res(KEY, "legacy-key", { ...goodKey, policy: ACCOUNT_WIDE }, { protect: true, service: "reviews" }),
            res(DOCDB, "reviews", { storageEncrypted: true, kmsKeyId: U }, { service: "reviews", ...keyDep("kmsKeyId", "legacy-key") }),
            res(KEY, "default-policy-key", goodKey, { protect: true, service: "ledger" }),
            res(DDB, "ledger-table", { serverSideEncryption: { enabled: true, kmsKeyArn: U } }, { service: "ledger", ...keyDep("serverSideEncryption", "default-policy-key") }),
            res(KEY, "data-bucket-key", { ...goodKey, policy: ACCOUNT_WIDE }, { protect: true, service: "traces" }),
            res(BUCKET, "traces-bucket", { bucket: "mall-traces-data", tags: { service: "traces", component: "global-data" } }),
            res(SSE, "traces-sse", { bucket: U, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: U } }] },
                { untagged: true, deps: { bucket: [urn(BUCKET, "traces-bucket")], rules: [urn(KEY, "data-bucket-key")] } }),
            res(KEY, "site-key", { ...goodKey, policy: ACCOUNT_WIDE }, { protect: true, service: "web" }),
            res(BUCKET, "site-bucket", { bucket: "mall-site", tags: { service: "web", component: "edge" } }),
            res(SSE, "site-sse", { bucket: U, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: U } }] },
                { untagged: true, deps: { bucket: [urn(BUCKET, "site-bucket")], rules: [urn(KEY, "site-key")] } }),
            res(KEY, "preview-key", { ...goodKey, policy: U }, { protect: true, service: "wishlist" }),
            res(DOCDB, "wishlist", { storageEncrypted: true, kmsKeyId: U }, { service: "wishlist", ...keyDep("kmsKeyId", "preview-key") }),
            res(REDIS, "cache-plain", { atRestEncryptionEnabled: false, transitEncryptionEnabled: true, transitEncryptionMode: "preferred", userGroupIds: ["mall-cache-users"], kmsKeyId: "arn:aws:kms:us-east-1:111122223333:key/cache" }, { service: "session" }),
            res(REDIS, "cache-global-member", { globalReplicationGroupId: "ldgnf-mall-cache", kmsKeyId: "arn:aws:kms:us-west-2:111122223333:key/cache3" }, { service: "rate-limiting" }),
            res(REDIS, "cache-preview", { atRestEncryptionEnabled: true, transitEncryptionEnabled: U, authToken: U, kmsKeyId: "arn:aws:kms:us-east-1:111122223333:key/cache2" }, { service: "leaderboard" }),
            res(MSK, "events", { encryptionInfo: { encryptionAtRestKmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/msk" }, clientAuthentication: { sasl: { iam: true } } }, { service: "event-bus" }),
            res(MSK, "events-plain", { encryptionInfo: { encryptionAtRestKmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/msk2", encryptionInTransit: { clientBroker: "TLS_PLAINTEXT", inCluster: false } }, clientAuthentication: { sasl: { iam: true } } }, { service: "saga" }),
            res(MSK, "events-auth-preview", { encryptionInfo: { encryptionAtRestKmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/msk5" }, clientAuthentication: { tls: { certificateAuthorityArns: U } } }, { service: "ledger" }),
            res(MSK, "events-open", { encryptionInfo: { encryptionAtRestKmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/msk3" } }, { service: "audit" }),
            res(MSK, "events-anonymous", { encryptionInfo: { encryptionAtRestKmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/msk4" }, clientAuthentication: { sasl: { iam: true }, unauthenticated: true } }, { service: "billing" }),
            res(REDIS, "cache-open", { atRestEncryptionEnabled: true, transitEncryptionEnabled: true, kmsKeyId: "arn:aws:kms:us-east-1:111122223333:key/cache5" }, { service: "feature-flags" }),
            res("aws:cloudfront/distribution:Distribution", "cdn", {
                origins: [
                    { originId: "api", domainName: "api.example.com", customOriginConfig: { originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"], httpPort: 80, httpsPort: 443 } },
                    { originId: "legacy", domainName: "old.example.com", customOriginConfig: { originProtocolPolicy: "http-only", originSslProtocols: ["TLSv1", "TLSv1.1", "TLSv1.2"], httpPort: 80, httpsPort: 443 } },
                    { originId: "web", domainName: "b.s3.us-east-1.amazonaws.com", s3OriginConfig: { originAccessIdentity: "" } },
                ],
            }, { service: "edge" }),
            res(OS, "search", {
                encryptAtRest: { enabled: true, kmsKeyId: "arn:aws:kms:us-east-1:111122223333:key/os" },
                nodeToNodeEncryption: { enabled: true },
                domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10" },
            }, { service: "search" }),
            res(OS, "search-weak", {
                encryptAtRest: { enabled: true, kmsKeyId: "arn:aws:kms:us-east-1:111122223333:key/os2" },
                domainEndpointOptions: { enforceHttps: false, tlsSecurityPolicy: "Policy-Min-TLS-1-0-2019-07" },
            }, { service: "analytics" }),
            res(DOCDB, "catalog", { storageEncrypted: false, kmsKeyId: "arn:aws:kms:us-east-1:111122223333:key/docdb" }, { service: "product-catalog" }),
            res(DDB, "sessions", { serverSideEncryption: { enabled: false } }, { service: "session" }),
        ]);
    });

    describe("per-service-kms-keys", () => {
        const P = "per-service-kms-keys";
        it("accepts a cluster and its instances sharing their service's key (preview, via propertyDependencies)", () => {
            expectClean(report, P, urn(RDS, "orders"));
            expectClean(report, P, urn(RDS_INSTANCE, "orders-1"));
            expectClean(report, P, urn(RDS_INSTANCE, "orders-2"));
            expectClean(report, P, urn(KEY, "order-key"));
        });
        it("follows an alias to its key", () => {
            expectClean(report, P, urn(SQS, "payments"));
        });
        it("follows an alias named by a known ARN to the key it names: the payment key serves refund too", () =>
            expectFindings(report, P, urn(KEY, "payment-key"), [[M, "KMS key payment-key must serve a single service; it encrypts payment, refund: refund-secret (refund), half-replicated (payment), replicated-secret (payment), payments (payment)"]]));
        it("checks each replica on its own: one replica's key does not cover another's missing one", () =>
            expectFindings(report, P, urn("aws:secretsmanager/secret:Secret", "half-replicated"), [[M, "secretsmanager secret half-replicated must set replicas[1].kmsKeyId to a customer-managed KMS key; it is unset"]]));
        it("checks a secret's replicas' keys too", () =>
            expectFindings(report, P, urn("aws:secretsmanager/secret:Secret", "replicated-secret"), [
                [M, 'secretsmanager secret replicated-secret must use a customer-managed KMS key, not the AWS-managed "alias/aws/secretsmanager"'],
                [A, "secretsmanager secret replicated-secret replicas[1].kmsKeyId cannot be proven customer-managed during preview: it is unknown and depends on no aws:kms/key:Key in this stack"],
            ]));
        it("flags a key serving two services", () =>
            expectFindings(report, P, urn(KEY, "shared-key"), [[M, "KMS key shared-key must serve a single service; it encrypts cart, notification: alerts (notification), cart-logs (cart)"]]));
        it("flags a missing key", () =>
            expectFindings(report, P, urn(SQS, "no-key"), [[M, "sqs queue no-key must set kmsMasterKeyId to a customer-managed KMS key; it is unset"]]));
        it("flags AWS-managed and AWS-owned keys", () => {
            expectFindings(report, P, urn(SNS, "aws-managed"), [[M, "sns topic aws-managed must use a customer-managed KMS key, not the AWS-managed \"alias/aws/sns\""]]);
            expectFindings(report, P, urn(DSQL, "ledger"), [[M, "dsql cluster ledger must use a customer-managed KMS key, not the AWS-managed \"AWS_OWNED_KMS_KEY\""]]);
        });
        it("accepts a known customer key ARN", () => expectClean(report, P, urn(LOGS, "external-cmk")));
        it("only advises when an unknown key ARN depends on no key in the stack (preview)", () =>
            expectFindings(report, P, urn(LOGS, "from-elsewhere"), [[A, "cloudwatch log group from-elsewhere kmsKeyId cannot be proven customer-managed during preview: it is unknown and depends on no aws:kms/key:Key in this stack"]]));
        it("takes an S3 encryption configuration's service from its bucket; flags SSE-S3", () => {
            expectClean(report, P, urn(SSE, "assets-sse"));
            expectClean(report, P, urn(KEY, "seller-key"));
            expectFindings(report, P, urn(SSE, "aes-sse"), [[M, "s3 bucket server side encryption configuration aes-sse must encrypt with a customer-managed KMS key (aws:kms); rules[0].applyServerSideEncryptionByDefault.sseAlgorithm is \"AES256\""]]);
        });
        it("accepts a data key whose policy names its users (the account only administers; a bound service principal; another account's backup share)", () => {
            expectClean(report, P, urn(KEY, "order-key"));
            expectClean(report, P, urn(KEY, "cart-key"));
        });
        it("flags a data key that lets the account use it: the root's kms:* and a via-service statement for everyone in the account (S6)", () =>
            expectFindings(report, P, urn(KEY, "legacy-key"), [
                [M, `KMS key legacy-key encrypts data (reviews) and must name the principals that use it; its statement AccountAdministers allows kms:Encrypt, kms:Decrypt, kms:ReEncryptFrom, kms:ReEncryptTo, kms:GenerateDataKey, kms:GenerateDataKeyWithoutPlaintext, kms:GenerateDataKeyPair, kms:GenerateDataKeyPairWithoutPlaintext, kms:CreateGrant to the account (${ROOT}), so IAM alone decides who uses it`],
                [M, 'KMS key legacy-key encrypts data (reviews) and must name the principals that use it; its statement UseThroughService allows kms:Encrypt, kms:Decrypt, kms:ReEncryptFrom, kms:ReEncryptTo, kms:GenerateDataKey, kms:GenerateDataKeyWithoutPlaintext, kms:GenerateDataKeyPair, kms:GenerateDataKeyPairWithoutPlaintext, kms:CreateGrant to every principal ("*") its conditions do not name'],
            ]));
        it("flags a data key without a policy (KMS's default lets the account decide)", () =>
            expectFindings(report, P, urn(KEY, "default-policy-key"), [[M, "KMS key default-policy-key encrypts data (ledger-table) and must have a policy that names its users; it has none, so the account decides"]]));
        it("holds the data tier's buckets to it by their component tag, and leaves other components' buckets out", () => {
            expectFindings(report, P, urn(KEY, "data-bucket-key"), [
                [M, `KMS key data-bucket-key encrypts data (traces-sse) and must name the principals that use it; its statement AccountAdministers allows kms:Encrypt, kms:Decrypt, kms:ReEncryptFrom, kms:ReEncryptTo, kms:GenerateDataKey, kms:GenerateDataKeyWithoutPlaintext, kms:GenerateDataKeyPair, kms:GenerateDataKeyPairWithoutPlaintext, kms:CreateGrant to the account (${ROOT}), so IAM alone decides who uses it`],
                [M, 'KMS key data-bucket-key encrypts data (traces-sse) and must name the principals that use it; its statement UseThroughService allows kms:Encrypt, kms:Decrypt, kms:ReEncryptFrom, kms:ReEncryptTo, kms:GenerateDataKey, kms:GenerateDataKeyWithoutPlaintext, kms:GenerateDataKeyPair, kms:GenerateDataKeyPairWithoutPlaintext, kms:CreateGrant to every principal ("*") its conditions do not name'],
            ]);
            expectClean(report, P, urn(KEY, "site-key"));
        });
        it("only advises on a data key whose policy is unknown in preview", () =>
            expectFindings(report, P, urn(KEY, "preview-key"), [[A, "KMS key preview-key's policy is not known during preview; the update checks that it names the users of its data"]]));
        it("covers DynamoDB replicas and the @pulumi/eks cluster", () => {
            expectClean(report, P, urn(DDB, "idempotency"));
            expectClean(report, P, urn(EKS, "eks"));
        });
    });

    describe("kms-key-rotation", () => {
        const P = "kms-key-rotation";
        it("accepts a rotating symmetric key", () => expectClean(report, P, urn(KEY, "order-key")));
        it("flags rotation off or unset", () => {
            expectFindings(report, P, urn(KEY, "no-rotation"), [[M, "kms key no-rotation must set enableKeyRotation to true; it is false"]]);
            expectFindings(report, P, urn(KEY, "rotation-unset"), [[M, "kms key rotation-unset must set enableKeyRotation to true; it is unset"]]);
        });
        it("flags a rotation period over the configured maximum", () =>
            expectFindings(report, P, urn(KEY, "slow-rotation"), [[M, "kms key slow-rotation must rotate at least every 365 days; rotationPeriodInDays is 730"]]));
        it("exempts asymmetric and HMAC keys, which AWS cannot rotate", () => {
            expectClean(report, P, urn(KEY, "signing-key"));
            expectClean(report, P, urn(KEY, "hmac-key"));
        });
        it("only advises when rotation is unknown in preview", () =>
            expectFindings(report, P, urn(KEY, "rotation-preview"), [[A, "kms key rotation-preview enableKeyRotation cannot be verified during preview (unknown); it is checked again when known"]]));
    });

    describe("encryption-in-transit-and-at-rest", () => {
        const P = "encryption-in-transit-and-at-rest";
        it("accepts encrypted stores (MSK relying on AWS's TLS defaults)", () => {
            expectClean(report, P, urn(REDIS, "cache"));
            expectClean(report, P, urn(MSK, "events"));
            expectClean(report, P, urn(OS, "search"));
            expectClean(report, P, urn(RDS, "orders"));
            expectClean(report, P, urn(DDB, "idempotency"));
        });
        it("flags ElastiCache without at-rest encryption or with transit mode preferred", () =>
            expectFindings(report, P, urn(REDIS, "cache-plain"), [
                [M, "elasticache replication group cache-plain must set atRestEncryptionEnabled to true; it is false"],
                [M, "elasticache replication group cache-plain must set transitEncryptionMode to \"required\"; it is \"preferred\""],
            ]));
        it("lets a global datastore's secondary member inherit the datastore's encryption", () =>
            expectClean(report, P, urn(REDIS, "cache-global-member")));
        it("only advises on an unknown flag in preview", () =>
            expectFindings(report, P, urn(REDIS, "cache-preview"), [[A, "elasticache replication group cache-preview transitEncryptionEnabled cannot be verified during preview (unknown); it is checked again when known"]]));
        it("only advises while MSK's client authentication is unknown in preview", () =>
            expectFindings(report, P, urn(MSK, "events-auth-preview"), [[A, "msk cluster events-auth-preview clientAuthentication cannot be verified during preview (unknown)"]]));
        it("flags brokers and caches that admit clients without authentication", () => {
            expectFindings(report, P, urn(MSK, "events-open"), [[M, "msk cluster events-open must require client authentication: set clientAuthentication.sasl.iam (or SCRAM, or TLS certificate authorities); it has none"]]);
            expectFindings(report, P, urn(MSK, "events-anonymous"), [[M, "msk cluster events-anonymous must not admit unauthenticated clients: set clientAuthentication.unauthenticated to false"]]);
            expectFindings(report, P, urn(REDIS, "cache-open"), [[M, "elasticache replication group cache-open must require client authentication: set authToken (Valkey/Redis AUTH) or userGroupIds (RBAC); it has neither"]]);
        });
        it("flags CloudFront reaching a custom origin over plain HTTP or with TLS older than 1.2 (S3 origins are CloudFront's own)", () =>
            expectFindings(report, P, urn("aws:cloudfront/distribution:Distribution", "cdn"), [
                [M, 'cloudfront distribution cdn must reach origin "legacy" over HTTPS: set origins[1].customOriginConfig.originProtocolPolicy to https-only; it is "http-only"'],
                [M, 'cloudfront distribution cdn must not offer TLSv1, TLSv1.1 to origin "legacy": set origins[1].customOriginConfig.originSslProtocols to ["TLSv1.2"]'],
            ]));
        it("flags MSK plaintext", () =>
            expectFindings(report, P, urn(MSK, "events-plain"), [
                [M, "msk cluster events-plain must set encryptionInfo.encryptionInTransit.clientBroker to \"TLS\"; it is \"TLS_PLAINTEXT\""],
                [M, "msk cluster events-plain must set encryptionInfo.encryptionInTransit.inCluster to true; it is false"],
            ]));
        it("flags OpenSearch without node-to-node encryption, HTTPS or a TLS 1.2 policy", () =>
            expectFindings(report, P, urn(OS, "search-weak"), [
                [M, "opensearch domain search-weak must set nodeToNodeEncryption.enabled to true; it is unset"],
                [M, "opensearch domain search-weak must set domainEndpointOptions.enforceHttps to true; it is false"],
                [M, "opensearch domain search-weak must set domainEndpointOptions.tlsSecurityPolicy to one of Policy-Min-TLS-1-2-2019-07, Policy-Min-TLS-1-2-PFS-2023-10; it is \"Policy-Min-TLS-1-0-2019-07\""],
            ]));
        it("flags unencrypted DocumentDB storage and DynamoDB without SSE", () => {
            expectFindings(report, P, urn(DOCDB, "catalog"), [[M, "docdb cluster catalog must set storageEncrypted to true; it is false"]]);
            expectFindings(report, P, urn(DDB, "sessions"), [[M, "dynamodb table sessions must set serverSideEncryption.enabled to true; it is false"]]);
        });
    });
});
