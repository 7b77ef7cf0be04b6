/** The offline plan runs each stack in its own account (aws:allowedAccountIds), so a stack file with the real account plans green. */
import * as assert from "assert";
import * as path from "path";
import { MOCK_ACCOUNT_ID, PlanMocks, planAccountId } from "../../tools/plan/mocks";
import { plan } from "../../tools/plan/plan";

describe("the plan's account", function () {
    this.timeout(180_000);

    it("is the first of aws:allowedAccountIds, else the placeholder", () => {
        assert.strictEqual(planAccountId('["111122223333"]'), "111122223333");
        assert.strictEqual(planAccountId('["111122223333","444455556666"]'), "111122223333");
        assert.strictEqual(planAccountId(undefined), MOCK_ACCOUNT_ID);
        assert.strictEqual(planAccountId("[]"), MOCK_ACCOUNT_ID);
        assert.strictEqual(planAccountId('["1111"]'), MOCK_ACCOUNT_ID);
        assert.strictEqual(planAccountId("not json"), MOCK_ACCOUNT_ID);
    });

    it("names that account in the caller identity and in every ARN the mocks make", () => {
        const m = new PlanMocks({ stack: "us-east-1", region: "us-east-1", accountId: "111122223333", stackOutputs: new Map() });
        const id = m.call({ token: "aws:index/getCallerIdentity:getCallerIdentity", inputs: {}, provider: "" } as never) as Record<string, string>;
        assert.deepStrictEqual(id, { accountId: "111122223333", arn: "arn:aws:iam::111122223333:user/offline-plan", userId: "AIDAOFFLINEPLAN", id: "111122223333" });
        const role = m.newResource({ type: "aws:iam/role:Role", name: "r", inputs: { name: "mall-r" }, custom: true } as never);
        assert.strictEqual(role.state.arn, "arn:aws:iam::111122223333:role/mall-r");
        const topic = m.newResource({ type: "aws:sns/topic:Topic", name: "t", inputs: { name: "mall-t" }, custom: true } as never);
        assert.strictEqual(topic.state.arn, "arn:aws:sns:us-east-1:111122223333:mall-t");
    });

    it("plans production green with a real account in the stack files: no trust names the documentation account", async () => {
        const account = { "aws:allowedAccountIds": '["111122223333"]' };
        const result = await plan({ dir: path.resolve(__dirname, "../.."), environment: "production", overrides: { "us-east-1": account, "us-west-2": account } });
        assert.strictEqual(result.failure, undefined, result.failure?.error.message);
        for (const s of result.stacks) {
            const mandatory = s.policy.diagnostics.filter((d) => d.level === "mandatory");
            assert.deepStrictEqual(mandatory.map((d) => d.message), [], s.stack);
            // (The deploy runner's roles and GitHub connection still name the placeholder: they are config values a real stack file sets too.)
            const text = JSON.stringify(s.resources);
            assert.ok(text.includes(`-static-assets-111122223333`), `${s.stack}: bucket names carry the account`);
            const roles = s.resources.filter((r) => r.type === "aws:iam/role:Role").map((r) => String(r.inputs.assumeRolePolicy));
            assert.deepStrictEqual(roles.filter((t) => t.includes("arn:aws:iam::123456789012:root")), [], `${s.stack}: trusts of the stack's own account`);
        }
    });
});
