/**
 * The pipeline's own guardrails (issue "Security I", S9 and S11): actions pinned to commits, no
 * install scripts where credentials are, deploys only from main, the pack published from main,
 * and CODEOWNERS over what guards production.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { resourcePlugins } from "../../tools/plugins";

import { Job, ROOT, Step, files, stepsOf, text, workflow } from "./workflows";

/** Whether a job can reach cloud credentials: it asks for an OIDC token or configures AWS. */
const credentialed = (job: Job) => job.permissions?.["id-token"] === "write" || stepsOf(job).some((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials"));

describe("pipeline guardrails", () => {
    it("pins every action to a 40-character commit SHA, with the release it is in a comment", () => {
        let count = 0;
        for (const file of files) {
            // A local reusable workflow is this commit's own file: nothing to pin.
            for (const line of text(file).split("\n").filter((l) => /^\s*(- )?uses:/.test(l) && !/uses: \.\/\.github\/workflows\/[\w.-]+\.yml$/.test(l))) {
                count++;
                assert.match(line, /uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/, `${file}: ${line.trim()}`);
            }
        }
        assert.strictEqual(count, 29, "uses: lines of actions");
    });

    it("the pin check fails on a tag, a short SHA or a missing version comment", () => {
        const pinned = /uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/;
        for (const bad of ["uses: actions/checkout@v4", "uses: actions/checkout@11d5960", "uses: actions/checkout@11d5960a326750d5838078e36cf38b85af677262"]) assert.doesNotMatch(bad, pinned);
    });

    it("keeps the pins current through Dependabot (github-actions and npm)", () => {
        const config = YAML.parse(fs.readFileSync(path.join(ROOT, ".github", "dependabot.yml"), "utf8")) as { version: number; updates: { "package-ecosystem": string; directory: string }[] };
        assert.strictEqual(config.version, 2);
        assert.deepStrictEqual(config.updates.map((u) => `${u["package-ecosystem"]} ${u.directory}`), ["github-actions /", "npm /", "npm /policy"]);
    });

    it("publishes a pack that installs exactly what the tests ran: exact versions, the root lockfile's, shrinkwrapped", () => {
        const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { version: string }> };
        const pack = JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "package.json"), "utf8")) as { dependencies: Record<string, string> };
        const shrink = JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "npm-shrinkwrap.json"), "utf8")) as { packages: Record<string, { version?: string; dependencies?: Record<string, string> }> };
        for (const [name, version] of Object.entries(pack.dependencies)) {
            assert.strictEqual(version, lock.packages[`node_modules/${name}`].version, `${name}: the root lockfile's version, exactly`);
            assert.strictEqual(shrink.packages[`node_modules/${name}`].version, version, `${name} in policy/npm-shrinkwrap.json`);
        }
        assert.deepStrictEqual(shrink.packages[""].dependencies, pack.dependencies, "the shrinkwrap is of this package.json (cd policy && npm install --package-lock-only, renamed)");
    });

    it("keeps npm's install scripts off for everything a job with credentials or a Pulumi token installs, the pack the CLI installs included", () => {
        const tokened = (job: Job) => credentialed(job) || stepsOf(job).some((st) => Object.values(st.env ?? {}).some((v) => /secrets\.PULUMI_/.test(v)));
        let jobs = 0;
        for (const file of files) {
            for (const [name, job] of Object.entries(workflow(file).jobs).filter(([, j]) => tokened(j) && stepsOf(j).some((st) => st.run?.startsWith("npm ci")))) {
                jobs++;
                assert.strictEqual(job.env?.NPM_CONFIG_IGNORE_SCRIPTS, "true", `${file} ${name}`);
            }
        }
        assert.strictEqual(jobs, 4, "the deploy's preview and up, the pull request's preview, and the publish");
    });

    it("runs no install script in a job that can reach credentials, and installs the plugins explicitly there", () => {
        let jobs = 0;
        for (const file of files) {
            // A job calling a reusable workflow runs no step itself: the called jobs are checked in their file.
            for (const [name, job] of Object.entries(workflow(file).jobs).filter(([, j]) => credentialed(j) && j.steps)) {
                jobs++;
                const installs = stepsOf(job).filter((s) => s.run?.startsWith("npm ci"));
                assert.deepStrictEqual(installs.map((s) => s.run), ["npm ci --ignore-scripts"], `${file} ${name}`);
                const at = (pred: (s: Step) => boolean) => stepsOf(job).findIndex(pred);
                const plugins = at((s) => s.run === "npx ts-node --transpile-only tools/plugins.ts --install");
                const cli = at((s) => s.uses?.startsWith("pulumi/actions@") === true && s.with?.command === undefined);
                const credentials = at((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials") === true);
                assert.ok(cli >= 0 && cli < plugins, `${file} ${name}: the CLI is installed before the plugins`);
                assert.ok(plugins < credentials, `${file} ${name}: the plugins are installed before the credentials`);
            }
        }
        assert.strictEqual(jobs, 3, "the deploy's preview and up, and the pull request's preview");
    });

    it("lists every resource plugin the lockfile installs, at its version", () => {
        const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { version: string }> };
        const plugins = resourcePlugins(ROOT);
        assert.deepStrictEqual(plugins.map((p) => p.name), ["aws", "eks", "kafka", "kubernetes", "random"]);
        for (const p of plugins) assert.strictEqual(p.version, lock.packages[`node_modules/${p.from}`].version, p.from);
    });

    it("knows every dependency with an install script and why skipping it is safe", () => {
        // A new one fails here: check what its script does before the pipeline skips it.
        const reviewed: Record<string, string> = {
            "node_modules/@pulumi/kubernetes": "downloads the kubernetes plugin: tools/plugins.ts installs it",
            "node_modules/esbuild": "checks the platform binary, which the optional @esbuild/<platform> package already holds",
            "node_modules/protobufjs": "prints a version notice",
        };
        const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { hasInstallScript?: boolean }> };
        const scripted = Object.entries(lock.packages).filter(([, p]) => p.hasInstallScript).map(([k]) => k).sort();
        assert.deepStrictEqual(scripted, Object.keys(reviewed).sort());
    });

    it("gives pull-request code a read-only Pulumi token of its own, never the deploy token", () => {
        const pr = text("pull-request.yml");
        assert.doesNotMatch(pr, /secrets\.PULUMI_ACCESS_TOKEN/);
        assert.match(pr, /PULUMI_ACCESS_TOKEN: \$\{\{ secrets\.PULUMI_PREVIEW_TOKEN \}\}/);
        assert.match(text("deploy-stack.yml"), /PULUMI_ACCESS_TOKEN: \$\{\{ secrets\.PULUMI_ACCESS_TOKEN \}\}/);
    });

    it("gives an OIDC token only to the jobs that deploy or preview, not to the workflow", () => {
        for (const file of files) {
            const wf = workflow(file);
            assert.notStrictEqual(wf.permissions?.["id-token"], "write", `${file}: workflow-level id-token`);
        }
        const deploy = workflow("deploy.yml");
        const withToken = Object.entries(deploy.jobs).filter(([, j]) => j.permissions?.["id-token"] === "write").map(([n]) => n);
        assert.deepStrictEqual(withToken, ["staging-primary", "staging-secondaries", "primary", "secondaries"]);
        const called = workflow("deploy-stack.yml");
        assert.strictEqual(called.permissions?.["id-token"], undefined);
        assert.deepStrictEqual(Object.entries(called.jobs).filter(([, j]) => j.permissions?.["id-token"] === "write").map(([n]) => n), ["preview", "up"]);
    });

    it("deploys only main: a manual run of another branch skips every job", () => {
        const deploy = workflow("deploy.yml");
        assert.deepStrictEqual(Object.keys(deploy.on).sort(), ["push", "workflow_dispatch"]);
        assert.deepStrictEqual((deploy.on.push as { branches: string[] }).branches, ["main"]);
        for (const [name, job] of Object.entries(deploy.jobs)) {
            assert.ok(job.if?.replace(/^\$\{\{\s*/, "").startsWith("github.ref == 'refs/heads/main' && ") || job.if === "github.ref == 'refs/heads/main'", `${name}: if: ${job.if}`);
        }
    });

    it("publishes the policy pack from main after the tests, to the stacks' Pulumi organization", () => {
        const job = workflow("deploy.yml").jobs["publish-policy"];
        assert.strictEqual(job.needs, "test");
        assert.strictEqual(job.if, "github.ref == 'refs/heads/main'");
        const publish = stepsOf(job).find((s) => s.name === "pulumi policy publish")!;
        assert.strictEqual(publish["working-directory"], "policy");
        // each run its own version: Pulumi Cloud refuses to publish a version twice
        assert.deepStrictEqual(publish.run?.trim().split("\n"), ['npm version "0.${GITHUB_RUN_NUMBER}.${GITHUB_RUN_ATTEMPT}" --no-git-tag-version --allow-same-version', 'pulumi policy publish "$ORG"']);
        assert.strictEqual(publish.env?.ORG, "${{ fromJSON(needs.test.outputs.stacks).org }}");
    });
});

