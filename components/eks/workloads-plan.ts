/**
 * The Kubernetes objects the cluster declares for the 20 services and for GitOps, as plain
 * records: one namespace per domain, a ServiceAccount (IRSA) and a PodDisruptionBudget per
 * service, the ArgoCD root Application (typed with `@kubernetes-models/argo-cd`) and the
 * TargetGroupBinding that attaches the edge's origin ALB target group to the api-gateway pods. Pure: no
 * Pulumi or AWS imports.
 */
import type { IApplication } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";
import { DOMAINS, Domain, SERVICES, ServiceSpec } from "../catalogue";

/** The label every service's pods carry; PDBs and Services select on it. */
export const APP_LABEL = "app.kubernetes.io/name";

export const IRSA_ANNOTATION = "eks.amazonaws.com/role-arn";

export interface ServiceWorkload {
    readonly service: string;
    readonly namespace: Domain;
    readonly serviceAccountName: string;
    /** Suffix of the service's IAM role name (`awsName(ctx, roleSuffix)`). */
    readonly roleSuffix: string;
    readonly minAvailable: number;
    readonly selector: Readonly<Record<string, string>>;
}

export function planServiceWorkloads(services: readonly ServiceSpec[] = SERVICES): ServiceWorkload[] {
    return services.map((s) => ({
        service: s.name,
        namespace: s.domain,
        serviceAccountName: s.name,
        roleSuffix: `svc-${s.name}`,
        minAvailable: s.minAvailable,
        selector: { [APP_LABEL]: s.name },
    }));
}

/** The namespaces the services run in: one per domain that has a service. */
export function serviceNamespaces(services: readonly ServiceSpec[] = SERVICES): Domain[] {
    return DOMAINS.filter((d) => services.some((s) => s.domain === d));
}

/** Where ArgoCD's root app-of-apps reads the cluster's applications. */
export interface GitOpsSource {
    /** The Git repository (https or ssh URL). */
    readonly repoUrl: string;
    /** The branch, tag or commit it syncs. */
    readonly revision: string;
    /** The directory of this cluster's Applications, e.g. `clusters/us-east-1`. */
    readonly path: string;
}

export const ARGOCD_NAMESPACE = "argocd";

/**
 * The app-of-apps root: ArgoCD syncs `path` of the GitOps repo, which holds one Application per
 * service (Deployments, Services, HPAs, KEDA ScaledObjects). Automated with prune and self-heal so
 * the repo is the only source of truth for workloads.
 */
export function planRootApplication(src: GitOpsSource): IApplication {
    return {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata: {
            name: "root",
            namespace: ARGOCD_NAMESPACE,
            // Deleting the root cascades to the apps it created, not just the Application object.
            finalizers: ["resources-finalizer.argocd.argoproj.io"],
        },
        spec: {
            project: "default",
            source: { repoURL: src.repoUrl, targetRevision: src.revision, path: src.path, directory: { recurse: true } },
            destination: { server: "https://kubernetes.default.svc", namespace: ARGOCD_NAMESPACE },
            syncPolicy: {
                automated: { prune: true, selfHeal: true },
                syncOptions: ["CreateNamespace=true", "ServerSideApply=true"],
                retry: { limit: 5, backoff: { duration: "10s", factor: 2, maxDuration: "5m" } },
            },
        },
    };
}

export interface TargetGroupBindingInputs {
    readonly targetGroupArn: string;
    /** The api-gateway Service port (and pod port) the target group forwards to. */
    readonly port: number;
    /** Who may reach the pods: the origin ALB's security group when it has one, else the VPC CIDR (the load balancer's private IPs). */
    readonly from: { readonly securityGroupId: string } | { readonly cidr: string };
}

/**
 * `elbv2.k8s.aws/v1beta1` TargetGroupBinding: the AWS Load Balancer Controller registers the
 * api-gateway pod IPs in the edge's origin ALB target group (IP targets) and opens the node security
 * group to the ALB on the pod port. No CRD model package exists for it, hence the local type.
 */
export interface TargetGroupBinding {
    readonly apiVersion: "elbv2.k8s.aws/v1beta1";
    readonly kind: "TargetGroupBinding";
    readonly metadata: { readonly name: string; readonly namespace: string };
    readonly spec: {
        readonly serviceRef: { readonly name: string; readonly port: number };
        readonly targetGroupARN: string;
        readonly targetType: "ip";
        readonly networking: {
            readonly ingress: readonly {
                readonly from: readonly ({ readonly securityGroup: { readonly groupID: string } } | { readonly ipBlock: { readonly cidr: string } })[];
                readonly ports: readonly { readonly protocol: "TCP"; readonly port: number }[];
            }[];
        };
    };
}

export function planTargetGroupBinding(i: TargetGroupBindingInputs, gateway: ServiceSpec): TargetGroupBinding {
    return {
        apiVersion: "elbv2.k8s.aws/v1beta1",
        kind: "TargetGroupBinding",
        metadata: { name: gateway.name, namespace: gateway.domain },
        spec: {
            serviceRef: { name: gateway.name, port: i.port },
            targetGroupARN: i.targetGroupArn,
            targetType: "ip",
            networking: {
                ingress: [
                    {
                        from: ["securityGroupId" in i.from ? { securityGroup: { groupID: i.from.securityGroupId } } : { ipBlock: { cidr: i.from.cidr } }],
                        ports: [{ protocol: "TCP", port: i.port }],
                    },
                ],
            },
        },
    };
}
