/**
 * A CRD validator that does what the API server does on create, offline: the structural OpenAPI
 * schema of the served version (types, required, enum, pattern, lengths, item/property counts,
 * bounds, unknown fields) AND every `x-kubernetes-validations` CEL rule at its node, reporting the
 * CRD's own `message` / `messageExpression`.
 *
 * The CRDs are the vendored upstream files under test/fixtures/crds/<project>-<tag>/.
 * CEL is evaluated with @bufbuild/cel (RE2 `matches`, the `strings` extension for `split` and
 * friends) plus the Kubernetes library functions the vendored rules use (`find`), registered here.
 * A rule that cannot run here is listed by `unsupportedRules()` with the reason; a rule that reads
 * `oldSelf` is a transition rule, which the API server does not evaluate on create, so it is
 * skipped (and listed by `transitionRules()`).
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { CelFunc, CelScalar, CelEnv, celEnv, celMethod, isCelError, parse, plan } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";

export const CRD_FIXTURES = path.resolve(__dirname, "..", "..", "test", "fixtures", "crds");

/** The subset of an OpenAPI v3 schema node (structural, as apiextensions.k8s.io/v1 has it) read here. */
export interface SchemaNode {
    readonly type?: string;
    readonly description?: string;
    readonly properties?: Record<string, SchemaNode>;
    readonly additionalProperties?: SchemaNode | boolean;
    readonly items?: SchemaNode;
    readonly required?: string[];
    readonly enum?: unknown[];
    readonly pattern?: string;
    readonly format?: string;
    readonly maxLength?: number;
    readonly minLength?: number;
    readonly maxItems?: number;
    readonly minItems?: number;
    readonly maxProperties?: number;
    readonly minProperties?: number;
    readonly maximum?: number;
    readonly minimum?: number;
    readonly exclusiveMaximum?: boolean;
    readonly exclusiveMinimum?: boolean;
    readonly nullable?: boolean;
    readonly "x-kubernetes-preserve-unknown-fields"?: boolean;
    readonly "x-kubernetes-int-or-string"?: boolean;
    readonly "x-kubernetes-embedded-resource"?: boolean;
    readonly "x-kubernetes-list-type"?: "atomic" | "set" | "map";
    readonly "x-kubernetes-list-map-keys"?: string[];
    readonly "x-kubernetes-validations"?: ValidationRule[];
    readonly allOf?: SchemaNode[];
    readonly anyOf?: SchemaNode[];
    readonly oneOf?: SchemaNode[];
}

export interface ValidationRule {
    readonly rule: string;
    readonly message?: string;
    readonly messageExpression?: string;
    readonly reason?: string;
    readonly fieldPath?: string;
    readonly optionalOldSelf?: boolean;
}

export interface CrdVersion {
    readonly group: string;
    readonly kind: string;
    readonly version: string;
    readonly served: boolean;
    readonly schema: SchemaNode;
    /** The vendored file, relative to the fixtures folder. */
    readonly file: string;
}

export interface CrdProblem {
    /** JSON path in the custom resource, e.g. `spec.tags` or `spec.template.spec.requirements[0]`. */
    readonly path: string;
    readonly message: string;
    /** The CEL rule that failed, for CEL findings. */
    readonly rule?: string;
}

/** One rule of a vendored CRD, where it sits. */
export interface RuleSite {
    readonly crd: string;
    readonly version: string;
    readonly path: string;
    readonly rule: string;
}

/** Rules that cannot be evaluated here: `rule` text → why. Kept empty on purpose today. */
export interface UnsupportedRule extends RuleSite {
    readonly reason: string;
}

// ---------------------------------------------------------------------------------------------
// CEL environment: the standard library, the strings extension (split, lowerAscii, …) and the
// Kubernetes regex library's `find` (https://kubernetes.io/docs/reference/using-api/cel/).

/**
 * Kubernetes `<string>.find(<regex>) -> string`: the first match or "". Go RE2 and ECMAScript agree
 * on the patterns this is used with here (anchors, classes, groups); a pattern JS cannot compile
 * is an evaluation error, which is reported, never passed.
 */
const k8sFind = celMethod("find", CelScalar.STRING, [CelScalar.STRING], CelScalar.STRING, function (this: string, pattern: string): string {
    const m = new RegExp(pattern, "u").exec(this);
    return m ? m[0] : "";
});

