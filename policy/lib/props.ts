/**
 * Reading resource inputs without tripping over preview unknowns.
 *
 * The SDK hands policies `props` wrapped in a proxy that throws `UnknownValueError` when a policy
 * reads a value the engine could not know yet; the SDK then turns the whole check into an advisory
 * "can't run policy during preview". That loses every other finding about the resource, so the
 * pack unwraps the proxy once and reads plain data, where an unknown is still the engine's
 * sentinel string. Each read then says explicitly whether a value is known, absent or unknown, and
 * every policy decides what an unknown means for it (usually: look at propertyDependencies, or skip
 * the one check with no violation — never a false violation).
 */
import { PolicyResource, ReportViolation, ResourceValidationArgs } from "@pulumi/policy";

/** The sentinels the SDK recognises as unknown (`@pulumi/policy/proxy`); the engine sends the string one. */
const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string (the engine sends every unknown as this)
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
    "030794c1-ac77-496b-92df-f27374a8bd58", // asset
    "e48ece36-62e2-4504-bad9-02848725956a", // archive
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

/** Returned by `at` when some segment of the path is unknown during preview. */
export const UNKNOWN: unique symbol = Symbol("unknown");
export type Unknown = typeof UNKNOWN;

export type Plain = Record<string, unknown>;

export function isUnknown(v: unknown): boolean {
    return v === UNKNOWN || (typeof v === "string" && UNKNOWN_SENTINELS.has(v));
}

/** The plain object behind the SDK's unknown-checking proxy. */
export function unwrap(props: unknown): Plain {
    if (props && typeof props === "object") {
        const target = (props as Record<string, unknown>)["__getSpecialProxyTarget"];
        return (target && typeof target === "object" ? target : props) as Plain;
    }
    return {};
}

/**
 * The value at a dotted path (`"encryptionInfo.encryptionInTransit.clientBroker"`): `undefined`
 * when absent (or null), `UNKNOWN` when it or any parent is unknown.
 */
export function at(obj: unknown, path: string): unknown {
    let cur: unknown = obj;
    for (const seg of path.split(".")) {
        if (isUnknown(cur)) return UNKNOWN;
        if (cur === null || cur === undefined || typeof cur !== "object") return undefined;
        cur = (cur as Record<string, unknown>)[seg];
    }
    if (isUnknown(cur)) return UNKNOWN;
    return cur === null ? undefined : cur;
}

/** An array input as a list (an unknown array is `UNKNOWN`, absent is `[]`). */
export function list(obj: unknown, path: string): unknown[] | Unknown {
    const v = at(obj, path);
    if (v === UNKNOWN) return UNKNOWN;
    if (Array.isArray(v)) return v;
    return v === undefined ? [] : [v];
}

export function str(v: unknown): string | undefined {
    return typeof v === "string" && !isUnknown(v) ? v : undefined;
}

/** Renders a value for a violation message. */
export function show(v: unknown): string {
    if (v === UNKNOWN) return "unknown";
    if (v === undefined) return "unset";
    return JSON.stringify(v);
}

/** The resource's `tags` (plain strings only; unknown tags count as absent). */
export function tags(props: Plain): Record<string, string> {
    const t = at(props, "tags");
    const out: Record<string, string> = {};
    if (t && typeof t === "object") {
        for (const [k, v] of Object.entries(t as Plain)) if (typeof v === "string") out[k] = v;
    }
    return out;
}

/** The last component of a URN, the Pulumi name, for messages. */
export function nameOf(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

/** A resource as the stack policies see it: plain props, dependency URNs. */
export interface StackResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly props: Plain;
    readonly protect: boolean;
    readonly parent?: string;
    /** Per input property, the URNs of the resources its value came from. */
    readonly deps: Record<string, string[]>;
}

export function stackResources(resources: PolicyResource[]): StackResource[] {
    return resources.map((r) => {
        const deps: Record<string, string[]> = {};
        for (const [k, v] of Object.entries(r.propertyDependencies)) deps[k] = v.map((d) => d.urn);
        return {
            urn: r.urn,
            type: r.type,
            name: r.name,
            props: unwrap(r.props),
            protect: r.opts.protect,
            parent: r.parent?.urn,
            deps,
        };
    });
}

export interface ResourceView {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly props: Plain;
    readonly protect: boolean;
    /** The inputs of the provider the resource was registered with, when the engine sent them. */
    readonly providerProps?: Plain;
}

export function resourceView(args: ResourceValidationArgs): ResourceView {
    return {
        urn: args.urn,
        type: args.type,
        name: args.name,
        props: unwrap(args.props),
        protect: args.opts.protect,
        providerProps: args.provider ? unwrap(args.provider.props) : undefined,
    };
}

/**
 * Reports a finding at advisory level from a policy whose level is mandatory: used only for "this
 * cannot be proven during preview". It uses the same mechanism the SDK itself uses when a policy
 * reads an unknown (an advisory diagnostic), through `reportViolation`'s object form, which the
 * SDK's server accepts although its type only declares the string form.
 */
export function advise(report: ReportViolation, policy: string, message: string, urn?: string): void {
    (report as unknown as (v: Record<string, string | undefined>) => void)({
        name: policy,
        message,
        urn,
        enforcementLevel: "advisory",
    });
}
