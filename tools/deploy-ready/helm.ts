/**
 * Helm values checks against the vendored charts (test/fixtures/charts/<chart>-<version>/):
 *
 * - `unknownKeys`: every key path the program sets exists in the chart's values.yaml, or sits under
 *   a map the chart leaves open (an empty map `{}` or `null` default, or a values.schema.json
 *   object without a closed property list); a key the chart's schema closes with
 *   `additionalProperties: false` is an error Helm itself raises at install.
 * - `mergeValues`: Helm's coalescing of user values over chart defaults (maps deep-merge, lists
 *   and scalars replace, `null` deletes the key).
 * - `collectorConfig` + `collectorProblems`: the opentelemetry-collector chart's effective
 *   collector config (merged `config`, then the chart's presets) checked against the component
 *   list of the collector image.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

export const CHART_FIXTURES = path.resolve(__dirname, "..", "..", "test", "fixtures", "charts");

export type Values = Record<string, unknown>;

export interface JsonSchema {
    readonly type?: string | string[];
    readonly properties?: Record<string, JsonSchema>;
    readonly additionalProperties?: boolean | JsonSchema;
    readonly patternProperties?: Record<string, JsonSchema>;
    readonly items?: JsonSchema;
    readonly enum?: unknown[];
    readonly required?: string[];
    readonly $ref?: string;
    readonly oneOf?: JsonSchema[];
    readonly anyOf?: JsonSchema[];
    readonly allOf?: JsonSchema[];
    readonly $defs?: Record<string, JsonSchema>;
    readonly definitions?: Record<string, JsonSchema>;
}

export interface Chart {
    readonly name: string;
    readonly version: string;
    readonly defaults: Values;
    readonly schema?: JsonSchema;
    /** Value paths the chart renders verbatim (`toYaml .Values.<path>` in its values.yaml): open maps. */
    readonly passThrough: readonly string[];
    readonly dir: string;
}

export interface ValuesProblem {
    /** Dotted key path in the release's values, e.g. `config.exporters.debug`. */
    readonly path: string;
    readonly message: string;
}

