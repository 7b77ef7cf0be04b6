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

/** A service's IRSA role name after the region (`awsName(ctx, serviceRoleSuffix(service))`): the data keys name it too. */
export function serviceRoleSuffix(service: string): string {
    return `svc-${service}`;
}

export function planServiceWorkloads(services: readonly ServiceSpec[] = SERVICES): ServiceWorkload[] {
    return services.map((s) => ({
        service: s.name,
        namespace: s.domain,
        serviceAccountName: s.name,
        roleSuffix: serviceRoleSuffix(s.name),
        minAvailable: s.minAvailable,
        selector: { [APP_LABEL]: s.name },
    }));
}

/** Pod Security Standards levels (https://kubernetes.io/docs/concepts/security/pod-security-standards/). */
export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

/**
 * The Pod Security admission level each namespace the platform creates enforces, and the one it
 * warns and audits at. The services' namespaces enforce `restricted` (their manifests come from the
 * GitOps repository: no privileged, hostNetwork or hostPath pod, which would defeat the IMDS hop
 * limit and reach the node's credentials). The platform charts' namespaces enforce `baseline`, the
 * level their pods are built for, and warn at `restricted`; the observability namespace runs the
 * node exporter (host network, PID and filesystem), so it stays `privileged` and warns at `baseline`.
 * kube-system is EKS's and keeps its default.
 */
export const POD_SECURITY: Readonly<Record<"services" | "argocd" | "keda" | "observability", { readonly enforce: PodSecurityLevel; readonly warn: PodSecurityLevel }>> = {
    services: { enforce: "restricted", warn: "restricted" },
    argocd: { enforce: "baseline", warn: "restricted" },
    keda: { enforce: "baseline", warn: "restricted" },
    observability: { enforce: "privileged", warn: "baseline" },
};

/** The namespace labels of a Pod Security level: enforce, and warn and audit at `warn`. */
export function podSecurityLabels(level: { readonly enforce: PodSecurityLevel; readonly warn: PodSecurityLevel }): Record<string, string> {
    return {
        "pod-security.kubernetes.io/enforce": level.enforce,
        "pod-security.kubernetes.io/warn": level.warn,
        "pod-security.kubernetes.io/audit": level.warn,
    };
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
    /**
     * A Secrets Manager secret (ARN) holding the repository's read credentials as JSON: a deploy key
     * (`sshPrivateKey`), a GitHub App (`githubAppID`, `githubAppInstallationID`,
     * `githubAppPrivateKey`) or `username`/`password`. Unset: the repository is read anonymously.
     */
    readonly credentialsSecretArn?: string;
}

export const ARGOCD_NAMESPACE = "argocd";

/** The in-cluster API server, the only destination ArgoCD deploys to. */
const IN_CLUSTER = "https://kubernetes.default.svc";

/**
 * The AppProjects the GitOps repository deploys through. `root` may only create Applications in
 * ArgoCD's namespace (the app-of-apps); `services` may deploy the repository's namespaced objects
 * into the service namespaces, never a cluster-scoped kind and never what the platform owns.
 * ArgoCD's `default` project, which allows everything, is emptied (planLockedDefaultProject), so
 * an Application naming it deploys nothing.
 */
export const GITOPS_PROJECTS = { root: "mall-root", services: "mall-services" } as const;

/**
 * Namespaced kinds a GitOps commit may not create in a service namespace, because the platform owns
 * them and a second one would widen what it grants: NetworkPolicies add up (one allow opens the
 * namespace's default deny), ServiceAccounts carry the IRSA roles, quotas, limits and RBAC are the
 * platform's to set, the TargetGroupBinding decides what the origin ALB reaches, and ArgoCD's kinds
 * would let a commit define its own project. Cluster-scoped kinds are all refused (an empty
 * cluster allow-list).
 */
export const GITOPS_DENIED_KINDS: readonly { readonly group: string; readonly kind: string }[] = [
    { group: "networking.k8s.io", kind: "NetworkPolicy" },
    { group: "", kind: "ServiceAccount" },
    { group: "", kind: "ResourceQuota" },
    { group: "", kind: "LimitRange" },
    { group: "rbac.authorization.k8s.io", kind: "Role" },
    { group: "rbac.authorization.k8s.io", kind: "RoleBinding" },
    // The api-gateway's binding to the origin ALB's target group is the platform's too: another would
    // register any pod as an origin target.
    { group: "elbv2.k8s.aws", kind: "TargetGroupBinding" },
    // ArgoCD's own kinds (Applications, AppProjects, ApplicationSets): only the root creates Applications.
    { group: "argoproj.io", kind: "*" },
];

