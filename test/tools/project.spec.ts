import * as assert from "assert";
import * as path from "path";
import { Project, loadProject, projectProblems } from "../../tools/plan/stacks";

const ROOT = path.resolve(__dirname, "..", "..");

describe("the project across its stack files (checked before anything is planned)", () => {
    const shipped = loadProject(ROOT);
    const edited = (edit: (p: Project) => Project) => projectProblems(edit({ ...shipped, stacks: shipped.stacks.map((s) => ({ ...s, config: { ...s.config } })) }));

    it("finds nothing in the shipped project", () => assert.deepStrictEqual(projectProblems(shipped), []));

    it("names a registered region without a stack file, with the fix", () =>
        assert.deepStrictEqual(
            edited((p) => ({ ...p, stacks: p.stacks.filter((s) => s.stack !== "staging-us-west-2") })),
            ["mall:environments.staging.regions.us-west-2 has no stack: add Pulumi.staging-us-west-2.yaml (copy a secondary's and set aws:region: us-west-2), or remove the entry"],
        ));

    it("refuses evacuating every region of an environment, and allows evacuating some", () => {
        const evacuate = (names: string[]) => edited((p) => ({ ...p, stacks: p.stacks.map((s) => (names.includes(s.stack) ? { ...s, config: { ...s.config, "mall:evacuate": "true" } } : s)) }));
        assert.deepStrictEqual(evacuate(["us-east-1", "us-west-2"]), [
            "every region of production is evacuated (mall:evacuate: true in Pulumi.us-east-1.yaml, Pulumi.us-west-2.yaml): nothing would serve; return at least one region (mall:evacuate: false)",
        ]);
        assert.deepStrictEqual(evacuate(["us-west-2"]), []);
    });
});