/** The owners of `file` under CODEOWNERS: the last matching rule wins (gitignore-style, anchored patterns). */
function ownersOf(rules: readonly { pattern: string; owners: string[] }[], file: string): string[] {
    let owners: string[] = [];
    for (const { pattern, owners: o } of rules) {
        assert.ok(pattern.startsWith("/"), `anchor ${pattern}`);
        const body = pattern.slice(1).replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*");
        const re = pattern.endsWith("/") ? new RegExp(`^${body}`) : new RegExp(`^${body}$`);
        if (re.test(file)) owners = o;
    }
    return owners;
}

describe("CODEOWNERS", () => {
    const rules = fs
        .readFileSync(path.join(ROOT, ".github", "CODEOWNERS"), "utf8")
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith("#"))
        .map((l) => {
            const [pattern, ...owners] = l.split(/\s+/);
            return { pattern, owners };
        });
    // The team is written once per rule in CODEOWNERS; renaming it (README) renames it everywhere.
    const SECURITY = rules.find((r) => r.pattern === "/policy/")!.owners[0];

    it("puts the pack, the workflows, the stack files and the shared components under security review", () => {
        const guarded = [
            "policy/index.ts",
            "policy/lib/iamdoc.ts",
            ".github/workflows/deploy.yml",
            ".github/CODEOWNERS",
            ".github/dependabot.yml",
            "Pulumi.yaml",
            "components/common/kms.ts",
            "package-lock.json",
            ".ci/run",
            "components/eks/admission-plan.ts",
            "components/eks/network-policy-plan.ts",
            "components/eks/workloads-plan.ts",
            "tools/plugins.ts",
            "components/eks/platform.ts",
            "components/eks/services.ts",
            "tools/approval.ts",
            "tools/stacks.ts",
            "tools/plan/mocks.ts",
            "components/cicd/plan.ts",
            "stacks/region.ts",
            "stacks/settings/cicd.ts",
            "docs/ci.md",
            ".pulumi.version",
            "test/workflows/pipeline.spec.ts",
            // The data protection and detection controls (Security II): locks, archives, backups, baseline.
            "components/security/detection.ts",
            "components/backup/backup.ts",
            "components/dr/automation.ts",
            "lambdas/audit-export/core.ts",
            "stacks/settings/security.ts",
            "stacks/settings/baseline.ts",
            "tools/pin-digests.ts",
            // Who decrypts what and the credentials (S6, S5, S7): a widened key user or ACL, or rotation code that logs a password, is a security change.
            "components/data/key-users.ts",
            "components/data/keys.ts",
            "components/data/cache-users.ts",
            "components/data/secrets.ts",
            "components/eks/iam-plan.ts",
            "components/network/flows.ts",
            "tools/reachability/check.ts",
            "lambdas/rotation/core.ts",
            "lambdas/common/connect.ts",
            "test/security/key-users.spec.ts",
            ...fs.readdirSync(ROOT).filter((f) => /^Pulumi\..+\.yaml$/.test(f)),
        ];
        for (const file of guarded) assert.deepStrictEqual(ownersOf(rules, file), [SECURITY], file);
        assert.match(SECURITY, /^@[\w.-]+\/[\w.-]+$/);
        assert.deepStrictEqual([...new Set(rules.flatMap((r) => r.owners))], [SECURITY], "one team owns every rule");
    });

    it("leaves the rest to the default review (the matcher can tell them apart)", () => {
        for (const file of ["components/data/aurora.ts", "components/eks/karpenter.ts", "README.md", "test/policy/network.spec.ts", "policyx/index.ts"]) assert.deepStrictEqual(ownersOf(rules, file), [], file);
    });
});

