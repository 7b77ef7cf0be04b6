import * as assert from "assert";
import * as fs from "fs";
import { OWNER_AA2, OWNER_DEPLOY, OWNER_DR, OWNER_EDGE, OWNER_WRITES, admittedToday, flowTable, rowsFor } from "../../components/network/flows";
import { FLOWS_DOC, flowsBlock, registryRegions, withFlowsBlock } from "../../tools/flows-doc";

const TWO = [
    { name: "us-east-1", cidr: "10.0.0.0/16", role: "primary" as const },
    { name: "us-west-2", cidr: "10.1.0.0/16", role: "secondary" as const },
];
const THREE = [...TWO, { name: "ap-northeast-2", cidr: "10.2.0.0/16", role: "secondary" as const }];

describe("the flow table (components/network/flows.ts)", () => {
    it("is derived from the registry: 117 rows for two regions, ids unique", () => {
        const table = flowTable(TWO);
        // 109, and credential rotation's 8 (S7): the primary's five stores, its endpoints, the secondary's two rotated stores.
        assert.strictEqual(table.length, 117);
        assert.strictEqual(table.filter((r) => r.from.kind === "group" && r.from.role === "rotation").length, 8);
        assert.strictEqual(new Set(table.map((r) => r.id)).size, table.length);
    });

    it("credential rotation (S7) opens Aurora and DocumentDB in the primary and nothing else", () => {
        assert.deepStrictEqual(
            flowTable(TWO)
                .filter((r) => r.from.kind === "group" && r.from.role === "rotation")
                .map((r) => `${r.expected} | ${r.id}`),
            [
                "admitted | rotation@us-east-1 -> data:aurora@us-east-1:5432",
                "admitted | rotation@us-east-1 -> data:docdb@us-east-1:27017",
                "forbidden | rotation@us-east-1 -> data:cache@us-east-1:6379",
                "forbidden | rotation@us-east-1 -> data:msk@us-east-1:9098",
                "forbidden | rotation@us-east-1 -> data:search@us-east-1:443",
                "admitted | rotation@us-east-1 -> vpc-endpoints@us-east-1:443",
                "forbidden | rotation@us-east-1 -> data:aurora@us-west-2:5432",
                "forbidden | rotation@us-east-1 -> data:docdb@us-west-2:27017",
            ],
        );
    });

    it("lists no row owned by a later issue: every flow the platform needs holds, every forbidden one is closed", () => {
        const later = flowTable(TWO)
            .filter((r) => r.expected !== "admitted" && r.expected !== "forbidden")
            .map((r) => `${r.owner} | ${r.expected} | ${r.id}`);
        assert.deepStrictEqual(later, []);
    });

    it("has a canary row for every probe a region runs: its own readiness, the primary (and each secondary from the primary), every earlier successor", () => {
        const canaries = (t: ReturnType<typeof flowTable>) => t.filter((r) => r.from.kind === "canary").map((r) => `${r.expected} | ${r.owner === OWNER_DR ? "DR" : r.owner} | ${r.id}`);
        assert.deepStrictEqual(canaries(flowTable(TWO)), [
            "admitted | DR | canary@us-east-1(us-east-1) -> origin@us-east-1:443",
            "admitted | DR | canary@us-east-1(us-west-2) -> origin@us-west-2:443",
            "admitted | DR | canary@us-west-2(us-east-1) -> origin@us-east-1:443",
            "admitted | DR | canary@us-west-2(us-west-2) -> origin@us-west-2:443",
        ]);
        const three = canaries(flowTable(THREE)).map((x) => x.split(" | ")[2]);
        assert.ok(three.includes("canary@ap-northeast-2(us-west-2) -> origin@us-west-2:443"), "a later successor probes the earlier one");
        assert.ok(!three.includes("canary@us-west-2(ap-northeast-2) -> origin@ap-northeast-2:443"), "an earlier successor does not probe a later one");
        const reordered = canaries(flowTable(THREE, ["ap-northeast-2", "us-west-2"])).map((x) => x.split(" | ")[2]);
        assert.ok(reordered.includes("canary@us-west-2(ap-northeast-2) -> origin@ap-northeast-2:443") && !reordered.includes("canary@ap-northeast-2(us-west-2) -> origin@us-west-2:443"));
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

    it("forbids every store but Kafka to the runners, which run workflow and pull-request code inside the VPC; Kafka for topics as code", () => {
        const runners = flowTable(TWO).filter((r) => r.from.kind === "group" && r.from.role.endsWith("-runner") && r.to.kind === "group" && r.to.role.startsWith("data:") && r.to.region === r.from.region);
        assert.strictEqual(runners.length, 20);
        assert.deepStrictEqual(runners.filter((r) => r.expected !== "forbidden").map((r) => `${r.owner} | ${r.expected} | ${r.id}`), [
            `${OWNER_WRITES} | admitted | deploy-runner@us-east-1 -> data:msk@us-east-1:9098`,
            `${OWNER_WRITES} | admitted | preview-runner@us-east-1 -> data:msk@us-east-1:9098`,
            `${OWNER_WRITES} | admitted | deploy-runner@us-west-2 -> data:msk@us-west-2:9098`,
            `${OWNER_WRITES} | admitted | preview-runner@us-west-2 -> data:msk@us-west-2:9098`,
        ]);
        assert.ok(runners.filter((r) => r.to.kind === "group" && r.to.role !== "data:msk").every((r) => r.expected === "forbidden" && r.owner === OWNER_DEPLOY));
    });

    it("forbids another distribution's path to an origin: the edge issue's rows are closed", () => {
        const edge = flowTable(TWO).filter((r) => r.owner === OWNER_EDGE).map((r) => `${r.expected} | ${r.id}`);
        assert.deepStrictEqual(edge, ["forbidden | internet-via-any-distribution -> origin@us-east-1:443", "forbidden | internet-via-any-distribution -> origin@us-west-2:443"]);
    });

    it("forbids the runners the other regions' single-writer stores, which admit their private subnets", () => {
        const rows = flowTable(TWO).filter((r) => r.owner === OWNER_WRITES && r.from.kind === "group" && r.from.role.endsWith("-runner") && r.to.kind === "group" && r.to.region !== r.from.region);
        assert.deepStrictEqual(rows.map((r) => `${r.expected} | ${r.id}`), [
            "forbidden | deploy-runner@us-east-1 -> data:docdb@us-west-2:27017",
            "forbidden | deploy-runner@us-east-1 -> data:cache@us-west-2:6379",
            "forbidden | preview-runner@us-east-1 -> data:docdb@us-west-2:27017",
            "forbidden | preview-runner@us-east-1 -> data:cache@us-west-2:6379",
            "forbidden | deploy-runner@us-west-2 -> data:docdb@us-east-1:27017",
            "forbidden | deploy-runner@us-west-2 -> data:cache@us-east-1:6379",
            "forbidden | preview-runner@us-west-2 -> data:docdb@us-east-1:27017",
            "forbidden | preview-runner@us-west-2 -> data:cache@us-east-1:6379",
        ]);
    });

    it("scopes cross-region writes by writer region, all admitted", () => {
        const table = flowTable(TWO);
        const writes = (w: string) => rowsFor(table, w).filter((r) => r.owner === OWNER_WRITES && r.from.kind === "group" && r.from.role === "eks-nodes").map((r) => `${r.expected} | ${r.id}`);
        assert.deepStrictEqual(writes("us-east-1"), [
            "admitted | eks-nodes@us-west-2 -> data:docdb@us-east-1:27017",
            "admitted | eks-nodes@us-west-2 -> data:cache@us-east-1:6379",
            "admitted | eks-nodes@us-east-1 -> aws-api:dsql@us-east-1:5432",
            "admitted | eks-nodes@us-west-2 -> aws-api:dsql@us-west-2:5432",
        ]);
        assert.deepStrictEqual(writes("us-west-2").slice(0, 2), ["admitted | eks-nodes@us-east-1 -> data:docdb@us-west-2:27017", "admitted | eks-nodes@us-east-1 -> data:cache@us-west-2:6379"]);
        assert.strictEqual(rowsFor(table, "us-east-1").length, 115);
    });

    it("lets the API server reach metrics-server and metrics-server reach every kubelet, in each region", () => {
        const rows = rowsFor(flowTable(TWO), "us-east-1").filter((r) => r.owner === OWNER_AA2 && (r.port === 10250 || r.port === 10251)).map((r) => `${r.expected} | ${r.id}`);
        assert.deepStrictEqual(rows, [
            "admitted | eks-api@us-east-1 -> eks-nodes@us-east-1:10251",
            "admitted | eks-nodes@us-east-1 -> eks-nodes@us-east-1:10250",
            "admitted | eks-api@us-west-2 -> eks-nodes@us-west-2:10251",
            "admitted | eks-nodes@us-west-2 -> eks-nodes@us-west-2:10250",
        ]);
    });

    it("lets the identities bootstrap open exactly its region's Aurora, DocumentDB and OpenSearch, the endpoints and its DSQL cluster", () => {
        const rows = rowsFor(flowTable(TWO), "us-east-1").filter((r) => r.id.startsWith("identities@us-east-1")).map((r) => `${r.expected} | ${r.id}`);
        assert.deepStrictEqual(rows, [
            "admitted | identities@us-east-1 -> data:aurora@us-east-1:5432",
            "admitted | identities@us-east-1 -> data:docdb@us-east-1:27017",
            "forbidden | identities@us-east-1 -> data:cache@us-east-1:6379",
            "forbidden | identities@us-east-1 -> data:msk@us-east-1:9098",
            "admitted | identities@us-east-1 -> data:search@us-east-1:443",
            "admitted | identities@us-east-1 -> vpc-endpoints@us-east-1:443",
            "forbidden | identities@us-east-1 -> data:docdb@us-west-2:27017",
            "forbidden | identities@us-east-1 -> data:cache@us-west-2:6379",
            "admitted | identities@us-east-1 -> aws-api:dsql@us-east-1:5432",
        ]);
    });

    it("grows with a third region: a replicator per ordered pair, canaries and writes per pair, DSQL written remotely outside the linked pair", () => {
        const table = flowTable(THREE);
        assert.strictEqual(table.filter((r) => r.from.kind === "canary").length, 8);
        const replicators = table.filter((r) => r.from.kind === "group" && r.from.role === "msk-replicator").map((r) => r.id);
        assert.strictEqual(replicators.length, 12);
        assert.deepStrictEqual(replicators.slice(0, 4), [
            "msk-replicator@us-west-2<-us-east-1(us-east-1) -> data:msk@us-east-1:9098",
            "msk-replicator@us-west-2<-us-east-1(us-west-2) -> data:msk@us-west-2:9098",
            "msk-replicator@ap-northeast-2<-us-east-1(us-east-1) -> data:msk@us-east-1:9098",
            "msk-replicator@ap-northeast-2<-us-east-1(ap-northeast-2) -> data:msk@ap-northeast-2:9098",
        ]);
        const writes = rowsFor(table, "ap-northeast-2").filter((r) => r.owner === OWNER_WRITES && r.from.kind === "group" && r.from.role === "eks-nodes").map((r) => r.id);
        assert.deepStrictEqual(writes, [
            "eks-nodes@us-east-1 -> data:docdb@ap-northeast-2:27017",
            "eks-nodes@us-east-1 -> data:cache@ap-northeast-2:6379",
            "eks-nodes@us-west-2 -> data:docdb@ap-northeast-2:27017",
            "eks-nodes@us-west-2 -> data:cache@ap-northeast-2:6379",
            "eks-nodes@us-east-1 -> aws-api:dsql@us-east-1:5432",
            "eks-nodes@us-west-2 -> aws-api:dsql@us-west-2:5432",
            "eks-nodes@ap-northeast-2 -> aws-api:dsql@us-east-1:5432",
        ]);
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
