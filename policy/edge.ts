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
            const sources = idx.ofType(LOG_DELIVERY_SOURCE).filter((s) => idx.depsOf(s, "resourceArn").some((x) => x.urn === d.urn));
            const delivered = sources.some((s) => idx.ofType(LOG_DELIVERY).some((l) => idx.depsOf(l, "deliverySourceName").some((x) => x.urn === s.urn)));
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
