/** The offline plan's mocks answer like AWS for the resources and invokes added for deploy-readiness. */
import * as assert from "assert";
import { DEPLOYED_SECRETS, EKS_ADDON_VERSIONS, MOCK_ACCOUNT_ID, PlanMocks, stringifiedOutputs } from "../../tools/plan/mocks";
import { NAME_LIMITS, nameLimitProblems, tagProblems } from "../../tools/plan/name-limits";

describe("offline plan mocks: aws.eks.getAddonVersion", () => {
    const mocks = new PlanMocks({ stack: "us-east-1", region: "us-east-1", stackOutputs: new Map() });
    const call = (inputs: Record<string, unknown>) => mocks.call({ token: "aws:eks/getAddonVersion:getAddonVersion", inputs, provider: "" } as never);

    it("answers like the provider: the inputs echoed, the region, and a version in AWS's vX.Y.Z-eksbuild.N form", () => {
        assert.deepStrictEqual(call({ addonName: "coredns", kubernetesVersion: "1.35", mostRecent: true }), {
            id: "coredns",
            addonName: "coredns",
            kubernetesVersion: "1.35",
            mostRecent: true,
            region: "us-east-1",
            version: "v1.14.2-eksbuild.4",
        });
        for (const [addon, byVersion] of Object.entries(EKS_ADDON_VERSIONS)) {
            for (const [k8s, v] of Object.entries(byVersion)) {
                assert.match(v, /^v\d+\.\d+\.\d+-eksbuild\.\d+$/, `${addon} ${k8s}`);
                assert.strictEqual(call({ addonName: addon, kubernetesVersion: k8s }).version, v);
            }
        }
    });

    it("gives kube-proxy the build of the cluster's Kubernetes minor", () => {
        for (const k8s of Object.keys(EKS_ADDON_VERSIONS["kube-proxy"])) assert.ok(String(call({ addonName: "kube-proxy", kubernetesVersion: k8s }).version).startsWith(`v${k8s}.`), k8s);
    });

    it("fails on an add-on or Kubernetes version EKS has no build for, saying where to add one", () => {
        assert.throws(() => call({ addonName: "coredns", kubernetesVersion: "1.99" }), /no coredns add-on build for Kubernetes 1\.99 .*tools\/plan\/mocks\.ts/);
        assert.throws(() => call({ addonName: "eks-pod-identity-agent", kubernetesVersion: "1.35" }), /no eks-pod-identity-agent add-on build/);
    });
});


const mocks = new PlanMocks({ stack: "us-east-1", region: "us-east-1", stackOutputs: new Map() });

describe("plan mocks", () => {
    it("a service-linked role gets the name and path AWS derives from the service (IAM ARNs carry no region)", () => {
        const { id, state } = mocks.newResource({
            type: "aws:iam/serviceLinkedRole:ServiceLinkedRole",
            name: "data-search-service-linked-role",
            inputs: { awsServiceName: "opensearchservice.amazonaws.com" },
            provider: "",
            id: "",
            custom: true,
        } as never);
        const arn = `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/aws-service-role/opensearchservice.amazonaws.com/AWSServiceRoleForAmazonOpenSearchService`;
        assert.strictEqual(id, arn);
        assert.deepStrictEqual([state.arn, state.name, state.path], [arn, "AWSServiceRoleForAmazonOpenSearchService", "/aws-service-role/opensearchservice.amazonaws.com/"]);
    });

    it("getEngineVersion answers the newest version of the asked family with the TF data source's fields", () => {
        const v = mocks.call({ token: "aws:rds/getEngineVersion:getEngineVersion", args: {}, inputs: { engine: "aurora-postgresql", parameterGroupFamily: "aurora-postgresql16", latest: true }, provider: "" } as never);
        assert.deepStrictEqual(
            [v.version, v.versionActual, v.parameterGroupFamily, v.status, v.supportsGlobalDatabases, v.validUpgradeTargets],
            ["16.8", "16.8", "aurora-postgresql16", "available", true, ["17.4", "17.5"]],
        );
        assert.ok((v.supportedFeatureNames as string[]).includes("Lambda"));
        assert.throws(() => mocks.call({ token: "aws:rds/getEngineVersion:getEngineVersion", args: {}, inputs: { engine: "aurora-postgresql", parameterGroupFamily: "aurora-postgresql12" }, provider: "" } as never), /knows no aurora-postgresql versions of family "aurora-postgresql12"/);
    });
});

