import * as assert from "assert";
import { ConfigError, RawConfig, parseStackConfig } from "../../stacks/settings";
import { AWS_REGIONS } from "../../stacks/settings/aws-regions";
import { DSQL_REGION_SETS, dsqlRegionProblems, dsqlRegionSet } from "../../stacks/settings/dsql-regions";
import { ISO_3166_ALPHA2 } from "../../stacks/settings/iso-countries";
import { problems } from "./config-problems";

const DSQL_SETS =
    "US: us-east-1, us-east-2, us-west-2; Asia Pacific: ap-northeast-1, ap-northeast-2, ap-northeast-3, ap-south-1, ap-southeast-1; Europe: eu-central-1, eu-west-1, eu-west-2, eu-west-3, eu-north-1, eu-south-2";
const REGISTRY = { "us-east-1": { cidr: "10.0.0.0/16", role: "primary" }, "us-west-2": { cidr: "10.1.0.0/16", role: "secondary" } };

function config(stack: string, extra: Record<string, unknown> = {}, registry: unknown = REGISTRY): RawConfig {
    const raw: Record<string, string> = {
        "aws:region": stack,
        "mall:domain": "example.com",
        ...(registry === null ? {} : { "mall:regions": JSON.stringify(registry) }),
        ...(stack === "us-west-2" ? { "mall:primaryStack": "acme/mall/us-east-1" } : {}),
    };
    for (const [k, v] of Object.entries(extra)) {
        if (v === undefined) delete raw[k];
        else raw[k] = typeof v === "string" ? v : JSON.stringify(v);
    }
    return raw;
}

