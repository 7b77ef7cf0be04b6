/**
 * DR guardrails: a production region whose DR topic pages nobody fails silently at 3 am. The DR
 * topic is the SNS topic DrAutomation tags `component: dr-automation`; a subscription is a
 * TopicSubscription whose `topic` comes from it (an email, HTTPS, SMS … endpoint: any protocol).
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { describe } from "./lib/checks";
import { StackIndex, stackPolicy } from "./lib/define";
import { tags } from "./lib/props";

interface NotificationsConfig {
    environments: string[];
}

const TOPIC = "aws:sns/topic:Topic";
const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
/** The component tag DrAutomation gives its resources (components/dr/automation.ts COMPONENT). */
export const DR_COMPONENT = "dr-automation";

export const drNotificationsSubscribed: StackValidationPolicy = stackPolicy<NotificationsConfig>({
    name: "dr-notifications-subscribed",
    description: "Checks that every production DR topic has at least one subscription (the on-call rotation), so a failover or a failed promotion pages someone.",
    enforcementLevel: "advisory",
    configSchema: {
        properties: {
            environments: { type: "array", items: { type: "string" }, default: ["production"], description: "Values of the environment tag whose DR topics must page someone." },
        },
    },
    check: (resources, config, report) => {
        const index = new StackIndex(resources);
        for (const topic of index.ofType(TOPIC)) {
            const t = tags(topic.props);
            if (t.component !== DR_COMPONENT || !config.environments.includes(t.environment ?? "")) continue;
            if (index.dependents(topic, "topic", SUBSCRIPTION).length > 0) continue;
            report(
                `${describe(topic)} pages nobody in ${t.environment}: its alarms and failover reports reach no one; subscribe the on-call rotation (mall:drNotifications: ["oncall@example.com"] or a PagerDuty/Opsgenie https:// endpoint in Pulumi.${t.stack ?? t.region ?? "<stack>"}.yaml)`,
                topic.urn,
            );
        }
    },
});
