import * as assert from "assert";
import { resolvedVersionsSection } from "../../tools/plan/summary";

describe("plan summary: resolved versions (Aurora engine)", () => {
    it("prints the resolved engine with the exact stack-file line that pins it, beside the add-ons", () => {
        const body = resolvedVersionsSection(
            { stack: "us-east-1", outputs: { resolvedVersions: { "rds-engine/aurora-postgresql": "16.8", "eks-addon/coredns": "v1.14.2-eksbuild.4" } } } as never,
            [],
        );
        assert.deepStrictEqual(body?.rows.slice(1), [
            ["eks-addon/coredns", "v1.14.2-eksbuild.4", "mall:eksAddonVersions: { coredns: v1.14.2-eksbuild.4 }"],
            ["rds-engine/aurora-postgresql", "16.8", 'mall:auroraEngineVersion: "16.8"'],
        ]);
        assert.match(body?.note ?? "", /add under config: mall:eksAddonVersions: \{ coredns: v1\.14\.2-eksbuild\.4 \}; mall:auroraEngineVersion: "16\.8"/);
    });

    it("says nothing when every version is pinned", () => {
        assert.strictEqual(resolvedVersionsSection({ stack: "us-west-2", outputs: {} } as never, []), undefined);
    });
});
