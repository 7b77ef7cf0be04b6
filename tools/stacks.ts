/**
 * `npx ts-node tools/stacks.ts [--json] [--deploy]`: the stacks in deploy order (primary first),
 * from the stack files and their references. The deploy workflow builds its job matrix from it, so
 * adding a region needs no workflow change.
 *
 * The Pulumi organization is written once, in the secondaries' mall:primaryStack (org/project/
 * stack). The shipped files name the placeholder org "organization": with `--deploy`, or whenever a
 * Pulumi Cloud token is present, that is refused (exit 1), so CI never deploys into an org nobody owns.
 */
import { runnerProjectName } from "../components/cicd/plan";
import { PLACEHOLDER_ORG } from "../stacks/settings/placeholders";
import { Project, loadProject, planOrder } from "./plan/stacks";

export interface CiStacks {
    readonly org: string;
    readonly order: string[];
    readonly primaries: string[];
    readonly secondaries: string[];
    /** Per stack, the CodeBuild projects of its in-VPC runners: a job's `runs-on` is `codebuild-<project>-<run id>-<attempt>`. */
    readonly runners: Record<string, { readonly deploy: string; readonly preview: string }>;
}

/** The CI's view of the project; throws when a deploy would target the placeholder org. */
export function ciStacks(project: Project, opts: { readonly deploy: boolean }): CiStacks {
    const order = planOrder(project);
    const key = `${project.name}:primaryStack`;
    const org = project.stacks.map((s) => s.config[key]).find(Boolean)?.split("/")[0] ?? PLACEHOLDER_ORG;
    if (opts.deploy && org === PLACEHOLDER_ORG) {
        const secondaries = project.stacks.filter((s) => s.config[key]).map((s) => s.file);
        throw new Error(
            `the Pulumi organization is the placeholder "${PLACEHOLDER_ORG}" (${key} in ${secondaries.join(", ") || "no stack file"}); ` +
                `set your org in every secondary: pulumi config set ${key} <your org>/${project.name}/${order[0]?.stack ?? "<primary>"} -s <secondary>`,
        );
    }
    return {
        org,
        order: order.map((s) => s.stack),
        primaries: order.filter((s) => s.dependsOn.length === 0).map((s) => s.stack),
        secondaries: order.filter((s) => s.dependsOn.length > 0).map((s) => s.stack),
        runners: Object.fromEntries(
            order.map((s) => {
                const region = s.config["aws:region"] ?? s.stack;
                return [s.stack, { deploy: runnerProjectName(project.name, region, "deploy"), preview: runnerProjectName(project.name, region, "preview") }];
            }),
        ),
    };
}

if (require.main === module) {
    const project = loadProject(process.cwd());
    try {
        const deploy = process.argv.includes("--deploy") || Boolean(process.env.PULUMI_ACCESS_TOKEN);
        const stacks = ciStacks(project, { deploy });
        if (process.argv.includes("--json")) {
            console.log(JSON.stringify(stacks));
        } else {
            const order = planOrder(project);
            console.log(order.map((s) => `${s.stack}${s.dependsOn.length ? ` (after ${s.dependsOn.join(", ")})` : ""}`).join("\n"));
        }
    } catch (e) {
        console.error(`tools/stacks.ts: ${(e as Error).message}`);
        process.exit(1);
    }
}