describe("plan mocks: CodeBuild (deploy runners)", () => {
    const m = new PlanMocks({ stack: "us-west-2", region: "us-west-2", stackOutputs: new Map() });
    it("answers a project with its ARN as the id, as the provider does", () => {
        const p = m.newResource({ type: "aws:codebuild/project:Project", name: "runner-deploy", inputs: { name: "mall-us-west-2-deploy" }, custom: true } as never);
        assert.strictEqual(p.id, `arn:aws:codebuild:us-west-2:${MOCK_ACCOUNT_ID}:project/mall-us-west-2-deploy`);
        assert.strictEqual(p.state.arn, p.id);
    });
    it("answers a webhook keyed by its project, with CodeBuild's payload URL", () => {
        const w = m.newResource({ type: "aws:codebuild/webhook:Webhook", name: "runner-deploy-webhook", inputs: { projectName: "mall-us-west-2-deploy" }, custom: true } as never);
        assert.strictEqual(w.id, "mall-us-west-2-deploy");
        assert.match(String(w.state.payloadUrl), /^https:\/\/codebuild\.us-west-2\.amazonaws\.com\/webhooks\?t=[0-9a-f]{32}&v=1$/);
    });
});

describe("plan mocks: the origin ALB, its listener rules, the origin secret", () => {
    const west = new PlanMocks({ stack: "us-west-2", region: "us-west-2", stackOutputs: new Map() });
    const make = (type: string, name: string, inputs: Record<string, unknown>) => west.newResource({ type, name, inputs, custom: true } as never).state;

    it("an ALB gets an app/ ARN, the ALB DNS form and the region's ALB alias zone; an NLB keeps net/ and its own zone", () => {
        const alb = make("aws:lb/loadBalancer:LoadBalancer", "ingress-alb", { name: "mall-us-west-2-api-alb", loadBalancerType: "application" });
        assert.match(String(alb.arn), new RegExp(`^arn:aws:elasticloadbalancing:us-west-2:${MOCK_ACCOUNT_ID}:loadbalancer/app/mall-us-west-2-api-alb/[0-9a-f]{16}$`));
        assert.match(String(alb.dnsName), /^mall-us-west-2-api-alb-\d+\.us-west-2\.elb\.amazonaws\.com$/);
        assert.strictEqual(alb.zoneId, "Z1H1FL5HABSF5");
        const nlb = make("aws:lb/loadBalancer:LoadBalancer", "x-nlb", { name: "x", loadBalancerType: "network" });
        assert.match(String(nlb.arn), /:loadbalancer\/net\/x\/[0-9a-f]{16}$/);
        assert.strictEqual(nlb.zoneId, "Z18D5FSROUN65G");
        const listener = make("aws:lb/listener:Listener", "ingress-https", { loadBalancerArn: alb.arn });
        assert.match(String(listener.arn), /:listener\/app\/mall-us-west-2-api-alb\/[0-9a-f]{16}\/[0-9a-f]{16}$/);
        const rule = make("aws:lb/listenerRule:ListenerRule", "ingress-origin-verified", { listenerArn: listener.arn });
        assert.match(String(rule.arn), /:listener-rule\/app\/mall-us-west-2-api-alb\/[0-9a-f]{16}\/[0-9a-f]{16}\/[0-9a-f]{16}$/);
        assert.match(String(make("aws:wafv2/webAcl:WebAcl", "ingress-waf", { name: "mall-us-west-2-origin", scope: "REGIONAL" }).arn), /^arn:aws:wafv2:us-west-2:\d{12}:regional\/webacl\/mall-us-west-2-origin\/[0-9a-f-]{36}$/);
    });

    it("getSecretVersion answers a secret ARN with the origin-secret document, and refuses anything else", () => {
        const arn = `arn:aws:secretsmanager:us-west-2:${MOCK_ACCOUNT_ID}:secret:mall/edge/origin-verify-a1b2c3`;
        const v = west.call({ token: "aws:secretsmanager/getSecretVersion:getSecretVersion", inputs: { secretId: arn, region: "us-west-2" }, provider: "" } as never);
        assert.deepStrictEqual([v.arn, v.versionStage, v.region], [arn, "AWSCURRENT", "us-west-2"]);
        const doc = JSON.parse(String(v.secretString));
        assert.deepStrictEqual([doc.phase, doc.accept, doc.send.length], ["steady", [doc.send], 48]);
        assert.throws(() => west.call({ token: "aws:secretsmanager/getSecretVersion:getSecretVersion", inputs: { secretId: "mall/edge/origin-verify" }, provider: "" } as never), /is not a Secrets Manager secret ARN/);
    });
});

