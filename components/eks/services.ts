/**
 * The 20 services (ARCHITECTURE §3): namespaces by domain, and per service an IRSA role with its
 * least-privilege policy, a ServiceAccount and a PodDisruptionBudget, all from the catalogue.
 */
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SERVICES, service as catalogueService } from "../catalogue";
import { awsName } from "../common/context";
import { planServicePolicy } from "./iam-plan";
import { planNetworkPolicies } from "./network-policy-plan";
import { declareRole, irsaTrustOf } from "./roles";
import { EksScope } from "./scope";
import { IRSA_ANNOTATION, POD_SECURITY, planServiceWorkloads, podSecurityLabels, serviceNamespaces } from "./workloads-plan";

/** The LB Controller's pod readiness gate: pods behind a TargetGroupBinding turn Ready only once their target is healthy. */
export const READINESS_GATE_LABEL = "elbv2.k8s.aws/pod-readiness-gate-inject";

/**
 * A domain namespace's labels. The api-gateway's domain (its pods are origin ALB targets) gets the
 * readiness gate, so a rolling update never sends traffic to draining or unregistered targets.
 */
export function namespaceLabels(ns: string): Record<string, string> {
    return { "mall.io/domain": ns, ...podSecurityLabels(POD_SECURITY.services), ...(ns === catalogueService("api-gateway").domain ? { [READINESS_GATE_LABEL]: "enabled" } : {}) };
}

/** The ConfigMap a service's pods mount (envFrom): its stores' endpoints, write paths and secret ARNs. */
export function serviceConfigMapName(service: string): string {
    return `${service}-data`;
}

/** The 20 services: namespaces by domain, an IRSA role + ServiceAccount and a PDB per service. */
export function declareServices(c: EksScope, d: { cluster: eks.Cluster; provider: k8s.Provider }) {
    const { ctx, parent, name } = c;
    const k8sOpts = { parent, provider: d.provider };
    const namespaces = Object.fromEntries(
        serviceNamespaces().map((ns) => [
            ns,
            new k8s.core.v1.Namespace(`${name}-ns-${ns}`, { metadata: { name: ns, labels: namespaceLabels(ns) } }, k8sOpts),
        ]),
    ) as Record<string, k8s.core.v1.Namespace>;
    const refs = c.args.storeRefs ?? {};
    const roleArns: Record<string, pulumi.Output<string>> = {};
    for (const w of planServiceWorkloads()) {
        const spec = SERVICES.find((s) => s.name === w.service)!;
        const policy = pulumi
            .all([pulumi.output(refs), ctx.accountId])
            .apply(([plainRefs, accountId]) => JSON.stringify(planServicePolicy(spec, plainRefs, { region: ctx.region, accountId })));
        const role = declareRole(c, `svc-${w.service}-role`, awsName(ctx, w.roleSuffix), {
            trust: irsaTrustOf(d.cluster, w.namespace, w.serviceAccountName),
            inline: policy,
            service: w.service,
        }).role;
        roleArns[w.service] = role.arn;
        const nsOpts = { ...k8sOpts, dependsOn: [namespaces[w.namespace]] };
        new k8s.core.v1.ServiceAccount(
            `${name}-sa-${w.service}`,
            {
                metadata: {
                    name: w.serviceAccountName,
                    namespace: w.namespace,
                    labels: { ...w.selector, "mall.io/domain": w.namespace },
                    annotations: { [IRSA_ANNOTATION]: role.arn },
                },
                // No Kubernetes API token in the services' pods: they never call the API, and their
                // NetworkPolicies admit 443 to the private subnets, where the control plane's ENIs sit.
                // IRSA is unaffected (its webhook projects its own token for STS).
                automountServiceAccountToken: false,
            },
            nsOpts,
        );
        if (c.args.serviceConfig) {
            new k8s.core.v1.ConfigMap(
                `${name}-cm-${w.service}`,
                {
                    metadata: { name: serviceConfigMapName(w.service), namespace: w.namespace, labels: { ...w.selector, "mall.io/domain": w.namespace } },
                    data: pulumi.output(c.args.serviceConfig).apply((all) => {
                        const data = all[w.service];
                        if (!data) throw new Error(`serviceConfig has no entry for ${w.service}`);
                        return { ...data };
                    }),
                },
                nsOpts,
            );
        }
        new k8s.policy.v1.PodDisruptionBudget(
            `${name}-pdb-${w.service}`,
            { metadata: { name: w.service, namespace: w.namespace }, spec: { minAvailable: w.minAvailable, selector: { matchLabels: { ...w.selector } } } },
            nsOpts,
        );
    }
    if (c.args.networkPolicies) {
        for (const np of planNetworkPolicies({ ...c.args.networkPolicies, namespaces: serviceNamespaces() })) {
            new k8s.networking.v1.NetworkPolicy(
                `${name}-netpol-${np.metadata.namespace}-${np.metadata.name}`,
                { metadata: np.metadata, spec: np.spec as k8s.types.input.networking.v1.NetworkPolicySpec },
                { ...k8sOpts, dependsOn: [namespaces[np.metadata.namespace]] },
            );
        }
    }
    return { roleArns, namespaces };
}
