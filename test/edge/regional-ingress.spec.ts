import * as assert from "assert";
import { RegionalIngress, RegionalIngressArgs } from "../../components/edge/regional-ingress";
import { Resources, planComponent, testContext } from "../harness";

const ZONE = "Z0123456789ABCDEFGHIJ";
const network = { vpcId: "vpc-0abc", vpcCidr: "10.1.0.0/16", publicSubnetIds: ["subnet-a", "subnet-b", "subnet-c"] };

function plan(region: string, role: "primary" | "secondary", extra: Partial<RegionalIngressArgs> = {}): Promise<Resources> {
    return planComponent(
        () =>
            new RegionalIngress("ingress", {
                context: testContext(region, role),
                network,
                domain: "mall.example.com",
                hostedZoneId: ZONE,
                registryRegions: ["us-east-1", "us-west-2"],
                ownsValidationRecords: role === "primary",
                originVerifyValues: ["current-value"],
                ...extra,
            }),
        { region },
    );
}

const RECORD = "aws:route53/record:Record";
const RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

describe("RegionalIngress", () => {
    let west: Resources;
    before(async () => {
        west = await plan("us-west-2", "secondary");
    });

    it("admits 443 only from the CloudFront and Route 53 health-checker prefix lists, one SG each", () => {
        const rules = west.ofType(RULE).map((r) => [r.name, r.inputs.prefixListId, r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4 ?? null, r.inputs.cidrIpv6 ?? null]);
        assert.deepStrictEqual(rules, [
            ["ingress-cloudfront-https", "pl-82a045eb", 443, 443, null, null],
            ["ingress-healthchecks-https", rules[1][1], 443, 443, null, null],
        ]);
        assert.match(String(rules[1][1]), /^pl-[0-9a-f]{8}$/);
        const sgs = west.ofType("aws:ec2/securityGroup:SecurityGroup").map((s) => s.name);
        assert.deepStrictEqual(sgs, ["ingress-cloudfront-sg", "ingress-healthchecks-sg"]);
        const alb = west.one("aws:lb/loadBalancer:LoadBalancer", "ingress-alb");
        assert.strictEqual((alb.inputs.securityGroups as string[]).length, 2);
        const egress = west.one("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "ingress-cloudfront-to-targets");
        assert.deepStrictEqual([egress.inputs.cidrIpv4, egress.inputs.fromPort], ["10.1.0.0/16", 8080]);
    });

    it("is an internet-facing ALB in the public subnets with an HTTPS 443 listener on a modern policy that forwards nothing by default", () => {
        const alb = west.one("aws:lb/loadBalancer:LoadBalancer", "ingress-alb");
        assert.deepStrictEqual(
            [alb.inputs.name, alb.inputs.loadBalancerType, alb.inputs.internal, alb.inputs.subnets, alb.inputs.enableDeletionProtection, alb.inputs.dropInvalidHeaderFields],
            ["mall-us-west-2-api-alb", "application", false, ["subnet-a", "subnet-b", "subnet-c"], true, true],
        );
        const listener = west.one("aws:lb/listener:Listener", "ingress-https");
        assert.deepStrictEqual([listener.inputs.port, listener.inputs.protocol, listener.inputs.sslPolicy], [443, "HTTPS", "ELBSecurityPolicy-TLS13-1-2-2021-06"]);
        assert.deepStrictEqual(listener.inputs.defaultActions, [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "403", messageBody: "Forbidden" } }]);
        assert.match(String(listener.inputs.certificateArn), /^arn:aws:acm:us-west-2:/);
        const tg = west.one("aws:lb/targetGroup:TargetGroup", "ingress-api-gateway");
        assert.deepStrictEqual([tg.inputs.name, tg.inputs.targetType, tg.inputs.protocol, tg.inputs.port, tg.inputs.vpcId], ["mall-us-west-2-api-http", "ip", "HTTP", 8080, "vpc-0abc"]);
        assert.deepStrictEqual([(tg.inputs.healthCheck as { path: string }).path, (tg.inputs.healthCheck as { matcher: string }).matcher], ["/health/ready", "200"]);
    });

    it("forwards the exact health path for GET/HEAD without the secret; with X-Origin-Verify answers the DR probes, then forwards everything else", () => {
        const listener = west.one("aws:lb/listener:Listener", "ingress-https");
        const tg = west.one("aws:lb/targetGroup:TargetGroup", "ingress-api-gateway");
        const verified = { httpHeader: { httpHeaderName: "X-Origin-Verify", values: "[secret]" } };
        const rules = west
            .ofType("aws:lb/listenerRule:ListenerRule")
            .map((r) => [r.name, r.inputs.priority, r.inputs.conditions, r.inputs.actions, r.inputs.transforms ?? null] as const)
            .sort((a, b) => Number(a[1]) - Number(b[1]));
        const forward = rules[0][3] as { type: string; targetGroupArn: string }[];
        assert.deepStrictEqual(forward.map((a) => a.type), ["forward"]);
        for (const name of ["ingress-health-path", "ingress-probe-ready", "ingress-origin-verified"]) assert.deepStrictEqual(west.one("aws:lb/listenerRule:ListenerRule", name).propertyDependencies.actions, [tg.urn], name);
        assert.deepStrictEqual(rules, [
            ["ingress-health-path", 1, [{ pathPattern: { values: ["/health/ready"] } }, { httpRequestMethod: { values: ["GET", "HEAD"] } }], forward, null],
            // `alive`: the ALB answers for this region itself (an application outage leaves it answering).
            ["ingress-probe-alive", 2, [{ pathPattern: { values: ["/probe/us-west-2/alive"] } }, verified], [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "200", messageBody: "alive us-west-2" } }], null],
            // `ready`: the readiness path, through the API.
            [
                "ingress-probe-ready",
                3,
                [{ pathPattern: { values: ["/probe/us-west-2/ready"] } }, verified],
                forward,
                [{ type: "url-rewrite", urlRewriteConfig: { rewrite: { regex: "^/probe/us-west-2/ready$", replace: "/health/ready" } } }],
            ],
            // Any other probe path: the API never sees one.
            ["ingress-probe-other", 4, [{ pathPattern: { values: ["/probe/*"] } }], [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: "Not Found" } }], null],
            // The values are a Pulumi secret: the plan (and state) never shows them.
            ["ingress-origin-verified", 10, [verified], forward, null],
        ]);
        for (const r of west.ofType("aws:lb/listenerRule:ListenerRule")) assert.deepStrictEqual(r.propertyDependencies.listenerArn, [listener.urn]);
        // An update from the two-rule listener moves origin-verified off priority 2 before the probe rules take it.
        const verifiedRule = west.one("aws:lb/listenerRule:ListenerRule", "ingress-origin-verified");
        for (const name of ["ingress-probe-alive", "ingress-probe-ready", "ingress-probe-other"]) assert.ok(west.one("aws:lb/listenerRule:ListenerRule", name).dependencies.includes(verifiedRule.urn), name);
    });

    it("publishes its probe name, never re-pointed, and validates it on its own certificate", async () => {
        const probe = west.ofType("aws:route53/record:Record").find((r) => r.inputs.name === "probe-us-west-2.mall.example.com")!;
        assert.deepStrictEqual((probe.inputs.aliases as { evaluateTargetHealth: boolean }[]).map((a) => a.evaluateTargetHealth), [false]);
        assert.deepStrictEqual(probe.propertyDependencies.aliases, [west.one("aws:lb/loadBalancer:LoadBalancer", "ingress-alb").urn]);
        const cert = west.one("aws:acm/certificate:Certificate", "ingress-certificate");
        assert.deepStrictEqual(cert.inputs.subjectAlternativeNames, ["api-us-east-1.mall.example.com", "api-us-west-2.mall.example.com", "probe-us-west-2.mall.example.com"]);
        assert.ok(west.one("aws:route53/record:Record", "ingress-probe-validation"));
        const evacuated = await plan("us-west-2", "secondary", { evacuated: true });
        const still = evacuated.ofType("aws:route53/record:Record").find((r) => r.inputs.name === "probe-us-west-2.mall.example.com")!;
        assert.deepStrictEqual(still.propertyDependencies.aliases, [evacuated.one("aws:lb/loadBalancer:LoadBalancer", "ingress-alb").urn]);
    });

    it("puts a regional WAF on the ALB: the header (or the health path) required, known bad inputs, logs KMS-encrypted with the secret redacted", () => {
        const acl = west.one("aws:wafv2/webAcl:WebAcl", "ingress-waf");
        assert.deepStrictEqual([acl.inputs.scope, acl.inputs.name, acl.inputs.defaultAction], ["REGIONAL", "mall-us-west-2-origin", { allow: {} }]);
        const rules = acl.inputs.rules as { name: string; priority: number; action?: unknown; statement: Record<string, unknown> }[];
        assert.deepStrictEqual(rules.map((r) => [r.name, r.priority]), [["require-origin-verify", 0], ["aws-known-bad-inputs", 1]]);
        assert.deepStrictEqual(rules[0].action, { block: {} });
        assert.deepStrictEqual(rules[0].statement, { notStatement: { statement: { orStatement: { statements: "[secret]" } } } });
        assert.deepStrictEqual(rules[1].statement, { managedRuleGroupStatement: { vendorName: "AWS", name: "AWSManagedRulesKnownBadInputsRuleSet" } });
        const assoc = west.one("aws:wafv2/webAclAssociation:WebAclAssociation", "ingress-waf-association");
        assert.deepStrictEqual(assoc.propertyDependencies.resourceArn, [west.one("aws:lb/loadBalancer:LoadBalancer", "ingress-alb").urn]);
        assert.match(String(assoc.inputs.webAclArn), /^arn:aws:wafv2:us-west-2:\d{12}:regional\/webacl\/mall-us-west-2-origin\//);
        const logs = west.one("aws:cloudwatch/logGroup:LogGroup", "ingress-waf-logs");
        assert.strictEqual(logs.inputs.name, "aws-waf-logs-mall-us-west-2-origin");
        assert.deepStrictEqual(logs.propertyDependencies.kmsKeyId, [west.one("aws:kms/key:Key", "ingress-waf-logs-key").urn]);
        const logging = west.one("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", "ingress-waf-logging");
        assert.deepStrictEqual(logging.inputs.redactedFields, [{ singleHeader: { name: "x-origin-verify" } }, { singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }]);
    });

    it("health-checks the ALB itself over HTTPS (SNI) /health/ready from three regions", () => {
        const hc = west.one("aws:route53/healthCheck:HealthCheck", "ingress-health");
        assert.deepStrictEqual(
            [hc.inputs.type, hc.inputs.port, hc.inputs.resourcePath, hc.inputs.requestInterval, hc.inputs.failureThreshold, hc.inputs.regions],
            ["HTTPS", 443, "/health/ready", 30, 3, ["us-east-1", "us-west-2", "eu-west-1"]],
        );
        assert.match(String(hc.inputs.fqdn), /^mall-us-west-2-api-alb-\d+\.us-west-2\.elb\.amazonaws\.com$/);
        assert.strictEqual(hc.inputs.enableSni, true);
    });

    it("publishes api-<region> and its api-internal latency record with the health check", () => {
        const regional = west.one(RECORD, "ingress-regional-record");
        assert.strictEqual(regional.inputs.name, "api-us-west-2.mall.example.com");
        // The ALB alias zone of us-west-2 (not the NLB one), with target health.
        const alias = (regional.inputs.aliases as { zoneId: string; evaluateTargetHealth: boolean }[])[0];
        assert.deepStrictEqual([alias.zoneId, alias.evaluateTargetHealth], ["Z1H1FL5HABSF5", true]);
        const latency = west.one(RECORD, "ingress-latency-record");
        assert.deepStrictEqual(
            [latency.inputs.name, latency.inputs.type, latency.inputs.setIdentifier, latency.inputs.latencyRoutingPolicies, latency.inputs.zoneId],
            ["api-internal.mall.example.com", "A", "us-west-2", [{ region: "us-west-2" }], ZONE],
        );
        const hc = west.one("aws:route53/healthCheck:HealthCheck", "ingress-health");
        assert.deepStrictEqual(latency.propertyDependencies.healthCheckId, [hc.urn]);
    });

    it("leaves the shared ACM validation records to the primary, and validates only its own probe name", async () => {
        assert.strictEqual(west.ofType(RECORD).filter((r) => r.name.startsWith("ingress-validation")).length, 0);
        const validation = west.one("aws:acm/certificateValidation:CertificateValidation", "ingress-certificate-validation");
        assert.strictEqual(validation.inputs.validationRecordFqdns, undefined);
        assert.ok(validation.dependencies.includes(west.one(RECORD, "ingress-probe-validation").urn));
        const cert = west.one("aws:acm/certificate:Certificate", "ingress-certificate");
        assert.deepStrictEqual([cert.inputs.domainName, cert.inputs.subjectAlternativeNames, cert.inputs.validationMethod], [
            "api-internal.mall.example.com",
            ["api-us-east-1.mall.example.com", "api-us-west-2.mall.example.com", "probe-us-west-2.mall.example.com"],
            "DNS",
        ]);

        const east = await plan("us-east-1", "primary");
        const names = east.ofType(RECORD).filter((r) => r.name.startsWith("ingress-validation")).map((r) => r.inputs.name);
        assert.strictEqual(names.length, 3);
        assert.ok(names.every((n) => /^_[0-9a-f]{32}\.api-(internal|us-east-1|us-west-2)\.mall\.example\.com\.$/.test(String(n))), String(names));
        assert.strictEqual((east.one("aws:acm/certificateValidation:CertificateValidation", "ingress-certificate-validation").inputs.validationRecordFqdns as string[]).length, 4);
    });

    it("evacuated: withdraws the latency record and points api-<region> at api-internal; the health check stays", async () => {
        const evacuated = await plan("us-west-2", "secondary", { evacuated: true });
        assert.deepStrictEqual(evacuated.ofType(RECORD).map((r) => r.name), ["ingress-regional-record", "ingress-probe-validation", "ingress-probe-record"]);
        const regional = evacuated.one(RECORD, "ingress-regional-record");
        assert.deepStrictEqual(regional.inputs.aliases, [{ name: "api-internal.mall.example.com", zoneId: ZONE, evaluateTargetHealth: true }]);
        const hc = evacuated.one("aws:route53/healthCheck:HealthCheck", "ingress-health");
        assert.deepStrictEqual([hc.inputs.disabled, hc.inputs.invertHealthcheck], [undefined, undefined]);
        // Same ALB, listener and target group: only DNS changes.
        assert.deepStrictEqual(
            Object.keys(evacuated.countsByType()).filter((t) => t !== RECORD).map((t) => [t, evacuated.count(t)]),
            Object.keys(west.countsByType()).filter((t) => t !== RECORD).map((t) => [t, west.count(t)]),
        );
    });

    it("admits the ALB on the target port of the targets' SG when given, and only then", async () => {
        assert.strictEqual(west.ofType(RULE).some((r) => r.name === "ingress-targets-from-alb"), false);
        const wired = await plan("us-west-2", "secondary", { targetSecurityGroupId: "sg-0nodes", targetPort: 8443 });
        const rule = wired.one(RULE, "ingress-targets-from-alb");
        const albSg = wired.one("aws:ec2/securityGroup:SecurityGroup", "ingress-cloudfront-sg");
        assert.deepStrictEqual([rule.inputs.securityGroupId, rule.inputs.fromPort, rule.inputs.toPort, rule.inputs.ipProtocol], ["sg-0nodes", 8443, 8443, "tcp"]);
        assert.deepStrictEqual(rule.propertyDependencies.referencedSecurityGroupId, [albSg.urn]);
    });
});
