/**
 * Pure planning for the edge: the DNS names that are the contract between stacks, what a region
 * publishes in DNS (and what evacuation changes), the origin group's members, and the WAF rules in
 * priority order. Imports nothing from @pulumi/aws, so tables and properties can test it.
 */

/** CloudFront, its viewer certificate and the CLOUDFRONT-scope WAF exist only in us-east-1. */
export const EDGE_REGION = "us-east-1";

export const MANAGED_PREFIX_LISTS = {
    /** Weight 55 against the SG rule quota (60 by default): it gets a security group of its own. */
    cloudfront: "com.amazonaws.global.cloudfront.origin-facing",
    /** Weight 25: with CloudFront's 55 it would exceed the default 60 rules, hence a second SG. */
    healthChecks: (region: string) => `com.amazonaws.${region}.route53-healthchecks`,
} as const;

export const MANAGED_POLICIES = {
    cachingOptimized: "Managed-CachingOptimized",
    cachingDisabled: "Managed-CachingDisabled",
    allViewerExceptHostHeader: "Managed-AllViewerExceptHostHeader",
} as const;

/** The label the viewer-facing name puts before the apex: the site is `mall.<domain>`. */
export const SITE_LABEL = "mall";

/** The names that meet at DNS (DESIGN §2): nothing else about a region crosses stacks. */
export const edgeNames = {
    /** The viewer-facing name, an alias to CloudFront. */
    site: (domain: string) => `${SITE_LABEL}.${domain}`,
    /** Latency-routed: one record per region, each with that region's health check. */
    apiInternal: (domain: string) => `api-internal.${domain}`,
    /** One plain record per region: the direct origin (CloudFront's failover member). */
    apiRegional: (domain: string, region: string) => `api-${region}.${domain}`,
    /**
     * The region's origin for the DR probes: always that region's ALB. Unlike `api-<region>`,
     * evacuation never re-points it, so a probe of an evacuated region still reaches the region.
     */
    probe: (domain: string, region: string) => `probe-${region}.${domain}`,
};

/**
 * The DR probes through CloudFront (docs/dr.md "The signal"). A canary in one region asks the site
 * for `/probe/<region>/<kind>`; the distribution sends `/probe/<region>/*` to that region's
 * `probe-<region>` origin with the origin secret; the region's ALB answers:
 * - `alive`: a fixed 200 from the ALB itself: the region is reachable over the internet path. An
 *   application outage leaves it answering (traffic moves, nothing is promoted);
 * - `ready`: rewritten to the readiness path and forwarded: the region's API can serve.
 */
export type ProbeKind = "alive" | "ready";
export const PROBE_PREFIX = "/probe/";
export const probePaths = {
    /** The distribution's behaviour for a region's probes. */
    pattern: (region: string) => `${PROBE_PREFIX}${region}/*`,
    path: (region: string, kind: ProbeKind) => `${PROBE_PREFIX}${region}/${kind}`,
    /** The body the ALB answers `alive` with; the canary checks it, so another region's ALB cannot pass for this one. */
    aliveBody: (region: string) => `alive ${region}`,
};
/** The region and kind a probe path asks for (`/probe/us-east-1/alive`), or undefined for any other path. */
export function parseProbePath(path: string): { readonly region: string; readonly kind: ProbeKind } | undefined {
    const m = new RegExp(`^${PROBE_PREFIX}([a-z0-9-]+)/(alive|ready)$`).exec(path);
    return m ? { region: m[1], kind: m[2] as ProbeKind } : undefined;
}

/** The distribution's origin id for a region's probes. */
export const probeOriginId = (region: string) => `probe-${region}`;

/**
 * The names every regional origin certificate covers: `api-internal` plus every registered region's
 * `api-<region>`. Every region's certificate carries all of them, so that while a region is
 * evacuated its `api-<region>` name (aliased to `api-internal`) still verifies on whichever origin ALB
 * answers. ACM gives one validation CNAME per name and account in every region, so the primary
 * creates those records once and the secondaries' certificates validate against them.
 */
