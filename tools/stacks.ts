/**
 * `npx ts-node tools/stacks.ts [--json]`: the stacks in deploy order (primary first), from the
 * stack files and their references. The deploy workflow builds its job matrix from it, so adding a
 * region needs no workflow change.
 */
import { loadProject, planOrder } from "./plan/stacks";

const project = loadProject(process.cwd());
const order = planOrder(project);
// The Pulumi organization is written once, in the secondaries' mall:primaryStack (org/project/stack).
const org = project.stacks.map((s) => s.config[`${project.name}:primaryStack`]).find(Boolean)?.split("/")[0] ?? "organization";
const primaries = order.filter((s) => s.dependsOn.length === 0).map((s) => s.stack);
const secondaries = order.filter((s) => s.dependsOn.length > 0).map((s) => s.stack);
if (process.argv.includes("--json")) {
    console.log(JSON.stringify({ org, order: order.map((s) => s.stack), primaries, secondaries }));
} else {
    console.log(order.map((s) => `${s.stack}${s.dependsOn.length ? ` (after ${s.dependsOn.join(", ")})` : ""}`).join("\n"));
}
