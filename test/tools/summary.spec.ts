import * as assert from "assert";
import { StackResult } from "../../tools/plan/plan";
import { renderMarkdown, renderTerminal, resolvedVersionsSection } from "../../tools/plan/summary";

const stack = (resolvedVersions?: Record<string, string>): StackResult =>
    ({
        stack: "us-east-1",
        project: "mall",
        role: "primary",
        environment: "production",
        resources: [],
        outputs: { region: "us-east-1", ...(resolvedVersions ? { resolvedVersions } : {}) },
        policy: { pack: "mall-policies", diagnostics: [] },
        timings: { programMs: 0, mockMs: 0, policyMs: 0 },
    }) as unknown as StackResult;

describe("plan summary: resolved versions", () => {
    const s = stack({ "eks-addon/kube-proxy": "v1.35.3-eksbuild.2", "eks-addon/coredns": "v1.14.2-eksbuild.4" });

    it("lists every version the plan looked up with the exact config line that pins it", () => {
        const body = resolvedVersionsSection(s, [s])!;
        assert.deepStrictEqual(body.rows.slice(1), [
            ["eks-addon/coredns", "v1.14.2-eksbuild.4", "mall:eksAddonVersions: { coredns: v1.14.2-eksbuild.4 }"],
            ["eks-addon/kube-proxy", "v1.35.3-eksbuild.2", "mall:eksAddonVersions: { kube-proxy: v1.35.3-eksbuild.2 }"],
        ]);
        assert.match(body.note ?? "", /mall:eksAddonVersions: \{ coredns: v1\.14\.2-eksbuild\.4, kube-proxy: v1\.35\.3-eksbuild\.2 \}/);
    });

    it("shows in the terminal and in the PR comment, and not at all when everything is pinned", () => {
        const result = { project: "mall", stacks: [s], totalMs: 0, environments: [{ environment: "production", stacks: [s], complete: true }] };
        assert.match(renderTerminal(result), /Resolved versions, not pinned \(2\):\n.*\n\s+eks-addon\/coredns\s+v1\.14\.2-eksbuild\.4\s+mall:eksAddonVersions: \{ coredns: v1\.14\.2-eksbuild\.4 \}/);
        assert.match(renderMarkdown(result), /\| eks-addon\/coredns \| v1\.14\.2-eksbuild\.4 \| mall:eksAddonVersions: \{ coredns: v1\.14\.2-eksbuild\.4 \} \|/);
        assert.strictEqual(resolvedVersionsSection(stack({}), []), undefined);
        assert.strictEqual(resolvedVersionsSection(stack(), []), undefined);
    });
});
