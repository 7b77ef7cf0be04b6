/**
 * Edge settings (ARCHITECTURE §5): the regional ingress every stack owns (origin ALB, health check, its
 * DNS records, region evacuation) and the CloudFront/WAF edge only the primary owns. Defaults are
 * the architecture's figures. Pure: no Pulumi imports.
 */
import { regionProblem } from "./aws-regions";
import { countryProblem } from "./iso-countries";
import { API_GATEWAY_PORT } from "../../components/catalogue";
import { BOT_CONTROL_MODES, BotControlMode, ORIGIN_SECRET_PHASES, OriginSecretPhase, READ_ONLY_API_PATHS, WAF_DEFAULTS, readOnlyApiPathProblems } from "../../components/edge/plan";
import { ConfigReader } from "./reader";

/** Route 53 accepts only these two intervals (seconds); 10 is the "fast" option and costs more. */
export const HEALTH_CHECK_INTERVALS = [10, 30] as const;
/** ARCHITECTURE §5: the checker regions. Route 53 needs at least three. */
export const DEFAULT_HEALTH_CHECK_REGIONS = ["us-east-1", "us-west-2", "eu-west-1"] as const;
/** Regions Route 53 health checkers run from (the API's HealthCheckRegion enum). */
export const HEALTH_CHECKER_REGIONS = [
    "us-east-1",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "sa-east-1",
] as const;
export { BOT_CONTROL_MODES, BotControlMode };

export interface IngressSettings {
    /**
     * Netflix's failover mode: take this region out of `api-internal` latency routing and point
     * its `api-<region>` name (the CloudFront failover origin) at the surviving regions.
     * @default false
     */
    readonly evacuate: boolean;
    /** @default "/health/ready" */
    readonly healthCheckPath: string;
    /** @default 30 (10 = fast) */
    readonly healthCheckInterval: number;
    /** @default 3 */
    readonly healthCheckFailureThreshold: number;
    /** @default ["us-east-1", "us-west-2", "eu-west-1"] */
    readonly healthCheckRegions: readonly string[];
    /** Port the api-gateway pods listen on (IP targets). @default 8080 */
    readonly apiTargetPort: number;
}

export interface EdgeSettings {
    /**
     * The public hosted zone of `mall:domain`, created and delegated before the first deploy: ACM
     * validates the certificates through public DNS, which reaches a zone only once the parent
     * delegates to it. Required outside the offline plan; unset (offline plan only) = the primary
     * creates the zone, to show it. @default undefined
     */
    readonly hostedZoneId?: string;
    /** Read-only API sub-trees CloudFront fails over through the origin group. @default ["/api/read/*"] */
    readonly readOnlyApiPaths: readonly string[];
    /** @default ["KR", "US", "JP"] */
    readonly wafAllowedCountries: readonly string[];
    /** Requests per 5 minutes per IP before WAF blocks. @default 2000 */
    readonly wafRateLimit: number;
    /** @default "count" - Bot Control observes first; "off" removes the rule */
    readonly wafBotControl: BotControlMode;
    /** Days CloudFront access logs are kept in the logging bucket. @default 365 */
    readonly accessLogRetentionDays: number;
    /** Where Origin Shield sits in front of the static bucket. @default "us-east-1" */
    readonly originShieldRegion: string;
    /** The origin secret's generation in use; bump it (with the phase) to rotate. @default 1 */
    readonly originSecretEpoch: number;
    /** Where a rotation of the origin secret stands (docs/edge.md, "Rotating the origin secret"). @default "steady" */
    readonly originSecretPhase: OriginSecretPhase;
}

/** Keys only the primary reads: a secondary that sets one gets told, not silently ignored. */
export const PRIMARY_ONLY_EDGE_KEYS = [
    "mall:hostedZoneId",
    "mall:readOnlyApiPaths",
    "mall:wafAllowedCountries",
    "mall:wafRateLimit",
    "mall:wafBotControl",
    "mall:accessLogRetentionDays",
    "mall:originShieldRegion",
    "mall:originSecretEpoch",
    "mall:originSecretPhase",
] as const;

const REGION_NAME = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/**
 * Production checks at the fast interval: 10 s × 3 failures + the 60 s alias TTL puts traffic on the
 * successor within 90 s of a region loss (DR target), for about USD 1 a month more per check
 * (Route 53's fast-interval option); elsewhere the standard 30 s.
 */
export function defaultHealthCheckInterval(environment: string): number {
    return environment === "production" ? 10 : 30;
}

