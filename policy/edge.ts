/** Edge guardrails: CloudFront serves only modern TLS behind WAF with logs; latency DNS fails over. */
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { describe } from "./lib/checks";
import { StackIndex, resourcePolicy, stackPolicy } from "./lib/define";
import { UNKNOWN, advise, at, list, show } from "./lib/props";

const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";
const LOG_DELIVERY_SOURCE = "aws:cloudwatch/logDeliverySource:LogDeliverySource";
const LOG_DELIVERY = "aws:cloudwatch/logDelivery:LogDelivery";

/** CloudFront's security policies, weakest first. */
export const CLOUDFRONT_TLS_VERSIONS = ["SSLv3", "TLSv1", "TLSv1_2016", "TLSv1.1_2016", "TLSv1.2_2018", "TLSv1.2_2019", "TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"];
const SECURE_VIEWER_POLICIES = ["https-only", "redirect-to-https"];

interface EdgeConfig {
    minimumProtocolVersion: string;
}

export const cloudfrontSecureViewers: StackValidationPolicy = stackPolicy<EdgeConfig>({
    name: "cloudfront-secure-viewers",
    description: "Checks that CloudFront distributions force HTTPS on every behaviour, use a modern TLS policy, sit behind a WAF web ACL and log access.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            minimumProtocolVersion: { type: "string", enum: CLOUDFRONT_TLS_VERSIONS, default: "TLSv1.2_2021", description: "Weakest viewerCertificate.minimumProtocolVersion allowed." },
        },
    },
    check: (resources, config, report) => {
        const name = "cloudfront-secure-viewers";
        const idx = new StackIndex(resources);
        const floor = CLOUDFRONT_TLS_VERSIONS.indexOf(config.minimumProtocolVersion);
        for (const d of idx.ofType(DISTRIBUTION)) {
            const p = d.props;
            const behaviours: [string, unknown][] = [["defaultCacheBehavior", at(p, "defaultCacheBehavior.viewerProtocolPolicy")]];
            const ordered = list(p, "orderedCacheBehaviors");
            if (ordered !== UNKNOWN) {
                ordered.forEach((b, i) => behaviours.push([`orderedCacheBehaviors[${i}] (${show(at(b, "pathPattern"))})`, at(b, "viewerProtocolPolicy")]));
            }
            for (const [where, v] of behaviours) {
                if (v === UNKNOWN) advise(report, name, `${describe(d)} ${where}.viewerProtocolPolicy cannot be verified during preview (unknown)`, d.urn);
                else if (typeof v !== "string" || !SECURE_VIEWER_POLICIES.includes(v)) {
                    report(`${describe(d)} must set ${where}.viewerProtocolPolicy to https-only or redirect-to-https; it is ${show(v)}`, d.urn);
                }
            }

            // The default certificate pins the TLSv1 policy whatever minimumProtocolVersion says.
            const defaultCert = at(p, "viewerCertificate.cloudfrontDefaultCertificate") === true;
            const version = defaultCert ? "TLSv1" : at(p, "viewerCertificate.minimumProtocolVersion");
            if (version === UNKNOWN) advise(report, name, `${describe(d)} viewerCertificate.minimumProtocolVersion cannot be verified during preview (unknown)`, d.urn);
            else if (typeof version !== "string" || CLOUDFRONT_TLS_VERSIONS.indexOf(version) < floor) {
                const why = defaultCert ? "it uses the CloudFront default certificate (TLSv1)" : `it is ${show(version)}`;
                report(`${describe(d)} must set viewerCertificate.minimumProtocolVersion to ${config.minimumProtocolVersion} or newer; ${why}`, d.urn);
            }

            const waf = at(p, "webAclId");
            if (waf === undefined || waf === "") report(`${describe(d)} must set webAclId to a WAF web ACL; it is unset`, d.urn);

            // Standard (v1) logging to S3 is on when loggingConfig.bucket is set; v2 logging goes
            // through a CloudWatch log delivery source whose resourceArn is the distribution's ARN,
            // and flows only once a log delivery links that source to a destination.
            const legacy = at(p, "loggingConfig.bucket");
            const sources = idx.dependents(d, "resourceArn", LOG_DELIVERY_SOURCE);
            const delivered = sources.some((s) => idx.dependents(s, "deliverySourceName", LOG_DELIVERY).length > 0);
            if (legacy === undefined && sources.length === 0) {
                report(`${describe(d)} must log access: set loggingConfig.bucket or add a ${LOG_DELIVERY_SOURCE} for it; it has neither`, d.urn);
            } else if (legacy === undefined && !delivered) {
                report(`${describe(d)} must log access: its ${LOG_DELIVERY_SOURCE} has no ${LOG_DELIVERY} to a destination, so no log is written`, d.urn);
            }
        }
    },
});