const K8S_FUNCS: CelFunc[] = [...strings, k8sFind];

let envCache: CelEnv | undefined;
function env(): CelEnv {
    envCache ??= celEnv({ funcs: K8S_FUNCS });
    return envCache;
}

type Program = (bindings: Record<string, unknown>) => unknown;
const programs = new Map<string, Program | Error>();

function compile(expr: string): Program | Error {
    let p = programs.get(expr);
    if (!p) {
        try {
            const planned = plan(env(), parse(expr)) as unknown as Program;
            p = planned;
        } catch (e) {
            p = e instanceof Error ? e : new Error(String(e));
        }
        programs.set(expr, p);
    }
    return p;
}

interface RuleShape {
    readonly functions: Set<string>;
    readonly idents: Set<string>;
}

/** The functions a rule calls and the identifiers it reads, from its parsed AST. */
function shape(expr: string): RuleShape {
    const functions = new Set<string>();
    const idents = new Set<string>();
    const walk = (node: unknown): void => {
        if (node === null || typeof node !== "object") return;
        if (Array.isArray(node)) { node.forEach(walk); return; }
        const kind = (node as { exprKind?: { case?: string; value?: Record<string, unknown> } }).exprKind;
        if (kind?.case === "callExpr") functions.add(String(kind.value?.function));
        if (kind?.case === "identExpr") idents.add(String(kind.value?.name));
        for (const [k, v] of Object.entries(node)) if (k !== "$typeName") walk(v);
    };
    walk(parse(expr).expr);
    return { functions, idents };
}

/** Operators the @bufbuild/cel planner implements itself rather than through the function resolver. */
const PLANNER_OPERATORS = new Set(["_[_]", "_[?_]", "_?._", "_?_:_", "_&&_", "_||_", "@not_strictly_false", "__not_strictly_false__"]);

/** Why a rule cannot be evaluated here, or undefined when it can. */
export function whyUnsupported(rule: string): string | undefined {
    let s: RuleShape;
    try {
        s = shape(rule);
    } catch (e) {
        return `does not parse: ${e instanceof Error ? e.message : String(e)}`;
    }
    const missing = [...s.functions].filter((f) => !PLANNER_OPERATORS.has(f) && env().funcs.find(f) === undefined);
    if (missing.length) return `function(s) not available: ${missing.join(", ")}`;
    const compiled = compile(rule);
    if (compiled instanceof Error) return `does not plan: ${compiled.message}`;
    return undefined;
}

/** A transition rule reads `oldSelf`; the API server evaluates it on update only. */
export function isTransitionRule(rule: string): boolean {
    try {
        return shape(rule).idents.has("oldSelf");
    } catch {
        return /\boldSelf\b/.test(rule);
    }
}

// ---------------------------------------------------------------------------------------------
// Loading

export class CrdRegistry {
    private readonly byKey = new Map<string, CrdVersion>();

    constructor(readonly versions: readonly CrdVersion[]) {
        for (const v of versions) this.byKey.set(`${v.group}/${v.version}|${v.kind}`, v);
    }

    /** The served CRD version for `apiVersion` + `kind`, or undefined when none is vendored. */
    find(apiVersion: string, kind: string): CrdVersion | undefined {
        const v = this.byKey.get(`${apiVersion}|${kind}`);
        return v?.served ? v : undefined;
    }

    /** Every `x-kubernetes-validations` rule of every vendored CRD version. */
    rules(): RuleSite[] {
        const out: RuleSite[] = [];
        for (const v of this.versions) {
            const crd = `${v.kind}.${v.group}/${v.version}`;
            visitSchema(v.schema, "", (node, p) => {
                for (const r of node["x-kubernetes-validations"] ?? []) out.push({ crd, version: v.version, path: p, rule: r.rule });
            });
        }
        return out;
    }

    unsupportedRules(): UnsupportedRule[] {
        const out: UnsupportedRule[] = [];
        for (const site of this.rules()) {
            const reason = whyUnsupported(site.rule);
            if (reason) out.push({ ...site, reason });
        }
        return out;
    }

    transitionRules(): RuleSite[] {
        return this.rules().filter((r) => isTransitionRule(r.rule));
    }