describe("plan mocks: Secrets Manager lookups", () => {
    const m = new PlanMocks({ stack: "us-east-1", region: "us-east-1", stackOutputs: new Map() });
    const call = (token: string, inputs: Record<string, unknown>) => m.call({ token, inputs, provider: "" } as never) as Record<string, unknown>;
    it("finds no secret by default (a first deploy), and a deployed one by name with its current value", () => {
        const filters = [{ name: "name", values: ["mall/edge/origin-verify"] }];
        assert.deepStrictEqual(call("aws:secretsmanager/getSecrets:getSecrets", { filters }).arns, []);
        DEPLOYED_SECRETS.set("mall/edge/origin-verify", '{"epoch":3,"phase":"staged"}');
        try {
            const found = call("aws:secretsmanager/getSecrets:getSecrets", { filters });
            assert.deepStrictEqual(found.names, ["mall/edge/origin-verify"]);
            assert.match(String((found.arns as string[])[0]), /^arn:aws:secretsmanager:us-east-1:\d{12}:secret:mall\/edge\/origin-verify-[0-9a-f]{6}$/);
            assert.strictEqual(call("aws:secretsmanager/getSecretVersion:getSecretVersion", { secretId: (found.arns as string[])[0] }).secretString, '{"epoch":3,"phase":"staged"}');
        } finally {
            DEPLOYED_SECRETS.clear();
        }
    });
});

describe("plan mocks: active-active (topics as code, writer directory, replicators)", () => {
    const m = new PlanMocks({ stack: "us-west-2", region: "us-west-2", stackOutputs: new Map() });
    it("an Aurora global cluster answers its global writer endpoint in AWS's form", () => {
        const g = m.newResource({ type: "aws:rds/globalCluster:GlobalCluster", name: "data-aurora-global", inputs: { globalClusterIdentifier: "mall-aurora-global" }, custom: true } as never);
        assert.match(String(g.state.endpoint), /^mall-aurora-global\.global-[0-9a-f]{12}\.global\.rds\.amazonaws\.com$/);
    });
    it("a Kafka topic's id is its name, as the Kafka provider's", () => {
        const t = m.newResource({ type: "kafka:index/topic:Topic", name: "data-topic-order.created", inputs: { name: "order.created", partitions: 6, replicationFactor: 3 }, custom: true } as never);
        assert.strictEqual(t.id, "order.created");
        assert.strictEqual(t.state.arn, undefined);
    });
    it("an SSM parameter's id is its name and its ARN drops the leading slash, in the parameter's own region", () => {
        const p = m.newResource({ type: "aws:ssm/parameter:Parameter", name: "data-writers-docdb-us-west-2-at-us-east-1", inputs: { region: "us-east-1", name: "/mall/writers/docdb/us-west-2", type: "String" }, custom: true } as never);
        assert.strictEqual(p.id, "/mall/writers/docdb/us-west-2");
        assert.strictEqual(p.state.arn, `arn:aws:ssm:us-east-1:${MOCK_ACCOUNT_ID}:parameter/mall/writers/docdb/us-west-2`);
        assert.strictEqual(p.state.version, 1);
    });
    it("a replicator homed in another region gets that region's kafka ARN", () => {
        const r = m.newResource({ type: "aws:msk/replicator:Replicator", name: "data-msk-replicator-to-us-east-1", inputs: { region: "us-east-1", replicatorName: "mall-us-east-1-msk-from-us-west-2" }, custom: true } as never);
        assert.match(String(r.state.arn), new RegExp(`^arn:aws:kafka:us-east-1:${MOCK_ACCOUNT_ID}:replicator/mall-us-east-1-msk-from-us-west-2/[0-9a-f-]{36}$`));
    });
});

