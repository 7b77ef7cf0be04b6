/**
 * A client for the real Pulumi analyzer gRPC protocol, driving the CrossGuard pack in `policy/`
 * exactly as `pulumi preview --policy-pack policy` does (DESIGN.md §3 step 3):
 *
 * 1. spawn `node <@pulumi/pulumi/cmd/run-policy-pack> <engine-address> .` with cwd = the pack
 *    directory (the engine's `pulumi-analyzer-policy` shim runs the same module with the same
 *    two arguments, `host.ServerAddr()` and `"."`), and the engine's environment: PULUMI_CONFIG
 *    (stack config as a JSON object of strings), PULUMI_[NODEJS_]PROJECT/STACK/ORGANIZATION/DRY_RUN;
 * 2. read the port the pack prints on stdout (its only stdout output);
 * 3. `GetAnalyzerInfo`, then `Configure` with every policy's enforcement level and its config
 *    schema defaults, then `ConfigureStack` (newer engines send it; older packs may not implement it);
 * 4. `Analyze` once per resource (bounded concurrency), `AnalyzeStack` once with every resource,
 *    its parent, dependencies and propertyDependencies.
 *
 * Value encoding, as the engine marshals with KeepUnknowns/KeepSecrets:
 * - an input equal to the unknown sentinel `04da6b54-80e4-46f7-96ec-b56ff0331ba9` is sent as that
 *   string (the engine sends every unknown, whatever its type, as the string sentinel);
 * - an input equal to `"[secret]"` (how `.plan/*.json` records secrets) is sent wrapped in the
 *   secret signature object `{ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
 *   value: "[secret]" }`, because that is how the engine sends secrets. The pack unwraps it, so
 *   policies see the plain string "[secret]": they must treat it as "present, value hidden".
 *
 * Note: the protocol's per-resource `AnalyzeRequest` carries no dependencies; only
 * `AnalyzeStack`'s `AnalyzerResource` has `propertyDependencies`. Policies that need them (KMS key
 * ownership, subnet-in-VPC, public access blocks) are therefore stack policies.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { EnforcementLevel, PlannedResource, PolicyDiagnostic, PolicyReport } from "./plan/contract";

/** How the engine sends a value it cannot know during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** How `.plan/*.json` records a secret input. */
export const SECRET_PLACEHOLDER = "[secret]";
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Per-policy overrides keyed by policy name, as `--policy-pack-config` takes them. */
export type PolicyConfig = Record<string, PolicyConfigOverride>;

/** Per-policy configuration overriding the pack's defaults (as `--policy-pack-config` would). */
export interface PolicyConfigOverride {
    readonly enforcementLevel?: EnforcementLevel;
    readonly [key: string]: unknown;
}

export interface RunPolicyPackOptions {
    /** Directory holding `PulumiPolicy.yaml` (e.g. `policy`). */
    packDir: string;
    project: string;
    stack: string;
    /** Stack config as the engine sends it: `"<ns>:<key>"` → string (structured values JSON-encoded). */
    config: Record<string, string>;
    resources: PlannedResource[];
    /** `true` (the default) for a preview, `false` for an update. */
    dryRun?: boolean;
    /** @default "organization" */
    organization?: string;
    /** Overrides merged over each policy's schema defaults before `Configure`. */
    policyConfig?: Record<string, PolicyConfigOverride>;
    /** Concurrent `Analyze` calls. @default 16 */
    concurrency?: number;
    /** Time allowed for the pack to start. @default 180000 */
    startTimeoutMs?: number;
    /**
     * Let ts-node type-check the pack as it loads, as the engine's runner does (several seconds per
     * process). Off by default: the offline plan type-checks the pack once per change
     * (`typeCheckPack`), `npm test` with the whole project, so each pack process only transpiles.
     * @default false
     */
    typeCheck?: boolean;
}

/** The stack a pack process is started for; the resources come later (`PackSession.analyze`). */
export type PackSessionOptions = Omit<RunPolicyPackOptions, "resources">;

/** A started pack process, configured for one stack once `analyze` runs. */
export interface PackSession {
    /** Runs the protocol over the resources, then stops the process. Call once. */
    analyze(resources: PlannedResource[]): Promise<PolicyReport>;
    /** Stops the process without analysing (the stack's program failed). */
    kill(): void;
}

