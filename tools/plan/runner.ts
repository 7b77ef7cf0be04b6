/**
 * Runs the real program for one stack under Pulumi's mock runtime and records every resource as
 * the engine would have received it (RegisterResource / ReadResource requests), including options
 * such as `protect` and the per-property dependency graph the policy pack needs during preview.
 */
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { PlannedResource } from "./contract";
import { MockContext, PlanMocks, planAccountId } from "./mocks";

// The SDK's rpc.specialSecretSig (the key below is specialSigKey): secrets are written "[secret]".
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

export interface RunStackOptions {
    readonly project: string;
    readonly stack: string;
    /** The stack's config as the engine passes it: "ns:key" -> string (structured values as JSON). */
    readonly config: Record<string, string>;
    readonly secretKeys?: readonly string[];
    /** Outputs of stacks already planned, by stack name. */
    readonly stackOutputs: ReadonlyMap<string, Record<string, unknown>>;
    /** The program to run; defaults to the project's (stacks/program.ts). */
    readonly program?: () => Promise<Record<string, unknown>>;
}

export interface StackRun {
    readonly resources: PlannedResource[];
    readonly outputs: Record<string, unknown>;
    /** Milliseconds spent in the mocks' own callbacks (ours, not Pulumi's runtime). */
    readonly mockMs: number;
    readonly totalMs: number;
}

/** Raised when the program itself fails (bad config, missing primary outputs, a throw in an apply). */
export class ProgramError extends Error {
    constructor(
        readonly stack: string,
        readonly causes: readonly Error[],
    ) {
        super(causes.map((c) => c.message).join("\n"));
        this.name = "ProgramError";
    }
}

/** Plain JSON of a wire value: secrets become "[secret]", resource references their id or URN. */
export function plainValue(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(plainValue);
    if (v && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (o[SIG_KEY] === SECRET_SIG) return "[secret]";
        if (o[SIG_KEY] === RESOURCE_SIG) return o.id ?? o.urn;
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, plainValue(x)]));
    }
    return v;
}

interface WireRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getProvider(): string;
    getObject?(): { toJavaScript(): Record<string, unknown> } | undefined;
    getProperties?(): { toJavaScript(): Record<string, unknown> } | undefined;
    getCustom?(): boolean;
    getProtect?(): boolean;
    getIgnorechangesList?(): string[];
    getReplaceonchangesList?(): string[];
    getAliasesList?(): { getUrn(): string; hasSpec(): boolean; getSpec(): { getName(): string; getType(): string; getStack(): string; getProject(): string; hasParenturn(): boolean; getParenturn(): string; getNoparent(): boolean } | undefined }[];
    getRetainondelete?(): boolean;
    getImportid?(): string;
    getDependenciesList(): string[];
    getPropertydependenciesMap?(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
}

interface MockMonitorLike {
    newUrn(parent: string, type: string, name: string): string;
    registerResource(req: WireRequest, cb: unknown): Promise<void>;
    readResource(req: WireRequest, cb: unknown): Promise<void>;
}

/**
 * The URNs a resource's `aliases` option names: a URN as given, a spec resolved against the
 * resource's own name, type and parent (another stack's or project's spec is left out: this plan
 * pairs within one stack).
 */
function aliasUrns(req: WireRequest, monitor: MockMonitorLike, opts: Pick<RunStackOptions, "stack" | "project">): string[] {
    const out: string[] = [];
    for (const a of req.getAliasesList?.() ?? []) {
        if (a.getUrn()) {
            out.push(a.getUrn());
            continue;
        }
        const spec = a.hasSpec() ? a.getSpec() : undefined;
        if (!spec || (spec.getStack() && spec.getStack() !== opts.stack) || (spec.getProject() && spec.getProject() !== opts.project)) continue;
        const parent = spec.getNoparent() ? "" : spec.hasParenturn() ? spec.getParenturn() : req.getParent();
        out.push(monitor.newUrn(parent, spec.getType() || req.getType(), spec.getName() || req.getName()));
    }
    return out;
}

function providerUrn(ref: string): string | null {
    if (!ref) return null;
    const i = ref.lastIndexOf("::");
    return i > 0 ? ref.slice(0, i) : ref;
}

let running = false;

