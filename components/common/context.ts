/**
 * What every component needs to know about the stack it is in. Components take this instead
 * of reading config, so tests and other stacks can build one by hand.
 */
import * as pulumi from "@pulumi/pulumi";

export type RegionRole = "primary" | "secondary";

export interface RegionContext {
    readonly project: string;
    readonly stack: string;
    readonly region: string;
    readonly role: RegionRole;
    readonly environment: string;
    readonly accountId: pulumi.Input<string>;
}

/** AWS-side name prefix for this region: `mall-us-east-1`. Never derived from the Pulumi name. */
export function awsName(ctx: Pick<RegionContext, "project" | "region">, ...parts: string[]): string {
    return [ctx.project, ctx.region, ...parts].join("-");
}
