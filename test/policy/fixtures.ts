/** Record builders for policy specs: every case goes through the real pack over gRPC. */
import * as assert from "assert";
import * as path from "path";
import { PolicyConfigOverride, runPolicyPack } from "../../tools/analyzer";
import { PlannedResource, PolicyDiagnostic, PolicyReport } from "../../tools/plan/contract";

export const PACK_DIR = path.join(__dirname, "..", "..", "policy");
export const PROJECT = "mall";
export const STACK = "us-east-1";
/** How the engine sends a value unknown during preview. */
export const U = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export const REGISTRY = {
    "us-east-1": { cidr: "10.0.0.0/16", role: "primary" },
    "us-west-2": { cidr: "10.1.0.0/16", role: "secondary" },
};

export function stackConfig(registry: unknown = REGISTRY, region = STACK): Record<string, string> {
    return { "aws:region": region, "mall:regions": JSON.stringify(registry), "mall:domain": "example.com" };
}

export function urn(type: string, name: string): string {
    return `urn:pulumi:${STACK}::${PROJECT}::${type}::${name}`;
}

export interface ResOpts {
    protect?: boolean;
    deps?: Record<string, string[]>;
    parent?: string;
    provider?: string;
    /** Skip the default `service`/`region` tags. */
    untagged?: boolean;
    service?: string;
}

/** A resource record; tagged `service`/`region` unless `untagged` (so tagging stays quiet elsewhere). */
export function res(type: string, name: string, inputs: Record<string, unknown>, o: ResOpts = {}): PlannedResource {
    const tags = o.untagged ? {} : { tags: { service: o.service ?? "order", region: STACK } };
    const deps = o.deps ?? {};
    return {
        urn: urn(type, name),
        type,
        name,
        parent: o.parent ?? null,
        provider: o.provider ?? null,
        custom: !type.startsWith("eks:index"),
        protect: o.protect ?? false,
        inputs: { ...tags, ...inputs },
        propertyDependencies: deps,
        dependencies: [...new Set(Object.values(deps).flat())],
    };
}

export function run(resources: PlannedResource[], extra: { config?: Record<string, string>; policyConfig?: Record<string, PolicyConfigOverride> } = {}): Promise<PolicyReport> {
    const urns = new Set<string>();
    for (const r of resources) {
        assert.ok(!urns.has(r.urn), `duplicate URN in fixture: ${r.urn}`);
        urns.add(r.urn);
    }
    return runPolicyPack({
        packDir: PACK_DIR,
        project: PROJECT,
        stack: STACK,
        config: extra.config ?? stackConfig(),
        resources,
        dryRun: true,
        policyConfig: extra.policyConfig,
    });
}

/** The diagnostics of one policy about one resource (or about the stack, urn null), as [level, message]. */
export function findings(report: PolicyReport, policy: string, u: string | null): [string, string][] {
    return report.diagnostics
        .filter((d: PolicyDiagnostic) => d.policy === policy && d.urn === u)
        .map((d) => [d.level, d.message] as [string, string]);
}

export function expectFindings(report: PolicyReport, policy: string, u: string | null, expected: [string, string][]): void {
    assert.deepStrictEqual(findings(report, policy, u), expected);
}

export function expectClean(report: PolicyReport, policy: string, u: string | null): void {
    assert.deepStrictEqual(findings(report, policy, u), []);
}
