/** docs/ci.md: the roles' JSON a user pastes parses, matches the workflows, and passes the pack's trust policy. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { expectClean, res, run, stackConfig, urn } from "../policy/fixtures";

const ROOT = path.resolve(__dirname, "../..");
const DOC = fs.readFileSync(path.join(ROOT, "docs", "ci.md"), "utf8");
const blocks = [...DOC.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]) as { Statement: { Sid: string; Principal?: { Federated?: string }; Condition?: { StringEquals?: Record<string, string> } }[] });
const ISSUER = "token.actions.githubusercontent.com";

describe("docs/ci.md: the CI roles", function () {
    this.timeout(60_000);
    const trusts = blocks.filter((b) => b.Statement.some((s) => s.Principal?.Federated));

    it("has the three trust policies and the preview's extra permission, each valid JSON", () => {
        assert.deepStrictEqual(trusts.map((t) => t.Statement[0].Sid), ["ProductionDeploys", "StagingDeploys", "PullRequestPreviews"]);
        assert.strictEqual(blocks.length, 4);
    });

    it("trusts each role for exactly the GitHub environment (or event) of the jobs that assume it", () => {
        const deploy = YAML.parse(fs.readFileSync(path.join(ROOT, ".github", "workflows", "deploy.yml"), "utf8")) as { jobs: Record<string, { environment?: string; steps: { uses?: string; with?: Record<string, string> }[] }> };
        const roleOf = (job: { steps: { uses?: string; with?: Record<string, string> }[] }) => job.steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials"))?.with?.["role-to-assume"];
        const environments = new Map<string, string>();
        for (const job of Object.values(deploy.jobs)) if (roleOf(job) && job.environment) environments.set(roleOf(job)!, job.environment);
        assert.deepStrictEqual(Object.fromEntries(environments), { "${{ secrets.AWS_STAGING_ROLE_ARN }}": "staging", "${{ secrets.AWS_ROLE_ARN }}": "production" });
        const sub = (sid: string) => trusts.find((t) => t.Statement[0].Sid === sid)!.Statement[0].Condition!.StringEquals![`${ISSUER}:sub`];
        assert.strictEqual(sub("ProductionDeploys"), `repo:<org>/<repo>:environment:${environments.get("${{ secrets.AWS_ROLE_ARN }}")}`);
        assert.strictEqual(sub("StagingDeploys"), `repo:<org>/<repo>:environment:${environments.get("${{ secrets.AWS_STAGING_ROLE_ARN }}")}`);
        assert.strictEqual(sub("PullRequestPreviews"), "repo:<org>/<repo>:pull_request");
        for (const t of trusts) assert.strictEqual(t.Statement[0].Condition!.StringEquals![`${ISSUER}:aud`], "sts.amazonaws.com");
    });

    it("passes the policy pack's trusted-assume-role-policies once the placeholders are filled in", async () => {
        const filled = (t: object) => JSON.stringify(t).replace(/<account>/g, "210987654321").replace(/<org>\/<repo>/g, "acme/mall-platform");
        const roles = trusts.map((t) => res("aws:iam/role:Role", t.Statement[0].Sid, { assumeRolePolicy: filled(t) }));
        const report = await run(roles, { config: { ...stackConfig(), "aws:allowedAccountIds": JSON.stringify(["210987654321"]) } });
        for (const t of trusts) expectClean(report, "trusted-assume-role-policies", urn("aws:iam/role:Role", t.Statement[0].Sid));
    });
});
