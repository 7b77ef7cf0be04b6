/**
 * The AWS Regions a stack may name, vendored so a misspelt region is refused before anything is
 * created (with a "did you mean"), instead of failing mid-deploy on an endpoint that does not resolve.
 *
 * Source: AWS General Reference, "Regions and Zones" / "Service endpoints" (Region codes of the
 * aws, aws-us-gov and aws-cn partitions), as listed on 2026-11-27. A Region AWS launches later is
 * added here (one line), which the refusal message says.
 */
import { closest } from "./reader";

export const AWS_REGIONS_AS_OF = "2026-11-27";

export const AWS_REGIONS: readonly string[] = [
    // aws
    "us-east-1", "us-east-2", "us-west-1", "us-west-2",
    "af-south-1",
    "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2",
    "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ca-central-1", "ca-west-1",
    "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-south-1", "eu-south-2", "eu-north-1",
    "il-central-1", "me-south-1", "me-central-1", "mx-central-1", "sa-east-1",
    // aws-us-gov
    "us-gov-east-1", "us-gov-west-1",
    // aws-cn
    "cn-north-1", "cn-northwest-1",
];

/** Why `name` is not a Region this program knows (with the closest ones), or undefined when it is one. */
export function regionProblem(name: string): string | undefined {
    if (AWS_REGIONS.includes(name)) return undefined;
    const close = closest(name, AWS_REGIONS, 2);
    return `"${name}" is not an AWS Region${close.length ? `; did you mean ${close.join(" or ")}?` : ""} (the list is stacks/settings/aws-regions.ts, as of ${AWS_REGIONS_AS_OF}: add a Region AWS launched since)`;
}
