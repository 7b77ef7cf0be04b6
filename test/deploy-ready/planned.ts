/** One offline plan of both stacks (no policy pack) shared by the deploy-ready specs of a mocha run. */
import * as path from "path";
import { plan, PlanResult } from "../../tools/plan/plan";

const ROOT = path.resolve(__dirname, "..", "..");
let cached: Promise<PlanResult> | undefined;

export function planned(): Promise<PlanResult> {
    cached ??= plan({ dir: ROOT, skipPolicy: true }).then((result) => {
        if (result.failure) throw result.failure.error;
        return result;
    });
    return cached;
}
