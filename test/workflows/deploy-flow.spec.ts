/**
 * The deploy workflow's shape (issue "CI/CD"): each stack is preview → approval → up, with a
 * read-only role and token before the approval and the environment's deploy role and token after
 * it; stacks deploy in the order the plan prints; calls give the called workflow what it declares.
 */
import * as assert from "assert";
import * as path from "path";
import { PlanDiff, redeployPlan } from "../../tools/plan/diff";
import { Project, loadProject, planOrder } from "../../tools/plan/stacks";
import { Job, Workflow, calledFile, deploySequence, files, needsOf, roleOf, stepsOf, workflow } from "./workflows";

const project = loadProject(path.resolve(__dirname, "../.."));
const deploy = workflow("deploy.yml");
const stackFlow = workflow("deploy-stack.yml");

describe("deploy: preview, approval, up", () => {
    const { preview, up } = stackFlow.jobs;

    it("is a reusable workflow nothing else can trigger", () => {
        assert.deepStrictEqual(Object.keys(stackFlow.on), ["workflow_call"]);
        assert.deepStrictEqual(Object.keys(stackFlow.jobs), ["preview", "up"]);
    });

    it("previews in the reviewer-less `preview` environment, so before any approval, with the read-only role and token", () => {
        assert.strictEqual(preview.environment, "preview");
        assert.strictEqual(roleOf(preview), "${{ inputs.environment == 'staging' && secrets.AWS_STAGING_PREVIEW_ROLE_ARN || secrets.AWS_PREVIEW_ROLE_ARN }}");
        const step = stepsOf(preview).find((s) => s.id === "preview")!;
        assert.strictEqual(step.env?.PULUMI_ACCESS_TOKEN, "${{ secrets.PULUMI_PREVIEW_TOKEN }}");
        assert.match(String(step.run), /^pulumi preview --stack "\$ORG\/\$STACK" --policy-pack policy --json --non-interactive > preview\.json \|\| status=\$\?$/m);
        // what the approvers read, in the job summary; the change set is the job's output
        assert.match(String(step.run), /tools\/approval\.ts record preview\.json --stack "\$STACK" --out change-set\.json --preview-exit "\$status" >> "\$GITHUB_STEP_SUMMARY"/);
        assert.strictEqual(preview.outputs?.changes, "${{ steps.preview.outputs.changes }}");
        assert.doesNotMatch(JSON.stringify(preview), /PULUMI_ACCESS_TOKEN \}\}|AWS_DEPLOY_ROLE_ARN/);
    });

    it("ups after the preview, in the approving environment, with its deploy role and token, only the approved change set", () => {
        assert.deepStrictEqual(needsOf(up), ["preview"]);
        assert.strictEqual(up.environment, "${{ inputs.environment }}");
        assert.strictEqual(roleOf(up), "${{ secrets.AWS_DEPLOY_ROLE_ARN }}");
        const steps = stepsOf(up);
        const verify = steps.findIndex((s) => s.name === "The change set is still the approved one");
        const apply = steps.findIndex((s) => s.with?.command === "up");
        assert.ok(verify >= 0 && apply === steps.length - 1 && verify === apply - 1, "the check runs right before up");
        assert.strictEqual(steps[verify].env?.APPROVED, "${{ needs.preview.outputs.changes }}");
        assert.match(String(steps[verify].run), /tools\/approval\.ts verify preview\.json --approved-env APPROVED/);
        assert.strictEqual(steps[verify].env?.PULUMI_ACCESS_TOKEN, "${{ secrets.PULUMI_ACCESS_TOKEN }}");
        assert.strictEqual(steps[apply].env?.PULUMI_ACCESS_TOKEN, "${{ secrets.PULUMI_ACCESS_TOKEN }}");
        assert.strictEqual(steps[apply].with?.["stack-name"], "${{ inputs.org }}/${{ inputs.stack }}");
    });

    it("runs both on the stack's in-VPC deploy runner", () => {
        for (const job of [preview, up]) assert.strictEqual(job["runs-on"], "codebuild-${{ inputs.runner }}-${{ github.run_id }}-${{ github.run_attempt }}");
        // The runner's webhook admits the workflow named "deploy": a called workflow runs under its caller's name.
        assert.strictEqual(deploy.name, "deploy");
    });

    it("every call gives the called workflow exactly its declared inputs, the required ones included", () => {
        let calls = 0;
        for (const file of files) {
            for (const [name, job] of Object.entries(workflow(file).jobs).filter(([, j]) => j.uses?.startsWith("./"))) {
                const called = workflow(calledFile(job)!);
                const declared = (called.on.workflow_call as { inputs: Record<string, { required?: boolean }> }).inputs;
                assert.deepStrictEqual(Object.keys(job.with ?? {}).sort(), Object.keys(declared).sort(), `${file} ${name}`);
                assert.strictEqual(job.secrets, undefined, `${file} ${name}: the called jobs read their environments' secrets, nothing from the caller`);
                assert.strictEqual(job.permissions?.["id-token"], "write", `${file} ${name}: the called jobs' OIDC token`);
                calls++;
            }
        }
        assert.strictEqual(calls, 4);
    });
});

