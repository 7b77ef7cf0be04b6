import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import { Observability } from "../../components/observability/observability";
import { dashboardBody, planLagAlarms, tailSamplingPolicies } from "../../components/observability/plan";
import { collectorConfig, collectorProblems, loadChart, loadComponents, mergeValues, Values } from "../../tools/deploy-ready/helm";
import { Resources, planComponent, testContext } from "../harness";

const TOPIC = "arn:aws:sns:us-west-2:123456789012:mall-us-west-2-dr";
const replication = {
    auroraClusterIds: ["mall-us-west-2-aurora"],
    docdbClusterIds: ["mall-us-west-2-docdb"],
    cacheNodeIds: ["mall-us-west-2-cache-0001-001"],
    mskReplicatorNames: ["mall-us-east-1-to-us-west-2"],
    s3Replications: [{ sourceBucket: "mall-us-east-1-assets", destinationBucket: "mall-us-west-2-assets", ruleId: "all", region: "us-east-1" }],
    dynamodbTables: [{ tableName: "mall-idempotency", receivingRegion: "us-east-1" }],
};

describe("Observability", () => {
    it("alarms on every replication path with the metric that reports it", () => {
        assert.deepStrictEqual(
            planLagAlarms(replication).map((a) => [a.key, a.namespace, a.metricName, a.threshold]),
            [
                ["aurora-0", "AWS/RDS", "AuroraGlobalDBReplicationLag", 2000],
                ["docdb-0", "AWS/DocDB", "GlobalClusterReplicationLag", 4000],
                ["elasticache-0", "AWS/ElastiCache", "GlobalDatastoreReplicationLag", 2],
                ["msk-0", "AWS/Kafka", "ReplicationLatency", 10000],
                ["s3-0", "AWS/S3", "ReplicationLatency", 900],
                ["dynamodb-0", "AWS/DynamoDB", "ReplicationLatency", 5000],
            ],
        );
    });

    it("tail-samples errors and slow traces at 100 % and the rest at the configured share", () => {
        assert.deepStrictEqual(tailSamplingPolicies(10, 500), [
            { name: "errors", type: "status_code", status_code: { status_codes: ["ERROR"] } },
            { name: "slow", type: "latency", latency: { threshold_ms: 500 } },
            { name: "baseline", type: "probabilistic", probabilistic: { sampling_percentage: 10 } },
        ]);
    });

    it("charts lag, health checks, 5xx and latency", () => {
        const body = JSON.parse(dashboardBody({ region: "us-west-2", lagAlarms: planLagAlarms({ auroraClusterIds: ["a"] }), healthCheckIds: ["hc"], canaryNames: ["mall-api-us-east-1"], distributionId: "E1" }));
        assert.deepStrictEqual(body.widgets.map((w: { properties: { title: string } }) => w.properties.title), ["Replication lag", "Route 53 health checks (1 = healthy)", "5xx", "API latency (canary p99, ms)"]);
        assert.strictEqual(body.widgets[1].properties.region, "us-east-1");
        assert.deepStrictEqual(body.widgets[0].properties.metrics, [["AWS/RDS", "AuroraGlobalDBReplicationLag", "DBClusterIdentifier", "a"]]);
    });

    it("declares the alarms with SNS actions, except where the metric lives in another region", async () => {
        const res = await planComponent(() => new Observability("obs", { context: testContext("us-west-2", "secondary"), alarmTopicArn: TOPIC, replication }), { region: "us-west-2" });
        const aurora = res.one("aws:cloudwatch/metricAlarm:MetricAlarm", "obs-lag-aurora-0");
        assert.deepStrictEqual([aurora.inputs.name, aurora.inputs.dimensions, aurora.inputs.alarmActions, aurora.inputs.okActions], [
            "mall-us-west-2-lag-aurora-0",
            { DBClusterIdentifier: "mall-us-west-2-aurora" },
            [TOPIC],
            [TOPIC],
        ]);
        const s3 = res.one("aws:cloudwatch/metricAlarm:MetricAlarm", "obs-lag-s3-0");
        assert.strictEqual(s3.inputs.region, "us-east-1");
        assert.strictEqual(s3.inputs.alarmActions, undefined);
        assert.strictEqual(res.count("aws:cloudwatch/metricAlarm:MetricAlarm"), 6);
        assert.strictEqual(res.count("aws:xray/samplingRule:SamplingRule"), 2);
        assert.strictEqual(res.count("aws:xray/group:Group"), 3);
        assert.strictEqual(res.count("aws:cloudwatch/dashboard:Dashboard"), 1);
        const lg = res.one("aws:cloudwatch/logGroup:LogGroup", "obs-app-logs");
        assert.deepStrictEqual([lg.inputs.name, lg.inputs.retentionInDays], ["/mall/us-west-2/application", 90]);
        assert.deepStrictEqual(lg.propertyDependencies.kmsKeyId, [res.urn("obs-logs-key")]);
        assert.strictEqual(res.count("kubernetes:helm.sh/v3:Release"), 0);
    });

    it("installs ADOT, Tempo and kube-prometheus-stack with IRSA when a cluster is given", async () => {
        const res = await planComponent(
            () => {
                const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
                return new Observability("obs", {
                    context: testContext("us-west-2", "secondary"),
                    alarmTopicArn: TOPIC,
                    cluster: { provider, oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC", oidcIssuerUrl: "https://oidc.eks.us-west-2.amazonaws.com/id/ABC", ready: [], storageClassName: "gp3" },
                    tracesBucket: { name: "mall-us-west-2-traces", kmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/t" },
                });
            },
            { region: "us-west-2" },
        );
        const releases = res.ofType("kubernetes:helm.sh/v3:Release");
        assert.deepStrictEqual(releases.map((r) => [r.inputs.name, r.inputs.chart]).sort(), [
            ["kube-prometheus-stack", "kube-prometheus-stack"],
            ["otel-agent", "opentelemetry-collector"],
            ["otel-gateway", "opentelemetry-collector"],
            ["tempo", "tempo"],
        ]);
        const gateway = releases.find((r) => r.inputs.name === "otel-gateway")!.inputs.values as { alternateConfig: { processors: { tail_sampling: { policies: unknown } } } };
        assert.deepStrictEqual(gateway.alternateConfig.processors.tail_sampling.policies, tailSamplingPolicies(10, 500));
        const agent = releases.find((r) => r.inputs.name === "otel-agent")!.inputs.values as { mode: string; image: { repository: string } };
        assert.deepStrictEqual([agent.mode, agent.image.repository], ["daemonset", "public.ecr.aws/aws-observability/aws-otel-collector"]);
        const tempo = releases.find((r) => r.inputs.name === "tempo")!.inputs.values as { tempo: { storage: { trace: { backend: string; s3: { bucket: string; prefix: string } } } } };
        assert.deepStrictEqual([tempo.tempo.storage.trace.backend, tempo.tempo.storage.trace.s3.bucket], ["s3", "mall-us-west-2-traces"]);
        // The replica bucket also receives the primary's blocks (CRR): one key space per Tempo cluster.
        assert.strictEqual(tempo.tempo.storage.trace.s3.prefix, "us-west-2");
        const trust = JSON.parse(String(res.one("aws:iam/role:Role", "obs-tempo-role").inputs.assumeRolePolicy));
        assert.deepStrictEqual(trust.Statement[0].Condition, {
            StringEquals: { "oidc.eks.us-west-2.amazonaws.com/id/ABC:sub": "system:serviceaccount:observability:tempo", "oidc.eks.us-west-2.amazonaws.com/id/ABC:aud": "sts.amazonaws.com" },
        });
        const tempoPolicy = JSON.parse(String(res.one("aws:iam/rolePolicy:RolePolicy", "obs-tempo-policy").inputs.policy));
        assert.deepStrictEqual(tempoPolicy.Statement.map((s: { Resource: string }) => s.Resource), ["arn:aws:s3:::mall-us-west-2-traces", "arn:aws:s3:::mall-us-west-2-traces/*", "arn:aws:kms:us-west-2:123456789012:key/t"]);
    });

    describe("the in-cluster releases (deploy-readiness)", () => {
        let res: Resources;
        const release = (n: string) => res.ofType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs.name === n)!;
        const values = (n: string) => release(n).inputs.values as Values;
        before(async () => {
            res = await planComponent(
                () => {
                    const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
                    // Stand-ins for the cluster's readiness handle (NodePools, node group, Karpenter).
                    const ready = [new k8s.core.v1.Namespace("ready-a", { metadata: { name: "a" } }, { provider }), new k8s.core.v1.Namespace("ready-b", { metadata: { name: "b" } }, { provider })];
                    return new Observability("obs", {
                        context: testContext("us-west-2", "secondary"),
                        alarmTopicArn: TOPIC,
                        cluster: {
                            provider,
                            oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC",
                            oidcIssuerUrl: "https://oidc.eks.us-west-2.amazonaws.com/id/ABC",
                            ready,
                            storageClassName: "gp3",
                        },
                        tracesBucket: { name: "mall-us-west-2-traces", kmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/t" },
                    });
                },
                { region: "us-west-2" },
            );
        });

        it("wait for the cluster's schedulable capacity: every release depends on the readiness handle", () => {
            const ready = [res.urn("ready-a"), res.urn("ready-b")];
            const releases = res.ofType("kubernetes:helm.sh/v3:Release");
            assert.strictEqual(releases.length, 4);
            for (const r of releases) for (const u of ready) assert.ok(r.dependencies.includes(u), `${r.name} does not depend on ${u}`);
        });

        it("give both collectors a complete config (alternateConfig) the ADOT v0.40.0 image can run", () => {
            const chart = loadChart("opentelemetry-collector", "0.108.0")!;
            for (const n of ["otel-agent", "otel-gateway"]) {
                const v = values(n);
                assert.strictEqual(v.config, undefined, `${n}: the chart's default config (debug exporter) must not be merged`);
                const config = collectorConfig(mergeValues(chart.defaults, v));
                assert.deepStrictEqual(collectorProblems(config, loadComponents()), [], n);
                assert.deepStrictEqual((config.service as Values).extensions, ["health_check"], `${n}: the chart's probes need health_check`);
            }
        });

        it("run the agent on every node, tainted ones included", () => {
            assert.deepStrictEqual(values("otel-agent").tolerations, [{ operator: "Exists" }]);
        });

        it("persist Prometheus, Alertmanager and Tempo on the gp3 class, drop EKS's hidden control-plane monitors, and generate Grafana's password", () => {
            const kps = values("kube-prometheus-stack") as Record<string, Record<string, unknown>>;
            const claim = (size: string) => ({ volumeClaimTemplate: { spec: { storageClassName: "gp3", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: size } } } } });
            assert.deepStrictEqual((kps.prometheus.prometheusSpec as Values).storageSpec, claim("100Gi"));
            assert.deepStrictEqual((kps.alertmanager.alertmanagerSpec as Values).storage, claim("10Gi"));
            for (const k of ["kubeEtcd", "kubeScheduler", "kubeControllerManager"]) assert.deepStrictEqual(kps[k], { enabled: false }, k);
            assert.strictEqual(kps.grafana.adminPassword, "[secret]");
            // Tempo's values.yaml lists no storageClassName (its template reads it, empty = the default class, which gp3 is).
            assert.deepStrictEqual(values("tempo").persistence, { enabled: true, size: "50Gi" });
            const pw = res.one("random:index/randomPassword:RandomPassword", "obs-grafana-admin");
            assert.strictEqual(pw.inputs.length, 32);
        });
    });
});