describe("plan mocks: EventBridge Scheduler", () => {
    const m = new PlanMocks({ stack: "us-east-1", region: "us-east-1", stackOutputs: new Map() });
    it("a schedule's id is `<group>/<name>` and its ARN names the group (default unless given)", () => {
        const s = m.newResource({ type: "aws:scheduler/schedule:Schedule", name: "chaos-injected-latency-schedule", inputs: { name: "mall-us-east-1-drill-injected-latency" }, custom: true } as never);
        assert.strictEqual(s.id, "default/mall-us-east-1-drill-injected-latency");
        assert.strictEqual(s.state.arn, `arn:aws:scheduler:us-east-1:${MOCK_ACCOUNT_ID}:schedule/default/mall-us-east-1-drill-injected-latency`);
        assert.strictEqual(m.newResource({ type: "aws:scheduler/schedule:Schedule", name: "x", inputs: { name: "n", groupName: "drills" }, custom: true } as never).id, "drills/n");
    });
});

describe("plan mocks: CloudWatch alarms", () => {
    const m = new PlanMocks({ stack: "us-west-2", region: "us-west-2", stackOutputs: new Map() });
    it("metric and composite alarms are `alarm:<name>` in their region (what Region switch and composite rules name)", () => {
        assert.strictEqual(m.newResource({ type: "aws:cloudwatch/metricAlarm:MetricAlarm", name: "a", inputs: { name: "mall-us-west-2-canary-us-east-1" }, custom: true } as never).state.arn, `arn:aws:cloudwatch:us-west-2:${MOCK_ACCOUNT_ID}:alarm:mall-us-west-2-canary-us-east-1`);
        assert.strictEqual(m.newResource({ type: "aws:cloudwatch/compositeAlarm:CompositeAlarm", name: "c", inputs: { alarmName: "mall-us-west-2-primary-us-east-1-down" }, custom: true } as never).state.arn, `arn:aws:cloudwatch:us-west-2:${MOCK_ACCOUNT_ID}:alarm:mall-us-west-2-primary-us-east-1-down`);
    });
});

describe("plan mocks: Lambda", () => {
    it("a function's ARN is `function:<name>` in its region", () => {
        const m = new PlanMocks({ stack: "us-west-2", region: "us-west-2", stackOutputs: new Map() });
        const f = m.newResource({ type: "aws:lambda/function:Function", name: "dr-elasticache", inputs: { name: "mall-us-west-2-failover-elasticache" }, custom: true } as never);
        assert.strictEqual(f.state.arn, `arn:aws:lambda:us-west-2:${MOCK_ACCOUNT_ID}:function:mall-us-west-2-failover-elasticache`);
    });
});

describe("plan mocks: ARC Region switch", () => {
    const m = new PlanMocks({ stack: "us-west-2", region: "us-west-2", stackOutputs: new Map() });
    it("a plan's id is its global ARN, `plan/<name>:<6 characters>` with no region (API_Plan)", () => {
        const p = m.newResource({ type: "aws:arcregionswitch/plan:Plan", name: "dr-region-switch", inputs: { name: "mall-us-east-1-us-west-2" }, custom: true } as never);
        assert.match(String(p.state.arn), new RegExp(`^arn:aws:arc-region-switch::${MOCK_ACCOUNT_ID}:plan/mall-us-east-1-us-west-2:[a-z0-9]{6}$`));
        assert.strictEqual(p.id, p.state.arn);
    });
});