describe("workflow runtime", () => {
    const FIXTURES = path.join(ROOT, "test", "fixtures", "actions");

    it("gives every action step only inputs its pinned release declares (action.yml vendored per release in test/fixtures/actions)", () => {
        let steps = 0;
        for (const file of files) {
            const lines = text(file).split("\n");
            for (const [name, job] of Object.entries(workflow(file).jobs)) {
                for (const step of stepsOf(job).filter((s) => s.uses && !s.uses.startsWith("./"))) {
                    const [action, sha] = step.uses!.split("@");
                    const line = lines.find((l) => l.includes(`uses: ${action}@${sha}`))!;
                    const version = /# (v\d+\.\d+\.\d+)$/.exec(line)![1];
                    const fixture = path.join(FIXTURES, `${action.replace("/", "__")}@${version}.action.yml`);
                    assert.ok(fs.existsSync(fixture), `${file} ${name}: no vendored action.yml for ${action} ${version}`);
                    const declared = YAML.parse(fs.readFileSync(fixture, "utf8")) as { inputs?: Record<string, unknown>; runs: { using: string } };
                    for (const key of Object.keys(step.with ?? {})) assert.ok(key in (declared.inputs ?? {}), `${file} ${name}: ${action} ${version} has no input ${key}`);
                    assert.strictEqual(declared.runs.using, "node24", `${action} ${version} runs on ${declared.runs.using}`);
                    steps++;
                }
            }
        }
        assert.strictEqual(steps, 29, "action steps in the three workflows");
    });

    it("runs Node 22 and the Pulumi CLI the lockfile's SDK was released with", () => {
        const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { version: string }> };
        assert.strictEqual(fs.readFileSync(path.join(ROOT, ".pulumi.version"), "utf8").trim(), lock.packages["node_modules/@pulumi/pulumi"].version);
        for (const file of files) {
            for (const [name, job] of Object.entries(workflow(file).jobs)) {
                for (const step of stepsOf(job)) {
                    if (step.uses?.startsWith("actions/setup-node@")) assert.strictEqual(step.with?.["node-version"], 22, `${file} ${name}`);
                    if (step.uses?.startsWith("pulumi/actions@")) assert.strictEqual(step.with?.["pulumi-version-file"], ".pulumi.version", `${file} ${name}`);
                }
            }
        }
    });

    it("still plans a fork's pull request: the summary goes to the job summary, the comment only for same-repository ones and never fails the job", () => {
        const steps = stepsOf(workflow("pull-request.yml").jobs.plan);
        const summary = steps.find((st) => st.name === "The plan in the job summary")!;
        assert.strictEqual(summary.run, 'cat .plan/summary.md >> "$GITHUB_STEP_SUMMARY"');
        const comment = steps.find((st) => st.uses?.startsWith("marocchino/sticky-pull-request-comment@"))!;
        assert.match(String(comment.if), /github\.event\.pull_request\.head\.repo\.full_name == github\.repository/);
        assert.strictEqual(comment["continue-on-error"], true);
        assert.strictEqual(steps.at(-1)!.name, "Fail on a mandatory policy violation, a protected loss or a program error");
        // A job that fails before the plan writes its summary still replaces the last comment.
        const didNotRun = steps.find((st) => st.name === "The plan did not run")!;
        assert.strictEqual(didNotRun.if, "always() && hashFiles('.plan/summary.md') == ''");
        assert.match(String(didNotRun.run), /the plan did not run/);
        assert.ok(steps.indexOf(didNotRun) < steps.indexOf(comment));
    });

    it("creates a stack the deploy reaches before it exists (upsert)", () => {
        const ups = files.flatMap((file) => Object.values(workflow(file).jobs).flatMap((j) => stepsOf(j).filter((st) => st.with?.command === "up")));
        assert.strictEqual(ups.length, 1, "deploy-stack.yml's, which every stack's deploy calls");
        for (const st of ups) assert.strictEqual(st.with?.upsert, true);
    });
});
