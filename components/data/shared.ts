/**
 * What every store module of GlobalData gets: the component (parent), its name, the region
 * context, the per-service keys, the network, the sizing, and the few helpers they share.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RegionContext, awsName } from "../common/context";
import { ServiceKey } from "../common/kms";
import { AUDIT_LOG_TAGS } from "../common/logs";
import { Tags, tagsFor } from "../common/tags";
import { DataSizing, KeyService } from "./plan";

export const COMPONENT = "global-data";

/** The network GlobalData needs (RegionalVpc's NetworkRef subset; a StackReference can feed it). */
export interface DataNetworkRef {
    readonly vpcId: pulumi.Input<string>;
    /** One data-tier subnet per AZ (ARCHITECTURE §2). */
    readonly dataSubnetIds: pulumi.Input<string>[];
}

export interface DataScope {
    readonly parent: pulumi.Resource;
    /** The component's Pulumi name; children are `${name}-<store>-…`. */
    readonly name: string;
    readonly ctx: RegionContext;
    readonly keys: Readonly<Record<KeyService, ServiceKey>>;
    readonly network: DataNetworkRef;
    readonly sizing: DataSizing;
    /** Retention of the stores' audit-class log groups (audit, connections): `mall:auditLogRetentionDays`. */
    readonly auditLogRetentionDays: number;
    /** Every audit-class log group the stores declared (auditLogGroup adds each), for the audit archive. */
    readonly auditLogGroups: aws.cloudwatch.LogGroup[];
    /** Keys in other regions that generated secrets replicate into (primary only). @default [] */
    readonly secretReplicaKeys?: readonly { readonly region: string; readonly arn: pulumi.Output<string> }[];
}

/** Tags for a resource of `service` (the key's service: the per-service KMS policy groups by it). */
export function dataTags(scope: DataScope, service: KeyService, nameParts: string[], extra: Tags = {}): Tags {
    return tagsFor(scope.ctx, service, COMPONENT, extra, awsName(scope.ctx, ...nameParts));
}

/** Stateful resources: protected, parented. */
export function stateful(scope: DataScope, extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
    return { parent: scope.parent, protect: true, ...extra };
}

export function child(scope: DataScope, extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
    return { parent: scope.parent, ...extra };
}

/**
 * A log group encrypted with the region's `logs` key. Created before the store so AWS writes into
 * it (instead of auto-creating an unencrypted group with infinite retention).
 */
export function logGroup(
    scope: DataScope,
    pulumiName: string,
    logGroupName: pulumi.Input<string>,
    /** Another region's group (a link half this stack owns there), under that region's `logs` key. */
    elsewhere?: { readonly region: string; readonly logsKeyArn: pulumi.Input<string> },
): aws.cloudwatch.LogGroup {
    return new aws.cloudwatch.LogGroup(
        `${scope.name}-${pulumiName}`,
        {
            ...(elsewhere ? { region: elsewhere.region } : {}),
            name: logGroupName,
            retentionInDays: scope.sizing.logRetentionDays,
            kmsKeyId: elsewhere?.logsKeyArn ?? scope.keys.logs.arn,
            tags: dataTags(scope, "logs", ["logs", pulumiName]),
        },
        child(scope),
    );
}

/**
 * An audit-class log group of a store (audit, connection logs): kept `mall:auditLogRetentionDays`,
 * tagged audit-class and protected (a rename or a removed store must not delete the evidence).
 */
export function auditLogGroup(scope: DataScope, pulumiName: string, logGroupName: pulumi.Input<string>): aws.cloudwatch.LogGroup {
    const group = new aws.cloudwatch.LogGroup(
        `${scope.name}-${pulumiName}`,
        {
            name: logGroupName,
            retentionInDays: scope.auditLogRetentionDays,
            kmsKeyId: scope.keys.logs.arn,
            tags: dataTags(scope, "logs", ["logs", pulumiName], AUDIT_LOG_TAGS),
        },
        stateful(scope),
    );
    scope.auditLogGroups.push(group);
    return group;
}