describe("deploy: the order", () => {
    /** The order `tools/plan-compare.ts --base` prints when every stack changed (tools/plan/diff.ts redeployPlan). */
    const printed = (p: Project) => {
        const diff: PlanDiff = { stacks: p.stacks.map((s) => ({ stack: s.stack, added: ["x"], removed: [], changed: [], replaced: [], protectedLost: [] })), onlyInBase: [], onlyInHead: [] };
        return redeployPlan(diff, planOrder(p).map((s) => s.stack)).deploy.map((s) => s.stack);
    };

    it("deploys every stack once, each environment in the order the plan prints, staging before production", () => {
        const sequence = deploySequence(deploy, project);
        assert.deepStrictEqual(sequence.map((s) => s.stack), ["staging-us-east-1", "staging-us-west-2", "us-east-1", "us-west-2"]);
        for (const environment of ["staging", "production"]) {
            const ofEnvironment = (stacks: string[]) => stacks.filter((s) => project.stacks.find((f) => f.stack === s)!.environment === environment);
            assert.deepStrictEqual(ofEnvironment(sequence.map((s) => s.stack)), ofEnvironment(printed(project)), environment);
        }
    });

    it("keeps that order for a third region (secondaries one at a time, each after the ones it reads)", () => {
        const third = structuredClone(project.stacks.find((s) => s.stack === "us-west-2")!);
        const added = { ...third, stack: "ap-northeast-2", file: "Pulumi.ap-northeast-2.yaml", dependsOn: ["us-east-1", "us-west-2"], config: { ...third.config, "aws:region": "ap-northeast-2" } };
        const bigger: Project = { ...project, stacks: [...project.stacks, added] };
        const sequence = deploySequence(deploy, bigger).filter((s) => s.environment === "production").map((s) => s.stack);
        assert.deepStrictEqual(sequence, ["us-east-1", "us-west-2", "ap-northeast-2"]);
        assert.deepStrictEqual(sequence, printed(bigger).filter((s) => !s.startsWith("staging-")));
    });

    it("the order check fails on a parallel matrix, a secondary before its primary, or a staging list deployed as production", () => {
        const mutate = (f: (jobs: Record<string, Job>) => void): Workflow => {
            const copy = structuredClone(deploy) as Workflow;
            f(copy.jobs);
            return copy;
        };
        const bigger: Project = { ...project, stacks: [...project.stacks, { ...structuredClone(project.stacks.find((s) => s.stack === "us-west-2")!), stack: "ap-northeast-2", dependsOn: ["us-east-1", "us-west-2"] }] };
        assert.throws(() => deploySequence(mutate((j) => delete (j.secondaries.strategy as { "max-parallel"?: number })["max-parallel"]), bigger), /secondaries: us-west-2, ap-northeast-2 deploy in parallel/);
        assert.throws(() => deploySequence(mutate((j) => ((j.secondaries as { needs: string[] }).needs = ["test"])), project), /run at the same time/);
        assert.throws(() => deploySequence(mutate((j) => ((j.primary.with as Record<string, string>).environment = "staging")), project), /primary: stacks of production deployed under environment staging/);
    });
});
