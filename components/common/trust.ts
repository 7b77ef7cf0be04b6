/**
 * The trust policy of a role an AWS service assumes, serialised for `assumeRolePolicy`: the one
 * call every component makes. `sourceAccount: true` pins the trust to the stack's account with
 * `aws:SourceAccount` (the confused-deputy guard), `sourceArn` adds `aws:SourceArn` where the
 * service documents sending it; each call site says whether it has them, so the guard's coverage is
 * visible in one grep. The trusts without it are listed, with why, in docs/security.md.
 */
import * as pulumi from "@pulumi/pulumi";
import { RegionContext } from "./context";
import { irsaTrust, serviceTrust } from "./iam";

export function serviceTrustPolicy(
    ctx: Pick<RegionContext, "accountId">,
    principal: string,
    options: { readonly sourceAccount?: boolean; readonly sourceArn?: (account: string) => string } = {},
): pulumi.Output<string> {
    return pulumi
        .output(ctx.accountId)
        .apply((account) => JSON.stringify(serviceTrust(principal, { ...(options.sourceAccount ? { sourceAccount: account } : {}), ...(options.sourceArn ? { sourceArn: options.sourceArn(account) } : {}) })));
}

/** The trust of one Kubernetes service account through a cluster's OIDC provider (IRSA), serialised. */
export function irsaTrustPolicy(oidcProviderArn: pulumi.Input<string>, oidcProviderUrl: pulumi.Input<string>, namespace: string, serviceAccount: string): pulumi.Output<string> {
    return pulumi.all([oidcProviderArn, oidcProviderUrl]).apply(([arn, url]) => JSON.stringify(irsaTrust(arn, url, namespace, serviceAccount)));
}
