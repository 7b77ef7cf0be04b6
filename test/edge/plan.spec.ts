import * as assert from "assert";
import * as fc from "fast-check";
import { edgeNames, planCacheBehaviours, planOriginGroup, planRegionDns, planWafRules, regionalCertificateNames } from "../../components/edge/plan";

const DOMAIN = "mall.example.com";

describe("edge planner", () => {
    it("names the DNS contract", () => {
        assert.strictEqual(edgeNames.site(DOMAIN), "mall.mall.example.com");
        assert.strictEqual(edgeNames.apiInternal(DOMAIN), "api-internal.mall.example.com");
        assert.strictEqual(edgeNames.apiRegional(DOMAIN, "us-west-2"), "api-us-west-2.mall.example.com");
    });

    it("puts api-internal and every registered api-<region> on each regional certificate", () => {
        assert.deepStrictEqual(regionalCertificateNames(DOMAIN, ["us-east-1", "us-west-2"]), {
            domainName: "api-internal.mall.example.com",
            subjectAlternativeNames: ["api-us-east-1.mall.example.com", "api-us-west-2.mall.example.com"],
        });
    });

    describe("region DNS and evacuation", () => {
        it("serves a region through its NLB and its latency record", () => {
            assert.deepStrictEqual(planRegionDns(DOMAIN, "us-west-2", false), {
                regional: { name: "api-us-west-2.mall.example.com", target: "load-balancer" },
                latency: { name: "api-internal.mall.example.com", setIdentifier: "us-west-2", region: "us-west-2" },
            });
        });
        it("evacuated: withdraws the latency record and aliases api-<region> to api-internal", () => {
            assert.deepStrictEqual(planRegionDns(DOMAIN, "us-west-2", true), {
                regional: { name: "api-us-west-2.mall.example.com", target: "api-internal" },
            });
        });
        it("property: each region's records depend on its own switch only, and the latency set is exactly the serving regions", () => {
            const regionArb = fc.uniqueArray(fc.constantFrom("us-east-1", "us-west-2", "ap-northeast-2", "eu-west-1", "us-east-2"), { minLength: 1, maxLength: 5 });
            fc.assert(
                fc.property(regionArb, fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }), (regions, flags) => {
                    const plans = regions.map((r, i) => planRegionDns(DOMAIN, r, flags[i]));
                    const latency = plans.filter((p) => p.latency).map((p) => p.latency!.setIdentifier);
                    assert.deepStrictEqual(latency, regions.filter((_, i) => !flags[i]));
                    assert.strictEqual(new Set(plans.map((p) => p.regional.name)).size, regions.length);
                    plans.forEach((p, i) => assert.deepStrictEqual(p, planRegionDns(DOMAIN, regions[i], flags[i])));
                    plans.forEach((p, i) => assert.strictEqual(p.regional.target, flags[i] ? "api-internal" : "load-balancer"));
                }),
            );
        });
    });

    describe("origin group", () => {
        it("fails over from api-internal to the primary's next region", () => {
            assert.deepStrictEqual(planOriginGroup(DOMAIN, "us-east-1", ["us-east-1", "us-west-2"]), {
                primaryDomain: "api-internal.mall.example.com",
                failoverDomain: "api-us-west-2.mall.example.com",
                failoverRegion: "us-west-2",
            });
        });
        it("wraps around the registry when the primary is last", () => {
            assert.strictEqual(planOriginGroup(DOMAIN, "us-west-2", ["us-east-1", "us-west-2"]).failoverRegion, "us-east-1");
        });
        it("has no failover member with a single region", () => {
            assert.deepStrictEqual(planOriginGroup(DOMAIN, "us-east-1", ["us-east-1"]), { primaryDomain: "api-internal.mall.example.com" });
        });
        it("refuses a primary missing from the registry", () => {
            assert.throws(() => planOriginGroup(DOMAIN, "eu-west-1", ["us-east-1"]), /primary region eu-west-1 is not in the registry \(us-east-1\)/);
        });
    });

    describe("WAF rules", () => {
        it("are the five rules in priority order, then Bot Control counting on /api/", () => {
            const rules = planWafRules({ allowedCountries: ["KR", "US", "JP"], rateLimit: 2000, botControl: "count" });
            assert.deepStrictEqual(
                rules.map((r) => [r.priority, r.name, r.action, r.kind === "managed" ? r.managedGroup : r.kind]),
                [
                    [1, "geo-allowlist", "block", "geo-allowlist"],
                    [2, "rate-limit-per-ip", "block", "rate-limit"],
                    [3, "known-bad-inputs", "none", "AWSManagedRulesKnownBadInputsRuleSet"],
                    [4, "sqli", "none", "AWSManagedRulesSQLiRuleSet"],
                    [5, "common", "none", "AWSManagedRulesCommonRuleSet"],
                    [6, "bot-control", "count", "AWSManagedRulesBotControlRuleSet"],
                ],
            );
            const [geo, rate, , , , bots] = rules;
            assert.ok(geo.kind === "geo-allowlist" && rate.kind === "rate-limit" && bots.kind === "managed");
            assert.deepStrictEqual(geo.countries, ["KR", "US", "JP"]);
            assert.strictEqual(rate.limit, 2000);
            assert.strictEqual(bots.scopeDownPathPrefix, "/api/");
        });
        it("drop Bot Control when it is off", () => {
            assert.deepStrictEqual(
                planWafRules({ allowedCountries: ["KR"], rateLimit: 100, botControl: "off" }).map((r) => r.priority),
                [1, 2, 3, 4, 5],
            );
        });
    });
});

describe("edge plan: cache behaviours", () => {
    const ids = { cachingOptimized: "opt", cachingDisabled: "off", allViewerExceptHost: "fwd" };
    const rows = (b: ReturnType<typeof planCacheBehaviours<string>>) => b.ordered.map((x) => [x.pathPattern, x.targetOriginId, x.allowedMethods.join(","), x.cachePolicyId]);

    it("puts the read-only routes on the origin group before the catch-all, then static", () => {
        const b = planCacheBehaviours(planOriginGroup("example.com", "us-east-1", ["us-east-1", "us-west-2"]), ids);
        assert.deepStrictEqual(rows(b), [
            ["/api/products/*", "api", "GET,HEAD,OPTIONS", "off"],
            ["/api/categories/*", "api", "GET,HEAD,OPTIONS", "off"],
            ["/api/search/*", "api", "GET,HEAD,OPTIONS", "off"],
            ["/api/reviews/*", "api", "GET,HEAD,OPTIONS", "off"],
            ["/api/*", "api-internal", "GET,HEAD,OPTIONS,PUT,POST,PATCH,DELETE", "off"],
            ["/static/*", "web-bucket", "GET,HEAD", "opt"],
        ]);
        assert.deepStrictEqual([b.default.targetOriginId, b.default.cachePolicyId, b.default.viewerProtocolPolicy], ["web-bucket", "opt", "redirect-to-https"]);
        assert.ok(b.ordered.filter((x) => x.targetOriginId !== "web-bucket").every((x) => x.originRequestPolicyId === "fwd" && x.viewerProtocolPolicy === "https-only"));
    });

    it("has no origin-group behaviours with a single region", () => {
        const b = planCacheBehaviours(planOriginGroup("example.com", "us-east-1", ["us-east-1"]), ids);
        assert.deepStrictEqual(rows(b).map((r) => r[0]), ["/api/*", "/static/*"]);
    });
});