describe("stack configuration", () => {
    it("reads the primary with ARCHITECTURE defaults", () => {
        const s = parseStackConfig("mall", "us-east-1", config("us-east-1"));
        assert.strictEqual(s.role, "primary");
        assert.strictEqual(s.self.cidr, "10.0.0.0/16");
        assert.strictEqual(s.self.asn, 64512);
        assert.deepStrictEqual(s.peers.map((p) => p.name), ["us-west-2"]);
        assert.strictEqual(s.primaryStack, undefined);
        assert.deepStrictEqual(s.network, {
            azCount: 3,
            natGateways: 3,
            subnetPrefix: 20,
            interfaceEndpoints: ["ecr.api", "ecr.dkr", "sts", "logs", "ec2", "eks", "eks-auth", "sqs", "kms", "secretsmanager", "elasticloadbalancing"],
        });
    });

    it("reads a secondary, its primary stack and its peer", () => {
        const s = parseStackConfig("mall", "us-west-2", config("us-west-2", { "mall:natGateways": "2" }));
        assert.strictEqual(s.role, "secondary");
        assert.strictEqual(s.primaryStack, "acme/mall/us-east-1");
        assert.deepStrictEqual(s.peers.map((p) => p.name), ["us-east-1"]);
        assert.strictEqual(s.self.asn, 64513);
        assert.strictEqual(s.network.natGateways, 2);
    });

    const cases: [string, string, RawConfig, string[]][] = [
        [
            "an unregistered region",
            "eu-west-1",
            config("eu-west-1"),
            ['aws:region "eu-west-1" is not in production\'s region registry (mall:regions in Pulumi.yaml: us-east-1, us-west-2); add an entry "eu-west-1: { cidr, role }" there, or set aws:region to a registered region'],
        ],
        [
            "overlapping CIDRs",
            "us-east-1",
            config("us-east-1", {}, { ...REGISTRY, "us-west-2": { cidr: "10.0.0.0/16", role: "secondary", asn: 64600 } }),
            ['mall:regions.us-west-2.cidr "10.0.0.0/16" overlaps us-east-1 (10.0.0.0/16); pick a disjoint /16 (Transit Gateway peering cannot route overlapping CIDRs)'],
        ],
        [
            "a malformed CIDR",
            "us-east-1",
            config("us-east-1", {}, { ...REGISTRY, "us-west-2": { cidr: "10.1.0.0/33", role: "secondary" } }),
            ['mall:regions.us-west-2.cidr "10.1.0.0/33" is not an IPv4 CIDR; use a network address like 10.1.0.0/16'],
        ],
        [
            "a region AWS does not have, with the near misses",
            "us-east-1",
            config("us-east-1", {}, { "us-east-1": REGISTRY["us-east-1"], "us-wset-2": { cidr: "10.1.0.0/16", role: "secondary" } }),
            [
                'mall:regions.us-wset-2: "us-wset-2" is not an AWS Region; did you mean us-west-2? (the list is stacks/settings/aws-regions.ts, as of 2026-11-27: add a Region AWS launched since)',
            ],
        ],
        [
            "an Origin Shield and a DSQL witness region AWS does not have",
            "us-east-1",
            config("us-east-1", { "mall:originShieldRegion": "us-east-9", "mall:dsqlWitnessRegion": "eu-cetnral-1" }),
            [
                'mall:originShieldRegion "us-east-9" is not an AWS Region; did you mean us-east-1 or us-east-2? (the list is stacks/settings/aws-regions.ts, as of 2026-11-27: add a Region AWS launched since)',
                'mall:dsqlWitnessRegion "eu-cetnral-1" is not an AWS Region; did you mean eu-central-1? (the list is stacks/settings/aws-regions.ts, as of 2026-11-27: add a Region AWS launched since)',
            ],
        ],
        [
            "a DSQL witness outside the linked pair's region set, or in none",
            "us-east-1",
            config("us-east-1", { "mall:dsqlWitnessRegion": "eu-west-1" }),
            [`mall:dsqlWitnessRegion "eu-west-1" is in Aurora DSQL's Europe region set, but the linked clusters (us-east-1, us-west-2) are in the US set; the witness must share their set; use us-east-2`],
        ],
        [
            "a DSQL witness no region set has",
            "us-east-1",
            config("us-east-1", { "mall:dsqlWitnessRegion": "us-west-1" }),
            [`mall:dsqlWitnessRegion "us-west-1" cannot witness an Aurora DSQL multi-Region cluster (no region set has it: ${DSQL_SETS}; stacks/settings/dsql-regions.ts, as of 2026-11-28); use us-east-2`],
        ],
        [
            "a DSQL pair across continents (the primary and the first secondary)",
            "us-east-1",
            config("us-east-1", {}, { ...REGISTRY, "us-west-2": undefined, "eu-west-1": { cidr: "10.1.0.0/16", role: "secondary" }, "us-east-2": { cidr: "10.2.0.0/16", role: "secondary" } }),
            [
                "mall:regions: the data layer links Aurora DSQL clusters in the primary us-east-1 (US set) and the first secondary eu-west-1 (Europe set), but a multi-Region cluster must lie within one region set (no cross-continent clusters); the registry is ordered by CIDR, so give a secondary from the US set (us-east-2, us-west-2) a lower CIDR than eu-west-1's",
            ],
        ],
        [
            "a first secondary where DSQL has no multi-Region clusters",
            "us-east-1",
            config("us-east-1", {}, { "us-east-1": REGISTRY["us-east-1"], "us-west-1": { cidr: "10.1.0.0/16", role: "secondary" } }),
            [
                `mall:regions: Aurora DSQL has no multi-Region clusters in us-west-1 (the first secondary, which the data layer links with the primary); use a region of a DSQL region set (${DSQL_SETS}), or add us-west-1 to its set in stacks/settings/dsql-regions.ts, as of 2026-11-28 if AWS has added it since`,
            ],
        ],
        [
            "a public CIDR in the registry",
            "us-east-1",
            config("us-east-1", {}, { ...REGISTRY, "us-west-2": { cidr: "52.94.0.0/16", role: "secondary" } }),
            [
                'mall:regions.us-west-2.cidr "52.94.0.0/16" is not private address space (RFC 1918: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16); a VPC on public addresses cannot reach whoever owns them, use a range like 10.1.0.0/16',
            ],
        ],
        [
            "WAF countries that are not ISO 3166-1 alpha-2 codes",
            "us-east-1",
            config("us-east-1", { "mall:wafAllowedCountries": ["KR", "UK", "QQ"] }),
            [
                'mall:wafAllowedCountries "UK" is not an ISO 3166-1 alpha-2 country code; did you mean GB? (the list is stacks/settings/iso-countries.ts, as of 2026-11-27)',
                'mall:wafAllowedCountries "QQ" is not an ISO 3166-1 alpha-2 country code (the list is stacks/settings/iso-countries.ts, as of 2026-11-27)',
            ],
        ],
        [
            "host bits in a CIDR",
            "us-east-1",
            config("us-east-1", {}, { ...REGISTRY, "us-west-2": { cidr: "10.1.5.0/16", role: "secondary" } }),
            ['mall:regions.us-west-2.cidr "10.1.5.0/16" has host bits set; did you mean 10.1.0.0/16?'],
        ],
        [
            "a CIDR too small for the stack's subnet plan",
            "us-west-2",
            config("us-west-2", {}, { ...REGISTRY, "us-west-2": { cidr: "10.1.0.0/18", role: "secondary" } }),
            ['mall:regions.us-west-2.cidr "10.1.0.0/18" is too small for this stack\'s subnet plan: 3 tiers × 3 AZs of /20 need 9 blocks, a /18 holds 4; lower mall:azCount, or raise mall:subnetPrefix (smaller subnets), or give the region a /16'],
        ],
        [
            "a /16 too small for six AZs of /20",
            "us-east-1",
            config("us-east-1", { "mall:azCount": "6" }),
            [
                'mall:regions.us-east-1.cidr "10.0.0.0/16" is too small for this stack\'s subnet plan: 3 tiers × 6 AZs of /20 need 18 blocks, a /16 holds 16; lower mall:azCount, or raise mall:subnetPrefix (smaller subnets)',
            ],
        ],
        [
            "a primary stack of another project",
            "us-west-2",
            config("us-west-2", { "mall:primaryStack": "acme/shop/us-east-1" }),
            ['mall:primaryStack "acme/shop/us-east-1" names project "shop", but this is project mall; point it at <org>/mall/us-east-1'],
        ],
        [
            "two primaries",
            "us-east-1",
            config("us-east-1", {}, { ...REGISTRY, "us-west-2": { cidr: "10.1.0.0/16", role: "primary" } }),
            ["mall:regions has 2 primaries (us-east-1, us-west-2); exactly one region must have role: primary, the others secondary"],
        ],
        [
            "no primary",
            "us-west-2",
            config("us-west-2", {}, { "us-west-2": { cidr: "10.1.0.0/16", role: "secondary" } }),
            ["mall:regions has no primary region; set role: primary on exactly one region"],
        ],
        [
            "a secondary with no primary stack",
            "us-west-2",
            config("us-west-2", { "mall:primaryStack": undefined }),
            ["mall:primaryStack is not set; the secondary stack us-west-2 reads the primary's outputs: run pulumi config set mall:primaryStack <org>/mall/us-east-1 -s us-west-2"],
        ],
        [
            "a secondary pointing at a stack that is not the primary",
            "us-west-2",
            config("us-west-2", { "mall:primaryStack": "acme/mall/us-west-2" }),
            ['mall:primaryStack "acme/mall/us-west-2" names stack "us-west-2", but production\'s primary is us-east-1, stack us-east-1; point it at <org>/mall/us-east-1'],
        ],
        [
            "no registry",
            "us-east-1",
            config("us-east-1", {}, null),
            ["mall:regions is not set; declare it once in Pulumi.yaml under config, e.g. mall:regions: { value: { us-east-1: { cidr: 10.0.0.0/16, role: primary } } }"],
        ],
        [
            "a bad role",
            "us-east-1",
            config("us-east-1", {}, { ...REGISTRY, "us-west-2": { cidr: "10.1.0.0/16", role: "tertiary" } }),
            ['mall:regions.us-west-2.role "tertiary" is not allowed; it must be primary or secondary'],
        ],
        [
            "a registry of one region (active-active needs a peer)",
            "us-east-1",
            config("us-east-1", {}, { "us-east-1": { cidr: "10.0.0.0/16", role: "primary" } }),
            ['mall:regions has one region (us-east-1); the platform is active-active and needs at least two: add a secondary (README "Adding a region")'],
        ],
        [
            "more NAT gateways than AZs",
            "us-east-1",
            config("us-east-1", { "mall:natGateways": "4" }),
            ['mall:natGateways "4" must be an integer between 1 and 3 (default 3)'],
        ],
        [
            "interface endpoints without the required ones",
            "us-east-1",
            config("us-east-1", { "mall:interfaceEndpoints": ["ecr.api", "sts"] }),
            ["mall:interfaceEndpoints lacks ecr.dkr, logs, secretsmanager; nodes pull images and get credentials through them without NAT, and credential rotation reaches Secrets Manager only through its endpoint, so they are required (add them to the list)"],
        ],
        [
            "the primary with a primary stack",
            "us-east-1",
            config("us-east-1", { "mall:primaryStack": "acme/mall/us-east-1" }),
            ["mall:primaryStack is set on the primary stack us-east-1; only secondaries read a primary, remove the key"],
        ],
    ];
    for (const [what, stack, raw, expected] of cases) {
        it(`rejects ${what}`, () => assert.deepStrictEqual(problems(stack, raw), expected));
    }

    it("rejects a misspelt key with the closest keys and where the full table lives, not every key", () => {
        assert.deepStrictEqual(problems("us-east-1", config("us-east-1", { "mall:natGateway": "1" })), [
            'mall:natGateway is not a setting of this program; did you mean mall:natGateways? (every key: README "Configuration keys")',
        ]);
        assert.deepStrictEqual(problems("us-east-1", config("us-east-1", { "mall:somethingElse": "1" })), ['mall:somethingElse is not a setting of this program (every key: README "Configuration keys")']);
    });

    it("rejects an AWS provider key the provider does not have, from the provider's own schema", () => {
        assert.deepStrictEqual(problems("us-east-1", config("us-east-1", { "aws:regoin": "us-east-1", "aws:profile": "mall", "aws:skipCredentialValidation": "true" })), [
            "aws:regoin is not a setting of the AWS provider; did you mean aws:region? (every key: https://www.pulumi.com/registry/packages/aws/installation-configuration/)",
            "aws:skipCredentialValidation is not a setting of the AWS provider; did you mean aws:skipCredentialsValidation? (every key: https://www.pulumi.com/registry/packages/aws/installation-configuration/)",
        ]);
    });

    it("reports every problem at once, in one error naming the stack", () => {
        const raw = config("us-west-2", {
            "aws:region": undefined,
            "mall:domain": "Not A Domain",
            "mall:azCount": "seven",
            "mall:environment": "prod",
        });
        let error: unknown;
        try {
            parseStackConfig("mall", "us-west-2", raw);
        } catch (e) {
            error = e;
        }
        assert.ok(error instanceof ConfigError);
        assert.strictEqual(
            error.message,
            [
                'Invalid configuration for stack "us-west-2" (4 problems); nothing was created:',
                '  - mall:azCount "seven" must be an integer between 2 and 6 (default 3)',
                "  - aws:region is not set; run: pulumi config set aws:region <region> -s us-west-2",
                '  - mall:environment "prod" is not declared; did you mean production? (known: production); declare its regions once in Pulumi.yaml under mall:environments.prod.regions (its stacks are prod-<region>), or set mall:environment to a known one in Pulumi.us-west-2.yaml',
                '  - mall:domain "Not A Domain" is not a lower-case DNS name such as example.com',
            ].join("\n"),
        );
    });

    it("checks only its own region's subnet plan: other regions use their own AZ count", () => {
        const registry = { ...REGISTRY, "us-west-2": { cidr: "10.1.0.0/18", role: "secondary" } };
        assert.strictEqual(parseStackConfig("mall", "us-east-1", config("us-east-1", {}, registry)).self.cidr, "10.0.0.0/16");
        const small = parseStackConfig("mall", "us-west-2", config("us-west-2", { "mall:subnetPrefix": "22" }, registry));
        assert.deepStrictEqual([small.self.cidr, small.network.subnetPrefix], ["10.1.0.0/18", 22]);
    });

    it("accepts a third region with zero code changes", () => {
        const registry = { ...REGISTRY, "ap-northeast-2": { cidr: "10.2.0.0/16", role: "secondary" } };
        const s = parseStackConfig("mall", "ap-northeast-2", config("ap-northeast-2", { "mall:primaryStack": "acme/mall/us-east-1" }, registry));
        assert.strictEqual(s.self.asn, 64514);
        assert.deepStrictEqual(parseStackConfig("mall", "us-east-1", config("us-east-1", {}, registry)).peers.map((p) => p.name), ["us-west-2", "ap-northeast-2"]);
    });

    describe("the failover order (mall:failoverOrder)", () => {
        const registry = { ...REGISTRY, "ap-northeast-2": { cidr: "10.2.0.0/16", role: "secondary" } };
        const seoul = (order?: unknown) =>
            parseStackConfig("mall", "ap-northeast-2", config("ap-northeast-2", { "mall:primaryStack": "acme/mall/us-east-1", ...(order ? { "mall:failoverOrder": JSON.stringify(order) } : {}) }, registry));
        const problems = (order: unknown) => {
            try {
                seoul(order);
            } catch (e) {
                if (e instanceof ConfigError) return [...e.problems];
                throw e;
            }
            return [];
        };

        it("defaults to the secondaries in registry order; a later successor probes the primary and every successor before it", () => {
            const s = seoul();
            assert.deepStrictEqual(s.registry.failoverOrder, ["us-west-2", "ap-northeast-2"]);
            assert.deepStrictEqual(s.peers.map((p) => p.name), ["us-east-1", "us-west-2"]);
        });

        it("follows an explicit order: the first successor probes the primary alone", () => {
            const s = seoul(["ap-northeast-2", "us-west-2"]);
            assert.deepStrictEqual([s.registry.failoverOrder, s.peers.map((p) => p.name)], [["ap-northeast-2", "us-west-2"], ["us-east-1"]]);
        });

        it("refuses the primary, an unknown region, a repeat and an omission, naming each and the fix", () => {
            assert.deepStrictEqual(problems(["us-east-1", "us-west-2", "ap-northeast-2"]), ['mall:failoverOrder names the primary us-east-1; it lists the primary\'s successors only: ["us-west-2","ap-northeast-2"]']);
            assert.deepStrictEqual(problems(["us-west-2", "eu-west-1", "ap-northeast-2"]), ["mall:failoverOrder names eu-west-1, not in mall:regions (us-east-1, us-west-2, ap-northeast-2)"]);
            assert.deepStrictEqual(problems(["us-west-2", "us-west-2", "ap-northeast-2"]), ["mall:failoverOrder lists us-west-2 more than once; each secondary takes over at one place in the order"]);
            assert.deepStrictEqual(problems(["us-west-2"]), ['mall:failoverOrder leaves out ap-northeast-2; list every secondary once, e.g. ["us-west-2","ap-northeast-2"]']);
        });
    });
});

