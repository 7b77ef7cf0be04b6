import * as assert from "assert";
import * as fs from "fs";
import { OWNER_DEPLOY, OWNER_DR, OWNER_EDGE, OWNER_WRITES, admittedToday, flowTable, rowsFor } from "../../components/network/flows";
import { FLOWS_DOC, flowsBlock, registryRegions, withFlowsBlock } from "../../tools/flows-doc";

const TWO = [
    { name: "us-east-1", cidr: "10.0.0.0/16", role: "primary" as const },
    { name: "us-west-2", cidr: "10.1.0.0/16", role: "secondary" as const },
];
const THREE = [...TWO, { name: "ap-northeast-2", cidr: "10.2.0.0/16", role: "secondary" as const }];

describe("the flow table (components/network/flows.ts)", () => {
    it("is derived from the registry: 75 rows for two regions, ids unique", () => {
        const table = flowTable(TWO);
        assert.strictEqual(table.length, 75);
        assert.strictEqual(new Set(table.map((r) => r.id)).size, table.length);
    });

    it("lists exactly these rows as owned by a later issue", () => {
        const later = flowTable(TWO)
            .filter((r) => r.expected !== "admitted" && r.expected !== "forbidden")
            .map((r) => `${r.owner} | ${r.expected} | ${r.id}`);
        assert.deepStrictEqual(later, [
            `${OWNER_DR} | unadmitted | canary@us-east-1(us-east-1) -> origin@us-east-1:443`,
            `${OWNER_DR} | unadmitted | canary@us-east-1(us-west-2) -> origin@us-west-2:443`,
            `${OWNER_DR} | unadmitted | canary@us-west-2(us-east-1) -> origin@us-east-1:443`,
            `${OWNER_DR} | unadmitted | canary@us-west-2(us-west-2) -> origin@us-west-2:443`,
            `${OWNER_WRITES} | unadmitted | eks-nodes@us-west-2 -> data:docdb@us-east-1:27017`,
            `${OWNER_WRITES} | unadmitted | eks-nodes@us-west-2 -> data:cache@us-east-1:6379`,
            `${OWNER_WRITES} | unadmitted | eks-nodes@us-east-1 -> data:docdb@us-west-2:27017`,
            `${OWNER_WRITES} | unadmitted | eks-nodes@us-east-1 -> data:cache@us-west-2:6379`,
        ]);
    });

    it("has the deploy path's rows as this issue's owner flipped them: the in-VPC runners admitted, a hosted runner forbidden", () => {
        assert.deepStrictEqual(
            flowTable(TWO)
                .filter((r) => r.owner === OWNER_DEPLOY && r.to.kind === "group" && r.to.role === "eks-api")
                .map((r) => `${r.expected} | ${r.id}`),
            [
                "admitted | deploy-runner@us-east-1 -> eks-api@us-east-1:443",
                "admitted | preview-runner@us-east-1 -> eks-api@us-east-1:443",
                "forbidden | hosted-runner -> eks-api@us-east-1:443",
                "admitted | deploy-runner@us-west-2 -> eks-api@us-west-2:443",
                "admitted | preview-runner@us-west-2 -> eks-api@us-west-2:443",
                "forbidden | hosted-runner -> eks-api@us-west-2:443",
            ],
        );
    });

    it("forbids every store to the runners, which run workflow and pull-request code inside the VPC", () => {
        const runners = flowTable(TWO).filter((r) => r.owner === OWNER_DEPLOY && r.to.kind === "group" && r.to.role.startsWith("data:"));
        assert.strictEqual(runners.length, 20);
        assert.ok(runners.every((r) => r.expected === "forbidden"));
    });

    it("forbids another distribution's path to an origin: the edge issue's rows are closed", () => {
        const edge = flowTable(TWO).filter((r) => r.owner === OWNER_EDGE).map((r) => `${r.expected} | ${r.id}`);
        assert.deepStrictEqual(edge, ["forbidden | internet-via-any-distribution -> origin@us-east-1:443", "forbidden | internet-via-any-distribution -> origin@us-west-2:443"]);
    });

    it("scopes cross-region writes by writer region", () => {
        const table = flowTable(TWO);
        const writes = (w: string) => rowsFor(table, w).filter((r) => r.owner === OWNER_WRITES).map((r) => r.id);
        assert.deepStrictEqual(writes("us-east-1"), ["eks-nodes@us-west-2 -> data:docdb@us-east-1:27017", "eks-nodes@us-west-2 -> data:cache@us-east-1:6379"]);
        assert.deepStrictEqual(writes("us-west-2"), ["eks-nodes@us-east-1 -> data:docdb@us-west-2:27017", "eks-nodes@us-east-1 -> data:cache@us-west-2:6379"]);
        assert.strictEqual(rowsFor(table, "us-east-1").length, 73);
    });

    it("grows with a third region: replicator rows per secondary, canaries and writes per pair", () => {
        const table = flowTable(THREE);
        assert.strictEqual(table.filter((r) => r.from.kind === "canary").length, 9);
        assert.deepStrictEqual(table.filter((r) => r.from.kind === "group" && r.from.role === "msk-replicator").map((r) => r.id), [
            "msk-replicator@us-west-2(us-east-1) -> data:msk@us-east-1:9098",
            "msk-replicator@us-west-2(us-west-2) -> data:msk@us-west-2:9098",
            "msk-replicator@ap-northeast-2(us-east-1) -> data:msk@us-east-1:9098",
            "msk-replicator@ap-northeast-2(ap-northeast-2) -> data:msk@ap-northeast-2:9098",
        ]);
        assert.strictEqual(rowsFor(table, "ap-northeast-2").filter((r) => r.owner === OWNER_WRITES).length, 4);
    });

    it("says which expectations mean admitted today", () => {
        assert.deepStrictEqual(["admitted", "unadmitted", "admitted-but-forbidden", "forbidden"].map((e) => admittedToday(e as never)), [true, false, true, false]);
    });

    it("refuses a registry without a primary", () => {
        assert.throws(() => flowTable([{ name: "us-west-2", cidr: "10.1.0.0/16", role: "secondary" }]), /the region registry has no primary \(regions: us-west-2\)/);
    });

    it("docs/flows.md carries the generated table (drift test)", () => {
        const doc = fs.readFileSync(FLOWS_DOC, "utf8");
        assert.strictEqual(withFlowsBlock(doc), doc, "docs/flows.md is out of date: run npx ts-node --transpile-only tools/flows-doc.ts");
        assert.ok(doc.includes(flowsBlock(registryRegions())));
    });
});
