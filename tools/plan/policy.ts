/** Runs the project's policy pack over a planned stack, through the analyzer protocol. */
import * as fs from "fs";
import * as path from "path";
import { PolicyConfig, runPolicyPack } from "../analyzer";
import { PlannedResource, PolicyReport } from "./contract";

export interface EvaluateOptions {
    readonly packDir: string;
    readonly project: string;
    readonly stack: string;
    readonly config: Record<string, string>;
    readonly resources: PlannedResource[];
    readonly policyConfig?: PolicyConfig;
}

export async function evaluatePolicy(o: EvaluateOptions): Promise<PolicyReport> {
    if (!fs.existsSync(path.join(o.packDir, "PulumiPolicy.yaml"))) {
        return { pack: null, skipped: `no policy pack in ${path.relative(process.cwd(), o.packDir) || o.packDir}/ (PulumiPolicy.yaml not found)`, diagnostics: [] };
    }
    // dryRun: the plan stands in for `pulumi preview`, so the pack runs in preview mode.
    return runPolicyPack({ packDir: o.packDir, project: o.project, stack: o.stack, config: o.config, resources: o.resources, dryRun: true, policyConfig: o.policyConfig });
}