const LEVELS: Record<number, EnforcementLevel> = {
    [analyzerPb.EnforcementLevel.ADVISORY]: "advisory",
    [analyzerPb.EnforcementLevel.MANDATORY]: "mandatory",
    [analyzerPb.EnforcementLevel.REMEDIATE]: "remediate",
    [analyzerPb.EnforcementLevel.DISABLED]: "disabled",
};
const LEVEL_CODES: Record<EnforcementLevel, analyzerPb.EnforcementLevel> = {
    advisory: analyzerPb.EnforcementLevel.ADVISORY,
    mandatory: analyzerPb.EnforcementLevel.MANDATORY,
    remediate: analyzerPb.EnforcementLevel.REMEDIATE,
    disabled: analyzerPb.EnforcementLevel.DISABLED,
};

/** Runs the pack in `o.packDir` over every resource and the stack; one process per call. */
export async function runPolicyPack(o: RunPolicyPackOptions): Promise<PolicyReport> {
    const packDir = path.resolve(o.packDir);
    if (!fs.existsSync(path.join(packDir, "PulumiPolicy.yaml"))) {
        return { pack: null, skipped: `no policy pack in ${o.packDir}`, diagnostics: [] };
    }
    return startPolicyPack(o).analyze(o.resources);
}

/**
 * Starts the pack process for a stack before its resources are known, so the process loads while
 * the stack's program runs (the offline plan); `analyze` then speaks the protocol.
 */
export function startPolicyPack(o: PackSessionOptions): PackSession {
    const packDir = path.resolve(o.packDir);
    const started = Date.now();
    const dryRun = o.dryRun ?? true;
    const organization = o.organization ?? "organization";
    const pack = startPack(packDir, o.typeCheck ?? false, {
        PULUMI_CONFIG: JSON.stringify(o.config),
        PULUMI_NODEJS_ORGANIZATION: organization,
        PULUMI_NODEJS_PROJECT: o.project,
        PULUMI_NODEJS_STACK: o.stack,
        PULUMI_NODEJS_DRY_RUN: String(dryRun),
        PULUMI_ORGANIZATION: organization,
        PULUMI_PROJECT: o.project,
        PULUMI_STACK: o.stack,
        PULUMI_DRY_RUN: String(dryRun),
    });
    return { analyze: (resources) => analyzeWith(pack, o, resources, started, dryRun, organization), kill: () => pack.kill() };
}

async function analyzeWith(pack: RunningPack, o: PackSessionOptions, resources: PlannedResource[], started: number, dryRun: boolean, organization: string): Promise<PolicyReport> {
    let client: analyzerGrpc.AnalyzerClient | undefined;
    try {
        const connection = await connect(pack, o.startTimeoutMs ?? 180_000);
        client = connection.client;
        const { client: c, call } = connection;

        const info = await call<Empty, analyzerPb.AnalyzerInfo>("GetAnalyzerInfo", c.getAnalyzerInfo, new Empty());
        const descriptions = new Map<string, string>();
        const configure = new analyzerPb.ConfigureAnalyzerRequest();
        const policies: { name: string; level: EnforcementLevel }[] = [];
        for (const p of info.getPoliciesList()) {
            descriptions.set(p.getName(), p.getDescription());
            const override = o.policyConfig?.[p.getName()] ?? {};
            const { enforcementLevel, ...overrideProps } = override;
            const props: Record<string, unknown> = { ...schemaDefaults(p.getConfigschema()), ...overrideProps };
            const pc = new analyzerPb.PolicyConfig();
            pc.setEnforcementlevel(enforcementLevel ? LEVEL_CODES[enforcementLevel] : p.getEnforcementlevel());
            policies.push({ name: p.getName(), level: enforcementLevel ?? LEVELS[p.getEnforcementlevel()] ?? "advisory" });
            pc.setProperties(Struct.fromJavaScript(props as Record<string, never>));
            configure.getPolicyconfigMap().set(p.getName(), pc);
        }
        await call("Configure", c.configure, configure);

        const stackReq = new analyzerPb.AnalyzerStackConfigureRequest();
        stackReq.setStack(o.stack);
        stackReq.setProject(o.project);
        stackReq.setOrganization(organization);
        stackReq.setDryRun(dryRun);
        for (const [k, v] of Object.entries(o.config)) stackReq.getConfigMap().set(k, v);
        await call("ConfigureStack", c.configureStack, stackReq).catch((e: Error) => {
            if (!/UNIMPLEMENTED/i.test(e.message)) throw e;
        });

        const byUrn = new Map(resources.map((r) => [r.urn, r]));
        const diagnostics: PolicyDiagnostic[] = [];
        const collect = (res: analyzerPb.AnalyzeResponse) => {
            for (const d of res.getDiagnosticsList()) {
                const description = descriptions.get(d.getPolicyname()) ?? d.getDescription();
                let message = d.getMessage();
                // The SDK prefixes a string violation with the policy's description; the CLI
                // prints the description separately, so the report keeps only the violation.
                if (description && message.startsWith(`${description}\n`)) message = message.slice(description.length + 1);
                diagnostics.push({
                    policy: d.getPolicyname(),
                    level: LEVELS[d.getEnforcementlevel()] ?? "advisory",
                    urn: d.getUrn() || null,
                    message,
                });
            }
        };

        const analyzeOne = async (r: PlannedResource) => {
            const req = new analyzerPb.AnalyzeRequest();
            req.setUrn(r.urn);
            req.setType(r.type);
            req.setName(r.name);
            req.setProperties(toStruct(r.inputs));
            req.setOptions(resourceOptions(r));
            const provider = providerResource(r, byUrn);
            if (provider) req.setProvider(provider);
            collect(await call<analyzerPb.AnalyzeRequest, analyzerPb.AnalyzeResponse>("Analyze", c.analyze, req));
        };
        await mapLimit(resources, o.concurrency ?? 16, analyzeOne);

        const stack = new analyzerPb.AnalyzeStackRequest();
        stack.setResourcesList(resources.map((r) => {
            const ar = new analyzerPb.AnalyzerResource();
            ar.setUrn(r.urn);
            ar.setType(r.type);
            ar.setName(r.name);
            ar.setProperties(toStruct(r.inputs));
            ar.setOptions(resourceOptions(r));
            const provider = providerResource(r, byUrn);
            if (provider) ar.setProvider(provider);
            if (r.parent) ar.setParent(r.parent);
            ar.setDependenciesList([...r.dependencies]);
            for (const [k, urns] of Object.entries(r.propertyDependencies)) {
                if (urns.length === 0) continue; // the engine skips properties without dependencies
                const deps = new analyzerPb.AnalyzerPropertyDependencies();
                deps.setUrnsList([...urns]);
                ar.getPropertydependenciesMap().set(k, deps);
            }
            return ar;
        }));
        collect(await call<analyzerPb.AnalyzeStackRequest, analyzerPb.AnalyzeResponse>("AnalyzeStack", c.analyzeStack, stack));

        return {
            pack: info.getName(),
            version: info.getVersion(),
            policies,
            diagnostics,
            durationMs: Date.now() - started,
        };
    } finally {
        client?.close();
        pack.kill();
    }
}

