import * as assert from "assert";
import { PolicyReport } from "../../tools/plan/contract";
import { expectClean, expectFindings, res, run, urn } from "./fixtures";

const TOPIC = "aws:sns/topic:Topic";
const SUB = "aws:sns/topicSubscription:TopicSubscription";
const drTopic = (name: string, environment: string) =>
    res(TOPIC, name, { name: `mall-us-east-1-${name}`, kmsMasterKeyId: "arn:aws:kms:us-east-1:123456789012:key/k", tags: { service: "dr", region: "us-east-1", component: "dr-automation", environment } });

describe("dr-notifications-subscribed (through the analyzer protocol)", () => {
    let report: PolicyReport;
    before(async () => {
        report = await run([
            drTopic("prod-unpaged", "production"),
            drTopic("prod-paged", "production"),
            res(SUB, "prod-paged-page-0", { topic: "arn:aws:sns:us-east-1:123456789012:mall-us-east-1-prod-paged", protocol: "email", endpoint: "oncall@example.com" }, { deps: { topic: [urn(TOPIC, "prod-paged")] } }),
            drTopic("dev-unpaged", "dev"),
            res(TOPIC, "other-unpaged", { name: "mall-us-east-1-other", kmsMasterKeyId: "arn:aws:kms:us-east-1:123456789012:key/k", tags: { service: "order", region: "us-east-1", component: "orders", environment: "production" } }),
        ]);
    });

    it("flags a production DR topic nobody subscribes to, saying how to page the on-call rotation (advisory)", () => {
        expectFindings(report, "dr-notifications-subscribed", urn(TOPIC, "prod-unpaged"), [
            [
                "advisory",
                'sns topic prod-unpaged pages nobody in production: its alarms and failover reports reach no one; subscribe the on-call rotation (mall:drNotifications: ["oncall@example.com"] or a PagerDuty/Opsgenie https:// endpoint in Pulumi.us-east-1.yaml)',
            ],
        ]);
    });

    it("accepts a subscribed production DR topic, a DR topic outside production, and topics that are not the DR topic", () => {
        for (const name of ["prod-paged", "dev-unpaged", "other-unpaged"]) expectClean(report, "dr-notifications-subscribed", urn(TOPIC, name));
        assert.strictEqual(report.diagnostics.filter((d) => d.policy === "dr-notifications-subscribed").length, 1);
    });
});
