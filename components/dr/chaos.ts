/**
 * ChaosDrills (ARCHITECTURE §6): AWS FIS experiment templates for this region, each with alarm stop
 * conditions, run by one least-privilege role. Cadence (docs/dr.md): region evacuation quarterly,
 * database failover monthly, replication-lag review weekly.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RegionContext, awsName } from "../common/context";
import { tagsFor } from "../common/tags";
import { serviceTrustPolicy } from "../common/trust";
import { BucketPurpose } from "../data/plan";
import { PlannedExperiment, fisPolicy, planExperiments } from "./experiments";

const SERVICE = "dr";
const COMPONENT = "chaos-drills";

export interface ChaosDrillsArgs {
    /** The stack this component is declared in: region, role, account; names and tags derive from it. */
    readonly context: RegionContext;
    /** Regions this one is peered with. */
    readonly peers: readonly string[];
    /** EKS cluster name (node tag `kubernetes.io/cluster/<name>`). */
    readonly clusterName: string;
    /** The AZ the power-interruption drill takes out (a zone name, e.g. us-east-1a). */
    readonly availabilityZone: string;
    /** The region's Transit Gateway: the inter-region network-cut drill disrupts its peering. */
    readonly transitGatewayId: pulumi.Input<string>;
    /** This region's API canary alarm: stops every drill the region must absorb. */
    readonly steadyStateAlarmArn: pulumi.Input<string>;
    /** Alarms probing each peer from here: stop the region evacuation (at least one). */
    readonly peerAlarmArns: readonly pulumi.Input<string>[];
    /** Aurora/DocumentDB clusters with their writer here. @default [] - no database-failover template */
    readonly databaseClusterArns?: readonly pulumi.Input<string>[];
    /** ElastiCache replication groups here, for the AZ power drill. @default [] */
    readonly cacheReplicationGroupArns?: readonly pulumi.Input<string>[];
    /** DynamoDB global tables with a replica here (database drill). @default [] */
    readonly globalTableArns?: readonly pulumi.Input<string>[];
    /** Aurora DSQL clusters here (database drill). @default [] */
    readonly dsqlClusterArns?: readonly pulumi.Input<string>[];
    /** Bucket purposes replicating from here to every peer (database drill). @default [] */
    readonly replicatedBuckets?: readonly BucketPurpose[];
    /**
     * Drills run by EventBridge Scheduler: experiment key → schedule expression (`rate(7 days)`,
     * `cron(0 10 ? * TUE *)`, UTC). Each key must be a template planned here. @default {} - by hand only
     */
    readonly schedules?: Readonly<Record<string, string>>;
}

/** EventBridge Scheduler's universal target for FIS StartExperiment. */
export const START_EXPERIMENT_TARGET = "arn:aws:scheduler:::aws-sdk:fis:startExperiment";

/**
 * The StartExperiment request a schedule sends (SDK parameter names): the template, and the
 * invocation's execution id as the client token FIS requires (schedules do not retry: see below).
 */
export function startExperimentInput(templateId: string): string {
    return JSON.stringify({ ExperimentTemplateId: templateId, ClientToken: "<aws.scheduler.execution-id>" });
}

export class ChaosDrills extends pulumi.ComponentResource {
    public readonly roleArn: pulumi.Output<string>;
    /** Template ids by experiment key (`region-evacuation`, …). */
    public readonly templateIds: Record<string, pulumi.Output<string>>;
    /** Schedule names by experiment key (only the scheduled drills). */
    public readonly scheduleNames: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: ChaosDrillsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mall:dr:ChaosDrills", name, {}, opts);
        const built = buildChaosDrills(this, name, args);
        this.roleArn = built.role.arn;
        this.templateIds = Object.fromEntries(Object.entries(built.templates).map(([k, t]) => [k, t.id]));
        this.scheduleNames = Object.fromEntries(Object.entries(built.schedules).map(([k, s]) => [k, s.name]));
        this.registerOutputs({ roleArn: this.roleArn, templateIds: this.templateIds, scheduleNames: this.scheduleNames });
    }
}

function buildChaosDrills(parent: pulumi.Resource, name: string, args: ChaosDrillsArgs) {
    const ctx = args.context;
    if (args.peerAlarmArns.length === 0) throw new pulumi.ResourceError(`ChaosDrills ${name}: peerAlarmArns is empty; the region-evacuation drill needs an alarm on a peer's health to stop on`, parent);
    const opts = { parent };
    const tags = (n: string) => tagsFor(ctx, SERVICE, COMPONENT, {}, n);
    const tgwArn = pulumi.interpolate`arn:aws:ec2:${ctx.region}:${ctx.accountId}:transit-gateway/${args.transitGatewayId}`;
    const inputs = {
        project: ctx.project,
        environment: ctx.environment,
        prefix: ctx.prefix,
        region: ctx.region,
        peers: args.peers,
        clusterName: args.clusterName,
        availabilityZone: args.availabilityZone,
        databaseClusterArns: args.databaseClusterArns,
        cacheReplicationGroupArns: args.cacheReplicationGroupArns,
        globalTableArns: args.globalTableArns,
        dsqlClusterArns: args.dsqlClusterArns,
        replicatedBuckets: args.replicatedBuckets,
    };
    const planned = planExperiments<pulumi.Input<string>>({ ...inputs, transitGatewayArn: tgwArn });

    const role = new aws.iam.Role(
        `${name}-role`,
        {
            description: `AWS FIS drills in ${ctx.region}`,
            assumeRolePolicy: serviceTrustPolicy(ctx, "fis.amazonaws.com", { sourceAccount: true }),
            tags: tags(awsName(ctx, "fis")),
        },
        opts,
    );
    // The policy is planned on resolved ARNs: the same planner, with every input known.
    const policyDoc = pulumi
        .all([ctx.accountId, pulumi.output({ ...inputs, transitGatewayArn: tgwArn })])
        .apply(([account, resolved]) => JSON.stringify(fisPolicy(ctx.region, account, planExperiments<string>(resolved))));
    const policy = new aws.iam.RolePolicy(`${name}-policy`, { role: role.id, policy: policyDoc }, opts);

    const templates: Record<string, aws.fis.ExperimentTemplate> = {};
    for (const e of planned) {
        const stops = e.stop === "self" ? [args.steadyStateAlarmArn] : args.peerAlarmArns;
        templates[e.key] = new aws.fis.ExperimentTemplate(
            `${name}-${e.key}`,
            {
                description: e.description.slice(0, 512),
                roleArn: role.arn,
                stopConditions: stops.map((value) => ({ source: "aws:cloudwatch:alarm", value })),
                targets: e.targets.map(toTarget),
                actions: e.actions.map((a) => ({
                    name: a.name,
                    actionId: a.actionId,
                    description: a.description,
                    parameters: Object.entries(a.parameters).map(([key, value]) => ({ key, value })),
                    target: a.target,
                    ...(a.startAfter ? { startAfters: [...a.startAfter] } : {}),
                })),
                // Skip an action whose targets are absent (e.g. no nodes yet) rather than fail the drill.
                experimentOptions: { accountTargeting: "single-account", emptyTargetResolutionMode: "skip" },
                tags: tags(awsName(ctx, "fis", e.key)),
            },
            { parent, dependsOn: [policy] },
        );
    }
    return { role, templates, schedules: declareSchedules(parent, name, args, templates) };
}

