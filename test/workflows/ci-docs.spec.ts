/** docs/ci.md: the roles' JSON a user pastes parses, matches the workflows, and passes the pack's trust policy. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { expectClean, res, run, stackConfig, urn } from "../policy/fixtures";
import { calledFile, files, roleOf, text, workflow } from "./workflows";

const ROOT = path.resolve(__dirname, "../..");
const DOC = fs.readFileSync(path.join(ROOT, "docs", "ci.md"), "utf8");
const blocks = [...DOC.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]) as { Statement: { Sid: string; Principal?: { Federated?: string }; Condition?: { StringEquals?: Record<string, string | string[]> } }[] });
const ISSUER = "token.actions.githubusercontent.com";

describe("docs/ci.md: the CI roles", function () {
    this.timeout(60_000);
    const trusts = blocks.filter((b) => b.Statement.some((s) => s.Principal?.Federated));

    it("has the three trust policies and the preview's extra permission, each valid JSON", () => {
        assert.deepStrictEqual(trusts.map((t) => t.Statement[0].Sid), ["ProductionDeploys", "StagingDeploys", "PullRequestPreviews"]);
        assert.strictEqual(blocks.length, 4);
    });

    it("trusts each role for exactly the GitHub environment of the jobs that assume it", () => {
        const called = workflow("deploy-stack.yml");
        const pr = workflow("pull-request.yml");
        const deploy = workflow("deploy.yml");
        const statements = trusts.flatMap((t) => t.Statement);
        const sub = (sid: string) => statements.find((st) => st.Sid === sid)!.Condition!.StringEquals![`${ISSUER}:sub`];
        const REPO = "repo:<owner>@<owner-id>/<repo>@<repo-id>";
        // The deploy role: only the up job, which runs in the environment its caller names; both environments call it.
        assert.strictEqual(roleOf(called.jobs.up), "${{ secrets.AWS_DEPLOY_ROLE_ARN }}");
        assert.strictEqual(called.jobs.up.environment, "${{ inputs.environment }}");
        const environments = [...new Set(Object.values(deploy.jobs).filter((j) => calledFile(j) === "deploy-stack.yml").map((j) => String(j.with?.environment)))].sort();
        assert.deepStrictEqual(environments, ["production", "staging"]);
        assert.strictEqual(sub("ProductionDeploys"), `${REPO}:environment:production`);
        assert.strictEqual(sub("StagingDeploys"), `${REPO}:environment:staging`);
        // The preview role: a pull request's job and the deploy's preview, each in its own environment.
        assert.strictEqual(roleOf(pr.jobs.preview), "${{ secrets.AWS_PREVIEW_ROLE_ARN }}");
        assert.strictEqual(pr.jobs.preview.environment, "pull-request");
        assert.match(String(roleOf(called.jobs.preview)), /secrets\.AWS_PREVIEW_ROLE_ARN \}\}$/);
        assert.strictEqual(called.jobs.preview.environment, "preview");
        assert.strictEqual(sub("PullRequestPreviews"), `${REPO}:environment:pull-request`);
        assert.strictEqual(sub("DeployPreviews"), `${REPO}:environment:preview`);
        assert.deepStrictEqual(statements.map((st) => st.Sid), ["ProductionDeploys", "StagingDeploys", "PullRequestPreviews", "DeployPreviews"]);
        for (const st of statements) assert.strictEqual(st.Condition!.StringEquals![`${ISSUER}:aud`], "sts.amazonaws.com");
        // Every job that assumes a role, or holds a Pulumi token, does so in an environment: no repository secret exists.
        for (const file of files) {
            for (const [name, job] of Object.entries(workflow(file).jobs)) {
                if (JSON.stringify(job).includes("secrets.")) assert.ok(job.environment, `${file} ${name} reads secrets outside an environment`);
            }
        }
    });

    it("its table names every secret the workflows read (and no other)", () => {
        const read = new Set(files.flatMap((f) => [...text(f).matchAll(/secrets\.([A-Z_]+)/g)].map((m) => m[1])));
        // the table at the top: who holds which secret
        const table = DOC.split("\n").filter((l) => l.startsWith("|")).join("\n");
        const documented = new Set([...table.matchAll(/`((?:AWS|PULUMI)_[A-Z_]+)`/g)].map((m) => m[1]));
        assert.deepStrictEqual([...documented].filter((s) => !read.has(s)), [], "documented, never read");
        assert.deepStrictEqual([...read].filter((s) => !documented.has(s)), [], "read, never documented");
    });

    it("passes the policy pack's trusted-assume-role-policies once the placeholders are filled in", async () => {
        const filled = (t: object) => JSON.stringify(t).replace(/<account>/g, "210987654321").replace(/<owner>@<owner-id>\/<repo>@<repo-id>/g, "acme@1234567/mall-platform@7654321");
        const roles = trusts.map((t) => res("aws:iam/role:Role", t.Statement[0].Sid, { assumeRolePolicy: filled(t) }));
        const report = await run(roles, { config: { ...stackConfig(), "aws:allowedAccountIds": JSON.stringify(["210987654321"]) } });
        for (const t of trusts) expectClean(report, "trusted-assume-role-policies", urn("aws:iam/role:Role", t.Statement[0].Sid));
    });
});