interface RunningPack {
    readonly child: ChildProcess;
    readonly port: Promise<number>;
    readonly exited: Promise<number | null>;
    stderr(): string;
    kill(): void;
}

/** A policy as the pack declares it (GetAnalyzerInfo): its name, default level and config schema. */
export interface PackPolicy {
    readonly name: string;
    readonly level: EnforcementLevel;
    /** JSON schema of the policy's config (`properties`, `required`), when it has one. */
    readonly configSchema?: { readonly properties?: Record<string, Record<string, unknown>>; readonly required?: string[] };
}

/** The pack's name, version and policies, asked the way the engine asks (GetAnalyzerInfo). */
export async function packInfo(packDirIn: string, startTimeoutMs = 180_000): Promise<{ readonly name: string; readonly version: string; readonly policies: PackPolicy[] }> {
    const packDir = path.resolve(packDirIn);
    const pack = startPack(packDir, false, { PULUMI_CONFIG: "{}", PULUMI_NODEJS_PROJECT: "info", PULUMI_NODEJS_STACK: "info", PULUMI_PROJECT: "info", PULUMI_STACK: "info" });
    let client: analyzerGrpc.AnalyzerClient | undefined;
    try {
        const connection = await connect(pack, startTimeoutMs);
        client = connection.client;
        const info = await connection.call<Empty, analyzerPb.AnalyzerInfo>("GetAnalyzerInfo", connection.client.getAnalyzerInfo, new Empty());
        return {
            name: info.getName(),
            version: info.getVersion(),
            policies: info.getPoliciesList().map((p) => {
                const schema = p.getConfigschema();
                const properties = schema?.getProperties()?.toJavaScript() as Record<string, Record<string, unknown>> | undefined;
                return {
                    name: p.getName(),
                    level: LEVELS[p.getEnforcementlevel()] ?? "advisory",
                    ...(properties && Object.keys(properties).length > 0 ? { configSchema: { properties, required: schema?.getRequiredList() ?? [] } } : {}),
                };
            }),
        };
    } finally {
        client?.close();
        pack.kill();
    }
}

