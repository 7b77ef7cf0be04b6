import * as assert from "assert";
import { REGISTRY, productionPlan } from "../registry";
import { PlanResult, StackResult, plan } from "../../tools/plan/plan";

const RECORD = "aws:route53/record:Record";
const stack = (r: PlanResult, name: string): StackResult => {
    const s = r.stacks.find((x) => x.stack === name);
    assert.ok(s, `${name} was not planned${r.failure ? `: ${r.failure.error.message}` : ""}`);
    return s;
};
const records = (s: StackResult) => s.resources.filter((r) => r.type === RECORD && !r.name.includes("validation")).map((r) => `${r.name} ${r.inputs.name}`).sort();

describe("edge across stacks", () => {
    let base: PlanResult;
    before(async () => {
        base = await productionPlan();
    });

    it("the primary owns the edge; the secondary only its ingress, in the primary's zone", () => {
        const east = stack(base, "us-east-1");
        const west = stack(base, "us-west-2");
        assert.strictEqual(east.resources.filter((r) => r.type === "mall:edge:EdgeStack").length, 1);
        assert.strictEqual(west.resources.filter((r) => r.type === "mall:edge:EdgeStack").length, 0);
        assert.strictEqual(west.resources.filter((r) => r.type === "aws:cloudfront/distribution:Distribution").length, 0);
        const zoneId = east.outputs.hostedZoneId;
        assert.match(String(zoneId), /^Z[0-9A-F]{20}$/);
        assert.ok(west.resources.filter((r) => r.type === RECORD).every((r) => r.inputs.zoneId === zoneId));
        assert.deepStrictEqual(records(west), ["ingress-latency-record api-internal.example.com", "ingress-probe-record probe-us-west-2.example.com", "ingress-regional-record api-us-west-2.example.com"]);
    });

    it("has one latency record with a health check per region", () => {
        const latency = base.stacks.flatMap((s) => s.resources.filter((r) => r.type === RECORD && r.inputs.latencyRoutingPolicies));
        assert.deepStrictEqual(
            latency.map((r) => [r.inputs.setIdentifier, r.inputs.latencyRoutingPolicies, typeof r.inputs.healthCheckId]),
            REGISTRY.regions.map((region) => [region, [{ region }], "string"]),
        );
    });

    it("evacuating the secondary changes only the secondary's DNS records", async () => {
        const evacuated = await plan({ skipPolicy: true, environment: "production", overrides: { "us-west-2": { "mall:evacuate": "true" } } });
        assert.deepStrictEqual(stack(evacuated, "us-east-1").resources, stack(base, "us-east-1").resources);
        const west = stack(evacuated, "us-west-2");
        assert.deepStrictEqual(records(west), ["ingress-probe-record probe-us-west-2.example.com", "ingress-regional-record api-us-west-2.example.com"]);
        const regional = west.resources.find((r) => r.name === "ingress-regional-record")!;
        assert.deepStrictEqual((regional.inputs.aliases as { name: string }[])[0].name, "api-internal.example.com");
        assert.strictEqual(west.outputs.evacuated, true);
    });

    it("evacuating the primary works from the primary's stack alone; the origin group is unchanged", async () => {
        const evacuated = await plan({ skipPolicy: true, environment: "production", overrides: { "us-east-1": { "mall:evacuate": "true" } } });
        const east = stack(evacuated, "us-east-1");
        assert.ok(!records(east).some((r) => r.startsWith("ingress-latency-record")));
        const cdn = (s: StackResult) => s.resources.find((r) => r.type === "aws:cloudfront/distribution:Distribution")!.inputs;
        assert.deepStrictEqual(cdn(east), cdn(stack(base, "us-east-1")));
        assert.deepStrictEqual(records(stack(evacuated, "us-west-2")), records(stack(base, "us-west-2")));
    });
});
