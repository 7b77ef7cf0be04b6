/**
 * Test helpers: run a component (or the whole program) under the same mock runtime and recorder
 * as the offline plan, and query the recorded resources with exact expectations.
 */
import * as assert from "assert";
import { RegionContext } from "../components/common/context";
import { PlannedResource } from "../tools/plan/contract";
import { MOCK_ACCOUNT_ID } from "../tools/plan/mocks";
import { runStack } from "../tools/plan/runner";

export function testContext(region = "us-east-1", role: "primary" | "secondary" = "primary"): RegionContext {
    return { project: "mall", prefix: "mall", stack: region, region, role, environment: "production", accountId: MOCK_ACCOUNT_ID };
}

/** Runs `build` as a stack program and returns every resource it registered (the Stack root included). */
export async function planComponent(
    build: () => unknown,
    opts: { stack?: string; region?: string; config?: Record<string, string>; stackOutputs?: Map<string, Record<string, unknown>> } = {},
): Promise<Resources> {
    const region = opts.region ?? "us-east-1";
    const run = await runStack({
        project: "mall",
        stack: opts.stack ?? region,
        config: { "aws:region": region, ...(opts.config ?? {}) },
        stackOutputs: opts.stackOutputs ?? new Map(),
        program: async () => {
            const out = await build();
            return out && typeof out === "object" ? (out as Record<string, unknown>) : {};
        },
    });
    return new Resources(run.resources, run.outputs);
}

export class Resources {
    constructor(
        readonly all: PlannedResource[],
        readonly outputs: Record<string, unknown> = {},
    ) {}

    ofType(type: string): PlannedResource[] {
        return this.all.filter((r) => r.type === type);
    }

    /** The one resource of `type` named `name`; fails listing the names there are. */
    one(type: string, name: string): PlannedResource {
        const found = this.all.filter((r) => r.type === type && r.name === name);
        assert.strictEqual(found.length, 1, `expected one ${type} named ${name}; have: ${this.ofType(type).map((r) => r.name).join(", ") || "none"}`);
        return found[0];
    }

    count(type: string): number {
        return this.ofType(type).length;
    }

    /** URN of the resource named `name` (any type). */
    urn(name: string): string {
        const found = this.all.filter((r) => r.name === name);
        assert.strictEqual(found.length, 1, `expected one resource named ${name}`);
        return found[0].urn;
    }

    /** Resource counts by type, custom resources only. */
    countsByType(): Record<string, number> {
        const out: Record<string, number> = {};
        for (const r of this.all.filter((x) => x.custom)) out[r.type] = (out[r.type] ?? 0) + 1;
        return out;
    }
}