export const latencyRecordsHaveHealthChecks: ResourceValidationPolicy = resourcePolicy({
    name: "latency-records-have-health-checks",
    description: "Checks that every latency-routed Route 53 record has a health check, so DNS stops answering with a dead region.",
    enforcementLevel: "advisory",
    types: ["aws:route53/record:Record"],
    check: (r, _config, report) => {
        const latency = list(r.props, "latencyRoutingPolicies");
        if (latency !== UNKNOWN && latency.length === 0) return;
        const hc = at(r.props, "healthCheckId");
        if (hc === undefined || hc === "") {
            report(`${describe(r)} must set healthCheckId because it uses latencyRoutingPolicies; it is unset`, r.urn);
        }
    },
});

const LOAD_BALANCER = ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"];
const LISTENER = ["aws:lb/listener:Listener", "aws:alb/listener:Listener"];
const LISTENER_RULE = ["aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule"];
const WAF_ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation";
const HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck";
/** What a Route 53 HTTP(S) health check sends: GET (HEAD kept for load balancers' own probes). */
const PROBE_METHODS = ["GET", "HEAD"];

/** ELB security policies that allow TLS 1.2 and 1.3 only (AWS, "Security policies for your Application Load Balancer"; the PQ ones add hybrid ML-KEM key exchange). */
export const MODERN_ELB_TLS_POLICIES = [
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
];

interface ListenerConfig {
    sslPolicies: string[];
}

export const lbListenersTls: ResourceValidationPolicy = resourcePolicy<ListenerConfig>({
    name: "lb-listeners-modern-tls",
    description: "Checks that load balancer listeners terminate HTTPS/TLS with a TLS 1.2+ security policy, or only redirect to HTTPS.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            sslPolicies: { type: "array", items: { type: "string" }, default: MODERN_ELB_TLS_POLICIES, description: "ELB security policies a listener may use." },
        },
    },
    types: LISTENER,
    check: (r, config, report) => {
        const protocol = at(r.props, "protocol");
        if (protocol === UNKNOWN) return advise(report, "lb-listeners-modern-tls", `${describe(r)} protocol cannot be verified during preview (unknown)`, r.urn);
        if (protocol === "HTTPS" || protocol === "TLS") {
            const policy = at(r.props, "sslPolicy");
            if (policy === UNKNOWN) advise(report, "lb-listeners-modern-tls", `${describe(r)} sslPolicy cannot be verified during preview (unknown)`, r.urn);
            else if (typeof policy !== "string" || !config.sslPolicies.includes(policy)) {
                report(`${describe(r)} must set sslPolicy to one of ${config.sslPolicies.join(", ")}; it is ${show(policy)} (the ELB default allows TLS 1.0)`, r.urn);
            }
            return;
        }
        const actions = list(r.props, "defaultActions");
        const redirectsOnly =
            protocol === "HTTP" && actions !== UNKNOWN && actions.length > 0 && actions.every((a) => at(a, "type") === "redirect" && at(a, "redirect.protocol") === "HTTPS");
        if (!redirectsOnly) report(`${describe(r)} must use HTTPS or TLS (or, on HTTP, only redirect to HTTPS); it is ${show(protocol)}`, r.urn);
    },
});

interface OriginConfig {
    originHeader: string;
}

/**
 * Security S1: CloudFront's origin-facing list admits every customer's distribution, so a public
 * origin must prove the request came through ours. An NLB cannot read a header; an ALB can, if
 * nothing forwards without it except a Route 53 health check's exact path, for GET/HEAD only.
 */
