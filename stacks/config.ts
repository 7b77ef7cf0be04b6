/**
 * The only reader of pulumi.Config and StackReference. Everything is read and validated here,
 * before any resource exists; the rest of the program gets typed settings.
 */
import * as pulumi from "@pulumi/pulumi";
import { LINK_KEYS, LinkOutputs, PRIMARY_CONTRACT, PrimaryOutputs, checkLinkOutputs, checkPrimaryOutputs } from "./contracts";
import { PlatformSettings, SecondarySettings, isOfflinePlan, parseStackConfig } from "./settings";

/**
 * This stack's validated settings. Only the offline planner (which marks its runs) may use the
 * shipped placeholders and a zone created in the same run; `pulumi preview`/`up` refuse them here,
 * before any resource exists.
 */
export function loadSettings(): PlatformSettings {
    return parseStackConfig(pulumi.getProject(), pulumi.getStack(), pulumi.runtime.allConfig(), { offlinePlan: isOfflinePlan() });
}

/**
 * Reads the primary's outputs as plain values (they drive resource counts, e.g. one route per
 * primary route table) and checks them against the contract, so a secondary deployed before its
 * primary stops with an error naming the stack, the outputs and the order to deploy in.
 */
export async function readPrimary(settings: SecondarySettings): Promise<PrimaryOutputs> {
    const name = settings.primaryStack;
    return checkPrimaryOutputs(settings.stack, name, await readOutputs("primary", name, Object.keys(PRIMARY_CONTRACT)));
}

/**
 * The link halves of every secondary registered before this one (full mesh, DESIGN §2): each must
 * be deployed first, and an error names the stack and its missing outputs before anything exists.
 */
export async function readEarlierSecondaries(settings: SecondarySettings): Promise<LinkOutputs[]> {
    const out: LinkOutputs[] = [];
    for (const e of settings.earlierSecondaries) {
        out.push(checkLinkOutputs(settings.stack, e.stack, await readOutputs(`earlier-${e.region}`, e.stack, LINK_KEYS)));
    }
    return out;
}

async function readOutputs(resourceName: string, stack: string, keys: readonly string[]): Promise<Record<string, unknown>> {
    const ref = new pulumi.StackReference(resourceName, { name: stack });
    const values: Record<string, unknown> = {};
    for (const key of keys) {
        const details = await ref.getOutputDetails(key);
        values[key] = details.value ?? details.secretValue;
    }
    return values;
}