export function readIngress(r: ConfigReader, environment = "production"): IngressSettings {
    const evacuate = r.boolean("mall:evacuate", false);
    const healthCheckPath = r.string("mall:healthCheckPath", {
        default: "/health/ready",
        pattern: /^\/[A-Za-z0-9._~\/-]*$/,
        describe: "an absolute URL path such as /health/ready",
    });
    const healthCheckInterval = r.number("mall:healthCheckInterval", { default: defaultHealthCheckInterval(environment) });
    if (!(HEALTH_CHECK_INTERVALS as readonly number[]).includes(healthCheckInterval)) {
        r.problem(`mall:healthCheckInterval ${healthCheckInterval} is not a Route 53 interval; use 30 (standard) or 10 (fast)`);
    }
    const healthCheckFailureThreshold = r.number("mall:healthCheckFailureThreshold", { default: 3, min: 1, max: 10 });
    const healthCheckRegions = r.stringList("mall:healthCheckRegions", DEFAULT_HEALTH_CHECK_REGIONS);
    const unknownCheckers = healthCheckRegions.filter((c) => !(HEALTH_CHECKER_REGIONS as readonly string[]).includes(c));
    if (unknownCheckers.length > 0) {
        r.problem(`mall:healthCheckRegions lists ${unknownCheckers.join(", ")}, where Route 53 has no health checkers; use regions from ${HEALTH_CHECKER_REGIONS.join(", ")}`);
    }
    if (new Set(healthCheckRegions).size < 3) {
        r.problem(`mall:healthCheckRegions has ${new Set(healthCheckRegions).size} distinct region(s); Route 53 needs at least 3 (default ${DEFAULT_HEALTH_CHECK_REGIONS.join(", ")})`);
    }
    const apiTargetPort = r.number("mall:apiTargetPort", { default: API_GATEWAY_PORT, min: 1, max: 65535 });
    return { evacuate, healthCheckPath, healthCheckInterval, healthCheckFailureThreshold, healthCheckRegions, apiTargetPort };
}

/** What the edge reader needs from the rest of the stack's config. */
export interface EdgeReadContext {
    /** The offline plan may create the zone; a real run needs a delegated one (see hostedZoneId). */
    readonly offlinePlan: boolean;
    /** `mall:domain`, for the messages. */
    readonly domain: string;
}

/** Reads the primary-only edge settings; on a secondary, any of them set is a problem. */
export function readEdge(r: ConfigReader, role: "primary" | "secondary" | undefined, context: EdgeReadContext = { offlinePlan: true, domain: "" }): EdgeSettings {
    if (role === "secondary") {
        for (const key of PRIMARY_ONLY_EDGE_KEYS) {
            if (r.has(key)) r.problem(`${key} is set on the secondary stack ${r.stack}; the edge (zone, CloudFront, WAF) lives in the primary, move the key to the primary's stack file`);
        }
    }
    const hostedZoneId = r.string("mall:hostedZoneId", { default: "", pattern: /^Z[A-Z0-9]{1,31}$/, describe: "a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ" });
    if (role === "primary" && !context.offlinePlan && hostedZoneId === "" && !r.has("mall:hostedZoneId")) {
        const apex = context.domain || "<domain>";
        r.problem(
            `mall:hostedZoneId is not set; the first deploy needs a public zone for ${apex} that is already delegated (ACM validates the certificates through public DNS, and a zone created in the same run is delegated only after it, so validation would time out after 75 minutes). ` +
                `Create and delegate it first: aws route53 create-hosted-zone --name ${apex} --caller-reference mall-$(date +%s), add its four NS records at the parent zone or registrar, check with dig NS ${apex}, then pulumi config set mall:hostedZoneId <Z…> -s ${r.stack}`,
        );
    }
    const readOnlyApiPaths = r.stringList("mall:readOnlyApiPaths", READ_ONLY_API_PATHS);
    for (const p of readOnlyApiPathProblems(readOnlyApiPaths)) r.problem(`mall:readOnlyApiPaths ${p}`);
    const wafAllowedCountries = r.stringList("mall:wafAllowedCountries", WAF_DEFAULTS.allowedCountries, {
        pattern: /^[A-Z]{2}$/,
        describe: "an ISO 3166-1 alpha-2 country code such as KR",
    });
    for (const code of wafAllowedCountries) {
        const problem = /^[A-Z]{2}$/.test(code) ? countryProblem(code) : undefined;
        if (problem) r.problem(`mall:wafAllowedCountries ${problem}`);
    }
    if (wafAllowedCountries.length === 0) {
        r.problem(`mall:wafAllowedCountries is empty, which would block every viewer; list at least one country (default KR, US, JP)`);
    }
    const wafRateLimit = r.number("mall:wafRateLimit", { default: WAF_DEFAULTS.rateLimit, min: 10, max: 2_000_000_000 });
    const wafBotControl = r.string("mall:wafBotControl", { default: WAF_DEFAULTS.botControl, allowed: BOT_CONTROL_MODES }) as BotControlMode;
    const accessLogRetentionDays = r.number("mall:accessLogRetentionDays", { default: 365, min: 1 });
    const originShieldRegion = r.string("mall:originShieldRegion", { default: "us-east-1", pattern: REGION_NAME, describe: "an AWS region name like us-east-1" });
    const shieldProblem = REGION_NAME.test(originShieldRegion) ? regionProblem(originShieldRegion) : undefined;
    if (shieldProblem) r.problem(`mall:originShieldRegion ${shieldProblem}`);
    const originSecretEpoch = r.number("mall:originSecretEpoch", { default: 1, min: 1, max: 1_000_000 });
    const originSecretPhase = r.string("mall:originSecretPhase", { default: "steady", allowed: ORIGIN_SECRET_PHASES }) as OriginSecretPhase;
    return {
        hostedZoneId: hostedZoneId === "" ? undefined : hostedZoneId,
        readOnlyApiPaths,
        wafAllowedCountries,
        wafRateLimit,
        wafBotControl,
        accessLogRetentionDays,
        originShieldRegion,
        originSecretEpoch,
        originSecretPhase,
    };
}