    /**
     * Validate a custom resource as on create. A kind with no vendored CRD is itself a problem.
     */
    validate(resource: { apiVersion?: unknown; kind?: unknown; metadata?: unknown; spec?: unknown; [k: string]: unknown }): CrdProblem[] {
        const apiVersion = String(resource.apiVersion ?? "");
        const kind = String(resource.kind ?? "");
        const crd = this.find(apiVersion, kind);
        if (!crd) return [{ path: "", message: `no vendored CRD serves ${apiVersion} ${kind} (test/fixtures/crds/)` }];
        return validateAgainst(crd.schema, resource);
    }
}

function visitSchema(node: SchemaNode, p: string, fn: (node: SchemaNode, path: string) => void): void {
    fn(node, p);
    for (const [k, child] of Object.entries(node.properties ?? {})) visitSchema(child, p ? `${p}.${k}` : k, fn);
    if (node.items) visitSchema(node.items, `${p}[*]`, fn);
    if (node.additionalProperties && typeof node.additionalProperties === "object") visitSchema(node.additionalProperties, `${p}[*]`, fn);
    for (const sub of [...(node.allOf ?? []), ...(node.anyOf ?? []), ...(node.oneOf ?? [])]) visitSchema(sub, p, fn);
}

export function loadCrds(dir: string = CRD_FIXTURES): CrdRegistry {
    const versions: CrdVersion[] = [];
    for (const project of fs.readdirSync(dir).sort()) {
        const folder = path.join(dir, project);
        if (!fs.statSync(folder).isDirectory()) continue;
        for (const file of fs.readdirSync(folder).sort()) {
            if (!/\.ya?ml$/.test(file)) continue;
            for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(folder, file), "utf8"))) {
                const crd = doc.toJS() as { kind?: string; spec?: { group: string; names: { kind: string }; versions: { name: string; served: boolean; schema?: { openAPIV3Schema?: SchemaNode } }[] } } | null;
                if (!crd || crd.kind !== "CustomResourceDefinition" || !crd.spec) continue;
                for (const v of crd.spec.versions) {
                    const schema = v.schema?.openAPIV3Schema;
                    if (!schema) continue;
                    versions.push({ group: crd.spec.group, kind: crd.spec.names.kind, version: v.name, served: v.served, schema, file: `${project}/${file}` });
                }
            }
        }
    }
    return new CrdRegistry(versions);
}

// ---------------------------------------------------------------------------------------------
// Structural schema validation