export function regionalCertificateNames(domain: string, regions: readonly string[], region?: string): { domainName: string; subjectAlternativeNames: string[] } {
    return {
        domainName: edgeNames.apiInternal(domain),
        subjectAlternativeNames: [...regions.map((r) => edgeNames.apiRegional(domain, r)), ...(region ? [edgeNames.probe(domain, region)] : [])],
    };
}

export type RegionalTarget = "load-balancer" | "api-internal";

/** What one region publishes in DNS. */
export interface RegionDnsPlan {
    /** `api-<region>.<domain>`: the region's origin ALB, or (evacuated) the latency set of the others. */
    readonly regional: { readonly name: string; readonly target: RegionalTarget };
    /** The region's member of the `api-internal` latency set; absent while evacuated. */
    readonly latency?: { readonly name: string; readonly setIdentifier: string; readonly region: string };
}

/**
 * Evacuation (Netflix's failover mode) is one switch in the evacuated region's own stack: its
 * latency record is withdrawn, and its `api-<region>` name becomes an alias of `api-internal`, so
 * CloudFront's failover member (which the primary names by DNS) follows the surviving regions
 * without the primary changing. The health check keeps probing, so the DR alarms stay truthful
 * and the operator sees when the region is fit to return.
 */
export function planRegionDns(domain: string, region: string, evacuated: boolean): RegionDnsPlan {
    const regional = { name: edgeNames.apiRegional(domain, region), target: (evacuated ? "api-internal" : "load-balancer") as RegionalTarget };
    if (evacuated) return { regional };
    return { regional, latency: { name: edgeNames.apiInternal(domain), setIdentifier: region, region } };
}

/** CloudFront origin ids. */
export const ORIGIN_IDS = {
    web: "web-bucket",
    /** The web bucket's replica in the failover region (one-way replication from \`web\`). */
    webReplica: "web-replica",
    /** The origin group over \`web\` and \`webReplica\`: the storefront's behaviours target it. */
    webGroup: "web",
    apiInternal: "api-internal",
    apiFailover: "api-failover",
    apiGroup: "api",
} as const;

/**
 * The API contract for CloudFront's own failover: under this prefix the API serves only safe
 * methods (GET, HEAD, OPTIONS). CloudFront rejects an origin group behind a behaviour that allows
 * writes, and answers a method the behaviour does not allow with 403 "Invalid method", so an
 * origin-group path that also carried writes (POST /api/reviews/<id>) would break those writes.
 * Every other `/api/` path falls to the catch-all `/api/*` (all methods, `api-internal`), where
 * Route 53 withdraws an unhealthy region for reads and writes alike.
 */
export const READ_ONLY_API_PREFIX = "/api/read/";
/** `mall:readOnlyApiPaths`' default: the documented read-only prefix. */
export const READ_ONLY_API_PATHS = [`${READ_ONLY_API_PREFIX}*`] as const;
/** The catch-all API behaviour (every method, `api-internal`). */
export const API_PATH_PATTERN = "/api/*";
/** Hashed SPA assets, cached at the edge. */
export const STATIC_PATH_PATTERN = "/static/*";
/** CloudFront allows 25 cache behaviours per distribution by default; the other two plus these stay well under it. */
export const MAX_READ_ONLY_API_PATHS = 20;
/** The methods of a read-only (origin-group) behaviour: the only ones CloudFront allows with an origin group. */
export const READ_ONLY_METHODS = ["GET", "HEAD", "OPTIONS"] as const;

