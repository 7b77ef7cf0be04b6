import * as assert from "assert";
import * as fs from "fs";
import { DR_DOC, runbookBlock, runbookInputs, withRunbook } from "../../tools/runbook";
import { REGISTRY } from "../registry";

describe("the 3 am runbook (docs/dr.md, generated from the registry)", () => {
    it("docs/dr.md carries the generated runbook (drift test: npx ts-node --transpile-only tools/runbook.ts)", () => {
        const doc = fs.readFileSync(DR_DOC, "utf8");
        assert.strictEqual(withRunbook(doc), doc);
        assert.ok(doc.indexOf("<!-- runbook:start -->") < doc.indexOf("## What is deployed where"), "at the top");
    });

    it("reads the registry: the primary, the failover order, the primary's domain", () => {
        assert.deepStrictEqual(runbookInputs(), { project: "mall", primary: REGISTRY.primary, failoverOrder: REGISTRY.failoverOrder, domain: "example.com" });
        assert.deepStrictEqual(REGISTRY.failoverOrder, REGISTRY.secondaries, "the shipped stacks keep the default order");
    });

    it("works from the first successor of the order, names the later ones, and uses the deployed names: the pair's Region switch plan, the probe, the function", () => {
        const block = runbookBlock({ project: "shop", primary: "eu-west-1", failoverOrder: ["eu-central-1", "us-east-1"], domain: "shop.example" });
        assert.match(block, /Work from \*\*eu-central-1\*\* \(the first successor; us-east-1 take over only if it is unreachable too\)/);
        assert.ok(block.includes(`PLAN=$(aws arc-region-switch list-plans-in-region --region eu-central-1 --query "plans[?name=='shop-eu-west-1-eu-central-1'].arn" --output text)`));
        assert.ok(block.includes(`aws arc-region-switch start-plan-execution --region eu-central-1 --plan-arn "$PLAN" --target-region eu-central-1 --action activate --mode ungraceful`));
        assert.ok(block.includes(`aws arc-region-switch start-plan-execution --region eu-west-1 --plan-arn "$PLAN" --target-region eu-west-1 --action activate --mode graceful`));
        assert.ok(!block.includes("list-plans --"), "nothing in the runbook calls the control plane (us-east-1)");
        assert.ok(block.includes("aws lambda invoke --region eu-central-1 --function-name shop-eu-central-1-failover-elasticache"));
        assert.ok(block.includes("--alarm-names shop-eu-central-1-canary-eu-west-1 shop-eu-central-1-canary-eu-central-1"));
        assert.ok(block.includes("--alarm-names shop-eu-central-1-primary-eu-west-1-down"));
        assert.ok(block.includes('curl -s https://mall.shop.example/probe/eu-west-1/alive   # "alive eu-west-1"'));
        assert.ok(block.includes("--replication-group-id shop-eu-central-1-cache"));
        assert.ok(!/us-west-2|mall-/.test(block), "nothing from the shipped registry leaks in");
    });

    it("says there is nothing to fail over to with one region", () => {
        assert.match(runbookBlock({ project: "mall", primary: "us-east-1", failoverOrder: [], domain: "example.com" }), /One region: there is nothing to fail over to/);
    });
});
