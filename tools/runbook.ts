/**
 * The 3 am runbook at the top of docs/dr.md, generated from the registry (Pulumi.yaml: regions,
 * roles, `mall:failoverOrder`) and the primary stack's `mall:domain`, with the names the program
 * gives its DR resources (components/dr/plan.ts `drNames`, components/data/plan.ts `globalName`),
 * so every region name and lookup command matches what is deployed.
 * `npx ts-node --transpile-only tools/runbook.ts [--check]` writes it (or exits 1 when it
 * drifted); test/dr/runbook.spec.ts fails on drift too.
 */
import * as path from "path";
import { FUNCTION_STORE, drNames, regionSwitchPlanName } from "../components/dr/plan";
import { edgeNames, probePaths } from "../components/edge/plan";
import { globalName } from "../components/data/plan";
import { replaceBlock } from "./readme-block";
import { syncGeneratedFile } from "./generated-file";
import { loadProject } from "./plan/stacks";
import { registryRegions } from "./flows-doc";

export const RUNBOOK_START = "<!-- runbook:start -->";
export const RUNBOOK_END = "<!-- runbook:end -->";
export const DR_DOC = path.resolve(__dirname, "..", "docs", "dr.md");

export interface RunbookInputs {
    readonly project: string;
    readonly primary: string;
    /** The successors in order (`mall:failoverOrder`, default the secondaries in registry order). */
    readonly failoverOrder: readonly string[];
    readonly domain: string;
}

/** The inputs as the project's stack files give them. */
export function runbookInputs(dir = path.resolve(__dirname, "..")): RunbookInputs {
    const project = loadProject(dir);
    const any = project.stacks[0];
    if (!any) throw new Error(`no Pulumi.<stack>.yaml in ${dir}: the runbook needs the registry and the primary's domain`);
    const regions = registryRegions(dir);
    const primary = regions.find((r) => r.role === "primary")?.name;
    if (!primary) throw new Error(`${project.name}:regions names no primary`);
    const order = any.config[`${project.name}:failoverOrder`];
    const failoverOrder = order ? (JSON.parse(order) as string[]) : regions.filter((r) => r.role === "secondary").map((r) => r.name);
    const primaryStack = project.stacks.find((s) => s.stack === primary);
    const domain = primaryStack?.config[`${project.name}:domain`] ?? "<domain>";
    return { project: project.name, primary, failoverOrder, domain };
}

