/**
 * What every part of EksCluster is built with: the component (parent of every child), its name
 * (prefix of every child's name, so URNs never depend on which file declares a resource), its
 * args, the region and the one tag helper.
 */
import * as pulumi from "@pulumi/pulumi";
import { RegionContext } from "../common/context";
import { Tags, tagsFor } from "../common/tags";
import { CHART_VERSIONS, ChartName } from "./defaults";
import type { EksClusterArgs } from "./eks-cluster";

/** The owning service of the cluster's own resources (tags, key alias, the pack's per-service check). */
export const SERVICE = "eks";
/** The `component` tag of everything EksCluster declares. */
export const COMPONENT = "eks-cluster";

export interface EksScope {
    readonly parent: pulumi.Resource;
    readonly name: string;
    readonly args: EksClusterArgs;
    readonly ctx: RegionContext;
    readonly clusterName: string;
    readonly tags: (extra?: Tags, nameTag?: string) => Tags;
}

export function eksScope(parent: pulumi.Resource, name: string, args: EksClusterArgs): EksScope {
    const ctx = args.context;
    return { parent, name, args, ctx, clusterName: args.clusterName, tags: (extra = {}, nameTag) => tagsFor(ctx, SERVICE, COMPONENT, extra, nameTag) };
}

/** The pinned chart versions with the stack's overrides (mall:eksChartVersions) applied. */
export function chartVersions(args: Pick<EksClusterArgs, "chartVersions">): Readonly<Record<ChartName, string>> {
    return { ...CHART_VERSIONS, ...(args.chartVersions ?? {}) };
}