describe("vendored AWS tables", () => {
    it("the ISO 3166-1 table has the 249 assigned codes, each a region ICU names", () => {
        assert.deepStrictEqual([ISO_3166_ALPHA2.length, new Set(ISO_3166_ALPHA2).size], [249, 249]);
        const names = new Intl.DisplayNames(["en"], { type: "region" });
        assert.deepStrictEqual(ISO_3166_ALPHA2.filter((c) => names.of(c) === c), []);
    });
    it("the Region list holds every Region the program and its docs name, each once", () => {
        assert.strictEqual(new Set(AWS_REGIONS).size, AWS_REGIONS.length);
        for (const r of ["us-east-1", "us-east-2", "us-west-2", "ap-northeast-2", "ap-southeast-2", "eu-central-1", "eu-west-1"]) assert.ok(AWS_REGIONS.includes(r), r);
    });
});

describe("Aurora DSQL region sets (stacks/settings/dsql-regions.ts)", () => {
    const keys = { registry: "mall:regions", witness: "mall:dsqlWitnessRegion" };
    it("accepts a pair and a witness of one set, on every continent, and a registered third region as witness", () => {
        assert.deepStrictEqual(dsqlRegionProblems(["us-east-1", "us-west-2"], "us-east-2", keys), []);
        assert.deepStrictEqual(dsqlRegionProblems(["eu-west-1", "eu-central-1"], "eu-west-2", keys), []);
        assert.deepStrictEqual(dsqlRegionProblems(["ap-northeast-2", "ap-northeast-1"], "ap-northeast-3", keys), []);
        assert.deepStrictEqual(dsqlRegionProblems(["us-east-1"], "us-east-2", keys), []);
        const threeRegions = { ...REGISTRY, "us-east-2": { cidr: "10.2.0.0/16", role: "secondary" } };
        assert.strictEqual(parseStackConfig("mall", "us-east-1", config("us-east-1", { "mall:dsqlWitnessRegion": "us-east-2" }, threeRegions)).data.dsqlWitnessRegion, "us-east-2");
    });
    it("puts every set's regions among AWS's, each in one set", () => {
        const all = Object.values(DSQL_REGION_SETS).flat();
        assert.deepStrictEqual(all.filter((r) => !AWS_REGIONS.includes(r)), []);
        assert.strictEqual(new Set(all).size, all.length);
        assert.strictEqual(dsqlRegionSet("eu-north-1"), "Europe");
        assert.strictEqual(dsqlRegionSet("us-west-1"), undefined);
    });
});
