/**
 * What every component needs to know about the stack it is in. Components take this instead
 * of reading config, so tests and other stacks can build one by hand.
 */
import * as pulumi from "@pulumi/pulumi";

export type RegionRole = "primary" | "secondary";

export interface RegionContext {
    /** The Pulumi project (the `project` tag). */
    readonly project: string;
    /**
     * The prefix of every physical name (stacks/settings namePrefix): the project in production
     * (`mall`), `<project>-<environment>` elsewhere (`mall-staging`). Never the Pulumi project alone.
     */
    readonly prefix: string;
    readonly stack: string;
    readonly region: string;
    readonly role: RegionRole;
    readonly environment: string;
    readonly accountId: pulumi.Input<string>;
}

/** AWS-side name prefix for this region: `mall-us-east-1` (`mall-staging-us-east-1` in staging). Never derived from the Pulumi name. */
export function awsName(ctx: Pick<RegionContext, "prefix" | "region">, ...parts: string[]): string {
    return [ctx.prefix, ctx.region, ...parts].join("-");
}

/** `us-east-1` → `use1`, `ap-northeast-2` → `apne2`. */
export function regionCode(region: string): string {
    const [area, direction = "", number = ""] = region.split("-");
    return `${area}${direction.replace(/north|south|east|west|central/g, (w) => w[0])}${number}`;
}

/**
 * `awsName`, for a resource whose name AWS limits to `max` characters: the long form when it fits
 * (production's names keep theirs), else with the region's code (`mall-staging-use1-search`).
 * Throws, naming the environment, when even that does not fit.
 */
export function awsNameWithin(ctx: Pick<RegionContext, "prefix" | "region">, max: number, ...parts: string[]): string {
    const long = awsName(ctx, ...parts);
    if (long.length <= max) return long;
    const short = [ctx.prefix, regionCode(ctx.region), ...parts].join("-");
    if (short.length <= max) return short;
    throw new Error(`the name "${short}" exceeds AWS's ${max} characters even with the region code: shorten the environment name (mall:environment, the prefix "${ctx.prefix}")`);
}