/** The pack's port, a client on it, and a call that fails with the pack's stderr when the call or the pack does. */
async function connect(pack: RunningPack, startTimeoutMs: number) {
    const port = await withTimeout(pack.port, startTimeoutMs, () => packError(pack, "policy pack did not print its port in time"));
    const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
        "grpc.max_receive_message_length": 400 * 1024 * 1024,
        "grpc.max_send_message_length": 400 * 1024 * 1024,
    });
    const call = <Req, Res>(name: string, fn: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown, req: Req) =>
        Promise.race([
            new Promise<Res>((resolve, reject) => {
                fn.call(client, req, (err, res) => (err ? reject(packError(pack, `${name} failed: ${err.message}`)) : resolve(res)));
            }),
            pack.exited.then(() => { throw packError(pack, `policy pack exited during ${name}`); }),
        ]);
    return { client, call };
}

/** Loaded before the runner when the pack is not type-checked: ts-node then only transpiles. */
const TRANSPILE_ONLY_PRELOAD = path.join(__dirname, "pack-transpile-only.js");

function startPack(packDir: string, typeCheck: boolean, env: Record<string, string>): RunningPack {
    // Resolved from the pack directory, as the engine's shim does, so the pack's own SDK runs it
    // (from its real path, as Node resolves the pack's own modules when policy/ is a link).
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [fs.realpathSync(packDir)] });
    const child = spawn(process.execPath, [...(typeCheck ? [] : ["--require", TRANSPILE_ONLY_PRELOAD]), runner, "127.0.0.1:0", "."], {
        cwd: packDir,
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    let out = "";
    child.stderr!.setEncoding("utf8").on("data", (d: string) => { err += d; });
    const exited = new Promise<number | null>((resolve) => {
        child.on("exit", (code) => resolve(code));
        child.on("error", (e) => { err += String(e); resolve(-1); });
    });
    const port = new Promise<number>((resolve, reject) => {
        child.stdout!.setEncoding("utf8").on("data", (d: string) => {
            out += d;
            const m = /^(\d+)\s*$/m.exec(out);
            if (m) resolve(Number(m[1]));
        });
        void exited.then((code) => reject(packError(running, `policy pack exited (code ${code}) before printing its port`)));
    });
    port.catch(() => undefined); // observed by the caller; avoid an unhandled rejection if never awaited
    const running: RunningPack = {
        child,
        port,
        exited,
        stderr: () => err,
        kill: () => {
            if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        },
    };
    return running;
}

function packError(pack: RunningPack, what: string): Error {
    const stderr = pack.stderr().trim();
    return new Error(stderr ? `${what}\n--- policy pack stderr ---\n${stderr}` : what);
}

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
        p,
        new Promise<T>((_, reject) => { timer = setTimeout(() => reject(onTimeout()), ms); }),
    ]).finally(() => clearTimeout(timer));
}

async function mapLimit<T>(items: readonly T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => {
        while (next < items.length) await fn(items[next++]);
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/** The defaults a policy's config schema declares, as the engine fills them in. */
function schemaDefaults(schema: analyzerPb.PolicyConfigSchema | undefined): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const props = schema?.getProperties()?.toJavaScript() ?? {};
    for (const [k, v] of Object.entries(props)) {
        if (v && typeof v === "object" && "default" in v) out[k] = (v as { default: unknown }).default;
    }
    return out;
}

function encode(v: unknown): unknown {
    if (v === SECRET_PLACEHOLDER) return { [SECRET_SIG_KEY]: SECRET_SIG, value: v };
    if (Array.isArray(v)) return v.map(encode);
    if (v && typeof v === "object") {
        const o: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) if (x !== undefined) o[k] = encode(x);
        return o;
    }
    return v;
}

function toStruct(inputs: Record<string, unknown>): Struct {
    return Struct.fromJavaScript(encode(inputs) as Record<string, never>);
}

function resourceOptions(r: PlannedResource): analyzerPb.AnalyzerResourceOptions {
    const opts = new analyzerPb.AnalyzerResourceOptions();
    opts.setProtect(r.protect);
    if (r.parent) opts.setParent(r.parent);
    return opts;
}

/** The record's provider is the provider's URN (the plan contract); its inputs come from the provider's record. */
function providerResource(r: PlannedResource, byUrn: Map<string, PlannedResource>): analyzerPb.AnalyzerProviderResource | undefined {
    if (!r.provider) return undefined;
    const urn = r.provider;
    const rec = byUrn.get(urn);
    const segs = urn.split("::");
    const typeChain = segs.length >= 4 ? segs[2] : "";
    const p = new analyzerPb.AnalyzerProviderResource();
    p.setUrn(urn);
    p.setType(rec?.type ?? typeChain.split("$").pop() ?? "");
    p.setName(rec?.name ?? segs[segs.length - 1] ?? "");
    p.setProperties(toStruct(rec?.inputs ?? {}));
    return p;
}
