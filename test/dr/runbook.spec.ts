import * as assert from "assert";
import * as fs from "fs";
import { DR_DOC, runbookBlock, runbookInputs, withRunbook } from "../../tools/runbook";

describe("the 3 am runbook (docs/dr.md, generated from the registry)", () => {
    it("docs/dr.md carries the generated runbook (drift test: npx ts-node --transpile-only tools/runbook.ts)", () => {
        const doc = fs.readFileSync(DR_DOC, "utf8");
        assert.strictEqual(withRunbook(doc), doc);
        assert.ok(doc.indexOf("<!-- runbook:start -->") < doc.indexOf("## What is deployed where"), "at the top");
    });

    it("reads the shipped registry: primary us-east-1, successor us-west-2, the primary's domain, and says the canaries are blind today", () => {
        assert.deepStrictEqual(runbookInputs(), { project: "mall", primary: "us-east-1", failoverOrder: ["us-west-2"], domain: "example.com", canariesReachOrigins: false });
    });

    it("works from the first successor of the order, names the later ones, and uses the deployed names", () => {
        const block = runbookBlock({ project: "shop", primary: "eu-west-1", failoverOrder: ["eu-central-1", "us-east-1"], domain: "shop.example", canariesReachOrigins: true });
        assert.match(block, /Work from \*\*eu-central-1\*\* \(the first successor; us-east-1 take over only if it is down too\)/);
        assert.ok(block.includes("aws lambda invoke --region eu-central-1 --function-name shop-eu-central-1-failover-$store"));
        assert.ok(block.includes("--alarm-names shop-eu-central-1-canary-eu-west-1 shop-eu-central-1-canary-eu-central-1 shop-eu-central-1-primary-eu-west-1-down"));
        assert.ok(block.includes("aws rds switchover-global-cluster --region eu-west-1 --global-cluster-identifier shop-aurora-global"));
        assert.ok(block.includes("--primary-replication-group-id shop-eu-west-1-cache"));
        assert.ok(!block.includes("Today the canaries cannot reach the origins"), "no caveat once the canary rows are admitted");
        assert.ok(!/us-west-2|mall-/.test(block), "nothing from the shipped registry leaks in");
    });

    it("says there is nothing to fail over to with one region", () => {
        assert.match(runbookBlock({ project: "mall", primary: "us-east-1", failoverOrder: [], domain: "example.com", canariesReachOrigins: false }), /One region: there is nothing to fail over to/);
    });
});
