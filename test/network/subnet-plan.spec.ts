import * as assert from "assert";
import * as fc from "fast-check";
import { contains, formatCidr, overlaps, parseCidr } from "../../components/network/cidr";
import { TIERS, natForAz, planSubnets, subnetPlanProblem } from "../../components/network/subnet-plan";

describe("subnet plan", () => {
    it("lays out the seed deck's subnets for us-east-1 (10.0.0.0/16, 3 AZs)", () => {
        assert.deepStrictEqual(
            planSubnets({ vpcCidr: "10.0.0.0/16", azCount: 3 }).map((s) => `${s.tier}-${s.azSuffix} ${s.cidr}`),
            [
                "public-a 10.0.0.0/20",
                "public-b 10.0.16.0/20",
                "public-c 10.0.32.0/20",
                "private-a 10.0.48.0/20",
                "private-b 10.0.64.0/20",
                "private-c 10.0.80.0/20",
                "data-a 10.0.96.0/20",
                "data-b 10.0.112.0/20",
                "data-c 10.0.128.0/20",
            ],
        );
    });

    it("lays out us-west-2 (10.1.0.0/16) the same way", () => {
        assert.deepStrictEqual(
            planSubnets({ vpcCidr: "10.1.0.0/16", azCount: 3 }).map((s) => s.cidr),
            ["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/20", "10.1.48.0/20", "10.1.64.0/20", "10.1.80.0/20", "10.1.96.0/20", "10.1.112.0/20", "10.1.128.0/20"],
        );
    });

    const table: [string, number, number | undefined, string | undefined][] = [
        ["10.0.0.0/16", 3, undefined, undefined],
        ["10.0.0.0/16", 5, undefined, undefined],
        ["10.0.0.0/16", 6, undefined, "3 tiers × 6 AZs of /20 need 18 blocks, a /16 holds 16"],
        ["10.2.0.0/18", 3, undefined, "3 tiers × 3 AZs of /20 need 9 blocks, a /18 holds 4"],
        ["10.2.0.0/18", 3, 22, undefined],
        ["10.2.0.0/20", 3, 20, "a /20 cannot hold /20 subnets"],
        ["10.2.0.0/33", 3, undefined, '"10.2.0.0/33" is not an IPv4 CIDR'],
    ];
    for (const [cidr, az, prefix, problem] of table) {
        it(`${cidr} with ${az} AZs${prefix ? ` and /${prefix}` : ""}: ${problem ?? "fits"}`, () => {
            assert.strictEqual(subnetPlanProblem({ vpcCidr: cidr, azCount: az, subnetPrefix: prefix }), problem);
        });
    }

    it("refuses to plan what does not fit, naming the reason", () => {
        assert.throws(() => planSubnets({ vpcCidr: "10.0.0.0/17", azCount: 3 }), /cannot plan subnets for 10.0.0.0\/17: 3 tiers × 3 AZs of \/20 need 9 blocks, a \/17 holds 8/);
    });

    it("shares NAT gateways round-robin when there are fewer than AZs", () => {
        assert.deepStrictEqual([0, 1, 2].map((az) => natForAz(az, 3)), [0, 1, 2]);
        assert.deepStrictEqual([0, 1, 2].map((az) => natForAz(az, 2)), [0, 1, 0]);
        assert.deepStrictEqual([0, 1, 2].map((az) => natForAz(az, 1)), [0, 0, 0]);
    });

    describe("properties, for any /8-/20 VPC and AZ count that fits", () => {
        const input = fc
            .record({
                octets: fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })),
                vpcPrefix: fc.integer({ min: 8, max: 22 }),
                extraBits: fc.integer({ min: 1, max: 8 }),
                azCount: fc.integer({ min: 1, max: 8 }),
            })
            .map(({ octets, vpcPrefix, extraBits, azCount }) => {
                const raw = parseCidr(`${octets[0]}.${octets[1]}.${octets[2]}.0/${vpcPrefix}`)!;
                const base = raw.base - (raw.base % 2 ** (32 - vpcPrefix));
                return { vpcCidr: formatCidr({ base, prefix: vpcPrefix }), azCount, subnetPrefix: Math.min(28, vpcPrefix + extraBits) };
            })
            .filter((i) => subnetPlanProblem(i) === undefined);

        it("every subnet lies inside the VPC", () =>
            fc.assert(fc.property(input, (i) => planSubnets(i).every((s) => contains(parseCidr(i.vpcCidr)!, parseCidr(s.cidr)!)))));

        it("subnets are pairwise disjoint", () =>
            fc.assert(
                fc.property(input, (i) => {
                    const cidrs = planSubnets(i).map((s) => parseCidr(s.cidr)!);
                    return cidrs.every((a, x) => cidrs.every((b, y) => x === y || !overlaps(a, b)));
                }),
            ));

        it("there is exactly one subnet per tier per AZ, of the requested size", () =>
            fc.assert(
                fc.property(input, (i) => {
                    const plan = planSubnets(i);
                    return (
                        plan.length === TIERS.length * i.azCount &&
                        TIERS.every((t) => Array.from({ length: i.azCount }, (_, az) => plan.filter((s) => s.tier === t && s.azIndex === az).length === 1).every(Boolean)) &&
                        plan.every((s) => s.cidr.endsWith(`/${i.subnetPrefix}`))
                    );
                }),
            ));
    });
});
