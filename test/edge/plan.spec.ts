import * as assert from "assert";
import * as fc from "fast-check";
import * as vm from "vm";
import {
    ALL_METHODS,
    ORIGIN_IDS,
    READ_ONLY_API_PATHS,
    SITE_FAILOVER_STATUS_CODES,
    SPA_FALLBACK_CODE,
    edgeNames,
    planCacheBehaviours,
    planOriginGroup,
    planOriginGroups,
    planRegionDns,
    probeOriginId,
    planWafRules,
    readOnlyApiPathProblems,
    regionalCertificateNames,
} from "../../components/edge/plan";

const DOMAIN = "mall.example.com";

describe("the WAF's exemption for the DR probes", () => {
    it("lets exactly the registered regions' probe paths past the geo rule, nothing that merely starts like one", () => {
        const [geo] = planWafRules({ allowedCountries: ["KR"], rateLimit: 2000, botControl: "off", probeRegions: ["us-east-1", "us-west-2"] });
        assert.ok(geo.kind === "geo-allowlist");
        const re = new RegExp(geo.exemptPathRegex!);
        for (const p of ["/probe/us-east-1/alive", "/probe/us-west-2/ready"]) assert.ok(re.test(p), p);
        const lookalikes = [
            "/probe/../api/orders",
            "/probe/us-east-1/../../api/orders",
            "/probe/us-east-1/%2e%2e/%2e%2e/api/orders",
            "/probe//us-east-1/alive",
            "/probe/us-east-1/alive/x",
            "/probe/us-east-1/alive%2f..%2fx",
            "/probe/eu-west-1/alive",
            "/probe/us-east-1/",
            "/api/probe/us-east-1/alive",
            "/PROBE/us-east-1/alive",
        ];
        for (const p of lookalikes) assert.ok(!re.test(p), p);
        assert.strictEqual(planWafRules({ allowedCountries: ["KR"], rateLimit: 2000, botControl: "off" })[0].kind === "geo-allowlist" && "exemptPathRegex" in planWafRules({ allowedCountries: ["KR"], rateLimit: 2000, botControl: "off" })[0], false);
    });
});

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
            ["/api/read/*", "api", "GET,HEAD,OPTIONS", "off"],
            ["/api/*", "api-internal", "GET,HEAD,OPTIONS,PUT,POST,PATCH,DELETE", "off"],
            ["/static/*", "web", "GET,HEAD", "opt"],
        ]);
        assert.deepStrictEqual([b.default.targetOriginId, b.default.cachePolicyId, b.default.viewerProtocolPolicy], ["web", "opt", "redirect-to-https"]);
        assert.ok(b.ordered.filter((x) => x.targetOriginId !== "web").every((x) => x.originRequestPolicyId === "fwd" && x.viewerProtocolPolicy === "https-only"));
    });

    it("has no origin-group behaviours with a single region", () => {
        const b = planCacheBehaviours(planOriginGroup("example.com", "us-east-1", ["us-east-1"]), ids);
        assert.deepStrictEqual(rows(b).map((r) => [r[0], r[1]]), [["/api/*", "api-internal"], ["/static/*", "web-bucket"]]);
        assert.strictEqual(b.default.targetOriginId, "web-bucket");
        assert.deepStrictEqual(planOriginGroups(planOriginGroup("example.com", "us-east-1", ["us-east-1"])), []);
    });

    it("targets only origin groups that exist, with members that are origins, behind GET/HEAD/OPTIONS only", () => {
        for (const regions of [["us-east-1", "us-west-2"], ["us-east-1", "us-west-2", "eu-central-1"], ["us-east-1"]]) {
            const group = planOriginGroup("example.com", "us-east-1", regions);
            const groups = planOriginGroups(group);
            const b = planCacheBehaviours(group, ids, ["/api/read/*"], "fn", regions);
            const origins = new Set<string>([ORIGIN_IDS.web, ORIGIN_IDS.apiInternal, ...regions.map(probeOriginId), ...(group.failoverDomain ? [ORIGIN_IDS.webReplica, ORIGIN_IDS.apiFailover] : [])]);
            const groupIds = new Set(groups.map((g) => g.originId));
            for (const g of groups) assert.ok(g.members.every((m) => origins.has(m.originId)) && g.members.length === 2, g.originId);
            for (const x of [...b.ordered, b.default]) {
                assert.ok(origins.has(x.targetOriginId) || groupIds.has(x.targetOriginId), `${x.pathPattern ?? "default"} targets ${x.targetOriginId}`);
                if (groupIds.has(x.targetOriginId)) assert.ok(x.allowedMethods.every((m) => ["GET", "HEAD", "OPTIONS"].includes(m)), String(x.pathPattern));
            }
            // The site's two behaviours fail over together; the SPA fallback stays on the default one.
            assert.deepStrictEqual([b.ordered.find((x) => x.pathPattern === "/static/*")!.targetOriginId, b.default.targetOriginId], group.failoverDomain ? ["web", "web"] : ["web-bucket", "web-bucket"]);
            assert.deepStrictEqual(b.default.functionAssociations, [{ eventType: "viewer-request", functionArn: "fn" }]);
        }
        // Every code CloudFront accepts for failover, and 403 (S3's answer to a missing object without ListBucket).
        const accepted = [400, 403, 404, 416, 429, 500, 502, 503, 504];
        assert.ok(SITE_FAILOVER_STATUS_CODES.every((c) => accepted.includes(c)) && SITE_FAILOVER_STATUS_CODES.includes(403));
    });
});