export const publicOriginsVerifyDistribution: StackValidationPolicy = stackPolicy<OriginConfig>({
    name: "public-origins-verify-distribution",
    description:
        "Checks that every internet-facing load balancer is an ALB whose listeners forward only requests carrying the distribution's origin header (a Route 53 health check's exact path, GET/HEAD only, excepted), with a regional WAF, and that every CloudFront custom origin sends that header.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: { originHeader: { type: "string", default: "X-Origin-Verify", description: "The custom header CloudFront adds and the origins require." } },
    },
    check: (resources, config, report) => {
        const name = "public-origins-verify-distribution";
        const idx = new StackIndex(resources);
        const header = config.originHeader.toLowerCase();
        const probed = new Set(idx.ofType(HEALTH_CHECK).map((h) => at(h.props, "resourcePath")).filter((p): p is string => typeof p === "string"));
        for (const lb of idx.ofType(...LOAD_BALANCER)) {
            const internal = at(lb.props, "internal");
            if (internal === true) continue;
            if (internal === UNKNOWN) {
                advise(report, name, `${describe(lb)} internal cannot be verified during preview (unknown)`, lb.urn);
                continue;
            }
            const type = at(lb.props, "loadBalancerType") ?? "application";
            if (type !== "application") {
                report(`${describe(lb)} must be an application load balancer (or internal): a public ${show(type)} load balancer cannot check ${config.originHeader}, so any CloudFront distribution reaches it`, lb.urn);
                continue;
            }
            const listeners = idx.dependents(lb, "loadBalancerArn", ...LISTENER);
            for (const l of listeners) {
                const defaults = list(l.props, "defaultActions");
                if (defaults !== UNKNOWN && defaults.some((a) => at(a, "type") === "forward" || at(a, "forward") !== undefined)) {
                    report(`${describe(l)} must not forward by default; answer a fixed response and forward only in rules that require ${config.originHeader}`, l.urn);
                }
                for (const rule of idx.dependents(l, "listenerArn", ...LISTENER_RULE)) {
                    const actions = list(rule.props, "actions");
                    if (actions === UNKNOWN || !actions.some((a) => at(a, "type") === "forward")) continue;
                    const conditions = list(rule.props, "conditions");
                    if (conditions === UNKNOWN) {
                        advise(report, name, `${describe(rule)} conditions cannot be verified during preview (unknown)`, rule.urn);
                        continue;
                    }
                    const verified = conditions.some((c) => String(at(c, "httpHeader.httpHeaderName") ?? "").toLowerCase() === header);
                    const paths = conditions.flatMap((c) => {
                        const v = list(c, "pathPattern.values");
                        return v === UNKNOWN ? ["*"] : v.map(String);
                    });
                    if (verified) continue;
                    // Without the header, a rule may forward only what Route 53 probes: a health check's exact
                    // path, read-only. Anything else (an exact admin path, a POST to the health path) is open to
                    // every client that finds the load balancer.
                    const methods = conditions.flatMap((c) => {
                        const v = list(c, "httpRequestMethod.values");
                        return v === UNKNOWN ? ["*"] : v.map(String);
                    });
                    const healthOnly = paths.length > 0 && paths.every((p) => probed.has(p));
                    const readOnly = methods.length > 0 && methods.every((m) => PROBE_METHODS.includes(m.toUpperCase()));
                    if (!healthOnly || !readOnly) {
                        const what = paths.length ? paths.join(", ") : "every path";
                        const why = !healthOnly
                            ? `it forwards ${what} without it, and only a Route 53 health check's resourcePath (${[...probed].map(show).join(", ") || "none in this stack"}) may go unverified`
                            : `it forwards the health path ${what} without it for ${methods.length ? methods.join(", ") : "every method"}; limit it with an httpRequestMethod condition to ${PROBE_METHODS.join("/")}`;
                        report(`${describe(rule)} must require ${config.originHeader} (an httpHeader condition); ${why}`, rule.urn);
                    }
                }
            }
            const waf = idx.dependents(lb, "resourceArn", WAF_ASSOCIATION).length > 0;
            if (!waf) report(`${describe(lb)} must have a regional WAF web ACL (${WAF_ASSOCIATION}) as a second line behind the listener rules; it has none`, lb.urn);
        }
        for (const d of idx.ofType(DISTRIBUTION)) {
            const origins = list(d.props, "origins");
            if (origins === UNKNOWN) continue;
            for (const o of origins) {
                if (at(o, "customOriginConfig") === undefined) continue;
                const headers = list(o, "customHeaders");
                if (headers !== UNKNOWN && !headers.some((h) => String(at(h, "name") ?? "").toLowerCase() === header)) {
                    report(`${describe(d)} origin ${show(at(o, "originId"))} must send ${config.originHeader} (customHeaders) so its origin can tell this distribution apart; it does not`, d.urn);
                }
            }
        }
    },
});
