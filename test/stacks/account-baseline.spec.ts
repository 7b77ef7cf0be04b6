import * as assert from "assert";
import { RawConfig, parseStackConfig } from "../../stacks/settings";
import { problems } from "./config-problems";

const REGISTRY = { "us-east-1": { cidr: "10.0.0.0/16", role: "primary" }, "us-west-2": { cidr: "10.1.0.0/16", role: "secondary" } };

function config(stack: string, baseline?: unknown): RawConfig {
    return {
        "aws:region": stack,
        "mall:domain": "mall.example.com",
        "mall:regions": JSON.stringify(REGISTRY),
        ...(stack === "us-west-2" ? { "mall:primaryStack": "acme/mall/us-east-1" } : {}),
        ...(baseline === undefined ? {} : { "mall:accountBaseline": JSON.stringify(baseline) }),
    };
}

describe("mall:accountBaseline (account-wide singletons)", () => {
    it("by default the primary creates every account-wide singleton and a secondary none (IAM is global: a second create fails); every stack its region's", () => {
        const region = { backupRegionSettings: true, guardDuty: true, securityHub: true, configRecorder: true };
        assert.deepStrictEqual(parseStackConfig("mall", "us-east-1", config("us-east-1")).accountBaseline, { openSearchServiceLinkedRole: true, ...region, cloudTrail: true, securityHubAggregator: true });
        assert.deepStrictEqual(parseStackConfig("mall", "us-west-2", config("us-west-2")).accountBaseline, { openSearchServiceLinkedRole: false, ...region, cloudTrail: false, securityHubAggregator: false });
    });

    it("lets a stack hand a singleton over (it exists already, or another stack owns it)", () => {
        assert.deepStrictEqual(parseStackConfig("mall", "us-east-1", config("us-east-1", { openSearchServiceLinkedRole: false, backupRegionSettings: false, cloudTrail: false })).accountBaseline, {
            openSearchServiceLinkedRole: false,
            backupRegionSettings: false,
            guardDuty: true,
            securityHub: true,
            configRecorder: true,
            cloudTrail: false,
            securityHubAggregator: true,
        });
    });

    it("refuses unknown singletons with a did-you-mean, non-boolean values and non-maps", () => {
        assert.deepStrictEqual(problems("us-east-1", config("us-east-1", { openSearchServiceLinkRole: false })), [
            "mall:accountBaseline.openSearchServiceLinkRole is not an account-wide singleton of this program; did you mean openSearchServiceLinkedRole? (known: openSearchServiceLinkedRole, backupRegionSettings, guardDuty, securityHub, configRecorder, cloudTrail, securityHubAggregator)",
        ]);
        assert.deepStrictEqual(problems("us-east-1", config("us-east-1", { openSearchServiceLinkedRole: "no" })), [
            'mall:accountBaseline.openSearchServiceLinkedRole "no" must be true (this stack creates the IAM service-linked role AWSServiceRoleForAmazonOpenSearchService, which OpenSearch needs before it can create a VPC domain) or false (it exists already or another stack owns it)',
        ]);
        assert.match(problems("us-east-1", config("us-east-1", ["openSearchServiceLinkedRole"]))[0], /^mall:accountBaseline must be a map of account-wide singleton to true\/false/);
    });
});