export async function runStack(opts: RunStackOptions): Promise<StackRun> {
    if (running) throw new Error("runStack is not re-entrant: Pulumi's runtime state is process-global; plan stacks one at a time");
    running = true;
    const started = Date.now();
    const region = opts.config["aws:region"] ?? "us-east-1";
    const ctx: MockContext = { stack: opts.stack, region, accountId: planAccountId(opts.config["aws:allowedAccountIds"]), stackOutputs: opts.stackOutputs };
    const mocks = new PlanMocks(ctx);
    let mockMs = 0;
    const timed: pulumi.runtime.Mocks = {
        newResource: (a) => {
            const t = performance.now();
            try {
                return mocks.newResource(a);
            } finally {
                mockMs += performance.now() - t;
            }
        },
        call: (a) => {
            const t = performance.now();
            try {
                return mocks.call(a);
            } finally {
                mockMs += performance.now() - t;
            }
        },
    };
    const errors: Error[] = [];
    const onRejection = (reason: unknown) => errors.push(reason instanceof Error ? reason : new Error(String(reason)));
    process.on("unhandledRejection", onRejection);
    const resources: PlannedResource[] = [];
    // Pulumi records a source position per resource by formatting an unbounded stack trace; under
    // ts-node every frame is then source-mapped, which cost about a third of the plan's CPU. The
    // plan never shows those positions, so stacks are formatted the plain V8 way while it runs.
    const errorClass = Error as { prepareStackTrace?: unknown };
    const prepareStackTrace = errorClass.prepareStackTrace;
    errorClass.prepareStackTrace = undefined;
    // The offline plan marks its runs: only they may use the shipped placeholders (stacks/settings/
    // placeholders.ts); a real preview/up has no mark and refuses them. Setting it twice is harmless.
    const offlineMark = process.env.MALL_OFFLINE_PLAN;
    process.env.MALL_OFFLINE_PLAN = "1";
    try {
        await pulumi.runtime.setMocks(timed, opts.project, opts.stack, false);
        pulumi.runtime.setAllConfig(opts.config, [...(opts.secretKeys ?? [])]);
        const monitor = settings.getMonitor() as unknown as MockMonitorLike;
        const record = (req: WireRequest, read: boolean) => {
            const propertyDependencies: Record<string, string[]> = {};
            req.getPropertydependenciesMap?.().forEach((v, k) => (propertyDependencies[k] = v.getUrnsList()));
            const struct = read ? req.getProperties?.() : req.getObject?.();
            resources.push({
                urn: monitor.newUrn(req.getParent(), req.getType(), req.getName()),
                type: req.getType(),
                name: req.getName(),
                parent: req.getParent() || null,
                provider: providerUrn(req.getProvider()),
                custom: read ? true : (req.getCustom?.() ?? true),
                protect: read ? false : (req.getProtect?.() ?? false),
                inputs: plainValue(struct?.toJavaScript() ?? {}) as Record<string, unknown>,
                propertyDependencies,
                dependencies: req.getDependenciesList(),
                ...(!read && req.getIgnorechangesList?.().length ? { ignoreChanges: req.getIgnorechangesList() } : {}),
                ...(!read && req.getReplaceonchangesList?.().length ? { replaceOnChanges: req.getReplaceonchangesList() } : {}),
                ...(!read && req.getAliasesList?.().length ? { aliases: aliasUrns(req, monitor, opts) } : {}),
                ...(!read && req.getRetainondelete?.() ? { retainOnDelete: true as const } : {}),
                ...(!read && req.getImportid?.() ? { import: req.getImportid() } : {}),
            });
        };
        const register = monitor.registerResource.bind(monitor);
        const read = monitor.readResource.bind(monitor);
        monitor.registerResource = (req, cb) => (record(req, false), register(req, cb));
        monitor.readResource = (req, cb) => (record(req, true), read(req, cb));

        const program = opts.program ?? (await import("../../stacks/program")).program;
        let outputs: Record<string, unknown> = {};
        try {
            outputs = (await pulumi.runtime.runInPulumiStack(program)) as Record<string, unknown>;
        } catch (e) {
            errors.push(e instanceof Error ? e : new Error(String(e)));
        }
        // waitForRPCs is internal to the SDK (not in its .d.ts) but is exactly what `pulumi up` awaits.
        // After a program error the engine stops the run instead: registrations waiting on values
        // the failed code never produced would otherwise keep it waiting forever.
        if (errors.length === 0) await (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
        // Let rejections raised by the last RPCs reach the handler before it is removed.
        await new Promise((r) => setImmediate(r));
        if (errors.length > 0) throw new ProgramError(opts.stack, dedupe(errors));
        return { resources, outputs: plainValue(JSON.parse(JSON.stringify(outputs ?? {}))) as Record<string, unknown>, mockMs, totalMs: Date.now() - started };
    } finally {
        if (offlineMark === undefined) delete process.env.MALL_OFFLINE_PLAN;
        else process.env.MALL_OFFLINE_PLAN = offlineMark;
        errorClass.prepareStackTrace = prepareStackTrace;
        process.off("unhandledRejection", onRejection);
        running = false;
    }
}

/**
 * The errors once each, without the SDK's wrapping: a failed registration deep in an output reaches
 * the program as `error serializing property "a": error serializing property "b": … failed to
 * register new resource …`, where only the last part says anything.
 */
function dedupe(errors: Error[]): Error[] {
    const seen = new Set<string>();
    return errors
        .map((e) => {
            const message = e.message.replace(/(error serializing property "[^"]*": )+/g, "");
            return message === e.message ? e : Object.assign(new Error(message), { stack: e.stack });
        })
        .filter((e) => !seen.has(e.message) && (seen.add(e.message), true));
}