/** One EventBridge Scheduler schedule per scheduled drill, and the role that may start exactly those templates. */
function declareSchedules(parent: pulumi.Resource, name: string, args: ChaosDrillsArgs, templates: Record<string, aws.fis.ExperimentTemplate>): Record<string, aws.scheduler.Schedule> {
    const ctx = args.context;
    const entries = Object.entries(args.schedules ?? {});
    if (entries.length === 0) return {};
    const unknown = entries.filter(([k]) => !templates[k]).map(([k]) => k);
    if (unknown.length > 0) {
        throw new pulumi.ResourceError(`ChaosDrills ${name}: no experiment template ${unknown.join(", ")} in ${ctx.region} to schedule (planned here: ${Object.keys(templates).join(", ")})`, parent);
    }
    const tags = (n: string) => tagsFor(ctx, SERVICE, COMPONENT, {}, n);
    const role = new aws.iam.Role(
        `${name}-scheduler-role`,
        { description: `EventBridge Scheduler starts the scheduled FIS drills in ${ctx.region}`, assumeRolePolicy: serviceTrustPolicy(ctx, "scheduler.amazonaws.com", { sourceAccount: true }), tags: tags(awsName(ctx, "drill-scheduler")) },
        { parent },
    );
    const templateArns = entries.map(([k]) => pulumi.interpolate`arn:aws:fis:${ctx.region}:${ctx.accountId}:experiment-template/${templates[k].id}`);
    const policy = new aws.iam.RolePolicy(
        `${name}-scheduler-policy`,
        {
            role: role.id,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    // StartExperiment authorises on the template and on the experiment it creates.
                    { Sid: "StartScheduledDrills", Effect: "Allow", Action: "fis:StartExperiment", Resource: [...templateArns, pulumi.interpolate`arn:aws:fis:${ctx.region}:${ctx.accountId}:experiment/*`] },
                    // FIS creates its service-linked role on an account's first experiment.
                    {
                        Sid: "FisServiceLinkedRole",
                        Effect: "Allow",
                        Action: "iam:CreateServiceLinkedRole",
                        Resource: pulumi.interpolate`arn:aws:iam::${ctx.accountId}:role/aws-service-role/fis.amazonaws.com/AWSServiceRoleForFIS`,
                        Condition: { StringEquals: { "iam:AWSServiceName": "fis.amazonaws.com" } },
                    },
                ],
            }),
        },
        { parent },
    );
    return Object.fromEntries(
        entries.map(([key, expression]) => [
            key,
            new aws.scheduler.Schedule(
                `${name}-${key}-schedule`,
                {
                    name: awsName(ctx, "drill", key),
                    description: `Runs the ${key} drill (FIS) in ${ctx.region}; it stops itself on its alarms`,
                    scheduleExpression: expression,
                    scheduleExpressionTimezone: "UTC",
                    flexibleTimeWindow: { mode: "OFF" },
                    state: "ENABLED",
                    target: {
                        arn: START_EXPERIMENT_TARGET,
                        roleArn: role.arn,
                        input: templates[key].id.apply(startExperimentInput),
                        // A drill that could not start is not retried into a busier hour: Scheduler
                        // counts it (AWS/Scheduler TargetErrorCount) and the drill waits for its next slot.
                        retryPolicy: { maximumRetryAttempts: 0 },
                    },
                },
                { parent, dependsOn: [policy] },
            ),
        ]),
    );
}

function toTarget(t: PlannedExperiment<pulumi.Input<string>>["targets"][number]): aws.types.input.fis.ExperimentTemplateTarget {
    return {
        name: t.name,
        resourceType: t.resourceType,
        selectionMode: t.selectionMode,
        ...(t.resourceArns ? { resourceArns: [...t.resourceArns] } : {}),
        ...(t.resourceTags ? { resourceTags: t.resourceTags.map((r) => ({ ...r })) } : {}),
        ...(t.filters ? { filters: t.filters.map((f) => ({ path: f.path, values: [...f.values] })) } : {}),
        ...(t.parameters ? { parameters: { ...t.parameters } } : {}),
    };
}
