import * as assert from "assert";
import {
    Values,
    chartName,
    collectorConfig,
    collectorProblems,
    loadChart,
    loadComponents,
    mergeValues,
    schemaProblems,
    unknownKeys,
} from "../../tools/deploy-ready/helm";
import { PlannedResource } from "../../tools/plan/contract";
import { planned } from "./planned";

const RELEASE = "kubernetes:helm.sh/v3:Release";

describe("deploy-ready: Helm values", () => {
    describe("unit", () => {
        const defaults: Values = {
            replicas: 1,
            image: { repository: "r", tag: "1" },
            podAnnotations: {},
            nodeSelector: { "kubernetes.io/os": "linux" },
            extraEnv: [],
            config: { exporters: { debug: {} }, service: { pipelines: { traces: { exporters: ["debug"] } } } },
            gone: { a: 1 },
        };

        it("finds keys the chart does not have, and leaves open maps open", () => {
            const values: Values = {
                replicas: 2,
                replica: 2,
                image: { repository: "x", tga: "2" },
                podAnnotations: { "a/b": "c" },
                nodeSelector: { pool: "system" },
                extraEnv: [{ name: "A", value: "b" }],
                config: { exporters: { awsxray: {} } },
            };
            assert.deepStrictEqual(unknownKeys(values, defaults).map((p) => p.path), ["replica", "image.tga", "config.exporters.awsxray"]);
            // a schema that declares config an object without listing keys opens it
            const schema = { type: "object", properties: { config: { type: "object" } } };
            assert.deepStrictEqual(unknownKeys(values, defaults, { schema }).map((p) => p.path), ["replica", "image.tga"]);
            // a schema closing a level is an install failure, even for keys values.yaml lacks
            const closed = { type: "object", additionalProperties: false, properties: { replicas: { type: "integer" } } };
            assert.match(unknownKeys({ replica: 2 }, defaults, { schema: closed })[0].message, /additionalProperties: false/);
            // a map the chart renders verbatim is open
            assert.deepStrictEqual(unknownKeys({ gone: { b: 2 } }, defaults, { passThrough: ["gone"] }), []);
            assert.deepStrictEqual(unknownKeys({ gone: { b: 2 } }, defaults).map((p) => p.path), ["gone.b"]);
        });

        it("merges like Helm: maps deep-merge, lists and scalars replace, null deletes", () => {
            const merged = mergeValues(defaults, {
                image: { tag: "2" },
                extraEnv: [{ name: "A" }],
                config: { exporters: { awsxray: {} }, service: { pipelines: { traces: { exporters: ["awsxray"] } } } },
                gone: null,
            });
            assert.deepStrictEqual(merged, {
                replicas: 1,
                image: { repository: "r", tag: "2" },
                podAnnotations: {},
                nodeSelector: { "kubernetes.io/os": "linux" },
                extraEnv: [{ name: "A" }],
                config: { exporters: { debug: {}, awsxray: {} }, service: { pipelines: { traces: { exporters: ["awsxray"] } } } },
            });
            assert.deepStrictEqual(mergeValues({ a: { b: 1, c: 2 } }, { a: { b: null } }), { a: { c: 2 } });
            assert.deepStrictEqual(defaults.image, { repository: "r", tag: "1" }, "the defaults are not modified");
        });

        it("checks a values.schema.json's types, enums and required keys", () => {
            const schema = { type: "object", required: ["mode"], properties: { mode: { type: "string", enum: ["daemonset", "deployment"] }, replicaCount: { type: "integer" } } };
            assert.deepStrictEqual(schemaProblems({ mode: "job", replicaCount: "2" }, schema).map((p) => p.path), ["mode", "replicaCount"]);
            assert.deepStrictEqual(schemaProblems({ replicaCount: 2 }, schema).map((p) => `${p.path}: ${p.message}`), ["mode: is required by values.schema.json"]);
        });

        const components = { receivers: ["otlp", "filelog"], processors: ["batch", "k8sattributes"], exporters: ["otlp", "logging"], extensions: ["health_check"], connectors: [] };

        it("finds collector components the image lacks, used or only declared, and dangling references", () => {
            const config: Values = {
                receivers: { otlp: {} },
                processors: { batch: {} },
                exporters: { otlp: {}, debug: {}, "debug/unused": {} },
                extensions: { health_check: {} },
                service: {
                    extensions: ["health_check", "pprof"],
                    pipelines: { traces: { receivers: ["otlp", "zipkin"], processors: ["batch"], exporters: ["otlp", "debug"] }, logs: { receivers: ["otlp"], exporters: [] } },
                },
            };
            assert.deepStrictEqual(collectorProblems(config, components).map((p) => `${p.path}: ${p.message.replace(/;.*/, "")}`), [
                'service.pipelines.traces.receivers: pipeline "traces" references receiver "zipkin", which is not declared under receivers',
                'service.pipelines.logs.exporters: pipeline "logs" has no exporters',
                'service.extensions: service.extensions references extension "pprof", which is not declared under extensions',
                'exporters.debug: exporter "debug" has type "debug", which the collector image does not have (used by pipeline traces)',
                'exporters.debug/unused: exporter "debug/unused" has type "debug", which the collector image does not have (declared, unused: the collector still refuses the config)',
            ]);
            assert.deepStrictEqual(collectorProblems({ receivers: { otlp: {} }, exporters: { otlp: {} }, service: { pipelines: { traces: { receivers: ["otlp"], exporters: ["otlp"] } } } }, components), []);
        });

        it("applies the chart's presets to the collector config", () => {
            const config = collectorConfig({
                mode: "daemonset",
                config: { receivers: { otlp: {} }, exporters: { otlp: {} }, service: { pipelines: { logs: { receivers: ["otlp"], processors: ["batch"], exporters: ["otlp"] } } } },
                presets: { logsCollection: { enabled: true }, kubernetesAttributes: { enabled: true } },
            });
            assert.deepStrictEqual((config.service as { pipelines: Values }).pipelines, { logs: { receivers: ["otlp", "filelog"], processors: ["k8sattributes", "batch"], exporters: ["otlp"] } });
            assert.ok("filelog" in (config.receivers as Values) && "k8sattributes" in (config.processors as Values));
        });

        it("names charts from OCI references and repo paths", () => {
            assert.strictEqual(chartName("oci://public.ecr.aws/karpenter/karpenter"), "karpenter");
            assert.strictEqual(chartName("argo-cd"), "argo-cd");
        });
    });

    describe("the plan's Helm releases", () => {
        const releases: { stack: string; r: PlannedResource }[] = [];
        before(async function () {
            this.timeout(120_000);
            const result = await planned();
            for (const s of result.stacks) for (const r of s.resources) if (r.type === RELEASE) releases.push({ stack: s.stack, r });
        });

        const where = ({ stack, r }: { stack: string; r: PlannedResource }): string => `${stack} ${r.name} (${String(r.inputs.chart)} ${String(r.inputs.version)})`;
        const chartOf = (r: PlannedResource) => loadChart(String(r.inputs.chart), String(r.inputs.version));
        const valuesOf = (r: PlannedResource): Values => (r.inputs.values ?? {}) as Values;

        it("has releases in both stacks, each with a vendored chart of its name and version", () => {
            assert.ok(releases.length >= 16, `only ${releases.length} releases`);
            assert.deepStrictEqual(releases.filter(({ r }) => !chartOf(r)).map(where), []);
        });

        it("sets only values the charts have", () => {
            const problems = releases.flatMap((rel) => {
                const chart = chartOf(rel.r);
                if (!chart) return [`${where(rel)}: no vendored chart`];
                return unknownKeys(valuesOf(rel.r), chart.defaults, { schema: chart.schema, passThrough: chart.passThrough }).map((p) => `${where(rel)}: ${p.path}: ${p.message}`);
            });
            assert.deepStrictEqual(problems, []);
        });

        it("passes the charts' values.schema.json after merging", () => {
            const problems = releases.flatMap((rel) => {
                const chart = chartOf(rel.r);
                if (!chart?.schema) return [];
                return schemaProblems(mergeValues(chart.defaults, valuesOf(rel.r)), chart.schema).map((p) => `${where(rel)}: ${p.path}: ${p.message}`);
            });
            assert.deepStrictEqual(problems, []);
        });

        it("runs every collector on the pinned ADOT image", () => {
            const collectors = releases.filter(({ r }) => r.inputs.chart === "opentelemetry-collector");
            assert.ok(collectors.length >= 4);
            for (const { r } of collectors) {
                const image = (valuesOf(r).image ?? {}) as Values;
                assert.strictEqual(`${String(image.repository)}:${String(image.tag)}`, loadComponents().image, r.name);
            }
        });

        // red on 61a27f3: the chart's default `config.exporters.debug` (and its use in the default
        // logs/metrics pipelines) survived Helm's merge, and the ADOT v0.40.0 image has no debug
        // exporter, so both collectors crash-looped; they now get a whole config (alternateConfig).
        it("gives every collector an effective config the ADOT image can run", () => {
            const components = loadComponents();
            const problems = releases
                .filter(({ r }) => r.inputs.chart === "opentelemetry-collector")
                .flatMap((rel) => {
                    const chart = chartOf(rel.r);
                    if (!chart) return [`${where(rel)}: no vendored chart`];
                    const config = collectorConfig(mergeValues(chart.defaults, valuesOf(rel.r)));
                    return collectorProblems(config, components).map((p) => `${where(rel)}: ${p.path}: ${p.message}`);
                });
            assert.deepStrictEqual(problems, []);
        });
    });
});
