import * as assert from "assert";
import { resolvedVersionsSection } from "../../tools/plan/summary";

describe("plan summary: resolved versions", () => {
    it("prints each resolved version with the exact stack-file line that pins it", () => {
        const body = resolvedVersionsSection(
            { stack: "us-east-1", outputs: { resolvedVersions: { "aurora-postgresql": { version: "16.8", pin: 'mall:auroraEngineVersion: "16.8"' } } } } as never,
            [],
        );
        assert.deepStrictEqual(body?.rows, [
            ["what", "resolved to", "pin it"],
            ["aurora-postgresql", "16.8", '`mall:auroraEngineVersion: "16.8"` in Pulumi.us-east-1.yaml'],
        ]);
    });

    it("says nothing when every version is pinned", () => {
        assert.strictEqual(resolvedVersionsSection({ stack: "us-west-2", outputs: {} } as never, []), undefined);
    });
});
