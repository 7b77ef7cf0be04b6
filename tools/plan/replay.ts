/**
 * The benchmark's floor (`npm run bench`): a stack's recorded resources registered again through
 * Pulumi's mock runtime alone — same types, names, inputs, parents, dependencies and `protect`,
 * with mocks that echo inputs — and none of the program, our mocks or the policy pack. The offline
 * plan's wall time is reported as a multiple of this.
 */
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { PlannedResource } from "./contract";

const STACK_TYPE = "pulumi:pulumi:Stack";

/** Any recorded custom resource, registered by type token (the SDK's class is abstract only to its users). */
class Replayed extends pulumi.CustomResource {}

/** Replays one stack's resources; answers the wall time in milliseconds. */
export async function replayStack(project: string, stack: string, resources: readonly PlannedResource[]): Promise<number> {
    // The same setting the plan's runner uses (tools/plan/runner.ts): stack traces the plain V8
    // way, not source-mapped by ts-node for every resource, or the floor would be inflated.
    const errorClass = Error as { prepareStackTrace?: unknown };
    const prepareStackTrace = errorClass.prepareStackTrace;
    errorClass.prepareStackTrace = undefined;
    try {
        return await replay(project, stack, resources);
    } finally {
        errorClass.prepareStackTrace = prepareStackTrace;
    }
}

async function replay(project: string, stack: string, resources: readonly PlannedResource[]): Promise<number> {
    const started = performance.now();
    await pulumi.runtime.setMocks(
        {
            newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }),
            call: (a) => a.inputs,
        },
        project,
        stack,
        false,
    );
    pulumi.runtime.setAllConfig({}, []);
    const byUrn = new Map<string, pulumi.Resource>();
    await pulumi.runtime.runInPulumiStack(async () => {
        for (const r of resources) {
            if (r.type === STACK_TYPE) continue;
            const opts: pulumi.CustomResourceOptions = {
                parent: r.parent ? byUrn.get(r.parent) : undefined,
                protect: r.protect,
                dependsOn: r.dependencies.map((u) => byUrn.get(u)).filter((x): x is pulumi.Resource => x !== undefined),
            };
            const resource = r.custom
                ? new Replayed(r.type, r.name, r.inputs as pulumi.Inputs, opts)
                : new pulumi.ComponentResource(r.type, r.name, {}, opts);
            byUrn.set(r.urn, resource);
        }
        return {};
    });
    await (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
    return Math.round(performance.now() - started);
}