describe("offline plan mocks: AWS's limits on physical names (tools/plan/name-limits.ts)", () => {
    const mocks = new PlanMocks({ stack: "staging-us-east-1", region: "us-east-1", stackOutputs: new Map() });
    const create = (type: string, inputs: Record<string, unknown>) => mocks.newResource({ type, name: "r", inputs, custom: true } as never);

    it("refuses a name past its limit, naming the field, the value, the limit and the provider source", () => {
        assert.throws(
            () => create("aws:opensearch/domain:Domain", { domainName: "mall-staging-us-east-1-search" }),
            new Error(
                'AWS would refuse a name in stack staging-us-east-1: aws:opensearch/domain:Domain r: domainName "mall-staging-us-east-1-search" is 29 characters; AWS allows 3-28 (3-28 lowercase letters, digits and hyphens, starting with a lowercase letter) [terraform-provider-aws v6.66.0 internal/service/opensearch/domain.go]',
            ),
        );
        assert.strictEqual(create("aws:opensearch/domain:Domain", { domainName: "mall-staging-use1-search" }).state.domainName, "mall-staging-use1-search");
    });

    it("refuses a name of the wrong shape, and leaves unknown or absent names to AWS", () => {
        assert.throws(() => create("aws:lb/loadBalancer:LoadBalancer", { name: "internal-api" }), /name "internal-api" is not/);
        assert.throws(() => create("aws:elasticache/replicationGroup:ReplicationGroup", { replicationGroupId: "Mall--cache" }), /replicationGroupId "Mall--cache" is not/);
        assert.doesNotThrow(() => create("aws:lb/targetGroup:TargetGroup", { name: "mall-us-east-1-api-http" }));
        assert.doesNotThrow(() => create("aws:lb/targetGroup:TargetGroup", {}));
        assert.doesNotThrow(() => create("aws:sqs/queue:Queue", { name: { unknown: true } }));
    });

    it("cites a source for every limit, and every pattern accepts the shipped plan's names", () => {
        for (const [type, limits] of Object.entries(NAME_LIMITS)) {
            for (const l of limits) {
                assert.match(l.source, /^(terraform-provider-aws v6\.66\.0 |https:\/\/docs\.aws\.amazon\.com\/)/, `${type}.${l.field}`);
                assert.ok(l.max >= (l.min ?? 1), `${type}.${l.field}`);
            }
        }
        assert.deepStrictEqual(nameLimitProblems("aws:arcregionswitch/plan:Plan", "p", { name: "mall-staging-us-east-1-us-west-2" }), []);
        assert.strictEqual(nameLimitProblems("aws:arcregionswitch/plan:Plan", "p", { name: "mall-staging-us-east-1-us-west-2x" }).length, 1);
    });
});

