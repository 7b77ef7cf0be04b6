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
 * A name with regions in it, as AWS will take it: rendered with the regions' full names when
 * `fits` accepts that (production's names keep theirs), else with their codes (`use1`). Throws
 * `fix`'s message, given the coded form, when neither fits.
 */
export function nameWithRegions(render: (region: (name: string) => string) => string, fits: (name: string) => boolean, fix: (coded: string) => string): string {
    const long = render((r) => r);
    if (fits(long)) return long;
    const coded = render(regionCode);
    if (fits(coded)) return coded;
    throw new Error(fix(coded));
}

/** `awsName`, for a resource whose name AWS limits to `max` characters (nameWithRegions). */
export function awsNameWithin(ctx: Pick<RegionContext, "prefix" | "region">, max: number, ...parts: string[]): string {
    return nameWithRegions(
        (region) => [ctx.prefix, region(ctx.region), ...parts].join("-"),
        (n) => n.length <= max,
        (coded) => `the name "${coded}" exceeds AWS's ${max} characters even with the region code: shorten the environment name (mall:environment, the prefix "${ctx.prefix}")`,
    );
}