describe("edge plan: read-only API paths", () => {
    const ids = { cachingOptimized: "opt", cachingDisabled: "off", allViewerExceptHost: "fwd" };
    const group = planOriginGroup("example.com", "us-east-1", ["us-east-1", "us-west-2"]);
    /** CloudFront path patterns: `*` matches any run of characters, `/` included; the pattern is anchored. */
    const matches = (pattern: string, path: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(path);
    /** Representative writes of the mall's API (reviews, search bodies, seller edits, orders, cart). */
    const WRITE_ROUTES = [
        "/api/reviews/p-1",
        "/api/search/query",
        "/api/products/p-1",
        "/api/orders",
        "/api/cart/items",
        "/api/payments/intent",
        "/api/user-account/sessions",
    ];

    it("default to the documented contract prefix /api/read/*", () => {
        assert.deepStrictEqual([...READ_ONLY_API_PATHS], ["/api/read/*"]);
    });

    it("are validated with the entry and the fix", () => {
        const table: [string[], string[]][] = [
            [["/api/read/*"], []],
            [["/api/read/*", "/api/catalog/v1/*"], []],
            [[], ["is empty; list at least one read-only prefix such as /api/read/* (the API's read-only contract)"]],
            [["/api/*"], ['entry "/api/*" is the catch-all, which carries writes; CloudFront would refuse every POST/PUT/PATCH/DELETE with 403. List read-only sub-trees such as /api/read/*']],
            [["/read/*"], ['entry "/read/*" must start with /api/, end with /* and contain no other wildcard, e.g. /api/read/*']],
            [["/api/read"], ['entry "/api/read" must start with /api/, end with /* and contain no other wildcard, e.g. /api/read/*']],
            [["/api/read*"], ['entry "/api/read*" must start with /api/, end with /* and contain no other wildcard, e.g. /api/read/*']],
            [["/api/*/read/*"], ['entry "/api/*/read/*" must start with /api/, end with /* and contain no other wildcard, e.g. /api/read/*']],
            [["/api/read/*", "/api/read/*"], ['entry "/api/read/*" is listed twice; list it once']],
            [["/api/read/*", "/api/read/items/*"], ['entry "/api/read/items/*" lies inside "/api/read/*", which already covers it; drop "/api/read/items/*"']],
        ];
        for (const [paths, expected] of table) assert.deepStrictEqual(readOnlyApiPathProblems(paths), expected, JSON.stringify(paths));
        assert.throws(() => planCacheBehaviours(group, ids, ["/api/*"]), /read-only API paths: entry "\/api\/\*" is the catch-all/);
    });

    for (const paths of [[...READ_ONLY_API_PATHS], ["/api/read/*", "/api/catalog/*", "/api/read-v2/*"]]) {
        it(`every origin-group behaviour allows only GET/HEAD/OPTIONS and shadows nothing (${paths.join(", ")})`, () => {
            const b = planCacheBehaviours(group, ids, paths);
            const grouped = b.ordered.filter((x) => x.targetOriginId === "api");
            assert.deepStrictEqual(grouped.map((x) => x.pathPattern), paths);
            const patterns = b.ordered.map((x) => x.pathPattern);
            assert.strictEqual(new Set(patterns).size, patterns.length, `duplicate patterns: ${patterns.join(", ")}`);
            for (const g of grouped) {
                assert.deepStrictEqual(g.allowedMethods, ["GET", "HEAD", "OPTIONS"], g.pathPattern);
                const prefix = g.pathPattern.slice(0, -1);
                for (const other of patterns.filter((p) => p !== g.pathPattern)) {
                    assert.ok(!other.startsWith(prefix), `${g.pathPattern} is a prefix of ${other}, which it would shadow`);
                }
                for (const write of WRITE_ROUTES) assert.ok(!matches(g.pathPattern, write), `${g.pathPattern} takes the write route ${write}`);
            }
            // Every write route reaches the catch-all with every method.
            for (const write of WRITE_ROUTES) {
                const first = b.ordered.find((x) => matches(x.pathPattern, write));
                assert.deepStrictEqual([first?.pathPattern, first?.allowedMethods], ["/api/*", [...ALL_METHODS]], write);
            }
        });
    }

    it("ask api-gateway, not CloudFront, to compress the uncached API (CachingDisabled cannot enable Gzip/Brotli)", () => {
        const b = planCacheBehaviours(group, ids);
        assert.deepStrictEqual(b.ordered.map((x) => [x.pathPattern, x.compress]), [["/api/read/*", false], ["/api/*", false], ["/static/*", true]]);
        assert.strictEqual(b.default.compress, true);
    });

    it("put the SPA fallback function on the default behaviour only", () => {
        const b = planCacheBehaviours(group, ids, READ_ONLY_API_PATHS, "fn-arn");
        assert.deepStrictEqual(b.default.functionAssociations, [{ eventType: "viewer-request", functionArn: "fn-arn" }]);
        assert.ok(b.ordered.every((x) => x.functionAssociations === undefined));
        assert.strictEqual(planCacheBehaviours(group, ids).default.functionAssociations, undefined);
    });
});

describe("edge plan: the SPA fallback function", () => {
    /** Runs the function's code as CloudFront does: a top-level `handler(event)`, nothing else in scope. */
    function run(uri: string): { uri: string; querystring: unknown } {
        const sandbox: { handler?: (e: unknown) => { uri: string; querystring: unknown } } = {};
        vm.runInNewContext(`${SPA_FALLBACK_CODE}\nthis.handler = handler;`, sandbox, { timeout: 100 });
        const event = { version: "1.0", context: { eventType: "viewer-request" }, viewer: { ip: "203.0.113.9" }, request: { method: "GET", uri, querystring: { q: { value: "1" } }, headers: {}, cookies: {} } };
        return sandbox.handler!(event);
    }

    it("rewrites extension-less (client-side) routes to /index.html and leaves files alone", () => {
        const table: [string, string][] = [
            ["/", "/index.html"],
            ["/orders", "/index.html"],
            ["/orders/42", "/index.html"],
            ["/products/p-1/reviews/", "/index.html"],
            ["/index.html", "/index.html"],
            ["/favicon.ico", "/favicon.ico"],
            ["/static/x.js", "/static/x.js"],
            ["/assets/app.3f2a.css", "/assets/app.3f2a.css"],
            ["/v1.2/orders", "/index.html"],
        ];
        for (const [uri, expected] of table) assert.strictEqual(run(uri).uri, expected, uri);
        assert.deepStrictEqual(run("/orders").querystring, { q: { value: "1" } });
    });

    it("stays within cloudfront-js-2.0: ES 5.1 syntax, no modules, eval, timers or network", () => {
        assert.match(SPA_FALLBACK_CODE, /^function handler\(event\) \{/);
        for (const banned of [/\brequire\(/, /\bimport\b/, /\beval\(/, /new Function/, /setTimeout|setInterval/, /\bfetch\(/, /=>/, /\bclass\b/, /\basync\b/]) {
            assert.doesNotMatch(SPA_FALLBACK_CODE, banned);
        }
        // CloudFront Functions' code size limit is 10 KB.
        assert.ok(Buffer.byteLength(SPA_FALLBACK_CODE) < 10 * 1024);
    });
});