/** The runbook block (markers included). */
export function runbookBlock(i: RunbookInputs = runbookInputs()): string {
    const s = i.failoverOrder[0];
    if (!s) return [RUNBOOK_START, "_One region: there is nothing to fail over to._", RUNBOOK_END].join("\n");
    const n = drNames({ prefix: i.project, region: s });
    const aurora = globalName(i.project, "aurora");
    const docdb = globalName(i.project, "docdb");
    const cacheSuffix = globalName(i.project, "cache");
    const later = i.failoverOrder.slice(1);
    const plan = regionSwitchPlanName(i.project, i.primary, s);
    const fn = n.functionName(FUNCTION_STORE);
    const cacheId = (region: string) =>
        `$(aws elasticache describe-global-replication-groups --region ${region} --query "GlobalReplicationGroups[?ends_with(GlobalReplicationGroupId, '${cacheSuffix}')].GlobalReplicationGroupId" --output text)`;
    // The Region's data plane (list-plans goes to the control plane, in us-east-1).
    const planArn = (region: string) => `PLAN=$(aws arc-region-switch list-plans-in-region --region ${region} --query "plans[?name=='${plan}'].arn" --output text)`;
    const lines = [
        RUNBOOK_START,
        `## At 3 am: ${i.primary} looks down`,
        "",
        `The primary is **${i.primary}**; the failover order is ${i.failoverOrder.map((r) => `**${r}**`).join(" → ")}. Work from **${s}** (the first successor${later.length ? `; ${later.join(", ")} take over only if it is unreachable too` : ""}). Nothing below needs ${i.primary}.`,
        "",
        "1. **Is it real?** The successor's view, over the internet path (its canaries ask the site, through CloudFront, whether the primary's load balancer answers and whether its own API is ready):",
        "   ```sh",
        `   aws cloudwatch describe-alarms --region ${s} --alarm-names ${i.project}-${s}-canary-${i.primary} ${i.project}-${s}-canary-${s} --query "MetricAlarms[].[AlarmName,StateValue]" --output table`,
        `   aws cloudwatch describe-alarms --region ${s} --alarm-types CompositeAlarm --alarm-names ${n.primaryDown(i.primary)} --query "CompositeAlarms[].[AlarmName,StateValue,StateReason]"`,
        `   curl -s https://${edgeNames.site(i.domain)}${probePaths.path(i.primary, "alive")}   # "${probePaths.aliveBody(i.primary)}" while its load balancer answers`,
        `   aws health describe-events --region us-east-2 --filter "regions=${i.primary},eventStatusCodes=open"   # the AWS Health endpoint that survives ${i.primary}`,
        `   dig +short api-internal.${i.domain}   # where traffic goes now (latency records; a lost region drops out in 90 s)`,
        "   ```",
        `   \`${n.primaryDown(i.primary)}\` in ALARM (the primary unreachable, ${s} ready) and AWS Health agrees: it is real. The site answering but the primary's API failing is an application outage: traffic has already moved, do **not** promote.`,
        "2. **Did automation run?** The Region switch execution and the ElastiCache function:",
        "   ```sh",
        `   ${planArn(s)}`,
        `   aws arc-region-switch list-plan-executions --region ${s} --plan-arn "$PLAN" --query "items[0].[executionId,executionState,mode,startTime]"`,
        `   aws logs tail ${n.logGroup(FUNCTION_STORE)} --region ${s} --since 1h`,
        "   ```",
        `   The function reports \`[DR ok]\` / \`[DR FAILED]\` / \`[DR dry run]\` to the topic \`${n.topic}\`.`,
        `3. **What to do** if nothing promoted (automatic failover off, or a failed execution): start the plan yourself, ungraceful, from ${s}; then the ElastiCache function (an ungraceful execution skips Lambda steps; add \`"dryRun": true\` first to see the call):`,
        "   ```sh",
        `   aws arc-region-switch start-plan-execution --region ${s} --plan-arn "$PLAN" --target-region ${s} --action activate --mode ungraceful --comment "INC-…"`,
        `   aws lambda invoke --region ${s} --function-name ${fn} --cli-binary-format raw-in-base64-out \\`,
        `     --payload '{"operator":{"confirmRegion":"${s}","mode":"failover","reason":"INC-…"}}' out.json && cat out.json`,
        "   ```",
        "4. **How to know it worked:** every store's writer is in the successor.",
        "   ```sh",
        `   aws rds describe-global-clusters --region ${s} --global-cluster-identifier ${aurora} --query "GlobalClusters[0].GlobalClusterMembers[].[DBClusterArn,IsWriter]" --output table`,
        `   aws docdb describe-global-clusters --region ${s} --global-cluster-identifier ${docdb} --query "GlobalClusters[0].GlobalClusterMembers[].[DBClusterArn,IsWriter]" --output table`,
        `   aws elasticache describe-replication-groups --region ${s} --replication-group-id ${i.project}-${s}-cache --query "ReplicationGroups[0].GlobalReplicationGroupInfo"   # null: detached, a standalone primary`,
        "   ```",
        `   Services find the DocumentDB and Valkey writer themselves (writer directory, docs/data.md): no redeploy. Aurora's global writer endpoint follows the failover.`,
        `5. **Failback** once ${i.primary} is healthy (planned, no data loss): events (MSK) and objects (S3) already replicate both ways, nothing to turn around. A cluster cut off by a data-losing failover must be back in its global cluster first (\`describe-global-clusters\` lists it), and the detached cache member must rejoin (redeploy ${s}). Then a **graceful** execution activating ${i.primary} switches Aurora and DocumentDB over and fails the cache over (${i.primary}'s function):`,
        "   ```sh",
        `   ${planArn(i.primary)}`,
        `   aws arc-region-switch start-plan-execution --region ${i.primary} --plan-arn "$PLAN" --target-region ${i.primary} --action activate --mode graceful --comment "failback"`,
        `   aws elasticache describe-global-replication-groups --region ${i.primary} --show-member-info --global-replication-group-id ${cacheId(i.primary)} --query "GlobalReplicationGroups[0].Members[].[ReplicationGroupRegion,Role]" --output table`,
        "   ```",
        `   Then redeploy ${i.primary} and every secondary, in the failover order, so the program's view matches.`,
        RUNBOOK_END,
    ];
    return lines.join("\n");
}

/** `doc` with the runbook regenerated; throws naming the markers when they are absent. */
export function withRunbook(doc: string, inputs?: RunbookInputs): string {
    return replaceBlock(doc, "docs/dr.md", RUNBOOK_START, RUNBOOK_END, () => runbookBlock(inputs), "; add both markers at the top of docs/dr.md");
}

if (require.main === module) {
    syncGeneratedFile(DR_DOC, (doc) => withRunbook(doc), "npx ts-node --transpile-only tools/runbook.ts");
}
