/**
 * The platform charts on the on-demand `critical` pool: KEDA, ArgoCD with its root Application,
 * and the AWS Load Balancer Controller with the TargetGroupBinding that attaches the api-gateway
 * pods to the edge's target group.
 */
import { mergeValues, pinnedImageValues } from "../common/images";
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { API_GATEWAY_PORT, service as catalogueService } from "../catalogue";
import { awsName } from "../common/context";
import { planAdmissionPolicies } from "./admission-plan";
import { NODE_POOLS, defaultGitops } from "./defaults";
import { loadBalancerControllerPolicy } from "./iam-plan";
import { PLATFORM_POOL, poolPlacement } from "./karpenter-plan";
import { declareRole, irsaTrustOf } from "./roles";
import { EksScope, chartVersions } from "./scope";
import { ARGOCD_NAMESPACE, GitOpsSource, IRSA_ANNOTATION, POD_SECURITY, podSecurityLabels, planAppProjects, planLockedDefaultProject, planRootApplication, planTargetGroupBinding, repositorySecretData, serviceNamespaces } from "./workloads-plan";

const LBC_SA = "aws-load-balancer-controller";
/** Seconds an atomic platform release may take before Helm rolls it back. */
export const PLATFORM_RELEASE_TIMEOUT = 600;

/** KEDA, ArgoCD (+ root Application) and the AWS Load Balancer Controller, on the on-demand `critical` pool. */
export function declarePlatformCharts(c: EksScope, d: { cluster: eks.Cluster; nodeSecurityGroup: aws.ec2.SecurityGroup; provider: k8s.Provider; after: pulumi.Resource[] }) {
    const { ctx, parent, name } = c;
    const versions = chartVersions(c.args);
    const opts = { parent, provider: d.provider, dependsOn: d.after };
    if (!(c.args.nodePools ?? NODE_POOLS).some((p) => p.name === PLATFORM_POOL)) {
        throw new pulumi.ResourceError(`EksCluster ${name}: nodePools has no "${PLATFORM_POOL}" pool, which KEDA, ArgoCD and the Load Balancer Controller run on`, parent);
    }
    const placement = poolPlacement(PLATFORM_POOL, c.args.nodePools ?? NODE_POOLS);

    // The charts' namespaces are the platform's, with their Pod Security labels (Helm's createNamespace cannot label).
    const namespace = (ns: "keda" | "argocd") =>
        new k8s.core.v1.Namespace(`${name}-ns-${ns}`, { metadata: { name: ns, labels: { "app.kubernetes.io/part-of": "platform", ...podSecurityLabels(POD_SECURITY[ns]) } } }, { parent, provider: d.provider });
    const kedaNamespace = namespace("keda");
    const argocdNamespace = namespace(ARGOCD_NAMESPACE);
    new k8s.helm.v3.Release(
        `${name}-keda`,
        {
            name: "keda",
            chart: "keda",
            repositoryOpts: { repo: "https://kedacore.github.io/charts" },
            version: versions.keda,
            namespace: kedaNamespace.metadata.name,
            atomic: true,
            // A fresh on-demand `critical` node and the image pulls can outlast Helm's 300 s default.
            timeout: PLATFORM_RELEASE_TIMEOUT,
            values: { ...placement, ...pinnedImageValues(["keda", "keda-metrics-apiserver", "keda-admission-webhooks"]) },
        },
        opts,
    );

    const argocd = new k8s.helm.v3.Release(
        `${name}-argocd`,
        {
            name: "argocd",
            chart: "argo-cd",
            repositoryOpts: { repo: "https://argoproj.github.io/argo-helm" },
            version: versions.argocd,
            namespace: argocdNamespace.metadata.name,
            atomic: true,
            // A fresh on-demand `critical` node and the image pulls can outlast Helm's 300 s default.
            timeout: PLATFORM_RELEASE_TIMEOUT,
            values: mergeValues({ global: placement, dex: { enabled: false }, server: { service: { type: "ClusterIP" } } }, pinnedImageValues(["argocd", "argocd-redis"])),
        },
        opts,
    );
    const gitops = c.args.gitops ?? defaultGitops(ctx.region);
    const afterArgocd = { parent, provider: d.provider, dependsOn: [argocd] };
    const projects = planAppProjects(gitops, serviceNamespaces()).map(
        (p) => new k8s.apiextensions.CustomResource(`${name}-argocd-project-${p.metadata.name}`, { apiVersion: p.apiVersion, kind: p.kind, metadata: p.metadata, spec: p.spec }, afterArgocd),
    );
    // ArgoCD creates `default` at start-up: apply the emptied spec over it, taking its fields over.
    const locked = planLockedDefaultProject();
    const defaultProject = new k8s.apiextensions.CustomResourcePatch(
        `${name}-argocd-project-default`,
        { apiVersion: locked.apiVersion, kind: locked.kind, metadata: { ...locked.metadata, annotations: { "pulumi.com/patchForce": "true" } }, spec: locked.spec },
        afterArgocd,
    );
    const credentials = gitops.credentialsSecretArn ? [declareRepositorySecret(c, gitops, gitops.credentialsSecretArn, d.provider, argocd)] : [];
    // In force before ArgoCD syncs anything: no Service or Ingress exposes pods outside the WAF, and
    // no Application leaves the mall's AppProjects.
    const admission = planAdmissionPolicies();
    const k8sOpts = { parent, provider: d.provider };
    const admissionPolicies = admission.policies.map((p) => new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(`${name}-vap-${p.metadata.name}`, { metadata: p.metadata, spec: p.spec }, k8sOpts));
    const admissionBindings = admission.bindings.map(
        (b, i) => new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(`${name}-vapb-${b.metadata.name}`, { metadata: b.metadata, spec: b.spec }, { ...k8sOpts, dependsOn: [admissionPolicies[i]] }),
    );
    const root = planRootApplication(gitops);
    new k8s.apiextensions.CustomResource(
        `${name}-argocd-root`,
        { apiVersion: root.apiVersion, kind: root.kind, metadata: root.metadata, spec: root.spec },
        { parent, provider: d.provider, dependsOn: [argocd, ...projects, defaultProject, ...credentials, ...admissionBindings] },
    );

    const lbcPolicy = pulumi
        .all([d.nodeSecurityGroup.id, c.args.network.vpcId, ctx.accountId, c.args.apiGatewayTargetGroupArn])
        .apply(([sg, vpcId, accountId, tg]) =>
            JSON.stringify(loadBalancerControllerPolicy({ region: ctx.region, accountId, nodeSecurityGroupId: sg, vpcId, targetGroupArn: tg })),
        );
    const lbcRole = declareRole(c, "lbc-role", awsName(ctx, "aws-load-balancer-controller"), { trust: irsaTrustOf(d.cluster, "kube-system", LBC_SA), inline: lbcPolicy }).role;
    const loadBalancerController = new k8s.helm.v3.Release(
        `${name}-aws-load-balancer-controller`,
        {
            name: "aws-load-balancer-controller",
            chart: "aws-load-balancer-controller",
            repositoryOpts: { repo: "https://aws.github.io/eks-charts" },
            version: versions.awsLoadBalancerController,
            namespace: "kube-system",
            atomic: true,
            // A fresh on-demand `critical` node and the image pulls can outlast Helm's 300 s default.
            timeout: PLATFORM_RELEASE_TIMEOUT,
            values: mergeValues({
                clusterName: c.clusterName,
                region: ctx.region,
                // Given explicitly: pods cannot reach IMDS (hop limit 1) to discover them.
                vpcId: c.args.network.vpcId,
                replicaCount: 2,
                serviceAccount: { name: LBC_SA, annotations: { [IRSA_ANNOTATION]: lbcRole.arn } },
                // A LoadBalancer Service (refused by the mall-no-exposed-services admission policy
                // unless allow-listed) is then the controller's, which has no permission to create a
                // load balancer, instead of the legacy cloud provider's internet-facing Classic LB:
                // it fails closed. Ignore, not Fail: while the controller is down (its own first
                // install included) every Service create would fail; the admission policy still holds.
                enableServiceMutatorWebhook: true,
                serviceMutatorWebhookConfig: { failurePolicy: "Ignore" },
                ...placement,
            }, pinnedImageValues(["aws-load-balancer-controller"])),
        },
        opts,
    );
    return { argocd, loadBalancerController };
}