const READ_ONLY_PATH = /^\/api\/[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*\/\*$/;

/**
 * Problems of a list of origin-group path patterns (empty when it is fine), each starting with the
 * offending entry so the settings reader can prefix the key. A pattern must name a sub-tree of
 * `/api/` (`/api/<segment>/…/*`): not the catch-all (which carries writes), no other wildcard (a
 * `*` inside a segment would also match write routes beside it), and no pattern inside another
 * (the first listed would silently take the other's requests).
 */
export function readOnlyApiPathProblems(paths: readonly string[]): string[] {
    const problems: string[] = [];
    if (paths.length === 0) problems.push(`is empty; list at least one read-only prefix such as ${READ_ONLY_API_PATHS[0]} (the API's read-only contract)`);
    if (paths.length > MAX_READ_ONLY_API_PATHS) problems.push(`has ${paths.length} entries; at most ${MAX_READ_ONLY_API_PATHS} (CloudFront allows 25 cache behaviours per distribution)`);
    for (const p of paths) {
        if (p === API_PATH_PATTERN) problems.push(`entry "${p}" is the catch-all, which carries writes; CloudFront would refuse every POST/PUT/PATCH/DELETE with 403. List read-only sub-trees such as ${READ_ONLY_API_PATHS[0]}`);
        else if (!READ_ONLY_PATH.test(p)) problems.push(`entry "${p}" must start with /api/, end with /* and contain no other wildcard, e.g. ${READ_ONLY_API_PATHS[0]}`);
    }
    const prefix = (p: string) => p.slice(0, -1);
    paths.forEach((a, i) => {
        paths.forEach((b, j) => {
            if (i === j || !READ_ONLY_PATH.test(a) || !READ_ONLY_PATH.test(b)) return;
            if (a === b && i < j) problems.push(`entry "${a}" is listed twice; list it once`);
            else if (a !== b && prefix(b).startsWith(prefix(a))) problems.push(`entry "${b}" lies inside "${a}", which already covers it; drop "${b}"`);
        });
    });
    return problems;
}

/** ARCHITECTURE §5: CloudFront fails over on these and on connection failure (GET/HEAD/OPTIONS only). */
export const FAILOVER_STATUS_CODES = [500, 502, 503, 504] as const;

/**
 * The storefront group fails over on these. 403 first: with origin access control granting only
 * s3:GetObject, S3 answers a missing object with 403, not 404 (a replica that lags, or a primary
 * bucket that lost its contents); 404 for when CloudFront may list; 5xx for a regional S3 outage.
 * All nine codes CloudFront accepts are 400, 403, 404, 416, 429, 500, 502, 503, 504.
 */
export const SITE_FAILOVER_STATUS_CODES = [403, 404, 500, 502, 503, 504] as const;

export interface OriginGroupPlan {
    readonly primaryDomain: string;
    /** Undefined with a single region: no group, the API behaviour targets `api-internal` alone. */
    readonly failoverDomain?: string;
    readonly failoverRegion?: string;
}

/**
 * Primary member `api-internal` (latency-routed, healthy regions only); secondary member the
 * registry's next region after the primary, by its `api-<region>` name.
 */
export function planOriginGroup(domain: string, primaryRegion: string, regions: readonly string[]): OriginGroupPlan {
    const i = regions.indexOf(primaryRegion);
    if (i < 0) throw new Error(`primary region ${primaryRegion} is not in the registry (${regions.join(", ")})`);
    const next = regions.length > 1 ? regions[(i + 1) % regions.length] : undefined;
    return {
        primaryDomain: edgeNames.apiInternal(domain),
        ...(next ? { failoverDomain: edgeNames.apiRegional(domain, next), failoverRegion: next } : {}),
    };
}

/** One origin group as CloudFront takes it. */
export interface OriginGroupSpec {
    readonly originId: string;
    readonly failoverCriteria: { readonly statusCodes: number[] };
    readonly members: { readonly originId: string }[];
}

/**
 * The distribution's origin groups: none with a single region; otherwise the API group
 * (\`api-internal\`, then the failover region's \`api-<region>\`) and the storefront group (the web
 * bucket, then its replica in the same failover region). Both fail over only for GET/HEAD/OPTIONS,
 * which is all their behaviours allow.
 */
export function planOriginGroups(group: OriginGroupPlan): OriginGroupSpec[] {
    if (!group.failoverDomain) return [];
    return [
        { originId: ORIGIN_IDS.apiGroup, failoverCriteria: { statusCodes: [...FAILOVER_STATUS_CODES] }, members: [{ originId: ORIGIN_IDS.apiInternal }, { originId: ORIGIN_IDS.apiFailover }] },
        { originId: ORIGIN_IDS.webGroup, failoverCriteria: { statusCodes: [...SITE_FAILOVER_STATUS_CODES] }, members: [{ originId: ORIGIN_IDS.web }, { originId: ORIGIN_IDS.webReplica }] },
    ];
}

/** Bot Control counts (measure first, ARCHITECTURE §5) or is off. */
export const BOT_CONTROL_MODES = ["count", "off"] as const;
export type BotControlMode = (typeof BOT_CONTROL_MODES)[number];

/** The WAF's defaults (ARCHITECTURE §5), read by the settings reader and the component alike. */
export const WAF_DEFAULTS = {
    /** P1: the countries the mall serves; every other country is blocked. */
    allowedCountries: ["KR", "US", "JP"],
    /** P2: requests per 5 minutes per IP before blocking. */
    rateLimit: 2000,
    /** Bot Control runs in count mode first (ARCHITECTURE §5). */
    botControl: "count",
} as const satisfies { allowedCountries: readonly string[]; rateLimit: number; botControl: BotControlMode };

interface WafRuleBase {
    readonly priority: number;
    readonly name: string;
}

/** One planned rule of the web ACL; the kind decides which fields exist. */
export type WafRulePlan =
    | (WafRuleBase & {
          readonly kind: "geo-allowlist";
          readonly action: "block";
          readonly countries: readonly string[];
          /**
           * Requests whose whole path matches this regex are not geo-blocked (the DR probes: a
           * canary's Region need not be a served country). Anchored and exact, so no other path
           * (`/probe/<region>/../../api/…`) rides on the exemption.
           */
          readonly exemptPathRegex?: string;
      })
    | (WafRuleBase & { readonly kind: "rate-limit"; readonly action: "block"; readonly limit: number })
    | (WafRuleBase & {
          readonly kind: "managed";
          /** `none` applies the group's own actions; `count` only counts (overrideAction). */
          readonly action: "none" | "count";
          readonly managedGroup: string;
          /** Bot Control only inspects this path prefix (it is billed per inspected request). */
          readonly scopeDownPathPrefix?: string;
      });

export interface WafPlanInput {
    readonly allowedCountries: readonly string[];
    readonly rateLimit: number;
    readonly botControl: BotControlMode;
    /** The registered regions, whose exact probe paths the geo rule lets through. @default [] - no exemption */
    readonly probeRegions?: readonly string[];
}

/** `^/probe/(us-east-1|us-west-2)/(alive|ready)$`: exactly the probe paths of these regions. */
export function probePathRegex(regions: readonly string[]): string {
    return `^${PROBE_PREFIX}(${regions.map((r) => r.replace(/[^a-z0-9-]/g, "")).join("|")})/(alive|ready)$`;
}

/**
 * ARCHITECTURE §5's five rules in priority order, then Bot Control in count mode. The geo rule
 * blocks what is NOT in the allow-list rather than allowing what is: an Allow terminates
 * evaluation, so allowed countries would skip the rate limit and the managed rules. The DR probes
 * (exactly `/probe/<registered region>/alive|ready`) are exempt from the geo rule only: a canary
 * runs in whatever Region is registered; the rate limit and the managed rules still apply to them.
 */
export function planWafRules(input: WafPlanInput): WafRulePlan[] {
    const rules: WafRulePlan[] = [
        {
            priority: 1,
            name: "geo-allowlist",
            kind: "geo-allowlist",
            action: "block",
            countries: [...input.allowedCountries],
            ...(input.probeRegions?.length ? { exemptPathRegex: probePathRegex(input.probeRegions) } : {}),
        },
        { priority: 2, name: "rate-limit-per-ip", kind: "rate-limit", action: "block", limit: input.rateLimit },
        { priority: 3, name: "known-bad-inputs", kind: "managed", action: "none", managedGroup: "AWSManagedRulesKnownBadInputsRuleSet" },
        { priority: 4, name: "sqli", kind: "managed", action: "none", managedGroup: "AWSManagedRulesSQLiRuleSet" },
        { priority: 5, name: "common", kind: "managed", action: "none", managedGroup: "AWSManagedRulesCommonRuleSet" },
    ];
    if (input.botControl === "count") {
        rules.push({ priority: 6, name: "bot-control", kind: "managed", action: "count", managedGroup: "AWSManagedRulesBotControlRuleSet", scopeDownPathPrefix: "/api/" });
    }
    return rules;
}

/** Every method CloudFront forwards; only the catch-all API behaviour allows them all. */
export const ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"] as const;

/** The managed policies' ids, once looked up (`T` is an Output in the component, a string in tests). */
export interface CachePolicyIds<T> {
    readonly cachingOptimized: T;
    readonly cachingDisabled: T;
    readonly allViewerExceptHost: T;
}

/** One behaviour as CloudFront takes it (the ordered ones add `pathPattern`). */
export interface BehaviourPlan<T> {
    readonly pathPattern?: string;
    readonly targetOriginId: string;
    readonly viewerProtocolPolicy: "https-only" | "redirect-to-https";
    readonly allowedMethods: string[];
    readonly cachedMethods: string[];
    readonly cachePolicyId: T;
    readonly originRequestPolicyId?: T;
    readonly compress: boolean;
    /** CloudFront Functions run by this behaviour (the SPA fallback on the default one). */
    readonly functionAssociations?: { readonly eventType: "viewer-request"; readonly functionArn: T }[];
}

/**
 * The distribution's behaviours, matched in order: the read-only API routes on the origin group
 * (GET/HEAD/OPTIONS only: CloudFront rejects an origin group behind write methods), then the
 * catch-all `/api/*` with every method on `api-internal` (Route 53 fails writes over), then
 * `/static/*`; the default behaviour serves the SPA, with the SPA fallback function (viewer
 * request) when one is given. Both site behaviours target the storefront origin group (the web
 * bucket, then its replica; GET/HEAD only). Before all of them, one behaviour per probed region
 * (`/probe/<region>/*`, GET/HEAD, uncached) on that region's probe origin. Without a failover
 * region there are no groups: the read-only routes fall to `/api/*` and the site to the bucket.
 *
 * The API behaviours do not ask CloudFront to compress: CloudFront compresses only under a cache
 * policy that enables Gzip and Brotli with TTLs above zero, and the API is not cached
 * (CachingDisabled), so api-gateway compresses its own responses (docs/edge.md).
 */
export function planCacheBehaviours<T>(
    originGroup: OriginGroupPlan,
    policies: CachePolicyIds<T>,
    readOnlyPaths: readonly string[] = READ_ONLY_API_PATHS,
    spaFallbackFunctionArn?: T,
    probeRegions: readonly string[] = [],
): { ordered: (BehaviourPlan<T> & { readonly pathPattern: string })[]; default: BehaviourPlan<T> } {
    const problems = readOnlyApiPathProblems(readOnlyPaths);
    if (problems.length > 0) throw new Error(`read-only API paths: ${problems.join("; ")}`);
    const api = (pathPattern: string, targetOriginId: string, allowedMethods: readonly string[]): BehaviourPlan<T> & { readonly pathPattern: string } => ({
        pathPattern,
        targetOriginId,
        viewerProtocolPolicy: "https-only",
        allowedMethods: [...allowedMethods],
        cachedMethods: ["GET", "HEAD"],
        cachePolicyId: policies.cachingDisabled,
        originRequestPolicyId: policies.allViewerExceptHost,
        compress: false,
    });
    const site: BehaviourPlan<T> = {
        // The storefront fails over to the bucket's replica wherever the API has a failover region.
        targetOriginId: originGroup.failoverDomain ? ORIGIN_IDS.webGroup : ORIGIN_IDS.web,
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: ["GET", "HEAD"],
        cachedMethods: ["GET", "HEAD"],
        cachePolicyId: policies.cachingOptimized,
        compress: true,
    };
    const readOnly = originGroup.failoverDomain ? readOnlyPaths.map((p) => api(p, ORIGIN_IDS.apiGroup, READ_ONLY_METHODS)) : [];
    // The DR probes first: each region's straight to that region, never through the group or latency routing.
    const probes = probeRegions.map((r) => api(probePaths.pattern(r), probeOriginId(r), ["GET", "HEAD"]));
    return {
        ordered: [...probes, ...readOnly, api(API_PATH_PATTERN, ORIGIN_IDS.apiInternal, ALL_METHODS), { pathPattern: STATIC_PATH_PATTERN, ...site }],
        default:
            spaFallbackFunctionArn === undefined ? site : { ...site, functionAssociations: [{ eventType: "viewer-request", functionArn: spaFallbackFunctionArn }] },
    };
}

/** CloudFront Functions' runtime for the SPA fallback (ES 5.1 plus const/let, arrows, templates). */
export const SPA_FALLBACK_RUNTIME = "cloudfront-js-2.0";

/**
 * The SPA fallback, a CloudFront Function on the default behaviour's viewer request: a path whose
 * last segment has no extension (`/orders/42`, `/`) is a client-side route, so it is served
 * `/index.html`; a file (`/favicon.ico`, `/assets/app.css`) passes through unchanged. It replaces
 * distribution-wide custom error responses, which turned every 403/404 (WAF blocks, CloudFront's
 * "Invalid method", API errors) into 200 + index.html. Written in ES 5.1 (`var`, no arrows), which
 * every CloudFront Functions runtime accepts; no eval, timers, network or modules.
 */
export const SPA_FALLBACK_CODE = `function handler(event) {
    var request = event.request;
    var uri = request.uri;
    var last = uri.substring(uri.lastIndexOf("/") + 1);
    if (last.indexOf(".") === -1) {
        request.uri = "/index.html";
    }
    return request;
}
`;

/**
 * The header CloudFront adds to every API origin request and the origin's listener requires (AWS,
 * "Restricting access to Application Load Balancers": a secret custom header the ALB checks). The
 * CloudFront origin-facing prefix list admits every customer's distribution; this header is what
 * tells ours apart.
 */
export const ORIGIN_VERIFY_HEADER = "X-Origin-Verify";
/**
 * The origin listener's rules, matched by priority: the health path (no secret), the two probe
 * answers (secret), a 404 for any other `/probe/` path (the API never sees one), then the secret
 * forward of everything else (room left for rules before it).
 */
export const LISTENER_PRIORITIES = { health: 1, probeAlive: 2, probeReady: 3, probeOther: 4, originVerified: 10 } as const;
/** Methods the health path answers without the secret: what Route 53 (GET) and the DR probes send. */
export const HEALTH_PATH_METHODS = ["GET", "HEAD"] as const;

/**
 * Where a rotation of the origin secret stands (`mall:originSecretPhase`), for generation
 * `epoch` (`mall:originSecretEpoch`):
 * - `steady`: generation `epoch` only; CloudFront sends it, every origin accepts it;
 * - `staged`: generation `epoch + 1` exists too; every origin accepts both, CloudFront still sends `epoch`;
 * - `switched`: both accepted, CloudFront sends `epoch + 1`.
 * Then `epoch + 1` with `steady` drops the old generation. Each step is one declarative deploy:
 * the origins accept a value before CloudFront sends it, and stop accepting one only after.
 */
export const ORIGIN_SECRET_PHASES = ["steady", "staged", "switched"] as const;
export type OriginSecretPhase = (typeof ORIGIN_SECRET_PHASES)[number];

export interface OriginSecretPlan {
    /** The generations that exist (one random value each, named by generation so none regenerates). */
    readonly generations: readonly number[];
    /** The generation CloudFront sends. */
    readonly send: number;
    /** The generations every origin's listener rule (and regional WAF) accepts. */
    readonly accept: readonly number[];
}

export function planOriginSecret(epoch: number, phase: OriginSecretPhase): OriginSecretPlan {
    if (!Number.isInteger(epoch) || epoch < 1) throw new Error(`origin secret epoch ${epoch} must be an integer ≥ 1`);
    if (phase === "steady") return { generations: [epoch], send: epoch, accept: [epoch] };
    const both = [epoch, epoch + 1];
    return { generations: both, send: phase === "staged" ? epoch : epoch + 1, accept: both };
}

/**
 * Why going from the deployed rotation step `prev` to `next` would make an origin refuse what
 * CloudFront sends, or undefined when it is safe. Safe: the same step (a re-run), one step forward
 * (steady N → staged N → switched N → steady N+1), or one step back out of a rotation (staged N →
 * steady N, switched N → staged N). Anything else skips the deploy of the secondaries in between:
 * CloudFront would send a value some region's origin does not yet accept (a silent 403: the health
 * path needs no secret, so Route 53 does not fail the region over).
 */
export function rotationStepProblem(prev: { readonly epoch: number; readonly phase: OriginSecretPhase }, next: { readonly epoch: number; readonly phase: OriginSecretPhase }): string | undefined {
    const same = prev.epoch === next.epoch && prev.phase === next.phase;
    const forward =
        (prev.epoch === next.epoch && prev.phase === "steady" && next.phase === "staged") ||
        (prev.epoch === next.epoch && prev.phase === "staged" && next.phase === "switched") ||
        (prev.phase === "switched" && next.phase === "steady" && next.epoch === prev.epoch + 1);
    const back = prev.epoch === next.epoch && ((prev.phase === "staged" && next.phase === "steady") || (prev.phase === "switched" && next.phase === "staged"));
    if (same || forward || back) return undefined;
    const steps = [`epoch ${prev.epoch} steady`, `epoch ${prev.epoch} staged`, `epoch ${prev.epoch} switched`, `epoch ${prev.epoch + 1} steady`];
    return `the origin secret is at epoch ${prev.epoch} ${prev.phase}; epoch ${next.epoch} ${next.phase} is not the next rotation step (${steps.join(" → ")}, each deployed to the primary and then every secondary): set mall:originSecretEpoch and mall:originSecretPhase one step at a time`;
}

/** What the origin secret holds (JSON): the value CloudFront sends and every value the origins accept. */
export interface OriginSecretDocument {
    readonly epoch: number;
    readonly phase: OriginSecretPhase;
    readonly send: string;
    readonly accept: readonly string[];
}

/** The accepted values of a secret document, checked: a secondary refuses a document it cannot enforce. */
export function acceptedValues(json: string, where: string, expected?: { readonly epoch: number; readonly phase: OriginSecretPhase }): string[] {
    let doc: Partial<OriginSecretDocument>;
    try {
        doc = JSON.parse(json) as Partial<OriginSecretDocument>;
    } catch {
        throw new Error(`the origin secret ${where} is not JSON; re-run the primary stack, which writes it`);
    }
    const accept = Array.isArray(doc.accept) ? doc.accept.filter((v): v is string => typeof v === "string" && v.length > 0) : [];
    if (accept.length === 0 || accept.length > 2 || typeof doc.send !== "string" || !accept.includes(doc.send)) {
        throw new Error(`the origin secret ${where} must hold {send, accept} with 1-2 accepted values including the one sent; re-run the primary stack, which writes it`);
    }
    // A replica behind the primary (replication is asynchronous) would make this region's origin
    // refuse what CloudFront sends after a rotation step: stop instead of deploying a 403.
    if (expected && (doc.epoch !== expected.epoch || doc.phase !== expected.phase)) {
        throw new Error(
            `the origin secret ${where} holds epoch ${String(doc.epoch)} ${String(doc.phase)}, but the primary wrote epoch ${expected.epoch} ${expected.phase}: replication is behind; re-run this stack in a minute`,
        );
    }
    return accept;
}