function typeOf(v: unknown): string {
    if (v === null) return "null";
    if (Array.isArray(v)) return "array";
    if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
    return typeof v;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

function join(p: string, key: string): string {
    return p ? `${p}.${key}` : key;
}

const patternCache = new Map<string, RegExp | Error>();
function regex(pattern: string): RegExp | Error {
    let r = patternCache.get(pattern);
    if (!r) {
        try {
            r = new RegExp(pattern, "u");
        } catch (e) {
            r = e instanceof Error ? e : new Error(String(e));
        }
        patternCache.set(pattern, r);
    }
    return r;
}

/** The API server's note when a type error stops it from running the CEL rules (hasBlockingErr). */
export const CEL_NOT_CHECKED = "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation";

const TYPE_ERROR = /^must be (of type|an integer or a string)/;

/**
 * Validate `value` against `schema` as the API server does on create: the structural schema
 * first; then, unless a value had the wrong type (the server then skips every CEL rule and says
 * so), the `x-kubernetes-validations` rules. `p` is the path of `value` in the resource.
 */
export function validateAgainst(schema: SchemaNode, value: unknown, p = ""): CrdProblem[] {
    const problems = structural(schema, value, p);
    if (problems.some((x) => TYPE_ERROR.test(x.message))) return [...problems, { path: p || "<root>", message: CEL_NOT_CHECKED }];
    return [...problems, ...celPass(schema, value, p)];
}

/** Every CEL rule of `schema` and its descendants, each at the node it sits on, where a value is present. */
function celPass(schema: SchemaNode, value: unknown, p: string): CrdProblem[] {
    if (value === null || value === undefined) return [];
    const problems: CrdProblem[] = [];
    if (Array.isArray(value) && schema.items) value.forEach((item, i) => problems.push(...celPass(schema.items as SchemaNode, item, `${p}[${i}]`)));
    if (isPlainObject(value)) {
        for (const [k, v] of Object.entries(value)) {
            const child = schema.properties?.[k] ?? (typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined);
            if (child && !(p === "" && k === "metadata")) problems.push(...celPass(child, v, join(p, k)));
        }
    }
    for (const sub of schema.allOf ?? []) problems.push(...celPass(sub, value, p));
    problems.push(...evaluateRules(schema, value, p));
    return problems;
}

function structural(schema: SchemaNode, value: unknown, p: string): CrdProblem[] {
    const problems: CrdProblem[] = [];
    const at = p || "<root>";
    const add = (message: string, rule?: string, sub?: string): void => {
        problems.push({ path: sub ? join(p, sub.replace(/^\./, "")) : at, message, ...(rule !== undefined ? { rule } : {}) });
    };
    if (value === null || value === undefined) {
        if (value === null && !schema.nullable) add("must not be null");
        return problems;
    }
    const t = typeOf(value);
    const intOrString = schema["x-kubernetes-int-or-string"] === true;
    if (intOrString) {
        if (t !== "integer" && t !== "string") add(`must be an integer or a string, got ${t}`);
    } else if (schema.type) {
        const ok = schema.type === t || (schema.type === "number" && t === "integer");
        if (!ok) {
            add(`must be of type ${schema.type}, got ${t} (${JSON.stringify(value)})`);
            return problems; // deeper checks of a wrongly typed value only add noise
        }
    }
    if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
        add(`must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}, got ${JSON.stringify(value)}`);
    }
    if (typeof value === "string") {
        const length = [...value].length;
        if (schema.maxLength !== undefined && length > schema.maxLength) add(`may not be longer than ${schema.maxLength} characters (is ${length})`);
        if (schema.minLength !== undefined && length < schema.minLength) add(`must be at least ${schema.minLength} characters (is ${length})`);
        if (schema.pattern !== undefined) {
            const r = regex(schema.pattern);
            if (r instanceof Error) add(`pattern ${JSON.stringify(schema.pattern)} cannot be evaluated here: ${r.message}`);
            else if (!r.test(value)) add(`must match the pattern ${JSON.stringify(schema.pattern)}, got ${JSON.stringify(value)}`);
        }
    }
    if (typeof value === "number") {
        if (schema.maximum !== undefined && (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum)) add(`must be ${schema.exclusiveMaximum ? "<" : "<="} ${schema.maximum}, got ${value}`);
        if (schema.minimum !== undefined && (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum)) add(`must be ${schema.exclusiveMinimum ? ">" : ">="} ${schema.minimum}, got ${value}`);
    }
    if (Array.isArray(value)) {
        if (schema.maxItems !== undefined && value.length > schema.maxItems) add(`must have at most ${schema.maxItems} items (has ${value.length})`);
        if (schema.minItems !== undefined && value.length < schema.minItems) add(`must have at least ${schema.minItems} items (has ${value.length})`);
        const listType = schema["x-kubernetes-list-type"];
        if (listType === "set") {
            const seen = new Set<string>();
            value.forEach((item, i) => {
                const k = JSON.stringify(item);
                if (seen.has(k)) add(`duplicate entry in a set: ${k}`, undefined, `[${i}]`);
                seen.add(k);
            });
        } else if (listType === "map") {
            const keys = schema["x-kubernetes-list-map-keys"] ?? [];
            const seen = new Set<string>();
            value.forEach((item, i) => {
                const k = JSON.stringify(keys.map((key) => (isPlainObject(item) ? item[key] : undefined)));
                if (seen.has(k)) add(`duplicate entry for the map keys ${keys.join(",")}: ${k}`, undefined, `[${i}]`);
                seen.add(k);
            });
        }
        if (schema.items) value.forEach((item, i) => problems.push(...structural(schema.items as SchemaNode, item, `${p}[${i}]`)));
    }
    if (isPlainObject(value)) {
        const keys = Object.keys(value);
        if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) add(`must have at most ${schema.maxProperties} properties (has ${keys.length})`);
        if (schema.minProperties !== undefined && keys.length < schema.minProperties) add(`must have at least ${schema.minProperties} properties (has ${keys.length})`);
        for (const r of schema.required ?? []) if (value[r] === undefined) add(`Required value: ${r}`, undefined, r);
        const props = schema.properties ?? {};
        const additional = schema.additionalProperties;
        const embedded = schema["x-kubernetes-embedded-resource"] === true;
        for (const [k, v] of Object.entries(value)) {
            if (props[k]) {
                // metadata of the resource itself is validated by the API server's ObjectMeta, not the schema
                if (!(p === "" && k === "metadata")) problems.push(...structural(props[k], v, join(p, k)));
            } else if (additional && typeof additional === "object") {
                problems.push(...structural(additional, v, join(p, k)));
            } else if (additional === true || schema["x-kubernetes-preserve-unknown-fields"] === true) {
                // open: kept as is
            } else if (embedded && (k === "apiVersion" || k === "kind" || k === "metadata")) {
                // an embedded object carries its own type meta
            } else if (p === "" && (k === "apiVersion" || k === "kind")) {
                // type meta of the resource itself
            } else {
                add(`unknown field "${k}" (the API server prunes it, or rejects it under strict field validation)`, undefined, k);
            }
        }
    }
    for (const sub of schema.allOf ?? []) problems.push(...structural(sub, value, p));
    return problems;
}

