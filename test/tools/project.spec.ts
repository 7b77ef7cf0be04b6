import * as assert from "assert";
import * as path from "path";
import { Project, configValue, environmentRegistry, loadProject, projectProblems } from "../../tools/plan/stacks";

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

    it("refuses two witnesses for one DSQL link, and accepts one set in both stack files", () => {
        const witness = (values: Record<string, string>) =>
            edited((p) => ({ ...p, stacks: p.stacks.map((s) => (values[s.stack] ? { ...s, config: { ...s.config, "mall:dsqlWitnessRegion": values[s.stack] } } : s)) }));
        assert.deepStrictEqual(witness({ "us-west-2": "us-west-1" }), [
            "mall:dsqlWitnessRegion differs between the linked DSQL clusters' stacks (Pulumi.us-east-1.yaml: us-east-2, Pulumi.us-west-2.yaml: us-west-1); both must name the same witness: set one value in both files",
        ]);
        assert.deepStrictEqual(witness({ "us-east-1": "us-east-2", "us-west-2": "us-east-2" }), []);
    });

    it("reads structured config as Pulumi hands it over: keys sorted, lists in order", () => {
        assert.strictEqual(configValue({ b: 1, a: { d: [3, 1], c: 2 } }), '{"a":{"c":2,"d":[3,1]},"b":1}');
        assert.strictEqual(configValue("us-east-1"), "us-east-1");
    });

    it("orders a registry by CIDR whatever the order of its keys", () => {
        const config = { "mall:regions": JSON.stringify({ "ap-northeast-2": { cidr: "10.2.0.0/16", role: "secondary" }, "us-east-1": { cidr: "10.0.0.0/16", role: "primary" }, "us-west-2": { cidr: "10.1.0.0/16", role: "secondary" } }) };
        assert.deepStrictEqual(Object.keys(environmentRegistry(config, "production")!), ["us-east-1", "us-west-2", "ap-northeast-2"]);
    });
});
