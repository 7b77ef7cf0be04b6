/**
 * The only reader of pulumi.Config and StackReference. Everything is read and validated here,
 * before any resource exists; the rest of the program gets typed settings.
 */
import * as pulumi from "@pulumi/pulumi";
import { PRIMARY_CONTRACT, PrimaryOutputs, checkPrimaryOutputs } from "./contracts";
import { PlatformSettings, SecondarySettings, parseStackConfig } from "./settings";

export function loadSettings(): PlatformSettings {
    // The offline plan (tools/plan/runner.ts) sets MALL_OFFLINE_PLAN=1; anything else is a real engine.
    return parseStackConfig(pulumi.getProject(), pulumi.getStack(), pulumi.runtime.allConfig(), { deploying: process.env.MALL_OFFLINE_PLAN !== "1" });
}

/**
 * Reads the primary's outputs as plain values (they drive resource counts, e.g. one route per
 * primary route table) and checks them against the contract, so a secondary deployed before its
 * primary stops with an error naming the stack, the outputs and the order to deploy in.
 */
export async function readPrimary(settings: SecondarySettings): Promise<PrimaryOutputs> {
    const name = settings.primaryStack;
    const ref = new pulumi.StackReference("primary", { name });
    const values: Record<string, unknown> = {};
    for (const key of Object.keys(PRIMARY_CONTRACT)) {
        const details = await ref.getOutputDetails(key);
        values[key] = details.value ?? details.secretValue;
    }
    return checkPrimaryOutputs(settings.stack, name, values);
}
