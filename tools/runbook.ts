/**
 * The 3 am runbook at the top of docs/dr.md, generated from the registry (Pulumi.yaml: regions,
 * roles, `mall:failoverOrder`) and the primary stack's `mall:domain`, with the names the program
 * gives its DR resources (components/dr/plan.ts `drNames`, components/data/plan.ts `globalName`),
 * so every region name and lookup command matches what is deployed.
 * `npx ts-node --transpile-only tools/runbook.ts [--check]` writes it (or exits 1 when it
 * drifted); test/dr/runbook.spec.ts fails on drift too.
 */
import * as path from "path";
import { drNames } from "../components/dr/plan";
import { globalName } from "../components/data/plan";
import { replaceBlock } from "./readme-block";
import { syncGeneratedFile } from "./generated-file";
import { loadProject } from "./plan/stacks";
import { flowTable } from "../components/network/flows";
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
    /** Whether the successor's canaries reach the primary's origin (the flow table's canary rows are admitted). */
    readonly canariesReachOrigins: boolean;
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
    const canariesReachOrigins = flowTable(regions).filter((r) => r.from.kind === "canary").every((r) => r.expected === "admitted");
    return { project: project.name, primary, failoverOrder, domain, canariesReachOrigins };
}

/** The runbook block (markers included). */
export function runbookBlock(i: RunbookInputs = runbookInputs()): string {
    const s = i.failoverOrder[0];
    if (!s) return [RUNBOOK_START, "_One region: there is nothing to fail over to._", RUNBOOK_END].join("\n");
    const n = drNames({ project: i.project, region: s });
    const aurora = globalName(i.project, "aurora");
    const docdb = globalName(i.project, "docdb");
    const cacheSuffix = globalName(i.project, "cache");
    const later = i.failoverOrder.slice(1);
    const cacheId = `$(aws elasticache describe-global-replication-groups --region ${s} --query "GlobalReplicationGroups[?ends_with(GlobalReplicationGroupId, '${cacheSuffix}')].GlobalReplicationGroupId" --output text)`;
    const lines = [
        RUNBOOK_START,
        `## At 3 am: ${i.primary} looks down`,
        "",
        `The primary is **${i.primary}**; the failover order is ${i.failoverOrder.map((r) => `**${r}**`).join(" → ")}. Work from **${s}** (the first successor${later.length ? `; ${later.join(", ")} take over only if it is down too` : ""}). Nothing below needs ${i.primary}.`,
        "",
        "1. **Is it real?** The successor's view, over the internet path:",
        "   ```sh",
        `   aws cloudwatch describe-alarms --region ${s} --alarm-names ${i.project}-${s}-canary-${i.primary} ${i.project}-${s}-canary-${s} ${n.primaryDown(i.primary)} --query "MetricAlarms[].[AlarmName,StateValue]" --output table`,
        `   aws cloudwatch describe-alarms --region ${s} --alarm-types CompositeAlarm --alarm-names ${n.primaryDown(i.primary)} --query "CompositeAlarms[].[AlarmName,StateValue,StateReason]"`,
        `   aws health describe-events --region us-east-2 --filter "regions=${i.primary},eventStatusCodes=open"   # the AWS Health endpoint that survives ${i.primary}`,
        `   dig +short api-internal.${i.domain}   # where traffic goes now (latency records; a lost region drops out in 90 s)`,
        "   ```",
        `   The primary's canary in ALARM while ${s}'s own is OK, and AWS Health or your own checks agree: it is real. Only the canary in ALARM and the site up: an application outage; traffic has already moved, do **not** promote.`,
        ...(i.canariesReachOrigins
            ? []
            : [
                  `   **Today the canaries cannot reach the origins** (the origin ALBs admit only CloudFront and Route 53: docs/flows.md, the canary rows), so both sit in ALARM whatever happens: judge by AWS Health, \`dig\` and the site itself, and expect no automatic promotion on a region loss (step 3).`,
              ]),
        "2. **Did automation run?**",
        "   ```sh",
        `   aws logs tail ${n.logGroup("aurora")} --region ${s} --since 1h`,
        `   aws logs tail ${n.logGroup("docdb")} --region ${s} --since 1h`,
        `   aws logs tail ${n.logGroup("elasticache")} --region ${s} --since 1h`,
        "   ```",
        `   Each function logs its decision and calls, and reports \`[DR ok]\` / \`[DR FAILED]\` / \`[DR dry run]\` to the topic \`${n.topic}\`.`,
        `3. **What to do** if nothing promoted (automatic failover off, or \`[DR FAILED]\`): promote ${s}, every store, with the operator payload (add \`"dryRun": true\` first to see the calls):`,
        "   ```sh",
        "   for store in aurora docdb elasticache; do",
        `     aws lambda invoke --region ${s} --function-name ${i.project}-${s}-failover-$store \\`,
        "       --cli-binary-format raw-in-base64-out \\",
        `       --payload '{"operator":{"confirmRegion":"${s}","mode":"failover","reason":"INC-…"}}' out-$store.json && cat out-$store.json`,
        "   done",
        "   ```",
        "4. **How to know it worked:** every store's writer is in the successor.",
        "   ```sh",
        `   aws rds describe-global-clusters --region ${s} --global-cluster-identifier ${aurora} --query "GlobalClusters[0].GlobalClusterMembers[].[DBClusterArn,IsWriter]" --output table`,
        `   aws docdb describe-global-clusters --region ${s} --global-cluster-identifier ${docdb} --query "GlobalClusters[0].GlobalClusterMembers[].[DBClusterArn,IsWriter]" --output table`,
        `   aws elasticache describe-global-replication-groups --region ${s} --show-member-info --global-replication-group-id ${cacheId} --query "GlobalReplicationGroups[0].Members[].[ReplicationGroupRegion,Role]" --output table`,
        "   ```",
        `   Services find the DocumentDB and Valkey writer themselves (writer directory, docs/data.md): no redeploy. Aurora's global writer endpoint follows the failover.`,
        `5. **Failback** once ${i.primary} is healthy (planned, no data loss): events (MSK) and objects (S3) already replicate both ways, nothing to turn around. Switch the single-writer stores back:`,
        "   ```sh",
        `   aws rds switchover-global-cluster --region ${i.primary} --global-cluster-identifier ${aurora} --target-db-cluster-identifier <the ${i.primary} cluster ARN>`,
        `   aws docdb switchover-global-cluster --region ${i.primary} --global-cluster-identifier ${docdb} --target-db-cluster-identifier <the ${i.primary} cluster ARN>`,
        `   aws elasticache failover-global-replication-group --region ${i.primary} --global-replication-group-id <id from step 4> --primary-region ${i.primary} --primary-replication-group-id ${i.project}-${i.primary}-cache`,
        "   ```",
        `   A cluster cut off by a data-losing failover must be back in its global cluster first (\`describe-global-clusters\` lists it as a member). Then redeploy ${i.primary} and every secondary, in the failover order, so the program's view matches.`,
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