// ---------------------------------------------------------------------------------------------
// CEL rules

/**
 * JSON → CEL value the way the API server types it from the schema: objects become maps (`has()`
 * tests key presence, as on a structural object), `integer` becomes int (bigint), `number`
 * double, int-or-string stays int or string.
 */
export function toCel(schema: SchemaNode | undefined, value: unknown): unknown {
    if (value === null || value === undefined) return null;
    if (Array.isArray(value)) return value.map((v) => toCel(schema?.items, v));
    if (isPlainObject(value)) {
        const m = new Map<string, unknown>();
        for (const [k, v] of Object.entries(value)) {
            const child = schema?.properties?.[k] ?? (typeof schema?.additionalProperties === "object" ? schema.additionalProperties : undefined);
            m.set(k, toCel(child, v));
        }
        return m;
    }
    if (typeof value === "number") {
        const declared = schema?.type;
        if (declared === "number") return value;
        if (Number.isInteger(value) && (declared === "integer" || schema?.["x-kubernetes-int-or-string"] || declared === undefined)) return BigInt(value);
        return value;
    }
    return value;
}

/**
 * Evaluates a CEL expression the way an admission policy's is, with JSON bindings (`object`,
 * `oldObject` …) as maps; a compile or evaluation error comes back as an Error, never as a verdict.
 */
export function evaluateCel(expr: string, bindings: Readonly<Record<string, unknown>>): unknown {
    const program = compile(expr);
    if (program instanceof Error) return program;
    try {
        const result = program(Object.fromEntries(Object.entries(bindings).map(([k, v]) => [k, toCel(undefined, v)])));
        return isCelError(result) ? new Error(celMessage(result)) : result;
    } catch (e) {
        return e instanceof Error ? e : new Error(String(e));
    }
}

function celMessage(e: unknown): string {
    return e instanceof Error ? e.message : String(e);
}

function evaluateRules(schema: SchemaNode, value: unknown, p: string): CrdProblem[] {
    const rules = schema["x-kubernetes-validations"];
    if (!rules?.length) return [];
    const problems: CrdProblem[] = [];
    const self = toCel(schema, value);
    for (const r of rules) {
        if (isTransitionRule(r.rule)) continue; // create: there is no oldSelf
        const where = r.fieldPath ? join(p, r.fieldPath.replace(/^\./, "")) : p || "<root>";
        const unsupported = whyUnsupported(r.rule);
        if (unsupported) {
            problems.push({ path: where, message: `CEL rule cannot be evaluated here (${unsupported})`, rule: r.rule });
            continue;
        }
        const program = compile(r.rule) as Program;
        let result: unknown;
        try {
            result = program({ self });
        } catch (e) {
            result = e;
        }
        if (result === true) continue;
        if (isCelError(result) || result instanceof Error) {
            problems.push({ path: where, message: `CEL rule failed to evaluate: ${celMessage(result)}`, rule: r.rule });
            continue;
        }
        problems.push({ path: where, message: ruleMessage(r, self), rule: r.rule });
    }
    return problems;
}

/** What the API server says for a failed rule: messageExpression, else message, else the rule. */
function ruleMessage(r: ValidationRule, self: unknown): string {
    if (r.messageExpression) {
        const program = compile(r.messageExpression);
        if (!(program instanceof Error)) {
            try {
                const m = program({ self });
                if (typeof m === "string" && m.trim() !== "") return m;
            } catch {
                // fall through to message, as the API server does
            }
        }
    }
    return r.message ?? `failed rule: ${r.rule}`;
}