/** An `argoproj.io/v1alpha1` AppProject (no model package types it: @kubernetes-models/argo-cd has none). */
export interface AppProject {
    readonly apiVersion: "argoproj.io/v1alpha1";
    readonly kind: "AppProject";
    readonly metadata: { readonly name: string; readonly namespace: string };
    readonly spec: {
        readonly description?: string;
        readonly sourceRepos: readonly string[];
        readonly destinations: readonly { readonly server: string; readonly namespace: string }[];
        readonly clusterResourceWhitelist: readonly { readonly group: string; readonly kind: string }[];
        readonly namespaceResourceWhitelist?: readonly { readonly group: string; readonly kind: string }[];
        readonly namespaceResourceBlacklist?: readonly { readonly group: string; readonly kind: string }[];
    };
}

/** The two projects the GitOps repository deploys through (GITOPS_PROJECTS), for `namespaces` (the service namespaces). */
export function planAppProjects(src: Pick<GitOpsSource, "repoUrl">, namespaces: readonly string[]): AppProject[] {
    const project = (name: string, spec: AppProject["spec"]): AppProject => ({ apiVersion: "argoproj.io/v1alpha1", kind: "AppProject", metadata: { name, namespace: ARGOCD_NAMESPACE }, spec });
    return [
        project(GITOPS_PROJECTS.root, {
            description: "The app-of-apps: Applications in the argocd namespace, nothing else",
            sourceRepos: [src.repoUrl],
            destinations: [{ server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE }],
            clusterResourceWhitelist: [],
            namespaceResourceWhitelist: [{ group: "argoproj.io", kind: "Application" }],
        }),
        project(GITOPS_PROJECTS.services, {
            description: "The services' workloads: namespaced objects in the service namespaces, none the platform owns",
            sourceRepos: [src.repoUrl],
            destinations: namespaces.map((namespace) => ({ server: IN_CLUSTER, namespace })),
            clusterResourceWhitelist: [],
            namespaceResourceBlacklist: GITOPS_DENIED_KINDS,
        }),
    ];
}

/**
 * ArgoCD's `default` project, emptied (the lockdown ArgoCD's docs recommend): no source, no
 * destination, no cluster kind, so an Application that names it, which any commit to the GitOps
 * repository could add, deploys nothing. ArgoCD creates the project itself at start-up; this is
 * applied over it (server-side apply).
 */
export function planLockedDefaultProject(): AppProject {
    return {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "AppProject",
        metadata: { name: "default", namespace: ARGOCD_NAMESPACE },
        spec: { description: "Locked: deploys nothing (the mall's Applications use mall-root and mall-services)", sourceRepos: [], destinations: [], clusterResourceWhitelist: [] },
    };
}

/** The credential shapes ArgoCD reads from a repository secret, by the fields each needs. */
const CREDENTIAL_SHAPES: readonly (readonly string[])[] = [["sshPrivateKey"], ["githubAppID", "githubAppInstallationID", "githubAppPrivateKey"], ["username", "password"]];

/**
 * The `stringData` of ArgoCD's repository secret (label `argocd.argoproj.io/secret-type:
 * repository`) from the credential document in Secrets Manager; throws, naming the secret and the
 * accepted shapes, when the document is not one of them.
 */
export function repositorySecretData(src: Pick<GitOpsSource, "repoUrl">, secretArn: string, document: string): Record<string, string> {
    let parsed: unknown;
    try {
        parsed = JSON.parse(document);
    } catch {
        parsed = undefined;
    }
    const shapes = CREDENTIAL_SHAPES.map((s) => `{${s.join(", ")}}`).join(" or ");
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new Error(`GitOps credentials ${secretArn} must hold a JSON object: ${shapes}`);
    }
    const doc = parsed as Record<string, unknown>;
    const shape = CREDENTIAL_SHAPES.find((fields) => fields.every((f) => typeof doc[f] === "string" || typeof doc[f] === "number"));
    if (!shape) throw new Error(`GitOps credentials ${secretArn} hold the fields ${Object.keys(doc).sort().join(", ") || "(none)"}; ArgoCD needs ${shapes}`);
    const ssh = !/^https:\/\//.test(src.repoUrl);
    if (ssh !== (shape[0] === "sshPrivateKey")) {
        throw new Error(`GitOps credentials ${secretArn} hold ${shape.join("/")}, which ArgoCD cannot use for ${src.repoUrl}: a deploy key needs an ssh URL (git@… or ssh://…), a GitHub App or a password an https URL`);
    }
    return { type: "git", url: src.repoUrl, ...Object.fromEntries(shape.map((f) => [f, String(doc[f])])) };
}

/**
 * The app-of-apps root: ArgoCD syncs `path` of the GitOps repo, which holds one Application per
 * service (Deployments, Services, HPAs, KEDA ScaledObjects), each in project `mall-services`.
 * Automated with prune and self-heal so the repo is the only source of truth for workloads.
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
            project: GITOPS_PROJECTS.root,
            source: { repoURL: src.repoUrl, targetRevision: src.revision, path: src.path, directory: { recurse: true } },
            destination: { server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE },
            syncPolicy: {
                automated: { prune: true, selfHeal: true },
                // No CreateNamespace: the namespaces are the platform's (an AppProject allows no cluster-scoped kind).
                syncOptions: ["ServerSideApply=true"],
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