/**
 * ArgoCD's repository secret for the GitOps repository, from the credential document in Secrets
 * Manager (read at deploy time; the values reach Pulumi state encrypted, as every secret input does).
 */
function declareRepositorySecret(c: EksScope, gitops: GitOpsSource, secretArn: string, provider: k8s.Provider, argocd: pulumi.Resource): k8s.core.v1.Secret {
    const document = aws.secretsmanager.getSecretVersionOutput({ secretId: secretArn, region: arnRegion(secretArn) }, { parent: c.parent });
    return new k8s.core.v1.Secret(
        `${c.name}-argocd-repository`,
        {
            metadata: { name: "mall-gitops-repository", namespace: ARGOCD_NAMESPACE, labels: { "argocd.argoproj.io/secret-type": "repository" } },
            stringData: pulumi.secret(document.secretString.apply((doc) => repositorySecretData(gitops, secretArn, doc))),
        },
        { parent: c.parent, provider, dependsOn: [argocd] },
    );
}

/** The region of an ARN (`arn:aws:<service>:<region>:…`). */
function arnRegion(arn: string): string {
    return arn.split(":")[3];
}

/**
 * Attaches the api-gateway pods to the edge's target group. The port is the ingress target
 * group's (one port end to end); the controller opens the node group to the origin ALB's security group
 * (or, without one, the VPC CIDR) on it.
 */
export function declareApiGatewayBinding(
    c: EksScope,
    d: { provider: k8s.Provider; targetGroupArn: pulumi.Input<string>; loadBalancerController: pulumi.Resource; namespace: pulumi.Resource },
): k8s.apiextensions.CustomResource {
    const gateway = catalogueService("api-gateway");
    const port = c.args.apiGatewayServicePort ?? API_GATEWAY_PORT;
    const spec = pulumi
        .all([d.targetGroupArn, c.args.apiGatewayLoadBalancerSecurityGroupId, c.args.network.vpcCidr])
        .apply(([targetGroupArn, sg, cidr]) => planTargetGroupBinding({ targetGroupArn, port, from: sg ? { securityGroupId: sg } : { cidr } }, gateway).spec);
    return new k8s.apiextensions.CustomResource(
        `${c.name}-api-gateway-tgb`,
        { apiVersion: "elbv2.k8s.aws/v1beta1", kind: "TargetGroupBinding", metadata: { name: gateway.name, namespace: gateway.domain }, spec },
        // The controller's validating webhook refuses a change of spec.targetGroupARN ("update may
        // not change these fields", targetgroupbinding_validator.go): a new target group (the NLB →
        // ALB move, or any TG replacement) replaces the binding, the old one first (same name).
        { parent: c.parent, provider: d.provider, dependsOn: [d.loadBalancerController, d.namespace], replaceOnChanges: ["spec.targetGroupARN"], deleteBeforeReplace: true },
    );
}