function isMap(v: unknown): v is Values {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** The chart name of a Helm release's `chart` input: `oci://…/karpenter` → `karpenter`, `repo/x` → `x`. */
export function chartName(chart: string): string {
    const parts = chart.replace(/\/+$/, "").split("/");
    return parts[parts.length - 1];
}

/** The vendored chart, or undefined when there is no fixture for this name and version. */
export function loadChart(name: string, version: string, dir: string = CHART_FIXTURES): Chart | undefined {
    const folder = path.join(dir, `${chartName(name)}-${version}`);
    const valuesFile = path.join(folder, "values.yaml");
    if (!fs.existsSync(valuesFile)) return undefined;
    const text = fs.readFileSync(valuesFile, "utf8");
    const defaults = (YAML.parse(text) ?? {}) as Values;
    const passThrough = [...new Set([...text.matchAll(/toYaml\s+\$?\.Values\.([A-Za-z0-9_.]+)/g)].map((m) => m[1]))].sort();
    const schemaFile = path.join(folder, "values.schema.json");
    const schema = fs.existsSync(schemaFile) ? (JSON.parse(fs.readFileSync(schemaFile, "utf8")) as JsonSchema) : undefined;
    return { name: chartName(name), version, defaults, ...(schema ? { schema } : {}), passThrough, dir: folder };
}

// ---------------------------------------------------------------------------------------------
// Merge

function clone<T>(v: T): T {
    return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/**
 * Helm's coalescing (pkg/chartutil/coalesce.go) of `values` over `chartDefaults`: for a key in
 * both, maps merge recursively and anything else takes the user's value; a user `null` deletes
 * the key (and the chart default under it); keys only in the defaults are kept.
 */
export function mergeValues(chartDefaults: Values, values: Values): Values {
    const out: Values = {};
    for (const [k, d] of Object.entries(chartDefaults)) {
        if (!(k in values)) out[k] = clone(d);
    }
    for (const [k, v] of Object.entries(values)) {
        if (v === null) continue; // null deletes
        const d = chartDefaults[k];
        if (isMap(v) && isMap(d)) out[k] = mergeValues(d, v);
        else out[k] = isMap(v) ? mergeValues({}, v) : clone(v);
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Unknown keys

function resolveRef(root: JsonSchema, s: JsonSchema | undefined): JsonSchema | undefined {
    let cur = s;
    for (let i = 0; cur?.$ref && i < 10; i++) {
        const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(cur.$ref);
        cur = m ? (m[1] === "$defs" ? root.$defs : root.definitions)?.[m[2]] : undefined;
    }
    return cur;
}

/** The schema of `key` under object schema `s`: undefined = the schema says nothing. */
function childSchema(root: JsonSchema, s: JsonSchema | undefined, key: string): { schema?: JsonSchema; closed: boolean; known: boolean } {
    const node = resolveRef(root, s);
    if (!node) return { closed: false, known: false };
    const prop = node.properties?.[key];
    if (prop) return { schema: resolveRef(root, prop), closed: false, known: true };
    for (const [re, ps] of Object.entries(node.patternProperties ?? {})) if (new RegExp(re, "u").test(key)) return { schema: resolveRef(root, ps), closed: false, known: true };
    if (isMap(node.additionalProperties)) return { schema: resolveRef(root, node.additionalProperties as JsonSchema), closed: false, known: true };
    if (node.additionalProperties === false) return { closed: true, known: false };
    if (node.additionalProperties === true) return { closed: false, known: true };
    return { closed: false, known: false };
}

/** A schema node that declares an object without listing its keys: anything goes beneath it. */
function schemaOpen(root: JsonSchema, s: JsonSchema | undefined): boolean {
    const node = resolveRef(root, s);
    if (!node) return false;
    const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [];
    const object = types.includes("object") || (!node.type && !node.enum && !node.items && !node.oneOf && !node.anyOf);
    return object && !node.properties && !node.patternProperties && node.additionalProperties !== false && !isMap(node.additionalProperties);
}

/**
 * Kubernetes string maps (label/annotation/selector maps): whatever keys the chart's default shows
 * (e.g. karpenter's `nodeSelector: {kubernetes.io/os: linux}`), their keys are the user's.
 */
export const KUBERNETES_STRING_MAP = /^(nodeSelector|annotations|labels|matchLabels|[a-zA-Z]*(Annotations|Labels|NodeSelector))$/;

export interface UnknownKeysOptions {
    /** values.schema.json of the chart. */
    readonly schema?: JsonSchema;
    /** Dotted value paths the chart renders verbatim (open maps), e.g. `tempo.storage`. */
    readonly passThrough?: readonly string[];
}

/**
 * Every key path of `values` that the chart does not know. `chartDefaults` is the chart's
 * values.yaml. A map is open (its keys are not checked) when its default is `{}` or null, when the
 * schema declares it an object without listing keys, when it is a Kubernetes label/annotation/
 * selector map, or when the chart renders it verbatim (`passThrough`).
 */
export function unknownKeys(values: Values, chartDefaults: Values, options: UnknownKeysOptions = {}): ValuesProblem[] {
    const problems: ValuesProblem[] = [];
    const root = options.schema;
    const passThrough = new Set(options.passThrough ?? []);
    const walk = (v: Values, d: Values | undefined, s: JsonSchema | undefined, prefix: string): void => {
        for (const [k, val] of Object.entries(v)) {
            const p = prefix ? `${prefix}.${k}` : k;
            const fromSchema = root ? childSchema(root, s, k) : { closed: false, known: false };
            if (fromSchema.closed) {
                problems.push({ path: p, message: `"${k}" is not allowed by the chart's values.schema.json (additionalProperties: false): helm install fails` });
                continue;
            }
            const hasDefault = d !== undefined && k in d;
            if (!hasDefault && !fromSchema.known) {
                problems.push({ path: p, message: `"${k}" is not a value of the chart (not in values.yaml${root ? " nor values.schema.json" : ""}): the templates never read it` });
                continue;
            }
            const def = hasDefault ? d[k] : undefined;
            if (!isMap(val)) continue; // scalars and lists replace; list items are free-form
            if (hasDefault && def !== null && def !== undefined && !isMap(def)) {
                problems.push({ path: p, message: `the chart's default for "${k}" is ${Array.isArray(def) ? "a list" : `a ${typeof def}`} (${JSON.stringify(def).slice(0, 60)}), the program sets a map` });
                continue;
            }
            // An empty/null default map, a label-style map or a verbatim-rendered map is open.
            const openByDefault = !hasDefault || def === null || (isMap(def) && Object.keys(def).length === 0) || KUBERNETES_STRING_MAP.test(k) || passThrough.has(p);
            const childS = fromSchema.schema;
            if (root && childS && !schemaOpen(root, childS) && !KUBERNETES_STRING_MAP.test(k) && !passThrough.has(p)) {
                walk(val, isMap(def) ? def : {}, childS, p);
            } else if (root && childS && schemaOpen(root, childS)) {
                continue;
            } else if (openByDefault) {
                continue;
            } else {
                walk(val, def as Values, undefined, p);
            }
        }
    };
    walk(values, chartDefaults, root, "");
    return problems;
}

/** Values that the chart's values.schema.json rejects by type, enum or a missing required key (helm install fails). */
export function schemaProblems(merged: Values, schema: JsonSchema): ValuesProblem[] {
    const problems: ValuesProblem[] = [];
    const typeOf = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v === "number" ? (Number.isInteger(v) ? "integer" : "number") : typeof v);
    const check = (v: unknown, s: JsonSchema | undefined, p: string): void => {
        const node = resolveRef(schema, s);
        if (!node) return;
        const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [];
        const t = typeOf(v);
        if (types.length && !types.some((x) => x === t || (x === "number" && t === "integer"))) {
            problems.push({ path: p, message: `must be ${types.join(" or ")} per values.schema.json, is ${t} (${JSON.stringify(v).slice(0, 60)})` });
            return;
        }
        if (node.enum && !node.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
            problems.push({ path: p, message: `must be one of ${node.enum.map((e) => JSON.stringify(e)).join(", ")} per values.schema.json, is ${JSON.stringify(v)}` });
        }
        if (isMap(v)) {
            for (const r of node.required ?? []) if (!(r in v)) problems.push({ path: p ? `${p}.${r}` : r, message: `is required by values.schema.json` });
            for (const [k, cv] of Object.entries(v)) check(cv, childSchema(schema, node, k).schema, p ? `${p}.${k}` : k);
        }
        if (Array.isArray(v) && node.items) v.forEach((item, i) => check(item, node.items, `${p}[${i}]`));
    };
    check(merged, schema, "");
    return problems;
}

// ---------------------------------------------------------------------------------------------
// OpenTelemetry collector

export interface CollectorComponents {
    /** The image the list is of, `repository:tag`. */
    readonly image?: string;
    readonly receivers: readonly string[];
    readonly processors: readonly string[];
    readonly exporters: readonly string[];
    readonly extensions: readonly string[];
    readonly connectors: readonly string[];
}

export function loadComponents(file: string = path.join(CHART_FIXTURES, "adot-v0.40.0-components.json")): CollectorComponents {
    return JSON.parse(fs.readFileSync(file, "utf8")) as CollectorComponents;
}

const KINDS = ["receivers", "processors", "exporters", "extensions", "connectors"] as const;
type Kind = (typeof KINDS)[number];

function pipelines(config: Values): Record<string, Values> {
    const service = isMap(config.service) ? config.service : {};
    return isMap(service.pipelines) ? (service.pipelines as Record<string, Values>) : {};
}

function ensurePipeline(config: Values, name: string, field: string): string[] {
    config.service = isMap(config.service) ? config.service : {};
    const service = config.service as Values;
    service.pipelines = isMap(service.pipelines) ? service.pipelines : {};
    const ps = service.pipelines as Values;
    ps[name] = isMap(ps[name]) ? ps[name] : {};
    const p = ps[name] as Values;
    p[field] = Array.isArray(p[field]) ? p[field] : [];
    return p[field] as string[];
}

function appendUnique(list: string[], id: string): void {
    if (!list.includes(id)) list.push(id);
}

function declare(config: Values, kind: Kind, id: string, body: unknown): void {
    const m = isMap(config[kind]) ? (config[kind] as Values) : {};
    // the chart merges the preset under the user's config (mustMergeOverwrite preset config): user wins
    if (!(id in m)) m[id] = body;
    config[kind] = m;
}

/**
 * The collector config the opentelemetry-collector chart (0.108.0, templates/_config.tpl) renders
 * from merged values: `alternateConfig` if set, else `config`; then the presets, which declare
 * their components and add them to the pipelines. Only the component wiring is modelled (the
 * preset bodies are abbreviated).
 */
export function collectorConfig(merged: Values): Values {
    const alternate = merged.alternateConfig;
    const config = clone((isMap(alternate) && Object.keys(alternate).length ? alternate : merged.config) ?? {}) as Values;
    const presets = isMap(merged.presets) ? merged.presets : {};
    const on = (name: string): Values | undefined => {
        const p = presets[name];
        return isMap(p) && p.enabled === true ? p : undefined;
    };
    const mode = String(merged.mode ?? "");
    const logs = on("logsCollection");
    if (logs) {
        declare(config, "receivers", "filelog", { include: ["/var/log/pods/*/*/*.log"] });
        appendUnique(ensurePipeline(config, "logs", "receivers"), "filelog");
        if (logs.storeCheckpoints === true) {
            declare(config, "extensions", "file_storage", { directory: "/var/lib/otelcol" });
            const service = config.service as Values;
            service.extensions = Array.isArray(service.extensions) ? service.extensions : [];
            appendUnique(service.extensions as string[], "file_storage");
        }
    }
    if (on("hostMetrics")) {
        declare(config, "receivers", "hostmetrics", { root_path: "/hostfs" });
        appendUnique(ensurePipeline(config, "metrics", "receivers"), "hostmetrics");
    }
    if (on("kubeletMetrics")) {
        declare(config, "receivers", "kubeletstats", { auth_type: "serviceAccount" });
        appendUnique(ensurePipeline(config, "metrics", "receivers"), "kubeletstats");
    }
    if (on("kubernetesAttributes")) {
        declare(config, "processors", "k8sattributes", { passthrough: false });
        for (const signal of ["logs", "metrics", "traces"]) {
            if (!pipelines(config)[signal]) continue;
            const list = ensurePipeline(config, signal, "processors");
            if (!list.includes("k8sattributes")) list.unshift("k8sattributes");
        }
    }
    if (mode !== "daemonset" && on("kubernetesEvents")) {
        declare(config, "receivers", "k8sobjects", {});
        appendUnique(ensurePipeline(config, "logs", "receivers"), "k8sobjects");
    }
    if (on("clusterMetrics")) {
        declare(config, "receivers", "k8s_cluster", { collection_interval: "10s" });
        appendUnique(ensurePipeline(config, "metrics", "receivers"), "k8s_cluster");
    }
    return config;
}

const SINGULAR: Record<Kind, string> = { receivers: "receiver", processors: "processor", exporters: "exporter", extensions: "extension", connectors: "connector" };

/**
 * What the collector refuses at start-up: a declared component whose type the image lacks (the
 * config unmarshaller looks every declared id's type up, used or not: `error decoding
 * 'exporters': unknown type: "debug" for id: "debug"`), a pipeline or `service.extensions`
 * reference to an undeclared id, a pipeline without receivers or exporters.
 */
export function collectorProblems(config: Values, components: CollectorComponents): ValuesProblem[] {
    const problems: ValuesProblem[] = [];
    const declared = (kind: Kind): Values => (isMap(config[kind]) ? (config[kind] as Values) : {});
    /** `<kind>:<id>` → the pipelines (or `service.extensions`) using it. */
    const used = new Map<string, string[]>();
    const use = (key: string, by: string): void => {
        used.set(key, [...(used.get(key) ?? []), by]);
    };
    for (const [name, p] of Object.entries(pipelines(config))) {
        for (const field of ["receivers", "processors", "exporters"] as const) {
            const ids = Array.isArray(p[field]) ? (p[field] as unknown[]).map(String) : [];
            if (field !== "processors" && ids.length === 0) problems.push({ path: `service.pipelines.${name}.${field}`, message: `pipeline "${name}" has no ${field}` });
            for (const id of ids) {
                use(`${field}:${id}`, `pipeline ${name}`);
                const asConnector = field !== "processors" && id in declared("connectors");
                if (!(id in declared(field)) && !asConnector) {
                    problems.push({ path: `service.pipelines.${name}.${field}`, message: `pipeline "${name}" references ${SINGULAR[field]} "${id}", which is not declared under ${field}` });
                }
            }
        }
    }
    const service = isMap(config.service) ? config.service : {};
    const extensions = Array.isArray(service.extensions) ? (service.extensions as unknown[]).map(String) : [];
    for (const id of extensions) {
        use(`extensions:${id}`, "service.extensions");
        if (!(id in declared("extensions"))) problems.push({ path: "service.extensions", message: `service.extensions references extension "${id}", which is not declared under extensions` });
    }
    for (const kind of KINDS) {
        const available = new Set(components[kind]);
        for (const id of Object.keys(declared(kind))) {
            const type = id.split("/")[0];
            if (available.has(type)) continue;
            const users = kind === "connectors"
                ? [...used].filter(([u]) => u.endsWith(`:${id}`)).flatMap(([, by]) => by)
                : used.get(`${kind}:${id}`) ?? [];
            problems.push({
                path: `${kind}.${id}`,
                message: `${SINGULAR[kind]} "${id}" has type "${type}", which the collector image does not have (${users.length ? `used by ${[...new Set(users)].join(", ")}` : "declared, unused: the collector still refuses the config"}); the image's ${kind}: ${components[kind].join(", ") || "none"}`,
            });
        }
    }
    return problems;
}
