/**
 * EKS managed add-ons (bootstrapSelfManagedAddons is off: the cluster installs these itself), at
 * the stack's pinned version or else the most recent build EKS publishes for the cluster's
 * Kubernetes version.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsName } from "../common/context";
import { ADDON_VERSIONS, AddonName, KUBERNETES_VERSION } from "./defaults";
import { EksScope } from "./scope";

export interface DeclaredAddon {
    readonly name: AddonName;
    readonly addon: aws.eks.Addon;
    /** The version sent to EKS. */
    readonly version: pulumi.Output<string>;
    /** True when no mall:eksAddonVersions pin applies: the version was looked up. */
    readonly resolved: boolean;
}

/** `<name>-addon-<addon>`, overwriting conflicting self-managed fields. */
export function declareAddon(
    c: EksScope,
    clusterName: pulumi.Input<string>,
    addonName: AddonName,
    extra: Partial<aws.eks.AddonArgs>,
    opts: pulumi.CustomResourceOptions,
): DeclaredAddon {
    const pinned = { ...ADDON_VERSIONS, ...(c.args.addonVersions ?? {}) }[addonName];
    const version =
        pinned !== undefined
            ? pulumi.output(pinned)
            : aws.eks
                  .getAddonVersionOutput({ addonName, kubernetesVersion: c.args.kubernetesVersion ?? KUBERNETES_VERSION, mostRecent: true }, { parent: c.parent })
                  .apply((v) => v.version);
    const addon = new aws.eks.Addon(
        `${c.name}-addon-${addonName}`,
        {
            clusterName,
            addonName,
            addonVersion: version,
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "OVERWRITE",
            // `version-source: resolved` marks an unpinned build (advisory policy versions-pinned).
            tags: c.tags(pinned === undefined ? { "version-source": "resolved" } : {}, awsName(c.ctx, "eks", addonName)),
            ...extra,
        },
        opts,
    );
    return { name: addonName, addon, version, resolved: pinned === undefined };
}
