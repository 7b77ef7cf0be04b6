/** The offline plan's mocks answer like AWS for the resources and invokes added for deploy-readiness. */
import * as assert from "assert";
import { MOCK_ACCOUNT_ID, PlanMocks } from "../../tools/plan/mocks";

const mocks = new PlanMocks({ stack: "us-east-1", region: "us-east-1", stackOutputs: new Map() });

describe("plan mocks", () => {
    it("a service-linked role gets the name and path AWS derives from the service (IAM ARNs carry no region)", () => {
        const { id, state } = mocks.newResource({
            type: "aws:iam/serviceLinkedRole:ServiceLinkedRole",
            name: "data-search-service-linked-role",
            inputs: { awsServiceName: "opensearchservice.amazonaws.com" },
            provider: "",
            id: "",
            custom: true,
        } as never);
        const arn = `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/aws-service-role/opensearchservice.amazonaws.com/AWSServiceRoleForAmazonOpenSearchService`;
        assert.strictEqual(id, arn);
        assert.deepStrictEqual([state.arn, state.name, state.path], [arn, "AWSServiceRoleForAmazonOpenSearchService", "/aws-service-role/opensearchservice.amazonaws.com/"]);
    });

    it("getEngineVersion answers the newest version of the asked family with the TF data source's fields", () => {
        const v = mocks.call({ token: "aws:rds/getEngineVersion:getEngineVersion", args: {}, inputs: { engine: "aurora-postgresql", parameterGroupFamily: "aurora-postgresql16", latest: true }, provider: "" } as never);
        assert.deepStrictEqual(
            [v.version, v.versionActual, v.parameterGroupFamily, v.status, v.supportsGlobalDatabases, v.validUpgradeTargets],
            ["16.8", "16.8", "aurora-postgresql16", "available", true, ["17.4", "17.5"]],
        );
        assert.ok((v.supportedFeatureNames as string[]).includes("Lambda"));
        assert.throws(() => mocks.call({ token: "aws:rds/getEngineVersion:getEngineVersion", args: {}, inputs: { engine: "aurora-postgresql", parameterGroupFamily: "aurora-postgresql12" }, provider: "" } as never), /knows no aurora-postgresql versions of family "aurora-postgresql12"/);
    });
});
