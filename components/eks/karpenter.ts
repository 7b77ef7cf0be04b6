/**
 * Karpenter (ARCHITECTURE §3): the interruption queue and its EventBridge rules, the IRSA
 * controller role, the chart on the bootstrap nodes, the EC2NodeClass and the NodePools.
 */
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { awsName, awsNameWithin } from "../common/context";
import { serviceKey } from "../common/kms";
import { tagsFor } from "../common/tags";
import { NODE_POOLS, SYSTEM_TAINT } from "./defaults";
import { karpenterControllerPolicy } from "./iam-plan";
import { INTERRUPTION_RULES, POOL_LABEL, interruptionQueuePolicy, planEc2NodeClass, planNodePool } from "./karpenter-plan";
import { SYSTEM_POOL } from "./nodes";
import { declareRole, irsaTrustOf } from "./roles";
import { COMPONENT, EksScope, SERVICE, chartVersions } from "./scope";
import { IRSA_ANNOTATION } from "./workloads-plan";

const KARPENTER_CHART = "oci://public.ecr.aws/karpenter/karpenter";
const KARPENTER_CRD_CHART = "oci://public.ecr.aws/karpenter/karpenter-crd";
const KARPENTER_NAMESPACE = "kube-system";
const KARPENTER_SA = "karpenter";

export function declareKarpenter(
    c: EksScope,
    d: {
        cluster: eks.Cluster;
        clusterName: pulumi.Output<string>;
        key: { arn: pulumi.Output<string> };
        provider: k8s.Provider;
        nodeRole: aws.iam.Role;
        ready: pulumi.Resource[];
    },
) {
    const { ctx, parent, name } = c;
    const ktags = (nameTag: string) => tagsFor(ctx, "karpenter", COMPONENT, {}, nameTag);
    const queueKey = serviceKey(
        `${name}-karpenter`,
        ctx,
        {
            service: "karpenter",
            component: COMPONENT,
            description: "Karpenter interruption queue",
            // EventBridge encrypts what it delivers to the queue with this key.
            servicePrincipals: [{ principal: "events.amazonaws.com" }],
        },
        parent,
    );
    const queue = new aws.sqs.Queue(
        `${name}-karpenter-interruptions`,
        {
            name: c.clusterName,
            messageRetentionSeconds: 300,
            kmsMasterKeyId: queueKey.arn,
            kmsDataKeyReusePeriodSeconds: 300,
            tags: ktags(c.clusterName),
        },
        { parent },
    );
    const ruleName = (n: string) => awsNameWithin(ctx, 64, "karpenter", n);
    new aws.sqs.QueuePolicy(
        `${name}-karpenter-interruptions-policy`,
        {
            queueUrl: queue.url,
            // The rules' ARNs from their names (default event bus), so the policy needs no rule to exist first.
            policy: pulumi
                .all([queue.arn, ctx.accountId])
                .apply(([arn, account]) => JSON.stringify(interruptionQueuePolicy(arn, INTERRUPTION_RULES.map(([n]) => `arn:aws:events:${ctx.region}:${account}:rule/${ruleName(n)}`)))),
        },
        { parent },
    );
    for (const [n, pattern] of INTERRUPTION_RULES) {
        const rule = new aws.cloudwatch.EventRule(
            `${name}-karpenter-${n}`,
            { name: ruleName(n), description: `Karpenter interruption handling: ${pattern["detail-type"][0]}`, eventPattern: JSON.stringify(pattern), tags: ktags(ruleName(n)) },
            { parent },
        );
        new aws.cloudwatch.EventTarget(`${name}-karpenter-${n}-target`, { rule: rule.name, targetId: "KarpenterInterruptionQueue", arn: queue.arn }, { parent });
    }

    const controllerPolicy = pulumi
        .all([queue.arn, queueKey.arn, d.nodeRole.arn, ctx.accountId])
        .apply(([queueArn, keyArn, nodeRoleArn, accountId]) =>
            JSON.stringify(
                karpenterControllerPolicy({
                    region: ctx.region,
                    accountId,
                    clusterName: c.clusterName,
                    interruptionQueueArn: queueArn,
                    interruptionQueueKeyArn: keyArn,
                    nodeRoleArn,
                }),
            ),
        );
    const controllerRole = declareRole(c, "karpenter-controller-role", awsName(ctx, "karpenter-controller"), {
        trust: irsaTrustOf(d.cluster, KARPENTER_NAMESPACE, KARPENTER_SA),
        inline: controllerPolicy,
        service: "karpenter",
    }).role;

    const versions = chartVersions(c.args);
    // Helm installs a chart's crds/ once and never upgrades them: the CRDs come from the separate
    // karpenter-crd chart (templates, so every upgrade applies them), as Karpenter's upgrade guide
    // recommends, and the controller chart skips its own copy. CRDs need no node: no dependsOn.
    const crds = new k8s.helm.v3.Release(
        `${name}-karpenter-crd`,
        { name: "karpenter-crd", chart: KARPENTER_CRD_CHART, version: versions.karpenter, namespace: KARPENTER_NAMESPACE, atomic: true },
        { parent, provider: d.provider },
    );
    const release = new k8s.helm.v3.Release(
        `${name}-karpenter`,
        {
            name: "karpenter",
            chart: KARPENTER_CHART,
            version: versions.karpenter,
            namespace: KARPENTER_NAMESPACE,
            atomic: true,
            skipCrds: true,
            values: {
                settings: { clusterName: c.clusterName, interruptionQueue: queue.name },
                serviceAccount: { name: KARPENTER_SA, annotations: { [IRSA_ANNOTATION]: controllerRole.arn } },
                replicas: 2,
                // Karpenter must never run on nodes it manages: pinned to the tainted bootstrap nodes.
                nodeSelector: { [POOL_LABEL]: SYSTEM_POOL },
                tolerations: [{ key: SYSTEM_TAINT.key, operator: "Exists", effect: SYSTEM_TAINT.effect }],
                controller: { resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } } },
            },
        },
        { parent, provider: d.provider, dependsOn: [crds, ...d.ready] },
    );

    const nodeClassSpec = d.key.arn.apply(
        (keyArn) =>
            planEc2NodeClass({
                clusterName: c.clusterName,
                nodeRoleName: awsName(ctx, "karpenter-node"),
                volumeKmsKeyArn: keyArn,
                amiAlias: c.args.amiAlias,
                // No kubernetes.io/cluster/<name> here: the CRD refuses it and Karpenter adds it itself.
                tags: tagsFor(ctx, SERVICE, "karpenter-node"),
            }).spec!,
    );
    const nodeClass = new k8s.apiextensions.CustomResource(
        `${name}-nodeclass-default`,
        { apiVersion: "karpenter.k8s.aws/v1", kind: "EC2NodeClass", metadata: { name: "default" }, spec: nodeClassSpec },
        { parent, provider: d.provider, dependsOn: [crds, release, d.nodeRole] },
    );
    const nodePools = (c.args.nodePools ?? NODE_POOLS).map((p) => {
        const planned = planNodePool(p);
        return new k8s.apiextensions.CustomResource(
            `${name}-nodepool-${p.name}`,
            { apiVersion: planned.apiVersion, kind: planned.kind, metadata: { name: p.name }, spec: planned.spec },
            { parent, provider: d.provider, dependsOn: [nodeClass] },
        );
    });
    return { queue, nodeRole: d.nodeRole, controllerRole, crds, release, nodeClass, nodePools };
}
