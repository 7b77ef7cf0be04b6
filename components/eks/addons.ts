/** EKS managed add-ons at pinned versions (bootstrapSelfManagedAddons is off: the cluster installs these itself). */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsName } from "../common/context";
import { ADDON_VERSIONS, AddonName } from "./defaults";
import { EksScope } from "./scope";

/** `<name>-addon-<addon>` at the pinned version (mall:eksAddonVersions overrides), overwriting conflicting self-managed fields. */
export function declareAddon(
    c: EksScope,
    clusterName: pulumi.Input<string>,
    addonName: AddonName,
    extra: Partial<aws.eks.AddonArgs>,
    opts: pulumi.CustomResourceOptions,
): aws.eks.Addon {
    const versions = { ...ADDON_VERSIONS, ...(c.args.addonVersions ?? {}) };
    return new aws.eks.Addon(
        `${c.name}-addon-${addonName}`,
        {
            clusterName,
            addonName,
            addonVersion: versions[addonName],
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "OVERWRITE",
            tags: c.tags({}, awsName(c.ctx, "eks", addonName)),
            ...extra,
        },
        opts,
    );
}
