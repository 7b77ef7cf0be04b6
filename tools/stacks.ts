/**
 * `npx ts-node tools/stacks.ts [--json] [--deploy] [--environment <env> [--if-present]]`: one environment's stacks
 * (production by default) in deploy order (primary first), from the stack files and their
 * references. The deploy workflow builds its job matrix from it, so adding a region needs no
 * workflow change, and a staging stack never lands in production's matrix (nor under its
 * `production` approval). `--if-present` answers an empty list for an environment with no stack
 * files (the deploy workflow's staging jobs then skip) instead of failing.
 *
 * The Pulumi organization is written once, in the secondaries' mall:primaryStack (org/project/
 * stack). The shipped files name the placeholder org "organization": with `--deploy`, or whenever a
 * Pulumi Cloud token is present, that is refused (exit 1), so CI never deploys into an org nobody owns.
 */
import { runnerProjectName } from "../components/cicd/plan";
import { PLACEHOLDER_ACCOUNT_ID, PLACEHOLDER_ORG } from "../stacks/settings/placeholders";
import { PRODUCTION, namePrefix } from "../stacks/settings/registry";
import { Project, environmentsOf, loadProject, planOrder } from "./plan/stacks";

export interface CiStacks {
    readonly environment: string;
    readonly org: string;
    readonly order: string[];
    readonly primaries: string[];
    readonly secondaries: string[];
    /** Per stack, the CodeBuild projects of its in-VPC runners: a job's `runs-on` is `codebuild-<project>-<run id>-<attempt>`. */
    readonly runners: Record<string, { readonly deploy: string; readonly preview: string }>;
    /** Per stack, its AWS region (`aws:region`): the credentials' region (a stack name is not one outside production). */
    readonly regions: Record<string, string>;
    /**
     * The stacks a pull request can preview for real: those with an in-VPC runner, once the stack
     * files name a real Pulumi org and AWS account (none while they hold the shipped placeholders,
     * so a repository without the CI roles skips previews instead of failing them).
     */
    readonly previewable: string[];
}

/** The CI's view of the project; throws when a deploy would target the placeholder org. */
export function ciStacks(project: Project, opts: { readonly deploy: boolean; readonly environment?: string; readonly ifPresent?: boolean }): CiStacks {
    const environment = opts.environment ?? PRODUCTION;
    const known = environmentsOf(project);
    if (!known.includes(environment) && opts.ifPresent) return { environment, org: "", order: [], primaries: [], secondaries: [], runners: {}, regions: {}, previewable: [] };
    if (!known.includes(environment)) throw new Error(`no stack of environment "${environment}" (mall:environment in a Pulumi.<stack>.yaml); environments: ${known.join(", ")}`);
    const stacks = project.stacks.filter((s) => s.environment === environment);
    const order = planOrder(project).filter((s) => s.environment === environment);
    const key = `${project.name}:primaryStack`;
    const org = stacks.map((s) => s.config[key]).find(Boolean)?.split("/")[0] ?? PLACEHOLDER_ORG;
    const bootstrapped = stacks.filter((s) => s.config[`${project.name}:deployPhase`] === "bootstrap");
    if (opts.deploy && bootstrapped.length > 0) {
        throw new Error(
            `${bootstrapped.map((s) => s.file).join(", ")} still set${bootstrapped.length === 1 ? "s" : ""} mall:deployPhase: bootstrap (a workstation-only first run that opens the EKS API to its CIDRs); remove it (pulumi config rm mall:deployPhase -s <stack>) before deploying from CI`,
        );
    }
    // A CI job waits for its stack's in-VPC runner; one that is never created would queue for a day.
    const runnerless = stacks.filter((s) => s.config[`${project.name}:deployRunner`] === undefined);
    if (opts.deploy && runnerless.length > 0) {
        throw new Error(
            `${runnerless.map((s) => s.file).join(", ")} set${runnerless.length === 1 ? "s" : ""} no mall:deployRunner: CI deploys run on the stack's in-VPC runner (the EKS API is private); ` +
                `configure it (README "Deploying for real") or deploy that stack from a workstation`,
        );
    }
    if (opts.deploy && org === PLACEHOLDER_ORG) {
        const secondaries = stacks.filter((s) => s.config[key]).map((s) => s.file);
        throw new Error(
            `the Pulumi organization is the placeholder "${PLACEHOLDER_ORG}" (${key} in ${secondaries.join(", ") || "no stack file"}); ` +
                `set your org in every secondary: pulumi config set ${key} <your org>/${project.name}/${order[0]?.stack ?? "<primary>"} -s <secondary>`,
        );
    }
    const placeholderAccount = stacks.some((s) => (s.config["aws:allowedAccountIds"] ?? "").includes(PLACEHOLDER_ACCOUNT_ID));
    // Only stacks with an in-VPC runner get one (a job waiting for a runner that never exists would
    // queue for a day instead of failing).
    const withRunner = order.filter((s) => s.config[`${project.name}:deployRunner`] !== undefined);
    return {
        environment,
        org,
        order: order.map((s) => s.stack),
        primaries: order.filter((s) => s.dependsOn.length === 0).map((s) => s.stack),
        secondaries: order.filter((s) => s.dependsOn.length > 0).map((s) => s.stack),
        runners: Object.fromEntries(
            withRunner.map((s) => {
                const region = s.config["aws:region"] ?? s.stack;
                const prefix = namePrefix(project.name, environment);
                return [s.stack, { deploy: runnerProjectName(prefix, region, "deploy"), preview: runnerProjectName(prefix, region, "preview") }];
            }),
        ),
        regions: Object.fromEntries(order.map((s) => [s.stack, s.config["aws:region"] ?? s.stack])),
        previewable: org === PLACEHOLDER_ORG || placeholderAccount ? [] : withRunner.map((s) => s.stack),
    };
}

if (require.main === module) {
    const project = loadProject(process.cwd());
    try {
        const deploy = process.argv.includes("--deploy") || Boolean(process.env.PULUMI_ACCESS_TOKEN);
        const at = process.argv.findIndex((a) => a === "--environment" || a === "-e");
        const stacks = ciStacks(project, { deploy, environment: at >= 0 ? process.argv[at + 1] : undefined, ifPresent: process.argv.includes("--if-present") });
        if (process.argv.includes("--json")) {
            console.log(JSON.stringify(stacks));
        } else {
            const order = planOrder(project).filter((s) => s.environment === stacks.environment);
            console.log(order.map((s) => `${s.stack}${s.dependsOn.length ? ` (after ${s.dependsOn.join(", ")})` : ""}`).join("\n"));
        }
    } catch (e) {
        console.error(`tools/stacks.ts: ${(e as Error).message}`);
        process.exit(1);
    }
}
