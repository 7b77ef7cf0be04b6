/**
 * The one tag merge order used everywhere: stack-wide base tags, then the owning service and
 * component, then resource-specific tags (Name last, so it cannot be overridden by accident).
 * `service` and `region` are the cost-allocation tags the policy pack checks; the per-service KMS
 * policy also reads `service` to decide which service a resource belongs to.
 */
import { RegionContext } from "./context";

export type Tags = Record<string, string>;

export function baseTags(ctx: Pick<RegionContext, "project" | "stack" | "region" | "environment">): Tags {
    return {
        project: ctx.project,
        stack: ctx.stack,
        region: ctx.region,
        environment: ctx.environment,
        "managed-by": "pulumi",
    };
}

export function tagsFor(
    ctx: Pick<RegionContext, "project" | "stack" | "region" | "environment">,
    service: string,
    component: string,
    extra: Tags = {},
    name?: string,
): Tags {
    return { ...baseTags(ctx), service, component, ...extra, ...(name ? { Name: name } : {}) };
}
