import * as assert from "assert";
import { PolicyReport } from "../../tools/plan/contract";
import { U, expectClean, findings, res, run, urn } from "./fixtures";

const LB = "aws:lb/loadBalancer:LoadBalancer";
const LISTENER = "aws:lb/listener:Listener";
const ALB_LISTENER = "aws:alb/listener:Listener";
const RULE = "aws:lb/listenerRule:ListenerRule";
const ASSOC = "aws:wafv2/webAclAssociation:WebAclAssociation";
const CF = "aws:cloudfront/distribution:Distribution";
const HC = "aws:route53/healthCheck:HealthCheck";
const M = "mandatory";
const A = "advisory";

const FORBID = [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "403" } }];
const FORWARD = [{ type: "forward", targetGroupArn: U }];
const onListener = (l: string) => ({ deps: { listenerArn: [urn(LISTENER, l)] } });
const onLb = (lb: string) => ({ deps: { loadBalancerArn: [urn(LB, lb)] } });
const https = { port: 443, protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", certificateArn: U, loadBalancerArn: U };
const apiOrigin = (extra: Record<string, unknown> = {}) => ({ originId: "api-internal", domainName: "api-internal.example.com", customOriginConfig: { originProtocolPolicy: "https-only" }, ...extra });

describe("origin policies: lb-listeners-modern-tls and public-origins-verify-distribution (through the analyzer protocol)", () => {
    let report: PolicyReport;
    before(async () => {
        report = await run([
            // Compliant: the shape RegionalIngress plans.
            res(LB, "origin", { loadBalancerType: "application", internal: false }),
            res(LISTENER, "origin-https", { ...https, defaultActions: FORBID }, onLb("origin")),
            res(RULE, "origin-health", { listenerArn: U, priority: 1, conditions: [{ pathPattern: { values: ["/health/ready"] } }, { httpRequestMethod: { values: ["GET", "HEAD"] } }], actions: FORWARD }, onListener("origin-https")),
            res(RULE, "origin-verified", { listenerArn: U, priority: 2, conditions: [{ httpHeader: { httpHeaderName: "X-Origin-Verify", values: U } }], actions: FORWARD }, onListener("origin-https")),
            res(HC, "origin-probe", { type: "HTTPS", fqdn: "origin.us-east-1.mall.example.com", port: 443, resourcePath: "/health/ready" }),
            // Exact paths without the header: an admin path, and the health path for every method.
            res(RULE, "origin-admin", { listenerArn: U, priority: 3, conditions: [{ pathPattern: { values: ["/admin/reset"] } }, { httpRequestMethod: { values: ["GET"] } }], actions: FORWARD }, onListener("origin-https")),
            res(RULE, "origin-health-any", { listenerArn: U, priority: 4, conditions: [{ pathPattern: { values: ["/health/ready"] } }], actions: FORWARD }, onListener("origin-https")),
            res(ASSOC, "origin-waf", { resourceArn: U, webAclArn: U }, { deps: { resourceArn: [urn(LB, "origin")] } }),
            res(CF, "cdn", { enabled: true, origins: [{ originId: "web", domainName: "b.s3.amazonaws.com", s3OriginConfig: {} }, apiOrigin({ customHeaders: [{ name: "X-Origin-Verify", value: U }] })] }),

            // Today's shape: a public NLB forwarding everything.
            res(LB, "nlb", { loadBalancerType: "network", internal: false }),
            res(LISTENER, "nlb-tls", { port: 443, protocol: "TLS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", defaultActions: FORWARD }, onLb("nlb")),
            // An ALB that forwards by default, a wildcard rule without the header, and no WAF.
            res(LB, "open", { loadBalancerType: "application", internal: false }),
            res(LISTENER, "open-https", { ...https, defaultActions: FORWARD }, onLb("open")),
            res(RULE, "open-api", { listenerArn: U, priority: 1, conditions: [{ pathPattern: { values: ["/api/*"] } }], actions: FORWARD }, onListener("open-https")),
            res(CF, "cdn-bare", { enabled: true, origins: [apiOrigin()] }),
            // Internal load balancers are not origins of anyone's distribution.
            res(LB, "private", { loadBalancerType: "network", internal: true }),
            res(LB, "preview", { loadBalancerType: "application", internal: U }),

            res(LISTENER, "weak", { port: 443, protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-2016-08", defaultActions: FORBID }),
            res(LISTENER, "plain", { port: 80, protocol: "HTTP", defaultActions: FORWARD }),
            res(ALB_LISTENER, "redirect", { port: 80, protocol: "HTTP", defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }] }),
            res(LISTENER, "unset", { port: 443, protocol: "HTTPS", defaultActions: FORBID }),
        ]);
    });

    describe("lb-listeners-modern-tls", () => {
        const P = "lb-listeners-modern-tls";
        it("accepts HTTPS/TLS on a TLS 1.2+ policy and an HTTP listener that only redirects to HTTPS (alias type)", () => {
            for (const u of [urn(LISTENER, "origin-https"), urn(LISTENER, "nlb-tls"), urn(ALB_LISTENER, "redirect")]) expectClean(report, P, u);
        });
        it("flags a legacy policy, an unset one and a plain HTTP listener", () => {
            assert.match(findings(report, P, urn(LISTENER, "weak"))[0][1], /must set sslPolicy to one of ELBSecurityPolicy-TLS13-1-2-2021-06, .*; it is "ELBSecurityPolicy-2016-08"/);
            assert.match(findings(report, P, urn(LISTENER, "unset"))[0][1], /must set sslPolicy to one of .*; it is undefined|it is unset/);
            assert.match(findings(report, P, urn(LISTENER, "plain"))[0][1], /must use HTTPS or TLS \(or, on HTTP, only redirect to HTTPS\); it is "HTTP"/);
        });
    });

    describe("public-origins-verify-distribution", () => {
        const P = "public-origins-verify-distribution";
        it("accepts the planned shape: 403 by default, the exact health path, everything else behind X-Origin-Verify, a WAF, the header on every API origin", () => {
            for (const u of [urn(LB, "origin"), urn(LISTENER, "origin-https"), urn(RULE, "origin-health"), urn(RULE, "origin-verified"), urn(CF, "cdn"), urn(LB, "private")]) expectClean(report, P, u);
        });
        it("lets only a Route 53 health check's exact path, read-only, go without the header", () => {
            assert.deepStrictEqual(findings(report, P, urn(RULE, "origin-admin")), [
                [M, 'lb listener rule origin-admin must require X-Origin-Verify (an httpHeader condition); it forwards /admin/reset without it, and only a Route 53 health check\'s resourcePath ("/health/ready") may go unverified'],
            ]);
            assert.deepStrictEqual(findings(report, P, urn(RULE, "origin-health-any")), [
                [M, 'lb listener rule origin-health-any must require X-Origin-Verify (an httpHeader condition); it forwards the health path /health/ready without it for every method; limit it with an httpRequestMethod condition to GET/HEAD'],
            ]);
        });
        it("flags today's public NLB: it cannot check a header", () => {
            assert.deepStrictEqual(findings(report, P, urn(LB, "nlb")).map(([level]) => level), [M]);
            assert.match(findings(report, P, urn(LB, "nlb"))[0][1], /must be an application load balancer \(or internal\): a public "network" load balancer cannot check X-Origin-Verify/);
        });
        it("flags a default forward, a wildcard rule without the header, a missing WAF and an API origin without the header", () => {
            assert.match(findings(report, P, urn(LISTENER, "open-https"))[0][1], /must not forward by default/);
            assert.match(findings(report, P, urn(RULE, "open-api"))[0][1], /must require X-Origin-Verify .* it forwards \/api\/\* without it/);
            assert.match(findings(report, P, urn(LB, "open"))[0][1], /must have a regional WAF web ACL/);
            assert.match(findings(report, P, urn(CF, "cdn-bare"))[0][1], /origin "api-internal" must send X-Origin-Verify \(customHeaders\)/);
        });
        it("only advises while internal is unknown in preview", () => {
            assert.deepStrictEqual(findings(report, P, urn(LB, "preview")).map(([level]) => level), [A]);
        });
    });
});
