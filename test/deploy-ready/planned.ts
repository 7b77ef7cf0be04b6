/** The shipped plan (every environment, no policy pack) the deploy-ready specs check; shared with the other specs of a mocha run. */
import { PlanResult } from "../../tools/plan/plan";
import { shippedPlan } from "../registry";

export async function planned(): Promise<PlanResult> {
    const result = await shippedPlan();
    if (result.failure) throw result.failure.error;
    return result;
}
