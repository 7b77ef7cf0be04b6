/** A Lambda function's error alarm: any error in an hour pages the topic (a function that stops silently is the failure). */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface FunctionErrorsAlarmArgs {
    /** The function's physical name (the alarm is `<it>-errors`). */
    readonly functionName: string;
    /** The function resource's name output (the metric's dimension, and the dependency). */
    readonly functionNameOutput: pulumi.Input<string>;
    /** What failed and what it means (the alarm's description). */
    readonly description: string;
    readonly topicArn: pulumi.Input<string>;
    readonly tags: Record<string, string>;
    /** The region, when it is not the stack's. @default - the stack's */
    readonly region?: string;
}

export function functionErrorsAlarm(name: string, args: FunctionErrorsAlarmArgs, opts: pulumi.CustomResourceOptions): aws.cloudwatch.MetricAlarm {
    return new aws.cloudwatch.MetricAlarm(
        name,
        {
            ...(args.region ? { region: args.region } : {}),
            name: `${args.functionName}-errors`,
            alarmDescription: args.description,
            namespace: "AWS/Lambda",
            metricName: "Errors",
            dimensions: { FunctionName: args.functionNameOutput },
            statistic: "Sum",
            period: 3600,
            evaluationPeriods: 1,
            threshold: 1,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            treatMissingData: "notBreaching",
            alarmActions: [args.topicArn],
            tags: args.tags,
        },
        opts,
    );
}
