/** Network settings of one region stack (RegionalVpc). */
import { DEFAULT_SUBNET_PREFIX } from "../../components/network/subnet-plan";
import { ConfigReader } from "./reader";

/** Interface endpoints every region gets unless configured otherwise: what EKS nodes, Karpenter and the services call. */
export const DEFAULT_INTERFACE_ENDPOINTS = [
    "ecr.api",
    "ecr.dkr",
    "sts",
    "logs",
    "ec2",
    "eks",
    "eks-auth",
    "sqs",
    "kms",
    "secretsmanager",
    "elasticloadbalancing",
] as const;

/** ARCHITECTURE §2: these must always be present (the deck's NAT-cost cut depends on them; credential rotation reaches Secrets Manager only through its endpoint). */
export const REQUIRED_INTERFACE_ENDPOINTS = ["ecr.api", "ecr.dkr", "sts", "logs", "secretsmanager"] as const;

/** CloudWatch Logs accepts only these retention periods. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export interface NetworkSettings {
    /** @default 3 */
    readonly azCount: number;
    /** @default - one NAT gateway per AZ (AZ independence); 1..azCount to save cost */
    readonly natGateways: number;
    /** @default 20 */
    readonly subnetPrefix: number;
    /** @default DEFAULT_INTERFACE_ENDPOINTS */
    readonly interfaceEndpoints: readonly string[];
}

export function readNetwork(r: ConfigReader): NetworkSettings {
    const azCount = r.number("mall:azCount", { default: 3, min: 2, max: 6 });
    const natGateways = r.number("mall:natGateways", { default: azCount, min: 1, max: azCount });
    const subnetPrefix = r.number("mall:subnetPrefix", { default: DEFAULT_SUBNET_PREFIX, min: 17, max: 28 });
    const interfaceEndpoints = r.stringList("mall:interfaceEndpoints", DEFAULT_INTERFACE_ENDPOINTS, {
        pattern: /^[a-z0-9][a-z0-9.-]*$/,
        describe: "an AWS service endpoint name like ecr.api",
    });
    const missing = REQUIRED_INTERFACE_ENDPOINTS.filter((e) => !interfaceEndpoints.includes(e));
    if (missing.length > 0) {
        r.problem(
            `mall:interfaceEndpoints lacks ${missing.join(", ")}; nodes pull images and get credentials through them without NAT, and credential rotation reaches Secrets Manager only through its endpoint, so they are required (add them to the list)`,
        );
    }
    const dupes = interfaceEndpoints.filter((e, i) => interfaceEndpoints.indexOf(e) !== i);
    if (dupes.length > 0) r.problem(`mall:interfaceEndpoints lists ${[...new Set(dupes)].join(", ")} twice; list each once`);
    return { azCount, natGateways, subnetPrefix, interfaceEndpoints };
}
