/**
 * The cluster's IAM roles: one builder for every role, trusted by an AWS service or (IRSA) by one
 * Kubernetes service account, with AWS managed policies and an optional inline policy.
 */
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import { irsaTrustPolicy } from "../common/trust";
import { tagsFor } from "../common/tags";
import { COMPONENT, EksScope, SERVICE } from "./scope";

export interface DeclaredRole {
    readonly role: aws.iam.Role;
    /** The managed-policy attachments, for `dependsOn` where a consumer needs the permissions in place. */
    readonly attachments: aws.iam.RolePolicyAttachment[];
}

export interface RoleSpec {
    /** The trust policy document, serialised. */
    readonly trust: pulumi.Input<string>;
    /** AWS managed policies, as the path after `arn:aws:iam::aws:policy/`. @default [] */
    readonly managed?: readonly string[];
    /** An inline policy (named like the role). @default - none */
    readonly inline?: pulumi.Input<string>;
    /** The owning service (tags). @default "eks" */
    readonly service?: string;
}

/** `<name>-<n>` with its attachments `<name>-<n>-<policy>` and inline policy `<name>-<n>-policy`. */
export function declareRole(c: EksScope, n: string, roleName: string, spec: RoleSpec): DeclaredRole {
    const role = new aws.iam.Role(
        `${c.name}-${n}`,
        { name: roleName, assumeRolePolicy: spec.trust, tags: tagsFor(c.ctx, spec.service ?? SERVICE, COMPONENT, {}, roleName) },
        { parent: c.parent },
    );
    const attachments = (spec.managed ?? []).map(
        (p) => new aws.iam.RolePolicyAttachment(`${c.name}-${n}-${p.split("/").pop()}`, { role: role.name, policyArn: `arn:aws:iam::aws:policy/${p}` }, { parent: c.parent }),
    );
    if (spec.inline !== undefined) {
        new aws.iam.RolePolicy(`${c.name}-${n}-policy`, { role: role.name, name: roleName, policy: spec.inline }, { parent: c.parent });
    }
    return { role, attachments };
}

/** The trust of one service account through the cluster's OIDC provider, serialised. */
export function irsaTrustOf(cluster: eks.Cluster, namespace: string, serviceAccount: string): pulumi.Output<string> {
    return irsaTrustPolicy(cluster.oidcProviderArn, cluster.oidcProviderUrl, namespace, serviceAccount);
}