describe("offline plan mocks: AWS Backup (the platform's vault, plan, selection and Region settings)", () => {
    const mocks = new PlanMocks({ stack: "us-east-1", region: "us-east-1", stackOutputs: new Map() });
    const create = (type: string, name: string, inputs: Record<string, unknown>) => mocks.newResource({ type, name, inputs, custom: true } as never);

    it("answers with AWS's ids and ARNs: a vault by name, a plan and a selection by UUID, the settings by region", () => {
        const vault = create("aws:backup/vault:Vault", "backup-vault", { name: "mall-us-east-1-backup" });
        assert.deepStrictEqual([vault.id, vault.state.arn, vault.state.recoveryPoints], ["mall-us-east-1-backup", "arn:aws:backup:us-east-1:123456789012:backup-vault:mall-us-east-1-backup", 0]);
        const plan = create("aws:backup/plan:Plan", "backup-plan", { name: "mall-us-east-1-backup", rules: [] });
        assert.match(String(plan.id), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        assert.strictEqual(plan.state.arn, `arn:aws:backup:us-east-1:123456789012:backup-plan:${plan.id}`);
        assert.match(String(plan.state.version), /^[A-Za-z0-9+/]+=*$/);
        assert.match(String(create("aws:backup/selection:Selection", "backup-dsql", { name: "dsql" }).id), /^[0-9a-f]{8}-/);
        assert.strictEqual(create("aws:backup/regionSettings:RegionSettings", "backup-region-settings", {}).id, "us-east-1");
    });

    it("refuses a vault name AWS would (2-50 letters, digits, hyphens, underscores)", () => {
        assert.throws(() => create("aws:backup/vault:Vault", "v", { name: "mall.backup" }), /name "mall\.backup" is not letters, digits, hyphens and underscores/);
        assert.throws(() => create("aws:backup/vault:Vault", "v", { name: "x".repeat(51) }), /is 51 characters; AWS allows 2-50/);
    });
});

describe("offline plan mocks: Kubernetes objects", () => {
    const mocks = new PlanMocks({ stack: "us-east-1", region: "us-east-1", stackOutputs: new Map() });
    const create = (type: string, name: string, inputs: Record<string, unknown>) => mocks.newResource({ type, name, inputs, custom: true } as never) as { id: string; state: Record<string, unknown> };

    it("answers a namespaced object with <namespace>/<name> and the server-set metadata, a cluster-scoped one with its name", () => {
        const policy = create("kubernetes:networking.k8s.io/v1:NetworkPolicy", "eks-netpol-commerce-default-deny", { metadata: { name: "default-deny", namespace: "commerce" }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } });
        assert.strictEqual(policy.id, "commerce/default-deny");
        const meta = policy.state.metadata as Record<string, unknown>;
        assert.deepStrictEqual([meta.name, meta.namespace, meta.generation, meta.creationTimestamp], ["default-deny", "commerce", 1, "2026-01-01T00:00:00Z"]);
        assert.match(String(meta.uid), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        assert.match(String(meta.resourceVersion), /^\d+$/);
        assert.deepStrictEqual(policy.state.spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
        const vap = create("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy", "eks-vap-mall-no-ingresses", { metadata: { name: "mall-no-ingresses" }, spec: {} });
        assert.strictEqual(vap.id, "mall-no-ingresses");
        const project = create("kubernetes:argoproj.io/v1alpha1:AppProjectPatch", "eks-argocd-project-default", { apiVersion: "argoproj.io/v1alpha1", kind: "AppProject", metadata: { name: "default", namespace: "argocd" }, spec: {} });
        assert.strictEqual(project.id, "argocd/default");
    });

    it("answers a Helm release with <namespace>/<name>", () => {
        assert.strictEqual(create("kubernetes:helm.sh/v3:Release", "eks-argocd", { name: "argocd", namespace: "argocd", chart: "argo-cd" }).id, "argocd/argocd");
    });
});

describe("plan mocks: the audit archive's Object Lock", () => {
    it("an Object Lock configuration is identified by its bucket's name, its rule echoed", () => {
        const rule = { defaultRetention: { mode: "COMPLIANCE", days: 365 } };
        const { id, state } = mocks.newResource({
            type: "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
            name: "audit-object-lock",
            inputs: { bucket: "mall-us-east-1-audit-123456789012", objectLockEnabled: "Enabled", rule },
            provider: "",
            id: "",
            custom: true,
        } as never);
        assert.strictEqual(id, "mall-us-east-1-audit-123456789012");
        assert.deepStrictEqual([state.bucket, state.objectLockEnabled, state.rule], ["mall-us-east-1-audit-123456789012", "Enabled", rule]);
    });
});

describe("plan mocks: AWS Backup's Vault Lock", () => {
    it("is identified by its vault's name, with the vault's ARN in the resource's own region", () => {
        const { id, state } = mocks.newResource({
            type: "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
            name: "backup-copy-vault-lock",
            inputs: { region: "us-west-2", backupVaultName: "mall-us-east-1-backup-copy", changeableForDays: 3, minRetentionDays: 35 },
            provider: "",
            id: "",
            custom: true,
        } as never);
        assert.strictEqual(id, "mall-us-east-1-backup-copy");
        assert.deepStrictEqual([state.backupVaultArn, state.changeableForDays, state.minRetentionDays], [`arn:aws:backup:us-west-2:${MOCK_ACCOUNT_ID}:backup-vault:mall-us-east-1-backup-copy`, 3, 35]);
    });
});

describe("plan mocks: the detection baseline", () => {
    const make = (type: string, name: string, inputs: Record<string, unknown>, region = "us-east-1") =>
        new PlanMocks({ stack: region, region, stackOutputs: new Map() }).newResource({ type, name, inputs, provider: "", id: "", custom: true } as never);

    it("a GuardDuty detector has a 32-hex id and the account; a feature is <detectorId>/<name>", () => {
        const { id, state } = make("aws:guardduty/detector:Detector", "detection-guardduty", { enable: true });
        assert.match(String(id), /^[0-9a-f]{32}$/);
        assert.deepStrictEqual([state.accountId, state.arn], [MOCK_ACCOUNT_ID, `arn:aws:guardduty:us-east-1:${MOCK_ACCOUNT_ID}:detector/${id}`]);
        assert.strictEqual(make("aws:guardduty/detectorFeature:DetectorFeature", "f", { detectorId: id, name: "RUNTIME_MONITORING", status: "ENABLED" }).id, `${id}/RUNTIME_MONITORING`);
    });

    it("Security Hub: the account's id is the account, a standard's subscription ARN names the region and the standard, the aggregator an ARN of its own", () => {
        assert.strictEqual(make("aws:securityhub/account:Account", "hub", { enableDefaultStandards: false }).id, MOCK_ACCOUNT_ID);
        assert.strictEqual(
            make("aws:securityhub/standardsSubscription:StandardsSubscription", "fsbp", { standardsArn: "arn:aws:securityhub:us-west-2::standards/aws-foundational-security-best-practices/v/1.0.0" }, "us-west-2").id,
            `arn:aws:securityhub:us-west-2:${MOCK_ACCOUNT_ID}:subscription/aws-foundational-security-best-practices/v/1.0.0`,
        );
        assert.match(String(make("aws:securityhub/findingAggregator:FindingAggregator", "agg", { linkingMode: "SPECIFIED_REGIONS" }).id), new RegExp(`^arn:aws:securityhub:us-east-1:${MOCK_ACCOUNT_ID}:finding-aggregator/[0-9a-f-]{36}$`));
    });

    it("Config's recorder, channel and status are identified by the recorder's name; a trail by its ARN in its home region", () => {
        for (const type of ["aws:cfg/recorder:Recorder", "aws:cfg/deliveryChannel:DeliveryChannel", "aws:cfg/recorderStatus:RecorderStatus"]) {
            assert.strictEqual(make(type, "c", { name: "mall-us-east-1" }).id, "mall-us-east-1", type);
        }
        const trail = make("aws:cloudtrail/trail:Trail", "detection-trail", { name: "mall-trail", isMultiRegionTrail: true });
        assert.deepStrictEqual([trail.id, trail.state.homeRegion], [`arn:aws:cloudtrail:us-east-1:${MOCK_ACCOUNT_ID}:trail/mall-trail`, "us-east-1"]);
    });
});

describe("plan mocks: tags AWS would refuse", () => {
    it("refuses a tag value outside AWS's characters on a tagging service, with the resource and the rule", () => {
        assert.deepStrictEqual(tagProblems("aws:s3/bucket:Bucket", "detection-trail-bucket", { tags: { Name: "mall-us-east-1-trail-<account>", service: "trail" } }), [
            'aws:s3/bucket:Bucket detection-trail-bucket: tag Name "mall-us-east-1-trail-<account>" is not a tag value AWS accepts (0-256 letters, numbers, spaces and _ . : / = + - @) [AWS tagging guide]',
        ]);
        assert.deepStrictEqual(tagProblems("aws:kms/key:Key", "k", { tags: { "aws:owner": "x", ok: "a b_c.d:e/f=g+h-i@j", long: "x".repeat(257) } }).length, 2);
        assert.deepStrictEqual(tagProblems("aws:kms/key:Key", "k", { tags: { service: "trail", Name: "mall-us-east-1-trail" } }), []);
    });

    it("lets EC2, VPC and Transit Gateway resources use any character (EC2's own rule), within the lengths", () => {
        assert.deepStrictEqual(tagProblems("aws:ec2/subnet:Subnet", "network-public-a", { tags: { purpose: "load balancers and NAT gateways; no instances" } }), []);
        assert.strictEqual(tagProblems("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "r", { tags: { note: "x".repeat(257) } }).length, 1);
    });

    it("fails the plan's registration of such a resource", () => {
        assert.throws(
            () => mocks.newResource({ type: "aws:s3/bucket:Bucket", name: "b", inputs: { bucket: "b-123", tags: { Name: "<placeholder>" } }, provider: "", id: "", custom: true } as never),
            /tag Name "<placeholder>" is not a tag value AWS accepts/,
        );
    });
});

describe("plan mocks: an Output turned into a string", () => {
    it("finds Pulumi's toString warning text anywhere in the inputs, by path", () => {
        const bad = "arn:aws:logs:us-east-1:Calling [toString] on an [Output<T>] is not supported.:log-group:*";
        assert.deepStrictEqual(stringifiedOutputs({ policy: JSON.stringify({ a: bad }), list: ["ok", bad], nested: { x: 1 } }), ["inputs.policy", "inputs.list[1]"]);
        assert.deepStrictEqual(stringifiedOutputs({ policy: "{}" }), []);
    });

    it("fails the resource's registration, naming the input and the fix", () => {
        assert.throws(
            () =>
                mocks.newResource({
                    type: "aws:s3/bucketPolicy:BucketPolicy",
                    name: "audit-bucket-policy",
                    inputs: { bucket: "b", policy: "Calling [toString] on an [Output<T>] is not supported." },
                    provider: "",
                    id: "",
                    custom: true,
                } as never),
            /audit-bucket-policy in stack us-east-1: inputs\.policy holds a Pulumi Output turned into a string .*pulumi\.interpolate/,
        );
    });
});

describe("plan mocks: ElastiCache RBAC users and groups", () => {
    const create = (type: string, name: string, inputs: Record<string, unknown>) => mocks.newResource({ type, name, inputs, provider: "", id: "", custom: true } as never);
    const USER = "aws:elasticache/user:User";
    const password = "0123456789abcdefXYZ!&#$^<>-0123456789ab";
    it("identifies a user and a group by their ids, with ARNs in the resource's own region", () => {
        const user = create(USER, "u", { region: "us-west-2", userId: "mall-us-west-2-cache-cart", userName: "cart", engine: "valkey", accessString: "on ~cart:* -@all +@read", authenticationMode: { type: "password", passwords: [password] } });
        assert.deepStrictEqual([user.id, user.state.arn, user.state.userName], ["mall-us-west-2-cache-cart", `arn:aws:elasticache:us-west-2:${MOCK_ACCOUNT_ID}:user:mall-us-west-2-cache-cart`, "cart"]);
        const group = create("aws:elasticache/userGroup:UserGroup", "g", { userGroupId: "mall-us-east-1-cache-users", engine: "valkey", userIds: ["mall-us-east-1-cache-default"] });
        assert.deepStrictEqual([group.id, group.state.arn], ["mall-us-east-1-cache-users", `arn:aws:elasticache:us-east-1:${MOCK_ACCOUNT_ID}:usergroup:mall-us-east-1-cache-users`]);
    });
    it("refuses what CreateUser refuses: a bad id, a valkey user without authentication, a short or forbidden password", () => {
        const base = { userName: "cart", engine: "valkey", accessString: "on ~cart:* -@all" };
        assert.throws(() => create(USER, "a", { ...base, userId: "1cart", authenticationMode: { type: "password", passwords: [password] } }), /must begin with a letter/);
        assert.throws(() => create(USER, "b", { ...base, userId: "cart--x", authenticationMode: { type: "password", passwords: [password] } }), /single hyphens/);
        assert.throws(() => create(USER, "c", { ...base, userId: "cart", noPasswordRequired: true }), /a valkey user authenticates/);
        assert.throws(() => create(USER, "d", { ...base, userId: "cart", authenticationMode: { type: "password", passwords: ["short"] } }), /16-128 printable characters/);
        assert.throws(() => create(USER, "e", { ...base, userId: "cart", authenticationMode: { type: "password", passwords: ["a/b" + password] } }), /without , " \/ @/);
    });
    it("refuses a replication group with both an AUTH token and a user group (the provider's ConflictsWith)", () => {
        assert.throws(
            () => create("aws:elasticache/replicationGroup:ReplicationGroup", "rg", { replicationGroupId: "mall-us-east-1-cache", authToken: password, userGroupIds: ["mall-us-east-1-cache-users"] }),
            /authToken conflicts with userGroupIds/,
        );
    });
});

describe("plan mocks: Secrets Manager rotation", () => {
    const create = (inputs: Record<string, unknown>) => mocks.newResource({ type: "aws:secretsmanager/secretRotation:SecretRotation", name: "r", inputs, provider: "", id: "", custom: true } as never);
    const secretId = `arn:aws:secretsmanager:us-east-1:${MOCK_ACCOUNT_ID}:secret:mall/us-east-1/aurora-master-AbCdEf`;
    const lambda = `arn:aws:lambda:us-east-1:${MOCK_ACCOUNT_ID}:function:mall-us-east-1-credential-rotation`;
    it("is identified by its secret's ARN, enabled", () => {
        const { id, state } = create({ secretId, rotationLambdaArn: lambda, rotationRules: { automaticallyAfterDays: 30 } });
        assert.deepStrictEqual([id, state.rotationEnabled], [secretId, true]);
    });
    it("refuses what RotateSecret refuses: no function ARN, both or neither schedule, days out of 1-1000", () => {
        assert.throws(() => create({ secretId, rotationLambdaArn: "mall-rotation", rotationRules: { automaticallyAfterDays: 30 } }), /is not a Lambda function ARN/);
        assert.throws(() => create({ secretId, rotationLambdaArn: lambda, rotationRules: {} }), /exactly one of/);
        assert.throws(() => create({ secretId, rotationLambdaArn: lambda, rotationRules: { automaticallyAfterDays: 30, scheduleExpression: "rate(30 days)" } }), /exactly one of/);
        assert.throws(() => create({ secretId, rotationLambdaArn: lambda, rotationRules: { automaticallyAfterDays: 1001 } }), /is not 1-1000/);
    });
});
