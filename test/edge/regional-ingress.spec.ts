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
        const nlb = west.one("aws:lb/loadBalancer:LoadBalancer", "ingress-nlb");
        assert.strictEqual((nlb.inputs.securityGroups as string[]).length, 2);
        const egress = west.one("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "ingress-cloudfront-to-targets");
        assert.deepStrictEqual([egress.inputs.cidrIpv4, egress.inputs.fromPort], ["10.1.0.0/16", 8080]);
    });

    it("is an internet-facing NLB in the public subnets with a TLS 443 listener on a modern policy", () => {
        const nlb = west.one("aws:lb/loadBalancer:LoadBalancer", "ingress-nlb");
        assert.deepStrictEqual(
            [nlb.inputs.name, nlb.inputs.loadBalancerType, nlb.inputs.internal, nlb.inputs.subnets, nlb.inputs.enableDeletionProtection],
            ["mall-us-west-2-api", "network", false, ["subnet-a", "subnet-b", "subnet-c"], true],
        );
        const listener = west.one("aws:lb/listener:Listener", "ingress-https");
        assert.deepStrictEqual([listener.inputs.port, listener.inputs.protocol, listener.inputs.sslPolicy], [443, "TLS", "ELBSecurityPolicy-TLS13-1-2-2021-06"]);
        assert.match(String(listener.inputs.certificateArn), /^arn:aws:acm:us-west-2:/);
        const tg = west.one("aws:lb/targetGroup:TargetGroup", "ingress-api-gateway");
        assert.deepStrictEqual([tg.inputs.targetType, tg.inputs.protocol, tg.inputs.port, tg.inputs.vpcId], ["ip", "TCP", 8080, "vpc-0abc"]);
        assert.strictEqual((tg.inputs.healthCheck as { path: string }).path, "/health/ready");
    });

    it("health-checks the NLB itself over HTTPS /health/ready from three regions", () => {
        const hc = west.one("aws:route53/healthCheck:HealthCheck", "ingress-health");
        assert.deepStrictEqual(
            [hc.inputs.type, hc.inputs.port, hc.inputs.resourcePath, hc.inputs.requestInterval, hc.inputs.failureThreshold, hc.inputs.regions],
            ["HTTPS", 443, "/health/ready", 30, 3, ["us-east-1", "us-west-2", "eu-west-1"]],
        );
        assert.match(String(hc.inputs.fqdn), /^mall-us-west-2-api-[0-9a-f]+\.elb\.us-west-2\.amazonaws\.com$/);
    });

    it("publishes api-<region> and its api-internal latency record with the health check", () => {
        const regional = west.one(RECORD, "ingress-regional-record");
        assert.strictEqual(regional.inputs.name, "api-us-west-2.mall.example.com");
        assert.deepStrictEqual((regional.inputs.aliases as { zoneId: string }[])[0].zoneId, "Z18D5FSROUN65G");
        const latency = west.one(RECORD, "ingress-latency-record");
        assert.deepStrictEqual(
            [latency.inputs.name, latency.inputs.type, latency.inputs.setIdentifier, latency.inputs.latencyRoutingPolicies, latency.inputs.zoneId],
            ["api-internal.mall.example.com", "A", "us-west-2", [{ region: "us-west-2" }], ZONE],
        );
        const hc = west.one("aws:route53/healthCheck:HealthCheck", "ingress-health");
        assert.deepStrictEqual(latency.propertyDependencies.healthCheckId, [hc.urn]);
    });

    it("leaves the shared ACM validation records to the primary", async () => {
        assert.strictEqual(west.ofType(RECORD).filter((r) => r.name.startsWith("ingress-validation")).length, 0);
        const validation = west.one("aws:acm/certificateValidation:CertificateValidation", "ingress-certificate-validation");
        assert.strictEqual(validation.inputs.validationRecordFqdns, undefined);
        const cert = west.one("aws:acm/certificate:Certificate", "ingress-certificate");
        assert.deepStrictEqual([cert.inputs.domainName, cert.inputs.subjectAlternativeNames, cert.inputs.validationMethod], [
            "api-internal.mall.example.com",
            ["api-us-east-1.mall.example.com", "api-us-west-2.mall.example.com"],
            "DNS",
        ]);

        const east = await plan("us-east-1", "primary");
        const names = east.ofType(RECORD).filter((r) => r.name.startsWith("ingress-validation")).map((r) => r.inputs.name);
        assert.strictEqual(names.length, 3);
        assert.ok(names.every((n) => /^_[0-9a-f]{32}\.api-(internal|us-east-1|us-west-2)\.mall\.example\.com\.$/.test(String(n))), String(names));
        assert.strictEqual((east.one("aws:acm/certificateValidation:CertificateValidation", "ingress-certificate-validation").inputs.validationRecordFqdns as string[]).length, 3);
    });

    it("evacuated: withdraws the latency record and points api-<region> at api-internal; the health check stays", async () => {
        const evacuated = await plan("us-west-2", "secondary", { evacuated: true });
        assert.deepStrictEqual(evacuated.ofType(RECORD).map((r) => r.name), ["ingress-regional-record"]);
        const regional = evacuated.one(RECORD, "ingress-regional-record");
        assert.deepStrictEqual(regional.inputs.aliases, [{ name: "api-internal.mall.example.com", zoneId: ZONE, evaluateTargetHealth: true }]);
        const hc = evacuated.one("aws:route53/healthCheck:HealthCheck", "ingress-health");
        assert.deepStrictEqual([hc.inputs.disabled, hc.inputs.invertHealthcheck], [undefined, undefined]);
        // Same NLB, listener and target group: only DNS changes.
        assert.deepStrictEqual(
            Object.keys(evacuated.countsByType()).filter((t) => t !== RECORD).map((t) => [t, evacuated.count(t)]),
            Object.keys(west.countsByType()).filter((t) => t !== RECORD).map((t) => [t, west.count(t)]),
        );
    });

    it("admits the NLB on the target port of the targets' SG when given, and only then", async () => {
        assert.strictEqual(west.ofType(RULE).some((r) => r.name === "ingress-targets-from-nlb"), false);
        const wired = await plan("us-west-2", "secondary", { targetSecurityGroupId: "sg-0nodes", targetPort: 8443 });
        const rule = wired.one(RULE, "ingress-targets-from-nlb");
        const nlbSg = wired.one("aws:ec2/securityGroup:SecurityGroup", "ingress-cloudfront-sg");
        assert.deepStrictEqual([rule.inputs.securityGroupId, rule.inputs.fromPort, rule.inputs.toPort, rule.inputs.ipProtocol], ["sg-0nodes", 8443, 8443, "tcp"]);
        assert.deepStrictEqual(rule.propertyDependencies.referencedSecurityGroupId, [nlbSg.urn]);
    });
});
