/**
 * The CloudFront-scope web ACL (ARCHITECTURE §5: geo allow-list, per-IP rate limit, AWS managed
 * rules, Bot Control in count mode) with its KMS-encrypted log group and logging configuration, in
 * us-east-1 where CloudFront's WAF lives.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RegionContext, awsName } from "../common/context";
import { serviceKey } from "../common/kms";
import { AUDIT_LOG_RETENTION_DAYS, AUDIT_LOG_TAGS, logsPrincipal } from "../common/logs";
import { tagsFor } from "../common/tags";
import { BotControlMode, EDGE_REGION, WAF_DEFAULTS, WafRulePlan, planWafRules } from "./plan";

/** The store service of the WAF logs: its own key (the per-service KMS rule). */
export const WAF_LOG_SERVICE = "waf-logs";

export interface EdgeWafArgs {
    /** ISO 3166 codes of the countries served; requests from any other are blocked. @default WAF_DEFAULTS.allowedCountries - KR, US, JP */
    readonly allowedCountries?: readonly string[];
    /** Requests per 5 minutes per IP before the IP is blocked. @default WAF_DEFAULTS.rateLimit - 2000 */
    readonly rateLimit?: number;
    /** Bot Control in count mode (measure before blocking), or off. @default "count" */
    readonly botControl?: BotControlMode;
    /** The registered regions: their exact DR probe paths pass the geo rule. @default [] */
    readonly probeRegions?: readonly string[];
    /** Days the protected WAF log group keeps its logs (audit evidence). @default 365 - AUDIT_LOG_RETENTION_DAYS */
    readonly logRetentionDays?: number;
}

/** `<name>-waf` with its logs, tagged for `component`. */
export function declareWaf(parent: pulumi.Resource, name: string, ctx: RegionContext, component: string, args: EdgeWafArgs = {}) {
    const opts = { parent };
    const edge = { region: EDGE_REGION };
    const tags = (service: string, nameTag: string) => tagsFor(ctx, service, component, {}, nameTag);
    const account = pulumi.output(ctx.accountId);
    const wafRules = planWafRules({
        allowedCountries: args.allowedCountries ?? WAF_DEFAULTS.allowedCountries,
        rateLimit: args.rateLimit ?? WAF_DEFAULTS.rateLimit,
        botControl: args.botControl ?? WAF_DEFAULTS.botControl,
        probeRegions: args.probeRegions ?? [],
    });
    const webAcl = new aws.wafv2.WebAcl(
        `${name}-waf`,
        {
            ...edge,
            name: awsName(ctx, "edge"),
            description: "CloudFront: geo allow-list, per-IP rate limit, AWS managed rules, Bot Control (count)",
            scope: "CLOUDFRONT",
            defaultAction: { allow: {} },
            rules: wafRules.map((r) => wafRule(r, awsName(ctx, r.name))),
            visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: awsName(ctx, "edge"), sampledRequestsEnabled: true },
            tags: tags("edge", awsName(ctx, "edge")),
        },
        opts,
    );
    // WAF only accepts log destinations whose name starts with aws-waf-logs-.
    const wafLogGroupName = `aws-waf-logs-${ctx.prefix}-edge`;
    const wafKey = serviceKey(
        `${name}-waf-logs`,
        ctx,
        {
            service: WAF_LOG_SERVICE,
            component,
            description: "WAF logs of the CloudFront web ACL",
            region: EDGE_REGION,
            servicePrincipals: [logsPrincipal(EDGE_REGION, account, wafLogGroupName)],
        },
        parent,
    );
    const wafLogGroup = new aws.cloudwatch.LogGroup(
        `${name}-waf-logs`,
        {
            ...edge,
            name: wafLogGroupName,
            kmsKeyId: wafKey.arn,
            retentionInDays: args.logRetentionDays ?? AUDIT_LOG_RETENTION_DAYS,
            tags: { ...tags(WAF_LOG_SERVICE, wafLogGroupName), ...AUDIT_LOG_TAGS },
        },
        // Audit evidence: a rename or a removed component must not delete it.
        { ...opts, protect: true },
    );
    new aws.wafv2.WebAclLoggingConfiguration(
        `${name}-waf-logging`,
        {
            ...edge,
            resourceArn: webAcl.arn,
            logDestinationConfigs: [wafLogGroup.arn],
            // Credentials never reach the logs.
            redactedFields: [{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }],
        },
        opts,
    );
    return { webAcl, wafLogGroup };
}

/** One WAF rule from its plan. */
export function wafRule(plan: WafRulePlan, metricName: string): aws.types.input.wafv2.WebAclRule {
    const visibilityConfig = { cloudwatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true };
    const base = { name: plan.name, priority: plan.priority, visibilityConfig };
    switch (plan.kind) {
        case "geo-allowlist": {
            const outside = { notStatement: { statement: { geoMatchStatement: { countryCodes: [...plan.countries] } } } };
            if (!plan.exemptPathRegex) return { ...base, action: { block: {} }, statement: outside };
            const exempt = { regexMatchStatement: { regexString: plan.exemptPathRegex, fieldToMatch: { uriPath: {} }, textTransformations: [{ priority: 0, type: "NONE" }] } };
            return { ...base, action: { block: {} }, statement: { andStatement: { statements: [outside, { notStatement: { statement: exempt } }] } } };
        }
        case "rate-limit":
            return { ...base, action: { block: {} }, statement: { rateBasedStatement: { limit: plan.limit, aggregateKeyType: "IP", evaluationWindowSec: 300 } } };
        case "managed": {
            const isBotControl = plan.managedGroup === "AWSManagedRulesBotControlRuleSet";
            return {
                ...base,
                overrideAction: plan.action === "count" ? { count: {} } : { none: {} },
                statement: {
                    managedRuleGroupStatement: {
                        vendorName: "AWS",
                        name: plan.managedGroup,
                        ...(isBotControl ? { managedRuleGroupConfigs: [{ awsManagedRulesBotControlRuleSet: { inspectionLevel: "COMMON" } }] } : {}),
                        ...(plan.scopeDownPathPrefix
                            ? {
                                  scopeDownStatement: {
                                      byteMatchStatement: {
                                          searchString: plan.scopeDownPathPrefix,
                                          positionalConstraint: "STARTS_WITH",
                                          fieldToMatch: { uriPath: {} },
                                          textTransformations: [{ priority: 0, type: "NONE" }],
                                      },
                                  },
                              }
                            : {}),
                    },
                },
            };
        }
    }
}
