/**
 * The registry the tests derive their expectations from (Pulumi.yaml `mall:regions`,
 * `mall:failoverOrder`): run in a copy of the project with another region added, the
 * registry-derived specs (test/stacks/copy.spec.ts) expect that copy's regions.
 */
import * as path from "path";
import { registryRegions } from "../tools/flows-doc";
import { PlanResult, environmentPlan, plan } from "../tools/plan/plan";
import { runbookInputs } from "../tools/runbook";

export const ROOT = path.resolve(__dirname, "..");

export interface Registry {
    /** Registry order. */
    readonly regions: string[];
    readonly primary: string;
    /** Registry order. */
    readonly secondaries: string[];
    readonly failoverOrder: string[];
    /** The first successor. */
    readonly first: string;
    /** The last registered region: it owns every bucket's S3 replication. */
    readonly last: string;
    readonly domain: string;
}

export function registryOf(dir = ROOT): Registry {
    const regions = registryRegions(dir);
    const inputs = runbookInputs(dir);
    const names = regions.map((r) => r.name);
    return {
        regions: names,
        primary: inputs.primary,
        secondaries: regions.filter((r) => r.role === "secondary").map((r) => r.name),
        failoverOrder: [...inputs.failoverOrder],
        first: inputs.failoverOrder[0],
        last: names[names.length - 1],
        domain: inputs.domain,
    };
}

/** The project's registry. */
export const REGISTRY = registryOf();

/** Freezes a value and everything it holds: a shared plan no spec can change under another. */
function deepFreeze<T>(value: T): T {
    if (value && typeof value === "object" && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
    }
    return value;
}

let shipped: Promise<PlanResult> | undefined;

/**
 * The project's stacks planned once per test process (without policy) and shared by every spec
 * that reads them unchanged; frozen, so a spec that edits must copy. Specs that plan with
 * overrides or policy call `plan` themselves.
 */
export function shippedPlan(): Promise<PlanResult> {
    shipped ??= plan({ dir: ROOT, skipPolicy: true }).then(deepFreeze);
    return shipped;
}

let production: Promise<PlanResult> | undefined;

/**
 * The shipped plan's production environment alone (its stacks, its registry order), shaped as a
 * plan: what the specs written against the registry (REGISTRY is production's) read.
 */
export function productionPlan(): Promise<PlanResult> {
    production ??= shippedPlan().then((all) => {
        const env = environmentPlan(all);
        return deepFreeze({ ...all, stacks: env.stacks, environments: [env], complete: env.complete, ...(env.regions ? { regions: env.regions } : {}) });
    });
    return production;
}

/** Another account's vault the handed-over primary copies into (mall:backupCopyVaultArn). */
export const OTHER_ACCOUNT_VAULT = "arn:aws:backup:us-east-1:210987654321:backup-vault:mall-us-east-1-backup-copy";

let handedOver: Promise<PlanResult> | undefined;

/**
 * The primary planned once per test process as a second environment in a shared account would
 * run it: every account singleton handed over (mall:accountBaseline all false) and a copy into
 * another account's vault. The backup and detection specs read it.
 */
export function handedOverPrimaryPlan(): Promise<PlanResult> {
    const off = { openSearchServiceLinkedRole: false, backupRegionSettings: false, guardDuty: false, securityHub: false, configRecorder: false, cloudTrail: false, securityHubAggregator: false };
    handedOver ??= plan({
        dir: ROOT,
        skipPolicy: true,
        only: REGISTRY.primary,
        overrides: { [REGISTRY.primary]: { "mall:accountBaseline": JSON.stringify(off), "mall:backupCopyVaultArn": OTHER_ACCOUNT_VAULT } },
    }).then(deepFreeze);
    return handedOver;
}
