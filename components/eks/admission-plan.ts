/**
 * In-cluster exposure (security review S10): a Service of type LoadBalancer or NodePort, an
 * Ingress, or a Service with externalIPs would expose pods outside CloudFront and the WAF, and
 * AWS would create the load balancer outside Pulumi and the policy pack (the legacy cloud
 * provider makes an internet-facing Classic LB open to 0.0.0.0/0 in the ELB-tagged public
 * subnets). Two `ValidatingAdmissionPolicy` objects refuse them at admission, whoever creates
 * them (a GitOps commit, a chart default, kubectl), unless the object is on the allow-list.
 * A third policy keeps every ArgoCD Application in the mall's AppProjects. Pure: the records the
 * component declares, and the expressions test/eks/admission.spec.ts evaluates with a CEL interpreter.
 */
import { GITOPS_PROJECTS } from "./workloads-plan";

/** The AppProjects an ArgoCD Application may name (workloads-plan.ts GITOPS_PROJECTS). */
const ARGOCD_PROJECTS = Object.values(GITOPS_PROJECTS);

/** `<namespace>/<name>` of the Services and Ingresses that may expose themselves: none today (the edge is CloudFront → the origin ALB → a TargetGroupBinding). */
export const EXPOSURE_ALLOW_LIST: readonly string[] = [];

export interface Validation {
    readonly expression: string;
    readonly messageExpression: string;
    readonly reason: "Forbidden";
}

export interface AdmissionPolicy {
    readonly apiVersion: "admissionregistration.k8s.io/v1";
    readonly kind: "ValidatingAdmissionPolicy";
    readonly metadata: { readonly name: string };
    readonly spec: {
        readonly failurePolicy: "Fail";
        // Mutable arrays: the provider's input types (ValidatingAdmissionPolicySpec) take them as such.
        readonly matchConstraints: { readonly resourceRules: { apiGroups: string[]; apiVersions: string[]; operations: string[]; resources: string[] }[] };
        readonly validations: Validation[];
    };
}

export interface AdmissionPolicyBinding {
    readonly apiVersion: "admissionregistration.k8s.io/v1";
    readonly kind: "ValidatingAdmissionPolicyBinding";
    readonly metadata: { readonly name: string };
    readonly spec: { readonly policyName: string; readonly validationActions: ["Deny"] };
}

/** The CEL list literal of the allow-list, and the test that the admitted object is on it. */
function allowed(list: readonly string[]): string {
    return `[${list.map((e) => `'${e.replace(/'/g, "")}'`).join(", ")}].exists(a, a == object.metadata.namespace + '/' + object.metadata.name)`;
}

const WHERE = "the edge is CloudFront and the WAF in front of the origin ALB (a TargetGroupBinding to a ClusterIP Service), see docs/security.md";

/** The policies and their Deny bindings: Services (type and externalIPs), Ingresses, ArgoCD Applications' projects. */
export function planAdmissionPolicies(allowList: readonly string[] = EXPOSURE_ALLOW_LIST): { policies: AdmissionPolicy[]; bindings: AdmissionPolicyBinding[] } {
    const rule = (apiGroups: string[], resources: string[], apiVersion = "v1") => ({ apiGroups, apiVersions: [apiVersion], operations: ["CREATE", "UPDATE"], resources });
    /** A policy that fails closed on every matching create or update (`reason: Forbidden` on each validation). */
    const policy = (name: string, resourceRule: ReturnType<typeof rule>, validations: { expression: string; messageExpression: string }[]): AdmissionPolicy => ({
        apiVersion: "admissionregistration.k8s.io/v1",
        kind: "ValidatingAdmissionPolicy",
        metadata: { name },
        spec: { failurePolicy: "Fail", matchConstraints: { resourceRules: [resourceRule] }, validations: validations.map((v) => ({ ...v, reason: "Forbidden" })) },
    });
    const policies: AdmissionPolicy[] = [
        policy("mall-no-exposed-services", rule([""], ["services"]), [
            {
                expression: `!has(object.spec.type) || !(object.spec.type in ['LoadBalancer', 'NodePort']) || ${allowed(allowList)}`,
                messageExpression: `'Service ' + object.metadata.namespace + '/' + object.metadata.name + ' is of type ' + object.spec.type + ', which would expose it outside the WAF: ${WHERE}'`,
            },
            {
                expression: `!has(object.spec.externalIPs) || size(object.spec.externalIPs) == 0 || ${allowed(allowList)}`,
                messageExpression: `'Service ' + object.metadata.namespace + '/' + object.metadata.name + ' sets externalIPs, which any node would route to it (CVE-2020-8554): ${WHERE}'`,
            },
        ]),
        policy("mall-no-ingresses", rule(["networking.k8s.io"], ["ingresses"]), [
            {
                expression: allowed(allowList),
                messageExpression: `'Ingress ' + object.metadata.namespace + '/' + object.metadata.name + ' would make the Load Balancer Controller or another ingress controller expose it outside the WAF: ${WHERE}'`,
            },
        ]),
        policy("mall-argocd-projects", rule(["argoproj.io"], ["applications"], "v1alpha1"), [
            {
                // ArgoCD recreates `default` wide open if it is ever deleted: no Application may name it, or any project of its own.
                expression: `has(object.spec.project) && object.spec.project in [${ARGOCD_PROJECTS.map((p) => `'${p}'`).join(", ")}]`,
                messageExpression: `'Application ' + object.metadata.namespace + '/' + object.metadata.name + ' must use project ${ARGOCD_PROJECTS.join(" or ")}, which bound what the GitOps repository may deploy (docs/eks.md, GitOps trust)'`,
            },
        ]),
    ];
    const bindings: AdmissionPolicyBinding[] = policies.map((p) => ({
        apiVersion: "admissionregistration.k8s.io/v1",
        kind: "ValidatingAdmissionPolicyBinding",
        metadata: { name: p.metadata.name },
        spec: { policyName: p.metadata.name, validationActions: ["Deny"] },
    }));
    return { policies, bindings };
}
